/*
 * normalize.h - text keys for comparing names and quotes: normalisation,
 * edit distance and a confusable skeleton.
 *
 * These are what the names extractor stores as a fact's `key`, what quote
 * and name rules group by, and what Lua rules reach as
 * factlint.util.normalise / edit_distance / skeleton.
 *
 * Input is valid UTF-8 (validated at ingest); n is a byte length and the
 * input need not be NUL-terminated.  Invalid UTF-8 is not a crash: the
 * allocating functions return NULL for it, as for ENOMEM.
 *
 * Ownership: fl_normalize and fl_skeleton return a new NUL-terminated string
 * allocated with fl_malloc (free with fl_free), or NULL when memory ran out.
 * fl_normalize_append appends to a caller-owned strbuf.  All functions are
 * thread-safe (no shared state).
 */
#ifndef FL_CORE_NORMALIZE_H
#define FL_CORE_NORMALIZE_H

#include "core/strbuf.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The normal form of s[0..n):
 *  - NFKC (compatibility forms folded: "ﬁ" -> "fi", full-width -> ASCII),
 *  - Unicode case folding ("Straße" -> "strasse"),
 *  - diacritics removed (decompose, drop combining marks, recompose:
 *    "Sjöqvist" -> "sjoqvist"),
 *  - default-ignorable characters removed: zero-width space/joiners
 *    U+200B..U+200D, word joiner U+2060, U+FEFF, soft hyphen U+00AD,
 *  - curly quotes and apostrophes mapped to ASCII ' and ", dashes to '-',
 *  - every run of white space (including no-break and other Unicode spaces,
 *    tabs and line breaks) folded to one ' ', leading and trailing removed.
 * ASCII input takes a fast path that does not call utf8proc.
 */
char *fl_normalize(const char *s, size_t n);

/* Appends the normal form of s[0..n) to sb.  Returns 0, or -1 when memory ran
 * out or s is not valid UTF-8 (sb is then left as it was). */
int fl_normalize_append(fl_strbuf *sb, const char *s, size_t n);

/* The same normal form computed by sending the whole string through utf8proc
 * (fl_normalize sends only the non-ASCII runs).  Slower; kept so that tests can
 * check that the two agree.  Returns NULL on invalid UTF-8 or ENOMEM. */
char *fl_normalize_reference(const char *s, size_t n);

/*
 * Damerau-Levenshtein distance (optimal string alignment: insertions,
 * deletions, substitutions and transpositions of adjacent characters, each
 * costing 1, no substring edited twice) between a[0..an) and b[0..bn),
 * counted in code points.  Stops early and returns max + 1 as soon as the
 * distance is known to exceed max (pass SIZE_MAX - 1 for no bound).  Does not
 * allocate when both strings have at most 256 code points; longer strings
 * allocate and return SIZE_MAX when memory runs out.  Compare normalised
 * strings to ignore case and accents.
 */
size_t fl_edit_distance(const char *a, size_t an, const char *b, size_t bn, size_t max);
/* The same distance between two sequences of numbers (code points, or word
 * numbers for a distance in words): rows has room for 3 * (bn + 1). */
size_t fl_osa_distance(const uint32_t *a, size_t an, const uint32_t *b, size_t bn, size_t max,
                       size_t *rows);

/*
 * A confusable skeleton: two strings that a reader could mistake for one
 * another map to the same skeleton.  fl_normalize first, then:
 *  - Cyrillic and Greek homoglyphs to Latin:
 *      Cyrillic а->a в->b е->e ё->e һ->h і->i ї->i ј->j к->k м->m н->h о->o
 *               п->n р->p с->c т->t у->y х->x ѕ->s ԁ->d ԛ->q ԝ->w ү->y
 *      Greek    α->a β->b ε->e η->n ι->i κ->k ν->v ο->o ρ->p σ->o τ->t
 *               υ->u χ->x ω->w
 *  - look-alike sequences, scanned left to right:  "rn" -> "m", "vv" -> "w"
 *  - look-alike characters:  '1' 'l' 'i' '|' '!' -> 'l';  '0' 'o' -> 'o';
 *    '5' 's' -> 's'
 * So "Jeremy Corbyn" and "Jerеmy Cοrbyn" (Cyrillic е, Greek ο) share a
 * skeleton, as do "Modern" and "Modem".  The skeleton is a grouping key, not
 * text to show to readers.
 */
char *fl_skeleton(const char *s, size_t n);

#endif
