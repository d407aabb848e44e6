#include "report/jsonb.h"

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
