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

local function names_unit_text(text)
    for w in text:lower():gmatch("%a+") do
        if not MAGNITUDES[w] then
            return true
        end
    end
    return false
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
        -- Most articles give every amount a currency, or none: one field of
        -- each amount says so, and the walk stops once both kinds are seen.
        local any_with, any_without = false, false
        for _, currency in article:facts("money", "currency") do
            if currency then
                any_with = true
            else
                any_without = true
            end
            if any_with and any_without then
                break
            end
        end
        if not (any_with and any_without) then
            return
        end
        -- the amounts as parallel lists of their fields (no table per amount)
        local w_idx, w_off, w_sent, w_para = {}, {}, {}, {}
        local n_idx, n_off, n_len, n_sent, n_para, n_text = {}, {}, {}, {}, {}, {}
        local nw, nn = 0, 0
        local currencies, order = {}, {}
        for i, currency, value, offset, sentence, paragraph, text, length in
            article:facts("money", "currency", "value", "offset", "sentence", "paragraph", "text", "length") do
            if (currency or value) and not article:is_boilerplate(offset) then
                if currency then
                    nw = nw + 1
                    w_idx[nw], w_off[nw], w_sent[nw], w_para[nw] = i, offset, sentence, paragraph
                    if not currencies[currency] then
                        currencies[currency] = true
                        order[#order + 1] = currency
                    end
                else
                    nn = nn + 1
                    n_idx[nn], n_off[nn], n_len[nn], n_sent[nn], n_para[nn], n_text[nn] =
                        i, offset, length, sentence, paragraph, text
                end
            end
        end
        if nw == 0 or nn == 0 then
            return
        end
        local single = #order == 1
        -- "106 mln crowns": a unit word the extractor did not know is still a unit
        local names_unit = {} -- amount without a currency -> boolean, when known
        local function unit_named(k)
            local u = names_unit[k]
            if u == nil then
                u = names_unit_text(n_text[k])
                names_unit[k] = u
            end
            return u
        end
        -- "sales of 1.1 billion dlrs and profit of 31.1 mln": the currency is
        -- carried from an amount earlier in the same sentence
        local function carried(k)
            local sentence, paragraph = n_sent[k], n_para[k]
            for j = 1, nw do
                if w_sent[j] == sentence or (single and w_para[j] == paragraph) then
                    return true
                end
            end
            for j = 1, nn do
                if n_sent[j] == sentence and j ~= k and unit_named(j) then
                    return true -- "600 mln bolivars ... debt costs of 900 mln"
                end
            end
            return false
        end
        -- "15 mln N.Z. Dlrs": a currency the extractor did not join to the amount
        local text_len
        local function unit_follows(k)
            text_len = text_len or article.length
            local e = n_off[k] + n_len[k]
            local after = article:text(e, math.min(24, text_len - e)):lower()
            -- (the regex needs whole characters: 24 bytes that end inside one
            -- take the patterns one by one)
            local last = after:byte(-1)
            if not last or last < 128 then
                return UNIT_AFTER:test(after)
            end
            return after:find("^%s*[%a%.]*%s*dlrs") or after:find("^%s*[%a%.]*%s*dollars")
                or after:find("^%s*[%a%.]*%s*francs") or after:find("^%s*[%a%.]*%s*marks")
                or after:find("^%s*[%a%.]*%s*crowns") or after:find("^%s*[%a%.]*%s*pesos")
                or after:find("^%s*[%a%.]*%s*rupees") or after:find("^%s*[%a%.]*%s*lire")
                or after:find("^%s*stg") or after:find("^%s*yen") or after:find("^%s*rand")
        end
        -- a results table line ("Net 2,917,000 vs 5,963,000"): the currency is the
        -- table's convention, not something the line should repeat
        local function tabular(k)
            local o, n = article:sentence(n_sent[k])
            if not o then
                return false
            end
            local text = article:text(o, n)
            if not SIX_WORDS:test(text) then
                return true -- a label and figures: "Net loss 753,000"
            end
            return VERSUS:test(text) and not FIFTEEN_WORDS:test(text)
        end
        -- (the cheapest tests first: any one of them rules the amount out)
        local list
        for k = 1, nn do
            local text = n_text[k]
            if not text:find("%a") or unit_named(k) or carried(k) or unit_follows(k)
                or tabular(k) then
                goto continue
            end
            -- the closest amount with a currency, preferring one before it
            do
                local offset = n_off[k]
                local best, dist = nil, math.huge
                for j = 1, nw do
                    local g = w_off[j]
                    local d = math.abs(g - offset) + (g > offset and 1 or 0)
                    if d < dist then
                        best, dist = j, d
                    end
                end
                best = article:fact(w_idx[best])
                list = list or table.concat(order, ", ")
                report {
                    messageId = "missing",
                    data = { text = text, currencies = list, example = best.text, line = best.line },
                    fact = article:fact(n_idx[k]),
                    related = { { fact = best, message = MESSAGES.example } },
                }
            end
            ::continue::
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
