/*
 * currency.h - currency symbols, codes and words mapped to ISO 4217.
 *
 * The number extractor (number.c) asks two questions around an amount:
 *  - what stands just before the number: a symbol ("£", "US$", "HK$", "€",
 *    "¥", "₹"), an abbreviation ("Rs", "Rs.", "stg", "SFr", "DM") or an ISO
 *    code ("USD 5m", "EUR2.5bn")?  fl_currency_prefix_before;
 *  - what follows it: a currency word or phrase ("dlrs", "US dollars",
 *    "Swiss francs", "pounds sterling", "pence", "cents"), or an ISO code
 *    after the number ("5m USD")?  fl_currency_word_at, fl_currency_code.
 *
 * Everything here is static, read-only data and pure functions: no state,
 * no allocation, safe from any thread.  Returned strings are static
 * literals.  Word matching is ASCII case-insensitive and stops at a word
 * boundary; ISO codes must be written in capitals.
 *
 * Conventions: "$" alone is USD, "¥" is JPY, "francs" alone is CHF,
 * "pesos" alone MXN; a word that names a currency without saying which
 * ("crowns", "dinars") gives currency NULL but is still money.
 */
#ifndef FL_EXTRACT_CURRENCY_H
#define FL_EXTRACT_CURRENCY_H

#include <stdbool.h>
#include <stddef.h>

/* What a currency word after a number says. */
typedef struct fl_currency_word {
    const char *iso;      /* ISO 4217, or NULL for "crowns" and the like */
    double divisor;       /* 100 for pence/cents, else 1 */
    bool needs_magnitude; /* "won", "marks": only money after "bn", "million"... */
} fl_currency_word;

/* Matches the longest currency word or phrase at s[0..n) ("US dollars",
 * "dlrs", "Hong Kong dollars", "pence").  Returns the bytes matched (0 when
 * none) and fills *w. */
size_t fl_currency_word_at(const char *s, size_t n, fl_currency_word *w);

/* The i-th word or phrase fl_currency_word_at knows (lower case; a space in
 * it matches one space), NULL past the last: for a caller that indexes them
 * by their first words (number.c). */
const char *fl_currency_phrase(size_t i);

/* fl_currency_word_at over the phrases idx[0..count) only (indices as
 * fl_currency_phrase's, in increasing order): the same answer when they are
 * all the phrases that could match at s. */
size_t fl_currency_phrases_at(const unsigned char *idx, size_t count, const char *s, size_t n,
                              fl_currency_word *w);

/* The ISO code when s[0..n) is exactly a known capitalised ISO 4217 code
 * ("USD", "EUR", "RMB" gives CNY), else NULL. */
const char *fl_currency_code(const char *s, size_t n);

/* Looks for a currency prefix that ends at text[pos] (one space or no-break
 * space may separate it from the number) and starts at or after floor.
 * Returns the offset where the prefix starts (pos when there is none) and
 * sets *iso and *source ("symbol" or "code" or "word"). */
size_t fl_currency_prefix_before(const char *text, size_t floor, size_t pos, const char **iso,
                                 const char **source);

/* Whether a currency prefix can end with the byte c after the byte b (0
 * when c is the first byte looked at): the last byte of a symbol (>= 0x80),
 * "$", the point of "Rs.", a capital (ISO codes, "DM") or the end of "Rs",
 * "Rp", "SFr", "Sfr", "Dkr", "Skr", "Nkr", "stg", "Stg". */
static inline bool fl_currency_prefix_ends(unsigned char b, unsigned char c)
{
    switch (c) {
    case 's':
    case 'p':
        return b == 'R';
    case 'r':
        return b == 'F' || b == 'f' || b == 'k';
    case 'g':
        return b == 't';
    default:
        return c >= 0x80 || c == '$' || c == '.' || (c >= 'A' && c <= 'Z');
    }
}

/* false when fl_currency_prefix_before(text, floor, pos, ...) surely finds
 * none: the bytes before pos, or before one space there, cannot end a
 * prefix (a test of two or three bytes for most numbers). */
static inline bool fl_currency_prefix_may_end(const char *text, size_t floor, size_t pos)
{
    size_t e = pos > floor && text[pos - 1] == ' ' ? pos - 1 : pos;
    if (e <= floor)
        return false;
    return fl_currency_prefix_ends(e - 1 > floor ? (unsigned char)text[e - 2] : 0,
                                   (unsigned char)text[e - 1]);
}

#endif
