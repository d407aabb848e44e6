-- figure.conflict-corpus: the corpus half of figure.conflict.  The same
-- measure of the same subject in the same period given two incompatible
-- values in different articles ("Brennick Foods employs 1,200 people" in one
-- story, "Brennick's 1,900 workers" in another of the same year).
--
-- keys(article, keep) reads each figure's sentence the way figure.conflict does
-- and names what the figure measures:
--  - the measure: the workforce, jobs created or cut, or a unit (the
--    currency for money) with the measure noun before the number (bill,
--    budget, deficit, debt, population, toll...);
--  - the subject: the one organisation the sentence names, else the
--    article's main organisation (named at least twice and more often than
--    any other); for a population, turnout or death toll the places of the
--    sentence instead.  A sentence naming two organisations has no subject;
--  - the places the sentence names and the rate ("a year", "per day");
--  - the period: the years of the dates in the sentence, else the
--    dateline's year (for a death toll, which grows by the day, the dateline
--    itself).  An undated figure has no period and is left out unless the
--    `undated` option is set.
-- Figures the article half would not pair (changes, shares, lists, cuts and
-- hiring beside a workforce) are left out, and so are figures an article
-- itself gives two values for (figure.conflict reports those).
--
-- check(key, figures) reports, for each article after the first, its first
-- figure whose approximation interval does not overlap the interval of a
-- figure of an earlier article ("£5.6bn and counting" and "almost £6bn"
-- overlap), relating the earlier one.

-- Globals and library fields read in loops are locals: in the rule sandbox
-- each global read is a call of the environment's __index.
local ipairs, pairs, next = ipairs, pairs, next
local max, min, floor, abs, log = math.max, math.min, math.floor, math.abs, math.log
local huge = math.huge
local concat, sort, insert = table.concat, table.sort, table.insert
local normalise = factlint.util.normalise

local MESSAGES = {
    conflict = "{{measure}} of {{subject}} ({{period}}) is '{{text}}' here but '{{other}}' in {{article}}",
    other = "given as '{{text}}' here",
}

local figure = factlint.require("figure")
local set_of, words_of, singular = figure.set_of, figure.words_of, figure.singular
local led_figures, methods = figure.led_figures, figure.methods
local LOWER, lower = figure.LOWER, figure.lower
local WORKFORCE_UNITS, JOB_UNITS, PARTIAL = figure.WORKFORCE_UNITS, figure.JOB_UNITS, figure.PARTIAL
local WORKFORCE_EXCLUDE, MEASURE_NOUNS = figure.WORKFORCE_EXCLUDE, figure.MEASURE_NOUNS
local rate_of = figure.rate_of
-- Across articles a forecast is another figure too.
local CHANGE = figure.extend(figure.CHANGE, "expectation expectations predicted predicts")
-- Measures of a place rather than of an organisation.
local PLACE_NOUNS = set_of("population turnout toll death deaths")
-- Measures that grow by the day: their period is the dateline, not its year.
local DAILY_NOUNS = set_of("toll death deaths")
-- Words that may stand between a measure noun and its figure.
local LINK = set_of("of at is was are were be been being has have had now currently stood stands "
    .. "stand reached reach reaches reaching totalled totaled totals totalling came comes come put "
    .. "puts set would will could should might may to the a an some about around almost nearly "
    .. "roughly approximately just over under more than less least which that")
-- A sentence that names no organisation is about the article's main one only
-- when it points back to it ("the company employs", "its workforce").
local REFERS = set_of("company company's group group's firm firm's it its plant factory mill mine "
    .. "bank bank's business corporation concern maker unit subsidiary chain operator retailer "
    .. "carrier airline utility club council")

-- The rounding a plain figure allows: half a unit of its last non-zero
-- digit, at least 0.5% and at most 5% of it.  "1,200" stands for 1,150 to
-- 1,250, "8bn" for 7.6bn to 8.4bn, "8.16bn" for 8.12bn to 8.2bn: different
-- articles round one figure differently.
local function rounding(v)
    local step = 10 ^ floor(log(v, 10))
    local half = 0
    for _ = 1, 12 do
        local q = v / step
        if abs(q - floor(q + 0.5)) < 1e-6 * q then
            half = step / 2
            break
        end
        step = step / 10
    end
    return max(v * 0.005, min(half, v * 0.05))
end

-- The interval a figure allows: figure.conflict's for a qualified figure,
-- a plain figure's rounding to its last digit otherwise.
local function interval(f)
    local q = f.qualifier
    if not q then
        local v = f.value
        local hi = f.value_max or v
        return v - rounding(v), hi + rounding(hi)
    end
    return figure.interval(f.value, f.value_max, q)
end

local function sorted_keys(set)
    local out = {}
    for k in pairs(set or {}) do
        out[#out + 1] = k
    end
    sort(out)
    return concat(out, ",")
end

-- The measure of candidate figure c (see analyse) in its sentence s:
-- measure id, label, rate, noun; nil when it has none.
local function measure_of(article, c, s, text_len, sentence_cache)
    local f, kind, unit, offset = c.f, c.kind, c.unit, c.offset
    local workforce = kind == "quantity" and WORKFORCE_UNITS[unit]
    local before_start = max(s.offset, offset - 60)
    local before = words_of(article:text(before_start, offset - before_start))
    -- the measure noun heads the figure: only linking words come between
    -- ("the bill has reached", "a workforce of", not "debt repayments of")
    local noun
    for i = #before, max(1, #before - 3), -1 do
        if MEASURE_NOUNS[before[i]] then
            noun = before[i]
            break
        elseif not LINK[before[i]] then
            break
        end
    end
    -- (jobs were left out before: see analyse)
    if not workforce and not noun then
        return nil
    end
    -- a sentence's words, worked out once however many figures it has
    local sw = sentence_cache[s.index]
    if not sw then
        sw = { words = words_of(article:text(s.offset, s.length)), changing = false }
        for _, w in ipairs(sw.words) do
            if CHANGE[w] then
                sw.changing = true
            end
        end
        sentence_cache[s.index] = sw
    end
    local sent_words, changing = sw.words, sw.changing
    -- across articles a sentence about a change gives a value of another time,
    -- whatever the measure
    if changing then
        return nil
    end
    if workforce then
        local lead = concat(before, " ", max(1, #before - 2))
        local last = before[#before] or ""
        local employed = lead:find("employ") or lead:find("workforce") or lead:find("staff of")
            or lead:find("payroll")
            or (unit ~= "people" and (last == "its" or last == "their" or last == "whose"
                or last:find("'s$")))
        for _, w in ipairs(sent_words) do
            if WORKFORCE_EXCLUDE[w] then
                return nil
            end
        end
        if employed then
            return "workforce", "the workforce", rate_of(article, offset, f.length, text_len, before)
        end
    elseif kind == "quantity" and JOB_UNITS[unit] then
        -- jobs created or cut are events, not a standing figure: a company
        -- may announce several rounds in a year
        return nil
    elseif noun then
        for _, w in ipairs(sent_words) do
            if PARTIAL[w] then
                return nil
            end
        end
        -- "debts" and "debt" are one measure
        local one = singular(noun)
        return (kind == "money" and "money:" or "unit:") .. singular(unit) .. ":" .. one,
            "the " .. one .. " in " .. unit, rate_of(article, offset, f.length, text_len, before), noun
    end
    return nil
end

-- Keys of every figure of an article, by "offset:kind"; nil when it has none.
local function analyse(article)
    -- Most figures have no measure, so the cheap tests come first: jobs
    -- are never a measure here, and a unit's measure needs a measure noun
    -- just before the figure.
    local A = methods(article)
    local fact_count = A.fact_count
    -- a figure's subject is an organisation or the places of its sentence
    -- (see below): an article naming neither has no key
    if fact_count(article, "org") == 0 and fact_count(article, "place") == 0 then
        return nil
    end
    -- the figures that may have a measure: a value the rule reads (above
    -- 0, not vague) and a workforce unit or a measure noun in the 60 bytes
    -- before them (see rules/lib/figure.lua); jobs are never a measure here
    local text_len = article.length
    local candidates = {}
    local numbers = led_figures(article)
    local fact = A.fact
    for k = 1, #numbers do
        local i = numbers[k]
        local f = fact(article, i)
        if f.kind == "money" then
            candidates[#candidates + 1] = { f = f, i = i, kind = "money", unit = f.currency,
                offset = f.offset, sentence = f.sentence }
        else
            local given = f.unit
            local unit = LOWER[given] or lower(given)
            if not JOB_UNITS[unit] then
                candidates[#candidates + 1] = { f = f, i = i, kind = "quantity", unit = unit,
                    offset = f.offset, sentence = f.sentence }
            end
        end
    end
    if #candidates == 0 then
        return nil
    end
    -- the sentences the candidates lie in
    local sentences = {}
    for _, c in ipairs(candidates) do
        local n = c.sentence
        if sentences[n] == nil then
            local offset, length = A.sentence(article, n)
            sentences[n] = offset and { index = n, offset = offset, length = length } or false
        end
    end
    local sentence_cache = {}
    local measured = {}
    for _, c in ipairs(candidates) do
        local s = sentences[c.sentence] or nil
        -- under check --facts the article is a stand-in whose sentences need not be
        -- the ones the facts were numbered against: the figure must lie in its own
        if s and c.offset >= s.offset and c.offset + c.f.length <= s.offset + s.length
            and not A.is_boilerplate(article, c.offset) then
            local measure, label, rate, noun = measure_of(article, c, s, text_len, sentence_cache)
            if measure then
                c.measure, c.label, c.rate, c.noun = measure, label, rate, noun
                measured[#measured + 1] = c
            end
        end
    end
    if #measured == 0 then
        return nil
    end
    -- keys in document order, as the article's figures come
    figure.document_order(measured)
    local orgs, org_order, places, years, mentions = {}, {}, {}, {}, {}
    for _, n, canonical, key in article:facts("org", "sentence", "canonical", "key") do
        local name = canonical or key
        if name then
            name = normalise(name)
            orgs[n] = orgs[n] or {}
            if not orgs[n][name] then
                orgs[n][name] = true
                org_order[n] = (org_order[n] or 0) + 1
            end
            mentions[name] = (mentions[name] or 0) + 1
        end
    end
    for _, n, key in article:facts("place", "sentence", "key") do
        if key then
            places[n] = places[n] or {}
            places[n][key] = true
        end
    end
    for _, n, value in article:facts("date", "sentence", "value") do
        local y = value and value:match("^(%d%d%d%d)")
        if y then
            years[n] = years[n] or {}
            years[n][y] = true
        end
    end
    -- the article's main organisation: named at least twice, more than any other
    local main, best, tie = nil, 1, false
    for name, c in pairs(mentions) do
        if c > best then
            main, best, tie = name, c, false
        elseif c == best and main then
            tie = true
        end
    end
    if tie then
        main = nil
    end
    -- whether sentence n points back at an organisation ("the company", "its"),
    -- read only for the figures that need it
    local refers_cache = {}
    local function refers(n)
        local r = refers_cache[n]
        if r == nil then
            r = false
            local s = sentences[n] or nil
            local sw = s and sentence_cache[s.index]
            for _, w in ipairs(sw and sw.words or (s and words_of(article:text(s.offset, s.length))) or {}) do
                if REFERS[w] then
                    r = true
                    break
                end
            end
            refers_cache[n] = r
        end
        return r
    end
    local dateline = article.dateline
    local figures = {}
    for _, c in ipairs(measured) do
        local measure, label, rate, noun, n = c.measure, c.label, c.rate, c.noun, c.sentence
        local subject
        if noun and PLACE_NOUNS[noun] then
            subject = places[n] and ("in " .. sorted_keys(places[n]))
        elseif (org_order[n] or 0) == 1 then
            subject = next(orgs[n])
        elseif not org_order[n] and main and refers(n) then
            subject = main
        elseif not org_order[n] and places[n] then
            -- "Ecuador's foreign debt of 8.16 billion dlrs"
            subject = "in " .. sorted_keys(places[n])
        end
        local period = sorted_keys(years[n])
        if period == "" then
            period = dateline and ((noun and DAILY_NOUNS[noun]) and dateline or dateline:sub(1, 4))
                or "undated"
        end
        if subject then
            figures[#figures + 1] = {
                f = c.f,
                key = concat({ measure, subject, sorted_keys(places[n]), period,
                    rate or "", label }, "|"),
                sentence = n,
            }
        end
    end
    -- sentences listing several figures of one key, and keys the article
    -- itself gives incompatible values for, are left out
    local per_sentence, by_key = {}, {}
    for _, x in ipairs(figures) do
        local k = x.sentence .. "|" .. x.key
        per_sentence[k] = (per_sentence[k] or 0) + 1
        by_key[x.key] = by_key[x.key] or {}
        insert(by_key[x.key], x)
    end
    local keys = {}
    for k, xs in pairs(by_key) do
        local lo, hi = -huge, huge
        for _, x in ipairs(xs) do
            local a, b = interval(x.f)
            lo, hi = max(lo, a), min(hi, b)
        end
        if lo <= hi then
            for _, x in ipairs(xs) do
                if per_sentence[x.sentence .. "|" .. k] == 1 then
                    keys[x.f.offset .. ":" .. x.f.kind] = k
                end
            end
        end
    end
    return next(keys) and keys or nil
end

return factlint.rule {
    id = "figure.conflict-corpus",
    summary = "The same measure is given incompatible values in different articles (corpus half of figure.conflict)",
    severity = "error",
    scope = "corpus",
    -- "figure" tags both halves: --disable figure turns them off together
    tags = { "number", "consistency", "figure", "figure.conflict" },
    url = "docs/rules/figure.conflict-corpus.md",
    needs = { "quantity", "money" },
    -- figures of one article are figure.conflict's: only keys met in two articles
    min_articles = 2,
    messages = MESSAGES,
    options = {
        -- pair figures of articles with no dateline and no date in the sentence
        undated = false,
    },
    -- one call per article: the article is analysed once, and most have no
    -- keys, so their figures are not walked
    keys = function(article, keep)
        local keys = analyse(article)
        if keys then
            for i, kind, offset in article:facts(nil, "kind", "offset") do
                if kind == "quantity" or kind == "money" then
                    local k = keys[offset .. ":" .. kind]
                    if k then
                        keep(i, k)
                    end
                end
            end
        end
    end,
    check = function(key, facts, report, options)
        local parts, from = {}, 1
        while #parts < 5 do
            local bar = key:find("|", from, true)
            if not bar then
                return
            end
            parts[#parts + 1] = key:sub(from, bar - 1)
            from = bar + 1
        end
        local measure, subject, places, period = parts[1], parts[2], parts[3], parts[4]
        local label = key:sub(from)
        if not measure or (period == "undated" and not options.undated) then
            return
        end
        -- figures by article: facts come in (article, offset) order, and an
        -- offset that does not grow starts another article
        local runs, last_article, last_offset = {}, nil, nil
        for _, f in ipairs(facts) do
            if f.article ~= last_article or f.offset <= last_offset then
                runs[#runs + 1] = {}
            end
            last_article, last_offset = f.article, f.offset
            local lo, hi = interval(f)
            insert(runs[#runs], { f = f, lo = lo, hi = hi })
        end
        local where = subject .. (places ~= "" and subject:sub(1, 3) ~= "in " and (" in " .. places) or "")
        -- each article's figures against the earlier articles': the first of
        -- its figures (in order) that some earlier figure is disjoint from,
        -- paired with the first such earlier figure.  The lowest upper end and
        -- the highest lower end of the earlier figures say whether there is
        -- one, so only an article with a conflict looks at them one by one
        -- (a key's figures from many articles made the pairs grow as the
        -- square of the corpus)
        -- (with no earlier figure the bounds are huge and -huge: no test holds)
        local earlier, min_hi, max_lo = {}, huge, -huge
        for _, run in ipairs(runs) do
            local found
            for _, b in ipairs(run) do
                -- some earlier figure is disjoint from b: find the first
                if min_hi < b.lo or max_lo > b.hi then
                    for _, a in ipairs(earlier) do
                        if a.hi < b.lo or b.hi < a.lo then
                            found = { a = a, b = b }
                            break
                        end
                    end
                    break
                end
            end
            for _, a in ipairs(run) do
                min_hi, max_lo = a.hi < min_hi and a.hi or min_hi, a.lo > max_lo and a.lo or max_lo
                earlier[#earlier + 1] = a
            end
            if found then
                local a, b = found.a.f, found.b.f
                report {
                    messageId = "conflict",
                    data = { measure = label, subject = "'" .. where .. "'", period = period,
                             text = b.text, other = a.text, article = a.article },
                    fact = b,
                    related = { { fact = a, messageId = "other", data = { text = a.text } } },
                }
            end
        end
    end,
    tests = {
        valid = {
            -- "and counting" has no upper end: "almost £6bn" is consistent with it
            { articles = {
                { text = "Halvern Water Co said the repair bill has reached £5.6bn and counting.",
                  dateline = "2021-03-01" },
                { text = "Halvern Water Co said on Tuesday that the final bill would be almost £6bn.",
                  dateline = "2021-03-09" },
            } },
            -- the same workforce, given the same way
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds.",
                  dateline = "2019-05-02" },
                { text = "Brennick Foods, which employs about 1,250 people at its bakery in Leeds, "
                    .. "said sales were steady.", dateline = "2019-09-14" },
            } },
            -- another year, another company, another measure noun
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds.",
                  dateline = "2019-05-02" },
                { text = "Brennick Foods employs 1,900 people at its bakery in Leeds.",
                  dateline = "2023-05-02" },
                { text = "Talmont Dairies employs 1,900 people at its bakery in Leeds.",
                  dateline = "2019-06-02" },
            } },
            -- a change, and a sentence naming two organisations, are not pairs
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds.",
                  dateline = "2019-05-02" },
                { text = "Brennick Foods said its workforce rose to 1,900 people after the merger.",
                  dateline = "2019-10-02" },
                { text = "Brennick Foods and Talmont Dairies Ltd employ 1,900 people in Leeds.",
                  dateline = "2019-11-02" },
            } },
            -- a sentence naming no organisation and not pointing back at one has
            -- no subject; a measure noun that does not head the figure is no measure
            { articles = {
                { text = "Halvern Water Co said the repair bill has reached £5.6bn.",
                  dateline = "2021-03-01" },
                { text = "Halvern Water Co has been told to fix the tunnel.\n\n"
                    .. "Halvern Water Co said it could pay.\n\nOfficials put the repair bill at £8.2bn.",
                  dateline = "2021-06-01" },
                { text = "Halvern Water Co said the repair bill payments of £1.1bn were fair.",
                  dateline = "2021-07-01" },
            } },
            -- undated articles are not compared unless asked
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds." },
                { text = "Brennick Foods employs 1,900 people at its bakery in Leeds." },
            } },
        },
        invalid = {
            -- the same company's workforce in one year, 1,200 then 1,900
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds.",
                  dateline = "2019-05-02" },
                { text = "The bakery is Leeds's biggest employer. Brennick Foods employs 1,900 people "
                    .. "at its bakery in Leeds, the council said.", dateline = "2019-09-14" },
              },
              errors = { { messageId = "conflict", line = 1 } } },
            -- the subject comes from the article when the sentence names none
            { articles = {
                { text = "Halvern Water Co said the repair bill has reached £5.6bn.",
                  dateline = "2021-03-01" },
                { text = "Halvern Water Co has been told to fix the tunnel.\n\n"
                    .. "Halvern Water Co said it could pay.\n\nThe company put the repair bill at £8.2bn.",
                  dateline = "2021-06-01" },
              },
              errors = { { messageId = "conflict", line = 5 } } },
            -- undated articles when the option says so
            { articles = {
                { text = "Brennick Foods employs 1,200 people at its bakery in Leeds." },
                { text = "Brennick Foods employs 1,900 people at its bakery in Leeds." },
              },
              options = { undated = true },
              errors = { "conflict" } },
        },
    },
}
