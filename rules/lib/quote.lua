-- rules/lib/quote.lua: what the quote rules' keys share, loaded with
-- factlint.require("quote") by rules/quote-drift.lua and
-- rules/quote-attribution-conflict.lua.

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
