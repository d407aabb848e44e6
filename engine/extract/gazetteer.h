/*
 * gazetteer.h - the place list the names extractor matches against, and the
 * word scanner that both the gazetteer and the extractor tokenise with (so a
 * gazetteer entry of n words matches n words of text).
 *
 * File format (facts/gazetteer.tsv): UTF-8, one place a line, tab separated,
 * a header line first ("name<TAB>kind<TAB>country<TAB>variants"):
 *
 *     name      the canonical name ("United States")
 *     kind      country, capital, city, region (any non-empty word)
 *     country   ISO 3166 alpha-2 code, may be empty
 *     variants  other spellings, '|' separated, may be empty ("US|U.S.|USA")
 *
 * Blank lines and lines starting with '#' are skipped.  A line with fewer
 * than three fields or an empty name or kind is FL_EPARSE naming the file
 * and line.  Names and variants are looked up by their fl_normalize form.
 * A single-word variant of a country or region that reads as a demonym
 * ("Afghan", "Brazilian", "Chinese", "Swiss") is kept but flagged, because
 * the adjective is not a mention of the place.
 *
 * Ownership: an fl_gazetteer owns all its strings; it is read-only after
 * loading and may be shared by threads.
 */
#ifndef FL_EXTRACT_GAZETTEER_H
#define FL_EXTRACT_GAZETTEER_H

#include "core/error.h"
#include "core/keyhash.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct fl_gazetteer fl_gazetteer;

typedef struct fl_place {
    const char *name; /* canonical */
    const char *kind;
    const char *country; /* "" when not given */
} fl_place;

/* Loads path.  A missing file gives an empty gazetteer (FL_OK, *missing set
 * when missing is not NULL); unreadable or malformed files are errors. */
fl_status fl_gazetteer_load(fl_gazetteer **out, const char *path, bool *missing, fl_error *err);
void fl_gazetteer_free(fl_gazetteer *g);
size_t fl_gazetteer_size(const fl_gazetteer *g); /* entries, variants included */

/* The place whose normalised name or variant is key[0..n) (already
 * normalised), or NULL; *demonym tells whether it matched as a demonym. */
const fl_place *fl_gazetteer_lookup(const fl_gazetteer *g, const char *key, size_t n,
                                    bool *demonym);

/* fl_gazetteer_lookup of text[0..n) that is ASCII words (letters, digits,
 * apostrophes, hyphens, stops) with a single space between each two, whose
 * key is the text lower-cased (FL_BIT5_EACH), without building the key.  h is
 * that key's fl_key_hash(text, n, FL_BIT5_EACH), which the caller may have
 * from another lookup of the same text. */
const fl_place *fl_gazetteer_lookup_lower(const fl_gazetteer *g, const char *text, size_t n,
                                          uint64_t h, bool *demonym);

/* The most words of any entry whose first word normalises to key[0..n), or 0
 * when no entry starts with that word: bounds the longest-match search. */
unsigned fl_gazetteer_max_words(const fl_gazetteer *g, const char *key, size_t n);

/* fl_gazetteer_max_words of an ASCII word[0..n) (letters, digits,
 * apostrophes, hyphens, stops) in any case: its key is the word lower-cased
 * (FL_BIT5_EACH), which is never built; h is fl_key_hash(word, n,
 * FL_BIT5_EACH). */
unsigned fl_gazetteer_max_words_ascii(const fl_gazetteer *g, const char *word, size_t n,
                                      uint64_t h);

/* fl_gazetteer_max_words_ascii, and *one the place of the word alone
 * (fl_gazetteer_lookup_lower of word[0..n), n >= 1), NULL when it is no
 * entry; *demonym set only when *one is not NULL.  One lookup for both. */
unsigned fl_gazetteer_first_ascii(const fl_gazetteer *g, const char *word, size_t n, uint64_t h,
                                  const fl_place **one, bool *demonym);

/*
 * The word scanner.  A word is a run of letters, marks and digits, with an
 * inner apostrophe (' or U+2019) or hyphen when a letter follows it
 * ("O'Neill", "Jean-Paul", "don't"), or a dotted initialism of single
 * letters ("U.S.", "U.K.", "e.g.").  Finds the next word at or after *pos in
 * s[0..len) (valid UTF-8): sets *start and *end and moves *pos to *end;
 * false when there is none.
 */
bool fl_word_next(const char *s, size_t len, size_t *pos, size_t *start, size_t *end);

/* 1 for the bytes of ASCII letters and digits, 0 for every other byte (the
 * word scanner's fast path; the names extractor tokenises ASCII with it). */
extern const unsigned char fl_ascii_alnum[256];

/* 1 when the code point is a letter, mark or digit. */
bool fl_word_cp(unsigned cp);

#endif
