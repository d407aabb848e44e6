/*
 * jsonl.h - one JSON Lines record as one article.
 *
 * Fields: "text" (required string), "id" (string or number; default
 * "path:line"), "title", "source" (strings or null), "date" (an ISO date,
 * possibly with a time, or null) - the JSONL dateline, FL_DATELINE_JSONL -
 * and "dateline" (a wire dateline such as "LONDON, June 2 -", kept as metadata
 * and as the article's dateline_text).  Every other field is kept as metadata,
 * its value serialised compactly (json_dumps, JSON_COMPACT | JSON_ENCODE_ANY).
 * A key given twice is FL_EPARSE.
 *
 * Records are read by a one-pass scanner that decodes only what the article
 * needs (the text straight into its buffer); a record it cannot read exactly
 * as jansson would - bad JSON, a duplicate key, a real number, a nested
 * object - is handed to jansson, which names the error (message and column)
 * or reads it.  Both give the same article for the same record.
 *
 * The line is checked before it is parsed: NUL bytes are FL_EBINARY and
 * invalid UTF-8 FL_EUTF8, each with the byte offset in the file (unless
 * doc->lossy, which repairs the line).  Bad JSON, a value that is not an
 * object, a missing or non-string "text" and fields of the wrong type are
 * FL_EPARSE.  Every error names the file and the record's line.
 */
#ifndef FL_INGEST_JSONL_H
#define FL_INGEST_JSONL_H

#include "ingest/finish.h"

/* Fills doc (initialised for the file, format JSONL) from one record: line[0..len)
 * without its line break, which is line number lineno at byte offset `offset`
 * of the file. */
fl_status fl_ingest_parse_jsonl(fl_ingest_doc *doc, const char *line, size_t len, long lineno,
                                long long offset, fl_error *err);

#endif
