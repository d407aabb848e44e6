-- number.arithmetic: arithmetic stated in the text that does not hold.
--
-- 1. "N years ago in YEAR": the dateline's year minus YEAR must fit N and its
--    qualifier ("more than 1,200 years ago in 760" needs at least 1,200
--    years; "about" allows 10%, "almost" up to 10% less; a plain number one
--    year either way).  Needs a dateline.
-- 2. Parts larger than their total in one sentence: after "of whom", "of
--    which", "including", "among them" or "among whom", a figure with the
--    same unit (or a kind of it: children are people) or currency that is
--    larger than the figure before the marker.
-- 3. Percentages after one of those markers that add up to more than 100.

local util = factlint.util

local MESSAGES = {
    yearsAgo = "'{{text}}' in {{year}} does not fit the dateline: {{dateline_year}} - {{year}} = "
        .. "{{diff}} years",
    partExceedsTotal = "the part '{{part}}' is larger than the total '{{total}}' it belongs to",
    percentOver100 = "the shares {{list}} add up to {{sum}}%, more than the whole",
    total = "the total",
}

local MARKER = factlint.re("\\b(?:of whom|of which|including|among them|among whom)\\b", "i")

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
        return diff <= v and diff >= v - math.max(2, 0.1 * v)
    elseif q == "around" then
        return math.abs(diff - v) <= math.max(1, 0.1 * v)
    elseif q == "up to" or q == "less than" then
        return diff <= v
    end
    return math.abs(diff - v) <= 1
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

return factlint.rule {
    id = "number.arithmetic",
    summary = "Stated arithmetic does not hold (years ago, parts of a total)",
    severity = "error",
    scope = "article",
    tags = { "number", "arithmetic" },
    url = "docs/rules/number.arithmetic.md",
    messages = MESSAGES,
    check = function(article, report)
        local by_sentence = {}
        local order = {}
        for f in article:facts() do
            if not article:is_boilerplate(f.offset) then
                local list = by_sentence[f.sentence]
                if not list then
                    list = {}
                    by_sentence[f.sentence] = list
                    order[#order + 1] = f.sentence
                end
                list[#list + 1] = f
            end
        end
        local sentences = {}
        for s in article:sentences() do
            sentences[s.index] = s
        end
        local text_len = #article:text()
        local dl = article.dateline and util.date(article.dateline)
        for _, si in ipairs(order) do
            local facts = by_sentence[si]
            -- 1. years ago in YEAR
            if dl and dl.year > 0 then
                for _, d in ipairs(facts) do
                    local after = article:text(d.offset + d.length,
                        math.min(5, text_len - d.offset - d.length))
                    if d.kind == "duration" and d.unit == "years" and d.value
                        and after:match("^%s+ago") then
                        for _, y in ipairs(facts) do
                            if y.kind == "date" and not y.relative and y.precision == "year"
                                and y.offset > d.offset then
                                local year = util.date(y.value).year
                                local diff = dl.year - year
                                if year > 0 and not fits(diff, d.value, d.qualifier) then
                                    local shown = article:text(d.offset, math.min(
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
                end
            end
            -- 2 and 3. parts after "of whom" / "including"
            local s = sentences[si]
            if s then
                local text = article:text(s.offset, s.length)
                local ms = MARKER:find(text)
                if ms then
                    local marker_at = s.offset + ms - 1
                    local total
                    for _, f in ipairs(facts) do
                        if (f.kind == "quantity" or f.kind == "money") and f.value
                            and f.offset < marker_at then
                            total = f
                        end
                    end
                    local percents, sum = {}, 0
                    for _, f in ipairs(facts) do
                        if f.offset > marker_at and f.value then
                            if f.kind == "percent" then
                                percents[#percents + 1] = f
                                sum = sum + f.value
                            elseif total and total.qualifier ~= "more than" and total.qualifier ~= "at least"
                                and total.qualifier ~= "or more" and total.qualifier ~= "and counting"
                                and same_unit(total, f) and f.qualifier ~= "up to"
                                and f.qualifier ~= "less than" and f.qualifier ~= "vague"
                                and f.value > (total.value_max or total.value) * 1.0001 then
                                report {
                                    messageId = "partExceedsTotal",
                                    data = { part = f.text, total = total.text },
                                    fact = f,
                                    related = { { fact = total, message = MESSAGES.total } },
                                }
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
                            data = { list = table.concat(shown, " + "),
                                     sum = string.format("%g", sum) },
                            fact = percents[1],
                            evidence = percents,
                        }
                    end
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
            { text = "The firm has 300 staff, of whom 60% are women and 40% are men.",
              dateline = "2020-01-15" },
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
        },
    },
}
