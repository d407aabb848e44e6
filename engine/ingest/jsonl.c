#include "ingest/jsonl.h"

#include "core/alloc.h"
#include "core/utf8.h"
#include "ingest/dateline.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static fl_status record_error(fl_ingest_doc *doc, fl_error *err, fl_status code, long long offset,
                              const char *fmt, const char *arg)
{
    fl_error_set(err, code, fmt, arg);
    fl_error_locate(err, doc->article->path, doc->article->record_line, offset);
    return code;
}

static fl_status set_string(fl_ingest_doc *doc, char **slot, json_t *v, const char *key,
                            fl_error *err)
{
    if (json_is_null(v))
        return FL_OK;
    if (!json_is_string(v))
        return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or null", key);
    char *s = fl_strndup(json_string_value(v), json_string_length(v));
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_free(*slot);
    *slot = s;
    return FL_OK;
}

static fl_status take_field(fl_ingest_doc *doc, const char *key, json_t *v, bool *have_text,
                            fl_error *err)
{
    fl_article *a = doc->article;
    if (!strcmp(key, "text")) {
        if (!json_is_string(v))
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string", key);
        size_t n = json_string_length(v);
        char *t = fl_malloc(n + 1);
        if (!t)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        memcpy(t, json_string_value(v), n);
        t[n] = '\0';
        fl_free(doc->text);
        doc->text = t;
        doc->len = n;
        *have_text = true;
        return FL_OK;
    }
    if (!strcmp(key, "id")) {
        char buf[64];
        const char *s;
        if (json_is_null(v))
            return FL_OK;
        if (json_is_string(v)) {
            s = json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            s = buf;
        } else if (json_is_real(v)) {
            snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
            s = buf;
        } else {
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or a number",
                                key);
        }
        char *id = fl_strdup(s);
        if (!id)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        fl_free(a->id);
        a->id = id;
        return FL_OK;
    }
    if (!strcmp(key, "title"))
        return set_string(doc, &a->title, v, key, err);
    if (!strcmp(key, "source"))
        return set_string(doc, &a->source, v, key, err);
    if (!strcmp(key, "date")) {
        if (json_is_null(v)) {
            doc->date = (fl_date){0, 0, 0, FL_PREC_NONE};
            doc->date_source = FL_DATELINE_NONE;
            return FL_OK;
        }
        if (!json_is_string(v))
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or null",
                                key);
        const char *s = json_string_value(v);
        fl_date d;
        if (!fl_date_parse_iso(s, &d) && !fl_dateline_parse_date_line(s, strlen(s), &d))
            return record_error(doc, err, FL_EPARSE, -1, "cannot parse date '%s'", s);
        doc->date = d;
        doc->date_source = FL_DATELINE_JSONL;
        return set_string(doc, &doc->date_text, v, key, err);
    }
    if (!strcmp(key, "dateline") && json_is_string(v)) {
        fl_status st = set_string(doc, &doc->wire, v, key, err);
        if (st != FL_OK)
            return st;
    }
    char *js = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!js)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_status st = fl_article_add_meta(a, key, js);
    free(js);
    return st == FL_OK ? FL_OK : fl_error_set(err, FL_ENOMEM, "out of memory");
}

fl_status fl_ingest_parse_jsonl(fl_ingest_doc *doc, const char *line, size_t len, long lineno,
                                long long offset, fl_error *err)
{
    fl_status st = FL_OK;
    fl_article *a = doc->article;
    char *fixed = NULL;
    json_t *root = NULL;
    a->record_line = lineno;
    {
        char idbuf[32];
        snprintf(idbuf, sizeof idbuf, ":%ld", lineno);
        size_t pl = strlen(a->path), il = strlen(idbuf);
        char *id = fl_malloc(pl + il + 1);
        if (!id)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        memcpy(id, a->path, pl);
        memcpy(id + pl, idbuf, il + 1);
        fl_free(a->id);
        a->id = id;
    }
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3;
        len -= 3;
        offset += 3;
        a->bom = true;
    }
    const char *nul = memchr(line, '\0', len);
    if (nul) {
        long long at = offset + (nul - line);
        fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %lld: not a text file", at);
        fl_error_locate(err, a->path, lineno, at);
        return FL_EBINARY;
    }
    size_t bad = fl_utf8_validate(line, len);
    if (bad != len) {
        long long at = offset + (long long)bad;
        if (!doc->lossy) {
            fl_error_set(err, FL_EUTF8,
                         "invalid UTF-8 at byte %lld (use --lossy to replace bad bytes)", at);
            fl_error_locate(err, a->path, lineno, at);
            return FL_EUTF8;
        }
        size_t n = 0, replaced = 0;
        if (!(fixed = fl_utf8_repair(line, len, &n, &replaced)))
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        a->utf8_replaced = replaced;
        line = fixed;
        len = n;
    }
    json_error_t jerr;
    /* a record that gives a field twice is ambiguous: which text was published? */
    root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        fl_error_set(err, FL_EPARSE, "invalid JSON: %s (column %d)", jerr.text, jerr.column);
        fl_error_locate(err, a->path, lineno, jerr.position >= 0 ? offset + jerr.position : -1);
        st = FL_EPARSE;
        goto cleanup;
    }
    if (!json_is_object(root)) {
        st = record_error(doc, err, FL_EPARSE, offset, "%s", "record is not a JSON object");
        goto cleanup;
    }
    bool have_text = false;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if ((st = take_field(doc, key, v, &have_text, err)) != FL_OK)
            goto cleanup;
    }
    if (!have_text)
        st = record_error(doc, err, FL_EPARSE, offset, "%s", "record has no 'text' field");
cleanup:
    json_decref(root);
    fl_free(fixed);
    return st;
}
