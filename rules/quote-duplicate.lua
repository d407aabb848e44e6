-- quote.duplicate: the same direct quote printed twice in one article.
--
-- Quotes are compared by their normalised text (case, accents, curly
-- quotes, punctuation and spacing ignored).  The finding points at the
-- repeat and relates the first printing.  Partial (scare) quotes, very short
-- quotes, lower-case fragments of fewer than eight words and quotes in
-- boilerplate are ignored.

local util = factlint.util

local MESSAGES = {
    duplicate = "quote printed twice: \"{{quote}}\" first appears at line {{line}}",
    first = "first printed here",
}

-- The comparison key of a quote is util.words' form (util.quotes' "form",
-- as util.words_without gives it): normalised words, punctuation dropped,
-- single spaces (one C pass per quote).  The quotes compared: not partial,
-- not in boilerplate (util.quotes' tests, in C).
-- Only the quotes whose form another of them shares come back (`repeated`):
-- in most articles none does, and Lua sees no quote at all.
local COMPARED = { partial = false, boilerplate = false, repeated = true }

-- At most max characters of s (on a UTF-8 boundary), with an ellipsis.
local function shorten(s, max)
    if #s <= max then
        return s
    end
    local cut = max
    while cut > 1 and (s:byte(cut + 1) or 0) & 0xC0 == 0x80 do
        cut = cut - 1
    end
    return s:sub(1, cut) .. "..."
end

return factlint.rule {
    id = "quote.duplicate",
    summary = "The same direct quote is printed twice",
    severity = "warning",
    scope = "article",
    tags = { "quote", "duplication" },
    url = "docs/rules/quote.duplicate.md",
    needs = { "quote" },
    messages = MESSAGES,
    options = {
        -- quotes shorter than this many words are not compared
        min_words = 4,
    },
    check = function(article, report, options)
        -- a repeat needs two quotes
        if article:fact_count("quote") < 2 then
            return
        end
        local seen = {} -- key -> the number of its first quote
        local min_words = options.min_words
        -- the quotes outside boilerplate that are not partial and share
        -- their key with another, walked in C, with the key: util.words'
        -- form, and its word count
        for i, key, n, capitalised in util.quotes(article, COMPARED, "form", "words", "capitalised") do
            -- a short lower-case fragment ("lack of consistent leadership") is a
            -- phrase from a report that copy legitimately cites more than once
            if n >= min_words and (n >= 8 or capitalised) then
                local first = seen[key]
                if first then
                    first = article:fact(first)
                    local f = article:fact(i)
                    report {
                        messageId = "duplicate",
                        data = { quote = shorten(f.text, 80), line = first.line },
                        fact = f,
                        related = { { fact = first, message = MESSAGES.first } },
                    }
                else
                    seen[key] = i
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "\"We will build it on time and on budget,\" said Anna Vale.\n\n"
                .. "\"The money is already in the bank,\" Ms Vale added.",
              dateline = "2020-02-11" },
            { text = "The mayor called the scheme \"a disgrace\" and promised a review.\n\n"
                .. "Opposition councillors also called it \"a disgrace\" on Tuesday.",
              dateline = "2020-02-11" },
            { text = "MPs said the department showed a \"lack of consistent leadership\".\n\n"
                .. "The report blamed a \"lack of consistent leadership\" for the delays.",
              dateline = "2004-12-30" },
            { text = "\"We will build it on time,\" said Anna Vale.\n\n"
                .. "\"We will build it on time and within the budget we were given,\" said Tom Reyes.",
              dateline = "2020-02-11" },
        },
        invalid = {
            { text = "\"We will build it on time and on budget,\" said Anna Vale.\n\n"
                .. "The council approved the plan.\n\n"
                .. "\"We will build it on time and on budget,\" Ms Vale added.",
              dateline = "2020-02-11",
              errors = { { messageId = "duplicate", line = 5 } } },
            { text = "\"Nobody wanted this strike, but we were left with no choice,\" said Lena Morrow, "
                .. "the union's regional secretary.\n\n"
                .. "Talks will resume on Friday. \"Nobody wanted this strike - but we were left with "
                .. "no choice,\" she said.",
              dateline = "2019-09-03",
              errors = { { messageId = "duplicate", line = 3 } } },
            { text = "\"The harbour will be busier than it has ever been,\" said Omar Haddad.\n\n"
                .. "\"The Harbour will be busier than it has ever been!\" Mr Haddad told reporters.\n\n"
                .. "\"The harbour will be busier than it has ever been,\" he repeated.",
              dateline = "2021-04-30",
              errors = { { messageId = "duplicate", line = 3 }, { messageId = "duplicate", line = 5 } } },
        },
    },
}
