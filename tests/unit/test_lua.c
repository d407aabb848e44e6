/* Unit tests for engine/lua: the sandbox, rule loading, article and corpus runs, rule tests,
 * config. */
#include "core/alloc.h"
#include "core/article.h"
#include "core/fact.h"
#include "core/finding.h"
#include "fl_test.h"
#include "lua/ruleset.h"
#include "lua/sandbox.h"
#include "lua/sha256.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RULES      FL_SRC("tests/lua/rules")
#define GOOD       FL_SRC("tests/lua/rules/style_very_unique.lua")
#define HOSTILE(n) FL_SRC("tests/lua/hostile/" n ".lua")

static fl_article *make_article(const char *text, const char *id, size_t seq)
{
    fl_article *a = fl_article_new();
    a->id = fl_strdup(id);
    a->path = fl_strdup("test.txt");
    a->seq = seq;
    size_t n = strlen(text);
    char *t = fl_malloc(n + 1);
    memcpy(t, text, n + 1);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    return a;
}

/* A tiny extractor for tests: quotes in curly marks followed by "said NAME."
 * and money written "£N" (GBP) or "¤N" (no currency). */
static void extract_simple(const fl_article *a, fl_facts *fs)
{
    const char *t = a->text;
    for (const char *p = strstr(t, "\xE2\x80\x9C"); p; p = strstr(p + 1, "\xE2\x80\x9C")) {
        const char *q = strstr(p + 3, "\xE2\x80\x9D");
        if (!q)
            break;
        fl_fact *f = fl_facts_add(fs, FL_FACT_QUOTE, (size_t)(p - t), (size_t)(q + 3 - p));
        f->text = fl_facts_str(fs, p + 3, (size_t)(q - p - 3));
        const char *s = strstr(q, "said ");
        if (s) {
            const char *e = strchr(s, '.');
            size_t n = e ? (size_t)(e - s - 5) : strlen(s + 5);
            f->speaker = fl_facts_str(fs, s + 5, n);
        }
    }
    static const char *const marks[] = {"\xC2\xA3", "\xC2\xA4"};
    for (int m = 0; m < 2; m++)
        for (const char *p = strstr(t, marks[m]); p; p = strstr(p + 1, marks[m])) {
            char *end;
            double v = strtod(p + 2, &end);
            fl_fact *f = fl_facts_add(fs, FL_FACT_MONEY, (size_t)(p - t), (size_t)(end - p));
            f->text = fl_facts_str(fs, p, (size_t)(end - p));
            f->value = v;
            f->currency = m == 0 ? "GBP" : NULL;
        }
    fl_facts_sort((fl_facts *)fs);
    fl_facts_locate(fs, a);
}

static fl_status test_extract(void *ud, const char *text, const char *dateline, fl_article **a,
                              fl_facts *facts, fl_error *err)
{
    (void)ud;
    *a = make_article(text, "case", 0);
    if (dateline)
        fl_date_parse_iso(dateline, &(*a)->dateline);
    extract_simple(*a, facts);
    return FL_OK;
}

static void config_for(fl_rules_config *c, const char *const *paths)
{
    fl_rules_config_init(c);
    c->no_default_rules = true;
    c->memory_limit = 16u << 20;
    c->instruction_budget = 20000000;
    for (; *paths; paths++)
        CU_ASSERT_EQUAL(fl_rules_config_add_string(&c->rule_paths, &c->n_rule_paths, *paths),
                        FL_OK);
}

static size_t count_rule(const fl_audit *au, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < au->n_findings; i++)
        n += !strcmp(au->findings[i].rule, rule);
    return n;
}

static const fl_rule_error *rule_error(const fl_audit *au, const char *rule)
{
    for (size_t i = 0; i < au->n_rule_errors; i++)
        if (!strcmp(au->rule_errors[i].rule, rule))
            return &au->rule_errors[i];
    return NULL;
}

static void test_sha256(void)
{
    char hex[65];
    fl_sha256_hex("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fl_sha256_hex("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *l = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fl_sha256_hex(l, strlen(l), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* the SHA-instruction path (where the CPU has it) and the portable one
     * agree on every length around the block and padding boundaries */
    static unsigned char buf[4099];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    for (size_t n = 0; n < sizeof buf; n += n < 200 ? 1 : 61) {
        char fast[65], slow[65];
        fl_sha256_hex(buf, n, fast);
        fl_sha256_portable = true;
        fl_sha256_hex(buf, n, slow);
        fl_sha256_portable = false;
        CU_ASSERT_STRING_EQUAL(fast, slow);
    }
}

static void test_article_rules(void)
{
    const char *paths[] = {RULES, NULL};
    fl_rules_config c;
    config_for(&c, paths);
    fl_audit load;
    fl_audit_init(&load);
    fl_ruleset *rs = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
    CU_ASSERT_EQUAL(load.n_rule_errors, 0);
    CU_ASSERT_EQUAL(fl_ruleset_count(rs), 3);
    fl_rule_info info;
    fl_ruleset_info(rs, 0, &info);
    CU_ASSERT_STRING_EQUAL(info.id, "money.no-currency");
    fl_ruleset_info(rs, 2, &info);
    CU_ASSERT_STRING_EQUAL(info.id, "style.very-unique");
    CU_ASSERT_STRING_EQUAL(info.scope, "article");
    CU_ASSERT_EQUAL(info.severity, FL_SEV_INFO);
    CU_ASSERT_EQUAL(info.n_tags, 2);
    fl_rule_health *h = fl_audit_rule(&load, "style.very-unique");
    CU_ASSERT_EQUAL(strlen(h->hash), 64);
    CU_ASSERT_STRING_EQUAL(h->tags, "style,example");
    CU_ASSERT(h->loaded && h->enabled);
    CU_ASSERT_STRING_EQUAL(load.lua_version, fl_lua_version());

    fl_rule_worker *w = fl_rule_worker_new(rs, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    fl_article *a = make_article("Headline\n\nThe plan is very unique, it cost \xC2\xA4"
                                 "5 and "
                                 "\xC2\xA3"
                                 "7.\n",
                                 "a1", 0);
    fl_facts fs;
    fl_facts_init(&fs);
    extract_simple(a, &fs);
    CU_ASSERT_EQUAL(fs.n, 2);
    fl_audit out;
    fl_audit_init(&out);
    CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, &out, &err), FL_OK);
    CU_ASSERT_EQUAL(out.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 2);
    fl_audit_sort(&out);
    const fl_finding *f0 = &out.findings[0], *f1 = &out.findings[1];
    CU_ASSERT_STRING_EQUAL(f0->rule, "style.very-unique");
    CU_ASSERT_STRING_EQUAL(f0->message, "'unique' is absolute: drop 'very'");
    CU_ASSERT_STRING_EQUAL(f0->message_id, "absolute");
    CU_ASSERT_EQUAL(f0->severity, FL_SEV_INFO);
    CU_ASSERT_STRING_EQUAL(f0->loc.excerpt, "very unique");
    CU_ASSERT_EQUAL(f0->loc.line, 3);
    CU_ASSERT_EQUAL(f0->loc.column, 13);
    CU_ASSERT_STRING_EQUAL(f0->evidence_json, "[]");
    CU_ASSERT_STRING_EQUAL(f0->article_id, "a1");
    CU_ASSERT_EQUAL(strlen(f0->fingerprint), 16);
    CU_ASSERT_STRING_EQUAL(f1->rule, "money.no-currency");
    CU_ASSERT_STRING_EQUAL(f1->message, "\xC2\xA4"
                                        "5 has no currency");
    CU_ASSERT_EQUAL(f1->severity, FL_SEV_WARNING);
    CU_ASSERT_PTR_NOT_NULL(strstr(f1->evidence_json, "\"kind\":\"money\""));
    fl_rule_health *hh = fl_audit_rule(&out, "money.no-currency");
    CU_ASSERT_EQUAL(hh->articles_run, 1);
    CU_ASSERT_EQUAL(hh->findings, 1);

    /* inline suppression skips the rule; needs= skips articles without money */
    fl_audit out2;
    fl_audit_init(&out2);
    fl_article_disable_rule(a, "style.very-unique");
    CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, &out2, &err), FL_OK);
    CU_ASSERT_EQUAL(count_rule(&out2, "style.very-unique"), 0);
    CU_ASSERT_EQUAL(count_rule(&out2, "money.no-currency"), 1);
    fl_facts_reset(&fs);
    fl_audit_release(&out2);
    fl_audit_init(&out2);
    CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, &out2, &err), FL_OK);
    CU_ASSERT_EQUAL(out2.n_findings, 0);
    CU_ASSERT_EQUAL(fl_audit_rule(&out2, "money.no-currency")->articles_run, 0);

    fl_audit_release(&out2);
    fl_audit_release(&out);
    fl_facts_release(&fs);
    fl_article_free(a);
    fl_rule_worker_free(w);
    fl_ruleset_free(rs);
    fl_audit_release(&load);
    fl_rules_config_release(&c);
}

typedef struct hostile_case {
    const char *name;
    const char *klass;
    int article; /* the article (0 or 1) on which the error is expected */
} hostile_case;

static const hostile_case hostile[] = {
    {"os_execute", "blocked", 0},
    {"io_open", "blocked", 0},
    {"require", "blocked", 0},
    {"load_bytecode", "blocked", 0},
    {"string_dump", "blocked", 0},
    {"string_metatable", "blocked", 0},
    {"setmetatable_global", "blocked", 0},
    {"setmetatable_string", "blocked", 0},
    {"rawset_library", "blocked", 0},
    {"library_write", "blocked", 0},
    {"infinite_loop", "instructions", 0},
    {"pcall_loop", "instructions", 0},
    {"xpcall_handler", "instructions", 0},
    {"copy_loop", "instructions", 0},
    {"rep_bomb", "memory", 0},
    {"table_bomb", "memory", 0},
    {"memory_pcall", "memory", 0},
    {"deep_recursion", "memory", 0},
    {"catastrophic_regex", "regex", 0},
    {"lua_pattern", "regex", 0},
    {"bad_regex", "regex", 0},
    {"many_regexes", "regex", 0},
    {"million_reports", "report", 0},
    {"global_write", "runtime", 0},
    {"undeclared_global", "runtime", 0},
    {"coroutine", "blocked", 0},
    {"collectgarbage", "blocked", 0},
    {"debug_sethook", "blocked", 0},
    {"gc_metamethod", "blocked", 0},
    {"load_text", "blocked", 0},
    {"pcall_blocked", "blocked", 0},
    {"bad_span", "report", 0},
    {"bad_placeholder", "report", 0},
    {"bad_related_message", "report", 0},
    {"fact_write", "runtime", 0},
    {"kept_handle", "runtime", 1},
    {NULL, NULL, 0},
};

/* The hostile rules, run with every call counted (watched false) or with the
 * watchdog running (true): the same error classes and messages either way,
 * the watched calls that run long being stopped and counted again. */
static char hostile_msg[64][3][300];

static void run_hostile(bool watched)
{
    if (watched) {
        unsetenv("FACTLINT_NO_WATCHDOG"); /* this pass is about the watchdog */
        CU_ASSERT_TRUE_FATAL(fl_sandbox_watch_start());
    }
    for (const hostile_case *hc = hostile; hc->name; hc++) {
        char path[512];
        snprintf(path, sizeof path, "%s", FL_SRC("tests/lua/hostile/"));
        size_t l = strlen(path);
        snprintf(path + l, sizeof path - l, "%s.lua", hc->name);
        const char *paths[] = {GOOD, path, NULL};
        fl_rules_config c;
        config_for(&c, paths);
        fl_audit load;
        fl_audit_init(&load);
        fl_ruleset *rs = NULL;
        fl_error err;
        CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
        CU_ASSERT_EQUAL(load.n_rule_errors, 0);
        fl_rule_worker *w = fl_rule_worker_new(rs, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        char rule[128];
        snprintf(rule, sizeof rule, "hostile.%s", hc->name);
        if (getenv("FL_TEST_VERBOSE"))
            fprintf(stderr, "[%s]", hc->name);
        for (int k = 0; k < 3; k++) {
            char id[16];
            snprintf(id, sizeof id, "art%d", k);
            fl_article *a =
                make_article("Officials said the very unique plan was ready.\n", id, (size_t)k);
            fl_facts fs;
            fl_facts_init(&fs);
            fl_audit out;
            fl_audit_init(&out);
            CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, &out, &err), FL_OK);
            const fl_rule_error *e = rule_error(&out, rule);
            bool want = k == hc->article || (k > hc->article && hc->article == 0);
            if (want) {
                CU_ASSERT_PTR_NOT_NULL(e);
                if (!e || strcmp(e->klass, hc->klass))
                    fprintf(stderr, "\n%s: expected class %s, got %s: %s\n", hc->name, hc->klass,
                            e ? e->klass : "(no error)", e ? e->message : "");
                else {
                    CU_ASSERT_STRING_EQUAL(e->file, path);
                    CU_ASSERT_STRING_EQUAL(e->article_id, id);
                }
                char *m = hostile_msg[hc - hostile][k];
                if (!watched) {
                    snprintf(m, sizeof hostile_msg[0][0], "%s", e ? e->message : "");
                } else if (strcmp(m, e ? e->message : "")) {
                    fprintf(stderr, "\n%s watched: '%s', counted: '%s'\n", hc->name,
                            e ? e->message : "", m);
                    CU_FAIL("a watched call's error differs from the counted one's");
                }
            }
            /* the well-behaved rule still reports, the hostile one reports nothing
             * beyond its first max_reports */
            CU_ASSERT_EQUAL(count_rule(&out, "style.very-unique"), 1);
            CU_ASSERT_PTR_NULL(rule_error(&out, "style.very-unique"));
            size_t want_reports = !strcmp(hc->name, "million_reports") ? 100 : 0;
            CU_ASSERT_EQUAL(count_rule(&out, rule), want_reports);
            fl_audit_release(&out);
            fl_facts_release(&fs);
            fl_article_free(a);
        }
        CU_ASSERT_EQUAL(access("/tmp/factlint-pwned", F_OK), -1);
        fl_rule_worker_free(w);
        fl_ruleset_free(rs);
        fl_audit_release(&load);
        fl_rules_config_release(&c);
    }
    if (watched)
        fl_sandbox_watch_stop();
}

static void test_hostile(void)
{
    CU_ASSERT_TRUE_FATAL(sizeof hostile / sizeof *hostile <= 64);
    run_hostile(false);
    run_hostile(true);
}

typedef struct load_case {
    const char *file;
    long line;
    const char *needle;
} load_case;

static void test_load_errors(void)
{
    static const load_case cases[] = {
        {"unknown_key", 2, "unknown key 'chek'"},
        {"missing_id", 3, "missing 'id'"},
        {"duplicate_id", 2, "duplicate rule id 'style.very-unique'"},
        {"bad_severity", 2, "bad severity 'fatal'"},
        {"bad_scope", 2, "bad scope 'world'"},
        {"check_not_function", 2, "'check' must be a function"},
        {"toplevel_loop", 2, "instruction budget"},
        {"syntax_error", 4, "expected"},
        {"no_return", 0, "must return factlint.rule"},
        {"key_on_article", 6, "'key' is only for corpus-scope rules"},
        {"keys_on_article", 6, "'keys' is only for corpus-scope rules"},
        {"key_and_keys", 2, "gives 'key' or 'keys', not both"},
        {"corpus_no_key", 2, "needs a 'key' (or 'keys') function"},
        {"min_on_article", 2, "'min_articles' is only for corpus-scope rules"},
        {"bad_min_facts", 2, "'min_facts' must be an integer from 1 to 1000000"},
        {"blocked_at_load", 2, "'os' is not available"},
        {NULL, 0, NULL},
    };
    for (const load_case *lc = cases; lc->file; lc++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s.lua", FL_SRC("tests/lua/load/"), lc->file);
        const char *paths[] = {GOOD, path, NULL};
        fl_rules_config c;
        config_for(&c, paths);
        fl_audit load;
        fl_audit_init(&load);
        fl_ruleset *rs = NULL;
        fl_error err;
        CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
        CU_ASSERT_EQUAL(fl_ruleset_count(rs), 1);
        CU_ASSERT_EQUAL_FATAL(load.n_rule_errors, 1);
        const fl_rule_error *e = &load.rule_errors[0];
        CU_ASSERT_STRING_EQUAL(e->klass, "load");
        CU_ASSERT_STRING_EQUAL(e->file, path);
        if (e->line != lc->line || !strstr(e->message, lc->needle)) {
            fprintf(stderr, "\n%s: line %ld (want %ld): %s\n", lc->file, e->line, lc->line,
                    e->message);
            CU_FAIL("load error line or message");
        }
        fl_rule_health *h = fl_audit_rule(&load, path);
        CU_ASSERT(h && !h->loaded && h->errors_by_class[FL_RERR_LOAD] == 1);
        fl_ruleset_free(rs);
        fl_audit_release(&load);
        fl_rules_config_release(&c);
    }
}

/* Rule files load side by side (fl_rules_config.jobs) with the same
 * outcome as one by one: the same rules, and the same load errors in the
 * same order (a directory of failing files, a duplicate id among them). */
static void test_parallel_load(void)
{
    const char *paths[] = {GOOD, FL_SRC("tests/lua/load"), RULES, NULL};
    fl_audit loads[2];
    fl_ruleset *sets[2] = {NULL, NULL};
    for (size_t k = 0; k < 2; k++) {
        fl_rules_config c;
        config_for(&c, paths);
        c.jobs = k ? 3 : 1;
        fl_audit_init(&loads[k]);
        fl_error err;
        CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&sets[k], &c, &loads[k], &err), FL_OK);
        fl_rules_config_release(&c);
    }
    CU_ASSERT(loads[0].n_rule_errors > 10);
    CU_ASSERT_EQUAL_FATAL(loads[1].n_rule_errors, loads[0].n_rule_errors);
    for (size_t i = 0; i < loads[0].n_rule_errors; i++) {
        const fl_rule_error *a = &loads[0].rule_errors[i], *b = &loads[1].rule_errors[i];
        CU_ASSERT_STRING_EQUAL(a->file, b->file);
        CU_ASSERT_EQUAL(a->line, b->line);
        CU_ASSERT_STRING_EQUAL(a->message, b->message);
    }
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_count(sets[1]), fl_ruleset_count(sets[0]));
    for (size_t i = 0; i < fl_ruleset_count(sets[0]); i++) {
        fl_rule_info x, y;
        fl_ruleset_info(sets[0], i, &x);
        fl_ruleset_info(sets[1], i, &y);
        CU_ASSERT_STRING_EQUAL(x.id, y.id);
        CU_ASSERT_STRING_EQUAL(x.file, y.file);
    }
    for (size_t k = 0; k < 2; k++) {
        fl_ruleset_free(sets[k]);
        fl_audit_release(&loads[k]);
    }
}

static void test_usage_errors(void)
{
    const char *paths[] = {RULES, NULL};
    struct {
        const char *kind, *arg, *needle;
    } cases[] = {
        {"enable", "nope", "unknown rule or tag 'nope'"},
        {"disable", "nope", "unknown rule or tag 'nope'"},
        {"option", "money.no-currency.min_value=abc", "expects a number"},
        {"option", "money.no-currency.colour=red", "unknown option 'colour'"},
        {"severity", "nope=error", "unknown rule 'nope'"},
        {NULL, NULL, NULL},
    };
    for (int i = 0; cases[i].kind; i++) {
        fl_rules_config c;
        config_for(&c, paths);
        fl_error err;
        if (!strcmp(cases[i].kind, "enable"))
            fl_rules_config_add_string(&c.enable, &c.n_enable, cases[i].arg);
        else if (!strcmp(cases[i].kind, "disable"))
            fl_rules_config_add_string(&c.disable, &c.n_disable, cases[i].arg);
        else if (!strcmp(cases[i].kind, "option")) {
            CU_ASSERT_EQUAL(fl_rules_config_parse_option(&c, cases[i].arg, &err), FL_OK);
        } else {
            CU_ASSERT_EQUAL(fl_rules_config_parse_severity(&c, cases[i].arg, &err), FL_OK);
        }
        fl_audit load;
        fl_audit_init(&load);
        fl_ruleset *rs = NULL;
        CU_ASSERT_EQUAL(fl_ruleset_load(&rs, &c, &load, &err), FL_EUSAGE);
        CU_ASSERT_PTR_NULL(rs);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, cases[i].needle));
        fl_audit_release(&load);
        fl_rules_config_release(&c);
    }
    fl_rules_config c;
    config_for(&c, paths);
    fl_error err;
    CU_ASSERT_EQUAL(fl_rules_config_parse_option(&c, "nodot=1", &err), FL_EUSAGE);
    CU_ASSERT_EQUAL(fl_rules_config_parse_severity(&c, "x=fatal", &err), FL_EUSAGE);
    fl_rules_config_release(&c);
}

static void test_config_overrides(void)
{
    const char *paths[] = {RULES, NULL};
    fl_rules_config c;
    config_for(&c, paths);
    fl_error err;
    CU_ASSERT_EQUAL(fl_rules_config_parse_option(&c, "money.no-currency.min_value=10", &err),
                    FL_OK);
    CU_ASSERT_EQUAL(fl_rules_config_parse_severity(&c, "money.no-currency=error", &err), FL_OK);
    fl_rules_config_add_string(&c.disable, &c.n_disable, "style");
    fl_audit load;
    fl_audit_init(&load);
    fl_ruleset *rs = NULL;
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
    fl_rule_info info;
    fl_ruleset_info(rs, 2, &info);
    CU_ASSERT_FALSE(info.enabled);
    fl_ruleset_info(rs, 0, &info);
    CU_ASSERT_EQUAL(info.severity, FL_SEV_ERROR);
    fl_rule_worker *w = fl_rule_worker_new(rs, &err);
    fl_article *a = make_article("It cost \xC2\xA4"
                                 "5 and \xC2\xA4"
                                 "50, a very unique sum.",
                                 "o", 0);
    fl_facts fs;
    fl_facts_init(&fs);
    extract_simple(a, &fs);
    fl_audit out;
    fl_audit_init(&out);
    CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, &out, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 1);
    CU_ASSERT_STRING_EQUAL(out.findings[0].message, "\xC2\xA4"
                                                    "50 has no currency");
    CU_ASSERT_EQUAL(out.findings[0].severity, FL_SEV_ERROR);
    fl_audit_release(&out);
    fl_facts_release(&fs);
    fl_article_free(a);
    fl_rule_worker_free(w);
    fl_ruleset_free(rs);
    fl_audit_release(&load);
    fl_rules_config_release(&c);
}

/* Adds "$6m" at bytes 23-26 (the conversion in "The firm paid £5000000
 * ($6m)"), as the money extractor would give it; returns its index. */
static size_t add_usd_6m(fl_facts *fs)
{
    fl_fact *u = fl_facts_add(fs, FL_FACT_MONEY, 23, 3);
    u->text = "$6m";
    u->value = 6e6;
    u->currency = "USD";
    return fs->n - 1;
}

/* One rule file loaded, with one worker: the set-up of the tests that run
 * a fixture rule over an article. */
typedef struct one_rule {
    fl_rules_config c;
    fl_audit load;
    fl_ruleset *rs;
    fl_rule_worker *w;
} one_rule;

static void one_rule_open(one_rule *o, const char *path)
{
    const char *paths[] = {path, NULL};
    fl_error err;
    config_for(&o->c, paths);
    fl_audit_init(&o->load);
    o->rs = NULL;
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&o->rs, &o->c, &o->load, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_count(o->rs), 1);
    o->w = fl_rule_worker_new(o->rs, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o->w);
}

static void one_rule_close(one_rule *o)
{
    fl_rule_worker_free(o->w);
    fl_ruleset_free(o->rs);
    fl_audit_release(&o->load);
    fl_rules_config_release(&o->c);
}

static void test_util_api(void)
{
    one_rule o;
    one_rule_open(&o, FL_SRC("tests/lua/fixtures/util.lua"));
    fl_error err;
    fl_article *a = make_article("The firm paid \xC2\xA3"
                                 "5000000 ($6m).\n\n\xE2\x80\x9CIt was "
                                 "fair,\xE2\x80\x9D said Ana Ruiz.",
                                 "util-article", 0);
    a->title = fl_strdup("A title");
    fl_date_parse_iso("2023-03-14", &a->dateline);
    a->dateline_source = FL_DATELINE_CLI;
    fl_article_add_meta(a, "section", "\"business\"");
    fl_facts fs;
    fl_facts_init(&fs);
    extract_simple(a, &fs);
    /* a linked USD conversion, as the money extractor would give */
    size_t usd = add_usd_6m(&fs);
    for (size_t i = 0; i < usd; i++)
        if (fs.items[i].kind == FL_FACT_MONEY)
            fs.items[i].link = (int32_t)usd;
    /* fact_count(money) sees 1 money fact in the test: drop the linked one from kinds */
    fs.items[usd].kind = FL_FACT_PERCENT;
    fl_audit out;
    fl_audit_init(&out);
    CU_ASSERT_EQUAL(fl_rule_worker_check(o.w, a, &fs, &out, &err), FL_OK);
    if (out.n_rule_errors)
        fprintf(stderr, "\nutil: %s\n%s\n", out.rule_errors[0].message,
                out.rule_errors[0].traceback ? out.rule_errors[0].traceback : "");
    CU_ASSERT_EQUAL(out.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 1);
    CU_ASSERT_STRING_EQUAL(out.findings[0].message, "util ok");
    /* a related span's messageId is expanded from its own data */
    CU_ASSERT_EQUAL_FATAL(out.findings[0].n_related, 1);
    CU_ASSERT_STRING_EQUAL(out.findings[0].related[0].message, "the firm (2)");
    fl_audit_release(&out);
    fl_facts_release(&fs);
    fl_article_free(a);
    one_rule_close(&o);
}

/* The fixtures of the C helpers in util_names.c, util_text.c and
 * util_figures.c: each is a rule that raises on a mismatch and otherwise
 * reports one finding "util ok" on the article. */
static void test_util_helpers(void)
{
    static const char *const fixtures[] = {FL_SRC("tests/lua/fixtures/util_names.lua"),
                                           FL_SRC("tests/lua/fixtures/util_text.lua"),
                                           FL_SRC("tests/lua/fixtures/util_figures.lua"),
                                           FL_SRC("tests/lua/fixtures/util_quotes.lua")};
    for (size_t k = 0; k < sizeof fixtures / sizeof *fixtures; k++) {
        one_rule o;
        one_rule_open(&o, fixtures[k]);
        fl_error err;
        fl_article *a = make_article("Ana Ruiz said the firm paid \xC2\xA3"
                                     "5m for 120 homes in 2021.\n\nThe firm paid "
                                     "\xC2\xA3"
                                     "5m for 120 homes in 2021, Ana Ruiz said.",
                                     "util-helpers", 0);
        fl_date_parse_iso("2023-03-14", &a->dateline);
        a->dateline_source = FL_DATELINE_CLI;
        fl_facts fs;
        fl_facts_init(&fs);
        extract_simple(a, &fs);
        fl_audit out;
        fl_audit_init(&out);
        CU_ASSERT_EQUAL(fl_rule_worker_check(o.w, a, &fs, &out, &err), FL_OK);
        if (out.n_rule_errors)
            fprintf(stderr, "\n%s: %s\n%s\n", fixtures[k], out.rule_errors[0].message,
                    out.rule_errors[0].traceback ? out.rule_errors[0].traceback : "");
        CU_ASSERT_EQUAL(out.n_rule_errors, 0);
        CU_ASSERT_EQUAL_FATAL(out.n_findings, 1);
        CU_ASSERT_STRING_EQUAL(out.findings[0].message, "util ok");
        fl_audit_release(&out);
        fl_facts_release(&fs);
        fl_article_free(a);
        one_rule_close(&o);
    }
}

/* A kept fact's evidence is written when a finding needs it, from the kept
 * copy: the same JSON as the article's fact, its conversion's place
 * included. */
static void test_kept_evidence(void)
{
    one_rule o;
    one_rule_open(&o, FL_SRC("tests/lua/fixtures/kept_money.lua"));
    fl_audit out;
    fl_audit_init(&out);
    fl_error err;
    fl_article *a = make_article("The firm paid \xC2\xA3"
                                 "5000000 ($6m) for the site.",
                                 "kept-art", 0);
    fl_facts fs;
    fl_facts_init(&fs);
    extract_simple(a, &fs);
    /* the conversion, linked as the money extractor links it */
    size_t usd = add_usd_6m(&fs);
    fs.items[0].link = (int32_t)usd;
    fs.items[usd].link = 0;
    fl_strbuf want[2];
    for (size_t i = 0; i < 2; i++) {
        fl_strbuf_init(&want[i]);
        CU_ASSERT_EQUAL(fl_fact_write_json(&want[i], "kept-art", &fs.items[i == 0 ? 0 : usd], &fs),
                        0);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(want[0].buf, "\"linked\":{\"offset\":23,\"length\":3}"));
    CU_ASSERT_EQUAL(fl_rule_worker_check(o.w, a, &fs, &out, &err), FL_OK);
    fl_facts_release(&fs);
    fl_article_free(a); /* the kept copies outlive the article */
    CU_ASSERT_EQUAL(fl_ruleset_run_corpus(o.rs, &o.w, 1, &out, &err), FL_OK);
    fl_audit_sort(&out);
    CU_ASSERT_EQUAL(out.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 2);
    for (size_t i = 0; i < 2; i++) {
        const fl_finding *f = &out.findings[i];
        size_t k = strstr(f->message, "$6m") ? 1 : 0;
        CU_ASSERT_PTR_NOT_NULL(f->evidence_json && strstr(f->evidence_json, want[k].buf));
        fl_strbuf_release(&want[k]);
    }
    fl_audit_release(&out);
    one_rule_close(&o);
}

/* Runs the corpus rule in file `rule` over articles art0, art1... with the
 * n texts, article k on worker assign[k] (NULL: k % n_workers). */
static void corpus_run_texts(const char *rule, const char *const *texts, size_t n, size_t n_workers,
                             const size_t *assign, fl_audit *out)
{
    const char *paths[] = {rule, NULL};
    fl_rules_config c;
    config_for(&c, paths);
    fl_audit load;
    fl_audit_init(&load);
    fl_ruleset *rs = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
    fl_rule_worker *ws[4];
    for (size_t i = 0; i < n_workers; i++)
        ws[i] = fl_rule_worker_new(rs, &err);
    for (size_t k = 0; k < n; k++) {
        char id[32];
        snprintf(id, sizeof id, "art%zu", k);
        fl_article *a = make_article(texts[k], id, k);
        fl_facts fs;
        fl_facts_init(&fs);
        extract_simple(a, &fs);
        fl_rule_worker *w = ws[assign ? assign[k] : k % n_workers];
        CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, out, &err), FL_OK);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    CU_ASSERT_EQUAL(out->n_findings, 0);
    CU_ASSERT_EQUAL(fl_ruleset_run_corpus(rs, ws, n_workers, out, &err), FL_OK);
    fl_audit_sort(out);
    for (size_t i = 0; i < n_workers; i++)
        fl_rule_worker_free(ws[i]);
    fl_ruleset_free(rs);
    fl_audit_release(&load);
    fl_rules_config_release(&c);
}

/* Runs quote.reused (from `rule`) over four articles spread over n_workers
 * workers by `assign`. */
static void corpus_run_rule(const char *rule, size_t n_workers, const size_t *assign, fl_audit *out)
{
    static const char *const texts[] = {
        "\xE2\x80\x9CWe will build the new bridge by spring,\xE2\x80\x9D said Ana Ruiz.",
        "Later: \xE2\x80\x9CWe will build the new bridge by spring,\xE2\x80\x9D said Tom Obi.",
        "\xE2\x80\x9CShort one,\xE2\x80\x9D said Tom Obi. \xE2\x80\x9CWe will  build the new "
        "bridge by spring,\xE2\x80\x9D said Lee Park.",
        "\xE2\x80\x9CNothing in common with the others,\xE2\x80\x9D said Ana Ruiz.",
    };
    corpus_run_texts(rule, texts, 4, n_workers, assign, out);
}

static void corpus_run(size_t n_workers, const size_t *assign, fl_audit *out)
{
    corpus_run_rule(FL_SRC("tests/lua/rules/quote_reused.lua"), n_workers, assign, out);
}

/* Runs quote.count over n articles (n / 4 quotes, each printed four times),
 * article k on worker k % n_workers. */
static void corpus_count_run(size_t n, size_t n_workers, fl_audit *out)
{
    char **texts = fl_calloc(n, sizeof *texts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(texts);
    for (size_t k = 0; k < n; k++) {
        texts[k] = fl_malloc(128);
        snprintf(texts[k], 128, "\xE2\x80\x9CQuote number %zu,\xE2\x80\x9D said Ana Ruiz.",
                 (k * 7) % (n / 4));
    }
    corpus_run_texts(FL_SRC("tests/lua/fixtures/quote_count.lua"), (const char *const *)texts, n,
                     n_workers, NULL, out);
    for (size_t k = 0; k < n; k++)
        fl_free(texts[k]);
    fl_free(texts);
}

/* A corpus rule with many kept facts has its key groups cut into slices that
 * run on several workers: the findings are those of one worker, in order. */
static void test_corpus_slices(void)
{
    /* 2,400 keys of 4 facts: slices of >= 512 facts */
    const size_t n = 9600;
    fl_audit one, three;
    fl_audit_init(&one);
    fl_audit_init(&three);
    corpus_count_run(n, 1, &one);
    corpus_count_run(n, 3, &three);
    CU_ASSERT_EQUAL(one.n_findings, n / 4);
    CU_ASSERT_EQUAL_FATAL(three.n_findings, one.n_findings);
    for (size_t i = 0; i < one.n_findings; i++) {
        CU_ASSERT_STRING_EQUAL(one.findings[i].message, three.findings[i].message);
        CU_ASSERT_STRING_EQUAL(one.findings[i].article_id, three.findings[i].article_id);
        CU_ASSERT_STRING_EQUAL(one.findings[i].evidence_json, three.findings[i].evidence_json);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(one.findings[0].message, ": 4 in 4"));
    fl_rule_health *h1 = fl_audit_rule(&one, "quote.count"),
                   *h3 = fl_audit_rule(&three, "quote.count");
    CU_ASSERT_EQUAL(h1->findings, n / 4);
    CU_ASSERT_EQUAL(h3->findings, n / 4);
    fl_audit_release(&one);
    fl_audit_release(&three);
}

/* The corpus phase gives the calls their keys in byte order and each key's
 * facts in article and offset order, whichever workers kept them: keys that
 * share their first eight bytes or more, a key that begins another, bytes
 * above 0x7F, and a key in every article, twice in some (the fixture fails
 * the call on any other order). */
static void test_corpus_order(void)
{
    static const char *const quotes[] = {
        "Quote number 1,",
        "Quote number 10,",
        "Quote number 2,",
        "Quote number",
        "Quote",
        "Quot\xC3\xA9 number 1,",
        "Quote number 1, again",
        "A",
        "Quote number 1,  two spaces",
        "quote number 1,",
    };
    const size_t nq = sizeof quotes / sizeof *quotes, n = 40;
    char **texts = fl_calloc(n, sizeof *texts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(texts);
    for (size_t k = 0; k < n; k++) {
        texts[k] = fl_malloc(512);
        const char *q = quotes[(k * 3) % nq], *r = quotes[(k * 7 + 1) % nq];
        /* every article quotes "Shared line," once, and every fifth twice */
        snprintf(texts[k], 512,
                 "\xE2\x80\x9C%s\xE2\x80\x9D said Ana Ruiz. \xE2\x80\x9CShared line,\xE2\x80\x9D "
                 "said Tom Obi. \xE2\x80\x9C%s\xE2\x80\x9D said Lee Park.%s",
                 q, r, k % 5 ? "" : " \xE2\x80\x9CShared line,\xE2\x80\x9D said Tom Obi again.");
    }
    for (size_t w = 1; w <= 3; w++) {
        fl_audit out;
        fl_audit_init(&out);
        corpus_run_texts(FL_SRC("tests/lua/fixtures/quote_order.lua"), (const char *const *)texts,
                         n, w, NULL, &out);
        for (size_t i = 0; i < out.n_rule_errors; i++)
            fprintf(stderr, "\ncorpus order (%zu workers): %s\n", w, out.rule_errors[i].message);
        CU_ASSERT_EQUAL(out.n_rule_errors, 0);
        /* one finding a distinct quote text: the ten and "Shared line," */
        CU_ASSERT_EQUAL(out.n_findings, nq + 1);
        bool shared = false;
        for (size_t i = 0; i < out.n_findings; i++)
            shared |= !strcmp(out.findings[i].message, "Shared line,: 48");
        CU_ASSERT_TRUE(shared);
        fl_audit_release(&out);
    }
    for (size_t k = 0; k < n; k++)
        fl_free(texts[k]);
    fl_free(texts);
}

/* A corpus call may report as often as an article call may in each article
 * of its key: a quote in 150 articles gives 150 findings (more than the
 * default 100 a call), while one that reports 101 times a fact in each of its
 * three articles has the rest dropped and one "report" rule error. */
static void test_corpus_report_limit(void)
{
    const size_t n = 153;
    char **texts = fl_calloc(n, sizeof *texts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(texts);
    for (size_t k = 0; k < n; k++) {
        texts[k] = fl_malloc(128);
        snprintf(texts[k], 128, "\xE2\x80\x9C%s\xE2\x80\x9D said Ana Ruiz.",
                 k < 150 ? "Everywhere," : "Flood,");
    }
    fl_audit out;
    fl_audit_init(&out);
    corpus_run_texts(FL_SRC("tests/lua/fixtures/quote_every.lua"), (const char *const *)texts, n, 2,
                     NULL, &out);
    size_t every = 0, flood = 0;
    for (size_t i = 0; i < out.n_findings; i++) {
        every += !strncmp(out.findings[i].message, "Everywhere,", 11);
        flood += !strncmp(out.findings[i].message, "Flood,", 6);
    }
    CU_ASSERT_EQUAL(every, 150);
    CU_ASSERT_EQUAL(flood, 300);
    CU_ASSERT_EQUAL_FATAL(out.n_rule_errors, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.rule_errors[0].message, "more than 300"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.rule_errors[0].message, "key 'Flood,'"));
    fl_audit_release(&out);
    for (size_t k = 0; k < n; k++)
        fl_free(texts[k]);
    fl_free(texts);
}

/* keys(article, keep) keeps, in one call per article, what key(fact) keeps
 * fact by fact: the same findings, on one worker or two. */
static void test_corpus_keys(void)
{
    const size_t single[] = {0, 0, 0, 0}, spread[] = {1, 0, 1, 0};
    for (size_t w = 1; w <= 2; w++) {
        fl_audit by_key, by_keys;
        fl_audit_init(&by_key);
        fl_audit_init(&by_keys);
        corpus_run(w, w == 1 ? single : spread, &by_key);
        corpus_run_rule(FL_SRC("tests/lua/fixtures/quote_reused_keys.lua"), w,
                        w == 1 ? single : spread, &by_keys);
        if (by_keys.n_rule_errors)
            fprintf(stderr, "\nkeys: %s\n", by_keys.rule_errors[0].message);
        CU_ASSERT_EQUAL(by_keys.n_rule_errors, 0);
        CU_ASSERT_EQUAL_FATAL(by_key.n_findings, 2);
        CU_ASSERT_EQUAL_FATAL(by_keys.n_findings, 2);
        for (size_t i = 0; i < 2; i++) {
            CU_ASSERT_STRING_EQUAL(by_key.findings[i].message, by_keys.findings[i].message);
            CU_ASSERT_STRING_EQUAL(by_key.findings[i].fingerprint, by_keys.findings[i].fingerprint);
            CU_ASSERT_STRING_EQUAL(by_key.findings[i].evidence_json,
                                   by_keys.findings[i].evidence_json);
        }
        fl_audit_release(&by_key);
        fl_audit_release(&by_keys);
    }
}

static void test_corpus(void)
{
    fl_audit one, two;
    fl_audit_init(&one);
    fl_audit_init(&two);
    const size_t single[] = {0, 0, 0, 0}, spread[] = {1, 0, 1, 0};
    corpus_run(1, single, &one);
    corpus_run(2, spread, &two);
    CU_ASSERT_EQUAL(one.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(one.n_findings, 2);
    CU_ASSERT_EQUAL_FATAL(two.n_findings, 2);
    const fl_finding *f = &one.findings[0];
    CU_ASSERT_STRING_EQUAL(f->article_id, "art1");
    CU_ASSERT_EQUAL(f->article_seq, 1);
    CU_ASSERT_STRING_EQUAL(f->message, "this quote is attributed to Tom Obi here but to Ana Ruiz "
                                       "elsewhere");
    CU_ASSERT_EQUAL_FATAL(f->n_related, 1);
    CU_ASSERT_STRING_EQUAL(f->related[0].message, "attributed to Ana Ruiz (in art0)");
    CU_ASSERT_EQUAL(f->related[0].loc.line, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(f->evidence_json, "\"article\":\"art0\""));
    CU_ASSERT_STRING_EQUAL(one.findings[1].article_id, "art2");
    for (size_t i = 0; i < 2; i++) {
        CU_ASSERT_STRING_EQUAL(one.findings[i].message, two.findings[i].message);
        CU_ASSERT_STRING_EQUAL(one.findings[i].fingerprint, two.findings[i].fingerprint);
        CU_ASSERT_STRING_EQUAL(one.findings[i].evidence_json, two.findings[i].evidence_json);
    }
    CU_ASSERT_EQUAL(fl_audit_rule(&one, "quote.reused")->findings, 2);
    fl_audit_release(&one);
    fl_audit_release(&two);
}

static char *run_tests(const char *path, size_t *passed, size_t *failed, fl_status *st)
{
    const char *paths[] = {path, NULL};
    fl_rules_config c;
    config_for(&c, paths);
    c.no_default_rules = false;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fl_error err;
    *st = fl_rules_test(&c, test_extract, NULL, out, passed, failed, &err);
    fclose(out);
    fl_rules_config_release(&c);
    return buf;
}

static void test_rule_tests(void)
{
    size_t passed, failed;
    fl_status st;
    char *out = run_tests(RULES, &passed, &failed, &st);
    CU_ASSERT_EQUAL(st, FL_OK);
    CU_ASSERT_EQUAL(failed, 0);
    CU_ASSERT_EQUAL(passed, 8);
    if (failed)
        fprintf(stderr, "\n%s", out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   quote.reused invalid #1\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   style.very-unique valid #2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n8 passed, 0 failed\n"));
    free(out);

    out = run_tests(FL_SRC("tests/lua/failing"), &passed, &failed, &st);
    CU_ASSERT_EQUAL(st, FL_OK);
    CU_ASSERT_EQUAL(passed, 1);
    CU_ASSERT_EQUAL(failed, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL failing.wrong valid #1: expected no findings, got 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        out, "FAIL failing.wrong invalid #1: expected 2 finding(s) of always, always, got 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 passed, 2 failed\n"));
    free(out);

    /* a rule that fails to load is a failed case */
    out = run_tests(FL_SRC("tests/lua/load/bad_scope.lua"), &passed, &failed, &st);
    CU_ASSERT_EQUAL(failed, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "bad scope"));
    free(out);
}

static char *write_temp(const char *text)
{
    char tmpl[] = "/tmp/factlint-config-XXXXXX";
    int fd = mkstemp(tmpl);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return fl_strdup(tmpl);
}

/* Runs the corpus rule in the file holding `rule` over articles art0, art1...
 * with the n texts. */
static void corpus_rule_run(const char *rule, const char *const *texts, size_t n, fl_audit *out)
{
    char *p = write_temp(rule);
    const char *paths[] = {p, NULL};
    fl_rules_config c;
    config_for(&c, paths);
    fl_audit load;
    fl_audit_init(&load);
    fl_ruleset *rs = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_load(&rs, &c, &load, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_ruleset_count(rs), 1);
    fl_rule_worker *w = fl_rule_worker_new(rs, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "art%zu", i);
        fl_article *a = make_article(texts[i], id, i);
        fl_facts fs;
        fl_facts_init(&fs);
        extract_simple(a, &fs);
        CU_ASSERT_EQUAL(fl_rule_worker_check(w, a, &fs, out, &err), FL_OK);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    CU_ASSERT_EQUAL(fl_ruleset_run_corpus(rs, &w, 1, out, &err), FL_OK);
    fl_audit_sort(out);
    fl_rule_worker_free(w);
    fl_ruleset_free(rs);
    fl_audit_release(&load);
    fl_rules_config_release(&c);
    unlink(p);
    fl_free(p);
}

static void corpus_key_run(const char *rule, const char *text, fl_audit *out)
{
    corpus_rule_run(rule, &text, 1, out);
}

/* min_facts and min_articles: check() runs only for keys with enough facts
 * from enough articles. */
static void test_corpus_minimums(void)
{
    static const char *const texts[] = {
        "The bill was \xC2\xA3"
        "5 in May.\n\nA second bill came to \xC2\xA3"
        "9 and then \xC2\xA3"
        "4.",
        "Elsewhere the bill was \xC2\xA3"
        "5 too.",
    };
    /* keys: the amount's text; "£5" is in both articles, "£9" and "£4" in one */
    static const char rule_fmt[] =
        "return factlint.rule{\n"
        "  id = \"test.minimums\", summary = \"minimums\",\n"
        "  scope = \"corpus\", needs = {\"money\"}, %s,\n"
        "  key = function(f) return f.text end,\n"
        "  check = function(key, facts, report)\n"
        "    report{message = key .. \" x\" .. #facts, fact = facts[1]}\n"
        "  end,\n"
        "}\n";
    static const struct {
        const char *fields;
        size_t n_texts, findings;
        const char *first;
    } cases[] = {
        {"min_facts = 1", 1, 3, NULL},
        {"min_facts = 2", 1, 0, NULL},
        {"min_facts = 2", 2, 1,
         "\xC2\xA3"
         "5 x2"},
        {"min_articles = 2", 1, 0, NULL},
        {"min_articles = 2", 2, 1,
         "\xC2\xA3"
         "5 x2"},
        {"min_articles = 3", 2, 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char rule[1024];
        snprintf(rule, sizeof rule, rule_fmt, cases[i].fields);
        fl_audit out;
        fl_audit_init(&out);
        corpus_rule_run(rule, texts, cases[i].n_texts, &out);
        CU_ASSERT_EQUAL(out.n_rule_errors, 0);
        CU_ASSERT_EQUAL(out.n_findings, cases[i].findings);
        if (cases[i].first && out.n_findings)
            CU_ASSERT_STRING_EQUAL(out.findings[0].message, cases[i].first);
        fl_audit_release(&out);
    }
}

/* key(fact, article) gets the fact's article: a key made of the fact's
 * sentence text groups each amount under its own sentence. */
static void test_corpus_key_article(void)
{
    fl_audit out;
    fl_audit_init(&out);
    corpus_key_run("return factlint.rule{\n"
                   "  id = \"test.key-article\", summary = \"key reads the article\",\n"
                   "  scope = \"corpus\", needs = {\"money\"},\n"
                   "  key = function(f, article)\n"
                   "    for s in article:sentences() do\n"
                   "      if s.index == f.sentence then\n"
                   "        return article.id .. \": \" .. article:text(s.offset, s.length)\n"
                   "      end\n"
                   "    end\n"
                   "  end,\n"
                   "  check = function(key, facts, report)\n"
                   "    report{message = key .. \" (\" .. #facts .. \")\", fact = facts[1]}\n"
                   "  end,\n"
                   "}\n",
                   "The bill was \xC2\xA3"
                   "5 in May.\n\nA second bill came to \xC2\xA3"
                   "9 and then \xC2\xA3"
                   "4.",
                   &out);
    if (out.n_rule_errors)
        fprintf(stderr, "\nkey: %s\n", out.rule_errors[0].message);
    CU_ASSERT_EQUAL(out.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 2);
    CU_ASSERT_STRING_EQUAL(out.findings[0].message, "art0: The bill was \xC2\xA3"
                                                    "5 in May. (1)");
    CU_ASSERT_STRING_EQUAL(out.findings[1].message, "art0: A second bill came to \xC2\xA3"
                                                    "9 and then \xC2\xA3"
                                                    "4. (2)");
    fl_audit_release(&out);

    /* the article's fields, found by name (nil for an unknown one) */
    fl_audit_init(&out);
    corpus_key_run("return factlint.rule{\n"
                   "  id = \"test.key-fields\", summary = \"key reads article fields\",\n"
                   "  scope = \"corpus\", needs = {\"money\"},\n"
                   "  key = function(f, article)\n"
                   "    local t = {}\n"
                   "    for _, k in ipairs{\"id\", \"title\", \"path\", \"source\", \"format\",\n"
                   "        \"length\", \"paragraph_count\", \"sentence_count\", \"dateline\",\n"
                   "        \"dateline_source\", \"datelin\", \"i\", \"nosuch\"} do\n"
                   "      t[#t + 1] = tostring(article[k])\n"
                   "    end\n"
                   "    return table.concat(t, \"|\")\n"
                   "  end,\n"
                   "  check = function(key, facts, report)\n"
                   "    report{message = key, fact = facts[1]}\n"
                   "  end,\n"
                   "}\n",
                   "The bill was \xC2\xA3"
                   "5.\n\nIt was paid.",
                   &out);
    CU_ASSERT_EQUAL(out.n_rule_errors, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_findings, 1);
    CU_ASSERT_STRING_EQUAL(out.findings[0].message,
                           "art0|nil|test.txt|nil|txt|31|2|2|nil|nil|nil|nil|nil");
    fl_audit_release(&out);

    /* the handle is the call's: kept past key() it refuses to work */
    fl_audit_init(&out);
    corpus_key_run("local kept\n"
                   "return factlint.rule{\n"
                   "  id = \"test.key-kept\", summary = \"keeps the article\",\n"
                   "  scope = \"corpus\", needs = {\"money\"},\n"
                   "  key = function(f, article) kept = article; return \"k\" end,\n"
                   "  check = function(key, facts, report)\n"
                   "    report{message = kept:text(0, 3), fact = facts[1]}\n"
                   "  end,\n"
                   "}\n",
                   "The bill was \xC2\xA3"
                   "5.",
                   &out);
    CU_ASSERT_EQUAL(out.n_findings, 0);
    CU_ASSERT_EQUAL_FATAL(out.n_rule_errors, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.rule_errors[0].message, "article handle used after"));
    fl_audit_release(&out);
}

static void test_config_file(void)
{
    char *p = write_temp("-- project config\n"
                         "return {\n"
                         "  rules = {\"house-rules\"},\n"
                         "  enable = {\"style\"},\n"
                         "  disable = {\"money.no-currency\"},\n"
                         "  severity = {[\"style.very-unique\"] = \"error\"},\n"
                         "  options = {[\"money.no-currency\"] = {min_value = 2.5}},\n"
                         "  reference = {\"/abs/rates.json\"},\n"
                         "  limits = {instructions = 5000, memory_mb = 8},\n"
                         "  no_default_rules = true,\n"
                         "}\n");
    fl_rules_config c;
    fl_rules_config_init(&c);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_rules_config_load(&c, p, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(c.n_rule_paths, 1);
    CU_ASSERT_STRING_EQUAL(c.rule_paths[0], "/tmp/house-rules");
    CU_ASSERT_EQUAL(c.n_enable, 1);
    CU_ASSERT_STRING_EQUAL(c.disable[0], "money.no-currency");
    CU_ASSERT_EQUAL_FATAL(c.n_severity, 1);
    CU_ASSERT_EQUAL(c.severity[0].severity, FL_SEV_ERROR);
    CU_ASSERT_EQUAL_FATAL(c.n_options, 1);
    CU_ASSERT_STRING_EQUAL(c.options[0].key, "min_value");
    CU_ASSERT_STRING_EQUAL(c.options[0].value, "2.5");
    CU_ASSERT_STRING_EQUAL(c.reference_files[0], "/abs/rates.json");
    CU_ASSERT_EQUAL(c.instruction_budget, 5000);
    CU_ASSERT_EQUAL(c.memory_limit, (size_t)8 << 20);
    CU_ASSERT(c.no_default_rules);
    fl_rules_config_release(&c);
    unlink(p);
    fl_free(p);

    p = write_temp("return {\n  enable = {\"x\"},\n  colour = \"red\",\n}\n");
    fl_rules_config_init(&c);
    CU_ASSERT_EQUAL(fl_rules_config_load(&c, p, &err), FL_EUSAGE);
    CU_ASSERT_STRING_EQUAL(err.message, "unknown key 'colour'");
    CU_ASSERT_STRING_EQUAL(err.file, p);
    CU_ASSERT_EQUAL(err.line, 3);
    fl_rules_config_release(&c);
    unlink(p);
    fl_free(p);

    p = write_temp("return {\n  limits = {instructions = -1},\n}\n");
    fl_rules_config_init(&c);
    CU_ASSERT_EQUAL(fl_rules_config_load(&c, p, &err), FL_EUSAGE);
    CU_ASSERT_EQUAL(err.line, 2);
    fl_rules_config_release(&c);
    unlink(p);
    fl_free(p);

    p = write_temp("local x = os.getenv('HOME')\nreturn {}\n");
    fl_rules_config_init(&c);
    CU_ASSERT_EQUAL(fl_rules_config_load(&c, p, &err), FL_EUSAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "'os' is not available"));
    CU_ASSERT_EQUAL(err.line, 1);
    fl_rules_config_release(&c);
    unlink(p);
    fl_free(p);

    char *found = NULL;
    CU_ASSERT_EQUAL(fl_rules_config_find(&found, &err), FL_OK);
    fl_free(found);
}

static const fl_test_case cases[] = {
    {"sha256", test_sha256},
    {"article rules", test_article_rules},
    {"hostile rules", test_hostile},
    {"load errors", test_load_errors},
    {"parallel load", test_parallel_load},
    {"usage errors", test_usage_errors},
    {"config overrides", test_config_overrides},
    {"util api", test_util_api},
    {"util helpers", test_util_helpers},
    {"kept evidence", test_kept_evidence},
    {"corpus keys(article, keep)", test_corpus_keys},
    {"corpus slices", test_corpus_slices},
    {"corpus order", test_corpus_order},
    {"corpus report limit", test_corpus_report_limit},
    {"corpus scope", test_corpus},
    {"corpus key gets the article", test_corpus_key_article},
    {"corpus min_facts and min_articles", test_corpus_minimums},
    {"rule tests", test_rule_tests},
    {"config file", test_config_file},
    {NULL, NULL},
};

FL_TEST_MAIN("lua", cases)
