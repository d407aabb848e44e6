#include "cli/outputs.h"

#include "cli/cli.h"
#include "core/alloc.h"
#include "report/atomic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fl_cli_outputs_init(fl_cli_outputs *o)
{
    memset(o, 0, sizeof *o);
    o->fail_on = FL_SEV_ERROR;
    o->color = FL_COLOR_AUTO;
}

void fl_cli_outputs_release(fl_cli_outputs *o)
{
    for (size_t i = 0; i < o->n; i++) {
        fl_free(o->items[i].format);
        fl_free(o->items[i].path);
    }
    fl_free(o->items);
    fl_cli_outputs_init(o);
}

static int add(fl_cli_outputs *o, const char *format, size_t n, const char *path)
{
    fl_cli_output *items = fl_realloc(o->items, (o->n + 1) * sizeof *items);
    if (!items)
        return -1;
    o->items = items;
    char *f = fl_strndup(format, n);
    char *p = path ? fl_strdup(path) : NULL;
    if (!f || (path && !p)) {
        fl_free(f);
        fl_free(p);
        return -1;
    }
    o->items[o->n++] = (fl_cli_output){f, p};
    return 0;
}

int fl_cli_output_option(const char *cmd, fl_cli_outputs *o, int opt, const char *arg)
{
    switch (opt) {
    case 'f': {
        const char *colon = strchr(arg, ':');
        size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg);
        if (n >= sizeof name || !fl_report_format_known(name)) {
            fl_cli_usage_error(cmd,
                               "unknown format '%.*s' (text, json, sarif, junit, markdown, html)",
                               (int)n, arg);
            return -1;
        }
        if (colon && !colon[1]) {
            fl_cli_usage_error(cmd, "--format %s: wants a file name after ':'", arg);
            return -1;
        }
        if (add(o, arg, n, colon ? colon + 1 : NULL)) {
            fprintf(stderr, "factlint %s: out of memory\n", cmd);
            return -1;
        }
        return 1;
    }
    case FL_OPT_FSYNC:
        fl_atomic_set_fsync(true);
        return 1;
    case FL_OPT_FAIL_ON: {
        int s = fl_severity_from_name(arg);
        if (s < 0) {
            fl_cli_usage_error(cmd, "--fail-on wants error, warning, info or never, not '%s'", arg);
            return -1;
        }
        o->fail_on = (fl_severity)s;
        return 1;
    }
    case FL_OPT_COLOR:
        if (!strcmp(arg, "never"))
            o->color = FL_COLOR_NEVER;
        else if (!strcmp(arg, "always"))
            o->color = FL_COLOR_ALWAYS;
        else if (!strcmp(arg, "auto"))
            o->color = FL_COLOR_AUTO;
        else {
            fl_cli_usage_error(cmd, "--color wants never, always or auto, not '%s'", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int fl_cli_outputs_finish(fl_cli_outputs *o)
{
    return o->n ? 0 : add(o, "text", 4, NULL);
}

bool fl_cli_outputs_want(const fl_cli_outputs *o, const char *format)
{
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->items[i].format, format))
            return true;
    return false;
}

int fl_cli_outputs_write(const char *cmd, const fl_cli_outputs *o, const fl_audit *au)
{
    fl_report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.color = o->color;
    ro.tool_version = FL_VERSION;
    ro.fail_on = o->fail_on;
    ro.max_findings_markdown = 50;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    ro.color_enabled =
        o->color == FL_COLOR_ALWAYS || (o->color == FL_COLOR_AUTO && isatty(STDOUT_FILENO) &&
                                        !(nc && nc[0]) && !(term && !strcmp(term, "dumb")));
    bool failed = false;
    fl_error err;
    for (size_t i = 0; i < o->n; i++) {
        fl_error_clear(&err);
        fl_status st;
        if (o->items[i].path) {
            fl_report_options fo = ro;
            fo.color_enabled = o->color == FL_COLOR_ALWAYS; /* files: only when asked */
            st = fl_report_write_file(o->items[i].format, o->items[i].path, au, &fo, &err);
        } else {
            st = fl_report_write(o->items[i].format, stdout, au, &ro, &err);
            if (!st && fflush(stdout))
                st = fl_error_set(&err, FL_EIO, "cannot write to standard output: %s",
                                  strerror(errno));
        }
        if (st) {
            char msg[2048];
            fl_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "factlint %s: %s\n", cmd, msg);
            failed = true;
        }
    }
    return failed ? FL_EXIT_USAGE : fl_report_exit_code(au, o->fail_on);
}
