#include "extract/bytemask.h"

#include "core/alloc.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The AVX2 path (classify32) where the compiler can build it: x86-64 GCC or
 * Clang, which choose it at run time with __builtin_cpu_supports. */
#if defined(__x86_64__) && defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define BYTEMASK_AVX2 1
#include <immintrin.h>
#else
#define BYTEMASK_AVX2 0
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

#if !defined(__SSE2__)
/* The classes of 16 bytes, bit k for s[k], in l, d, h, up and gt (where
 * there is no SSE2). */
static void classify_bytes(const unsigned char *s, size_t n, uint32_t *l, uint32_t *d, uint32_t *h,
                           uint32_t *up, uint32_t *gt)
{
    uint32_t lm = 0, dm = 0, hm = 0, um = 0, gm = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = s[k];
        unsigned char lc = (unsigned char)(c | 0x20);
        lm |= (uint32_t)(lc >= 'a' && lc <= 'z') << k;
        dm |= (uint32_t)(c >= '0' && c <= '9') << k;
        hm |= (uint32_t)(c >= 0x80) << k;
        um |= (uint32_t)(c >= 'A' && c <= 'Z') << k;
        gm |= (uint32_t)(c > ' ' && c < 0x80) << k;
    }
    *l = lm, *d = dm, *h = hm, *up = um, *gt = gm;
}
#endif

/* The classes of a 64-bit word's bytes, one bit per byte.  gt is the ASCII
 * bytes above the space: the separators (fl_bytemask.sep) are the bytes in
 * none of gt and h, one signed compare fewer per 16 bytes than testing them. */
typedef struct word_masks {
    uint64_t l, d, h, up, gt;
} word_masks;

/* Adds the classes of the 16 bytes at s, shifted to bit q, to *m. */
static inline void classify16(const unsigned char *s, int q, word_masks *m)
{
#if defined(__SSE2__)
    /* A range test in one signed compare: c is in [lo, lo + n) when c -
     * lo + 0x80, wrapped to a signed byte, is below n - 0x80.  c | 0x20
     * maps only letters to a-z (bytes >= 0x80 to bytes >= 0xA0). */
    __m128i v = _mm_loadu_si128((const __m128i *)s);
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i isl = _mm_cmplt_epi8(_mm_add_epi8(lo, _mm_set1_epi8((char)(0x80 - 'a'))),
                                 _mm_set1_epi8((char)(26 - 0x80)));
    __m128i isd = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                 _mm_set1_epi8((char)(10 - 0x80)));
    uint64_t l = (uint32_t)_mm_movemask_epi8(isl);
    m->l |= l << q;
    m->d |= (uint64_t)(uint32_t)_mm_movemask_epi8(isd) << q;
    m->h |= (uint64_t)(uint32_t)_mm_movemask_epi8(v) << q;
    /* bit 5 of each byte moved to bit 7: clear in upper-case letters */
    m->up |= (l & ~(uint64_t)(uint32_t)_mm_movemask_epi8(_mm_slli_epi16(v, 2))) << q;
    /* signed: bytes >= 0x80 are not above 0x20 */
    m->gt |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20))) << q;
#else
    uint32_t l, d, h, up, gt;
    classify_bytes(s, 16, &l, &d, &h, &up, &gt);
    m->l |= (uint64_t)l << q;
    m->d |= (uint64_t)d << q;
    m->h |= (uint64_t)h << q;
    m->up |= (uint64_t)up << q;
    m->gt |= (uint64_t)gt << q;
#endif
}

/* Stores word w's masks from its classes c; in: its bytes before len. */
static inline void store_word(fl_bytemask *m, size_t w, const word_masks *c, uint64_t in)
{
    m->letter[w] = c->l;
    m->digit[w] = c->d;
    uint64_t a = c->l | c->d;
    m->alnum[w] = a;
    m->alnum_high[w] = a | c->h;
    m->upper_high[w] = c->up | c->h;
    m->sep[w] = ~(c->gt | c->h) & in;
}

/* The last word when it is partial (len not a multiple of 64): its bytes
 * copied into 64 zero bytes (the text has none readable after len), which
 * are classified like a whole word's without a loop over the bytes.  A zero
 * byte is in no class but the separators, which store_word masks off past
 * len. */
static void build_tail(fl_bytemask *m, const unsigned char *u, size_t len)
{
    if (len % 64) {
        size_t w = len / 64, base = w * 64;
        unsigned char buf[64] = {0};
        memcpy(buf, u + base, len - base);
        word_masks c = {0, 0, 0, 0, 0};
        classify16(buf, 0, &c);
        classify16(buf + 16, 16, &c);
        classify16(buf + 32, 32, &c);
        classify16(buf + 48, 48, &c);
        store_word(m, w, &c, (1ull << (len - base)) - 1);
    }
}

/* The whole words sixteen bytes at a time, then the last. */
static void build_words(fl_bytemask *m, const unsigned char *u, size_t len)
{
    for (size_t w = 0; w < len / 64; w++) {
        word_masks c = {0, 0, 0, 0, 0};
        classify16(u + w * 64, 0, &c);
        classify16(u + w * 64 + 16, 16, &c);
        classify16(u + w * 64 + 32, 32, &c);
        classify16(u + w * 64 + 48, 48, &c);
        store_word(m, w, &c, ~0ull);
    }
    build_tail(m, u, len);
}

#if BYTEMASK_AVX2
/* classify16 on 32 bytes at once, for the CPUs with AVX2 (the same tests in
 * 256-bit registers: half the instructions per byte).  Chosen at run time
 * (fl_bytemask_build); the build targets CPUs without it. */
__attribute__((target("avx2"))) static inline void classify32(const unsigned char *s, int q,
                                                              word_masks *m)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)s);
    __m256i lo = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    __m256i isl = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(26 - 0x80)),
                                    _mm256_add_epi8(lo, _mm256_set1_epi8((char)(0x80 - 'a'))));
    __m256i isd = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(10 - 0x80)),
                                    _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - '0'))));
    uint64_t l = (uint32_t)_mm256_movemask_epi8(isl);
    m->l |= l << q;
    m->d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(isd) << q;
    m->h |= (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << q;
    m->up |= (l & ~(uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_slli_epi16(v, 2))) << q;
    m->gt |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x20)))
             << q;
}

/* build_words thirty-two bytes at a time */
__attribute__((target("avx2"))) static void build_words_avx2(fl_bytemask *m, const unsigned char *u,
                                                             size_t len)
{
    for (size_t w = 0; w < len / 64; w++) {
        word_masks c = {0, 0, 0, 0, 0};
        classify32(u + w * 64, 0, &c);
        classify32(u + w * 64 + 32, 32, &c);
        store_word(m, w, &c, ~0ull);
    }
    build_tail(m, u, len);
}
#endif

/* Sizes m for len bytes; -1 on ENOMEM. */
static int reserve(fl_bytemask *m, size_t len)
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
    return 0;
}

int fl_bytemask_build(fl_bytemask *m, const char *s, size_t len)
{
    if (reserve(m, len))
        return -1;
#if BYTEMASK_AVX2
    if (__builtin_cpu_supports("avx2")) {
        build_words_avx2(m, (const unsigned char *)s, len);
        return 0;
    }
#endif
    build_words(m, (const unsigned char *)s, len);
    return 0;
}

int fl_bytemask_build_base(fl_bytemask *m, const char *s, size_t len)
{
    if (reserve(m, len))
        return -1;
    build_words(m, (const unsigned char *)s, len);
    return 0;
}
