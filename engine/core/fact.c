#include "core/fact.h"

#include "core/alloc.h"
#include "core/article.h"
#include "core/jsonesc.h"
#include "core/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    fl_free(fs->items);
    fl_arena_release(&fs->arena);
    fl_facts_init(fs);
}

void fl_facts_reset(fl_facts *fs)
{
    fs->n = 0;
    fl_arena_reset(&fs->arena);
}

fl_fact *fl_facts_add(fl_facts *fs, fl_fact_kind kind, size_t offset, size_t length)
{
    if (FL_GROW(fs->items, fs->cap, fs->n + 1))
        return NULL;
    fl_fact *f = &fs->items[fs->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->offset = offset;
    f->length = length;
    f->value = NAN;
    f->value_max = NAN;
    f->link = -1;
    return f;
}

const char *fl_facts_str(fl_facts *fs, const char *s, size_t n)
{
    return fl_arena_strndup(&fs->arena, s, n);
}

static int cmp_fact(const fl_fact *a, const fl_fact *b)
{
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->length != b->length)
        return a->length > b->length ? -1 : 1;
    return 0;
}

/* Sorts idx[0..n) (indices into items) by cmp_fact, stably: a bottom-up
 * merge sort through tmp.  Stable, so the order is the one qsort gave with
 * ties broken by position. */
static void sort_indices(const fl_fact *items, uint32_t *idx, uint32_t *tmp, size_t n)
{
    uint32_t *src = idx, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, k = lo;
            if (mid < hi && cmp_fact(&items[src[mid - 1]], &items[src[mid]]) <= 0) {
                /* already in order: the extractors' facts come in sorted runs */
                memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
                continue;
            }
            while (i < mid && j < hi)
                dst[k++] = cmp_fact(&items[src[j]], &items[src[i]]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
}

fl_status fl_facts_sort(fl_facts *fs)
{
    size_t n = fs->n;
    if (n < 2)
        return FL_OK;
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = cmp_fact(&fs->items[i - 1], &fs->items[i]) <= 0;
    if (sorted)
        return FL_OK;
    if (n > UINT32_MAX)
        return FL_ENOMEM; /* unsorted but intact */
    /* an article has tens of facts: its scratch is on the stack */
    uint32_t local[3 * 256];
    uint32_t *idx = n <= 256 ? local : fl_malloc(3 * n * sizeof *idx);
    if (!idx)
        return FL_ENOMEM; /* unsorted but intact */
    uint32_t *tmp = idx + n, *where = idx + 2 * n;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    sort_indices(fs->items, idx, tmp, n);
    for (size_t i = 0; i < n; i++)
        where[idx[i]] = (uint32_t)i;
    /* move each fact to its place, a cycle of the permutation at a time:
     * position j takes the fact at idx[j], and idx[j] = j marks it done */
    for (size_t i = 0; i < n; i++) {
        if (idx[i] == i)
            continue;
        fl_fact held = fs->items[i];
        size_t j = i;
        for (;;) {
            size_t k = idx[j];
            idx[j] = (uint32_t)j;
            if (k == i) {
                fs->items[j] = held;
                break;
            }
            fs->items[j] = fs->items[k];
            j = k;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (fs->items[i].link >= 0 && (size_t)fs->items[i].link < n)
            fs->items[i].link = (int32_t)where[fs->items[i].link];
    if (idx != local)
        fl_free(idx);
    return FL_OK;
}

void fl_facts_locate(fl_facts *fs, const fl_article *a)
{
    /* facts are sorted by offset: on one line, the column of a fact is the
     * previous fact's column plus the characters between them, so a long
     * line is counted once, not once per fact.  The line, paragraph and
     * sentence are found by walking forward from the previous fact's (they
     * are in order and do not overlap, and none is empty: see article.h), a
     * step or two where a binary search took a dozen; a fact before the
     * previous one starts the walks again from the top. */
    size_t prev_line = SIZE_MAX, prev_offset = 0, prev_at = 0;
    uint32_t prev_column = 0;
    size_t li = 0, pi = 0, si = 0;
    for (size_t i = 0; i < fs->n; i++) {
        fl_fact *f = &fs->items[i];
        size_t at = f->offset;
        if (at < prev_at)
            li = pi = si = 0;
        prev_at = at;
        size_t off = at > a->text_len ? a->text_len : at;
        while (li + 1 < a->n_lines && a->line_starts[li + 1] <= off)
            li++;
        f->line = (uint32_t)(li + 1 + (size_t)a->line_base);
        if (li == prev_line && off >= prev_offset) {
            f->column =
                prev_column + (uint32_t)fl_utf8_count(a->text + prev_offset, off - prev_offset);
        } else {
            size_t start = a->n_lines ? a->line_starts[li] : 0;
            f->column = (uint32_t)(fl_utf8_count(a->text + start, off - start) + 1);
        }
        prev_line = li;
        prev_offset = off;
        prev_column = f->column;
        while (pi < a->n_paragraphs && at >= a->paragraphs[pi].offset + a->paragraphs[pi].length &&
               !(a->paragraphs[pi].length == 0 && at == a->paragraphs[pi].offset))
            pi++;
        while (si < a->n_sentences && at >= a->sentences[si].offset + a->sentences[si].length)
            si++;
        bool in_p = pi < a->n_paragraphs && a->paragraphs[pi].offset <= at;
        bool in_s = si < a->n_sentences && a->sentences[si].offset <= at;
        f->paragraph = in_p ? (uint32_t)(pi + 1) : 0;
        f->sentence = in_s ? (uint32_t)(si + 1) : 0;
    }
}

/* The writer below is on the hot path of `factlint extract` (one call per
 * fact): it writes through a cursor into room reserved in the strbuf,
 * appends literal keys with memcpy and formats numbers by hand.  Its output is
 * what printf gave before, byte for byte: integers as %zu/%u, integral
 * values under 9e15 as %.0f, other numbers as %.17g. */
typedef struct jw {
    fl_strbuf *sb;
    char *p, *end; /* cursor and end of the reserved room (the NUL's byte excluded) */
    bool nomem;
} jw;

/* Makes room for n more bytes at the cursor. */
static inline bool jw_room(jw *w, size_t n)
{
    if ((size_t)(w->end - w->p) >= n)
        return true;
    if (w->nomem)
        return false;
    w->sb->len = (size_t)(w->p - w->sb->buf);
    if (fl_strbuf_grow(w->sb, n)) {
        w->nomem = true;
        return false;
    }
    w->p = w->sb->buf + w->sb->len;
    w->end = w->sb->buf + w->sb->alloc - 1;
    return true;
}

/* The add_* helpers are forced inline: each call site's key is a literal, so
 * put_key's memcpy becomes a few moves instead of a libc call per field. */
#define FL_INLINE inline __attribute__((always_inline))

/* keys and small literals: callers reserve KEY_ROOM first */
#define KEY_ROOM        48
#define PUT_LIT(w, lit) (memcpy((w)->p, (lit), sizeof(lit) - 1), (w)->p += sizeof(lit) - 1)

/* ,"key": as a literal and its length */
#define KEY(k) ",\"" k "\":", sizeof(",\"" k "\":") - 1

static inline void put_key(jw *w, const char *key_lit, size_t key_len)
{
    memcpy(w->p, key_lit, key_len);
    w->p += key_len;
}

static inline void put_digits(jw *w, unsigned long long v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    if (v < 10) {
        *w->p++ = (char)('0' + v);
        return;
    }
    /* count the digits, then write them from the last, in place */
    size_t n = 2;
    for (unsigned long long t = v / 100; t; t /= 10)
        n++;
    char *q = w->p + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        memcpy(q, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        q -= 2;
        memcpy(q, pairs + 2 * v, 2);
    } else {
        *--q = (char)('0' + v);
    }
    w->p += n;
}

/* fl_json_escape_to for a string of at most sixteen bytes, with the
 * common case first: nothing in it to escape (names, keys, codes), tested
 * with two overlapping loads (or byte by byte under four bytes) and copied
 * as it is.  Anything to escape goes to fl_json_escape_to, so the output is
 * the same.  Inlined where strings are written. */
static FL_INLINE char *escape_short(char *out, const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        if (!(fl_json_esc8(a) | fl_json_esc8(b))) {
            memcpy(out, &a, 8);
            memcpy(out + n - 8, &b, 8);
            return out + n;
        }
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        if (!(fl_json_esc4(a) | fl_json_esc4(b))) {
            memcpy(out, &a, 4);
            memcpy(out + n - 4, &b, 4);
            return out + n;
        }
    } else {
        size_t i = 0;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (fl_json_escapes[c])
                break;
            out[i] = (char)c;
        }
        if (i == n)
            return out + n;
    }
    return fl_json_escape_to(out, s, n);
}

/* The same for any length: fl_json_escape_to copies what needs no escape
 * sixteen bytes a step. */
static char *escape_to(char *out, const char *s, size_t n)
{
    return n <= 16 ? escape_short(out, s, n) : fl_json_escape_to(out, s, n);
}

static void add_escaped(jw *w, const char *v, size_t n)
{
    do { /* in slices: worst-case room is never reserved for a long text at once */
        size_t k = n < 4096 ? n : 4096;
        if (!jw_room(w, 6 * k + KEY_ROOM))
            return;
        w->p = escape_to(w->p, v, k);
        v += k;
        n -= k;
    } while (n);
}

static FL_INLINE void add_str(jw *w, const char *key_lit, size_t key_len, const char *v)
{
    if (!jw_room(w, KEY_ROOM))
        return;
    put_key(w, key_lit, key_len);
    if (!v) {
        PUT_LIT(w, "null");
        return;
    }
    *w->p++ = '"';
    size_t n = strlen(v);
    if (n <= 16 && jw_room(w, 6 * n + KEY_ROOM))
        w->p = escape_short(w->p, v, n);
    else
        add_escaped(w, v, n);
    if (!w->nomem)
        *w->p++ = '"';
}

static void add_num(jw *w, const char *key_lit, size_t key_len, double v)
{
    if (!jw_room(w, KEY_ROOM + 32))
        return;
    put_key(w, key_lit, key_len);
    if (isnan(v) || isinf(v)) {
        PUT_LIT(w, "null");
    } else if (v == floor(v) && fabs(v) < 9e15) {
        /* %.0f of an integral value: its digits, and "-0" for negative zero */
        if (signbit(v))
            *w->p++ = '-';
        put_digits(w, (unsigned long long)fabs(v));
    } else {
        w->p += fl_format_g17(w->p, v);
    }
}

static FL_INLINE void add_bool(jw *w, const char *key_lit, size_t key_len, bool v)
{
    if (!jw_room(w, KEY_ROOM))
        return;
    put_key(w, key_lit, key_len);
    if (v)
        PUT_LIT(w, "true");
    else
        PUT_LIT(w, "false");
}

static FL_INLINE void add_uint(jw *w, const char *key_lit, size_t key_len, unsigned long long v)
{
    if (!jw_room(w, KEY_ROOM + 24))
        return;
    put_key(w, key_lit, key_len);
    put_digits(w, v);
}

int fl_fact_write_json(fl_strbuf *sb, const char *article_id, const fl_fact *f, const fl_facts *all)
{
    size_t len0 = sb->len;
    /* the room the buffer already has (none when it has no buffer yet) */
    jw w = {sb, sb->buf + sb->len, sb->alloc ? sb->buf + sb->alloc - 1 : sb->buf + sb->len, false};
    const char *kind = fl_fact_kind_name(f->kind);
    if (!jw_room(&w, 512))
        return -1;
    PUT_LIT(&w, "{\"article\":\"");
    size_t idn = strlen(article_id);
    if (idn <= 16) /* the room for 512 bytes is there */
        w.p = escape_short(w.p, article_id, idn);
    else
        add_escaped(&w, article_id, idn);
    if (!jw_room(&w, KEY_ROOM))
        return -1;
    if ((unsigned)f->kind < FL_FACT_KIND_COUNT) {
        /* ","kind":"money" from a table padded to 24 bytes: a fixed-size copy */
        static const struct {
            char s[24];
            size_t n;
        } kinds[FL_FACT_KIND_COUNT] = {
#define KIND_LIT(k) {"\",\"kind\":\"" k "\"", sizeof("\",\"kind\":\"" k "\"") - 1}
            KIND_LIT("quote"),   KIND_LIT("money"),    KIND_LIT("quantity"),
            KIND_LIT("percent"), KIND_LIT("duration"), KIND_LIT("date"),
            KIND_LIT("person"),  KIND_LIT("org"),      KIND_LIT("place"),
#undef KIND_LIT
        };
        memcpy(w.p, kinds[f->kind].s, sizeof kinds[f->kind].s);
        w.p += kinds[f->kind].n;
    } else {
        PUT_LIT(&w, "\",\"kind\":\"");
        size_t kl = strlen(kind);
        memcpy(w.p, kind, kl);
        w.p += kl;
        *w.p++ = '"';
    }
    add_str(&w, KEY("text"), f->text ? f->text : "");
    add_uint(&w, KEY("offset"), f->offset);
    add_uint(&w, KEY("length"), f->length);
    add_uint(&w, KEY("line"), f->line);
    add_uint(&w, KEY("column"), f->column);
    add_uint(&w, KEY("paragraph"), f->paragraph);
    add_uint(&w, KEY("sentence"), f->sentence);
    switch (f->kind) {
    case FL_FACT_MONEY:
        add_num(&w, KEY("value"), f->value);
        if (!isnan(f->value_max))
            add_num(&w, KEY("value_max"), f->value_max);
        add_str(&w, KEY("currency"), f->currency);
        add_str(&w, KEY("currency_source"), f->currency_source);
        add_str(&w, KEY("qualifier"), f->qualifier);
        if (f->link >= 0 && all && (size_t)f->link < all->n) {
            const fl_fact *o = &all->items[f->link];
            add_uint(&w, ",\"linked\":{\"offset\":", sizeof(",\"linked\":{\"offset\":") - 1,
                     o->offset);
            add_uint(&w, KEY("length"), o->length);
            if (jw_room(&w, 1))
                *w.p++ = '}';
        }
        break;
    case FL_FACT_QUANTITY:
    case FL_FACT_DURATION:
        add_num(&w, KEY("value"), f->value);
        if (!isnan(f->value_max))
            add_num(&w, KEY("value_max"), f->value_max);
        add_str(&w, KEY("unit"), f->unit);
        add_str(&w, KEY("qualifier"), f->qualifier);
        break;
    case FL_FACT_PERCENT:
        add_num(&w, KEY("value"), f->value);
        if (!isnan(f->value_max))
            add_num(&w, KEY("value_max"), f->value_max);
        add_str(&w, KEY("unit"), "percent");
        add_str(&w, KEY("qualifier"), f->qualifier);
        break;
    case FL_FACT_QUOTE:
        add_str(&w, KEY("speaker"), f->speaker);
        add_str(&w, KEY("speaker_text"), f->speaker_text);
        add_str(&w, KEY("attribution"), f->attribution);
        add_bool(&w, KEY("partial"), f->partial);
        break;
    case FL_FACT_DATE: {
        char iso[32];
        fl_date_format(f->date, iso, sizeof iso);
        add_str(&w, KEY("value"), f->date.precision ? iso : NULL);
        add_str(&w, KEY("precision"),
                f->date.precision ? fl_precision_name(f->date.precision) : NULL);
        add_bool(&w, KEY("relative"), f->relative);
        add_bool(&w, KEY("resolved"), f->relative ? f->resolved : f->date.precision != 0);
        add_str(&w, KEY("anchor"), f->anchor);
        add_bool(&w, KEY("weekday_mismatch"), f->weekday_mismatch);
        break;
    }
    case FL_FACT_PERSON:
    case FL_FACT_ORG:
    case FL_FACT_PLACE:
        add_str(&w, KEY("name"), f->name);
        add_str(&w, KEY("key"), f->key);
        add_str(&w, KEY("title"), f->title);
        if (f->canonical)
            add_str(&w, KEY("canonical"), f->canonical);
        break;
    case FL_FACT_KIND_COUNT:
        break;
    }
    if (f->extra_json && f->extra_json[0] == '{' && f->extra_json[1] != '}') {
        /* splice the unknown fields back: ",<members>" */
        size_t n = strlen(f->extra_json);
        if (jw_room(&w, n)) {
            *w.p++ = ',';
            memcpy(w.p, f->extra_json + 1, n - 2);
            w.p += n - 2;
        }
    }
    if (!jw_room(&w, 1) || w.nomem) {
        sb->len = len0;
        if (sb->alloc)
            sb->buf[len0] = '\0';
        return -1;
    }
    *w.p++ = '}';
    sb->len = (size_t)(w.p - sb->buf);
    sb->buf[sb->len] = '\0';
    return 0;
}
