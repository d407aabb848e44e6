/* Unit tests for engine/core/factio: reading facts JSONL back, validation, round trip. */
#include "core/alloc.h"
#include "core/factio.h"
#include "core/finding.h"
#include "fl_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    CU_ASSERT_EQUAL(fl_location_fill(&loc, a, fs.items[2].offset, fs.items[2].length), FL_OK);
    CU_ASSERT_EQUAL(loc.line, 7);
    CU_ASSERT_EQUAL(loc.column, 2);
    CU_ASSERT_STRING_EQUAL(loc.excerpt, "We will build it");
    fl_location_release(&loc);
    CU_ASSERT_EQUAL(fl_location_fill(&loc, a, fs.items[1].offset, fs.items[1].length), FL_OK);
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

static const fl_test_case cases[] = {
    {"each line round-trips", test_round_trip_lines},
    {"reader groups, links and locates", test_reader_groups_links_locations},
    {"bad lines name the problem", test_bad_lines},
    {"reader goes on after a bad line", test_reader_goes_on_after_bad_line},
    {"missing file", test_missing_file},
    {NULL, NULL}};

FL_TEST_MAIN("factio", cases)
