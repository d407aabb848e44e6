/*
 * outputs.h - the report outputs a command writes: the --format, --fail-on
 * and --color options (shared by check and merge), and writing every
 * requested format of an audit (files atomically, standard output last
 * flushed), with the exit status that follows.
 *
 * Ownership: an fl_cli_outputs owns its format names and paths.
 */
#ifndef FL_CLI_OUTPUTS_H
#define FL_CLI_OUTPUTS_H

#include "core/finding.h"
#include "report/report.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fl_cli_output {
    char *format;
    char *path; /* NULL: standard output */
} fl_cli_output;

typedef struct fl_cli_outputs {
    fl_cli_output *items;
    size_t n;
    fl_severity fail_on; /* default error */
    fl_color_mode color; /* default auto */
} fl_cli_outputs;

#define FL_CLI_OUTPUT_LONGOPTS                                                                     \
    {"format", required_argument, NULL, 'f'},                                                      \
        {"fail-on", required_argument, NULL, FL_OPT_FAIL_ON},                                      \
        {"color", required_argument, NULL, FL_OPT_COLOR},                                          \
        {"fsync", no_argument, NULL, FL_OPT_FSYNC},                                                \
    {                                                                                              \
        "colour", required_argument, NULL, FL_OPT_COLOR                                            \
    }

void fl_cli_outputs_init(fl_cli_outputs *o);
void fl_cli_outputs_release(fl_cli_outputs *o);
/* Handles one getopt result: 1 when it was -f/--fail-on/--color/--fsync, 0 when not,
 * -1 after printing a usage error. */
int fl_cli_output_option(const char *cmd, fl_cli_outputs *o, int opt, const char *arg);
/* Adds the default (text on standard output) when no --format was given;
 * 0, or -1 on ENOMEM. */
int fl_cli_outputs_finish(fl_cli_outputs *o);
/* true when one of the outputs is in format. */
bool fl_cli_outputs_want(const fl_cli_outputs *o, const char *format);
/* Writes every output; prints each failure as "factlint CMD: ...".  Returns
 * the exit status: FL_EXIT_USAGE when a write failed, else the audit's. */
int fl_cli_outputs_write(const char *cmd, const fl_cli_outputs *o, const fl_audit *au);

#endif
