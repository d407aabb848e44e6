-- spelling.variant: the same word spelled two ways in one article: a British
-- and an American spelling ("organised" and "organize", "judgement" and
-- "judgment") or a hyphenated and a solid form ("e-mail" and "email").
--
-- Each word is mapped to a family (its American stem) and a variant; a
-- family seen with two variants is reported once, at the first use of the
-- less frequent spelling, with the first use of the other related.
-- Capitalised words inside a sentence are treated as proper names and
-- skipped ("Labour Party", "World Trade Center", "Defense Department").
-- "program" is not compared in articles about computing, and "license"
-- only counts as the American noun after a determiner ("a license").

local MESSAGES = {
    variant = "'{{word}}' is spelled '{{other}}' at line {{line}} ({{kind}} spelling)",
    other = "spelled '{{word}}' here",
}

-- British stem -> American stem; any of ENDINGS may follow (made into
-- words in C by factlint.util.spellings, below).
local STEMS = {
    colour = "color", favour = "favor", honour = "honor", labour = "labor",
    neighbour = "neighbor", behaviour = "behavior", humour = "humor", rumour = "rumor",
    harbour = "harbor", vapour = "vapor", flavour = "flavor", endeavour = "endeavor",
    armour = "armor", odour = "odor", rigour = "rigor", vigour = "vigor", tumour = "tumor",
    saviour = "savior", splendour = "splendor", candour = "candor", fervour = "fervor",
    clamour = "clamor", parlour = "parlor", demeanour = "demeanor", valour = "valor",
    centre = "center", theatre = "theater", fibre = "fiber",
    calibre = "caliber", sombre = "somber", spectre = "specter", lustre = "luster",
    meagre = "meager", manoeuvr = "maneuver", sceptic = "skeptic",
    smoulder = "smolder", moustache = "mustache", aluminium = "aluminum",
    jewellery = "jewelry", paediatric = "pediatric", orthopaedic = "orthopedic",
    anaemi = "anemi", haemorrhag = "hemorrhag", oestrogen = "estrogen", foetus = "fetus",
    encyclopaedi = "encyclopedi", archaeolog = "archeolog", plough = "plow",
    catalogue = "catalog", monologue = "monolog",
    judgement = "judgment", acknowledgement = "acknowledgment", ageing = "aging",
    defence = "defense", offence = "offense", pretence = "pretense",
    instalment = "installment", skilful = "skillful", wilful = "willful",
    pyjama = "pajama", cosy = "cozy",
}

-- Stems whose American form is also another common English word: only the
-- exact pairs listed count, not the American stem with any ending (family
-- -> British word -> American word).
local EXACT_ONLY = {
    check = { cheque = "check", cheques = "checks" },
    curb = { kerb = "curb", kerbs = "curbs" },
    tire = { tyre = "tire", tyres = "tires" },
    story = { storey = "story", storeys = "stories" },
    gray = { grey = "gray", greyer = "grayer", greying = "graying" },
    program = { programme = "program", programmes = "programs" },
    license = { licence = "license", licences = "licenses" },
    mold = { mould = "mold", moulds = "molds", moulded = "molded", mouldy = "moldy" },
    fulfill = { fulfil = "fulfill", fulfils = "fulfills", fulfilment = "fulfillment" },
    enroll = { enrol = "enroll", enrols = "enrolls", enrolment = "enrollment" },
    analog = { analogue = "analog", analogues = "analogs" },
    dialog = { dialogue = "dialog", dialogues = "dialogs" },
    liter = { litre = "liter", litres = "liters" },
}

-- Doubled l in British inflections: travelled/traveled.
local DOUBLE_L = { "travel", "cancel", "label", "model", "fuel", "signal", "channel", "counsel",
    "level", "marvel", "dial", "duel", "total", "tunnel", "quarrel", "equal", "pedal", "shovel",
    "unravel", "libel", "panel", "parcel", "refuel", "snorkel", "funnel", "jewel", "rival" }
local L_ENDINGS = { "ed", "ing", "er", "ers" }

-- Hyphenated form -> solid form (a prefix; any ending may follow).
local HYPHEN = {
    ["e-mail"] = "email", ["co-operat"] = "cooperat", ["co-ordinat"] = "coordinat",
    ["on-line"] = "online", ["web-site"] = "website", ["e-commerce"] = "ecommerce",
    ["pre-empt"] = "preempt", ["re-elect"] = "reelect", ["co-founder"] = "cofounder",
    ["non-profit"] = "nonprofit", ["take-over"] = "takeover", ["start-up"] = "startup",
    ["lay-off"] = "layoff", ["mid-day"] = "midday", ["co-worker"] = "coworker",
    ["under-way"] = "underway", ["wild-life"] = "wildlife", ["data-base"] = "database",
}

-- Endings a stem may take ("colour" -> "colours", "coloured", "colourful").
local ENDINGS = { "", "s", "e", "es", "d", "ed", "ing", "ful", "fully", "less", "able", "ably",
    "ite", "ites", "er", "ers", "hood", "hoods", "ist", "ists", "ism", "al", "ally", "ical",
    "ian", "ians", "y", "a", "as", "c", "ly" }

-- The kind of spelling of each variant, as the message words it.
local KIND = { british = "British/American", american = "British/American",
    hyphenated = "hyphenated/solid", solid = "hyphenated/solid",
    spaced = "spaced/solid", unspaced = "spaced/solid" }

-- The words for util.spellings: the exact pairs and "per cent" as words
-- (word -> {family, variant}, one record per family and variant), and the
-- stems as groups, which C makes into their some 5,000 words (the rule is
-- loaded in every rule state, three at -j2: building them in Lua cost more
-- than the rest of its start-up).  No word is made twice with two families
-- or variants.
local WORDS = {}
for family, pairs_of in pairs(EXACT_ONLY) do
    local british = { family = family, variant = "british" }
    local american = { family = family, variant = "american" }
    for b, a in pairs(pairs_of) do
        WORDS[b] = british
        WORDS[a] = american
    end
end
WORDS["per cent"] = { family = "percent", variant = "spaced" }
WORDS.percent = { family = "percent", variant = "unspaced" }
do
    local doubled = {}
    for _, stem in ipairs(DOUBLE_L) do
        doubled[stem .. "l"] = stem
    end
    WORDS[1] = { stems = doubled, endings = L_ENDINGS, variants = { "british", "american" } }
end
WORDS[2] = { stems = STEMS, endings = ENDINGS, variants = { "british", "american" } }
WORDS[3] = { stems = HYPHEN, endings = ENDINGS, variants = { "hyphenated", "solid" } }

-- Words ending in -ise/-ize that are not one verb with two spellings (as
-- the "s" form of their stem).
local NOT_ISE = { "advis", "surpris", "compris", "compromis", "exercis", "expertis",
    "franchis", "enterpris", "premis", "otherwis", "revis", "supervis", "televis", "improvis",
    "disguis", "devis", "precis", "concis", "paradis", "merchandis", "promis", "rais", "prais",
    "nois", "pois", "cruis", "bruis", "treatis", "demis", "despis", "apprais", "excis", "incis",
    "circumcis", "downsis", "oversis", "resis", "capsis", "supersis", "chastis" }

-- The same as a wordset: one C call, not one per entry.  A form ends with
-- one of them when it is one ("advis") or ends with it ("*advis").
local NOT_ISE_SET
do
    local list = {}
    for _, n in ipairs(NOT_ISE) do
        list[#list + 1] = n
        list[#list + 1] = "*" .. n
    end
    NOT_ISE_SET = factlint.util.wordset(list)
end

-- The family and variant of a listed word (util.spellings' lookup, below).
local listed

-- family, variant, kind (as KIND words it) of a lowercase word, or nil.
local function classify(w)
    local family, variant = listed(w)
    if family then
        return family, variant, KIND[variant]
    end
    -- -ise/-ize, -yse/-yze and their derivatives (most words have neither)
    if not w:find("[iy][sz]", 4) then
        return nil
    end
    local stem, letter, ending = w:match("^(%a%a%a+)([iy])[sz](e[sdr]?s?)$")
    if not stem then
        stem, letter, ending = w:match("^(%a%a%a+)([iy])[sz](ing)$")
    end
    if not stem then
        stem, letter, ending = w:match("^(%a%a%a+)([iy])[sz](ations?)$")
    end
    if not stem then
        return nil
    end
    local base = stem .. letter
    local form = base .. "s"
    if #form <= 64 then -- (what a wordset holds; the scans find no longer word)
        if NOT_ISE_SET:has(form) then
            return nil
        end
    else
        for _, n in ipairs(NOT_ISE) do
            if form:sub(-#n) == n then
                return nil
            end
        end
    end
    local z = w:sub(#base + 1, #base + 1)
    return base .. "z", z == "s" and "british" or "american", "British/American"
end

-- classify() remembered per word: the candidate words of a corpus are few
-- and repeat ("otherwise", "rise", "per").  The memory is dropped when it
-- holds MEMO_LIMIT words, which keeps it bounded on any corpus.
local MEMO_LIMIT = 5000
local memo, memo_n = {}, 0
local function classify_memo(w)
    local c = memo[w]
    if c == nil then
        local family, variant, kind = classify(w)
        c = family and { family, variant, kind } or false
        if memo_n >= MEMO_LIMIT then
            memo, memo_n = {}, 0
        end
        memo[w] = c
        memo_n = memo_n + 1
    end
    if c then
        return c[1], c[2], c[3]
    end
    return nil
end

-- Words of articles about computing, where "program" is not compared.
local COMPUTING = factlint.util.wordset({ "computer", "software", "coding", "programmer",
    "programming", "algorithm", "app", "apps", "hacker", "code", "developer", "microsoft",
    "linux", "windows" })

local DETERMINERS = { a = true, an = true, the = true, its = true, their = true, his = true,
    her = true, our = true, this = true, that = true, driving = true, operating = true,
    export = true, import = true, banking = true, broadcasting = true, gaming = true,
    mining = true, exploration = true, my = true, your = true }

-- The -ise/-ize, -yse/-yze endings and their inflections: words that end
-- so are passed to classify(), which checks them in full.
local ISE_ENDINGS = { "e", "es", "ed", "er", "ess", "eds", "ers", "ing", "ation", "ations" }
local SHAPES = {}
for _, l in ipairs({ "i", "y" }) do
    for _, z in ipairs({ "s", "z" }) do
        for _, e in ipairs(ISE_ENDINGS) do
            SHAPES[#SHAPES + 1] = l .. z .. e
        end
    end
end

-- Whether the article holds two spellings of one family anywhere: a
-- necessary condition for a finding, worked out in one pass in C over the
-- whole text (factlint.util.spellings: the listed words, "per cent", and the
-- -ise/-ize shapes through classify, which the scanner remembers).
-- Paragraphs are whole lines, so the text has the same words as its
-- paragraphs; boilerplate, names and the "license" determiner test are left
-- to check, which only ever drops words (and a "per" ending a paragraph
-- before a "cent" starting the next only adds one here), so almost every
-- article is done after this one scan, made on the article's text without
-- a Lua string of it.  A text without a "z" is scanned for the listed words
-- only ("zZ"): a family of the shapes needs a "z" spelling to have two, and
-- no listed family ends like one ("...iz", "...yz").  (Three texts in four
-- have no "z".)  The scanner also looks words up (`listed`) and finds, in
-- a paragraph, the words the check looks at (`candidates`: the listed
-- words, "per" of "per cent" and the -ise/-ize shapes), all in C.
local may_vary, candidates
may_vary, listed, candidates = factlint.util.spellings(WORDS, SHAPES, classify_memo, "zZ")

return factlint.rule {
    id = "spelling.variant",
    summary = "The same word is spelled two ways in one article",
    severity = "warning",
    scope = "article",
    tags = { "spelling", "style", "consistency" },
    url = "docs/rules/spelling.variant.md",
    messages = MESSAGES,
    check = function(article, report)
        if not may_vary(article) then
            return
        end
        local families = {}  -- family -> { variant -> {count, first = {offset, word, line}} }
        local order = {}
        local computing = false
        for index = 1, article.paragraph_count do
            local offset, length, boilerplate = article:paragraph(index)
            if not boilerplate and length > 0 then
                local text = article:text(offset, length)
                if not computing and COMPUTING:find(text) then
                    computing = true
                end
                -- only the listed words and -ise/-ize shapes, found in C: a Lua loop over
                -- every word of every article cost more than the rest of the suite
                for s, e, w, prev_end, prev_word in candidates(text) do
                    -- sentence-initial: no word yet in the paragraph, or a sentence-ending
                    -- mark since the last word
                    local initial = true
                    if prev_end then
                        local stop = text:find("[%.!?:]", prev_end + 1)
                        initial = stop ~= nil and stop < s
                    end
                    -- a capitalised word inside a sentence, or one followed by another
                    -- capitalised word ("Email Systems"), is (part of) a name
                    local c = text:byte(s)
                    local proper = c >= 65 and c <= 90 and (not initial
                        or text:find("^%s+%u%l", e + 1) ~= nil)
                    local lookup = w
                    if w == "per" then
                        local nxt = text:match("^%s+cent%f[%A]", e + 1)
                        if nxt then
                            lookup = "per cent"
                            e = e + #nxt
                        end
                    end
                    if not proper then
                        local fam, var, kind = classify_memo(lookup)
                        if fam == "license" and var == "american" and not DETERMINERS[prev_word or ""] then
                            fam = nil
                        end
                        if fam then
                            local f = families[fam]
                            if not f then
                                f = { kind = kind }
                                families[fam] = f
                                order[#order + 1] = fam
                            end
                            local v = f[var]
                            if not v then
                                v = { count = 0, offset = offset + s - 1, length = e - s + 1,
                                      word = text:sub(s, e), var = var }
                                f[var] = v
                            end
                            v.count = v.count + 1
                        end
                    end
                end
            end
        end
        for _, fam in ipairs(order) do
            local f = families[fam]
            local list = {}
            for var, v in pairs(f) do
                if var ~= "kind" then
                    list[#list + 1] = v
                end
            end
            if #list >= 2 and not (fam == "program" and computing) then
                table.sort(list, function(a, b)
                    return a.offset < b.offset
                end)
                local a, b = list[1], list[2]
                -- report the rarer spelling; on a tie, the later one
                local main, other = b, a
                if a.count < b.count then
                    main, other = a, b
                end
                local line = article:locate(other.offset)
                report {
                    messageId = "variant",
                    data = { word = main.word, other = other.word, line = line,
                             kind = f.kind },
                    span = { offset = main.offset, length = main.length },
                    related = { { span = { offset = other.offset, length = other.length },
                                  messageId = "other", data = { word = other.word } } },
                }
            end
        end
    end,
    tests = {
        valid = {
            { text = "The company that organised the festival was fined. It admitted failing to "
                .. "organise adequate stewarding.", dateline = "2023-05-10" },
            { text = "Officials at the World Trade Center said the colour scheme would stay.",
              dateline = "2019-01-10" },
            { text = "The council will advise residents and revise the programme. The software "
                .. "program crashed twice.", dateline = "2020-10-01" },
        },
        invalid = {
            { text = "The company that organised the festival was fined.\n\nIt admitted failing to "
                .. "organize adequate stewarding.", dateline = "2023-05-10",
              errors = { { messageId = "variant", line = 3 } } },
            { text = "In his judgement, the judge said the firm had put sales first.\n\nThe company "
                .. "said it accepted the judgment and had changed its procedures.",
              dateline = "2023-05-10",
              errors = { { messageId = "variant", line = 3 } } },
            { text = "Customers were told by e-mail that the service would close. A second email "
                .. "followed on Friday, and the colour of the logo changed to a darker color.",
              dateline = "2018-02-02",
              errors = { { messageId = "variant", line = 1 }, { messageId = "variant", line = 1 } } },
        },
    },
}
