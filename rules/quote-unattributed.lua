-- quote.unattributed: a full-sentence direct quote that nobody is said to
-- have spoken.
--
-- Reported when the quote is not partial, has at least `min_words` words,
-- starts a sentence with a capital letter, the extractor found no speaker,
-- and it does not continue an attributed quote (another quote with a speaker
-- in the same paragraph, or an attributed quote in the paragraph before).
-- By default only quotes that make up a whole paragraph are reported: inside
-- a paragraph the surrounding sentences nearly always say who speaks.  A
-- paragraph after one that opens or ends with a quote continues that quote,
-- and a quote that the next paragraph introduces ("These are the questions
-- Jimmy Vane will ask...") has its source there.  A quote
-- introduced by a colon ("The statement read: ...") names its source and is
-- not reported.  Attribution the extractor could not resolve
-- to a name still counts: a speech verb next to a quote mark in the same
-- paragraph ('," concluded Professor Dautenhahn', '," Peter Fell, an
-- economist at Capel, said', '" he adds'), or reported speech before the
-- quote in its paragraph or the one before ("The chairman said drugs
-- were...").

local MESSAGES = {
    unattributed = "quote has no speaker: \"{{quote}}\"",
}

-- The number of words of s, counting stopped at max.
local function word_count(s, max)
    local n = 0
    for _ in s:gmatch("[%w']+") do
        n = n + 1
        if n >= max then
            break
        end
    end
    return n
end

local function shorten(s, max)
    if #s <= max then
        return s
    end
    local cut = max
    while cut > 1 and (s:byte(cut + 1) or 0) & 0xC0 == 0x80 do
        cut = cut - 1
    end
    return s:sub(1, cut) .. "..."
end

-- Opening and closing quote marks as UTF-8 strings.
local MARKS = { "\"", "'", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}" }

-- s without trailing white space and quote marks.
local function strip_tail(s)
    local changed = true
    while changed do
        changed = false
        local t = s:gsub("%s+$", "")
        if t ~= s then
            s, changed = t, true
        end
        for _, m in ipairs(MARKS) do
            if #s >= #m and s:sub(-#m) == m then
                s, changed = s:sub(1, -#m - 1), true
            end
        end
    end
    return s
end

-- True when the quote (at byte offset) starts a sentence: nothing but a
-- finished sentence precedes its opening mark in the paragraph.  Returns
-- false, "colon" when a colon introduces it.
local function starts_sentence(article, para, offset)
    if not para or offset < para.offset then
        return true
    end
    local before = strip_tail(article:text(para.offset, offset - para.offset))
    if before == "" then
        return true
    end
    local last = before:sub(-1)
    if last == ":" then
        return false, "colon"
    end
    return last == "." or last == "!" or last == "?"
end

local SPEECH = "(?:said|says|adds|added|told|tells|explains|explained|concluded|insisted|insists|"
    .. "confirmed|confirms|quoted|saying|adding|"
    .. "argued|argues|warned|warns|stressed|noted|admitted|admits|claimed|claims|continued|"
    .. "asked|replied|writes|wrote|commented|recalled|joked|conceded|acknowledged|predicted|"
    .. "declared|announced|according to)"
-- A speech verb next to a quote mark: '," said X', '" he adds', 'X said: "'.
local ATTRIBUTED = factlint.re("(?:[,?!][\"\u{201D}]|[\"\u{201D}],)[^\"\u{201C}\u{201D}]{0,160}?\\b"
    .. SPEECH .. "\\b|[\"\u{201D}]\\s+(?:he|she|they|we|I)\\s+" .. SPEECH .. "\\b|\\b" .. SPEECH
    .. "\\b[^\"\u{201C}.]{0,40}[:,]\\s*[\"\u{201C}]")
-- Reported speech leading into a quote: "Mr Denham said drugs were...".
local REPORTED = factlint.re("\\b(?:said|says|told \\w+|added|warned|argued|believes|insisted|"
    .. "explained|stressed|reiterated|noted|emphasi[sz]ed|predicted|described|called|urged|"
    .. "questioned|critici[sz]ed|cited|asked|accused|attacked|praised|defended|denied|claimed|"
    .. "rejected|dismissed|welcomed|complained|acknowledged|admitted|agreed|disagreed)\\s+"
    .. "(?:that\\s+)?[\\w']")
-- The quote is introduced by the next paragraph: "These are the questions X..."
local INTRODUCED = factlint.re("^\\s*(?:These|Those|That|This|Such) (?:are|were|was|is) ")

return factlint.rule {
    id = "quote.unattributed",
    summary = "A full-sentence quote has no speaker",
    severity = "warning",
    scope = "article",
    tags = { "quote", "attribution" },
    url = "docs/rules/quote.unattributed.md",
    needs = { "quote" },
    messages = MESSAGES,
    options = {
        -- shorter quotes are not reported
        min_words = 6,
        -- only quotes that make up a whole paragraph (inside a paragraph, the
        -- surrounding sentences usually say who is speaking)
        standalone_only = true,
    },
    check = function(article, report, options)
        -- quotes without a speaker are candidates; paragraphs holding an
        -- attributed quote are noted on the way (fields read without handles)
        local candidates, in_paragraph = {}, {} -- fact numbers, their paragraphs
        local attributed_in = {} -- paragraph index -> true when it holds an attributed quote
        for i, speaker, partial, para_index in article:facts("quote", "speaker", "partial", "paragraph") do
            if not partial then
                if speaker then
                    attributed_in[para_index] = true
                else
                    candidates[#candidates + 1] = i
                    in_paragraph[#candidates] = para_index
                end
            end
        end
        if #candidates == 0 then
            return
        end
        -- the paragraphs, listed when a quote first needs them
        local paras
        local function paragraph(i)
            if not paras then
                paras = {}
                for p in article:paragraphs() do
                    paras[p.index] = p
                end
            end
            return paras[i]
        end
        -- the paragraph's text before the quote
        local function text_before(offset, p)
            if not p or offset <= p.offset then
                return ""
            end
            return article:text(p.offset, offset - p.offset)
        end
        -- the quote is its paragraph: nothing but marks and punctuation around it
        local function standalone(offset, length, p)
            if not p then
                return false
            end
            local before = text_before(offset, p)
            local after_off = offset + length
            local after = after_off < p.offset + p.length
                and article:text(after_off, p.offset + p.length - after_off) or ""
            return strip_tail(before) == "" and not after:find("[%w]")
        end
        local function para_text(i)
            local p = paragraph(i)
            return p and article:text(p.offset, p.length) or ""
        end
        local min_words, standalone_only = options.min_words, options.standalone_only
        for k, i in ipairs(candidates) do
            local index = in_paragraph[k]
            -- cheap tests first: table look-ups, then the quote's own text,
            -- then its paragraph, and the regular expressions last
            if not attributed_in[index] and not attributed_in[index - 1] then
                local f = article:fact(i)
                local offset, text = f.offset, f.text
                if not article:is_boilerplate(offset)
                    and word_count(text, min_words) >= min_words
                    and text:match("^[%s%p]*%u") then
                    local p = paragraph(index)
                    if starts_sentence(article, p, offset)
                        and (not standalone_only or standalone(offset, f.length, p))
                        -- attribution the extractor did not resolve to a name
                        and not ATTRIBUTED:test(para_text(index))
                        and not REPORTED:test(para_text(index - 1))
                        and not REPORTED:test(text_before(offset, p))
                        and not para_text(index - 1):find("^%s*[\"\u{201C}]")
                        and not para_text(index - 1):find("[\"\u{201D}]%s*$")
                        and not INTRODUCED:test(para_text(index + 1)) then
                        report {
                            messageId = "unattributed",
                            data = { quote = shorten(text, 80) },
                            fact = f,
                        }
                    end
                end
            end
        end
    end,
    tests = {
        valid = {
            { text = "\"The company has let its customers down and must pay them back,\" said Ruth Keel, "
                .. "the regulator's chief executive.",
              dateline = "2020-06-02" },
            { text = "Union members called the offer \"an insult to every nurse\" and voted to strike.",
              dateline = "2020-06-02" },
            { text = "\"We have shown that if you stand together, a landlord will listen,\" said Amira "
                .. "Haddad.\n\n\"Nobody should have to live with mould and broken lifts in a modern city.\"",
              dateline = "2021-05-04" },
            { text = "The committee chairman said drink was too often used as an excuse.\n\n"
                .. "\"The committee believes that these arguments should be rejected by the courts.\"",
              dateline = "2005-01-20" },
            { text = "\"It was all about winning in front of my home crowd,\" concluded the champion, "
                .. "who had been injured.", dateline = "2004-09-01" },
            { text = "\"Worthy but dull would sum it up,\" Peter Fell, an economist at stockbrokers "
                .. "Capel and Co, said. \"It was a very, very prudent budget for the election year.\"",
              dateline = "1987-03-18" },
        },
        invalid = {
            { text = "The regulator ordered Corvale Water to repay £38m to customers.\n\n"
                .. "\"The company has let its customers down and they are entitled to their money back.\"",
              dateline = "2020-06-02",
              errors = { { messageId = "unattributed", line = 3 } } },
            { text = "Talks collapsed on Friday.\n\n\"There is no deal on the table and there will not be "
                .. "one this year.\"\n\nThe union will ballot its members.",
              dateline = "2019-11-08",
              errors = { { messageId = "unattributed", line = 3 } } },
            { text = "Talks collapsed on Friday. \"There is no deal on the table and there will not be "
                .. "one this year.\" The union will ballot its members.",
              dateline = "2019-11-08", options = { standalone_only = false },
              errors = { { messageId = "unattributed", line = 1 } } },
            { text = "The minister visited the plant on Monday.\n\nShe met workers and managers.\n\n"
                .. "\"This factory will still be making glass when my grandchildren are grown up.\"",
              dateline = "2019-08-12",
              errors = { { messageId = "unattributed", line = 5 } } },
        },
    },
}
