/*
 * report.h - the report writers: one fl_audit in, one report format out.
 *
 * Writers read only the audit (core/finding.h) and the options below; they
 * never look at articles, facts or Lua.  Formats (docs/report-formats.md):
 *
 *   text      compiler-style diagnostics with the source line and a caret
 *   json      a stable versioned schema (docs/report-json.md)
 *   sarif     SARIF 2.1.0, one run
 *   junit     JUnit XML: one <testsuite> per rule, one <testcase> per article
 *   markdown  a pull-request comment
 *   html      one self-contained review page (inline CSS, JS and SVG)
 *
 * Invariants: every writer is deterministic (the same audit and options give
 * the same bytes: no clock, no host name, no environment), prints findings in
 * audit order (call fl_audit_sort first), and skips suppressed findings where
 * the format has no way to mark them (text, junit, markdown, html).
 *
 * Ownership: writers borrow the audit, the options and the FILE; they neither
 * close nor rewind fp.  fl_report_write flushes fp and reports a write error
 * (a full disk) as FL_EIO.
 */
#ifndef FL_REPORT_REPORT_H
#define FL_REPORT_REPORT_H

#include "core/error.h"
#include "core/finding.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where SARIF's tool.driver.informationUri and the HTML footer point. */
#define FL_REPORT_INFORMATION_URI "https://github.com/factlint/factlint"

/* Findings listed in a markdown report when max_findings_markdown is 0. */
#define FL_REPORT_MARKDOWN_DEFAULT_MAX 50

typedef enum { FL_COLOR_AUTO, FL_COLOR_NEVER, FL_COLOR_ALWAYS } fl_color_mode;

typedef struct fl_report_options {
    fl_color_mode color;          /* as given on the command line (informational) */
    bool color_enabled;           /* resolved by the caller: isatty && !NO_COLOR etc. */
    const char *tool_version;     /* NULL: FL_VERSION */
    const char *command_line;     /* NULL: left out of the report */
    fl_severity fail_on;          /* for verdicts and exit codes */
    size_t max_findings_markdown; /* 0: FL_REPORT_MARKDOWN_DEFAULT_MAX */
} fl_report_options;

/* Fills opt with the defaults: no colour, fail on error, 50 findings in markdown. */
void fl_report_options_init(fl_report_options *opt);

/* true for "text", "json", "sarif", "junit", "markdown" and "html". */
bool fl_report_format_known(const char *name);

/* Writes the audit in `format` to fp (opt may be NULL: defaults).  An unknown
 * format is FL_EUSAGE; a write error is FL_EIO; ENOMEM is FL_ENOMEM. */
fl_status fl_report_write(const char *format, FILE *fp, const fl_audit *au,
                          const fl_report_options *opt, fl_error *err);

/* Writes to path atomically: a temporary file in the same directory, fflush +
 * fsync, rename.  On any error the temporary is removed and the target is left
 * untouched; write errors are FL_EIO naming the file. */
fl_status fl_report_write_file(const char *format, const char *path, const fl_audit *au,
                               const fl_report_options *opt, fl_error *err);

/* The exit status a run with this audit should end with:
 *   3 when any rule failed (a rule error);
 *   else 1 when a finding at or above fail_on is not suppressed;
 *   else 2 when an input was skipped (an input error);
 *   else 0.
 * Findings win over input errors so that CI fails on them even when one input
 * could not be read; rule errors win over everything because the audit itself
 * is then incomplete. */
int fl_report_exit_code(const fl_audit *au, fl_severity fail_on);

/* The individual writers (opt is never NULL here; fl_report_write fills it). */
fl_status fl_report_write_text(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err);
fl_status fl_report_write_json(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err);
/* For tests: the JSON writer builds every finding through jansson instead of
 * writing it directly (the two give the same bytes; test_report checks). */
extern bool fl_report_json_no_direct;
fl_status fl_report_write_sarif(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                fl_error *err);
fl_status fl_report_write_junit(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                fl_error *err);
fl_status fl_report_write_markdown(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                                   fl_error *err);
fl_status fl_report_write_html(FILE *fp, const fl_audit *au, const fl_report_options *opt,
                               fl_error *err);

#endif
