/*
 * test_alloc.c - allocation-failure tests across the core, ingest and
 * extraction: an fl_alloc_set hook fails the N-th allocation, and for
 * N = 1, 2, ... until a run succeeds, each scenario must return a clean
 * FL_ENOMEM (or succeed), never crash, and leave no fl_malloc'ed block behind
 * (the hook counts live blocks; after cleanup the count is back to zero).
 *
 * Memory that libraries allocate with their own allocators (libxml2, jansson,
 * PCRE2) is not counted here; valgrind and ASan runs of this suite cover it.
 */
#include "core/alloc.h"
#include "core/article.h"
#include "core/error.h"
#include "core/fact.h"
#include "core/factio.h"
#include "core/strbuf.h"
#include "extract/extract.h"
#include "ingest/ingest.h"

#include "fl_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the failing, counting allocator ------------------------------------ */

static long fail_at;    /* the allocation (1-based) that fails; 0 = none */
static long n_requests; /* allocation requests seen (malloc and growing realloc) */
static long live;       /* blocks allocated through the hook and not yet freed */
static long n_failed;   /* requests refused */

static void *counting_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        if (ptr)
            live--;
        free(ptr);
        return NULL;
    }
    n_requests++;
    if (fail_at && n_requests == fail_at) {
        n_failed++;
        return NULL;
    }
    void *p = realloc(ptr, size);
    if (p && !ptr)
        live++;
    return p;
}

static const fl_allocator counting = {counting_realloc, NULL};

typedef fl_status (*scenario_fn)(void);

/* The loop of run_failing, in a child process so that a crash is reported as
 * a failure naming the allocation, not the end of the whole suite.  Writes
 * each N to progress before trying it.  Exits 0 when the scenario finally
 * succeeded after at least one failing run, 1 otherwise. */
static void failing_loop(const char *name, scenario_fn fn, int progress)
{
    long runs = 0;
    for (long n = 1; n < 200000; n++) {
        if (write(progress, &n, sizeof n) != (ssize_t)sizeof n)
            _exit(1);
        fail_at = n;
        n_requests = 0;
        n_failed = 0;
        live = 0;
        fl_alloc_set(&counting);
        fl_status st = fn();
        fl_alloc_set(NULL);
        long leaked = live, failed = n_failed;
        if (st != FL_OK && st != FL_ENOMEM) {
            fprintf(stderr, "%s: allocation %ld refused: status '%s', not 'enomem'\n", name, n,
                    fl_status_name(st));
            _exit(1);
        }
        if (leaked != 0) {
            fprintf(stderr, "%s: allocation %ld refused: %ld block(s) leaked\n", name, n, leaked);
            _exit(1);
        }
        if (st == FL_OK && failed == 0) {
            fprintf(stderr, "%s: %ld allocations, each refused in turn: clean\n", name, runs);
            _exit(runs > 0 ? 0 : 1); /* every allocation was served: done */
        }
        /* A refused allocation that still ends in FL_OK is a fallback; the
         * output checks inside fn decide whether it was right. */
        runs++;
    }
    fprintf(stderr, "%s: never succeeded\n", name);
    _exit(1);
}

/* Runs fn with the N-th allocation failing for N = 1.. until it succeeds:
 * every status must be FL_OK or FL_ENOMEM, every run must free what it
 * allocated, and at least one run must fail (every scenario allocates). */
static bool run_failing(const char *name, scenario_fn fn)
{
    int fds[2];
    if (pipe(fds))
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        close(fds[0]);
        failing_loop(name, fn, fds[1]);
    }
    close(fds[1]);
    long n = 0, last = 0;
    while (read(fds[0], &n, sizeof n) == (ssize_t)sizeof n)
        last = n;
    close(fds[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return false;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: crashed (signal %d) when allocation %ld was refused\n", name,
                WTERMSIG(status), last);
        return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- scenarios ------------------------------------------------------------ */

static const char ARTICLE[] =
    "LONDON, 3 March 2021 - Harbour Freight Ltd said on Tuesday it would invest "
    "£250m in a new terminal at Felixstowe.\n"
    "\n"
    "\"This is the biggest investment in our history,\" said chief executive Maria "
    "Okafor. Mrs Okafor added that 400 jobs would be created.\n"
    "\n"
    "The company's shares rose 4.5% to 312 pence. Analysts at Brindle & Co said the "
    "project could cost as much as $400m by 2024.\n"
    "\n"
    "Last year the group carried 2.1 million containers, up from 1.9 million.\n";

static fl_status scenario_article(void)
{
    fl_status st = FL_ENOMEM;
    fl_error err;
    fl_article *a = fl_article_new();
    if (!a)
        return FL_ENOMEM;
    char *text = fl_strndup(ARTICLE, sizeof ARTICLE - 1);
    if (!text)
        goto cleanup;
    if ((st = fl_article_set_text(a, text, sizeof ARTICLE - 1, false, &err)))
        goto cleanup;
    if ((st = fl_article_segment(a, &err)))
        goto cleanup;
    if (a->n_paragraphs != 4) {
        fprintf(stderr, "article: %zu paragraphs, expected 4\n", a->n_paragraphs);
        st = FL_EINTERNAL;
    }
cleanup:
    fl_article_free(a);
    return st;
}

static fl_status scenario_facts(void)
{
    fl_status st = FL_ENOMEM;
    fl_facts fs;
    fl_strbuf sb = FL_STRBUF_INIT;
    fl_facts_init(&fs);
    static const size_t offsets[] = {90, 10, 55, 10, 200, 140, 33, 71};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        fl_fact *f = fl_facts_add(&fs, (fl_fact_kind)(i % FL_FACT_KIND_COUNT), offsets[i], 6);
        if (!f)
            goto cleanup;
        size_t idx = fs.n - 1;
        const char *t = fl_facts_str(&fs, "£250m", strlen("£250m"));
        const char *cur = fl_facts_str(&fs, "GBP", 3);
        if (!t || !cur)
            goto cleanup;
        f = &fs.items[idx];
        f->text = t;
        if (f->kind == FL_FACT_MONEY) {
            f->value = 250e6;
            f->currency = cur;
            f->currency_source = "symbol";
        }
    }
    if (fl_facts_sort(&fs)) {
        st = FL_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 1; i < fs.n; i++)
        if (fs.items[i - 1].offset > fs.items[i].offset) {
            st = FL_EINTERNAL;
            goto cleanup;
        }
    for (size_t i = 0; i < fs.n; i++) {
        fl_strbuf_reset(&sb);
        if (fl_fact_write_json(&sb, "alloc.txt", &fs.items[i], &fs))
            goto cleanup;
        if (!sb.len || sb.buf[0] != '{') {
            st = FL_EINTERNAL;
            goto cleanup;
        }
    }
    st = FL_OK;
cleanup:
    fl_strbuf_release(&sb);
    fl_facts_release(&fs);
    return st;
}

static char facts_path[64];

static fl_status scenario_facts_reader(void)
{
    fl_status st;
    fl_error err;
    fl_facts_reader *r = NULL;
    fl_article *a = NULL;
    fl_facts fs;
    fl_facts_init(&fs);
    size_t articles = 0, facts = 0;
    if ((st = fl_facts_reader_open(&r, facts_path, &err)))
        goto cleanup;
    for (;;) {
        fl_facts_reset(&fs);
        st = fl_facts_reader_next(r, &a, &fs, &err);
        if (st == FL_DONE) {
            st = FL_OK;
            break;
        }
        if (st)
            goto cleanup;
        articles++;
        facts += fs.n;
        fl_article_free(a);
        a = NULL;
    }
    if (articles != 2 || facts != 3) {
        fprintf(stderr, "facts reader: %zu articles, %zu facts; expected 2, 3\n", articles, facts);
        st = FL_EINTERNAL;
    }
cleanup:
    fl_article_free(a);
    fl_facts_release(&fs);
    fl_facts_reader_close(r);
    return st;
}

static const char MARKDOWN[] = "---\n"
                               "title: Port strike ends\n"
                               "date: 2022-05-14\n"
                               "---\n"
                               "# Port strike ends after pay deal\n"
                               "\n"
                               "Dock workers at Tilbury accepted a 7% pay rise on Friday, "
                               "ending a strike that cost £30m.\n"
                               "\n"
                               "\"We got what we asked for,\" said union official Dev Patel.\n";

static const char JSONL[] =
    "{\"id\": \"w-1\", \"title\": \"Mill closes\", \"date\": \"2019-10-01\", \"source\": \"Test "
    "Wire\", \"extra\": [1, 2], \"text\": \"SHEFFIELD, Oct 1 - Brandt Steel said on Monday it "
    "would close its mill.\\n\\nThe closure costs 300 jobs, the company said.\"}";

static fl_status ingest_one(fl_format fmt, const char *data, size_t len, size_t paragraphs)
{
    fl_error err;
    fl_ingest_options opt;
    memset(&opt, 0, sizeof opt);
    fl_article *a = NULL;
    fl_status st = fl_ingest_buffer(fmt == FL_FORMAT_MD ? "alloc.md" : "alloc.jsonl", fmt, data,
                                    len, &opt, &a, &err);
    if (st == FL_OK && a->n_paragraphs != paragraphs) {
        fprintf(stderr, "ingest %s: %zu paragraphs, expected %zu\n", fl_format_name(fmt),
                a->n_paragraphs, paragraphs);
        st = FL_EINTERNAL;
    }
    if (st == FL_OK && a->dateline.precision == FL_PREC_NONE) {
        fprintf(stderr, "ingest %s: the dateline was lost\n", fl_format_name(fmt));
        st = FL_EINTERNAL;
    }
    fl_article_free(a);
    return st;
}

static fl_status scenario_ingest_md(void)
{
    return ingest_one(FL_FORMAT_MD, MARKDOWN, sizeof MARKDOWN - 1, 3);
}

static fl_status scenario_ingest_jsonl(void)
{
    return ingest_one(FL_FORMAT_JSONL, JSONL, sizeof JSONL - 1, 2);
}

static fl_extractor *extractor;
static fl_article *extract_article;
static size_t expected_facts;
static char *expected_json; /* the facts of a run without failures, as JSON Lines */

/* The facts as JSON Lines into sb; -1 on ENOMEM. */
static int facts_json(fl_strbuf *sb, const fl_facts *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fl_fact_write_json(sb, "alloc.txt", &fs->items[i], fs) || fl_strbuf_add(sb, "\n", 1))
            return -1;
    return 0;
}

static fl_status scenario_extract(void)
{
    fl_status st = FL_ENOMEM;
    fl_error err;
    fl_facts fs;
    fl_strbuf sb = FL_STRBUF_INIT;
    fl_facts_init(&fs);
    fl_extract_ctx *c = fl_extract_ctx_new(extractor);
    if (!c)
        goto cleanup;
    if ((st = fl_extract(extractor, c, extract_article, &fs, &err)))
        goto cleanup;
    if (fs.n != expected_facts) {
        fprintf(stderr, "extract: %zu facts after allocation failures, %zu without\n", fs.n,
                expected_facts);
        st = FL_EINTERNAL;
        goto cleanup;
    }
    if (facts_json(&sb, &fs)) {
        st = FL_ENOMEM;
        goto cleanup;
    }
    if (strcmp(sb.buf, expected_json)) {
        fprintf(stderr, "extract: the facts differ from a run without allocation failures\n");
        st = FL_EINTERNAL;
    }
cleanup:
    fl_strbuf_release(&sb);
    fl_facts_release(&fs);
    fl_extract_ctx_free(c);
    return st;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_hook_counts(void)
{
    /* The harness itself: a failure at N=1 must be seen, and a leak must be counted. */
    fail_at = 0;
    live = 0;
    n_requests = 0;
    fl_alloc_set(&counting);
    char *p = fl_malloc(10);
    char *q = fl_strdup("x");
    fl_free(p);
    long after = live;
    fl_free(q);
    fl_alloc_set(NULL);
    CU_ASSERT_EQUAL(after, 1);
    CU_ASSERT_EQUAL(live, 0);
    CU_ASSERT_EQUAL(n_requests, 2);
}

static void test_article(void)
{
    CU_ASSERT(scenario_article() == FL_OK);
    CU_ASSERT(run_failing("article", scenario_article));
}

static void test_facts(void)
{
    CU_ASSERT(scenario_facts() == FL_OK);
    CU_ASSERT(run_failing("facts", scenario_facts));
}

static void test_facts_reader(void)
{
    snprintf(facts_path, sizeof facts_path, "/tmp/fl_test_alloc_%ld.jsonl", (long)getpid());
    FILE *fp = fopen(facts_path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("{\"article\":\"a.md\",\"kind\":\"money\",\"text\":\"$1.13bn\",\"offset\":120,"
          "\"length\":7,\"line\":5,\"column\":34,\"paragraph\":2,\"sentence\":3,"
          "\"value\":1130000000,\"currency\":\"USD\",\"currency_source\":\"symbol\","
          "\"qualifier\":null}\n"
          "{\"article\":\"a.md\",\"kind\":\"person\",\"text\":\"Maria Okafor\",\"offset\":10,"
          "\"length\":12,\"line\":1,\"column\":11,\"paragraph\":1,\"sentence\":1,"
          "\"name\":\"Maria Okafor\",\"key\":\"maria okafor\",\"title\":null}\n"
          "{\"article\":\"b.md\",\"kind\":\"percent\",\"text\":\"4.5%\",\"offset\":3,"
          "\"length\":4,\"line\":1,\"column\":4,\"paragraph\":1,\"sentence\":1,\"value\":4.5}\n",
          fp);
    fclose(fp);
    CU_ASSERT(scenario_facts_reader() == FL_OK);
    CU_ASSERT(run_failing("facts reader", scenario_facts_reader));
    unlink(facts_path);
}

static void test_ingest_md(void)
{
    CU_ASSERT(scenario_ingest_md() == FL_OK);
    CU_ASSERT(run_failing("ingest md", scenario_ingest_md));
}

static void test_ingest_jsonl(void)
{
    CU_ASSERT(scenario_ingest_jsonl() == FL_OK);
    CU_ASSERT(run_failing("ingest jsonl", scenario_ingest_jsonl));
}

static void test_extract(void)
{
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_extractor_new(&extractor, NULL, &err), FL_OK);
    fl_ingest_options opt;
    memset(&opt, 0, sizeof opt);
    CU_ASSERT_EQUAL_FATAL(fl_ingest_buffer("alloc.txt", FL_FORMAT_TXT, ARTICLE, sizeof ARTICLE - 1,
                                           &opt, &extract_article, &err),
                          FL_OK);
    expected_facts = SIZE_MAX;
    fl_facts fs;
    fl_facts_init(&fs);
    fl_extract_ctx *c = fl_extract_ctx_new(extractor);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(fl_extract(extractor, c, extract_article, &fs, &err), FL_OK);
    expected_facts = fs.n;
    CU_ASSERT(fs.n >= 8); /* money, percent, quantities, a quote, names, dates */
    fl_strbuf sb = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(facts_json(&sb, &fs), 0);
    expected_json = fl_strbuf_detach(&sb, NULL);
    fl_facts_release(&fs);
    fl_extract_ctx_free(c);
    CU_ASSERT(run_failing("extract", scenario_extract));
    fl_free(expected_json);
    fl_article_free(extract_article);
    fl_extractor_free(extractor);
}

static const fl_test_case cases[] = {
    {"the hook counts requests and live blocks", test_hook_counts},
    {"article set_text and segment", test_article},
    {"facts add, sort and write", test_facts},
    {"facts reader", test_facts_reader},
    {"ingest markdown", test_ingest_md},
    {"ingest jsonl", test_ingest_jsonl},
    {"extract", test_extract},
    {NULL, NULL},
};

FL_TEST_MAIN("alloc", cases)
