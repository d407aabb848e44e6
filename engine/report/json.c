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

#include <stdio.h>
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
        fl_sink_add(o->s, "        ", o->indent);
    }
    fl_sink_add(o->s, buf, (size_t)(end - buf));
    return 0;
}

/* Writes v (released here) as it would appear at depth `depth` (<= 4) of the tree. */
static void put_value(fl_sink *s, fl_jsonb *b, json_t *v, int depth)
{
    indent_out o = {s, (size_t)(2 * depth)};
    if (!v || b->oom || json_dump_callback(v, put_chunk, &o, DUMP_FLAGS | JSON_ENCODE_ANY))
        b->oom = true;
    json_decref(v);
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
    put_value(a->s, a->b, v, 2);
}

/* Whether s can be written as a JSON string by put_plain_string: valid
 * UTF-8 with no control character, so that only '"' and '\\' need escaping,
 * as jansson's dump escapes them. */
static bool plain_string(const char *s)
{
    if (!s)
        return true;
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20)
            return false;
    return fl_utf8_validate(s, n) == n;
}

static void put_plain_string(fl_sink *sk, const char *s)
{
    if (!s) {
        fl_sink_adds(sk, "null");
        return;
    }
    fl_sink_add(sk, "\"", 1);
    for (const char *run = s;; s++) {
        if (*s == '"' || *s == '\\' || !*s) {
            fl_sink_add(sk, run, (size_t)(s - run));
            if (!*s)
                break;
            fl_sink_add(sk, *s == '"' ? "\\\"" : "\\\\", 2);
            run = s + 1;
        }
    }
    fl_sink_add(sk, "\"", 1);
}

/* A checked article's entry as array_push(article_json()) writes it, without
 * building and dumping a jansson object (~40,000 instructions an article, a
 * tenth of a check of Reuters on the thread that writes the report); articles
 * with an error, or with a string jansson would escape otherwise, take that
 * path.  Returns false when it wrote nothing. */
static void put_uint(fl_sink *sk, unsigned long long v)
{
    char num[24], *p = num + sizeof num;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    fl_sink_add(sk, p, (size_t)(num + sizeof num - p));
}

static bool array_push_article(array_out *a, const fl_article_entry *r)
{
    const char *src = r->dateline ? fl_article_entry_dateline_source(r) : NULL;
    if (fl_article_entry_error(r) || r->skipped || !plain_string(r->id) || !plain_string(r->path) ||
        !plain_string(r->title) || !plain_string(r->dateline) || !plain_string(src))
        return false;
    fl_sink *sk = a->s;
    fl_sink_adds(sk, a->n++ ? ",\n    {\n      \"id\": " : "\n    {\n      \"id\": ");
    put_plain_string(sk, r->id);
    fl_sink_adds(sk, ",\n      \"path\": ");
    put_plain_string(sk, r->path);
    fl_sink_adds(sk, ",\n      \"title\": ");
    put_plain_string(sk, r->title);
    fl_sink_adds(sk, ",\n      \"status\": \"checked\",\n      \"error\": null,\n      "
                     "\"findings\": ");
    put_uint(sk, r->n_findings);
    fl_sink_adds(sk, ",\n      \"facts\": ");
    put_uint(sk, r->n_facts);
    fl_sink_adds(sk, ",\n      \"dateline\": ");
    put_plain_string(sk, r->dateline);
    fl_sink_adds(sk, ",\n      \"dateline_source\": ");
    put_plain_string(sk, src);
    fl_sink_adds(sk, "\n    }");
    return true;
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
    for (const fl_article_entry *r; !b.oom && (r = fl_article_cursor_next(&cur));)
        if (!array_push_article(&a, r))
            array_push(&a, article_json(&b, r));
    if (cur.failed)
        b.oom = true;
    fl_article_cursor_release(&cur);
    array_close(&a);
    array_open(&a, &s, &b, "findings");
    for (size_t i = 0; i < au->n_findings && !b.oom; i++)
        array_push(&a, finding_json(&b, &au->findings[i]));
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
