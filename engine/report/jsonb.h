/*
 * jsonb.h - building jansson values for the JSON-based writers (json, sarif,
 * baseline) with one sticky out-of-memory flag instead of a check per call.
 *
 * Strings that are not valid UTF-8 (jansson refuses them) are repaired with
 * U+FFFD; a NULL string becomes JSON null.  Every set/append steals the value
 * (json_*_set_new semantics) and tolerates NULL (memory ran out), recording it.
 *
 * Ownership: the caller owns the root value and json_decref's it.
 */
#ifndef FL_REPORT_JSONB_H
#define FL_REPORT_JSONB_H

#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct fl_jsonb {
    bool oom;
} fl_jsonb;

json_t *fl_jsonb_str(fl_jsonb *b, const char *s);
json_t *fl_jsonb_strn(fl_jsonb *b, const char *s, size_t n);
json_t *fl_jsonb_int(fl_jsonb *b, long long v);
json_t *fl_jsonb_obj(fl_jsonb *b);
json_t *fl_jsonb_arr(fl_jsonb *b);
/* An array of the comma-separated tags (blank ones dropped). */
json_t *fl_jsonb_tags(fl_jsonb *b, const char *tags);
/* Sets key on obj (obj may be NULL after an earlier failure); returns v. */
json_t *fl_jsonb_set(fl_jsonb *b, json_t *obj, const char *key, json_t *v);
json_t *fl_jsonb_push(fl_jsonb *b, json_t *arr, json_t *v);
/* Dumps root (2-space indent, keys in insertion order) and a newline to fp,
 * then releases root.  FL_ENOMEM when b saw a failure; FL_EIO on a write error. */
fl_status fl_jsonb_dump(fl_jsonb *b, json_t *root, FILE *fp, const char *what, fl_error *err);

struct fl_sink;
/* Writes v (released here) to s as fl_jsonb_dump would show it at depth
 * `depth` (at most 8) of a tree: the writers stream their long arrays
 * element by element with this and give the bytes of the whole dump. */
void fl_jsonb_put(struct fl_sink *s, fl_jsonb *b, json_t *v, int depth);

/* Writing a tree whose last value is a long array one element at a time:
 * open dumps root (released there) with that array empty -- `tail` is the
 * text that follows its "[]" in the dump, the closing of the containers
 * around it -- and writes it up to the array's "["; each item goes at
 * `depth` (its elements' depth in the tree, at most 8); close writes the
 * "]", the tail and a newline.  The bytes are fl_jsonb_dump's of the whole
 * tree; a dump that does not end as `tail` says sets b->oom. */
typedef struct fl_jsonb_stream {
    struct fl_sink *s;
    fl_jsonb *b;
    const char *tail;
    int depth;
    size_t n; /* items written */
} fl_jsonb_stream;

void fl_jsonb_stream_open(fl_jsonb_stream *st, struct fl_sink *s, fl_jsonb *b, json_t *root,
                          const char *tail, int depth);
void fl_jsonb_stream_item(fl_jsonb_stream *st, json_t *v); /* releases v */
void fl_jsonb_stream_close(fl_jsonb_stream *st);

#endif
