#include "core/normalize.h"

#include "core/alloc.h"
#include "core/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define FL_ED_STACK 256

static bool ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool cp_space(uint32_t cp)
{
    if (cp < 0x80)
        return ascii_space((unsigned char)cp);
    if (cp == 0x85)
        return true;
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

/* Curly and angle quotation marks (which UTF8PROC_LUMP leaves alone) as ASCII. */
static char ascii_quote(uint32_t cp)
{
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x2039:
    case 0x203A:
        return '\'';
    case 0x00AB:
    case 0x00BB:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
        return '"';
    default:
        return 0;
    }
}

/* Appends s[0..n) (valid UTF-8) to sb with white space runs folded to one
 * space and trimmed; lower-cases ASCII letters when lower is set. */
static int fold_space(fl_strbuf *sb, const char *s, size_t n, bool lower)
{
    size_t start = sb->len;
    bool pending = false;
    if (fl_strbuf_grow(sb, n) < 0)
        return -1;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (ascii_space(c)) {
                pending = true;
                continue;
            }
            if (pending && sb->len > start)
                sb->buf[sb->len++] = ' ';
            pending = false;
            sb->buf[sb->len++] = (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        size_t at = i;
        uint32_t cp = fl_utf8_next(s, n, &i);
        if (cp_space(cp)) {
            pending = true;
            continue;
        }
        if (pending && sb->len > start)
            sb->buf[sb->len++] = ' ';
        pending = false;
        char q = ascii_quote(cp);
        if (q) {
            sb->buf[sb->len++] = q;
            continue;
        }
        memcpy(sb->buf + sb->len, s + at, i - at);
        sb->len += i - at;
    }
    sb->buf[sb->len] = '\0';
    return 0;
}

/* utf8proc's mapping of s[0..n): NFKC, case folded, marks stripped, default
 * ignorables dropped, punctuation lumped. */
static utf8proc_ssize_t map_utf8proc(const char *s, size_t n, utf8proc_uint8_t **out)
{
    return utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, out,
                        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                            UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP);
}

/*
 * Maps mostly-ASCII text without sending every character through utf8proc:
 * ASCII is lower-cased in place and only each run of non-ASCII characters
 * goes to utf8proc.  This gives the same text as mapping the whole string,
 * because no ASCII character composes with what follows it: a combining mark
 * after an ASCII letter is stripped (UTF8PROC_STRIPMARK) before composition,
 * case folding and compatibility decomposition work character by character,
 * and no canonical composition has an ASCII second character.  test_core
 * compares the two on mixed text.
 */
static int map_runs(fl_strbuf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)s[j] < 0x80)
            j++;
        if (j > i) {
            if (fl_strbuf_grow(out, j - i))
                return -1;
            for (size_t k = i; k < j; k++) {
                char c = s[k];
                out->buf[out->len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            out->buf[out->len] = '\0';
            i = j;
        }
        while (j < n && (unsigned char)s[j] >= 0x80)
            j++;
        if (j > i) {
            utf8proc_uint8_t *mapped = NULL;
            utf8proc_ssize_t m = map_utf8proc(s + i, j - i, &mapped);
            if (m < 0)
                return -1;
            int rc = fl_strbuf_add(out, mapped, (size_t)m);
            free(mapped); /* utf8proc allocates with malloc */
            if (rc)
                return -1;
            i = j;
        }
    }
    return 0;
}

int fl_normalize_append(fl_strbuf *sb, const char *s, size_t n)
{
    if (fl_is_ascii(s, n))
        return fold_space(sb, s, n, true);
    if (fl_utf8_validate(s, n) != n || n > (size_t)INT32_MAX)
        return -1;
    fl_strbuf mapped = FL_STRBUF_INIT;
    size_t before = sb->len;
    int rc = map_runs(&mapped, s, n);
    if (!rc)
        rc = fold_space(sb, mapped.buf ? mapped.buf : "", mapped.len, false);
    fl_strbuf_release(&mapped);
    if (rc < 0 && sb->buf) {
        sb->len = before;
        sb->buf[before] = '\0';
    }
    return rc;
}

/* The whole-string mapping map_runs must agree with (for tests). */
char *fl_normalize_reference(const char *s, size_t n)
{
    if (fl_utf8_validate(s, n) != n || n > (size_t)INT32_MAX)
        return NULL;
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t m = map_utf8proc(s, n, &mapped);
    if (m < 0)
        return NULL;
    fl_strbuf sb = FL_STRBUF_INIT;
    int rc = fold_space(&sb, (const char *)mapped, (size_t)m, false);
    free(mapped);
    if (rc < 0) {
        fl_strbuf_release(&sb);
        return NULL;
    }
    return fl_strbuf_detach(&sb, NULL);
}

char *fl_normalize(const char *s, size_t n)
{
    fl_strbuf sb = FL_STRBUF_INIT;
    if (fl_normalize_append(&sb, s, n) < 0) {
        fl_strbuf_release(&sb);
        return NULL;
    }
    return fl_strbuf_detach(&sb, NULL);
}

/* Decodes s[0..n) into cps (room for cap); returns the count, or cap + 1 when
 * there are more code points than that. */
static size_t decode(const char *s, size_t n, uint32_t *cps, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < n) {
        if (k == cap)
            return cap + 1;
        cps[k++] = fl_utf8_next(s, n, &i);
    }
    return k;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t fl_osa_distance(const uint32_t *a, size_t an, const uint32_t *b, size_t bn, size_t max,
                       size_t *rows)
{
    size_t *pp = rows, *p = rows + (bn + 1), *c = rows + 2 * (bn + 1);
    for (size_t j = 0; j <= bn; j++)
        p[j] = j;
    size_t prev_min = 0;
    for (size_t i = 1; i <= an; i++) {
        c[0] = i;
        size_t row_min = c[0];
        for (size_t j = 1; j <= bn; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
            if (v < row_min)
                row_min = v;
        }
        /* Every later cell derives from this row or the previous one. */
        if (row_min > max && prev_min > max)
            return max + 1;
        prev_min = row_min;
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[bn] > max ? max + 1 : p[bn];
}

size_t fl_edit_distance(const char *a, size_t an, const char *b, size_t bn, size_t max)
{
    if (max >= SIZE_MAX - 1)
        max = SIZE_MAX - 2;
    uint32_t sa[FL_ED_STACK], sb[FL_ED_STACK];
    size_t rows_stack[3 * (FL_ED_STACK + 1)];
    size_t na = decode(a, an, sa, FL_ED_STACK);
    size_t nb = decode(b, bn, sb, FL_ED_STACK);
    if (na <= FL_ED_STACK && nb <= FL_ED_STACK) {
        size_t diff = na > nb ? na - nb : nb - na;
        if (diff > max)
            return max + 1;
        return fl_osa_distance(sa, na, sb, nb, max, rows_stack);
    }
    size_t ca = fl_utf8_count(a, an), cb = fl_utf8_count(b, bn);
    size_t diff = ca > cb ? ca - cb : cb - ca;
    if (diff > max)
        return max + 1;
    size_t result = SIZE_MAX;
    uint32_t *ha = fl_malloc((ca + 1) * sizeof *ha);
    uint32_t *hb = fl_malloc((cb + 1) * sizeof *hb);
    size_t *rows =
        cb < SIZE_MAX / (3 * sizeof(size_t)) - 1 ? fl_malloc(3 * (cb + 1) * sizeof *rows) : NULL;
    if (!ha || !hb || !rows)
        goto cleanup;
    decode(a, an, ha, ca);
    decode(b, bn, hb, cb);
    result = fl_osa_distance(ha, ca, hb, cb, max, rows);
cleanup:
    fl_free(ha);
    fl_free(hb);
    fl_free(rows);
    return result;
}

/* Cyrillic and Greek lower-case homoglyphs of Latin letters. */
static const struct {
    uint32_t cp;
    char latin;
} homoglyphs[] = {
    {0x03B1, 'a'}, {0x03B2, 'b'}, {0x03B5, 'e'}, {0x03B7, 'n'}, {0x03B9, 'i'}, {0x03BA, 'k'},
    {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x03C3, 'o'}, {0x03C4, 't'}, {0x03C5, 'u'},
    {0x03C7, 'x'}, {0x03C9, 'w'}, {0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043A, 'k'},
    {0x043C, 'm'}, {0x043D, 'h'}, {0x043E, 'o'}, {0x043F, 'n'}, {0x0440, 'p'}, {0x0441, 'c'},
    {0x0442, 't'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0451, 'e'}, {0x0455, 's'}, {0x0456, 'i'},
    {0x0457, 'i'}, {0x0458, 'j'}, {0x04AF, 'y'}, {0x04BB, 'h'}, {0x0501, 'd'}, {0x051B, 'q'},
    {0x051D, 'w'},
};

static char homoglyph(uint32_t cp)
{
    size_t lo = 0, hi = sizeof homoglyphs / sizeof homoglyphs[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (homoglyphs[mid].cp == cp)
            return homoglyphs[mid].latin;
        if (homoglyphs[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static char lookalike(char c)
{
    switch (c) {
    case '1':
    case 'l':
    case 'i':
    case '|':
    case '!':
        return 'l';
    case '0':
    case 'o':
        return 'o';
    case '5':
    case 's':
        return 's';
    default:
        return c;
    }
}

char *fl_skeleton(const char *s, size_t n)
{
    char *norm = fl_normalize(s, n);
    if (!norm)
        return NULL;
    size_t len = strlen(norm);
    /* Pass 1 (in place, never longer): homoglyphs to Latin. */
    size_t i = 0, w = 0;
    while (i < len) {
        size_t at = i;
        uint32_t cp = fl_utf8_next(norm, len, &i);
        char g = cp >= 0x80 ? homoglyph(cp) : 0;
        if (g) {
            norm[w++] = g;
        } else {
            memmove(norm + w, norm + at, i - at);
            w += i - at;
        }
    }
    len = w;
    /* Pass 2: sequences, then single characters. */
    w = 0;
    for (i = 0; i < len; i++) {
        char c = norm[i];
        if (c == 'r' && i + 1 < len && norm[i + 1] == 'n') {
            norm[w++] = 'm';
            i++;
        } else if (c == 'v' && i + 1 < len && norm[i + 1] == 'v') {
            norm[w++] = 'w';
            i++;
        } else {
            norm[w++] = lookalike(c);
        }
    }
    norm[w] = '\0';
    return norm;
}
