/*
 * keyhash.h - a 64-bit hash of a short key, eight bytes at a time, for the
 * hash tables of keys and names (the gazetteer, the names extractor, the
 * corpus phase).
 */
#ifndef FL_CORE_KEYHASH_H
#define FL_CORE_KEYHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bit 5 of each of eight bytes: setting it lower-cases an ASCII letter and
 * leaves as they are a digit, a space and the apostrophe, hyphen and stop
 * that an ASCII word may hold besides (fl_word_next). */
#define FL_BIT5_EACH 0x2020202020202020ull

/* The r = 1..8 bytes at u as a little-endian 64-bit word, zero above them,
 * read without a byte past them (the text may end there) and without a byte
 * loop or a memcpy of a variable length (a call): one 8-byte load, two
 * 4-byte loads that overlap, or the first, middle and last byte, each put at
 * its place (a byte read twice lands on itself). */
static inline uint64_t fl_key_chunk(const unsigned char *u, size_t r)
{
    uint64_t w;
    if (r >= 8) {
        memcpy(&w, u, 8);
    } else if (r >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, u, 4);
        memcpy(&hi, u + r - 4, 4);
        w = (uint64_t)lo | (uint64_t)hi << (8 * (r - 4));
    } else {
        w = (uint64_t)u[0] | (uint64_t)u[r / 2] << (8 * (r / 2)) |
            (uint64_t)u[r - 1] << (8 * (r - 1));
    }
    return w;
}

/* A 64-bit hash of the normalised key k[0..n), eight bytes at a time (the
 * gazetteer's tables, the names extractor's mention chains, the corpus
 * phase's table of a rule's distinct keys).  lower is
 * 0 for a key, or FL_BIT5_EACH for ASCII text whose key is the text with bit
 * 5 set in each byte (an ASCII word or words with single spaces): the same
 * hash without building the key. */
static inline uint64_t fl_key_hash(const char *k, size_t n, uint64_t lower)
{
    const unsigned char *u = (const unsigned char *)k;
    uint64_t h = 0x243F6A8885A308D3ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h = (h ^ (fl_key_chunk(u + i, 8) | lower)) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 32;
    }
    if (i < n) {
        /* the last 1..7 bytes; lower only on them */
        h = (h ^ (fl_key_chunk(u + i, n - i) | (lower >> (8 * (8 - (n - i)))))) *
            0x9E3779B97F4A7C15ull;
        h ^= h >> 32;
    }
    h = (h ^ n) * 0xFF51AFD7ED558CCDull;
    return h ^ h >> 33;
}

#endif
