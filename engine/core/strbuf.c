#include "core/strbuf.h"

#include "core/alloc.h"
#include "core/jsonesc.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

char fl_strbuf_empty[1];

void fl_strbuf_init(fl_strbuf *sb)
{
    sb->buf = fl_strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
}

void fl_strbuf_release(fl_strbuf *sb)
{
    if (sb->alloc)
        fl_free(sb->buf);
    fl_strbuf_init(sb);
}

char *fl_strbuf_detach(fl_strbuf *sb, size_t *len)
{
    char *p = sb->alloc ? sb->buf : fl_strdup("");
    if (len)
        *len = sb->len;
    fl_strbuf_init(sb);
    return p;
}

void fl_strbuf_reset(fl_strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = '\0';
}

int fl_strbuf_grow(fl_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return 0;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n *= 2;
    char *p = fl_realloc(sb->alloc ? sb->buf : NULL, n);
    if (!p)
        return -1;
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = n;
    return 0;
}

int fl_strbuf_add(fl_strbuf *sb, const void *data, size_t n)
{
    if (fl_strbuf_grow(sb, n))
        return -1;
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}

int fl_strbuf_adds(fl_strbuf *sb, const char *s)
{
    return fl_strbuf_add(sb, s, strlen(s));
}

int fl_strbuf_addch(fl_strbuf *sb, int c)
{
    char ch = (char)c;
    return fl_strbuf_add(sb, &ch, 1);
}

int fl_strbuf_vaddf(fl_strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || fl_strbuf_grow(sb, (size_t)n))
        return -1;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int fl_strbuf_addf(fl_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = fl_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return r;
}

const unsigned char fl_json_escapes[256] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, ['\\'] = 1};

char *fl_json_escape_to(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
#if defined(__SSE2__)
        /* sixteen bytes at a time while none is to be escaped */
        for (; i + 16 <= n; i += 16, out += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            if (fl_json_esc16(x))
                break;
            _mm_storeu_si128((__m128i *)(void *)out, x);
        }
#endif
        /* eight at a time */
        for (; i + 8 <= n; i += 8, out += 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (fl_json_esc8(w))
                break;
            memcpy(out, &w, 8);
        }
        size_t stop = i + 8 < n ? i + 8 : n;
        for (; i < stop; i++) {
            unsigned char c = u[i];
            if (!fl_json_escapes[c]) {
                *out++ = (char)c;
                continue;
            }
            *out++ = '\\';
            switch (c) {
            case '"':
                *out++ = '"';
                break;
            case '\\':
                *out++ = '\\';
                break;
            case '\n':
                *out++ = 'n';
                break;
            case '\r':
                *out++ = 'r';
                break;
            case '\t':
                *out++ = 't';
                break;
            default:
                *out++ = 'u', *out++ = '0', *out++ = '0';
                *out++ = hex[c >> 4], *out++ = hex[c & 15];
            }
        }
    }
    return out;
}

int fl_strbuf_add_json_escaped(fl_strbuf *sb, const char *s, size_t n)
{
    /* in slices, so that room for the worst case (6 bytes a byte) is never
     * reserved for a whole long text at once */
    size_t len0 = sb->len;
    while (n) {
        size_t k = n < 4096 ? n : 4096;
        if (fl_strbuf_grow(sb, 6 * k)) {
            if (sb->alloc) {
                sb->len = len0;
                sb->buf[len0] = '\0';
            }
            return -1;
        }
        char *end = fl_json_escape_to(sb->buf + sb->len, s, k);
        sb->len = (size_t)(end - sb->buf);
        s += k;
        n -= k;
    }
    if (sb->alloc)
        sb->buf[sb->len] = '\0';
    return 0;
}

int fl_strbuf_add_u64(fl_strbuf *sb, unsigned long long v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return fl_strbuf_add(sb, p, (size_t)(tmp + sizeof tmp - p));
}

__extension__ typedef unsigned __int128 fl_u128;

static fl_u128 pow10_u128(int n)
{
    fl_u128 r = 1;
    while (n-- > 0)
        r *= 10;
    return r;
}

/* m * 10^s / 2^shift: its floor in *q, and whether rounding to nearest with
 * ties to even (what glibc's printf does with the exact value) goes up;
 * m < 2^53, 0 <= s <= 22, shift < 128. */
static bool scaled_digits(uint64_t m, int s, int shift, uint64_t *q)
{
    fl_u128 t = (fl_u128)m * pow10_u128(s);
    if (shift == 0) {
        *q = (uint64_t)t;
        return false;
    }
    fl_u128 fq = t >> shift;
    fl_u128 r = t - (fq << shift);
    fl_u128 half = (fl_u128)1 << (shift - 1);
    *q = (uint64_t)fq;
    return r > half || (r == half && (fq & 1));
}

static char *strip_zeros(char *start, char *end)
{
    while (end > start && end[-1] == '0')
        end--;
    if (end > start && end[-1] == '.')
        end--;
    return end;
}

size_t fl_format_g17(char *buf, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-6 && a < 9e15)) { /* also NaN, infinities and zero */
        int n = snprintf(buf, 32, "%.17g", v);
        return n < 0 ? 0 : (size_t)n;
    }
    int e2;
    double fr = frexp(a, &e2); /* a = fr * 2^e2, fr in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(fr, 53);
    int shift = 53 - e2; /* a = m / 2^shift exactly; 0 <= shift <= 73 here */
    if (shift < 0) {
        int n = snprintf(buf, 32, "%.17g", v);
        return n < 0 ? 0 : (size_t)n;
    }
    const uint64_t lo = 10000000000000000ULL, hi = 100000000000000000ULL; /* 1e16, 1e17 */
    int d = (int)floor(log10(a));
    int s = 16 - d;
    uint64_t q = 0;
    bool up = false;
    for (int tries = 0; tries < 4; tries++) {
        if (s < 0 || s > 22) {
            int n = snprintf(buf, 32, "%.17g", v);
            return n < 0 ? 0 : (size_t)n;
        }
        up = scaled_digits(m, s, shift, &q);
        if (q >= hi)
            s--;
        else if (q < lo)
            s++;
        else
            break;
    }
    q += up;
    if (q == hi) /* rounding carried into an 18th digit */
        q = lo, s--;
    if (q < lo || q >= hi) {
        int n = snprintf(buf, 32, "%.17g", v);
        return n < 0 ? 0 : (size_t)n;
    }
    d = 16 - s;
    char dig[17];
    for (int i = 16; i >= 0; i--) {
        dig[i] = (char)('0' + q % 10);
        q /= 10;
    }
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    if (d < -4 || d >= 17) {
        char *start = p;
        *p++ = dig[0];
        *p++ = '.';
        memcpy(p, dig + 1, 16);
        p = strip_zeros(start, p + 16);
        *p++ = 'e';
        int x = d;
        *p++ = x < 0 ? '-' : '+';
        if (x < 0)
            x = -x;
        if (x >= 100)
            *p++ = (char)('0' + x / 100);
        *p++ = (char)('0' + x / 10 % 10);
        *p++ = (char)('0' + x % 10);
    } else if (d >= 0) {
        char *start = p;
        memcpy(p, dig, (size_t)d + 1);
        p += d + 1;
        if (d < 16) {
            *p++ = '.';
            memcpy(p, dig + d + 1, (size_t)(16 - d));
            p = strip_zeros(start, p + (16 - d));
        }
    } else {
        char *start = p;
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -d - 1; i++)
            *p++ = '0';
        memcpy(p, dig, 17);
        p = strip_zeros(start, p + 17);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

int fl_strbuf_add_g17(fl_strbuf *sb, double v)
{
    char tmp[32];
    size_t n = fl_format_g17(tmp, v);
    return fl_strbuf_add(sb, tmp, n);
}

int fl_strbuf_add_xml_escaped(fl_strbuf *sb, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '&':
            esc = "&amp;";
            break;
        case '<':
            esc = "&lt;";
            break;
        case '>':
            esc = "&gt;";
            break;
        case '"':
            esc = "&quot;";
            break;
        case '\'':
            esc = "&#39;";
            break;
        }
        if (esc) {
            if (fl_strbuf_add(sb, s + start, i - start) || fl_strbuf_adds(sb, esc))
                return -1;
            start = i + 1;
        }
    }
    return fl_strbuf_add(sb, s + start, n - start);
}
