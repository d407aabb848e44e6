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
local words_before = util.words_before

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

-- The office a person's title names ("British Prime Minister" -> "Prime
-- Minister"): the last two or one words of the title (util.normalise form,
-- punctuation as spaces) are one of OFFICE_OF, and the word before them is
-- not one of MODIFIERS (a deputy's, a former holder's title...).  One C call
-- an article gives the people with such a title.
local OFFICES = util.title_matcher { titles = OFFICE_OF, not_after = MODIFIERS }

local NONE = {} -- (an empty list, never written)

-- Whether the date at offset, in sentence si, follows a past-tense verb in
-- a sentence that does not look forward (will, would, expected, due...)
-- and is not itself after a word that does ("by", "until", "from").
local function past_not_future(article, offset, si)
    local so, sn = article:sentence(si)
    if not so or offset <= so then
        return false
    end
    -- a past-tense verb right before the date: "closed on", "was signed on",
    -- "took place in" (the last words of the sentence before it, last
    -- first, from one C call: ASCII letters and apostrophes, lowercased)
    local w, w2, w3, w4 = words_before(article, offset, 4, so)
    local prev = w2 -- the word before w
    if w == "on" or w == "in" or w == "at" then
        w, prev, w3 = w2, w3, w4
    end
    if w == "place" then
        w, prev = prev, w3 -- "took place on"
    end
    local past = false
    if w and PAST[w] and w ~= "was" and w ~= "were" and w ~= "had" then
        past = true
    elseif w and w:find("ed$") and (prev == "was" or prev == "were") then
        past = true
    end
    if not past then
        return false
    end
    local text = article:text(so, sn)
    for w in text:gmatch("[%a']+") do
        -- "May" the month is not "may" the modal verb
        w = w == "May" and "May" or w:lower()
        if FUTURE[w] or w:find("'ll$") then
            return false
        end
    end
    -- "was to be delivered", "to be completed", "no later than", "up to"
    local low = text:lower()
    if low:find("to be%s") or low:find("w[ae][sr]e? to%s") or low:find("later than")
        or low:find("up to%s") or low:find("tenders?") then
        return false
    end
    -- the word right before the date
    local lead = article:text(math.max(0, offset - 12), math.min(12, offset))
    local prev = lead:lower():match("(%a+)%s*$")
    if prev and FUTURE[prev] then
        return false
    end
    return true
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
        -- The dates after the dateline at their precision (1) and the people
        -- named with the title of an office (2), each from one C call: nil
        -- for most articles, which then have nothing to report.
        local later = util.dates_after(article) -- (nil without a dateline)
        local people, offices = OFFICES(article)
        if not later and not people then
            return
        end
        -- An article without a dateline, or with one less precise than a day,
        -- has nothing to report.
        local dateline = article.dateline
        if not dateline or #dateline < 10 then
            return
        end
        -- 1. past-tense sentences with a date after the dateline (cheapest
        -- tests first: the date, then the words right before it, and only
        -- for a past tense there whether the sentence looks forward)
        if later then
            for _, i in ipairs(later) do
                local f = article:fact(i)
                local offset = f.offset
                if not article:is_boilerplate(offset)
                    and past_not_future(article, offset, f.sentence) then
                    report {
                        messageId = "futureInPast",
                        data = { text = f.text, dateline = dateline },
                        fact = f,
                    }
                end
            end
        end
        -- 2. officeholders named with an office they did not hold on the dateline
        if not people then
            return
        end
        -- sentence -> list of years of absolute dates, read when first needed
        local years_in
        local function years_of(index)
            if not years_in then
                years_in = {}
                for _, relative, value, precision, offset, si in
                    article:facts("date", "relative", "value", "precision", "offset", "sentence") do
                    if not relative and value and precision and not article:is_boilerplate(offset) then
                        local y = util.date(value)
                        if y and y.year > 0 then
                            local list = years_in[si] or {}
                            list[#list + 1] = y.year
                            years_in[si] = list
                        end
                    end
                end
            end
            return years_in[index] or {}
        end
        local text_len
        for k, i in ipairs(people) do
            local office = offices[k]
            local f = article:fact(i)
            if f.name and not article:is_boilerplate(f.offset) then
                -- the holders of that office by that name (false for none: nothing
                -- to report; nil without the reference)
                local holders = util.officeholders(office, f.name)
                if holders == nil then
                    return
                end
                local in_office, best = false, nil
                for _, h in ipairs(holders or NONE) do
                    local finish = h["end"]
                    if h.start <= dateline and (not finish or dateline < finish) then
                        in_office = true
                    else
                        -- the sentence may be about a year of the term
                        for _, y in ipairs(years_of(f.sentence)) do
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
                -- out of office: unless the mention is marked as past or future
                if not in_office and best then
                    text_len = text_len or #article:text()
                    local lead = article:text(math.max(0, f.offset - 40), math.min(40, f.offset))
                        .. article:text(f.offset, math.min(f.length + 8, text_len - f.offset))
                    local lower = lead:lower()
                    local marked = lower:find("former") or lower:find("%f[%a]ex%-") or lower:find("%f[%a]then")
                        or lower:find("%f[%a]late%f[%A]") or lower:find("%-elect") or lower:find("incoming")
                        or lower:find("future")
                    if not marked then
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
            { text = "Former Prime Minister Theresa May opened the new hospital wing on Friday.",
              dateline = "2021-06-11" },
            { text = "Deputy Prime Minister Theresa May opened the new hospital wing on Friday.",
              dateline = "2021-06-11" },
            { text = "The plant closed in 2024 after 60 years, the company said.",
              dateline = "2024-03-02" },
            { text = "The plant closed on 14 March 2024. It will reopen in 2026, the company said.",
              dateline = "2024-03-20" },
            { text = "The summit met in Genève on 5 May 2024, officials said.",
              dateline = "2024-04-20" },
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
            { text = "British Prime Minister Theresa May opened the new hospital wing on Friday.",
              dateline = "2021-06-11",
              errors = { { messageId = "notInOffice", line = 1 } } },
            { text = "The plant closed in April 2024 after 60 years, the company said.",
              dateline = "2024-03-02",
              errors = { { messageId = "futureInPast", line = 1 } } },
            { text = "The summit in Genève took place on 5 May 2024, officials said.",
              dateline = "2024-04-20",
              errors = { { messageId = "futureInPast", line = 1 } } },
            { text = "Sales will rise in 2025.\n\nThe plant closed in 2025, the company said.",
              dateline = "2024-03-02",
              errors = { { messageId = "futureInPast", line = 3 } } },
        },
    },
}
