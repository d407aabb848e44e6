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

-- Finds, in one pass in C, every measure noun that words_of() gives for the
-- words before a figure, and a few more ("bill's" is one word to
-- words_of(), "bill" to a wordset).  The nouns are letters only, so a noun
-- words_of() finds is a whole wordset word too.  may_have_noun() scans up to
-- 60 bytes before the figure where the halves read from its sentence's
-- start at most: the same words, as a sentence starts after white space or
-- a line break (engine/core/article.c), never inside a word.
local noun_scan = {}
for w in pairs(M.MEASURE_NOUNS) do
    noun_scan[#noun_scan + 1] = w
end
local NOUN_SCAN = factlint.util.wordset(noun_scan)

-- Whether the figure at offset in text (the article's text) may have a
-- measure noun among the words just before it in its sentence (the 60
-- bytes the halves read): false when it cannot, so that the words need not
-- be read.
function M.may_have_noun(text, offset)
    local start = offset > 60 and offset - 60 or 0
    return NOUN_SCAN:find(text, start + 1, offset) ~= nil
end

-- The unit a figure is measured in: the currency of money, the lowercased
-- unit of a quantity (nil when it has none).
function M.unit_of(f, kind)
    if kind == "money" then
        return f.currency
    end
    local unit = f.unit
    return unit and unit:lower()
end

-- Puts records { f = fact, kind = its kind } of money and quantity facts
-- in the order article:facts() gives them.  facts(kind) keeps that order
-- within one kind, so a list of one kind is left as it is.
function M.document_order(article, list)
    local mixed = false
    for i = 2, #list do
        if list[i].kind ~= list[1].kind then
            mixed = true
            break
        end
    end
    if not mixed then
        return
    end
    local rank = 0
    for f in article:facts() do
        rank = rank + 1
        for _, x in ipairs(list) do
            if not x.rank and x.f == f then
                x.rank = rank
                break
            end
        end
    end
    table.sort(list, function(a, b)
        return a.rank < b.rank
    end)
end

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
