/* factlint - a fact-checking consistency engine for news text: entry point. */
#include "cli/cli.h"
#include "cli/mapreduce.h"
#include "lua/ruleset.h"
#include "re/re.h"

#include <stdio.h>
#include <string.h>

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"check", fl_cmd_check, "audit articles: extract facts, run the rules, report findings"},
    {"extract", fl_cmd_extract, "write the facts found in articles as JSON Lines"},
    {"rules", fl_cmd_rules, "list the rules with their id, severity and summary"},
    {"test", fl_cmd_test, "run the tests that rule files carry"},
    {"map", fl_cmd_map, "streaming map step: articles (JSONL) in, keyed lines out"},
    {"reduce", fl_cmd_reduce, "streaming reduce step: run corpus rules once per key"},
    {"merge", fl_cmd_merge, "streaming merge step: reduced lines in, reports out"},
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: factlint <command> [options] [PATH...]\n\n"
                "factlint checks news articles for discrepancies in their facts: quotes\n"
                "printed twice, amounts without a currency, totals smaller than their parts,\n"
                "names spelled two ways, relative dates with no dateline.\n\n"
                "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp, "\nOptions:\n"
                "  -h, --help     show this help ('factlint <command> --help' for a command)\n"
                "  -V, --version  show the version of factlint and its engines\n"
                "\nExit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input\n"
                "errors, 3 rule errors.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return FL_EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("factlint %s (%s, PCRE2 %s)\n", FL_VERSION, fl_lua_version(), fl_re_version());
        return FL_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return fl_cli_usage_error(NULL, "unknown option '%s'", cmd);
    return fl_cli_usage_error(NULL, "unknown command '%s'", cmd);
}
