-- quote.attribution-conflict: the same quote attributed to different people
-- (across the whole corpus, the same article included).
--
-- Quotes are grouped by their normalised text (case, accents, punctuation
-- and spacing ignored); quotes shorter than `min_words` words and partial
-- quotes are not keys, because short phrases are legitimately repeated by
-- different people.  Two speakers are the same person when their normalised
-- names match once titles are dropped, or when one is the other's surname
-- ("Li" and "Li Keqiang"), when the surnames are one edit apart ("Kapnik",
-- "Kapnick": a name variant, not another speaker) or when they share two
-- words (organisation names).  Speakers described only by a role ("the
-- Treasury Secretary", "a senior official") are not keys, and neither are
-- fragments starting in lower case, two speakers at once ("Blair and Mr
-- Brown"), descriptions resolved to a name they do not contain, or
-- speakers found only through a pronoun, carried
-- over from an earlier paragraph or described through a possessive ("the
-- company's chairman") are not used: the extractor guessed them.

local util = factlint.util

local MESSAGES = {
    conflict = "the same quote is attributed to {{speaker}} here but to {{other}} at line {{line}}",
    other = "attributed to {{speaker}} here",
}

local TITLES = {
    mr = true, mrs = true, ms = true, miss = true, dr = true, sir = true, dame = true,
    lord = true, lady = true, prof = true, professor = true, president = true,
    minister = true, prime = true, chancellor = true, gen = true, general = true,
    sen = true, senator = true, rep = true, judge = true, the = true,
}

-- Role words dropped from names ("Deputy Prime Minister Mr Prescott").
local ROLE_TITLE = {}
for w in ([[deputy vice shadow chief operating officer executive managing financial
    secretary spokesman spokeswoman chairman governor director senior]]):gmatch("%a+") do
    ROLE_TITLE[w] = true
end

-- Words of a role, not a name: a speaker made only of these ("Treasury
-- Secretary", "a senior trade official") was described, not named.
local ROLE = {}
for w in ([[secretary spokesman spokeswoman spokesperson official officials minister operating
    officer managing financial lords lord law court judges judge
    ministry chairman chairwoman chair governor director analyst analysts executive chief head
    president vice deputy senior trade treasury finance foreign state us u s uk british american
    economist trader traders dealer dealers source sources banker bankers manager officer
    department agency government company firm group bank exchange report statement diplomat
    diplomats union leader leaders member members general commissioner spokesmen one new york
    a an of and for]]):gmatch("%a+") do
    ROLE[w] = true
end

-- What a key drops from a speaker's words: titles and role words (the
-- tokens), and those with the words of a role (what is left names someone).
local NOT_TOKEN, NOT_NAMED = {}, {}
for _, set in ipairs({ TITLES, ROLE_TITLE }) do
    for w in pairs(set) do
        NOT_TOKEN[w], NOT_NAMED[w] = true, true
    end
end
for w in pairs(ROLE) do
    NOT_NAMED[w] = true
end

-- A speaker's name without titles and role words, for the check: its key
-- (util.words' form: normalised, ASCII punctuation made spaces) and the
-- list of its words, worked out once per distinct name in a bounded cache.
-- The entries are shared: callers only read them.
local name_of, cached = {}, 0

local function speaker_name(name)
    local out = name_of[name]
    if out then
        return out
    end
    local key = util.words_without(name, NOT_TOKEN)
    local tokens = {}
    for w in key:gmatch("%S+") do
        tokens[#tokens + 1] = w
    end
    out = { key = key, tokens = tokens }
    if cached >= 20000 then
        name_of, cached = {}, 0
    end
    name_of[name], cached = out, cached + 1
    return out
end

-- Whether s has at least n words (rules/lib/quote.lua).
local has_words = factlint.require("quote").has_words

-- True when two speakers can be the same person.
local function same_speaker(a, b)
    if a.key == b.key then
        return true
    end
    local ta, tb = a.tokens, b.tokens
    if #ta == 0 or #tb == 0 then
        return true -- nothing left to compare: do not claim a conflict
    end
    -- organisations: two shared words ("Smith Barney Harris Upham", "Harris Upham and Co")
    local shared, set = 0, {}
    for _, w in ipairs(ta) do
        set[w] = true
    end
    for _, w in ipairs(tb) do
        if set[w] and #w >= 3 then
            shared = shared + 1
        end
    end
    if shared >= 2 then
        return true
    end
    -- a surname spelled two ways ("Kapnik", "Kapnick") is still one speaker
    if ta[#ta] ~= tb[#tb] and util.edit_distance(ta[#ta], tb[#tb], 1) > 1 then
        return false
    end
    if #ta == 1 or #tb == 1 then
        return true -- a surname against a full name
    end
    -- same surname: the first names must agree (an initial matches)
    local fa, fb = ta[1], tb[1]
    return fa == fb or (#fa == 1 and fb:sub(1, 1) == fa) or (#fb == 1 and fa:sub(1, 1) == fb)
end

-- Whether a quote's speaker (its resolved name, and speaker_text, the words
-- the copy used) can be compared by name; worked out once per distinct pair
-- in a bounded cache.
local usable_of, usable_count = {}, 0

-- "'s" or "\u{2019}s" ending a word (the patterns "'s%f[%A]" and
-- "\u{2019}s%f[%A]" in one pass), tried only on text with an apostrophe
local POSSESSIVE = factlint.re("(?:'|\u{2019})s(?![A-Za-z])")

local function speaker_usable(speaker, st)
    -- "said Olvera's European president, Javier ...": the speaker was described
    -- through a possessive and the resolved name may be the organisation's
    if st and (st:find("'", 1, true) or st:find("\u{2019}", 1, true)) and POSSESSIVE:test(st) then
        return false
    end
    -- a speaker described by role only ("the Treasury Secretary", "a senior
    -- official"), or not capitalised at all, cannot be compared by name
    if not speaker:find("%u") then
        return false
    end
    local tokens, n = util.words_without(speaker, NOT_TOKEN)
    if n == 0 or select(2, util.words_without(speaker, NOT_NAMED)) == 0 then
        return false
    end
    -- two speakers at once ("Blair and Mr Brown")
    if speaker:find(" and ", 1, true) or speaker:find(" & ", 1, true) then
        return false
    end
    -- a description resolved to a name it does not contain ("the supporters
    -- club" -> a person named earlier): the resolution is a guess (a name
    -- given as written shares all its words)
    if st and st ~= speaker and util.common_words(tokens, (util.words_without(st, NOT_TOKEN))) == 0 then
        return false
    end
    return true
end

local function cached_usable(speaker, st)
    local by_text = usable_of[speaker]
    if not by_text then
        if usable_count >= 20000 then
            usable_of, usable_count = {}, 0
        end
        by_text = {}
        usable_of[speaker], usable_count = by_text, usable_count + 1
    end
    local k = st or false
    local usable = by_text[k]
    if usable == nil then
        usable = speaker_usable(speaker, st)
        by_text[k] = usable
    end
    return usable
end

-- The quotes keys are made of (util.quotes' tests): a speaker the extractor
-- found in the text itself (not through a pronoun, not carried over from an
-- earlier paragraph, not a partial quote), a text opening with a capital (a
-- fragment inside reported speech, 'allowed detentions "in a way that..."',
-- is not a whole quote whose speaker can be compared) and at least 6 words
-- of util.words' form (the key: normalised words, punctuation dropped).
local KEYED = { stated = true, capitalised = true, min_words = 6 }

return factlint.rule {
    id = "quote.attribution-conflict",
    summary = "The same quote is attributed to different speakers",
    severity = "error",
    scope = "corpus",
    tags = { "quote", "attribution", "consistency" },
    url = "docs/rules/quote.attribution-conflict.md",
    needs = { "quote" },
    -- two speakers need two quotes: keys of one quote are not checked
    min_facts = 2,
    messages = MESSAGES,
    options = {
        -- shorter quotes are not compared
        min_words = 6,
    },
    -- one call per article: util.quotes walks the quotes in C and yields
    -- only those a key can be made of, with their form
    keys = function(article, keep)
        for i, key in util.quotes(article, KEYED, "form") do
            keep(i, key)
        end
    end,
    check = function(_, facts, report, options)
        -- the speakers are tested here, not in keys: most keys hold one
        -- quote and are never checked (min_facts), so a speaker is looked at
        -- only when its quote is printed twice
        local groups, min_words = {}, options.min_words
        for _, f in ipairs(facts) do
            local speaker = f.speaker
            if has_words(f.text, min_words) and cached_usable(speaker, f.speaker_text) then
                local name = speaker_name(speaker)
                local sp = { key = name.key, tokens = name.tokens, fact = f }
                local found = false
                for _, g in ipairs(groups) do
                    if same_speaker(g, sp) then
                        found = true
                        break
                    end
                end
                if not found then
                    groups[#groups + 1] = sp
                end
            end
        end
        local first = groups[1]
        for i = 2, #groups do
            local g = groups[i]
            report {
                messageId = "conflict",
                data = { speaker = g.fact.speaker, other = first.fact.speaker,
                         line = first.fact.line },
                fact = g.fact,
                related = { { fact = first.fact,
                              messageId = "other", data = { speaker = first.fact.speaker } } },
            }
        end
    end,
    tests = {
        valid = {
            { articles = {
                { text = "\"We will not raise taxes on working families this year,\" said Anna Vale, "
                    .. "the finance minister.", dateline = "2020-02-11" },
                { text = "\"We will not raise taxes on working families this year,\" Ms Vale told "
                    .. "parliament.", dateline = "2020-02-12" },
            } },
            { articles = {
                { text = "\"We will not raise taxes,\" said Anna Vale.", dateline = "2020-02-11" },
                { text = "\"We will not raise taxes,\" said Tom Reyes.", dateline = "2020-02-12" },
            } },
            { articles = {
                { text = "\"The harbour will be busier than it has ever been,\" said Omar Haddad.",
                  dateline = "2021-04-30" },
                { text = "\"The airport will be busier than it has ever been,\" said Lena Morrow.",
                  dateline = "2021-05-02" },
            } },
        },
        invalid = {
            { articles = {
                { text = "\"We will not raise taxes on working families this year,\" said Anna Vale, "
                    .. "the finance minister.", dateline = "2020-02-11" },
                { text = "The budget was published on Tuesday.\n\n\"We will not raise taxes on working "
                    .. "families this year,\" said Tom Reyes, the deputy minister.",
                  dateline = "2020-02-12" },
            },
              errors = { { messageId = "conflict", line = 3 } } },
            { text = "\"The harbour will be busier than it has ever been,\" said Omar Haddad.\n\n"
                .. "Critics disagreed. \"The harbour will be busier than it has ever been,\" said "
                .. "Lena Morrow, sarcastically.",
              dateline = "2021-04-30",
              errors = { { messageId = "conflict", line = 3 } } },
            { articles = {
                { text = "\"Our members have been patient for far too long,\" said Ruth Keel.",
                  dateline = "2019-03-01" },
                { text = "\"Our members have been patient for far too long,\" said David Keel.",
                  dateline = "2019-03-02" },
            },
              errors = { { messageId = "conflict", line = 1 } } },
        },
    },
}
