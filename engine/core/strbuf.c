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

int fl_strbuf_grow_slow(fl_strbuf *sb, size_t extra)
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

int fl_strbuf_addch_slow(fl_strbuf *sb, int c)
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
#if defined(__SSE2__)
    /* The common case, nothing to escape, sixteen bytes a step and the last
     * sixteen (overlapping the step before) at once; at the first step with
     * something to escape, the loop below takes over from there. */
    if (n >= 16) {
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            if (fl_json_esc16(x))
                break;
            _mm_storeu_si128((__m128i *)(void *)(out + i), x);
        }
        if (i + 16 > n) { /* every step was clean: the tail, if any */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + n - 16));
            if (!fl_json_esc16(x)) {
                _mm_storeu_si128((__m128i *)(void *)(out + n - 16), x);
                return out + n;
            }
        }
        out += i; /* bytes before i were copied as they are */
    }
#endif
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

/* 10^0 .. 10^19, every power of ten a uint64_t holds */
static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

/* m * 10^s / 2^shift: its floor in *q, and whether rounding to nearest with
 * ties to even (what glibc's printf does with the exact value) goes up;
 * m < 2^53, 0 <= s <= 22, shift < 128, and the quotient under 2^64. */
static bool scaled_digits(uint64_t m, int s, int shift, uint64_t *q)
{
    /* m * 10^(s - 19) < 2^63 when s > 19: the product in two steps */
    fl_u128 t =
        s <= 19 ? (fl_u128)m * pow10_u64[s] : (fl_u128)(m * pow10_u64[s - 19]) * pow10_u64[19];
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

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* v < 10^8 as exactly eight digits */
static void put8(char *p, uint32_t v)
{
    uint32_t hi = v / 10000, lo = v % 10000;
    memcpy(p, digit_pairs + 2 * (hi / 100), 2);
    memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
    memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
    memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* 10^-6 .. 10^16 as doubles, for the first guess of a value's decimal exponent */
static const double pow10_d[23] = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1,
                                   1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};

static size_t g17_printf(char *buf, double v)
{
    int n = snprintf(buf, 32, "%.17g", v);
    return n < 0 ? 0 : (size_t)n;
}

size_t fl_format_g17(char *buf, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-6 && a < 9e15)) /* also NaN, infinities and zero */
        return g17_printf(buf, v);
    /* a = m / 2^shift exactly: a is normal here, m its 53-bit significand */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int e2 = (int)(bits >> 52) - 1022; /* a = (m / 2^53) * 2^e2, -19 <= e2 <= 53 */
    uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
    int shift = 53 - e2; /* 0 <= shift <= 72 */
    /* the decimal exponent d, 10^d <= a < 10^(d+1): a is in [2^(e2-1),
     * 2^e2), so d is floor((e2 - 1) * log10(2)) or one more (78913 / 2^18 is
     * log10(2) closely enough for these exponents); the table settles which,
     * and the loop below corrects a guess that is off */
    int e = e2 - 1;
    int d = e >= 0 ? (e * 78913) >> 18 : -((-e * 78913 + (1 << 18) - 1) >> 18);
    if (d + 1 <= 16 && a >= pow10_d[d + 1 + 6])
        d++;
    const uint64_t lo = 10000000000000000ULL, hi = 100000000000000000ULL; /* 1e16, 1e17 */
    int s = 16 - d;
    uint64_t q = 0;
    bool up = false;
    for (int tries = 0; tries < 4; tries++) {
        if (s < 0 || s > 22)
            return g17_printf(buf, v);
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
    if (q < lo || q >= hi)
        return g17_printf(buf, v);
    d = 16 - s;
    /* the 17 digits: one, then two groups of eight */
    char dig[17];
    uint64_t top = q / 100000000; /* under 10^9 */
    dig[0] = (char)('0' + top / 100000000);
    put8(dig + 1, (uint32_t)(top % 100000000));
    put8(dig + 9, (uint32_t)(q % 100000000));
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
