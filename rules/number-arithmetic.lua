-- number.arithmetic: arithmetic stated in the text that does not hold.
--
-- 1. "N years ago in YEAR" (the year right after "ago"): the dateline's year
--    minus YEAR must fit N and its
--    qualifier ("more than 1,200 years ago in 760" needs at least 1,200
--    years; "about" allows 10%, "almost" up to 10% less; a plain number one
--    year either way).  Needs a dateline.
-- 2. Parts larger than their total in one sentence: a count right after "of
--    whom", "of which", "including", "among them" or "among whom" (only a
--    determiner or qualifier between) that is larger than the closest count
--    of the same unit (or a broader one: children are people) before the
--    marker.  Money is left out: a net result can include a gain larger
--    than itself.
-- 3. Percentages starting right after "of whom" or "of which" ("of whom 70%
--    are women and 40% men") that add up to more than 100.
-- Sentences about a change ("rose", "from", "compared") are skipped.

-- Globals and library functions read in check are locals: in the rule
-- sandbox each global read is a call of the environment's __index.
local ipairs, tostring = ipairs, tostring
local max, min, abs = math.max, math.min, math.abs
local concat, sort = table.concat, table.sort
local format = string.format
local to_date = factlint.util.date
local sentences_containing = factlint.util.sentences_containing
local facts_followed_by = factlint.util.facts_followed_by

local NONE = {} -- (an empty list, never written)

local MESSAGES = {
    yearsAgo = "'{{text}}' in {{year}} does not fit the dateline: {{dateline_year}} - {{year}} = "
        .. "{{diff}} years",
    partExceedsTotal = "the part '{{part}}' is larger than the total '{{total}}' it belongs to",
    percentOver100 = "the shares {{list}} add up to {{sum}}%, more than the whole",
    total = "the total",
}

local MARKER = factlint.re("\\b(?:of whom|of which|including|among them|among whom)\\b", "i")
-- Parts of those words: a sentence without them has no MARKER match (these
-- are parts of every match under the same caseless matching), and most
-- articles have no sentence with a count or a share and one of them
-- (util.sentences_containing: one C call, without a Lua string of each
-- sentence).
local ANY_MARKER = { "cluding", "f wh", "mong " }
-- The kinds of fact that can be a part (a count of a total, a share).
local PART_KINDS = { "quantity", "percent" }
-- "N years ago in YEAR", "ago, in YEAR", "ago (in YEAR": the year dates the
-- same event.
local AGO_IN = factlint.re("^\\s+ago\\s*[,(]?\\s*(?:in|in the year)\\s+$", "i")
local SHARE_MARKER = factlint.re("^(?:of whom|of which)", "i")
-- What may stand between a marker and its figure.
local LEAD = factlint.re("^[\\s,:]*(?:(?:some|about|around|almost|nearly|roughly|approximately|"
    .. "more than|over|at least|up to|a|an|the|just|only)\\s+)*$", "i")
-- Sentences about a change compare figures rather than split one.
local CHANGE = factlint.re("\\b(?:rose|rise|risen|fell|fall|fallen|increased?|decreased?|grew|"
    .. "declined?|from|compared|versus|vs|against|up|down|soared|jumped|dropped)\\b", "i")

-- Units that are kinds of a broader unit.
local KIND_OF = {
    people = { children = true, women = true, men = true, adults = true, workers = true,
               staff = true, employees = true, students = true, passengers = true,
               residents = true, pupils = true, patients = true, civilians = true,
               soldiers = true, members = true, girls = true, boys = true },
}

local function fits(diff, v, q)
    if q == "more than" or q == "at least" or q == "or more" then
        return diff >= v
    elseif q == "almost" then
        return diff <= v and diff >= v - max(2, 0.1 * v)
    elseif q == "around" then
        return abs(diff - v) <= max(1, 0.1 * v)
    elseif q == "up to" or q == "less than" then
        return diff <= v
    end
    return abs(diff - v) <= 1
end

local function same_unit(total, part)
    if total.kind == "money" or part.kind == "money" then
        return total.kind == part.kind and total.currency and total.currency == part.currency
    end
    local tu, pu = total.unit, part.unit
    if not tu or not pu then
        return false
    end
    tu, pu = tu:lower(), pu:lower()
    return tu == pu or (KIND_OF[tu] and KIND_OF[tu][pu]) or false
end

-- The article methods check calls, as plain functions (rules/lib/article.lua).
local methods = factlint.require("article").methods

return factlint.rule {
    id = "number.arithmetic",
    summary = "Stated arithmetic does not hold (years ago, parts of a total)",
    severity = "error",
    scope = "article",
    tags = { "number", "arithmetic" },
    url = "docs/rules/number.arithmetic.md",
    -- "years ago" needs a duration, parts and shares two counts or shares:
    -- an article with none of them is not checked (a call costs even when
    -- it returns at once)
    needs = { "duration", "quantity", "percent" },
    messages = MESSAGES,
    check = function(article, report)
        -- Cheapest tests first, on the few facts that can start a finding:
        -- most articles have no "N years ago" and no marker at all, and
        -- then little more is read.  Article methods are called as
        -- functions (see methods): article:m() costs an __index call more.
        local A = methods(article)
        local pending -- sentence indices that may hold a finding, checked below
        -- 1. durations in years right before "ago" (1 or 2 white space bytes,
        -- then "ago": one C call, nil for most articles)
        local ago, dl -- (tables are made only when needed: most articles need none)
        local agos = facts_followed_by(article, "duration", "ago", 2, "years")
        if agos then
            local dateline = article.dateline
            dl = dateline and to_date(dateline) or false
            if dl and dl.year > 0 then -- (needs a dateline)
                for _, i in ipairs(agos) do
                    local f = A.fact(article, i)
                    if not A.is_boilerplate(article, f.offset) then
                        local si = f.sentence
                        ago = ago or {}
                        local list = ago[si]
                        if not list then
                            list = {}
                            ago[si] = list
                            pending = pending or {}
                            pending[#pending + 1] = si
                        end
                        list[#list + 1] = f
                    end
                end
            end
        end
        -- 2 and 3. a part is a count or a share: only sentences with one,
        -- holding a marker and not about a change.  A part larger than its
        -- total takes two counts (the total comes before the marker, the
        -- part after it), shares over 100% two shares
        local sentence_offset, sentence_text
        -- (the sentences with a count or a share and a part of a marker's
        -- words, from one C call: nil for most articles)
        local order = (A.fact_count(article, "quantity") > 1 or A.fact_count(article, "percent") > 1)
            and sentences_containing(article, PART_KINDS, ANY_MARKER)
        if order then
            sentence_offset, sentence_text = {}, {}
            -- the offset and text of each such sentence that may split a figure
            for _, si in ipairs(order) do
                local offset, length = A.sentence(article, si)
                local stext = A.text(article, offset, length)
                -- sentences about a change compare figures rather than split one
                if MARKER:test(stext) and not CHANGE:test(stext) then
                    if not (ago and ago[si]) then
                        pending = pending or {}
                        pending[#pending + 1] = si
                    end
                    sentence_offset[si] = offset
                    sentence_text[si] = stext
                end
            end
        end
        if not pending then
            return
        end
        sort(pending)
        local wanted = {}
        for _, si in ipairs(pending) do
            wanted[si] = true
        end
        local by_sentence = {}
        for i, si, offset in A.facts(article, nil, "sentence", "offset") do
            if wanted[si] and not A.is_boilerplate(article, offset) then
                local list = by_sentence[si]
                if not list then
                    list = {}
                    by_sentence[si] = list
                end
                list[#list + 1] = A.fact(article, i)
            end
        end
        for _, si in ipairs(pending) do
            local facts = by_sentence[si]
            -- 1. years ago in YEAR: the first date right after "ago"
            for _, d in ipairs(facts and ago and ago[si] or NONE) do
                for _, y in ipairs(facts) do
                    local gap = y.offset >= d.offset + d.length
                        and article:text(d.offset + d.length, y.offset - d.offset - d.length)
                    if y.kind == "date" and not y.relative and y.precision == "year"
                        and gap and AGO_IN:test(gap) then
                        local year = to_date(y.value).year
                        local diff = dl.year - year
                        if year > 0 and not fits(diff, d.value, d.qualifier) then
                            local shown = article:text(d.offset, min(
                                y.offset + y.length - d.offset, 120))
                            report {
                                messageId = "yearsAgo",
                                data = { text = shown, year = year, dateline_year = dl.year,
                                         diff = diff },
                                fact = d,
                                related = { { fact = y, message = tostring(year) } },
                            }
                        end
                        break
                    end
                end
            end
            -- 2 and 3. parts right after "of whom" / "including"
            local s_offset = sentence_offset and sentence_offset[si]
            if s_offset and facts then
                local text = sentence_text[si]
                local pos = 1
                local total, percents, sum = nil, {}, 0
                while true do
                    local ms, me = MARKER:find(text, pos)
                    if not ms then
                        break
                    end
                    local marker_end = s_offset + me
                    -- the figure must follow the marker at once (a determiner or a
                    -- qualifier may come between): "including 400 children"
                    local part
                    for _, f in ipairs(facts) do
                        if not part and f.offset >= marker_end and f.value then
                            local gap = article:text(marker_end, f.offset - marker_end)
                            if LEAD:test(gap) then
                                part = f
                            end
                        end
                    end
                    if part and part.kind == "percent" and SHARE_MARKER:test(text:sub(ms, me)) then
                        percents[#percents + 1] = part
                        sum = sum + part.value
                    elseif part and part.kind == "quantity" then
                        -- the total: the closest figure of the same unit before the marker
                        total = nil
                        for _, f in ipairs(facts) do
                            if f.kind == "quantity" and f.value and f.offset < marker_end - (me - ms + 1)
                                and same_unit(f, part) then
                                total = f
                            end
                        end
                        if total and total.qualifier ~= "more than" and total.qualifier ~= "at least"
                            and total.qualifier ~= "or more" and total.qualifier ~= "and counting"
                            and part.qualifier ~= "up to" and part.qualifier ~= "less than"
                            and part.qualifier ~= "vague"
                            and part.value > (total.value_max or total.value) * 1.0001 then
                            report {
                                messageId = "partExceedsTotal",
                                data = { part = part.text, total = total.text },
                                fact = part,
                                related = { { fact = total, message = MESSAGES.total } },
                            }
                        end
                    end
                    pos = me + 1
                end
                -- shares listed after one marker: "of whom 70% are women and 40% are men"
                if #percents == 1 then
                    local first = percents[1]
                    for _, f in ipairs(facts) do
                        if f.kind == "percent" and f.offset > first.offset and f.value then
                            percents[#percents + 1] = f
                            sum = sum + f.value
                        end
                    end
                end
                if #percents >= 2 and sum > 100.5 then
                    local shown = {}
                    for i, p in ipairs(percents) do
                        shown[i] = p.text
                    end
                    report {
                        messageId = "percentOver100",
                        data = { list = concat(shown, " + "),
                                 sum = format("%g", sum) },
                        fact = percents[1],
                        evidence = percents,
                    }
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "The abbey was founded more than 1,250 years ago in 760, according to the trust.",
              dateline = "2017-11-24" },
            { text = "The council said 1,150 people were evacuated, including 400 children.",
              dateline = "2022-09-05" },
            { text = "The academy was founded nine years ago and was bought in 1982 by the group.",
              dateline = "1987-06-01" },
            { text = "The firm has 300 staff, of whom 60% are women and 40% are men.",
              dateline = "2020-01-15" },
            { text = "The abbey was founded 1,250 years   ago in 860, according to the trust.",
              dateline = "2017-11-24" },
            { text = "The abbey was founded 1,250 years AGO in 860, according to the trust.",
              dateline = "2017-11-24" },
            { text = "The council said 1,150 people were evacuated, among 1,400 children.",
              dateline = "2022-09-05" },
        },
        invalid = {
            { text = "The abbey was founded more than 1,250 years ago in 860, according to the trust.",
              dateline = "2017-11-24",
              errors = { { messageId = "yearsAgo", line = 1 } } },
            { text = "The council said 1,150 people were evacuated, including 1,400 children.",
              dateline = "2022-09-05",
              errors = { { messageId = "partExceedsTotal", line = 1 } } },
            { text = "The firm has 300 staff, of whom 70% are women and 40% are men.",
              dateline = "2020-01-15",
              errors = { { messageId = "percentOver100", line = 1 } } },
            { text = "The abbey was founded 1,250 years  ago in 860, according to the trust.",
              dateline = "2017-11-24",
              errors = { { messageId = "yearsAgo", line = 1 } } },
            { text = "Sales were 5% and 6%.\n\nThe council said 1,150 people were evacuated, "
                  .. "among them 1,400 children.",
              dateline = "2022-09-05",
              errors = { { messageId = "partExceedsTotal", line = 3 } } },
        },
    },
}
