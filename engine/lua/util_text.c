/* util_text.c - factlint.util helpers written in C for the paragraph and word rules
 * (paragraph.duplicate, spelling.variant): loops that would otherwise run word by word or fact by
 * fact in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "lua/internal.h"
#include "lua/util_text.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <string.h>

/* ---- paragraph_repeats ---------------------------------------------------- */

/* Paragraphs are compared by a summary made in one pass over their text
 * (rp_sum, from masks of 64 bytes at a time): util.words' counts and what
 * two paragraphs with the same form also have the same of.  Most
 * paragraphs repeat nothing and are done with that.  What the summaries
 * cannot tell apart is then made and compared exactly, as util.words would:
 * the forms (fl_words_append) of the pairs with the same summary, and of
 * the near pairs (by their counts) whose sets of words do not rule out a
 * near repeat (rp_para.set; made for those pairs only). */

#define RP_H80  0x8080808080808080u
#define RP_B(c) (0x0101010101010101u * (uint64_t)(c))

/* A word's key, from its form's first eight bytes (zero-padded), its last
 * eight when it is longer than eight bytes (else 0) and its length: equal
 * words have equal keys. */
static inline uint64_t rp_key(uint64_t first, uint64_t last, size_t len)
{
    uint64_t h = (first ^ (last * 0x9E3779B97F4A7C15u) ^ (uint64_t)len) * 0xBF58476D1CE4E5B9u;
    return h ^ (h >> 32);
}

static inline uint64_t rp_mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x9E3779B97F4A7C15u;
}

/* What one pass over a paragraph finds: what two paragraphs with the same
 * form have the same of (but capitals, which count in the text as given). */
typedef struct rp_sum {
    size_t words;
    lua_Integer lettered, capitals; /* util.words' profile */
    size_t bytes, letters;          /* the bytes of the form's words; their ASCII letters */
    uint64_t figures_hash;          /* of the figures' keys, in order */
} rp_sum;

/* The high bit of each byte of x (bytes under 0x80) that is lo to hi: x +
 * (0x80 - lo) reaches the high bit when the byte is lo or more, x + (0x7F -
 * hi) when it is more than hi; no sum carries into the next byte. */
static inline uint64_t rp_in_range(uint64_t x, unsigned lo, unsigned hi)
{
    return (x + RP_B(0x80 - lo)) & ~(x + RP_B(0x7F - hi)) & RP_H80;
}

/* The eight bytes v with their ASCII capitals lowercased (the others,
 * bytes of 0x80 and over included, as they are). */
static inline uint64_t rp_lower(uint64_t v)
{
    uint64_t upper = rp_in_range(v & ~RP_H80, 'A', 'Z') & ~v;
    return v | upper >> 2;
}

static inline unsigned rp_popcount(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
}

/* The key of the word s[a..e) of a text or form of n bytes. */
static inline uint64_t rp_text_key(const char *s, size_t n, size_t a, size_t e)
{
    size_t len = e - a;
    uint64_t first = 0, last = 0;
    if (n - a >= 8)
        memcpy(&first, s + a, 8);
    else
        for (size_t k = 0; k < n - a; k++)
            first |= (uint64_t)(unsigned char)s[a + k] << 8 * k;
    if (len < 8)
        first &= ((uint64_t)1 << (8 * len)) - 1;
    else if (len > 8)
        memcpy(&last, s + e - 8, 8);
    return rp_key(rp_lower(first), rp_lower(last), len);
}

/* Whether byte c of a text is a word byte (an ASCII letter or digit, or a
 * byte of 0x80 and over; the others separate words). */
static inline bool rp_word_byte(unsigned char c)
{
    return c >= 0x80 || (unsigned char)(c - '0') < 10 || fl_ascii_letter(c);
}

/* The classes of a window of 64 bytes of rp_text_sum, one bit a byte (the
 * window's first byte lowest). */
typedef struct rp_window {
    uint64_t word, letter, upper, digit; /* word bytes: letters, digits, >= 0x80 */
    uint64_t high;                       /* bytes of 0x80 and over */
} rp_window;

/* Adds the classes of the 16 bytes at p, shifted to bit q, to win.  False
 * for a control byte other than white space. */
static inline bool rp_chunk(const unsigned char *p, int q, rp_window *win)
{
    uint32_t l, d, h, up, bad;
#if defined(__SSE2__)
    /* a range test in one signed compare, as bytemask.c's: c is in [lo, lo
     * + n) when c - lo + 0x80, wrapped to a signed byte, is below n - 0x80;
     * c | 0x20 maps only letters to a-z (bytes >= 0x80 to bytes >= 0xA0) */
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    l = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(
        _mm_add_epi8(lo, _mm_set1_epi8((char)(0x80 - 'a'))), _mm_set1_epi8((char)(26 - 0x80))));
    d = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(
        _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8((char)(10 - 0x80))));
    h = (uint32_t)_mm_movemask_epi8(v);
    /* bit 5 of each byte moved to bit 7: clear in capitals */
    up = l & ~(uint32_t)_mm_movemask_epi8(_mm_slli_epi16(v, 2));
    /* control bytes (signed: bytes >= 0x80 are below 0x20 too, taken out) */
    bad = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))) &
          ~h;
    if (bad) /* but white space */
        bad &= ~(uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(
            _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '\t'))), _mm_set1_epi8((char)(5 - 0x80))));
#else
    l = d = h = up = bad = 0;
    for (int k = 0; k < 16; k++) {
        unsigned char c = p[k];
        l |= (uint32_t)fl_ascii_letter(c) << k;
        d |= (uint32_t)(c >= '0' && c <= '9') << k;
        h |= (uint32_t)(c >= 0x80) << k;
        up |= (uint32_t)(c >= 'A' && c <= 'Z') << k;
        bad |= (uint32_t)((c < 0x20 && (c < '\t' || c > '\r')) || c == 0x7F) << k;
    }
#endif
    if (bad)
        return false;
    win->word |= (uint64_t)(l | d | h) << q;
    win->letter |= (uint64_t)l << q;
    win->upper |= (uint64_t)up << q;
    win->digit |= (uint64_t)d << q;
    win->high |= (uint64_t)h << q;
    return true;
}

/* The summary of the text s[0..n) when it is ASCII, but for the '£' it may
 * hold, and has no control byte other than white space: the same as
 * rp_form_sum of its util.words form, made without the form (the tests of
 * rules/paragraph-duplicate.lua repeat paragraphs read either way).  False
 * for any other text.  It reads 64 bytes at a time into masks (ASCII
 * letters and digits and bytes of 0x80 and over are word bytes, the others
 * separate words) and counts from the masks; the last bit of a window's
 * masks is carried into the next. */
static bool rp_text_sum(const char *s, size_t n, rp_sum *m)
{
    memset(m, 0, sizeof *m);
    bool high = false;
    uint64_t prev_word = 0, prev_letter = 0, prev_upper = 0, prev_caps = 0, carry = 0;
    for (size_t base = 0; base < n; base += 64) {
        rp_window win = {0, 0, 0, 0, 0};
        const unsigned char *p = (const unsigned char *)s + base;
        unsigned char pad[64];
        if (n - base < 64) { /* the end, padded with spaces */
            memset(pad, ' ', sizeof pad);
            memcpy(pad, p, n - base);
            p = pad;
        }
        for (int q = 0; q < 64 && base + (size_t)q < n; q += 16)
            if (!rp_chunk(p + q, q, &win))
                return false;
        high |= win.high != 0;
        uint64_t word = win.word, letter = win.letter, upper = win.upper;
        uint64_t starts = word & ~(word << 1 | prev_word);
        m->words += rp_popcount(starts);
        m->bytes += rp_popcount(word);
        m->letters += rp_popcount(letter);
        /* Words with two ASCII letters in a row: pairs marks the second of
         * two letters; a carry from each word's start runs through the
         * word's bytes outside pairs and stops at its first pair (counted)
         * or after the word.  A word that goes on into the next window
         * without a pair carries into it. */
        uint64_t pairs = letter & (letter << 1 | prev_letter);
        uint64_t t, sum;
        bool out = __builtin_add_overflow(word & ~pairs, starts, &t);
        out |= __builtin_add_overflow(t, carry, &sum);
        m->lettered += rp_popcount(sum & pairs);
        carry = out;
        /* runs of two ASCII capitals or more: runs of caps, which marks the
         * second of two capitals */
        uint64_t caps = upper & (upper << 1 | prev_upper);
        if (caps | prev_caps)
            m->capitals += rp_popcount(caps & ~(caps << 1 | prev_caps));
        prev_word = word >> 63;
        prev_letter = letter >> 63;
        prev_upper = upper >> 63;
        prev_caps = caps >> 63;
        /* figures: the words that start with a digit */
        for (uint64_t f = starts & win.digit; f; f &= f - 1) {
            size_t a = base + (size_t)__builtin_ctzll(f), e = a + 1;
            while (e < n && rp_word_byte((unsigned char)s[e]))
                e++;
            m->figures_hash = rp_mix(m->figures_hash, rp_text_key(s, n, a, e));
        }
    }
    if (high) /* '£' (C2 A3) is the only character over ASCII it takes */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80) {
                if ((unsigned char)s[i] != 0xC2 || i + 1 == n || (unsigned char)s[i + 1] != 0xA3)
                    return false;
                i++;
            }
    return true;
}

/* The summary of a util.words form[0..len) (its words, lettered and
 * capitals from w). */
static void rp_form_sum(const char *form, size_t len, const fl_words *w, rp_sum *m)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < len;) {
        const char *sp = memchr(form + i, ' ', len - i);
        size_t e = sp ? (size_t)(sp - form) : len;
        if ((unsigned char)(form[i] - '0') < 10)
            m->figures_hash = rp_mix(m->figures_hash, rp_text_key(form, len, i, e));
        m->bytes += e - i;
        for (size_t k = i; k < e; k++)
            m->letters += fl_ascii_letter((unsigned char)form[k]);
        i = e + 1;
    }
    m->words = w->words;
    m->lettered = w->lettered;
    m->capitals = w->capitals;
}

/* Adds bit (key >> 56) of the key of each word of s[0..n) to set: a text
 * rp_text_sum takes (form false), whose words are its runs of word bytes,
 * or a form, whose words are separated by single spaces. */
static void rp_add_words(const char *s, size_t n, bool form, uint64_t set[4])
{
    for (size_t i = 0; i < n;) {
        size_t e = i;
        if (form)
            while (e < n && s[e] != ' ')
                e++;
        else
            while (e < n && rp_word_byte((unsigned char)s[e]))
                e++;
        if (e > i) {
            uint64_t key = rp_text_key(s, n, i, e);
            set[key >> 62] |= (uint64_t)1 << (key >> 56 & 63);
        }
        i = e + 1;
    }
}

/* A compared paragraph.  Everything lives in the sandbox's scratch buffer,
 * which grows as forms are added: records refer to it by offsets. */
typedef struct rp_para {
    size_t index; /* 1-based paragraph index */
    size_t words;
    lua_Integer lettered;             /* util.words' profile.lettered */
    bool near;                        /* long enough for near repeats */
    bool fast;                        /* rp_text_sum took its text */
    bool made, set_made;              /* its form is made; its set */
    size_t form;                      /* offset of its form; the figures follow it */
    size_t form_len, figures_len;     /* bytes */
    double least;                     /* the fewest words within its allowance */
    uint64_t form_hash, figures_hash; /* of its rp_sum (but capitals); rp_sum's */
    /* bit (key >> 56) of the key of each of its words: a word whose bit is
     * set in one paragraph's set and not in another's is not a word of the
     * other (made for near pairs) */
    uint64_t set[4];
    size_t next_form, next_figures; /* the earlier one in the same bucket + 1; 0: none */
} rp_para;

/* Makes the form of kept paragraph i of article a, once (at the end of sc);
 * -1 when memory ran out. */
static int rp_make_form(fl_strbuf *sc, size_t recs, size_t i, const fl_article *a)
{
    rp_para *r = (rp_para *)(sc->buf + recs) + i;
    if (r->made)
        return 0;
    const fl_paragraph *p = &a->paragraphs[r->index - 1];
    size_t at = sc->len;
    fl_words w;
    if (fl_words_append(sc, a->text + p->offset, p->length, &w))
        return -1;
    r = (rp_para *)(sc->buf + recs) + i;
    r->made = true;
    r->form = at;
    r->form_len = w.form_len;
    r->figures_len = w.figures_len;
    return 0;
}

/* Makes the set of kept paragraph i of article a, once: from its text when
 * rp_text_sum took it, else from its form; -1 when memory ran out. */
static int rp_make_set(fl_strbuf *sc, size_t recs, size_t i, const fl_article *a)
{
    rp_para *r = (rp_para *)(sc->buf + recs) + i;
    if (r->set_made)
        return 0;
    if (!r->fast && rp_make_form(sc, recs, i, a))
        return -1;
    r = (rp_para *)(sc->buf + recs) + i;
    memset(r->set, 0, sizeof r->set);
    if (r->fast) {
        const fl_paragraph *p = &a->paragraphs[r->index - 1];
        rp_add_words(a->text + p->offset, p->length, false, r->set);
    } else {
        rp_add_words(sc->buf + r->form, r->form_len, true, r->set);
    }
    r->set_made = true;
    return 0;
}

/* The fewest word edits between paragraphs with the sets a and b: each word
 * of one that is not a word of the other takes an edit of its own. */
static size_t rp_set_edits(const uint64_t *a, const uint64_t *b)
{
    size_t only_a = 0, only_b = 0;
    for (int k = 0; k < 4; k++) {
        only_a += rp_popcount(a[k] & ~b[k]);
        only_b += rp_popcount(b[k] & ~a[k]);
    }
    return only_a > only_b ? only_a : only_b;
}

/* A word of a form while two are compared. */
typedef struct rp_word {
    uint64_t hash;
    size_t off, len;
} rp_word;

/* The words of form[0..len) into w (as many as the form has). */
static size_t split_words(const char *form, size_t len, size_t base, rp_word *w)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && form[e] != ' ')
            e++;
        w[n].off = base + i;
        w[n].len = e - i;
        w[n].hash = rp_text_key(form, len, i, e);
        n++;
        i = e + 1;
    }
    return n;
}

static bool same_word(const char *buf, const rp_word *a, const rp_word *b)
{
    return a->hash == b->hash && a->len == b->len && !memcmp(buf + a->off, buf + b->off, a->len);
}

/* Optimal string alignment distance between the word lists a and b (as
 * fl_edit_distance counts code points), or max + 1 when it is over max.
 * Only cells within max of the diagonal are worked out: any alignment of
 * cost max or less stays there, and cells outside count as max + 1.  rows
 * has room for 3 * (nb + 1) values. */
static size_t words_osa(const char *buf, const rp_word *a, size_t na, const rp_word *b, size_t nb,
                        size_t max, size_t *rows)
{
    size_t diff = na > nb ? na - nb : nb - na;
    if (diff > max)
        return max + 1;
    size_t inf = max + 1;
    size_t *pp = rows, *p = rows + nb + 1, *c = rows + 2 * (nb + 1);
    for (size_t j = 0; j <= nb; j++)
        p[j] = pp[j] = j <= max ? j : inf;
    size_t prev_min = 0;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > max ? i - max : 1, hi = i + max < nb ? i + max : nb;
        c[lo - 1] = lo == 1 ? (i <= max ? i : inf) : inf;
        if (hi < nb)
            c[hi + 1] = inf;
        size_t row_min = c[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            size_t cost = same_word(buf, &a[i - 1], &b[j - 1]) ? 0 : 1;
            size_t v = p[j - 1] + cost;
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && pp[j - 2] + 1 < v && same_word(buf, &a[i - 1], &b[j - 2]) &&
                same_word(buf, &a[i - 2], &b[j - 1]))
                v = pp[j - 2] + 1;
            if (v > inf)
                v = inf;
            c[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > max && prev_min > max)
            return inf;
        prev_min = row_min;
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[nb] > max ? inf : p[nb];
}

/* The word edit distance of kept paragraphs a and b, up to max (max + 1 when
 * over it); their words and the rows go after what sc holds, and are dropped
 * again.  -1 when memory ran out. */
static long long pair_distance(fl_strbuf *sc, size_t recs, size_t ia, size_t ib, size_t max)
{
    size_t used = sc->len;
    const rp_para *r = (const rp_para *)(sc->buf + recs);
    size_t na = r[ia].words, nb = r[ib].words;
    size_t bytes = (na + nb) * sizeof(rp_word) + 3 * (nb + 1) * sizeof(size_t) + 16;
    if (fl_strbuf_grow(sc, bytes))
        return -1;
    r = (const rp_para *)(sc->buf + recs);
    size_t at = (used + 15) & ~(size_t)15;
    rp_word *wa = (rp_word *)(sc->buf + at), *wb = wa + na;
    size_t *rows = (size_t *)(wb + nb);
    na = split_words(sc->buf + r[ia].form, r[ia].form_len, r[ia].form, wa);
    nb = split_words(sc->buf + r[ib].form, r[ib].form_len, r[ib].form, wb);
    return (long long)words_osa(sc->buf, wa, na, wb, nb, max, rows);
}

/* Whether kept paragraphs i < j may be near repeats by their word counts and
 * lettered words (each edit changes each of those by at most one), and how
 * many word edits they may then differ by (the longer one's allowance). */
static bool near_allowed(const rp_para *pi, const rp_para *pj, size_t *allowed)
{
    double ni = (double)pi->words, n = (double)pj->words;
    if (!(ni >= pj->least && pi->least <= n))
        return false;
    const rp_para *lg = pi->words < pj->words ? pj : pi;
    double allow = (double)lg->words - lg->least;
    double dl = (double)(pi->lettered - pj->lettered);
    double dn = (ni - n) - dl;
    if (!(dl <= allow && -dl <= allow && dn <= allow && -dn <= allow))
        return false;
    *allowed = (size_t)allow;
    return true;
}

/* Pushes the pairs of later paragraph j onto the result at the top (made
 * when first needed): cand holds its earlier ones and edits, the n_same of
 * the same form and then the others, each from the latest back; they go in
 * ascending order.  *out counts the values. */
static void push_pairs(lua_State *L, const rp_para *r, size_t j, const size_t (*cand)[2],
                       size_t n_same, size_t n, lua_Integer *out)
{
    if (!n)
        return;
    if (!*out)
        lua_createtable(L, (int)(5 * n), 0);
    const rp_para *pj = &r[j];
    for (size_t a = n_same, b = n; a > 0 || b > n_same;) {
        size_t k = b == n_same || (a > 0 && cand[a - 1][0] < cand[b - 1][0]) ? --a : --b;
        const rp_para *pi = &r[cand[k][0]];
        lua_Integer v[5] = {(lua_Integer)pj->index, (lua_Integer)pi->index, (lua_Integer)cand[k][1],
                            (lua_Integer)pj->words, (lua_Integer)pi->words};
        for (int e = 0; e < 5; e++) {
            lua_pushinteger(L, v[e]);
            lua_rawseti(L, -2, ++*out);
        }
    }
}

/***
 * factlint.util.paragraph_repeats(article, min_words, similarity, near_min_words) -> list | nil
 *
 * The pairs of paragraphs of the article that repeat one another, verbatim
 * or nearly, found in one call (util.words on every paragraph would make a
 * string and a table for each).  The paragraphs compared are those that
 * are not headings, not boilerplate other than photo credits ("credit"),
 * not empty, and have at least `min_words` lettered words (util.words'
 * `lettered`, counted as none when the paragraph's runs of capitals,
 * `capitals`, are more than half of them, as in a table legend).  Two of
 * them repeat when their util.words forms are the same (0 edits), or nearly
 * when both have at least `near_min_words` lettered words, the same figures
 * (util.words' `figures`) and different forms, and the word edit distance
 * of their forms (as util.edit_distance counts, words for characters) is
 * within the longer one's allowance.  The allowance of n words is
 * floor(n * (1 - similarity) + 1e-9); a negative one allows no repeat at
 * all, and a `similarity` over 1 no near repeat.  Returns a flat list
 * `{later, earlier, edits, later_words, earlier_words, ...}`, five values a
 * pair (1-based paragraph indices, the edits, and the two paragraphs'
 * util.words counts), ordered by `later` and then `earlier`; nil when there
 * is none.  `article` is the handle of the current check.  Each paragraph
 * is read once, 64 bytes at a time, into counts and hashes that paragraphs
 * with the same form share; forms are made and compared only for the pairs
 * those cannot tell apart.
 */
static int u_paragraph_repeats(lua_State *L)
{
    const fl_article *a = fl_lua_current_article(L, 1, NULL);
    lua_Number min_words = luaL_checknumber(L, 2);
    lua_Number share = 1 - luaL_checknumber(L, 3);
    lua_Number near_min = luaL_checknumber(L, 4);
    lua_settop(L, 4);
    if (a->n_paragraphs < 2) {
        lua_pushnil(L);
        return 1;
    }
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    /* the records, then the forms made while reading (of texts rp_text_sum
     * does not take), the bucket heads and the candidates, then the forms
     * made for pairs */
    size_t recs = 0, kept = 0;
    if (fl_strbuf_grow(sc, a->n_paragraphs * sizeof(rp_para) + 16))
        return luaL_error(L, "not enough memory");
    sc->len = a->n_paragraphs * sizeof(rp_para);
    for (size_t k = 0; k < a->n_paragraphs; k++) {
        const fl_paragraph *p = &a->paragraphs[k];
        if ((p->boilerplate && p->boilerplate != FL_BOILER_CREDIT) || p->heading || !p->length)
            continue;
        const char *text = a->text + p->offset;
        size_t at = sc->len;
        rp_sum m;
        fl_words w = {0};
        bool made = !rp_text_sum(text, p->length, &m);
        if (made) {
            if (fl_words_append(sc, text, p->length, &w))
                return luaL_error(L, "not enough memory");
            rp_form_sum(sc->buf + at, w.form_len, &w, &m);
        }
        lua_Integer lettered = m.capitals * 2 > m.lettered ? 0 : m.lettered;
        if (!((lua_Number)lettered >= min_words)) {
            sc->len = at;
            continue;
        }
        rp_para *r = (rp_para *)(sc->buf + recs) + kept++;
        r->index = k + 1;
        r->made = made;
        r->fast = !made;
        r->form = at;
        r->form_len = w.form_len;
        r->figures_len = w.figures_len;
        r->words = m.words;
        r->lettered = m.lettered;
        r->near = share >= 0 && (lua_Number)lettered >= near_min;
        r->least = (double)m.words - floor((double)m.words * share + 1e-9);
        r->form_hash =
            rp_mix(rp_mix(rp_mix(m.bytes, m.words), (uint64_t)m.lettered), m.figures_hash);
        r->figures_hash = m.figures_hash;
        r->set_made = false;
        r->next_form = r->next_figures = 0;
    }
    if (kept < 2) {
        lua_pushnil(L);
        return 1;
    }
    /* two bucket heads (the last record + 1 in each) per hash: forms,
     * figures; then room for a paragraph's candidates (each earlier one at
     * most once) */
    size_t nb = 4;
    while (nb < 2 * kept)
        nb *= 2;
    size_t heads = (sc->len + 15) & ~(size_t)15;
    size_t cands = heads + 2 * nb * sizeof(size_t);
    if (fl_strbuf_grow(sc, cands - sc->len + kept * sizeof(size_t[2])))
        return luaL_error(L, "not enough memory");
    memset(sc->buf + heads, 0, 2 * nb * sizeof(size_t));
    sc->len = cands + kept * sizeof(size_t[2]);
    lua_Integer out = 0;
    for (size_t j = 0; j < kept; j++) {
        rp_para *r = (rp_para *)(sc->buf + recs);
        size_t *head = (size_t *)(sc->buf + heads);
        size_t n = 0;
        size_t hf = r[j].form_hash & (nb - 1);
        if ((double)r[j].words * share + 1e-9 >= 0) /* (the allowance is not negative) */
            for (size_t i = head[hf]; i; i = r[i - 1].next_form) {
                if (r[i - 1].form_hash != r[j].form_hash || r[i - 1].words != r[j].words)
                    continue;
                if (rp_make_form(sc, recs, i - 1, a) || rp_make_form(sc, recs, j, a))
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                const rp_para *pi = &r[i - 1], *pj = &r[j];
                if (pi->form_len != pj->form_len ||
                    memcmp(sc->buf + pi->form, sc->buf + pj->form, pj->form_len))
                    continue;
                size_t(*cand)[2] = (size_t(*)[2])(sc->buf + cands);
                cand[n][0] = i - 1;
                cand[n++][1] = 0;
            }
        head = (size_t *)(sc->buf + heads);
        r[j].next_form = head[hf];
        head[hf] = j + 1;
        size_t n_same = n;
        if (r[j].near) {
            size_t hg = nb + (r[j].figures_hash & (nb - 1));
            for (size_t i = head[hg]; i; i = r[i - 1].next_figures) {
                size_t allowed;
                if (r[i - 1].figures_hash != r[j].figures_hash ||
                    !near_allowed(&r[i - 1], &r[j], &allowed))
                    continue;
                if (rp_make_set(sc, recs, i - 1, a) || rp_make_set(sc, recs, j, a))
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                if (rp_set_edits(r[i - 1].set, r[j].set) > allowed)
                    continue;
                if (rp_make_form(sc, recs, i - 1, a) || rp_make_form(sc, recs, j, a))
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                const rp_para *pi = &r[i - 1], *pj = &r[j];
                if (pi->figures_len != pj->figures_len ||
                    memcmp(sc->buf + pi->form + pi->form_len, sc->buf + pj->form + pj->form_len,
                           pj->figures_len) ||
                    (pi->form_len == pj->form_len &&
                     !memcmp(sc->buf + pi->form, sc->buf + pj->form, pj->form_len)))
                    continue;
                long long d = pair_distance(sc, recs, i - 1, j, allowed);
                if (d < 0)
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                if ((size_t)d > allowed)
                    continue;
                size_t(*cand)[2] = (size_t(*)[2])(sc->buf + cands);
                cand[n][0] = i - 1;
                cand[n++][1] = (size_t)d;
            }
            head = (size_t *)(sc->buf + heads);
            r[j].next_figures = head[hg];
            head[hg] = j + 1;
        }
        push_pairs(L, r, j, (const size_t(*)[2])(sc->buf + cands), n_same, n, &out);
    }
    if (!out)
        lua_pushnil(L);
    return 1;
}

/* ---- spellings ------------------------------------------------------------ */

#define SP_WORD_MAX    64   /* longest word looked up, in bytes (as wordset) */
#define SP_ENDING_MAX  16   /* longest ending */
#define SP_PAIRS_MAX   16   /* two-word entries */
#define SP_MEMO_MAX    4096 /* classify answers remembered before they are forgotten */
#define SP_FILTER_BITS 65536

typedef struct sp_slot {
    uint32_t hash, off, len; /* off: into the blob + 1; 0 for an empty slot */
    int32_t family, variant; /* ids; -1 when the word is only a pair's first */
    int32_t pair;            /* the two-word entry it starts, or -1 */
} sp_slot;

typedef struct sp_pair {
    char second[SP_WORD_MAX];
    size_t second_len;
    int32_t family, variant;
} sp_pair;

/* A spellings scanner's tables, in one userdata (upvalue 1 of the scan
 * function; upvalues 2 to 5: the memo table, classify, the fixed ids
 * table and the ids given to classify's answers). */
typedef struct l_spellings {
    size_t cap;       /* slots, a power of two */
    uint64_t lengths; /* bit k: some word has k bytes (bit 0: 64) */
    uint64_t filter[SP_FILTER_BITS / 64];
    size_t n_ids, n_fixed, next_id, memo_n, n_nodes, n_pairs;
    char needs[8]; /* the endings are looked at only in texts with one of these bytes */
    size_t n_needs;
    uint32_t stamp;
    sp_pair pairs[SP_PAIRS_MAX];
    /* uint16_t trie[n_nodes][27] (26 letters, then 1 when an ending ends
     * there), uint32_t seen_stamp[n_ids], int32_t seen_variant[n_ids],
     * sp_slot slots[cap] and the blob follow */
} l_spellings;

static uint16_t (*sp_trie(l_spellings *sp))[27]
{
    return (uint16_t(*)[27])(sp + 1);
}

static uint32_t *sp_seen_stamp(l_spellings *sp)
{
    return (uint32_t *)((char *)(sp + 1) + (sp->n_nodes * 27 * sizeof(uint16_t) + 7) / 8 * 8);
}

static int32_t *sp_seen_variant(l_spellings *sp)
{
    return (int32_t *)(sp_seen_stamp(sp) + sp->n_ids);
}

static sp_slot *sp_slots(l_spellings *sp)
{
    return (sp_slot *)(sp_seen_variant(sp) + sp->n_ids);
}

static char *sp_blob(l_spellings *sp)
{
    return (char *)(sp_slots(sp) + sp->cap);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SP_SWAR 1 /* eight bytes at a time: the first of a string is the low byte of a load */
#endif

#ifdef SP_SWAR
/* The high bit of each byte of v (eight bytes of text) that is an ASCII
 * letter: c | 32 in 'a'..'z' (no carry crosses a byte: each sum is under
 * 0x100), and not a byte >= 0x80. */
static inline uint64_t letter_bits(uint64_t v)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu, high = 0x8080808080808080u;
    uint64_t x = (v | 0x2020202020202020u) & low7;
    uint64_t ge_a = x + 0x1F1F1F1F1F1F1F1Fu;   /* high bit: x >= 'a' */
    uint64_t past_z = x + 0x0505050505050505u; /* high bit: x > 'z' */
    return ge_a & ~past_z & ~v & high;
}
#endif

/* The first byte at or after i that is (letter true) or is not (false) an
 * ASCII letter; n when there is none. */
static size_t sp_skip(const char *s, size_t n, size_t i, bool letter)
{
#ifdef SP_SWAR
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = letter_bits(v);
        if (!letter)
            m = ~m & 0x8080808080808080u;
        if (m)
            return i + ((size_t)__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && fl_ascii_letter((unsigned char)s[i]) != letter)
        i++;
    return i;
}

/* The end of a word whose letters end at `end`: it goes on over hyphens
 * when a letter follows them ("well-known", "follow--up"). */
static inline size_t sp_hyphens(const char *s, size_t n, size_t end)
{
    if (end < n && s[end] == '-')
        for (size_t i = end;;) {
            while (i < n && s[i] == '-')
                i++;
            if (i == end || i >= n || !fl_ascii_letter((unsigned char)s[i]))
                break;
            i = end = sp_skip(s, n, i, false);
        }
    return end;
}

/* The letters of s[base..base + 64): bit k set when s[base + k] is an
 * ASCII letter (none past n). */
static uint64_t sp_letters(const char *s, size_t n, size_t base)
{
    uint64_t m = 0;
#ifdef SP_SWAR
    if (n - base >= 64) {
        for (int k = 0; k < 8; k++) {
            uint64_t v;
            memcpy(&v, s + base + 8 * k, 8);
            /* the eight high bits gathered into one byte */
            m |= ((letter_bits(v) >> 7) * 0x0102040810204080u >> 56) << (8 * k);
        }
        return m;
    }
#endif
    size_t end = n - base < 64 ? n : base + 64;
    for (size_t i = base; i < end; i++)
        m |= (uint64_t)fl_ascii_letter((unsigned char)s[i]) << (i - base);
    return m;
}

/* The words of a text, as next_word in lua_wordset.c finds them (a letter,
 * then letters and hyphens, ending on a letter; one letter alone is not a
 * word), found from a mask of the letters of 64 bytes at a time. */
typedef struct sp_words {
    const char *s;
    size_t n;
    size_t base;   /* the window's first byte */
    uint64_t mask; /* sp_letters at base */
    size_t pos;    /* where the next word is looked for */
} sp_words;

static bool sp_next_word(sp_words *it, size_t *first, size_t *last)
{
    const char *s = it->s;
    size_t n = it->n;
    while (it->pos < n) {
        size_t off = it->pos - it->base;
        if (off >= 64) {
            it->base = it->pos;
            it->mask = sp_letters(s, n, it->base);
            off = 0;
        }
        uint64_t rest = it->mask >> off << off;
        if (!rest) {
            it->pos = it->base + 64;
            continue;
        }
        size_t a = (size_t)__builtin_ctzll(rest);
        uint64_t after = ~it->mask & (~(uint64_t)0 << a);
        size_t start = it->base + a;
        size_t end =
            after ? it->base + (size_t)__builtin_ctzll(after) : sp_skip(s, n, it->base + 64, false);
        end = sp_hyphens(s, n, end);
        it->pos = end;
        if (end - start >= 2) {
            *first = start;
            *last = end;
            return true;
        }
    }
    return false;
}

/* The filter bit of a word (any case) from its length and its first and
 * last two bytes: most words of a text are answered by it without a hash
 * of the whole word. */
static uint32_t sp_filter_bit(const char *w, size_t n)
{
    uint16_t first, last; /* (two bytes each, in one load) */
    memcpy(&first, w, 2);
    memcpy(&last, w + n - 2, 2);
    uint64_t k = (uint64_t)n | (uint64_t)(first | 0x2020) << 8 | (uint64_t)(last | 0x2020) << 24;
    return (uint32_t)((k * 0x9E3779B97F4A7C15u) >> 48);
}

static bool sp_filter_has(const l_spellings *sp, const char *w, size_t n)
{
    uint32_t b = sp_filter_bit(w, n);
    return sp->filter[b >> 6] >> (b & 63) & 1;
}

static sp_slot *sp_lookup(l_spellings *sp, const char *low, size_t n, uint32_t h)
{
    sp_slot *sl = sp_slots(sp);
    const char *blob = sp_blob(sp);
    for (size_t i = h & (sp->cap - 1);; i = (i + 1) & (sp->cap - 1)) {
        if (!sl[i].off)
            return NULL;
        if (sl[i].hash == h && sl[i].len == n && !memcmp(blob + sl[i].off - 1, low, n))
            return &sl[i];
    }
}

/* The id of the string at the top of the stack (popped) in the table at
 * idx, made the next id when it has none and next is not NULL; -1 when it
 * has none. */
static int32_t sp_id(lua_State *L, int idx, size_t *next)
{
    lua_pushvalue(L, -1);
    if (lua_rawget(L, idx) == LUA_TNUMBER) {
        int32_t id = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 2);
        return id;
    }
    lua_pop(L, 1);
    if (!next) {
        lua_pop(L, 1);
        return -1;
    }
    lua_pushinteger(L, (lua_Integer)*next);
    lua_rawset(L, idx);
    return (int32_t)(*next)++;
}

/* classify's answer for the lowercase word low[0..n), remembered in the
 * memo table (upvalue 2): the family and variant ids, false when none. */
static bool sp_classify(lua_State *L, l_spellings *sp, const char *low, size_t n, int32_t *family,
                        int32_t *variant)
{
    lua_pushlstring(L, low, n);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
        lua_Integer v = lua_tointeger(L, -1);
        bool known = lua_toboolean(L, -1);
        lua_pop(L, 2);
        *family = (int32_t)(v >> 20);
        *variant = (int32_t)(v & 0xFFFFF);
        return known;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(3));
    lua_pushvalue(L, -2);
    lua_call(L, 1, 2);
    bool keep = sp->memo_n < SP_MEMO_MAX;
    if (!lua_toboolean(L, -2)) {
        lua_pop(L, 2);
        lua_pushboolean(L, 0);
        if (keep) {
            lua_rawset(L, lua_upvalueindex(2));
            sp->memo_n++;
        } else {
            lua_pop(L, 2);
        }
        return false;
    }
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "spellings: classify('%s') must return a family and a variant (strings)",
                   lua_tostring(L, -3));
    int32_t ids[2];
    for (int k = 0; k < 2; k++) {
        lua_pushvalue(L, -2 + k);
        ids[k] = sp_id(L, lua_upvalueindex(4), NULL);
        if (ids[k] < 0) {
            lua_pushvalue(L, -2 + k);
            ids[k] = sp_id(L, lua_upvalueindex(5), &sp->next_id);
        }
    }
    lua_pop(L, 2);
    if (keep) {
        lua_pushinteger(L, (lua_Integer)ids[0] << 20 | ids[1]);
        lua_rawset(L, lua_upvalueindex(2));
        sp->memo_n++;
    } else {
        lua_pop(L, 1);
    }
    *family = ids[0];
    *variant = ids[1];
    return true;
}

/* Whether the word w[0..n) of the text (any case) ends with one of the
 * endings and is longer. */
static bool sp_has_ending(l_spellings *sp, const char *w, size_t n)
{
    uint16_t(*trie)[27] = sp_trie(sp);
    size_t node = 0;
    for (size_t k = 1; k < n; k++) {
        unsigned char c = (unsigned char)w[n - k];
        if (!fl_ascii_letter(c) || !(node = trie[node][(c | 32) - 'a']))
            return false;
        if (trie[node][26])
            return true;
    }
    return false;
}

/* After a word that ends at s[at]: white space, then second exactly, then
 * no letter (Lua's "^%s+SECOND%f[%A]"). */
static bool sp_pair_follows(const sp_pair *p, const char *s, size_t n, size_t at)
{
    size_t i = at;
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    return i > at && n - i >= p->second_len && !memcmp(s + i, p->second, p->second_len) &&
           (i + p->second_len == n || !fl_ascii_letter((unsigned char)s[i + p->second_len]));
}

/* What scan does with the word s[start..end) of a text of n bytes (2 to
 * SP_WORD_MAX bytes): 1 when its family was seen in the text with another
 * variant, else 0 (the family and variant remembered). */
static int sp_scan_word(lua_State *L, l_spellings *sp, const char *s, size_t n, size_t start,
                        size_t end, bool endings)
{
    uint32_t *seen = sp_seen_stamp(sp);
    int32_t *seen_variant = sp_seen_variant(sp);
    char low[SP_WORD_MAX];
    size_t len = end - start;
    if (len > SP_WORD_MAX)
        return 0;
    const char *w = s + start;
    int32_t family = -1, variant = -1;
    if ((sp->lengths >> (len & 63) & 1) && sp_filter_has(sp, w, len)) {
        sp_slot *slot = sp_lookup(sp, low, len, fl_lower_fnv(low, w, len));
        if (slot) {
            if (slot->pair >= 0 && sp_pair_follows(&sp->pairs[slot->pair], s, n, end)) {
                family = sp->pairs[slot->pair].family;
                variant = sp->pairs[slot->pair].variant;
            } else {
                family = slot->family;
                variant = slot->variant;
            }
        }
    }
    if (family < 0 && endings && sp_has_ending(sp, w, len)) {
        fl_lower_fnv(low, w, len);
        if (!sp_classify(L, sp, low, len, &family, &variant))
            return 0;
        seen = sp_seen_stamp(sp);
        seen_variant = sp_seen_variant(sp);
    }
    if (family < 0)
        return 0;
    if ((size_t)family >= sp->n_ids) {
        /* more new families in this text than the arrays hold (a text
         * with thousands of words for classify): a table for those */
        if (lua_gettop(L) == 1)
            lua_newtable(L);
        if (lua_rawgeti(L, 2, family) == LUA_TNIL) {
            lua_pushinteger(L, variant);
            lua_rawseti(L, 2, family);
        } else if (lua_tointeger(L, -1) != variant) {
            return 1;
        }
        lua_pop(L, 1);
        return 0;
    }
    if (seen[family] != sp->stamp) {
        seen[family] = sp->stamp;
        seen_variant[family] = variant;
    } else if (seen_variant[family] != variant) {
        return 1;
    }
    return 0;
}

/* The ASCII letters of s[base..base + 64) of a text of n bytes, one bit a
 * byte (none past n). */
static uint64_t sp_letter_mask(const char *s, size_t n, size_t base)
{
#if defined(__SSE2__)
    const unsigned char *p = (const unsigned char *)s + base;
    unsigned char pad[64];
    if (n - base < 64) {
        memset(pad, ' ', sizeof pad);
        memcpy(pad, p, n - base);
        p = pad;
    }
    uint64_t m = 0;
    for (int q = 0; q < 64; q += 16) {
        /* as rp_chunk: c | 0x20 in a-z, in one signed compare */
        __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + q)), _mm_set1_epi8(0x20));
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(
                 _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'a'))),
                                _mm_set1_epi8((char)(26 - 0x80))))
             << q;
    }
    return m;
#else
    return sp_letters(s, n, base);
#endif
}

static int sp_scan(lua_State *L)
{
    size_t n;
    const char *s;
    if (lua_type(L, 1) == LUA_TUSERDATA) { /* the article: no string of its text is made */
        const fl_article *a = fl_lua_current_article(L, 1, NULL);
        s = a->text;
        n = a->text_len;
    } else {
        s = luaL_checklstring(L, 1, &n);
    }
    l_spellings *sp = lua_touserdata(L, lua_upvalueindex(1));
    bool endings = sp->n_nodes > 1 && !lua_toboolean(L, 2);
    if (endings && sp->n_needs) {
        endings = false;
        for (size_t k = 0; k < sp->n_needs && !endings; k++)
            endings = memchr(s, sp->needs[k], n) != NULL;
    }
    lua_settop(L, 1);
    if (sp->memo_n >= SP_MEMO_MAX || sp->next_id >= sp->n_ids) { /* forget classify's answers */
        lua_newtable(L);
        lua_replace(L, lua_upvalueindex(2));
        lua_newtable(L);
        lua_replace(L, lua_upvalueindex(5));
        sp->memo_n = 0;
        sp->next_id = sp->n_fixed;
    }
    if (++sp->stamp == 0) {
        memset(sp_seen_stamp(sp), 0, sp->n_ids * sizeof(uint32_t));
        sp->stamp = 1;
    }
    /* The words as sp_next_word finds them, from the letters of 64 bytes at
     * a time: each run of letters that starts at or after the end of the
     * word before (pos), with the runs its hyphens join to it. */
    size_t pos = 0;
    uint64_t prev = 0; /* the last byte of the 64 before is a letter */
    for (size_t base = 0; base < n; base += 64) {
        uint64_t letters = sp_letter_mask(s, n, base);
        uint64_t starts = letters & ~(letters << 1 | prev);
        prev = letters >> 63;
        for (; starts; starts &= starts - 1) {
            unsigned a = (unsigned)__builtin_ctzll(starts);
            size_t start = base + a;
            if (start < pos)
                continue;
            uint64_t after = ~letters & (~(uint64_t)0 << a);
            size_t end =
                after ? base + (size_t)__builtin_ctzll(after) : sp_skip(s, n, base + 64, false);
            end = sp_hyphens(s, n, end);
            pos = end;
            size_t len = end - start;
            if (len < 2 || len > SP_WORD_MAX)
                continue;
            /* most words: not listed (by the filter), and no ending looked at */
            if (!endings && !((sp->lengths >> (len & 63) & 1) && sp_filter_has(sp, s + start, len)))
                continue;
            if (sp_scan_word(L, sp, s, n, start, end, endings)) {
                lua_pushboolean(L, 1);
                return 1;
            }
        }
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* Checks that the string at idx is a lowercase word of min to max bytes for
 * spellings (with no space when stem is true) and returns it. */
static const char *sp_check_word(lua_State *L, int idx, size_t *len, size_t min, size_t max,
                                 bool stem, const char *what)
{
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_error(L, "spellings: %s %s is not a string", what, luaL_typename(L, idx));
    const char *w = lua_tolstring(L, idx, len);
    if (*len < min || *len > max)
        luaL_error(L, "spellings: %s '%s' has %d bytes (%d to %d allowed)", what, w, (int)*len,
                   (int)min, (int)max);
    for (size_t i = 0; i < *len; i++)
        if ((w[i] >= 'A' && w[i] <= 'Z') || (stem && w[i] == ' '))
            luaL_error(L, "spellings: %s '%s' is not %s", what, w,
                       w[i] == ' ' ? "one word" : "lowercase");
    return w;
}

/* Adds the lowercase word of n bytes (2 to SP_WORD_MAX) written at the
 * end of sp's blob (*used: the bytes in use), whose fl_lower_fnv is h, to
 * the slots, with the family and variant ids when family >= 0 (in place of
 * those it has when replace is true), and returns its slot. */
static sp_slot *sp_add_hashed(l_spellings *sp, size_t *used, size_t n, uint32_t h, int32_t family,
                              int32_t variant, bool replace)
{
    const char *blob = sp_blob(sp), *w = blob + *used;
    sp_slot *sl = sp_slots(sp), *slot = NULL;
    size_t k = h & (sp->cap - 1);
    for (; sl[k].off && !slot; k = (k + 1) & (sp->cap - 1))
        if (sl[k].hash == h && sl[k].len == n && !memcmp(blob + sl[k].off - 1, w, n))
            slot = &sl[k];
    if (!slot) {
        slot = &sl[k];
        slot->hash = h;
        slot->off = (uint32_t)*used + 1;
        slot->len = (uint32_t)n;
        slot->family = slot->variant = slot->pair = -1;
        *used += n;
        sp->lengths |= (uint64_t)1 << (n & 63);
        uint32_t b = sp_filter_bit(w, n);
        sp->filter[b >> 6] |= (uint64_t)1 << (b & 63);
    }
    if (family >= 0 && (replace || slot->family < 0)) {
        slot->family = family;
        slot->variant = variant;
    }
    return slot;
}

/* sp_add_hashed of the word w[0..n) (any case). */
static sp_slot *sp_add(l_spellings *sp, size_t *used, const char *w, size_t n, int32_t family,
                       int32_t variant, bool replace)
{
    uint32_t h = fl_lower_fnv(sp_blob(sp) + *used, w, n);
    return sp_add_hashed(sp, used, n, h, family, variant, replace);
}

#define SP_GROUP_ENDINGS_MAX 64 /* endings of one group of stems */

/* Stem group g of the words (at index 1; its fixed ids at index 4): with
 * sp NULL, checks it, gives its families and variants ids (*n_ids the
 * next) and counts its words and bytes (upper bounds) into *words and
 * *bytes; else adds its words to sp. */
static void sp_group(lua_State *L, lua_Integer g, l_spellings *sp, size_t *used, size_t *n_ids,
                     size_t *words, size_t *bytes)
{
    if (lua_rawgeti(L, 1, g) != LUA_TTABLE)
        luaL_error(L, "spellings: group %d is not a table", (int)g);
    int t = lua_gettop(L);
    static const char *const fields[] = {"stems", "endings", "variants"};
    for (int k = 0; k < 3; k++)
        if (lua_getfield(L, t, fields[k]) != LUA_TTABLE)
            luaL_error(L, "spellings: group %d has no table '%s'", (int)g, fields[k]);
    int32_t var[2];
    for (int k = 0; k < 2; k++) {
        lua_rawgeti(L, t + 3, k + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "spellings: group %d needs two variants (strings)", (int)g);
        var[k] = sp_id(L, 4, sp ? NULL : n_ids);
    }
    size_t n_end = lua_rawlen(L, t + 2), end_len[SP_GROUP_ENDINGS_MAX], end_bytes = 0;
    const char *end[SP_GROUP_ENDINGS_MAX];
    if (n_end > SP_GROUP_ENDINGS_MAX)
        luaL_error(L, "spellings: group %d has more than %d endings", (int)g, SP_GROUP_ENDINGS_MAX);
    for (size_t e = 0; e < n_end; e++) {
        lua_rawgeti(L, t + 2, (lua_Integer)e + 1); /* (the list keeps the string) */
        end[e] = sp_check_word(L, -1, &end_len[e], 0, SP_ENDING_MAX, true, "ending");
        end_bytes += end_len[e];
        lua_pop(L, 1);
    }
    char *blob = sp ? sp_blob(sp) : NULL;
    for (lua_pushnil(L); lua_next(L, t + 1); lua_pop(L, 1)) {
        size_t len[2];
        const char *stem[2];
        for (int k = 0; k < 2; k++)
            stem[k] = sp_check_word(L, k - 2, &len[k], 1, SP_WORD_MAX, true, "stem");
        lua_pushvalue(L, -1);
        int32_t family = sp_id(L, 4, sp ? NULL : n_ids);
        if (!sp) {
            *words += 2 * n_end;
            *bytes += (len[0] + len[1]) * n_end + 2 * end_bytes;
            continue;
        }
        /* each word is written where the blob ends, its hash carried on
         * from the stem's (the stems and endings are lowercase) */
        for (int k = 0; k < 2 && n_end; k++) {
            uint32_t hs = fl_lower_fnv(blob + *used, stem[k], len[k]);
            for (size_t e = 0; e < n_end; e++) {
                size_t n = len[k] + end_len[e];
                if (n > SP_WORD_MAX)
                    luaL_error(L, "spellings: '%s' + '%s' is over %d bytes", stem[k], end[e],
                               SP_WORD_MAX);
                if (n < 2)
                    continue; /* (a scan finds no word of one letter) */
                char *w = blob + *used;
                memcpy(w, stem[k], len[k]);
                uint32_t h = hs;
                for (size_t i = 0; i < end_len[e]; i++) {
                    unsigned char c = (unsigned char)end[e][i];
                    w[len[k] + i] = (char)c;
                    h = (h ^ c) * 16777619u;
                }
                sp_add_hashed(sp, used, n, h, family, var[k], false);
            }
        }
    }
    lua_settop(L, t - 1);
}

/* lookup(word): the family and variant of a listed word, or nil. */
static int sp_find(lua_State *L)
{
    size_t n;
    const char *w = luaL_checklstring(L, 1, &n);
    l_spellings *sp = lua_touserdata(L, lua_upvalueindex(1));
    const char *space = memchr(w, ' ', n);
    size_t first = space ? (size_t)(space - w) : n;
    int32_t family = -1, variant = -1;
    char low[SP_WORD_MAX];
    sp_slot *slot = first >= 2 && first <= SP_WORD_MAX
                        ? sp_lookup(sp, low, first, fl_lower_fnv(low, w, first))
                        : NULL;
    if (slot && !space) {
        family = slot->family;
        variant = slot->variant;
    } else if (slot && slot->pair >= 0) {
        const sp_pair *p = &sp->pairs[slot->pair];
        if (n - first - 1 == p->second_len && !memcmp(space + 1, p->second, p->second_len)) {
            family = p->family;
            variant = p->variant;
        }
    }
    if (family < 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_rawgeti(L, lua_upvalueindex(2), family + 1);
    lua_rawgeti(L, lua_upvalueindex(2), variant + 1);
    return 2;
}

static int sp_gmatch_iter(lua_State *L)
{
    l_spellings *sp = lua_touserdata(L, lua_upvalueindex(1));
    size_t n;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &n);
    size_t pos = (size_t)lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer prev_first = lua_tointeger(L, lua_upvalueindex(4)); /* 1-based, 0: none */
    lua_Integer prev_last = lua_tointeger(L, lua_upvalueindex(5));
    sp_words it = {s, n, pos, sp_letters(s, n, pos), pos};
    size_t first, last;
    char low[SP_WORD_MAX];
    while (sp_next_word(&it, &first, &last)) {
        size_t len = last - first;
        const char *w = s + first;
        if (len <= SP_WORD_MAX && (((sp->lengths >> (len & 63) & 1) && sp_filter_has(sp, w, len) &&
                                    sp_lookup(sp, low, len, fl_lower_fnv(low, w, len))) ||
                                   (sp->n_nodes > 1 && sp_has_ending(sp, w, len)))) {
            fl_lower_fnv(low, w, len);
            return fl_gmatch_yield(L, s, last, first, last, low, prev_first, prev_last);
        }
        prev_first = (lua_Integer)first + 1;
        prev_last = (lua_Integer)last;
    }
    return fl_gmatch_done(L, n);
}

/* gmatch(text): the iterator over the words of text that scan looks at. */
static int sp_gmatch(lua_State *L)
{
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, sp_gmatch_iter, 5);
    return 1;
}

/***
 * factlint.util.spellings(words [, endings, classify [, needs]]) -> scan, lookup, gmatch
 *
 * A scanner that tells whether a text spells a word two ways: `words` maps
 * lowercase words (at most 64 bytes each) to tables with string fields
 * `family` and `variant` ("colour" -> `{family = "color", variant =
 * "british"}`); a key of two words with one space between them ("per
 * cent") matches the first word followed by white space, the second
 * exactly as written and no letter after it.  The list part of `words`
 * holds groups of stems that take endings, made into words in C:
 * `{stems = {colour = "color", ...}, endings = {"", "s", "ed", ...},
 * variants = {"british", "american"}}` gives each key followed by each
 * ending (at most 64 endings of up to 16 bytes, "" for the stem alone) the
 * variant `variants[1]` and each value followed by each ending
 * `variants[2]`, both of the family named by the value ("colours" and
 * "colors" of family "color"); stems are lowercase single words.  A word
 * given twice keeps the family and variant it was first given: the keys'
 * before the groups', an earlier group's before a later one's (within one
 * group the order is not set).  With `endings` (a list of
 * lowercase ASCII endings, at most 16 bytes each) and `classify`, a word
 * not in `words` that is longer than an ending and ends with it is passed
 * to `classify(word)` (lowercase), which returns its family and variant,
 * or nil; the answers are remembered (the last few thousand words).
 * `needs` (at most 8 bytes) skips the endings in texts that have none of
 * its bytes ("zZ" when a family of the endings needs a "z" spelling to
 * have two).  `scan(text [, words_only])` is true when two words of the
 * text (as wordset:gmatch finds them) have one family and different
 * variants; `text` may be the article handle of the current check (its
 * whole text, without making a string of it), and `words_only` leaves the
 * endings out.  One pass in C over a mask of the letters, which answers
 * most words from a bit filter on their length and first and last letters
 * without hashing them.  `lookup(word)` returns the family and variant of
 * a word of `words` or its groups (any case; a two-word entry as listed,
 * "per cent"), or nil; classify is not asked.  `gmatch(text)` is
 * wordset:gmatch over the words that scan looks at (those of `words` and
 * its groups, the first words of two-word entries, and the words that end
 * with one of `endings`, whatever `needs` says): `for first, last, word,
 * prev_last, prev_word in gmatch(text) do ... end`.
 */
static int u_spellings(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    bool has_endings = !lua_isnoneornil(L, 2);
    if (has_endings) {
        luaL_checktype(L, 2, LUA_TTABLE);
        luaL_checktype(L, 3, LUA_TFUNCTION);
    }
    size_t n_needs = 0;
    const char *needs = luaL_optlstring(L, 4, "", &n_needs);
    if (n_needs > sizeof((l_spellings *)0)->needs)
        return luaL_argerror(L, 4, "at most 8 bytes");
    char needs_copy[8];
    memcpy(needs_copy, needs, n_needs);
    lua_settop(L, 3);
    lua_newtable(L); /* 4: fixed ids: the families and variants of words */
    lua_newtable(L); /* 5: record table -> its family and variant ids, packed */
    lua_Integer n_groups = (lua_Integer)lua_rawlen(L, 1);
    size_t n_words = 0, bytes = 0, n_ids = 0;
    for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
        if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= n_groups)
            continue; /* (a group) */
        size_t len;
        sp_check_word(L, -2, &len, 1, 2 * SP_WORD_MAX + 1, false, "word");
        if (!lua_istable(L, -1))
            return luaL_error(L, "spellings: the value of a word is not a table");
        n_words++;
        bytes += len;
        lua_pushvalue(L, -1);
        if (lua_rawget(L, 5) != LUA_TNIL) { /* (words share records) */
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        int32_t fv[2];
        for (int k = 0; k < 2; k++) {
            if (lua_getfield(L, -1, k ? "variant" : "family") != LUA_TSTRING)
                return luaL_error(L, "spellings: a word's %s is not a string",
                                  k ? "variant" : "family");
            fv[k] = sp_id(L, 4, &n_ids);
        }
        lua_pushvalue(L, -1);
        lua_pushinteger(L, (lua_Integer)fv[0] << 20 | fv[1]);
        lua_rawset(L, 5);
    }
    for (lua_Integer g = 1; g <= n_groups; g++)
        sp_group(L, g, NULL, NULL, &n_ids, &n_words, &bytes);
    size_t n_nodes = 1;
    lua_Integer n_endings = has_endings ? luaL_len(L, 2) : 0;
    for (lua_Integer e = 1; e <= n_endings; e++) {
        lua_rawgeti(L, 2, e);
        size_t len;
        const char *w = sp_check_word(L, -1, &len, 1, SP_ENDING_MAX, false, "ending");
        for (size_t i = 0; i < len; i++)
            if (w[i] < 'a' || w[i] > 'z')
                return luaL_error(L, "spellings: ending '%s' is not ASCII letters", w);
        n_nodes += len;
        lua_pop(L, 1);
    }
    if (n_nodes > UINT16_MAX || n_ids >= 0xFFFFF - 2 * SP_MEMO_MAX || n_words > 0x3FFFFFFF ||
        bytes >= UINT32_MAX)
        return luaL_error(L, "spellings: too many words, endings or families");
    size_t cap = 8;
    while (cap < 2 * n_words)
        cap *= 2;
    size_t ids = n_ids + 2 * SP_MEMO_MAX;
    size_t size = sizeof(l_spellings) + (n_nodes * 27 * sizeof(uint16_t) + 7) / 8 * 8 +
                  ids * (sizeof(uint32_t) + sizeof(int32_t)) + cap * sizeof(sp_slot) + bytes;
    l_spellings *sp = lua_newuserdatauv(L, size, 0); /* 6 */
    memset(sp, 0, sizeof(l_spellings));
    sp->cap = cap;
    sp->n_ids = ids;
    sp->n_fixed = sp->next_id = n_ids;
    sp->n_nodes = n_nodes;
    /* zeroed: the trie, the stamps and the slots (not the variants a
     * stamp makes valid, nor the blob) */
    memset(sp_trie(sp), 0, (size_t)((char *)sp_seen_variant(sp) - (char *)sp_trie(sp)));
    memset(sp_slots(sp), 0, cap * sizeof(sp_slot));
    memcpy(sp->needs, needs_copy, n_needs);
    sp->n_needs = n_needs;
    /* the endings, reversed, into the trie */
    uint16_t(*trie)[27] = sp_trie(sp);
    size_t used_nodes = 1;
    for (lua_Integer e = 1; e <= n_endings; e++) {
        lua_rawgeti(L, 2, e);
        size_t len;
        const char *w = lua_tolstring(L, -1, &len);
        size_t node = 0;
        for (size_t k = len; k-- > 0;) {
            uint16_t *next = &trie[node][w[k] - 'a'];
            if (!*next)
                *next = (uint16_t)used_nodes++;
            node = *next;
        }
        trie[node][26] = 1;
        lua_pop(L, 1);
    }
    size_t used = 0;
    for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
        if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= n_groups)
            continue;
        size_t len;
        const char *w = lua_tolstring(L, -2, &len);
        lua_pushvalue(L, -1);
        lua_rawget(L, 5);
        lua_Integer packed = lua_tointeger(L, -1);
        lua_pop(L, 1);
        int32_t fv[2] = {(int32_t)(packed >> 20), (int32_t)(packed & 0xFFFFF)};
        const char *space = memchr(w, ' ', len);
        size_t first = space ? (size_t)(space - w) : len;
        if (space) {
            size_t second = len - first - 1;
            if (!first || first > SP_WORD_MAX || !second || second > SP_WORD_MAX ||
                memchr(space + 1, ' ', second))
                return luaL_error(L, "spellings: '%s' is not two words", w);
            if (sp->n_pairs == SP_PAIRS_MAX)
                return luaL_error(L, "spellings: more than %d two-word entries", SP_PAIRS_MAX);
            sp_pair *p = &sp->pairs[sp->n_pairs];
            memcpy(p->second, space + 1, second);
            p->second_len = second;
            p->family = fv[0];
            p->variant = fv[1];
        } else if (len > SP_WORD_MAX) {
            return luaL_error(L, "spellings: word '%s' has %d bytes (1 to %d allowed)", w, (int)len,
                              SP_WORD_MAX);
        }
        if (first < 2)
            continue; /* (a scan finds no word of one letter) */
        sp_slot *slot = sp_add(sp, &used, w, first, space ? -1 : fv[0], fv[1], true);
        if (space) {
            if (slot->pair >= 0)
                return luaL_error(L, "spellings: two entries of two words start with '%s'",
                                  sp_blob(sp) + slot->off - 1);
            slot->pair = (int32_t)sp->n_pairs++;
        }
    }
    for (lua_Integer g = 1; g <= n_groups; g++)
        sp_group(L, g, sp, &used, NULL, NULL, NULL);
    /* 7: the fixed ids' names, id + 1 -> string (for lookup) */
    lua_createtable(L, (int)n_ids, 0);
    for (lua_pushnil(L); lua_next(L, 4); lua_pop(L, 1)) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, 7, lua_tointeger(L, -2) + 1);
    }
    lua_pushvalue(L, 6);
    lua_newtable(L); /* the memo */
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 4);
    lua_newtable(L); /* the ids of classify's answers */
    lua_pushcclosure(L, sp_scan, 5);
    lua_pushvalue(L, 6);
    lua_pushvalue(L, 7);
    lua_pushcclosure(L, sp_find, 2);
    lua_pushvalue(L, 6);
    lua_pushcclosure(L, sp_gmatch, 1);
    return 3;
}

static const luaL_Reg util_text_funcs[] = {
    {"paragraph_repeats", u_paragraph_repeats},
    {"spellings", u_spellings},
    {NULL, NULL},
};

void fl_lua_open_util_text(lua_State *L)
{
    luaL_setfuncs(L, util_text_funcs, 0);
}
