-- name.variant: one person's or organisation's name spelled two ways in one
-- article ("Marta Okonkwo" and "Marta Okonkow", "Xi Jinping" and "Xi JInping").
--
-- Names are compared word by word.  Two spellings are variants when
--  - they are the same word apart from letter case (not only the first
--    letter, and neither is all capitals) or accents, or
--  - they have at least `min_letters` letters, start with the same letter and
--    are one edit apart (a letter added, dropped, changed or two swapped),
--    and are not a plural or possessive of each other.
-- Only words in the same place are compared (surnames and last words with
-- each other, first words with first words), never two words of one name
-- ("David Davis").  Mention chains are respected: "Mr Li" and "Li Keqiang"
-- share the word "Li" and are never compared as spellings.  When both spellings belong to full
-- names whose other words differ ("Ann Thomson", "Bob Thompson"), they are
-- two people and are not reported.

local util = factlint.util
local normalise = util.normalise
local gmatch = string.gmatch

local MESSAGES = {
    variant = "'{{name}}' is spelled '{{other}}' at line {{line}}",
    wordVariant = "'{{word}}' (in '{{name}}') is spelled '{{other}}' (in '{{other_name}}') at line {{line}}",
    other = "spelled '{{name}}' here",
}

-- A word of a name as written ("Jean-Paul de la Rua" -> Jean, Paul, de, la, Rua).
local WORD = "[^%s%-%.,'\u{2019}]+"

-- Names of one to six words of ASCII letters parted by single spaces, split
-- by one match (WORD's gmatch costs a call and a scan of its class a
-- character): absent words are false, and only at the end.
local X = " ([A-Za-z]++))?(?:"
local PLAIN_WORDS = factlint.re("^([A-Za-z]++)(?:" .. X .. X .. X .. X .. " ([A-Za-z]++))?$")
local re_match = PLAIN_WORDS.match

local function tokens(name)
    local a, b, c, d, e, f = re_match(PLAIN_WORDS, name)
    if a then
        if not b then
            return { a }
        elseif not c then
            return { a, b }
        elseif not d then
            return { a, b, c }
        elseif not e then
            return { a, b, c, d }
        end
        return { a, b, c, d, e, f or nil }
    end
    local out = {}
    for w in gmatch(name, WORD) do
        out[#out + 1] = w
    end
    return out
end

local function letters(s)
    return utf8.len(s) or #s
end

local function all_caps(s)
    return not s:find("%l") and letters(s) > 1
end

-- Lowercase forms differ only in an s/es/'s ending.
local function plural_pair(a, b)
    if #a > #b then
        a, b = b, a
    end
    return b == a .. "s" or b == a .. "es"
end

local function normalised_tokens(name)
    local out = {}
    for _, t in ipairs(tokens(name)) do
        out[#out + 1] = normalise(t)
    end
    return out
end

-- True when full names ca (holding a) and cb (holding b) differ only in a vs b.
local function same_but(ca, cb, a, b)
    if #ca ~= #cb then
        return false
    end
    for i = 1, #ca do
        if ca[i] ~= cb[i] and not ((ca[i] == a and cb[i] == b) or (ca[i] == b and cb[i] == a)) then
            return false
        end
    end
    return true
end

-- Two different words of one place and initial that are spellings of one
-- word: the same apart from case (not a capitalised first letter alone) or
-- accents, or long enough and one edit apart without being a plural or
-- possessive.  norm_a and norm_b are the words' util.normalise forms.
local function word_variants(raw_a, norm_a, raw_b, norm_b, min_letters)
    if norm_a == norm_b then
        return raw_a:sub(2) ~= raw_b:sub(2)
    end
    return letters(norm_a) >= min_letters and letters(norm_b) >= min_letters
        and not plural_pair(norm_a, norm_b)
        and util.edit_distance(norm_a, norm_b, 1) == 1
end

-- In ASCII, the comparable words of names (a capital, then somewhere a
-- lower-case letter: two letters or more, not in capitals) with the
-- separators after each, so that a match ends where the next word starts.
-- The separators are those of WORD.
local CAPITALISED = [[(?<![^ \t\n\x0B\f\r\-.,'])([A-Z][^ \t\n\x0B\f\r\-.,'a-z]*[a-z][^ \t\n\x0B\f\r\-.,']*)]]
    .. [[[ \t\n\x0B\f\r\-.,']*]]

local CAPITALISED_RE = factlint.re(CAPITALISED)
local re_gmatch = CAPITALISED_RE.gmatch
local byte, lower = string.byte, string.lower
local utf8_len = utf8.len

-- A written name's comparable words, worked out once per name (names
-- repeat across articles): the number of the last article it was met in,
-- then for each word its place and initial as a number from 1 to 52 (the
-- initial's letter, plus 26 unless the word is the name's last: the next
-- word is in another name), then the word; false for a name without such
-- words ("OPEC"), true for a name outside ASCII (or broken UTF-8), whose
-- words util.normalise must see.  Matching CAPITALISED in one name finds
-- what matching it in the names joined by spaces finds in that name: a
-- space precedes the next name as nothing precedes the first.  Most names
-- are one to five words of ASCII letters parted by single spaces, where the
-- CAPITALISED words are those with a capital first and a lower-case letter:
-- one LETTERS match splits them (a gmatch call a word costs more), its last
-- group being the last word, the others those before it (false when absent
-- or not capitalised; possessive, so that a word is never tried again
-- shorter).  The cache has two generations, as name.variant-corpus's keys.
local W = "([A-Z]++[a-z][A-Za-z]*+)"
local T = "(?:" .. W .. "|[A-Za-z]++)"
local LETTERS = factlint.re("^(?:" .. T .. " (?:" .. T .. " (?:" .. T .. " (?:" .. T .. " )?)?)?)?" .. T .. "$")
-- 5,000 names a generation keep the two generations (in every worker's
-- state) near 3 MB, full within the first few MB of news: with 20,000 the
-- article-scope peak RSS of check -j2 still grew from 28 to 43 MiB between
-- 57 and 228 MB of input before levelling off, for ~7% less work here.
local WORDS_LIMIT = 5000
local words_young, words_old, words_n = {}, {}, 0

-- The words of a name LETTERS does not split.
local function other_words(name)
    local len = #name
    if utf8_len(name) ~= len then
        return true
    end
    local words, n = { 0 }, 1
    for _, e, raw in re_gmatch(CAPITALISED_RE, name) do
        words[n + 1] = byte(raw) - 64 + (e >= len and 0 or 26)
        words[n + 2] = raw
        n = n + 2
    end
    return n > 1 and words
end

-- The words seen in the article at each place and initial, as written: one
-- list a place for every article, current when stamps[slot] is the
-- article's number, with one word unless counts[slot] says more (current
-- when many[slot] is the article's number).  Tables made and grown for each
-- article cost more than the rest of the pass.
local lists, stamps, counts, many, article_no = {}, {}, {}, {}, 0
for i = 1, 52 do
    lists[i], stamps[i], counts[i], many[i] = {}, 0, 1, 0
end

-- Whether an article's names can hold a variant at all: some two words in the
-- same place of two different names, with the same initial, are
-- word_variants.  Boilerplate and mention chains are left to check, which
-- only ever drops pairs, so most articles are done after reading each name
-- once.  Names outside ASCII always go to check: util.normalise folds their
-- accents (and refuses the broken UTF-8 that splitting at the bytes of
-- U+2019 can leave), where for ASCII words it only lowers the case.  With
-- one distinct name there is nothing to compare, so a hit counts only when
-- two_names says so; a name met again in the article adds nothing.  Two
-- ASCII words one edit apart differ in length by at most one, and two the
-- same but for case are as long: other pairs are no word_variants, told
-- without lowering them.
local KINDS = { "person", "org" }

-- A word at a place where the article has two words or more already: true
-- when it is a variant of one of them, else it joins them (unless it is one
-- of them).
local function meet(slot, raw, now, min_letters)
    local list, n = lists[slot], counts[slot]
    local len, norm = #raw, nil
    for j = 1, n do
        local other = list[j]
        if other == raw then
            return false
        end
        local d = #other - len
        if d == 0 or ((d == 1 or d == -1) and len >= min_letters and #other >= min_letters) then
            norm = norm or lower(raw)
            if word_variants(other, lower(other), raw, norm, min_letters) then
                return true
            end
        end
    end
    list[n + 1] = raw
    many[slot], counts[slot] = now, n + 1
    return false
end

-- Whether the article has two different names (of people or organisations):
-- asked only once may_vary has a hit, which two words of one name can give.
local function two_names(article)
    local first
    for k = 1, 2 do
        for _, name in article:facts(KINDS[k], "name") do
            if name then
                if not first then
                    first = name
                elseif name ~= first then
                    return true
                end
            end
        end
    end
    return false
end

local function may_vary(article, min_letters)
    article_no = article_no + 1
    local now = article_no
    local stamps, lists = stamps, lists
    local facts = article.facts
    -- (most articles name no person: counting is cheaper than walking none)
    for k = article:fact_count("person") > 0 and 1 or 2, 2 do
        for _, name in facts(article, KINDS[k], "name") do
            local words = words_young[name] -- (nil for a nil name, which has no words)
            if words == nil and name then
                -- (worked out here, not in a function: a call costs as much
                -- as the rest of a cached name)
                words = words_old[name]
                if words == nil then
                    local a, b, c, d, e = re_match(LETTERS, name)
                    if a == nil then
                        words = other_words(name)
                    elseif not (a or b or c or d) then
                        words = e and { 0, byte(e) - 64, e }
                    elseif a and e and not (b or c or d) then
                        words = { 0, byte(a) - 38, a, byte(e) - 64, e }
                    else
                        words = { 0 }
                        local n = 1
                        if a then
                            words[2], words[3], n = byte(a) - 38, a, 3
                        end
                        if b then
                            words[n + 1], words[n + 2], n = byte(b) - 38, b, n + 2
                        end
                        if c then
                            words[n + 1], words[n + 2], n = byte(c) - 38, c, n + 2
                        end
                        if d then
                            words[n + 1], words[n + 2], n = byte(d) - 38, d, n + 2
                        end
                        if e then
                            words[n + 1], words[n + 2] = byte(e) - 64, e
                        end
                    end
                end
                if words_n >= WORDS_LIMIT then
                    words_young, words_old, words_n = {}, words_young, 0
                end
                words_young[name] = words
                words_n = words_n + 1
            end
            if words == true then
                return two_names(article)
            elseif words and words[1] ~= now then
                words[1] = now
                for w = 2, #words, 2 do
                    local slot = words[w]
                    if stamps[slot] ~= now then
                        stamps[slot] = now
                        lists[slot][1] = words[w + 1]
                    elseif many[slot] == now then
                        if meet(slot, words[w + 1], now, min_letters) then
                            return two_names(article)
                        end
                    else
                        -- one word there so far (meet's loop, written out:
                        -- most often it is this one, "Inc", or of another length)
                        local raw, list = words[w + 1], lists[slot]
                        local other = list[1]
                        if other ~= raw then
                            local len, d = #raw, #other - #raw
                            if (d == 0 or ((d == 1 or d == -1) and len >= min_letters and len + d >= min_letters))
                                and word_variants(other, lower(other), raw, lower(raw), min_letters) then
                                return two_names(article)
                            end
                            list[2] = raw
                            many[slot], counts[slot] = now, 2
                        end
                    end
                end
            end
        end
    end
    return false
end

return factlint.rule {
    id = "name.variant",
    summary = "A name is spelled two ways in one article",
    severity = "warning",
    scope = "article",
    tags = { "name", "spelling", "consistency" },
    url = "docs/rules/name.variant.md",
    needs = { "person", "org" },
    messages = MESSAGES,
    options = {
        -- words shorter than this are not compared by edit distance
        min_letters = 5,
    },
    check = function(article, report, options)
        if not may_vary(article, options.min_letters) then
            return
        end
        -- spelling (as written) -> { raw, norm, count, first fact, full names }
        local spellings, order = {}, {}
        local full_cache = {} -- a name's normalised words, by name (names repeat)
        -- what a written name contributes, worked out once per distinct name:
        -- false for all capitals, else its comparable words with their roles
        local name_cache = {}
        local function name_words(name)
            local nw = name_cache[name]
            if nw == nil then
                nw = false
                if not all_caps(name) then
                    nw = {}
                    local toks = tokens(name)
                    for ti, raw in ipairs(toks) do
                        local initial = byte(raw)
                        if initial and initial >= 65 and initial <= 90 and letters(raw) >= 2 then
                            -- surnames and the last words of organisation names are
                            -- compared with each other, first names with first names
                            local role = ti == #toks and "last" or "first"
                            nw[#nw + 1] = { raw = raw, role = role, k = role .. "|" .. raw }
                        end
                    end
                end
                name_cache[name] = nw
            end
            return nw
        end
        -- (every fact's fields read without a handle; the handle, to report,
        -- only for the names compared)
        for i, kind, name, offset, canonical in article:facts(nil, "kind", "name", "offset", "canonical") do
            name = (kind == "person" or kind == "org") and name
            local words = name and name_words(name)
            if words and not article:is_boilerplate(offset) then
                local f -- (the handle only for a spelling's first fact)
                local full = canonical or name
                local full_tokens = full_cache[full]
                if not full_tokens then
                    full_tokens = normalised_tokens(full)
                    full_cache[full] = full_tokens
                end
                for _, w in ipairs(words) do
                    local s = spellings[w.k]
                    if not s then
                        f = f or article:fact(i)
                        local norm = util.normalise(w.raw)
                        s = { raw = w.raw, norm = norm, count = 0, fact = f,
                              fulls = {}, role = w.role, facts = {}, first = norm:sub(1, 1) }
                        spellings[w.k] = s
                        order[#order + 1] = s
                    end
                    s.count = s.count + 1
                    s.facts[offset] = true
                    if #full_tokens >= 2 then
                        s.fulls[#s.fulls + 1] = full_tokens
                    end
                end
            end
        end
        local function report_pair(a, b)
            -- the rarer spelling is the suspect; on a tie, the later one
            local main, other = b, a
            if a.count < b.count or (a.count == b.count and a.fact.offset > b.fact.offset) then
                main, other = a, b
            end
            -- whole names when they differ only in this word, else the words
            local id, data = "variant", { name = main.fact.name, other = other.fact.name,
                                           line = other.fact.line }
            local swapped = main.fact.name:gsub(main.raw:gsub("%p", "%%%0"),
                (other.raw:gsub("%%", "%%%%")))
            if swapped ~= other.fact.name then
                id = "wordVariant"
                data = { word = main.raw, name = main.fact.name, other = other.raw,
                         other_name = other.fact.name, line = other.fact.line }
            end
            report {
                messageId = id,
                data = data,
                fact = main.fact,
                related = { { fact = other.fact,
                              messageId = "other", data = { name = other.fact.name } } },
            }
        end
        local function two_people(a, b)
            if #a.fulls == 0 or #b.fulls == 0 then
                return false
            end
            for _, ca in ipairs(a.fulls) do
                for _, cb in ipairs(b.fulls) do
                    if same_but(ca, cb, a.norm, b.norm) then
                        return false
                    end
                end
            end
            return true
        end
        for j = 2, #order do
            local b = order[j]
            for i = 1, j - 1 do
                local a = order[i]
                -- only words in the same place that start alike can be variants
                -- (most pairs stop here, before the costlier tests)
                if a.role ~= b.role or a.first ~= b.first then
                    goto next_pair
                end
                for off in pairs(a.facts) do
                    if b.facts[off] then
                        goto next_pair -- two words of one written name
                    end
                end
                if a.norm == b.norm then
                    -- case or accents: not a capitalised first letter alone, not all capitals
                    if not all_caps(a.raw) and not all_caps(b.raw)
                        and a.raw:sub(2) ~= b.raw:sub(2) then
                        report_pair(a, b)
                    end
                elseif letters(a.norm) >= options.min_letters and letters(b.norm) >= options.min_letters
                    and a.norm:sub(1, 1) == b.norm:sub(1, 1)
                    and not all_caps(a.raw) and not all_caps(b.raw)
                    and not plural_pair(a.norm, b.norm)
                    and util.edit_distance(a.norm, b.norm, 1) == 1
                    and not two_people(a, b) then
                    report_pair(a, b)
                end
                ::next_pair::
            end
        end
    end,
    tests = {
        valid = {
            { text = "Prime Minister Li Keqiang opened the bridge on Monday. Mr Li said it would cut "
                .. "journey times by half.", dateline = "2016-05-03" },
            { text = "Ann Thomson, the mayor, met Bob Thompson, the chief executive of Harbourline, on "
                .. "Tuesday.", dateline = "2019-04-02" },
            { text = "Marta Okonkwo was appointed chief executive. Ms Okonkwo will start in March, "
                .. "and her deputy, Daniel Okafor, will stay.", dateline = "2024-01-17" },
            { text = "Shadow home secretary David Davis criticised David Blunkett on Monday. "
                .. "Mr Davis said the plans would fail.", dateline = "2004-11-22" },
        },
        invalid = {
            { text = "Marta Okonkwo was appointed chief executive on Tuesday.\n\n"
                .. "Marta Okonkow, 52, trained as a nurse. Ms Okonkwo will start in March.",
              dateline = "2024-01-17",
              errors = { { messageId = "variant", line = 3 } } },
            { text = "Zhou Anping, the trade envoy, arrived in Lisbon on Monday.\n\n"
                .. "Zhou ANping said talks would continue.",
              dateline = "2020-06-02",
              errors = { { messageId = "variant", line = 3 } } },
            { text = "President Xi Jinping met the delegation in Beijing. Xi JInping said trade "
                .. "would grow. Mr Xi later left for Shanghai.",
              dateline = "2019-11-05",
              errors = { { messageId = "variant", line = 1 } } },
            { text = "Wilson Brothers Inc sold its shirt unit.\n\nIts affiliate GMW Industries INc "
                .. "sold its assets.",
              dateline = "1987-03-02",
              errors = { { messageId = "wordVariant", line = 3 } } },
        },
    },
}
