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

-- A necessary condition for two forms to be within `allowed` word edits,
-- tested with plain finds in C before encoding and edit distance.  The
-- longer paragraph's words are cut into 2 * allowed + 1 runs; an edit
-- touches at most two runs (a transposition may straddle two), so within
-- `allowed` edits at least one run is untouched and appears, whole words,
-- in the other form.  The runs are cut at the spaces after evenly spaced
-- byte positions, once per paragraph (`allowed` is the longer one's).
local function runs_of(p, allowed)
    local list = p.runs
    if list == nil then
        local form, count = p.form, 2 * allowed + 1
        list = {}
        local start = 1
        for c = 1, count - 1 do
            local space = form:find(" ", math.max(start, #form * c // count), true)
            if not space then
                list = false -- too few words to cut: no test
                break
            end
            list[c] = form:sub(start, space) -- with the space after it
            start = space + 1
        end
        if list then
            list[count] = form:sub(start) .. " "
        end
        p.runs = list
    end
    return list
end

local function may_be_near(long, short, allowed)
    local list = runs_of(long, allowed)
    if not list then
        return true
    end
    local padded = short.padded
    if not padded then
        padded = " " .. short.form .. " "
        short.padded = padded
    end
    for r = 1, #list do
        -- whole words: the run ends on a space and must start after one
        local run, init = list[r], 1
        while true do
            local at = padded:find(run, init, true)
            if not at then
                break
            elseif padded:byte(at - 1) == 32 then
                return true
            end
            init = at + 1
        end
    end
    return false
end

-- Bytes that may start a table note ("Note - ...", "Source: ..."), after
-- white space.
local NOTE_START = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true,
                     [78] = true, [110] = true, [83] = true }

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
        local min_words, near_min = options.min_words, options.near_min_words
        local share = 1 - options.similarity
        local count = article.paragraph_count
        if count < 2 then
            return -- no pair, no finding
        end
        -- (numeric loops, integer arithmetic and few C calls from here on:
        -- this runs on every paragraph of every article; paragraphs are read
        -- by index, without a table each, and the two methods are looked up
        -- once)
        local paragraph, text_of = article.paragraph, article.text
        local paras = {}
        for index = 1, count do
            local offset, length, boilerplate, heading = paragraph(article, index)
            -- captions and credits are marked boilerplate but are exactly what gets
            -- pasted twice; navigation, share bars and the like repeat by design
            if (not boilerplate or boilerplate == "credit") and not heading and length > 0 then
                local text = text_of(article, offset, length)
                -- a table's note repeated under each section is there by design
                local note = NOTE_START[text:byte(1)] and (text:find("^%s*[Nn][Oo][Tt][Ee]%s*[-:]")
                    or text:find("^%s*[Ss]ource%s*:"))
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
                    if lettered >= min_words then
                        local long = lettered >= near_min
                        paras[#paras + 1] = {
                            offset = offset,
                            length = length,
                            n = n,
                            long = long,
                            -- the word edits a near repeat may differ by, when this
                            -- is the longer paragraph
                            allowed = long and math.floor(n * share + 1e-9),
                            numbers = profile.figures,
                            form = form,
                        }
                    end
                end
            end
        end
        if #paras < 2 then
            return
        end
        -- Only paragraphs with the same words, or long ones with the same
        -- figures, can match: index the earlier ones by word count and by
        -- figures, so that an article's paragraphs are not all compared
        -- pairwise (word count rather than form: long strings are hashed
        -- whole as table keys).  A paragraph repeats the earliest earlier one
        -- that it matches.
        local encode = encoder()
        local reported = {}
        local by_count, by_numbers = {}, {}
        for j = 1, #paras do
            local b = paras[j]
            local n, form = b.n, b.form
            -- the earliest verbatim repeat (the same form: edit distance 0,
            -- within any allowance that is not negative)
            local first, match, d = j, nil, 0
            local same = by_count[n]
            if same and n * share + 1e-9 >= 0 then -- (the allowance is not negative)
                for x = 1, #same do
                    local i = same[x]
                    if not reported[i] and paras[i].form == form then
                        first, match = i, paras[i]
                        break
                    end
                end
            end
            -- near repeats before it: long paragraphs with the same figures only;
            -- two parallel sentences with different figures are a pattern
            local longs = b.long and by_numbers[b.numbers]
            if longs then
                for x = 1, #longs do
                    local i = longs[x]
                    if i >= first then
                        break
                    end
                    local a = paras[i]
                    -- the allowance is the longer paragraph's
                    local long, short = a, b
                    if a.n < n then
                        long, short = b, a
                    end
                    local allowed = long.allowed
                    if not reported[i] and allowed >= 0 and long.n - short.n <= allowed
                        and a.form ~= form and may_be_near(long, short, allowed) then
                        a.code = a.code or encode(a.form)
                        b.code = b.code or encode(form)
                        local e = util.edit_distance(a.code, b.code, allowed)
                        if e <= allowed then
                            match, d = a, e
                            break
                        end
                    end
                end
            end
            if same then
                same[#same + 1] = j
            else
                by_count[n] = { j }
            end
            if b.long then
                if longs then
                    longs[#longs + 1] = j
                else
                    local list = by_numbers[b.numbers]
                    if list then
                        list[#list + 1] = j
                    else
                        by_numbers[b.numbers] = { j }
                    end
                end
            end
            if match then
                local line = article:locate(match.offset)
                local id, data = "verbatim", { line = line }
                if d > 0 then
                    local longer = math.max(match.n, n)
                    id = "near"
                    data.percent = math.floor(100 * (longer - d) / longer)
                end
                report {
                    messageId = id,
                    data = data,
                    span = { offset = b.offset, length = b.length },
                    related = { { span = { offset = match.offset, length = match.length },
                                  message = MESSAGES.first } },
                }
                reported[j] = true
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
