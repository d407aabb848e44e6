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
local stated = factlint.require("quote").stated

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
    -- one call per article: the quotes' fields are read without handles
    keys = function(article, keep)
        for i, attribution, partial, speaker in article:facts("quote", "attribution", "partial", "speaker") do
            speaker = stated(attribution, partial, speaker)
            if speaker then
                local k = speaker_key(speaker)
                if k ~= "" then
                    keep(i, k)
                end
            end
        end
    end,
    check = function(_, facts, report, options)
        local min_words, share = options.min_words, 1 - options.similarity
        -- the quotes, their word counts and how many words of a pair may
        -- differ when the quote is the longer one
        local quotes, counts, limits, seen = {}, {}, {}, {}
        for _, f in ipairs(facts) do
            local form, n = util.words_without(f.text)
            if n >= min_words and not seen[form] then
                seen[form] = true
                local k = #quotes + 1
                quotes[k] = { f = f, form = form, joined = " " .. form .. " " }
                counts[k], limits[k] = n, math.floor(n * share + 1e-9)
            end
        end
        -- compare each quote with the earlier ones of a similar length; a
        -- quote is reported once, against the first earlier one that differs
        for j = 2, #quotes do
            local bn, b_limit = counts[j], limits[j]
            for i = 1, j - 1 do
                local an = counts[i]
                local allowed, gap
                if an > bn then
                    allowed, gap = limits[i], an - bn
                else
                    allowed, gap = b_limit, bn - an
                end
                if gap <= allowed then
                    local a, b = quotes[i], quotes[j]
                    local aj, bj = a.joined, b.joined
                    -- a longer string is no part of a shorter one
                    if not (#bj <= #aj and aj:find(bj, 1, true))
                        and not (#aj <= #bj and bj:find(aj, 1, true)) then
                        local d = util.word_distance(a.form, b.form, allowed)
                        if d > 0 and d <= allowed then
                            local was, now = difference(split(b.form), split(a.form))
                            report {
                                messageId = "drift",
                                data = { speaker = b.f.speaker, line = a.f.line,
                                         was = was ~= "" and was or "(nothing)",
                                         now = now ~= "" and now or "(nothing)" },
                                fact = b.f,
                                related = { { fact = a.f, message = MESSAGES.other } },
                            }
                            break
                        end
                    end
                end
            end
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
