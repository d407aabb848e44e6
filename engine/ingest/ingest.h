/*
 * ingest.h - reading articles from files, directories and standard input.
 *
 * fl_ingest walks its inputs in order (directories recursively, entries sorted
 * by name so runs are reproducible; symlink loops detected) and yields one
 * article at a time, so memory does not grow with the corpus.  Formats by
 * extension: .txt, .md/.markdown (front matter), .html/.htm (libxml2's HTML
 * parser), .jsonl (one article a line).  "-" reads standard input (format from
 * --stdin-format, default txt; jsonl is detected when the first byte is '{').
 *
 * Every article gets the next sequence number, and so does every input that
 * is skipped, so reports can account for all of them in input order.  Each
 * article comes out validated (UTF-8), segmented (paragraphs, sentences),
 * with boilerplate marked and its dateline set (metadata, else detected in
 * the text, else --date, else none).  docs/input-formats.md describes the
 * formats in full.
 */
#ifndef FL_INGEST_INGEST_H
#define FL_INGEST_INGEST_H

#include "core/article.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fl_ingest_options {
    bool lossy;             /* replace invalid UTF-8 with U+FFFD instead of skipping */
    fl_date default_date;   /* --date: used when an article has no dateline (NONE = unset) */
    fl_format stdin_format; /* the format of "-" */
    size_t max_file_bytes;  /* 0 = no limit; larger files are skipped with FL_ELIMIT */
    bool skip_meta;         /* JSONL fields beyond the model's are checked but not kept
                               (extract writes no metadata; rules read it with meta()) */
} fl_ingest_options;

typedef struct fl_ingest fl_ingest;

/* Prepares to read paths[0..n) (copied).  Fails only on ENOMEM: a missing
 * path is reported by fl_ingest_next as a skipped input, in its turn. */
fl_status fl_ingest_open(fl_ingest **out, const char *const *paths, size_t n,
                         const fl_ingest_options *opt, fl_error *err);

/* The next item in input order:
 *   FL_OK    *article is set (caller frees it with fl_article_free);
 *   FL_DONE  no more input;
 *   other    an input was skipped: err names the file, and the line (JSONL)
 *            or byte offset (UTF-8, NUL) where known.  Call again to go on.
 * *seq receives the item's sequence number in every case but FL_DONE. */
fl_status fl_ingest_next(fl_ingest *in, fl_article **article, size_t *seq, fl_error *err);

void fl_ingest_close(fl_ingest *in);

/* Builds one article from a buffer in a given format (tests and fuzzing);
 * for jsonl the buffer is one line.  data is copied. */
fl_status fl_ingest_buffer(const char *path, fl_format fmt, const char *data, size_t len,
                           const fl_ingest_options *opt, fl_article **out, fl_error *err);

/* The format a path's extension names; false when it is not an article file. */
bool fl_ingest_format_for_path(const char *path, fl_format *fmt);

#endif
