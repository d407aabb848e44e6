#include "core/factio.h"

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Offsets past this are refused: the stand-in text is allocated up to them. */
#define FL_FACTS_MAX_OFFSET (64u << 20)

typedef struct link_span {
    size_t offset, length;
    bool present;
} link_span;

struct fl_facts_reader {
    FILE *fp;
    bool own;
    char *path;
    long line_no;
    char *line;
    size_t line_cap;
    /* a line read but not yet used: the first line of the next article */
    char *held;
    size_t held_len;
    long held_line;
    bool eof;
    /* the article being gathered */
    fl_facts group;
    char *group_id;
    struct link_span *links;
    size_t links_cap;
};

fl_status fl_facts_reader_open(fl_facts_reader **out, const char *path, fl_error *err)
{
    fl_facts_reader *r = fl_calloc(1, sizeof *r);
    if (r)
        fl_facts_init(&r->group);
    if (!r || !(r->path = fl_strdup(path))) {
        fl_free(r);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    if (!strcmp(path, "-")) {
        r->fp = stdin;
    } else {
        r->fp = fopen(path, "rb");
        r->own = true;
        if (!r->fp) {
            fl_error_set(err, FL_EIO, "cannot open '%s': %s", path, strerror(errno));
            fl_error_locate(err, path, 0, -1);
            fl_free(r->path);
            fl_free(r);
            return FL_EIO;
        }
    }
    *out = r;
    return FL_OK;
}

void fl_facts_reader_close(fl_facts_reader *r)
{
    if (!r)
        return;
    if (r->own && r->fp)
        fclose(r->fp);
    free(r->line); /* from getline */
    fl_free(r->held);
    fl_facts_release(&r->group);
    fl_free(r->group_id);
    fl_free(r->links);
    fl_free(r->path);
    fl_free(r);
}

static const char *known_keys[] = {
    "article",          "kind",      "text",      "offset",   "length",    "line",
    "column",           "paragraph", "sentence",  "value",    "value_max", "currency",
    "currency_source",  "qualifier", "linked",    "unit",     "speaker",   "speaker_text",
    "attribution",      "partial",   "precision", "relative", "resolved",  "anchor",
    "weekday_mismatch", "name",      "key",       "title",    "canonical", NULL};

static bool is_known(const char *k)
{
    for (int i = 0; known_keys[i]; i++)
        if (!strcmp(k, known_keys[i]))
            return true;
    return false;
}

/* A string member or NULL; *ok false when present with another type. */
static const char *opt_str(json_t *o, const char *k, bool *ok)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *ok = false;
        return NULL;
    }
    return json_string_value(v);
}

static double opt_num(json_t *o, const char *k, bool *ok)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return NAN;
    if (!json_is_number(v)) {
        *ok = false;
        return NAN;
    }
    return json_number_value(v);
}

static bool opt_bool(json_t *o, const char *k, bool *ok)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return false;
    if (!json_is_boolean(v)) {
        *ok = false;
        return false;
    }
    return json_is_true(v);
}

static bool get_uint(json_t *o, const char *k, size_t max, size_t *out)
{
    json_t *v = json_object_get(o, k);
    if (!v || !json_is_integer(v) || json_integer_value(v) < 0 ||
        (json_int_t)max < json_integer_value(v))
        return false;
    *out = (size_t)json_integer_value(v);
    return true;
}

/* Parses a date value as written by fl_date_format: "2013", "2013-03",
 * "2013-03-14", "2010s", "19th century". */
static bool parse_date_value(const char *s, fl_date *d)
{
    size_t n = strlen(s);
    if (n == 5 && s[4] == 's') {
        char y[5];
        memcpy(y, s, 4);
        y[4] = '\0';
        if (!fl_date_parse_iso(y, d))
            return false;
        d->precision = FL_PREC_DECADE;
        return true;
    }
    if (n > 8 && !strcmp(s + n - 8, " century")) {
        char *end;
        long c = strtol(s, &end, 10);
        if (c < 1 || c > 100 || end - s > 3)
            return false;
        *d = (fl_date){(int)(c - 1) * 100, 0, 0, FL_PREC_CENTURY};
        return true;
    }
    return fl_date_parse_iso(s, d);
}

/* A string member copied into the list's arena: NULL when absent (or of the
 * wrong type: *ok false), *oom set when the copy failed. */
static const char *dup_opt(fl_facts *fs, json_t *o, const char *k, bool *ok, bool *oom)
{
    const char *v = opt_str(o, k, ok);
    if (!v)
        return NULL;
    const char *c = fl_facts_str(fs, v, strlen(v));
    if (!c)
        *oom = true;
    return c;
}

static fl_status parse_fact(const char *line, size_t len, fl_facts *fs, const char **article_id,
                            link_span *link, fl_error *err)
{
    size_t before = fs->n;
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!o)
        return fl_error_set(err, FL_EPARSE, "bad JSON at column %d: %s", je.column, je.text);
    fl_status st = FL_OK;
    if (!json_is_object(o)) {
        st = fl_error_set(err, FL_EPARSE, "a fact must be a JSON object");
        goto done;
    }
    json_t *jart = json_object_get(o, "article");
    json_t *jkind = json_object_get(o, "kind");
    json_t *jtext = json_object_get(o, "text");
    if (!json_is_string(jart) || !json_string_length(jart)) {
        st = fl_error_set(err, FL_EPARSE, "missing or non-string field 'article'");
        goto done;
    }
    int kind = json_is_string(jkind) ? fl_fact_kind_from_name(json_string_value(jkind)) : -1;
    if (kind < 0) {
        st = fl_error_set(err, FL_EPARSE,
                          "missing or unknown 'kind' (quote, money, quantity, "
                          "percent, duration, date, person, org, place)");
        goto done;
    }
    if (!json_is_string(jtext)) {
        st = fl_error_set(err, FL_EPARSE, "missing or non-string field 'text'");
        goto done;
    }
    const char *text = json_string_value(jtext);
    size_t text_len = json_string_length(jtext);
    if (memchr(text, '\0', text_len) || fl_utf8_validate(text, text_len) != text_len) {
        st = fl_error_set(err, FL_EPARSE, "field 'text' holds a NUL or invalid UTF-8");
        goto done;
    }
    size_t offset, length, line_no = 0, column = 0, para = 0, sent = 0;
    if (!get_uint(o, "offset", FL_FACTS_MAX_OFFSET, &offset) ||
        !get_uint(o, "length", FL_FACTS_MAX_OFFSET, &length)) {
        st = fl_error_set(err, FL_EPARSE,
                          "'offset' and 'length' must be whole numbers from 0 "
                          "to %u",
                          FL_FACTS_MAX_OFFSET);
        goto done;
    }
    if ((json_object_get(o, "line") && !get_uint(o, "line", 100000000, &line_no)) ||
        (json_object_get(o, "column") && !get_uint(o, "column", 100000000, &column)) ||
        (json_object_get(o, "paragraph") && !get_uint(o, "paragraph", 100000000, &para)) ||
        (json_object_get(o, "sentence") && !get_uint(o, "sentence", 100000000, &sent))) {
        st = fl_error_set(err, FL_EPARSE,
                          "'line', 'column', 'paragraph' and 'sentence' must be "
                          "whole numbers");
        goto done;
    }
    fl_fact *f = fl_facts_add(fs, (fl_fact_kind)kind, offset, length);
    if (!f) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto done;
    }
    f->line = (uint32_t)line_no;
    f->column = (uint32_t)column;
    f->paragraph = (uint32_t)para;
    f->sentence = (uint32_t)sent;
    bool ok = true, oom = false;
    if (!(f->text = fl_facts_str(fs, text, text_len)))
        oom = true;
    if (kind != FL_FACT_DATE)
        f->value = opt_num(o, "value", &ok);
    f->value_max = opt_num(o, "value_max", &ok);
    f->unit = dup_opt(fs, o, "unit", &ok, &oom);
    f->qualifier = dup_opt(fs, o, "qualifier", &ok, &oom);
    f->currency = dup_opt(fs, o, "currency", &ok, &oom);
    f->currency_source = dup_opt(fs, o, "currency_source", &ok, &oom);
    f->speaker = dup_opt(fs, o, "speaker", &ok, &oom);
    f->speaker_text = dup_opt(fs, o, "speaker_text", &ok, &oom);
    f->attribution = dup_opt(fs, o, "attribution", &ok, &oom);
    f->partial = opt_bool(o, "partial", &ok);
    f->relative = opt_bool(o, "relative", &ok);
    f->resolved = opt_bool(o, "resolved", &ok);
    f->weekday_mismatch = opt_bool(o, "weekday_mismatch", &ok);
    f->anchor = dup_opt(fs, o, "anchor", &ok, &oom);
    f->name = dup_opt(fs, o, "name", &ok, &oom);
    f->key = dup_opt(fs, o, "key", &ok, &oom);
    f->title = dup_opt(fs, o, "title", &ok, &oom);
    f->canonical = dup_opt(fs, o, "canonical", &ok, &oom);
    if (kind == FL_FACT_PERCENT && f->unit && !strcmp(f->unit, "percent"))
        f->unit = NULL; /* written for every percent */
    if (kind == FL_FACT_DATE) {
        /* for dates "value" is the ISO string, not a number */
        f->value = NAN;
        const char *v = NULL;
        json_t *jv = json_object_get(o, "value");
        if (jv && !json_is_null(jv)) {
            if (!json_is_string(jv))
                ok = false;
            else
                v = json_string_value(jv);
        }
        if (v && !parse_date_value(v, &f->date)) {
            st = fl_error_set(err, FL_EPARSE,
                              "date 'value' must be YYYY, YYYY-MM, YYYY-MM-DD, "
                              "YYYYs or 'Nth century', not '%s'",
                              v);
            goto done;
        }
        const char *p = opt_str(o, "precision", &ok);
        if (p && v && fl_precision_from_name(p) != f->date.precision) {
            st = fl_error_set(err, FL_EPARSE, "'precision' '%s' does not match value '%s'", p, v);
            goto done;
        }
        if (!f->relative)
            f->resolved = false; /* derived from the value when written */
    }
    if (!ok) {
        st = fl_error_set(err, FL_EPARSE,
                          "a field has the wrong type (see facts/facts.schema.json)");
        goto done;
    }
    json_t *linked = json_object_get(o, "linked");
    if (linked && !json_is_null(linked)) {
        size_t lo, ll;
        if (!json_is_object(linked) || !get_uint(linked, "offset", FL_FACTS_MAX_OFFSET, &lo) ||
            !get_uint(linked, "length", FL_FACTS_MAX_OFFSET, &ll)) {
            st = fl_error_set(err, FL_EPARSE, "'linked' must be {\"offset\": N, \"length\": N}");
            goto done;
        }
        if (link) {
            link->offset = lo;
            link->length = ll;
            link->present = true;
        }
    }
    /* unknown members are kept, in their order, and written back */
    json_t *extra = json_object();
    if (!extra) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto done;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (!is_known(k) && json_object_set(extra, k, v))
            oom = true;
    }
    if (!oom && json_object_size(extra)) {
        char *dump = json_dumps(extra, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!dump || !(f->extra_json = fl_facts_str(fs, dump, strlen(dump))))
            oom = true;
        free(dump);
    }
    json_decref(extra);
    if (article_id && !oom &&
        !(*article_id = fl_facts_str(fs, json_string_value(jart), json_string_length(jart))))
        oom = true;
    if (oom)
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
done:
    if (st && fs->n > before)
        fs->n = before; /* a bad line adds no fact */
    json_decref(o);
    return st;
}

fl_status fl_fact_parse_json(const char *line, size_t len, fl_facts *facts, const char **article_id,
                             fl_error *err)
{
    return parse_fact(line, len, facts, article_id, NULL, err);
}

/* Reads the next line into r->line; false at end of file. */
static bool read_line(fl_facts_reader *r, size_t *len)
{
    ssize_t n = getline(&r->line, &r->line_cap, r->fp);
    if (n < 0)
        return false;
    r->line_no++;
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
        n--;
    r->line[n] = '\0';
    *len = (size_t)n;
    return true;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* Builds the stand-in article for facts[first..] of one article id. */
static fl_status build_article(fl_facts_reader *r, const char *id, fl_facts *fs, fl_article **out,
                               fl_error *err)
{
    fl_article *a = fl_article_new();
    if (!a || !(a->id = fl_strdup(id)) || !(a->path = fl_strdup(id))) {
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    a->format = FL_FORMAT_TXT;
    size_t end = 0;
    uint32_t max_line = 1;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (f->offset + f->length > end)
            end = f->offset + f->length;
        if (f->line > max_line)
            max_line = f->line;
    }
    char *text = fl_malloc(end + 2);
    if (!text) {
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    memset(text, ' ', end + 1);
    text[end + 1] = '\0';
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        size_t n = strlen(f->text);
        /* the fact's text, where it fits its span (a quote's span is its text) */
        if (n == f->length)
            memcpy(text + f->offset, f->text, n);
    }
    /* keep the stand-in valid UTF-8 where overlapping spans cut a character */
    size_t fixed_len = 0, replaced = 0;
    char *fixed = fl_utf8_repair(text, end + 1, &fixed_len, &replaced);
    fl_free(text);
    if (!fixed) {
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    if (fixed_len != end + 1) {
        /* a repair changed lengths: fall back to spaces only, offsets must hold */
        fl_free(fixed);
        fixed = fl_malloc(end + 2);
        if (!fixed) {
            fl_article_free(a);
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        }
        memset(fixed, ' ', end + 1);
        fixed[end + 1] = '\0';
    }
    fl_status st = fl_article_set_text(a, fixed, end + 1, false, err);
    if (st) {
        fl_article_free(a);
        return st;
    }
    /* the line map comes from the facts: line L starts column-1 bytes before a
     * fact on it (the stand-in has one-byte spaces there, so columns count right) */
    size_t *starts = fl_calloc(max_line, sizeof *starts);
    if (!starts) {
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    bool *known = fl_calloc(max_line, sizeof *known);
    if (!known) {
        fl_free(starts);
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (!f->line || !f->column || f->column - 1 > f->offset)
            continue;
        size_t li = f->line - 1;
        size_t s = f->offset - (f->column - 1);
        if (!known[li] || s < starts[li])
            starts[li] = s;
        known[li] = true;
    }
    /* lines with no fact: as late as the next known line allows, kept monotonic */
    size_t next = a->text_len;
    for (size_t li = max_line; li-- > 0;) {
        if (!known[li] || starts[li] > next)
            starts[li] = next;
        next = starts[li];
    }
    starts[0] = 0;
    fl_free(known);
    fl_free(a->line_starts);
    a->line_starts = starts;
    a->n_lines = max_line;
    if ((st = fl_article_segment(a, err))) {
        fl_article_free(a);
        return st;
    }
    (void)r;
    *out = a;
    return FL_OK;
}

/* Hands the gathered article to the caller: facts swapped out, links resolved. */
static fl_status finish_group(fl_facts_reader *r, fl_article **article, fl_facts *facts,
                              fl_error *err)
{
    fl_facts tmp = *facts;
    *facts = r->group;
    r->group = tmp;
    fl_facts_reset(&r->group);
    for (size_t i = 0; i < facts->n; i++) {
        if (!r->links[i].present)
            continue;
        for (size_t j = 0; j < facts->n; j++)
            if (j != i && facts->items[j].offset == r->links[i].offset &&
                facts->items[j].length == r->links[i].length) {
                facts->items[i].link = (int32_t)j;
                break;
            }
    }
    fl_status st = build_article(r, r->group_id, facts, article, err);
    fl_free(r->group_id);
    r->group_id = NULL;
    return st;
}

fl_status fl_facts_reader_next(fl_facts_reader *r, fl_article **article, fl_facts *facts,
                               fl_error *err)
{
    for (;;) {
        const char *line;
        size_t len = 0;
        long line_no;
        char *held = r->held;
        r->held = NULL;
        if (held) {
            line = held;
            len = r->held_len;
            line_no = r->held_line;
        } else {
            if (r->eof || !read_line(r, &len)) {
                r->eof = true;
                if (r->group_id)
                    return finish_group(r, article, facts, err);
                return FL_DONE;
            }
            line = r->line;
            line_no = r->line_no;
            if (blank(line, len))
                continue;
        }
        size_t before = r->group.n;
        link_span link = {0, 0, false};
        const char *id = NULL;
        fl_status st = parse_fact(line, len, &r->group, &id, &link, err);
        if (st) {
            fl_free(held);
            fl_error_locate(err, r->path, line_no, -1);
            return st;
        }
        if (r->group_id && strcmp(r->group_id, id)) {
            /* the first fact of the next article: take it back, keep the line */
            r->group.n = before;
            r->held = held ? held : fl_strndup(line, len);
            r->held_len = len;
            r->held_line = line_no;
            if (!r->held)
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            return finish_group(r, article, facts, err);
        }
        fl_free(held);
        if (!r->group_id && !(r->group_id = fl_strdup(id)))
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        if (FL_GROW(r->links, r->links_cap, r->group.n))
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        r->links[r->group.n - 1] = link;
    }
}
