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

-- Whether s has at least n words (rules/lib/quote.lua).
local has_words = factlint.require("quote").has_words

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
-- The end of s without its trailing white space and quotation marks (", ',
-- \u{201C}, \u{201D}, \u{2018}, \u{2019}, \u{00AB}, \u{00BB}): the index of the last byte
-- kept, 0 when nothing is.  Read byte by byte from the end, where a pattern
-- anchored at the end is tried at every byte of the text.
local byte = string.byte
local function tail_end(s)
    local e = #s
    while e > 0 do
        local b = byte(s, e)
        if b == 32 or (b >= 9 and b <= 13) or b == 34 or b == 39 then
            e = e - 1
        elseif (b == 0x9C or b == 0x9D or b == 0x98 or b == 0x99) and e >= 3
            and byte(s, e - 1) == 0x80 and byte(s, e - 2) == 0xE2 then
            e = e - 3 -- \u{201C} \u{201D} \u{2018} \u{2019}
        elseif (b == 0xAB or b == 0xBB) and e >= 2 and byte(s, e - 1) == 0xC2 then
            e = e - 2 -- \u{00AB} \u{00BB}
        else
            break
        end
    end
    return e
end

-- The quote is its paragraph: nothing but marks and white space before it
-- (e, the end of the text before it without them, is 0) and no letter or
-- digit after it.
local function standalone(article, offset, length, p_off, p_len, e)
    if not p_off or e > 0 then
        return false
    end
    local after_off, p_end = offset + length, p_off + p_len
    return after_off >= p_end or not article:text(after_off, p_end - after_off):find("[%w]")
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

local util = factlint.util
-- The candidates (util.quotes' tests): whole quotes outside boilerplate
-- with no speaker, opening with a capital (starting a sentence); and the
-- quotes that attribute their paragraph.
local CANDIDATE = { partial = false, speaker = false, boilerplate = false, capitalised = true }
local ATTRIBUTED_QUOTE = { partial = false, speaker = true }

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
        -- quotes without a speaker are candidates (util.quotes' tests, in
        -- C: not partial, outside boilerplate, opening with a capital)
        local candidates, nc = nil, 0 -- fact numbers, paragraphs, offsets, lengths and texts, in fives
        for i, para_index, offset, length, text in util.quotes(article, CANDIDATE, "paragraph", "offset",
            "length", "text") do
            candidates = candidates or {}
            candidates[nc + 1], candidates[nc + 2], candidates[nc + 3] = i, para_index, offset
            candidates[nc + 4], candidates[nc + 5] = length, text
            nc = nc + 5
        end
        if nc == 0 then
            return
        end
        -- the paragraphs holding an attributed quote
        local attributed_in = {} -- paragraph index -> true
        for _, para_index in util.quotes(article, ATTRIBUTED_QUOTE, "paragraph") do
            attributed_in[para_index] = true
        end
        -- a paragraph's text (article:paragraph, no table of every paragraph)
        local function para_text(i)
            local o, n = article:paragraph(i)
            return o and article:text(o, n) or ""
        end
        local min_words, standalone_only = options.min_words, options.standalone_only
        for k = 1, nc, 5 do
            local i, index, offset, length, text = candidates[k], candidates[k + 1], candidates[k + 2],
                candidates[k + 3], candidates[k + 4]
            -- cheap tests first: table look-ups, then the quote's own text,
            -- then its paragraph, and the regular expressions last
            if not attributed_in[index] and not attributed_in[index - 1] then
                if has_words(text, min_words) then
                    local p_off, p_len = article:paragraph(index)
                    -- the paragraph's text before the quote, and where it
                    -- ends without white space and marks
                    local before = p_off and offset > p_off and article:text(p_off, offset - p_off) or ""
                    local e = tail_end(before)
                    -- the quote starts a sentence: after nothing, or a full
                    -- stop, ! or ? (not a colon)
                    local last = byte(before, e)
                    local starts = not p_off or offset < p_off or e == 0
                        or last == 46 or last == 33 or last == 63
                    if starts and (not standalone_only or standalone(article, offset, length, p_off, p_len, e))
                        -- attribution the extractor did not resolve to a name
                        and not ATTRIBUTED:test(para_text(index))
                        and not REPORTED:test(para_text(index - 1))
                        and not REPORTED:test(before)
                        and not para_text(index - 1):find("^%s*[\"\u{201C}]")
                        and not para_text(index - 1):find("[\"\u{201D}]%s*$")
                        and not INTRODUCED:test(para_text(index + 1)) then
                        report {
                            messageId = "unattributed",
                            data = { quote = shorten(text, 80) },
                            fact = article:fact(i),
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
