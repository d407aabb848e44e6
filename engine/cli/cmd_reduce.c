/* factlint reduce: the reduce step of a streaming run (docs/scale.md). */
#include "cli/cli.h"
#include "cli/mapreduce.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char reduce_help[] =
    "usage: factlint reduce [options]\n"
    "\n"
    "The reduce step of a run under a streaming engine (docs/scale.md).  Reads the\n"
    "lines of 'factlint map' on standard input, sorted by key in byte order\n"
    "(LC_ALL=C sort, or Hadoop's shuffle), runs each corpus-scope rule once per key\n"
    "on the facts map kept for it, and writes one 'r:RULE:KEY' line per key with\n"
    "its findings.  Article lines ('a:') are passed through.  Give reduce the rule\n"
    "options map had.\n"
    "\n"
    "Options:\n" FL_CLI_RULE_HELP "\n"
    "Exit status: 0 written, 2 usage, input or output errors, 3 rules could not be\n"
    "loaded.\n";

/* Runs the pending group of r and appends its r: line to out. */
static fl_status flush_group(fl_corpus_reducer *r, fl_strbuf *out, fl_error *err)
{
    if (!fl_corpus_reducer_rule(r))
        return FL_OK;
    fl_audit part;
    fl_audit_init(&part);
    fl_status st = fl_corpus_reducer_run(r, &part, err);
    if (!st && fl_mr_write_group(out, r, &part))
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_audit_release(&part);
    fl_corpus_reducer_clear(r);
    return st;
}

static int write_out(fl_strbuf *sb)
{
    if (sb->len && fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
        return -1;
    fl_strbuf_reset(sb);
    return 0;
}

int fl_cmd_reduce(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, FL_CLI_RULE_LONGOPTS, {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    int status = FL_EXIT_USAGE;
    fl_ruleset *rs = NULL;
    fl_corpus_reducer *red = NULL;
    fl_strbuf sb = FL_STRBUF_INIT, prev = FL_STRBUF_INIT;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);
    char msg[2048];

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("reduce", &rules, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        if (c == 'h') {
            fputs(reduce_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        }
        if (c == ':')
            fl_cli_usage_error("reduce", "option '%s' wants a value", argv[optind - 1]);
        else
            fl_cli_usage_error("reduce", "unknown option '%s'", argv[optind - 1]);
        goto cleanup;
    }
    if (optind < argc) {
        fl_cli_usage_error("reduce", "reduce reads standard input: name no PATH ('%s')",
                           argv[optind]);
        goto cleanup;
    }
    if ((status = fl_cli_rules_finish("reduce", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_ruleset_load(&rs, &rules.cfg, &au, &err) || !(red = fl_corpus_reducer_new(rs, &err))) {
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint reduce: %s\n", msg);
        goto cleanup;
    }
    ssize_t n;
    bool have_prev = false;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (!len)
            continue;
        char *tab = memchr(line, '\t', len);
        if (!tab) {
            fprintf(stderr, "factlint reduce: -:%ld: not a map line (KEY<TAB>JSON)\n", lineno);
            goto cleanup;
        }
        size_t klen = (size_t)(tab - line);
        bool corpus = klen > 2 && line[0] == 'c' && line[1] == ':';
        if (corpus && have_prev) {
            int cmp = memcmp(prev.buf, line, klen < prev.len ? klen : prev.len);
            if (!cmp)
                cmp = prev.len < klen ? -1 : prev.len > klen;
            if (cmp > 0) {
                fprintf(stderr,
                        "factlint reduce: -:%ld: keys out of order: sort the map output by "
                        "key in byte order (LC_ALL=C sort)\n",
                        lineno);
                goto cleanup;
            }
            if (cmp < 0 && flush_group(red, &sb, &err))
                goto failed;
        } else if (!corpus && flush_group(red, &sb, &err)) {
            goto failed;
        }
        if (corpus) {
            fl_strbuf_reset(&prev);
            if (fl_strbuf_add(&prev, line, klen)) {
                fl_error_set(&err, FL_ENOMEM, "out of memory");
                goto failed;
            }
            have_prev = true;
            if (fl_corpus_reducer_add(red, tab + 1, len - klen - 1, &err)) {
                fl_error_locate(&err, "-", lineno, -1);
                goto failed;
            }
        } else if (fl_strbuf_add(&sb, line, len) || fl_strbuf_addch(&sb, '\n')) {
            fl_error_set(&err, FL_ENOMEM, "out of memory");
            goto failed;
        }
        if (write_out(&sb)) {
            fprintf(stderr, "factlint reduce: cannot write to standard output: %s\n",
                    strerror(errno));
            goto cleanup;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "factlint reduce: cannot read standard input: %s\n", strerror(errno));
        goto cleanup;
    }
    if (flush_group(red, &sb, &err))
        goto failed;
    if (write_out(&sb) || fflush(stdout)) {
        fprintf(stderr, "factlint reduce: cannot write to standard output: %s\n", strerror(errno));
        goto cleanup;
    }
    status = FL_EXIT_OK;
    goto cleanup;
failed:
    fl_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "factlint reduce: %s\n", msg);
cleanup:
    free(line);
    fl_corpus_reducer_free(red);
    fl_ruleset_free(rs);
    fl_strbuf_release(&sb);
    fl_strbuf_release(&prev);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
