#include "extract/bytemask.h"

#include "core/alloc.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void fl_bytemask_init(fl_bytemask *m)
{
    memset(m, 0, sizeof *m);
}

void fl_bytemask_release(fl_bytemask *m)
{
    fl_free(m->letter); /* one allocation holds the six arrays */
    fl_bytemask_init(m);
}

/* The classes of up to 16 bytes, bit k for s[k], in l, d, h, up and sp. */
static void classify_tail(const unsigned char *s, size_t n, uint32_t *l, uint32_t *d, uint32_t *h,
                          uint32_t *up, uint32_t *sp)
{
    uint32_t lm = 0, dm = 0, hm = 0, um = 0, sm = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = s[k];
        unsigned char lc = (unsigned char)(c | 0x20);
        lm |= (uint32_t)(lc >= 'a' && lc <= 'z') << k;
        dm |= (uint32_t)(c >= '0' && c <= '9') << k;
        hm |= (uint32_t)(c >= 0x80) << k;
        um |= (uint32_t)(c >= 'A' && c <= 'Z') << k;
        sm |= (uint32_t)(c <= ' ') << k;
    }
    *l = lm, *d = dm, *h = hm, *up = um, *sp = sm;
}

int fl_bytemask_build(fl_bytemask *m, const char *s, size_t len)
{
    size_t words = (len + 63) / 64;
    if (words > m->cap) {
        size_t cap = words + words / 2 + 16;
        uint64_t *p = fl_malloc(cap * 6 * sizeof *p);
        if (!p)
            return -1;
        fl_free(m->letter);
        m->letter = p;
        m->digit = p + cap;
        m->alnum = p + 2 * cap;
        m->alnum_high = p + 3 * cap;
        m->upper_high = p + 4 * cap;
        m->sep = p + 5 * cap;
        m->cap = cap;
    }
    m->words = words;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t w = 0; w < words; w++) {
        uint64_t lw = 0, dw = 0, hw = 0, uw = 0, sw = 0;
        size_t base = w * 64;
        for (size_t q = 0; q < 64; q += 16) {
            size_t at = base + q;
            if (at >= len)
                break;
            uint32_t l, d, h, up, sp;
#if defined(__SSE2__)
            if (len - at >= 16) {
                /* signed compares: bytes >= 0x80 are negative, so neither
                 * letters nor digits; c | 0x20 maps only letters to a-z */
                __m128i v = _mm_loadu_si128((const __m128i *)(u + at));
                __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
                __m128i isl = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                                            _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
                __m128i isd = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
                l = (uint32_t)_mm_movemask_epi8(isl);
                d = (uint32_t)_mm_movemask_epi8(isd);
                h = (uint32_t)_mm_movemask_epi8(v);
                /* bit 5 of each byte moved to bit 7: clear in upper-case letters */
                up = l & ~(uint32_t)_mm_movemask_epi8(_mm_slli_epi16(v, 2));
                /* signed: bytes >= 0x80 are below 0x21 too, taken out below */
                sp = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)));
            } else
#endif
            {
                size_t n = len - at < 16 ? len - at : 16;
                classify_tail(u + at, n, &l, &d, &h, &up, &sp);
            }
            lw |= (uint64_t)l << q;
            dw |= (uint64_t)d << q;
            hw |= (uint64_t)h << q;
            uw |= (uint64_t)up << q;
            sw |= (uint64_t)sp << q;
        }
        m->letter[w] = lw;
        m->digit[w] = dw;
        uint64_t a = lw | dw;
        m->alnum[w] = a;
        m->alnum_high[w] = a | hw;
        m->upper_high[w] = uw | hw;
        m->sep[w] = sw & ~hw;
    }
    return 0;
}
