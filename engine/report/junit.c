/*
 * junit.c - JUnit XML (the Ant/Jenkins schema, validated in tests).
 *
 * One <testsuite> per rule (name = rule id), one <testcase> per checked
 * article (classname = article id, which is the path outside JSONL; name =
 * rule id).  A case fails when the rule reported unsuppressed findings there;
 * it errors when the rule failed on that article (findings go in the error's
 * body then, as the schema allows one child).  A rule that failed to load gets
 * one errored case.  Skipped articles are <skipped/> cases in a suite named
 * "factlint.input".  The schema requires a timestamp and a host name: reports
 * are deterministic, so they are always "1970-01-01T00:00:00" and "localhost".
 *
 * A suite's header carries its totals, so each suite is walked twice: a dry
 * pass counts (writing nothing), the second writes its cases straight to the
 * sink.  Memory does not grow with the number of articles (a suite holds a
 * test case per checked article).
 */
#include "report/index.h"
#include "report/report.h"
#include "report/sink.h"

#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JUNIT_SUITE_HEAD " timestamp=\"1970-01-01T00:00:00\" hostname=\"localhost\""

typedef struct junit_ctx {
    fl_sink *s;
    bool dry; /* counting pass: case output is dropped */
    const fl_audit *au;
    const fl_report_index *ix;
    const fl_report_options *opt;
    size_t *order; /* finding indices sorted by (rule, article seq, audit order) */
    bool *error_used;
    bool *error_used_saved; /* error_used before a suite's dry pass */
    size_t tests, failures, errors, skipped;
    int suite_id;
} junit_ctx;

typedef struct order_key {
    size_t rule; /* index in the rule table */
    size_t seq;
    size_t finding;
} order_key;

static int cmp_order(const void *pa, const void *pb)
{
    const order_key *a = pa, *b = pb;
    if (a->rule != b->rule)
        return a->rule < b->rule ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->finding < b->finding ? -1 : a->finding > b->finding;
}

/* Case output: to the sink, or nowhere in the dry pass. */
static void case_add(junit_ctx *j, const char *str)
{
    if (!j->dry)
        fl_sink_adds(j->s, str);
}

/* The same, with XML escaping. */
static void case_xml(junit_ctx *j, const char *str, bool attr)
{
    if (str && !j->dry)
        fl_sink_add_xml(j->s, str, strlen(str), attr);
}

static void finding_line(junit_ctx *j, const fl_finding *f)
{
    char head[96];
    snprintf(head, sizeof head, ":%u:%u: %s: ", (unsigned)f->loc.line, (unsigned)f->loc.column,
             fl_severity_name(f->severity));
    case_xml(j, fl_report_finding_path(f), false);
    case_add(j, head);
    case_xml(j, f->message ? f->message : "", false);
    case_add(j, " [");
    case_xml(j, f->rule ? f->rule : "", false);
    case_add(j, "]\n");
}

static void case_open(junit_ctx *j, const char *classname, const char *name)
{
    case_add(j, "    <testcase classname=\"");
    case_xml(j, classname && *classname ? classname : "-", true);
    case_add(j, "\" name=\"");
    case_xml(j, name && *name ? name : "(unnamed)", true);
    case_add(j, "\" time=\"0\"");
    j->tests++;
}

static void error_body(junit_ctx *j, const fl_rule_error *e)
{
    case_xml(j, e->file ? e->file : "?", false);
    if (e->line > 0)
        if (!j->dry)
            fl_sink_addf(j->s, ":%ld", e->line);
    case_add(j, ": ");
    case_xml(j, e->message ? e->message : "", false);
    case_add(j, "\n");
    if (e->traceback && *e->traceback) {
        case_xml(j, e->traceback, false);
        case_add(j, "\n");
    }
}

/* The k-th finding in the report's order, and its seq. */
static const fl_finding *order_finding(const junit_ctx *j, size_t k)
{
    return fl_audit_finding(j->au, j->order[k]);
}

static size_t order_seq(const junit_ctx *j, size_t k)
{
    return fl_audit_finding_seq(j->au, j->order[k]);
}

/* One test case: findings [fi, fe) of j->order for this rule and article, and
 * the rule's errors on article_id. */
static void emit_case(junit_ctx *j, const char *rule, const char *article_id, size_t fi, size_t fe)
{
    const fl_audit *au = j->au;
    const fl_rule_error *first_err = NULL;
    size_t n_err = 0;
    for (size_t k = 0; k < au->n_rule_errors; k++) {
        const fl_rule_error *e = &au->rule_errors[k];
        if (j->error_used[k] || !e->article_id || !article_id)
            continue;
        if (strcmp(e->rule ? e->rule : "", rule) || strcmp(e->article_id, article_id))
            continue;
        j->error_used[k] = true;
        if (!first_err)
            first_err = e;
        n_err++;
    }
    size_t n_find = 0, first = SIZE_MAX;
    fl_severity worst = FL_SEV_NONE;
    for (size_t k = fi; k < fe; k++) {
        if (fl_audit_finding_suppressed(au, j->order[k]))
            continue;
        const fl_finding *f = order_finding(j, k);
        if (first == SIZE_MAX)
            first = k;
        if (f->severity > worst)
            worst = f->severity;
        n_find++;
    }
    case_open(j, article_id, rule);
    if (!n_err && !n_find) {
        case_add(j, "/>\n");
        return;
    }
    case_add(j, ">\n      ");
    if (n_err) {
        j->errors++;
        case_add(j, "<error message=\"");
        case_xml(j, first_err->message ? first_err->message : "rule error", true);
        case_add(j, "\" type=\"");
        case_xml(j, first_err->klass ? first_err->klass : "runtime", true);
        case_add(j, "\">");
        for (size_t k = 0; k < au->n_rule_errors; k++) {
            const fl_rule_error *e = &au->rule_errors[k];
            if (e->article_id && !strcmp(e->article_id, article_id) &&
                !strcmp(e->rule ? e->rule : "", rule))
                error_body(j, e);
        }
    } else {
        j->failures++;
        case_add(j, "<failure message=\"");
        const fl_finding *f =
            order_finding(j, first); /* read again: findings are read back one at a time */
        case_xml(j, f->message ? f->message : "", true);
        case_add(j, "\" type=\"");
        case_add(j, fl_severity_name(worst));
        case_add(j, "\">");
    }
    for (size_t k = fi; k < fe; k++)
        if (!fl_audit_finding_suppressed(au, j->order[k]))
            finding_line(j, order_finding(j, k));
    case_add(j, n_err ? "</error>\n" : "</failure>\n");
    case_add(j, "    </testcase>\n");
}

/* Writes a suite's opening (totals from the dry pass) and resets the totals. */
static void suite_head(junit_ctx *j, const char *name, const fl_rule_health *h)
{
    fl_sink *s = j->s;
    fl_sink_addf(s, "  <testsuite package=\"factlint\" id=\"%d\" name=\"", j->suite_id++);
    fl_sink_add_xmls(s, name && *name ? name : "(unnamed)", true);
    fl_sink_addf(s,
                 "\"" JUNIT_SUITE_HEAD
                 " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\">\n",
                 j->tests, j->failures, j->errors, j->skipped);
    fl_sink_adds(s, "    <properties>\n      <property name=\"factlint.version\" value=\"");
    fl_sink_add_xmls(s, j->opt->tool_version, true);
    fl_sink_adds(s, "\"/>\n");
    if (h && h->file) {
        fl_sink_adds(s, "      <property name=\"rule.file\" value=\"");
        fl_sink_add_xmls(s, h->file, true);
        fl_sink_adds(s, "\"/>\n");
    }
    if (h) {
        fl_sink_addf(s, "      <property name=\"rule.severity\" value=\"%s\"/>\n",
                     fl_severity_name(h->severity));
    }
    fl_sink_adds(s, "    </properties>\n");
    j->tests = j->failures = j->errors = j->skipped = 0;
}

static void suite_tail(junit_ctx *j)
{
    fl_sink_adds(j->s, "    <system-out></system-out>\n    <system-err></system-err>\n"
                       "  </testsuite>\n");
    j->tests = j->failures = j->errors = j->skipped = 0;
}

/* The case of the findings of one article the audit has no record of, from
 * j->order[k] (before end) on; returns where the next article's start. */
static size_t orphan_case(junit_ctx *j, const char *rule, size_t k, size_t end)
{
    size_t ke = k + 1;
    while (ke < end && order_seq(j, ke) == order_seq(j, k))
        ke++;
    /* a copy: emit_case reads other findings back, which may reuse this one's */
    char *id = fl_strdup(order_finding(j, k)->article_id ? order_finding(j, k)->article_id : "");
    if (!id)
        j->s->oom = true;
    else
        emit_case(j, rule, id, k, ke);
    fl_free(id);
    return ke;
}

/* The cases of rule ri: findings from j->order[pos] on; returns where the
 * next rule's findings start. */
static size_t rule_cases(junit_ctx *j, size_t ri, size_t pos)
{
    const fl_audit *au = j->au;
    const fl_report_rule *rr = &j->ix->rules[ri];
    const fl_rule_health *h = rr->health;
    size_t k = pos, end = k;
    while (end < au->n_findings && fl_report_index_rule(j->ix, order_finding(j, end)->rule) == ri)
        end++;
    /* load errors and other errors not tied to an article */
    for (size_t e = 0; e < au->n_rule_errors; e++) {
        const fl_rule_error *re = &au->rule_errors[e];
        if (re->article_id || strcmp(re->rule ? re->rule : "", rr->id))
            continue;
        j->error_used[e] = true;
        case_open(j, re->file ? re->file : rr->id, rr->id);
        case_add(j, ">\n      <error message=\"");
        case_xml(j, re->message ? re->message : "rule error", true);
        case_add(j, "\" type=\"");
        case_xml(j, re->klass ? re->klass : "load", true);
        case_add(j, "\">");
        error_body(j, re);
        case_add(j, "</error>\n    </testcase>\n");
        j->errors++;
    }
    bool runs = !h || (h->loaded && h->enabled);
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, au);
    for (const fl_article_entry *r; (r = fl_article_cursor_next(&cur));) {
        /* findings of articles before this one that have no record */
        while (k < end && order_seq(j, k) < r->seq)
            k = orphan_case(j, rr->id, k, end);
        size_t ke = k;
        while (ke < end && order_seq(j, ke) == r->seq)
            ke++;
        if (!r->skipped && (runs || ke > k))
            emit_case(j, rr->id, r->id ? r->id : r->path, k, ke);
        k = ke;
    }
    if (cur.failed)
        j->s->oom = true;
    fl_article_cursor_release(&cur);
    while (k < end)
        k = orphan_case(j, rr->id, k, end);
    /* errors on articles the audit has no record of */
    for (size_t e = 0; e < au->n_rule_errors; e++) {
        const fl_rule_error *re = &au->rule_errors[e];
        if (!j->error_used[e] && re->article_id && !strcmp(re->rule ? re->rule : "", rr->id))
            emit_case(j, rr->id, re->article_id, 0, 0);
    }
    return end;
}

/* One suite per rule: a dry pass for the totals, then the cases. */
static void rule_suite(junit_ctx *j, size_t ri, size_t *pos)
{
    const fl_report_rule *rr = &j->ix->rules[ri];
    size_t n_err = j->au->n_rule_errors;
    memcpy(j->error_used_saved, j->error_used, n_err * sizeof *j->error_used);
    j->dry = true;
    rule_cases(j, ri, *pos);
    j->dry = false;
    memcpy(j->error_used, j->error_used_saved, n_err * sizeof *j->error_used);
    suite_head(j, rr->id, rr->health);
    *pos = rule_cases(j, ri, *pos);
    suite_tail(j);
}

/* The "factlint.input" suite's cases: one per skipped article. */
static void input_cases(junit_ctx *j)
{
    const fl_audit *au = j->au;
    for (size_t a = 0; a < au->n_entries; a++) {
        const fl_article_entry *r = &au->entries[a];
        const fl_article_error *e = fl_article_entry_error(r);
        if (!e)
            continue;
        case_open(j, r->id ? r->id : r->path, "input");
        case_add(j, ">\n      <skipped message=\"");
        case_xml(j, e->message[0] ? e->message : "skipped", true);
        case_add(j, "\"/>\n    </testcase>\n");
        j->skipped++;
    }
}

fl_status fl_report_write_junit(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_sink s;
    fl_sink_init(&s, fp);
    junit_ctx j = {0};
    order_key *keys = NULL;
    j.s = &s;
    j.au = au;
    j.ix = &ix;
    j.opt = opt;
    j.order = fl_malloc((au->n_findings + 1) * sizeof *j.order);
    j.error_used = fl_calloc(au->n_rule_errors + 1, sizeof *j.error_used);
    j.error_used_saved = fl_calloc(au->n_rule_errors + 1, sizeof *j.error_used_saved);
    if (!j.order || !j.error_used || !j.error_used_saved) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory writing 'junit report'");
        goto cleanup;
    }
    keys = fl_malloc((au->n_findings + 1) * sizeof *keys);
    if (!keys) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory writing 'junit report'");
        goto cleanup;
    }
    for (size_t i = 0; i < au->n_findings; i++) {
        keys[i].rule = fl_report_index_rule(&ix, fl_audit_finding(au, i)->rule);
        keys[i].seq = fl_audit_finding_seq(au, i);
        keys[i].finding = i;
    }
    qsort(keys, au->n_findings, sizeof *keys, cmp_order);
    for (size_t i = 0; i < au->n_findings; i++)
        j.order[i] = keys[i].finding;

    fl_sink_adds(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fl_sink_addf(&s, "<!-- factlint: %zu articles checked, %zu skipped; %zu rule errors -->\n",
                 au->articles_read, au->articles_skipped, au->n_rule_errors);
    fl_sink_adds(&s, "<testsuites>\n");
    size_t pos = 0;
    for (size_t ri = 0; ri < ix.n_rules; ri++)
        rule_suite(&j, ri, &pos);
    if (au->articles_skipped) {
        j.dry = true;
        input_cases(&j);
        j.dry = false;
        suite_head(&j, "factlint.input", NULL);
        input_cases(&j);
        suite_tail(&j);
    }
    fl_sink_adds(&s, "</testsuites>\n");
    st = fl_sink_finish(&s, "junit report", err);
cleanup:
    fl_strbuf_release(&s.sb);
    fl_free(keys);
    fl_free(j.order);
    fl_free(j.error_used);
    fl_free(j.error_used_saved);
    fl_report_index_release(&ix);
    return st;
}
