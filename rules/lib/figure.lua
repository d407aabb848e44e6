-- rules/lib/figure.lua: what the two halves of figure.conflict share (the
-- article rule rules/figure-conflict.lua and the corpus rule
-- rules/figure-conflict-corpus.lua), loaded with factlint.require("figure").
-- Word lists are sets (word -> true); treat them as read-only.

local M = {}

function M.set_of(words)
    local t = {}
    for w in words:gmatch("%S+") do
        t[w] = true
    end
    return t
end
-- A new set: the words of set and those of the string words.
function M.extend(set, words)
    local t = {}
    for w in pairs(set) do
        t[w] = true
    end
    for w in words:gmatch("%S+") do
        t[w] = true
    end
    return t
end

M.WORKFORCE_UNITS = M.set_of("people workers employees staff personnel workforce")
M.JOB_UNITS = M.set_of("jobs posts positions roles")
M.PARTIAL = M.set_of("further another first more additional extra total overall already "
    .. "remaining rest each includes include including included part")
M.CHANGE = M.set_of("rose rise rises rising risen fell fall falls falling fallen increase increased "
    .. "increases increasing decrease decreased decreases decline declined declines grew grow grows "
    .. "growth jumped jump climbed climb dropped drop drops slipped slip plunged soared surged "
    .. "from compared compare versus vs against previous previously prior earlier ago "
    .. "up down cut cuts cutting reduce reduced reducing raise raised raising lower lowered "
    .. "boost boosted double doubled triple tripled halved forecast forecasts estimate estimates "
    .. "target targets expected expects projected revised instead originally initially")
M.WORKFORCE_EXCLUDE = M.set_of("cut cuts cutting lose losing lost laid lay layoff layoffs "
    .. "redundant redundancies shed axe axed hire hiring hired recruit recruited add adding new "
    .. "more extra additional temporary seasonal agency killed injured dead died evacuated rescued "
    .. "strike striking protest protested marched")
-- Nouns naming one figure that an article should not give two values for.
M.MEASURE_NOUNS = M.set_of("bill budget deficit debt debts valuation fine "
    .. "fines penalty compensation payout settlement bailout population turnout toll "
    .. "subsidy overspend overrun ransom damages workforce death deaths")
M.RATE_WORDS = M.set_of("year day week month hour annually annual yearly daily weekly monthly each "
    .. "per")

function M.has_any(words, set)
    for _, w in ipairs(words) do
        if set[w] then
            return true
        end
    end
    return false
end

function M.words_of(s)
    local out = {}
    for w in s:lower():gmatch("[%a][%a%-']*") do
        out[#out + 1] = w
    end
    return out
end

function M.singular(unit)
    if unit:sub(-3) == "ies" then
        return unit:sub(1, -4) .. "y"
    elseif unit:sub(-1) == "s" and unit:sub(-2) ~= "ss" then
        return unit:sub(1, -2)
    end
    return unit
end

-- The interval a qualified figure allows.
function M.interval(f)
    local v, q = f.value, f.qualifier
    local hi = f.value_max or v
    if q == "more than" or q == "at least" or q == "or more" or q == "and counting" then
        return v, math.huge
    elseif q == "up to" or q == "less than" then
        return 0, hi
    elseif q == "almost" then
        return v * 0.9, hi
    elseif q == "around" then
        return v * 0.85, hi * 1.15
    end
    return v * 0.995, hi * 1.005
end

return M
