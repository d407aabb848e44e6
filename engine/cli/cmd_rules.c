/* factlint rules: list the rules in force. */
#include "cli/cli.h"
#include "core/finding.h"

#include <stdio.h>
#include <string.h>

static const char rules_help[] =
    "usage: factlint rules [options]\n"
    "\n"
    "Lists the rules that 'factlint check' would load, with id,\n"
    "severity, scope, whether enabled, and summary.\n"
    "\n"
    "      --json                 one JSON object a line\n" FL_CLI_RULE_HELP;

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

int fl_cmd_rules(int argc, char **argv)
{
    enum { OPT_JSON = 2000 };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"json", no_argument, NULL, OPT_JSON},
                                             FL_CLI_RULE_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    bool json = false;
    int status = FL_EXIT_USAGE;
    fl_ruleset *rs = NULL;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("rules", &rules, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(rules_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case OPT_JSON:
            json = true;
            break;
        case ':':
            fl_cli_usage_error("rules", "option '%s' wants a value", argv[optind - 1]);
            goto cleanup;
        default:
            fl_cli_usage_error("rules", "unknown option '%s'", argv[optind - 1]);
            goto cleanup;
        }
    }
    if (optind < argc) {
        fl_cli_usage_error("rules", "unexpected argument '%s'", argv[optind]);
        goto cleanup;
    }
    if ((status = fl_cli_rules_finish("rules", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_ruleset_load(&rs, &rules.cfg, &au, &err)) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint rules: %s\n", msg);
        goto cleanup;
    }
    size_t n = fl_ruleset_count(rs);
    for (size_t i = 0; i < n; i++) {
        fl_rule_info info;
        fl_ruleset_info(rs, i, &info);
        if (json) {
            printf("{\"id\":");
            json_str(info.id);
            printf(",\"severity\":\"%s\",\"scope\":", fl_severity_name(info.severity));
            json_str(info.scope);
            printf(",\"enabled\":%s,\"summary\":", info.enabled ? "true" : "false");
            json_str(info.summary);
            printf(",\"file\":");
            json_str(info.file);
            printf(",\"tags\":[");
            for (size_t t = 0; t < info.n_tags; t++) {
                if (t)
                    putchar(',');
                json_str(info.tags[t]);
            }
            printf("]}\n");
        } else {
            printf("%-28s %-8s %-8s %-4s %s\n", info.id, fl_severity_name(info.severity),
                   info.scope, info.enabled ? "on" : "off", info.summary ? info.summary : "");
        }
    }
    for (size_t i = 0; i < au.n_rule_errors; i++) {
        const fl_rule_error *e = &au.rule_errors[i];
        fprintf(stderr, "factlint rules: %s:%ld: %s\n", e->file ? e->file : e->rule, e->line,
                e->message);
    }
    status = au.n_rule_errors ? FL_EXIT_RULES : FL_EXIT_OK;
cleanup:
    fl_ruleset_free(rs);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
