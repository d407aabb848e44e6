/* util_text.h - what the text helpers share: the word form of factlint.util.words (lua_util.c's
 * util.words and util_text.c's util.paragraph_repeats), and the ASCII letter test and lowercasing
 * hash of the word scanners (lua_wordset.c's wordsets, util_text.c's util.spellings). */
#ifndef FL_LUA_UTIL_TEXT_H
#define FL_LUA_UTIL_TEXT_H

#include "core/strbuf.h"

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An ASCII letter, either case (c | 32 folds A-Z onto a-z and no other byte
 * into that range): what the scanners' words are made of. */
static inline bool fl_ascii_letter(unsigned char c)
{
    return (unsigned char)((c | 32) - 'a') < 26;
}

/* Lowercases the ASCII letters of s[0..n) into dst and returns the 32-bit
 * FNV-1a hash of the result, in one pass (the scanners do it for every word
 * they meet). */
static inline uint32_t fl_lower_fnv(char *dst, const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        c = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        dst[i] = (char)c;
        h = (h ^ c) * 16777619u;
    }
    return h;
}

/* What fl_words_append found: the form and the figures it appended (in that
 * order, with nothing between) and the profile util.words documents. */
typedef struct fl_words {
    size_t form_len, figures_len; /* bytes */
    size_t words;
    lua_Integer lettered, capitals;
} fl_words;

/* Appends the comparison form of the valid UTF-8 text s[0..n) (the words of
 * util.words, joined by single spaces), then its figures, to sb, and fills
 * w.  Returns 0, or -1 when memory ran out (sb then holds what it held). */
int fl_words_append(fl_strbuf *sb, const char *s, size_t n, fl_words *w);

#endif
