/* factlint test: run the valid/invalid cases that rule files carry. */
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/fact.h"
#include "extract/extract.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

static const char test_help[] =
    "usage: factlint test [options] [RULE_FILE_OR_DIR...]\n"
    "\n"
    "Runs the tests = { valid = {...}, invalid = {...} } that each rule file\n"
    "carries (default: the default rule suite): every valid case must produce no\n"
    "finding of the rule, every invalid case exactly the findings it lists.\n"
    "Prints one line a case and closes with 'N passed, N failed'.\n" FL_CLI_RULE_HELP "\n"
    "Exit status: 0 all passed, 1 a case failed, 2 usage error, 3 a rule failed to load.\n";

typedef struct test_env {
    fl_extractor *x;
    fl_extract_ctx *ctx;
} test_env;

/* Builds an article from a test case's text the way 'check' would read a
 * Markdown file, and extracts its facts. */
static fl_status extract_case(void *ud, const char *text, const char *dateline_iso,
                              fl_article **out, fl_facts *facts, fl_error *err)
{
    test_env *env = ud;
    fl_ingest_options opt;
    memset(&opt, 0, sizeof opt);
    if (dateline_iso && !fl_date_parse_iso(dateline_iso, &opt.default_date))
        return fl_error_set(err, FL_EUSAGE, "bad dateline '%s' in a test case", dateline_iso);
    fl_article *a = NULL;
    fl_status st = fl_ingest_buffer("test.md", FL_FORMAT_MD, text, strlen(text), &opt, &a, err);
    if (st)
        return st;
    if ((st = fl_extract(env->x, env->ctx, a, facts, err))) {
        fl_article_free(a);
        return st;
    }
    *out = a;
    return FL_OK;
}

int fl_cmd_test(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, FL_CLI_RULE_LONGOPTS, {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    int status = FL_EXIT_USAGE;
    test_env env = {NULL, NULL};
    fl_error err;
    fl_error_clear(&err);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("test", &rules, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(test_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case ':':
            fl_cli_usage_error("test", "option '%s' wants a value", argv[optind - 1]);
            goto cleanup;
        default:
            fl_cli_usage_error("test", "unknown option '%s'", argv[optind - 1]);
            goto cleanup;
        }
    }
    /* rule files named on the command line replace the default suite */
    for (int i = optind; i < argc; i++)
        if (fl_cli_rule_option("test", &rules, FL_OPT_RULES, argv[i]) < 0)
            goto cleanup;
    if (optind < argc)
        rules.cli.no_default_rules = true;
    rules.no_config = rules.no_config || optind < argc;
    if ((status = fl_cli_rules_finish("test", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_extractor_new(&env.x, NULL, &err) || !(env.ctx = fl_extract_ctx_new(env.x))) {
        fprintf(stderr, "factlint test: %s\n", err.message[0] ? err.message : "out of memory");
        goto cleanup;
    }
    fl_cli_warn_extractor("test", env.x);
    size_t passed = 0, failed = 0;
    fl_status st = fl_rules_test(&rules.cfg, extract_case, &env, stdout, &passed, &failed, &err);
    fflush(stdout);
    if (st == FL_ERULE) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint test: %s\n", msg);
        status = FL_EXIT_RULES;
    } else if (st) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint test: %s\n", msg);
    } else {
        status = failed ? FL_EXIT_FINDINGS : FL_EXIT_OK;
    }
cleanup:
    fl_extract_ctx_free(env.ctx);
    fl_extractor_free(env.x);
    fl_cli_rules_release(&rules);
    return status;
}
