#include "core/fact.h"

#include "core/alloc.h"
#include "core/article.h"
#include "core/jsonesc.h"
#include "core/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Forced inline (the writer's helpers). */
#define FL_INLINE inline __attribute__((always_inline))

static const char *const kind_names[FL_FACT_KIND_COUNT] = {
    "quote", "money", "quantity", "percent", "duration", "date", "person", "org", "place"};

const char *fl_fact_kind_name(fl_fact_kind k)
{
    return (unsigned)k < FL_FACT_KIND_COUNT ? kind_names[k] : "unknown";
}

int fl_fact_kind_from_name(const char *s)
{
    for (int k = 0; k < FL_FACT_KIND_COUNT; k++)
        if (!strcmp(s, kind_names[k]))
            return k;
    return -1;
}

void fl_facts_init(fl_facts *fs)
{
    memset(fs, 0, sizeof *fs);
}

void fl_facts_release(fl_facts *fs)
{
    fl_free(fs->block);
    fl_arena_release(&fs->arena);
    fl_facts_init(fs);
}

void fl_facts_reset(fl_facts *fs)
{
    fs->n = 0;
    fl_arena_reset(&fs->arena);
}

/* a copy of it clears a new fact in sixteen-byte moves, not a memset and
 * stores */
const fl_fact fl_fact_cleared = {.value = NAN, .value_max = NAN, .link = -1};

/* The items' alignment: a fact (192 bytes) is then three whole cache lines. */
#define ITEMS_ALIGN 64
/* The first growth's room: 256 facts (48 KiB), more than most articles
 * have.  From 8, each list (the pipeline keeps 32 a worker, from article to
 * article) doubled four or five times, each time into new memory with a
 * copy of the old, and the copies touched pages (page faults) that one
 * block, touched only where facts are written, does not. */
#define FIRST_CAP 256

fl_fact *fl_facts_add_grow(fl_facts *fs, fl_fact_kind kind, size_t offset, size_t length)
{
    /* (fl_grow's doubling, into a block of our own: fl_realloc's memory is
     * only 16-byte aligned) */
    size_t cap = fl_grow_cap(fs->cap, fs->n + 1, FIRST_CAP, sizeof *fs->items);
    if (!cap || cap > (SIZE_MAX - ITEMS_ALIGN) / sizeof *fs->items)
        return NULL;
    void *block = fl_malloc(cap * sizeof *fs->items + ITEMS_ALIGN - 1);
    if (!block)
        return NULL;
    fl_fact *items =
        (fl_fact *)(void *)(((uintptr_t)block + ITEMS_ALIGN - 1) & ~(uintptr_t)(ITEMS_ALIGN - 1));
    if (fs->n)
        memcpy(items, fs->items, fs->n * sizeof *items);
    fl_free(fs->block);
    fs->block = block;
    fs->items = items;
    fs->cap = cap;
    return fl_facts_add(fs, kind, offset, length);
}

/* Whether a comes before b: by offset, then kind, then the longer first.
 * Computed as a value from the three compares (no branch on them): the
 * order of two facts is data the branch predictor cannot learn. */
static inline bool fact_before(const fl_fact *a, const fl_fact *b)
{
    return (a->offset < b->offset) |
           ((a->offset == b->offset) &
            ((a->kind < b->kind) | ((a->kind == b->kind) & (a->length > b->length))));
}

/* A fact's place in the order as one integer: its offset, its kind, its
 * length's complement (the longer first), then its index in the list.  Keys
 * are all different and compare as fact_before compares facts, ties by
 * position (the stable order) -- when the offset is under 2^32, the kind
 * under 16, the length under 2^16 and the index under 2^12 (every article's
 * facts in practice): fact_key_over is not 0 when a fact's are not.  A merge
 * on keys moves and compares the keys themselves, one load each, not
 * indices and then the keys or facts they point to. */
#define KEY_LEN_BITS 16
#define KEY_IDX_BITS 12
#define KEY_IDX_MAX  ((size_t)1 << KEY_IDX_BITS)
static inline uint64_t fact_key_over(const fl_fact *f)
{
    return (uint64_t)f->offset >> 32 | (unsigned)f->kind >> 4 | f->length >> KEY_LEN_BITS;
}
static inline uint64_t fact_key(const fl_fact *f, size_t i)
{
    const uint64_t len_max = ((uint64_t)1 << KEY_LEN_BITS) - 1;
    return (uint64_t)f->offset << 32 |
           (uint64_t)((unsigned)f->kind & 15) << (KEY_LEN_BITS + KEY_IDX_BITS) |
           (len_max - (f->length & len_max)) << KEY_IDX_BITS | i;
}

/* Sorts keys[0..n) (all different) in place through tmp: a natural merge
 * sort.  The facts come in sorted runs (each extractor's in text order),
 * starting at runs[0..n_runs) (runs[n_runs] is n); each pass merges
 * neighbouring runs pairwise, so four runs take two passes.  The merge
 * takes the smaller key by a select, not a branch: which side is next is
 * data the branch predictor cannot learn. */
static void sort_keys(uint64_t *keys, uint64_t *tmp, uint32_t *runs, size_t n_runs, size_t n)
{
    uint64_t *src = keys, *dst = tmp;
    while (n_runs > 1) {
        size_t out = 0;
        for (size_t r = 0; r < n_runs; r += 2) {
            size_t lo = runs[r], mid = runs[r + 1], hi = r + 2 <= n_runs ? runs[r + 2] : mid;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                uint64_t x = src[i], y = src[j];
                bool from_j = y < x;
                dst[k++] = from_j ? y : x;
                j += from_j;
                i += !from_j;
            }
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
            runs[out++] = (uint32_t)lo;
        }
        runs[out] = (uint32_t)n;
        n_runs = out;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != keys)
        memcpy(keys, src, n * sizeof *keys);
}

/* Sorts idx[0..n) (indices into items, in order at first) stably by
 * fact_before, as sort_keys sorts keys: for the lists whose facts have no
 * keys. */
static void sort_indices(const fl_fact *items, uint64_t *idx, uint64_t *tmp, uint32_t *runs,
                         size_t n_runs, size_t n)
{
    uint64_t *src = idx, *dst = tmp;
    while (n_runs > 1) {
        size_t out = 0;
        for (size_t r = 0; r < n_runs; r += 2) {
            size_t lo = runs[r], mid = runs[r + 1], hi = r + 2 <= n_runs ? runs[r + 2] : mid;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                /* from j only when strictly before the next from i (stable) */
                size_t from_j = fact_before(&items[src[j]], &items[src[i]]);
                dst[k++] = src[i + ((j - i) & (0 - from_j))];
                j += from_j;
                i += 1 - from_j;
            }
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
            runs[out++] = (uint32_t)lo;
        }
        runs[out] = (uint32_t)n;
        n_runs = out;
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
}

/* Moves each fact to its place, where order[k] & mask is the index of the
 * fact that goes to position k: a cycle of the permutation at a time,
 * order[j] = j marking position j done (a fact already in its place reads
 * the same).  With links, where[i] is then the new position of fact i. */
static void move_facts(fl_fact *items, uint64_t *order, uint64_t mask, uint32_t *where, bool links,
                       size_t n)
{
    if (links)
        for (size_t k = 0; k < n; k++)
            where[order[k] & mask] = (uint32_t)k;
    for (size_t i = 0; i < n; i++) {
        if ((order[i] & mask) == i)
            continue;
        fl_fact held = items[i];
        size_t j = i;
        for (;;) {
            size_t k = (size_t)(order[j] & mask);
            order[j] = j;
            if (k == i) {
                items[j] = held;
                break;
            }
            items[j] = items[k];
            j = k;
        }
    }
}

fl_status fl_facts_sort(fl_facts *fs)
{
    size_t n = fs->n;
    if (n < 2)
        return FL_OK;
    /* an article has tens of facts: its scratch is on the stack; a longer
     * list is tested for order before scratch is allocated for it.  keys
     * and tmp: n keys (or indices) each; where: n positions; runs: n + 1 */
    uint64_t local_keys[2 * 256];
    uint32_t local[2 * 256 + 1];
    uint64_t *keys = local_keys;
    uint32_t *where = local;
    if (n > 256) {
        size_t i = 1;
        while (i < n && !fact_before(&fs->items[i], &fs->items[i - 1]))
            i++;
        if (i == n)
            return FL_OK;
        if (n > UINT32_MAX - 1 ||
            !(keys = fl_malloc(2 * n * sizeof *keys + (2 * n + 1) * sizeof *where)))
            return FL_ENOMEM; /* unsorted but intact */
        where = (uint32_t *)(void *)(keys + 2 * n);
    }
    uint64_t *tmp = keys + n;
    uint32_t *runs = where + n;
    /* the keys, whether they fit and whether some fact has a link (money
     * conversions: where[] is made only then) */
    uint64_t over = n > KEY_IDX_MAX;
    bool links = false;
    for (size_t i = 0; i < n; i++) {
        const fl_fact *f = &fs->items[i];
        keys[i] = fact_key(f, i);
        over |= fact_key_over(f);
        links |= f->link >= 0;
    }
    bool fits = !over;
    /* a run starts at each fact that comes before the one ahead of it (the
     * slot past the last run is written and dropped when none does) */
    size_t n_runs = 0;
    runs[n_runs++] = 0;
    if (fits) {
        for (size_t i = 1; i < n; i++) {
            runs[n_runs] = (uint32_t)i;
            n_runs += keys[i] < keys[i - 1];
        }
    } else {
        for (size_t i = 1; i < n; i++) {
            runs[n_runs] = (uint32_t)i;
            n_runs += fact_before(&fs->items[i], &fs->items[i - 1]);
        }
    }
    runs[n_runs] = (uint32_t)n;
    if (n_runs == 1) { /* sorted */
        if (keys != local_keys)
            fl_free(keys);
        return FL_OK;
    }
    if (fits) {
        sort_keys(keys, tmp, runs, n_runs, n);
        move_facts(fs->items, keys, KEY_IDX_MAX - 1, where, links, n);
    } else {
        for (size_t i = 0; i < n; i++)
            keys[i] = i;
        sort_indices(fs->items, keys, tmp, runs, n_runs, n);
        move_facts(fs->items, keys, UINT64_MAX, where, links, n);
    }
    if (links)
        for (size_t i = 0; i < n; i++)
            if (fs->items[i].link >= 0 && (size_t)fs->items[i].link < n)
                fs->items[i].link = (int32_t)where[fs->items[i].link];
    if (keys != local_keys)
        fl_free(keys);
    return FL_OK;
}

/* The characters in text[from..to), as fl_utf8_count counts them: the
 * bytes less their UTF-8 continuation bytes (0x80 to 0xBF, the signed bytes
 * below (char)0xC0).  These spans (between two facts on a line, or from a
 * line's start) are of every length, so the count has no branch on the
 * bytes and one loop: sixteen bytes a step, each step's continuation bytes
 * summed by _mm_sad_epu8, and the last part step read as the sixteen bytes
 * ending at `to` (inside the text: text[to-16..to)) with the bytes before
 * from masked off.  A span ending in the text's first sixteen bytes is
 * counted a byte at a time. */
static inline size_t count_chars(const char *text, size_t from, size_t to)
{
    size_t n = to - from;
#if defined(__SSE2__)
    if (to >= 16) {
        /* tail_keep + k: the last k bytes 1, the others 0 */
        static const unsigned char tail_keep[32] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        const __m128i lim = _mm_set1_epi8((char)0xC0), one = _mm_set1_epi8(1),
                      zero = _mm_setzero_si128();
        __m128i sum = zero;
        size_t i = from;
        for (; i + 16 <= to; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
            sum =
                _mm_add_epi64(sum, _mm_sad_epu8(_mm_and_si128(_mm_cmplt_epi8(x, lim), one), zero));
        }
        /* the to - i (< 16) bytes left, as the last of the sixteen ending at to */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + to - 16));
        __m128i keep = _mm_loadu_si128((const __m128i *)(const void *)(tail_keep + (to - i)));
        sum = _mm_add_epi64(sum, _mm_sad_epu8(_mm_and_si128(_mm_cmplt_epi8(x, lim), keep), zero));
        uint64_t lanes[2];
        _mm_storeu_si128((__m128i *)(void *)lanes, sum);
        size_t cont = (size_t)(lanes[0] + lanes[1]);
        return n - cont;
    }
#else
    if (n >= 16)
        return fl_utf8_count(text + from, n);
#endif
    size_t chars = 0;
    for (size_t i = from; i < to; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    return chars;
}

/* How far text[0..lim) is ASCII, in whole 32-byte steps: an offset at or
 * before its first byte >= 0x80 (lim rounded down when there is none).  A
 * span of text before it has as many characters as bytes, counted without
 * count_chars' loop, whose length the branch predictor cannot learn. */
static size_t ascii_prefix(const char *text, size_t lim)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 32 <= lim; i += 32) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(text + i + 16));
        if (_mm_movemask_epi8(_mm_or_si128(x, y)))
            break;
    }
#else
    while (i < lim && !((unsigned char)text[i] & 0x80))
        i++;
#endif
    return i;
}

void fl_facts_locate(fl_facts *fs, const fl_article *a)
{
    /* facts are sorted by offset: on one line, the column of a fact is the
     * previous fact's column plus the characters between them, so a long
     * line is counted once, not once per fact.  The line, paragraph and
     * sentence are found by walking forward from the previous fact's (they
     * are in order and do not overlap, and none is empty: see article.h), a
     * step or two where a binary search took a dozen; a fact before the
     * previous one starts the walks again from the top.  The article's
     * arrays are read into locals: the stores into facts would otherwise
     * make the compiler load them again for every fact. */
    const char *text = a->text;
    const size_t text_len = a->text_len, n_lines = a->n_lines, n_paras = a->n_paragraphs,
                 n_sents = a->n_sentences;
    const size_t *line_starts = a->line_starts;
    const fl_paragraph *paras = a->paragraphs;
    const fl_sentence *sents = a->sentences;
    const size_t line_base = (size_t)a->line_base;
    size_t prev_line = SIZE_MAX, prev_offset = 0, prev_at = 0;
    uint32_t prev_column = 0;
    size_t li = 0, pi = 0, si = 0;
    /* where the walks stand: the next line's start, the end of the
     * paragraph and of the sentence the last fact was in (0 when it was in
     * none, or after a reset: the walk is then taken, and finds where it
     * stands); most facts are in the previous fact's sentence, which one
     * compare each tells */
    size_t next_line = 0, p_end = 0, s_end = 0;
    uint32_t para = 0, sent = 0;
    /* the facts' text up to the last one's offset is most often ASCII (in
     * BBC's articles, two in three) */
    size_t last = fs->n ? fs->items[fs->n - 1].offset : 0;
    const size_t ascii_end = ascii_prefix(text, last < text_len ? last : text_len);
    for (size_t i = 0; i < fs->n; i++) {
        fl_fact *f = &fs->items[i];
        size_t at = f->offset;
        if (at < prev_at)
            li = pi = si = next_line = p_end = s_end = 0;
        prev_at = at;
        size_t off = at > text_len ? text_len : at;
        if (off >= next_line) {
            while (li + 1 < n_lines && line_starts[li + 1] <= off)
                li++;
            next_line = li + 1 < n_lines ? line_starts[li + 1] : SIZE_MAX;
        }
        f->line = (uint32_t)(li + 1 + line_base);
        if (li == prev_line && off >= prev_offset) {
            f->column =
                prev_column + (uint32_t)(off <= ascii_end ? off - prev_offset
                                                          : count_chars(text, prev_offset, off));
        } else {
            size_t start = n_lines ? line_starts[li] : 0;
            f->column =
                (uint32_t)((off <= ascii_end ? off - start : count_chars(text, start, off)) + 1);
        }
        prev_line = li;
        prev_offset = off;
        prev_column = f->column;
        if (at >= p_end) {
            while (pi < n_paras && at >= paras[pi].offset + paras[pi].length &&
                   !(paras[pi].length == 0 && at == paras[pi].offset))
                pi++;
            bool in_p = pi < n_paras && paras[pi].offset <= at;
            para = in_p ? (uint32_t)(pi + 1) : 0;
            p_end = in_p ? paras[pi].offset + paras[pi].length : 0;
        }
        if (at >= s_end) {
            while (si < n_sents && at >= sents[si].offset + sents[si].length)
                si++;
            bool in_s = si < n_sents && sents[si].offset <= at;
            sent = in_s ? (uint32_t)(si + 1) : 0;
            s_end = in_s ? sents[si].offset + sents[si].length : 0;
        }
        f->paragraph = para;
        f->sentence = sent;
    }
}

/* The writer below is on the hot path of `factlint extract` (one call per
 * fact).  Its output is what printf gave before, byte for byte: integers as
 * %zu/%u, integral values under 9e15 as %.0f, other numbers as %.17g.
 *
 * It writes through a cursor (a local `char *p`, kept in a register) into
 * room reserved in the strbuf.  Room is checked only where a string is
 * written: every check asks for the string's worst case (6 bytes a byte)
 * plus FIXED_ROOM, which is more than the keys, numbers, booleans and nulls
 * written between two strings (at most ~290 bytes: a percent's six
 * positions of up to 20 digits, its value and value_max, its unit and the
 * qualifier's key), so keys and numbers are written without checks. */
#define FIXED_ROOM 384

/* (the writer's helpers below are inline at their call sites too: each
 * call site's key is a literal, so a key's memcpy becomes a few moves) */

/* A string member's last value: the string s, whose escaped bytes were
 * written at buf[at..at+n).  Currency codes, their sources, units,
 * qualifiers, attributions and a date's anchor are a few strings shared by
 * many facts (static names, or the article's one anchor): when a fact has
 * the same pointer as the last fact that had one, its bytes are copied from
 * there instead of measured and escaped again.  The facts are read-only
 * while they are written, so the same pointer is the same string. */
typedef struct seen {
    const char *s; /* NULL until a string was written */
    size_t at, n;
} seen;

typedef struct jw {
    fl_strbuf *sb;
    char *end; /* end of the reserved room (the NUL's byte excluded) */
    /* the shared strings written so far (offsets: the buffer may move) */
    seen currency, currency_source, unit, qualifier, attribution, anchor;
} jw;

/* Grows the buffer so that n bytes fit at p; the new cursor, or NULL when
 * memory ran out. */
static char *jw_grow(jw *w, char *p, size_t n)
{
    w->sb->len = (size_t)(p - w->sb->buf);
    if (fl_strbuf_grow(w->sb, n))
        return NULL;
    w->end = w->sb->buf + w->sb->alloc - 1;
    return w->sb->buf + w->sb->len;
}

/* Room for n bytes at p: p itself, or the cursor in the grown buffer, or NULL. */
static FL_INLINE char *jw_room(jw *w, char *p, size_t n)
{
    return (size_t)(w->end - p) >= n ? p : jw_grow(w, p, n);
}

/* A literal (a key, "null", "true"...) at p: a fixed-size copy. */
#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)
/* ,"key": as a literal */
#define KEY(k) ",\"" k "\":"

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* The digits of v, written from the last, in place. */
static char *put_digits_long(char *p, unsigned long long v)
{
    size_t n = 1;
    for (unsigned long long t = v / 10; t; t /= 10)
        n++;
    char *q = p + n;
    while (v >= 100) {
        q -= 2;
        memcpy(q, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(q - 2, digit_pairs + 2 * v, 2);
    else
        q[-1] = (char)('0' + v);
    return p + n;
}

/* The decimal digits of v (as %llu).  Offsets, lengths, lines, columns,
 * paragraph and sentence numbers are mostly under 10^4 (a branch that
 * changes its way only where an article's offsets pass 9999): their four
 * digits, with leading zeros, are made from two digit pairs in one 32-bit
 * word, the first digit in its lowest byte; the leading zeros are the
 * word's low bytes that are '0' (the last digit counted as not, for v = 0),
 * found by counting trailing zero bits of the word XOR "0000", and shifted
 * out.  The word is stored whole (FIXED_ROOM counts 20 bytes for a number)
 * and the cursor moves by the digits' count: no branch on the count, which
 * changes from fact to fact. */
static FL_INLINE char *put_uint(char *p, unsigned long long v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (v < 10000) {
        uint32_t x = (uint32_t)v, hi = x / 100;
        uint16_t d[2];
        memcpy(&d[0], digit_pairs + 2 * hi, 2);
        memcpy(&d[1], digit_pairs + 2 * (x - 100 * hi), 2);
        uint32_t w = (uint32_t)d[0] | (uint32_t)d[1] << 16;
        /* bits below the first digit that is not a leading zero */
        unsigned zbits = (unsigned)__builtin_ctz((w ^ 0x30303030u) | 0x01000000u) & ~7u;
        w >>= zbits;
        memcpy(p, &w, 4);
        return p + 4 - zbits / 8;
    }
#endif
    return put_digits_long(p, v);
}

/* put_uint for the numbers mostly under 100 (lines, paragraphs and
 * sentences): a digit pair, its leading zero shifted out when v < 10. */
static FL_INLINE char *put_small(char *p, unsigned long long v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (v < 100) {
        uint16_t d;
        memcpy(&d, digit_pairs + 2 * v, 2);
        unsigned one = v < 10;
        d = (uint16_t)(d >> (8 * one));
        memcpy(p, &d, 2);
        return p + 2 - one;
    }
#endif
    return put_uint(p, v);
}

/* A number: null when none, an integral value under 9e15 as %.0f (its
 * digits, "-0" for negative zero), any other as %.17g.  At most 25 bytes. */
static __attribute__((noinline)) char *put_num(char *p, double v)
{
    double a = fabs(v);
    if (a < 9e15) { /* false for NaN and the infinities */
        unsigned long long u = (unsigned long long)a;
        if ((double)u == a) {
            if (signbit(v))
                *p++ = '-';
            return put_uint(p, u);
        }
        return p + fl_format_g17(p, v);
    }
    if (isnan(v) || isinf(v))
        return PUT_LIT(p, "null");
    return p + fl_format_g17(p, v);
}

/* The date as fl_date_format writes it (at most 31 bytes, no NUL): a year,
 * month or day from the digit pairs ("%04d-%02d-%02d" and its shorter
 * forms), any other through fl_date_format. */
static FL_INLINE char *put_date(char *p, fl_date d)
{
    if (d.precision < FL_PREC_YEAR || d.precision > FL_PREC_DAY || (unsigned)d.year > 9999 ||
        (unsigned)d.month > 99 || (unsigned)d.day > 99)
        return p + fl_date_format(d, p, 32);
    unsigned y = (unsigned)d.year;
    memcpy(p, digit_pairs + 2 * (y / 100), 2);
    memcpy(p + 2, digit_pairs + 2 * (y % 100), 2);
    p += 4;
    if (d.precision == FL_PREC_YEAR)
        return p;
    *p = '-';
    memcpy(p + 1, digit_pairs + 2 * d.month, 2);
    p += 3;
    if (d.precision == FL_PREC_MONTH)
        return p;
    *p = '-';
    memcpy(p + 1, digit_pairs + 2 * d.day, 2);
    return p + 3;
}

/* The longest string escape_short takes: most texts, names and keys are
 * no longer. */
#define SHORT_MAX 32

/* The offsets of the second and third of four four-byte loads that cover
 * a string of 4 to 16 bytes with the first at 0 and the last at n - 4: the
 * second at a = ceil((n - 4) / 3), the third at n - 4 - a (no gap between
 * two is more than four bytes). */
static const unsigned char mid4[17] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4};

/* A string of 4 to 16 bytes (most texts, names and keys) copied to out as
 * four four-byte loads that cover it, with no branch on its length: true
 * when nothing in it is to be escaped, false (nothing written) when
 * something is. */
static FL_INLINE bool copy_4_16(char *out, const char *s, size_t n)
{
    size_t a = mid4[n], b = n - 4 - a, c = n - 4;
    uint32_t w0, w1, w2, w3;
    memcpy(&w0, s, 4);
    memcpy(&w1, s + a, 4);
    memcpy(&w2, s + b, 4);
    memcpy(&w3, s + c, 4);
#if defined(__SSE2__)
    if (fl_json_esc16(_mm_set_epi32((int)w3, (int)w2, (int)w1, (int)w0)))
#else
    if (fl_json_esc8((uint64_t)w1 << 32 | w0) | fl_json_esc8((uint64_t)w3 << 32 | w2))
#endif
        return false;
    memcpy(out, &w0, 4);
    memcpy(out + a, &w1, 4);
    memcpy(out + b, &w2, 4);
    memcpy(out + c, &w3, 4);
    return true;
}

/* fl_json_escape_to for a string of at most SHORT_MAX bytes, with the common
 * case first: nothing in it to escape (names, keys, codes), tested on loads
 * that cover it and copied as they are, with no branch on its length
 * within a class: 4 to 16 bytes as copy_4_16, 17 to 32 as two
 * sixteen-byte loads, 0 to 3 as its first, middle and last byte.  Anything
 * to escape goes to fl_json_escape_to, so the output is the same.  out has
 * room for 6 * n bytes. */
static inline char *escape_short(char *out, const char *s, size_t n)
{
    if (n >= 4) {
        if (n <= 16) {
            if (copy_4_16(out, s, n))
                return out + n;
        } else {
#if defined(__SSE2__)
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
            if (!(fl_json_esc16(x) | fl_json_esc16(y))) {
                _mm_storeu_si128((__m128i *)(void *)out, x);
                _mm_storeu_si128((__m128i *)(void *)(out + n - 16), y);
                return out + n;
            }
#else
            uint64_t x[2], y[2];
            memcpy(x, s, 16);
            memcpy(y, s + n - 16, 16);
            if (!(fl_json_esc8(x[0]) | fl_json_esc8(x[1]) | fl_json_esc8(y[0]) |
                  fl_json_esc8(y[1]))) {
                memcpy(out, x, 16);
                memcpy(out + n - 16, y, 16);
                return out + n;
            }
#endif
        }
    } else if (n) {
        unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[n >> 1],
                      c2 = (unsigned char)s[n - 1];
        if (!(fl_json_escapes[c0] | fl_json_escapes[c1] | fl_json_escapes[c2])) {
            out[0] = (char)c0;
            out[n >> 1] = (char)c1;
            out[n - 1] = (char)c2;
            return out + n;
        }
    } else {
        return out;
    }
    return fl_json_escape_to(out, s, n);
}

/* A string of any length, escaped, at p (no quotes): room is checked here,
 * in slices for a long one, so that worst-case room is never reserved for a
 * long text at once.  The new cursor, or NULL when memory ran out. */
static char *put_escaped_long(jw *w, char *p, const char *s, size_t n)
{
    do {
        size_t k = n < 4096 ? n : 4096;
        if (!(p = jw_room(w, p, 6 * k + FIXED_ROOM)))
            return NULL;
        p = fl_json_escape_to(p, s, k);
        s += k;
        n -= k;
    } while (n);
    return p;
}

/* "s" for a string s of n bytes at p, with room checked; NULL when memory
 * ran out.  Out of line: put_str's fast path below takes most strings. */
static __attribute__((noinline)) char *put_str_n(jw *w, char *p, const char *s, size_t n)
{
    if (n > SHORT_MAX) {
        *p++ = '"';
        if (!(p = put_escaped_long(w, p, s, n)))
            return NULL;
    } else {
        if (!(p = jw_room(w, p, 6 * n + FIXED_ROOM)))
            return NULL;
        *p++ = '"';
        p = escape_short(p, s, n);
    }
    *p++ = '"';
    return p;
}

/* "s" (or null for no string) at p, with room checked; NULL when memory ran
 * out.  Inline, the common case only: 4 to 16 bytes with nothing to escape
 * (copy_4_16) where the room is there; any other string through put_str_n,
 * one copy out of line, so that the writer's code stays small. */
static FL_INLINE char *put_str(jw *w, char *p, const char *s)
{
    if (!s)
        return PUT_LIT(p, "null");
        /* (AddressSanitizer would report the load past the string's end: the
         * strings' memory is the extractors' and the callers') */
#if defined(__SSE2__) && !FL_ASAN
    /* Most strings (names, keys, titles) are under sixteen bytes: one
     * sixteen-byte load measures, tests and copies them, where strlen (a
     * libc call) and copy_4_16 read them twice.  The load reads past the
     * string's NUL, never into the next page (which may not be mapped).
     * The first byte to escape is the NUL (a control character) when
     * nothing before it is: the string is then copied whole. */
    if (((uintptr_t)s & 4095) <= 4096 - 16 && (size_t)(w->end - p) >= 6 * 16 + FIXED_ROOM) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned esc = fl_json_esc16(x);
        unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
        if (esc & (0u - esc) & nul) {
            size_t n = (size_t)__builtin_ctz(esc);
            *p = '"';
            _mm_storeu_si128((__m128i *)(void *)(p + 1), x);
            p[n + 1] = '"';
            return p + n + 2;
        }
    }
#endif
    size_t n = strlen(s);
    if (n - 4 <= 12 && (size_t)(w->end - p) >= 6 * 16 + FIXED_ROOM && copy_4_16(p + 1, s, n)) {
        *p = '"';
        p[n + 1] = '"';
        return p + n + 2;
    }
    return put_str_n(w, p, s, n);
}

/* "s" for a string s written (escaped) earlier in the same fact, whose
 * escaped bytes are buf[at..at+n): copied from there, not measured and
 * escaped again; one fixed-size copy when they are 32 bytes or fewer (the
 * copy then reads past them into what was written after, never as far as
 * p: at least a member's key lies between).  NULL when memory ran out. */
static FL_INLINE char *put_again(jw *w, char *p, size_t at, size_t n)
{
    if (!(p = jw_room(w, p, n + FIXED_ROOM)))
        return NULL;
    const char *src = w->sb->buf + at;
    *p++ = '"';
    if (n <= 32) {
#if defined(__SSE2__)
        /* (memmove of 32 bytes is a libc call) */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)src);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(src + 16));
        _mm_storeu_si128((__m128i *)(void *)p, x);
        _mm_storeu_si128((__m128i *)(void *)(p + 16), y);
#else
        memmove(p, src, 32);
#endif
    } else {
        memcpy(p, src, n);
    }
    p += n;
    *p++ = '"';
    return p;
}

/* "s" at p, as put_str, remembered in *m as the member's last value; out
 * of line (most shared strings are copied by put_str_seen below). */
static __attribute__((noinline)) char *put_str_remember(jw *w, char *p, const char *s, seen *m)
{
    size_t at = (size_t)(p - w->sb->buf) + 1;
    if (!(p = put_str(w, p, s)))
        return NULL;
    m->s = s;
    m->at = at;
    m->n = (size_t)(p - w->sb->buf) - 1 - at;
    return p;
}

/* "s" (or null) at p, as put_str, for a member whose last value is *m: a
 * copy of that value's bytes when s is the same string, else s written
 * and remembered in *m. */
static FL_INLINE char *put_str_seen(jw *w, char *p, const char *s, seen *m)
{
    if (!s)
        return PUT_LIT(p, "null");
    if (s == m->s)
        return put_again(w, p, m->at, m->n);
    return put_str_remember(w, p, s, m);
}

/* ,"key":"value" (or null); each use stops the fact on NULL. */
#define ADD_STR(k, s)                                                                              \
    do {                                                                                           \
        p = PUT_LIT(p, KEY(k));                                                                    \
        if (!(p = put_str(w, p, (s))))                                                             \
            return NULL;                                                                           \
    } while (0)
/* ADD_STR for a shared string member m (put_str_seen). */
#define ADD_SEEN(m)                                                                                \
    do {                                                                                           \
        p = PUT_LIT(p, KEY(#m));                                                                   \
        if (!(p = put_str_seen(w, p, f->m, &w->m)))                                                \
            return NULL;                                                                           \
    } while (0)
#define ADD_UINT(k, v)  (p = PUT_LIT(p, KEY(k)), p = put_uint(p, (v)))
#define ADD_SMALL(k, v) (p = PUT_LIT(p, KEY(k)), p = put_small(p, (v)))
#define ADD_NUM(k, v)   (p = PUT_LIT(p, KEY(k)), p = put_num(p, (v)))
#define ADD_BOOL(k, v)  (p = PUT_LIT(p, KEY(k)), p = (v) ? PUT_LIT(p, "true") : PUT_LIT(p, "false"))

/* The fact's members after "article", and the closing brace, at p (which
 * has FIXED_ROOM): the new cursor, or NULL when memory ran out. */
static __attribute__((noinline)) char *put_fact_members(jw *w, char *p, const fl_fact *f,
                                                        const fl_facts *all)
{
    if ((unsigned)f->kind < FL_FACT_KIND_COUNT) {
        /* ,"kind":"money" from a table padded to 24 bytes: a fixed-size copy */
        static const struct {
            char s[24];
            size_t n;
        } kinds[FL_FACT_KIND_COUNT] = {
#define KIND_LIT(k) {",\"kind\":\"" k "\"", sizeof(",\"kind\":\"" k "\"") - 1}
            KIND_LIT("quote"),   KIND_LIT("money"),    KIND_LIT("quantity"),
            KIND_LIT("percent"), KIND_LIT("duration"), KIND_LIT("date"),
            KIND_LIT("person"),  KIND_LIT("org"),      KIND_LIT("place"),
#undef KIND_LIT
        };
        memcpy(p, kinds[f->kind].s, sizeof kinds[f->kind].s);
        p += kinds[f->kind].n;
    } else {
        ADD_STR("kind", fl_fact_kind_name(f->kind));
    }
    /* the text's escaped bytes are at buf[text_at..text_end) (offsets: the
     * buffer may move as it grows) */
    p = PUT_LIT(p, KEY("text"));
    size_t text_at = (size_t)(p - w->sb->buf) + 1;
    if (!(p = put_str(w, p, f->text ? f->text : "")))
        return NULL;
    size_t text_end = (size_t)(p - w->sb->buf) - 1;
    ADD_UINT("offset", f->offset);
    ADD_UINT("length", f->length);
    ADD_SMALL("line", f->line);
    ADD_UINT("column", f->column);
    ADD_SMALL("paragraph", f->paragraph);
    ADD_SMALL("sentence", f->sentence);
    switch (f->kind) {
    case FL_FACT_MONEY:
        ADD_NUM("value", f->value);
        if (!isnan(f->value_max))
            ADD_NUM("value_max", f->value_max);
        ADD_SEEN(currency);
        ADD_SEEN(currency_source);
        ADD_SEEN(qualifier);
        if (f->link >= 0 && all && (size_t)f->link < all->n) {
            const fl_fact *o = &all->items[f->link];
            ADD_UINT("linked\":{\"offset", o->offset);
            ADD_UINT("length", o->length);
            *p++ = '}';
        }
        break;
    case FL_FACT_QUANTITY:
    case FL_FACT_DURATION:
        ADD_NUM("value", f->value);
        if (!isnan(f->value_max))
            ADD_NUM("value_max", f->value_max);
        ADD_SEEN(unit);
        ADD_SEEN(qualifier);
        break;
    case FL_FACT_PERCENT:
        ADD_NUM("value", f->value);
        if (!isnan(f->value_max))
            ADD_NUM("value_max", f->value_max);
        p = PUT_LIT(p, KEY("unit") "\"percent\"");
        ADD_SEEN(qualifier);
        break;
    case FL_FACT_QUOTE:
        ADD_STR("speaker", f->speaker);
        ADD_STR("speaker_text", f->speaker_text);
        ADD_SEEN(attribution);
        ADD_BOOL("partial", f->partial);
        break;
    case FL_FACT_DATE:
        if (f->date.precision) {
            /* fl_date_format writes digits, '-', letters and spaces: nothing
             * to escape, at most 31 bytes and a NUL (FIXED_ROOM counts 32) */
            p = PUT_LIT(p, KEY("value") "\"");
            p = put_date(p, f->date);
            *p++ = '"';
            if ((unsigned)f->date.precision <= FL_PREC_DAY) {
                /* ,"precision":"month" from a table padded to 24 bytes, as
                 * the kind above (fl_precision_name's names) */
                static const struct {
                    char s[24];
                    size_t n;
                } precs[FL_PREC_DAY + 1] = {
#define PREC_LIT(k) {",\"precision\":\"" k "\"", sizeof(",\"precision\":\"" k "\"") - 1}
                    PREC_LIT(""),     PREC_LIT("century"), PREC_LIT("decade"),
                    PREC_LIT("year"), PREC_LIT("month"),   PREC_LIT("day"),
#undef PREC_LIT
                };
                memcpy(p, precs[f->date.precision].s, sizeof precs[f->date.precision].s);
                p += precs[f->date.precision].n;
            } else {
                ADD_STR("precision", fl_precision_name(f->date.precision));
            }
        } else {
            p = PUT_LIT(p, KEY("value") "null" KEY("precision") "null");
        }
        ADD_BOOL("relative", f->relative);
        ADD_BOOL("resolved", f->relative ? f->resolved : f->date.precision != 0);
        ADD_SEEN(anchor);
        ADD_BOOL("weekday_mismatch", f->weekday_mismatch);
        break;
    case FL_FACT_PERSON:
    case FL_FACT_ORG:
    case FL_FACT_PLACE:
        /* the names extractor's name is its text, and most canonical names
         * are the name: the same string, copied as it was escaped */
        if (f->name && f->name == f->text) {
            p = PUT_LIT(p, KEY("name"));
            if (!(p = put_again(w, p, text_at, text_end - text_at)))
                return NULL;
        } else {
            ADD_STR("name", f->name);
        }
        ADD_STR("key", f->key);
        ADD_STR("title", f->title);
        if (f->canonical && f->canonical == f->text) {
            p = PUT_LIT(p, KEY("canonical"));
            if (!(p = put_again(w, p, text_at, text_end - text_at)))
                return NULL;
        } else if (f->canonical) {
            ADD_STR("canonical", f->canonical);
        }
        break;
    case FL_FACT_KIND_COUNT:
        break;
    }
    if (f->extra_json && f->extra_json[0] == '{' && f->extra_json[1] != '}') {
        /* splice the unknown fields back: ",<members>" */
        size_t n = strlen(f->extra_json);
        if (!(p = jw_room(w, p, n + FIXED_ROOM)))
            return NULL;
        *p++ = ',';
        memcpy(p, f->extra_json + 1, n - 2);
        p += n - 2;
    }
    *p++ = '}';
    return p;
}

/* A writer at the end of sb's text, with the room the buffer already has
 * (none when it has no buffer yet); *p is its cursor. */
static jw jw_start(fl_strbuf *sb, char **p)
{
    *p = sb->buf + sb->len;
    return (jw){.sb = sb, .end = sb->alloc ? sb->buf + sb->alloc - 1 : sb->buf + sb->len};
}

/* Ends what was written at p; or, after a failure (p NULL), drops it and
 * leaves sb as it was at len0.  0 or -1. */
static int jw_finish(fl_strbuf *sb, char *p, size_t len0)
{
    if (!p) {
        sb->len = len0;
        if (sb->alloc)
            sb->buf[len0] = '\0';
        return -1;
    }
    sb->len = (size_t)(p - sb->buf);
    sb->buf[sb->len] = '\0';
    return 0;
}

int fl_fact_write_json(fl_strbuf *sb, const char *article_id, const fl_fact *f, const fl_facts *all)
{
    size_t len0 = sb->len;
    char *p;
    jw w = jw_start(sb, &p);
    if ((p = jw_room(&w, p, FIXED_ROOM))) {
        p = PUT_LIT(p, "{\"article\":");
        if ((p = put_str(&w, p, article_id)))
            p = put_fact_members(&w, p, f, all);
    }
    return jw_finish(sb, p, len0);
}

int fl_facts_write_jsonl(fl_strbuf *sb, const char *article_id, const fl_facts *facts)
{
    size_t len0 = sb->len;
    size_t idn = strlen(article_id);
    if (!facts->n)
        return 0;
    if (idn > 32) { /* (not from the corpora): the line at a time */
        for (size_t i = 0; i < facts->n; i++)
            if (fl_fact_write_json(sb, article_id, &facts->items[i], facts) ||
                fl_strbuf_addch(sb, '\n'))
                return jw_finish(sb, NULL, len0);
        return 0;
    }
    /* the lines' common start, {"article":"<id>", escaped once */
    char head[12 + 6 * 32 + 1 + 64];
    char *h = PUT_LIT(head, "{\"article\":\"");
    h = idn <= SHORT_MAX ? escape_short(h, article_id, idn) : fl_json_escape_to(h, article_id, idn);
    *h++ = '"';
    size_t head_len = (size_t)(h - head);
    if (head_len < 64)
        memset(h, 0, 64 - head_len); /* a head under 64 bytes is copied as 64 (below) */
    /* a line is ~220 bytes: one growth for all, not a regrowth every few */
    if (fl_strbuf_grow(sb, facts->n * 256))
        return -1;
    char *p;
    jw w = jw_start(sb, &p);
    for (size_t i = 0; i < facts->n && p; i++) {
        if (!(p = jw_room(&w, p, head_len + FIXED_ROOM)))
            break;
        if (head_len <= 64)
            memcpy(p, head, 64); /* a fixed-size copy: FIXED_ROOM is more */
        else
            memcpy(p, head, head_len);
        p += head_len;
        if ((p = put_fact_members(&w, p, &facts->items[i], facts)))
            *p++ = '\n';
    }
    return jw_finish(sb, p, len0);
}
