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

/* The two ends of a gmatch iterator over words (wordset:gmatch and the
 * spellings scanner's gmatch): its upvalues 3-5 are the position to go on
 * from and the 1-based first and last byte of the word before.  yield
 * pushes `first, last, word, prev_last, prev_word` for the word
 * s[first..last) (low: its lowercase form) and moves the upvalues on to
 * pos; done ends the walk of a text of n bytes. */
int fl_gmatch_yield(lua_State *L, const char *s, size_t pos, size_t first, size_t last,
                    const char *low, lua_Integer prev_first, lua_Integer prev_last);
int fl_gmatch_done(lua_State *L, size_t n);

#endif
