/* util_text.h - the word form of factlint.util.words, shared by lua_util.c (util.words) and
 * util_text.c (util.paragraph_repeats). */
#ifndef FL_LUA_UTIL_TEXT_H
#define FL_LUA_UTIL_TEXT_H

#include "core/strbuf.h"

#include <lua.h>
#include <stddef.h>

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
