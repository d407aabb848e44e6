-- date.unanchored-relative: relative dates ("yesterday", "on Monday", "last
-- month") in an article that has no dateline, so no reader of the archive
-- copy can tell which day they mean.
--
-- One finding per article: the primary span is the first relative date, the
-- others are related spans.  Articles that open with a wire dateline
-- ("LONDON, June 2 -") are anchored to a day and not reported.  JSON Lines
-- records without a date come from data sets that have none (a property of
-- the data set, not an editing slip): they are skipped unless the option
-- skip_undated_records is false.  Dates the extractor resolved (the article has a
-- dateline) and dates in boilerplate are ignored.

local MESSAGES = {
    one = "relative date '{{text}}' cannot be resolved: the article has no dateline",
    many = "relative date '{{text}}' cannot be resolved: the article has no dateline "
        .. "({{count}} relative dates in all)",
    other = "also relative: '{{text}}'",
}

local WIRE = factlint.re("^\\s*(?:[#*_]+\\s*)?[A-Z][A-Za-z .'-]*[A-Z],\\s+(?:[A-Z][a-z]+\\s+)?"
    .. "(?:Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\\.?\\s+\\d{1,2}\\s*[-\u{2013}\u{2014}]", "m")

-- Fills a message template's {{placeholders}} (for related-span messages).

return factlint.rule {
    id = "date.unanchored-relative",
    summary = "Relative dates in an article without a dateline",
    severity = "warning",
    scope = "article",
    tags = { "date", "dateline" },
    url = "docs/rules/date.unanchored-relative.md",
    needs = { "date" },
    messages = MESSAGES,
    options = {
        -- related spans listed in the finding at most
        max_related = 20,
        -- skip JSON Lines records that carry no date (undated data sets)
        skip_undated_records = true,
    },
    check = function(article, report, options)
        if article.dateline then
            return
        end
        -- a JSON Lines record without a date comes from a data set that has none:
        -- that is a property of the data set, reported once per record only on request
        if options.skip_undated_records and article.format == "jsonl" then
            return
        end
        -- a wire dateline ("LONDON, June 2 -") anchors the copy to a day even
        -- without a year: "Tuesday" then means the Tuesday before June 2
        local head = article:text(0, math.min(200, #article:text()))
        if WIRE:find(head) then
            return
        end
        local found = {}
        for f in article:facts("date") do
            if f.relative and not f.resolved and not article:is_boilerplate(f.offset) then
                found[#found + 1] = f
            end
        end
        if #found == 0 then
            return
        end
        local first = found[1]
        local related = {}
        for i = 2, #found do
            if #related >= options.max_related then
                break
            end
            related[#related + 1] = {
                fact = found[i],
                messageId = "other", data = { text = found[i].text },
            }
        end
        if #found == 1 then
            report { messageId = "one", data = { text = first.text }, fact = first }
        else
            report {
                messageId = "many",
                data = { text = first.text, count = #found },
                fact = first,
                related = related,
            }
        end
    end,
    tests = {
        valid = {
            { text = "The strike ended on Monday after the landlord agreed to carry out repairs.",
              dateline = "2021-03-10" },
            "The museum opened in 1998 and was extended in 2006, the trust said.",
            { text = "Ministers met yesterday and will meet again next week, officials said.",
              dateline = "2019-06-12" },
            "LONDON, June 2 - The regulator on Tuesday ordered the water company to repay customers.",
        },
        invalid = {
            { text = "The strike ended on Monday after the landlord agreed to carry out repairs.",
              errors = { { messageId = "one", line = 1 } } },
            { text = "The museum opened in 1998.\n\nThe deal was announced yesterday by the trust, "
                .. "which said work would start next week.",
              errors = { { messageId = "many", line = 3 } } },
            { text = "Prices rose last month, the agency said.\n\nThey are expected to rise again next month.",
              errors = { { messageId = "many", line = 1 } } },
        },
    },
}
