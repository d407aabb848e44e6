/*
 * test_report.c - the report writers on hand-made audits (tests/report/fixture.c).
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE (wrapped below) */
#include "fl_test.h"

#include "fixture.h"

#include "core/alloc.h"
#include "report/atomic.h"
#include "report/baseline.h"
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const all_formats[] = {"text", "json", "sarif", "junit", "markdown", "html"};
#define N_FORMATS (sizeof all_formats / sizeof *all_formats)

static fl_report_options options(void)
{
    fl_report_options o;
    fl_report_options_init(&o);
    o.tool_version = "9.9.9";
    o.fail_on = FL_SEV_WARNING;
    return o;
}

/* Writes a report into memory; returns a NUL-terminated buffer (free()) or NULL. */
static char *render(const char *format, const fl_audit *au, const fl_report_options *opt,
                    fl_status *st_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return NULL;
    fl_error err;
    fl_error_clear(&err);
    fl_status st = fl_report_write(format, fp, au, opt, &err);
    fclose(fp);
    if (st_out)
        *st_out = st;
    if (st != FL_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += k)
        n++;
    return n;
}

static void test_format_names(void)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        CU_ASSERT_TRUE(fl_report_format_known(all_formats[i]));
    CU_ASSERT_FALSE(fl_report_format_known("pdf"));
    CU_ASSERT_FALSE(fl_report_format_known(NULL));
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    CU_ASSERT_EQUAL(fl_report_write("pdf", stdout, &au, NULL, &err), FL_EUSAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "'pdf'"));
}

static void test_text_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    char *t = render("text", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    /* a multi-byte span on the first line: column counts characters */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "wire/kaito.txt:1:1: warning: place name '\xC5\x8Csaka' is "
                                     "spelled 'Osaka' elsewhere [place.spelling]\n"
                                     "\xC5\x8Csaka \xE2\x80\x94 Kaito"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "said.\n^~~~~\n"));
    /* "¥6bn (£32m)" starts at column 36 and is 11 characters wide */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\n                                   ^~~~~~~~~~~\n"));
    /* the last line, and a message with a line break printed on one line */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "wire/kaito.txt:5:13: error: text looks like markup: "
                                     "<script>&\"' | `tick` ctl second line [markup.hostile]\n"));
    CU_ASSERT_PTR_NULL(strchr(t, '\x01'));
    /* a span running past its line is underlined to the end of the line */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "[name.title]\n"));
    const char *nt = strstr(t, "[name.title]\n");
    const char *caret = strchr(strchr(nt, '\n') + 1, '\n') + 1;
    CU_ASSERT_EQUAL(strspn(caret, " "), 63u);
    CU_ASSERT_EQUAL(strspn(caret + 63, "^~"), 15u); /* "its chief said." */
    /* related span as a note with its own caret */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "wire/kaito.txt:2:1: note: first printed here\n"
                                     "\"We are committed to the city,\" said chief executive "
                                     "Aiko Tanaka.\n^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"));
    /* CRLF article: line_base 3, no carriage return printed, zero-length caret */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "copy/mayor.md:4:1: info: relative date with no dateline "
                                     "[date.no_dateline]\nThe mayor, Ann Lee, opened the bridge."
                                     "\n^\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "copy/mayor.md:5:21: warning:"));
    CU_ASSERT_PTR_NULL(strchr(t, '\r'));
    /* suppressed findings are not printed */
    CU_ASSERT_PTR_NULL(strstr(t, "a baseline accepted this one"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "skipped:\n  feeds/bad.txt:1: invalid UTF-8 at byte 12"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "rule errors:\n  broken.rule (load) rules/broken.lua:3: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "    rules/money_sum.lua:42: in function 'check'\n"));
    CU_ASSERT_PTR_NULL(strstr(t, "[C]: in ?")); /* only the first traceback line */
    CU_ASSERT_PTR_NOT_NULL(strstr(t,
                                  "\n3 articles checked, 1 skipped; 2 errors, 3 warnings, 3 info "
                                  "(1 suppressed by baseline); 2 rule errors\n"));
    CU_ASSERT_PTR_NULL(strchr(t, '\033'));
    free(t);
    o.color_enabled = true;
    t = render("text", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\033[1;31merror:\033[0m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\033[1;35mwarning:\033[0m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\033[1;36minfo:\033[0m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\033[1;32m^~~~~\033[0m"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\033[1mwire/kaito.txt:1:1:\033[0m"));
    free(t);
    fl_audit_release(&au);
}

static void test_text_tabs_and_wide(void)
{
    fl_audit au;
    fl_audit_init(&au);
    fl_finding f;
    memset(&f, 0, sizeof f);
    f.rule = fl_strdup("x.y");
    f.message = fl_strdup("m");
    f.path = fl_strdup("a.txt");
    f.severity = FL_SEV_ERROR;
    f.loc.line = f.loc.end_line = 1;
    f.loc.column = 4; /* after a tab and two wide characters */
    f.loc.end_column = 6;
    f.loc.line_text = fl_strdup("\t\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87x");
    f.loc.excerpt = fl_strdup("\xE4\xB8\xAD\xE6\x96\x87");
    CU_ASSERT_EQUAL_FATAL(fl_audit_add_finding(&au, &f), FL_OK);
    fl_report_options o = options();
    char *t = render("text", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    /* tab kept, each wide character two columns, the span underlined two columns each */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "\n\t    ^~~~\n"));
    free(t);
    fl_audit_release(&au);
}

static json_t *parse(const char *s)
{
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j)
        fprintf(stderr, "json: %s at line %d\n", je.text, je.line);
    return j;
}

static void test_json_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    o.command_line = "factlint check wire/";
    char *t = render("json", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    json_t *j = parse(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "schema_version")), 1);
    json_t *tool = json_object_get(j, "tool");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tool, "version")), "9.9.9");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(tool, "lua")), "Lua 5.4.4");
    json_t *sum = json_object_get(j, "summary");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(sum, "findings")), FL_FIXTURE_RICH_FINDINGS);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(sum, "suppressed")), 1);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(sum, "exit_code")), 3);
    json_t *finds = json_object_get(j, "findings");
    CU_ASSERT_EQUAL(json_array_size(finds), au.n_findings);
    size_t suppressed = 0, with_related = 0;
    for (size_t i = 0; i < json_array_size(finds); i++) {
        json_t *f = json_array_get(finds, i);
        CU_ASSERT_TRUE(json_is_array(json_object_get(f, "evidence")));
        CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(f, "fingerprint"))), 16u);
        if (json_is_true(json_object_get(f, "suppressed")))
            suppressed++;
        json_t *rel = json_object_get(f, "related");
        CU_ASSERT_TRUE(json_is_array(rel));
        if (json_array_size(rel)) {
            with_related++;
            CU_ASSERT_TRUE(json_is_string(json_object_get(json_array_get(rel, 0), "message")));
            CU_ASSERT_TRUE(json_is_integer(json_object_get(json_array_get(rel, 0), "line")));
        }
    }
    CU_ASSERT_EQUAL(suppressed, FL_FIXTURE_RICH_SUPPRESSED);
    CU_ASSERT_EQUAL(with_related, 2u);
    json_t *f0 = json_array_get(finds, 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(f0, "excerpt")), "\xC5\x8Csaka");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(f0, "end_column")), 6);
    json_t *ev = json_array_get(json_object_get(f0, "evidence"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(ev, "kind")), "quote");
    json_t *errs = json_object_get(j, "errors");
    size_t rule = 0, input = 0;
    for (size_t i = 0; i < json_array_size(errs); i++) {
        const char *ty = json_string_value(json_object_get(json_array_get(errs, i), "type"));
        rule += !strcmp(ty, "rule");
        input += !strcmp(ty, "input");
    }
    CU_ASSERT_EQUAL(rule, 2u);
    CU_ASSERT_EQUAL(input, 1u);
    json_t *arts = json_object_get(j, "articles");
    CU_ASSERT_EQUAL(json_array_size(arts), 4u);
    json_t *bad = json_array_get(arts, 2);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(bad, "status")), "skipped");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(bad, "error"), "code")), "utf8");
    CU_ASSERT_TRUE(json_is_null(json_object_get(json_array_get(arts, 0), "error")));
    json_t *rules = json_object_get(j, "rules");
    CU_ASSERT_EQUAL(json_array_size(rules), 10u);
    json_t *broken = json_array_get(rules, 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(broken, "id")), "broken.rule");
    CU_ASSERT_TRUE(json_is_false(json_object_get(broken, "loaded")));
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(broken, "errors"), "load")),
                    1);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(broken, "tags")), 2u);
    json_decref(j);
    free(t);
    fl_audit_release(&au);
}

/* The JSON report is written piece by piece, and clean articles without the
 * jansson objects: the bytes must still be jansson's dump of the whole tree,
 * for articles whose strings need escaping, a tab, or no dateline too. */
/* A streamed JSON text must be the dump of its whole tree (2-space indent,
 * keys in order) and a newline. */
static void assert_whole_tree_dump(const char *t, json_t *j)
{
    char *tree = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    size_t n = strlen(tree);
    CU_ASSERT_EQUAL(strlen(t), n + 1);
    CU_ASSERT_TRUE(strncmp(t, tree, n) == 0 && t[n] == '\n');
    free(tree);
}

static void test_json_streamed_equals_tree(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    static const struct {
        const char *id, *title, *dateline;
    } odd[] = {
        {"wire \"7\" \\ x", "A \"quoted\" \\ title", "2024-03-15"},
        {"tabbed", "a\ttab", NULL},
        {"caf\xC3\xA9/\xE2\x80\x9Cq\xE2\x80\x9D", NULL, "2024-03"},
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        fl_article_record r;
        memset(&r, 0, sizeof r);
        r.seq = 100 + i;
        r.id = (char *)odd[i].id;
        r.path = (char *)"odd/path \"x\".jsonl";
        r.title = (char *)odd[i].title;
        r.n_facts = 3;
        r.dateline = (char *)odd[i].dateline;
        r.dateline_source = odd[i].dateline ? "jsonl" : NULL;
        fl_error_clear(&r.error);
        CU_ASSERT_EQUAL_FATAL(fl_audit_add_article(&au, &r), FL_OK);
    }
    fl_report_options o = options();
    char *t = render("json", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    json_t *j = parse(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "articles")), 7u);
    assert_whole_tree_dump(t, j);
    json_decref(j);
    free(t);
    fl_audit_release(&au);
}

/* Findings and articles are written without jansson where the writer can be
 * sure of the bytes, through jansson otherwise: both must give the same
 * report, for evidence and strings made to tell them apart. */
static void test_json_direct_equals_jansson(void)
{
    static const char *const evidence[] = {
        "[]",
        "",
        "[{\"kind\":\"money\",\"value\":6770000000,\"currency\":null,\"partial\":false}]",
        "[{\"value\":0.1},{\"value\":2.5},{\"value\":-3.0E-7},{\"value\":1e21},{\"v\":1e-400}]",
        "[{\"value\":1e400}]",
        "[{\"v\":-0},{\"v\":12345678901234567890},{\"v\":-123456789012345678}]",
        "[{\"t\":\"caf\\u00e9\"}]",
        "[{\"t\":\"a\\/b\"}]",
        "[{\"t\":\"tab\\tnew\\nq\\\"b\\\\s\\b\\f\\r\"}]",
        "[{\"t\":\"caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D\"}]",
        "[{\"a\":1,\"a\":2}]",
        " [ { \"a\" : [ 1 , [ ] , { } , [ [ true ] ] ] , \"b\" : { \"c\" : false } } ] ",
        "[{\"a\":1}] x",
        "[{\"a\":\"raw\x01ctl\"}]",
        "[{\"a\":\"bad \xC3\"}]",
        "{\"not\":\"an array\"}",
        "\"just a string\"",
        "[1,2,]",
        "[{\"a\":01}]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    static const char *const messages[] = {
        "plain",
        "with \"quotes\" and \\",
        "ctl \x01 and \x1f and tab\t",
        "bad \xFF utf-8",
        "caf\xC3\xA9",
        "a longer message with a \"quote\" past the eighth byte, a \\ and a tab\t too",
    };
    fl_audit au;
    fl_audit_init(&au);
    size_t n_ev = sizeof evidence / sizeof *evidence, n_msg = sizeof messages / sizeof *messages;
    for (size_t i = 0; i < n_ev; i++) {
        fl_finding f;
        memset(&f, 0, sizeof f);
        f.rule = fl_strdup("x.y");
        f.message = fl_strdup(messages[i % n_msg]);
        f.message_id = i % 2 ? fl_strdup("id") : NULL;
        f.article_id = fl_strdup("a1");
        f.path = fl_strdup(i % 3 ? "a.jsonl" : "dir/\"odd\".jsonl");
        f.severity = (fl_severity)(1 + i % 3);
        f.loc.line = f.loc.end_line = (uint32_t)i + 1;
        f.loc.column = 3;
        f.loc.end_column = 9;
        f.loc.offset = 1000 * i;
        f.loc.length = 6;
        f.loc.excerpt = fl_strdup(i % 4 ? "excerpt" : "ex\ncerpt");
        if (i % 3 == 1) {
            f.n_related = 1 + i % 2;
            f.related = fl_calloc(f.n_related, sizeof *f.related);
            for (size_t r = 0; r < f.n_related; r++) {
                f.related[r].loc = f.loc;
                f.related[r].loc.excerpt = fl_strdup("rel");
                f.related[r].message = r ? NULL : fl_strdup(messages[(i + 1) % n_msg]);
            }
        }
        f.evidence_json = fl_strdup(evidence[i]);
        snprintf(f.fingerprint, sizeof f.fingerprint, "%016zx", i);
        f.suppressed = i == 4;
        CU_ASSERT_EQUAL_FATAL(fl_audit_add_finding(&au, &f), FL_OK);
    }
    static const struct {
        const char *id, *title, *dateline;
        bool skipped;
    } arts[] = {
        {"a1", "Plain title", "2024-03-15", false},
        {"a2 \"q\" \\", "tab\tctl\x01 caf\xC3\xA9", NULL, false},
        {"a3", "bad \xFF utf-8", "2024", false},
        {"a4", NULL, "2024-03", true},
    };
    for (size_t i = 0; i < sizeof arts / sizeof *arts; i++) {
        fl_article_record r;
        memset(&r, 0, sizeof r);
        r.seq = i;
        r.id = (char *)arts[i].id;
        r.path = (char *)"feed.jsonl";
        r.title = (char *)arts[i].title;
        r.n_facts = 10 * i;
        r.n_findings = i;
        r.dateline = (char *)arts[i].dateline;
        r.dateline_source = arts[i].dateline ? "jsonl" : NULL;
        r.skipped = arts[i].skipped;
        fl_error_clear(&r.error);
        if (r.skipped)
            fl_error_set(&r.error, FL_EPARSE, "bad line");
        CU_ASSERT_EQUAL_FATAL(fl_audit_add_article(&au, &r), FL_OK);
    }
    fl_report_options o = options();
    char *direct = render("json", &au, &o, NULL);
    fl_report_json_no_direct = true;
    char *tree = render("json", &au, &o, NULL);
    fl_report_json_no_direct = false;
    CU_ASSERT_PTR_NOT_NULL_FATAL(direct);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
    CU_ASSERT_STRING_EQUAL(direct, tree);
    json_t *j = parse(direct);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "findings")), n_ev);
    json_decref(j);
    free(direct);
    free(tree);
    fl_audit_release(&au);
}

/* SARIF's results are written one by one after the rest of the tree: the
 * bytes must be the dump of the whole tree, with results and without. */
static void test_sarif_streamed_equals_tree(void)
{
    fl_audit au[3];
    CU_ASSERT_FATAL(fl_fixture_rich(&au[0]));
    fl_fixture_spill = true;
    CU_ASSERT_FATAL(fl_fixture_big(&au[1], 5));
    fl_fixture_spill = false;
    fl_audit_init(&au[2]);
    fl_report_options o = options();
    for (int v = 0; v < 3; v++) {
        char *t = render("sarif", &au[v], &o, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        json_t *j = parse(t);
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        json_t *results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
        CU_ASSERT_EQUAL(json_array_size(results), au[v].n_findings);
        assert_whole_tree_dump(t, j);
        json_decref(j);
        free(t);
        fl_audit_release(&au[v]);
    }
}

static void test_sarif_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    char *t = render("sarif", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    json_t *j = parse(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "version")), "2.1.0");
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    json_t *results = json_object_get(run, "results");
    CU_ASSERT_EQUAL(json_array_size(results), au.n_findings);
    size_t suppressed = 0;
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *r = json_array_get(results, i);
        json_int_t idx = json_integer_value(json_object_get(r, "ruleIndex"));
        CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(json_array_get(rules, idx), "id")),
                               json_string_value(json_object_get(r, "ruleId")));
        if (json_object_get(r, "suppressions"))
            suppressed++;
        const char *lvl = json_string_value(json_object_get(r, "level"));
        CU_ASSERT_TRUE(!strcmp(lvl, "error") || !strcmp(lvl, "warning") || !strcmp(lvl, "note"));
    }
    CU_ASSERT_EQUAL(suppressed, 1u);
    json_t *r0 = json_array_get(results, 0);
    json_t *pl =
        json_object_get(json_array_get(json_object_get(r0, "locations"), 0), "physicalLocation");
    CU_ASSERT_STRING_EQUAL(
        json_string_value(json_object_get(json_object_get(pl, "artifactLocation"), "uri")),
        "wire/kaito.txt");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(pl, "region"), "endColumn")),
                    6);
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    CU_ASSERT_TRUE(json_is_false(json_object_get(inv, "executionSuccessful")));
    CU_ASSERT_EQUAL(json_array_size(json_object_get(inv, "toolExecutionNotifications")), 3u);
    json_decref(j);
    free(t);
    fl_audit_release(&au);
}

static xmlDocPtr parse_xml(const char *s)
{
    return xmlReadMemory(s, (int)strlen(s), "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
}

static long attr_long(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    long r = v ? strtol((const char *)v, NULL, 10) : -1;
    xmlFree(v);
    return r;
}

static void test_junit_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    char *t = render("junit", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    xmlDocPtr doc = parse_xml(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    long failures = 0, errors = 0, skipped = 0, suites = 0;
    for (xmlNodePtr s = xmlDocGetRootElement(doc)->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        suites++;
        long tests = 0, f = 0, e = 0, sk = 0;
        for (xmlNodePtr c = s->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "testcase"))
                continue;
            tests++;
            for (xmlNodePtr k = c->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE)
                    continue;
                f += !strcmp((const char *)k->name, "failure");
                e += !strcmp((const char *)k->name, "error");
                sk += !strcmp((const char *)k->name, "skipped");
            }
        }
        CU_ASSERT_EQUAL(attr_long(s, "tests"), tests);
        CU_ASSERT_EQUAL(attr_long(s, "failures"), f);
        CU_ASSERT_EQUAL(attr_long(s, "errors"), e);
        CU_ASSERT_EQUAL(attr_long(s, "skipped"), sk);
        failures += f;
        errors += e;
        skipped += sk;
    }
    CU_ASSERT_EQUAL(suites, 11); /* 10 rules and factlint.input */
    /* 8 shown findings in 8 (rule, article) pairs; money.sum errored on one article and
     * broken.rule failed to load */
    CU_ASSERT_EQUAL(failures, 8);
    CU_ASSERT_EQUAL(errors, 2);
    CU_ASSERT_EQUAL(skipped, 1);
    CU_ASSERT_PTR_NULL(strchr(t, '\x01')); /* stripped: invalid in XML 1.0 */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "&lt;script&gt;&amp;&quot;&#39;"));
    CU_ASSERT_PTR_NULL(strstr(t, "a baseline accepted this one"));
    xmlFreeDoc(doc);
    free(t);
    fl_audit_release(&au);
}

static void test_markdown_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    char *t = render("markdown", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(strncmp(t, "## factlint: failed (rule errors)\n", 34), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "| error | 2 |\n| warning | 3 |\n| info | 3 |\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "| `quote.duplicate` | 0 | 1 | 0 | 0 |\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "### Findings (8)\n"));
    /* hostile message escaped; one table row (no raw newline, no raw pipe) */
    CU_ASSERT_PTR_NOT_NULL(strstr(t,
                                  "| text looks like markup: \\<script\\>&amp;\"' \\| \\`tick\\` "
                                  "ctl second line | `<script>alert(\"x&y\")</script>` |\n"));
    CU_ASSERT_PTR_NULL(strstr(t, "a baseline accepted this one"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<summary>Skipped articles (1)</summary>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<summary>Rule errors (2)</summary>"));
    free(t);
    o.max_findings_markdown = 3;
    t = render("markdown", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "### Findings (first 3 of 8)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "money.currency"));
    CU_ASSERT_PTR_NULL(strstr(t, "| copy/mayor.md"));
    free(t);
    fl_audit_release(&au);
}

/* true when every <mark> opens and closes in order inside each <pre>. */
static bool marks_balanced(const char *t)
{
    long depth = 0;
    for (const char *p = t; *p; p++) {
        if (!strncmp(p, "<mark ", 6))
            depth++;
        else if (!strncmp(p, "</mark>", 7) && --depth < 0)
            return false;
        else if (!strncmp(p, "</pre>", 6) && depth)
            return false;
    }
    return depth == 0;
}

static void test_html_rich(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    char *t = render("html", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(strncmp(t, "<!DOCTYPE html>\n", 16), 0);
    /* one focusable mark per shown finding */
    CU_ASSERT_EQUAL(count(t, "tabindex=\"0\""), FL_FIXTURE_RICH_FINDINGS);
    CU_ASSERT_EQUAL(count(t, "<li class=\"fi "), FL_FIXTURE_RICH_FINDINGS);
    CU_ASSERT_TRUE(marks_balanced(t));
    /* overlapping spans: the related quote was split into a continuation piece */
    CU_ASSERT_EQUAL(count(t, " cont\""), 1u);
    /* hostile text escaped: the only script element is the report's own */
    CU_ASSERT_EQUAL(count(t, "<script"), 1u);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;"));
    CU_ASSERT_PTR_NULL(strchr(t, '\x01'));
    /* self-contained: no external resources */
    CU_ASSERT_PTR_NULL(strstr(t, "src="));
    CU_ASSERT_PTR_NULL(strstr(t, "<link"));
    CU_ASSERT_PTR_NULL(strstr(t, "url("));
    /* every in-page link points at an id that exists */
    size_t links = 0;
    char *script = strstr(t, "<script>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(script);
    *script = '\0'; /* the script's own selector strings are not links */
    for (const char *p = t; (p = strstr(p, "href=\"#")); p += 7) {
        const char *e = strchr(p + 7, '"');
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        char id[64];
        snprintf(id, sizeof id, "id=\"%.*s\"", (int)(e - p - 7), p + 7);
        CU_ASSERT_PTR_NOT_NULL(strstr(t, id));
        links++;
    }
    CU_ASSERT_EQUAL(links, FL_FIXTURE_RICH_FINDINGS + 2 /* list */ + 2 /* in-text */);
    *script = '<';
    /* line numbers count from line_base: the CRLF article starts at line 4 */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<pre class=\"text\"><span class=\"ln\" data-n=\"4\">"));
    CU_ASSERT_PTR_NULL(strstr(t, "\r"));
    CU_ASSERT_PTR_NULL(strstr(t, "a baseline accepted this one"));
    /* the article with findings has a template, filters exist */
    CU_ASSERT_EQUAL(count(t, "<template>"), 2u);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "id=\"frule\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "id=\"fart\""));
    CU_ASSERT_EQUAL(count(t, "class=\"fsev\""), 3u);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<svg class=\"chart\""));
    free(t);
    /* without article text the findings are still listed, without marks */
    for (size_t i = 0; i < au.n_entries; i++)
        if (au.entries[i].extra) {
            fl_free((char *)au.entries[i].extra->text);
            au.entries[i].extra->text = NULL;
        }
    t = render("html", &au, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(count(t, "<mark"), 0u);
    CU_ASSERT_EQUAL(count(t, "<li class=\"fi "), FL_FIXTURE_RICH_FINDINGS);
    free(t);
    fl_audit_release(&au);
}

static void test_empty_audit(void)
{
    fl_audit au;
    fl_audit_init(&au);
    fl_report_options o = options();
    for (size_t i = 0; i < N_FORMATS; i++) {
        fl_status st;
        char *t = render(all_formats[i], &au, &o, &st);
        CU_ASSERT_EQUAL(st, FL_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        if (!strcmp(all_formats[i], "json") || !strcmp(all_formats[i], "sarif")) {
            json_t *j = parse(t);
            CU_ASSERT_PTR_NOT_NULL(j);
            json_decref(j);
        }
        if (!strcmp(all_formats[i], "junit")) {
            xmlDocPtr d = parse_xml(t);
            CU_ASSERT_PTR_NOT_NULL(d);
            xmlFreeDoc(d);
        }
        if (!strcmp(all_formats[i], "text"))
            CU_ASSERT_STRING_EQUAL(t, "0 articles checked, 0 skipped; 0 errors, 0 warnings, 0 "
                                      "info (0 suppressed by baseline); 0 rule errors\n");
        if (!strcmp(all_formats[i], "markdown"))
            CU_ASSERT_EQUAL(strncmp(t, "## factlint: passed\n", 20), 0);
        free(t);
    }
    fl_audit_release(&au);
}

static void test_deterministic(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    for (size_t i = 0; i < N_FORMATS; i++) {
        char *a = render(all_formats[i], &au, &o, NULL);
        char *b = render(all_formats[i], &au, &o, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_STRING_EQUAL(a, b);
        free(a);
        free(b);
    }
    fl_audit_release(&au);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (len + 4096 + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        size_t n = fread(buf + len, 1, 4096, fp);
        len += n;
        if (n < 4096)
            break;
    }
    fclose(fp);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_atomic_write(void)
{
    char dir[] = "/tmp/fl_report_testXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256], missing[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.json", dir);
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    fl_error err;
    fl_error_clear(&err);
    CU_ASSERT_EQUAL(fl_report_write_file("json", missing, &au, &o, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, missing));
    CU_ASSERT_EQUAL(dir_entries(dir), 0u);
    /* an existing target is replaced whole */
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    for (int i = 0; i < 20000; i++)
        fputs("old content that is longer than the new report\n", fp);
    fclose(fp);
    fl_audit empty;
    fl_audit_init(&empty);
    CU_ASSERT_EQUAL(fl_report_write_file("json", path, &empty, &o, &err), FL_OK);
    char *got = slurp(path);
    char *want = render("json", &empty, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(dir_entries(dir), 1u); /* no temporary left behind */
    free(got);
    free(want);
    /* an unknown format leaves the target alone */
    CU_ASSERT_EQUAL(fl_report_write_file("pdf", path, &empty, &o, &err), FL_EUSAGE);
    CU_ASSERT_EQUAL(dir_entries(dir), 1u);
    /* baseline files are written the same way */
    snprintf(missing, sizeof missing, "%s/none/base.json", dir);
    CU_ASSERT_EQUAL(fl_baseline_write(missing, &au, &err), FL_EIO);
    CU_ASSERT_EQUAL(dir_entries(dir), 1u);
    unlink(path);
    rmdir(dir);
    fl_audit_release(&au);
}

/* fsync, counted: this test program is linked with -Wl,--wrap=fsync
 * (tests/unit/report.cmake), so the library's calls come here first. */
static int n_fsync;
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
    n_fsync++;
    return __real_fsync(fd);
}

static void test_atomic_fsync(void)
{
    char dir[] = "/tmp/fl_report_testXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    fl_audit empty;
    fl_audit_init(&empty);
    fl_report_options o = options();
    fl_error err;
    fl_error_clear(&err);
    char *want = render("json", &empty, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    /* by default nothing waits for the disk */
    n_fsync = 0;
    CU_ASSERT_EQUAL(fl_report_write_file("json", path, &empty, &o, &err), FL_OK);
    CU_ASSERT_EQUAL(n_fsync, 0);
    /* --fsync: the file before its rename, then its directory after */
    fl_atomic_set_fsync(true);
    unlink(path);
    CU_ASSERT_EQUAL(fl_report_write_file("json", path, &empty, &o, &err), FL_OK);
    CU_ASSERT_EQUAL(n_fsync, 2);
    char *got = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
    CU_ASSERT_EQUAL(dir_entries(dir), 1u);
    /* a failed write syncs nothing and leaves nothing behind */
    char missing[256];
    snprintf(missing, sizeof missing, "%s/no/out.json", dir);
    n_fsync = 0;
    CU_ASSERT_EQUAL(fl_report_write_file("json", missing, &empty, &o, &err), FL_EIO);
    CU_ASSERT_EQUAL(n_fsync, 0);
    fl_atomic_set_fsync(false);
    n_fsync = 0;
    CU_ASSERT_EQUAL(fl_report_write_file("json", path, &empty, &o, &err), FL_OK);
    CU_ASSERT_EQUAL(n_fsync, 0);
    free(want);
    unlink(path);
    rmdir(dir);
}

/* renameat2, counted and made to fail on demand (-Wl,--wrap=renameat2 in
 * tests/unit/report.cmake), as on a file system without RENAME_EXCHANGE. */
static int n_exchange, exchange_errno;
int __real_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                     unsigned int flags);
int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                     unsigned int flags);
int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                     unsigned int flags)
{
    if (flags & RENAME_EXCHANGE)
        n_exchange++;
    if (exchange_errno) {
        errno = exchange_errno;
        return -1;
    }
    return __real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
}

static void write_old(const char *path)
{
    static const char line[] = "old content that is longer than the new report\n";
    static char text[1000 * (sizeof line - 1) + 1];
    for (int i = 0; i < 1000; i++)
        memcpy(text + (size_t)i * (sizeof line - 1), line, sizeof line - 1);
    write_text(path, text);
}

/* An existing file is swapped with the finished temporary and the old one
 * unlinked; where the swap is refused, a plain rename; with --fsync (or no
 * file there yet) a plain rename.  Each way the target ends up whole with
 * nothing left beside it. */
static void test_atomic_exchange(void)
{
    char dir[] = "/tmp/fl_report_testXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.json", dir);
    fl_audit empty;
    fl_audit_init(&empty);
    fl_report_options o = options();
    fl_error err;
    fl_error_clear(&err);
    char *want = render("json", &empty, &o, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    struct {
        const char *what;
        bool old, sync;
        int fail;      /* errno the exchange gets, 0 for none */
        int exchanges; /* exchanges expected */
        fl_status st;
    } cases[] = {
        {"new file", false, false, 0, 0, FL_OK},
        {"existing file", true, false, 0, 1, FL_OK},
        {"no exchange on this file system", true, false, EINVAL, 1, FL_OK},
        {"older kernel", true, false, ENOSYS, 1, FL_OK},
        {"exchange refused", true, false, EACCES, 1, FL_EIO},
        {"--fsync", true, true, 0, 0, FL_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unlink(path);
        if (cases[i].old)
            write_old(path);
        n_exchange = 0;
        exchange_errno = cases[i].fail;
        fl_atomic_set_fsync(cases[i].sync);
        fl_status st = fl_report_write_file("json", path, &empty, &o, &err);
        exchange_errno = 0;
        fl_atomic_set_fsync(false);
        if (st != cases[i].st || n_exchange != cases[i].exchanges)
            fprintf(stderr, "%s: status %d, %d exchanges\n", cases[i].what, (int)st, n_exchange);
        CU_ASSERT_EQUAL(st, cases[i].st);
        CU_ASSERT_EQUAL(n_exchange, cases[i].exchanges);
        CU_ASSERT_EQUAL(dir_entries(dir), 1u); /* the target; no temporary, no old file */
        char *got = slurp(path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        if (st == FL_OK) {
            CU_ASSERT_STRING_EQUAL(got, want);
        } else { /* a refused replacement leaves the old file as it was */
            CU_ASSERT_PTR_NOT_NULL(strstr(got, "old content"));
        }
        free(got);
    }
    free(want);
    unlink(path);
    rmdir(dir);
}

static void test_full_disk(void)
{
    FILE *fp = fopen("/dev/full", "w");
    if (!fp) {
        fprintf(stderr, "(no /dev/full: skipped)\n");
        return;
    }
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    for (size_t i = 0; i < N_FORMATS; i++) {
        fl_error err;
        fl_error_clear(&err);
        clearerr(fp);
        CU_ASSERT_EQUAL(fl_report_write(all_formats[i], fp, &au, &o, &err), FL_EIO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "No space left on device"));
    }
    fclose(fp);
    fl_audit_release(&au);
}

static void test_exit_codes(void)
{
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_WARNING), 3);
    for (size_t i = 0; i < au.n_rule_errors; i++) {
        fl_free(au.rule_errors[i].rule);
        fl_free(au.rule_errors[i].file);
        fl_free(au.rule_errors[i].klass);
        fl_free(au.rule_errors[i].message);
        fl_free(au.rule_errors[i].traceback);
        fl_free(au.rule_errors[i].article_id);
    }
    au.n_rule_errors = 0;
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_ERROR), 1); /* findings beat input errors */
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_NONE), 2);  /* never: input errors remain */
    for (size_t i = 0; i < au.n_findings; i++)
        if (au.findings[i].severity == FL_SEV_ERROR)
            au.findings[i].suppressed = true;
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_ERROR), 2);
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_INFO), 1);
    au.input_errors = au.articles_skipped = 0;
    CU_ASSERT_EQUAL(fl_report_exit_code(&au, FL_SEV_ERROR), 0);
    fl_audit_release(&au);
}

static void test_baseline(void)
{
    char dir[] = "/tmp/fl_baseline_testXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/baseline.json", dir);
    fl_audit au, fresh;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_error err;
    fl_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(fl_baseline_write(path, &au, &err), FL_OK);
    char *t = slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    json_t *j = parse(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(j, "version")), 1);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(j, "tool")), "factlint");
    CU_ASSERT_EQUAL(json_array_size(json_object_get(j, "findings")), au.n_findings);
    json_t *b0 = json_array_get(json_object_get(j, "findings"), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b0, "fingerprint")),
                           au.findings[0].fingerprint);
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b0, "rule"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b0, "article"));
    CU_ASSERT_PTR_NOT_NULL(json_object_get(b0, "message"));
    json_decref(j);
    free(t);

    /* applying it to a fresh run of the same audit suppresses every finding */
    CU_ASSERT_FATAL(fl_fixture_rich(&fresh));
    size_t before = fresh.suppressed;
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_OK);
    CU_ASSERT_EQUAL(fresh.suppressed, before + FL_FIXTURE_RICH_FINDINGS);
    CU_ASSERT_EQUAL(fl_audit_count_at_least(&fresh, FL_SEV_INFO), 0u);
    CU_ASSERT_EQUAL(fresh.entries[0].n_findings, 0u);
    CU_ASSERT_EQUAL(fl_report_exit_code(&fresh, FL_SEV_INFO), 3); /* rule errors remain */
    fl_audit_release(&fresh);

    /* a baseline listing only the first finding suppresses only it (counts, not sets) */
    char one[512];
    snprintf(one, sizeof one,
             "{\"version\": 1, \"tool\": \"factlint\", \"findings\": [{\"fingerprint\": \"%s\"}]}",
             au.findings[0].fingerprint);
    write_text(path, one);
    CU_ASSERT_FATAL(fl_fixture_rich(&fresh));
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_OK);
    CU_ASSERT_TRUE(fresh.findings[0].suppressed);
    CU_ASSERT_EQUAL(fresh.suppressed, 2u);
    CU_ASSERT_EQUAL(fl_audit_count_at_least(&fresh, FL_SEV_INFO), FL_FIXTURE_RICH_FINDINGS - 1);

    /* malformed files: FL_EPARSE naming the file, the audit unchanged */
    write_text(path, "{\"version\": 1,\n \"findings\": [\n  {\"fingerprint\": }\n]}\n");
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));
    CU_ASSERT_STRING_EQUAL(err.file, path);
    CU_ASSERT_EQUAL(err.line, 3);
    write_text(path, "{\"version\": 2, \"findings\": []}");
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "version"));
    write_text(path, "{\"version\": 1, \"findings\": [{\"fingerprint\": \"abc\"}]}");
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_EPARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "findings[0]"));
    write_text(path, "[]");
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_EPARSE);
    CU_ASSERT_EQUAL(fresh.suppressed, 2u);
    unlink(path);
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &fresh, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));
    rmdir(dir);
    fl_audit_release(&fresh);
    fl_audit_release(&au);
}

/* Allocation failures: every writer returns FL_ENOMEM (or succeeds), never crashes or leaks. */
static long alloc_budget;
static void *failing_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (alloc_budget-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

static void test_out_of_memory(void)
{
    static const char *const fmts[] = {"text", "junit", "markdown", "html"};
    fl_audit au;
    CU_ASSERT_FATAL(fl_fixture_rich(&au));
    fl_report_options o = options();
    fl_allocator a = {failing_realloc, NULL};
    for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
        bool done = false;
        for (long budget = 0; budget < 400 && !done; budget++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *fp = open_memstream(&buf, &len);
            CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
            alloc_budget = budget;
            fl_alloc_set(&a);
            fl_error err;
            fl_status st = fl_report_write(fmts[f], fp, &au, &o, &err);
            fl_alloc_set(NULL);
            fclose(fp);
            free(buf);
            CU_ASSERT_TRUE(st == FL_OK || st == FL_ENOMEM);
            done = st == FL_OK;
        }
        CU_ASSERT_TRUE(done);
    }
    fl_audit_release(&au);
}

/* Renders every format (and a baseline) of a[0], findings in memory, and
 * a[1], findings spilled to a file as check does; the bytes must match. */
static void compare_spilled(fl_audit a[2], const char *what)
{
    fl_report_options o = options();
    CU_ASSERT_PTR_NULL(a[0].fspill);
    CU_ASSERT_PTR_NOT_NULL(a[1].fspill);
    CU_ASSERT_EQUAL(a[0].n_findings, a[1].n_findings);
    for (int sev = FL_SEV_INFO; sev <= FL_SEV_ERROR; sev++)
        CU_ASSERT_EQUAL(fl_audit_count_at_least(&a[0], (fl_severity)sev),
                        fl_audit_count_at_least(&a[1], (fl_severity)sev));
    for (size_t f = 0; f < N_FORMATS; f++) {
        char *t0 = render(all_formats[f], &a[0], &o, NULL);
        char *t1 = render(all_formats[f], &a[1], &o, NULL);
        CU_ASSERT_PTR_NOT_NULL(t0);
        CU_ASSERT_PTR_NOT_NULL(t1);
        bool same = t0 && t1 && !strcmp(t0, t1);
        CU_ASSERT_TRUE(same);
        if (!same)
            printf("\n  %s: %s differs with findings spilled ", what, all_formats[f]);
        free(t0);
        free(t1);
    }
    CU_ASSERT_FALSE(fl_audit_findings_lost(&a[1]));
}

/* One article with many findings of one rule on one span, told apart only by
 * their messages and added out of order (the sort reads messages back from
 * the file), and more than the decoded copies kept at once (a JUnit case
 * and an HTML article walk them all). */
static bool ties_audit(fl_audit *au, bool spill)
{
    static const char text[] = "The harbour board said 40m euros would go to the new berths.\n";
    fl_audit_init(au);
    fl_error err;
    if (spill && fl_audit_spill_open(au, &err))
        return false;
    fl_rule_health *h = fl_audit_rule(au, "demo.rule");
    if (!h)
        return false;
    h->loaded = h->enabled = true;
    h->severity = FL_SEV_WARNING;
    h->articles_run = 1;
    enum { N = 24 };
    for (size_t k = 0; k < N; k++) {
        size_t m = (k * 7) % N; /* a permutation of 0..N-1 */
        char msg[64];
        snprintf(msg, sizeof msg, "the figure %02zu differs", m);
        fl_finding f;
        memset(&f, 0, sizeof f);
        f.rule = fl_strdup(m % 5 ? "demo.rule" : "another.rule");
        f.severity = (fl_severity)(1 + m % 3);
        f.message = fl_strdup(msg);
        f.message_id = m % 2 ? fl_strdup("differs") : NULL;
        f.article_seq = 0;
        f.article_id = fl_strdup("ties");
        f.path = fl_strdup("copy/ties.txt");
        f.loc.offset = m < 18 ? 23 : 23 + m; /* most share the span */
        f.loc.length = 3;
        f.loc.line = f.loc.end_line = 1;
        f.loc.column = (uint32_t)f.loc.offset + 1;
        f.loc.end_column = f.loc.column + 3;
        f.loc.excerpt = fl_strndup(text + f.loc.offset, 3);
        f.loc.line_text = fl_strdup("The harbour board said 40m euros would go to the new berths.");
        f.evidence_json = fl_strdup(m % 3 ? "[]" : "[{\"kind\":\"money\",\"value\":40000000}]");
        if (m % 4 == 1) {
            f.related = fl_calloc(1, sizeof *f.related);
            f.n_related = 1;
            if (f.related) {
                f.related->loc = f.loc;
                f.related->loc.offset = 4;
                f.related->loc.excerpt = fl_strdup("harbour");
                f.related->loc.line_text = NULL;
                f.related->message = fl_strdup("first printed here");
            }
        }
        f.suppressed = m == 13;
        fl_finding_fingerprint(&f, text, sizeof text - 1, (unsigned)m);
        if (!f.rule || !f.message || !f.article_id || !f.path || !f.loc.excerpt ||
            !f.loc.line_text || !f.evidence_json || (f.n_related && !f.related) ||
            fl_audit_add_finding(au, &f)) {
            fl_finding_release(&f);
            return false;
        }
    }
    fl_article_record r;
    memset(&r, 0, sizeof r);
    r.seq = 0;
    r.id = (char *)"ties";
    r.path = (char *)"copy/ties.txt";
    r.title = (char *)"Harbour berths";
    r.n_findings = N - 1;
    r.n_facts = 3;
    r.text = (char *)text;
    r.dateline_source = "none";
    fl_error_clear(&r.error);
    if (fl_audit_add_article(au, &r))
        return false;
    au->articles_read = 1;
    fl_audit_sort(au);
    return true;
}

static void test_spilled_findings_same_reports(void)
{
    fl_audit a[2];
    for (int v = 0; v < 2; v++) {
        fl_fixture_spill = v;
        CU_ASSERT_FATAL(fl_fixture_rich(&a[v]));
    }
    compare_spilled(a, "rich audit");
    for (int v = 0; v < 2; v++)
        fl_audit_release(&a[v]);
    for (int v = 0; v < 2; v++) {
        fl_fixture_spill = v;
        CU_ASSERT_FATAL(fl_fixture_big(&a[v], 40));
    }
    fl_fixture_spill = false;
    compare_spilled(a, "400 findings");
    for (int v = 0; v < 2; v++)
        fl_audit_release(&a[v]);
    for (int v = 0; v < 2; v++)
        CU_ASSERT_FATAL(ties_audit(&a[v], v));
    compare_spilled(a, "ties");
    /* the order is the in-memory sort's: by message where all else ties */
    const fl_finding *f0 = fl_audit_finding(&a[1], 0), *f1 = fl_audit_finding(&a[1], 1);
    CU_ASSERT_STRING_EQUAL(f0->message, a[0].findings[0].message);
    CU_ASSERT_STRING_EQUAL(f1->message, a[0].findings[1].message);
    CU_ASSERT(strcmp(f0->message, f1->message) < 0);
    for (int v = 0; v < 2; v++)
        fl_audit_release(&a[v]);
}

static void test_spilled_findings_baseline(void)
{
    char dir[] = "/tmp/fl_spill_baselineXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256], path2[256];
    snprintf(path, sizeof path, "%s/baseline.json", dir);
    snprintf(path2, sizeof path2, "%s/baseline2.json", dir);
    fl_audit mem, sp;
    CU_ASSERT_FATAL(fl_fixture_rich(&mem));
    fl_fixture_spill = true;
    CU_ASSERT_FATAL(fl_fixture_rich(&sp));
    fl_fixture_spill = false;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_baseline_write(path, &mem, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_baseline_write(path2, &sp, &err), FL_OK);
    char *t1 = slurp(path), *t2 = slurp(path2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
    CU_ASSERT_STRING_EQUAL(t1, t2);
    /* streamed finding by finding: the bytes of the whole tree's dump */
    json_t *j = parse(t1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    assert_whole_tree_dump(t1, j);
    json_decref(j);
    free(t1);
    free(t2);
    /* and with no finding at all */
    fl_audit none;
    fl_audit_init(&none);
    CU_ASSERT_EQUAL_FATAL(fl_baseline_write(path2, &none, &err), FL_OK);
    t2 = slurp(path2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
    CU_ASSERT_STRING_EQUAL(
        t2, "{\n  \"version\": 1,\n  \"tool\": \"factlint\",\n  \"findings\": []\n}\n");
    free(t2);
    fl_audit_release(&none);
    /* only the first finding in the baseline: only it is suppressed */
    char one[512];
    snprintf(one, sizeof one,
             "{\"version\": 1, \"tool\": \"factlint\", \"findings\": [{\"fingerprint\": \"%s\"}]}",
             mem.findings[0].fingerprint);
    write_text(path, one);
    size_t before = sp.suppressed;
    CU_ASSERT_EQUAL(fl_baseline_apply(path, &sp, &err), FL_OK);
    CU_ASSERT_TRUE(fl_audit_finding_suppressed(&sp, 0));
    CU_ASSERT_TRUE(fl_audit_finding(&sp, 0)->suppressed);
    CU_ASSERT_FALSE(fl_audit_finding_suppressed(&sp, 1));
    CU_ASSERT_EQUAL(sp.suppressed, before + 1);
    CU_ASSERT_EQUAL(fl_audit_count_at_least(&sp, FL_SEV_INFO), FL_FIXTURE_RICH_FINDINGS - 1);
    fl_audit_release(&mem);
    fl_audit_release(&sp);
    unlink(path);
    unlink(path2);
    rmdir(dir);
}

static void test_spill_without_tmpdir(void)
{
    /* no temporary file can be made: the audit keeps its findings in memory */
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", "/nonexistent/factlint-test", 1);
    fl_audit au;
    fl_audit_init(&au);
    fl_error err;
    CU_ASSERT_EQUAL(fl_audit_spill_open(&au, &err), FL_EIO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "/nonexistent/factlint-test"));
    if (old)
        setenv("TMPDIR", old, 1);
    else
        unsetenv("TMPDIR");
    free(old);
    CU_ASSERT_PTR_NULL(au.fspill);
    fl_audit_release(&au);
}

static const fl_test_case cases[] = {
    {"format names", test_format_names},
    {"text: rich audit", test_text_rich},
    {"text: tabs and wide characters", test_text_tabs_and_wide},
    {"json: rich audit", test_json_rich},
    {"json: streamed bytes are the whole tree's dump", test_json_streamed_equals_tree},
    {"json: findings and articles written directly as jansson writes them",
     test_json_direct_equals_jansson},
    {"sarif: rich audit", test_sarif_rich},
    {"sarif: streamed bytes are the whole tree's dump", test_sarif_streamed_equals_tree},
    {"junit: rich audit", test_junit_rich},
    {"markdown: rich audit", test_markdown_rich},
    {"html: rich audit", test_html_rich},
    {"every format: empty audit", test_empty_audit},
    {"every format: deterministic", test_deterministic},
    {"atomic write", test_atomic_write},
    {"atomic write, fsync", test_atomic_fsync},
    {"atomic write, exchange", test_atomic_exchange},
    {"full disk", test_full_disk},
    {"exit codes", test_exit_codes},
    {"baseline", test_baseline},
    {"findings spilled to a file: the same reports", test_spilled_findings_same_reports},
    {"findings spilled to a file: baselines", test_spilled_findings_baseline},
    {"findings spilled: no temporary directory", test_spill_without_tmpdir},
    {"out of memory", test_out_of_memory},
    {NULL, NULL},
};

FL_TEST_MAIN("report", cases)
