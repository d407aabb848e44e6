/* Unit tests for engine/core: UTF-8, dates, strbuf, the document model, facts, findings. */
#include "core/alloc.h"
#include "core/article.h"
#include "core/date.h"
#include "core/fact.h"
#include "core/finding.h"
#include "core/normalize.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "fl_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fl_article *article_from(const char *s)
{
    fl_article *a = fl_article_new();
    a->path = fl_strdup("t.txt");
    size_t n = strlen(s);
    char *t = fl_malloc(n + 1);
    memcpy(t, s, n + 1);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    return a;
}

static void test_utf8_validate(void)
{
    CU_ASSERT_EQUAL(fl_utf8_validate("abc", 3), 3);
    CU_ASSERT_EQUAL(fl_utf8_validate("caf\xC3\xA9", 5), 5);
    CU_ASSERT_EQUAL(fl_utf8_validate("ab\xC3", 3), 2);       /* truncated */
    CU_ASSERT_EQUAL(fl_utf8_validate("a\xC0\xAF", 3), 1);    /* overlong */
    CU_ASSERT_EQUAL(fl_utf8_validate("\xED\xA0\x80", 3), 0); /* surrogate */
    CU_ASSERT_EQUAL(fl_utf8_validate("abcdefghij\xFF", 11), 10);
    size_t n, r;
    char *fixed = fl_utf8_repair("a\xFF"
                                 "b",
                                 3, &n, &r);
    CU_ASSERT_STRING_EQUAL(fixed, "a\xEF\xBF\xBD"
                                  "b");
    CU_ASSERT_EQUAL(r, 1);
    fl_free(fixed);
}

static void test_dates(void)
{
    CU_ASSERT_EQUAL(fl_date_weekday(2017, 11, 24), 4); /* Friday */
    CU_ASSERT_EQUAL(fl_date_weekday(2000, 1, 1), 5);   /* Saturday */
    CU_ASSERT_TRUE(fl_date_valid(2016, 2, 29));
    CU_ASSERT_FALSE(fl_date_valid(2015, 2, 29));
    CU_ASSERT_FALSE(fl_date_valid(2015, 13, 1));
    fl_date d;
    CU_ASSERT_TRUE(fl_date_parse_iso("2013-03-14", &d));
    CU_ASSERT_EQUAL(d.precision, FL_PREC_DAY);
    CU_ASSERT_TRUE(fl_date_parse_iso("1987-02-26T15:01:01", &d));
    CU_ASSERT_EQUAL(d.day, 26);
    CU_ASSERT_FALSE(fl_date_parse_iso("2015-02-30", &d));
    char buf[32];
    fl_date_format((fl_date){2013, 3, 0, FL_PREC_MONTH}, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2013-03");
    fl_date_format((fl_date){1850, 0, 0, FL_PREC_CENTURY}, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "19th century");
    fl_date y = fl_date_add_days((fl_date){2016, 3, 1, FL_PREC_DAY}, -1);
    CU_ASSERT_EQUAL(y.month, 2);
    CU_ASSERT_EQUAL(y.day, 29);
    CU_ASSERT_EQUAL(fl_month_from_name("Sept", 4), 9);
    CU_ASSERT_EQUAL(fl_month_from_name("nov", 3), 11);
    CU_ASSERT_EQUAL(fl_weekday_from_name("Tues", 4), 1);
}

static void test_strbuf(void)
{
    fl_strbuf sb = FL_STRBUF_INIT;
    CU_ASSERT_STRING_EQUAL(sb.buf, "");
    fl_strbuf_addf(&sb, "%d-%s", 42, "x");
    fl_strbuf_add_json_escaped(&sb, "\"\n\x01", 3);
    CU_ASSERT_STRING_EQUAL(sb.buf, "42-x\\\"\\n\\u0001");
    fl_strbuf_reset(&sb);
    fl_strbuf_add_xml_escaped(&sb, "<a&b>", 5);
    CU_ASSERT_STRING_EQUAL(sb.buf, "&lt;a&amp;b&gt;");
    fl_strbuf_release(&sb);
}

static void test_lines_crlf(void)
{
    fl_article *a = article_from("one\r\ntwo\rthree\nfour");
    CU_ASSERT_EQUAL(a->n_lines, 4);
    uint32_t line, col;
    fl_article_locate(a, strstr(a->text, "three") - a->text, &line, &col);
    CU_ASSERT_EQUAL(line, 3);
    CU_ASSERT_EQUAL(col, 1);
    fl_article_locate(a, strstr(a->text, "our") - a->text, &line, &col);
    CU_ASSERT_EQUAL(line, 4);
    CU_ASSERT_EQUAL(col, 2);
    fl_article_free(a);
}

static void test_columns_in_characters(void)
{
    fl_article *a = article_from("\xC2\xA3"
                                 "5bn and \xE2\x82\xAC"
                                 "3m");
    uint32_t line, col;
    fl_article_locate(a, strstr(a->text, "\xE2\x82\xAC") - a->text, &line, &col);
    CU_ASSERT_EQUAL(col, 10);
    fl_article_free(a);
}

static void test_bom_and_binary(void)
{
    fl_article *a = fl_article_new();
    char *t = fl_strdup("\xEF\xBB\xBFHello.");
    fl_error err;
    CU_ASSERT_EQUAL(fl_article_set_text(a, t, strlen(t), false, &err), FL_OK);
    CU_ASSERT_TRUE(a->bom);
    CU_ASSERT_STRING_EQUAL(a->text, "Hello.");
    char *b = fl_malloc(4);
    memcpy(b, "a\0b", 4);
    CU_ASSERT_EQUAL(fl_article_set_text(a, b, 3, false, &err), FL_EBINARY);
    CU_ASSERT_EQUAL(err.offset, 1);
    char *u = fl_strdup("ab\xFF"
                        "cd");
    CU_ASSERT_EQUAL(fl_article_set_text(a, u, 5, false, &err), FL_EUTF8);
    CU_ASSERT_EQUAL(err.offset, 2);
    u = fl_strdup("ab\xFF"
                  "cd");
    CU_ASSERT_EQUAL(fl_article_set_text(a, u, 5, true, &err), FL_OK);
    CU_ASSERT_EQUAL(a->utf8_replaced, 1);
    fl_article_free(a);
}

static void test_paragraphs(void)
{
    fl_article *a =
        article_from("Title here\n\nFirst para line one\nline two.\n\n\n  Second para.  \n");
    CU_ASSERT_EQUAL_FATAL(a->n_paragraphs, 3);
    CU_ASSERT_EQUAL(strncmp(a->text + a->paragraphs[2].offset, "Second para.", 12), 0);
    CU_ASSERT_EQUAL(a->paragraphs[2].length, 12);
    CU_ASSERT_EQUAL(a->paragraphs[1].n_sentences, 1);
    fl_article_free(a);
    /* no blank lines at all: every line is a paragraph */
    a = article_from("One.\nTwo.\nThree.");
    CU_ASSERT_EQUAL(a->n_paragraphs, 3);
    fl_article_free(a);
}

static const char *sentence(const fl_article *a, size_t i, char *buf, size_t n)
{
    size_t len = a->sentences[i].length < n - 1 ? a->sentences[i].length : n - 1;
    memcpy(buf, a->text + a->sentences[i].offset, len);
    buf[len] = '\0';
    return buf;
}

static void test_sentences(void)
{
    char buf[256];
    fl_article *a = article_from(
        "Mr. Smith met Dr. Jones at 3.5 p.m. in the U.S. Capitol. Prices rose 2.5% on Monday. "
        "\"We will win. They will lose,\" he said. J. K. Rowling was there! Was it? Yes.");
    CU_ASSERT_EQUAL_FATAL(a->n_sentences, 7);
    CU_ASSERT_STRING_EQUAL(sentence(a, 0, buf, sizeof buf),
                           "Mr. Smith met Dr. Jones at 3.5 p.m. in the U.S. Capitol.");
    CU_ASSERT_STRING_EQUAL(sentence(a, 1, buf, sizeof buf), "Prices rose 2.5% on Monday.");
    CU_ASSERT_STRING_EQUAL(sentence(a, 2, buf, sizeof buf), "\"We will win.");
    CU_ASSERT_STRING_EQUAL(sentence(a, 3, buf, sizeof buf), "They will lose,\" he said.");
    CU_ASSERT_STRING_EQUAL(sentence(a, 4, buf, sizeof buf), "J. K. Rowling was there!");
    fl_article_free(a);
    a = article_from("\xE2\x80\x9CIt is over.\xE2\x80\x9D The vote was 12-3.");
    CU_ASSERT_EQUAL(a->n_sentences, 2);
    CU_ASSERT_STRING_EQUAL(sentence(a, 0, buf, sizeof buf), "\xE2\x80\x9CIt is over.\xE2\x80\x9D");
    fl_article_free(a);
}

static void test_sentence_lookup(void)
{
    fl_article *a = article_from("A one. B two.\n\nC three.");
    size_t c = strstr(a->text, "C three") - a->text;
    CU_ASSERT_EQUAL(fl_article_paragraph_at(a, c), 1);
    CU_ASSERT_EQUAL(fl_article_sentence_at(a, c), 2);
    CU_ASSERT_EQUAL(fl_article_paragraph_at(a, 14), SIZE_MAX); /* the blank line */
    fl_article_free(a);
}

static void test_facts_sort_and_json(void)
{
    fl_article *a = article_from("It cost $1.13bn (\xC2\xA3"
                                 "600m) in all.");
    fl_facts fs;
    fl_facts_init(&fs);
    fl_fact *gbp = fl_facts_add(&fs, FL_FACT_MONEY, 17, 6);
    gbp->value = 600e6;
    gbp->currency = "GBP";
    gbp->text = fl_facts_str(&fs, a->text + 17, 6);
    fl_fact *usd = fl_facts_add(&fs, FL_FACT_MONEY, 8, 7);
    usd->value = 1.13e9;
    usd->currency = "USD";
    usd->text = fl_facts_str(&fs, a->text + 8, 7);
    fs.items[0].link = 1;
    fs.items[1].link = 0;
    fl_facts_sort(&fs);
    fl_facts_locate(&fs, a);
    CU_ASSERT_EQUAL(fs.items[0].offset, 8);
    CU_ASSERT_EQUAL(fs.items[0].link, 1);
    CU_ASSERT_EQUAL(fs.items[1].link, 0);
    CU_ASSERT_EQUAL(fs.items[0].column, 9);
    fl_strbuf sb = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL(fl_fact_write_json(&sb, "a1", &fs.items[0], &fs), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"value\":1130000000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"currency\":\"USD\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "\"linked\":{\"offset\":17,\"length\":6}"));
    fl_strbuf_release(&sb);
    fl_facts_release(&fs);
    fl_article_free(a);
}

/* fl_facts_locate counts no characters in the text's ASCII start (its
 * first 32-byte steps without a byte >= 0x80): facts before, at and after
 * the first multi-byte character, on its line and the next, get the
 * columns fl_article_locate gives. */
static void test_locate_ascii(void)
{
    fl_article *a =
        article_from("An ASCII start of more than sixty-four bytes, so that whole steps "
                     "are ASCII: caf\xC3\xA9 and \xE2\x82\xAC"
                     "5 then more\nA next line \xC3\xA9 here.");
    fl_facts fs;
    fl_facts_init(&fs);
    for (size_t at = 0; at < a->text_len; at++)
        if (((unsigned char)a->text[at] & 0xC0) != 0x80)
            fl_facts_add(&fs, FL_FACT_PERSON, at, 1);
    fl_facts_locate(&fs, a);
    for (size_t i = 0; i < fs.n; i++) {
        uint32_t line, col;
        fl_article_locate(a, fs.items[i].offset, &line, &col);
        CU_ASSERT_EQUAL(fs.items[i].line, line);
        CU_ASSERT_EQUAL(fs.items[i].column, col);
    }
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_fingerprint_stable(void)
{
    fl_finding f = {0};
    f.rule = "quote.duplicate";
    f.article_id = "a";
    f.loc.excerpt = "We will win";
    fl_finding_fingerprint(&f, "\"We will win,\" he said.", 23, 0);
    char fp1[17];
    memcpy(fp1, f.fingerprint, 17);
    fl_finding_fingerprint(&f, "\"We will win,\"   he said.", 25, 0);
    CU_ASSERT_STRING_EQUAL(fp1, f.fingerprint); /* white space folded */
    fl_finding_fingerprint(&f, "\"We will win,\" he said.", 23, 1);
    CU_ASSERT_STRING_NOT_EQUAL(fp1, f.fingerprint);
}

typedef struct pool_item {
    size_t seq;
    fl_reorder *r;
} pool_item;

static void pool_work(void *ctx, void *arg)
{
    pool_item *it = arg;
    (*(size_t *)ctx)++;
    if (it->seq % 3) { /* borrowed: written at once when due, else copied */
        char s[16];
        int n = snprintf(s, sizeof s, "%zu,", it->seq);
        fl_reorder_put_copy(it->r, it->seq, s, (size_t)n);
    } else {
        char *s = fl_malloc(16);
        int n = snprintf(s, 16, "%zu,", it->seq);
        fl_reorder_put(it->r, it->seq, s, (size_t)n);
    }
    fl_free(it);
}

static char *run_pool(size_t threads, size_t items, size_t *per_worker)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fl_reorder *r = fl_reorder_new(out);
    void *ctx[4] = {&per_worker[0], &per_worker[1], &per_worker[2], &per_worker[3]};
    fl_pool *p = fl_pool_new(threads, 3, pool_work, ctx);
    for (size_t i = 0; i < items; i++) {
        pool_item *it = fl_malloc(sizeof *it);
        it->seq = i;
        it->r = r;
        CU_ASSERT_EQUAL(fl_pool_submit(p, it), 0);
    }
    fl_pool_finish(p);
    CU_ASSERT_EQUAL(fl_reorder_free(r), 0);
    fclose(out);
    return buf;
}

static void test_pool_order(void)
{
    size_t w1[4] = {0}, w4[4] = {0};
    char *one = run_pool(1, 500, w1);
    char *four = run_pool(4, 500, w4);
    CU_ASSERT_STRING_EQUAL(one, four);
    CU_ASSERT_EQUAL(strncmp(one, "0,1,2,3,", 8), 0);
    CU_ASSERT_EQUAL(w1[0], 500);
    CU_ASSERT_EQUAL(w4[0] + w4[1] + w4[2] + w4[3], 500);
    free(one);
    free(four);

    /* borrowed pieces out of order, then the one due: all written, in order */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fl_reorder *r = fl_reorder_new(out);
    char piece[8];
    memcpy(piece, "c,", 3);
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 2, piece, 2), 0);
    memcpy(piece, "b,", 3);
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 1, piece, 2), 0);
    memcpy(piece, "X,", 3); /* the caller's buffer is its own again */
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 0, "a,", 2), 0);
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 3, "", 0), 0);
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 4, "d,", 2), 0);
    CU_ASSERT_EQUAL(fl_reorder_put_copy(r, 4, "e,", 2), -1); /* seq 4 again */
    CU_ASSERT_EQUAL(fl_reorder_free(r), 0);
    fclose(out);
    CU_ASSERT_STRING_EQUAL(buf, "a,b,c,d,");
    free(buf);
}

/* fl_normalize maps only the non-ASCII runs through utf8proc; it must give what
 * mapping the whole string gives, whatever sits next to the ASCII. */
static void test_normalize_runs(void)
{
    static const char *const cases[] = {
        "Sjo\xcc\x88qvist said",           /* o + combining diaeresis */
        "e\xcc\x81t\xc3\xa9 CAFE\xcc\x81", /* e + acute, precomposed e-acute */
        "\xe2\x80\x9cWe will,\xe2\x80\x9d she said \xe2\x80\x94 twice",
        "\xef\xac\x81nance \xef\xbc\xa1\xef\xbc\xa2"
        "C", /* fi ligature, full-width AB */
        "Stra\xc3\x9f"
        "e \xc4\xb0stanbul \xc7\x84", /* sharp s, dotted I, DZ digraph */
        "zero\xe2\x80\x8bwidth soft\xc2\xadhyphen \xc2\xa3"
        "5m\xc2\xa0"
        "cash",
        "A\xcc\x8a\xe1\x84\x80\xe1\x85\xa1 \xea\xb0\x80 end", /* A + ring, Hangul jamo */
        "\xcc\x81leading mark and trailing e\xcc\x81",
        "  \xe2\x80\x83"
        "em space\tTAB\r\nline  ",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *fast = fl_normalize(cases[i], strlen(cases[i]));
        char *ref = fl_normalize_reference(cases[i], strlen(cases[i]));
        CU_ASSERT_PTR_NOT_NULL_FATAL(fast);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
        CU_ASSERT_STRING_EQUAL(fast, ref);
        fl_free(fast);
        fl_free(ref);
    }
    const char *in = "Sjo\xcc\x88qvist  \xe2\x80\x9cSAID\xe2\x80\x9d";
    char *s = fl_normalize(in, strlen(in));
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "sjoqvist \"said\"");
    fl_free(s);
}

/* fl_utf8_count and fl_json_escape_to take sixteen and eight bytes a step:
 * every length and offset of a text with multi-byte characters and bytes to
 * escape at varied places gives what the plain byte-by-byte definitions
 * give. */
static void test_utf8_count_and_escape(void)
{
    static const char text[] = "Plain words, then \xC2\xA3"
                               "5m and \xE2\x80\x9Cquoted\xE2\x80\x9D "
                               "text\twith a tab, a \"quote\", a back\\slash and \x01 "
                               "a control byte; \xF0\x9F\x98\x80 then more plain text to end.";
    size_t len = sizeof text - 1;
    char out[6 * sizeof text], want[6 * sizeof text];
    for (size_t from = 0; from < len; from++)
        for (size_t n = 0; from + n <= len; n++) {
            size_t chars = 0;
            char *w = want;
            for (size_t i = from; i < from + n; i++) {
                unsigned char c = (unsigned char)text[i];
                chars += (c & 0xC0) != 0x80;
                if (c == '"' || c == '\\')
                    *w++ = '\\', *w++ = (char)c;
                else if (c == '\t')
                    *w++ = '\\', *w++ = 't';
                else if (c < 0x20)
                    w += sprintf(w, "\\u%04x", c);
                else
                    *w++ = (char)c;
            }
            CU_ASSERT_EQUAL(fl_utf8_count(text + from, n), chars);
            char *end = fl_json_escape_to(out, text + from, n);
            CU_ASSERT_EQUAL((size_t)(end - out), (size_t)(w - want));
            CU_ASSERT(memcmp(out, want, (size_t)(w - want)) == 0);
        }
}

static const fl_test_case cases[] = {{"utf8 validate and repair", test_utf8_validate},
                                     {"utf8 count and json escape", test_utf8_count_and_escape},
                                     {"dates", test_dates},
                                     {"strbuf", test_strbuf},
                                     {"line map with CRLF and CR", test_lines_crlf},
                                     {"columns count characters", test_columns_in_characters},
                                     {"BOM, NUL and invalid UTF-8", test_bom_and_binary},
                                     {"paragraphs", test_paragraphs},
                                     {"sentences", test_sentences},
                                     {"paragraph and sentence lookup", test_sentence_lookup},
                                     {"facts sort, locate and JSON", test_facts_sort_and_json},
                                     {"facts in an ASCII start", test_locate_ascii},
                                     {"fingerprint stability", test_fingerprint_stable},
                                     {"pool keeps output order", test_pool_order},
                                     {"normalise maps non-ASCII runs only", test_normalize_runs},
                                     {NULL, NULL}};

FL_TEST_MAIN("core", cases)
