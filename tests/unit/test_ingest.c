/* Unit tests for engine/ingest: formats, walking, datelines, boilerplate, bad input. */
#include "core/alloc.h"
#include "fl_test.h"
#include "core/strbuf.h"
#include "ingest/boilerplate.h"
#include "ingest/dateline.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA(rel) FL_SRC("tests/data/ingest/" rel)

static const fl_ingest_options no_opts = {false, {0, 0, 0, FL_PREC_NONE}, FL_FORMAT_TXT, 0, false};

/* ---- helpers ---------------------------------------------------------------- */

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
    return buf[slot];
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void make_tmpdir(void)
{
    if (tmpdir[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fl-ingest-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

/* Reads one input that must give exactly one item; returns its status. */
static fl_status ingest_one(const char *path, const fl_ingest_options *opt, fl_article **a,
                            fl_error *err)
{
    fl_ingest *in = NULL;
    const char *paths[] = {path};
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, opt ? opt : &no_opts, err), FL_OK);
    size_t seq = 99;
    fl_status st = fl_ingest_next(in, a, &seq, err);
    CU_ASSERT_NOT_EQUAL(st, FL_DONE);
    CU_ASSERT_EQUAL(seq, 0);
    fl_article *extra = NULL;
    fl_error e2;
    CU_ASSERT_EQUAL(fl_ingest_next(in, &extra, &seq, &e2), FL_DONE);
    fl_ingest_close(in);
    return st;
}

static fl_article *from_buffer(const char *path, fl_format fmt, const char *s)
{
    fl_article *a = NULL;
    fl_error err;
    fl_status st = fl_ingest_buffer(path, fmt, s, strlen(s), &no_opts, &a, &err);
    if (st != FL_OK)
        fprintf(stderr, "ingest failed: %s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(st, FL_OK);
    return a;
}

static bool para_is(const fl_article *a, size_t i, const char *text)
{
    if (i >= a->n_paragraphs)
        return false;
    const fl_paragraph *p = &a->paragraphs[i];
    return strlen(text) == p->length && !memcmp(a->text + p->offset, text, p->length);
}

static uint32_t line_of(const fl_article *a, const char *needle)
{
    const char *p = strstr(a->text, needle);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    uint32_t line = 0, col = 0;
    fl_article_locate(a, (size_t)(p - a->text), &line, &col);
    return line;
}

static void date_is(fl_date d, int y, int m, int day)
{
    CU_ASSERT_EQUAL(d.year, y);
    CU_ASSERT_EQUAL(d.month, m);
    CU_ASSERT_EQUAL(d.day, day);
    CU_ASSERT_EQUAL(d.precision, FL_PREC_DAY);
}

/* ---- formats ------------------------------------------------------------------ */

static void test_format_for_path(void)
{
    fl_format f;
    CU_ASSERT_TRUE(fl_ingest_format_for_path("a/b.txt", &f) && f == FL_FORMAT_TXT);
    CU_ASSERT_TRUE(fl_ingest_format_for_path("b.MD", &f) && f == FL_FORMAT_MD);
    CU_ASSERT_TRUE(fl_ingest_format_for_path("b.markdown", &f) && f == FL_FORMAT_MD);
    CU_ASSERT_TRUE(fl_ingest_format_for_path("x.htm", &f) && f == FL_FORMAT_HTML);
    CU_ASSERT_TRUE(fl_ingest_format_for_path("x.html", &f) && f == FL_FORMAT_HTML);
    CU_ASSERT_TRUE(fl_ingest_format_for_path("x.jsonl", &f) && f == FL_FORMAT_JSONL);
    CU_ASSERT_FALSE(fl_ingest_format_for_path("x.csv", &f));
    CU_ASSERT_FALSE(fl_ingest_format_for_path("dir.txt/README", &f));
    CU_ASSERT_FALSE(fl_ingest_format_for_path(".txt", &f));
}

static void test_txt_title_and_dateline(void)
{
    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(ingest_one(DATA("tree/a-ferry.txt"), NULL, &a, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->title, "Harbour ferry fares to rise by 7%");
    CU_ASSERT_TRUE(a->paragraphs[0].heading);
    CU_ASSERT_TRUE(para_is(a, 0, "Harbour ferry fares to rise by 7%")); /* stays in the text */
    CU_ASSERT_FALSE(a->paragraphs[2].heading);
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_TEXT);
    date_is(a->dateline, 2017, 11, 24);
    CU_ASSERT_STRING_EQUAL(a->dateline_text, "Friday 24 November 2017");
    CU_ASSERT_EQUAL(a->paragraphs[3].boilerplate, FL_BOILER_SHARE);
    CU_ASSERT_EQUAL(a->paragraphs[4].boilerplate, FL_BOILER_NONE);
    CU_ASSERT_EQUAL(a->format, FL_FORMAT_TXT);
    fl_article_free(a);

    /* a first line that ends a sentence is not a title */
    a = from_buffer("t.txt", FL_FORMAT_TXT, "The council met on Monday.\n\nIt agreed.\n");
    CU_ASSERT_PTR_NULL(a->title);
    CU_ASSERT_FALSE(a->paragraphs[0].heading);
    fl_article_free(a);
    /* nor a first paragraph of two lines */
    a = from_buffer("t.txt", FL_FORMAT_TXT, "Council meets\nagain today\n\nIt agreed.\n");
    CU_ASSERT_PTR_NULL(a->title);
    fl_article_free(a);
    /* nor a line with no blank line after it */
    a = from_buffer("t.txt", FL_FORMAT_TXT, "Council meets\nIt agreed on a budget.\n");
    CU_ASSERT_PTR_NULL(a->title);
    fl_article_free(a);
}

static void test_md_front_matter(void)
{
    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(ingest_one(DATA("tree/b-museum.md"), NULL, &a, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->title, "Museum reopens after flood repairs");
    CU_ASSERT_STRING_EQUAL(a->source, "The Eastern Record");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_FRONT_MATTER);
    date_is(a->dateline, 2021, 4, 9);
    CU_ASSERT_STRING_EQUAL(a->dateline_text, "2021-04-09");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "section"), "\"culture\"");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "author"), "\"Maya O'Neill\"");
    CU_ASSERT_PTR_NULL(fl_article_meta(a, "title"));
    CU_ASSERT_EQUAL(a->line_base, 7);
    /* true file lines: the heading is line 9, the quote line 15 */
    CU_ASSERT_EQUAL(line_of(a, "# Museum"), 9);
    CU_ASSERT_EQUAL(line_of(a, "\"We are open"), 15);
    CU_ASSERT_TRUE(a->paragraphs[0].heading);
    CU_ASSERT_FALSE(a->paragraphs[1].heading);
    CU_ASSERT_TRUE(fl_article_rule_disabled(a, "quote.duplicate"));
    CU_ASSERT_FALSE(fl_article_rule_disabled(a, "money.sum"));
    fl_article_free(a);

    /* no front matter: a '#' heading gives the title */
    a = from_buffer("h.md", FL_FORMAT_MD, "## Rail strike called off ##\n\nUnions agreed.\n");
    CU_ASSERT_STRING_EQUAL(a->title, "Rail strike called off");
    CU_ASSERT_TRUE(a->paragraphs[0].heading);
    CU_ASSERT_EQUAL(a->line_base, 0);
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_NONE);
    fl_article_free(a);
    /* "#hashtag" is not a heading */
    a = from_buffer("h.md", FL_FORMAT_MD, "#budget2024 talk\n\nUnions agreed.\n");
    CU_ASSERT_FALSE(a->paragraphs[0].heading);
    fl_article_free(a);
    /* a disable comment without a rule id disables every rule */
    a = from_buffer("h.md", FL_FORMAT_MD, "Text.\n\n<!-- factlint-disable -->\n");
    CU_ASSERT_TRUE(fl_article_rule_disabled(a, "anything.at.all"));
    fl_article_free(a);
}

static void test_md_front_matter_errors(void)
{
    fl_article *a = NULL;
    fl_error err;
    const char *open = "---\ntitle: Never closed\ndate: 2020-01-02\n\nBody text.\n";
    CU_ASSERT_EQUAL(
        fl_ingest_buffer("open.md", FL_FORMAT_MD, open, strlen(open), &no_opts, &a, &err),
        FL_EPARSE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_STRING_EQUAL(err.file, "open.md");
    CU_ASSERT_EQUAL(err.line, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not closed"));

    const char *bad = "---\ntitle: Fine\nthis line has no colon\n---\nBody.\n";
    CU_ASSERT_EQUAL(fl_ingest_buffer("bad.md", FL_FORMAT_MD, bad, strlen(bad), &no_opts, &a, &err),
                    FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 3);

    const char *date = "---\ndate: 31 February 2015\n---\nBody.\n";
    CU_ASSERT_EQUAL(fl_ingest_buffer("d.md", FL_FORMAT_MD, date, strlen(date), &no_opts, &a, &err),
                    FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "31 February 2015"));
}

static void test_html(void)
{
    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(ingest_one(DATA("tree/c-plant.html"), NULL, &a, &err), FL_OK);
    CU_ASSERT_EQUAL(a->format, FL_FORMAT_HTML);
    CU_ASSERT_STRING_EQUAL(a->title, "Battery plant approved");
    CU_ASSERT_STRING_EQUAL(a->source, "The Northern Courier");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_HTML_META);
    date_is(a->dateline, 2022, 10, 5);
    /* scripts, styles and noscript are gone; entities decoded; white space collapsed */
    CU_ASSERT_PTR_NULL(strstr(a->text, "tracking"));
    CU_ASSERT_PTR_NULL(strstr(a->text, "color"));
    CU_ASSERT_PTR_NULL(strstr(a->text, "JavaScript"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a->text, "Councillors approved a \xC2\xA3"
                                           "1.8bn battery plant"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a->text, "The plant\xE2\x80\x99s first phase"));
    /* <br> is a paragraph break; blocks are separated by a blank line */
    CU_ASSERT_PTR_NOT_NULL(strstr(a->text, "in 2025.\n\nThe second phase"));
    size_t body = SIZE_MAX, h1 = SIZE_MAX;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        if (para_is(a, i, "Battery plant approved"))
            h1 = i;
        if (strncmp(a->text + a->paragraphs[i].offset, "Councillors", 11) == 0)
            body = i;
    }
    CU_ASSERT_FATAL(body != SIZE_MAX && h1 != SIZE_MAX);
    CU_ASSERT_TRUE(a->paragraphs[h1].heading);
    CU_ASSERT_EQUAL(a->paragraphs[h1].boilerplate, FL_BOILER_NONE);
    CU_ASSERT_EQUAL(a->paragraphs[body].boilerplate, FL_BOILER_NONE);
    CU_ASSERT_FALSE(a->paragraphs[body].heading);
    /* chrome and furniture by element and by class/id */
    CU_ASSERT_EQUAL(a->paragraphs[0].boilerplate, FL_BOILER_CHROME); /* site <header> */
    CU_ASSERT_TRUE(para_is(a, 1, "Home"));
    CU_ASSERT_EQUAL(a->paragraphs[1].boilerplate, FL_BOILER_NAVIGATION);
    CU_ASSERT_EQUAL(a->paragraphs[h1 + 1].boilerplate, FL_BOILER_SHARE);
    CU_ASSERT_EQUAL(a->paragraphs[h1 + 2].boilerplate, FL_BOILER_CREDIT); /* figcaption */
    size_t n = a->n_paragraphs;
    CU_ASSERT_TRUE(para_is(a, n - 3, "Related: Council budget set"));
    CU_ASSERT_EQUAL(a->paragraphs[n - 3].boilerplate, FL_BOILER_CHROME);
    CU_ASSERT_EQUAL(a->paragraphs[n - 2].boilerplate, FL_BOILER_NEWSLETTER);
    CU_ASSERT_EQUAL(a->paragraphs[n - 1].boilerplate, FL_BOILER_CHROME); /* <footer> */
    CU_ASSERT_TRUE(fl_article_rule_disabled(a, "money.sum"));
    fl_article_free(a);
}

static void test_html_dates_and_title(void)
{
    /* article:published_time beats <time>, whatever the order */
    fl_article *a = from_buffer("p.html", FL_FORMAT_HTML,
                                "<html><head><title>Only title</title>"
                                "<meta property=\"article:published_time\" "
                                "content=\"2019-03-01T08:00:00Z\"></head><body>"
                                "<p><time datetime=\"2019-02-27\">27 Feb</time></p>"
                                "<p>Text of the story.</p></body></html>");
    CU_ASSERT_STRING_EQUAL(a->title, "Only title");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_HTML_META);
    date_is(a->dateline, 2019, 3, 1);
    fl_article_free(a);
    a = from_buffer("q.html", FL_FORMAT_HTML,
                    "<body><p>By staff <time datetime=\"2019-02-27T10:00\">yesterday</time></p>"
                    "<div class=\"main-menu\"><a>World</a></div>"
                    "<p>Text &amp; more text.</p></body>");
    CU_ASSERT_PTR_NULL(a->title);
    date_is(a->dateline, 2019, 2, 27);
    CU_ASSERT_TRUE(para_is(a, 1, "World"));
    CU_ASSERT_EQUAL(a->paragraphs[1].boilerplate, FL_BOILER_NAVIGATION);
    CU_ASSERT_TRUE(para_is(a, 2, "Text & more text."));
    fl_article_free(a);
    /* a declared Latin-1 page is converted by the parser */
    a = from_buffer("l.html", FL_FORMAT_HTML,
                    "<html><head><meta charset=\"iso-8859-1\"></head>"
                    "<body><p>Caf\xE9 prices rose.</p></body></html>");
    CU_ASSERT_TRUE(para_is(a, 0, "Caf\xC3\xA9 prices rose."));
    fl_article_free(a);
    /* a page with no text is empty */
    fl_error err;
    const char *empty = "<html><head><title>x</title></head><body><script>1</script></body></html>";
    CU_ASSERT_EQUAL(
        fl_ingest_buffer("e.html", FL_FORMAT_HTML, empty, strlen(empty), &no_opts, &a, &err),
        FL_EEMPTY);
}

/* ---- JSONL and the walk ---------------------------------------------------------- */

static void test_walk_tree(void)
{
    const char *paths[] = {DATA("tree"), DATA("notes.dat")};
    fl_ingest *in = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 2, &no_opts, &err), FL_OK);
    struct {
        fl_status st;
        const char *id;
        long line;
    } want[] = {
        {FL_OK, DATA("tree/a-ferry.txt"), 0},
        {FL_OK, DATA("tree/b-museum.md"), 0},
        {FL_OK, DATA("tree/c-plant.html"), 0},
        {FL_OK, "101", 1},
        {FL_EPARSE, NULL, 3}, /* bad JSON */
        {FL_EPARSE, NULL, 4}, /* not an object */
        {FL_EPARSE, NULL, 5}, /* no text */
        {FL_EPARSE, NULL, 6}, /* text is a number */
        {FL_EPARSE, NULL, 7}, /* title is a number */
        {FL_EEMPTY, NULL, 8},
        {FL_EPARSE, NULL, 9}, /* a key given twice */
        {FL_OK, DATA("tree/d-wire.jsonl") ":10", 10},
        {FL_OK, DATA("tree/sub/e-note.txt"), 0},
        {FL_OK, DATA("notes.dat"), 0}, /* unknown extension, named: read as text */
    };
    size_t n = sizeof want / sizeof want[0];
    size_t i = 0;
    fl_article *a;
    size_t seq;
    fl_status st;
    while ((st = fl_ingest_next(in, &a, &seq, &err)) != FL_DONE) {
        CU_ASSERT_FATAL(i < n);
        CU_ASSERT_EQUAL(seq, i);
        CU_ASSERT_EQUAL(st, want[i].st);
        if (st == FL_OK) {
            CU_ASSERT_EQUAL(a->seq, i);
            CU_ASSERT_STRING_EQUAL(a->id, want[i].id);
            CU_ASSERT_EQUAL(a->record_line, want[i].line);
            fl_article_free(a);
        } else {
            CU_ASSERT_PTR_NULL(a);
            CU_ASSERT_STRING_EQUAL(err.file, DATA("tree/d-wire.jsonl"));
            CU_ASSERT_EQUAL(err.line, want[i].line);
        }
        i++;
    }
    CU_ASSERT_EQUAL(i, n); /* .hidden.txt and notes.csv were not read */
    fl_ingest_close(in);
}

static void test_jsonl_fields(void)
{
    fl_article *a = from_buffer(
        "w.jsonl", FL_FORMAT_JSONL,
        "{\"id\": 101, \"title\": \"Steel output falls\", \"date\": \"1987-03-03T10:00:00\", "
        "\"source\": \"Test Wire\", \"dateline\": \"FRANKFURT, March 2 -\", \"topics\": "
        "[\"steel\", \"iron\"], \"score\": 1.5, \"text\": \"Steel output fell 4 pct.\"}");
    CU_ASSERT_STRING_EQUAL(a->id, "101");
    CU_ASSERT_STRING_EQUAL(a->title, "Steel output falls");
    CU_ASSERT_STRING_EQUAL(a->source, "Test Wire");
    CU_ASSERT_EQUAL(a->record_line, 1);
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_JSONL);
    date_is(a->dateline, 1987, 3, 3);
    CU_ASSERT_STRING_EQUAL(a->dateline_text, "FRANKFURT, March 2 -");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "dateline"), "\"FRANKFURT, March 2 -\"");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "topics"), "[\"steel\",\"iron\"]");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "score"), "1.5");
    CU_ASSERT_PTR_NULL(fl_article_meta(a, "text"));
    /* the wire dateline says March 2 while the record says March 3: a page date */
    date_is(a->page_date, 1987, 3, 2);
    fl_article_free(a);

    fl_error err;
    const char *bad = "{\"text\": \"x\", \"date\": \"yesterday\"}";
    CU_ASSERT_EQUAL(
        fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, bad, strlen(bad), &no_opts, &a, &err),
        FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 1);
    const char *id = "{\"text\": \"x\", \"id\": [1]}";
    CU_ASSERT_EQUAL(
        fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, id, strlen(id), &no_opts, &a, &err),
        FL_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "'id'"));

    /* skip_meta (extract): the same article without its metadata, and a
     * field that is not valid JSON is still an error */
    fl_ingest_options skip = no_opts;
    skip.skip_meta = true;
    const char *rec = "{\"id\": 7, \"title\": \"T\", \"date\": \"2024-05-02\", \"dateline\": "
                      "\"PARIS, May 2 -\", \"topics\": [\"a\"], \"text\": \"Output fell.\"}";
    fl_article *full = NULL;
    CU_ASSERT_EQUAL_FATAL(
        fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, rec, strlen(rec), &no_opts, &full, &err),
        FL_OK);
    CU_ASSERT_EQUAL_FATAL(
        fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, rec, strlen(rec), &skip, &a, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, full->id);
    CU_ASSERT_STRING_EQUAL(a->title, full->title);
    CU_ASSERT_STRING_EQUAL(a->text, full->text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full->dateline_text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a->dateline_text);
    CU_ASSERT_STRING_EQUAL(a->dateline_text, full->dateline_text);
    date_is(a->dateline, 2024, 5, 2);
    CU_ASSERT_STRING_EQUAL(fl_article_meta(full, "topics"), "[\"a\"]");
    CU_ASSERT_PTR_NULL(fl_article_meta(a, "topics"));
    CU_ASSERT_PTR_NULL(fl_article_meta(a, "dateline"));
    fl_article_free(full);
    fl_article_free(a);
    const char *broken = "{\"text\": \"x\", \"topics\": [\"a\", ]}";
    CU_ASSERT_EQUAL(
        fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, broken, strlen(broken), &skip, &a, &err),
        FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 1);
}

/* A JSONL stream lends its records the scanner's buffer: the date and wire
 * dateline each record borrows from it are its own, also when a record is
 * longer than the one before (a new buffer), read by jansson (a real
 * number) or repaired (--lossy), with and without metadata. */
static void test_jsonl_stream_borrows(void)
{
    make_tmpdir();
    static char data[1 << 16];
    size_t n = 0;
    static const int len[] = {10, 4000, 20, 9000, 30, 12};
    for (int i = 0; i < 6; i++) {
        n += (size_t)snprintf(data + n, sizeof data - n,
                              "{\"date\": \"2020-01-%02d\", \"dateline\": \"CITY%c, Jan %d -\", "
                              "%s\"text\": \"Record %d",
                              i + 10, 'A' + i, i + 9, i == 2 ? "\"score\": 1.5, " : "", i);
        for (int k = 0; k < len[i]; k++)
            data[n++] = 'x';
        n += (size_t)snprintf(data + n, sizeof data - n, "%s.\"}\n", i == 4 ? "\xff" : "");
    }
    const char *p = tmp_path("borrow.jsonl");
    write_file(p, data, n);
    for (int pass = 0; pass < 2; pass++) {
        fl_ingest_options o = no_opts;
        o.lossy = true;
        o.skip_meta = pass == 1;
        fl_ingest *in = NULL;
        fl_error err;
        const char *paths[] = {p};
        CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &o, &err), FL_OK);
        fl_article *a[6] = {NULL};
        for (int i = 0; i < 6; i++) {
            size_t seq;
            CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a[i], &seq, &err), FL_OK);
        }
        for (int i = 0; i < 6; i++) {
            char want[32];
            snprintf(want, sizeof want, "CITY%c, Jan %d -", 'A' + i, i + 9);
            CU_ASSERT_PTR_NOT_NULL_FATAL(a[i]->dateline_text);
            CU_ASSERT_STRING_EQUAL(a[i]->dateline_text, want);
            date_is(a[i]->dateline, 2020, 1, i + 10);
            date_is(a[i]->page_date, 2020, 1, i + 9);
            CU_ASSERT_EQUAL(a[i]->text_len, 8 + (size_t)len[i] + 1 + (i == 4 ? 3 : 0));
            const char *meta = fl_article_meta(a[i], "dateline");
            CU_ASSERT_EQUAL(meta != NULL, pass == 0);
            fl_article_free(a[i]);
        }
        fl_ingest_close(in);
    }
    unlink(p);
}

/* Repeated chrome in a JSONL stream: a record printed twice is not chrome
 * of itself, and the next record's shared short paragraph is. */
static void test_jsonl_chrome_duplicate(void)
{
    make_tmpdir();
    const char data[] = "{\"text\": \"Rates rose in May.\\n\\nFiled at noon today.\"}\n"
                        "{\"text\": \"Rates rose in May.\\n\\nFiled at noon today.\"}\n"
                        "{\"text\": \"Rates fell in May.\\n\\nFiled at noon today.\"}\n";
    const char *p = tmp_path("chrome.jsonl");
    write_file(p, data, sizeof data - 1);
    fl_ingest *in = NULL;
    fl_error err;
    const char *paths[] = {p};
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &no_opts, &err), FL_OK);
    for (int i = 0; i < 3; i++) {
        fl_article *a = NULL;
        size_t seq;
        CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
        CU_ASSERT_EQUAL_FATAL(a->n_paragraphs, 2);
        CU_ASSERT_EQUAL(a->paragraphs[0].boilerplate, FL_BOILER_NONE);
        CU_ASSERT_EQUAL(a->paragraphs[1].boilerplate, i == 2 ? FL_BOILER_CHROME : FL_BOILER_NONE);
        fl_article_free(a);
    }
    fl_ingest_close(in);
    unlink(p);
}

/* Short keys and strings are read a sixteen-byte block at a time (up to
 * four) when they close inside those with nothing to decode: around those
 * lengths, with an escape or a character above U+007F last, they read as
 * the long way; and white space around them as jansson reads it. */
static void test_jsonl_short_strings(void)
{
    static const char *const last[][3] = {
        /* JSON, decoded, dump */
        {"z", "z", "z"},
        {"\\\"", "\"", "\\\""},
        {"\xC3\xA9", "\xC3\xA9", "\xC3\xA9"},
    };
    for (size_t len = 0; len < 70; len++)
        for (size_t k = 0; k < 3; k++) {
            char run[80], rec[256], want[96], dump[96], key[8];
            memset(run, 'a', len);
            run[len] = '\0';
            snprintf(key, sizeof key, "k%zu", len);
            snprintf(rec, sizeof rec,
                     "{\"title\": \"%s%s\", \"%s\": \"%s%s\", \"text\": \"Body.\"}", run,
                     last[k][0], key, run, last[k][0]);
            snprintf(want, sizeof want, "%s%s", run, last[k][1]);
            snprintf(dump, sizeof dump, "\"%s%s\"", run, last[k][2]);
            fl_article *a = from_buffer("w.jsonl", FL_FORMAT_JSONL, rec);
            CU_ASSERT_STRING_EQUAL(a->title, want);
            CU_ASSERT_PTR_NOT_NULL_FATAL(fl_article_meta(a, key));
            CU_ASSERT_STRING_EQUAL(fl_article_meta(a, key), dump);
            fl_article_free(a);
        }
    /* white space around ':' and ',' other than the usual ": " and ", " */
    fl_article *a = from_buffer("w.jsonl", FL_FORMAT_JSONL,
                                "{\"title\":  \"T\" ,  \"k\": \t\"v\",\t\"n\" :1, \"m\":\"w\", "
                                "\"text\": \"Body.\" }");
    CU_ASSERT_STRING_EQUAL(a->title, "T");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "k"), "\"v\"");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "n"), "1");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "m"), "\"w\"");
    CU_ASSERT_STRING_EQUAL(a->text, "Body.");
    fl_article_free(a);
}

/* The one-pass JSONL scanner: escapes, surrogate pairs and metadata dumps as
 * jansson gives them; records it leaves to jansson read the same; every
 * error names the record's line. */
static void test_jsonl_scanner(void)
{
    fl_article *a = from_buffer(
        "w.jsonl", FL_FORMAT_JSONL,
        "{ \"id\" : -0 ,\t\"text\":\"Caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" a\\/b\\\\c\\tend\", "
        "\"tags\": [ \"a\\u00e9\\/\", -0, -12, true, null, [], [\"x\\u0001\\b\\u001f\"] ],"
        "\"note\": \"line\\nbreak \\\"quoted\\\"\", \"n\": 123456789012345678, \"\": false, "
        "\"title\": null}\r");
    CU_ASSERT_STRING_EQUAL(a->id, "0");
    CU_ASSERT_STRING_EQUAL(a->text, "Caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" a/b\\c\tend");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "tags"),
                           "[\"a\xC3\xA9/\",0,-12,true,null,[],[\"x\\u0001\\b\\u001F\"]]");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "note"), "\"line\\nbreak \\\"quoted\\\"\"");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "n"), "123456789012345678");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, ""), "false");
    CU_ASSERT_PTR_NULL(a->title);
    fl_article_free(a);

    /* records the scanner leaves to jansson: reals, nested objects, long integers */
    a = from_buffer("w.jsonl", FL_FORMAT_JSONL,
                    "{\"text\": \"x\", \"id\": 2.50, \"score\": 1e2, \"o\": {\"b\": [1], \"a\": "
                    "\"\\u00e9\"}, \"big\": -1234567890123456789}");
    CU_ASSERT_STRING_EQUAL(a->id, "2.5");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "score"), "100.0");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "o"), "{\"b\":[1],\"a\":\"\xC3\xA9\"}");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "big"), "-1234567890123456789");
    fl_article_free(a);

    static const struct {
        const char *line, *msg;
    } bad[] = {
        {"{\"text\": \"a\\u0000b\"}", "invalid JSON"},
        {"{\"text\": \"a\", \"text\": \"b\"}", "invalid JSON"},
        {"{\"text\": \"a\", \"t\\u0065xt\": \"b\"}", "invalid JSON"},
        {"{\"text\": \"a \\ud83d b\"}", "invalid JSON"},
        {"{\"text\": \"a \\ude00 b\"}", "invalid JSON"},
        {"{\"text\": \"a\tb\"}", "invalid JSON"},
        {"{\"text\": \"a\\qb\"}", "invalid JSON"},
        {"{\"text\": \"a\"} x", "invalid JSON"},
        {"{\"text\": \"a\",}", "invalid JSON"},
        {"{\"text\": \"a\", \"n\": 01}", "invalid JSON"},
        {"{\"text\": \"a\", \"n\": [99999999999999999999]}", "invalid JSON"},
        {"{\"text\": \"a\", \"n\": [1,]}", "invalid JSON"},
        {"{\"text\": \"a\"", "invalid JSON"},
        {"[{\"text\": \"a\"}]", "not a JSON object"},
        {"{\"text\": [\"a\"]}", "'text' must be a string"},
        {"{\"text\": \"a\", \"title\": 5}", "'title'"},
        {"{\"text\": \"a\", \"id\": true}", "'id'"},
        {"{\"text\": \"a\", \"date\": \"soon\"}", "cannot parse date 'soon'"},
        {"{\"title\": \"a\"}", "no 'text' field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fl_error err;
        a = NULL;
        fl_status st = fl_ingest_buffer("w.jsonl", FL_FORMAT_JSONL, bad[i].line,
                                        strlen(bad[i].line), &no_opts, &a, &err);
        CU_ASSERT_EQUAL(st, FL_EPARSE);
        CU_ASSERT_PTR_NULL(a);
        if (st == FL_EPARSE) {
            CU_ASSERT_EQUAL(err.line, 1);
            CU_ASSERT_STRING_EQUAL(err.file, "w.jsonl");
            if (!strstr(err.message, bad[i].msg))
                fprintf(stderr, "%s: %s\n", bad[i].line, err.message);
            CU_ASSERT_PTR_NOT_NULL(strstr(err.message, bad[i].msg));
        } else {
            fl_article_free(a);
        }
    }
}

static void test_jsonl_utf8_and_limits(void)
{
    make_tmpdir();
    const char *p = tmp_path("bad.jsonl");
    /* line 2 has an invalid byte at file offset 19 + 11 */
    const char data[] = "{\"text\": \"good\"}\n"
                        "\n"
                        "{\"text\": \"b\xFF"
                        "d\"}\n"
                        "{\"text\": \""
                        "also good\"}\n";
    write_file(p, data, sizeof data - 1);
    fl_ingest *in = NULL;
    fl_error err;
    const char *paths[] = {p};
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &no_opts, &err), FL_OK);
    fl_article *a;
    size_t seq;
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.line, 3);
    CU_ASSERT_EQUAL(err.offset, 18 + 11);
    CU_ASSERT_EQUAL(seq, 1);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_EQUAL(a->record_line, 4);
    CU_ASSERT_EQUAL(seq, 2);
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);

    /* lossy: the bad byte becomes U+FFFD */
    fl_ingest_options lossy = no_opts;
    lossy.lossy = true;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &lossy, &err), FL_OK);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    fl_article_free(a);
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->text, "b\xEF\xBF\xBD"
                                    "d");
    CU_ASSERT_EQUAL(a->utf8_replaced, 1);
    fl_article_free(a);
    fl_ingest_close(in);

    /* max_file_bytes applies per record in a JSONL stream */
    fl_ingest_options small = no_opts;
    small.max_file_bytes = 20;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &small, &err), FL_OK);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_EUTF8);  /* 15 bytes: in the limit */
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_ELIMIT); /* 21 bytes */
    CU_ASSERT_EQUAL(err.line, 4);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);
}

/* Runs fn with standard input replaced by a pipe holding data. */
static void with_stdin(const char *data, void (*fn)(void))
{
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    CU_ASSERT_EQUAL((size_t)write(fds[1], data, strlen(data)), strlen(data));
    close(fds[1]);
    int saved = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    fn();
    dup2(saved, STDIN_FILENO);
    close(saved);
}

static void stdin_jsonl(void)
{
    const char *paths[] = {"-"};
    fl_ingest *in = NULL;
    fl_error err;
    fl_ingest_options o = no_opts; /* stdin_format txt, but the data starts with '{' */
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &o, &err), FL_OK);
    fl_article *a;
    size_t seq;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_EQUAL(a->format, FL_FORMAT_JSONL);
    CU_ASSERT_STRING_EQUAL(a->id, "s1");
    fl_article_free(a);
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "-:2");
    CU_ASSERT_STRING_EQUAL(a->path, "-");
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);
}

static void stdin_md(void)
{
    const char *paths[] = {"-"};
    fl_ingest *in = NULL;
    fl_error err;
    fl_ingest_options o = no_opts;
    o.stdin_format = FL_FORMAT_MD;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &o, &err), FL_OK);
    fl_article *a;
    size_t seq;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_EQUAL(a->format, FL_FORMAT_MD);
    CU_ASSERT_STRING_EQUAL(a->title, "Piped");
    CU_ASSERT_STRING_EQUAL(a->id, "-");
    CU_ASSERT_EQUAL(a->line_base, 3);
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);
}

static void test_stdin(void)
{
    with_stdin("  {\"id\": \"s1\", \"text\": \"From a pipe.\"}\n{\"text\": \"Second.\"}\n",
               stdin_jsonl);
    with_stdin("---\ntitle: Piped\n---\nA story read from a pipe.\n", stdin_md);
}

/* ---- datelines ---------------------------------------------------------------------- */

static void test_date_lines(void)
{
    fl_date d;
    const char *good[] = {"Friday 24 November 2017",
                          "24 November 2017",
                          "November 24, 2017",
                          "Nov. 24 2017",
                          "2017-11-24",
                          "Friday, 24th November 2017",
                          "Published: 24 November 2017 10:22 GMT",
                          "Last updated on Friday 24 November 2017, 10.22am",
                          "24 November 2017 - 10:22",
                          NULL};
    for (size_t i = 0; good[i]; i++) {
        bool ok = fl_dateline_parse_date_line(good[i], strlen(good[i]), &d);
        if (!ok)
            fprintf(stderr, "not a date line: %s\n", good[i]);
        CU_ASSERT_TRUE(ok);
        if (ok)
            date_is(d, 2017, 11, 24);
    }
    const char *bad[] = {"31 February 2015",
                         "The council met on 24 November 2017",
                         "24 November",
                         "2017",
                         "24 Novembre 2017",
                         "Friday",
                         "2017-13-01",
                         "",
                         NULL};
    for (size_t i = 0; bad[i]; i++) {
        bool ok = fl_dateline_parse_date_line(bad[i], strlen(bad[i]), &d);
        if (ok)
            fprintf(stderr, "wrongly a date line: %s\n", bad[i]);
        CU_ASSERT_FALSE(ok);
    }
    const char *src = "[Source: Xinhua, The Guardian, London, 21Oct15]";
    CU_ASSERT_TRUE(fl_dateline_parse_source_line(src, strlen(src), &d));
    date_is(d, 2015, 10, 21);
    CU_ASSERT_FALSE(fl_dateline_parse_source_line("[Source: Xinhua]", 16, &d));
    CU_ASSERT_FALSE(fl_dateline_parse_source_line("[Source: X, 30Feb15]", 20, &d));

    int y, m, day;
    size_t len;
    const char *w = "FRANKFURT, March 3 (Reuters) - Steel output fell.";
    CU_ASSERT_TRUE(fl_dateline_parse_wire(w, strlen(w), &y, &m, &day, &len));
    CU_ASSERT_EQUAL(y, 0);
    CU_ASSERT_EQUAL(m, 3);
    CU_ASSERT_EQUAL(day, 3);
    CU_ASSERT_EQUAL(len, strlen("FRANKFURT, March 3 (Reuters) -"));
    w = "SAO PAULO, Nov 24 - Sugar";
    CU_ASSERT_TRUE(fl_dateline_parse_wire(w, strlen(w), &y, &m, &day, &len));
    CU_ASSERT_EQUAL(m, 11);
    w = "London, June 2 - lowercase places are not wire datelines";
    CU_ASSERT_FALSE(fl_dateline_parse_wire(w, strlen(w), &y, &m, &day, &len));
    w = "LONDON, June 31 - no such day";
    CU_ASSERT_FALSE(fl_dateline_parse_wire(w, strlen(w), &y, &m, &day, &len));
    w = "LONDON, June 2-3 talks";
    CU_ASSERT_FALSE(fl_dateline_parse_wire(w, strlen(w), &y, &m, &day, &len));
}

static void test_dateline_precedence(void)
{
    /* a wire dateline alone has no year: no dateline */
    fl_article *a = from_buffer("w.txt", FL_FORMAT_TXT,
                                "LONDON, June 2 - Shares rose on Tuesday.\n\nMore text.\n");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_NONE);
    CU_ASSERT_EQUAL(a->dateline.precision, FL_PREC_NONE);
    fl_article_free(a);

    /* ... unless metadata gives the year; a differing day becomes the page date */
    a = from_buffer("w.md", FL_FORMAT_MD,
                    "---\ndate: 2015-03-04\n---\nFRANKFURT, March 3 (Reuters) - Steel fell.\n");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_FRONT_MATTER);
    date_is(a->dateline, 2015, 3, 4);
    date_is(a->page_date, 2015, 3, 3);
    fl_article_free(a);
    a = from_buffer("w.md", FL_FORMAT_MD,
                    "---\ndate: 2015-03-03\n---\nFRANKFURT, March 3 - Steel fell.\n");
    CU_ASSERT_EQUAL(a->page_date.precision, FL_PREC_NONE);
    fl_article_free(a);
    /* a December dateline on a January date belongs to the year before */
    a = from_buffer("w.md", FL_FORMAT_MD,
                    "---\ndate: 1988-01-02\n---\nTOKYO, Dec 31 - Markets closed.\n");
    date_is(a->page_date, 1987, 12, 31);
    fl_article_free(a);

    /* a source line */
    a = from_buffer("s.txt", FL_FORMAT_TXT,
                    "Trade deal signed\n\n[Source: Xinhua, The Guardian, London, 21Oct15]\n\n"
                    "The deal was signed.\n");
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_TEXT);
    date_is(a->dateline, 2015, 10, 21);
    CU_ASSERT_STRING_EQUAL(a->dateline_text, "[Source: Xinhua, The Guardian, London, 21Oct15]");
    fl_article_free(a);

    /* an impossible date is not a dateline; --date is used instead */
    fl_ingest_options o = no_opts;
    o.default_date = (fl_date){2016, 5, 1, FL_PREC_DAY};
    const char *s = "Storm hits coast\n\n31 February 2015\n\nThe storm hit.\n";
    CU_ASSERT_EQUAL_FATAL(fl_ingest_buffer("x.txt", FL_FORMAT_TXT, s, strlen(s), &o, &a, NULL),
                          FL_OK);
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_CLI);
    date_is(a->dateline, 2016, 5, 1);
    CU_ASSERT_PTR_NULL(a->dateline_text);
    fl_article_free(a);
    /* the text's date wins over --date */
    s = "Storm hits coast\n\nPublished: 3 March 2015 10:22 GMT\n\nThe storm hit.\n";
    CU_ASSERT_EQUAL_FATAL(fl_ingest_buffer("x.txt", FL_FORMAT_TXT, s, strlen(s), &o, &a, NULL),
                          FL_OK);
    CU_ASSERT_EQUAL(a->dateline_source, FL_DATELINE_TEXT);
    date_is(a->dateline, 2015, 3, 3);
    fl_article_free(a);
    /* front matter date vs a different printed date */
    a = from_buffer("p.md", FL_FORMAT_MD,
                    "---\ndate: 2017-11-25\n---\n# Title\n\nFriday 24 November 2017\n\nText.\n");
    date_is(a->dateline, 2017, 11, 25);
    date_is(a->page_date, 2017, 11, 24);
    fl_article_free(a);
}

/* The title, source and dateline text set into the article's arena replace
 * (and free) a malloc'd one, share the block with the metadata, and are
 * freed with the article (AddressSanitizer sees a leak or a double free). */
static void test_article_strings_in_arena(void)
{
    fl_article *a = fl_article_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->title = fl_strdup("an old title");
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_TITLE, "A title\0x", 7), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->title, "A title");
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_TITLE, "Another", 7), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->title, "Another");
    CU_ASSERT_EQUAL(fl_article_add_meta(a, "topics", "[\"cocoa\"]"), FL_OK);
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_SOURCE, "Reuters", 7), FL_OK);
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_DATELINE_TEXT, "LONDON, March 2 -", 17),
                    FL_OK);
    CU_ASSERT_STRING_EQUAL(a->source, "Reuters");
    CU_ASSERT_STRING_EQUAL(a->dateline_text, "LONDON, March 2 -");
    CU_ASSERT_STRING_EQUAL(fl_article_meta(a, "topics"), "[\"cocoa\"]");
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_DATELINE_TEXT, NULL, 0), FL_OK);
    CU_ASSERT_PTR_NULL(a->dateline_text);
    fl_article_free(a);
    /* a malloc'd string left as it is is freed one by one */
    a = fl_article_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->dateline_text = fl_strdup("x");
    CU_ASSERT_EQUAL(fl_article_set_string(a, FL_ARTICLE_SOURCE, "", 0), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->source, "");
    fl_article_free(a);
}

/* Paragraphs fill the room fl_article_segment allocates for them (a line
 * each, or one every two lines), and sentences outgrow the room after them
 * (a sentence every 128 bytes) into an allocation of their own: texts of
 * one-line paragraphs with and without blank lines between, of short
 * sentences, segmented twice (AddressSanitizer sees a write past the room). */
/* An article holding sb's text (sb is emptied), not yet segmented. */
static fl_article *article_of(fl_strbuf *sb)
{
    size_t n = sb->len;
    char *t = fl_strbuf_detach(sb, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    fl_article *a = fl_article_new();
    fl_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    return a;
}

static void test_segment_room(void)
{
    for (int blank = 0; blank < 2; blank++) {
        for (size_t paras = 1; paras <= 40; paras += 13) {
            fl_strbuf sb = FL_STRBUF_INIT;
            for (size_t i = 0; i < paras; i++) {
                for (size_t k = 0; k < 30; k++)
                    fl_strbuf_adds(&sb, "It rose. ");
                fl_strbuf_adds(&sb, blank ? "End.\n\n" : "End.\n");
            }
            size_t n = sb.len;
            fl_article *a = article_of(&sb);
            fl_error err;
            for (int again = 0; again < 2; again++) {
                CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
                CU_ASSERT_EQUAL(a->n_paragraphs, paras);
                /* more sentences than the room after the paragraphs */
                CU_ASSERT(a->n_sentences > n / 128 + 1);
                CU_ASSERT(a->sentences_apart);
                for (size_t i = 0; i < a->n_sentences; i++) {
                    const fl_paragraph *p = &a->paragraphs[a->sentences[i].paragraph];
                    CU_ASSERT(a->sentences[i].offset >= p->offset &&
                              a->sentences[i].offset + a->sentences[i].length <=
                                  p->offset + p->length);
                }
            }
            fl_article_free(a);
        }
    }
    /* as many paragraphs as there is room for */
    static const char *const full[] = {"x\n\ny\n\nz", "x\ny\nz", "x\n\ny\n\nz\n", "\n\nx\n\ny"};
    static const size_t want[] = {3, 3, 3, 2};
    for (size_t i = 0; i < sizeof full / sizeof *full; i++) {
        size_t n = strlen(full[i]);
        char *t = fl_strndup(full[i], n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        fl_article *a = fl_article_new();
        fl_error err;
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
        CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
        CU_ASSERT_EQUAL(a->n_paragraphs, want[i]);
        fl_article_free(a);
    }
}

/* The word before a full stop (an abbreviation or initial keeps the
 * sentence going) is read from the sixteen bytes before the stop: words of
 * every length up to past sixteen bytes, at every offset from the text's
 * start (fewer than sixteen bytes before the stop) and from a paragraph's
 * start (the bytes before it belong to the paragraph before). */
static void test_segment_word_before_stop(void)
{
    static const char *const words[] = {"Mr",
                                        "Dr",
                                        "J",
                                        "etc",
                                        "approx",
                                        "Messrs",
                                        "U.S",
                                        "Abcdefghijklmnop",
                                        "Abcdefghijklmnopq",
                                        "Smith",
                                        "x9999999999999999999"};
    /* 1: the word is an abbreviation or initial, the sentence goes on */
    static const int keeps[] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        for (size_t pad = 0; pad < 24; pad++) {
            for (int para = 0; para < 2; para++) {
                fl_strbuf sb = FL_STRBUF_INIT;
                if (para)
                    fl_strbuf_adds(&sb, "Before it. Abcdefghijklmnopqrstuvwxyz.\n\n");
                for (size_t i = 0; i < pad; i++)
                    fl_strbuf_adds(&sb, i + 1 == pad ? " " : "a");
                fl_strbuf_adds(&sb, words[w]);
                fl_strbuf_adds(&sb, ". Smith left. He went home.");
                fl_article *a = article_of(&sb);
                fl_error err;
                CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
                CU_ASSERT_EQUAL_FATAL(a->n_paragraphs, (size_t)para + 1);
                const fl_paragraph *p = &a->paragraphs[para];
                CU_ASSERT_EQUAL(p->n_sentences, keeps[w] ? 2u : 3u);
                /* the first sentence ends at the stop after the word, or at "left." */
                const fl_sentence *s0 = &a->sentences[p->first_sentence];
                const char *stop = strstr(a->text + p->offset, keeps[w] ? "left." : ". Smith");
                CU_ASSERT_PTR_NOT_NULL_FATAL(stop);
                size_t want = (size_t)(stop - a->text) + (keeps[w] ? 5 : 1);
                CU_ASSERT_EQUAL(s0->offset, p->offset);
                CU_ASSERT_EQUAL(s0->offset + s0->length, want);
                fl_article_free(a);
            }
        }
    }
}

/* The words that keep a sentence going before a full stop (the segmenter's
 * abbreviations, and single ASCII letters as initials) against words one
 * byte longer or shorter, of the other case, digits, other bytes and the
 * empty word: each word w in "a w. Smith left. He went home." keeps the
 * sentence going exactly when it is in the list or a letter. */
static const char *const abbreviations[] = {
    "Mr",   "Mrs",  "Ms",   "Dr",   "Prof", "St",   "Sen",  "Gov",    "Rep",    "Gen",  "Col",
    "Lt",   "Sgt",  "Capt", "Cmdr", "Adm",  "Maj",  "Jr",   "Sr",     "Rev",    "Hon",  "Fr",
    "Inc",  "Ltd",  "Co",   "Corp", "Bros", "vs",   "etc",  "No",     "Nos",    "Jan",  "Feb",
    "Mar",  "Apr",  "Jun",  "Jul",  "Aug",  "Sep",  "Sept", "Oct",    "Nov",    "Dec",  "Mon",
    "Tue",  "Tues", "Wed",  "Thu",  "Thur", "Fri",  "Sat",  "Sun",    "approx", "Ave",  "Blvd",
    "Mt",   "Ft",   "Pres", "Supt", "Det",  "Insp", "cf",   "Messrs", "Mme",    "Mlle", "Dept",
    "Univ", "est",  "p",    "pp",   "Vol",  "vol",  "fig",  "Fig"};

static bool keeps_sentence(const char *w)
{
    size_t n = strlen(w);
    if (n == 1 && ((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z')))
        return true;
    for (size_t i = 0; i < sizeof abbreviations / sizeof *abbreviations; i++)
        if (!strcmp(abbreviations[i], w))
            return true;
    return false;
}

static void check_word_before_stop(const char *w)
{
    fl_strbuf sb = FL_STRBUF_INIT;
    fl_strbuf_adds(&sb, "a ");
    fl_strbuf_adds(&sb, w);
    fl_strbuf_adds(&sb, ". Smith left. He went home.");
    fl_article *a = article_of(&sb);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(a->n_paragraphs, 1u);
    if (a->n_sentences != (keeps_sentence(w) ? 2u : 3u))
        fprintf(stderr, "\n  word before a full stop: '%s', %zu sentences\n", w, a->n_sentences);
    CU_ASSERT_EQUAL(a->n_sentences, keeps_sentence(w) ? 2u : 3u);
    fl_article_free(a);
}

static void test_segment_abbreviations(void)
{
    char w[16];
    for (size_t i = 0; i < sizeof abbreviations / sizeof *abbreviations; i++) {
        const char *ab = abbreviations[i];
        size_t n = strlen(ab);
        check_word_before_stop(ab);
        snprintf(w, sizeof w, "%sx", ab); /* one byte longer (7 bytes for "approx") */
        check_word_before_stop(w);
        snprintf(w, sizeof w, "%s", ab); /* one byte shorter */
        w[n - 1] = '\0';
        check_word_before_stop(w);
        snprintf(w, sizeof w, "%s", ab); /* the first letter in the other case */
        w[0] = (char)(w[0] ^ 0x20);
        check_word_before_stop(w);
    }
    for (int c = 1; c < 0x80; c++) { /* every single ASCII byte that can stand there */
        if (c == '.' || c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '"' || c == '\'' ||
            c == '(' || c == '[' || c == '!' || c == '?')
            continue;
        w[0] = (char)c;
        w[1] = '\0';
        check_word_before_stop(w);
    }
    check_word_before_stop("\xC3\xA9"); /* a letter of two bytes: not an initial */
    check_word_before_stop("Xyzzyqw");  /* seven letters */
}

/* ---- boilerplate ---------------------------------------------------------------------- */

static void test_boilerplate_text(void)
{
    struct {
        const char *text;
        fl_boilerplate kind;
    } cases[] = {
        {"Share this article", FL_BOILER_SHARE},
        {"Follow us on Twitter and Facebook", FL_BOILER_SHARE},
        {"Sign up to our Business Today newsletter", FL_BOILER_NEWSLETTER},
        {"Promoted Links", FL_BOILER_PROMOTED},
        {"Sponsored", FL_BOILER_PROMOTED},
        {"Recommended by Outbrain", FL_BOILER_PROMOTED},
        {"Photograph: Ann Lee/Northpix", FL_BOILER_CREDIT},
        {"Rescue teams at the scene on Sunday. (Getty Images)", FL_BOILER_CREDIT},
        {"Image copyright Reuters", FL_BOILER_CREDIT},
        {"\xC2\xA9 2017 Northern Courier Ltd", FL_BOILER_CHROME},
        {"Related Topics", FL_BOILER_CHROME},
        {"Home | News | Sport | Business", FL_BOILER_NAVIGATION},
        {"UK \xE2\x80\xA2 World \xE2\x80\xA2 Politics \xE2\x80\xA2 Health", FL_BOILER_NAVIGATION},
        {"Skip to content", FL_BOILER_NAVIGATION},
        /* content */
        {"The share price rose 4% on Monday.", FL_BOILER_NONE},
        {"Sales rose | profits fell | jobs were cut", FL_BOILER_NONE},
        {"Home | News", FL_BOILER_NONE},
        {"He signed up to the union newsletter campaign last year, he said, and never looked back "
         "since then.",
         FL_BOILER_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fl_boilerplate k = fl_boilerplate_classify(cases[i].text, strlen(cases[i].text));
        if (k != cases[i].kind)
            fprintf(stderr, "'%s': got %s\n", cases[i].text, fl_boilerplate_name(k));
        CU_ASSERT_EQUAL(k, cases[i].kind);
    }
}

/* The texts looked for anywhere in a short paragraph ("(Getty Images)",
 * "Photograph: ", "Photograph by ", "All rights reserved") at every offset
 * from its start and its end, among bytes that begin them ('(', 'P', 'A'),
 * and the same texts one byte off, which are not found. */
static void test_boilerplate_needles(void)
{
    struct {
        const char *needle;
        fl_boilerplate kind;
    } cases[] = {
        {"(Getty Images)", FL_BOILER_CREDIT},    {"Photograph: x", FL_BOILER_CREDIT},
        {"Photograph by x", FL_BOILER_CREDIT},   {"All rights reserved", FL_BOILER_CHROME},
        {"(Getty Image)", FL_BOILER_NONE},       {"(getty Images)", FL_BOILER_NONE},
        {"Photograph; x", FL_BOILER_NONE},       {"Photographs by x", FL_BOILER_NONE},
        {"photograph: x", FL_BOILER_NONE},       {"All rights reserve", FL_BOILER_NONE},
        {"ALl rights reserved", FL_BOILER_NONE}, {"Al rights reserved", FL_BOILER_NONE},
    };
    static const char filler[] = "xA(P Ax(xPAPh(Al(x A Px";
    char buf[128];
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t k = strlen(cases[c].needle);
        for (size_t before = 0; before <= 20; before++) {
            for (size_t after = 0; after <= 20; after++) {
                memcpy(buf, "x", 1); /* a paragraph never starts with a prefix of a list */
                size_t n = 1;
                for (size_t i = 0; i < before; i++)
                    buf[n++] = filler[i % (sizeof filler - 1)];
                memcpy(buf + n, cases[c].needle, k);
                n += k;
                for (size_t i = 0; i < after; i++)
                    buf[n++] = filler[(i + 7) % (sizeof filler - 1)];
                fl_boilerplate got = fl_boilerplate_classify(buf, n);
                if (got != cases[c].kind)
                    fprintf(stderr, "\n  '%.*s': got %s\n", (int)n, buf, fl_boilerplate_name(got));
                CU_ASSERT_EQUAL(got, cases[c].kind);
            }
        }
    }
}

/* Short paragraphs of every length up to 40 bytes and around the hash's
 * 8- and 16-byte steps, up to FL_CHROME_PARA_MAX: repeated by the next
 * article of the group they are chrome; with one byte changed (the first,
 * one in the middle, the last) they are not. */
static fl_article *chrome_article(const size_t *lens, size_t n, size_t change, const char *extra)
{
    fl_strbuf sb = FL_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < lens[i]; k++) {
            char ch = (char)('a' + (k * 7 + i) % 26);
            size_t at = change == 0 ? 0 : change == 1 ? lens[i] / 2 : lens[i] - 1;
            fl_strbuf_addch(&sb, change < 3 && k == at ? 'Z' : ch);
        }
        fl_strbuf_adds(&sb, "\n\n");
    }
    if (extra)
        fl_strbuf_adds(&sb, extra);
    fl_article *a = article_of(&sb);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    return a;
}

static void test_chrome_hash_lengths(void)
{
    size_t lens[64], n = 0;
    for (size_t l = 1; l <= 40; l++)
        lens[n++] = l;
    static const size_t more[] = {47, 48, 49, 63, 64, 65, 127, 128, 129, FL_CHROME_PARA_MAX};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        lens[n++] = more[i];
    for (size_t change = 0; change <= 3; change++) {
        fl_chrome c;
        fl_chrome_init(&c);
        fl_article *a = chrome_article(lens, n, 3, NULL);
        CU_ASSERT_EQUAL_FATAL(fl_chrome_mark(&c, "g", a), FL_OK);
        /* change 3: the same paragraphs, and a story of its own */
        fl_article *b = chrome_article(lens, n, change, "A story of its own.");
        CU_ASSERT_EQUAL_FATAL(fl_chrome_mark(&c, "g", b), FL_OK);
        CU_ASSERT_EQUAL_FATAL(b->n_paragraphs, n + 1);
        for (size_t i = 0; i < n; i++) {
            fl_boilerplate want = change == 3 ? FL_BOILER_CHROME : FL_BOILER_NONE;
            if (b->paragraphs[i].boilerplate != want)
                fprintf(stderr, "\n  chrome: paragraph of %zu bytes, change %zu\n", lens[i],
                        change);
            CU_ASSERT_EQUAL(b->paragraphs[i].boilerplate, want);
        }
        CU_ASSERT_EQUAL(b->paragraphs[n].boilerplate, FL_BOILER_NONE);
        fl_article_free(a);
        fl_article_free(b);
        fl_chrome_release(&c);
    }
}

static void test_repeated_chrome(void)
{
    const char *paths[] = {DATA("chrome")};
    fl_ingest *in = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &no_opts, &err), FL_OK);
    fl_article *a[3];
    size_t seq;
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a[i], &seq, &err), FL_OK);
    /* one.txt, three.txt, two.txt in name order */
    CU_ASSERT_STRING_EQUAL(a[1]->title, "Bridge repairs begin");
    CU_ASSERT_EQUAL(a[0]->paragraphs[1].boilerplate, FL_BOILER_NAVIGATION);
    CU_ASSERT_EQUAL(a[0]->paragraphs[2].boilerplate, FL_BOILER_NONE);
    CU_ASSERT_EQUAL(a[0]->paragraphs[3].boilerplate, FL_BOILER_NEWSLETTER);
    CU_ASSERT_EQUAL(a[0]->paragraphs[4].boilerplate, FL_BOILER_CHROME);
    /* three.txt shares nothing with one.txt */
    CU_ASSERT_EQUAL(a[1]->paragraphs[2].boilerplate, FL_BOILER_NONE);
    /* two.txt repeats three.txt's contact line: chrome; its own story is not */
    CU_ASSERT_TRUE(para_is(a[2], 3, "Contact the newsdesk: news@example.org"));
    CU_ASSERT_EQUAL(a[2]->paragraphs[3].boilerplate, FL_BOILER_CHROME);
    CU_ASSERT_EQUAL(a[2]->paragraphs[2].boilerplate, FL_BOILER_NONE);
    CU_ASSERT_FALSE(a[2]->paragraphs[0].heading && a[2]->paragraphs[0].boilerplate);
    for (int i = 0; i < 3; i++)
        fl_article_free(a[i]);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a[0], &seq, &err), FL_DONE);
    fl_ingest_close(in);
}

/* ---- bad input ------------------------------------------------------------------------- */

static void test_missing_and_unreadable(void)
{
    make_tmpdir();
    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL(ingest_one(tmp_path("no-such-file.txt"), NULL, &a, &err), FL_EIO);
    CU_ASSERT_PTR_NULL(a);
    char want[600];
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory",
             tmp_path("no-such-file.txt"));
    CU_ASSERT_STRING_EQUAL(err.message, want);
    CU_ASSERT_STRING_EQUAL(err.file, tmp_path("no-such-file.txt"));

    /* a path through a regular file cannot be opened, even by root */
    write_file(tmp_path("plain.txt"), "x\n", 2);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("plain.txt/inner.txt"), NULL, &a, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "Not a directory"));

    /* chmod 000: only meaningful when not running as root */
    write_file(tmp_path("secret.txt"), "Hidden text.\n", 13);
    chmod(tmp_path("secret.txt"), 0);
    if (geteuid() != 0) {
        CU_ASSERT_EQUAL(ingest_one(tmp_path("secret.txt"), NULL, &a, &err), FL_EIO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "Permission denied"));
    }
    unlink(tmp_path("secret.txt"));
}

static void test_empty_binary_utf8(void)
{
    make_tmpdir();
    fl_article *a = NULL;
    fl_error err;
    write_file(tmp_path("empty.txt"), "", 0);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("empty.txt"), NULL, &a, &err), FL_EEMPTY);
    CU_ASSERT_STRING_EQUAL(err.message, "empty article");
    write_file(tmp_path("blank.md"), " \n\t\n\n", 5);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("blank.md"), NULL, &a, &err), FL_EEMPTY);
    write_file(tmp_path("fm-only.md"), "---\ntitle: x\n---\n", 17);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("fm-only.md"), NULL, &a, &err), FL_EEMPTY);

    write_file(tmp_path("bin.txt"), "abc\0def", 7);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("bin.txt"), NULL, &a, &err), FL_EBINARY);
    CU_ASSERT_EQUAL(err.offset, 3);
    write_file(tmp_path("bin.html"), "<p>a\0</p>", 9);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("bin.html"), NULL, &a, &err), FL_EBINARY);
    CU_ASSERT_EQUAL(err.offset, 4);

    const char bad[] = "Title\n\nCaf\xC3\xA9 and \xE2\x82 broken.\n";
    write_file(tmp_path("bad.txt"), bad, sizeof bad - 1);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("bad.txt"), NULL, &a, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.offset, 17);
    CU_ASSERT_STRING_EQUAL(err.file, tmp_path("bad.txt"));
    fl_ingest_options lossy = no_opts;
    lossy.lossy = true;
    CU_ASSERT_EQUAL_FATAL(ingest_one(tmp_path("bad.txt"), &lossy, &a, &err), FL_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(a->text, "and \xEF\xBF\xBD"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a->text, "\xEF\xBF\xBD broken."));
    CU_ASSERT_TRUE(a->utf8_replaced > 0);
    fl_article_free(a);

    /* in markdown the offset counts the front matter too */
    const char badmd[] = "---\ntitle: T\n---\nOK \xFF\n";
    write_file(tmp_path("bad.md"), badmd, sizeof badmd - 1);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("bad.md"), NULL, &a, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.offset, 20);
    const char badfm[] = "---\ntitle: T\xFF\n---\nOK\n";
    write_file(tmp_path("badfm.md"), badfm, sizeof badfm - 1);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("badfm.md"), NULL, &a, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.offset, 12);
    CU_ASSERT_EQUAL_FATAL(ingest_one(tmp_path("badfm.md"), &lossy, &a, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->title, "T\xEF\xBF\xBD");
    fl_article_free(a);
    const char badhtml[] = "<p>ok</p><p>\xC3(</p>";
    write_file(tmp_path("bad.html"), badhtml, sizeof badhtml - 1);
    CU_ASSERT_EQUAL(ingest_one(tmp_path("bad.html"), NULL, &a, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.offset, 12);
}

static void test_bom_and_line_endings(void)
{
    fl_article *a = NULL;
    fl_error err;
    const char bom[] = "\xEF\xBB\xBFHeadline here\n\nFirst line.\n";
    CU_ASSERT_EQUAL_FATAL(
        fl_ingest_buffer("b.txt", FL_FORMAT_TXT, bom, sizeof bom - 1, &no_opts, &a, &err), FL_OK);
    CU_ASSERT_TRUE(a->bom);
    CU_ASSERT_STRING_EQUAL(a->title, "Headline here");
    CU_ASSERT_EQUAL(a->text[0], 'H');
    fl_article_free(a);
    const char bommd[] = "\xEF\xBB\xBF---\ntitle: With BOM\n---\nBody.\n";
    CU_ASSERT_EQUAL_FATAL(
        fl_ingest_buffer("b.md", FL_FORMAT_MD, bommd, sizeof bommd - 1, &no_opts, &a, &err), FL_OK);
    CU_ASSERT_TRUE(a->bom);
    CU_ASSERT_STRING_EQUAL(a->title, "With BOM");
    CU_ASSERT_EQUAL(line_of(a, "Body"), 4);
    fl_article_free(a);

    a = from_buffer("crlf.txt", FL_FORMAT_TXT, "Headline\r\n\r\nLine three.\r\n\r\nLine five.\r\n");
    CU_ASSERT_STRING_EQUAL(a->title, "Headline");
    CU_ASSERT_EQUAL(line_of(a, "Line three"), 3);
    CU_ASSERT_EQUAL(line_of(a, "Line five"), 5);
    fl_article_free(a);
    a = from_buffer("cr.txt", FL_FORMAT_TXT, "Headline\r\rLine three.\r\rLine five.\r");
    CU_ASSERT_STRING_EQUAL(a->title, "Headline");
    CU_ASSERT_EQUAL(line_of(a, "Line five"), 5);
    fl_article_free(a);
    a = from_buffer("crlf.md", FL_FORMAT_MD, "---\r\ntitle: T\r\n---\r\n\r\nBody.\r\n");
    CU_ASSERT_EQUAL(a->line_base, 3);
    CU_ASSERT_EQUAL(line_of(a, "Body"), 5);
    fl_article_free(a);
    a = from_buffer("cr.md", FL_FORMAT_MD, "---\rtitle: T\r---\r\rBody.\r");
    CU_ASSERT_STRING_EQUAL(a->title, "T");
    CU_ASSERT_EQUAL(line_of(a, "Body"), 5);
    fl_article_free(a);
}

static void test_large_single_line(void)
{
    make_tmpdir();
    size_t n = 50u << 20;
    char *big = fl_malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    static const char word[] = "lorem ";
    for (size_t i = 0; i < n; i++)
        big[i] = word[i % 6];
    big[n - 1] = '.';
    write_file(tmp_path("big.txt"), big, n);
    /* the same line as a JSONL record */
    FILE *f = fopen(tmp_path("big.jsonl"), "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("{\"id\": \"big\", \"text\": \"", f);
    fwrite(big, 1, n, f);
    fputs("\"}\n{\"id\": \"after\", \"text\": \"Small.\"}\n", f);
    fclose(f);
    fl_free(big);

    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(ingest_one(tmp_path("big.txt"), NULL, &a, &err), FL_OK);
    CU_ASSERT_EQUAL(a->text_len, n);
    CU_ASSERT_EQUAL(a->n_lines, 1);
    CU_ASSERT_EQUAL(a->n_paragraphs, 1);
    fl_article_free(a);

    const char *paths[] = {tmp_path("big.jsonl")};
    fl_ingest *in = NULL;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &no_opts, &err), FL_OK);
    size_t seq;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_EQUAL(a->text_len, n);
    fl_article_free(a);
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "after");
    CU_ASSERT_EQUAL(a->record_line, 2);
    fl_article_free(a);
    fl_ingest_close(in);

    /* over max_file_bytes: skipped */
    fl_ingest_options o = no_opts;
    o.max_file_bytes = 1u << 20;
    CU_ASSERT_EQUAL(ingest_one(tmp_path("big.txt"), &o, &a, &err), FL_ELIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "limit"));
    unlink(tmp_path("big.txt"));
    unlink(tmp_path("big.jsonl"));
}

static void test_symlink_loop(void)
{
    make_tmpdir();
    char dir[512], sub[512], link[512];
    snprintf(dir, sizeof dir, "%s/loop", tmpdir);
    snprintf(sub, sizeof sub, "%s/loop/sub", tmpdir);
    snprintf(link, sizeof link, "%s/loop/sub/back", tmpdir);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(symlink("..", link), 0);
    write_file(tmp_path("loop/sub/story.txt"), "A story in a loop.\n", 19);
    const char *paths[] = {dir};
    fl_ingest *in = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 1, &no_opts, &err), FL_OK);
    fl_article *a;
    size_t seq;
    /* sub/back (the loop) sorts before sub/story.txt */
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "symlink loop"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "sub/back"));
    CU_ASSERT_EQUAL(seq, 0);
    CU_ASSERT_EQUAL_FATAL(fl_ingest_next(in, &a, &seq, &err), FL_OK);
    CU_ASSERT_EQUAL(seq, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(a->path, "loop/sub/story.txt"));
    fl_article_free(a);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);
    unlink(tmp_path("loop/sub/story.txt"));
    unlink(link);
    rmdir(sub);
    rmdir(dir);
}

static void test_special_files(void)
{
    make_tmpdir();
    const char *fifo = tmp_path("pipe.txt");
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    alarm(20); /* a hang fails the test instead of blocking CTest */
    fl_article *a = NULL;
    fl_error err;
    CU_ASSERT_EQUAL(ingest_one(fifo, NULL, &a, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not a regular file"));
    CU_ASSERT_EQUAL(ingest_one("/dev/zero", NULL, &a, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not a regular file"));
    /* a FIFO found in a directory walk is refused too */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fifodir", tmpdir);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkfifo(tmp_path("fifodir/p.txt"), 0600), 0);
    CU_ASSERT_EQUAL(ingest_one(dir, NULL, &a, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not a regular file"));
    alarm(0);
    unlink(tmp_path("fifodir/p.txt"));
    rmdir(dir);
    unlink(fifo);
}

static void test_one_bad_does_not_stop_others(void)
{
    make_tmpdir();
    write_file(tmp_path("ok1.txt"), "First story.\n", 13);
    write_file(tmp_path("ok2.txt"), "Second story.\n", 14);
    /* a FIFO: never a regular file (unlike /dev/null, which some sandboxes
     * replace with an empty regular file) */
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/bad-pipe.txt", tmpdir);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    const char *paths[] = {tmp_path("ok1.txt"), tmp_path("gone.txt"), fifo, tmp_path("ok2.txt")};
    fl_ingest *in = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ingest_open(&in, paths, 4, &no_opts, &err), FL_OK);
    fl_article *a;
    size_t seq;
    fl_status want[] = {FL_OK, FL_EIO, FL_EIO, FL_OK};
    for (size_t i = 0; i < 4; i++) {
        fl_status st = fl_ingest_next(in, &a, &seq, &err);
        if (st != want[i])
            fprintf(stderr, "item %zu: status %d (%s)\n", i, (int)st, err.message);
        CU_ASSERT_EQUAL(st, want[i]);
        CU_ASSERT_EQUAL(seq, i);
        if (st == FL_OK)
            fl_article_free(a);
    }
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    CU_ASSERT_EQUAL(fl_ingest_next(in, &a, &seq, &err), FL_DONE);
    fl_ingest_close(in);
    unlink(fifo);
}

static void cleanup_tmp(void)
{
    if (!tmpdir[0])
        return;
    const char *names[] = {"plain.txt", "empty.txt", "blank.md", "fm-only.md", "bin.txt",
                           "bin.html",  "bad.txt",   "bad.md",   "badfm.md",   "bad.html",
                           "bad.jsonl", "ok1.txt",   "ok2.txt",  NULL};
    for (size_t i = 0; names[i]; i++)
        unlink(tmp_path(names[i]));
    CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
}

static const fl_test_case cases[] = {
    {"format for path", test_format_for_path},
    {"txt title and dateline", test_txt_title_and_dateline},
    {"md front matter", test_md_front_matter},
    {"md front matter errors", test_md_front_matter_errors},
    {"html", test_html},
    {"html dates and title", test_html_dates_and_title},
    {"walk a tree", test_walk_tree},
    {"jsonl fields", test_jsonl_fields},
    {"jsonl stream borrows", test_jsonl_stream_borrows},
    {"jsonl chrome duplicate", test_jsonl_chrome_duplicate},
    {"jsonl short strings", test_jsonl_short_strings},
    {"jsonl scanner", test_jsonl_scanner},
    {"jsonl utf8 and limits", test_jsonl_utf8_and_limits},
    {"stdin", test_stdin},
    {"date lines", test_date_lines},
    {"dateline precedence", test_dateline_precedence},
    {"title, source and dateline text in the article's arena", test_article_strings_in_arena},
    {"segmentation: room for paragraphs and sentences", test_segment_room},
    {"segmentation: the word before a full stop", test_segment_word_before_stop},
    {"segmentation: abbreviations and initials", test_segment_abbreviations},
    {"boilerplate in text", test_boilerplate_text},
    {"boilerplate: texts anywhere in a paragraph", test_boilerplate_needles},
    {"repeated chrome", test_repeated_chrome},
    {"repeated chrome: paragraphs of every length", test_chrome_hash_lengths},
    {"missing and unreadable", test_missing_and_unreadable},
    {"empty, binary, utf8", test_empty_binary_utf8},
    {"bom and line endings", test_bom_and_line_endings},
    {"50 MB single line", test_large_single_line},
    {"symlink loop", test_symlink_loop},
    {"special files", test_special_files},
    {"one bad input does not stop others", test_one_bad_does_not_stop_others},
    {"cleanup", cleanup_tmp},
    {NULL, NULL}};

FL_TEST_MAIN("ingest", cases)
