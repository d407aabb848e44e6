-- figure.conflict: the same measure given two values in one article that
-- cannot both be true ("The plant employs 1,200 people" ... "its 1,900
-- workers").
--
-- A measure is a unit plus a subject:
--  - workforce: people/workers/employees/staff said to be employed (for
--    "people", an "employ"/"workforce"/"staff" word just before);
--  - jobs: jobs/posts/positions, split into jobs created and jobs cut, and
--    kept apart when one figure is qualified as construction, temporary,
--    permanent, direct, indirect or supply-chain jobs and the other is not;
--  - anything else (and money, whose unit is the currency): the same unit and
--    the same measure noun (bill, cost, budget, deficit, debt, fine, toll,
--    population, capacity...) in the four words before the number ("the
--    bill has reached £5.6bn" and "a final bill of almost £6bn").
-- Qualifiers make intervals: "almost 6bn" is 5.4bn to 6bn, "about" is 15%
-- either way, "more than"/"at least"/"and counting" have no upper end, "up
-- to"/"less than" no lower end.  Two figures conflict when their intervals do
-- not overlap.  Figures in sentences about a change ("rose", "from", "cut",
-- "compared with"), figures whose sentences name different dates, places
-- or organisations and people, or different rates ("a year"), figures in
-- the same sentence and sentences that list several figures of one measure
-- are never paired.

-- Globals and library fields read in loops are locals: in the rule sandbox
-- each global read is a call of the environment's __index.
local ipairs, pairs, next = ipairs, pairs, next
local max, min = math.max, math.min
local concat = table.concat
local normalise = factlint.util.normalise

local MESSAGES = {
    conflict = "{{measure}} given as '{{text}}' here but as '{{other}}' at line {{line}}",
    other = "given as '{{text}}' here",
}

local figure = factlint.require("figure")
local set_of, has_any, words_of = figure.set_of, figure.has_any, figure.words_of
local singular, interval = figure.singular, figure.interval
local led_figures, methods = figure.led_figures, figure.methods
local LOWER, lower = figure.LOWER, figure.lower
local WORKFORCE_UNITS, JOB_UNITS, PARTIAL = figure.WORKFORCE_UNITS, figure.JOB_UNITS, figure.PARTIAL
local CHANGE, WORKFORCE_EXCLUDE = figure.CHANGE, figure.WORKFORCE_EXCLUDE
local MEASURE_NOUNS, rate_of = figure.MEASURE_NOUNS, figure.rate_of
-- What only the article half needs: hiring and cuts, and the kinds of jobs.
local CREATE = set_of("create creates creating created new add adds adding added bring brings "
    .. "bringing generate generates generating support supports supporting safeguard secure "
    .. "securing hire hiring recruit recruiting")
local CUT = set_of("cut cuts cutting lose loses losing lost loss losses shed sheds shedding axe "
    .. "axed axing slash slashed go going threat threatened risk eliminate eliminated "
    .. "redundancies redundant layoffs close closure")
local JOB_KINDS = { "construction", "temporary", "permanent", "direct", "indirect", "supply",
    "seasonal", "part-time", "full-time", "contract" }

-- The kind of measure a figure may have, by its unit as the fact gives it:
-- the workforce, jobs, or (with a measure noun) its unit.  Kept across
-- calls; emptied (in place) should they ever grow large.
local QUANTITY_CLASS, MONEY_CLASS, n_classes = {}, {}, 0
local function class_of(given, money)
    if n_classes >= 1000 then
        for _, t in ipairs({ QUANTITY_CLASS, MONEY_CLASS }) do
            for k in pairs(t) do
                t[k] = nil
            end
        end
        n_classes = 0
    end
    local class
    if money then
        class = "money:" .. singular(given)
        MONEY_CLASS[given] = class
    else
        local unit = LOWER[given] or lower(given)
        if WORKFORCE_UNITS[unit] then
            class = "workforce"
        elseif JOB_UNITS[unit] then
            class = "jobs"
        else
            class = "quantity:" .. singular(unit)
        end
        QUANTITY_CLASS[given] = class
    end
    n_classes = n_classes + 1
    return class
end

-- The measure of candidate figure c (see check) in its sentence (offset
-- s_offset, length s_length): measure, label, measure nouns near it, rate;
-- nil when it has none.  sentence_words holds a sentence's words, worked
-- out once however many figures it has.
local function measure_of(article, c, s_offset, s_length, text_len, sentence_words)
    local unit, offset, length = c.unit, c.offset, c.length
    local before_start = max(s_offset, offset - 60)
    local before = words_of(article:text(before_start, offset - before_start))
    local n_before = #before
    local near
    for i = max(1, n_before - 3), n_before do
        local w = before[i]
        if MEASURE_NOUNS[w] then
            near = near or {}
            near[w] = true
        end
    end
    -- a unit's measure needs a measure noun among those words
    local class = c.class
    if class ~= "workforce" and class ~= "jobs" and not near then
        return nil
    end
    near = near or {}
    local sw = sentence_words[c.sentence]
    if not sw then
        sw = { present = {}, changing = false }
        sw.words = words_of(article:text(s_offset, s_length))
        for _, w in ipairs(sw.words) do
            sw.present[w] = true
            if CHANGE[w] then
                sw.changing = true
            end
        end
        sentence_words[c.sentence] = sw
    end
    local sent_words, changing, present = sw.words, sw.changing, sw.present
    if class == "workforce" then
        local lead = concat(before, " ", max(1, n_before - 2))
        local last = before[n_before] or ""
        -- "employs 1,200 people", "a workforce of", "its 1,900 workers"
        local employed = lead:find("employ") or lead:find("workforce")
            or lead:find("staff of") or lead:find("payroll")
            or (unit ~= "people" and (last == "its" or last == "their"
                or last == "whose" or last:find("'s$")))
        if employed and not has_any(sent_words, WORKFORCE_EXCLUDE) then
            return "workforce", "the workforce", near,
                rate_of(article, offset, length, text_len, before)
        end
    elseif class == "jobs" then
        local create, cut = false, false
        for _, w in ipairs(sent_words) do
            create = create or CREATE[w] ~= nil
            cut = cut or CUT[w] ~= nil
        end
        -- "a further 200", "the first 12,500", "200 jobs at the Department":
        -- a share of some larger figure
        local share = has_any(sent_words, PARTIAL)
        local tail = article:text(offset + length, min(30, text_len - offset - length))
        if tail:find("^%s+at%s+%a*%s*%u") or tail:find("^%s+in%s+%a*%s*%u") then
            share = true
        end
        -- "At the Department for Work and Pensions, 30,000 jobs"
        local head = article:text(s_offset, offset - s_offset)
        if head:find("[Aa]t the %u") or head:find("[Ii]n the %u") then
            share = true
        end
        if create ~= cut and not share then
            local kinds = {}
            for _, k in ipairs(JOB_KINDS) do
                if present[k] then
                    kinds[#kinds + 1] = k
                end
            end
            return "jobs:" .. (create and "created" or "cut") .. ":" .. concat(kinds, ","),
                create and "jobs created" or "jobs cut", near,
                rate_of(article, offset, length, text_len, before)
        end
    elseif not changing and next(near) and not has_any(sent_words, PARTIAL) then
        local money = c.money
        return (money and "money:" or "unit:") .. singular(unit),
            money and ("the amount in " .. unit) or ("the number of " .. unit), near,
            rate_of(article, offset, length, text_len, before)
    end
    return nil
end

-- Keeps the records of list whose field (a measure or a kind of measure)
-- some record of another sentence shares: only those can pair.
local function paired(list, field)
    local first, several = {}, {}
    for _, x in ipairs(list) do
        local m = x[field]
        local n = first[m]
        if not n then
            first[m] = x.sentence
        elseif n ~= x.sentence then
            several[m] = true
        end
    end
    local kept = {}
    for _, x in ipairs(list) do
        if several[x[field]] then
            kept[#kept + 1] = x
        end
    end
    return kept
end

local function same_set(a, b)
    a, b = a or {}, b or {}
    for k in pairs(a) do
        if not b[k] then
            return false
        end
    end
    for k in pairs(b) do
        if not a[k] then
            return false
        end
    end
    return true
end

return factlint.rule {
    id = "figure.conflict",
    summary = "The same measure is given two incompatible values",
    severity = "error",
    scope = "article",
    -- "figure" is shared with figure.conflict-corpus: --disable figure turns off both halves
    tags = { "number", "consistency", "figure" },
    url = "docs/rules/figure.conflict.md",
    needs = { "quantity", "money" },
    messages = MESSAGES,
    check = function(article, report)
        -- Most figures can never pair.  The kind of measure a figure may
        -- have: the workforce, jobs, or (with a measure noun among the
        -- words just before it) its unit.  util.figures picks, in C, the
        -- figures that have a value the rule reads (above 0, not vague)
        -- and may have a measure: a workforce or jobs unit, or a measure
        -- noun in the 60 bytes before the figure, where the words read
        -- below come from (its sentence's start at most: a sentence starts
        -- after white space or a line break, never inside a word).  Only
        -- those of a kind of measure met in two sentences can pair
        -- (paired() below).
        local A = methods(article)
        local numbers = led_figures(article)
        if numbers[2] == nil then
            return
        end
        local fact = A.fact
        local candidates = {}
        for k = 1, #numbers do
            local i = numbers[k]
            local f = fact(article, i)
            local money = f.kind == "money"
            local given = money and f.currency or f.unit
            local class = (money and MONEY_CLASS or QUANTITY_CLASS)[given] or class_of(given, money)
            candidates[k] = { f = f, i = i, money = money,
                unit = money and given or given:lower(), class = class,
                sentence = f.sentence, offset = f.offset, value = f.value,
                qualifier = f.qualifier }
        end
        local text_len = article.length
        candidates = paired(candidates, "class")
        if #candidates == 0 then
            return
        end
        local figures = {}
        local sentence_words = {}
        local sentence_at = {} -- sentence number -> offset, or false when there is none
        local sentence_len = {}
        for _, c in ipairs(candidates) do
            local n, offset = c.sentence, c.offset
            local s_offset = sentence_at[n]
            if s_offset == nil then
                local o, l = A.sentence(article, n)
                s_offset = o or false
                sentence_at[n], sentence_len[n] = s_offset, l
            end
            local s_length = sentence_len[n]
            -- under check --facts the article is a stand-in whose sentences need not
            -- be the ones the facts were numbered against: the figure must lie in its own
            c.length = c.f.length
            if s_offset and offset >= s_offset and offset + c.length <= s_offset + s_length
                and not A.is_boilerplate(article, offset) then
                local measure, label, near, rate =
                    measure_of(article, c, s_offset, s_length, text_len, sentence_words)
                if measure then
                    c.lo, c.hi = interval(c.value, c.f.value_max, c.qualifier)
                    c.measure, c.label, c.near, c.rate = measure, label, near, rate or ""
                    c.generic = measure:sub(1, 5) == "unit:" or measure:sub(1, 6) == "money:"
                    figures[#figures + 1] = c
                end
            end
        end
        -- only measures given in two sentences can pair; pairs and reports
        -- go in document order
        figures = paired(figures, "measure")
        if #figures == 0 then
            return
        end
        figure.document_order(figures)
        -- two figures of one measure in one sentence are a list ("3,000 bpd at
        -- 14.51 dlrs and 4,000 bpd at..."): such sentences are left out
        local per_sentence = {}
        for _, x in ipairs(figures) do
            local k = x.sentence .. "|" .. x.measure
            per_sentence[k] = (per_sentence[k] or 0) + 1
        end
        local kept = {}
        for _, x in ipairs(figures) do
            if per_sentence[x.sentence .. "|" .. x.measure] == 1 then
                kept[#kept + 1] = x
            end
        end
        figures = paired(kept, "measure")
        if #figures == 0 then
            return
        end
        -- the places, dates, organisations and people of the figures' sentences
        local wanted = {}
        for _, x in ipairs(figures) do
            wanted[x.sentence] = true
        end
        local places, dates, actors = {}, {}, {}
        for _, n, key in article:facts("place", "sentence", "key") do
            if wanted[n] and key then
                places[n] = places[n] or {}
                places[n][key] = true
            end
        end
        for _, kind in ipairs({ "org", "person" }) do
            for _, n, canonical, key in article:facts(kind, "sentence", "canonical", "key") do
                local name = wanted[n] and (canonical or key)
                if name then
                    actors[n] = actors[n] or {}
                    actors[n][normalise(name)] = true
                end
            end
        end
        for _, n, value, text in article:facts("date", "sentence", "value", "text") do
            if wanted[n] then
                dates[n] = dates[n] or {}
                dates[n][value or text:lower()] = true
            end
        end
        -- organisations or people named in both sentences: when both name some,
        -- at least one must be shared ("Magna had assets of" vs "First Granite had")
        local function same_actors(a, b)
            a, b = actors[a], actors[b]
            if not a or not b then
                return true
            end
            for k in pairs(a) do
                if b[k] then
                    return true
                end
            end
            return false
        end
        local reported = {}
        for j = 2, #figures do
            local b = figures[j]
            for i = 1, j - 1 do
                local a = figures[i]
                if not reported[j] and a.measure == b.measure and a.rate == b.rate
                    and a.sentence ~= b.sentence
                    and same_set(places[a.sentence], places[b.sentence])
                    and same_set(dates[a.sentence], dates[b.sentence])
                    and same_actors(a.sentence, b.sentence) then
                    local related_subject = not a.generic
                    if a.generic then
                        for w in pairs(a.near) do
                            if b.near[w] then
                                related_subject = true
                            end
                        end
                    end
                    if related_subject and (a.hi < b.lo or b.hi < a.lo) then
                        local af, bf = a.f, b.f
                        report {
                            messageId = "conflict",
                            data = { measure = b.label,
                                     text = bf.text, other = af.text, line = af.line },
                            fact = bf,
                            related = { { fact = af, messageId = "other", data = { text = af.text } } },
                        }
                        reported[j] = true
                    end
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "The repair bill has reached £5.6bn and counting, the department said.\n\n"
                .. "Officials now expect a final bill of almost £6bn.", dateline = "2021-03-01" },
            { text = "The plant employs 1,200 people.\n\nUnion officials said they would fight the "
                .. "closure on behalf of its 1,200 workers.", dateline = "2019-08-12" },
            { text = "The plant employs 1,200 people.\n\nThe group said 300 workers would lose their "
                .. "jobs at its other plants.", dateline = "2019-08-12" },
        },
        invalid = {
            { text = "The plant employs 1,200 people and produces bottles for brewers.\n\n"
                .. "Union officials said they would fight the closure on behalf of its 1,900 workers.",
              dateline = "2019-08-12",
              errors = { { messageId = "conflict", line = 3 } } },
            { text = "Olvera Motors will build a battery plant in the north, creating 2,000 jobs.\n\n"
                .. "The company said the factory's 2,600 new jobs would be advertised from next spring.",
              dateline = "2016-07-19",
              errors = { { messageId = "conflict", line = 3 } } },
            { text = "The repair bill has reached £5.6bn, the department said.\n\n"
                .. "Officials put the repair bill at £8.2bn in a letter to MPs.", dateline = "2021-03-01",
              errors = { { messageId = "conflict", line = 3 } } },
        },
    },
}
