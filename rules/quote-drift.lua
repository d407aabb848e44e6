-- quote.drift: the same speaker quoted with slightly different words in two
-- places (a misquote, or a quote "tidied up" in one version of the copy).
--
-- Quotes are grouped by speaker (normalised name, titles dropped).  Within a
-- speaker, quotes of at least `min_words` words are compared pairwise by
-- word-level edit distance: a pair with at least `similarity` of its words
-- the same, but not identical, is reported.  A quote that is a contiguous
-- cut of the other (a shortened quote) is not a misquote and is skipped.
-- Speakers found only through a pronoun or carried over from an earlier
-- paragraph are not used.

local util = factlint.util

local MESSAGES = {
    drift = "{{speaker}} is quoted differently at line {{line}}: '{{was}}' here is '{{now}}' there",
    other = "the other version",
}

local TITLES = {
    mr = true, mrs = true, ms = true, miss = true, dr = true, sir = true, dame = true,
    lord = true, lady = true, prof = true, professor = true, president = true,
    minister = true, prime = true, chancellor = true, the = true,
}

-- The words of util.words' form (normalised, ASCII punctuation made spaces).
local function split(form)
    local out = {}
    for w in form:gmatch("%S+") do
        out[#out + 1] = w
    end
    return out
end

-- Speaker keys by name: the form without titles, worked out once per
-- distinct name (a bounded cache).
local key_of, cached = {}, 0

local function speaker_key(name)
    local k = key_of[name]
    if k then
        return k
    end
    k = util.words_without(name, TITLES)
    if cached >= 20000 then
        key_of, cached = {}, 0
    end
    key_of[name], cached = k, cached + 1
    return k
end

-- The differing middle of two word lists: a's words, b's words.
local function difference(a, b)
    local i = 1
    while i <= #a and i <= #b and a[i] == b[i] do
        i = i + 1
    end
    local ja, jb = #a, #b
    while ja >= i and jb >= i and a[ja] == b[jb] do
        ja, jb = ja - 1, jb - 1
    end
    return table.concat(a, " ", i, ja), table.concat(b, " ", i, jb)
end

-- The quotes that are keyed (util.quotes' test): those whose speaker the
-- extractor found in the text itself (not through a pronoun, not carried
-- over from an earlier paragraph, not a partial quote).
local STATED = { stated = true }

return factlint.rule {
    id = "quote.drift",
    summary = "The same speaker's quote appears with words changed",
    severity = "warning",
    scope = "corpus",
    tags = { "quote", "consistency" },
    url = "docs/rules/quote.drift.md",
    needs = { "quote" },
    -- a pair needs two quotes: keys of one quote are not checked
    min_facts = 2,
    messages = MESSAGES,
    options = {
        -- shorter quotes are not compared
        min_words = 8,
        -- share of words that must be the same (0..1)
        similarity = 0.8,
    },
    -- one call per article: util.quotes walks the quotes in C and yields
    -- only those with a stated speaker
    keys = function(article, keep)
        for i, speaker in util.quotes(article, STATED, "speaker") do
            local k = speaker_key(speaker)
            if k ~= "" then
                keep(i, k)
            end
        end
    end,
    check = function(_, facts, report, options)
        -- the quotes of at least min_words words, each form once
        local quotes, forms, seen = {}, {}, {}
        local min_words = options.min_words
        for _, f in ipairs(facts) do
            local form, n = util.words_without(f.text)
            if n >= min_words and not seen[form] then
                seen[form] = true
                quotes[#quotes + 1], forms[#forms + 1] = f, form
            end
        end
        if #forms < 2 then
            return
        end
        -- each quote against the earlier ones, in C: a quote is reported
        -- once, against the first earlier one that differs in a few words
        -- (at most 1 - similarity of the longer's words) and is not a cut of
        -- it or it of that one
        local variants = util.word_variants(forms, 1 - options.similarity)
        for k = 1, #variants, 2 do
            local j, i = variants[k], variants[k + 1]
            local a, b = quotes[i], quotes[j]
            local was, now = difference(split(forms[j]), split(forms[i]))
            report {
                messageId = "drift",
                data = { speaker = b.speaker, line = a.line,
                         was = was ~= "" and was or "(nothing)",
                         now = now ~= "" and now or "(nothing)" },
                fact = b,
                related = { { fact = a, message = MESSAGES.other } },
            }
        end
    end,
    tests = {
        valid = {
            { articles = {
                { text = "\"We knew the first fortnight would be difficult for every passenger,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-21" },
                { text = "\"We knew the first fortnight would be difficult for every passenger,\" "
                    .. "Karl Lindqvist told MPs.", dateline = "2023-06-22" },
            } },
            { articles = {
                { text = "\"We knew the first fortnight would be difficult for every passenger,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-21" },
                { text = "\"Nobody expected the new timetable to fail on its very first morning,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-22" },
            } },
            { articles = {
                { text = "\"We knew the first fortnight would be difficult for every passenger,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-21" },
                { text = "\"We knew the first fortnight would be difficult for every passenger, and "
                    .. "we planned for it,\" said Karl Lindqvist.", dateline = "2023-06-22" },
            } },
        },
        invalid = {
            { articles = {
                { text = "\"We knew the first fortnight would be difficult for every passenger,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-21" },
                { text = "\"We knew the first month would be difficult for every passenger,\" "
                    .. "said Karl Lindqvist.", dateline = "2023-06-22" },
            },
              errors = { { messageId = "drift", line = 1 } } },
            { text = "\"This plant will be open for at least another fifty years,\" said Rachel Dunmore.\n\n"
                .. "The company declined to comment.\n\n"
                .. "\"This plant will stay open for at least another fifty years,\" said Rachel Dunmore.",
              dateline = "2019-08-12",
              errors = { { messageId = "drift", line = 5 } } },
            { articles = {
                { text = "\"The grades are running ahead of the mine plan and we see no reason to change "
                    .. "our view,\" said Rafael Ibarra.", dateline = "2017-05-02" },
                { text = "\"The grades are running well ahead of the mine plan and we see no reason to "
                    .. "change our view,\" said Rafael Ibarra.", dateline = "2017-05-03" },
            },
              errors = { { messageId = "drift", line = 1 } } },
        },
    },
}
