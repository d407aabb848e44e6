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
        -- each fact's fields are read once, and only when needed (every read
        -- is a call into C): amounts are tables { fact =, offset = } that
        -- keep the other fields read through get
        local with, without = {}, {}
        local currencies, order = {}, {}
        for f in article:facts("money") do
            local currency = f.currency
            if currency or f.value then
                local offset = f.offset
                if not article:is_boilerplate(offset) then
                    if currency then
                        with[#with + 1] = { fact = f, offset = offset }
                        if not currencies[currency] then
                            currencies[currency] = true
                            order[#order + 1] = currency
                        end
                    else
                        without[#without + 1] = { fact = f, offset = offset }
                    end
                end
            end
        end
        if #with == 0 or #without == 0 then
            return
        end
        local list = table.concat(order, ", ")
        local sentences
        -- a results table line ("Net 2,917,000 vs 5,963,000"): the currency is the
        -- table's convention, not something the line should repeat
        local function get(m, field)
            local v = m[field]
            if v == nil then
                v = m.fact[field]
                m[field] = v
            end
            return v
        end
        local function tabular(m)
            if not sentences then
                sentences = {}
                for s in article:sentences() do
                    sentences[s.index] = s
                end
            end
            local s = sentences[get(m, "sentence")]
            if not s then
                return false
            end
            local text = article:text(s.offset, s.length)
            local _, words = text:gsub("%a+", "") -- (counted in C)
            if words < 6 then
                return true -- a label and figures: "Net loss 753,000"
            end
            return (text:find("%f[%a]vs%f[%A]") or text:find("%f[%a]versus%f[%A]")) and words < 15
        end
        -- "106 mln crowns": a unit word the extractor did not know is still a unit
        local function names_unit(m)
            if m.names_unit == nil then
                m.names_unit = false
                for w in get(m, "text"):lower():gmatch("%a+") do
                    if not MAGNITUDES[w] then
                        m.names_unit = true
                        break
                    end
                end
            end
            return m.names_unit
        end
        -- "15 mln N.Z. Dlrs": a currency the extractor did not join to the amount
        local text_len
        local function unit_follows(m)
            text_len = text_len or #article:text()
            local e = m.offset + get(m, "length")
            local after = article:text(e, math.min(24, text_len - e)):lower()
            return after:find("^%s*[%a%.]*%s*dlrs") or after:find("^%s*[%a%.]*%s*dollars")
                or after:find("^%s*[%a%.]*%s*francs") or after:find("^%s*[%a%.]*%s*marks")
                or after:find("^%s*[%a%.]*%s*crowns") or after:find("^%s*[%a%.]*%s*pesos")
                or after:find("^%s*[%a%.]*%s*rupees") or after:find("^%s*[%a%.]*%s*lire")
                or after:find("^%s*stg") or after:find("^%s*yen") or after:find("^%s*rand")
        end
        -- "sales of 1.1 billion dlrs and profit of 31.1 mln": the currency is
        -- carried from an amount earlier in the same sentence
        local function carried(m)
            local sentence = get(m, "sentence")
            for _, g in ipairs(with) do
                if get(g, "sentence") == sentence
                    or (#order == 1 and get(g, "paragraph") == get(m, "paragraph")) then
                    return true
                end
            end
            for _, g in ipairs(without) do
                if get(g, "sentence") == sentence and g ~= m and names_unit(g) then
                    return true -- "600 mln bolivars ... debt costs of 900 mln"
                end
            end
            return false
        end
        -- (the cheapest tests first: any one of them rules the amount out)
        for _, m in ipairs(without) do
            if not get(m, "text"):find("%a") or names_unit(m) or carried(m) or unit_follows(m)
                or tabular(m) then
                goto continue
            end
            -- the closest amount with a currency, preferring one before it
            local best, dist = nil, math.huge
            for _, g in ipairs(with) do
                local d = math.abs(g.offset - m.offset) + (g.offset > m.offset and 1 or 0)
                if d < dist then
                    best, dist = g, d
                end
            end
            best = best.fact
            report {
                messageId = "missing",
                data = { text = get(m, "text"), currencies = list, example = best.text, line = best.line },
                fact = m.fact,
                related = { { fact = best, message = MESSAGES.example } },
            }
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
