-- rules/lib/quote.lua: the quote rules' notion of a stated speaker and their
-- word count test, for rules loading it with factlint.require("quote").  The default quote rules
-- now ask util.quotes for `{stated = true}`, the same test made in C
-- (engine/lua/util_quotes.c); keep the two in step.

local M = {}

-- The speaker a quote fact names when the extractor found it in the text
-- itself: nil for partial (scare) quotes, quotes without a speaker, and
-- speakers found only through a pronoun or carried over from an earlier
-- paragraph (the extractor guessed those).
-- (attribution is read first: each field read is a call into C, and it
-- rules out the most quotes, a third on Reuters and half on BBC)
function M.stated_speaker(f)
    local attribution = f.attribution
    if attribution == "pronoun" or attribution == "carried" or f.partial then
        return nil
    end
    return f.speaker
end

-- The same from the fields themselves, for keys(article, keep), which reads
-- them with article:facts("quote", "attribution", "partial", "speaker").
function M.stated(attribution, partial, speaker)
    if attribution == "pronoun" or attribution == "carried" or partial then
        return nil
    end
    return speaker
end

-- Whether s has at least n words (runs of %w and ' as Lua's C locale reads
-- them: `s:gmatch("[%w']+")`), in one anchored match: the regex for n is
-- made once (a quote's min_words test, in quote.attribution-conflict and
-- quote.unattributed).
local at_least = {}
function M.has_words(s, n)
    if n <= 0 then
        return true
    end
    n = math.ceil(n)
    local re = at_least[n]
    if not re then
        re = factlint.re("^[^A-Za-z0-9']*+[A-Za-z0-9']++(?:[^A-Za-z0-9']++[A-Za-z0-9']++){"
            .. string.format("%d", n - 1) .. "}")
        at_least[n] = re
    end
    return re:test(s)
end

return M
