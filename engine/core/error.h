/*
 * error.h - the one error model of factlint.
 *
 * Every fallible function returns an fl_status and takes an optional
 * `fl_error *err` out-parameter (may be NULL).  On failure the function fills
 * err with a code, a lowercase message without a final full stop (the subject
 * quoted: "cannot open 'a.txt'"), and, where known, the input location
 * (file, line, byte offset).  On success err is left untouched.
 *
 *     if (!fp)
 *         return fl_error_set(err, FL_EIO, "cannot open '%s': %s", path, strerror(errno));
 *
 * fl_error is a plain value: no heap, safe to copy, nothing to release.
 */
#ifndef FL_CORE_ERROR_H
#define FL_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum fl_status {
    FL_OK = 0,
    FL_DONE,      /* an iterator has no more items (not an error) */
    FL_ENOMEM,    /* allocation failed */
    FL_EIO,       /* cannot open, read or write a file */
    FL_EUSAGE,    /* bad command line or configuration */
    FL_EPARSE,    /* malformed input: JSON, front matter, facts */
    FL_EUTF8,     /* invalid UTF-8 (offset says where) */
    FL_EBINARY,   /* NUL bytes: not a text file */
    FL_EEMPTY,    /* an input with no text */
    FL_ELIMIT,    /* a configured limit was reached */
    FL_ERULE,     /* a rule failed to load or run */
    FL_EINTERNAL, /* a bug: an invariant did not hold */
} fl_status;

#define FL_ERROR_MESSAGE_MAX 1024
#define FL_ERROR_FILE_MAX    512

typedef struct fl_error {
    fl_status code;
    char message[FL_ERROR_MESSAGE_MAX];
    char file[FL_ERROR_FILE_MAX]; /* "" when not about a file */
    long line;                    /* 1-based, 0 when unknown */
    long long offset;             /* byte offset in the file, -1 when unknown */
} fl_error;

/* Resets err (may be NULL) to FL_OK with no message and no location. */
void fl_error_clear(fl_error *err);

/* Fills err (may be NULL) and returns code, so callers can `return fl_error_set(...)`. */
fl_status fl_error_set(fl_error *err, fl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
fl_status fl_error_setv(fl_error *err, fl_status code, const char *fmt, va_list ap);

/* Attaches an input location to err (may be NULL); file may be NULL to keep the current one. */
void fl_error_locate(fl_error *err, const char *file, long line, long long offset);

/* A short stable name for a status, e.g. "io", "utf8", "parse"; used in reports. */
const char *fl_status_name(fl_status code);

/* Writes "file:line: message" (the parts that are known) into buf. */
void fl_error_format(const fl_error *err, char *buf, size_t size);

#endif
