/* factlint check: the audit, the main job. */
#include "cli/cli.h"
#include "cli/outputs.h"
#include "cli/pipeline.h"
#include "core/alloc.h"
#include "core/finding.h"
#include "core/pool.h"
#include "extract/extract.h"
#include "re/re.h"
#include "report/baseline.h"
#include "report/report.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char check_help[] =
    "usage: factlint check [options] PATH...\n"
    "\n"
    "Audits articles: reads PATHs (files, directories, '-' for standard input),\n"
    "extracts their facts, runs the rules and writes a report.\n"
    "Inputs: .txt, .md (front matter), .html/.htm, .jsonl (one article a line).\n"
    "\n"
    "Output:\n"
    "  -f, --format NAME[:FILE]   text (default), json, sarif, junit, markdown, html;\n"
    "                             repeatable; FILE is written atomically\n"
    "      --fsync                wait for each FILE to reach the disk before replacing\n"
    "                             the old one (survives a crash of the machine)\n"
    "      --fail-on LEVEL        exit 1 on findings at or above LEVEL: error (default),\n"
    "                             warning, info, never\n"
    "      --color WHEN           never, always, auto (default: when a terminal)\n"
    "      --baseline FILE        do not report findings recorded in FILE\n"
    "      --write-baseline FILE  record the current findings in FILE\n"
    "  -q, --quiet                no progress on standard error\n"
    "      --timing               print each rule's calls and CPU time on standard error\n"
    "Input:\n"
    "  -j, --jobs N               worker threads (default: the number of cores)\n"
    "      --date YYYY-MM-DD      dateline for articles that have none\n"
    "      --lossy                replace invalid UTF-8 instead of skipping the article\n"
    "      --stdin-format FMT     format of '-': txt (default), md, html, jsonl\n"
    "      --max-file-size SIZE   skip larger files (e.g. 500M; default: no limit)\n"
    "      --facts FILE           check facts read from a JSON Lines file (the output of\n"
    "                             'factlint extract', or another pipeline) instead of "
    "articles\n" FL_CLI_RULE_HELP "\n"
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input\n"
    "errors, 3 rule errors.\n";

static int cmp_health_cpu(const void *pa, const void *pb)
{
    const fl_rule_health *a = *(const fl_rule_health *const *)pa;
    const fl_rule_health *b = *(const fl_rule_health *const *)pb;
    if (a->cpu_ns != b->cpu_ns)
        return a->cpu_ns < b->cpu_ns ? 1 : -1;
    return strcmp(a->rule, b->rule);
}

typedef struct extractor_job {
    fl_extractor *x;
    fl_status st;
    fl_error err;
} extractor_job;

static void *extractor_run(void *arg)
{
    extractor_job *j = arg;
    fl_error_clear(&j->err);
    j->st = fl_extractor_new(&j->x, NULL, &j->err);
    return NULL;
}

/* --timing: the rules by CPU time, as ESLint's TIMING=1 prints them.  Times
 * are the threads' CPU time inside each rule's calls (check, or key and check
 * for a corpus rule), summed over the workers; reading and extraction are not
 * in them. */
static void print_timing(FILE *out, const fl_audit *au)
{
    const fl_rule_health **by = fl_calloc(au->n_rules ? au->n_rules : 1, sizeof *by);
    if (!by)
        return;
    size_t n = 0;
    unsigned long long total = 0;
    for (size_t i = 0; i < au->n_rules; i++)
        if (au->rules[i].enabled && au->rules[i].loaded) {
            by[n++] = &au->rules[i];
            total += au->rules[i].cpu_ns;
        }
    qsort(by, n, sizeof *by, cmp_health_cpu);
    fprintf(out, "%-32s %10s %12s %13s %8s\n", "rule", "calls", "CPU ms", "us per call", "share");
    for (size_t i = 0; i < n; i++) {
        const fl_rule_health *h = by[i];
        fprintf(out, "%-32s %10zu %12.1f %13.1f %7.1f%%\n", h->rule, h->calls, h->cpu_ns / 1e6,
                h->calls ? h->cpu_ns / 1e3 / (double)h->calls : 0.0,
                total ? 100.0 * (double)h->cpu_ns / (double)total : 0.0);
    }
    fprintf(out, "%-32s %10s %12.1f\n", "(all rules)", "", total / 1e6);
    fl_free(by);
}

static int parse_jobs(const char *arg, size_t *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || v < 1 || v > 256)
        return -1;
    *jobs = (size_t)v;
    return 0;
}

int fl_cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        FL_CLI_OUTPUT_LONGOPTS,
        {"baseline", required_argument, NULL, FL_OPT_BASELINE},
        {"write-baseline", required_argument, NULL, FL_OPT_WRITE_BASELINE},
        {"date", required_argument, NULL, FL_OPT_DATE},
        {"lossy", no_argument, NULL, FL_OPT_LOSSY},
        {"stdin-format", required_argument, NULL, FL_OPT_STDIN_FORMAT},
        {"max-file-size", required_argument, NULL, FL_OPT_MAX_FILE_SIZE},
        {"facts", required_argument, NULL, FL_OPT_FACTS},
        {"timing", no_argument, NULL, FL_OPT_TIMING},
        FL_CLI_RULE_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    fl_run_config run;
    memset(&run, 0, sizeof run);
    run.jobs = fl_pool_cpu_count();
    fl_cli_outputs outputs;
    fl_cli_outputs_init(&outputs);
    const char *baseline = NULL, *write_baseline = NULL;
    bool quiet = false;
    int status = FL_EXIT_USAGE;
    fl_extractor *x = NULL;
    fl_ruleset *rs = NULL;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hf:j:q", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("check", &rules, c, optarg);
        if (r == 0)
            r = fl_cli_output_option("check", &outputs, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(check_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case 'j':
            if (parse_jobs(optarg, &run.jobs)) {
                fl_cli_usage_error("check", "--jobs wants a number from 1 to 256, not '%s'",
                                   optarg);
                goto cleanup;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case FL_OPT_BASELINE:
            baseline = optarg;
            break;
        case FL_OPT_WRITE_BASELINE:
            write_baseline = optarg;
            break;
        case FL_OPT_DATE:
            if (!fl_cli_parse_date("check", optarg, &run.ingest.default_date))
                goto cleanup;
            break;
        case FL_OPT_LOSSY:
            run.ingest.lossy = true;
            break;
        case FL_OPT_STDIN_FORMAT:
            if (!fl_cli_parse_format(optarg, &run.ingest.stdin_format)) {
                fl_cli_usage_error("check",
                                   "--stdin-format wants txt, md, html or jsonl, "
                                   "not '%s'",
                                   optarg);
                goto cleanup;
            }
            break;
        case FL_OPT_FACTS:
            run.facts_in = optarg;
            break;
        case FL_OPT_TIMING:
            rules.cfg.timing = true;
            break;
        case FL_OPT_MAX_FILE_SIZE:
            if (!fl_cli_parse_size(optarg, &run.ingest.max_file_bytes)) {
                fl_cli_usage_error("check",
                                   "--max-file-size wants a size such as 500M, "
                                   "not '%s'",
                                   optarg);
                goto cleanup;
            }
            break;
        case ':':
            fl_cli_usage_error("check", "option '%s' wants a value", argv[optind - 1]);
            goto cleanup;
        default:
            fl_cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
            goto cleanup;
        }
    }
    if (optind >= argc && !run.facts_in) {
        fl_cli_usage_error("check", "no input: name files, directories or '-' (or --facts FILE)");
        goto cleanup;
    }
    if (optind < argc && run.facts_in) {
        fl_cli_usage_error("check",
                           "--facts reads facts instead of articles: name no PATH "
                           "with it ('%s')",
                           argv[optind]);
        goto cleanup;
    }
    if ((status = fl_cli_rules_finish("check", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_cli_outputs_finish(&outputs))
        goto cleanup;
    run.keep_text = fl_cli_outputs_want(&outputs, "html");
    /* a finding's whole source line is for the text report's carets only:
     * about half of what a finding or a kept fact holds */
    rules.cfg.drop_line_text = !fl_cli_outputs_want(&outputs, "text");
    rules.cfg.jobs = run.jobs; /* the rule files load side by side too */

    /* the extractor (its patterns JIT-compiled, the gazetteer read: ~10 M
     * instructions) is made on a thread of its own while the rule files
     * load, instead of before them with the other cores idle */
    extractor_job xj = {NULL, FL_OK, {0}};
    pthread_t xt;
    bool x_thread = pthread_create(&xt, NULL, extractor_run, &xj) == 0;
    if (!x_thread)
        extractor_run(&xj);
    fl_status rst = fl_ruleset_load(&rs, &rules.cfg, &au, &err);
    if (x_thread)
        pthread_join(xt, NULL);
    x = xj.x;
    if (xj.st) {
        fprintf(stderr, "factlint check: %s\n", xj.err.message);
        goto cleanup;
    }
    if (!run.facts_in)
        fl_cli_warn_extractor("check", x);
    if (rst) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint check: %s\n", msg);
        goto cleanup;
    }
    if (!au.pcre2_version)
        au.pcre2_version = fl_strdup(fl_re_version());
    /* entries of clean articles wait in a temporary file, so memory does not
     * grow with the corpus (docs/performance.md, Memory); without a
     * temporary file they stay in memory */
    fl_error spill_err;
    fl_audit_spill_open(&au, &spill_err);

    fl_cli_install_signals();
    run.paths = (const char *const *)(argv + optind);
    run.n_paths = (size_t)(argc - optind);
    run.extractor = x;
    run.rules = rs;
    run.progress = !quiet && isatty(STDERR_FILENO);
    run.interrupted = &fl_cli_interrupted;
    if (fl_run(&run, &au, &err)) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint check: %s\n", msg);
        status = FL_EXIT_USAGE;
        goto cleanup;
    }
    if (fl_cli_interrupted) {
        fprintf(stderr, "factlint check: interrupted; no report written\n");
        status = 130;
        goto cleanup;
    }
    if (baseline && fl_baseline_apply(baseline, &au, &err)) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint check: %s\n", msg);
        goto cleanup;
    }

    if (rules.cfg.timing)
        print_timing(stderr, &au);
    status = fl_cli_outputs_write("check", &outputs, &au);
    if (write_baseline && fl_baseline_write(write_baseline, &au, &err)) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint check: %s\n", msg);
        status = FL_EXIT_USAGE;
    }

cleanup:
    fl_cli_outputs_release(&outputs);
    fl_ruleset_free(rs);
    fl_extractor_free(x);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
