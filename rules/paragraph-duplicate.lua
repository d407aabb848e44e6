-- paragraph.duplicate: a paragraph printed twice, verbatim or nearly
-- (a repeated photo caption, a block pasted twice during editing).
--
-- Paragraphs are compared as sequences of normalised words: equal sequences
-- are verbatim repeats; sequences whose word-level edit distance leaves at
-- least `similarity` of the words the same are near repeats (only for
-- paragraphs of `near_min_words` words or more whose figures are the same).  Very short
-- paragraphs (fewer than `min_words` words of two letters or more, so that
-- rows of a results table do not count), headings and boilerplate are
-- skipped, except captions and photo credits (boilerplate "credit"), which
-- are what most often gets pasted twice.  Table notes ("Note - ...",
-- "Source: ...") repeated under each section of a table are skipped.

local util = factlint.util
local words, edit_distance = util.words, util.edit_distance
local byte, find, sub = string.byte, string.find, string.sub
local floor, max = math.floor, math.max

local MESSAGES = {
    verbatim = "paragraph printed twice: the same text as the paragraph at line {{line}}",
    near = "paragraph nearly repeats the one at line {{line}} ({{percent}}% of the words the same)",
    first = "first printed here",
}

-- Encodes a comparable form as a string with one code point per distinct
-- word, so that util.edit_distance counts word edits.  Built only for the
-- rare pairs of long paragraphs that might be near repeats.  The words are
-- replaced by gsub through a table (a look-up in C per word); only a word
-- not seen before calls back into Lua, to be given the next code point.
local function encoder()
    local next_id = 0
    local codes = setmetatable({}, { __index = function(codes, w)
        local id = next_id
        next_id = next_id + 1
        -- CJK ideographs first, then a supplementary private-use plane
        local code = utf8.char(id < 20000 and 0x4E00 + id or 0xF0000 + id - 20000)
        codes[w] = code
        return code
    end })
    return function(form)
        -- the form's words are separated by single spaces: drop them after
        return (form:gsub("%S+", codes):gsub(" ", ""))
    end
end

-- Per compared paragraph j of the article being checked (its index), kept
-- from one article to the next and written over, so that no table is made
-- per article: its form, the earlier one whose form has the same length,
-- and for long ones their words, the fewest words of a near repeat (see
-- check), their words with two letters in a row and the earlier one with
-- the same figures.
local forms, same_length = {}, {}
local words_of, least, letters_of, same_figures = {}, {}, {}, {}
-- The last compared paragraph with a form length / with figures, as its
-- serial number: paragraphs are numbered across articles, so an entry
-- from an earlier article is one not above the article's base.  The two
-- tables are made anew every RENEW numbers, to keep them small.
local serial, made, RENEW = 0, 0, 20000
-- The forms of an article are dropped before the next when it was longer
-- than KEEP_FORMS bytes (or its check ended early): `unfinished` paragraphs.
local unfinished, KEEP_FORMS = 0, 1000000
local by_length, by_figures = {}, {}
-- The options as last read, and the methods of articles.
local options_read, min_words, near_min, share
local paragraph_method, text_method

-- A necessary condition for two forms to be within `allowed` word edits,
-- tested with plain finds in C before encoding and edit distance.  The
-- longer paragraph's words are cut into allowed + 1 runs with one word
-- between each run and the next.  An edit (a word substituted, inserted,
-- deleted, or two neighbours swapped) touches at most one run: a swap
-- across a run's end takes the word between, not the next run.  So within
-- `allowed` edits at least one run is untouched and appears, whole words,
-- in the other form.  The runs end at the first spaces after evenly spaced
-- byte positions; false when there are too few words to cut (no test).
local function runs_of(form, allowed)
    local list, count, size = {}, allowed + 1, #form
    local start = 1
    for c = 1, allowed do
        local at = size * c // count
        local space = find(form, " ", at > start and at or start, true)
        local after = space and find(form, " ", space + 1, true) -- the word between
        if not after then
            return false
        end
        list[c] = sub(form, start, space) -- with the space after it
        start = after + 1
    end
    list[count] = sub(form, start) .. " "
    return list
end

local function has_run(list, padded)
    for r = 1, #list do
        -- whole words: the run ends on a space and must start after one
        local run, init = list[r], 1
        while true do
            local at = find(padded, run, init, true)
            if not at then
                break
            elseif byte(padded, at - 1) == 32 then
                return true
            end
            init = at + 1
        end
    end
    return false
end

-- Whether compared paragraph k (its form, and its text when at hand) is a
-- table's note ("Note - ...", "Source: ..."), which a table repeats under
-- each section by design: such a paragraph is not compared.  Only asked
-- where a match would be made, so that the text of the others is neither
-- read again nor searched: their status changes nothing before that.  A
-- text that starts "Note" or "Source" after white space has a form that
-- starts with "n" or "s".
local function is_note(article, k, form, text)
    local b = byte(form, 1)
    if b ~= 110 and b ~= 115 then
        return false
    end
    if not text then
        local offset, length = article:paragraph(k)
        text = article:text(offset, length)
    end
    if b == 110 then
        return find(text, "^%s*[Nn][Oo][Tt][Ee]%s*[-:]") ~= nil
    end
    return find(text, "^%s*[Ss]ource%s*:") ~= nil
end

-- The word edit distance of kept paragraphs i and j, whose forms differ,
-- when it is at most `allowed` (the longer one's allowance); over it,
-- allowed + 1 or more.  st keeps per article what is worked out per
-- paragraph: runs, padded forms and codes.
local function near_distance(st, i, j, long, short, allowed)
    local list = st.runs[long]
    if list == nil then
        list = runs_of(forms[long], allowed) -- (`allowed` is always the long one's own)
        st.runs[long] = list
    end
    if list then
        local padded = st.padded[short]
        if not padded then
            padded = " " .. forms[short] .. " "
            st.padded[short] = padded
        end
        if not has_run(list, padded) then
            return allowed + 1
        end
    end
    local codes, encode = st.codes, st.encode
    if not encode then
        encode = encoder()
        st.encode = encode
    end
    local a, b = codes[i], codes[j]
    if not a then
        a = encode(forms[i])
        codes[i] = a
    end
    if not b then
        b = encode(forms[j])
        codes[j] = b
    end
    return edit_distance(a, b, allowed)
end

return factlint.rule {
    id = "paragraph.duplicate",
    summary = "A paragraph is repeated verbatim or nearly",
    severity = "warning",
    scope = "article",
    tags = { "duplication" },
    url = "docs/rules/paragraph.duplicate.md",
    messages = MESSAGES,
    options = {
        -- paragraphs with fewer words are not compared
        min_words = 8,
        -- share of words that must be the same for a near repeat (0..1)
        similarity = 0.9,
        -- paragraphs with fewer words are compared for verbatim repeats only
        near_min_words = 20,
    },
    check = function(article, report, options)
        local count = article.paragraph_count
        if count < 2 then
            return -- no pair, no finding
        end
        if options ~= options_read then -- (read-only: read once per table)
            options_read = options
            min_words, near_min = options.min_words, options.near_min_words
            share = 1 - options.similarity
            if share < 0 then
                near_min = math.huge -- no allowance is then ever positive: no near repeats
            end
        end
        if serial - made > RENEW then
            by_length, by_figures, made = {}, {}, serial
        end
        -- This runs on every paragraph of every article: the common path is
        -- a few C calls, no table per paragraph and none made per article.
        -- Paragraph j of this article is number base + j, and an earlier one
        -- is only looked at when its form has the same length (a verbatim
        -- repeat has the same form) or, for long ones, the same figures.
        local paragraph, text_of = paragraph_method, text_method
        if not paragraph then -- (the methods every article shares)
            paragraph, text_of = article.paragraph, article.text
            paragraph_method, text_method = paragraph, text_of
        end
        local forms, same_length, by_length = forms, same_length, by_length
        local words_of, least, letters_of = words_of, least, letters_of
        local same_figures, by_figures = same_figures, by_figures
        local min_words, near_min, share = min_words, near_min, share
        local base = serial
        serial = base + count
        -- (the forms are dropped after a long article, or one whose check
        -- ended early, so that they do not hold memory from one to the next)
        if unfinished > 0 then
            for k = 1, unfinished do
                forms[k] = nil
            end
        end
        unfinished = count
        local reported, st -- made when first needed
        for j = 1, count do
            local offset, length, boilerplate, heading = paragraph(article, j)
            -- captions and credits are marked boilerplate but are exactly what gets
            -- pasted twice; navigation, share bars and the like repeat by design
            if (not boilerplate or boilerplate == "credit") and not heading and length > 0 then
                local text = text_of(article, offset, length)
                -- the comparison form: normalised words, punctuation dropped;
                -- whole-string C calls, not word-by-word Lua (this rule reads
                -- every word of every article)
                local form, n, profile = words(text)
                -- count words with letters: table rows of figures are not prose,
                -- nor a table legend in capitals ("NC-NO COMPARISON unch-UNCHANGED")
                local letters = profile.lettered
                local lettered = letters
                if profile.capitals * 2 > letters then
                    lettered = 0
                end
                -- (table notes are left out only where a match is found: see
                -- is_note)
                if lettered >= min_words then
                    forms[j] = form
                    -- A paragraph repeats the earliest earlier one that it
                    -- matches: the earliest verbatim repeat (the same form:
                    -- edit distance 0, within any allowance that is not
                    -- negative) ...  Those of the same length are chained from
                    -- the last back, and the earliest that matches is kept.
                    local match, d
                    local len = #form
                    local i = by_length[len]
                    by_length[len] = base + j
                    if i and i > base then
                        i = i - base
                        same_length[j] = i
                        if n * share + 1e-9 >= 0 then -- (the allowance is not negative)
                            repeat
                                if forms[i] == form and not (reported and reported[i])
                                    and not is_note(article, i, form) then
                                    match = i
                                end
                                i = same_length[i]
                            until not i
                        end
                    else
                        same_length[j] = nil
                    end
                    -- ... or a near repeat before it: long paragraphs with the
                    -- same figures only; two parallel sentences with different
                    -- figures are a pattern.
                    if lettered >= near_min then
                        -- The word edits a near repeat may differ by are the
                        -- longer paragraph's allowance, so a pair is only
                        -- compared when each has at least `least` words of the
                        -- other: the fewest its allowance reaches down to.
                        local least_j = n - (n * share + 1e-9) // 1
                        words_of[j], least[j], letters_of[j] = n, least_j, letters
                        local figures = profile.figures
                        i = by_figures[figures]
                        by_figures[figures] = base + j
                        if i and i > base then
                            i = i - base
                            same_figures[j] = i
                            local first = match or j
                            repeat
                                local ni = words_of[i]
                                if i < first and ni >= least_j and least[i] <= n then
                                    local long, short = i, j
                                    if ni < n then
                                        long, short = j, i
                                    end
                                    -- each edit changes by at most one the words with
                                    -- two letters in a row, and those without
                                    local allowed = words_of[long] - least[long]
                                    local dl = letters_of[i] - letters
                                    local dn = ni - n - dl
                                    if forms[i] ~= form and not (reported and reported[i])
                                        and dl <= allowed and -dl <= allowed
                                        and dn <= allowed and -dn <= allowed then
                                        if not st then
                                            st = { runs = {}, padded = {}, codes = {} }
                                        end
                                        local e = near_distance(st, i, j, long, short, allowed)
                                        if e <= allowed and not is_note(article, i, forms[i]) then
                                            match, d = i, e
                                        end
                                    end
                                end
                                i = same_figures[i]
                            until not i
                        else
                            same_figures[j] = nil
                        end
                    end
                    if match and not is_note(article, j, form, text) then
                        local m_offset, m_length = paragraph(article, match)
                        local id, data = "verbatim", { line = article:locate(m_offset) }
                        if d and d > 0 then
                            local longer = max(words_of[match], n)
                            id = "near"
                            data.percent = floor(100 * (longer - d) / longer)
                        end
                        report {
                            messageId = id,
                            data = data,
                            span = { offset = offset, length = length },
                            related = { { span = { offset = m_offset, length = m_length },
                                          message = MESSAGES.first } },
                        }
                        reported = reported or {}
                        reported[j] = true
                    end
                end
            end
        end
        local offset, length = paragraph(article, count)
        if offset + length <= KEEP_FORMS then
            unfinished = 0
        end
    end,
    tests = {
        valid = {
            { text = "Residents clear debris from a flooded street in Lower Varden on Saturday.\n\n"
                .. "The regional authority said 640 homes had been flooded and 1,150 people were evacuated.\n\n"
                .. "Residents began clearing mud from their homes on Sunday as the floodwaters receded.",
              dateline = "2022-09-05" },
            { text = "Shares rose 2%.\n\nShares rose 2%.\n\nThe company said trading was in line.",
              dateline = "2022-09-05" },
            { text = "Shr diluted 1.95 dlrs vs 1.99 dlrs in 1986 and 1985\n\nNet 6,822,493 vs 6,601,717\n\n"
                .. "Shr diluted 1.95 dlrs vs 1.99 dlrs in 1986 and 1985", dateline = "1987-03-02" },
            { text = "The council approved the budget for next year by 31 votes to 22 on Tuesday.\n\n"
                .. "The council rejected the budget for the library service by 30 votes to 23 on Wednesday night.",
              dateline = "2023-02-08" },
        },
        invalid = {
            { text = "Residents clear debris from a flooded street in Lower Varden on Saturday. Photograph: Ana Petrov\n\n"
                .. "The regional authority said 640 homes had been flooded.\n\n"
                .. "Residents clear debris from a flooded street in Lower Varden on Saturday. Photograph: Ana Petrov",
              dateline = "2022-09-05",
              errors = { { messageId = "verbatim", line = 5 } } },
            { text = "The port handled 1.1 million containers last year, up from 900,000 the year before, "
                .. "and its owners expect further growth once the two new deep-water berths open.\n\n"
                .. "Construction starts in June.\n\n"
                .. "The port handled 1.1 million containers last year, up from 900,000 the year before, "
                .. "and its owners expect more growth once the two new deep-water berths open.",
              dateline = "2024-03-14",
              errors = { { messageId = "near", line = 5 } } },
            { text = "A man in his forties was taken to hospital with injuries that are not thought to be life-threatening.\n\n"
                .. "Police closed the road for six hours.\n\n"
                .. "A man in his forties was taken to hospital with injuries that are not thought to be "
                .. "life-threatening.",
              dateline = "2018-01-15",
              errors = { { messageId = "verbatim", line = 5 } } },
        },
    },
}
