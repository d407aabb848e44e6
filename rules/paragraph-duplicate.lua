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

local paragraph_repeats = factlint.util.paragraph_repeats
local find = string.find
local floor, max = math.floor, math.max

local MESSAGES = {
    verbatim = "paragraph printed twice: the same text as the paragraph at line {{line}}",
    near = "paragraph nearly repeats the one at line {{line}} ({{percent}}% of the words the same)",
    first = "first printed here",
}

-- Whether paragraph k is a table's note ("Note - ...", "Source: ..."),
-- which a table repeats under each section by design: such a paragraph
-- is not compared.  Only asked of paragraphs in a pair, so that the text
-- of the others is never read in Lua.
local function is_note(article, k)
    local offset, length = article:paragraph(k)
    local text = article:text(offset, length)
    return find(text, "^%s*[Nn][Oo][Tt][Ee]%s*[-:]") ~= nil or find(text, "^%s*[Ss]ource%s*:") ~= nil
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
        if article.paragraph_count < 2 then
            return -- no pair, no finding
        end
        -- Every paragraph's words are compared in C (util.paragraph_repeats:
        -- the same forms, and near repeats among long paragraphs with the
        -- same figures, with the longer one's allowance of word edits); most
        -- articles have no such pair and are done after this one call.
        local list = paragraph_repeats(article, options.min_words, options.similarity,
            options.near_min_words)
        if not list then
            return
        end
        -- A paragraph repeats the earliest earlier one that it matches and
        -- that was not itself reported as a repeat, nor a table's note: the
        -- earliest near repeat before the earliest verbatim one, if any, else
        -- that verbatim one.  The list is ordered by later paragraph.
        local reported, notes = {}, {}
        local function note(i) -- is_note, asked once a paragraph
            local n = notes[i]
            if n == nil then
                n = is_note(article, i)
                notes[i] = n
            end
            return n
        end
        local p, total = 1, #list
        while p <= total do
            local j, match, d, longer = list[p], nil, nil, nil
            local stop = p
            while stop <= total and list[stop] == j do
                stop = stop + 5
            end
            -- the pairs of j are p, p + 5, ... below stop, by earlier paragraph
            for q = p, stop - 5, 5 do
                local i = list[q + 1]
                if list[q + 2] == 0 and not reported[i] and not note(i) then
                    match = i
                    break
                end
            end
            local first = match or j
            for q = p, stop - 5, 5 do
                local i, e = list[q + 1], list[q + 2]
                if i >= first then
                    break
                elseif e > 0 and not reported[i] and not note(i) then
                    match, d, longer = i, e, max(list[q + 3], list[q + 4])
                    break
                end
            end
            if match and not note(j) then
                local offset, length = article:paragraph(j)
                local m_offset, m_length = article:paragraph(match)
                local id, data = "verbatim", { line = article:locate(m_offset) }
                if d then
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
                reported[j] = true
            end
            p = stop
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
            -- runs of capitals (one across the 64-byte blocks util.paragraph_repeats reads)
            -- in more than half of the lettered words: a table legend, not compared
            { text = "Net profit " .. string.rep("x", 50) .. " FOR THE SECOND QUARTER ROSE TO A RECORD, THE BANK SAID\n\n"
                .. "Net profit " .. string.rep("x", 50) .. " FOR THE SECOND QUARTER ROSE TO A RECORD, THE BANK SAID",
              dateline = "1987-03-02" },
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
            -- the same words whatever the case, punctuation and white space, '£' included;
            -- "café" is "cafe" once normalised, and a word of 64 letters or more counts whole
            { text = "The Café owners said the new rules, which cost £5m, would\tcost them more.\n\n"
                .. "Prices rose.\n\n"
                .. "the cafe owners said the new rules which cost £5m would cost\nthem more\n\n"
                .. "Visitors to Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu "
                .. "were counted by the regional tourism office last year.\n\n"
                .. "Visitors to TAUMATAWHAKATANGIHANGAKOAUAUOTAMATEATURIPUKAKAPIKIMAUNGAHORONUKUPOKAIWHENUAKITANATAHU "
                .. "were counted by the regional tourism office last year.",
              dateline = "2024-03-14",
              errors = { { messageId = "verbatim", line = 5 }, { messageId = "verbatim", line = 10 } } },
            -- a near repeat with a word over 'é' and one across a 64-byte block
            { text = "The café association said " .. string.rep("very ", 11) .. "many members had "
                .. "closed their doors for good since the tax changes of last spring were announced.\n\n"
                .. "The cafe association said " .. string.rep("very ", 11) .. "many members had "
                .. "closed their doors since the tax changes of last spring were announced.",
              dateline = "2024-03-14",
              errors = { { messageId = "near", line = 3 } } },
        },
    },
}
