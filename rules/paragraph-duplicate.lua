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

local MESSAGES = {
    verbatim = "paragraph printed twice: the same text as the paragraph at line {{line}}",
    near = "paragraph nearly repeats the one at line {{line}} ({{percent}}% of the words the same)",
    first = "first printed here",
}

-- Encodes a comparable form as a string with one code point per distinct
-- word, so that util.edit_distance counts word edits.  Built only for the
-- rare pairs of long paragraphs that might be near repeats.
local function encoder()
    local ids, next_id = {}, 0
    return function(form)
        local cps = {}
        for w in form:gmatch("%S+") do
            local id = ids[w]
            if not id then
                id = next_id
                next_id = next_id + 1
                ids[w] = id
            end
            -- CJK ideographs first, then a supplementary private-use plane
            cps[#cps + 1] = id < 20000 and 0x4E00 + id or 0xF0000 + id - 20000
        end
        return utf8.char(table.unpack(cps))
    end
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
        local encode = encoder()
        local paras = {}
        for p in article:paragraphs() do
            -- captions and credits are marked boilerplate but are exactly what gets
            -- pasted twice; navigation, share bars and the like repeat by design
            if (not p.boilerplate or p.boilerplate == "credit") and not p.heading
                and p.length > 0 then
                local text = article:text(p.offset, p.length)
                -- a table's note repeated under each section is there by design
                local note = text:find("^%s*[Nn][Oo][Tt][Ee]%s*[-:]") or text:find("^%s*[Ss]ource%s*:")
                if not note then
                    -- the comparison form: normalised words, punctuation dropped;
                    -- whole-string C calls, not word-by-word Lua (this rule reads
                    -- every word of every article)
                    local form, n, profile = util.words(text)
                    -- count words with letters: table rows of figures are not prose,
                    -- nor a table legend in capitals ("NC-NO COMPARISON unch-UNCHANGED")
                    local lettered = profile.lettered
                    if profile.capitals * 2 > lettered then
                        lettered = 0
                    end
                    if lettered >= options.min_words then
                        paras[#paras + 1] = {
                            offset = p.offset,
                            length = p.length,
                            n = n,
                            lettered = lettered,
                            numbers = profile.figures,
                            form = form,
                        }
                    end
                end
            end
        end
        -- Only paragraphs with the same words, or long ones with the same
        -- figures, can match: index the earlier ones by those, so that an
        -- article's paragraphs are not all compared pairwise.
        local reported = {}
        local by_form, by_numbers = {}, {}
        local near_min = options.near_min_words
        for j = 1, #paras do
            local b = paras[j]
            local long = b.lettered >= near_min
            local cands = {}
            for _, i in ipairs(by_form[b.form] or {}) do
                cands[#cands + 1] = i
            end
            if long then
                for _, i in ipairs(by_numbers[b.numbers] or {}) do
                    if paras[i].form ~= b.form then
                        cands[#cands + 1] = i
                    end
                end
                table.sort(cands)
            end
            local list = by_form[b.form]
            if not list then
                list = {}
                by_form[b.form] = list
            end
            list[#list + 1] = j
            if long then
                list = by_numbers[b.numbers]
                if not list then
                    list = {}
                    by_numbers[b.numbers] = list
                end
                list[#list + 1] = j
            end
            for _, i in ipairs(cands) do
                local a = paras[i]
                if not reported[i] then
                    local longer = math.max(a.n, b.n)
                    local allowed = math.floor(longer * (1 - options.similarity) + 1e-9)
                    -- near repeats: long paragraphs with the same figures only; two
                    -- parallel sentences with different figures are a pattern
                    if a.form ~= b.form and (a.lettered < options.near_min_words
                        or b.lettered < options.near_min_words or a.numbers ~= b.numbers) then
                        allowed = -1
                    end
                    if allowed >= 0 and math.abs(a.n - b.n) <= allowed then
                        if a.form ~= b.form then
                            a.code = a.code or encode(a.form)
                            b.code = b.code or encode(b.form)
                        end
                        local d = a.form == b.form and 0
                            or util.edit_distance(a.code, b.code, allowed)
                        if d <= allowed then
                            local line = article:locate(a.offset)
                            local id, data = "verbatim", { line = line }
                            if d > 0 then
                                id = "near"
                                data.percent = math.floor(100 * (longer - d) / longer)
                            end
                            report {
                                messageId = id,
                                data = data,
                                span = { offset = b.offset, length = b.length },
                                related = { { span = { offset = a.offset, length = a.length },
                                              message = MESSAGES.first } },
                            }
                            reported[j] = true
                            break
                        end
                    end
                end
            end
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
