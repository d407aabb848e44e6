/*
 * mapreduce.h - the lines `factlint map`, `reduce` and `merge` pass to each
 * other under a streaming engine (Hadoop Streaming, Spark pipe; docs/scale.md).
 *
 * Every line is KEY<TAB>JSON.  Keys (escaped with fl_corpus_escape_key, so
 * they hold no tab or newline):
 *   a:ID         one article: its record, its article-scope findings, rule
 *                errors and rule-health counts (written by map, passed on by
 *                reduce);
 *   c:RULE:KEY   one fact a corpus rule's key() kept (map; ruleset.h);
 *   r:RULE:KEY   the result of one corpus rule on one key: findings (with the
 *                group key, their index in the call and the sentence their
 *                fingerprint hashes), rule errors, health (reduce).
 * Merge reads a: and r: lines in any order and rebuilds the audit: articles
 * are numbered in (id, path, input line) order, corpus fingerprints are
 * recomputed in the order `check` computes them (key by key, in byte order),
 * and the audit is sorted, so the report does not depend on how the corpus
 * was split, mapped or reduced.
 *
 * Ownership: writers append to a caller's buffer; the merger borrows the
 * audit it fills and owns its own bookkeeping.
 */
#ifndef FL_CLI_MAPREDUCE_H
#define FL_CLI_MAPREDUCE_H

#include "core/error.h"
#include "core/finding.h"
#include "core/strbuf.h"
#include "lua/ruleset.h"

/* Appends the a: line of one article: rec, and part's findings, rule errors
 * and health counts.  record_line breaks ties between equal ids.  -1 on ENOMEM. */
int fl_mr_write_article(fl_strbuf *out, const fl_article_record *rec, long record_line,
                        const fl_audit *part);

/* Appends the r: line of the group r has just run into part.  -1 on ENOMEM. */
int fl_mr_write_group(fl_strbuf *out, const fl_corpus_reducer *r, const fl_audit *part);

typedef struct fl_mr_merger fl_mr_merger;

fl_mr_merger *fl_mr_merger_new(fl_audit *au);
void fl_mr_merger_free(fl_mr_merger *m);

/* Adds one line (without its newline).  A c: line is FL_EUSAGE (the facts
 * were not reduced); bad JSON or a missing field is FL_EPARSE. */
fl_status fl_mr_merger_add(fl_mr_merger *m, const char *line, size_t len, fl_error *err);

/* Numbers the articles, gives findings their article's number, recomputes
 * corpus fingerprints and sorts the audit. */
fl_status fl_mr_merger_finish(fl_mr_merger *m, fl_error *err);

/* The subcommands (cmd_map.c, cmd_reduce.c, cmd_merge.c). */
int fl_cmd_map(int argc, char **argv);
int fl_cmd_reduce(int argc, char **argv);
int fl_cmd_merge(int argc, char **argv);

#endif
