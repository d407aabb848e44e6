-- money.no-currency: an amount of money printed without a currency in an
-- article that gives currencies for its other amounts ("fees of about 40m"
-- beside "€1.2bn" and "£1.02bn"): the reader cannot tell which one is meant.
--
-- Amounts in boilerplate and vague amounts (no value) are ignored, and so are
-- articles where no amount has a currency, lines of a results table ("Revs
-- 34.1 mln vs 40.3 mln", "Net loss 753,000", where the table's convention
-- gives the currency), amounts followed by a unit word the extractor did not
-- know ("106 mln crowns") and, when the article uses a single currency, an
-- amount in the same paragraph as one with a currency ("profit of 121.1 mln
-- stg... Turnover fell to 953 mln"); in any article, an amount in the same
-- sentence as one with a currency or a unit.  Amounts written as bare
-- digits ("sales totalled 1,751,000") are often counts, not money, and are
-- not reported: only amounts with a magnitude ("40m", "85 mln") are.

local util = factlint.util

local MESSAGES = {
    missing = "amount '{{text}}' has no currency, but the article gives amounts in "
        .. "{{currencies}} (e.g. '{{example}}' at line {{line}})",
    example = "an amount with a currency",
}

-- "106 mln crowns": words of an amount that are magnitudes, not units
local MAGNITUDES = { m = true, bn = true, mln = true, bln = true, billion = true,
    million = true, thousand = true, k = true, tn = true, trillion = true, crore = true,
    lakh = true, b = true, trn = true }

-- "15 mln N.Z. Dlrs": a currency word right after an amount (in the lowered
-- 24 bytes after it), one pass instead of a string.find per word.  [ \t\n\v\f\r]
-- is Lua's %s and [a-z.] its [%a%.] on lowered text (PCRE's \s would take
-- Unicode spaces too).
local UNIT_AFTER = factlint.re("^[ \t\n\v\f\r]*(?:[a-z.]*[ \t\n\v\f\r]*"
    .. "(?:dlrs|dollars|francs|marks|crowns|pesos|rupees|lire)|stg|yen|rand)")
-- the words of a sentence as %a+ counts them: at least 6, at least 15
local SIX_WORDS = factlint.re("[A-Za-z]+(?:[^A-Za-z]+[A-Za-z]+){5}")
local FIFTEEN_WORDS = factlint.re("[A-Za-z]+(?:[^A-Za-z]+[A-Za-z]+){14}")
-- "vs" or "versus" as a word (%f[%a]vs%f[%A])
local VERSUS = factlint.re("(?<![A-Za-z])(?:vs|versus)(?![A-Za-z])")

-- "106 mln crowns": a word of an amount's text that is not a magnitude is
-- a unit the extractor did not know
local function names_unit(text)
    for w in text:lower():gmatch("%a+") do
        if not MAGNITUDES[w] then
            return true
        end
    end
    return false
end

-- Whether a word is a unit (not a magnitude in any case), by word: amounts
-- repeat a handful of words ("mln", "billion", "m").
local unit_word, unit_words = {}, 0
local function is_unit(w)
    local u = unit_word[w]
    if u == nil then
        u = not MAGNITUDES[w:lower()]
        if unit_words >= 10000 then
            unit_word, unit_words = {}, 0
        end
        unit_word[w], unit_words = u, unit_words + 1
    end
    return u
end

-- An amount's text in one match: its first word (%a+, "" when it has no
-- letter) and whether the bytes after that word hold no other letter
-- (the position after the trailing non-letters is past the end).
local function first_word(text)
    local w, e = text:match("^[^%a]*(%a*)[^%a]*()")
    return w, e > #text
end

-- "15 mln N.Z. Dlrs": a currency the extractor did not join to the amount
-- (e is the byte after the amount)
local function unit_follows(article, e)
    local after = article:text(e, math.min(24, article.length - e)):lower()
    -- The regex needs whole characters, and 24 bytes may end inside one.
    -- A match is ASCII from the start, so bytes above 127 at the end can go.
    local last = after:byte(-1)
    if last and last >= 128 then
        after = after:gsub("[\128-\255]+$", "")
    end
    return UNIT_AFTER:test(after)
end

-- A results table line ("Net 2,917,000 vs 5,963,000"): the currency is the
-- table's convention, not something the line should repeat
local function tabular(article, sentence)
    local o, n = article:sentence(sentence)
    if not o then
        return false
    end
    local text = article:text(o, n)
    if not SIX_WORDS:test(text) then
        return true -- a label and figures: "Net loss 753,000"
    end
    return VERSUS:test(text) and not FIFTEEN_WORDS:test(text)
end

-- The amount with a currency closest to offset, preferring one before it
-- (for a report: a second walk over the amounts rather than a list kept
-- for every article).
local function closest_with(article, offset)
    local best, dist
    for i, currency, off in article:facts("money", "currency", "offset") do
        if currency and not article:is_boilerplate(off) then
            local d = math.abs(off - offset) + (off > offset and 1 or 0)
            if not dist or d < dist then
                best, dist = i, d
            end
        end
    end
    return article:fact(best)
end

return factlint.rule {
    id = "money.no-currency",
    summary = "An amount has no currency where the article states currencies elsewhere",
    severity = "warning",
    scope = "article",
    tags = { "money", "currency" },
    url = "docs/rules/money.no-currency.md",
    needs = { "money" },
    messages = MESSAGES,
    check = function(article, report)
        -- Most articles give every amount a currency, or none: the
        -- currencies of the amounts outside boilerplate, and how many have
        -- none, in one C pass (an article of one amount needs none).
        if article:fact_count("money") < 2 then
            return
        end
        local order, without = util.field_values(article, "money", "currency", true)
        if #order == 0 or without == 0 then
            return
        end
        -- The sentences and paragraphs of the amounts with a currency (from
        -- C), and a walk over the others outside boilerplate, which rules out
        -- the cheapest first: an amount written as bare digits, or one that
        -- names a unit ("106 mln crowns").  Only the rest are kept, five
        -- fields each in one list.
        local with_sentence, with_paragraph = util.field_places(article, "money", "currency", true)
        local unit_sentence = {}
        local kept, nk = {}, 0
        for i, value, offset, sentence, paragraph, text, length in
            util.facts_lacking(article, "money", "currency", true,
                               "value", "offset", "sentence", "paragraph", "text", "length") do
            if value then
                local w, alone = first_word(text)
                if w ~= "" then
                    local unit
                    if alone then
                        unit = is_unit(w)
                    else
                        unit = names_unit(text)
                    end
                    if unit then
                        -- "600 mln bolivars ... debt costs of 900 mln"
                        unit_sentence[sentence] = true
                    else
                        kept[nk + 1], kept[nk + 2], kept[nk + 3], kept[nk + 4], kept[nk + 5] =
                            i, offset + length, sentence, paragraph, text
                        nk = nk + 5
                    end
                end
            end
        end
        if nk == 0 then
            return
        end
        local single = #order == 1
        local list
        local is_table = {} -- sentence -> whether tabular(), read once a sentence
        for k = 1, nk, 5 do
            local sentence = kept[k + 2]
            -- "sales of 1.1 billion dlrs and profit of 31.1 mln": the currency
            -- is carried from an amount earlier in the same sentence (or, with
            -- one currency in the article, the same paragraph), or a unit
            -- named in it; then the sentence (most of the amounts left are
            -- lines of results tables, several a line) and the words after
            -- the amount
            local covered = with_sentence[sentence] or (single and with_paragraph[kept[k + 3]])
                or unit_sentence[sentence]
            if not covered then
                covered = is_table[sentence]
                if covered == nil then
                    covered = tabular(article, sentence)
                    is_table[sentence] = covered
                end
            end
            if not (covered or unit_follows(article, kept[k + 1])) then
                local f = article:fact(kept[k])
                local best = closest_with(article, f.offset)
                list = list or table.concat(order, ", ")
                report {
                    messageId = "missing",
                    data = { text = kept[k + 4], currencies = list, example = best.text, line = best.line },
                    fact = f,
                    related = { { fact = best, message = MESSAGES.example } },
                }
            end
        end
    end,
    tests = {
        valid = {
            { text = "Pellworth Foods agreed a €1.2bn takeover. Advisers will share fees of about €40m.",
              dateline = "2021-11-30" },
            { text = "The company sold 40m shares and hired 300 staff last year.",
              dateline = "2021-11-30" },
            { text = "Revenue rose to 1.13 bln dlrs from 940 mln dlrs a year earlier, the company said.",
              dateline = "2017-05-02" },
            { text = "Shr 26 cts vs 52 cts\n\nNet 1,386,000 vs 2,773,000\n\nRevs 47.7 mln vs 38.5 mln",
              dateline = "1987-03-02" },
            { text = "In 1986 the chain produced sales of 1.1 billion dlrs and pretax profit of 31.1 mln.",
              dateline = "1987-03-02" },
        },
        invalid = {
            { text = "Pellworth Foods agreed a €1.2bn takeover.\n\nAdvisers will share fees worth about "
                .. "40m, according to people familiar with the matter.",
              dateline = "2021-11-30",
              errors = { { messageId = "missing", line = 3 } } },
            { text = "Olvera Motors will build a £1.4bn plant.\n\nThe government is contributing a grant "
                .. "of 85m towards the cost.",
              dateline = "2016-07-19",
              errors = { { messageId = "missing", line = 3 } } },
            { text = "The club paid $12m for the striker, whose former club kept a 10% sell-on "
                .. "fee.\n\nHis agent received a bonus worth 3.5m.",
              dateline = "2018-08-09",
              errors = { { messageId = "missing", line = 3 } } },
        },
    },
}
