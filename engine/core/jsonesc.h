/*
 * jsonesc.h - which bytes a JSON string cannot hold raw: control characters
 * (below 0x20), '"' and '\\'.  One definition for the writers that escape
 * them (fl_json_escape_to, the facts writer) and the reader that stops at
 * them (the JSONL scanner), a byte, four, eight or sixteen at a time.
 */
#ifndef FL_CORE_JSONESC_H
#define FL_CORE_JSONESC_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 1 for a byte to escape, else 0 (defined in strbuf.c). */
extern const unsigned char fl_json_escapes[256];

/* High bit set in (at least) each byte of x that must be escaped; 0 when
 * there is none.  (Borrows may also flag bytes after one, never one before:
 * the first flagged byte is exact.) */
static inline uint64_t fl_json_esc8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

static inline uint32_t fl_json_esc4(uint32_t x)
{
    const uint32_t ones = 0x01010101u, high = 0x80808080u;
    uint32_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

#if defined(__SSE2__)
/* Bit i set when byte i of x must be escaped (exact). */
static inline unsigned fl_json_esc16(__m128i x)
{
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
    __m128i hit = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                                 _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

#endif
