-- date.dateline-conflict: content that contradicts the article's dateline.
--
-- 1. An absolute date later than the dateline (at the date's precision)
--    right after a verb in the past tense ("The plant closed on 14 March
--    2024" in an article dated 2 March 2024): one of a list of past forms,
--    or "was/were" and an -ed participle, then an optional "on/in/at".  Sentences that look forward
--    (will, would, expected, due, plans, scheduled, forecast, fiscal,
--    delivery, through...) and dates after "by", "until", "before" or "from"
--    are not reported.
-- 2. An officeholder from the officeholders reference named with the title
--    of that office ("Prime Minister Theresa May") in an article whose
--    dateline falls outside every term of theirs in that office.  Mentions
--    marked as past or future ("former", "then", "late", "-elect",
--    "incoming") and sentences that carry a year within the term are not
--    reported.

local util = factlint.util

local MESSAGES = {
    futureInPast = "'{{text}}' is after the dateline ({{dateline}}) in a sentence in the past tense",
    notInOffice = "{{name}} was not {{office}} on {{dateline}} (term {{start}} to {{finish}})",
}

local PAST = {}
for w in ([[was were had did took held came went met began rose fell won lost ended announced
    reported signed opened closed agreed died killed launched completed resigned sold bought paid
    gave made left struck hit saw became reopened finished collapsed crashed]]):gmatch("%a+") do
    PAST[w] = true
end

local FUTURE = {}
for w in ([[will would shall could might should expected expects expect due plans plan planned
    planning scheduled aims aim intends intend forecast forecasts projected projection target
    targets hopes hope next upcoming proposed fiscal estimate estimated estimates budget
    budgeted outlook seen sees deadline until till before by from starting start starts ahead
    goal may wants want promised promise pledged pledge set delayed postponed deferred
    maturing matures mature maturity expiring expires expire through thru delivery period
    redeem redeemable redemption]]):gmatch("%a+") do
    FUTURE[w] = true
end

-- Offices whose holders the rule checks, and the reference names for a title.
local OFFICE_OF = {
    ["prime minister"] = "Prime Minister", ["pm"] = "Prime Minister",
    ["president"] = "President", ["premier"] = "Premier", ["chancellor"] = "Chancellor",
}

local MODIFIERS = { vice = true, deputy = true, former = true, ex = true, assistant = true,
    junior = true, shadow = true, acting = true, late = true, future = true, incoming = true,
    designate = true, elect = true, ["then"] = true, honorary = true, interim = true }

local function iso_part(iso, precision)
    if precision == "year" then
        return iso:sub(1, 4)
    elseif precision == "month" then
        return iso:sub(1, 7)
    end
    return iso:sub(1, 10)
end

-- The office named by a title ("British Prime Minister" -> "Prime Minister"), or nil
-- when the title is a deputy's, a former holder's and so on.
local function office_of(title)
    local words = {}
    for w in util.normalise(title):gsub("[%p]", " "):gmatch("%S+") do
        words[#words + 1] = w
    end
    for n = 2, 1, -1 do
        if #words >= n then
            local tail = table.concat(words, " ", #words - n + 1)
            local office = OFFICE_OF[tail]
            if office then
                local before = words[#words - n]
                if before and MODIFIERS[before] then
                    return nil
                end
                return office
            end
        end
    end
    return nil
end

return factlint.rule {
    id = "date.dateline-conflict",
    summary = "Content contradicts the dateline (past events after it, officeholders out of office)",
    severity = "warning",
    scope = "article",
    tags = { "date", "dateline", "reference" },
    url = "docs/rules/date.dateline-conflict.md",
    needs = { "date", "person" },
    messages = MESSAGES,
    check = function(article, report)
        local dateline = article.dateline
        if not dateline or #dateline < 10 then
            return
        end
        local sentences = {}
        for s in article:sentences() do
            sentences[s.index] = s
        end
        local function sentence_words(index)
            local s = sentences[index]
            local out = {}
            if s then
                for w in article:text(s.offset, s.length):gmatch("[%a']+") do
                    -- "May" the month is not "may" the modal verb
                    out[#out + 1] = w == "May" and "May" or w:lower()
                end
            end
            return out
        end
        local years_in = {} -- sentence -> list of years of absolute dates
        -- 1. past-tense sentences with a date after the dateline
        for f in article:facts("date") do
            if not f.relative and f.value and f.precision and not article:is_boilerplate(f.offset) then
                local y = util.date(f.value)
                if y and y.year > 0 then
                    local list = years_in[f.sentence] or {}
                    list[#list + 1] = y.year
                    years_in[f.sentence] = list
                end
                local p = f.precision
                if (p == "day" or p == "month" or p == "year")
                    and iso_part(f.value, p) > iso_part(dateline, p) then
                    local past, future = false, false
                    for _, w in ipairs(sentence_words(f.sentence)) do
                        if FUTURE[w] or w:find("'ll$") then
                            future = true
                        end
                    end
                    -- "was to be delivered", "to be completed", "no later than", "up to"
                    local st = sentences[f.sentence]
                    if st then
                        local low = article:text(st.offset, st.length):lower()
                        if low:find("to be%s") or low:find("w[ae][sr]e? to%s") or low:find("later than")
                            or low:find("up to%s") or low:find("tenders?") then
                            future = true
                        end
                    end
                    -- a past-tense verb right before the date: "closed on", "was
                    -- signed on", "took place in"
                    local s = sentences[f.sentence]
                    if s and f.offset > s.offset then
                        local before = {}
                        for w in article:text(s.offset, f.offset - s.offset):lower():gmatch("[%a']+") do
                            before[#before + 1] = w
                        end
                        local i = #before
                        if before[i] == "on" or before[i] == "in" or before[i] == "at" then
                            i = i - 1
                        end
                        if before[i] == "place" then
                            i = i - 1 -- "took place on"
                        end
                        local w = before[i]
                        if w and PAST[w] and w ~= "was" and w ~= "were" and w ~= "had" then
                            past = true
                        elseif w and w:find("ed$") and (before[i - 1] == "was" or before[i - 1] == "were") then
                            past = true
                        end
                    end
                    -- the word right before the date
                    local lead = article:text(math.max(0, f.offset - 12), math.min(12, f.offset))
                    local prev = lead:lower():match("(%a+)%s*$")
                    if prev and FUTURE[prev] then
                        future = true
                    end
                    if past and not future then
                        report {
                            messageId = "futureInPast",
                            data = { text = f.text, dateline = dateline },
                            fact = f,
                        }
                    end
                end
            end
        end
        -- 2. officeholders named with an office they did not hold on the dateline
        local text_len = #article:text()
        local ref = factlint.reference("officeholders")
        if not ref or not ref.offices then
            return
        end
        for f in article:facts("person") do
            local office = f.title and office_of(f.title)
            if office and f.name and not article:is_boilerplate(f.offset) then
                local name = util.normalise(f.name)
                local lead = article:text(math.max(0, f.offset - 40), math.min(40, f.offset))
                    .. article:text(f.offset, math.min(f.length + 8, text_len - f.offset))
                local lower = lead:lower()
                local marked = lower:find("former") or lower:find("%f[%a]ex%-") or lower:find("%f[%a]then")
                    or lower:find("%f[%a]late%f[%A]") or lower:find("%-elect") or lower:find("incoming")
                    or lower:find("future")
                if not marked then
                    local matched, in_office, best = false, false, nil
                    for _, o in ipairs(ref.offices) do
                        if o.office == office then
                            for _, h in ipairs(o.holders) do
                                local hit = util.normalise(h.name) == name
                                if not hit and h.variants then
                                    for _, v in ipairs(h.variants) do
                                        if util.normalise(v) == name then
                                            hit = true
                                            break
                                        end
                                    end
                                end
                                if hit then
                                    matched = true
                                    local finish = h["end"]
                                    if h.start <= dateline and (not finish or dateline < finish) then
                                        in_office = true
                                    else
                                        -- the sentence may be about a year of the term
                                        for _, y in ipairs(years_in[f.sentence] or {}) do
                                            local ys = string.format("%04d", y)
                                            if ys >= h.start:sub(1, 4)
                                                and (not finish or ys <= finish:sub(1, 4)) then
                                                in_office = true
                                            end
                                        end
                                        if not best then
                                            best = h
                                        end
                                    end
                                end
                            end
                        end
                    end
                    if matched and not in_office and best then
                        report {
                            messageId = "notInOffice",
                            data = { name = f.name, office = office, dateline = dateline,
                                     start = best.start, finish = best["end"] or "present" },
                            fact = f,
                            severity = "info",
                        }
                    end
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "The plant closed on 14 March 2024 after 60 years, the company said.",
              dateline = "2024-03-20" },
            { text = "The new terminal will open on 1 June 2025, the airport said.",
              dateline = "2024-03-20" },
            { text = "Prime Minister Theresa May visited the factory on Friday.",
              dateline = "2017-04-10" },
        },
        invalid = {
            { text = "The plant closed on 14 March 2024 after 60 years, the company said.",
              dateline = "2024-03-02",
              errors = { { messageId = "futureInPast", line = 1 } } },
            { text = "Talks ended.\n\nThe minister said the deal was signed on 3 May 2019 in Rome.",
              dateline = "2019-04-28",
              errors = { { messageId = "futureInPast", line = 3 } } },
            { text = "Prime Minister Theresa May opened the new hospital wing on Friday.",
              dateline = "2021-06-11",
              errors = { { messageId = "notInOffice", line = 1 } } },
        },
    },
}
