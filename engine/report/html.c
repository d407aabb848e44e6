/*
 * html.c - one self-contained HTML review page (inline CSS, JS and SVG).
 *
 * Layout: a header with the verdict; a summary (counts by severity, a bar
 * chart by rule drawn as inline SVG, tables by rule and by article); filters;
 * then one <details> per article with findings: its findings as a list and,
 * when the audit kept the text, the text with line numbers and every span
 * highlighted.  Article bodies sit in <template> elements and are attached
 * when their <details> first opens, so a corpus of thousands of articles
 * stays responsive.
 *
 * Ids: a finding's primary span is "m<i>" (i = its index in the audit), its
 * related spans "m<i>r<k>", an article's <details> "a<seq>".  Overlapping
 * spans are split: a span that must close inside another is closed and
 * reopened as a continuation piece (class "cont", no id, not focusable), so
 * the markup always nests properly.  Exactly one mark per shown finding has
 * tabindex="0".
 */
#include "report/html_assets.h"
#include "report/index.h"
#include "report/report.h"
#include "report/sink.h"

#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct html_span {
    size_t start, end; /* bytes in the article text */
    size_t finding;    /* index of the finding (fl_audit_finding) */
    int related;       /* -1 for the primary span, else the related index */
    size_t order;      /* tie breaker */
} html_span;

static void esc(fl_sink *s, const char *str)
{
    fl_sink_add_xmls(s, str ? str : "", false);
}

static void esc_attr(fl_sink *s, const char *str)
{
    fl_sink_add_xmls(s, str ? str : "", true);
}

static int cmp_span(const void *pa, const void *pb)
{
    const html_span *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1; /* longer first: it becomes the outer element */
    return a->order < b->order ? -1 : a->order > b->order;
}

static const char *sev_name(fl_severity s)
{
    return fl_severity_name(s);
}

/* The opening tag of a span's mark; `first` for its first piece. */
static void mark_open(fl_sink *s, const fl_audit *au, const html_span *sp, bool first,
                      size_t art_seq)
{
    const fl_finding *f = fl_audit_finding(au, sp->finding);
    const char *sev = sev_name(f->severity);
    fl_sink_adds(s, "<mark class=\"");
    if (sp->related >= 0)
        fl_sink_adds(s, "rel");
    else
        fl_sink_addf(s, "f sev-%s", sev);
    if (!first)
        fl_sink_adds(s, " cont");
    if (sp->start == sp->end)
        fl_sink_adds(s, " empty");
    fl_sink_adds(s, "\" data-rule=\"");
    esc_attr(s, f->rule);
    fl_sink_addf(s, "\" data-severity=\"%s\"", sev);
    if (!first) {
        if (sp->related >= 0)
            fl_sink_addf(s, " data-of=\"m%zur%d\">", sp->finding, sp->related);
        else
            fl_sink_addf(s, " data-of=\"m%zu\">", sp->finding);
        return;
    }
    if (sp->related >= 0) {
        const fl_related *r = &f->related[sp->related];
        fl_sink_addf(s, " id=\"m%zur%d\" data-of=\"m%zu\" tabindex=\"-1\" title=\"", sp->finding,
                     sp->related, sp->finding);
        esc_attr(s, r->message ? r->message : "related");
        fl_sink_adds(s, "\" aria-label=\"");
        esc_attr(s, r->message ? r->message : "related");
        fl_sink_adds(s, " (");
        esc_attr(s, f->message);
        fl_sink_adds(s, ")\">");
        return;
    }
    fl_sink_addf(s, " id=\"m%zu\" tabindex=\"0\" title=\"", sp->finding);
    esc_attr(s, f->message);
    fl_sink_addf(s, "\" aria-label=\"%s: ", sev);
    esc_attr(s, f->message);
    fl_sink_adds(s, " [");
    esc_attr(s, f->rule);
    fl_sink_adds(s, "]\">");
    if (f->n_related) {
        fl_sink_addf(s, "<a class=\"goto\" href=\"#m%zur0\" data-art=\"a%zu\" title=\"",
                     sp->finding, art_seq);
        esc_attr(s, f->related[0].message ? f->related[0].message : "related");
        fl_sink_adds(s, "\" aria-label=\"go to the related span\">&#8617;</a>");
    }
}

/* Moves an offset back to the start of its UTF-8 character. */
static size_t char_start(const char *text, size_t off)
{
    while (off > 0 && ((unsigned char)text[off] & 0xC0) == 0x80)
        off--;
    return off;
}

/* Escaped text [from, to) with a line-number marker after each line break. */
static void text_run(fl_sink *s, const char *text, size_t len, size_t from, size_t to, long *line)
{
    size_t start = from;
    for (size_t i = from; i < to; i++) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        fl_sink_add_xml(s, text + start, i - start, false);
        if (text[i] == '\r' && i + 1 < to && text[i + 1] == '\n')
            i++;
        if (i + 1 < len) /* no number for the empty "line" after a final break */
            fl_sink_addf(s, "\n<span class=\"ln\" data-n=\"%ld\"></span>", ++*line);
        else
            fl_sink_adds(s, "\n");
        start = i + 1;
    }
    fl_sink_add_xml(s, text + start, to - start, false);
}

/* Renders the text of one article with its spans marked. */
static fl_status article_text(fl_sink *s, const fl_audit *au, const fl_article_entry *r,
                              size_t fbeg, size_t fend)
{
    const char *text = fl_article_entry_text(r);
    size_t len = strlen(text), n = 0, cap = 0;
    html_span *spans = NULL;
    size_t *stack = NULL, depth = 0, *reopen = NULL;
    fl_status st = FL_OK;
    for (size_t i = fbeg; i < fend; i++) {
        if (fl_audit_finding_suppressed(au, i))
            continue;
        const fl_finding *f = fl_audit_finding(au, i);
        for (int k = -1; k < (int)f->n_related; k++) {
            const fl_location *loc = k < 0 ? &f->loc : &f->related[k].loc;
            if (FL_GROW(spans, cap, n + 1))
                goto nomem;
            size_t a = loc->offset > len ? len : loc->offset;
            size_t b = loc->length > len - a ? len : a + loc->length;
            spans[n].start = char_start(text, a);
            spans[n].end = char_start(text, b);
            if (spans[n].end < spans[n].start)
                spans[n].end = spans[n].start;
            spans[n].finding = i;
            spans[n].related = k;
            spans[n].order = n;
            n++;
        }
    }
    if (n)
        qsort(spans, n, sizeof *spans, cmp_span);
    stack = fl_malloc((n + 1) * sizeof *stack);
    reopen = fl_malloc((n + 1) * sizeof *reopen);
    if (!stack || !reopen)
        goto nomem;
    long line = fl_article_entry_line_base(r) + 1;
    fl_sink_addf(s, "<pre class=\"text\"><span class=\"ln\" data-n=\"%ld\"></span>", line);
    size_t pos = 0, next = 0;
    for (;;) {
        /* close every open span that ends here, reopening the ones above it */
        for (;;) {
            size_t d = SIZE_MAX;
            for (size_t k = 0; k < depth; k++)
                if (spans[stack[k]].end <= pos) {
                    d = k;
                    break;
                }
            if (d == SIZE_MAX)
                break;
            size_t nre = 0;
            for (size_t k = depth; k-- > d;) {
                fl_sink_adds(s, "</mark>");
                if (k > d && spans[stack[k]].end > pos)
                    reopen[nre++] = stack[k];
            }
            depth = d;
            while (nre--) {
                stack[depth++] = reopen[nre];
                mark_open(s, au, &spans[reopen[nre]], false, r->seq);
            }
        }
        while (next < n && spans[next].start == pos) {
            mark_open(s, au, &spans[next], true, r->seq);
            if (spans[next].end == pos)
                fl_sink_adds(s, "</mark>");
            else
                stack[depth++] = next;
            next++;
        }
        if (pos >= len && !depth)
            break;
        size_t to = len;
        if (next < n && spans[next].start < to)
            to = spans[next].start;
        for (size_t k = 0; k < depth; k++)
            if (spans[stack[k]].end < to)
                to = spans[stack[k]].end;
        text_run(s, text, len, pos, to, &line);
        pos = to;
    }
    fl_sink_adds(s, "</pre>");
    goto cleanup;
nomem:
    st = FL_ENOMEM;
cleanup:
    fl_free(spans);
    fl_free(stack);
    fl_free(reopen);
    return st;
}

static void finding_item(fl_sink *s, const fl_audit *au, size_t i, size_t art_seq, bool has_text)
{
    const fl_finding *f = fl_audit_finding(au, i);
    const char *sev = sev_name(f->severity);
    fl_sink_addf(s, "<li class=\"fi sev-%s\" data-severity=\"%s\" data-rule=\"", sev, sev);
    esc_attr(s, f->rule);
    fl_sink_addf(s, "\" data-art=\"a%zu\">", art_seq);
    if (has_text)
        fl_sink_addf(s, "<a href=\"#m%zu\" data-art=\"a%zu\">", i, art_seq);
    fl_sink_addf(s, "%u:%u", (unsigned)f->loc.line, (unsigned)f->loc.column);
    if (has_text)
        fl_sink_adds(s, "</a>");
    fl_sink_addf(s, " <span class=\"sev\">%s</span> ", sev);
    esc(s, f->message);
    fl_sink_adds(s, " <code>");
    esc(s, f->rule);
    fl_sink_adds(s, "</code>");
    if (f->loc.excerpt && *f->loc.excerpt) {
        fl_sink_adds(s, " <q class=\"muted\">");
        esc(s, f->loc.excerpt);
        fl_sink_adds(s, "</q>");
    }
    for (size_t k = 0; k < f->n_related; k++) {
        const fl_related *rel = &f->related[k];
        fl_sink_adds(s, "<br><span class=\"muted\">");
        esc(s, rel->message ? rel->message : "related");
        fl_sink_adds(s, ":</span> ");
        if (has_text)
            fl_sink_addf(s, "<a href=\"#m%zur%zu\" data-art=\"a%zu\">", i, k, art_seq);
        fl_sink_addf(s, "line %u, column %u", (unsigned)rel->loc.line, (unsigned)rel->loc.column);
        if (has_text)
            fl_sink_adds(s, "</a>");
    }
    fl_sink_adds(s, "</li>\n");
}

static void chart(fl_sink *s, const fl_report_index *ix)
{
    size_t rows = 0, max = 0;
    for (size_t i = 0; i < ix->n_rules; i++)
        if (ix->rules[i].findings) {
            rows++;
            if (ix->rules[i].findings > max)
                max = ix->rules[i].findings;
        }
    if (!rows)
        return;
    const unsigned label = 260, bar = 420, rowh = 22;
    fl_sink_addf(s,
                 "<svg class=\"chart\" role=\"img\" aria-label=\"findings by rule\" "
                 "xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%zu\" "
                 "viewBox=\"0 0 %u %zu\">\n",
                 label + bar + 60, rows * rowh + 4, label + bar + 60, rows * rowh + 4);
    static const char *const colors[4] = {"#999", "#1565c0", "#ef6c00", "#c62828"};
    size_t y = 2;
    for (size_t i = 0; i < ix->n_rules; i++) {
        const fl_report_rule *r = &ix->rules[i];
        if (!r->findings)
            continue;
        fl_sink_addf(s, "<g><title>");
        esc(s, r->id);
        fl_sink_addf(s, ": %zu errors, %zu warnings, %zu info</title>", r->by_severity[3],
                     r->by_severity[2], r->by_severity[1]);
        fl_sink_addf(s, "<text x=\"%u\" y=\"%zu\" text-anchor=\"end\">", label - 6, y + 15);
        esc(s, r->id);
        fl_sink_adds(s, "</text>");
        double x = label;
        for (int sev = 3; sev >= 1; sev--) {
            if (!r->by_severity[sev])
                continue;
            double w = (double)bar * (double)r->by_severity[sev] / (double)max;
            fl_sink_addf(s, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%u\" fill=\"%s\"/>",
                         x, y + 2, w, rowh - 6, colors[sev]);
            x += w;
        }
        fl_sink_addf(s, "<text x=\"%.1f\" y=\"%zu\">%zu</text></g>\n", x + 4, y + 15, r->findings);
        y += rowh;
    }
    fl_sink_adds(s, "</svg>\n");
}

static void summary(fl_sink *s, const fl_audit *au, const fl_report_index *ix)
{
    fl_sink_adds(s, "<section id=\"summary\"><h2>Summary</h2>\n<table class=\"counts\">"
                    "<tr><th>Severity</th><th>Findings</th></tr>\n");
    for (int sev = 3; sev >= 1; sev--)
        fl_sink_addf(s, "<tr><td class=\"sev sev-%s\">%s</td><td class=\"n\">%zu</td></tr>\n",
                     sev_name((fl_severity)sev), sev_name((fl_severity)sev), ix->by_severity[sev]);
    fl_sink_addf(s, "<tr><td>suppressed by baseline</td><td class=\"n\">%zu</td></tr>\n",
                 au->suppressed);
    fl_sink_adds(s, "</table>\n<h3>By rule</h3>\n");
    chart(s, ix);
    fl_sink_adds(s, "<table class=\"rules\"><tr><th>Rule</th><th>Errors</th><th>Warnings</th>"
                    "<th>Info</th><th>Suppressed</th><th>Rule errors</th></tr>\n");
    for (size_t i = 0; i < ix->n_rules; i++) {
        const fl_report_rule *r = &ix->rules[i];
        fl_sink_adds(s, "<tr><td><code>");
        esc(s, r->id);
        fl_sink_adds(s, "</code>");
        if (r->health && r->health->summary) {
            fl_sink_adds(s, " <span class=\"muted\">");
            esc(s, r->health->summary);
            fl_sink_adds(s, "</span>");
        }
        fl_sink_addf(s,
                     "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
                     "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                     r->by_severity[3], r->by_severity[2], r->by_severity[1], r->suppressed,
                     r->errors);
    }
    fl_sink_adds(s, "</table>\n<details><summary>By article</summary>\n<table class=\"arts\">"
                    "<tr><th>Article</th><th>Status</th><th>Findings</th></tr>\n");
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, au);
    for (const fl_article_entry *r; (r = fl_article_cursor_next(&cur));) {
        fl_sink_adds(s, "<tr><td>");
        esc(s, r->path ? r->path : r->id);
        fl_sink_addf(s, "</td><td>%s</td><td class=\"n\">%zu</td></tr>\n",
                     r->skipped ? "skipped" : "checked", (size_t)r->n_findings);
    }
    if (cur.failed)
        s->oom = true; /* reported as a failure to write the report */
    fl_article_cursor_release(&cur);
    fl_sink_adds(s, "</table></details>\n</section>\n");
}

static void filters(fl_sink *s, const fl_audit *au, const fl_report_index *ix)
{
    fl_sink_adds(s, "<section id=\"filters\" aria-label=\"filters\"><strong>Show:</strong> ");
    for (int sev = 3; sev >= 1; sev--)
        fl_sink_addf(s,
                     "<label><input type=\"checkbox\" class=\"fsev\" value=\"%s\" checked> %s"
                     "</label>",
                     sev_name((fl_severity)sev), sev_name((fl_severity)sev));
    fl_sink_adds(s, "<label>rule <select id=\"frule\"><option value=\"\">all rules</option>");
    for (size_t i = 0; i < ix->n_rules; i++) {
        if (!ix->rules[i].findings)
            continue;
        fl_sink_adds(s, "<option value=\"");
        esc_attr(s, ix->rules[i].id);
        fl_sink_adds(s, "\">");
        esc(s, ix->rules[i].id);
        fl_sink_addf(s, " (%zu)</option>", ix->rules[i].findings);
    }
    fl_sink_adds(s, "</select></label><label>article <select id=\"fart\">"
                    "<option value=\"\">all articles</option>");
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i < au->n_findings; i++) {
        if (fl_audit_finding_suppressed(au, i) || fl_audit_finding_seq(au, i) == prev)
            continue;
        const fl_finding *f = fl_audit_finding(au, i);
        prev = f->article_seq;
        fl_sink_addf(s, "<option value=\"a%zu\">", f->article_seq);
        esc(s, fl_report_finding_path(f));
        fl_sink_adds(s, "</option>");
    }
    fl_sink_adds(s, "</select></label> <span id=\"shown\" class=\"muted\"></span> "
                    "<span class=\"muted\">keys: <kbd>j</kbd>/<kbd>n</kbd> next, <kbd>k</kbd>/"
                    "<kbd>p</kbd> previous</span></section>\n");
}

static void problems(fl_sink *s, const fl_audit *au)
{
    if (au->articles_skipped) {
        fl_sink_addf(s,
                     "<section id=\"skipped\"><h2>Skipped articles (%zu)</h2>\n<table>"
                     "<tr><th>Article</th><th>Line</th><th>Error</th></tr>\n",
                     au->articles_skipped);
        for (size_t i = 0; i < au->n_entries; i++) {
            const fl_article_entry *r = &au->entries[i];
            const fl_article_error *e = fl_article_entry_error(r);
            if (!e)
                continue;
            fl_sink_adds(s, "<tr><td>");
            esc(s, e->file[0] ? e->file : (r->path ? r->path : r->id));
            fl_sink_adds(s, "</td><td>");
            if (e->line > 0)
                fl_sink_addf(s, "%ld", e->line);
            fl_sink_addf(s, "</td><td>%s: ", fl_status_name(e->code));
            esc(s, e->message);
            fl_sink_adds(s, "</td></tr>\n");
        }
        fl_sink_adds(s, "</table></section>\n");
    }
    if (au->n_rule_errors) {
        fl_sink_addf(s,
                     "<section id=\"rule-errors\"><h2>Rule errors (%zu)</h2>\n<table>"
                     "<tr><th>Rule</th><th>Class</th><th>Where</th><th>Article</th>"
                     "<th>Message</th></tr>\n",
                     au->n_rule_errors);
        for (size_t i = 0; i < au->n_rule_errors; i++) {
            const fl_rule_error *e = &au->rule_errors[i];
            fl_sink_adds(s, "<tr><td><code>");
            esc(s, e->rule);
            fl_sink_adds(s, "</code></td><td>");
            esc(s, e->klass);
            fl_sink_adds(s, "</td><td>");
            esc(s, e->file);
            if (e->line > 0)
                fl_sink_addf(s, ":%ld", e->line);
            fl_sink_adds(s, "</td><td>");
            esc(s, e->article_id);
            fl_sink_adds(s, "</td><td>");
            esc(s, e->message);
            if (e->traceback && *e->traceback) {
                fl_sink_adds(s, "<pre>");
                esc(s, e->traceback);
                fl_sink_adds(s, "</pre>");
            }
            fl_sink_adds(s, "</td></tr>\n");
        }
        fl_sink_adds(s, "</table></section>\n");
    }
}

fl_status fl_report_write_html(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_sink s;
    fl_sink_init(&s, fp);
    int code = fl_report_exit_code(au, opt->fail_on);
    fl_sink_adds(&s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"generator\" content=\"factlint ");
    esc_attr(&s, opt->tool_version);
    fl_sink_adds(&s, "\">\n<title>factlint report</title>\n<style>\n");
    fl_sink_adds(&s, fl_html_css);
    fl_sink_adds(&s, "</style>\n</head>\n<body>\n<header><h1>factlint report</h1>\n");
    fl_sink_addf(&s, "<p class=\"verdict %s\">%s</p>\n", code ? "failed" : "passed",
                 code == 0   ? "Passed"
                 : code == 1 ? "Failed: findings at or above the threshold"
                 : code == 2 ? "Failed: input errors"
                             : "Failed: rule errors");
    fl_sink_addf(&s,
                 "<p>%zu articles checked, %zu skipped; %zu errors, %zu warnings, %zu info "
                 "(%zu suppressed by baseline); %zu rule errors. Fails on: %s.</p>\n",
                 au->articles_read, au->articles_skipped, ix.by_severity[3], ix.by_severity[2],
                 ix.by_severity[1], au->suppressed, au->n_rule_errors,
                 fl_severity_name(opt->fail_on));
    fl_sink_adds(&s, "<p class=\"muted\">factlint ");
    esc(&s, opt->tool_version);
    if (opt->command_line) {
        fl_sink_adds(&s, " &middot; <code>");
        esc(&s, opt->command_line);
        fl_sink_adds(&s, "</code>");
    }
    fl_sink_adds(&s, "</p></header>\n<main>\n");
    summary(&s, au, &ix);
    filters(&s, au, &ix);
    fl_sink_adds(&s, "<section id=\"articles\"><h2>Findings by article</h2>\n");
    /* findings come in seq order: walk the articles alongside for titles */
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, au);
    cur.want_text = true;
    const fl_article_entry *at = fl_article_cursor_next(&cur);
    size_t i = 0;
    while (i < au->n_findings && st == FL_OK) {
        size_t seq = fl_audit_finding_seq(au, i), end = i, shown = 0;
        while (end < au->n_findings && fl_audit_finding_seq(au, end) == seq) {
            if (!fl_audit_finding_suppressed(au, end))
                shown++;
            end++;
        }
        if (!shown) {
            i = end;
            continue;
        }
        while (at && at->seq < seq)
            at = fl_article_cursor_next(&cur);
        const fl_article_entry *r = at && at->seq == seq ? at : fl_report_article(au, seq);
        bool has_text = r && fl_article_entry_text(r);
        fl_sink_addf(&s, "<details class=\"art\" id=\"a%zu\"><summary>", seq);
        esc(&s, fl_report_finding_path(fl_audit_finding(au, i)));
        if (r && r->title) {
            fl_sink_adds(&s, " &mdash; ");
            esc(&s, r->title);
        }
        fl_sink_addf(
            &s, " <span class=\"muted\">(%zu findings)</span></summary>\n<ol class=\"flist\">\n",
            shown);
        for (size_t k = i; k < end; k++)
            if (!fl_audit_finding_suppressed(au, k))
                finding_item(&s, au, k, seq, has_text);
        fl_sink_adds(&s, "</ol>\n");
        if (has_text) {
            fl_sink_adds(&s, "<template>");
            if (article_text(&s, au, r, i, end) != FL_OK)
                s.oom = true;
            fl_sink_adds(&s, "</template><div class=\"body\"></div>\n");
        } else {
            fl_sink_adds(&s, "<p class=\"muted\">The article text is not in this audit.</p>\n");
        }
        fl_sink_adds(&s, "</details>\n");
        i = end;
    }
    if (cur.failed)
        s.oom = true;
    fl_article_cursor_release(&cur);
    if (!ix.by_severity[1] && !ix.by_severity[2] && !ix.by_severity[3])
        fl_sink_adds(&s, "<p>No findings.</p>\n");
    fl_sink_adds(&s, "</section>\n");
    problems(&s, au);
    fl_sink_adds(&s, "</main>\n<script>\n");
    fl_sink_adds(&s, fl_html_js);
    fl_sink_adds(&s, "</script>\n</body>\n</html>\n");
    fl_report_index_release(&ix);
    return fl_sink_finish(&s, "html report", err);
}
