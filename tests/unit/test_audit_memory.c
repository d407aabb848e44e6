/*
 * test_audit_memory.c - what an audit costs per article, and that writing a
 * report costs no memory per article (docs/performance.md, Memory).
 *
 * Every fl_malloc/fl_realloc and every jansson allocation goes through a
 * counting allocator; the tests compare live and peak bytes for N and 2N
 * articles, so they fail if the per-article entry grows back (it once held a
 * whole fl_error, ~1.6 KB) or if a writer starts holding a copy of the
 * corpus (the JSON writer once built one jansson tree of every article).
 */
#include "fl_test.h"

#include "core/alloc.h"
#include "core/finding.h"
#include "report/report.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef union count_header {
    size_t size;
    max_align_t align;
} count_header;

static size_t live_bytes, peak_bytes;

static void *count_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    count_header *h = ptr ? (count_header *)ptr - 1 : NULL;
    size_t old = h ? h->size : 0;
    if (size == 0) {
        live_bytes -= old;
        free(h);
        return NULL;
    }
    count_header *n = realloc(h, sizeof *n + size);
    if (!n)
        return NULL;
    n->size = size;
    live_bytes = live_bytes - old + size;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return n + 1;
}

static void *count_json_malloc(size_t size)
{
    return count_realloc(NULL, NULL, size ? size : 1);
}

static void count_json_free(void *p)
{
    if (p)
        count_realloc(NULL, p, 0);
}

static void counting_on(void)
{
    static const fl_allocator a = {count_realloc, NULL};
    fl_alloc_set(&a);
    json_set_alloc_funcs(count_json_malloc, count_json_free);
    live_bytes = peak_bytes = 0;
}

static void counting_off(void)
{
    fl_alloc_set(NULL);
    json_set_alloc_funcs(malloc, free);
}

#define ID_FMT    "wire-%06zu"
#define TITLE_FMT "Harbour board approves %zu new berths for the port"
#define SKIP_MSG  "invalid UTF-8 at byte 3 (use --lossy to replace bad bytes)"

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Adds articles [from, to) as the pipeline does: one file, one dateline. */
static bool add_articles(fl_audit *au, size_t from, size_t to, bool skipped)
{
    for (size_t i = from; i < to; i++) {
        char id[32], title[96];
        snprintf(id, sizeof id, ID_FMT, i);
        snprintf(title, sizeof title, TITLE_FMT, i);
        fl_article_record r;
        memset(&r, 0, sizeof r);
        r.seq = i;
        r.id = id;
        r.path = (char *)"/data/wire/2024-05.jsonl";
        r.title = skipped ? NULL : title;
        r.n_facts = 37;
        r.dateline = skipped ? NULL : (char *)"2024-05-01";
        r.dateline_source = skipped ? "none" : "jsonl";
        r.skipped = skipped;
        fl_error_clear(&r.error);
        if (skipped) {
            fl_error_set(&r.error, FL_EUTF8, SKIP_MSG);
            fl_error_locate(&r.error, "/data/wire/2024-05.jsonl", (long)i + 1, 3);
        }
        if (fl_audit_add_article(au, &r))
            return false;
    }
    return true;
}

/* Live bytes per article added between n and 2n articles (n a power of two
 * times 8, so the entry array is exactly full at both points). */
static size_t bytes_per_article(size_t n, bool skipped, bool spill)
{
    counting_on();
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    if (spill)
        CU_ASSERT_EQUAL(fl_audit_spill_open(&au, &err), FL_OK);
    size_t at_n = 0, at_2n = 0;
    bool ok = add_articles(&au, 0, n, skipped);
    at_n = live_bytes;
    ok = ok && add_articles(&au, n, 2 * n, skipped);
    at_2n = live_bytes;
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(fl_audit_n_articles(&au), 2 * n);
    fl_audit_release(&au);
    CU_ASSERT_EQUAL(live_bytes, 0u);
    counting_off();
    return (at_2n - at_n) / n;
}

static void test_entry_size(void)
{
    CU_ASSERT(sizeof(fl_article_entry) <= 64);
    CU_ASSERT(sizeof(fl_article_extra) <= 64);
}

static void test_checked_article_cost(void)
{
    size_t per = bytes_per_article(4096, false, false);
    char id[32], title[96];
    snprintf(id, sizeof id, ID_FMT, (size_t)5000);
    snprintf(title, sizeof title, TITLE_FMT, (size_t)5000);
    /* the entry, its id and title in the arena, a little arena slack; the
     * path and dateline are shared */
    size_t bound =
        sizeof(fl_article_entry) + round8(strlen(id) + 1) + round8(strlen(title) + 1) + 8;
    printf("\n  checked article: %zu bytes (bound %zu) ", per, bound);
    CU_ASSERT(per <= bound);
    CU_ASSERT(per >= sizeof(fl_article_entry)); /* the counter sees the entries */
}

static void test_spilled_article_cost(void)
{
    size_t per = bytes_per_article(4096, false, true);
    printf("\n  spilled clean article: %zu bytes ", per);
    CU_ASSERT_EQUAL(per, 0u);
}

/* extract's audit: clean articles are counted, not kept; skipped ones keep
 * their entry, in input order */
static void test_tallied_articles(void)
{
    counting_on();
    fl_audit au;
    fl_audit_init(&au);
    au.tally_clean = true;
    CU_ASSERT_TRUE(add_articles(&au, 0, 4096, false));
    size_t at_n = live_bytes;
    CU_ASSERT_TRUE(add_articles(&au, 4096, 8192, false));
    CU_ASSERT_EQUAL(live_bytes, at_n); /* nothing per clean article */
    CU_ASSERT_EQUAL(au.n_entries, 0u);
    CU_ASSERT_TRUE(add_articles(&au, 8193, 8194, true));
    CU_ASSERT_TRUE(add_articles(&au, 8192, 8193, true));
    CU_ASSERT_EQUAL(au.n_entries, 2u);
    CU_ASSERT_EQUAL(fl_audit_n_articles(&au), 8194u);
    CU_ASSERT_EQUAL(au.articles_read, 8192u);
    CU_ASSERT_EQUAL(au.articles_skipped, 2u);
    CU_ASSERT_EQUAL(au.tallied_facts, 8192u * 37);
    fl_audit_sort(&au);
    fl_article_cursor cur;
    fl_article_cursor_init(&cur, &au);
    const fl_article_entry *e1 = fl_article_cursor_next(&cur);
    const fl_article_entry *e2 = fl_article_cursor_next(&cur);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e2);
    CU_ASSERT_EQUAL(e1->seq, 8192u);
    CU_ASSERT_EQUAL(e2->seq, 8193u);
    CU_ASSERT_TRUE(e1->skipped && e2->skipped);
    CU_ASSERT_PTR_NULL(fl_article_cursor_next(&cur));
    fl_article_cursor_release(&cur);
    fl_audit_release(&au);
    CU_ASSERT_EQUAL(live_bytes, 0u);
    counting_off();
}

static void test_skipped_article_cost(void)
{
    size_t per = bytes_per_article(4096, true, true); /* skipped ones are never spilled */
    size_t bound = sizeof(fl_article_entry) + sizeof(fl_article_extra) +
                   round8(sizeof "wire-000000") + round8(sizeof SKIP_MSG) + 16;
    printf("\n  skipped article: %zu bytes (bound %zu) ", per, bound);
    CU_ASSERT(per <= bound);
}

/* Adds pairs of articles as two workers finish them: in each pair the later
 * one, kept in memory (skipped), arrives before the earlier clean one. */
static bool add_pairs_early(fl_audit *au, size_t from, size_t to)
{
    for (size_t i = from; i < to; i += 2)
        if (!add_articles(au, i + 1, i + 2, true) || !add_articles(au, i, i + 1, false))
            return false;
    return true;
}

/* A kept article that arrives before its turn must not stop the spilling:
 * it once did, and every clean article after it stayed pending in memory to
 * the end of the run (check -j2's peak RSS grew with the corpus). */
static void test_spill_order_moves_past_early_entries(void)
{
    size_t n = 4096;
    counting_on();
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    CU_ASSERT_EQUAL(fl_audit_spill_open(&au, &err), FL_OK);
    bool ok = add_pairs_early(&au, 0, 2 * n);
    size_t at_n = live_bytes;
    ok = ok && add_pairs_early(&au, 2 * n, 4 * n);
    size_t per_pair = (live_bytes - at_n) / n;
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(fl_audit_n_articles(&au), 4 * n);
    fl_audit_release(&au);
    counting_off();
    /* the skipped one's entry only: the clean one is on disk */
    size_t bound = sizeof(fl_article_entry) + sizeof(fl_article_extra) +
                   round8(sizeof "wire-000000") + round8(sizeof SKIP_MSG) + 16;
    printf("\n  pair with an early kept article: %zu bytes (bound %zu) ", per_pair, bound);
    CU_ASSERT(per_pair <= bound);
}

/* What a demo finding says (its rule is demo.rule, its file the wire's). */
typedef struct demo_finding {
    fl_severity severity;
    const char *message, *excerpt, *line, *evidence;
    const char *related; /* the excerpt of a related span, or NULL */
} demo_finding;

/* Adds a finding on article seq to au; false when memory ran out. */
static bool add_demo_finding(fl_audit *au, size_t seq, const demo_finding *d)
{
    char id[32];
    snprintf(id, sizeof id, ID_FMT, seq);
    fl_finding f;
    memset(&f, 0, sizeof f);
    f.rule = fl_strdup("demo.rule");
    f.severity = d->severity;
    f.message = fl_strdup(d->message);
    f.article_seq = seq;
    f.article_id = fl_strdup(id);
    f.path = fl_strdup("/data/wire/2024-05.jsonl");
    f.loc.line = f.loc.column = f.loc.end_line = 1;
    f.loc.length = strlen(d->excerpt);
    f.loc.end_column = (uint32_t)f.loc.length + 1;
    f.loc.excerpt = fl_strdup(d->excerpt);
    f.loc.line_text = fl_strdup(d->line);
    f.evidence_json = fl_strdup(d->evidence);
    bool ok = f.rule && f.message && f.article_id && f.path && f.loc.excerpt && f.loc.line_text &&
              f.evidence_json;
    if (ok && d->related) {
        f.related = fl_calloc(1, sizeof *f.related);
        f.n_related = f.related ? 1 : 0;
        ok = f.related && (f.related->loc.excerpt = fl_strdup(d->related)) &&
             (f.related->loc.line_text = fl_strdup(d->line)) &&
             (f.related->message = fl_strdup("spelled differently here"));
    }
    if (ok)
        fl_finding_fingerprint(&f, f.loc.line_text, strlen(f.loc.line_text), 0);
    ok = ok && !fl_audit_add_finding(au, &f);
    fl_finding_release(&f);
    return ok;
}

/* Extra peak bytes (beyond the audit) writing `format` for n articles, nf
 * findings spread over them, and 32 skipped ones. */
static size_t report_peak(const char *format, size_t n, size_t nf)
{
    counting_on();
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    CU_ASSERT_EQUAL(fl_audit_spill_open(&au, &err), FL_OK); /* as check does */
    bool ok = add_articles(&au, 0, n, false) && add_articles(&au, n, n + 32, true);
    fl_rule_health *h = ok ? fl_audit_rule(&au, "demo.rule") : NULL;
    if (h) {
        h->loaded = h->enabled = true;
        h->severity = FL_SEV_WARNING;
        h->articles_run = n;
    }
    static const demo_finding berths = {
        FL_SEV_WARNING, "the harbour has 40 berths here but 44 at line 9",
        "40 berths",    "The harbour has 40 berths.",
        "[]",           NULL};
    for (size_t k = 0; ok && k < nf; k++)
        ok = add_demo_finding(&au, k * n / nf, &berths);
    CU_ASSERT_TRUE_FATAL(ok);
    fl_audit_sort(&au);
    FILE *fp = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fl_report_options o;
    fl_report_options_init(&o);
    o.tool_version = "9.9.9";
    size_t before = live_bytes;
    peak_bytes = live_bytes;
    CU_ASSERT_EQUAL(fl_report_write(format, fp, &au, &o, &err), FL_OK);
    size_t extra = peak_bytes - before;
    long size = ftell(fp);
    if (!strcmp(format, "json") || !strcmp(format, "junit") || !strcmp(format, "html"))
        CU_ASSERT(size > (long)n); /* these list every article */
    CU_ASSERT(size > 32 * 64);
    fclose(fp);
    fl_audit_release(&au);
    counting_off();
    return extra;
}

static const char *const all_formats[] = {"json", "junit", "html", "text", "markdown", "sarif"};

/* Every writer's extra peak for (n articles, nf findings) and for (n2, nf2):
 * the second may exceed the first by at most `slack` bytes. */
static void assert_peaks_flat(size_t n, size_t nf, size_t n2, size_t nf2, size_t slack)
{
    for (size_t i = 0; i < sizeof all_formats / sizeof *all_formats; i++) {
        size_t a = report_peak(all_formats[i], n, nf);
        size_t b = report_peak(all_formats[i], n2, nf2);
        printf("\n  %-8s writer: %zu bytes for %zu articles and %zu findings, %zu for %zu and %zu ",
               all_formats[i], a, n, nf, b, n2, nf2);
        CU_ASSERT(b <= a + slack);
    }
}

static void test_report_memory_flat(void)
{
    /* 6144 more articles may cost a few buffers' slack, not 6144 of anything */
    assert_peaks_flat(2048, 32, 8192, 32, 16384);
}

/* With findings in the audit's file (as check has them), no writer holds a
 * copy of them either: a few words of order per finding at most (JUnit's
 * walk by rule), not the ~2 KB tree SARIF built of each.  Both runs are past
 * the sink's 64 KB chunk, whose buffer then grows once. */
static void test_report_memory_flat_in_findings(void)
{
    assert_peaks_flat(4096, 1024, 4096, 4096, 3072 * 64);
}

/* Live bytes per finding added between n and 2n findings of ~1 KB each
 * (message, excerpt, source line, a related span and evidence), n a power
 * of two times 8, so the arrays are exactly full at both points. */
static size_t bytes_per_finding(size_t n, bool spill)
{
    counting_on();
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    if (spill)
        CU_ASSERT_EQUAL(fl_audit_spill_open(&au, &err), FL_OK);
    char evidence[600], line[300];
    memset(evidence, ' ', sizeof evidence - 1);
    evidence[0] = '[';
    evidence[sizeof evidence - 2] = ']';
    evidence[sizeof evidence - 1] = '\0';
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    size_t at_n = 0;
    bool ok = true;
    demo_finding spelled = {
        FL_SEV_WARNING, "'Northbridge' is spelled 'North Bridge' at line 9 of this article",
        "Northbridge",  line,
        evidence,       "North Bridge"};
    for (size_t i = 0; ok && i < 2 * n; i++) {
        if (i == n)
            at_n = live_bytes;
        ok = add_demo_finding(&au, i, &spelled);
    }
    size_t at_2n = live_bytes;
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(au.n_findings, 2 * n);
    fl_audit_sort(&au);
    /* and they read back */
    const fl_finding *last = fl_audit_finding(&au, 2 * n - 1);
    CU_ASSERT_STRING_EQUAL(last->loc.line_text, line);
    CU_ASSERT_STRING_EQUAL(last->evidence_json, evidence);
    CU_ASSERT_EQUAL(last->n_related, 1u);
    CU_ASSERT_FALSE(fl_audit_findings_lost(&au));
    fl_audit_release(&au);
    CU_ASSERT_EQUAL(live_bytes, 0u);
    counting_off();
    return (at_2n - at_n) / n;
}

static void test_spilled_finding_cost(void)
{
    size_t mem = bytes_per_finding(1024, false), spilled = bytes_per_finding(1024, true);
    printf("(in memory %zu bytes a finding, spilled %zu) ", mem, spilled);
    CU_ASSERT(mem >= 1000);   /* what check held before the spill */
    CU_ASSERT(spilled <= 48); /* fl_finding_ref: sort keys and where the record is */
}

/* Every writer's bytes with the clean articles spilled, added out of order
 * (as workers finish them), equal the bytes with every entry in memory. */
static void test_spill_same_reports(void)
{
    const char *const *formats = all_formats;
    enum { N = 300 };
    fl_audit au[2];
    fl_error err;
    for (int v = 0; v < 2; v++) {
        fl_audit_init(&au[v]);
        if (v)
            CU_ASSERT_EQUAL_FATAL(fl_audit_spill_open(&au[v], &err), FL_OK);
        fl_rule_health *h = fl_audit_rule(&au[v], "demo.rule");
        CU_ASSERT_PTR_NOT_NULL_FATAL(h);
        h->loaded = h->enabled = true;
        for (size_t b = 0; b < N; b += 10) {
            /* a block of ten arrives reversed; every 7th article is skipped,
             * every 11th has a finding, every 17th keeps its text (HTML) and
             * gets a finding only later, as corpus-scope rules give them */
            for (size_t k = 10; k-- > 0;) {
                size_t i = b + k;
                char id[32], title[96];
                snprintf(id, sizeof id, ID_FMT, i);
                snprintf(title, sizeof title, TITLE_FMT, i);
                fl_article_record r;
                memset(&r, 0, sizeof r);
                r.seq = i;
                r.id = id;
                r.path = (char *)"/data/wire/2024-05.jsonl";
                r.title = i % 5 ? title : NULL;
                r.n_facts = i % 13;
                r.dateline = i % 3 ? (char *)"2024-05-01" : NULL;
                r.dateline_source = i % 3 ? "jsonl" : "none";
                r.skipped = i % 7 == 0;
                r.n_findings = i % 11 == 0 && !r.skipped;
                bool later = i % 17 == 0 && !r.skipped && !r.n_findings;
                if (r.n_findings || later) {
                    r.text = (char *)"40m euros for the harbour.\nThe board met.\n";
                    r.line_base = (long)(i % 4);
                }
                fl_error_clear(&r.error);
                if (r.skipped)
                    fl_error_set(&r.error, FL_EPARSE, "invalid JSON near 'x'");
                CU_ASSERT_EQUAL_FATAL(fl_audit_add_article(&au[v], &r), FL_OK);
                if (!r.n_findings && !later)
                    continue;
                static const demo_finding differs = {
                    FL_SEV_ERROR, "the figure differs", "40m", "40m euros", "[]", NULL};
                CU_ASSERT_FATAL(add_demo_finding(&au[v], i, &differs));
            }
        }
        fl_audit_sort(&au[v]);
    }
    CU_ASSERT(au[1].n_entries < N / 2); /* most went to the file */
    CU_ASSERT(au[0].n_findings > 20);
    CU_ASSERT_EQUAL(fl_audit_n_articles(&au[1]), N);
    for (size_t i = 0; i < sizeof all_formats / sizeof *all_formats; i++) {
        char *out[2] = {NULL, NULL};
        size_t len[2] = {0, 0};
        for (int v = 0; v < 2; v++) {
            FILE *fp = open_memstream(&out[v], &len[v]);
            CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
            CU_ASSERT_EQUAL(fl_report_write(formats[i], fp, &au[v], NULL, &err), FL_OK);
            fclose(fp);
        }
        CU_ASSERT_EQUAL(len[0], len[1]);
        CU_ASSERT(len[0] == len[1] && !memcmp(out[0], out[1], len[0]));
        if (!strcmp(formats[i], "html")) {
            /* every article with a finding shows its text, spilled or not */
            size_t templates = 0;
            for (const char *t = out[1]; (t = strstr(t, "<template>")); t++)
                templates++;
            CU_ASSERT_EQUAL(templates, au[1].n_findings);
        }
        if (len[0] != len[1] || memcmp(out[0], out[1], len[0]))
            printf("\n  %s differs with spilled entries ", formats[i]);
        free(out[0]);
        free(out[1]);
    }
    fl_audit_release(&au[0]);
    fl_audit_release(&au[1]);
}

static const fl_test_case cases[] = {
    {"entry size", test_entry_size},
    {"bytes per checked article", test_checked_article_cost},
    {"bytes per skipped article", test_skipped_article_cost},
    {"bytes per spilled article", test_spilled_article_cost},
    {"extract's tally: clean articles counted, not kept", test_tallied_articles},
    {"spilled entries give the same reports", test_spill_same_reports},
    {"bytes per spilled finding", test_spilled_finding_cost},
    {"an early kept article does not stop the spilling", test_spill_order_moves_past_early_entries},
    {"report writers' peak memory is flat in articles", test_report_memory_flat},
    {"report writers' peak memory is flat in findings", test_report_memory_flat_in_findings},
    {NULL, NULL},
};

FL_TEST_MAIN("audit_memory", cases)
