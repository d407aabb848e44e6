#include "cli/cli.h"

#include "core/alloc.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t fl_cli_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    fl_cli_interrupted = 1;
}

void fl_cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int fl_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "factlint%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nhint: see 'factlint %s%s--help'\n", cmd ? cmd : "", cmd ? " " : "");
    va_end(ap);
    return FL_EXIT_USAGE;
}

void fl_cli_warn_extractor(const char *cmd, const fl_extractor *x)
{
    const char *path = fl_extractor_gazetteer_missing(x);
    if (path)
        fprintf(stderr,
                "factlint %s: warning: no gazetteer at '%s': places are found by their cues "
                "alone, so the facts differ from an installed factlint's (FACTLINT_DATA_DIR "
                "names the directory that holds gazetteer.tsv, rules/ and reference/)\n",
                cmd, path);
}

void fl_cli_rules_init(fl_cli_rules *r)
{
    memset(r, 0, sizeof *r);
    fl_rules_config_init(&r->cfg);
    fl_rules_config_init(&r->cli);
}

void fl_cli_rules_release(fl_cli_rules *r)
{
    fl_rules_config_release(&r->cfg);
    fl_rules_config_release(&r->cli);
}

static int push_str(char ***arr, size_t *n, const char *s)
{
    return fl_rules_config_add_string(arr, n, s) ? -1 : 0;
}

static int push_severity(fl_rules_config *c, const char *rule, int sev)
{
    return fl_rules_config_add_severity(c, rule, sev) ? -1 : 0;
}

static int push_option(fl_rules_config *c, const char *rule, const char *key, const char *value)
{
    return fl_rules_config_add_option(c, rule, key, value) ? -1 : 0;
}

static bool parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int fl_cli_rule_option(const char *cmd, fl_cli_rules *r, int opt, const char *arg)
{
    fl_rules_config *c = &r->cli;
    int rc = 0;
    switch (opt) {
    case FL_OPT_RULES:
        rc = push_str(&c->rule_paths, &c->n_rule_paths, arg);
        break;
    case FL_OPT_NO_DEFAULT_RULES:
        c->no_default_rules = true;
        break;
    case FL_OPT_ENABLE:
        rc = push_str(&c->enable, &c->n_enable, arg);
        break;
    case FL_OPT_DISABLE:
        rc = push_str(&c->disable, &c->n_disable, arg);
        break;
    case FL_OPT_SEVERITY:
    case FL_OPT_RULE_OPTION: {
        fl_error err;
        fl_error_clear(&err);
        fl_status st = opt == FL_OPT_SEVERITY ? fl_rules_config_parse_severity(c, arg, &err)
                                              : fl_rules_config_parse_option(c, arg, &err);
        if (st == FL_ENOMEM) {
            rc = -1;
            break;
        }
        if (st) {
            fl_cli_usage_error(cmd, "%s", err.message);
            return -1;
        }
        break;
    }
    case FL_OPT_CONFIG:
        r->config_path = arg;
        break;
    case FL_OPT_NO_CONFIG:
        r->no_config = true;
        break;
    case FL_OPT_REFERENCE:
        rc = push_str(&c->reference_files, &c->n_reference_files, arg);
        break;
    case FL_OPT_INSTRUCTIONS: {
        unsigned long v;
        if (!parse_ulong(arg, &v) || v == 0) {
            fl_cli_usage_error(cmd, "--max-instructions wants a positive number, not '%s'", arg);
            return -1;
        }
        c->instruction_budget = v;
        break;
    }
    case FL_OPT_MEMORY: {
        unsigned long v;
        if (!parse_ulong(arg, &v) || v == 0 || v > 65536) {
            fl_cli_usage_error(cmd, "--max-memory wants a size in MiB (1-65536), not '%s'", arg);
            return -1;
        }
        c->memory_limit = (size_t)v << 20;
        break;
    }
    default:
        return 0;
    }
    if (rc) {
        fprintf(stderr, "factlint %s: out of memory\n", cmd);
        return -1;
    }
    return 1;
}

int fl_cli_rules_finish(const char *cmd, fl_cli_rules *r)
{
    fl_error err;
    fl_error_clear(&err);
    char *found = NULL;
    const char *path = r->config_path;
    if (!path && !r->no_config) {
        if (fl_rules_config_find(&found, &err)) {
            fprintf(stderr, "factlint %s: %s\n", cmd, err.message);
            return FL_EXIT_USAGE;
        }
        path = found;
    }
    if (path && fl_rules_config_load(&r->cfg, path, &err)) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint %s: %s\n", cmd, msg);
        fl_free(found);
        return FL_EXIT_USAGE;
    }
    fl_free(found);
    /* the command line comes after the config file, so it wins */
    fl_rules_config *c = &r->cfg, *l = &r->cli;
    int rc = 0;
    for (size_t i = 0; i < l->n_rule_paths; i++)
        rc |= push_str(&c->rule_paths, &c->n_rule_paths, l->rule_paths[i]);
    for (size_t i = 0; i < l->n_enable; i++)
        rc |= push_str(&c->enable, &c->n_enable, l->enable[i]);
    for (size_t i = 0; i < l->n_disable; i++)
        rc |= push_str(&c->disable, &c->n_disable, l->disable[i]);
    for (size_t i = 0; i < l->n_severity; i++)
        rc |= push_severity(c, l->severity[i].rule, l->severity[i].severity);
    for (size_t i = 0; i < l->n_options; i++)
        rc |= push_option(c, l->options[i].rule, l->options[i].key, l->options[i].value);
    for (size_t i = 0; i < l->n_reference_files; i++)
        rc |= push_str(&c->reference_files, &c->n_reference_files, l->reference_files[i]);
    if (l->no_default_rules)
        c->no_default_rules = true;
    fl_rules_config defaults;
    fl_rules_config_init(&defaults);
    if (l->instruction_budget != defaults.instruction_budget)
        c->instruction_budget = l->instruction_budget;
    if (l->memory_limit != defaults.memory_limit)
        c->memory_limit = l->memory_limit;
    fl_rules_config_release(&defaults);
    if (rc) {
        fprintf(stderr, "factlint %s: out of memory\n", cmd);
        return FL_EXIT_USAGE;
    }
    return 0;
}

bool fl_cli_parse_date(const char *cmd, const char *arg, fl_date *out)
{
    fl_date d;
    if (strlen(arg) != 10 || !fl_date_parse_iso(arg, &d) || d.precision != FL_PREC_DAY) {
        fl_cli_usage_error(cmd, "--date wants a day as YYYY-MM-DD, not '%s'", arg);
        return false;
    }
    *out = d;
    return true;
}

bool fl_cli_parse_format(const char *arg, fl_format *out)
{
    static const struct {
        const char *name;
        fl_format f;
    } map[] = {{"txt", FL_FORMAT_TXT},
               {"md", FL_FORMAT_MD},
               {"markdown", FL_FORMAT_MD},
               {"html", FL_FORMAT_HTML},
               {"jsonl", FL_FORMAT_JSONL}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(arg, map[i].name)) {
            *out = map[i].f;
            return true;
        }
    return false;
}

bool fl_cli_parse_size(const char *arg, size_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || v < 0)
        return false;
    double mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1024.0, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1024.0 * 1024, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1024.0 * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return false;
    *out = (size_t)(v * mul);
    return true;
}
