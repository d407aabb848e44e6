-- name.variant-corpus: the corpus half of name.variant.  One person's or
-- organisation's name spelled two ways in different articles ("Marta
-- Okonkwo" in two stories, "Marta Okonkow" in a third).
--
-- A key sees one name at a time, so it must put both spellings of a
-- variant in one group without knowing the other: the key is
-- util.name_key's, the fact's kind, the confusable skeletons of every word
-- of the full name (the mention chain's canonical name when there is one)
-- except the last, and the first letter of the last word.  Legal suffixes
-- of organisations (Inc, Corp, Ltd, ...) are not words of the name for the
-- key.  A one-word name keys on its first two letters, and names without a
-- lower-case letter (all capitals) have none.  So "Marta Okonkwo" and
-- "Marta Okonkow" meet under "person|marta|o", while "Ann Thomson" and "Bob
-- Thompson" (different first names) never meet.  (util.name_keys works
-- them out in C for a whole article, once per distinct spelling, and keeps
-- only the first fact of each spelling in each article: check counts
-- articles and reports first uses, so the other facts need not be kept.)
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
-- (The spellings, their article counts and the words compared come from
-- util.fact_spellings with util.name_shape's fields, in C; only spellings that
-- share a skeleton or the words before the last are paired, and the
-- articles of a pair to report come from util.spelling_articles.)

local util = factlint.util
local fact_spellings, spelling_articles = util.fact_spellings, util.spelling_articles
local name_keys = util.name_keys
local edit_distance = util.edit_distance
local sub, gsub, gmatch = string.sub, string.gsub, string.gmatch

local MESSAGES = {
    variant = "'{{name}}' is spelled '{{other}}' in {{count}} other article(s)",
    other = "spelled '{{name}}' here",
}

-- Words of a name as written ("Jean-Paul de la Rua" -> Jean, Paul, de, la,
-- Rua): util.name_shape's, U+2019 a separator as a whole character.
local function tokens(name)
    local out = {}
    for w in gmatch((gsub(name, "\u{2019}", "'")), "[^%s%-%.,'&()]+") do
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
local function case_variant(a, b)
    if a.skeleton ~= b.skeleton then
        return false
    end
    local ra, rb = tokens(a.name), tokens(b.name)
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

-- The last core words are one edit apart and every other word is the same
-- (a.head, a.last, a.last_raw: util.name_shape's).
local function edit_variant(a, b, min_letters)
    local head = a.head
    if not head or head ~= b.head then
        return false
    end
    local x, y = a.last, b.last
    local rx, ry = a.last_raw, b.last_raw
    -- the tests that most pairs fail first (edit_distance stops at 2)
    return x ~= y and sub(x, 1, 1) == sub(y, 1, 1) and edit_distance(x, y, 1) == 1
        and letters(x) >= min_letters and letters(y) >= min_letters
        and not all_caps(rx) and not all_caps(ry) and not plural_pair(x, y)
        and not house_style(x, y)
end

-- Spellings a and b of one key as a pair: the rare one and the common one
-- when they are variants as the options ask, else nil.
local function pair(a, b, options)
    local rare, common = a, b
    if b.articles < a.articles then
        rare, common = b, a
    end
    if (rare.articles < common.articles and a.skeleton == b.skeleton and case_variant(a, b))
        or (rare.articles <= options.max_rare and common.articles >= options.min_common
            and edit_variant(a, b, options.min_letters)) then
        return rare, common
    end
    return nil
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
    keys = function(article, keep)
        -- the first fact of each spelling of a person or organisation
        name_keys(article, keep, nil, true)
    end,
    check = function(_, facts, report, options)
        -- the spellings in order of first use, with their article counts
        -- (nil for one: most keys), each with util.name_shape's fields
        local order = fact_spellings(facts, 2, true)
        if not order then
            return
        end
        -- a variant pair shares its skeleton (case_variant) or its head
        -- (edit_variant): only such pairs are compared (keys hold few
        -- spellings: 3 on average, 59 at most on Reuters).  For each rare
        -- spelling (by index), the most common spelling it is a variant of
        -- (on a tie, the first).
        local partner = nil
        for j = 1, #order do
            local b = order[j]
            local head, sk = b.head, b.skeleton
            b.index = j
            for i = 1, j - 1 do
                local a = order[i]
                if a.skeleton == sk or (head and a.head == head) then
                    local rare, common = pair(a, b, options)
                    if rare then
                        partner = partner or {}
                        local p = partner[rare.index]
                        if not p or p.articles < common.articles
                            or (p.articles == common.articles and common.index < p.index) then
                            partner[rare.index] = common
                        end
                    end
                end
            end
        end
        if not partner then
            return
        end
        -- only articles where the common spelling does not appear are reported
        for r, rare in ipairs(order) do
            local common = partner[r]
            if common then
                local others, in_articles = spelling_articles(facts, common.name)
                local seen = {}
                for _, a in ipairs(in_articles) do
                    seen[a] = true
                end
                local firsts, articles = spelling_articles(facts, rare.name)
                for k, f in ipairs(firsts) do
                    if not seen[articles[k]] then
                        local related = {}
                        for k2 = 1, math.min(2, #others) do
                            related[k2] = { fact = others[k2], messageId = "other",
                                           data = { name = common.name } }
                        end
                        report {
                            messageId = "variant",
                            data = { name = rare.name, other = common.name, count = common.articles },
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
            -- names outside ASCII: words are parted at whole characters only
            -- ("ę" is C4 99, and 99 is a byte of U+2019)
            { articles = {
                { text = "Lech Wa\u{142}\u{119}sa, the former president, said the shipyard would reopen.",
                  dateline = "1989-08-01" },
                { text = "Lech Wa\u{142}\u{119}sa said the workers would return.", dateline = "1989-08-02" },
                { text = "Lech Wa\u{142}\u{119}sy said talks had stalled.", dateline = "1989-08-03" },
              },
              errors = { { messageId = "variant", line = 1 } } },
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
