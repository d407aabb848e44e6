/*
 * text.c - compiler-style diagnostics (see report.h and docs/report-formats.md).
 */
#include "report/index.h"
#include "report/report.h"
#include "report/sink.h"

#include <string.h>
#include <utf8proc.h>

#define C_BOLD    "\033[1m"
#define C_RED     "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN    "\033[1;36m"
#define C_GREEN   "\033[1;32m"
#define C_RESET   "\033[0m"

typedef struct text_ctx {
    fl_sink *s;
    bool color;
} text_ctx;

static void color_on(text_ctx *t, const char *code)
{
    if (t->color)
        fl_sink_adds(t->s, code);
}

static void color_off(text_ctx *t)
{
    if (t->color)
        fl_sink_adds(t->s, C_RESET);
}

static const char *severity_color(fl_severity s)
{
    switch (s) {
    case FL_SEV_ERROR:
        return C_RED;
    case FL_SEV_WARNING:
        return C_MAGENTA;
    default:
        return C_CYAN;
    }
}

/* Display width of the code point at line[*i] (advancing *i); tabs are 0 here. */
static int char_width(const char *line, size_t n, size_t *i, bool *tab)
{
    size_t len = fl_sink_utf8_len(line, n, *i);
    *tab = false;
    if (!len) {
        (*i)++;
        return 1;
    }
    utf8proc_int32_t cp;
    utf8proc_iterate((const utf8proc_uint8_t *)line + *i, (utf8proc_ssize_t)len, &cp);
    *i += len;
    if (cp == '\t') {
        *tab = true;
        return 0;
    }
    int w = utf8proc_charwidth(cp);
    return w < 0 ? 1 : w;
}

/* Copies str on one line: line breaks become spaces, other control
 * characters (but tab) are dropped so they cannot move the terminal's cursor. */
static void add_one_line(text_ctx *t, const char *str)
{
    size_t n = strlen(str), start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)str[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            fl_sink_add(t->s, str + start, i - start);
            if (c == '\n' || (c == '\r' && str[i + 1] != '\n'))
                fl_sink_adds(t->s, " ");
            start = i + 1;
        }
    }
    fl_sink_add(t->s, str + start, n - start);
}

static void add_source_line(text_ctx *t, const char *line)
{
    add_one_line(t, line);
    fl_sink_adds(t->s, "\n");
}

/* The source line and a caret line under [column, end) of the span. */
static void add_caret(text_ctx *t, const fl_location *loc)
{
    if (!loc->line_text)
        return;
    const char *line = loc->line_text;
    size_t n = strlen(line), i = 0;
    add_source_line(t, line);
    uint32_t col = 1;
    bool tab;
    while (i < n && col < loc->column) {
        int w = char_width(line, n, &i, &tab);
        if (tab)
            fl_sink_adds(t->s, "\t");
        for (int k = 0; k < w; k++)
            fl_sink_adds(t->s, " ");
        col++;
    }
    for (; col < loc->column; col++) /* a column past the (cut) line */
        fl_sink_adds(t->s, " ");
    color_on(t, C_GREEN);
    fl_sink_adds(t->s, "^");
    uint32_t end = loc->end_line == loc->line ? loc->end_column : UINT32_MAX;
    bool first = true;
    while (i < n && col < end) {
        int w = char_width(line, n, &i, &tab);
        if (tab)
            w = first ? 0 : 1;
        for (int k = first ? 1 : 0; k < w; k++)
            fl_sink_adds(t->s, "~");
        first = false;
        col++;
    }
    color_off(t);
    fl_sink_adds(t->s, "\n");
}

static void add_location(text_ctx *t, const char *path, const fl_location *loc)
{
    color_on(t, C_BOLD);
    fl_sink_addf(t->s, "%s:%u:%u:", path, (unsigned)loc->line, (unsigned)loc->column);
    color_off(t);
}

static void add_finding(text_ctx *t, const fl_finding *f)
{
    const char *path = fl_report_finding_path(f);
    add_location(t, path, &f->loc);
    fl_sink_adds(t->s, " ");
    color_on(t, severity_color(f->severity));
    fl_sink_addf(t->s, "%s:", fl_severity_name(f->severity));
    color_off(t);
    fl_sink_adds(t->s, " ");
    color_on(t, C_BOLD);
    add_one_line(t, f->message ? f->message : "");
    color_off(t);
    fl_sink_addf(t->s, " [%s]\n", f->rule ? f->rule : "");
    add_caret(t, &f->loc);
    for (size_t r = 0; r < f->n_related; r++) {
        const fl_related *rel = &f->related[r];
        add_location(t, path, &rel->loc);
        fl_sink_adds(t->s, " ");
        color_on(t, C_BOLD);
        fl_sink_adds(t->s, "note:");
        color_off(t);
        fl_sink_adds(t->s, " ");
        add_one_line(t, rel->message ? rel->message : "related");
        fl_sink_adds(t->s, "\n");
        add_caret(t, &rel->loc);
    }
}

static void add_first_line(text_ctx *t, const char *s)
{
    size_t n = strcspn(s, "\r\n");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x20 || s[i] == '\t')
            fl_sink_add(t->s, s + i, 1);
}

fl_status fl_report_write_text(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err)
{
    fl_report_index ix;
    fl_status st = fl_report_index_build(&ix, au, err);
    if (st != FL_OK)
        return st;
    fl_sink s;
    fl_sink_init(&s, fp);
    text_ctx t = {&s, opt->color_enabled};
    for (size_t i = 0; i < au->n_findings; i++)
        if (!fl_audit_finding_suppressed(au, i))
            add_finding(&t, fl_audit_finding(au, i));
    if (au->articles_skipped) {
        color_on(&t, C_BOLD);
        fl_sink_adds(&s, "skipped:");
        color_off(&t);
        fl_sink_adds(&s, "\n");
        for (size_t i = 0; i < au->n_entries; i++) {
            const fl_article_entry *r = &au->entries[i];
            const fl_article_error *e = fl_article_entry_error(r);
            if (!e)
                continue;
            const char *file = e->file[0] ? e->file : (r->path ? r->path : r->id);
            fl_sink_addf(&s, "  %s", file ? file : "-");
            if (e->line > 0)
                fl_sink_addf(&s, ":%ld", e->line);
            fl_sink_adds(&s, ": ");
            add_one_line(&t, e->message[0] ? e->message : "skipped");
            fl_sink_addf(&s, " (%s)\n", fl_status_name(e->code));
        }
    }
    if (au->n_rule_errors) {
        color_on(&t, C_BOLD);
        fl_sink_adds(&s, "rule errors:");
        color_off(&t);
        fl_sink_adds(&s, "\n");
        for (size_t i = 0; i < au->n_rule_errors; i++) {
            const fl_rule_error *e = &au->rule_errors[i];
            fl_sink_adds(&s, "  ");
            color_on(&t, C_RED);
            fl_sink_adds(&s, e->rule ? e->rule : "?");
            color_off(&t);
            fl_sink_addf(&s, " (%s) %s", e->klass ? e->klass : "runtime", e->file ? e->file : "?");
            if (e->line > 0)
                fl_sink_addf(&s, ":%ld", e->line);
            fl_sink_adds(&s, ": ");
            add_one_line(&t, e->message ? e->message : "");
            if (e->article_id)
                fl_sink_addf(&s, " (in article '%s')", e->article_id);
            fl_sink_adds(&s, "\n");
            if (e->traceback && *e->traceback) {
                fl_sink_adds(&s, "    ");
                add_first_line(&t, e->traceback);
                fl_sink_adds(&s, "\n");
            }
        }
    }
    fl_sink_addf(&s,
                 "%zu articles checked, %zu skipped; %zu errors, %zu warnings, %zu info "
                 "(%zu suppressed by baseline); %zu rule errors\n",
                 au->articles_read, au->articles_skipped, ix.by_severity[FL_SEV_ERROR],
                 ix.by_severity[FL_SEV_WARNING], ix.by_severity[FL_SEV_INFO], au->suppressed,
                 au->n_rule_errors);
    fl_report_index_release(&ix);
    return fl_sink_finish(&s, "text report", err);
}
