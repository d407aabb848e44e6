/* factlint merge: the last step of a streaming run: lines in, report out (docs/scale.md). */
#include "cli/cli.h"
#include "cli/outputs.h"
#include "cli/mapreduce.h"
#include "core/alloc.h"
#include "re/re.h"
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char merge_help[] =
    "usage: factlint merge [options] [FILE...]\n"
    "\n"
    "The last step of a run under a streaming engine (docs/scale.md).  Reads the\n"
    "lines of 'factlint reduce' (or the part files a cluster wrote) from FILEs, or\n"
    "standard input when none or '-' is named, rebuilds the audit, sorts it\n"
    "(articles by id) and writes the reports 'factlint check' would.  Give merge\n"
    "the rule options map had: it loads the rules for the rule-health table.\n"
    "\n"
    "Output:\n"
    "  -f, --format NAME[:FILE]   text (default), json, sarif, junit, markdown, html;\n"
    "                             repeatable; FILE is written atomically\n"
    "      --fsync                wait for each FILE to reach the disk before replacing\n"
    "                             the old one (survives a crash of the machine)\n"
    "      --fail-on LEVEL        exit 1 on findings at or above LEVEL: error (default),\n"
    "                             warning, info, never\n"
    "      --color WHEN           never, always, auto (default: when a terminal)\n" FL_CLI_RULE_HELP
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input\n"
    "errors, 3 rule errors.\n";

static fl_status read_stream(fl_mr_merger *m, FILE *fp, const char *name, fl_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    ssize_t n;
    fl_status st = FL_OK;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (!len)
            continue;
        if ((st = fl_mr_merger_add(m, line, len, err))) {
            fl_error_locate(err, name, lineno, -1);
            break;
        }
    }
    if (!st && ferror(fp))
        st = fl_error_set(err, FL_EIO, "cannot read '%s': %s", name, strerror(errno));
    free(line);
    return st;
}

int fl_cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             FL_CLI_OUTPUT_LONGOPTS,
                                             FL_CLI_RULE_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    fl_cli_outputs outputs;
    fl_cli_outputs_init(&outputs);
    int status = FL_EXIT_USAGE;
    fl_ruleset *rs = NULL;
    fl_mr_merger *m = NULL;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);
    char msg[2048];

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hf:", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("merge", &rules, c, optarg);
        if (r == 0)
            r = fl_cli_output_option("merge", &outputs, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(merge_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case ':':
            fl_cli_usage_error("merge", "option '%s' wants a value", argv[optind - 1]);
            goto cleanup;
        default:
            fl_cli_usage_error("merge", "unknown option '%s'", argv[optind - 1]);
            goto cleanup;
        }
    }
    if ((status = fl_cli_rules_finish("merge", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_cli_outputs_finish(&outputs))
        goto cleanup;
    if (fl_ruleset_load(&rs, &rules.cfg, &au, &err)) {
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint merge: %s\n", msg);
        goto cleanup;
    }
    if (!au.pcre2_version)
        au.pcre2_version = fl_strdup(fl_re_version());
    if (!(m = fl_mr_merger_new(&au))) {
        fprintf(stderr, "factlint merge: out of memory\n");
        goto cleanup;
    }
    fl_status st = FL_OK;
    if (optind >= argc)
        st = read_stream(m, stdin, "-", &err);
    for (int i = optind; i < argc && !st; i++) {
        if (!strcmp(argv[i], "-")) {
            st = read_stream(m, stdin, "-", &err);
            continue;
        }
        FILE *fp = fopen(argv[i], "rb");
        if (!fp) {
            st = fl_error_set(&err, FL_EIO, "cannot open '%s': %s", argv[i], strerror(errno));
            break;
        }
        st = read_stream(m, fp, argv[i], &err);
        fclose(fp);
    }
    if (!st)
        st = fl_mr_merger_finish(m, &err);
    if (st) {
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint merge: %s\n", msg);
        goto cleanup;
    }

    status = fl_cli_outputs_write("merge", &outputs, &au);

cleanup:
    fl_cli_outputs_release(&outputs);
    fl_mr_merger_free(m);
    fl_ruleset_free(rs);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
