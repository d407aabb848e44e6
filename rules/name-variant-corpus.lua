-- name.variant-corpus: the corpus half of name.variant.  One person's or
-- organisation's name spelled two ways in different articles ("Marta
-- Okonkwo" in two stories, "Marta Okonkow" in a third).
--
-- key(fact) sees one name at a time, so it must put both spellings of a
-- variant in one group without knowing the other: the key is
-- util.name_key's, the fact's kind, the confusable skeletons of every word
-- of the full name (the mention chain's canonical name when there is one)
-- except the last, and the first letter of the last word.  Legal suffixes
-- of organisations (Inc, Corp, Ltd, ...) are not words of the name for the
-- key.  A one-word name keys on its first two letters, and names without a
-- lower-case letter (all capitals) have none.  So "Marta Okonkwo" and
-- "Marta Okonkow" meet under "person|marta|o", while "Ann Thomson" and "Bob
-- Thompson" (different first names) never meet.  (util.name_key works it
-- out in C from the fact itself: no field is read in Lua, and there is
-- nothing to cache.)
--
-- check(key, names) counts the articles of each spelling and reports the
-- rare one when
--  - two spellings are the same apart from letter case, accents or
--    confusable look-alikes (not only the first letter's case, and the
--    differing words not in capitals) and the rare one is in fewer
--    articles, or
--  - the names have at least two words (legal suffixes aside: one-word
--    company names one letter apart are usually two companies), their last
--    words have at least `min_letters` letters, start with the same letter,
--    are one edit apart and are neither a plural of each other nor a British
--    and American spelling ("Organisation", "Organization"; "Centre",
--    "Center"), the rest of the name is the same, and the rare spelling is in at most
--    `max_rare` articles while the other is in at least `min_common`.
-- Only articles where the other spelling does not appear are reported (one
-- finding per article): within one article, name.variant reports it.

local util = factlint.util
local skeleton = util.skeleton
local find, gsub, sub, lower, upper, byte = string.find, string.gsub, string.sub, string.lower,
    string.upper, string.byte
local concat = table.concat

local MESSAGES = {
    variant = "'{{name}}' is spelled '{{other}}' in {{count}} other article(s)",
    other = "spelled '{{name}}' here",
}

local SUFFIXES = {}
for w in ([[inc incorporated corp corporation co cos company ltd limited plc llc lp sa ag nv bv
    spa se ab as asa oy gmbh kk bhd pty]]):gmatch("%a+") do
    SUFFIXES[w] = true
end

-- Words of a name as written ("Jean-Paul de la Rua" -> Jean, Paul, de, la, Rua).
local function tokens(name)
    local out = {}
    for w in name:gmatch("[^%s%-%.,'\u{2019}&()]+") do
        out[#out + 1] = w
    end
    return out
end

-- The separators of those words in ASCII text, where the bytes of U+2019
-- cannot occur.
local SEPARATORS = "[%s%-%.,'&()]+"

local function letters(s)
    return utf8.len(s) or #s
end

local function all_caps(s)
    return not s:find("%l") and letters(s) > 1
end

-- The words of a name without trailing legal suffixes: {raw = {...}, norm = {...}}.
local function core_words(full)
    local raw = tokens(full)
    local norm = {}
    for i, t in ipairs(raw) do
        norm[i] = util.normalise(t)
    end
    while #norm > 1 and SUFFIXES[norm[#norm]] do
        raw[#raw], norm[#norm] = nil, nil
    end
    return { raw = raw, norm = norm }
end

-- The names most are: ASCII letters in words parted by spaces, with a
-- lower-case letter.  One match splits such a name into the words before
-- its last word (false for none), which must be parted from it by one
-- space, the last word and its first two letters; PLAIN_HEAD splits the
-- words before again, when the last is a legal suffix.  A name without a
-- lower-case ASCII letter matches with all three false (util.name_key keys
-- none of them).  Names of other shapes are nil.  (Names
-- are valid UTF-8, as regexes need: the text is checked when read, facts
-- files by the JSON parser.)
local PLAIN_NAME = factlint.re("^(?:(?=[^a-z]*[a-z])(?:([A-Za-z ]*[A-Za-z]) )?(([A-Za-z]{1,2})[A-Za-z]*)"
    .. "|[^a-z]*)$")
local PLAIN_HEAD = factlint.re("^(?:([A-Za-z ]*[A-Za-z]) )?(([A-Za-z]{1,2})[A-Za-z]*)$")
local re_match = PLAIN_NAME.match -- (one method lookup, not one a call)

-- The first two letters of the legal suffixes, in any case: a last word
-- that starts otherwise is no suffix, without lowering it.
local SUFFIX_START = {}
for w in pairs(SUFFIXES) do
    local a, b = sub(w, 1, 1), sub(w, 2, 2)
    for _, x in ipairs({ a, upper(a) }) do
        for _, y in ipairs({ b, upper(b) }) do
            SUFFIX_START[x .. y] = true
        end
    end
end

local function plural_pair(a, b)
    if #a > #b then
        a, b = b, a
    end
    return b == a .. "s" or b == a .. "es"
end

-- British and American spellings of one word ("Organisation", "Centre"):
-- house style, which spelling.variant covers, not a misspelt name.
local function house_style(x, y)
    if x:gsub("s", "z") == y:gsub("s", "z") then
        return true
    end
    local ex, ey = x:sub(-2), y:sub(-2)
    return x:sub(1, -3) == y:sub(1, -3) and ((ex == "re" and ey == "er") or (ex == "er" and ey == "re"))
end

-- Same name apart from case, accents or look-alikes, where the difference is
-- more than a capitalised first letter and no differing word is in capitals.
-- (a.skeleton is util.skeleton(a.full); names with one util.normalise form
-- have one skeleton, which is worked out from it.)
local function case_variant(a, b)
    if a.skeleton ~= b.skeleton then
        return false
    end
    local ra, rb = tokens(a.full), tokens(b.full)
    if #ra ~= #rb then
        return false
    end
    local differs = false
    for i = 1, #ra do
        if ra[i] ~= rb[i] then
            if all_caps(ra[i]) or all_caps(rb[i]) or ra[i]:sub(2) == rb[i]:sub(2) then
                return false
            end
            differs = true
        end
    end
    return differs
end

-- What edit_variant compares of a spelling: the util.normalise forms of its
-- core words but the last (nil for fewer than two words) as one string,
-- and the last word normalised and as written.  The head is its words
-- joined by spaces when none holds a space (util.normalise folds some
-- Unicode spaces to ' '), else by NULs after a NUL, so that two heads are
-- equal exactly when their words are.  Plain names (PLAIN_NAME's) take the
-- short way: their words are as written, lower-cased.
local function shape(full)
    local head, last, two = re_match(PLAIN_NAME, full)
    if head == nil then
        head, last, two = re_match(PLAIN_NAME, (gsub(full, SEPARATORS, " ")))
    end
    while head and SUFFIX_START[two] and SUFFIXES[lower(last)] do
        head, last, two = re_match(PLAIN_HEAD, head)
    end
    if last and not (head and (find(head, "  ", 1, true) or byte(head) == 32)) then
        return head and lower(head) or nil, lower(last), last
    end
    local w = core_words(full)
    local norm, n = w.norm, #w.norm
    if n < 2 then
        return nil, norm[n], w.raw[n]
    end
    local joined = concat(norm, " ", 1, n - 1)
    for i = 1, n - 1 do
        if find(norm[i], " ", 1, true) then
            joined = "\0" .. concat(norm, "\0", 1, n - 1)
            break
        end
    end
    return joined, norm[n], w.raw[n]
end

-- The last core words are one edit apart and every other word is the same.
local function edit_variant(a, b, min_letters)
    local head = a.head
    if not head or head ~= b.head then
        return false
    end
    local x, y = a.last, b.last
    local rx, ry = a.last_raw, b.last_raw
    -- the cheapest tests first
    return x ~= y and sub(x, 1, 1) == sub(y, 1, 1)
        and letters(x) >= min_letters and letters(y) >= min_letters
        and not all_caps(rx) and not all_caps(ry) and not plural_pair(x, y)
        and not house_style(x, y) and util.edit_distance(x, y, 1) == 1
end

return factlint.rule {
    id = "name.variant-corpus",
    summary = "A name is spelled two ways in different articles (corpus half of name.variant)",
    severity = "warning",
    scope = "corpus",
    -- "name.variant" as a tag: --disable name.variant turns off both halves
    tags = { "name", "spelling", "consistency", "name.variant" },
    url = "docs/rules/name.variant-corpus.md",
    needs = { "person", "org" },
    -- within one article name.variant reports it: only keys met in two articles
    min_articles = 2,
    messages = MESSAGES,
    options = {
        -- last words shorter than this are compared for case and accents only
        min_letters = 5,
        -- one-edit variants: the rare spelling is in at most this many articles
        max_rare = 1,
        -- ... and the other spelling in at least this many
        min_common = 2,
    },
    key = util.name_key, -- (key(fact, article): name_key reads only the fact)
    check = function(_, facts, report, options)
        local n = #facts
        if n < 2 then
            return -- one name, one spelling
        end
        -- the spellings (full names as written) in order of first use; key()
        -- gave these facts a key, so their full names are ones to compare.
        -- Most keys hold one spelling: their names are only compared with
        -- the first until one differs.
        local first = facts[1].canonical or facts[1].name
        local at, full = nil, nil
        for i = 2, n do
            local f = facts[i]
            full = f.canonical or f.name
            if full ~= first then
                at = i
                break
            end
        end
        if not at then
            return
        end
        local fulls, spellings, order = {}, { [first] = true, [full] = true }, { first, full }
        for i = 1, at - 1 do
            fulls[i] = first
        end
        fulls[at] = full
        for i = at + 1, n do
            local f = facts[i]
            full = f.canonical or f.name
            fulls[i] = full
            if not spellings[full] then
                spellings[full] = true
                order[#order + 1] = full
            end
        end
        -- spelling -> its shape and skeleton (the articles and first facts
        -- in each come once the spellings may vary)
        for i = 1, #order do
            full = order[i]
            local head, last, last_raw = shape(full)
            local s = { full = full, head = head, last = last, last_raw = last_raw,
                        skeleton = skeleton(full), n = 0 }
            spellings[full] = s
            order[i] = s
        end
        -- no two spellings are variants as names, whatever their counts: done
        local min_letters = options.min_letters
        local vary = false
        for j = 2, #order do
            local b = order[j]
            local sk, head = b.skeleton, b.head
            for i = 1, j - 1 do
                local a = order[i]
                -- (each function's first test written out: most pairs stop there)
                if (a.skeleton == sk and case_variant(a, b))
                    or (head and a.head == head and edit_variant(a, b, min_letters)) then
                    vary = true
                    break
                end
            end
            if vary then
                break
            end
        end
        if not vary then
            return
        end
        for i = 1, #order do
            local s = order[i]
            s.articles, s.firsts, s.runs = {}, {}, {}
        end
        local run, last_article, last_offset = 0, nil, nil
        for i = 1, n do
            -- facts come in (article, offset) order: an offset that does not grow
            -- starts another article even when two articles share an id
            local f = facts[i]
            local article, offset = f.article, f.offset
            if article ~= last_article or offset <= last_offset then
                run = run + 1
            end
            last_article, last_offset = article, offset
            local art = run
            local s = spellings[fulls[i]]
            if not s.articles[art] then
                s.articles[art] = true
                s.firsts[#s.firsts + 1] = f
                s.runs[#s.runs + 1] = art
                s.n = s.n + 1
            end
        end
        -- for each rare spelling, the most common spelling it is a variant of
        local partner = {}
        for j = 2, #order do
            for i = 1, j - 1 do
                local a, b = order[i], order[j]
                local rare, common = a, b
                if b.n < a.n then
                    rare, common = b, a
                end
                local hit = false
                if rare.n < common.n and a.skeleton == b.skeleton and case_variant(a, b) then
                    hit = true
                elseif rare.n <= options.max_rare and common.n >= options.min_common
                    and edit_variant(a, b, options.min_letters) then
                    hit = true
                end
                if hit and (not partner[rare] or partner[rare].n < common.n) then
                    partner[rare] = common
                end
            end
        end
        for _, rare in ipairs(order) do
            local common = partner[rare]
            if common then
                for ai, f in ipairs(rare.firsts) do
                    if not common.articles[rare.runs[ai]] then
                        local related = {}
                        for _, g in ipairs(common.firsts) do
                            if #related < 2 then
                                related[#related + 1] = { fact = g,
                                    messageId = "other", data = { name = g.canonical or g.name } }
                            end
                        end
                        report {
                            messageId = "variant",
                            data = { name = rare.full, other = common.full, count = common.n },
                            fact = f,
                            related = related,
                        }
                    end
                end
            end
        end
    end,
    tests = {
        -- The test runner gives every article of a case the same id; articles
        -- are told apart by their facts' order, so each one opens with its name.
        valid = {
            -- the same spelling everywhere, short forms included
            { articles = {
                { text = "Marta Okonkwo, 52, was appointed chief executive of Harbourline on Tuesday.",
                  dateline = "2024-01-17" },
                { text = "Marta Okonkwo said she would start in March. Ms Okonkwo trained as a nurse.",
                  dateline = "2024-01-18" },
                { text = "Marta Okonkwo said shares had risen since her appointment.",
                  dateline = "2024-02-02" },
            } },
            -- two people sharing a surname, and near surnames with different first names
            { articles = {
                { text = "Ann Thomson, the mayor, opened the library on Monday.", dateline = "2019-04-01" },
                { text = "Ann Thomson said the library would open late.", dateline = "2019-04-02" },
                { text = "Bob Thompson, chief executive of Harbourline, resigned.", dateline = "2019-04-03" },
                { text = "Carl Thomson, a councillor, backed the plan.", dateline = "2019-04-04" },
            } },
            -- a plural is not a spelling, and a one-to-one split has no majority
            { articles = {
                { text = "Erik Lindqvist said the mill would reopen.", dateline = "1987-03-02" },
                { text = "Erik Lindqvist, 61, has run the mill since 1979.", dateline = "1987-03-03" },
                { text = "Erik Lindqvists said no plan had been agreed.", dateline = "1987-03-04" },
                { text = "Nadia Ferreira said talks would resume on Monday.", dateline = "1987-03-05" },
                { text = "Nadia Ferreiro said talks had stalled.", dateline = "1987-03-06" },
            } },
            -- one-word company names one letter apart, and house spellings
            { articles = {
                { text = "Dravex Inc said it would cut 200 jobs.", dateline = "1987-05-01" },
                { text = "Dravex Inc said profits fell.", dateline = "1987-05-02" },
                { text = "Drovex Inc said it had won the contract.", dateline = "1987-05-03" },
                { text = "Harbour Trade Organization said exports rose.", dateline = "1987-05-04" },
                { text = "Harbour Trade Organization said the talks would resume.", dateline = "1987-05-05" },
                { text = "Harbour Trade Organisation said it was satisfied.", dateline = "1987-05-06" },
            } },
        },
        invalid = {
            -- one edit: the rare spelling is reported once in its article
            { articles = {
                { text = "Marta Okonkwo, 52, was appointed chief executive of Harbourline on Tuesday.",
                  dateline = "2024-01-17" },
                { text = "Marta Okonkwo said she would start in March.", dateline = "2024-01-18" },
                { text = "Marta Okonkow, 52, trained as a nurse. Ms Okonkow will start in March.",
                  dateline = "2024-01-19" },
              },
              errors = { { messageId = "variant", line = 1 } } },
            -- letter case inside a word: fewer articles is enough
            { articles = {
                { text = "Xi Jinping said trade between the two countries would grow.",
                  dateline = "2019-11-06" },
                { text = "Xi JInping said on Friday he would visit Shanghai.", dateline = "2019-11-08" },
                { text = "Xi Jinping said the talks had gone well.", dateline = "2019-11-09" },
              },
              errors = { "variant" } },
            -- an organisation name with a dropped letter
            { articles = {
                { text = "Corvanta Shipping Ltd said profits rose.", dateline = "1987-04-01" },
                { text = "Corvanta Shipping Ltd said it would buy two tankers.", dateline = "1987-04-02" },
                { text = "Corvanta Shiping Ltd denied the report.", dateline = "1987-04-04" },
              },
              errors = { "variant" } },
            -- the thresholds are options
            { articles = {
                { text = "Marta Okonkwo, 52, was appointed chief executive of Harbourline on Tuesday.",
                  dateline = "2024-01-17" },
                { text = "Marta Okonkwo said she would start in March.", dateline = "2024-01-18" },
                { text = "Marta Okonkow, 52, trained as a nurse.", dateline = "2024-01-19" },
              },
              options = { min_common = 3 }, errors = 0 },
        },
    },
}
