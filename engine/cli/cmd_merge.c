/* factlint merge: the last step of a streaming run: lines in, report out (docs/scale.md). */
#include "cli/cli.h"
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
    "      --fail-on LEVEL        exit 1 on findings at or above LEVEL: error (default),\n"
    "                             warning, info, never\n"
    "      --color WHEN           never, always, auto (default: when a terminal)\n" FL_CLI_RULE_HELP
    "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input\n"
    "errors, 3 rule errors.\n";

typedef struct output {
    char *format;
    char *path;
} output;

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
                                             {"format", required_argument, NULL, 'f'},
                                             {"fail-on", required_argument, NULL, FL_OPT_FAIL_ON},
                                             {"color", required_argument, NULL, FL_OPT_COLOR},
                                             {"colour", required_argument, NULL, FL_OPT_COLOR},
                                             FL_CLI_RULE_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    output *outputs = NULL;
    size_t n_outputs = 0;
    fl_severity fail_on = FL_SEV_ERROR;
    fl_color_mode color = FL_COLOR_AUTO;
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
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(merge_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case 'f': {
            const char *colon = strchr(optarg, ':');
            size_t n = colon ? (size_t)(colon - optarg) : strlen(optarg);
            char *name = fl_strndup(optarg, n);
            if (!name || !fl_report_format_known(name) || (colon && !colon[1])) {
                fl_cli_usage_error("merge",
                                   "--format wants NAME[:FILE] with NAME text, json, sarif, "
                                   "junit, markdown or html, not '%s'",
                                   optarg);
                fl_free(name);
                goto cleanup;
            }
            output *o = fl_realloc(outputs, (n_outputs + 1) * sizeof *o);
            if (!o) {
                fl_free(name);
                goto cleanup;
            }
            outputs = o;
            outputs[n_outputs].format = name;
            outputs[n_outputs].path = colon ? fl_strdup(colon + 1) : NULL;
            n_outputs++;
            break;
        }
        case FL_OPT_FAIL_ON: {
            int s = fl_severity_from_name(optarg);
            if (s < 0) {
                fl_cli_usage_error(
                    "merge", "--fail-on wants error, warning, info or never, not '%s'", optarg);
                goto cleanup;
            }
            fail_on = (fl_severity)s;
            break;
        }
        case FL_OPT_COLOR:
            if (!strcmp(optarg, "never"))
                color = FL_COLOR_NEVER;
            else if (!strcmp(optarg, "always"))
                color = FL_COLOR_ALWAYS;
            else if (!strcmp(optarg, "auto"))
                color = FL_COLOR_AUTO;
            else {
                fl_cli_usage_error("merge", "--color wants never, always or auto, not '%s'",
                                   optarg);
                goto cleanup;
            }
            break;
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
    if (!n_outputs) {
        outputs = fl_calloc(1, sizeof *outputs);
        if (!outputs || !(outputs[0].format = fl_strdup("text")))
            goto cleanup;
        n_outputs = 1;
    }
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

    fl_report_options ro;
    memset(&ro, 0, sizeof ro);
    ro.color = color;
    ro.tool_version = FL_VERSION;
    ro.fail_on = fail_on;
    ro.max_findings_markdown = 50;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    ro.color_enabled =
        color == FL_COLOR_ALWAYS || (color == FL_COLOR_AUTO && isatty(STDOUT_FILENO) &&
                                     !(nc && nc[0]) && !(term && !strcmp(term, "dumb")));
    bool write_failed = false;
    for (size_t i = 0; i < n_outputs; i++) {
        if (outputs[i].path) {
            fl_report_options fo = ro;
            fo.color_enabled = color == FL_COLOR_ALWAYS;
            st = fl_report_write_file(outputs[i].format, outputs[i].path, &au, &fo, &err);
        } else {
            st = fl_report_write(outputs[i].format, stdout, &au, &ro, &err);
            if (!st && fflush(stdout))
                st = fl_error_set(&err, FL_EIO, "cannot write to standard output: %s",
                                  strerror(errno));
        }
        if (st) {
            fl_error_format(&err, msg, sizeof msg);
            fprintf(stderr, "factlint merge: %s\n", msg);
            write_failed = true;
        }
    }
    status = write_failed ? FL_EXIT_USAGE : fl_report_exit_code(&au, fail_on);

cleanup:
    for (size_t i = 0; i < n_outputs; i++) {
        fl_free(outputs[i].format);
        fl_free(outputs[i].path);
    }
    fl_free(outputs);
    fl_mr_merger_free(m);
    fl_ruleset_free(rs);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
