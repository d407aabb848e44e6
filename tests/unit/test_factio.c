/* Unit tests for engine/core/factio: reading facts JSONL back, validation, round trip. */
#include "core/alloc.h"
#include "core/article.h"
#include "core/factio.h"
#include "core/finding.h"
#include "fl_test.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Lines exactly as fl_fact_write_json writes them. */
static const char *const lines[] = {
    "{\"article\":\"a.md\",\"kind\":\"money\",\"text\":\"$1.13bn\",\"offset\":120,\"length\":7,"
    "\"line\":5,\"column\":34,\"paragraph\":2,\"sentence\":3,\"value\":1130000000,"
    "\"currency\":\"USD\",\"currency_source\":\"symbol\",\"qualifier\":null,"
    "\"linked\":{\"offset\":129,\"length\":6}}",
    "{\"article\":\"a.md\",\"kind\":\"money\",\"text\":\"\xC2\xA3"
    "600m\",\"offset\":129,"
    "\"length\":6,\"line\":5,\"column\":43,\"paragraph\":2,\"sentence\":3,\"value\":600000000,"
    "\"currency\":\"GBP\",\"currency_source\":\"symbol\",\"qualifier\":\"almost\","
    "\"linked\":{\"offset\":120,\"length\":7}}",
    "{\"article\":\"a.md\",\"kind\":\"quote\",\"text\":\"We will build it\",\"offset\":200,"
    "\"length\":16,\"line\":7,\"column\":2,\"paragraph\":3,\"sentence\":5,\"speaker\":\"Anna "
    "Vale\",\"speaker_text\":\"she\",\"attribution\":\"pronoun\",\"partial\":false}",
    "{\"article\":\"a.md\",\"kind\":\"date\",\"text\":\"last month\",\"offset\":260,\"length\":10,"
    "\"line\":8,\"column\":12,\"paragraph\":4,\"sentence\":6,\"value\":\"2017-10\","
    "\"precision\":\"month\",\"relative\":true,\"resolved\":true,\"anchor\":\"2017-11-24\","
    "\"weekday_mismatch\":false}",
    "{\"article\":\"a.md\",\"kind\":\"date\",\"text\":\"the 19th century\",\"offset\":300,"
    "\"length\":16,\"line\":9,\"column\":1,\"paragraph\":5,\"sentence\":7,\"value\":\"19th "
    "century\",\"precision\":\"century\",\"relative\":false,\"resolved\":true,\"anchor\":null,"
    "\"weekday_mismatch\":false}",
    "{\"article\":\"a.md\",\"kind\":\"percent\",\"text\":\"76%\",\"offset\":330,\"length\":3,"
    "\"line\":9,\"column\":31,\"paragraph\":5,\"sentence\":7,\"value\":76,\"unit\":\"percent\","
    "\"qualifier\":null}",
    "{\"article\":\"b.md\",\"kind\":\"person\",\"text\":\"Mr Li\",\"offset\":10,\"length\":5,"
    "\"line\":1,\"column\":11,\"paragraph\":1,\"sentence\":1,\"name\":\"Li\",\"key\":\"li\","
    "\"title\":\"Mr\",\"canonical\":\"Li Keqiang\",\"source_model\":\"newsroom-ner-2\"}",
    NULL};

static char *write_temp(const char *content)
{
    char *path = fl_strdup("/tmp/fl_factio_XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(content, fp);
    fclose(fp);
    return path;
}

static void test_round_trip_lines(void)
{
    for (int i = 0; lines[i]; i++) {
        fl_facts fs;
        fl_facts_init(&fs);
        const char *id = NULL;
        fl_error err;
        fl_status st = fl_fact_parse_json(lines[i], strlen(lines[i]), &fs, &id, &err);
        if (st)
            fprintf(stderr, "line %d: %s\n", i, err.message);
        CU_ASSERT_EQUAL_FATAL(st, FL_OK);
        CU_ASSERT_EQUAL(fs.n, 1);
        fl_strbuf sb = FL_STRBUF_INIT;
        /* a linked fact needs its partner: the reader test covers links */
        if (!strstr(lines[i], "linked")) {
            CU_ASSERT_EQUAL(fl_fact_write_json(&sb, id, &fs.items[0], &fs), 0);
            CU_ASSERT_STRING_EQUAL(sb.buf, lines[i]);
        }
        fl_strbuf_release(&sb);
        fl_facts_release(&fs);
    }
}

static void test_reader_groups_links_locations(void)
{
    fl_strbuf all = FL_STRBUF_INIT;
    for (int i = 0; lines[i]; i++) {
        fl_strbuf_adds(&all, lines[i]);
        fl_strbuf_adds(&all, "\n\n");
    }
    char *path = write_temp(all.buf);
    fl_facts_reader *r;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_open(&r, path, &err), FL_OK);
    fl_facts fs;
    fl_facts_init(&fs);
    fl_article *a = NULL;
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_next(r, &a, &fs, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "a.md");
    CU_ASSERT_EQUAL(fs.n, 6);
    CU_ASSERT_EQUAL(fs.items[0].link, 1);
    CU_ASSERT_EQUAL(fs.items[1].link, 0);
    /* every fact written back is the line it came from */
    fl_strbuf sb = FL_STRBUF_INIT;
    for (size_t i = 0; i < fs.n; i++) {
        fl_strbuf_reset(&sb);
        fl_fact_write_json(&sb, a->id, &fs.items[i], &fs);
        CU_ASSERT_STRING_EQUAL(sb.buf, lines[i]);
    }
    /* a finding on a loaded fact points where the fact said it was */
    fl_location loc;
    CU_ASSERT_EQUAL(
        fl_location_fill(&loc, a, fs.items[2].offset, fs.items[2].length, FL_LOCATION_LINE_MAX),
        FL_OK);
    CU_ASSERT_EQUAL(loc.line, 7);
    CU_ASSERT_EQUAL(loc.column, 2);
    CU_ASSERT_STRING_EQUAL(loc.excerpt, "We will build it");
    fl_location_release(&loc);
    CU_ASSERT_EQUAL(
        fl_location_fill(&loc, a, fs.items[1].offset, fs.items[1].length, FL_LOCATION_LINE_MAX),
        FL_OK);
    CU_ASSERT_EQUAL(loc.line, 5);
    CU_ASSERT_EQUAL(loc.column, 43);
    fl_location_release(&loc);
    fl_article_free(a);
    fl_facts_reset(&fs);
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_next(r, &a, &fs, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "b.md");
    fl_strbuf_reset(&sb);
    fl_fact_write_json(&sb, a->id, &fs.items[0], &fs);
    CU_ASSERT_STRING_EQUAL(sb.buf, lines[6]); /* unknown field kept */
    fl_article_free(a);
    fl_facts_reset(&fs);
    CU_ASSERT_EQUAL(fl_facts_reader_next(r, &a, &fs, &err), FL_DONE);
    fl_strbuf_release(&sb);
    fl_strbuf_release(&all);
    fl_facts_release(&fs);
    fl_facts_reader_close(r);
    unlink(path);
    fl_free(path);
}

static void test_bad_lines(void)
{
    static const struct {
        const char *line;
        const char *msg;
    } bad[] = {
        {"not json", "bad JSON"},
        {"[1,2]", "must be a JSON object"},
        {"{\"kind\":\"money\",\"text\":\"x\",\"offset\":0,\"length\":1}", "'article'"},
        {"{\"article\":\"a\",\"kind\":\"cash\",\"text\":\"x\",\"offset\":0,\"length\":1}",
         "'kind'"},
        {"{\"article\":\"a\",\"kind\":\"money\",\"offset\":0,\"length\":1}", "'text'"},
        {"{\"article\":\"a\",\"kind\":\"money\",\"text\":\"x\",\"offset\":-1,\"length\":1}",
         "'offset'"},
        {"{\"article\":\"a\",\"kind\":\"money\",\"text\":\"x\",\"offset\":0,\"length\":1,"
         "\"value\":\"ten\"}",
         "wrong type"},
        {"{\"article\":\"a\",\"kind\":\"date\",\"text\":\"x\",\"offset\":0,\"length\":1,"
         "\"value\":\"2015-02-30\"}",
         "date 'value'"},
        {"{\"article\":\"a\",\"article\":\"b\",\"kind\":\"money\",\"text\":\"x\",\"offset\":0,"
         "\"length\":1}",
         "bad JSON"},
        {NULL, NULL}};
    for (int i = 0; bad[i].line; i++) {
        fl_facts fs;
        fl_facts_init(&fs);
        fl_error err;
        fl_error_clear(&err);
        CU_ASSERT_EQUAL(fl_fact_parse_json(bad[i].line, strlen(bad[i].line), &fs, NULL, &err),
                        FL_EPARSE);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, bad[i].msg));
        CU_ASSERT_EQUAL(fs.n, 0);
        fl_facts_release(&fs);
    }
}

static void test_reader_goes_on_after_bad_line(void)
{
    char *content = fl_malloc(4096);
    snprintf(content, 4096, "%s\n{oops\n%s\n", lines[5], lines[6]);
    char *path = write_temp(content);
    fl_facts_reader *r;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_open(&r, path, &err), FL_OK);
    fl_facts fs;
    fl_facts_init(&fs);
    fl_article *a = NULL;
    CU_ASSERT_EQUAL(fl_facts_reader_next(r, &a, &fs, &err), FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 2);
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_next(r, &a, &fs, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "a.md");
    CU_ASSERT_EQUAL(fs.n, 1);
    fl_article_free(a);
    fl_facts_reset(&fs);
    CU_ASSERT_EQUAL_FATAL(fl_facts_reader_next(r, &a, &fs, &err), FL_OK);
    CU_ASSERT_STRING_EQUAL(a->id, "b.md");
    fl_article_free(a);
    fl_facts_reset(&fs);
    CU_ASSERT_EQUAL(fl_facts_reader_next(r, &a, &fs, &err), FL_DONE);
    fl_facts_release(&fs);
    fl_facts_reader_close(r);
    unlink(path);
    fl_free(path);
    fl_free(content);
}

static void test_missing_file(void)
{
    fl_facts_reader *r = NULL;
    fl_error err;
    CU_ASSERT_EQUAL(fl_facts_reader_open(&r, "/nonexistent/facts.jsonl", &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cannot open '/nonexistent/facts.jsonl'"));
}

/* The hand-written %.17g must print every double as glibc's printf does. */
static void test_g17_matches_printf(void)
{
    uint64_t st = 0x9E3779B97F4A7C15ULL;
    static const double special[] = {0.1,
                                     0.5,
                                     1e-6,
                                     9.9999999999999995e-07,
                                     1e-5,
                                     1.5e-5,
                                     0.0001,
                                     8.999999999999999e15,
                                     9e15,
                                     1e16,
                                     1e20,
                                     -0.0,
                                     0.0,
                                     123456789012345.125,
                                     2.5,
                                     -3.25,
                                     1e-300,
                                     5e-324,
                                     1.7976931348623157e308,
                                     0.29999999999999999,
                                     NAN,
                                     INFINITY,
                                     -INFINITY};
    char want[64], got[64];
    size_t bad = 0;
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        snprintf(want, sizeof want, "%.17g", special[i]);
        fl_format_g17(got, special[i]);
        if (strcmp(want, got)) {
            fprintf(stderr, "g17: printf %s, fl_format_g17 %s\n", want, got);
            bad++;
        }
    }
    for (int i = 0; i < 300000; i++) {
        st ^= st << 13, st ^= st >> 7, st ^= st << 17;
        double v;
        switch (i % 4) {
        case 0: /* any bit pattern */
            memcpy(&v, &st, sizeof v);
            break;
        case 1: /* decimal fractions as a parser makes them */
            v = (double)(st % 100000000) / pow(10, (double)(st >> 60));
            break;
        case 2: /* binary fractions, where ties to even matter */
            v = ldexp((double)(st >> 11), -(int)(st % 80));
            break;
        default:
            v = -(double)(st % 2000000) / 1000.0;
        }
        snprintf(want, sizeof want, "%.17g", v);
        fl_format_g17(got, v);
        if (strcmp(want, got)) {
            if (bad < 10)
                fprintf(stderr, "g17: printf %s, fl_format_g17 %s\n", want, got);
            bad++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Numbers in written facts: integral values as %.0f, others as %.17g, no
 * value as null; strings escaped. */
static void test_writer_numbers_and_escapes(void)
{
    static const struct {
        double value, value_max;
        const char *want;
    } cases[] = {
        {0.1, NAN, "\"value\":0.10000000000000001,"},
        {-0.0, NAN, "\"value\":-0,"},
        {7, 12.5, "\"value\":7,\"value_max\":12.5,"},
        {1e20, NAN, "\"value\":1e+20,"},
        {8999999999999999.0, NAN, "\"value\":8999999999999999,"},
        {-1234.5678, NAN, "\"value\":-1234.5678,"},
        {NAN, NAN, "\"value\":null,"},
        {INFINITY, NAN, "\"value\":null,"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fl_facts fs;
        fl_facts_init(&fs);
        fl_fact *f = fl_facts_add(&fs, FL_FACT_PERCENT, 4294967296ULL, 3);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        f->text = "a\"b\\c\n\x01\x1f\x7f\t\r\xC3\xA9";
        f->line = 4000000000u;
        f->value = cases[i].value;
        f->value_max = cases[i].value_max;
        fl_strbuf sb = FL_STRBUF_INIT;
        CU_ASSERT_EQUAL(fl_fact_write_json(&sb, "id\"1", f, &fs), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, cases[i].want));
        CU_ASSERT_PTR_NOT_NULL(strstr(sb.buf, "{\"article\":\"id\\\"1\",\"kind\":\"percent\","
                                              "\"text\":\"a\\\"b\\\\c\\n\\u0001\\u001f\x7f\\t\\r"
                                              "\xC3\xA9\",\"offset\":4294967296,\"length\":3,"
                                              "\"line\":4000000000,\"column\":0,"));
        if (!strstr(sb.buf, cases[i].want))
            fprintf(stderr, "writer: %s\n", sb.buf);
        fl_strbuf_release(&sb);
        fl_facts_release(&fs);
    }
}

/* A string member as the writer writes it: null, or the string escaped. */
static void want_str(fl_strbuf *want, const char *s)
{
    if (!s) {
        fl_strbuf_adds(want, "null");
        return;
    }
    fl_strbuf_addch(want, '"');
    fl_strbuf_add_json_escaped(want, s, strlen(s));
    fl_strbuf_addch(want, '"');
}

/* Writes a fact of article "a" with these members (its span offset and
 * the text's length, no title) and checks the line against one built with
 * the strbuf's escaping. */
static void check_name_fact(fl_fact_kind kind, size_t offset, const char *text, const char *name,
                            const char *key, const char *canonical)
{
    size_t n = strlen(text);
    fl_facts fs;
    fl_facts_init(&fs);
    fl_fact *f = fl_facts_add(&fs, kind, offset, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    f->text = text;
    f->name = name;
    f->key = key;
    f->canonical = canonical;
    fl_strbuf got = FL_STRBUF_INIT, want = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(fl_fact_write_json(&got, "a", f, &fs), 0);
    fl_strbuf_addf(&want, "{\"article\":\"a\",\"kind\":\"%s\",\"text\":", fl_fact_kind_name(kind));
    want_str(&want, text);
    fl_strbuf_addf(&want,
                   ",\"offset\":%zu,\"length\":%zu,\"line\":0,\"column\":0,\"paragraph\":0,"
                   "\"sentence\":0,\"name\":",
                   offset, n);
    want_str(&want, name);
    fl_strbuf_adds(&want, ",\"key\":");
    want_str(&want, key);
    fl_strbuf_adds(&want, ",\"title\":null");
    if (canonical) {
        fl_strbuf_adds(&want, ",\"canonical\":");
        want_str(&want, canonical);
    }
    fl_strbuf_addch(&want, '}');
    CU_ASSERT_STRING_EQUAL(got.buf, want.buf);
    fl_strbuf_release(&got);
    fl_strbuf_release(&want);
    fl_facts_release(&fs);
}

/* Texts and names of 0 to 40 bytes (the writer copies those of up to 32
 * bytes with nothing to escape whole, and a name or canonical name that is
 * the text as the text was escaped) come out as the strbuf escapes them:
 * plain, and with a byte to escape at each place. */
static void test_writer_short_strings(void)
{
    static const char escs[] = {'"', '\\', '\n', '\x01', '\x1f'};
    char s[41];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t at = 0; at <= n; at++) {
            for (size_t e = 0; e < (at < n ? sizeof escs : 1); e++) {
                for (size_t i = 0; i < n; i++)
                    s[i] = (char)('a' + (i * 7 + n) % 26);
                if (n > 3)
                    memcpy(s + n / 2 - 1, "\xC3\xA9", 2); /* U+00E9 is not escaped */
                if (at < n)
                    s[at] = escs[e];
                s[n] = '\0';
                /* text and name the same string, as the names extractor sets them */
                check_name_fact(FL_FACT_PERSON, 0, s, s, NULL, n % 2 ? s : NULL);
            }
        }
    }
}

/* Columns counted between facts (ASCII spans by their length, others from
 * their first non-ASCII block) are those fl_article_locate counts: lines of
 * 0-70 bytes, ASCII or with a two- or three-byte character at one place,
 * a fact at every offset of a line and a fact at every pair of offsets. */
static void test_locate_columns(void)
{
    for (size_t len = 0; len <= 70; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (int w = 0; w < 3; w++) {
                /* "x\n" then a line of len bytes with a character of w + 1
                 * bytes at `at` (ASCII when w is 0), then "\nend" */
                char *t = fl_malloc(len + 16);
                CU_ASSERT_PTR_NOT_NULL_FATAL(t);
                size_t n = 0;
                t[n++] = 'x';
                t[n++] = '\n';
                size_t line0 = n;
                for (size_t i = 0; i < len; i++)
                    t[n++] = (char)('a' + i % 26);
                if (w == 1 && at + 2 <= len)
                    memcpy(t + line0 + at, "\xC3\xA9", 2);
                if (w == 2 && at + 3 <= len)
                    memcpy(t + line0 + at, "\xE2\x82\xAC", 3);
                memcpy(t + n, "\nend", 4);
                n += 4;
                fl_article *a = fl_article_new();
                fl_error err;
                CU_ASSERT_PTR_NOT_NULL_FATAL(a);
                CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
                CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
                fl_facts fs;
                fl_facts_init(&fs);
                /* facts at character starts: every one alone after one at
                 * the line's start, and pairs (at, k) */
                for (size_t k = line0; k <= line0 + len; k++) {
                    if (k < n && ((unsigned char)t[k] & 0xC0) == 0x80)
                        continue;
                    fl_facts_reset(&fs);
                    CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_DATE, line0, 1));
                    if (at + line0 <= k && !(((unsigned char)t[at + line0] & 0xC0) == 0x80))
                        CU_ASSERT_PTR_NOT_NULL_FATAL(
                            fl_facts_add(&fs, FL_FACT_DATE, line0 + at, 1));
                    CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_DATE, k, 1));
                    fl_facts_locate(&fs, a);
                    for (size_t i = 0; i < fs.n; i++) {
                        uint32_t line, column;
                        fl_article_locate(a, fs.items[i].offset, &line, &column);
                        CU_ASSERT_EQUAL(fs.items[i].line, line);
                        CU_ASSERT_EQUAL(fs.items[i].column, column);
                    }
                }
                fl_facts_release(&fs);
                fl_article_free(a);
            }
        }
    }
}

/* The paragraph and sentence of a fact at `at`, walked from the first as
 * fl_facts_locate walks them (0 when it is in none). */
static void para_sent_of(const fl_article *a, size_t at, uint32_t *para, uint32_t *sent)
{
    size_t pi = 0, si = 0;
    while (pi < a->n_paragraphs && at >= a->paragraphs[pi].offset + a->paragraphs[pi].length &&
           !(a->paragraphs[pi].length == 0 && at == a->paragraphs[pi].offset))
        pi++;
    while (si < a->n_sentences && at >= a->sentences[si].offset + a->sentences[si].length)
        si++;
    *para = pi < a->n_paragraphs && a->paragraphs[pi].offset <= at ? (uint32_t)(pi + 1) : 0;
    *sent = si < a->n_sentences && a->sentences[si].offset <= at ? (uint32_t)(si + 1) : 0;
}

/* Paragraphs and sentences: facts at every offset of an article of a few
 * paragraphs and sentences (blank lines, spaces between), one at a time, in
 * order, and in an order that goes back, each where a walk from the first
 * finds it. */
static void test_locate_paragraphs_sentences(void)
{
    static const char text[] = "Title line\n\nFirst one. Second one!  Third?\n\n\n"
                               "Next para here.\nSame para. End\n\n  Indented. Last one.\n";
    size_t n = sizeof text - 1;
    char *t = fl_malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memcpy(t, text, n + 1);
    fl_article *a = fl_article_new();
    fl_error err;
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    CU_ASSERT(a->n_paragraphs >= 3);
    CU_ASSERT(a->n_sentences >= 5);
    fl_facts fs;
    fl_facts_init(&fs);
    for (size_t step = 1; step <= 7; step++) {
        for (int order = 0; order < 3; order++) {
            fl_facts_reset(&fs);
            /* order 0: every step-th offset up; 1: the same twice over (a
             * walk back to the start); 2: down */
            for (int pass = 0; pass < (order == 1 ? 2 : 1); pass++)
                for (size_t k = 0; k <= n + 2; k += step) {
                    size_t at = order == 2 ? n + 2 - k : k;
                    CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_DATE, at, 1));
                }
            /* and one at the largest offset (the walks' ends are SIZE_MAX) */
            CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_DATE, SIZE_MAX, 1));
            fl_facts_locate(&fs, a);
            CU_ASSERT_EQUAL(fs.items[fs.n - 1].line, a->n_lines);
            for (size_t i = 0; i < fs.n; i++) {
                uint32_t para, sent;
                para_sent_of(a, fs.items[i].offset, &para, &sent);
                CU_ASSERT_EQUAL(fs.items[i].paragraph, para);
                CU_ASSERT_EQUAL(fs.items[i].sentence, sent);
            }
        }
    }
    fl_facts_release(&fs);
    fl_article_free(a);
}

/* A long text with escapes on both sides of the writer's 4096-byte slices
 * comes out escaped exactly once, whole. */
static void test_writer_long_text(void)
{
    size_t n = 10000;
    char *text = fl_malloc(n + 1);
    fl_strbuf want = FL_STRBUF_INIT;
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (size_t i = 0; i < n; i++) {
        char c = i % 97 == 0     ? '"'
                 : i % 89 == 0   ? '\n'
                 : i % 4095 == 0 ? '\x02'
                                 : (char)('a' + i % 26);
        text[i] = c;
        if (c == '"')
            fl_strbuf_adds(&want, "\\\"");
        else if (c == '\n')
            fl_strbuf_adds(&want, "\\n");
        else if (c == '\x02')
            fl_strbuf_adds(&want, "\\u0002");
        else
            fl_strbuf_addch(&want, c);
    }
    text[n] = '\0';
    fl_facts fs;
    fl_facts_init(&fs);
    fl_fact *f = fl_facts_add(&fs, FL_FACT_QUOTE, 0, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    f->text = text;
    fl_strbuf sb = FL_STRBUF_INIT, alone = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL(fl_fact_write_json(&sb, "a", f, &fs), 0);
    const char *t = strstr(sb.buf, "\"text\":\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t += strlen("\"text\":\"");
    CU_ASSERT(strncmp(t, want.buf, want.len) == 0);
    CU_ASSERT_STRING_EQUAL(t + want.len,
                           "\",\"offset\":0,\"length\":10000,\"line\":0,\"column\":0,"
                           "\"paragraph\":0,\"sentence\":0,\"speaker\":null,"
                           "\"speaker_text\":null,\"attribution\":null,\"partial\":false}");
    /* the strbuf function gives the same text */
    CU_ASSERT_EQUAL(fl_strbuf_add_json_escaped(&alone, text, n), 0);
    CU_ASSERT_STRING_EQUAL(alone.buf, want.buf);
    fl_strbuf_release(&sb);
    fl_strbuf_release(&alone);
    fl_strbuf_release(&want);
    fl_facts_release(&fs);
    fl_free(text);
}

/* The writer checks room only where it writes a string: the longest facts
 * of each kind, written with every amount of room from none to more than
 * they need left at the end of an exactly sized buffer (AddressSanitizer
 * sees a byte written past it), come out as they do in an empty buffer. */
static void test_writer_room_at_buffer_end(void)
{
    fl_facts fs;
    fl_facts_init(&fs);
    const fl_fact_kind kinds[] = {FL_FACT_MONEY, FL_FACT_PERCENT,  FL_FACT_QUANTITY,
                                  FL_FACT_DATE,  FL_FACT_DATE,     FL_FACT_QUOTE,
                                  FL_FACT_PLACE, FL_FACT_DURATION, (fl_fact_kind)42};
    size_t nk = sizeof kinds / sizeof *kinds;
    for (size_t i = 0; i < nk; i++) {
        fl_fact *f = fl_facts_add(&fs, kinds[i], SIZE_MAX, SIZE_MAX);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        f->line = f->column = f->paragraph = f->sentence = UINT32_MAX;
        f->text = i % 2 ? "\"\x01\"" : "a text of some length, \"quoted\"";
        f->value = -1.2345678901234567e-300;
        f->value_max = -2.2250738585072014e-308;
        f->currency = "USD";
        f->currency_source = "\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f";
        f->qualifier = "more than";
        f->unit = "\\";
        f->link = 0;
        f->speaker = f->speaker_text = f->attribution = "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"";
        f->partial = true;
        f->date = i == 3 ? (fl_date){-2000000000, -2000000000, -2000000000, FL_PREC_DAY}
                         : (fl_date){1999, 0, 0, FL_PREC_CENTURY};
        f->relative = i == 3;
        f->anchor = "2017-11-24";
        f->name = f->key = f->title = f->canonical = "\n";
    }
    fs.items[0].extra_json = "{\"x\":[1,2,3]}";
    for (size_t i = 0; i < nk; i++) {
        fl_strbuf want = FL_STRBUF_INIT;
        CU_ASSERT_EQUAL_FATAL(fl_fact_write_json(&want, "id\x02", &fs.items[i], &fs), 0);
        for (size_t room = 0; room <= want.len + 700; room++) {
            size_t used = 40;
            fl_strbuf sb;
            sb.alloc = used + room + 1;
            sb.buf = fl_malloc(sb.alloc);
            CU_ASSERT_PTR_NOT_NULL_FATAL(sb.buf);
            memset(sb.buf, 'x', used);
            sb.buf[used] = '\0';
            sb.len = used;
            CU_ASSERT_EQUAL(fl_fact_write_json(&sb, "id\x02", &fs.items[i], &fs), 0);
            CU_ASSERT_EQUAL(sb.len, used + want.len);
            CU_ASSERT(sb.len < sb.alloc && sb.buf[sb.len] == '\0');
            CU_ASSERT(memcmp(sb.buf + used, want.buf, want.len) == 0);
            fl_strbuf_release(&sb);
        }
        fl_strbuf_release(&want);
    }
    fl_facts_release(&fs);
}

static void *no_memory_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (!size)
        free(ptr);
    return NULL;
}
static const fl_allocator no_memory = {no_memory_realloc, NULL};

/* An article's lines in one call are its facts' lines one by one, each with
 * a newline, whatever the id (escaped, long, past the 32 bytes written once)
 * and however little room the buffer has left. */
static void test_writer_article_lines(void)
{
    fl_facts fs;
    fl_facts_init(&fs);
    for (int i = 0; lines[i]; i++) {
        const char *id = NULL;
        fl_error err;
        CU_ASSERT_EQUAL_FATAL(fl_fact_parse_json(lines[i], strlen(lines[i]), &fs, &id, &err),
                              FL_OK);
    }
    static const char *const ids[] = {
        "a",
        "a\"b\\c\x01",
        "reuters-0001234567890123456789",
        "an id of exactly 32 bytes, 12345",
        "an id of more than 32 bytes, \"quoted\" and long",
        "\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f"
        "\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f"};
    size_t k_long = 4; /* more than 32 bytes */
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        fl_strbuf want = FL_STRBUF_INIT;
        for (size_t i = 0; i < fs.n; i++) {
            CU_ASSERT_EQUAL(fl_fact_write_json(&want, ids[k], &fs.items[i], &fs), 0);
            fl_strbuf_addch(&want, '\n');
        }
        for (size_t room = 0; room <= want.len + 64; room += room < 600 ? 1 : 37) {
            fl_strbuf sb;
            sb.alloc = room + 4;
            sb.buf = fl_malloc(sb.alloc);
            CU_ASSERT_PTR_NOT_NULL_FATAL(sb.buf);
            memcpy(sb.buf, "ab\n", 4);
            sb.len = 3;
            CU_ASSERT_EQUAL(fl_facts_write_jsonl(&sb, ids[k], &fs), 0);
            CU_ASSERT_EQUAL(sb.len, 3 + want.len);
            CU_ASSERT(memcmp(sb.buf, "ab\n", 3) == 0);
            CU_ASSERT_STRING_EQUAL(sb.buf + 3, want.buf);
            fl_strbuf_release(&sb);
        }
        fl_strbuf_release(&want);
    }
    /* out of memory, at the first growth or part way (a long quote after
     * the lines the first growth makes room for): -1 and the buffer as it
     * was */
    char *long_text = fl_malloc(5001);
    CU_ASSERT_PTR_NOT_NULL_FATAL(long_text);
    memset(long_text, 'q', 5000);
    long_text[5000] = '\0';
    fl_fact *q = fl_facts_add(&fs, FL_FACT_QUOTE, 1000, 5000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    q->text = long_text;
    for (size_t room = 0; room < 4000; room += 50) {
        fl_strbuf sb;
        sb.alloc = room + 4;
        sb.buf = fl_malloc(sb.alloc);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sb.buf);
        memcpy(sb.buf, "ab\n", 4);
        sb.len = 3;
        fl_alloc_set(&no_memory);
        int rc = fl_facts_write_jsonl(&sb, ids[k_long], &fs);
        int rc2 = fl_facts_write_jsonl(&sb, "a", &fs);
        fl_alloc_set(NULL);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_EQUAL(rc2, -1);
        CU_ASSERT_EQUAL(sb.len, 3);
        CU_ASSERT_STRING_EQUAL(sb.buf, "ab\n");
        fl_strbuf_release(&sb);
    }
    fl_free(long_text);
    /* no facts: nothing written, nothing allocated */
    fl_facts none;
    fl_facts_init(&none);
    fl_strbuf sb = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL(fl_facts_write_jsonl(&sb, "a", &none), 0);
    CU_ASSERT_EQUAL(sb.len, 0);
    CU_ASSERT_EQUAL(sb.alloc, 0);
    fl_facts_release(&fs);
}

/* Facts sharing strings (the same pointers: currency codes, units, an
 * anchor; short, long and needing escapes) and dates of every precision,
 * in and out of the digit pairs' range: an article's lines are the facts
 * written one at a time, whatever room the buffer had. */
static void test_writer_shared_strings(void)
{
    static const char *const shared[] = {"USD",
                                         "symbol",
                                         "tonnes \"net\"",
                                         "a unit name that is longer than thirty-two bytes",
                                         "2017-11-24",
                                         NULL};
    static const fl_date dates[] = {{2017, 11, 24, FL_PREC_DAY},   {987, 3, 0, FL_PREC_MONTH},
                                    {5, 0, 0, FL_PREC_YEAR},       {1990, 0, 0, FL_PREC_DECADE},
                                    {1850, 0, 0, FL_PREC_CENTURY}, {12345, 1, 2, FL_PREC_DAY},
                                    {-44, 3, 15, FL_PREC_DAY},     {2001, 9, 11, FL_PREC_NONE}};
    fl_facts fs;
    fl_facts_init(&fs);
    /* nine kinds in turn: the date facts are i = 5, 14, 23... */
    for (size_t i = 0; i < 9 * 8; i++) {
        const char *a = shared[i % 5], *b = shared[(i / 5) % 5];
        fl_fact *f = fl_facts_add(&fs, (fl_fact_kind)(i % FL_FACT_KIND_COUNT), 10 * i, 4);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        f->text = i % 3 ? a : "x";
        f->value = (double)i / 4;
        f->unit = i % 4 ? a : NULL;
        f->qualifier = i % 7 ? NULL : b;
        f->currency = b;
        f->currency_source = i % 2 ? a : b;
        f->attribution = a;
        f->anchor = i % 6 ? b : NULL;
        f->relative = i % 2;
        f->date = dates[i / 9];
    }
    fl_strbuf want = FL_STRBUF_INIT;
    for (size_t i = 0; i < fs.n; i++) {
        CU_ASSERT_EQUAL(fl_fact_write_json(&want, "s.md", &fs.items[i], &fs), 0);
        fl_strbuf_addch(&want, '\n');
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(want.buf, "\"value\":\"0987-03\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(want.buf, "\"value\":\"0005\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(want.buf, "\"value\":\"1990s\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(want.buf, "\"value\":\"19th century\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(want.buf, "\"tonnes \\\"net\\\"\""));
    for (size_t room = 0; room <= want.len + 64; room += room < 400 ? 1 : 97) {
        fl_strbuf sb;
        sb.alloc = room + 1;
        sb.buf = fl_malloc(sb.alloc);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sb.buf);
        sb.buf[0] = '\0';
        sb.len = 0;
        CU_ASSERT_EQUAL(fl_facts_write_jsonl(&sb, "s.md", &fs), 0);
        CU_ASSERT_STRING_EQUAL(sb.buf, want.buf);
        fl_strbuf_release(&sb);
    }
    fl_strbuf_release(&want);
    fl_facts_release(&fs);
}

/* fl_facts_sort: offset, then kind, then the longest first, ties in their
 * first order, links following their facts; on the stack (20 facts) and
 * on the heap (600), with one-integer keys and, when a fact's offset or
 * length does not fit them or the list is longer than their index (5,000
 * facts), field by field. */
static void test_sort_orders_and_links(void)
{
    uint64_t st = 0x2545F4914F6CDD1DULL;
    for (int round = 0; round < 12; round++) {
        static const size_t sizes[3] = {20, 600, 5000};
        size_t n = sizes[round % 3];
        fl_facts fs;
        fl_facts_init(&fs);
        for (size_t i = 0; i < n; i++) {
            st ^= st << 13, st ^= st >> 7, st ^= st << 17;
            size_t off = (size_t)(st % 50), len = (size_t)((st >> 16) % 4);
            if (round / 3 == 1 && i == n / 2)
                off = (size_t)1 << 40; /* past the keys */
            if (round / 3 == 2 && i == n / 2)
                len = 70000; /* past the keys */
            fl_fact *f =
                fl_facts_add(&fs, (fl_fact_kind)((st >> 8) % FL_FACT_KIND_COUNT), off, len);
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            f->column = (uint32_t)i; /* its first place */
            f->link = (int32_t)((st >> 24) % (n + 1)) - 1;
            if (f->link >= 0 && (size_t)f->link >= n)
                f->link = -1;
        }
        int32_t *link_to = fl_calloc(n, sizeof *link_to); /* first places */
        CU_ASSERT_PTR_NOT_NULL_FATAL(link_to);
        for (size_t i = 0; i < n; i++)
            link_to[i] = fs.items[i].link;
        CU_ASSERT_EQUAL(fl_facts_sort(&fs), FL_OK);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            const fl_fact *f = &fs.items[i];
            if (i) {
                const fl_fact *e = &fs.items[i - 1];
                bool in_order = e->offset != f->offset   ? e->offset < f->offset
                                : e->kind != f->kind     ? e->kind < f->kind
                                : e->length != f->length ? e->length > f->length
                                                         : e->column < f->column;
                bad += !in_order;
            }
            int32_t want = link_to[f->column];
            bad += want < 0 ? f->link != -1
                            : f->link < 0 || fs.items[f->link].column != (uint32_t)want;
        }
        CU_ASSERT_EQUAL(bad, 0);
        fl_free(link_to);
        fl_facts_release(&fs);
    }
}

/* A list's facts stay 64-byte aligned (three whole cache lines each) and
 * keep their members through every growth; a growth without memory fails
 * with the list as it was. */
static void test_facts_items_aligned(void)
{
    CU_ASSERT_EQUAL(sizeof(fl_fact) % 64, 0);
    fl_facts fs;
    fl_facts_init(&fs);
    size_t misaligned = 0, wrong = 0;
    for (size_t i = 0; i < 600; i++) {
        fl_fact *f = fl_facts_add(&fs, (fl_fact_kind)(i % FL_FACT_KIND_COUNT), i, i + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        f->text = "t";
        f->link = (int32_t)i;
        misaligned += ((uintptr_t)fs.items & 63) != 0;
    }
    for (size_t i = 0; i < fs.n; i++) {
        const fl_fact *f = &fs.items[i];
        wrong += f->offset != i || f->length != i + 1 || f->link != (int32_t)i ||
                 f->kind != (fl_fact_kind)(i % FL_FACT_KIND_COUNT) || !isnan(f->value);
    }
    CU_ASSERT_EQUAL(misaligned, 0);
    CU_ASSERT_EQUAL(wrong, 0);
    /* full (cap a power of two): the next add grows, and fails without memory */
    while (fs.n < fs.cap)
        CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_DATE, fs.n, 1));
    size_t n = fs.n;
    const fl_fact *items = fs.items;
    fl_alloc_set(&no_memory);
    CU_ASSERT_PTR_NULL(fl_facts_add(&fs, FL_FACT_DATE, n, 1));
    fl_alloc_set(NULL);
    CU_ASSERT_EQUAL(fs.n, n);
    CU_ASSERT_PTR_EQUAL(fs.items, items);
    CU_ASSERT_EQUAL(fs.items[n - 1].offset, n - 1);
    fl_facts_release(&fs);
}

/* The writer's one-load measure of short strings (put_str): a string
 * ending at the last byte of a page followed by one that is not mapped
 * (the load must not cross into it), at every length from 0 to 40; and
 * strings followed by bytes to escape, a NUL or none past their own NUL,
 * which must not be written. */
static void test_writer_strings_at_page_end(void)
{
    long page = sysconf(_SC_PAGESIZE);
    CU_ASSERT_FATAL(page >= 4096);
    char *map =
        mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CU_ASSERT_FATAL(map != MAP_FAILED);
    CU_ASSERT_EQUAL_FATAL(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    static const char tails[][17] = {"\"abcdefghijklmno", "\x01\x01\x01\x01", "\\xyz",
                                     "pqrstuvwxyzabcdef"};
    char buf[64];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t t = 0; t <= sizeof tails / sizeof tails[0]; t++) {
            char *s;
            if (t == sizeof tails / sizeof tails[0]) {
                s = map + page - n - 1; /* the NUL is the page's last byte */
            } else {
                s = buf;
                memset(buf, 0, sizeof buf);
                memcpy(buf + n + 1, tails[t], strnlen(tails[t], sizeof tails[t]));
            }
            for (size_t i = 0; i < n; i++)
                s[i] = (char)('A' + (i * 5 + n) % 26);
            if (n >= 6 && t == 1)
                s[n - 1] = '"'; /* one to escape just before the NUL */
            s[n] = '\0';
            check_name_fact(FL_FACT_ORG, 3, s, "N", s, NULL);
        }
    }
    munmap(map, 2 * (size_t)page);
}

static const fl_test_case cases[] = {
    {"writer: strings at a page's end, bytes past their NUL", test_writer_strings_at_page_end},
    {"facts: items aligned through growth", test_facts_items_aligned},
    {"writer: texts and names of 0-40 bytes", test_writer_short_strings},
    {"locate: columns between facts", test_locate_columns},
    {"locate: paragraphs and sentences", test_locate_paragraphs_sentences},
    {"writer: a long text", test_writer_long_text},
    {"writer: any room left at the buffer's end", test_writer_room_at_buffer_end},
    {"writer: an article's lines in one call", test_writer_article_lines},
    {"writer: shared strings and dates of every precision", test_writer_shared_strings},
    {"sort: order, ties and links", test_sort_orders_and_links},
    {"%.17g by hand matches printf", test_g17_matches_printf},
    {"writer: numbers and escapes", test_writer_numbers_and_escapes},
    {"each line round-trips", test_round_trip_lines},
    {"reader groups, links and locates", test_reader_groups_links_locations},
    {"bad lines name the problem", test_bad_lines},
    {"reader goes on after a bad line", test_reader_goes_on_after_bad_line},
    {"missing file", test_missing_file},
    {NULL, NULL}};

FL_TEST_MAIN("factio", cases)
