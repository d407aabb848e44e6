/*
 * extract.h - turns one article into typed facts (see core/fact.h).
 *
 * An fl_extractor holds everything compiled once and shared read-only by all
 * threads: PCRE2 patterns (JIT), the gazetteer, word lists.  Each thread owns
 * an fl_extract_ctx (PCRE2 match data, scratch buffers).  fl_extract appends
 * the article's facts to `out` sorted by offset and located (line, column,
 * paragraph, sentence).  Facts in boilerplate paragraphs are extracted too;
 * rules decide whether to skip them.
 *
 * Order inside: names (person/org/place) first, so that quote attribution can
 * resolve speakers against the people already found; then quotes, numbers
 * (money, quantity, percent, duration) and dates.
 */
#ifndef FL_EXTRACT_EXTRACT_H
#define FL_EXTRACT_EXTRACT_H

#include "core/article.h"
#include "core/error.h"
#include "core/fact.h"

typedef struct fl_extractor fl_extractor;
typedef struct fl_extract_ctx fl_extract_ctx;

/* datadir holds gazetteer.tsv (NULL: look in the build tree, then the install
 * prefix).  Pattern compile errors are FL_EINTERNAL. */
fl_status fl_extractor_new(fl_extractor **out, const char *datadir, fl_error *err);
void fl_extractor_free(fl_extractor *x);
/* A degraded extractor: the path where gazetteer.tsv was looked for and not
 * found (places, countries and capitals are then found by their cues alone,
 * so facts differ), else NULL.  The CLI warns with it
 * (fl_cli_warn_extractor). */
const char *fl_extractor_gazetteer_missing(const fl_extractor *x);

fl_extract_ctx *fl_extract_ctx_new(const fl_extractor *x);
void fl_extract_ctx_free(fl_extract_ctx *c);

fl_status fl_extract(const fl_extractor *x, fl_extract_ctx *c, const fl_article *a, fl_facts *out,
                     fl_error *err);

#endif
