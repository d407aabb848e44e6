/*
 * cli.h - the factlint command line: one function per subcommand, and the
 * option handling they share.  The CLI only wires the library layers
 * together; it holds no logic a library user would need.
 *
 * Exit status (docs/report-formats.md): 0 clean, 1 findings at or above
 * --fail-on, 2 usage or input errors, 3 rule errors.
 */
#ifndef FL_CLI_CLI_H
#define FL_CLI_CLI_H

#include "core/date.h"
#include "extract/extract.h"
#include "ingest/ingest.h"
#include "lua/ruleset.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

enum { FL_EXIT_OK = 0, FL_EXIT_FINDINGS = 1, FL_EXIT_USAGE = 2, FL_EXIT_RULES = 3 };

int fl_cmd_check(int argc, char **argv);
int fl_cmd_extract(int argc, char **argv);
int fl_cmd_rules(int argc, char **argv);
int fl_cmd_test(int argc, char **argv);

/* Prints "factlint CMD: message" and a hint to stderr; returns FL_EXIT_USAGE. */
int fl_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Warns on stderr, even with -q, when x runs without its gazetteer (a binary
 * moved away from its data): its facts are not those of a full install. */
void fl_cli_warn_extractor(const char *cmd, const fl_extractor *x);

/* Options shared by the subcommands that run rules (check, rules, test).
 * fl_cli_rule_option handles one getopt result; returns 1 when it was one of
 * these options, 0 when not, -1 after printing a usage error. */
enum {
    FL_OPT_RULES = 1000,
    FL_OPT_NO_DEFAULT_RULES,
    FL_OPT_ENABLE,
    FL_OPT_DISABLE,
    FL_OPT_SEVERITY,
    FL_OPT_RULE_OPTION,
    FL_OPT_CONFIG,
    FL_OPT_NO_CONFIG,
    FL_OPT_REFERENCE,
    FL_OPT_DATE,
    FL_OPT_LOSSY,
    FL_OPT_STDIN_FORMAT,
    FL_OPT_FORMAT,
    FL_OPT_FAIL_ON,
    FL_OPT_COLOR,
    FL_OPT_BASELINE,
    FL_OPT_WRITE_BASELINE,
    FL_OPT_FACTS,
    FL_OPT_MAX_FILE_SIZE,
    FL_OPT_INSTRUCTIONS,
    FL_OPT_MEMORY,
    FL_OPT_TIMING,
    FL_OPT_FSYNC,
};

#define FL_CLI_RULE_LONGOPTS                                                                       \
    {"rules", required_argument, NULL, FL_OPT_RULES},                                              \
        {"no-default-rules", no_argument, NULL, FL_OPT_NO_DEFAULT_RULES},                          \
        {"enable", required_argument, NULL, FL_OPT_ENABLE},                                        \
        {"disable", required_argument, NULL, FL_OPT_DISABLE},                                      \
        {"severity", required_argument, NULL, FL_OPT_SEVERITY},                                    \
        {"rule-option", required_argument, NULL, FL_OPT_RULE_OPTION},                              \
        {"config", required_argument, NULL, FL_OPT_CONFIG},                                        \
        {"no-config", no_argument, NULL, FL_OPT_NO_CONFIG},                                        \
        {"reference", required_argument, NULL, FL_OPT_REFERENCE},                                  \
        {"max-instructions", required_argument, NULL, FL_OPT_INSTRUCTIONS},                        \
    {                                                                                              \
        "max-memory", required_argument, NULL, FL_OPT_MEMORY                                       \
    }

#define FL_CLI_RULE_HELP                                                                           \
    "Rules:\n"                                                                                     \
    "      --rules PATH           add rules from a .lua file or a directory (repeatable)\n"        \
    "      --no-default-rules     do not load the default rule suite\n"                            \
    "      --enable ID|TAG        enable rules, e.g. ones a config file disabled (repeatable)\n"   \
    "      --disable ID|TAG|all   disable rules (repeatable); disables apply first, so\n"          \
    "                             '--disable all --enable ID' runs only ID\n"                      \
    "      --severity ID=LEVEL    override a rule's severity (error, warning, info)\n"             \
    "      --rule-option ID.KEY=VALUE  set a rule option\n"                                        \
    "      --config FILE          read settings from FILE (default: .factlint.lua found\n"         \
    "                             upward from the working directory)\n"                            \
    "      --no-config            do not look for .factlint.lua\n"                                 \
    "      --reference FILE       add a reference-facts file (same format as facts/reference)\n"   \
    "      --max-instructions N   instruction budget per rule call (default 10000000)\n"           \
    "      --max-memory MB        memory ceiling per rule state in MiB (default 64)\n"

typedef struct fl_cli_rules {
    fl_rules_config cfg; /* the settings in force: config file, then the command line */
    fl_rules_config cli; /* what the command line said */
    const char *config_path;
    bool no_config;
} fl_cli_rules;

void fl_cli_rules_init(fl_cli_rules *r);
void fl_cli_rules_release(fl_cli_rules *r);
int fl_cli_rule_option(const char *cmd, fl_cli_rules *r, int opt, const char *arg);
/* Loads the config file (named or found) under the command-line settings.
 * Returns 0 or an exit status after printing the error. */
int fl_cli_rules_finish(const char *cmd, fl_cli_rules *r);

/* Parses --date YYYY-MM-DD; returns false after printing a usage error. */
bool fl_cli_parse_date(const char *cmd, const char *arg, fl_date *out);
bool fl_cli_parse_format(const char *arg, fl_format *out);
/* Parses a size such as "64", "64M", "2G" (bytes unless a unit is given). */
bool fl_cli_parse_size(const char *arg, size_t *out);

/* Set by SIGINT/SIGTERM; fl_cli_install_signals installs the handlers. */
extern volatile sig_atomic_t fl_cli_interrupted;
void fl_cli_install_signals(void);

#endif
