/* factlint map: the map step of a streaming run (docs/scale.md). */
#include "cli/cli.h"
#include "cli/mapreduce.h"
#include "core/alloc.h"
#include "core/strbuf.h"
#include "extract/extract.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char map_help[] =
    "usage: factlint map [options]\n"
    "\n"
    "The map step of a run under a streaming engine (Hadoop Streaming, Spark pipe;\n"
    "docs/scale.md).  Reads articles as JSON Lines on standard input (one article a\n"
    "line, with an \"id\"), extracts their facts and runs the article-scope rules.\n"
    "Writes KEY<TAB>JSON lines: 'a:ID' for each article (record, findings, rule\n"
    "errors) and 'c:RULE:KEY' for each fact a corpus-scope rule keeps.  Sort them\n"
    "(LC_ALL=C sort) and give them to 'factlint reduce'.\n"
    "\n"
    "Options:\n"
    "      --path NAME            the file name reports give the articles (default '-';\n"
    "                             give the corpus file name to match 'factlint check')\n"
    "      --keep-text            keep the text of articles with findings (html report)\n"
    "      --date YYYY-MM-DD      dateline for articles that have none\n"
    "      --lossy                replace invalid UTF-8 instead of skipping the "
    "article\n" FL_CLI_RULE_HELP "\n"
    "Exit status: 0 written, 2 usage or output errors, 3 rules could not be loaded.\n";

enum { OPT_PATH = 2000, OPT_KEEP_TEXT };

/* Replaces a leading "-" (standard input) in s by path; NULL on ENOMEM. */
static char *rename_stdin(const char *s, const char *path)
{
    size_t pl = strlen(path), sl = strlen(s);
    char *r = fl_malloc(pl + sl);
    if (!r)
        return NULL;
    memcpy(r, path, pl);
    memcpy(r + pl, s + 1, sl);
    return r;
}

static int set_path(fl_article *a, const char *path)
{
    if (!path)
        return 0;
    char *p = fl_strdup(path);
    char *id = NULL;
    if (!p)
        return -1;
    if (a->id && a->id[0] == '-' && (a->id[1] == ':' || !a->id[1]) &&
        !(id = rename_stdin(a->id, path))) {
        fl_free(p);
        return -1;
    }
    fl_free(a->path);
    a->path = p;
    if (id) {
        fl_free(a->id);
        a->id = id;
    }
    return 0;
}

static int write_out(fl_strbuf *sb)
{
    if (sb->len && fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
        return -1;
    fl_strbuf_reset(sb);
    return 0;
}

int fl_cmd_map(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"path", required_argument, NULL, OPT_PATH},
                                             {"keep-text", no_argument, NULL, OPT_KEEP_TEXT},
                                             {"date", required_argument, NULL, FL_OPT_DATE},
                                             {"lossy", no_argument, NULL, FL_OPT_LOSSY},
                                             FL_CLI_RULE_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    fl_cli_rules rules;
    fl_cli_rules_init(&rules);
    fl_ingest_options io;
    memset(&io, 0, sizeof io);
    io.stdin_format = FL_FORMAT_JSONL;
    const char *path = NULL;
    bool keep_text = false;
    int status = FL_EXIT_USAGE;
    fl_extractor *x = NULL;
    fl_extract_ctx *xctx = NULL;
    fl_ruleset *rs = NULL;
    fl_rule_worker *w = NULL;
    fl_ingest *in = NULL;
    fl_facts facts;
    fl_facts_init(&facts);
    fl_strbuf sb = FL_STRBUF_INIT;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);
    char msg[2048];

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int r = fl_cli_rule_option("map", &rules, c, optarg);
        if (r < 0)
            goto cleanup;
        if (r > 0)
            continue;
        switch (c) {
        case 'h':
            fputs(map_help, stdout);
            status = FL_EXIT_OK;
            goto cleanup;
        case OPT_PATH:
            path = optarg;
            break;
        case OPT_KEEP_TEXT:
            keep_text = true;
            break;
        case FL_OPT_DATE:
            if (!fl_cli_parse_date("map", optarg, &io.default_date))
                goto cleanup;
            break;
        case FL_OPT_LOSSY:
            io.lossy = true;
            break;
        case ':':
            fl_cli_usage_error("map", "option '%s' wants a value", argv[optind - 1]);
            goto cleanup;
        default:
            fl_cli_usage_error("map", "unknown option '%s'", argv[optind - 1]);
            goto cleanup;
        }
    }
    if (optind < argc) {
        fl_cli_usage_error("map", "map reads standard input: name no PATH ('%s')", argv[optind]);
        goto cleanup;
    }
    if ((status = fl_cli_rules_finish("map", &rules)))
        goto cleanup;
    status = FL_EXIT_USAGE;
    if (fl_extractor_new(&x, NULL, &err) || !(xctx = fl_extract_ctx_new(x))) {
        fprintf(stderr, "factlint map: %s\n", x ? "out of memory" : err.message);
        goto cleanup;
    }
    fl_cli_warn_extractor("map", x);
    if (fl_ruleset_load(&rs, &rules.cfg, &au, &err)) {
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint map: %s\n", msg);
        goto cleanup;
    }
    if (au.n_rule_errors) {
        /* merge loads the rules again and reports load errors once */
        fprintf(stderr, "factlint map: %zu rule file(s) failed to load\n", au.n_rule_errors);
    }
    if (!(w = fl_rule_worker_new(rs, &err))) {
        fprintf(stderr, "factlint map: %s\n", err.message);
        goto cleanup;
    }
    static const char *const stdin_path[] = {"-"};
    if (fl_ingest_open(&in, stdin_path, 1, &io, &err)) {
        fprintf(stderr, "factlint map: %s\n", err.message);
        goto cleanup;
    }
    for (;;) {
        fl_article *a = NULL;
        size_t seq = 0;
        fl_error ierr;
        fl_error_clear(&ierr);
        fl_status ist = fl_ingest_next(in, &a, &seq, &ierr);
        if (ist == FL_DONE)
            break;
        if (ist == FL_ENOMEM) {
            fprintf(stderr, "factlint map: out of memory\n");
            goto cleanup;
        }
        fl_audit part;
        fl_audit_init(&part);
        fl_article_record rec = {0};
        char iso[32];
        char *skipped_id = NULL;
        long record_line = 0;
        bool failed = false;
        if (ist != FL_OK) {
            if (path && !strcmp(ierr.file, "-"))
                snprintf(ierr.file, sizeof ierr.file, "%s", path);
            skipped_id = fl_strdup(ierr.file[0] ? ierr.file : "-");
            rec.id = skipped_id;
            rec.path = skipped_id;
            rec.skipped = true;
            rec.error = ierr;
            rec.dateline_source = "none";
            record_line = ierr.line;
            failed = !skipped_id;
        } else {
            fl_error xerr;
            fl_error_clear(&xerr);
            fl_facts_reset(&facts);
            fl_status st = set_path(a, path) ? FL_ENOMEM : FL_OK;
            if (!st)
                st = fl_extract(x, xctx, a, &facts, &xerr);
            if (st == FL_ENOMEM) {
                failed = true;
            } else if (st) {
                fl_error_locate(&xerr, a->path, a->record_line, -1);
            } else if (fl_rule_worker_check(w, a, &facts, &part, &err)) {
                failed = true;
            }
            rec.id = a->id;
            rec.path = a->path;
            rec.title = a->title;
            rec.n_facts = facts.n;
            rec.n_findings = part.n_findings;
            rec.line_base = a->line_base;
            if (a->dateline.precision) {
                fl_date_format(a->dateline, iso, sizeof iso);
                rec.dateline = iso;
            }
            rec.dateline_source = fl_dateline_source_name(a->dateline_source);
            if (st && st != FL_ENOMEM) {
                rec.skipped = true;
                rec.error = xerr;
            }
            if (keep_text && part.n_findings)
                rec.text = a->text;
            record_line = a->record_line;
        }
        if (!failed && (fl_mr_write_article(&sb, &rec, record_line, &part) ||
                        fl_rule_worker_write_kept(w, &sb, &err)))
            failed = true;
        fl_free(skipped_id);
        fl_audit_release(&part);
        fl_article_free(a);
        if (failed) {
            fprintf(stderr, "factlint map: out of memory\n");
            goto cleanup;
        }
        if (write_out(&sb)) {
            fprintf(stderr, "factlint map: cannot write to standard output: %s\n", strerror(errno));
            goto cleanup;
        }
    }
    if (fflush(stdout)) {
        fprintf(stderr, "factlint map: cannot write to standard output: %s\n", strerror(errno));
        goto cleanup;
    }
    status = FL_EXIT_OK;

cleanup:
    fl_ingest_close(in);
    fl_rule_worker_free(w);
    fl_ruleset_free(rs);
    fl_extract_ctx_free(xctx);
    fl_extractor_free(x);
    fl_facts_release(&facts);
    fl_strbuf_release(&sb);
    fl_audit_release(&au);
    fl_cli_rules_release(&rules);
    return status;
}
