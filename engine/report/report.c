#include "report/report.h"

#include "report/atomic.h"

#include <string.h>

typedef fl_status (*writer_fn)(FILE *, const fl_audit *, const fl_report_options *, fl_error *);

static const struct {
    const char *name;
    writer_fn fn;
} writers[] = {
    {"text", fl_report_write_text},         {"json", fl_report_write_json},
    {"sarif", fl_report_write_sarif},       {"junit", fl_report_write_junit},
    {"markdown", fl_report_write_markdown}, {"html", fl_report_write_html},
};

void fl_report_options_init(fl_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->color = FL_COLOR_NEVER;
    opt->color_enabled = false;
    opt->tool_version = FL_VERSION;
    opt->fail_on = FL_SEV_ERROR;
    opt->max_findings_markdown = FL_REPORT_MARKDOWN_DEFAULT_MAX;
}

static writer_fn writer_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++)
        if (!strcmp(writers[i].name, name))
            return writers[i].fn;
    return NULL;
}

bool fl_report_format_known(const char *name)
{
    return writer_find(name) != NULL;
}

fl_status fl_report_write(const char *format, FILE *fp, const fl_audit *au,
                          const fl_report_options *opt, fl_error *err)
{
    writer_fn fn = writer_find(format);
    if (!fn)
        return fl_error_set(err, FL_EUSAGE,
                            "unknown report format '%s' (text, json, sarif, junit, markdown, html)",
                            format ? format : "");
    fl_report_options o;
    fl_report_options_init(&o);
    if (opt) {
        o = *opt;
        if (!o.tool_version)
            o.tool_version = FL_VERSION;
        if (!o.max_findings_markdown)
            o.max_findings_markdown = FL_REPORT_MARKDOWN_DEFAULT_MAX;
    }
    fl_status st = fn(fp, au, &o, err);
    if (!st && fl_audit_findings_lost(au))
        st = fl_error_set(err, FL_EIO,
                          "findings could not be written to or read back from their temporary "
                          "file (TMPDIR): the %s report would be incomplete",
                          format);
    return st;
}

typedef struct write_job {
    const char *format;
    const fl_audit *au;
    const fl_report_options *opt;
} write_job;

static fl_status write_job_run(FILE *fp, void *ud, fl_error *err)
{
    const write_job *j = ud;
    return fl_report_write(j->format, fp, j->au, j->opt, err);
}

fl_status fl_report_write_file(const char *format, const char *path, const fl_audit *au,
                               const fl_report_options *opt, fl_error *err)
{
    if (!fl_report_format_known(format))
        return fl_report_write(format, NULL, au, opt, err);
    write_job j = {format, au, opt};
    fl_status st = fl_atomic_write(path, write_job_run, &j, err);
    if (st == FL_EIO && err && !strstr(err->message, path)) {
        char msg[FL_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, msg);
    }
    return st;
}

int fl_report_exit_code(const fl_audit *au, fl_severity fail_on)
{
    if (au->n_rule_errors)
        return 3;
    if (fl_audit_count_at_least(au, fail_on))
        return 1;
    if (au->input_errors || au->articles_skipped)
        return 2;
    return 0;
}
