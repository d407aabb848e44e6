-- rules/lib/quote.lua: the quote rules' notion of a stated speaker, for
-- rules loading it with factlint.require("quote").  The default quote rules
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

return M
