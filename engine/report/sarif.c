/*
 * sarif.c - SARIF 2.1.0 (one run), validated in tests against the OASIS schema.
 *
 * Columns are code points (run.columnKind "unicodeCodePoints") and end
 * columns are exclusive, as in factlint's own locations.  Byte offsets into
 * the article text are not file offsets (front matter, JSONL, HTML), so they
 * go in result properties rather than region.byteOffset.
 */
#include "report/index.h"
#include "report/jsonb.h"
#include "report/report.h"
#include "report/sink.h"

#include "core/strbuf.h"

#include <string.h>

static const char *sarif_level(fl_severity s)
{
    switch (s) {
    case FL_SEV_ERROR:
        return "error";
    case FL_SEV_WARNING:
        return "warning";
    case FL_SEV_INFO:
        return "note";
    case FL_SEV_NONE:
        return "none";
    }
    return "note";
}

/* Sets uri (percent-encoded) and, for a relative path, uriBaseId on an artifactLocation. */
static void set_artifact(fl_jsonb *b, json_t *art, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    fl_strbuf sb = FL_STRBUF_INIT;
    if (!path || !*path)
        path = "-";
    bool absolute = path[0] == '/';
    if (!absolute)
        while (path[0] == '.' && path[1] == '/')
            path += 2;
    if (absolute && fl_strbuf_adds(&sb, "file://"))
        b->oom = true;
    for (const unsigned char *p = (const unsigned char *)path; *p && !b->oom; p++) {
        int rc;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            rc = fl_strbuf_addch(&sb, *p);
        else
            rc = fl_strbuf_addf(&sb, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        if (rc)
            b->oom = true;
    }
    fl_jsonb_set(b, art, "uri", fl_jsonb_strn(b, sb.buf, sb.len));
    if (!absolute)
        fl_jsonb_set(b, art, "uriBaseId", fl_jsonb_str(b, "%SRCROOT%"));
    fl_strbuf_release(&sb);
}

static long long at_least_1(long long v)
{
    return v < 1 ? 1 : v;
}

static json_t *physical(fl_jsonb *b, const char *path, const fl_location *loc)
{
    json_t *pl = fl_jsonb_obj(b);
    set_artifact(b, fl_jsonb_set(b, pl, "artifactLocation", fl_jsonb_obj(b)), path);
    json_t *reg = fl_jsonb_set(b, pl, "region", fl_jsonb_obj(b));
    long long sl = at_least_1(loc->line), sc = at_least_1(loc->column);
    long long el = loc->end_line < sl ? sl : loc->end_line;
    long long ec = el == sl && loc->end_column < sc ? sc : at_least_1(loc->end_column);
    fl_jsonb_set(b, reg, "startLine", fl_jsonb_int(b, sl));
    fl_jsonb_set(b, reg, "startColumn", fl_jsonb_int(b, sc));
    fl_jsonb_set(b, reg, "endLine", fl_jsonb_int(b, el));
    fl_jsonb_set(b, reg, "endColumn", fl_jsonb_int(b, ec));
    if (loc->excerpt) {
        json_t *snip = fl_jsonb_set(b, reg, "snippet", fl_jsonb_obj(b));
        fl_jsonb_set(b, snip, "text", fl_jsonb_str(b, loc->excerpt));
    }
    return pl;
}

static json_t *text_message(fl_jsonb *b, const char *text)
{
    json_t *m = fl_jsonb_obj(b);
    fl_jsonb_set(b, m, "text", fl_jsonb_str(b, text && *text ? text : "(no message)"));
    return m;
}

static json_t *rule_descriptor(fl_jsonb *b, const fl_report_rule *rr)
{
    const fl_rule_health *h = rr->health;
    const char *summary = h && h->summary && *h->summary ? h->summary : rr->id;
    const char *url = h && h->url && *h->url ? h->url : NULL;
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "id", fl_jsonb_str(b, rr->id));
    fl_jsonb_set(b, o, "name", fl_jsonb_str(b, rr->id));
    fl_jsonb_set(b, o, "shortDescription", text_message(b, summary));
    fl_jsonb_set(b, o, "fullDescription", text_message(b, summary));
    if (url)
        fl_jsonb_set(b, o, "helpUri", fl_jsonb_str(b, url));
    fl_strbuf txt = FL_STRBUF_INIT, md = FL_STRBUF_INIT;
    int rc = fl_strbuf_adds(&txt, summary);
    rc |= fl_strbuf_adds(&md, summary);
    if (url) {
        rc |= fl_strbuf_addf(&txt, "\nSee %s", url);
        rc |= fl_strbuf_addf(&md, "\n\nSee [%s](%s).", rr->id, url);
    }
    if (rc)
        b->oom = true;
    json_t *help = fl_jsonb_set(b, o, "help", fl_jsonb_obj(b));
    fl_jsonb_set(b, help, "text", fl_jsonb_strn(b, txt.buf, txt.len));
    fl_jsonb_set(b, help, "markdown", fl_jsonb_strn(b, md.buf, md.len));
    fl_strbuf_release(&txt);
    fl_strbuf_release(&md);
    json_t *conf = fl_jsonb_set(b, o, "defaultConfiguration", fl_jsonb_obj(b));
    fl_jsonb_set(b, conf, "level", fl_jsonb_str(b, sarif_level(h ? h->severity : FL_SEV_WARNING)));
    fl_jsonb_set(b, conf, "enabled", json_boolean(h ? h->enabled : true));
    json_t *props = fl_jsonb_set(b, o, "properties", fl_jsonb_obj(b));
    fl_jsonb_set(b, props, "tags", fl_jsonb_tags(b, h ? h->tags : NULL));
    if (h && h->hash)
        fl_jsonb_set(b, props, "factlint/hash", fl_jsonb_str(b, h->hash));
    if (h && h->file)
        fl_jsonb_set(b, props, "factlint/file", fl_jsonb_str(b, h->file));
    return o;
}

static json_t *result_json(fl_jsonb *b, const fl_finding *f, const fl_report_index *ix)
{
    const char *path = fl_report_finding_path(f);
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "ruleId", fl_jsonb_str(b, f->rule ? f->rule : ""));
    size_t ri = fl_report_index_rule(ix, f->rule);
    if (ri != SIZE_MAX)
        fl_jsonb_set(b, o, "ruleIndex", fl_jsonb_int(b, (long long)ri));
    fl_jsonb_set(b, o, "level", fl_jsonb_str(b, sarif_level(f->severity)));
    fl_jsonb_set(b, o, "message", text_message(b, f->message));
    json_t *locs = fl_jsonb_set(b, o, "locations", fl_jsonb_arr(b));
    json_t *l0 = fl_jsonb_push(b, locs, fl_jsonb_obj(b));
    fl_jsonb_set(b, l0, "physicalLocation", physical(b, path, &f->loc));
    if (f->n_related) {
        json_t *rel = fl_jsonb_set(b, o, "relatedLocations", fl_jsonb_arr(b));
        for (size_t r = 0; r < f->n_related; r++) {
            json_t *ro = fl_jsonb_push(b, rel, fl_jsonb_obj(b));
            fl_jsonb_set(b, ro, "id", fl_jsonb_int(b, (long long)r + 1));
            fl_jsonb_set(b, ro, "physicalLocation", physical(b, path, &f->related[r].loc));
            fl_jsonb_set(b, ro, "message",
                         text_message(b, f->related[r].message ? f->related[r].message
                                                               : "related location"));
        }
    }
    json_t *fps = fl_jsonb_set(b, o, "partialFingerprints", fl_jsonb_obj(b));
    fl_jsonb_set(b, fps, "factlintFingerprint/v1", fl_jsonb_str(b, f->fingerprint));
    if (f->suppressed) {
        json_t *sup = fl_jsonb_set(b, o, "suppressions", fl_jsonb_arr(b));
        json_t *s0 = fl_jsonb_push(b, sup, fl_jsonb_obj(b));
        fl_jsonb_set(b, s0, "kind", fl_jsonb_str(b, "external"));
        fl_jsonb_set(b, s0, "justification", fl_jsonb_str(b, "listed in the baseline file"));
    }
    json_t *props = fl_jsonb_set(b, o, "properties", fl_jsonb_obj(b));
    fl_jsonb_set(b, props, "factlint/article", fl_jsonb_str(b, f->article_id));
    fl_jsonb_set(b, props, "factlint/offset", fl_jsonb_int(b, (long long)f->loc.offset));
    fl_jsonb_set(b, props, "factlint/length", fl_jsonb_int(b, (long long)f->loc.length));
    if (f->message_id)
        fl_jsonb_set(b, props, "factlint/messageId", fl_jsonb_str(b, f->message_id));
    return o;
}

static json_t *rule_error_note(fl_jsonb *b, const fl_rule_error *e, const fl_report_index *ix)
{
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "level", fl_jsonb_str(b, "error"));
    fl_strbuf sb = FL_STRBUF_INIT;
    if (fl_strbuf_addf(&sb, "rule '%s' failed (%s): %s", e->rule ? e->rule : "?",
                       e->klass ? e->klass : "runtime", e->message ? e->message : ""))
        b->oom = true;
    fl_jsonb_set(b, o, "message", text_message(b, sb.buf));
    fl_strbuf_release(&sb);
    if (e->file && *e->file) {
        json_t *locs = fl_jsonb_set(b, o, "locations", fl_jsonb_arr(b));
        json_t *l0 = fl_jsonb_push(b, locs, fl_jsonb_obj(b));
        json_t *pl = fl_jsonb_set(b, l0, "physicalLocation", fl_jsonb_obj(b));
        set_artifact(b, fl_jsonb_set(b, pl, "artifactLocation", fl_jsonb_obj(b)), e->file);
        if (e->line > 0) {
            json_t *reg = fl_jsonb_set(b, pl, "region", fl_jsonb_obj(b));
            fl_jsonb_set(b, reg, "startLine", fl_jsonb_int(b, e->line));
        }
    }
    size_t ri = fl_report_index_rule(ix, e->rule);
    if (ri != SIZE_MAX) {
        json_t *ar = fl_jsonb_set(b, o, "associatedRule", fl_jsonb_obj(b));
        fl_jsonb_set(b, ar, "id", fl_jsonb_str(b, ix->rules[ri].id));
        fl_jsonb_set(b, ar, "index", fl_jsonb_int(b, (long long)ri));
    }
    json_t *props = fl_jsonb_set(b, o, "properties", fl_jsonb_obj(b));
    fl_jsonb_set(b, props, "factlint/type", fl_jsonb_str(b, "rule"));
    fl_jsonb_set(b, props, "factlint/class", fl_jsonb_str(b, e->klass));
    fl_jsonb_set(b, props, "factlint/article", fl_jsonb_str(b, e->article_id));
    fl_jsonb_set(b, props, "factlint/traceback", fl_jsonb_str(b, e->traceback));
    return o;
}

static json_t *input_error_note(fl_jsonb *b, const fl_article_entry *r, const fl_article_error *e)
{
    json_t *o = fl_jsonb_obj(b);
    fl_jsonb_set(b, o, "level", fl_jsonb_str(b, "error"));
    fl_jsonb_set(b, o, "message", text_message(b, e->message[0] ? e->message : "article skipped"));
    const char *file = e->file[0] ? e->file : (r->path ? r->path : r->id);
    json_t *locs = fl_jsonb_set(b, o, "locations", fl_jsonb_arr(b));
    json_t *l0 = fl_jsonb_push(b, locs, fl_jsonb_obj(b));
    json_t *pl = fl_jsonb_set(b, l0, "physicalLocation", fl_jsonb_obj(b));
    set_artifact(b, fl_jsonb_set(b, pl, "artifactLocation", fl_jsonb_obj(b)), file);
    if (e->line > 0) {
        json_t *reg = fl_jsonb_set(b, pl, "region", fl_jsonb_obj(b));
        fl_jsonb_set(b, reg, "startLine", fl_jsonb_int(b, e->line));
    }
    json_t *props = fl_jsonb_set(b, o, "properties", fl_jsonb_obj(b));
    fl_jsonb_set(b, props, "factlint/type", fl_jsonb_str(b, "input"));
    fl_jsonb_set(b, props, "factlint/code", fl_jsonb_str(b, fl_status_name(e->code)));
    fl_jsonb_set(b, props, "factlint/article", fl_jsonb_str(b, r->id));
    return o;
}

fl_status fl_report_write_sarif(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_jsonb b = {false};
    json_t *root = fl_jsonb_obj(&b);
    fl_jsonb_set(&b, root, "$schema",
                 fl_jsonb_str(&b, "https://json.schemastore.org/sarif-2.1.0.json"));
    fl_jsonb_set(&b, root, "version", fl_jsonb_str(&b, "2.1.0"));
    json_t *runs = fl_jsonb_set(&b, root, "runs", fl_jsonb_arr(&b));
    json_t *run = fl_jsonb_push(&b, runs, fl_jsonb_obj(&b));
    json_t *tool = fl_jsonb_set(&b, run, "tool", fl_jsonb_obj(&b));
    json_t *driver = fl_jsonb_set(&b, tool, "driver", fl_jsonb_obj(&b));
    fl_jsonb_set(&b, driver, "name", fl_jsonb_str(&b, "factlint"));
    fl_jsonb_set(&b, driver, "version", fl_jsonb_str(&b, opt->tool_version));
    fl_jsonb_set(&b, driver, "informationUri", fl_jsonb_str(&b, FL_REPORT_INFORMATION_URI));
    json_t *rules = fl_jsonb_set(&b, driver, "rules", fl_jsonb_arr(&b));
    for (size_t i = 0; i < ix.n_rules && !b.oom; i++)
        fl_jsonb_push(&b, rules, rule_descriptor(&b, &ix.rules[i]));

    json_t *inv = fl_jsonb_set(&b, run, "invocations", fl_jsonb_arr(&b));
    json_t *inv0 = fl_jsonb_push(&b, inv, fl_jsonb_obj(&b));
    if (opt->command_line)
        fl_jsonb_set(&b, inv0, "commandLine", fl_jsonb_str(&b, opt->command_line));
    fl_jsonb_set(&b, inv0, "executionSuccessful", json_boolean(au->n_rule_errors == 0));
    fl_jsonb_set(&b, inv0, "exitCode", fl_jsonb_int(&b, fl_report_exit_code(au, opt->fail_on)));
    json_t *notes = fl_jsonb_set(&b, inv0, "toolExecutionNotifications", fl_jsonb_arr(&b));
    for (size_t i = 0; i < au->n_rule_errors && !b.oom; i++)
        fl_jsonb_push(&b, notes, rule_error_note(&b, &au->rule_errors[i], &ix));
    for (size_t i = 0; i < au->n_entries && !b.oom; i++)
        if (fl_article_entry_error(&au->entries[i]))
            fl_jsonb_push(
                &b, notes,
                input_error_note(&b, &au->entries[i], fl_article_entry_error(&au->entries[i])));

    fl_jsonb_set(&b, run, "columnKind", fl_jsonb_str(&b, "unicodeCodePoints"));
    fl_jsonb_set(&b, run, "results", fl_jsonb_arr(&b));

    /* The results, last in the tree, are written one by one after the rest
     * is dumped with them empty, so the writer holds one result at a time
     * (findings are read back from the audit's file; the tree of them all
     * was ~2 KB a finding): the bytes are the whole tree's dump. */
    fl_sink s;
    fl_sink_init(&s, fp);
    fl_jsonb_stream out;
    fl_jsonb_stream_open(&out, &s, &b, root, "\n    }\n  ]\n}", 4);
    for (size_t i = 0; i < au->n_findings && !b.oom; i++)
        fl_jsonb_stream_item(&out, result_json(&b, fl_audit_finding(au, i), &ix));
    fl_jsonb_stream_close(&out);
    fl_report_index_release(&ix);
    if (b.oom) {
        fl_sink_finish(&s, "sarif report", NULL);
        return fl_error_set(err, FL_ENOMEM, "out of memory building '%s'", "sarif report");
    }
    return fl_sink_finish(&s, "sarif report", err);
}
