/*
 * json.c - the JSON report, schema_version 1 (docs/report-json.md).
 *
 * Key order is fixed by the order of the set calls below; change it only with
 * a new schema_version.
 *
 * The report is written piece by piece: each article, finding and error is
 * built as a small jansson value, dumped and released before the next, so
 * writing costs memory for one element, not for a tree of the whole corpus.
 * The bytes are those json_dumpf(JSON_INDENT(2) | JSON_PRESERVE_ORDER) gives
 * for the whole tree: an element at depth 2 is its own dump with every line
 * after the first indented by four more spaces (strings never hold a raw
 * newline, JSON escapes it).
 */
#include "report/index.h"
#include "report/jsonb.h"
#include "report/report.h"
#include "report/sink.h"

#include "core/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

#define FL_REPORT_JSON_SCHEMA_VERSION 1

static void set_location(fl_jsonb *b, json_t *o, const fl_location *loc)
{
    fl_jsonb_set(b, o, "line", fl_jsonb_int(b, loc->line));
    fl_jsonb_set(b, o, "column", fl_jsonb_int(b, loc->column));
    fl_jsonb_set(b, o, "end_line", fl_jsonb_int(b, loc->end_line));
    fl_jsonb_set(b, o, "end_column", fl_jsonb_int(b, loc->end_column));
    fl_jsonb_set(b, o, "offset", fl_jsonb_int(b, (long long)loc->offset));
    fl_jsonb_set(b, o, "length", fl_jsonb_int(b, (long long)loc->length));
    fl_jsonb_set(b, o, "excerpt", fl_jsonb_str(b, loc->excerpt));
}

/* The evidence array parsed back; a string holding the raw text if it does not parse. */
static json_t *evidence(fl_jsonb *b, const char *ev)
{
    if (!ev || !*ev)
        return fl_jsonb_arr(b);
    json_t *v = json_loads(ev, JSON_DECODE_ANY, NULL);
    if (v)
        return v;
    return fl_jsonb_str(b, ev);
}

static json_t *finding_json(fl_jsonb *b, const fl_finding *f)
{
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "rule", fl_jsonb_str(b, f->rule));
    fl_jsonb_set(b, o, "severity", fl_jsonb_str(b, fl_severity_name(f->severity)));
    fl_jsonb_set(b, o, "message", fl_jsonb_str(b, f->message));
    fl_jsonb_set(b, o, "message_id", fl_jsonb_str(b, f->message_id));
    fl_jsonb_set(b, o, "article", fl_jsonb_str(b, f->article_id));
    fl_jsonb_set(b, o, "file", fl_jsonb_str(b, f->path));
    set_location(b, o, &f->loc);
    json_t *rel = fl_jsonb_set(b, o, "related", fl_jsonb_arr(b));
    for (size_t r = 0; r < f->n_related; r++) {
        json_t *ro = fl_jsonb_push(b, rel, fl_jsonb_obj(b));
        fl_jsonb_set(b, ro, "file", fl_jsonb_str(b, f->path));
        set_location(b, ro, &f->related[r].loc);
        fl_jsonb_set(b, ro, "message", fl_jsonb_str(b, f->related[r].message));
    }
    fl_jsonb_set(b, o, "evidence", evidence(b, f->evidence_json));
    fl_jsonb_set(b, o, "fingerprint", fl_jsonb_str(b, f->fingerprint));
    fl_jsonb_set(b, o, "suppressed", json_boolean(f->suppressed));
    return o;
}

static json_t *article_json(fl_jsonb *b, const fl_article_entry *r)
{
    const fl_article_error *err = fl_article_entry_error(r);
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "id", fl_jsonb_str(b, r->id));
    fl_jsonb_set(b, o, "path", fl_jsonb_str(b, r->path));
    fl_jsonb_set(b, o, "title", fl_jsonb_str(b, r->title));
    fl_jsonb_set(b, o, "status", fl_jsonb_str(b, r->skipped ? "skipped" : "checked"));
    if (err) {
        json_t *e = fl_jsonb_set(b, o, "error", fl_jsonb_obj(b));
        fl_jsonb_set(b, e, "code", fl_jsonb_str(b, fl_status_name(err->code)));
        fl_jsonb_set(b, e, "message", fl_jsonb_str(b, err->message));
        fl_jsonb_set(b, e, "line", err->line > 0 ? fl_jsonb_int(b, err->line) : json_null());
        fl_jsonb_set(b, e, "offset", err->offset >= 0 ? fl_jsonb_int(b, err->offset) : json_null());
    } else {
        fl_jsonb_set(b, o, "error", json_null());
    }
    fl_jsonb_set(b, o, "findings", fl_jsonb_int(b, (long long)r->n_findings));
    fl_jsonb_set(b, o, "facts", fl_jsonb_int(b, (long long)r->n_facts));
    fl_jsonb_set(b, o, "dateline", fl_jsonb_str(b, r->dateline));
    fl_jsonb_set(b, o, "dateline_source",
                 fl_jsonb_str(b, r->dateline ? fl_article_entry_dateline_source(r) : NULL));
    return o;
}

static json_t *rule_error_json(fl_jsonb *b, const fl_rule_error *e)
{
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "type", fl_jsonb_str(b, "rule"));
    fl_jsonb_set(b, o, "rule", fl_jsonb_str(b, e->rule));
    fl_jsonb_set(b, o, "class", fl_jsonb_str(b, e->klass));
    fl_jsonb_set(b, o, "file", fl_jsonb_str(b, e->file));
    fl_jsonb_set(b, o, "line", e->line > 0 ? fl_jsonb_int(b, e->line) : json_null());
    fl_jsonb_set(b, o, "article", fl_jsonb_str(b, e->article_id));
    fl_jsonb_set(b, o, "message", fl_jsonb_str(b, e->message));
    fl_jsonb_set(b, o, "traceback", fl_jsonb_str(b, e->traceback));
    return o;
}

static json_t *input_error_json(fl_jsonb *b, const fl_article_entry *r, const fl_article_error *err)
{
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "type", fl_jsonb_str(b, "input"));
    fl_jsonb_set(b, o, "article", fl_jsonb_str(b, r->id));
    fl_jsonb_set(b, o, "file", fl_jsonb_str(b, err->file[0] ? err->file : r->path));
    fl_jsonb_set(b, o, "line", err->line > 0 ? fl_jsonb_int(b, err->line) : json_null());
    fl_jsonb_set(b, o, "offset", err->offset >= 0 ? fl_jsonb_int(b, err->offset) : json_null());
    fl_jsonb_set(b, o, "code", fl_jsonb_str(b, fl_status_name(err->code)));
    fl_jsonb_set(b, o, "message", fl_jsonb_str(b, err->message));
    return o;
}

static json_t *rule_json(fl_jsonb *b, const fl_report_rule *rr)
{
    const fl_rule_health *h = rr->health;
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "id", fl_jsonb_str(b, rr->id));
    fl_jsonb_set(b, o, "file", fl_jsonb_str(b, h ? h->file : NULL));
    fl_jsonb_set(b, o, "hash", fl_jsonb_str(b, h ? h->hash : NULL));
    fl_jsonb_set(b, o, "summary", fl_jsonb_str(b, h ? h->summary : NULL));
    fl_jsonb_set(b, o, "url", fl_jsonb_str(b, h ? h->url : NULL));
    fl_jsonb_set(b, o, "tags", fl_jsonb_tags(b, h ? h->tags : NULL));
    fl_jsonb_set(b, o, "severity",
                 h ? fl_jsonb_str(b, fl_severity_name(h->severity)) : json_null());
    fl_jsonb_set(b, o, "loaded", json_boolean(h ? h->loaded : false));
    fl_jsonb_set(b, o, "enabled", json_boolean(h ? h->enabled : false));
    fl_jsonb_set(b, o, "articles_run", fl_jsonb_int(b, h ? (long long)h->articles_run : 0));
    fl_jsonb_set(b, o, "findings", fl_jsonb_int(b, h ? (long long)h->findings : 0));
    fl_jsonb_set(b, o, "findings_reported", fl_jsonb_int(b, (long long)rr->findings));
    fl_jsonb_set(b, o, "findings_suppressed", fl_jsonb_int(b, (long long)rr->suppressed));
    json_t *errs = fl_jsonb_set(b, o, "errors", fl_jsonb_obj(b));
    for (int c = 0; c < FL_RERR_COUNT; c++)
        fl_jsonb_set(b, errs, fl_rule_error_class_name((fl_rule_error_class)c),
                     fl_jsonb_int(b, h ? (long long)h->errors_by_class[c] : 0));
    return o;
}

static int add_chunk(const char *buf, size_t size, void *data)
{
    return fl_strbuf_add(data, buf, size) ? -1 : 0;
}

/* Array writing at depth 1 of the root object: `"key": [` ... `]`. */
typedef struct array_out {
    fl_sink *s;
    fl_jsonb *b;
    size_t n;
} array_out;

static void array_open(array_out *a, fl_sink *s, fl_jsonb *b, const char *key)
{
    a->s = s;
    a->b = b;
    a->n = 0;
    fl_sink_addf(s, ",\n  \"%s\": [", key);
}

static void array_push(array_out *a, json_t *v)
{
    fl_sink_adds(a->s, a->n++ ? ",\n    " : "\n    ");
    fl_jsonb_put(a->s, a->b, v, 2);
}

/* ---- findings and articles without jansson --------------------------------
 *
 * A finding built as a jansson tree and dumped costs ~200,000 instructions,
 * most of it parsing the evidence back (json_loads) and dumping it again: on
 * Reuters ~100 M instructions on the thread that writes the report, after
 * every worker has finished; an article entry cost ~40,000.  The writer below
 * puts the same bytes json_dump_callback(DUMP_FLAGS) gives straight into a
 * buffer, and re-indents the evidence from its text.  Whatever it cannot be
 * sure of gives up: a string that is not valid UTF-8 (jansson repairs it),
 * evidence that is not JSON as the engine writes it (an escape other than
 * \" \\ \b \f \n \r \t, a duplicate key, an integer jansson could not hold,
 * nesting deeper than DIRECT_MAX_DEPTH), an article with an error; that
 * element is then written through jansson as before.  Reals are formatted by
 * jansson.  test_report compares both paths on elements made to tell them
 * apart. */

bool fl_report_json_no_direct = false;

#define DIRECT_MAX_DEPTH 32
#define DIRECT_MAX_KEYS  64 /* an evidence object with more keys gives up */

typedef struct direct {
    fl_strbuf *sb;
    bool ok; /* false once anything gave up or memory ran out */
} direct;

/* Appends n bytes (the buffer is reused element after element, so there is
 * room nearly always: that case inline). */
static inline void d_add(direct *d, const char *s, size_t n)
{
    fl_strbuf *sb = d->sb;
    if (sb->alloc - sb->len > n) {
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
    } else if (d->ok && fl_strbuf_add(sb, s, n)) {
        d->ok = false;
    }
}

static inline void d_adds(direct *d, const char *s)
{
    d_add(d, s, strlen(s));
}

static void d_newline(direct *d, int depth)
{
    static const char spaces[] =
        "\n                                                                ";
    size_t n = 2 * (size_t)depth;
    if (n + 1 >= sizeof spaces) {
        d->ok = false;
        return;
    }
    d_add(d, spaces, n + 1);
}

static void d_uint(direct *d, unsigned long long v)
{
    char num[24], *p = num + sizeof num;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    d_add(d, p, (size_t)(num + sizeof num - p));
}

/* Whether any of the eight bytes at p is '"', '\\' or below 0x20 (the usual
 * SWAR tests for a zero byte and a byte below n; bytes >= 0x80 never match). */
static inline bool needs_escape8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t v;
    memcpy(&v, p, 8);
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return (((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

/* A string as jansson dumps it: '"' and '\\' escaped, control characters as
 * \b \f \n \r \t or \u00XX; NULL as null; not valid UTF-8: give up. */
static void d_str(direct *d, const char *s)
{
    if (!s) {
        d_adds(d, "null");
        return;
    }
    size_t n = strlen(s);
    if (fl_utf8_validate(s, n) != n) {
        d->ok = false;
        return;
    }
    d_add(d, "\"", 1);
    const char *run = s;
    for (const char *p = s; p < s + n; p++) {
        /* eight bytes at a time while none needs escaping (most strings) */
        while (p + 8 <= s + n && !needs_escape8(p))
            p += 8;
        if (p == s + n)
            break;
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        d_add(d, run, (size_t)(p - run));
        run = p + 1;
        char esc[8];
        const char *e = NULL;
        switch (c) {
        case '"':
            e = "\\\"";
            break;
        case '\\':
            e = "\\\\";
            break;
        case '\b':
            e = "\\b";
            break;
        case '\f':
            e = "\\f";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        case '\t':
            e = "\\t";
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
            e = esc;
        }
        d_adds(d, e);
    }
    d_add(d, run, (size_t)(s + n - run));
    d_add(d, "\"", 1);
}

/* `{` or `,`, then a new line at depth and `"key": ` (keys are the writer's
 * own, plain ASCII). */
static inline __attribute__((always_inline)) void d_key(direct *d, int depth, bool first,
                                                        const char *key)
{
    char buf[128];
    size_t n = strlen(key), ind = 2 * (size_t)depth;
    if (n + ind + 8 > sizeof buf) {
        d->ok = false;
        return;
    }
    char *p = buf;
    *p++ = first ? '{' : ',';
    *p++ = '\n';
    memset(p, ' ', ind);
    p += ind;
    *p++ = '"';
    memcpy(p, key, n);
    p += n;
    memcpy(p, "\": ", 3);
    p += 3;
    d_add(d, buf, (size_t)(p - buf));
}

static void d_location(direct *d, int depth, const fl_location *loc)
{
    d_key(d, depth, false, "line");
    d_uint(d, loc->line);
    d_key(d, depth, false, "column");
    d_uint(d, loc->column);
    d_key(d, depth, false, "end_line");
    d_uint(d, loc->end_line);
    d_key(d, depth, false, "end_column");
    d_uint(d, loc->end_column);
    d_key(d, depth, false, "offset");
    d_uint(d, loc->offset);
    d_key(d, depth, false, "length");
    d_uint(d, loc->length);
    d_key(d, depth, false, "excerpt");
    d_str(d, loc->excerpt);
}

/* ---- the evidence: JSON text re-indented ---- */

typedef struct jtext {
    const char *p, *end;
} jtext;

static void j_space(jtext *t)
{
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r'))
        t->p++;
}

/* A string token copied as jansson would write what it decodes to; its
 * extent (quotes excluded) in *s, *n. */
static void j_string(direct *d, jtext *t, const char **s, size_t *n)
{
    const char *p = ++t->p; /* past the opening quote */
    for (; p < t->end && *p != '"'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) {
            d->ok = false; /* invalid JSON: jansson keeps the evidence as a string */
            return;
        }
        if (c == '\\') {
            if (p + 1 >= t->end || !strchr("\"\\bfnrt", p[1]) || !p[1]) {
                d->ok = false; /* \/ and \u escapes come out differently */
                return;
            }
            p++;
        }
    }
    if (p >= t->end || fl_utf8_validate(t->p, (size_t)(p - t->p)) != (size_t)(p - t->p)) {
        d->ok = false;
        return;
    }
    *s = t->p;
    *n = (size_t)(p - t->p);
    d_add(d, t->p - 1, *n + 2);
    t->p = p + 1;
}

static bool j_digits(jtext *t)
{
    const char *p = t->p;
    while (t->p < t->end && *t->p >= '0' && *t->p <= '9')
        t->p++;
    return t->p > p;
}

static void j_number(direct *d, jtext *t)
{
    const char *start = t->p;
    if (*t->p == '-')
        t->p++;
    const char *digits = t->p;
    if (!j_digits(t) || (*digits == '0' && t->p - digits > 1)) {
        d->ok = false;
        return;
    }
    bool real = false;
    if (t->p < t->end && *t->p == '.') {
        t->p++;
        real = true;
        if (!j_digits(t)) {
            d->ok = false;
            return;
        }
    }
    if (t->p < t->end && (*t->p == 'e' || *t->p == 'E')) {
        t->p++;
        real = true;
        if (t->p < t->end && (*t->p == '+' || *t->p == '-'))
            t->p++;
        if (!j_digits(t)) {
            d->ok = false;
            return;
        }
    }
    size_t n = (size_t)(t->p - start);
    if (!real) {
        /* as written, unless jansson would read it differently: -0, or
         * beyond what its long long holds */
        if (t->p - digits > 18 || (start < digits && *digits == '0'))
            d->ok = false;
        else
            d_add(d, start, n);
        return;
    }
    char buf[64];
    if (n >= sizeof buf) {
        d->ok = false;
        return;
    }
    memcpy(buf, start, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    json_t *r = errno == ERANGE && isinf(v) ? NULL : json_real(v);
    if (!r || json_dump_callback(r, add_chunk, d->sb, JSON_ENCODE_ANY))
        d->ok = false;
    json_decref(r);
}

static void j_value(direct *d, jtext *t, int depth);

static void j_object(direct *d, jtext *t, int depth)
{
    const char *keys[DIRECT_MAX_KEYS];
    size_t key_len[DIRECT_MAX_KEYS];
    size_t n = 0;
    t->p++;
    j_space(t);
    if (t->p < t->end && *t->p == '}') {
        t->p++;
        d_add(d, "{}", 2);
        return;
    }
    for (;;) {
        j_space(t);
        if (!d->ok || t->p >= t->end || *t->p != '"' || n == DIRECT_MAX_KEYS) {
            d->ok = false;
            return;
        }
        d_add(d, n ? "," : "{", 1);
        d_newline(d, depth + 1);
        j_string(d, t, &keys[n], &key_len[n]);
        for (size_t k = 0; d->ok && k < n; k++)
            if (key_len[k] == key_len[n] && !memcmp(keys[k], keys[n], key_len[n]))
                d->ok = false; /* jansson keeps the last value of a key */
        n++;
        j_space(t);
        if (!d->ok || t->p >= t->end || *t->p != ':') {
            d->ok = false;
            return;
        }
        t->p++;
        d_add(d, ": ", 2);
        j_value(d, t, depth + 1);
        j_space(t);
        if (!d->ok || t->p >= t->end) {
            d->ok = false;
            return;
        }
        if (*t->p == '}') {
            t->p++;
            d_newline(d, depth);
            d_add(d, "}", 1);
            return;
        }
        if (*t->p++ != ',') {
            d->ok = false;
            return;
        }
    }
}

static void j_array(direct *d, jtext *t, int depth)
{
    size_t n = 0;
    t->p++;
    j_space(t);
    if (t->p < t->end && *t->p == ']') {
        t->p++;
        d_add(d, "[]", 2);
        return;
    }
    for (;;) {
        d_add(d, n++ ? "," : "[", 1);
        d_newline(d, depth + 1);
        j_value(d, t, depth + 1);
        j_space(t);
        if (!d->ok || t->p >= t->end) {
            d->ok = false;
            return;
        }
        if (*t->p == ']') {
            t->p++;
            d_newline(d, depth);
            d_add(d, "]", 1);
            return;
        }
        if (*t->p++ != ',') {
            d->ok = false;
            return;
        }
    }
}

static bool j_word(jtext *t, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(t->end - t->p) < n || memcmp(t->p, w, n))
        return false;
    t->p += n;
    return true;
}

static void j_value(direct *d, jtext *t, int depth)
{
    j_space(t);
    if (!d->ok || t->p >= t->end || depth > DIRECT_MAX_DEPTH) {
        d->ok = false;
        return;
    }
    const char *s;
    size_t n;
    switch (*t->p) {
    case '{':
        j_object(d, t, depth);
        return;
    case '[':
        j_array(d, t, depth);
        return;
    case '"':
        j_string(d, t, &s, &n);
        return;
    case 't':
    case 'f':
    case 'n': {
        const char *w = *t->p == 't' ? "true" : *t->p == 'f' ? "false" : "null";
        if (j_word(t, w))
            d_adds(d, w);
        else
            d->ok = false;
        return;
    }
    default:
        if (*t->p == '-' || (*t->p >= '0' && *t->p <= '9'))
            j_number(d, t);
        else
            d->ok = false;
    }
}

/* The evidence at `depth`, as evidence() + dump would write it. */
static void d_evidence(direct *d, const char *ev, int depth)
{
    if (!ev || !*ev) {
        d_add(d, "[]", 2);
        return;
    }
    jtext t = {ev, ev + strlen(ev)};
    j_value(d, &t, depth);
    j_space(&t);
    if (t.p != t.end)
        d->ok = false; /* trailing text: jansson would not parse it */
}

/* Appends finding f at depth 2 of the report to sb as fl_jsonb_put(finding_json())
 * writes it; false (sb then holds a partial element) when it gave up. */
static bool direct_finding(fl_strbuf *sb, const fl_finding *f)
{
    direct d = {sb, !fl_report_json_no_direct};
    const int depth = 2;
    d_key(&d, depth + 1, true, "rule");
    d_str(&d, f->rule);
    d_key(&d, depth + 1, false, "severity");
    d_str(&d, fl_severity_name(f->severity));
    d_key(&d, depth + 1, false, "message");
    d_str(&d, f->message);
    d_key(&d, depth + 1, false, "message_id");
    d_str(&d, f->message_id);
    d_key(&d, depth + 1, false, "article");
    d_str(&d, f->article_id);
    d_key(&d, depth + 1, false, "file");
    d_str(&d, f->path);
    d_location(&d, depth + 1, &f->loc);
    d_key(&d, depth + 1, false, "related");
    if (!f->n_related)
        d_add(&d, "[]", 2);
    for (size_t r = 0; r < f->n_related; r++) {
        d_add(&d, r ? "," : "[", 1);
        d_newline(&d, depth + 2);
        d_key(&d, depth + 3, true, "file");
        d_str(&d, f->path);
        d_location(&d, depth + 3, &f->related[r].loc);
        d_key(&d, depth + 3, false, "message");
        d_str(&d, f->related[r].message);
        d_newline(&d, depth + 2);
        d_add(&d, "}", 1);
        if (r + 1 == f->n_related) {
            d_newline(&d, depth + 1);
            d_add(&d, "]", 1);
        }
    }
    d_key(&d, depth + 1, false, "evidence");
    d_evidence(&d, f->evidence_json, depth + 1);
    d_key(&d, depth + 1, false, "fingerprint");
    d_str(&d, f->fingerprint);
    d_key(&d, depth + 1, false, "suppressed");
    d_adds(&d, f->suppressed ? "true" : "false");
    d_newline(&d, depth);
    d_add(&d, "}", 1);
    return d.ok;
}

static void array_push_finding(array_out *a, fl_strbuf *tmp, const fl_finding *f)
{
    tmp->len = 0;
    if (direct_finding(tmp, f)) {
        fl_sink_adds(a->s, a->n++ ? ",\n    " : "\n    ");
        fl_sink_add(a->s, tmp->buf, tmp->len);
    } else {
        array_push(a, finding_json(a->b, f));
    }
}

/* A checked article's entry as array_push(article_json()) writes it (an
 * article with an error takes that path); false when it gave up. */
static bool direct_article(fl_strbuf *sb, const fl_article_entry *r)
{
    direct d = {sb, !fl_report_json_no_direct && !r->skipped && !fl_article_entry_error(r)};
    const int depth = 2;
    d_key(&d, depth + 1, true, "id");
    d_str(&d, r->id);
    d_key(&d, depth + 1, false, "path");
    d_str(&d, r->path);
    d_key(&d, depth + 1, false, "title");
    d_str(&d, r->title);
    d_key(&d, depth + 1, false, "status");
    d_adds(&d, "\"checked\"");
    d_key(&d, depth + 1, false, "error");
    d_adds(&d, "null");
    d_key(&d, depth + 1, false, "findings");
    d_uint(&d, r->n_findings);
    d_key(&d, depth + 1, false, "facts");
    d_uint(&d, r->n_facts);
    d_key(&d, depth + 1, false, "dateline");
    d_str(&d, r->dateline);
    d_key(&d, depth + 1, false, "dateline_source");
    d_str(&d, r->dateline ? fl_article_entry_dateline_source(r) : NULL);
    d_newline(&d, depth);
    d_add(&d, "}", 1);
    return d.ok;
}

static void array_push_article(array_out *a, fl_strbuf *tmp, const fl_article_entry *r)
{
    tmp->len = 0;
    if (direct_article(tmp, r)) {
        fl_sink_adds(a->s, a->n++ ? ",\n    " : "\n    ");
        fl_sink_add(a->s, tmp->buf, tmp->len);
    } else {
        array_push(a, article_json(a->b, r));
    }
}

static void array_close(array_out *a)
{
    fl_sink_adds(a->s, a->n ? "\n  ]" : "]");
}

fl_status fl_report_write_json(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_jsonb b = {false};
    json_t *root = fl_jsonb_obj(&b);
    fl_jsonb_set(&b, root, "schema_version", fl_jsonb_int(&b, FL_REPORT_JSON_SCHEMA_VERSION));
    json_t *tool = fl_jsonb_set(&b, root, "tool", fl_jsonb_obj(&b));
    fl_jsonb_set(&b, tool, "name", fl_jsonb_str(&b, "factlint"));
    fl_jsonb_set(&b, tool, "version", fl_jsonb_str(&b, opt->tool_version));
    fl_jsonb_set(&b, tool, "lua", fl_jsonb_str(&b, au->lua_version));
    fl_jsonb_set(&b, tool, "pcre2", fl_jsonb_str(&b, au->pcre2_version));
    fl_jsonb_set(&b, root, "command_line", fl_jsonb_str(&b, opt->command_line));

    json_t *sum = fl_jsonb_set(&b, root, "summary", fl_jsonb_obj(&b));
    fl_jsonb_set(&b, sum, "articles", fl_jsonb_int(&b, (long long)fl_audit_n_articles(au)));
    fl_jsonb_set(&b, sum, "articles_checked", fl_jsonb_int(&b, (long long)au->articles_read));
    fl_jsonb_set(&b, sum, "articles_skipped", fl_jsonb_int(&b, (long long)au->articles_skipped));
    size_t total = ix.by_severity[1] + ix.by_severity[2] + ix.by_severity[3];
    fl_jsonb_set(&b, sum, "findings", fl_jsonb_int(&b, (long long)total));
    fl_jsonb_set(&b, sum, "errors", fl_jsonb_int(&b, (long long)ix.by_severity[FL_SEV_ERROR]));
    fl_jsonb_set(&b, sum, "warnings", fl_jsonb_int(&b, (long long)ix.by_severity[FL_SEV_WARNING]));
    fl_jsonb_set(&b, sum, "info", fl_jsonb_int(&b, (long long)ix.by_severity[FL_SEV_INFO]));
    fl_jsonb_set(&b, sum, "suppressed", fl_jsonb_int(&b, (long long)au->suppressed));
    fl_jsonb_set(&b, sum, "rule_errors", fl_jsonb_int(&b, (long long)au->n_rule_errors));
    fl_jsonb_set(&b, sum, "input_errors", fl_jsonb_int(&b, (long long)au->input_errors));
    fl_jsonb_set(&b, sum, "fail_on", fl_jsonb_str(&b, fl_severity_name(opt->fail_on)));
    fl_jsonb_set(&b, sum, "exit_code", fl_jsonb_int(&b, fl_report_exit_code(au, opt->fail_on)));

    fl_sink s;
    fl_sink_init(&s, fp);
    /* the head object without its closing "\n}", then the arrays */
    fl_strbuf head = FL_STRBUF_INIT;
    if (b.oom || !root || json_dump_callback(root, add_chunk, &head, DUMP_FLAGS) || head.len < 2 ||
        memcmp(head.buf + head.len - 2, "\n}", 2))
        b.oom = true;
    else
        fl_sink_add(&s, head.buf, head.len - 2);
    fl_strbuf_release(&head);
    json_decref(root);

    array_out a;
    array_open(&a, &s, &b, "articles");
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, au);
    fl_strbuf tmp = FL_STRBUF_INIT;
    for (const fl_article_entry *r; !b.oom && (r = fl_article_cursor_next(&cur));)
        array_push_article(&a, &tmp, r);
    if (cur.failed)
        b.oom = true;
    fl_article_cursor_release(&cur);
    array_close(&a);
    array_open(&a, &s, &b, "findings");
    for (size_t i = 0; i < au->n_findings && !b.oom; i++)
        array_push_finding(&a, &tmp, fl_audit_finding(au, i));
    fl_strbuf_release(&tmp);
    array_close(&a);
    array_open(&a, &s, &b, "errors");
    for (size_t i = 0; i < au->n_rule_errors && !b.oom; i++)
        array_push(&a, rule_error_json(&b, &au->rule_errors[i]));
    for (size_t i = 0; i < au->n_entries && !b.oom; i++) {
        const fl_article_error *e = fl_article_entry_error(&au->entries[i]);
        if (e)
            array_push(&a, input_error_json(&b, &au->entries[i], e));
    }
    array_close(&a);
    array_open(&a, &s, &b, "rules");
    for (size_t i = 0; i < ix.n_rules && !b.oom; i++)
        array_push(&a, rule_json(&b, &ix.rules[i]));
    array_close(&a);
    fl_sink_adds(&s, "\n}\n");
    fl_report_index_release(&ix);
    if (b.oom) {
        fl_sink_finish(&s, "json report", NULL);
        return fl_error_set(err, FL_ENOMEM, "out of memory building '%s'", "json report");
    }
    return fl_sink_finish(&s, "json report", err);
}
