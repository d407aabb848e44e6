/*
 * internal.h - the contract between extract.c and the extractors.
 *
 * Each extractor module (names.c, quote.c, number.c/money.c, date.c) provides
 *   fl_status fl_X_init(fl_X_state **out, const char *datadir, fl_error *err);
 *   void fl_X_free(fl_X_state *s);
 *   fl_status fl_X_extract(const fl_X_state *s, fl_re_thread *t, const fl_article *a,
 *                          fl_facts *out, fl_error *err);
 * The state is compiled once and read-only afterwards (shared by threads);
 * `t` is the calling thread's PCRE2 scratch.  An extractor appends facts (any
 * order; extract.c sorts and locates them) and may read the facts already in
 * `out` (quote attribution reads the people found by the names extractor).
 */
#ifndef FL_EXTRACT_INTERNAL_H
#define FL_EXTRACT_INTERNAL_H

#include "core/article.h"
#include "core/fact.h"
#include "extract/bytemask.h"
#include "extract/runs.h"
#include "re/re.h"

typedef struct fl_names_state fl_names_state;
typedef struct fl_quote_state fl_quote_state;
typedef struct fl_number_state fl_number_state;
typedef struct fl_date_state fl_date_state;

fl_status fl_names_init(fl_names_state **out, const char *datadir, fl_error *err);
void fl_names_free(fl_names_state *s);
/* The path where the gazetteer was looked for when no file was there, else NULL. */
const char *fl_names_gazetteer_missing(const fl_names_state *s);
fl_status fl_names_extract(const fl_names_state *s, fl_re_thread *t, const fl_article *a,
                           fl_facts *out, fl_error *err);

fl_status fl_quote_init(fl_quote_state **out, const char *datadir, fl_error *err);
void fl_quote_free(fl_quote_state *s);
fl_status fl_quote_extract(const fl_quote_state *s, fl_re_thread *t, const fl_article *a,
                           fl_facts *out, fl_error *err);

/* money, quantity, percent and duration */
fl_status fl_number_init(fl_number_state **out, const char *datadir, fl_error *err);
void fl_number_free(fl_number_state *s);
fl_status fl_number_extract(const fl_number_state *s, fl_re_thread *t, const fl_article *a,
                            fl_facts *out, fl_error *err);
/* Sets FL_RUN_NUMBER in f for the letter runs the number scanner may stop at. */
void fl_number_run_filter(const fl_number_state *s, fl_run_filter *f);

fl_status fl_date_init(fl_date_state **out, const char *datadir, fl_error *err);
void fl_date_free(fl_date_state *s);
fl_status fl_date_extract(const fl_date_state *s, fl_re_thread *t, const fl_article *a,
                          fl_facts *out, fl_error *err);
/* Sets FL_RUN_DATE in f for the letter runs the date scanner may stop at. */
void fl_date_run_filter(const fl_date_state *s, fl_run_filter *f);

/* Memory the names extractor keeps between articles on one thread (its
 * token and candidate arrays and key buffers), so that an article does not
 * allocate them again.  fl_extract lends the calling context's; NULL when
 * an extractor is called on its own. */
typedef struct fl_names_scratch {
    void *toks;
    size_t cap_toks;
    void *cands;
    size_t cap_cands;
    fl_strbuf key, key2;
} fl_names_scratch;

fl_names_scratch *fl_extract_names_scratch(void);

/* Memory the quote extractor keeps between articles on one thread (its
 * mention and piece arrays, of types private to quote.c), so that an article
 * does not allocate them again.  fl_extract lends the calling context's;
 * NULL when an extractor is called on its own. */
typedef struct fl_quote_scratch {
    void *mentions;
    size_t cap_mentions;
    void *pieces;
    size_t cap_pieces;
} fl_quote_scratch;

fl_quote_scratch *fl_extract_quote_scratch(void);
/* Keeps the arrays and buffers in *s unless they are large (one long
 * article should not hold its memory for the rest of the run). */
void fl_names_scratch_keep(fl_names_scratch *s);
void fl_names_scratch_release(fl_names_scratch *s);

/* The byte masks of a's text: the ones fl_extract built for this article on
 * this thread, or else (an extractor called on its own, as the unit tests
 * do) built into *own, which the caller releases.  NULL on ENOMEM. */
const fl_bytemask *fl_extract_bytemask(const fl_article *a, fl_bytemask *own);

/* The runs of a's text (runs.h): the ones fl_extract listed for this article
 * on this thread with the extractors' filter, or else built into *own from
 * bm (a's masks) without a filter, which the caller releases.  NULL on
 * ENOMEM. */
const fl_runs *fl_extract_runs(const fl_article *a, const fl_bytemask *bm, fl_runs *own);

#endif
