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

local util = factlint.util

local MESSAGES = {
    conflict = "{{measure}} given as '{{text}}' here but as '{{other}}' at line {{line}}",
    other = "given as '{{text}}' here",
}

local figure = factlint.require("figure")
local set_of, has_any, words_of = figure.set_of, figure.has_any, figure.words_of
local singular, interval = figure.singular, figure.interval
local may_have_noun, unit_of = figure.may_have_noun, figure.unit_of
local WORKFORCE_UNITS, JOB_UNITS, PARTIAL = figure.WORKFORCE_UNITS, figure.JOB_UNITS, figure.PARTIAL
local CHANGE, WORKFORCE_EXCLUDE = figure.CHANGE, figure.WORKFORCE_EXCLUDE
local MEASURE_NOUNS, RATE_WORDS = figure.MEASURE_NOUNS, figure.RATE_WORDS
-- What only the article half needs: hiring and cuts, and the kinds of jobs.
local CREATE = set_of("create creates creating created new add adds adding added bring brings "
    .. "bringing generate generates generating support supports supporting safeguard secure "
    .. "securing hire hiring recruit recruiting")
local CUT = set_of("cut cuts cutting lose loses losing lost loss losses shed sheds shedding axe "
    .. "axed axing slash slashed go going threat threatened risk eliminate eliminated "
    .. "redundancies redundant layoffs close closure")
local FIGURE_KINDS = { "quantity", "money" }
local JOB_KINDS = { "construction", "temporary", "permanent", "direct", "indirect", "supply",
    "seasonal", "part-time", "full-time", "contract" }

-- The measure of candidate figure c (see check) in its sentence s:
-- measure, label, measure nouns near it, rate; nil when it has none.
-- sentence_words holds a sentence's words, worked out once however many
-- figures it has.
local function measure_of(article, c, s, text_len, sentence_words)
    local f, kind, unit = c.f, c.kind, c.unit
    local offset, length = c.offset, f.length
    local before_start = math.max(s.offset, offset - 60)
    local before = words_of(article:text(before_start, offset - before_start))
    local near = {}
    for i = math.max(1, #before - 3), #before do
        local w = before[i]
        if MEASURE_NOUNS[w] then
            near[w] = true
        end
    end
    -- a unit's measure needs a measure noun among those words
    if c.class ~= "workforce" and c.class ~= "jobs" and not next(near) then
        return nil
    end
    local sw = sentence_words[c.sentence]
    if not sw then
        sw = { present = {}, changing = false }
        sw.words = words_of(article:text(s.offset, s.length))
        for _, w in ipairs(sw.words) do
            sw.present[w] = true
            if CHANGE[w] then
                sw.changing = true
            end
        end
        sentence_words[c.sentence] = sw
    end
    local sent_words, changing, present = sw.words, sw.changing, sw.present
    local after = article:text(offset + length, math.min(16, text_len - offset - length)):lower()
    local rate = after:match("^%s+a%s+(%a+)") or after:match("^%s+an%s+(%a+)")
        or after:match("^%s+per%s+(%a+)") or after:match("^%s+(annually)")
        or after:match("^%s+(each)")
    if rate and not RATE_WORDS[rate] then
        rate = nil
    end
    for i = math.max(1, #before - 4), #before do
        local w = before[i]
        if w == "annual" or w == "yearly" or w == "monthly" or w == "weekly"
            or w == "daily" or w == "annually" then
            rate = rate or w
        end
    end
    if c.class == "workforce" then
        local lead = table.concat(before, " ", math.max(1, #before - 2))
        local last = before[#before] or ""
        -- "employs 1,200 people", "a workforce of", "its 1,900 workers"
        local employed = lead:find("employ") or lead:find("workforce")
            or lead:find("staff of") or lead:find("payroll")
            or (unit ~= "people" and (last == "its" or last == "their"
                or last == "whose" or last:find("'s$")))
        if employed and not has_any(sent_words, WORKFORCE_EXCLUDE) then
            return "workforce", "the workforce", near, rate
        end
    elseif c.class == "jobs" then
        local create, cut = false, false
        for _, w in ipairs(sent_words) do
            create = create or CREATE[w] ~= nil
            cut = cut or CUT[w] ~= nil
        end
        -- "a further 200", "the first 12,500", "200 jobs at the Department":
        -- a share of some larger figure
        local share = has_any(sent_words, PARTIAL)
        local tail = article:text(offset + length, math.min(30, text_len - offset - length))
        if tail:find("^%s+at%s+%a*%s*%u") or tail:find("^%s+in%s+%a*%s*%u") then
            share = true
        end
        -- "At the Department for Work and Pensions, 30,000 jobs"
        local head = article:text(s.offset, offset - s.offset)
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
            return "jobs:" .. (create and "created" or "cut") .. ":" .. table.concat(kinds, ","),
                create and "jobs created" or "jobs cut", near, rate
        end
    elseif not changing and next(near) and not has_any(sent_words, PARTIAL) then
        return (kind == "money" and "money:" or "unit:") .. singular(unit),
            kind == "money" and ("the amount in " .. unit) or ("the number of " .. unit), near, rate
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
        -- Most figures can never pair, so the cheap tests come first, on the
        -- fewest fact fields.  The kind of measure a figure may have: the
        -- workforce, jobs, or (with a measure noun) its unit.  Figures of one
        -- measure pair only across sentences, so a kind of measure met in
        -- one sentence only is left out.
        local facts, classes, sentence_of, count = {}, {}, {}, 0
        local quantities -- how many of them are quantities (they come first)
        local first, several = {}, {}
        for _, kind in ipairs(FIGURE_KINDS) do
            local class_of = {} -- by unit as given
            for f in article:facts(kind) do
                local given = kind == "money" and f.currency or f.unit
                if given then
                    local class = class_of[given]
                    if not class then
                        local unit = kind == "money" and given or given:lower()
                        if kind == "quantity" and WORKFORCE_UNITS[unit] then
                            class = "workforce"
                        elseif kind == "quantity" and JOB_UNITS[unit] then
                            class = "jobs"
                        else
                            class = kind .. ":" .. singular(unit)
                        end
                        class_of[given] = class
                    end
                    local n = f.sentence
                    count = count + 1
                    facts[count], classes[count], sentence_of[count] = f, class, n
                    local m = first[class]
                    if not m then
                        first[class] = n
                    elseif m ~= n then
                        several[class] = true
                    end
                end
            end
            quantities = quantities or count
        end
        if not next(several) then
            return
        end
        -- a unit's measure needs a measure noun just before the figure: the
        -- figures that cannot have one are left out before any word is read,
        -- and so are those the rule does not read (no value, a vague one)
        local text = article:text()
        local text_len = #text
        local candidates = {}
        for i = 1, count do
            local class = classes[i]
            if several[class] then
                local f = facts[i]
                local offset = f.offset
                -- (an offset past the text is in no sentence: see below)
                if offset <= text_len then
                    if class == "workforce" or class == "jobs" or may_have_noun(text, offset) then
                        local value = f.value
                        if value and value > 0 and f.qualifier ~= "vague" then
                            local kind = i <= quantities and "quantity" or "money"
                            candidates[#candidates + 1] = { f = f, kind = kind, unit = unit_of(f, kind),
                                class = class, sentence = sentence_of[i], offset = offset }
                        end
                    end
                end
            end
        end
        candidates = paired(candidates, "class")
        if #candidates == 0 then
            return
        end
        -- the sentences up to the last one a candidate lies in
        local last = 0
        for _, c in ipairs(candidates) do
            last = math.max(last, c.sentence)
        end
        local sentences = {}
        for s in article:sentences() do
            sentences[s.index] = s
            if s.index >= last then
                break
            end
        end
        local figures = {}
        local sentence_words = {}
        for _, c in ipairs(candidates) do
            local f, offset = c.f, c.offset
            local s = sentences[c.sentence]
            -- under check --facts the article is a stand-in whose sentences need not
            -- be the ones the facts were numbered against: the figure must lie in its own
            if s and offset >= s.offset and offset + f.length <= s.offset + s.length
                and not article:is_boilerplate(offset) then
                local measure, label, near, rate = measure_of(article, c, s, text_len, sentence_words)
                if measure then
                    local lo, hi = interval(f)
                    figures[#figures + 1] = {
                        f = f, kind = c.kind, sentence = c.sentence,
                        measure = measure, label = label, near = near, rate = rate or "",
                        generic = measure:sub(1, 5) == "unit:" or measure:sub(1, 6) == "money:",
                        lo = lo, hi = hi,
                    }
                end
            end
        end
        -- only measures given in two sentences can pair; pairs and reports
        -- go in document order
        figures = paired(figures, "measure")
        if #figures == 0 then
            return
        end
        figure.document_order(article, figures)
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
        for f in article:facts("place") do
            local n = f.sentence
            if wanted[n] and f.key then
                places[n] = places[n] or {}
                places[n][f.key] = true
            end
        end
        for _, kind in ipairs({ "org", "person" }) do
            for f in article:facts(kind) do
                local n = f.sentence
                local name = wanted[n] and (f.canonical or f.key)
                if name then
                    actors[n] = actors[n] or {}
                    actors[n][util.normalise(name)] = true
                end
            end
        end
        for f in article:facts("date") do
            local n = f.sentence
            if wanted[n] then
                dates[n] = dates[n] or {}
                dates[n][f.value or f.text:lower()] = true
            end
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
                        report {
                            messageId = "conflict",
                            data = { measure = b.label,
                                     text = b.f.text, other = a.f.text, line = a.f.line },
                            fact = b.f,
                            related = { { fact = a.f, messageId = "other", data = { text = a.f.text } } },
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
