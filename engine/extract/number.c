/*
 * number.c - numbers in text (fl_number_parse) and the money, quantity,
 * percent and duration extractor (fl_number_extract, see internal.h and
 * docs/facts-numbers.md).
 *
 * The extractor is a hand-written scanner: it walks the text once, stops at
 * digits and at number words (found through a small hash table built at
 * init), reads the number, then looks around it: a currency prefix and a
 * qualifier before, a magnitude, a currency word, "%"/"per cent", a duration
 * unit or a counted noun after, and a range ("3-4%", "between $2bn and
 * $3bn").  One PCRE2 pattern, compiled once, decides whether a bare amount
 * ("worth 40m") stands in a money context.  Nothing is allocated per match:
 * fact strings go to the fact list's arena.
 */
#include "extract/number.h"

#include "core/alloc.h"
#include "extract/ascii.h"
#include "extract/currency.h"
#include "extract/internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- characters ---------------------------------------------------------- */

/* bytes 0..255 (ascii.h) */
static bool is_digit(int c)
{
    return fl_ch_digit((unsigned char)c);
}

static bool is_alpha(int c)
{
    return fl_ch_alpha((unsigned char)c);
}

static bool is_alnum(int c)
{
    return fl_ch_alnum((unsigned char)c);
}

static bool is_upper(int c)
{
    return fl_ch_upper((unsigned char)c);
}

static int lower(int c)
{
    return fl_ch_lower((unsigned char)c);
}

#define UC(s, i) ((unsigned char)(s)[i])

/* true when s[0..n) equals the lowercase word w, ignoring ASCII case */
static bool word_eq_str(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n; i++)
        if (!w[i] || lower(UC(s, i)) != w[i])
            return false;
    return w[i] == '\0';
}

/* word_eq_str for a string literal w: inlined, strlen(w) is a constant, so
 * a word of another length (most) is rejected by one compare before any
 * byte is read */
static inline __attribute__((always_inline)) bool word_eq(const char *s, size_t n, const char *w)
{
    if (n != strlen(w))
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(UC(s, i)) != w[i])
            return false;
    return true;
}

static bool is_lower_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return true;
}

/* ---- fl_number_parse ----------------------------------------------------- */

/* The number words, grouped by first letter (each group ends with a NULL
 * word): the vocabulary's anchors (fl_number_init).  fl_number_word below
 * knows them too. */
typedef struct number_word {
    const char *w;
    int v;
} number_word;

static const number_word nw_e[] = {
    {"eight", 8}, {"eleven", 11}, {"eighteen", 18}, {"eighty", 80}, {NULL, 0}};
static const number_word nw_f[] = {{"four", 4},   {"five", 5},   {"fourteen", 14}, {"fifteen", 15},
                                   {"forty", 40}, {"fifty", 50}, {NULL, 0}};
static const number_word nw_n[] = {{"nine", 9}, {"nineteen", 19}, {"ninety", 90}, {NULL, 0}};
static const number_word nw_o[] = {{"one", 1}, {NULL, 0}};
static const number_word nw_s[] = {{"six", 6},        {"seven", 7},  {"sixteen", 16},
                                   {"seventeen", 17}, {"sixty", 60}, {"seventy", 70},
                                   {NULL, 0}};
static const number_word nw_t[] = {{"two", 2},       {"three", 3},   {"ten", 10},    {"twelve", 12},
                                   {"thirteen", 13}, {"twenty", 20}, {"thirty", 30}, {NULL, 0}};
static const number_word *const number_words[26] = {
    ['e' - 'a'] = nw_e, ['f' - 'a'] = nw_f, ['n' - 'a'] = nw_n,
    ['o' - 'a'] = nw_o, ['s' - 'a'] = nw_s, ['t' - 'a'] = nw_t,
};

/* fl_number_word and fl_number_magnitude compare a word with the listed
 * words of its length as one integer each: its bytes lower-cased (word_key)
 * against the listed word's (KEY of a literal, which the compiler folds
 * into a constant).  The words are in the code, not in tables: tables read
 * at nearly every amount were cold at each article (the other extractors
 * evict them), and a loop over a group of words mispredicted its exits. */

/* s[0..n), n <= 8, lower-cased into an integer: byte i in bits 8i .. 8i + 7,
 * zero past n */
static inline uint64_t word_key(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k |= (uint64_t)(unsigned char)lower(UC(s, i)) << 8 * i;
    return k;
}

/* word_key of the lower-case literal w (at most 8 letters): a constant */
static inline uint64_t lit_key(const char *w, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k |= (uint64_t)(unsigned char)w[i] << 8 * i;
    return k;
}
#define KEY(w) lit_key(w, sizeof(w) - 1)

int fl_number_word(const char *s, size_t n)
{
    if (n < 3 || n > 9)
        return -1;
    uint64_t k = word_key(s, n < 8 ? n : 8);
    switch (n) {
    case 3:
        return k == KEY("one")   ? 1
               : k == KEY("two") ? 2
               : k == KEY("six") ? 6
               : k == KEY("ten") ? 10
                                 : -1;
    case 4:
        return k == KEY("four") ? 4 : k == KEY("five") ? 5 : k == KEY("nine") ? 9 : -1;
    case 5:
        return k == KEY("three")   ? 3
               : k == KEY("seven") ? 7
               : k == KEY("eight") ? 8
               : k == KEY("forty") ? 40
               : k == KEY("fifty") ? 50
               : k == KEY("sixty") ? 60
                                   : -1;
    case 6:
        return k == KEY("eleven")   ? 11
               : k == KEY("twelve") ? 12
               : k == KEY("twenty") ? 20
               : k == KEY("thirty") ? 30
               : k == KEY("eighty") ? 80
               : k == KEY("ninety") ? 90
                                    : -1;
    case 7:
        return k == KEY("fifteen") ? 15 : k == KEY("sixteen") ? 16 : k == KEY("seventy") ? 70 : -1;
    case 8:
        return k == KEY("thirteen")   ? 13
               : k == KEY("fourteen") ? 14
               : k == KEY("eighteen") ? 18
               : k == KEY("nineteen") ? 19
                                      : -1;
    default: /* 9: its first eight bytes, then the ninth */
        return k == KEY("seventee") && lower(UC(s, 8)) == 'n' ? 17 : -1;
    }
}

double fl_number_magnitude(const char *s, size_t n, bool attached)
{
    if (n == 0 || n > 8)
        return 0;
    uint64_t k = word_key(s, n);
    switch (n) {
    case 1: /* "6m", "6k", "6b", never "6 m" */
        if (!attached)
            return 0;
        return k == KEY("m") ? 1e6 : k == KEY("b") ? 1e9 : k == KEY("k") ? 1e3 : 0;
    case 2:
        return k == KEY("bn")   ? 1e9
               : k == KEY("mn") ? 1e6
               : k == KEY("tn") ? 1e12
               : k == KEY("cr") ? 1e7
                                : 0;
    case 3:
        return k == KEY("mln") ? 1e6 : k == KEY("bln") ? 1e9 : k == KEY("trn") ? 1e12 : 0;
    case 4:
        return k == KEY("lakh") ? 1e5 : 0;
    case 5:
        return k == KEY("crore") ? 1e7 : k == KEY("lakhs") ? 1e5 : 0;
    case 6:
        return k == KEY("crores") ? 1e7 : 0;
    case 7:
        return k == KEY("million") ? 1e6 : k == KEY("billion") ? 1e9 : 0;
    default: /* 8 */
        return k == KEY("thousand") ? 1e3 : k == KEY("trillion") ? 1e12 : 0;
    }
}

/* whether a magnitude word starts with the byte c: b, c, k, l, m or t, in
 * either case */
static bool magnitude_letter(int c)
{
    enum {
        LETTERS = 1u << ('b' - 'a') | 1u << ('c' - 'a') | 1u << ('k' - 'a') | 1u << ('l' - 'a') |
                  1u << ('m' - 'a') | 1u << ('t' - 'a')
    };
    unsigned i = (unsigned)lower(c) - 'a';
    return i < 26 && (LETTERS >> i & 1);
}

static size_t alpha_end(const char *s, size_t len, size_t p)
{
    while (p < len && is_alpha(UC(s, p)))
        p++;
    return p;
}

/* alpha_end, from the letter mask of s[0..len) when there is one (the
 * article's, bytemask.h: a count of trailing zeros instead of a test per
 * letter); letter NULL: byte by byte */
static size_t alpha_end_m(const uint64_t *letter, const char *s, size_t len, size_t p)
{
    if (letter && p < len)
        return fl_bits_next_clear(letter, len, p);
    return alpha_end(s, len, p);
}

/* 10^0 .. 10^17: the decimals fl_number_parse keeps (each exact) */
static const double pow10_tab[18] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                     1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};

/* mantissa / 10^dec * mag, exact whenever the result is an integer */
static double scaled(unsigned long long mant, int dec, double mag)
{
    if (dec == 0 && mag == 1) /* a plain integer (most): no division */
        return (double)mant;
    double p10 = pow10_tab[dec];
    if (mag >= p10)
        return (double)mant * (mag / p10);
    return (double)mant * mag / p10;
}

/* letter: the letter mask of s[0..len), or NULL (alpha_end_m) */
static bool parse_words(const char *s, size_t len, size_t pos, const uint64_t *letter,
                        fl_number *out)
{
    double total = 0, cur = 0, mag = 1;
    bool any = false, need_scale = false;
    size_t q = pos, end = pos, mag_start = SIZE_MAX;
    unsigned flags = FL_NUM_WORDS;
    size_t we = alpha_end_m(letter, s, len, q);
    if ((word_eq(s + q, we - q, "a") || word_eq(s + q, we - q, "an")) && we < len && s[we] == ' ') {
        cur = 1;
        flags |= FL_NUM_ARTICLE;
        need_scale = true;
        q = we + 1;
    } else if (word_eq(s + q, we - q, "half") && we + 3 < len && s[we] == ' ' &&
               lower(UC(s, we + 1)) == 'a' && s[we + 2] == ' ') {
        cur = 0.5;
        flags |= FL_NUM_ARTICLE;
        need_scale = true;
        q = we + 3;
    }
    for (;;) {
        we = alpha_end_m(letter, s, len, q);
        if (we == q)
            break;
        int v = fl_number_word(s + q, we - q);
        double m;
        if (v > 0) {
            double r = cur == 0 ? 0 : fmod(cur, 100);
            if (need_scale || !(cur == 0 || r == 0 || (r >= 20 && fmod(cur, 10) == 0 && v < 10)))
                break;
            cur += v;
        } else if (word_eq(s + q, we - q, "hundred")) {
            cur = (cur ? cur : 1) * 100;
        } else if (word_eq(s + q, we - q, "dozen")) {
            cur = (cur ? cur : 1) * 12;
        } else if ((m = fl_number_magnitude(s + q, we - q, false)) > 0 && (any || need_scale)) {
            total += (cur ? cur : 1) * m;
            cur = 0;
            if (m > mag)
                mag = m;
            if (mag_start == SIZE_MAX)
                mag_start = q;
        } else {
            break;
        }
        any = true;
        need_scale = false;
        end = we;
        if (we + 1 < len && s[we] == '-' && is_alpha(UC(s, we + 1)) &&
            fl_number_word(s + we + 1, alpha_end_m(letter, s, len, we + 1) - we - 1) > 0) {
            q = we + 1;
            continue;
        }
        if (we + 1 < len && s[we] == ' ') {
            size_t n2 = alpha_end_m(letter, s, len, we + 1);
            if (word_eq(s + we + 1, n2 - we - 1, "and") && n2 + 1 < len && s[n2] == ' ' &&
                (fmod(cur, 100) == 0 || total > 0) &&
                fl_number_word(s + n2 + 1, alpha_end_m(letter, s, len, n2 + 1) - n2 - 1) > 0) {
                q = n2 + 1;
                continue;
            }
            q = we + 1;
            continue;
        }
        break;
    }
    if (!any || need_scale)
        return false;
    out->start = pos;
    out->end = end;
    out->mag_start = mag_start == SIZE_MAX ? end : mag_start;
    out->value = total + cur;
    out->magnitude = mag;
    out->raw = out->value / mag;
    out->flags = flags;
    out->int_digits = 0;
    return true;
}

/* fl_number_parse, inlined into the extractor's parse_one (most of the
 * calls: a call there cost as much as a short number's digits); letter: the
 * letter mask of s[0..len), or NULL (alpha_end_m) */
static inline __attribute__((always_inline)) bool
number_parse(const char *s, size_t len, size_t pos, const uint64_t *letter, fl_number *out)
{
    memset(out, 0, sizeof *out);
    if (pos >= len)
        return false;
    if (!is_digit(UC(s, pos)))
        return is_alpha(UC(s, pos)) && parse_words(s, len, pos, letter, out);
    unsigned long long mant = 0;
    int nd = 0, dec = 0;
    int dropped = 0; /* integer digits past the 15 a double holds exactly: a power of ten */
    unsigned flags = 0;
    size_t q = pos;
    while (q < len && is_digit(UC(s, q))) {
        if (nd < 15)
            mant = mant * 10 + (unsigned)(s[q] - '0');
        else
            dropped++;
        q++;
        if (++nd > 40)
            return false; /* not an amount anyone writes */
    }
    if (nd <= 3)
        while (q + 3 < len && s[q] == ',' && is_digit(UC(s, q + 1)) && is_digit(UC(s, q + 2)) &&
               is_digit(UC(s, q + 3)) && (q + 4 >= len || !is_digit(UC(s, q + 4)))) {
            if (nd + 3 <= 15)
                mant = mant * 1000 + (unsigned)((s[q + 1] - '0') * 100 + (s[q + 2] - '0') * 10 +
                                                (s[q + 3] - '0'));
            else
                dropped += 3;
            nd += 3;
            q += 4;
            flags |= FL_NUM_COMMA;
            if (nd > 40)
                return false;
        }
    if (!dropped && q + 1 < len && s[q] == '.' && is_digit(UC(s, q + 1))) {
        q++;
        flags |= FL_NUM_DECIMAL;
        while (q < len && is_digit(UC(s, q))) {
            if (nd + dec < 17) {
                mant = mant * 10 + (unsigned)(s[q] - '0');
                dec++;
            }
            q++;
        }
    }
    out->start = pos;
    out->int_digits = nd;
    double big = 1;
    for (int i = 0; i < dropped; i++)
        big *= 10;
    out->raw = scaled(mant, dec, big);
    out->magnitude = 1;
    out->end = q;
    out->mag_start = q;
    /* an attached magnitude ("6bn"), else one after a space ("1.13 mln"):
     * only a word whose first letter starts one is read */
    size_t we = magnitude_letter(q < len ? UC(s, q) : 0) ? alpha_end_m(letter, s, len, q) : q;
    double m = 0;
    if (we > q) {
        if ((m = fl_number_magnitude(s + q, we - q, true)) > 0 &&
            (we >= len || !is_digit(UC(s, we)))) {
            flags |= FL_NUM_ATTACHED;
            out->end = we;
        } else {
            m = 0;
        }
    } else if (q + 1 < len && s[q] == ' ' && magnitude_letter(UC(s, q + 1))) {
        we = alpha_end_m(letter, s, len, q + 1);
        if ((m = fl_number_magnitude(s + q + 1, we - q - 1, false)) > 0) {
            out->mag_start = q + 1;
            out->end = we;
        }
    }
    if (m > 0)
        out->magnitude = m;
    out->value = out->magnitude == 1 ? out->raw : scaled(mant, dec, out->magnitude * big);
    out->flags = flags;
    return true;
}

bool fl_number_parse(const char *s, size_t len, size_t pos, fl_number *out)
{
    return number_parse(s, len, pos, NULL, out);
}

/* ---- vocabulary ---------------------------------------------------------- */

enum {
    V_STOP = 1u << 0,      /* ends a counted-noun phrase */
    V_ANCHOR = 1u << 1,    /* a number word the scanner stops at */
    V_DUR = 1u << 2,       /* duration unit (canon: plural) */
    V_UNIT = 1u << 3,      /* unit of measure (canon) */
    V_IRREG = 1u << 4,     /* plural count noun without -s */
    V_NOTPL = 1u << 5,     /* ends in -s but is not a plural */
    V_MONEYN = 1u << 6,    /* "contract", "deal": a bare amount before it is money */
    V_LABEL = 1u << 7,     /* "page", "phase", "No": the number after it is a label */
    V_DET = 1u << 8,       /* "the one", "no one" */
    V_ABSTRACT = 1u << 9,  /* "one day", "one way" */
    V_AGEDEC = 1u << 10,   /* "forties" */
    V_VAGUE = 1u << 11,    /* "hundreds", "millions" */
    V_CHANGE = 1u << 12,   /* "rose", "by": "X to Y" after it is a change, not a range */
    V_UNIT_ATT = 1u << 13, /* unit that may be glued to digits ("10km") */
    V_NOTADJ = 1u << 14,   /* "-strong", "-old": not a counted noun after a hyphen */
    V_CUE = 1u << 15,      /* the first word of a money-context match ("worth", "paid") */
    V_CURW = 1u << 16      /* the leading letters of a currency word or phrase ("dlrs", "u") */
};

typedef struct vocab {
    char w[24];
    uint8_t len;
    uint8_t ncur;   /* V_CURW: the currency phrases that start with this word */
    uint8_t cur[4]; /* (fl_currency_phrase indices, in increasing order) */
    uint32_t flags;
    double num;
    const char *canon;
} vocab;

/* An anchor word (V_ANCHOR) in the anchor table: 16 bytes, so that a
 * found word costs one cache line past its tag (the table is cold at each
 * article), where a table of pointers and the entry itself were two. */
typedef struct anchor_cell {
    uint8_t len;
    uint8_t kind; /* A_AGEDEC, A_VAGUE: what try_word asks of the word */
    char w[12];   /* the word, lower case, zero padded */
    uint16_t ent; /* its entry in ents */
} anchor_cell;

_Static_assert(sizeof(anchor_cell) == 16, "an anchor cell fills a quarter of a line");

enum {
    A_AGEDEC = 1u << 0, /* V_AGEDEC */
    A_VAGUE = 1u << 1,  /* V_VAGUE */
};

#define VOCAB_SIZE   2048 /* slots */
#define VOCAB_MAX    1023 /* entries (781 today) */
#define VOCAB_IDX    10   /* bits of a slot for its entry */
#define ANCHORS_SIZE 128

/* A pattern compiled for PCRE2's interpreter at init and JIT-compiled by
 * the thread that runs it the LAZY_JIT_AFTER-th time.  The money-context
 * patterns run rarely in most copy (22 times over the BBC corpus, 9,396
 * over Reuters'), and JIT-compiling both at init took 3.45M instructions,
 * 1% of a BBC run: the interpreter's matches (anchored, in a window of 64
 * bytes) cost some 1,700 instructions more each.  The state is shared by
 * the worker threads, hence the atomics; only the thread whose use is the
 * LAZY_JIT_AFTER-th compiles, and the others use the interpreter's code
 * until it is published. */
typedef struct lazy_re {
    const char *pattern;
    fl_re *interp;
    _Atomic(fl_re *) jit;
    atomic_uint uses;
} lazy_re;

enum { LAZY_JIT_AFTER = 64 };

struct fl_number_state {
    /* The vocabulary: its entries packed in ents (in the order added), and
     * an open-addressed table of VOCAB_SIZE 16-bit slots over them (4 KB,
     * which the caches keep: the entries take 44 KB, and the table of
     * entries this replaced 112 KB, one random line of which each lookup
     * read).  A slot is 0 when empty, else the entry's index + 1 in its low
     * VOCAB_IDX bits and the top six bits of the word's hash_word above
     * them, so that a lookup reads an entry only when those bits are the
     * word's (nearly every word looked up is not in the vocabulary). */
    uint16_t slot[VOCAB_SIZE];
    unsigned n_ents;
    vocab ents[VOCAB_MAX];
    /* the entries with V_ANCHOR, hashed alike into a table of their own
     * (a third full): the scanner looks up every word the anchor_len test
     * lets through, and most of them ("there", "this") are no anchor,
     * which an empty slot or another tag in anchor_tag (256 bytes) tells
     * before the cell (2 KB) is read (anchor_find); an anchor is found
     * without reading its vocabulary entry */
    uint16_t anchor_tag[ANCHORS_SIZE]; /* anchor_tag_of the word; 0: empty */
    anchor_cell anchors[ANCHORS_SIZE];
    /* anchor_len[f][l] bit n: some anchor word of n letters starts with
     * 'a' + f and ends with 'a' + l (1.3 KB: the scanner asks it of every
     * word, and it rejects nearly all before the vocabulary is hashed) */
    uint16_t anchor_len[26][26];
    /* cue_len[f][l] bit n: the same of the cue words (cue_starts) */
    uint16_t cue_len[26][26];
    lazy_re *cue;        /* money context before a bare amount with a magnitude */
    lazy_re *strong_cue; /* ... and before one without ("valued at 800,000") */
    /* qual_end[k][c] bit i: the (k + 1)-th byte from the end of
     * quals_before[i] has the low five bits c, lower-cased (every phrase is
     * longer than three bytes; see qualifiers).  768 bytes: a table of the
     * last two bytes' pairs took 8 KB, of which number-dense copy (wire
     * stories) read a cold line at nearly every amount. */
    uint64_t qual_end[3][32];
    /* qual_after[c] bit i: quals_after[i] starts with the byte c, or with a
     * space and the byte c (see qualifiers) */
    uint8_t qual_after[256];
};

static void index_quals(fl_number_state *st);

/* The table's hash of s[0..n), n >= 1: its length and its first two and
 * last two bytes, lower-cased.  It costs the same for any length (nearly
 * every word looked up is not in the table and stops at an empty slot);
 * the few words that share those bytes cost a probe more. */
static uint32_t hash_word(const char *s, size_t n)
{
    uint32_t x = (uint32_t)lower(UC(s, 0)) | (uint32_t)lower(UC(s, n > 1)) << 8 |
                 (uint32_t)lower(UC(s, n - 1)) << 16 |
                 (uint32_t)lower(UC(s, n > 1 ? n - 2 : 0)) << 24;
    x = (x ^ (uint32_t)n * 0x9E3779B9u) * 0x85EBCA6Bu;
    return x ^ x >> 16;
}

/* Whether the entry v is the word s[0..n) (v->w is lower case). */
static inline bool vocab_is(const vocab *v, const char *s, size_t n)
{
    if (v->len != n)
        return false;
    size_t i = 0;
    while (i < n && lower(UC(s, i)) == v->w[i])
        i++;
    return i == n;
}

/* The top six bits of a hash_word, as a slot holds them. */
static inline unsigned slot_tag(uint32_t hw)
{
    return hw >> 26;
}

static const vocab *vocab_find(const fl_number_state *st, const char *s, size_t n)
{
    if (n == 0 || n >= sizeof st->ents[0].w)
        return NULL;
    uint32_t hw = hash_word(s, n);
    unsigned tag = slot_tag(hw);
    for (uint32_t h = hw & (VOCAB_SIZE - 1);; h = (h + 1) & (VOCAB_SIZE - 1)) {
        unsigned e = st->slot[h];
        if (!e)
            return NULL;
        if (e >> VOCAB_IDX == tag) {
            const vocab *v = &st->ents[(e & ((1u << VOCAB_IDX) - 1)) - 1];
            if (vocab_is(v, s, n))
                return v;
        }
    }
}

/* The tag of a word in the anchor table (never 0). */
static inline unsigned anchor_tag_of(uint32_t hw)
{
    return hw >> 16 | 1u;
}

/* vocab_find for the anchor words: their cell, NULL for any other word */
static const anchor_cell *anchor_find(const fl_number_state *st, const char *s, size_t n)
{
    uint32_t hw = hash_word(s, n);
    unsigned want = anchor_tag_of(hw);
    for (uint32_t h = hw & (ANCHORS_SIZE - 1);; h = (h + 1) & (ANCHORS_SIZE - 1)) {
        unsigned tag = st->anchor_tag[h];
        if (tag == want && st->anchors[h].len == n) {
            const anchor_cell *c = &st->anchors[h];
            size_t i = 0;
            while (i < n && lower(UC(s, i)) == c->w[i])
                i++;
            if (i == n)
                return c;
        }
        if (!tag)
            return NULL;
    }
}

/* Fills st->anchors from the finished vocabulary; -1 when it is too small. */
static int index_anchors(fl_number_state *st)
{
    size_t count = 0;
    for (size_t k = 0; k < st->n_ents; k++) {
        const vocab *v = &st->ents[k];
        if (!(v->flags & V_ANCHOR))
            continue;
        if (++count > ANCHORS_SIZE / 2 || v->len > sizeof st->anchors[0].w)
            return -1;
        uint32_t hw = hash_word(v->w, v->len), h = hw & (ANCHORS_SIZE - 1);
        while (st->anchor_tag[h])
            h = (h + 1) & (ANCHORS_SIZE - 1);
        anchor_cell *c = &st->anchors[h];
        st->anchor_tag[h] = (uint16_t)anchor_tag_of(hw);
        c->len = v->len;
        c->kind =
            (uint8_t)((v->flags & V_AGEDEC ? A_AGEDEC : 0) | (v->flags & V_VAGUE ? A_VAGUE : 0));
        memcpy(c->w, v->w, v->len);
        c->ent = (uint16_t)k;
    }
    return 0;
}

static int vocab_add(fl_number_state *st, const char *w, uint32_t flags, double num,
                     const char *canon)
{
    size_t n = strlen(w);
    if (n == 0 || n >= sizeof st->ents[0].w)
        return -1;
    if ((flags & V_ANCHOR) && is_alpha(UC(w, 0)) && n < 16) {
        int f = lower(UC(w, 0)) - 'a', l = lower(UC(w, n - 1));
        for (int k = 0; k < 26; k++) /* a last byte that is not a letter: any */
            if (!is_alpha(l) || k == l - 'a')
                st->anchor_len[f][k] |= (uint16_t)(1u << n);
    }
    uint32_t hw = hash_word(w, n), h = hw & (VOCAB_SIZE - 1);
    for (unsigned probes = 0; probes < VOCAB_SIZE; probes++, h = (h + 1) & (VOCAB_SIZE - 1)) {
        vocab *v;
        if (!st->slot[h]) {
            if (st->n_ents == VOCAB_MAX)
                return -1;
            v = &st->ents[st->n_ents++];
            st->slot[h] = (uint16_t)(slot_tag(hw) << VOCAB_IDX | st->n_ents);
            memcpy(v->w, w, n + 1);
            v->len = (uint8_t)n;
        } else {
            v = &st->ents[(st->slot[h] & ((1u << VOCAB_IDX) - 1)) - 1];
            if (v->len != n || memcmp(v->w, w, n) != 0)
                continue;
        }
        v->flags |= flags;
        if (num != 0)
            v->num = num;
        if (canon)
            v->canon = canon;
        return 0;
    }
    return -1;
}

static const char *const stop_words[] = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "with",
    "and",
    "or",
    "but",
    "nor",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "this",
    "these",
    "those",
    "there",
    "their",
    "its",
    "his",
    "her",
    "our",
    "your",
    "my",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "having",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "can",
    "must",
    "do",
    "does",
    "did",
    "not",
    "no",
    "than",
    "as",
    "into",
    "onto",
    "over",
    "under",
    "after",
    "before",
    "since",
    "until",
    "till",
    "during",
    "last",
    "next",
    "ago",
    "each",
    "every",
    "per",
    "vs",
    "versus",
    "against",
    "between",
    "about",
    "up",
    "down",
    "off",
    "out",
    "less",
    "most",
    "least",
    "so",
    "if",
    "when",
    "where",
    "while",
    "also",
    "only",
    "just",
    "still",
    "then",
    "here",
    "it",
    "they",
    "he",
    "she",
    "we",
    "you",
    "i",
    "said",
    "says",
    "say",
    "told",
    "according",
    "including",
    "compared",
    "through",
    "across",
    "within",
    "without",
    "among",
    "amid",
    "despite",
    "because",
    "all",
    "both",
    "either",
    "neither",
    "such",
    "like",
    "some",
    "any",
    "other",
    "another",
    "much",
    "many",
    "few",
    "very",
    "too",
    "yet",
    "what",
    "how",
    "why",
    "ahead",
    "apart",
    "away",
    "back",
    "earlier",
    "later",
    "already",
    "almost",
    "nearly",
    "roughly",
    "approximately",
    "around",
    "estimated",
    "even",
    "ever",
    "far",
    "further",
    "instead",
    "rather",
    "respectively",
    "alone",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "annually",
    "apiece",
    "together",
    "overall",
    "above",
    "below",
    "upwards",
    "toward",
    "towards",
    "following",
    "plus",
    "minus",
    "via",
    "a.m.",
    "p.m.",
    "am",
    "pm",
    "totalling",
    "worth",
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "percent",
    "pct",
    "whereas",
    "whether",
    "though",
    "although",
    "unless",
    "once",
    "twice",
    "again",
    "least",
    "lower",
    "higher",
    "fewer",
    "cheaper",
    "bigger",
    "larger",
    "smaller",
    "better",
    "worse",
};

static const char *const irregular_plurals[] = {
    "people",    "men",      "women",      "children",    "staff",       "aircraft",  "personnel",
    "police",    "cattle",   "sheep",      "livestock",   "fish",        "crew",      "feet",
    "teeth",     "mice",     "geese",      "deer",        "spacecraft",  "offspring", "swine",
    "poultry",   "salmon",   "troops",     "policemen",   "businessmen", "firemen",   "fishermen",
    "gentlemen", "chairmen", "servicemen", "townspeople", "craft",       "infantry",  "clergy",
};

static const char *const not_plurals[] = {
    "gas",      "news",     "series",      "species",      "means",     "lens",
    "canvas",   "atlas",    "bias",        "chaos",        "yes",       "always",
    "perhaps",  "towards",  "afterwards",  "besides",      "sometimes", "nevertheless",
    "whereas",  "overseas", "aids",        "sars",         "its",       "has",
    "was",      "does",     "this",        "thus",         "upwards",   "downwards",
    "outwards", "various",  "whereabouts", "headquarters", "lbs",
};

static const struct {
    const char *w, *canon;
    bool attached;
} units[] = {
    {"tonne", "tonnes", false},
    {"tonnes", "tonnes", false},
    {"ton", "tons", false},
    {"tons", "tons", false},
    {"barrel", "barrels", false},
    {"barrels", "barrels", false},
    {"bbl", "barrels", false},
    {"bpd", "bpd", false},
    {"kg", "kg", true},
    {"kilo", "kilos", false},
    {"kilos", "kilos", false},
    {"kilogram", "kilograms", false},
    {"kilograms", "kilograms", false},
    {"kilogramme", "kilograms", false},
    {"kilogrammes", "kilograms", false},
    {"gram", "grams", false},
    {"grams", "grams", false},
    {"ounce", "ounces", false},
    {"ounces", "ounces", false},
    {"oz", "ounces", true},
    {"lb", "lb", true},
    {"lbs", "lb", true},
    {"km", "km", true},
    {"kilometre", "kilometres", false},
    {"kilometres", "kilometres", false},
    {"kilometer", "kilometres", false},
    {"kilometers", "kilometres", false},
    {"mile", "miles", false},
    {"miles", "miles", false},
    {"metre", "metres", false},
    {"metres", "metres", false},
    {"meter", "metres", false},
    {"meters", "metres", false},
    {"cm", "cm", true},
    {"mm", "mm", true},
    {"ft", "feet", true},
    {"foot", "feet", false},
    {"inch", "inches", false},
    {"inches", "inches", false},
    {"yard", "yards", false},
    {"yards", "yards", false},
    {"acre", "acres", false},
    {"acres", "acres", false},
    {"hectare", "hectares", false},
    {"hectares", "hectares", false},
    {"ha", "hectares", true},
    {"litre", "litres", false},
    {"litres", "litres", false},
    {"liter", "litres", false},
    {"liters", "litres", false},
    {"ml", "ml", true},
    {"gallon", "gallons", false},
    {"gallons", "gallons", false},
    {"bushel", "bushels", false},
    {"bushels", "bushels", false},
    {"mw", "mw", true},
    {"gw", "gw", true},
    {"kw", "kw", true},
    {"kwh", "kwh", true},
    {"mwh", "mwh", true},
    {"gwh", "gwh", true},
    {"twh", "twh", true},
    {"megawatt", "megawatts", false},
    {"megawatts", "megawatts", false},
    {"gigawatt", "gigawatts", false},
    {"gigawatts", "gigawatts", false},
    {"kilowatt", "kilowatts", false},
    {"kilowatts", "kilowatts", false},
    {"gigawatt-hour", "gigawatt-hours", false},
    {"gigawatt-hours", "gigawatt-hours", false},
    {"megawatt-hour", "megawatt-hours", false},
    {"megawatt-hours", "megawatt-hours", false},
    {"kilowatt-hour", "kilowatt-hours", false},
    {"kilowatt-hours", "kilowatt-hours", false},
    {"terawatt-hours", "terawatt-hours", false},
    {"mph", "mph", true},
    {"kph", "kph", true},
    {"degree", "degrees", false},
    {"degrees", "degrees", false},
    {"storey", "storeys", false},
    {"storeys", "storeys", false},
    {"gb", "gb", true},
    {"tb", "tb", true},
    {"mb", "mb", true},
    {"bags", "bags", false},
};

static const struct {
    const char *w, *canon;
} durations[] = {
    {"year", "years"},
    {"years", "years"},
    {"yr", "years"},
    {"yrs", "years"},
    {"month", "months"},
    {"months", "months"},
    {"mths", "months"},
    {"mth", "months"},
    {"week", "weeks"},
    {"weeks", "weeks"},
    {"wks", "weeks"},
    {"day", "days"},
    {"days", "days"},
    {"hour", "hours"},
    {"hours", "hours"},
    {"hrs", "hours"},
    {"minute", "minutes"},
    {"minutes", "minutes"},
    {"seconds", "seconds"},
    {"decade", "decades"},
    {"decades", "decades"},
    {"century", "centuries"},
    {"centuries", "centuries"},
    {"fortnight", "fortnights"},
    {"fortnights", "fortnights"},
    {"quarters", "quarters"},
};

static const char *const money_nouns[] = {
    "contract",      "contracts",     "deal",     "deals",     "investment", "budget",
    "bid",           "takeover",      "offer",    "loan",      "loans",      "fund",
    "bailout",       "package",       "fine",     "profit",    "profits",    "loss",
    "losses",        "revenue",       "revenues", "turnover",  "debt",       "debts",
    "settlement",    "payout",        "bonus",    "salary",    "grant",      "subsidy",
    "subsidies",     "acquisition",   "purchase", "buyout",    "merger",     "project",
    "scheme",        "programme",     "program",  "overhaul",  "upgrade",    "expansion",
    "refurbishment", "redevelopment", "stake",    "order",     "sale",       "funding",
    "windfall",      "deficit",       "surplus",  "writedown", "write-down", "charge",
    "payment",       "compensation",  "tax",      "levy",      "valuation",  "fee",
    "fees",          "transfer",      "bill",     "bills",     "handout",    "injection",
    "bond",          "bonds",         "issue",    "facility",  "credit",     "spending",
    "cost",          "costs",         "price",    "pricetag",  "price-tag",  "jackpot",
    "prize",
};

static const char *const label_words[] = {
    "no",       "nos",     "number",     "page",  "chapter",  "section",   "article",  "phase",
    "stage",    "round",   "level",      "grade", "tier",     "type",      "class",    "category",
    "version",  "model",   "flight",     "route", "platform", "gate",      "room",     "line",
    "figure",   "table",   "item",       "rule",  "clause",   "paragraph", "question", "episode",
    "season",   "series",  "volume",     "vol",   "part",     "step",      "week",     "day",
    "game",     "match",   "race",       "lap",   "hole",     "terminal",  "runway",   "junction",
    "exit",     "highway", "interstate", "road",  "street",   "unit",      "block",    "division",
    "district", "ward",    "bay",        "berth", "pier",     "track",     "channel",  "studio",
    "covid",    "windows", "act",        "verse", "psalm",    "lot",       "code",     "box",
    "tel",      "fax",     "pages",      "pp",    "p",        "id",        "no.",      "n",
};

static const char *const determiners[] = {
    "the", "no", "every", "any", "this", "that", "which", "each", "someone", "anyone", "one",
};

static const char *const abstract_nouns[] = {
    "day",     "time",    "thing",    "way",      "another", "hand",     "side",
    "point",   "reason",  "problem",  "issue",    "example", "question", "moment",
    "night",   "morning", "occasion", "instance", "word",    "option",   "case",
    "respect", "sense",   "aspect",   "factor",   "source",  "more",     "less",
    "other",   "another", "step",     "stage",    "year",    "hour",     "minute",
    "second",  "week",    "month",    "decade",   "version", "part",
};

static const struct {
    const char *w;
    double v;
} age_decades[] = {
    {"twenties", 20}, {"thirties", 30},  {"forties", 40},  {"fifties", 50},
    {"sixties", 60},  {"seventies", 70}, {"eighties", 80}, {"nineties", 90},
};

static const struct {
    const char *w;
    double v;
} vague_words[] = {
    {"tens", 10},      {"hundreds", 100},   {"thousands", 1e3}, {"millions", 1e6},
    {"billions", 1e9}, {"trillions", 1e12}, {"dozens", 12},     {"scores", 20},
};

static const char *const not_hyphen_nouns[] = {
    "strong", "old",  "odd",   "fold",      "way",    "time",     "off",
    "plus",   "nil",  "all",   "something", "thirds", "quarters", "halves",
    "up",     "down", "point", "pointer",   "ish",    "inch",     "foot",
};

static const char *const change_words[] = {
    "from",     "by",     "rose",  "fell", "grew",   "cut",  "rise", "rises",
    "fall",     "falls",  "up",    "down", "shrank", "sank", "slid", "increase",
    "decrease", "reduce", "raise", "lift", "climb",  "jump", "drop", "slip",
};

/* ---- the money-context pattern --------------------------------------- */

/* Both patterns are run anchored (\\G) at the places a match could start
 * (see cue_starts), which gives the same answer as one search over the
 * window. */
static const char cue_pattern[] =
    "\\G\\b(?:worth|valued\\s+at|value\\s+of|valuing\\s+\\w+\\s+at|priced\\s+at|price\\s+of|"
    "cost(?:s|ing)?|cost\\s+of|paid|pays?|paying|raised?|raising|spent|spends?|spending|"
    "invest(?:s|ed|ing)?|investment\\s+of|budget\\s+of|funding\\s+of|fined?|fine\\s+of|"
    "bid\\s+of|offer\\s+of|loan\\s+of|grant\\s+of|debts?\\s+of|"
    "(?:profits?|revenues?|sales|turnover|income|earnings|losses|loss|debts?|revs|"
    "net\\s+(?:profit|income|loss)|pre-tax\\s+profits?|operating\\s+profits?)"
    "(?:\\s+(?:of|was|were|is|are|at|to|rose|fell|grew|jumped|climbed|dropped|declined|"
    "increased|decreased|slumped|surged|totall?ed|reached|hit|came\\s+in\\s+at)){0,2}|"
    "salary\\s+of|bonus\\s+of|dividend\\s+of|shr|earned|earns?|owed?|owes|borrowed|lent|"
    "fees?|charges?|commissions?|payments?|payouts?|bills?|sums?|prize\\s+money|"
    "repaid|compensation\\s+of|deficit\\s+of|surplus\\s+of|sold\\s+for|bought\\s+for|"
    "fetched|award(?:ed)?|damages\\s+of|"
    "(?:cost(?:s|ing)?|owe[sd]?|sav(?:e|es|ed|ing))\\s+(?:the\\s+)?[a-z]+)"
    "(?:\\s+(?:of|was|were|is|are|at|to|by|for|about|around|nearly|almost|some|an?))?\\s*$";

/* Cues strong enough for an amount without a magnitude ("valued at 800,000"). */
static const char strong_cue_pattern[] =
    "\\G\\b(?:worth|valued\\s+at|value\\s+of|priced\\s+at|price\\s+of|costs?|costing|"
    "cost\\s+of|paid|pays?|paying|sold\\s+for|bought\\s+for|fetched|fined|fine\\s+of|"
    "salary\\s+of|compensation\\s+of|damages\\s+of|net\\s+(?:profit|income|loss)|"
    "net|shr|revs|(?:pre-tax\\s+|operating\\s+)?(?:profit|loss))"
    "(?:\\s+(?:of|was|were|is|are|at|about|around|nearly|almost|some))?\\s*$";

/* Every word a match of cue_pattern or strong_cue_pattern can start with
 * (the word after the \b; "pre-tax" is found by its "profits").  No match
 * reaches back more than eight words from its end ("profits came in at
 * came in at of"), and only white space separates them, so a window none of
 * whose last words is here cannot match (see cue_starts). */
static const char *const cue_words[] = {
    "worth",        "valued",   "value",      "valuing",     "priced",  "price",    "cost",
    "costs",        "costing",  "paid",       "pay",         "pays",    "paying",   "raise",
    "raised",       "raising",  "spent",      "spend",       "spends",  "spending", "invest",
    "invests",      "invested", "investing",  "investment",  "budget",  "funding",  "fine",
    "fined",        "bid",      "offer",      "loan",        "grant",   "debt",     "debts",
    "profit",       "profits",  "revenue",    "revenues",    "sales",   "turnover", "income",
    "earnings",     "losses",   "loss",       "revs",        "net",     "pre",      "operating",
    "salary",       "bonus",    "dividend",   "shr",         "earned",  "earn",     "earns",
    "owe",          "owed",     "owes",       "borrowed",    "lent",    "fee",      "fees",
    "charge",       "charges",  "commission", "commissions", "payment", "payments", "payout",
    "payouts",      "bill",     "bills",      "sum",         "sums",    "prize",    "repaid",
    "compensation", "deficit",  "surplus",    "sold",        "bought",  "fetched",  "award",
    "awarded",      "damages",  "save",       "saves",       "saved",   "saving",
};

/* ---- state ----------------------------------------------------------- */

static fl_status lazy_re_new(lazy_re **out, const char *pattern, fl_error *err)
{
    lazy_re *l = fl_calloc(1, sizeof *l);
    if (!l)
        return FL_ENOMEM;
    fl_status rc = fl_re_compile(&l->interp, pattern, FL_RE_CASELESS | FL_RE_NO_JIT, err);
    if (rc != FL_OK) {
        fl_free(l);
        return rc;
    }
    l->pattern = pattern;
    atomic_init(&l->jit, NULL);
    atomic_init(&l->uses, 0);
    *out = l;
    return FL_OK;
}

static void lazy_re_free(lazy_re *l)
{
    if (!l)
        return;
    fl_re_free(l->interp);
    fl_re_free(atomic_load(&l->jit));
    fl_free(l);
}

/* The code to run l with: the JIT's once it is published, else the
 * interpreter's (JIT-compiled here at the LAZY_JIT_AFTER-th use; when that
 * fails, the interpreter's stays). */
static const fl_re *lazy_re_get(lazy_re *l)
{
    const fl_re *jit = atomic_load_explicit(&l->jit, memory_order_acquire);
    if (jit)
        return jit;
    if (atomic_fetch_add_explicit(&l->uses, 1, memory_order_relaxed) + 1 == LAZY_JIT_AFTER) {
        fl_re *re = NULL;
        fl_error e;
        fl_error_clear(&e);
        if (fl_re_compile(&re, l->pattern, FL_RE_CASELESS, &e) == FL_OK) {
            atomic_store_explicit(&l->jit, re, memory_order_release);
            return re;
        }
    }
    return l->interp;
}

fl_status fl_number_init(fl_number_state **out, const char *datadir, fl_error *err)
{
    (void)datadir;
    fl_number_state *st = fl_calloc(1, sizeof *st);
    if (!st)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    int bad = 0;
#define N_OF(arr) (sizeof(arr) / sizeof((arr)[0]))
    for (size_t i = 0; i < N_OF(stop_words); i++)
        bad |= vocab_add(st, stop_words[i], V_STOP, 0, NULL);
    for (size_t i = 0; i < N_OF(number_words); i++)
        for (const number_word *g = number_words[i]; g && g->w; g++)
            bad |= vocab_add(st, g->w, V_ANCHOR, g->v, NULL);
    index_quals(st);
    bad |= vocab_add(st, "a", V_ANCHOR, 0, NULL);
    bad |= vocab_add(st, "an", V_ANCHOR, 0, NULL);
    bad |= vocab_add(st, "half", V_ANCHOR, 0, NULL);
    bad |= vocab_add(st, "several", V_ANCHOR, 0, NULL);
    for (size_t i = 0; i < N_OF(irregular_plurals); i++)
        bad |= vocab_add(st, irregular_plurals[i], V_IRREG, 0, NULL);
    for (size_t i = 0; i < N_OF(not_plurals); i++)
        bad |= vocab_add(st, not_plurals[i], V_NOTPL, 0, NULL);
    for (size_t i = 0; i < N_OF(units); i++)
        bad |= vocab_add(st, units[i].w, V_UNIT | (units[i].attached ? V_UNIT_ATT : 0), 0,
                         units[i].canon);
    for (size_t i = 0; i < N_OF(durations); i++)
        bad |= vocab_add(st, durations[i].w, V_DUR, 0, durations[i].canon);
    for (size_t i = 0; i < N_OF(money_nouns); i++)
        bad |= vocab_add(st, money_nouns[i], V_MONEYN, 0, NULL);
    for (size_t i = 0; i < N_OF(label_words); i++)
        bad |= vocab_add(st, label_words[i], V_LABEL, 0, NULL);
    for (size_t i = 0; i < N_OF(determiners); i++)
        bad |= vocab_add(st, determiners[i], V_DET, 0, NULL);
    for (size_t i = 0; i < N_OF(abstract_nouns); i++)
        bad |= vocab_add(st, abstract_nouns[i], V_ABSTRACT, 0, NULL);
    for (size_t i = 0; i < N_OF(age_decades); i++)
        bad |= vocab_add(st, age_decades[i].w, V_AGEDEC | V_ANCHOR, age_decades[i].v, NULL);
    for (size_t i = 0; i < N_OF(vague_words); i++)
        bad |= vocab_add(st, vague_words[i].w, V_VAGUE | V_ANCHOR, vague_words[i].v, NULL);
    for (size_t i = 0; i < N_OF(not_hyphen_nouns); i++)
        bad |= vocab_add(st, not_hyphen_nouns[i], V_NOTADJ, 0, NULL);
    for (size_t i = 0; i < N_OF(change_words); i++)
        bad |= vocab_add(st, change_words[i], V_CHANGE, 0, NULL);
    for (size_t i = 0; i < N_OF(cue_words); i++) {
        const char *w = cue_words[i];
        size_t n = strlen(w);
        if (n >= 16 || !is_alpha(UC(w, 0)) || !is_alpha(UC(w, n - 1)))
            bad = -1; /* cue_len could not hold it */
        else
            st->cue_len[lower(UC(w, 0)) - 'a'][lower(UC(w, n - 1)) - 'a'] |= (uint16_t)(1u << n);
        bad |= vocab_add(st, w, V_CUE, 0, NULL);
    }
    /* A currency phrase that matches at a word matches its letters up to a
     * byte that is not a letter (a space, "." in "u.s.", "-" in "d-marks",
     * or the end), so the word's leading letters are one of these; each
     * entry lists the phrases that start with it. */
    const char *ph;
    for (size_t i = 0; (ph = fl_currency_phrase(i)) != NULL; i++) {
        size_t n = 0;
        while (n + 1 < sizeof st->ents[0].w && is_alpha(UC(ph, n)))
            n++;
        char w[sizeof st->ents[0].w];
        memcpy(w, ph, n);
        w[n] = '\0';
        vocab *v;
        if (n == 0 || is_alpha(UC(ph, n)) || i > UINT8_MAX || vocab_add(st, w, V_CURW, 0, NULL) ||
            !(v = (vocab *)vocab_find(st, w, n)) || v->ncur == sizeof v->cur) {
            bad = -1;
            break;
        }
        v->cur[v->ncur++] = (uint8_t)i;
    }
#undef N_OF
    if (!bad)
        bad = index_anchors(st);
    if (bad) {
        fl_free(st);
        return fl_error_set(err, FL_EINTERNAL, "number vocabulary does not fit its table");
    }
    fl_error rerr;
    fl_error_clear(&rerr);
    fl_status rc = lazy_re_new(&st->cue, cue_pattern, &rerr);
    if (rc == FL_OK)
        rc = lazy_re_new(&st->strong_cue, strong_cue_pattern, &rerr);
    if (rc != FL_OK) {
        fl_number_free(st);
        if (rc == FL_ENOMEM)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        return fl_error_set(err, FL_EINTERNAL, "cannot compile the money-context pattern: %s",
                            rerr.message);
    }
    *out = st;
    return FL_OK;
}

void fl_number_free(fl_number_state *s)
{
    if (!s)
        return;
    lazy_re_free(s->cue);
    lazy_re_free(s->strong_cue);
    fl_free(s);
}

/* ---- the extractor ---------------------------------------------------- */

#define BARE (-1)

typedef struct scan {
    const fl_number_state *st;
    fl_re_thread *t;
    const char *s;
    size_t len;
    fl_facts *out;
    fl_error *err;
    size_t floor;    /* no fact or look-back reaches before this */
    long last_money; /* index in out of the last money fact, -1 */
    size_t last_money_end;
    const char *last_currency; /* its currency (NULL when it had none) */
    fl_status status;          /* set when try_at fails */
    const uint64_t *letter;    /* the letter mask of s (bytemask.h) */
} scan;

typedef struct amt {
    size_t start, end; /* the span: currency prefix or sign .. last word */
    size_t num_start;  /* the number itself */
    size_t qual_start; /* the qualifier before it (== start when none) */
    size_t after;      /* end of a qualifier after it (== end when none) */
    int kind;          /* fl_fact_kind or BARE */
    double value, value_max, divisor;
    const char *currency, *cur_src, *unit, *qualifier;
    size_t noun_off, noun_len; /* a counted noun taken from the text */
    bool neg, prefix_cur, year_like, measure, age, qual_dur_ok;
    bool pluralise; /* the noun was written singular ("96-turbine") */
    fl_number num;  /* last: parse_one leaves it to fl_number_parse to clear */
} amt;

static size_t skip_sp(const char *s, size_t len, size_t p)
{
    if (p < len && s[p] == ' ')
        return p + 1;
    if (p + 1 < len && UC(s, p) == 0xC2 && UC(s, p + 1) == 0xA0)
        return p + 2;
    return p;
}

static size_t back_sp(const char *s, size_t floor, size_t p)
{
    if (p > floor && (s[p - 1] == ' ' || s[p - 1] == '\n'))
        return p - 1;
    if (p >= floor + 2 && UC(s, p - 2) == 0xC2 && UC(s, p - 1) == 0xA0)
        return p - 2;
    return p;
}

/* End of the word at p: letters with inner hyphens, or an abbreviation
 * written with points ("U.S."). */
static size_t word_end(const char *s, size_t len, size_t p)
{
    if (p >= len || !is_alpha(UC(s, p)))
        return p;
    size_t q = p;
    int dots = 0;
    while (q + 1 < len && is_alpha(UC(s, q)) && s[q + 1] == '.' &&
           (q + 2 >= len || !is_alpha(UC(s, q + 2)) || q + 3 >= len || !is_alpha(UC(s, q + 3)))) {
        q += 2;
        dots++;
    }
    if (dots >= 2)
        return q;
    q = p;
    while (q < len &&
           (is_alpha(UC(s, q)) || (s[q] == '-' && q + 1 < len && is_alpha(UC(s, q + 1)) && q > p)))
        q++;
    return q;
}

/* word_end(s, len, p) knowing ae = alpha_end(s, len, p): the letters go
 * on only past a hyphen, or past the point after a single letter ("U.S.") */
static size_t word_end_from(const char *s, size_t len, size_t p, size_t ae)
{
    if (ae < len && (s[ae] == '-' || (s[ae] == '.' && ae - p == 1)))
        return word_end(s, len, p);
    return ae;
}

/* The word that ends one space before p: [*ws, *we).  false when none. */
static bool prev_word(const char *s, size_t floor, size_t p, size_t *ws, size_t *we)
{
    size_t e = back_sp(s, floor, p);
    if (e == p || e == floor)
        return false;
    size_t b = e;
    while (b > floor && (is_alpha(UC(s, b - 1)) || s[b - 1] == '.' || s[b - 1] == '-'))
        b--;
    while (b < e && !is_alpha(UC(s, b)))
        b++;
    if (b == e)
        return false;
    *ws = b;
    *we = e;
    return true;
}

/* The lowercase phrase ph ends exactly at e, starts at a word boundary at
 * or after floor; a space in ph matches a space or a line break. */
static bool phrase_before_n(const char *s, size_t floor, size_t e, const char *ph, size_t n,
                            size_t *start)
{
    if (e < floor + n)
        return false;
    size_t b = e - n;
    for (size_t i = 0; i < n; i++) {
        int c = UC(s, b + i);
        if (ph[i] == ' ' ? !(c == ' ' || c == '\n') : lower(c) != ph[i])
            return false;
    }
    if (b > 0 && is_alpha(UC(s, b - 1)) && is_alpha((unsigned char)ph[0]))
        return false;
    *start = b;
    return true;
}

/* The lowercase phrase ph at p, ending at a word boundary: its end, or 0. */
static size_t phrase_at_n(const char *s, size_t len, size_t p, const char *ph, size_t n)
{
    if (p + n > len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int c = UC(s, p + i);
        if (ph[i] == ' ' ? !(c == ' ' || c == '\n') : lower(c) != ph[i])
            return 0;
    }
    if (p + n < len && is_alnum(UC(s, p + n)) && is_alnum((unsigned char)ph[n - 1]))
        return 0;
    return p + n;
}

static bool phrase_before(const char *s, size_t floor, size_t e, const char *ph, size_t *start)
{
    return phrase_before_n(s, floor, e, ph, strlen(ph), start);
}

static size_t phrase_at(const char *s, size_t len, size_t p, const char *ph)
{
    return phrase_at_n(s, len, p, ph, strlen(ph));
}

static bool vocab_has(const scan *sc, size_t a, size_t b, uint32_t flags)
{
    const vocab *v = vocab_find(sc->st, sc->s + a, b - a);
    return v && (v->flags & flags);
}

static bool is_year_like(const fl_number *n)
{
    return !(n->flags & (FL_NUM_WORDS | FL_NUM_COMMA | FL_NUM_DECIMAL)) && n->magnitude == 1 &&
           n->int_digits == 4 && n->value >= 1800 && n->value <= 2100;
}

/* raw * mag, snapped to an integer when it is one to within rounding */
static double times(double raw, double mag)
{
    double v = raw * mag;
    double r = round(v);
    return fabs(v - r) <= 1e-9 * fabs(v) ? r : v;
}

/* "in their", "in his early", "in her mid-", "in their late" before p:
 * the offsets of the age range within the decade. */
static bool age_context(const char *s, size_t floor, size_t p, double *lo, double *hi)
{
    size_t b = p, st;
    *lo = 0;
    *hi = 9;
    if (phrase_before(s, floor, b, "mid-", &st)) {
        b = st;
        *lo = 4;
        *hi = 6;
    } else {
        size_t e = back_sp(s, floor, b);
        if (e < b) {
            if (phrase_before(s, floor, e, "early", &st))
                b = st, *lo = 0, *hi = 3;
            else if (phrase_before(s, floor, e, "mid", &st))
                b = st, *lo = 4, *hi = 6;
            else if (phrase_before(s, floor, e, "late", &st))
                b = st, *lo = 7, *hi = 9;
        }
    }
    static const char *const poss[] = {"their", "his", "her", "my", "your", "our", "its"};
    size_t e = back_sp(s, floor, b);
    if (e == b)
        return false;
    for (size_t i = 0; i < sizeof poss / sizeof poss[0]; i++)
        if (phrase_before(s, floor, e, poss[i], &st)) {
            size_t e2 = back_sp(s, floor, st);
            return e2 < st && phrase_before(s, floor, e2, "in", &st);
        }
    return false;
}

/* "aged 45", "aged between 18 and 24", "ages 18 to 24" */
static bool aged_before(const scan *sc, const amt *A)
{
    /* the word before ends one space before the amount with "aged",
     * "ages" or "between": a cheap test of its last letters for most */
    size_t e = back_sp(sc->s, sc->floor, A->start);
    if (e == A->start || e < sc->floor + 4)
        return false;
    const char *s = sc->s;
    int last = lower(UC(s, e - 1));
    if (last == 'd' || last == 's') {
        if (lower(UC(s, e - 2)) != 'e' || lower(UC(s, e - 3)) != 'g' || lower(UC(s, e - 4)) != 'a')
            return false;
    } else if (last != 'n' || lower(UC(s, e - 2)) != 'e' || lower(UC(s, e - 3)) != 'e' ||
               lower(UC(s, e - 4)) != 'w') {
        return false;
    }
    size_t ws, we;
    if (!prev_word(sc->s, sc->floor, A->start, &ws, &we))
        return false;
    if (word_eq(sc->s + ws, we - ws, "between") && !prev_word(sc->s, sc->floor, ws, &ws, &we))
        return false;
    return word_eq(sc->s + ws, we - ws, "aged") || word_eq(sc->s + ws, we - ws, "ages");
}

static void set_money(amt *A, const char *iso, const char *src)
{
    A->kind = FL_FACT_MONEY;
    A->currency = iso;
    A->cur_src = iso ? src : NULL;
}

/* "square metres", "sq ft", "cubic metres": the unit, or NULL */
static const char *area_unit(const scan *sc, size_t p, size_t we, size_t *end)
{
    const char *s = sc->s;
    int c0 = lower(UC(s, p));
    if (c0 != 's' && c0 != 'c')
        return NULL;
    bool sq = word_eq(s + p, we - p, "square") || word_eq(s + p, we - p, "sq");
    bool cu = word_eq(s + p, we - p, "cubic");
    if (!sq && !cu)
        return NULL;
    size_t q = skip_sp(s, sc->len, we);
    if (q == we)
        return NULL;
    size_t e = word_end(s, sc->len, q);
    const char *w = s + q;
    size_t n = e - q;
    *end = e;
    if (word_eq(w, n, "m") || word_eq(w, n, "metres") || word_eq(w, n, "meters") ||
        word_eq(w, n, "metre"))
        return sq ? "square metres" : "cubic metres";
    if (word_eq(w, n, "ft") || word_eq(w, n, "feet") || word_eq(w, n, "foot"))
        return sq ? "square feet" : "cubic feet";
    if (sq && (word_eq(w, n, "miles") || word_eq(w, n, "mile")))
        return "square miles";
    if (sq && (word_eq(w, n, "km") || word_eq(w, n, "kilometres") || word_eq(w, n, "kilometers")))
        return "square kilometres";
    return NULL;
}

/* The counted noun after a number ("100,000 luxury vehicles"): the head is
 * the first plural in a run of up to five words that ends at a function
 * word or punctuation (singular: the last lowercase word of the run).
 * When the caller has read the first word, we0 is its end (word_end) and v0
 * its vocabulary entry; else we0 is 0. */
static bool counted_noun(const scan *sc, amt *A, size_t p, bool singular, size_t we0,
                         const vocab *v0)
{
    const char *s = sc->s;
    size_t len = sc->len;
    size_t hs = 0, he = 0, prev_s = 0, prev_e = 0;
    const vocab *hv = NULL;
    bool found = false;
    for (int k = 0; k < 5; k++) {
        if (k > 0) {
            size_t q = skip_sp(s, len, p);
            if (q == p)
                break;
            p = q;
        }
        bool known = k == 0 && we0 > p;
        size_t we = known ? we0 : word_end(s, len, p);
        if (we == p)
            break;
        const vocab *v = known ? v0 : vocab_find(sc->st, s + p, we - p);
        if (v && (v->flags & V_STOP))
            break;
        size_t ae;
        const char *area = area_unit(sc, p, we, &ae);
        if (area) {
            A->unit = area;
            A->measure = true;
            A->kind = FL_FACT_QUANTITY;
            A->end = ae;
            return true;
        }
        bool cap = is_upper(UC(s, p));
        bool unit = v && (v->flags & V_UNIT);
        if (!singular) {
            bool plural = unit || (v && (v->flags & V_IRREG));
            if (!plural && !(v && (v->flags & V_NOTPL)) && we - p >= 3 &&
                lower(UC(s, we - 1)) == 's') {
                int c2 = lower(UC(s, we - 2));
                plural = c2 != 's' && c2 != 'u' && c2 != 'i' && c2 != '\'' &&
                         !(c2 == 'c' && lower(UC(s, we - 3)) == 'i');
            }
            if (plural && (!cap || unit)) {
                hs = p, he = we, hv = v, found = true;
                break;
            }
        } else {
            if (unit) {
                hs = p, he = we, hv = v, found = true;
                break;
            }
            if (!cap)
                hs = p, he = we, hv = v, found = true;
        }
        prev_s = p;
        prev_e = we;
        p = we;
        if (p < len && s[p] != ' ' && UC(s, p) != 0xC2)
            break;
    }
    if (!found)
        return false;
    A->kind = FL_FACT_QUANTITY;
    A->end = he;
    if (hv && (hv->flags & V_UNIT)) {
        A->unit = hv->canon;
        A->measure = true;
    } else if (prev_e > prev_s && word_eq(s + prev_s, prev_e - prev_s, "basis") &&
               word_eq(s + hs, he - hs, "points")) {
        A->unit = "basis points";
    } else {
        A->noun_off = hs;
        A->noun_len = he - hs;
    }
    return true;
}

/* What follows the number decides its kind. false rejects the number. */
static bool tail(const scan *sc, amt *A)
{
    const char *s = sc->s;
    size_t len = sc->len;
    size_t q = A->num.end;
    A->end = q;
    int c = q < len ? UC(s, q) : 0;
    fl_currency_word cw;
    size_t cn;
    if (c == '%') {
        A->kind = FL_FACT_PERCENT;
        A->end = q + 1;
        return !A->prefix_cur;
    }
    if (is_alpha(c)) {
        size_t e = alpha_end_m(sc->letter, s, len, q);
        const char *w = s + q;
        size_t n = e - q;
        if ((e < len && is_digit(UC(s, e))) || A->prefix_cur)
            return false;
        bool plain = A->num.magnitude == 1 && !(A->num.flags & FL_NUM_WORDS);
        if (plain && word_eq(w, n, "p")) {
            set_money(A, "GBP", "symbol");
            A->divisor = 100;
            A->end = e;
            return true;
        }
        if (word_eq(w, n, "pc")) {
            A->kind = FL_FACT_PERCENT;
            A->end = e;
            return true;
        }
        if (plain && word_eq(w, n, "s")) {
            double v = A->num.value, lo, hi;
            if (A->num.int_digits == 2 && !(A->num.flags & FL_NUM_DECIMAL) && v >= 10 &&
                fmod(v, 10) == 0 && age_context(s, sc->floor, A->start, &lo, &hi)) {
                A->kind = FL_FACT_DURATION;
                A->unit = "age";
                A->age = true;
                A->value = v + lo;
                A->value_max = v + hi;
                A->end = e;
                return true;
            }
            return false;
        }
        const vocab *v = vocab_find(sc->st, w, n);
        if (plain && v && (v->flags & V_UNIT_ATT)) {
            A->kind = FL_FACT_QUANTITY;
            A->unit = v->canon;
            A->measure = true;
            A->end = e;
            return true;
        }
        return false;
    }
    if (c == '-' && q + 1 < len && is_alpha(UC(s, q + 1))) {
        size_t e = alpha_end_m(sc->letter, s, len, q + 1);
        const char *w = s + q + 1;
        size_t n = e - q - 1;
        if (A->prefix_cur)
            return true;
        if ((word_eq(w, n, "year") || word_eq(w, n, "years")) && phrase_at(s, len, e, "-old")) {
            A->kind = FL_FACT_DURATION;
            A->unit = "age";
            A->age = true;
            A->end = e + 4;
            return true;
        }
        cn = fl_currency_word_at(w, len - q - 1, &cw);
        if (cn == n && cw.iso && cw.divisor == 1) {
            set_money(A, cw.iso, "word");
            A->end = e;
            return true;
        }
        const vocab *v = vocab_find(sc->st, w, n);
        if (v && (v->flags & V_DUR)) {
            A->kind = FL_FACT_DURATION;
            A->unit = v->canon;
            A->end = e;
        } else if (v && (v->flags & V_UNIT) && !(v->flags & V_UNIT_ATT)) {
            A->kind = FL_FACT_QUANTITY;
            A->unit = v->canon;
            A->measure = true;
            A->end = e;
        } else if (!(A->num.flags & FL_NUM_WORDS) && A->num.magnitude == 1 && n >= 3 &&
                   is_lower_word(w, n) && !(v && (v->flags & (V_STOP | V_NOTADJ))) && e + 1 < len &&
                   s[e] == ' ' && is_alpha(UC(s, e + 1)) && !is_upper(UC(s, e + 1))) {
            /* "a 96-turbine wind farm": the unit is the noun made plural */
            A->kind = FL_FACT_QUANTITY;
            A->noun_off = q + 1;
            A->noun_len = n;
            A->pluralise = true;
            A->end = e;
        }
        return true;
    }
    if (A->prefix_cur)
        return true;
    size_t q2 = skip_sp(s, len, q);
    if (q2 == q || q2 >= len)
        return true;
    c = UC(s, q2);
    if (c == '%') {
        A->kind = FL_FACT_PERCENT;
        A->end = q2 + 1;
        return true;
    }
    if (c == '[') {
        cn = fl_currency_word_at(s + q2 + 1, len - q2 - 1, &cw);
        if (cn && q2 + 1 + cn < len && s[q2 + 1 + cn] == ']' && cw.iso) {
            set_money(A, cw.iso, "editorial");
            A->divisor = cw.divisor;
            A->end = q2 + 2 + cn;
        }
        return true;
    }
    if (!is_alpha(c))
        return true;
    size_t ae = alpha_end_m(sc->letter, s, len, q2), we = word_end_from(s, len, q2, ae), e2;
    const char *w = s + q2;
    size_t n = we - q2;
    if (lower(c) == 'p') { /* the percent words */
        if (word_eq(w, n, "per") && (e2 = phrase_at(s, len, we, " cent"))) {
            A->kind = FL_FACT_PERCENT;
            A->end = e2;
            return true;
        }
        if (word_eq(w, n, "percent") || word_eq(w, n, "pct") || word_eq(w, n, "per-cent")) {
            A->kind = FL_FACT_PERCENT;
            A->end = we;
            return true;
        }
        if (word_eq(w, n, "percentage") &&
            ((e2 = phrase_at(s, len, we, " points")) || (e2 = phrase_at(s, len, we, " point")))) {
            A->kind = FL_FACT_PERCENT;
            A->unit = "percentage points";
            A->end = e2;
            return true;
        }
    }
    /* the word's letters, looked up once: they give the currency phrases
     * that can match here (none for nearly every word), and the vocabulary
     * entry below when they are the whole word */
    const vocab *av = vocab_find(sc->st, w, ae - q2);
    cn = av && (av->flags & V_CURW) ? fl_currency_phrases_at(av->cur, av->ncur, w, len - q2, &cw)
                                    : 0;
    if (cn && (!cw.needs_magnitude || A->num.magnitude > 1)) {
        set_money(A, cw.iso, "word");
        A->divisor = cw.divisor;
        A->end = q2 + cn;
        return true;
    }
    if (n == 3 && fl_currency_code(w, 3)) {
        set_money(A, fl_currency_code(w, 3), "code");
        A->end = we;
        return true;
    }
    const vocab *v = ae == we ? av : vocab_find(sc->st, w, n);
    if (v && (v->flags & V_DUR)) {
        A->kind = FL_FACT_DURATION;
        A->unit = v->canon;
        A->end = we;
        if (strcmp(v->canon, "years") == 0 && (e2 = phrase_at(s, len, we, " old"))) {
            A->unit = "age";
            A->age = true;
            A->end = e2;
        }
        return true;
    }
    if (v && (v->flags & V_MONEYN) && A->num.magnitude >= 1e6) {
        set_money(A, NULL, NULL);
        return true;
    }
    counted_noun(sc, A, q2, A->num.value == 1, we, v);
    return true;
}

/* Reads one amount whose number starts at pos; look-backs stop at floor. */
static bool parse_one(const scan *sc, size_t pos, size_t floor, amt *A)
{
    const char *s = sc->s;
    size_t len = sc->len;
    /* a bare amount, nothing read yet (fl_number_parse clears A->num) */
    static const amt blank = {.kind = BARE, .value_max = NAN, .divisor = 1};
    memcpy(A, &blank, offsetof(amt, num));
    A->num.end = 0; /* what try_at reads when there is none */
    const char *iso, *src;
    if (is_digit(UC(s, pos)) && pos > floor) {
        int p = UC(s, pos - 1);
        if (is_alpha(p)) {
            if (fl_currency_prefix_before(s, floor, pos, &iso, &src) == pos)
                return false;
        } else if ((p == '-' || p == '/' || p == ':' || p == '.' || p == ',') && pos >= floor + 2 &&
                   is_alnum(UC(s, pos - 2))) {
            return false;
        } else if (p == '#') {
            return false;
        }
    }
    if (!number_parse(s, len, pos, sc->letter, &A->num))
        return false;
    size_t q = A->num.end;
    if (q + 1 < len && (s[q] == ':' || s[q] == '/' || s[q] == '.' || s[q] == ',') &&
        is_digit(UC(s, q + 1)))
        return false;
    A->num_start = A->start = pos;
    A->value = A->num.value;
    A->year_like = is_year_like(&A->num);
    if (!(A->num.flags & FL_NUM_WORDS)) {
        size_t b = fl_currency_prefix_may_end(s, floor, pos)
                       ? fl_currency_prefix_before(s, floor, pos, &iso, &src)
                       : pos;
        size_t st;
        if (b < pos) {
            A->start = b;
            set_money(A, iso, src);
            A->prefix_cur = true;
        } else if (pos > floor && s[pos - 1] == '-' &&
                   (pos - 1 == floor || (!is_alnum(UC(s, pos - 2)) && s[pos - 2] != '-'))) {
            A->neg = true;
            A->start = pos - 1;
        } else if (pos >= floor + 3 && memcmp(s + pos - 3, "\xE2\x88\x92", 3) == 0) {
            A->neg = true;
            A->start = pos - 3;
        } else if (back_sp(s, floor, pos) < pos &&
                   phrase_before(s, floor, back_sp(s, floor, pos), "minus", &st)) {
            A->neg = true;
            A->start = st;
        }
    }
    if (!tail(sc, A))
        return false;
    /* (most amounts have no divisor: a division is some twenty cycles) */
    if (A->divisor != 1)
        A->value /= A->divisor;
    return true;
}

/* "3-4%", "£3m-£5m", "between $2bn and $3bn", "£3m to £5m": one fact with
 * value_max.  "from X to Y" and "rose X to Y" are changes, not ranges. */
static void try_range(const scan *sc, amt *A)
{
    const char *s = sc->s;
    size_t len = sc->len, q = A->end, b = 0, e, ws, we;
    int how = 0;
    if (A->neg || A->age || q >= len)
        return;
    /* every way of joining two ends starts with '-', a dash (0xE2) or a
     * space or line break before "t", "a" or a dash: most amounts have none */
    int c0 = UC(s, q);
    if (c0 == ' ' || c0 == '\n') {
        int c1 = q + 1 < len ? lower(UC(s, q + 1)) : 0;
        if (c1 != 't' && c1 != 'a' && c1 != 0xE2)
            return;
    } else if (c0 != '-' && c0 != 0xE2) {
        return;
    }
    if (q + 1 < len && s[q] == '-' && !is_alpha(UC(s, q + 1)))
        b = q + 1, how = 1;
    else if (q + 3 < len && memcmp(s + q, "\xE2\x80\x93", 3) == 0)
        b = q + 3, how = 1;
    else if (q + 5 < len && memcmp(s + q, " \xE2\x80\x93 ", 5) == 0)
        b = q + 5, how = 1;
    else if ((e = phrase_at(s, len, q, " to ")))
        b = e, how = 2;
    else if ((e = phrase_at(s, len, q, " and ")))
        b = e, how = 3;
    if (!how)
        return;
    bool has_prev = prev_word(s, sc->floor, A->start, &ws, &we);
    if (how == 3 && !(has_prev && word_eq(s + ws, we - ws, "between")))
        return;
    if (how == 2 && has_prev &&
        (vocab_has(sc, ws, we, V_CHANGE) ||
         (we - ws > 3 && lower(UC(s, we - 1)) == 'd' && lower(UC(s, we - 2)) == 'e')))
        return;
    size_t d = b;
    while (d < len && d < b + 8 && !is_digit(UC(s, d)) && !is_alpha(UC(s, d)) && s[d] != ' ')
        d++;
    if (d < len && is_alpha(UC(s, d)) && d < b + 5) {
        size_t d2 = d;
        while (d2 < len && d2 < b + 5 && (is_alpha(UC(s, d2)) || s[d2] == '$' || s[d2] == '.'))
            d2++;
        d2 = skip_sp(s, len, d2);
        if (d2 < len && is_digit(UC(s, d2)))
            d = d2;
    }
    if (d >= len)
        return;
    if (d > b) {
        const char *iso, *src;
        if (fl_currency_prefix_before(s, b, d, &iso, &src) != b)
            return;
    }
    amt B;
    if (!parse_one(sc, d, b, &B) || B.neg)
        return;
    if (A->kind == BARE && B.kind == BARE) {
        if (!aged_before(sc, A))
            return;
        A->kind = FL_FACT_DURATION;
        A->unit = "age";
        A->age = true;
    } else if (A->kind == BARE) {
        if (B.kind == FL_FACT_DURATION && B.age)
            return;
        A->kind = B.kind;
        A->currency = B.currency;
        A->cur_src = B.cur_src;
        A->unit = B.unit;
        A->noun_off = B.noun_off;
        A->noun_len = B.noun_len;
        A->measure = B.measure;
        if (A->num.magnitude == 1 && B.num.magnitude > 1 && A->num.raw < B.num.raw)
            A->value = times(A->num.raw, B.num.magnitude);
        A->value /= B.divisor;
    } else if (B.kind == BARE) {
        if (A->kind != FL_FACT_MONEY || B.num.magnitude < A->num.magnitude)
            return;
        if (A->num.magnitude == 1 && B.num.magnitude > 1 && A->num.raw < B.num.raw)
            A->value = times(A->num.raw, B.num.magnitude) / A->divisor;
    } else {
        /* both ends are complete amounts ("between £3m and £5m"): two facts */
        return;
    }
    if (!(B.value > A->value))
        return;
    A->value_max = B.value;
    A->end = B.end;
}

static const struct {
    const char *p;
    size_t n;
    const char *norm;
    bool dur_ok;
} quals_before[] = {
    {"almost", sizeof "almost" - 1, "almost", true},
    {"nearly", sizeof "nearly" - 1, "almost", true},
    {"close to", sizeof "close to" - 1, "almost", true},
    {"just under", sizeof "just under" - 1, "almost", true},
    {"just below", sizeof "just below" - 1, "almost", true},
    {"just shy of", sizeof "just shy of" - 1, "almost", true},
    {"not quite", sizeof "not quite" - 1, "almost", true},
    {"more than", sizeof "more than" - 1, "more than", true},
    {"over", sizeof "over" - 1, "more than", false},
    {"above", sizeof "above" - 1, "more than", false},
    {"in excess of", sizeof "in excess of" - 1, "more than", true},
    {"upwards of", sizeof "upwards of" - 1, "more than", true},
    {"exceeding", sizeof "exceeding" - 1, "more than", true},
    {"just over", sizeof "just over" - 1, "more than", true},
    {"just above", sizeof "just above" - 1, "more than", true},
    {"well over", sizeof "well over" - 1, "more than", true},
    {"well above", sizeof "well above" - 1, "more than", true},
    {"greater than", sizeof "greater than" - 1, "more than", true},
    {"at least", sizeof "at least" - 1, "at least", true},
    {"no less than", sizeof "no less than" - 1, "at least", true},
    {"no fewer than", sizeof "no fewer than" - 1, "at least", true},
    {"not less than", sizeof "not less than" - 1, "at least", true},
    {"a minimum of", sizeof "a minimum of" - 1, "at least", true},
    {"about", sizeof "about" - 1, "around", true},
    {"around", sizeof "around" - 1, "around", true},
    {"some", sizeof "some" - 1, "around", true},
    {"roughly", sizeof "roughly" - 1, "around", true},
    {"approximately", sizeof "approximately" - 1, "around", true},
    {"approx.", sizeof "approx." - 1, "around", true},
    {"an estimated", sizeof "an estimated" - 1, "around", true},
    {"estimated", sizeof "estimated" - 1, "around", true},
    {"circa", sizeof "circa" - 1, "around", true},
    {"in the region of", sizeof "in the region of" - 1, "around", true},
    {"something like", sizeof "something like" - 1, "around", true},
    {"up to", sizeof "up to" - 1, "up to", true},
    {"as much as", sizeof "as much as" - 1, "up to", true},
    {"as many as", sizeof "as many as" - 1, "up to", true},
    {"as high as", sizeof "as high as" - 1, "up to", true},
    {"at most", sizeof "at most" - 1, "up to", true},
    {"a maximum of", sizeof "a maximum of" - 1, "up to", true},
    {"no more than", sizeof "no more than" - 1, "up to", true},
    {"not more than", sizeof "not more than" - 1, "up to", true},
    {"less than", sizeof "less than" - 1, "less than", true},
    {"fewer than", sizeof "fewer than" - 1, "less than", true},
    {"under", sizeof "under" - 1, "less than", false},
    {"below", sizeof "below" - 1, "less than", false},
    {"lower than", sizeof "lower than" - 1, "less than", true},
};

static const struct {
    const char *p;
    size_t n;
    const char *norm;
} quals_after[] = {
    /* qualifiers() tests their first bytes first: keep it in step */
    {" and counting", sizeof " and counting" - 1, "and counting"},
    {" or more", sizeof " or more" - 1, "or more"},
    {" or higher", sizeof " or higher" - 1, "or more"},
    {" or above", sizeof " or above" - 1, "or more"},
    {" or so", sizeof " or so" - 1, "around"},
    {" plus", sizeof " plus" - 1, "or more"},
    {"-plus", sizeof "-plus" - 1, "or more"},
    {"+", sizeof "+" - 1, "or more"},
};

_Static_assert(sizeof quals_before / sizeof quals_before[0] <= 64, "qual_end holds 64 bits");

/* the index of a byte in qual_end; a space in a phrase also matches a line break */
#define QUAL_KEY(c) ((unsigned char)(c)&31u)

_Static_assert(sizeof quals_after / sizeof quals_after[0] <= 8, "qual_after holds 8 bits");

static void index_quals(fl_number_state *st)
{
    for (size_t i = 0; i < sizeof quals_after / sizeof quals_after[0]; i++) {
        const char *p = quals_after[i].p;
        st->qual_after[(unsigned char)(p[0] == ' ' ? p[1] : p[0])] |= (uint8_t)(1u << i);
    }
    for (size_t i = 0; i < sizeof quals_before / sizeof quals_before[0]; i++) {
        const char *p = quals_before[i].p;
        size_t n = quals_before[i].n;
        for (size_t k = 0; k < 3; k++) { /* a space also matches a line break */
            char c = p[n - 1 - k];
            st->qual_end[k][QUAL_KEY(c)] |= 1ull << i;
            if (c == ' ')
                st->qual_end[k][QUAL_KEY('\n')] |= 1ull << i;
        }
    }
}

/* (inlined: try_at calls it for nearly every amount) */
static inline __attribute__((always_inline)) void qualifiers(const scan *sc, amt *A)
{
    const char *s = sc->s;
    size_t e = back_sp(s, sc->floor, A->start), st, best = 0;
    A->qual_start = A->start;
    A->after = A->end;
    /* only the phrases that end with the three bytes before the amount
     * (every phrase is longer), in list order */
    uint64_t cands = e < A->start && e >= sc->floor + 3
                         ? sc->st->qual_end[0][QUAL_KEY(lower(UC(s, e - 1)))] &
                               sc->st->qual_end[1][QUAL_KEY(lower(UC(s, e - 2)))] &
                               sc->st->qual_end[2][QUAL_KEY(lower(UC(s, e - 3)))]
                         : 0;
    for (; cands; cands &= cands - 1) {
        size_t i = (size_t)__builtin_ctzll(cands), n = quals_before[i].n;
        /* its first letter first (every phrase starts with one) */
        if (e < sc->floor + n || lower(UC(s, e - n)) != quals_before[i].p[0])
            continue;
        if (phrase_before_n(s, sc->floor, e, quals_before[i].p, n, &st) && e - st > best) {
            best = e - st;
            A->qualifier = quals_before[i].norm;
            A->qual_dur_ok = quals_before[i].dur_ok;
            A->qual_start = st;
        }
    }
    /* the phrases after: only those whose first byte, or the one after
     * their space, is the amount's next (nearly every amount has none), in
     * list order */
    size_t p = A->end;
    int c0 = p < sc->len ? UC(s, p) : 0, c1 = p + 1 < sc->len ? lower(UC(s, p + 1)) : 0;
    unsigned after = sc->st->qual_after[c0 == ' ' || c0 == '\n' ? c1 : c0];
    for (; after; after &= after - 1) {
        size_t i = (size_t)__builtin_ctz(after);
        size_t x = phrase_at_n(s, sc->len, A->end, quals_after[i].p, quals_after[i].n);
        if (!x)
            continue;
        /* "plus VAT" adds, "£5m plus." qualifies */
        if (quals_after[i].p[0] == ' ' && strcmp(quals_after[i].p, " plus") == 0) {
            size_t y = skip_sp(s, sc->len, x);
            if (y < sc->len && (is_alnum(UC(s, y)) || UC(s, y) >= 0x80))
                continue;
        }
        if (!A->qualifier) {
            A->qualifier = quals_after[i].norm;
            A->qual_dur_ok = true;
        }
        A->after = x;
        break;
    }
}

static bool is_re_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_re_word(int c)
{
    return is_alnum(c) || c == '_';
}

/* false when no cue word has w[0..n)'s length and first and last letters
 * (cue_len): most words are not looked up */
static bool may_be_cue(const fl_number_state *st, const char *w, size_t n)
{
    return n < 16 && is_alpha(UC(w, 0)) && is_alpha(UC(w, n - 1)) &&
           (st->cue_len[lower(UC(w, 0)) - 'a'][lower(UC(w, n - 1)) - 'a'] >> n & 1);
}

/* Where a match of the money-context patterns in [w0, e) can start, nearest
 * first, in starts[0..10): the count, or -1 when the window holds a byte >=
 * 0x80 where it matters (see below).
 *
 * A match ends at e (white space may follow it) and is made of words and
 * white space only, starting with a cue word at most eight words back; its
 * first word is one of cue_words, written out whole (each is followed by
 * white space or the end in the patterns; "pre-tax profits" also matches
 * from "profits", as "net income" does from "income").  So only the cue
 * words among the last ten words, back to the first byte that is neither
 * white space nor part of a word, can start one: looking them up costs a few
 * dozen instructions where a search of the window with PCRE2 costs
 * thousands.  The patterns are compiled for UTF with Unicode properties: a
 * byte >= 0x80 could be white space, part of a word or a caseless form of a
 * letter ("\u017F" matches "s"), so any met on the way sends the window to
 * every_start. */
static int cue_starts(const scan *sc, size_t w0, size_t e, size_t starts[10])
{
    const char *s = sc->s;
    size_t p = e;
    int n = 0;
    for (int words = 0; words < 10; words++) {
        while (p > w0 && is_re_space(UC(s, p - 1)))
            p--;
        size_t we = p;
        while (p > w0 && is_re_word(UC(s, p - 1)))
            p--;
        if (p == we)
            return p > w0 && UC(s, p - 1) >= 0x80 ? -1 : n;
        const vocab *v =
            may_be_cue(sc->st, s + p, we - p) ? vocab_find(sc->st, s + p, we - p) : NULL;
        if (v && (v->flags & V_CUE))
            starts[n++] = p;
        if (p == w0)
            return n;
        int c = UC(s, p - 1);
        if (c >= 0x80)
            return -1;
        if (!is_re_space(c))
            return n;
    }
    return n;
}

/* Whether a match can start at p of s[0..e) when the window holds bytes >=
 * 0x80: a letter (or the two bytes of "\u017F", a caseless "s") after no
 * ASCII word character (\b; the pattern tests the rest). */
static bool every_start(const char *s, size_t e, size_t p)
{
    if (p > 0 && is_re_word(UC(s, p - 1)))
        return false;
    return is_alpha(UC(s, p)) || (UC(s, p) == 0xC5 && p + 1 < e && UC(s, p + 1) == 0xBF);
}

/* "40m", "3 billion": a magnitude a bare amount of money is written with */
static bool has_money_mag(const amt *A)
{
    return A->num.magnitude >= 1e6 || (A->num.magnitude >= 1e3 && (A->num.flags & FL_NUM_ATTACHED));
}

/* Whether the money-context patterns are tried before a bare amount. */
static bool money_context_tried(const amt *A)
{
    /* "a 1,500m place" is a distance: millions are not written with commas */
    bool metres = (A->num.flags & FL_NUM_ATTACHED) && (A->num.flags & FL_NUM_COMMA);
    bool digits = !(A->num.flags & FL_NUM_WORDS);
    return digits && !metres && (has_money_mag(A) || A->num.value >= 1000);
}

/* Whether classify_bare can make anything of a bare amount that aged_before
 * did not take (it reads neither the amount's qualifiers nor its kind). */
static bool bare_has_chance(const scan *sc, const amt *A)
{
    return !A->year_like && (money_context_tried(A) || (sc->last_currency && sc->last_money >= 0));
}

/* A bare amount is money when its context says so ("worth 40m"), or when it
 * follows a stated currency in the same clause ("$30m and 40m").  aged: what
 * aged_before said of it. */
static int classify_bare(scan *sc, amt *A, bool aged)
{
    const char *s = sc->s;
    if (aged) {
        A->kind = FL_FACT_DURATION;
        A->unit = "age";
        A->age = true;
        return 1;
    }
    if (A->year_like)
        return 0;
    bool money_mag = has_money_mag(A);
    if (money_context_tried(A)) {
        size_t e = A->qual_start;
        size_t w0 = e > sc->floor + 64 ? e - 64 : sc->floor;
        while (w0 < e && (UC(s, w0) & 0xC0) == 0x80)
            w0++;
        /* (lazy_re_get at each match, which it counts) */
        lazy_re *re = money_mag ? sc->st->cue : sc->st->strong_cue;
        fl_re_match m;
        size_t starts[10];
        int nc = cue_starts(sc, w0, e, starts), r = 0;
        if (nc >= 0) {
            for (int k = 0; k < nc && r == 0; k++)
                r = fl_re_exec(lazy_re_get(re), sc->t, s, e, starts[k], &m, sc->err);
        } else {
            for (size_t p = w0; p < e && r == 0; p++)
                if (every_start(s, e, p))
                    r = fl_re_exec(lazy_re_get(re), sc->t, s, e, p, &m, sc->err);
        }
        if (r < 0) {
            sc->status = sc->err ? sc->err->code : FL_EINTERNAL;
            return -1;
        }
        if (r == 1) {
            set_money(A, NULL, NULL);
            return 1;
        }
    }
    if (!sc->last_currency || sc->last_money < 0 || sc->last_money_end > A->qual_start ||
        A->qual_start - sc->last_money_end > 48)
        return 0;
    size_t g0 = sc->last_money_end, g1 = A->qual_start;
    int words = 0;
    bool vs = false;
    for (size_t i = g0; i < g1; i++) {
        int c = UC(s, i);
        if (is_alpha(c) && (i == g0 || !is_alpha(UC(s, i - 1)))) {
            words++;
            size_t we = alpha_end(s, g1, i);
            if (word_eq(s + i, we - i, "vs") || word_eq(s + i, we - i, "versus") ||
                word_eq(s + i, we - i, "against"))
                vs = true;
            if (we < g1 && s[we] == '.' && word_eq(s + i, we - i, "vs"))
                i = we;
            continue;
        }
        if (c == '.' || c == ';' || c == '!' || c == '?' || c == '\n' || c == '(' || c == ')' ||
            c == ':' || is_digit(c))
            return 0;
    }
    if (words > 5 || !(money_mag || (vs && words == 1)))
        return 0;
    set_money(A, sc->last_currency, "inferred");
    return 1;
}

/* Quantities and durations that are really labels, names or dates. */
static bool acceptable(const scan *sc, const amt *A)
{
    const char *s = sc->s;
    if (A->kind == FL_FACT_DURATION && A->qualifier && !A->qual_dur_ok)
        return true; /* the qualifier is dropped by the caller */
    if (A->kind != FL_FACT_QUANTITY && !(A->kind == FL_FACT_DURATION && !A->age))
        return true;
    if (A->year_like && !A->measure)
        return false;
    size_t ws, we;
    bool has_prev = prev_word(s, sc->floor, A->num_start, &ws, &we);
    const vocab *pv = has_prev ? vocab_find(sc->st, s + ws, we - ws) : NULL;
    if (has_prev && A->qual_start == A->start) {
        if (pv && (pv->flags & V_LABEL))
            return false;
        if (is_upper(UC(s, ws)) && !(pv && (pv->flags & V_STOP)))
            return false;
    }
    bool one_word =
        (A->num.flags & FL_NUM_WORDS) && A->num.value == 1 && !(A->num.flags & FL_NUM_ARTICLE);
    if (!one_word || A->measure)
        return true;
    if (A->kind == FL_FACT_DURATION)
        return strcmp(A->unit, "days") != 0;
    if (pv && (pv->flags & V_DET))
        return false;
    if (A->noun_len && vocab_has(sc, A->noun_off, A->noun_off + A->noun_len, V_ABSTRACT))
        return false;
    size_t q = A->end;
    if (q >= sc->len)
        return true;
    int c = UC(s, q);
    if (c == '.' || c == ';' || c == ':' || c == ')')
        return true;
    size_t q2 = skip_sp(s, sc->len, q);
    size_t e = alpha_end_m(sc->letter, s, sc->len, q2);
    static const char *const ok_next[] = {"in",   "at", "and", "on",  "near", "was",
                                          "were", "is", "has", "had", "for"};
    for (size_t i = 0; i < sizeof ok_next / sizeof ok_next[0]; i++)
        if (q2 > q && word_eq_str(s + q2, e - q2, ok_next[i]))
            return true;
    return false;
}

/* Makes the lowercase noun buf[0..n) plural in place (buf has room for two
 * more bytes): "turbine" -> "turbines", "storey" -> "storeys", "company" ->
 * "companies", "bus" -> "buses".  Returns the new length. */
static size_t pluralise(char *buf, size_t n)
{
    char last = buf[n - 1], prev = n > 1 ? buf[n - 2] : 0;
    bool vowel = prev == 'a' || prev == 'e' || prev == 'i' || prev == 'o' || prev == 'u';
    if (last == 'y' && !vowel) {
        memcpy(buf + n - 1, "ies", 3);
        return n + 2;
    }
    if (last == 's' || last == 'x' || last == 'z' ||
        (last == 'h' && (prev == 'c' || prev == 's'))) {
        memcpy(buf + n, "es", 2);
        return n + 2;
    }
    buf[n] = 's';
    return n + 1;
}

static int emit(scan *sc, amt *A)
{
    fl_facts *out = sc->out;
    size_t idx = out->n;
    if (A->kind == FL_FACT_DURATION && A->qualifier && !A->qual_dur_ok) {
        A->qualifier = NULL;
        A->qual_start = A->start;
    }
    const char *text = fl_facts_str(out, sc->s + A->start, A->end - A->start);
    const char *unit = A->unit;
    if (!unit && A->noun_len) {
        char buf[64];
        size_t n = A->noun_len < sizeof buf ? A->noun_len : sizeof buf - 1;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)lower(UC(sc->s, A->noun_off + i));
        if (A->pluralise && n + 2 < sizeof buf)
            n = pluralise(buf, n);
        unit = fl_facts_str(out, buf, n);
    }
    if (!text || (A->noun_len && !unit))
        return -1;
    fl_fact *f = fl_facts_add(out, (fl_fact_kind)A->kind, A->start, A->end - A->start);
    if (!f)
        return -1;
    f->text = text;
    f->value = A->neg ? -A->value : A->value;
    f->value_max = A->value_max;
    f->unit = unit;
    f->qualifier = A->qualifier;
    if (A->kind != FL_FACT_MONEY)
        return 0;
    f->currency = A->currency;
    f->currency_source = A->cur_src;
    /* a side-by-side conversion: "$1.13bn (£600m)" */
    if (sc->last_money >= 0 && A->currency && sc->last_currency &&
        sc->last_currency != A->currency && strcmp(sc->last_currency, A->currency) != 0 &&
        sc->last_money_end <= A->qual_start) {
        const char *s = sc->s;
        size_t g = sc->last_money_end;
        while (g < A->qual_start && s[g] == ' ')
            g++;
        int open = g < A->qual_start ? s[g] : 0;
        if (open == '(' || open == '[' || open == '/') {
            g++;
            while (g < A->qual_start && s[g] == ' ')
                g++;
            size_t x = A->end;
            while (x < sc->len && s[x] == ' ')
                x++;
            bool closed = open == '/' || (x < sc->len && s[x] == (open == '(' ? ')' : ']'));
            if (g == A->qual_start && closed) {
                out->items[idx].link = (int32_t)sc->last_money;
                out->items[sc->last_money].link = (int32_t)idx;
            }
        }
    }
    sc->last_money = (long)idx;
    sc->last_money_end = A->end;
    sc->last_currency = A->currency;
    return 0;
}

/* "hundreds of jobs", "billions of pounds", "tens of millions of euros",
 * "several hundred workers", "a few million dollars". */
static int try_vague(scan *sc, size_t pos, bool vague, size_t *next)
{
    const char *s = sc->s;
    size_t len = sc->len, p = pos, we = alpha_end_m(sc->letter, s, len, pos);
    bool several = word_eq(s + p, we - p, "several");
    if ((word_eq(s + p, we - p, "a") && phrase_at(s, len, we, " few ")) || several) {
        p = several ? skip_sp(s, len, we) : we + 5;
        size_t e = alpha_end_m(sc->letter, s, len, p);
        if (e == p ||
            (fl_number_magnitude(s + p, e - p, false) <= 0 && !word_eq(s + p, e - p, "hundred")))
            return 0;
        p = skip_sp(s, len, e);
        if (p == e)
            return 0;
    } else {
        if (!vague)
            return 0;
        for (;;) {
            size_t o = phrase_at(s, len, we, " of ");
            if (!o)
                return 0;
            p = o;
            size_t e = alpha_end_m(sc->letter, s, len, p);
            if (!vocab_has(sc, p, e, V_VAGUE))
                break;
            we = e;
        }
    }
    amt A;
    memset(&A, 0, sizeof A);
    A.start = A.num_start = pos;
    A.value = A.value_max = NAN;
    A.divisor = 1;
    fl_currency_word cw;
    size_t cn = fl_currency_word_at(s + p, len - p, &cw);
    if (cn && cw.divisor == 1) {
        set_money(&A, cw.iso, "word");
        A.end = p + cn;
    } else {
        A.num.value = 2; /* plural */
        if (!counted_noun(sc, &A, p, false, 0, NULL) || A.kind != FL_FACT_QUANTITY)
            return 0;
    }
    A.qualifier = "vague";
    A.qual_dur_ok = true;
    A.qual_start = A.start;
    A.after = A.end;
    if (emit(sc, &A) < 0)
        return -1;
    *next = A.end;
    return 1;
}

/* Word anchors with their own shapes: age decades ("in their forties"),
 * vague amounts, "a decade".  ac is the anchor cell of the word at pos. */
static int try_word(scan *sc, size_t pos, const anchor_cell *ac, size_t *next)
{
    const char *s = sc->s;
    size_t len = sc->len, we = alpha_end_m(sc->letter, s, len, pos);
    double lo, hi;
    unsigned kind = ac ? ac->kind : 0;
    if (kind & A_AGEDEC) {
        const vocab *v = &sc->st->ents[ac->ent];
        if (!age_context(s, sc->floor, pos, &lo, &hi))
            return 0;
        amt A;
        memset(&A, 0, sizeof A);
        A.kind = FL_FACT_DURATION;
        A.start = A.num_start = A.qual_start = pos;
        A.end = A.after = we;
        A.value = v->num + lo;
        A.value_max = v->num + hi;
        A.unit = "age";
        A.age = true;
        if (emit(sc, &A) < 0)
            return -1;
        *next = we;
        return 1;
    }
    int r = try_vague(sc, pos, (kind & A_VAGUE) != 0, next);
    if (r)
        return r;
    if (word_eq(s + pos, we - pos, "a") && we < len && s[we] == ' ') {
        size_t e = alpha_end_m(sc->letter, s, len, we + 1);
        const char *unit = word_eq(s + we + 1, e - we - 1, "decade")    ? "decades"
                           : word_eq(s + we + 1, e - we - 1, "century") ? "centuries"
                                                                        : NULL;
        if (!unit)
            return 0;
        amt A;
        memset(&A, 0, sizeof A);
        A.kind = FL_FACT_DURATION;
        A.start = A.num_start = pos;
        A.end = e;
        A.value = 1;
        A.value_max = NAN;
        A.unit = unit;
        qualifiers(sc, &A);
        if (emit(sc, &A) < 0)
            return -1;
        *next = A.after;
        return 1;
    }
    return 0;
}

/* 1 a fact was added (*next: where to go on), 0 none, -1 failure.  At a
 * letter, ac is the anchor cell of the word at pos (its letters). */
static int try_at(scan *sc, size_t pos, const anchor_cell *ac, size_t *next)
{
    *next = pos + 1;
    if (is_alpha(UC(sc->s, pos))) {
        int r = try_word(sc, pos, ac, next);
        if (r) {
            if (r > 0)
                sc->floor = *next;
            return r;
        }
    }
    amt A;
    if (!parse_one(sc, pos, sc->floor, &A)) {
        if (A.num.end > pos)
            *next = A.num.end;
        return 0;
    }
    *next = A.num.end > pos ? A.num.end : pos + 1;
    try_range(sc, &A);
    /* a bare amount that classify_bare can make nothing of is dropped
     * before its qualifiers are read */
    bool aged = A.kind == BARE && aged_before(sc, &A);
    if (A.kind == BARE && !aged && !bare_has_chance(sc, &A))
        return 0;
    qualifiers(sc, &A);
    if (A.kind == BARE) {
        int r = classify_bare(sc, &A, aged);
        if (r <= 0)
            return r;
    }
    if (!acceptable(sc, &A))
        return 0;
    if (emit(sc, &A) < 0) {
        sc->status = FL_ENOMEM;
        return -1;
    }
    *next = A.after > pos ? A.after : pos + 1;
    sc->floor = *next;
    return 1;
}

void fl_number_run_filter(const fl_number_state *st, fl_run_filter *f)
{
    /* the anchor test of fl_number_extract's letter words */
    for (size_t n = 1; n <= FL_RUN_MAXLEN; n++)
        for (int a = 0; a < 26; a++)
            for (int b = 0; b < 26; b++)
                if (st->anchor_len[a][b] >> n & 1)
                    f->bits[n][a + 1][b + 1] |= FL_RUN_NUMBER;
}

/* "a"/"an" start an amount only before "few", "dozen", "decade", "century"
 * or a magnitude word: check that cheaply before trying. */
static bool worth_trying(const scan *sc, size_t i, size_t e)
{
    if (e - i > 2 || lower(UC(sc->s, i)) != 'a')
        return true;
    if (e >= sc->len || sc->s[e] != ' ')
        return false;
    int c = lower(UC(sc->s, e + 1));
    if (!(c == 'f' || c == 'd' || c == 'c' || c == 'h' || c == 't' || c == 'm' || c == 'b'))
        return false;
    /* the words after "a " that try_at can read: "a few" (try_vague), "a
     * decade", "a century" (try_word), "a hundred", "a dozen" and "a million"
     * (parse_words: any magnitude word) */
    const char *w = sc->s + e + 1;
    size_t n = alpha_end_m(sc->letter, sc->s, sc->len, e + 1) - (e + 1);
    return word_eq(w, n, "few") || word_eq(w, n, "dozen") || word_eq(w, n, "decade") ||
           word_eq(w, n, "century") || word_eq(w, n, "hundred") ||
           fl_number_magnitude(w, n, false) > 0;
}

fl_status fl_number_extract(const fl_number_state *st, fl_re_thread *t, const fl_article *a,
                            fl_facts *out, fl_error *err)
{
    scan sc = {st, t, a->text, a->text_len, out, err, 0, -1, 0, NULL, FL_OK, NULL};
    const char *s = a->text;
    size_t len = a->text_len, i = 0, next;
    /* amounts start at an ASCII letter or digit: the masks find the next one
     * and the end of a letter run without testing each byte (bytemask.h) */
    fl_bytemask own;
    fl_runs own_runs;
    fl_bytemask_init(&own);
    fl_runs_init(&own_runs);
    const fl_bytemask *bm = fl_extract_bytemask(a, &own);
    const fl_runs *runs = bm ? fl_extract_runs(a, bm, &own_runs) : NULL;
    if (!runs) {
        fl_bytemask_release(&own);
        fl_runs_release(&own_runs); /* what a failed build had allocated */
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    sc.letter = bm->letter;
    size_t k = 0;         /* the next listed run to look at */
    bool at_next = false; /* i is where try_at said to go on: maybe inside a run */
    /* the list in locals (the calls in the loop would make the compiler
     * reload runs->items and runs->n at each run) */
    const fl_run *items = runs->number.items;
    size_t n_runs = runs->number.n;
    /* the extractor's runs were listed with fl_number_run_filter (a letter
     * run is listed for numbers only when it passes the anchor test below);
     * runs built here list every letter run */
    bool filtered = runs != &own_runs;
    while (i < len) {
        /* Inside a run (try_at may stop in one) the scanner goes on from i.
         * Else the next letter or digit starts a run, and the runs it would
         * only step over (letter words that no number word resembles: see
         * the anchor test below) are not in its list (runs.h): go to the
         * next listed one.  (The end of a run the scanner stepped over is
         * inside none.) */
        bool inside = at_next && i > 0 &&
                      ((fl_bits_test(bm->digit, i) && fl_bits_test(bm->digit, i - 1)) ||
                       (fl_bits_test(bm->letter, i) && fl_bits_test(bm->letter, i - 1)));
        bool digit;
        if (!inside) {
            while (k < n_runs && items[k].s < i)
                k++;
            if (k == n_runs)
                break;
            i = items[k].s;
            /* a listed run's flags tell digits from letters: the branch
             * waits for no load of the text */
            digit = (items[k].flags & FL_RUN_DIGITS) != 0;
        } else {
            digit = is_digit(UC(s, i));
        }
        if (digit) {
            int r = try_at(&sc, i, NULL, &next);
            if (r < 0)
                goto fail;
            if (r == 0) {
                /* past the letters and digits, and a ',' or '.' between digits */
                size_t e = fl_bits_next_clear(bm->alnum, len, i);
                while (e + 1 < len && (s[e] == ',' || s[e] == '.') && is_digit(UC(s, e + 1)))
                    e = fl_bits_next_clear(bm->alnum, len, e + 1);
                if (next < e)
                    next = e;
            }
            i = next;
            at_next = true;
            continue;
        }
        int c = UC(s, i);
        if (!inside || is_alpha(c)) { /* a listed run that is no digit run is letters */
            size_t e = inside ? fl_bits_next_clear(bm->letter, len, i + 1) : items[k].e;
            /* the anchor test (anchor_len: some anchor word has the run's
             * length, first and last letters), which a listed run has
             * passed already (its table is cold at each article), and the
             * cheap test for "a"/"an" before the vocabulary is hashed */
            const anchor_cell *v;
            bool may_anchor =
                (filtered && !inside) ||
                (e - i <= 9 &&
                 (st->anchor_len[lower(c) - 'a'][lower(UC(s, e - 1)) - 'a'] >> (e - i) & 1));
            if (may_anchor && worth_trying(&sc, i, e) && (v = anchor_find(st, s + i, e - i))) {
                int r = try_at(&sc, i, v, &next);
                if (r < 0)
                    goto fail;
                i = r > 0 ? next : e;
                at_next = r > 0;
                continue;
            }
            i = e;
            at_next = false;
            continue;
        }
        i++;
        at_next = true;
    }
    fl_bytemask_release(&own);
    fl_runs_release(&own_runs);
    return FL_OK;
fail:
    fl_bytemask_release(&own);
    fl_runs_release(&own_runs);
    if (sc.status == FL_ENOMEM)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return sc.status ? sc.status : FL_EINTERNAL;
}
