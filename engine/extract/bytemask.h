/*
 * bytemask.h - one bit per byte of a text: ASCII letter, ASCII digit, or a
 * byte >= 0x80 (and a few unions of these, upper-case letters and white
 * space).
 *
 * The extractors walk the whole article looking for the next word and the
 * end of each word.  Done a byte at a time that costs a compare and a branch
 * per byte and a mispredicted branch at the end of every word; with the
 * classes packed 64 to a word (built 16 bytes at a time) the next word start
 * or word end is a count-trailing-zeros.  The masks give the same answer as
 * the byte tests they replace (same classes, same bounds), so the extractors'
 * output does not change.
 *
 * Bits at positions >= len are zero.  fl_extract builds the masks of each
 * article once, into a buffer its thread keeps, and the extractors share them
 * (fl_extract_bytemask in internal.h).
 */
#ifndef FL_EXTRACT_BYTEMASK_H
#define FL_EXTRACT_BYTEMASK_H

#include <stddef.h>
#include <stdint.h>

typedef struct fl_bytemask {
    uint64_t *letter;     /* A-Z a-z */
    uint64_t *digit;      /* 0-9 */
    uint64_t *alnum;      /* letter | digit */
    uint64_t *alnum_high; /* alnum, or a byte >= 0x80 */
    uint64_t *upper_high; /* A-Z, or a byte >= 0x80: where a capitalised word can be */
    /* white space and control bytes (<= 0x20), which no word (fl_word_next)
     * contains.  In valid UTF-8 the word scanner never steps over an ASCII
     * byte, so scanning from one of these finds the same words after it as
     * scanning from further back. */
    uint64_t *sep;
    size_t words; /* 64-bit words in each array */
    size_t cap;   /* words allocated for each array */
} fl_bytemask;

void fl_bytemask_init(fl_bytemask *m);
void fl_bytemask_release(fl_bytemask *m);

/* Classifies s[0..len); -1 on ENOMEM.  On x86-64 CPUs with AVX2 it reads 32
 * bytes at a time, else 16 (SSE2) or one. */
int fl_bytemask_build(fl_bytemask *m, const char *s, size_t len);

/* fl_bytemask_build without the AVX2 path, whatever the CPU (for the tests:
 * both give the same masks). */
int fl_bytemask_build_base(fl_bytemask *m, const char *s, size_t len);

/* The first position p with i <= p < end whose bit is set, else end. */
static inline size_t fl_bits_next_set(const uint64_t *b, size_t end, size_t i)
{
    if (i >= end)
        return end;
    size_t w = i >> 6, last = (end - 1) >> 6;
    uint64_t x = b[w] & (~0ull << (i & 63));
    while (!x) {
        if (++w > last)
            return end;
        x = b[w];
    }
    size_t p = (w << 6) + (size_t)__builtin_ctzll(x);
    return p < end ? p : end;
}

/* The first position p with i <= p < end whose bit is clear, else end. */
static inline size_t fl_bits_next_clear(const uint64_t *b, size_t end, size_t i)
{
    if (i >= end)
        return end;
    size_t w = i >> 6, last = (end - 1) >> 6;
    uint64_t x = ~b[w] & (~0ull << (i & 63));
    while (!x) {
        if (++w > last)
            return end;
        x = ~b[w];
    }
    size_t p = (w << 6) + (size_t)__builtin_ctzll(x);
    return p < end ? p : end;
}

/* The last position p with lo <= p < i whose bit is set, else SIZE_MAX. */
static inline size_t fl_bits_prev_set(const uint64_t *b, size_t lo, size_t i)
{
    if (i <= lo)
        return SIZE_MAX;
    size_t w = (i - 1) >> 6, first = lo >> 6;
    uint64_t x = b[w] & (~0ull >> (63 - ((i - 1) & 63)));
    while (!x) {
        if (w == first)
            return SIZE_MAX;
        x = b[--w];
    }
    size_t p = (w << 6) + 63 - (size_t)__builtin_clzll(x);
    return p >= lo ? p : SIZE_MAX;
}

/* The last position p with lo <= p < i whose bit is clear, else SIZE_MAX. */
static inline size_t fl_bits_prev_clear(const uint64_t *b, size_t lo, size_t i)
{
    if (i <= lo)
        return SIZE_MAX;
    size_t w = (i - 1) >> 6, first = lo >> 6;
    uint64_t x = ~b[w] & (~0ull >> (63 - ((i - 1) & 63)));
    while (!x) {
        if (w == first)
            return SIZE_MAX;
        x = ~b[--w];
    }
    size_t p = (w << 6) + 63 - (size_t)__builtin_clzll(x);
    return p >= lo ? p : SIZE_MAX;
}

static inline int fl_bits_test(const uint64_t *b, size_t i)
{
    return (int)(b[i >> 6] >> (i & 63) & 1);
}

#endif
