#include "ingest/text.h"

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "ingest/dateline.h"

#include <string.h>

fl_status fl_ingest_parse_txt(fl_ingest_doc *doc, char *data, size_t len, fl_error *err)
{
    doc->text = data;
    doc->len = len;
    return FL_OK;
}

/* The line starting at *pos: [*pos, end) without its break; *pos moves past
 * the break ("\n", "\r\n" or "\r").  false at the end of the data. */
static bool next_line(const char *s, size_t len, size_t *pos, size_t *b, size_t *e)
{
    if (*pos >= len)
        return false;
    size_t i = *pos;
    *b = i;
    while (i < len && s[i] != '\n' && s[i] != '\r')
        i++;
    *e = i;
    if (i < len && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
        i += 2;
    else if (i < len)
        i++;
    *pos = i;
    return true;
}

static bool is_fence(const char *s, size_t b, size_t e)
{
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    return e - b == 3 && (!memcmp(s + b, "---", 3) || !memcmp(s + b, "...", 3));
}

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

/* Unquotes "..." (with \" \\ \n \t escapes) or '...' ('' is a quote) into sb;
 * a bare value is copied as it is. */
static int unquote(fl_strbuf *sb, const char *v, size_t n)
{
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        for (size_t i = 1; i + 1 < n; i++) {
            char c = v[i];
            if (c == '\\' && i + 2 < n) {
                c = v[++i];
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            if (fl_strbuf_addch(sb, c))
                return -1;
        }
        return 0;
    }
    if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') {
        for (size_t i = 1; i + 1 < n; i++) {
            if (v[i] == '\'' && i + 2 < n && v[i + 1] == '\'')
                i++;
            if (fl_strbuf_addch(sb, v[i]))
                return -1;
        }
        return 0;
    }
    return fl_strbuf_add(sb, v, n);
}

static fl_status parse_error(fl_ingest_doc *doc, fl_error *err, long line, const char *what)
{
    fl_error_set(err, FL_EPARSE, "%s", what);
    fl_error_locate(err, doc->article->path, line, -1);
    return FL_EPARSE;
}

static fl_status front_matter_entry(fl_ingest_doc *doc, const char *key, size_t klen,
                                    const char *val, size_t vlen, long line, fl_error *err)
{
    fl_article *a = doc->article;
    fl_status st = FL_OK;
    fl_strbuf v = FL_STRBUF_INIT;
    fl_strbuf json = FL_STRBUF_INIT;
    char *k = fl_strndup(key, klen);
    if (!k || unquote(&v, val, vlen)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (fl_utf8_validate(v.buf, v.len) != v.len) {
        /* only reached in lossy mode: the front matter was checked before */
        size_t n = 0, replaced = 0;
        char *fixed = fl_utf8_repair(v.buf, v.len, &n, &replaced);
        if (!fixed) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        fl_strbuf_reset(&v);
        int bad = fl_strbuf_add(&v, fixed, n);
        fl_free(fixed);
        if (bad) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    if (!strcmp(k, "title") || !strcmp(k, "source")) {
        fl_article_string which = !strcmp(k, "title") ? FL_ARTICLE_TITLE : FL_ARTICLE_SOURCE;
        if (v.len && fl_article_set_string(a, which, v.buf, v.len))
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
    } else if (!strcmp(k, "date")) {
        fl_date d;
        if (v.len == 0)
            goto cleanup; /* "date:" with no value: no date */
        if (!fl_date_parse_iso(v.buf, &d) && !fl_dateline_parse_date_line(v.buf, v.len, &d)) {
            st = fl_error_set(err, FL_EPARSE, "cannot parse front matter date '%s'", v.buf);
            fl_error_locate(err, a->path, line, -1);
            goto cleanup;
        }
        doc->date = d;
        doc->date_source = FL_DATELINE_FRONT_MATTER;
        fl_free(doc->date_owned);
        if (!(doc->date_owned = fl_strbuf_detach(&v, NULL)))
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
        doc->date_text = doc->date_owned;
    } else {
        if (fl_strbuf_addch(&json, '"') || fl_strbuf_add_json_escaped(&json, v.buf, v.len) ||
            fl_strbuf_addch(&json, '"') || fl_article_add_meta(a, k, json.buf) != FL_OK)
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
    }
cleanup:
    fl_free(k);
    fl_strbuf_release(&v);
    fl_strbuf_release(&json);
    return st;
}

fl_status fl_ingest_parse_md(fl_ingest_doc *doc, char *data, size_t len, fl_error *err)
{
    fl_status st = FL_OK;
    size_t start = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        start = 3;
        doc->article->bom = true;
    }
    size_t pos = start, b, e;
    long line = 0;
    if (!next_line(data, len, &pos, &b, &e) || !is_fence(data, b, e) || data[b] != '-') {
        /* no front matter: the whole input is the body */
        doc->text = data;
        doc->len = len;
        return FL_OK;
    }
    line = 1;
    size_t fm_start = pos;
    {
        /* the front matter is checked like the body: NUL bytes and UTF-8 */
        size_t scan = pos, fb, fe, fm_end = len;
        while (next_line(data, len, &scan, &fb, &fe))
            if (is_fence(data, fb, fe)) {
                fm_end = fb;
                break;
            }
        if (fm_end == len) {
            st = parse_error(doc, err, 1, "front matter opened here is not closed by '---'");
            goto fail;
        }
        const char *nul = memchr(data + fm_start, '\0', fm_end - fm_start);
        if (nul) {
            st =
                fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %zu: not a text file",
                             (size_t)(nul - data));
            fl_error_locate(err, doc->article->path, 0, (long long)(nul - data));
            goto fail;
        }
        size_t bad = fl_utf8_validate(data + fm_start, fm_end - fm_start);
        if (bad != fm_end - fm_start && !doc->lossy) {
            st = fl_error_set(err, FL_EUTF8,
                              "invalid UTF-8 at byte %zu (use --lossy to replace bad bytes)",
                              fm_start + bad);
            fl_error_locate(err, doc->article->path, 0, (long long)(fm_start + bad));
            goto fail;
        }
    }
    while (next_line(data, len, &pos, &b, &e)) {
        line++;
        if (is_fence(data, b, e))
            break; /* the closing line (found by the check above) */
        while (e > b && (data[e - 1] == ' ' || data[e - 1] == '\t'))
            e--;
        if (e == b || data[b] == '#' || data[b] == ' ' || data[b] == '\t' || data[b] == '-')
            continue;
        size_t k = b;
        while (k < e && is_key_char(data[k]))
            k++;
        size_t colon = k;
        while (colon < e && (data[colon] == ' ' || data[colon] == '\t'))
            colon++;
        if (k == b || colon >= e || data[colon] != ':') {
            st = parse_error(doc, err, line, "malformed front matter line (expected 'key: value')");
            goto fail;
        }
        size_t v = colon + 1;
        while (v < e && (data[v] == ' ' || data[v] == '\t'))
            v++;
        if ((st = front_matter_entry(doc, data + b, k - b, data + v, e - v, line, err)) != FL_OK)
            goto fail;
    }
    /* the body: everything after the closing line */
    doc->article->line_base = line;
    doc->byte_base = (long long)pos;
    memmove(data, data + pos, len - pos);
    doc->text = data;
    doc->len = len - pos;
    return FL_OK;
fail:
    fl_free(data);
    return st;
}
