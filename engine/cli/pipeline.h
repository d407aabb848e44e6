/*
 * pipeline.h - the article pipeline shared by `check` and `extract`:
 * ingest (on the calling thread) -> extract -> article-scope rules (on the
 * worker pool) -> merge into the audit -> corpus-scope rules.
 *
 * Every input item ends in the audit: checked articles as records, skipped
 * ones with their error.  Findings are merged under a lock and sorted at the
 * end, and facts output goes through the reorder buffer, so every output is
 * the same whatever the number of jobs.  Articles are released as soon as
 * they are checked; only a compact entry of each (fl_article_entry: ids,
 * counts, a skip reason) and their text when keep_text is set (for the HTML
 * report, and only when they have findings) are kept; with a spill file
 * (fl_audit_spill_open) clean articles' entries wait on disk instead.
 */
#ifndef FL_CLI_PIPELINE_H
#define FL_CLI_PIPELINE_H

#include "core/finding.h"
#include "extract/extract.h"
#include "ingest/ingest.h"
#include "lua/ruleset.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct fl_run_config {
    const char *const *paths;
    size_t n_paths;
    fl_ingest_options ingest;
    size_t jobs; /* worker threads (>= 1) */
    const fl_extractor *extractor;
    const fl_ruleset *rules; /* NULL: extract only */
    FILE *facts_out;         /* non-NULL: write facts as JSON Lines here */
    const char *facts_in;    /* non-NULL: read facts from this JSONL file (no extraction) */
    bool keep_text;          /* keep article text for reports that show it */
    bool progress;           /* progress line on standard error */
    volatile sig_atomic_t *interrupted; /* set by a signal handler: stop reading */
} fl_run_config;

/* Runs the pipeline into au (initialised by the caller; the ruleset load has
 * already put rule health there).  Returns FL_OK, or an error that stopped the
 * whole run (out of memory, a facts write that failed). */
fl_status fl_run(const fl_run_config *cfg, fl_audit *au, fl_error *err);

#endif
