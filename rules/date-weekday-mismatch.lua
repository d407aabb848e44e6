-- date.weekday-mismatch: a date whose weekday does not fit the day it names
-- ("Wednesday 9 March 2023" when 9 March 2023 was a Thursday).
--
-- The date extractor sets weekday_mismatch when a weekday name is printed
-- next to a full date; this rule reports it with the weekday the calendar
-- gives, so the editor can tell which half of the date is wrong.  When the
-- year was not printed ("Monday, April 6") and the weekday fits the day in
-- the dateline's year or the year before or after, the extractor guessed
-- the year wrong and nothing is reported.

local util = factlint.util

local WEEKDAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}

local MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
}

-- "9 March 2023" for an ISO day.
local function long_date(iso)
    local d = util.date(iso)
    if not d or d.day == 0 then
        return iso
    end
    return string.format("%d %s %d", d.day, MONTHS[d.month], d.year)
end

-- The weekday name printed in the date's text, or nil.
local function printed_weekday(text)
    local lower = text:lower()
    for _, w in ipairs(WEEKDAYS) do
        if lower:find(w:lower(), 1, true) then
            return w
        end
        local abbr = w:sub(1, 3):lower()
        if lower:find("%f[%a]" .. abbr .. "%f[%A]") then
            return w
        end
    end
    return nil
end

-- True when the month and day of iso fall on weekday `printed` in the year
-- of the dateline (or of iso) or the year before or after.
local function year_fits(iso, printed, dateline)
    local d = util.date(iso)
    local anchor = dateline and util.date(dateline) or d
    if not d or not anchor or d.day == 0 then
        return false
    end
    for y = anchor.year - 1, anchor.year + 1 do
        local name = util.weekday(string.format("%04d-%02d-%02d", y, d.month, d.day))
        if name == printed then
            return true
        end
    end
    return false
end

return factlint.rule {
    id = "date.weekday-mismatch",
    summary = "A weekday printed with a date falls on another day",
    severity = "error",
    scope = "article",
    tags = { "date", "consistency" },
    url = "docs/rules/date.weekday-mismatch.md",
    needs = { "date" },
    messages = {
        mismatch = "'{{text}}': {{date}} was a {{actual}}, not a {{printed}}",
        mismatchBare = "'{{text}}': {{date}} was a {{actual}}",
    },
    check = function(article, report)
        -- (the flag as a value: a handle only for the few dates it marks)
        for i, mismatch in article:facts("date", "weekday_mismatch") do
            local f = mismatch and article:fact(i)
            if f and not article:is_boilerplate(f.offset) and f.value and f.precision == "day" then
                local actual = util.weekday(f.value)
                local printed = printed_weekday(f.text)
                -- a date printed without its year: the extractor inferred the year,
                -- and the weekday may simply point at a neighbouring year
                if actual and printed and f.relative and year_fits(f.value, printed,
                        article.dateline) then
                    actual = nil
                end
                if actual then
                    if printed and printed ~= actual then
                        report {
                            messageId = "mismatch",
                            data = { text = f.text, date = long_date(f.value), actual = actual,
                                     printed = printed },
                            fact = f,
                        }
                    elseif not printed then
                        report {
                            messageId = "mismatchBare",
                            data = { text = f.text, date = long_date(f.value), actual = actual },
                            fact = f,
                        }
                    end
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "The bridge reopened on Thursday 9 March 2023 after repairs costing £2m.",
              dateline = "2023-03-20" },
            { text = "Voting took place on Sunday 5 May 2019, the electoral commission said.",
              dateline = "2019-05-07" },
            { text = "The hearing is set for Monday, 4 December 2017, a court spokesman said.",
              dateline = "2017-11-24" },
            { text = "Final terms will be set on Monday, April 6, the lead manager said.",
              dateline = "1987-03-31" },
        },
        invalid = {
            { text = "The bridge reopened on Wednesday 9 March 2023 after repairs costing £2m.",
              dateline = "2023-03-20",
              errors = { { messageId = "mismatch", line = 1 } } },
            { text = "Voting took place on Saturday 5 May 2019, the electoral commission said.",
              dateline = "2019-05-07",
              errors = { { messageId = "mismatch", line = 1 } } },
            { text = "The council met in March.\n\nThe hearing is set for Tuesday, 4 December 2017, a court spokesman said.",
              dateline = "2017-11-24",
              errors = { { messageId = "mismatch", line = 3 } } },
        },
    },
}
