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
local gmatch, gsub = string.gmatch, string.gsub

local MESSAGES = {
    variant = "'{{name}}' is spelled '{{other}}' at line {{line}}",
    wordVariant = "'{{word}}' (in '{{name}}') is spelled '{{other}}' (in '{{other_name}}') at line {{line}}",
    other = "spelled '{{name}}' here",
}

-- A word of a name as written ("Jean-Paul de la Rua" -> Jean, Paul, de, la, Rua),
-- once U+2019 is made an apostrophe (as a whole character: a class holding
-- it would part words at its three bytes, and so inside other characters).
local WORD = "[^%s%-%.,']+"

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
    for w in gmatch((gsub(name, "\u{2019}", "'")), WORD) do
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

-- Whether the article's names can hold a variant at all (util.names_may_vary:
-- some two capitalised words in the same place of its names, with the same
-- initial, are the same apart from case or one edit apart, or a name is
-- outside ASCII, whose words it does not compare; and the article has two
-- different names).  Boilerplate and mention chains are left to check, which
-- only ever drops pairs, so most articles are done after one C call.
local names_may_vary = util.names_may_vary
local byte = string.byte

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
        if not names_may_vary(article, options.min_letters) then
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
            -- accents, and two letters swapped (names outside ASCII, and the
            -- swap, as util.names_may_vary lets them through)
            { text = "Ren\u{e9}e Dubois opened the gallery on Monday.\n\nRenee Dubois said it would "
                .. "open late.",
              dateline = "2021-05-04",
              errors = { "variant" } },
            { text = "Marta Okonkwo was appointed chief executive on Tuesday.\n\nMarta Okonwko, 52, "
                .. "trained as a nurse. Ms Okonkwo will start in March.",
              dateline = "2024-01-17",
              errors = { { messageId = "variant", line = 3 } } },
            -- words are parted at whole characters ("ę" is C4 99, and 99 is a
            -- byte of U+2019)
            { text = "Lech Wa\u{142}\u{119}sa said the shipyard would reopen.\n\nLech Wa\u{142}\u{119}sy, "
                .. "the former president, said talks had stalled. Lech Wa\u{142}\u{119}sa left.",
              dateline = "1989-08-01",
              errors = { { messageId = "variant", line = 3 } } },
            { text = "Wilson Brothers Inc sold its shirt unit.\n\nIts affiliate GMW Industries INc "
                .. "sold its assets.",
              dateline = "1987-03-02",
              errors = { { messageId = "wordVariant", line = 3 } } },
        },
    },
}
