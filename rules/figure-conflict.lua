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
local JOB_KINDS = { "construction", "temporary", "permanent", "direct", "indirect", "supply",
    "seasonal", "part-time", "full-time", "contract" }

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
        local sentences = {}
        for s in article:sentences() do
            sentences[s.index] = s
        end
        local places, dates, actors = {}, {}, {}
        for f in article:facts() do
            if f.kind == "place" and f.key then
                places[f.sentence] = places[f.sentence] or {}
                places[f.sentence][f.key] = true
            elseif (f.kind == "org" or f.kind == "person") and (f.canonical or f.key) then
                actors[f.sentence] = actors[f.sentence] or {}
                actors[f.sentence][util.normalise(f.canonical or f.key)] = true
            elseif f.kind == "date" then
                dates[f.sentence] = dates[f.sentence] or {}
                dates[f.sentence][f.value or f.text:lower()] = true
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
        local text_len = #article:text()
        local figures = {}
        local sentence_words = {}
        for f in article:facts() do
            if (f.kind == "quantity" or f.kind == "money") and f.value and f.value > 0
                and f.qualifier ~= "vague" and not article:is_boilerplate(f.offset) then
                local s = sentences[f.sentence]
                -- under check --facts the article is a stand-in whose sentences need not
                -- be the ones the facts were numbered against: the figure must lie in its own
                if s and f.offset >= s.offset and f.offset + f.length <= s.offset + s.length then
                    -- a sentence's words, worked out once however many figures it has
                    local sw = sentence_words[f.sentence]
                    if not sw then
                        sw = { present = {}, changing = false }
                        sw.words = words_of(article:text(s.offset, s.length))
                        for _, w in ipairs(sw.words) do
                            sw.present[w] = true
                            if CHANGE[w] then
                                sw.changing = true
                            end
                        end
                        sentence_words[f.sentence] = sw
                    end
                    local sent_words, changing, present = sw.words, sw.changing, sw.present
                    local before_start = math.max(s.offset, f.offset - 60)
                    local before = words_of(article:text(before_start, f.offset - before_start))
                    local near = {}
                    for i = math.max(1, #before - 3), #before do
                        local w = before[i]
                        if MEASURE_NOUNS[w] then
                            near[w] = true
                        end
                    end
                    local after = article:text(f.offset + f.length,
                        math.min(16, text_len - f.offset - f.length)):lower()
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
                    local measure, label
                    local unit = f.kind == "money" and f.currency or (f.unit and f.unit:lower())
                    if f.kind == "quantity" and unit and WORKFORCE_UNITS[unit] then
                        local lead = table.concat(before, " ", math.max(1, #before - 2))
                        local last = before[#before] or ""
                        -- "employs 1,200 people", "a workforce of", "its 1,900 workers"
                        local employed = lead:find("employ") or lead:find("workforce")
                            or lead:find("staff of") or lead:find("payroll")
                            or (unit ~= "people" and (last == "its" or last == "their"
                                or last == "whose" or last:find("'s$")))
                        local excluded = false
                        for _, w in ipairs(sent_words) do
                            if WORKFORCE_EXCLUDE[w] then
                                excluded = true
                            end
                        end
                        if employed and not excluded then
                            measure, label = "workforce", "the workforce"
                        end
                    elseif f.kind == "quantity" and unit and JOB_UNITS[unit] then
                        local create, cut = false, false
                        for _, w in ipairs(sent_words) do
                            create = create or CREATE[w] ~= nil
                            cut = cut or CUT[w] ~= nil
                        end
                        -- "a further 200", "the first 12,500", "200 jobs at the Department":
                        -- a share of some larger figure
                        local share = false
                        for _, w in ipairs(sent_words) do
                            if PARTIAL[w] then
                                share = true
                            end
                        end
                        local tail = article:text(f.offset + f.length,
                            math.min(30, text_len - f.offset - f.length))
                        if tail:find("^%s+at%s+%a*%s*%u") or tail:find("^%s+in%s+%a*%s*%u") then
                            share = true
                        end
                        -- "At the Department for Work and Pensions, 30,000 jobs"
                        local head = article:text(s.offset, f.offset - s.offset)
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
                            measure = "jobs:" .. (create and "created" or "cut") .. ":"
                                .. table.concat(kinds, ",")
                            label = create and "jobs created" or "jobs cut"
                        end
                    elseif unit and not changing and next(near) and not has_any(sent_words, PARTIAL) then
                        measure = (f.kind == "money" and "money:" or "unit:") .. singular(unit)
                        label = f.kind == "money" and ("the amount in " .. unit)
                            or ("the number of " .. unit)
                    end
                    if measure then
                        figures[#figures + 1] = {
                            f = f, measure = measure, label = label, near = near, rate = rate or "",
                            generic = measure:sub(1, 5) == "unit:" or measure:sub(1, 6) == "money:",
                            lo = select(1, interval(f)), hi = select(2, interval(f)),
                        }
                    end
                end
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
        -- two figures of one measure in one sentence are a list ("3,000 bpd at
        -- 14.51 dlrs and 4,000 bpd at..."): such sentences are left out
        local per_sentence = {}
        for _, x in ipairs(figures) do
            local k = x.f.sentence .. "|" .. x.measure
            per_sentence[k] = (per_sentence[k] or 0) + 1
        end
        local kept = {}
        for _, x in ipairs(figures) do
            if per_sentence[x.f.sentence .. "|" .. x.measure] == 1 then
                kept[#kept + 1] = x
            end
        end
        figures = kept
        local reported = {}
        for j = 2, #figures do
            local b = figures[j]
            for i = 1, j - 1 do
                local a = figures[i]
                if not reported[j] and a.measure == b.measure and a.rate == b.rate
                    and a.f.sentence ~= b.f.sentence
                    and same_set(places[a.f.sentence], places[b.f.sentence])
                    and same_set(dates[a.f.sentence], dates[b.f.sentence])
                    and same_actors(a.f.sentence, b.f.sentence) then
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
