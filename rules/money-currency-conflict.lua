-- money.currency-conflict: amounts in different currencies that cannot both
-- be right once converted at the year's exchange rate.
--
-- 1. A cumulative total ("total", "cumulative", "in all", "altogether",
--    "overall", "so far", "to date") that converts to less than a single
--    deal or investment given in another currency in the same article: the
--    part is larger than the whole.
-- 2. A side-by-side conversion ("$1.13bn (£600m)") whose implied rate is
--    more than `tolerance` off the reference rate for the year.
--
-- Conversions use factlint.util.convert with the annual averages of the
-- exchange-rates reference, for the dateline's year, else (for a total and a
-- part) the year of a date in the amounts' sentences.  A side-by-side
-- conversion in an article without a dateline is checked against every year
-- of the reference and reported only when no year comes close: the years a
-- sentence mentions ("between January 1985 and November 2004") are not when
-- the conversion was made.

local util = factlint.util

local MESSAGES = {
    partExceedsTotal = "{{part}} {{noun}} is larger than the {{total}} (about {{converted}} at "
        .. "{{rate}} {{pair}}, {{year}} average) total it is part of",
    total = "the total: {{total}}",
    linked = "'{{a}}' and its conversion '{{b}}' imply {{implied}} {{pair}}, {{off}}% off the "
        .. "{{year}} average of {{rate}}",
    linkedAnyYear = "'{{a}}' and its conversion '{{b}}' imply {{implied}} {{pair}}, more than "
        .. "{{tolerance}}% off the annual average of every year from {{first}} to {{last}} "
        .. "({{low}} to {{high}})",
    conversion = "the conversion",
}

local SYMBOL = { GBP = "£", USD = "$", EUR = "€", JPY = "¥" }

local TOTAL_WORDS = { "total", "totals", "totalled", "totaled", "totalling", "totaling",
    "cumulative", "cumulatively", "in all", "altogether", "overall", "so far", "to date",
    "in aggregate" }

-- Nouns that make an amount a single deal or investment.
local DEAL_WORDS = { "deal", "agreement", "contract", "investment", "invest", "stake",
    "takeover", "acquisition", "purchase", "order", "project", "loan", "bid" }

local MONEY = { "money" }
local NONE = {} -- (an empty list, never written)

-- Nouns a cumulative total of deals is about.
local POOL_WORDS = { "investment", "invest", "deals", "spending", "spent", "funding",
    "loans", "aid", "contracts", "orders", "acquisitions", "purchases", "trade" }

local STOP = {}
for w in ([[about above after again against along also among another around because been
    before being below between both could della during each either every first from further
    have having here into itself just last least less made make many more most much next only
    other over said says same should since some such than that their them then there these
    they this those through under until very were what when where which while whom will with
    within would year years month months week weeks company group total billion million
    according figures]]):gmatch("%a+") do
    STOP[w] = true
end

-- The phrases of TOTAL_WORDS as find patterns, built once: { {phrase, pattern}, ... }.
local PHRASES = {}
for _, w in ipairs(TOTAL_WORDS) do
    if w:find(" ", 1, true) then
        PHRASES[#PHRASES + 1] = { w, "%f[%a]" .. w:gsub(" ", "%%s+") .. "%f[%A]" }
    end
end

-- What a listed word stands for: its place in DEAL_WORDS, whether it is a
-- total or pool word, or the last word of a phrase of TOTAL_WORDS.
local ROLE_OF = {}
local function role(w)
    ROLE_OF[w] = ROLE_OF[w] or {}
    return ROLE_OF[w]
end
for i, w in ipairs(DEAL_WORDS) do
    role(w).deal = role(w).deal or i
end
for _, w in ipairs(POOL_WORDS) do
    role(w).pool = true
end
for _, w in ipairs(TOTAL_WORDS) do
    if w:find(" ", 1, true) then
        role(w:match("(%a+)$")).phrase = true
    else
        role(w).total = true
    end
end
local LISTED_WORDS = {}
for w in pairs(ROLE_OF) do
    LISTED_WORDS[#LISTED_WORDS + 1] = w
end
local LISTED = util.wordset(LISTED_WORDS)

-- Whether a lowercased sentence has a total word and a pool word, and the
-- first word of DEAL_WORDS (in list order) it has.  A listed word counts
-- where a letter does not touch it on either side ("deal" in "mega-deal"
-- too): with hyphens made spaces, those are the words the wordset finds.
-- A phrase ("so far", any white space between its words) is looked for
-- only when its last word is there.
local function listed_words(lower)
    local scan = lower:find("-", 1, true) and lower:gsub("%-", " ") or lower
    local deal, total, pool, phrase
    for _, _, w in LISTED:gmatch(scan) do
        local r = ROLE_OF[w]
        if r.deal and (not deal or r.deal < deal) then
            deal = r.deal
        end
        total = total or r.total
        pool = pool or r.pool
        phrase = phrase or r.phrase
    end
    if pool and not total and phrase then
        for _, wp in ipairs(PHRASES) do
            if lower:find(wp[2]) then
                total = true
                break
            end
        end
    end
    return (total and pool) or false, deal and DEAL_WORDS[deal]
end

-- (the words of five letters or more: gmatch returns only those, not every
-- word of the sentence)
local function content_words(lower)
    local set = {}
    for w in lower:gmatch("%a%a%a%a%a+") do
        if not STOP[w] then
            set[w] = true
        end
    end
    return set
end

local function shares_word(a, b)
    for w in pairs(a) do
        if b[w] then
            return true
        end
    end
    return false
end

-- "1.4bn", "600m", "12,500" for a value.
local function scaled(v)
    local abs, unit, s = math.abs(v), "", v
    if abs >= 1e9 then
        s, unit = v / 1e9, "bn"
    elseif abs >= 1e6 then
        s, unit = v / 1e6, "m"
    end
    local text
    if unit == "" then
        text = string.format("%.0f", s)
    elseif math.abs(s) >= 100 then
        text = string.format("%.0f", s)
    else
        text = string.format("%.1f", s):gsub("%.0$", "")
    end
    return text .. unit
end

local function money(v, cur)
    if SYMBOL[cur] then
        return SYMBOL[cur] .. scaled(v)
    end
    return scaled(v) .. " " .. cur
end

local function rate_text(r)
    if r >= 100 then
        return string.format("%.0f", r)
    elseif r >= 10 then
        return string.format("%.1f", r)
    end
    return string.format("%.2f", r)
end

local function year_of(iso)
    local d = iso and util.date(iso)
    return d and d.year ~= 0 and d.year or nil
end

-- A currency read from a word several currencies share: "francs" (French,
-- Belgian, Swiss), "crowns" (Danish, Swedish, Norwegian, Czech), or dollars
-- of a named country the extractor mapped to USD.
-- (one regex for the three words first, one for the places of dollars:
-- most amounts have none of them)
local FRANC_CROWN = factlint.re("franc|crown|kron")
local CROWN = factlint.re("crown|kron")
local DOLLAR_PLACE = factlint.re("australian|canadian|n\\.z\\.|new zealand|h\\.k\\.|hong kong|singapore|taiwan")
local function ambiguous(f)
    local t = f.text:lower()
    if FRANC_CROWN:test(t) then
        -- a franc that is not Swiss, or a crown
        if CROWN:test(t) or not (t:find("swiss", 1, true) or t:find("sfr", 1, true)) then
            return true
        end
    end
    if f.currency == "USD" and DOLLAR_PLACE:test(t) then
        return true
    end
    return false
end

-- Lowest and highest values an amount's qualifier allows.
local function bounds(f)
    local v, q = f.value, f.qualifier
    local hi = f.value_max or v
    if q == "more than" or q == "over" or q == "at least" or q == "and counting" then
        return v, math.huge
    elseif q == "almost" or q == "nearly" or q == "just under" or q == "up to"
        or q == "less than" or q == "under" then
        return (q == "up to" or q == "less than" or q == "under") and 0 or v * 0.9, hi
    elseif q then
        return v * 0.85, hi * 1.15
    end
    return v, hi
end

-- Every year's rate of a currency pair, from units of `from` to units of
-- `to`: { list of the rates, first =, last = years, low =, high = rates },
-- false when no year converts.  Worked out once per pair and reference
-- table, where the check without a dateline asked util.convert for every
-- year of every conversion it saw.
local pair_years, pair_years_of = {}, nil
local function years_of_pair(rates, from, to)
    if pair_years_of ~= rates then
        pair_years, pair_years_of = {}, rates
    end
    local key = from .. ">" .. to
    local yr = pair_years[key]
    if yr == nil then
        local list, first, last, low, high = {}, nil, nil, nil, nil
        for y in pairs(rates) do
            local yn = tonumber(y)
            local ok, rate = util.convert(1, from, to, y)
            if yn and ok then
                first = math.min(first or yn, yn)
                last = math.max(last or yn, yn)
                low = math.min(low or rate, rate)
                high = math.max(high or rate, rate)
                list[#list + 1] = rate
            end
        end
        yr = first and { list = list, first = first, last = last, low = low, high = high } or false
        pair_years[key] = yr
    end
    return yr
end

return factlint.rule {
    id = "money.currency-conflict",
    summary = "Amounts in different currencies contradict each other once converted",
    severity = "error",
    scope = "article",
    tags = { "money", "currency", "consistency" },
    url = "docs/rules/money.currency-conflict.md",
    needs = { "money" },
    messages = MESSAGES,
    options = {
        -- share by which a side-by-side conversion may differ from the year's rate
        tolerance = 0.25,
        -- margin for exchange-rate movement within a year when comparing a total and a part
        margin = 0.1,
    },
    check = function(article, report, options)
        -- both checks compare amounts in two currencies: most articles have
        -- one or none, and need nothing more
        -- (the currencies in one C pass; an article of one amount needs none)
        if article:fact_count("money") < 2 or #util.field_values(article, "money", "currency") < 2 then
            return
        end
        -- what the checks need of a sentence, worked out once per sentence
        local sentence_info = {}
        local function info_of(index)
            local info = sentence_info[index]
            if not info then
                local o, n = article:sentence(index)
                local text = o and article:text(o, n):lower() or ""
                local total, noun = listed_words(text)
                info = { text = text, total = total, noun = noun }
                sentence_info[index] = info
            end
            return info
        end
        local function words_of(index)
            local info = info_of(index)
            info.words = info.words or content_words(info.text)
            return info.words
        end
        local dateline_year = year_of(article.dateline)
        -- years of absolute dates, by sentence, read when first needed (an
        -- article with a dateline never needs them)
        local sentence_year
        local function year_in(sentence)
            if not sentence_year then
                sentence_year = {}
                for _, relative, value, si, precision in
                    article:facts("date", "relative", "value", "sentence", "precision") do
                    if not relative and value and not sentence_year[si] then
                        local y = year_of(value)
                        if y and (precision == "year" or precision == "month" or precision == "day") then
                            sentence_year[si] = y
                        end
                    end
                end
            end
            return sentence_year[sentence]
        end
        local amounts = {}
        for i, currency, value, offset in article:facts("money", "currency", "value", "offset") do
            if currency and value and value > 0 and not article:is_boilerplate(offset) then
                amounts[#amounts + 1] = article:fact(i)
            end
        end

        -- 1. a total smaller than one of its parts.  A part's sentence holds
        -- a word of DEAL_WORDS, so some sentence with money has one of them
        -- as a substring (any case): one C call finds those sentences, and
        -- an article with none reads no sentence for this check.
        local totals, parts = {}, {}
        local any_part = util.sentences_containing(article, MONEY, DEAL_WORDS)
        -- (the fields every pair compares are read once per amount)
        for _, f in ipairs(any_part and amounts or NONE) do
            local sentence = f.sentence
            local info = info_of(sentence)
            local q = f.qualifier
            local total = info.total and q ~= "more than" and q ~= "over" and q ~= "at least"
            if total or info.noun then
                local g = { f = f, offset = f.offset, currency = f.currency, sentence = sentence }
                if total then
                    totals[#totals + 1] = g
                end
                if info.noun then
                    parts[#parts + 1] = { f = f, offset = g.offset, currency = g.currency,
                                          sentence = sentence, noun = info.noun }
                end
            end
        end
        local reported_total = {}
        for _, t in ipairs(totals) do
            for _, p in ipairs(parts) do
                local tf, pf = t.f, p.f
                if not reported_total[t.offset] and t.currency ~= p.currency
                    and t.sentence ~= p.sentence and shares_word(words_of(t.sentence), words_of(p.sentence)) then
                    local year = dateline_year or year_in(t.sentence) or year_in(p.sentence)
                    local _, t_hi = bounds(tf)
                    local p_lo = bounds(pf)
                    if year and p_lo > 0 then
                        local t_usd = util.convert(t_hi, tf.currency, "USD", year)
                        local p_usd = util.convert(p_lo, pf.currency, "USD", year)
                        if t_usd and p_usd and t_usd * (1 + options.margin) < p_usd then
                            local converted, rate = util.convert(tf.value, tf.currency,
                                pf.currency, year)
                            report {
                                messageId = "partExceedsTotal",
                                data = {
                                    part = pf.text, noun = p.noun, total = tf.text,
                                    converted = money(converted, pf.currency),
                                    rate = rate_text(1 / rate),
                                    pair = tf.currency .. "/" .. pf.currency, year = year,
                                },
                                fact = tf,
                                related = { { fact = pf, message = pf.text .. " " .. p.noun } },
                            }
                            reported_total[t.offset] = true
                        end
                    end
                end
            end
        end

        -- 2. side-by-side conversions
        -- (the reference is read only for a conversion without a dateline)
        local rates
        local function all_rates()
            if rates == nil then
                rates = factlint.reference("exchange-rates") or false
            end
            return rates and rates.rates
        end
        local seen_pair = {}
        for _, g in ipairs(amounts) do
            local f, l = g, g.linked
            if l and l.offset < f.offset then
                f, l = l, f
            end
            -- (a pair is seen from both its amounts: the second time it is
            -- passed over before the tests of its texts)
            if l and (seen_pair[f.offset] or ambiguous(f) or ambiguous(l)) then
                l = nil
            end
            if l and f.currency and f.value and f.value > 0 and l.currency and l.value
                and l.value > 0 and l.currency ~= f.currency
                and not seen_pair[f.offset] and not article:is_boilerplate(l.offset) then
                seen_pair[f.offset] = true
                local implied = l.value / f.value -- units of l.currency per f.currency
                local pair = l.currency .. "/" .. f.currency
                -- the conversion was made when the copy was written: without a
                -- dateline, every year of the reference is tried
                local year = dateline_year
                if year then
                    local ok, rate = util.convert(1, f.currency, l.currency, year)
                    if ok then
                        local off = implied / rate - 1
                        if math.abs(off) > options.tolerance then
                            report {
                                messageId = "linked",
                                data = { a = f.text, b = l.text, implied = rate_text(implied),
                                         pair = pair, off = string.format("%.0f", math.abs(off) * 100),
                                         year = year, rate = rate_text(rate) },
                                fact = f,
                                related = { { fact = l, message = MESSAGES.conversion } },
                            }
                        end
                    end
                elseif all_rates() then
                    local yr = years_of_pair(rates.rates, f.currency, l.currency)
                    local close = false
                    if yr then
                        local list, tolerance = yr.list, options.tolerance
                        for k = 1, #list do
                            if math.abs(implied / list[k] - 1) <= tolerance then
                                close = true
                                break
                            end
                        end
                    end
                    if yr and not close then
                        report {
                            messageId = "linkedAnyYear",
                            data = { a = f.text, b = l.text, implied = rate_text(implied),
                                     pair = pair, tolerance = string.format("%.0f", options.tolerance * 100),
                                     first = yr.first, last = yr.last, low = rate_text(yr.low),
                                     high = rate_text(yr.high) },
                            fact = f,
                            related = { { fact = l, message = MESSAGES.conversion } },
                        }
                    end
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "Huaxin Power has signed a £6bn agreement to take a stake in the Severnmouth "
                .. "power station, the largest single Chinese investment in Britain.\n\n"
                .. "Total Chinese investment in Britain has reached 128bn [yuan] since 2010.",
              dateline = "2015-10-21" },
            { text = "Quarterly profits at the media group jumped 76% to $1.13bn (£600m) for the three "
                .. "months to December.",
              dateline = "2005-01-12" },
            { text = "Sales in Japan totalled 900bn yen this year.\n\nThe group signed a $50m deal "
                .. "with a Canadian supplier.",
              dateline = "2019-03-01" },
        },
        invalid = {
            { text = "Huaxin Power has signed a £6bn agreement to take a stake in the Severnmouth "
                .. "power station, the largest single Chinese investment in Britain.\n\n"
                .. "Total Chinese investment in Britain has reached 12.8bn [yuan] since 2010.",
              dateline = "2015-10-21",
              errors = { { messageId = "partExceedsTotal", line = 3 } } },
            { text = "Quarterly profits at the media group jumped 76% to $1.13bn (£300m) for the three "
                .. "months to December.",
              dateline = "2005-01-12",
              errors = { { messageId = "linked", line = 1 } } },
            { text = "The fund's investment in German property so far totals €200m.\n\n"
                .. "Its biggest single investment, a $400m office tower in Frankfurt, was completed in March.",
              dateline = "2018-06-20",
              errors = { { messageId = "partExceedsTotal", line = 1 } } },
        },
    },
}
