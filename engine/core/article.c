#include "core/article.h"

#include "core/alloc.h"
#include "core/utf8.h"

#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

const char *fl_format_name(fl_format f)
{
    switch (f) {
    case FL_FORMAT_TXT:
        return "txt";
    case FL_FORMAT_MD:
        return "md";
    case FL_FORMAT_HTML:
        return "html";
    case FL_FORMAT_JSONL:
        return "jsonl";
    }
    return "txt";
}

const char *fl_boilerplate_name(fl_boilerplate b)
{
    static const char *const names[] = {"",         "navigation", "share", "newsletter",
                                        "promoted", "credit",     "chrome"};
    return (unsigned)b <= FL_BOILER_CHROME ? names[b] : "";
}

/* A JSONL record adds about ten fields, a few hundred bytes in all: what
 * the article's room does not hold goes to meta_arena in blocks of 1 KB
 * (not the arena's usual 16 KB, as many articles may be in flight at once):
 * 1,008 bytes and the block's header. */
#define META_BLOCK   1008
#define META_ENTRIES 16

/* An article's allocation: the article, then room for its metadata and
 * strings (fl_article.room), 1 KB in all, a size glibc's malloc keeps a
 * per-thread cache of. */
#define ARTICLE_ALLOC 1024
_Static_assert(sizeof(fl_article) % 8 == 0 && sizeof(fl_article) + 256 <= ARTICLE_ALLOC,
               "an article leaves room for its strings, aligned");

/* An article with nothing set, copied over a new one to clear it (the
 * room after it is not cleared). */
static const fl_article empty_article;

fl_article *fl_article_new(void)
{
    fl_article *a = fl_malloc(ARTICLE_ALLOC);
    if (!a)
        return NULL;
    *a = empty_article;
    a->room = (unsigned char *)(a + 1);
    a->room_left = ARTICLE_ALLOC - sizeof *a;
    return a;
}

/* size bytes of the article's metadata memory (8-byte aligned): from its
 * room while there is enough, else from meta_arena. */
static void *meta_alloc(fl_article *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (size <= a->room_left) {
        void *p = a->room;
        a->room += size;
        a->room_left -= size;
        return p;
    }
    a->meta_arena.block_size = META_BLOCK;
    return fl_arena_alloc(&a->meta_arena, size);
}

void fl_article_free(fl_article *a)
{
    if (!a)
        return;
    fl_free(a->id);
    fl_free(a->path);
    if (!(a->in_arena & 1u << FL_ARTICLE_TITLE))
        fl_free(a->title);
    if (!(a->in_arena & 1u << FL_ARTICLE_SOURCE))
        fl_free(a->source);
    if (!(a->in_arena & 1u << FL_ARTICLE_DATELINE_TEXT))
        fl_free(a->dateline_text);
    fl_free(a->text);
    if (!a->lines_in_block)
        fl_free(a->line_starts);
    if (!a->paragraphs_in_block)
        fl_free(a->paragraphs);
    if (a->sentences_apart)
        fl_free(a->sentences);
    fl_arena_release(&a->meta_arena);
    for (size_t i = 0; i < a->n_disabled_rules; i++)
        fl_free(a->disabled_rules[i]);
    fl_free(a->disabled_rules);
    fl_free(a);
}

/* Frees the text, and with it what is in its block: the line map, the
 * paragraphs and sentences when they are there. */
static void drop_text(fl_article *a)
{
    if (a->lines_in_block) {
        a->line_starts = NULL;
        a->n_lines = 0;
        a->lines_in_block = false;
    }
    if (a->paragraphs_in_block) {
        if (a->sentences_apart)
            fl_free(a->sentences);
        a->paragraphs = NULL;
        a->sentences = NULL;
        a->n_paragraphs = a->n_sentences = 0;
        a->paragraphs_in_block = a->sentences_apart = false;
    }
    fl_free(a->text);
    a->text = NULL;
    a->text_block = 0;
}

static fl_status build_lines(fl_article *a, fl_error *err)
{
    size_t cap = 0;
    size_t *starts = NULL;
    size_t n = 0;
    /* wire copy wraps at about 70 columns: room for a line every 48 bytes
     * saves most of the regrowth */
    if (FL_GROW(starts, cap, a->text_len / 48 + 1))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    starts[n++] = 0;
    const char *t = a->text;
    if (!memchr(t, '\r', a->text_len)) {
        /* every line break is a '\n': memchr finds them faster than the
         * byte loop below */
        const char *p = t, *end = t + a->text_len;
        while ((p = memchr(p, '\n', (size_t)(end - p)))) {
            p++;
            if (FL_GROW(starts, cap, n + 1)) {
                fl_free(starts);
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            }
            starts[n++] = (size_t)(p - t);
        }
        fl_free(a->line_starts);
        a->line_starts = starts;
        a->n_lines = n;
        return FL_OK;
    }
    for (size_t i = 0; i < a->text_len; i++) {
        if (t[i] == '\n' || t[i] == '\r') {
            if (t[i] == '\r' && i + 1 < a->text_len && t[i + 1] == '\n')
                i++;
            if (i + 1 <= a->text_len) {
                if (FL_GROW(starts, cap, n + 1)) {
                    fl_free(starts);
                    return fl_error_set(err, FL_ENOMEM, "out of memory");
                }
                starts[n++] = i + 1;
            }
        }
    }
    fl_free(a->line_starts);
    a->line_starts = starts;
    a->n_lines = n;
    return FL_OK;
}

fl_status fl_article_set_text(fl_article *a, char *text, size_t len, bool lossy, fl_error *err)
{
    size_t skip = 0;
    drop_text(a);
    a->text_len = 0;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %zu: not a text file",
                     (size_t)(nul - text));
        fl_error_locate(err, a->path, 0, (long long)(nul - text));
        fl_free(text);
        return FL_EBINARY;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        a->bom = true;
        skip = 3;
    }
    size_t bad = fl_utf8_validate(text + skip, len - skip);
    if (bad != len - skip) {
        if (!lossy) {
            fl_error_set(err, FL_EUTF8,
                         "invalid UTF-8 at byte %zu (use --lossy to replace bad bytes)",
                         bad + skip);
            fl_error_locate(err, a->path, 0, (long long)(bad + skip));
            fl_free(text);
            return FL_EUTF8;
        }
        size_t n = 0, replaced = 0;
        char *fixed = fl_utf8_repair(text + skip, len - skip, &n, &replaced);
        fl_free(text);
        if (!fixed)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        text = fixed;
        len = n;
        skip = 0;
        a->utf8_replaced = replaced;
    }
    if (skip) {
        memmove(text, text + skip, len - skip);
        len -= skip;
    }
    text[len] = '\0';
    a->text = text;
    a->text_len = len;
    return build_lines(a, err);
}

fl_status fl_article_set_checked_text(fl_article *a, char *text, size_t len, fl_error *err)
{
    drop_text(a);
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        a->bom = true;
        memmove(text, text + 3, len - 3);
        len -= 3;
    }
    text[len] = '\0';
    a->text = text;
    a->text_len = len;
    return build_lines(a, err);
}

fl_status fl_article_set_checked_lines(fl_article *a, char *text, size_t len, size_t *starts,
                                       size_t n, fl_error *err)
{
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        fl_free(starts); /* its offsets count the BOM */
        return fl_article_set_checked_text(a, text, len, err);
    }
    drop_text(a);
    text[len] = '\0';
    a->text = text;
    a->text_len = len;
    fl_free(a->line_starts);
    a->line_starts = starts;
    a->n_lines = n;
    return FL_OK;
}

/* The text's block, in order: the text (text_room bytes, rounded up to a
 * multiple of 8 so that what follows is aligned), room for a line start
 * every 48 bytes as build_lines guesses, room for as many paragraphs (there
 * is one a line at most) and for a sentence every 128 bytes, which
 * fl_article_segment wants first: a text whose line map fits its room has
 * its paragraphs fit too.  About 2.2 bytes a byte of text. */
static size_t block_text_bytes(size_t text_room)
{
    return (text_room + 7) & ~(size_t)7;
}

size_t fl_article_block_lines(size_t text_room)
{
    return text_room / 48 + 1;
}

size_t fl_article_block_size(size_t text_room)
{
    if (text_room > SIZE_MAX / 4)
        return 0;
    return block_text_bytes(text_room) +
           fl_article_block_lines(text_room) * (sizeof(size_t) + sizeof(fl_paragraph)) +
           (text_room / 128 + 1) * sizeof(fl_sentence);
}

size_t *fl_article_block_starts(char *block, size_t text_room)
{
    return (size_t *)(void *)(block + block_text_bytes(text_room));
}

fl_status fl_article_set_text_block(fl_article *a, char *block, size_t text_room, size_t len,
                                    size_t *starts, size_t n, bool starts_in_block, fl_error *err)
{
    if (starts && len >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3)) {
        if (!starts_in_block)
            fl_free(starts);
        starts = NULL; /* they count the BOM: the text is mapped again */
    }
    if (!starts) {
        fl_status st = fl_article_set_checked_text(a, block, len, err);
        a->text_block = fl_article_block_size(text_room);
        return st;
    }
    drop_text(a);
    block[len] = '\0';
    a->text = block;
    a->text_len = len;
    a->text_block = fl_article_block_size(text_room);
    fl_free(a->line_starts); /* (not in a block: drop_text cleared that) */
    a->line_starts = starts;
    a->n_lines = n;
    a->lines_in_block = starts_in_block;
    return FL_OK;
}

/* ---- segmentation ---------------------------------------------------- */

static bool line_is_blank(const char *s, size_t n)
{
    /* most lines start with a byte above the space: the first test decides */
    if (n && (unsigned char)s[0] > ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' && s[i] != '\f' &&
            s[i] != '\v')
            return false;
    return true;
}

static size_t line_end(const fl_article *a, size_t li)
{
    return li + 1 < a->n_lines ? a->line_starts[li + 1] : a->text_len;
}

static bool is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x2009 ||
           c == 0x202F;
}

static bool is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == ')' || c == ']' || c == 0xBB;
}

static bool is_opener(uint32_t c)
{
    return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == '(' || c == '[' || c == 0xAB;
}

static bool is_upper_cp(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_LU;
}

/* Words that end in a full stop without ending a sentence, by length. */
#define ABBR(s)                                                                                    \
    {                                                                                              \
        s, sizeof s - 1                                                                            \
    }
static const struct {
    const char *s;
    size_t n;
} abbreviations[] = {
    ABBR("Mr"),   ABBR("Mrs"),  ABBR("Ms"),     ABBR("Dr"),   ABBR("Prof"),   ABBR("St"),
    ABBR("Sen"),  ABBR("Gov"),  ABBR("Rep"),    ABBR("Gen"),  ABBR("Col"),    ABBR("Lt"),
    ABBR("Sgt"),  ABBR("Capt"), ABBR("Cmdr"),   ABBR("Adm"),  ABBR("Maj"),    ABBR("Jr"),
    ABBR("Sr"),   ABBR("Rev"),  ABBR("Hon"),    ABBR("Fr"),   ABBR("Inc"),    ABBR("Ltd"),
    ABBR("Co"),   ABBR("Corp"), ABBR("Bros"),   ABBR("vs"),   ABBR("etc"),    ABBR("No"),
    ABBR("Nos"),  ABBR("Jan"),  ABBR("Feb"),    ABBR("Mar"),  ABBR("Apr"),    ABBR("Jun"),
    ABBR("Jul"),  ABBR("Aug"),  ABBR("Sep"),    ABBR("Sept"), ABBR("Oct"),    ABBR("Nov"),
    ABBR("Dec"),  ABBR("Mon"),  ABBR("Tue"),    ABBR("Tues"), ABBR("Wed"),    ABBR("Thu"),
    ABBR("Thur"), ABBR("Fri"),  ABBR("Sat"),    ABBR("Sun"),  ABBR("approx"), ABBR("Ave"),
    ABBR("Blvd"), ABBR("Mt"),   ABBR("Ft"),     ABBR("Pres"), ABBR("Supt"),   ABBR("Det"),
    ABBR("Insp"), ABBR("cf"),   ABBR("Messrs"), ABBR("Mme"),  ABBR("Mlle"),   ABBR("Dept"),
    ABBR("Univ"), ABBR("est"),  ABBR("p"),      ABBR("pp"),   ABBR("Vol"),    ABBR("vol"),
    ABBR("fig"),  ABBR("Fig"),
};
#undef ABBR

/* The abbreviations above and the 52 ASCII letters (a single letter before
 * a full stop is an initial: "J. K. Rowling"), the words of at most
 * ABBR_MAXLEN bytes that end in a full stop without ending a sentence.
 *
 * Bit n of abbreviation_lengths[c]: one of them has n bytes and starts with
 * byte c (bit 0 and bits past ABBR_MAXLEN are never set, so a word of no
 * byte or too many fails this test without a test of its own: the length
 * of the word before a full stop follows no pattern, and as a branch it
 * was mispredicted at one full stop in three).  A word that passes is
 * looked up in abbreviation_set, a hash set of the words as word_key gives
 * them (open addressing with linear probing; an empty slot is 0, which no
 * key is): one or two compares, not one per abbreviation.  Built once. */
#define N_ABBREVIATIONS (sizeof abbreviations / sizeof *abbreviations)
#define ABBR_MAXLEN     6
#define ABBR_SLOTS      256 /* a power of two, twice the words or more */
static unsigned char abbreviation_lengths[256];
static uint64_t abbreviation_set[ABBR_SLOTS];
static pthread_once_t abbreviation_once = PTHREAD_ONCE_INIT;

/* The n <= 7 bytes at s as one integer, the first in the lowest byte (the
 * bytes above n are zero; no abbreviation holds a NUL). */
static uint64_t word_key(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return k;
}

/* The first slot of abbreviation_set to look at for key: its top bits
 * after a multiplication that mixes every byte into them. */
static size_t abbreviation_slot(uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 56);
}
_Static_assert(ABBR_SLOTS == 256, "abbreviation_slot takes the top 8 bits");

static void abbreviation_add(const char *s, size_t n)
{
    abbreviation_lengths[(unsigned char)s[0]] |= (unsigned char)(1u << n);
    uint64_t key = word_key(s, n);
    size_t i = abbreviation_slot(key);
    while (abbreviation_set[i] && abbreviation_set[i] != key)
        i = (i + 1) % ABBR_SLOTS;
    abbreviation_set[i] = key;
}

static void abbreviation_init(void)
{
    for (size_t i = 0; i < N_ABBREVIATIONS; i++)
        abbreviation_add(abbreviations[i].s, abbreviations[i].n);
    for (char c = 'A'; c <= 'Z'; c++) {
        char lc = (char)(c + ('a' - 'A'));
        abbreviation_add(&c, 1);
        abbreviation_add(&lc, 1);
    }
}

/* Whether the word t[start..end) before a full stop (at t[end]) keeps the
 * sentence going.  alnum: the word is all ASCII letters and digits, so
 * holds no full stop of its own.  abbreviation_init has run. */
static bool is_abbreviation(const char *t, size_t start, size_t end, bool alnum)
{
    size_t n = end - start;
    /* dotted acronyms: U.S, U.K, e.g, i.e, a.m, p.m (and longer words) */
    if (!alnum && memchr(t + start, '.', n))
        return true;
    /* (t[start] is the full stop when the word is empty) */
    size_t bit = n < ABBR_MAXLEN + 1 ? n : ABBR_MAXLEN + 1;
    if (!(abbreviation_lengths[(unsigned char)t[start]] >> bit & 1))
        return false;
    uint64_t key = word_key(t + start, n);
    for (size_t i = abbreviation_slot(key); abbreviation_set[i]; i = (i + 1) % ABBR_SLOTS)
        if (abbreviation_set[i] == key)
            return true;
    return false;
}

static bool is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Bytes that may start a sentence terminal: '.', '!', '?' and 0xE2, the lead
 * byte of U+2026 (and of other characters, which the decoder then rejects). */
static const bool maybe_terminal[256] = {['.'] = true, ['!'] = true, ['?'] = true, [0xE2] = true};

#if defined(__SSE2__)
/* Bit k set when t[k] is not an ASCII letter or digit (is_ascii_alnum), for
 * the sixteen bytes at t.  A byte c is in [lo, lo + n) when c - lo < n
 * unsigned, which SSE2's signed compare tests with both sides moved by 0x80. */
static inline unsigned non_alnum_bits(const char *t)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)t);
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                   _mm_set1_epi8((char)(10 - 0x80)));
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
                                    _mm_set1_epi8((char)(26 - 0x80)));
    return ~(unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter)) & 0xFFFFu;
}
#endif

/* Where the run of ASCII letters and digits that ends at t[end - 1] starts,
 * s at the earliest: the word before a full stop.  Its length varies, so a
 * loop's exit is a mispredicted branch at most full stops; the sixteen
 * bytes before end (in the text when end >= 16) are tested at once and the
 * last byte that is not a letter or digit, or s, taken from the bits. */
static size_t alnum_run_start(const char *t, size_t s, size_t end)
{
#if defined(__SSE2__)
    if (end >= 16) {
        size_t base = end - 16;
        unsigned stop = non_alnum_bits(t + base);
        if (s > base)
            stop |= (1u << (s - base)) - 1; /* the bytes before s stop it too */
        if (stop)
            return base + 32 - (size_t)__builtin_clz(stop);
        end = base; /* sixteen letters and digits: the rest a byte at a time */
    }
#endif
    while (end > s && is_ascii_alnum((unsigned char)t[end - 1]))
        end--;
    return end;
}

#if defined(__SSE2__)
/* 0xFF in byte k when t[k] may start a sentence terminal, for the sixteen bytes at t. */
static inline __m128i terminal_mask(const char *t)
{
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), ques = _mm_set1_epi8('?'),
                  e2 = _mm_set1_epi8((char)0xE2);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)t);
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                        _mm_or_si128(_mm_cmpeq_epi8(v, ques), _mm_cmpeq_epi8(v, e2)));
}

/* Bit k set when t[k] may start a sentence terminal, for the sixteen bytes at t. */
static inline unsigned terminal_bits(const char *t)
{
    return (unsigned)_mm_movemask_epi8(terminal_mask(t));
}
#endif

/* The first i <= k < end where t[k] may start a sentence terminal, else end:
 * 32 bytes a step where SSE2 is there (two blocks of sixteen, one test for
 * both: a terminal is some 90 bytes from the last in news text), then
 * sixteen, and the last few (a paragraph's end) as the sixteen bytes before
 * end, the bits before i dropped, when the text has sixteen bytes before
 * end. */
static size_t skip_to_terminal(const char *t, size_t i, size_t end)
{
#if defined(__SSE2__)
    for (; i + 32 <= end; i += 32) {
        __m128i lo = terminal_mask(t + i), hi = terminal_mask(t + i + 16);
        if (_mm_movemask_epi8(_mm_or_si128(lo, hi))) {
            unsigned bits = (unsigned)_mm_movemask_epi8(lo) | (unsigned)_mm_movemask_epi8(hi) << 16;
            return i + (size_t)__builtin_ctz(bits);
        }
    }
    if (i + 16 <= end) {
        unsigned bits = terminal_bits(t + i);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
    if (i < end && end >= 16) {
        unsigned bits = terminal_bits(t + end - 16) >> (i - (end - 16));
        return bits ? i + (size_t)__builtin_ctz(bits) : end;
    }
#endif
    while (i < end && !maybe_terminal[(unsigned char)t[i]])
        i++;
    return i;
}

/* fl_utf8_next and fl_utf8_prev with an ASCII byte decoded inline: most of
 * what the sentence splitter steps over around a full stop is ASCII. */
static inline uint32_t next_cp(const char *t, size_t end, size_t *i)
{
    unsigned char c = (unsigned char)t[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    return fl_utf8_next(t, end, i);
}

static inline uint32_t prev_cp(const char *t, size_t *i)
{
    if (*i && (unsigned char)t[*i - 1] < 0x80) {
        (*i)--;
        return (unsigned char)t[*i];
    }
    return fl_utf8_prev(t, i);
}

/* Room for more sentences than *cap: the first time, an allocation of their
 * own (the room after the paragraphs is left as it is), then that one
 * grown.  0, or -1 when memory ran out. */
static int grow_sentences(fl_article *a, size_t *cap)
{
    if (a->sentences_apart)
        return FL_GROW(a->sentences, *cap, *cap + 1);
    size_t n = 2 * *cap;
    fl_sentence *s = fl_malloc(n * sizeof *s);
    if (!s)
        return -1;
    memcpy(s, a->sentences, a->n_sentences * sizeof *s);
    a->sentences = s;
    a->sentences_apart = true;
    *cap = n;
    return 0;
}

/* Finds sentence ends in text[start..end); calls add(offset, length) for each. */
static int split_sentences(fl_article *a, size_t start, size_t end, size_t para, size_t *cap)
{
    const char *t = a->text;
    size_t s = start;
    size_t i = start;
    while (i < end) {
        /* Only '.', '!', '?' and U+2026 (lead byte 0xE2) can end a sentence:
         * skip the other bytes without decoding them.  The text is valid
         * UTF-8 and neither ASCII nor 0xE2 is a continuation byte, so the
         * scan stops on a character boundary as the decoding loop would. */
        i = skip_to_terminal(t, i, end);
        if (i >= end)
            break;
        size_t at = i;
        uint32_t c = next_cp(t, end, &i);
        bool terminal = c == '.' || c == '!' || c == '?' || c == 0x2026;
        if (!terminal)
            continue;
        /* an ASCII letter or digit right after it ("3.5", "U.S", "jack.The")
         * is neither more punctuation nor the space a sentence end needs */
        if (i < end && is_ascii_alnum((unsigned char)t[i]))
            continue;
        /* runs of terminal punctuation ("?!", "...") end together */
        size_t j = i;
        while (j < end) {
            size_t k = j;
            uint32_t d = next_cp(t, end, &k);
            if (d == '.' || d == '!' || d == '?' || d == 0x2026 || is_closer(d))
                j = k;
            else
                break;
        }
        size_t sent_end = j;
        if (j >= end)
            break; /* the paragraph's end closes the sentence anyway */
        size_t k = j;
        uint32_t d = next_cp(t, end, &k);
        if (!is_space_cp(d))
            continue; /* "3.5", "jack.The", "U.S." inside words */
        while (k < end) {
            size_t m = k;
            d = next_cp(t, end, &m);
            if (!is_space_cp(d))
                break;
            k = m;
        }
        if (k >= end)
            break;
        size_t m = k;
        d = next_cp(t, end, &m);
        if (is_opener(d) && m < end) {
            size_t m2 = m;
            uint32_t e = next_cp(t, end, &m2);
            if (!(is_upper_cp(e) || (e >= '0' && e <= '9')))
                continue;
        } else if (!(is_upper_cp(d) || (d >= '0' && d <= '9'))) {
            continue;
        }
        if (c == '.') {
            /* the word before the full stop: its ASCII letters and digits
             * (most words are all of them), then whatever else it holds
             * decoded */
            size_t w = alnum_run_start(t, s, at), alnum_from = w;
            while (w > s) {
                size_t p = w;
                uint32_t e = prev_cp(t, &p);
                if (is_space_cp(e) || is_opener(e))
                    break;
                w = p;
            }
            if (is_abbreviation(t, w, at, w == alnum_from))
                continue;
        }
        if (a->n_sentences == *cap && grow_sentences(a, cap))
            return -1;
        a->sentences[a->n_sentences++] = (fl_sentence){s, sent_end - s, para};
        s = k;
        i = k;
    }
    /* trim trailing blank space from the last sentence */
    size_t e = end;
    while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r' || t[e - 1] == '\n'))
        e--;
    if (e > s) {
        if (a->n_sentences == *cap && grow_sentences(a, cap))
            return -1;
        a->sentences[a->n_sentences++] = (fl_sentence){s, e - s, para};
    }
    return 0;
}

fl_status fl_article_segment(fl_article *a, fl_error *err)
{
    if (!a->paragraphs_in_block)
        fl_free(a->paragraphs);
    if (a->sentences_apart)
        fl_free(a->sentences);
    a->paragraphs = NULL;
    a->sentences = NULL;
    a->sentences_apart = a->paragraphs_in_block = false;
    a->n_paragraphs = a->n_sentences = 0;
    if (!a->text)
        return FL_OK;
    pthread_once(&abbreviation_once, abbreviation_init); /* for is_abbreviation */

    bool any_blank = false;
    for (size_t li = 0; li < a->n_lines && !any_blank; li++) {
        size_t b = a->line_starts[li], e = line_end(a, li);
        if (line_is_blank(a->text + b, e - b) && li + 1 < a->n_lines)
            any_blank = true;
    }

    /* One allocation: the paragraphs, as many as there can be (a line
     * each, or with blank lines between them one every two lines), then
     * room for a sentence every 128 bytes (more go to an allocation of
     * their own: grow_sentences). */
    size_t pcap = any_blank ? (a->n_lines + 1) / 2 : a->n_lines;
    size_t scap = a->text_len / 128 + 1;
    if (pcap < 1)
        pcap = 1;
    /* the room in the text's block after the text and its line map, when
     * the text has a block: there when they fit, the sentences then taking
     * all the room after the paragraphs */
    size_t used = a->lines_in_block ? (size_t)((char *)(a->line_starts + a->n_lines) - a->text)
                                    : a->text_len + 1;
    used = block_text_bytes(used);
    size_t room = a->text_block > used ? a->text_block - used : 0;
    if (pcap <= room / sizeof(fl_paragraph) &&
        (room - pcap * sizeof(fl_paragraph)) / sizeof(fl_sentence) >= scap) {
        a->paragraphs = (fl_paragraph *)(void *)(a->text + used);
        a->paragraphs_in_block = true;
        scap = (room - pcap * sizeof(fl_paragraph)) / sizeof(fl_sentence);
    } else if (pcap > (SIZE_MAX / 2 - scap * sizeof(fl_sentence)) / sizeof(fl_paragraph) ||
               !(a->paragraphs =
                     fl_malloc(pcap * sizeof(fl_paragraph) + scap * sizeof(fl_sentence)))) {
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    a->sentences = (fl_sentence *)(void *)(a->paragraphs + pcap);

    size_t li = 0;
    while (li < a->n_lines) {
        size_t b = a->line_starts[li], e = line_end(a, li);
        if (line_is_blank(a->text + b, e - b)) {
            li++;
            continue;
        }
        size_t pstart = b;
        size_t pend = e;
        li++;
        while (any_blank && li < a->n_lines) {
            size_t b2 = a->line_starts[li], e2 = line_end(a, li);
            if (line_is_blank(a->text + b2, e2 - b2))
                break;
            pend = e2;
            li++;
        }
        /* leading and trailing white space are not part of the paragraph */
        while (pstart < pend && (a->text[pstart] == ' ' || a->text[pstart] == '\t'))
            pstart++;
        while (pend > pstart && (a->text[pend - 1] == ' ' || a->text[pend - 1] == '\t' ||
                                 a->text[pend - 1] == '\r' || a->text[pend - 1] == '\n'))
            pend--;
        fl_paragraph *p = &a->paragraphs[a->n_paragraphs]; /* (within pcap: see above) */
        *p = (fl_paragraph){pstart, pend - pstart, a->n_sentences, 0, FL_BOILER_NONE, false};
        if (split_sentences(a, pstart, pend, a->n_paragraphs, &scap))
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        p = &a->paragraphs[a->n_paragraphs];
        p->n_sentences = a->n_sentences - p->first_sentence;
        a->n_paragraphs++;
    }
    return FL_OK;
}

size_t fl_article_line_index(const fl_article *a, size_t offset)
{
    if (!a->n_lines)
        return 0;
    size_t lo = 0, hi = a->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void fl_article_locate(const fl_article *a, size_t offset, uint32_t *line, uint32_t *column)
{
    if (offset > a->text_len)
        offset = a->text_len;
    size_t li = fl_article_line_index(a, offset);
    size_t start = a->n_lines ? a->line_starts[li] : 0;
    if (line)
        *line = (uint32_t)(li + 1 + (size_t)a->line_base);
    if (column)
        *column = (uint32_t)(fl_utf8_count(a->text + start, offset - start) + 1);
}

void fl_article_line_span(const fl_article *a, size_t offset, size_t *start, size_t *len)
{
    size_t li = fl_article_line_index(a, offset);
    size_t b = a->n_lines ? a->line_starts[li] : 0;
    size_t e = a->n_lines ? line_end(a, li) : a->text_len;
    while (e > b && (a->text[e - 1] == '\n' || a->text[e - 1] == '\r'))
        e--;
    *start = b;
    *len = e - b;
}

size_t fl_article_paragraph_at(const fl_article *a, size_t offset)
{
    size_t lo = 0, hi = a->n_paragraphs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const fl_paragraph *p = &a->paragraphs[mid];
        if (offset < p->offset)
            hi = mid;
        else if (offset >= p->offset + p->length && !(p->length == 0 && offset == p->offset))
            lo = mid + 1;
        else
            return mid;
    }
    return SIZE_MAX;
}

size_t fl_article_sentence_at(const fl_article *a, size_t offset)
{
    size_t lo = 0, hi = a->n_sentences;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const fl_sentence *s = &a->sentences[mid];
        if (offset < s->offset)
            hi = mid;
        else if (offset >= s->offset + s->length)
            lo = mid + 1;
        else
            return mid;
    }
    return SIZE_MAX;
}

bool fl_article_is_boilerplate(const fl_article *a, size_t offset)
{
    size_t p = fl_article_paragraph_at(a, offset);
    return p != SIZE_MAX && a->paragraphs[p].boilerplate != FL_BOILER_NONE;
}

fl_status fl_article_add_meta_n(fl_article *a, const char *key, size_t kl, const char *value_json,
                                size_t vl)
{
    size_t n = a->n_meta;
    if (n == a->meta_cap) {
        /* a full array is left where it is, and freed with the rest */
        size_t cap = n ? 2 * n : META_ENTRIES;
        fl_meta *m = meta_alloc(a, cap * sizeof *m);
        if (!m)
            return FL_ENOMEM;
        if (n)
            memcpy(m, a->meta, n * sizeof *m);
        a->meta = m;
        a->meta_cap = cap;
    }
    char *k = meta_alloc(a, kl + vl + 2);
    if (!k)
        return FL_ENOMEM;
    memcpy(k, key, kl);
    k[kl] = '\0';
    memcpy(k + kl + 1, value_json, vl);
    k[kl + 1 + vl] = '\0';
    a->meta[a->n_meta++] = (fl_meta){k, k + kl + 1};
    return FL_OK;
}

fl_status fl_article_set_string(fl_article *a, fl_article_string which, const char *s, size_t n)
{
    char **slot = which == FL_ARTICLE_TITLE    ? &a->title
                  : which == FL_ARTICLE_SOURCE ? &a->source
                                               : &a->dateline_text;
    char *copy = NULL;
    if (s) {
        if (!(copy = meta_alloc(a, n + 1)))
            return FL_ENOMEM;
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    if (!(a->in_arena & 1u << which))
        fl_free(*slot);
    *slot = copy;
    a->in_arena |= 1u << which;
    return FL_OK;
}

fl_status fl_article_add_meta(fl_article *a, const char *key, const char *value_json)
{
    return fl_article_add_meta_n(a, key, strlen(key), value_json, strlen(value_json));
}

const char *fl_article_meta(const fl_article *a, const char *key)
{
    for (size_t i = 0; i < a->n_meta; i++)
        if (!strcmp(a->meta[i].key, key))
            return a->meta[i].value_json;
    return NULL;
}

fl_status fl_article_disable_rule(fl_article *a, const char *rule)
{
    char **r = fl_realloc(a->disabled_rules, (a->n_disabled_rules + 1) * sizeof *r);
    if (!r)
        return FL_ENOMEM;
    a->disabled_rules = r;
    if (!(r[a->n_disabled_rules] = fl_strdup(rule)))
        return FL_ENOMEM;
    a->n_disabled_rules++;
    return FL_OK;
}

bool fl_article_rule_disabled(const fl_article *a, const char *rule)
{
    for (size_t i = 0; i < a->n_disabled_rules; i++) {
        const char *d = a->disabled_rules[i];
        if (!strcmp(d, "*") || !strcmp(d, rule))
            return true;
        /* a tag-like prefix: "quote" disables "quote.duplicate" */
        size_t n = strlen(d);
        if (!strncmp(d, rule, n) && rule[n] == '.')
            return true;
    }
    return false;
}
