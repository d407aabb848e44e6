/*
 * reader.h - reading input files with open/fstat/read, whole or line by line.
 *
 * fl_reader_open opens a path ("-" is standard input) without blocking on
 * FIFOs (O_NONBLOCK), then refuses anything that is not a regular file with
 * FL_EIO "not a regular file" - except standard input, which may be a pipe.
 * Reads go in large blocks (1 MiB); nothing is memory-mapped.
 *
 * Two ways to consume a reader, not to be mixed after the first call:
 *  - fl_reader_slurp: the whole input in one fl_malloc'd buffer (NUL-terminated,
 *    owned by the caller), at most `limit` bytes (0 = no limit, else FL_ELIMIT);
 *  - fl_reader_line: one line at a time ("\n" ends a line; a final "\r" is
 *    dropped), so a JSONL file of any size streams in bounded memory (the
 *    buffer grows only to the longest line).  The line is borrowed until the
 *    next call.
 * fl_reader_peek may be called first: it fills the buffer and returns the first
 * byte that is not white space (or -1), so standard input can be sniffed.
 */
#ifndef FL_INGEST_READER_H
#define FL_INGEST_READER_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fl_reader fl_reader;

/* Opens path for reading.  Errors: FL_EIO ("cannot open 'x': reason", "not a
 * regular file"), FL_ELIMIT when a regular file is larger than limit (0 = none),
 * FL_ENOMEM.  err names the file. */
fl_status fl_reader_open(fl_reader **out, const char *path, size_t limit, fl_error *err);
void fl_reader_close(fl_reader *r);

/* The first non-white-space byte of the input, or -1 when it has none. */
int fl_reader_peek(fl_reader *r, fl_error *err);

/* The whole (rest of the) input: *data (caller frees) and *len. */
fl_status fl_reader_slurp(fl_reader *r, char **data, size_t *len, fl_error *err);

/* The next line: FL_OK with *line, *len, *lineno (1-based) and *offset (byte
 * offset of the line in the input), FL_DONE at the end. */
fl_status fl_reader_line(fl_reader *r, const char **line, size_t *len, long *lineno,
                         long long *offset, fl_error *err);

#endif
