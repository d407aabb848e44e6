#include "core/utf8.h"

#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static size_t seq_len(const unsigned char *s, size_t len, size_t i)
{
    return fl_utf8_seq_len((const char *)s + i, len - i);
}

bool fl_is_ascii(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (v & 0x8080808080808080ull)
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

size_t fl_utf8_validate(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, eight bytes at a time */
        while (i + 8 <= len) {
            uint64_t w;
            __builtin_memcpy(&w, u + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        size_t n = seq_len(u, len, i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

char *fl_utf8_repair(const char *s, size_t len, size_t *out_len, size_t *replaced)
{
    fl_strbuf sb = FL_STRBUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, start = 0, count = 0;
    if (fl_strbuf_grow(&sb, len))
        return NULL;
    while (i < len) {
        size_t n = seq_len(u, len, i);
        if (n) {
            i += n;
            continue;
        }
        if (fl_strbuf_add(&sb, s + start, i - start) || fl_strbuf_adds(&sb, "\xEF\xBF\xBD")) {
            fl_strbuf_release(&sb);
            return NULL;
        }
        count++;
        i++;
        start = i;
    }
    if (fl_strbuf_add(&sb, s + start, len - start)) {
        fl_strbuf_release(&sb);
        return NULL;
    }
    if (replaced)
        *replaced = count;
    return fl_strbuf_detach(&sb, out_len);
}

uint32_t fl_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    size_t k = 1;
    for (; k < n && *i + k < len; k++)
        cp = (cp << 6) | (u[*i + k] & 0x3F);
    *i += k;
    return cp;
}

uint32_t fl_utf8_prev(const char *s, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t j = *i;
    if (j == 0)
        return 0;
    j--;
    while (j > 0 && (u[j] & 0xC0) == 0x80)
        j--;
    size_t k = j;
    uint32_t cp = fl_utf8_next(s, *i, &k);
    *i = j;
    return cp;
}

/* Counts the bytes that are not continuation bytes (10xxxxxx): sixteen bytes
 * at a time with SSE2 (a block with no byte above 0x7F adds sixteen without
 * counting), then eight at a time, then the rest one by one.  Columns are
 * counted this way for every fact and finding. */
size_t fl_utf8_count(const char *s, size_t len)
{
    size_t n = 0, i = 0;
#if defined(__SSE2__)
    const __m128i top = _mm_set1_epi8((char)0xC0), cont = _mm_set1_epi8((char)0x80);
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        n += 16;
        if (_mm_movemask_epi8(x))
            n -= (size_t)__builtin_popcount(
                (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(x, top), cont)));
    }
#endif
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        /* bit 7 set and bit 6 clear: a continuation byte */
        n += 8 - (size_t)__builtin_popcountll(x & ~(x << 1) & 0x8080808080808080ULL);
    }
    for (; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

size_t fl_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
