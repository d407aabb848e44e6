-- rules/lib/figure.lua: what the two halves of figure.conflict share (the
-- article rule rules/figure-conflict.lua and the corpus rule
-- rules/figure-conflict-corpus.lua), loaded with factlint.require("figure").
-- Word lists are sets (word -> true); treat them as read-only.

local M = {}

-- Globals and library fields read in loops are locals: in the rule sandbox
-- each global read is a call of the environment's __index.
local ipairs, pairs, sort = ipairs, pairs, table.sort
local huge = math.huge

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

-- The figures that may have a measure, in one call an article in C:
-- led_figures(article) gives the fact numbers, in document order, of the
-- money and quantity facts with a value the halves read (above 0, not
-- vague) that have a workforce or jobs unit, or a measure noun among the
-- words of the 60 bytes before them.  It finds every measure noun that
-- words_of() gives for the words before a figure, and a few more
-- ("bill's" is one word to words_of(), "bill" to the scanner): the nouns
-- are letters only, so a noun words_of() finds is a whole scanner word
-- too.  The halves read those words from up to 60 bytes before the figure
-- and from its sentence's start at most: the same words, as a sentence
-- starts after white space or a line break (engine/core/article.c), never
-- inside a word.
local led_units = {}
for _, set in ipairs({ M.WORKFORCE_UNITS, M.JOB_UNITS }) do
    for w in pairs(set) do
        led_units[w] = true
    end
end
M.led_figures = factlint.util.figure_scanner { words = M.MEASURE_NOUNS, units = led_units,
    window = 60 }

-- Quantity units as the facts give them -> lowercased, kept across calls:
-- `M.LOWER[given] or M.lower(given)`.  Units are a short list of nouns; the
-- table is emptied (in place) should it ever grow large.
local LOWER, n_lower = {}, 0
M.LOWER = LOWER
function M.lower(given)
    if n_lower >= 1000 then
        for k in pairs(LOWER) do
            LOWER[k] = nil
        end
        n_lower = 0
    end
    local unit = given:lower()
    LOWER[given], n_lower = unit, n_lower + 1
    return unit
end

-- The article methods the halves call, as plain functions (see
-- rules/lib/article.lua).
M.methods = factlint.require("article").methods

-- Puts records { i = fact number, ... } in document order (the order of
-- their fact numbers).  Each kind's records come in that order already, so
-- the sort is needed only where a record follows a later one.
local function by_number(a, b)
    return a.i < b.i
end
function M.document_order(list)
    for k = 2, #list do
        if list[k].i < list[k - 1].i then
            sort(list, by_number)
            return
        end
    end
end

function M.has_any(words, set)
    for _, w in ipairs(words) do
        if set[w] then
            return true
        end
    end
    return false
end

-- The words of s, lowercased: what s:lower():gmatch("[%a][%a%-']*")
-- yields, collected in one pass in C (words_of(s, i, j) for s[i..j]).
M.words_of = factlint.util.word_list

function M.singular(unit)
    if unit:sub(-3) == "ies" then
        return unit:sub(1, -4) .. "y"
    elseif unit:sub(-1) == "s" and unit:sub(-2) ~= "ss" then
        return unit:sub(1, -2)
    end
    return unit
end

-- The rate a figure is given at ("a year", "per day", "annually", "each",
-- or "annual" among the five words before it: the last of before, the
-- words_of() of the text before it), nil when none: offset and length are
-- the figure's, text_len the article's length.  Read only for a figure
-- that has a measure.
local rate_min = math.min
function M.rate_of(article, offset, length, text_len, before)
    local after = article:text(offset + length, rate_min(16, text_len - offset - length)):lower()
    local rate = after:match("^%s+a%s+(%a+)") or after:match("^%s+an%s+(%a+)")
        or after:match("^%s+per%s+(%a+)") or after:match("^%s+(annually)")
        or after:match("^%s+(each)")
    if rate and not M.RATE_WORDS[rate] then
        rate = nil
    end
    local n_before = #before
    for i = n_before > 4 and n_before - 4 or 1, n_before do
        local w = before[i]
        if w == "annual" or w == "yearly" or w == "monthly" or w == "weekly"
            or w == "daily" or w == "annually" then
            rate = rate or w
        end
    end
    return rate
end

-- The interval a qualified figure of value v (value_max vmax, qualifier q)
-- allows.
function M.interval(v, vmax, q)
    local hi = vmax or v
    if q == "more than" or q == "at least" or q == "or more" or q == "and counting" then
        return v, huge
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
