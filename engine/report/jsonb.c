#include "report/jsonb.h"

#include "report/sink.h"

#include "core/alloc.h"
#include "core/utf8.h"

#include <errno.h>
#include <string.h>

json_t *fl_jsonb_strn(fl_jsonb *b, const char *s, size_t n)
{
    if (!s)
        return json_null();
    json_t *v = json_stringn(s, n);
    if (!v) {
        size_t len = 0, replaced = 0;
        char *fixed = fl_utf8_repair(s, n, &len, &replaced);
        if (fixed) {
            v = json_stringn(fixed, len);
            fl_free(fixed);
        }
    }
    if (!v)
        b->oom = true;
    return v;
}

json_t *fl_jsonb_str(fl_jsonb *b, const char *s)
{
    return fl_jsonb_strn(b, s, s ? strlen(s) : 0);
}

json_t *fl_jsonb_int(fl_jsonb *b, long long v)
{
    json_t *j = json_integer((json_int_t)v);
    if (!j)
        b->oom = true;
    return j;
}

json_t *fl_jsonb_obj(fl_jsonb *b)
{
    json_t *j = json_object();
    if (!j)
        b->oom = true;
    return j;
}

json_t *fl_jsonb_arr(fl_jsonb *b)
{
    json_t *j = json_array();
    if (!j)
        b->oom = true;
    return j;
}

json_t *fl_jsonb_set(fl_jsonb *b, json_t *obj, const char *key, json_t *v)
{
    if (!obj || !v) {
        b->oom = true;
        json_decref(v);
        return NULL;
    }
    if (json_object_set_new(obj, key, v)) {
        b->oom = true;
        return NULL;
    }
    return v;
}

json_t *fl_jsonb_push(fl_jsonb *b, json_t *arr, json_t *v)
{
    if (!arr || !v) {
        b->oom = true;
        json_decref(v);
        return NULL;
    }
    if (json_array_append_new(arr, v)) {
        b->oom = true;
        return NULL;
    }
    return v;
}

fl_status fl_jsonb_dump(fl_jsonb *b, json_t *root, FILE *fp, const char *what, fl_error *err)
{
    fl_status st = FL_OK;
    if (b->oom || !root) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory building '%s'", what);
        goto cleanup;
    }
    errno = 0;
    if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', fp) == EOF ||
        fflush(fp) != 0 || ferror(fp))
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", what,
                          errno ? strerror(errno) : "write error");
cleanup:
    json_decref(root);
    return st;
}

json_t *fl_jsonb_tags(fl_jsonb *b, const char *tags)
{
    json_t *arr = fl_jsonb_arr(b);
    while (tags && *tags) {
        size_t n = strcspn(tags, ",");
        size_t s = 0, e = n;
        while (s < e && tags[s] == ' ')
            s++;
        while (e > s && tags[e - 1] == ' ')
            e--;
        if (e > s)
            fl_jsonb_push(b, arr, fl_jsonb_strn(b, tags + s, e - s));
        tags += n;
        if (*tags == ',')
            tags++;
    }
    return arr;
}

static const char spaces[] = "                "; /* depth 8 at most */

typedef struct indent_out {
    fl_sink *s;
    size_t indent; /* spaces added after each newline */
} indent_out;

static int put_chunk(const char *buf, size_t size, void *data)
{
    indent_out *o = data;
    const char *end = buf + size;
    for (const char *nl; (nl = memchr(buf, '\n', (size_t)(end - buf))); buf = nl + 1) {
        fl_sink_add(o->s, buf, (size_t)(nl + 1 - buf));
        fl_sink_add(o->s, spaces, o->indent);
    }
    fl_sink_add(o->s, buf, (size_t)(end - buf));
    return 0;
}

void fl_jsonb_put(fl_sink *s, fl_jsonb *b, json_t *v, int depth)
{
    indent_out o = {s, (size_t)(2 * (depth < 8 ? depth : 8))};
    if (!v || b->oom ||
        json_dump_callback(v, put_chunk, &o,
                           JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY))
        b->oom = true;
    json_decref(v);
}

static int add_chunk(const char *buf, size_t size, void *data)
{
    return fl_strbuf_add(data, buf, size) ? -1 : 0;
}

void fl_jsonb_stream_open(fl_jsonb_stream *st, fl_sink *s, fl_jsonb *b, json_t *root,
                          const char *tail, int depth)
{
    st->s = s;
    st->b = b;
    st->tail = tail;
    st->depth = depth < 1 ? 1 : depth < 8 ? depth : 8;
    st->n = 0;
    size_t tl = strlen(tail) + 2; /* "[]" and the tail */
    fl_strbuf head = FL_STRBUF_INIT;
    if (b->oom || !root ||
        json_dump_callback(root, add_chunk, &head, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
        head.len < tl || memcmp(head.buf + head.len - tl, "[]", 2) ||
        memcmp(head.buf + head.len - tl + 2, tail, tl - 2))
        b->oom = true;
    else
        fl_sink_add(s, head.buf, head.len - tl + 1); /* up to and with the "[" */
    fl_strbuf_release(&head);
    json_decref(root);
}

void fl_jsonb_stream_item(fl_jsonb_stream *st, json_t *v)
{
    fl_sink_adds(st->s, st->n++ ? ",\n" : "\n");
    fl_sink_add(st->s, spaces, (size_t)(2 * st->depth));
    fl_jsonb_put(st->s, st->b, v, st->depth);
}

void fl_jsonb_stream_close(fl_jsonb_stream *st)
{
    if (st->n) {
        fl_sink_adds(st->s, "\n");
        fl_sink_add(st->s, spaces, (size_t)(2 * (st->depth - 1)));
    }
    fl_sink_adds(st->s, "]");
    fl_sink_adds(st->s, st->tail);
    fl_sink_adds(st->s, "\n");
}
