/* factlint extract: facts out, as JSON Lines. */
#include "cli/cli.h"
#include "cli/pipeline.h"
#include "core/alloc.h"
#include "core/pool.h"
#include "extract/extract.h"
#include "report/atomic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char extract_help[] =
    "usage: factlint extract [options] PATH...\n"
    "\n"
    "Writes the facts found in articles as JSON Lines, one fact a line, in input\n"
    "order (docs/facts.md; schema in facts/facts.schema.json).  'factlint check\n"
    "--facts FILE' runs the rules on such a file.\n"
    "\n"
    "  -o, --output FILE          write to FILE (atomically) instead of standard output\n"
    "      --fsync                wait for FILE to reach the disk before replacing the\n"
    "                             old one (survives a crash of the machine)\n"
    "  -j, --jobs N               worker threads (default: the number of cores)\n"
    "      --date YYYY-MM-DD      dateline for articles that have none\n"
    "      --lossy                replace invalid UTF-8 instead of skipping the article\n"
    "      --stdin-format FMT     format of '-': txt (default), md, html, jsonl\n"
    "      --max-file-size SIZE   skip larger files\n"
    "      --facts FILE           read facts (JSON Lines) instead of articles: validates\n"
    "                             them and writes them back in the same form\n"
    "  -q, --quiet                no summary on standard error\n"
    "\n"
    "Exit status: 0 every article read, 2 usage errors or skipped inputs.\n";

/* "file:line: message", as fl_error_format writes a skipped article's error. */
static void print_skip(const fl_article_error *e)
{
    const char *file = e->file ? e->file : "";
    if (!file[0])
        fprintf(stderr, "factlint extract: skipped: %s\n", e->message);
    else if (e->line > 0)
        fprintf(stderr, "factlint extract: skipped: %s:%ld: %s\n", file, e->line, e->message);
    else if (e->offset >= 0)
        fprintf(stderr, "factlint extract: skipped: %s: byte %lld: %s\n", file, e->offset,
                e->message);
    else
        fprintf(stderr, "factlint extract: skipped: %s: %s\n", file, e->message);
}

typedef struct extract_job {
    fl_run_config *run;
    fl_audit *au;
} extract_job;

/* Runs the pipeline with the facts going into the atomic output file; an
 * interrupted run fails it, so no partial file is left. */
static fl_status run_into(FILE *fp, void *ud, fl_error *err)
{
    extract_job *job = ud;
    /* (fp is buffered by fl_atomic_write: 256 KB a write) */
    job->run->facts_out = fp;
    fl_status st = fl_run(job->run, job->au, err);
    if (!st && fl_cli_interrupted)
        st = fl_error_set(err, FL_EIO, "interrupted");
    return st;
}

int fl_cmd_extract(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"date", required_argument, NULL, FL_OPT_DATE},
        {"lossy", no_argument, NULL, FL_OPT_LOSSY},
        {"stdin-format", required_argument, NULL, FL_OPT_STDIN_FORMAT},
        {"max-file-size", required_argument, NULL, FL_OPT_MAX_FILE_SIZE},
        {"facts", required_argument, NULL, FL_OPT_FACTS},
        {"fsync", no_argument, NULL, FL_OPT_FSYNC},
        {NULL, 0, NULL, 0}};
    fl_run_config run;
    memset(&run, 0, sizeof run);
    run.ingest.skip_meta = true; /* facts carry no metadata: not kept, a few % of ingest */
    run.jobs = fl_pool_cpu_count();
    const char *out_path = NULL;
    bool quiet = false;
    int status = FL_EXIT_USAGE;
    fl_extractor *x = NULL;
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    fl_error_clear(&err);

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:j:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(extract_help, stdout);
            return FL_EXIT_OK;
        case 'o':
            out_path = optarg;
            break;
        case 'j': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || *end || v < 1 || v > 256)
                return fl_cli_usage_error("extract",
                                          "--jobs wants a number from 1 to 256, "
                                          "not '%s'",
                                          optarg);
            run.jobs = (size_t)v;
            break;
        }
        case 'q':
            quiet = true;
            break;
        case FL_OPT_DATE:
            if (!fl_cli_parse_date("extract", optarg, &run.ingest.default_date))
                return FL_EXIT_USAGE;
            break;
        case FL_OPT_LOSSY:
            run.ingest.lossy = true;
            break;
        case FL_OPT_STDIN_FORMAT:
            if (!fl_cli_parse_format(optarg, &run.ingest.stdin_format))
                return fl_cli_usage_error("extract",
                                          "--stdin-format wants txt, md, html or "
                                          "jsonl, not '%s'",
                                          optarg);
            break;
        case FL_OPT_FACTS:
            run.facts_in = optarg;
            break;
        case FL_OPT_FSYNC:
            fl_atomic_set_fsync(true);
            break;
        case FL_OPT_MAX_FILE_SIZE:
            if (!fl_cli_parse_size(optarg, &run.ingest.max_file_bytes))
                return fl_cli_usage_error("extract",
                                          "--max-file-size wants a size such as "
                                          "500M, not '%s'",
                                          optarg);
            break;
        case ':':
            return fl_cli_usage_error("extract", "option '%s' wants a value", argv[optind - 1]);
        default:
            return fl_cli_usage_error("extract", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc && !run.facts_in)
        return fl_cli_usage_error("extract", "no input: name files, directories or '-'");
    if (optind < argc && run.facts_in)
        return fl_cli_usage_error("extract",
                                  "--facts reads facts instead of articles: name no "
                                  "PATH with it ('%s')",
                                  argv[optind]);

    if (fl_extractor_new(&x, NULL, &err)) {
        fprintf(stderr, "factlint extract: %s\n", err.message);
        goto cleanup;
    }
    if (!run.facts_in)
        fl_cli_warn_extractor("extract", x);
    /* clean articles are only counted, so memory does not grow with the
     * corpus; skipped ones keep their entry, for the messages below */
    au.tally_clean = true;
    fl_cli_install_signals();
    run.paths = (const char *const *)(argv + optind);
    run.n_paths = (size_t)(argc - optind);
    run.extractor = x;
    run.progress = !quiet && isatty(STDERR_FILENO);
    run.interrupted = &fl_cli_interrupted;
    fl_status st;
    if (out_path) {
        extract_job job = {&run, &au};
        st = fl_atomic_write(out_path, run_into, &job, &err);
    } else {
        run.facts_out = stdout;
        st = fl_run(&run, &au, &err);
        if (!st && fflush(stdout))
            st = fl_error_set(&err, FL_EIO, "cannot write to standard output: %s", strerror(errno));
    }
    if (fl_cli_interrupted) {
        fprintf(stderr, "factlint extract: interrupted; no output written\n");
        status = 130;
        goto cleanup;
    }
    if (st) {
        char msg[2048];
        fl_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "factlint extract: %s\n", msg);
        goto cleanup;
    }
    size_t n_facts = au.tallied_facts;
    /* the entries kept (skipped articles), in input order */
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, &au);
    const fl_article_entry *e;
    while ((e = fl_article_cursor_next(&cur))) {
        n_facts += e->n_facts;
        const fl_article_error *ae = fl_article_entry_error(e);
        if (e->skipped && ae)
            print_skip(ae);
    }
    bool lost = cur.failed;
    fl_article_cursor_release(&cur);
    if (lost) {
        fprintf(stderr, "factlint extract: cannot read the list of articles back (facts were "
                        "written)\n");
        goto cleanup;
    }
    if (!quiet)
        fprintf(stderr, "factlint extract: %zu facts from %zu articles, %zu skipped\n", n_facts,
                au.articles_read, au.articles_skipped);
    status = au.articles_skipped ? FL_EXIT_USAGE : FL_EXIT_OK;

cleanup:
    fl_extractor_free(x);
    fl_audit_release(&au);
    return status;
}
