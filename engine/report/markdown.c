/*
 * markdown.c - a GitHub-flavoured Markdown summary for a pull-request comment.
 *
 * Text from articles and rules is escaped so it cannot open markup: in plain
 * cells ASCII punctuation that Markdown or HTML would act on is backslash-
 * escaped; excerpts go in code spans whose fence is longer than any run of
 * backticks inside; "|" is escaped inside tables; line breaks become spaces.
 */
#include "report/index.h"
#include "report/report.h"
#include "report/sink.h"

#include <string.h>

/* Plain text, one line, safe in a table cell or list item. */
static void md_text(fl_sink *s, const char *str)
{
    if (!str)
        return;
    for (const char *p = str; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n' || c == '\r' || c == '\t') {
            fl_sink_adds(s, " ");
        } else if (c < 0x20 || c == 0x7F) {
            continue;
        } else if (c == '&') {
            fl_sink_adds(s, "&amp;");
        } else if (strchr("\\`*_[]<>|#~!", c)) {
            char esc[2] = {'\\', (char)c};
            fl_sink_add(s, esc, 2);
        } else {
            fl_sink_add(s, p, 1);
        }
    }
}

/* A code span; in a table "|" is escaped as GFM requires. */
static void md_code(fl_sink *s, const char *str, bool table)
{
    if (!str || !*str)
        return;
    size_t longest = 0, run = 0;
    for (const char *p = str; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t fence = longest + 1;
    for (size_t i = 0; i < fence; i++)
        fl_sink_adds(s, "`");
    size_t n = strlen(str);
    bool pad = str[0] == '`' || str[n - 1] == '`' || str[0] == ' ';
    if (pad)
        fl_sink_adds(s, " ");
    for (const char *p = str; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n' || c == '\r' || c == '\t')
            fl_sink_adds(s, " ");
        else if (c < 0x20 || c == 0x7F)
            continue;
        else if (c == '|' && table)
            fl_sink_adds(s, "\\|");
        else
            fl_sink_add(s, p, 1);
    }
    if (pad)
        fl_sink_adds(s, " ");
    for (size_t i = 0; i < fence; i++)
        fl_sink_adds(s, "`");
}

static const char *verdict(int code)
{
    switch (code) {
    case 0:
        return "passed";
    case 1:
        return "failed (findings at or above the threshold)";
    case 2:
        return "failed (input errors)";
    default:
        return "failed (rule errors)";
    }
}

fl_status fl_report_write_markdown(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                   fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_sink s;
    fl_sink_init(&s, fp);
    int code = fl_report_exit_code(au, opt->fail_on);
    size_t total = ix.by_severity[1] + ix.by_severity[2] + ix.by_severity[3];
    fl_sink_addf(&s, "## factlint: %s\n\n", verdict(code));
    fl_sink_addf(&s,
                 "**%zu errors, %zu warnings, %zu info** in %zu articles checked "
                 "(%zu skipped, %zu suppressed by baseline, %zu rule errors). "
                 "Fails on: %s.\n\n",
                 ix.by_severity[FL_SEV_ERROR], ix.by_severity[FL_SEV_WARNING],
                 ix.by_severity[FL_SEV_INFO], au->articles_read, au->articles_skipped,
                 au->suppressed, au->n_rule_errors, fl_severity_name(opt->fail_on));

    fl_sink_adds(&s, "| Severity | Findings |\n|---|---:|\n");
    for (int sev = FL_SEV_ERROR; sev >= FL_SEV_INFO; sev--)
        fl_sink_addf(&s, "| %s | %zu |\n", fl_severity_name((fl_severity)sev), ix.by_severity[sev]);
    fl_sink_adds(&s, "\n");

    bool any_rule = false;
    for (size_t i = 0; i < ix.n_rules; i++)
        if (ix.rules[i].findings || ix.rules[i].errors)
            any_rule = true;
    if (any_rule) {
        fl_sink_adds(&s, "| Rule | Errors | Warnings | Info | Rule errors |\n"
                         "|---|---:|---:|---:|---:|\n");
        for (size_t i = 0; i < ix.n_rules; i++) {
            const fl_report_rule *r = &ix.rules[i];
            if (!r->findings && !r->errors)
                continue;
            fl_sink_adds(&s, "| ");
            md_code(&s, r->id, true);
            fl_sink_addf(&s, " | %zu | %zu | %zu | %zu |\n", r->by_severity[FL_SEV_ERROR],
                         r->by_severity[FL_SEV_WARNING], r->by_severity[FL_SEV_INFO], r->errors);
        }
        fl_sink_adds(&s, "\n");
    }

    if (total) {
        size_t max = opt->max_findings_markdown, shown = 0;
        if (total > max)
            fl_sink_addf(&s, "### Findings (first %zu of %zu)\n\n", max, total);
        else
            fl_sink_addf(&s, "### Findings (%zu)\n\n", total);
        fl_sink_adds(&s, "| Location | Rule | Severity | Message | Excerpt |\n"
                         "|---|---|---|---|---|\n");
        for (size_t i = 0; i < au->n_findings && shown < max; i++) {
            const fl_finding *f = fl_audit_finding(au, i);
            if (f->suppressed)
                continue;
            shown++;
            char lc[48];
            snprintf(lc, sizeof lc, ":%u:%u", (unsigned)f->loc.line, (unsigned)f->loc.column);
            fl_sink_adds(&s, "| ");
            md_text(&s, fl_report_finding_path(f));
            fl_sink_adds(&s, lc);
            fl_sink_adds(&s, " | ");
            md_code(&s, f->rule, true);
            fl_sink_addf(&s, " | %s | ", fl_severity_name(f->severity));
            md_text(&s, f->message);
            fl_sink_adds(&s, " | ");
            md_code(&s, f->loc.excerpt, true);
            fl_sink_adds(&s, " |\n");
        }
        fl_sink_adds(&s, "\n");
    } else {
        fl_sink_adds(&s, "No findings.\n\n");
    }

    if (au->articles_skipped) {
        fl_sink_addf(&s, "<details>\n<summary>Skipped articles (%zu)</summary>\n\n",
                     au->articles_skipped);
        for (size_t i = 0; i < au->n_entries; i++) {
            const fl_article_entry *r = &au->entries[i];
            const fl_article_error *e = fl_article_entry_error(r);
            if (!e)
                continue;
            fl_sink_adds(&s, "- ");
            md_code(&s, r->path ? r->path : r->id, false);
            if (e->line > 0)
                fl_sink_addf(&s, " line %ld", e->line);
            fl_sink_adds(&s, ": ");
            md_text(&s, e->message[0] ? e->message : "skipped");
            fl_sink_addf(&s, " (%s)\n", fl_status_name(e->code));
        }
        fl_sink_adds(&s, "\n</details>\n\n");
    }
    if (au->n_rule_errors) {
        fl_sink_addf(&s, "<details>\n<summary>Rule errors (%zu)</summary>\n\n", au->n_rule_errors);
        for (size_t i = 0; i < au->n_rule_errors; i++) {
            const fl_rule_error *e = &au->rule_errors[i];
            fl_sink_adds(&s, "- ");
            md_code(&s, e->rule ? e->rule : "?", false);
            fl_sink_adds(&s, " (");
            md_text(&s, e->klass ? e->klass : "runtime");
            fl_sink_adds(&s, ") ");
            md_code(&s, e->file ? e->file : "?", false);
            if (e->line > 0)
                fl_sink_addf(&s, " line %ld", e->line);
            fl_sink_adds(&s, ": ");
            md_text(&s, e->message);
            if (e->article_id) {
                fl_sink_adds(&s, " (article ");
                md_code(&s, e->article_id, false);
                fl_sink_adds(&s, ")");
            }
            fl_sink_adds(&s, "\n");
        }
        fl_sink_adds(&s, "\n</details>\n\n");
    }
    fl_sink_adds(&s, "<sub>factlint ");
    md_text(&s, opt->tool_version);
    fl_sink_adds(&s, "</sub>\n");
    fl_report_index_release(&ix);
    return fl_sink_finish(&s, "markdown report", err);
}
