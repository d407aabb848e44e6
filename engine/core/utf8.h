/*
 * utf8.h - UTF-8 validation, repair and scanning.
 *
 * Text is validated once, at ingest (fl_utf8_validate); everything after that
 * (the sentence splitter, extractors, PCRE2 with PCRE2_NO_UTF_CHECK) may assume
 * valid UTF-8.  Overlong forms, surrogates and code points above U+10FFFF are
 * invalid, as in RFC 3629.
 */
#ifndef FL_CORE_UTF8_H
#define FL_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s[0] (len > 0 bytes from s), or 0
 * when it is invalid (overlong, a surrogate, above U+10FFFF, cut short). */
static inline size_t fl_utf8_seq_len(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t min, cp;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (len < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Returns the byte offset of the first invalid sequence, or len when s is valid. */
size_t fl_utf8_validate(const char *s, size_t len);

/* Whether every byte of s[0..len) is below 0x80 (eight bytes a step). */
bool fl_is_ascii(const char *s, size_t len);

/* Returns a new NUL-terminated copy of s in which every invalid sequence is
 * replaced by U+FFFD; *out_len gets its length and *replaced the number of
 * replacements.  NULL when memory ran out. */
char *fl_utf8_repair(const char *s, size_t len, size_t *out_len, size_t *replaced);

/* Decodes the code point at s[*i] (valid UTF-8 assumed) and advances *i. */
uint32_t fl_utf8_next(const char *s, size_t len, size_t *i);

/* Decodes the code point that ends just before s[*i] and moves *i back to its start. */
uint32_t fl_utf8_prev(const char *s, size_t *i);

/* Number of code points in s[0..len). */
size_t fl_utf8_count(const char *s, size_t len);

/* Writes the UTF-8 encoding of cp into out (4 bytes at most); returns its length. */
size_t fl_utf8_encode(uint32_t cp, char *out);

#endif
