-- rules/lib/article.lua: the article methods rules call as plain functions,
-- loaded with factlint.require("article") (rules/lib/figure.lua re-exports
-- it for the figure rules; rules/number-arithmetic.lua uses it directly).

local M = {}

-- The article methods, as plain functions (A.text(article, ...)):
-- article:text() looks "text" up through the handle's __index, a C call, on
-- every use.  They are the same functions for every article of a rule
-- state, so they are read from the first article only.
local methods
function M.methods(article)
    if not methods then
        methods = { text = article.text, fact = article.fact, facts = article.facts,
            fact_count = article.fact_count, sentence = article.sentence,
            is_boilerplate = article.is_boilerplate }
    end
    return methods
end

return M
