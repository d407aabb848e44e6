/* libFuzzer target: random rule programs against the sandbox.
 *
 * The input is a program in a small grammar: each pair of bytes (op, arg)
 * chooses a statement from the snippets below (loops, string building,
 * article:facts, report{}, factlint.re, factlint.util.*, pcall, error, table
 * growth, recursion, blocks that nest), with arg as its number.  The program
 * is wrapped in factlint.rule{...} (some statements may also run at load
 * time), written to /dev/shm, loaded with fl_ruleset_load and run with
 * fl_rule_worker_check on a fixed article with hand-built facts, under a
 * small instruction budget and memory ceiling.  A rule may fail in any way;
 * the engine must not crash, must report only FL_OK (or FL_ENOMEM), and the
 * process must stay within a fixed RSS. */
#include "core/article.h"
#include "core/error.h"
#include "core/fact.h"
#include "core/finding.h"
#include "core/strbuf.h"
#include "core/alloc.h"
#include "lua/ruleset.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* '@' in a snippet is replaced by the statement's number (0..255). */
static const char *const snippets[] = {
    "for i = 1, @ do t[#t + 1] = i end",
    "s = s .. string.rep('ab', @)",
    "for f in article:facts() do n = n + (f.offset or 0); t[#t + 1] = f.text end",
    "for f in article:facts('money') do report{message = 'money ' .. tostring(f.value), fact = f} "
    "end",
    "report{message = 'span', span = {offset = @, length = 3}}",
    "local ok, e = pcall(function() error('boom @') end)",
    "error('rule error @')",
    "r = factlint.re('(a|b)*c{1,@}')",
    "if r then for a in r:gmatch(article:text()) do n = n + 1 end end",
    "n = n + factlint.util.edit_distance(s:sub(1, 200), article:text(0, @))",
    "s = factlint.util.normalise(s)",
    "local function rec(k) if k <= 0 then return 0 end return 1 + rec(k - 1) end n = n + rec(@ * "
    "100)",
    "while n < @ * 1000 do n = n + 1 end",
    "t = {} for i = 1, @ * 10 do t[i] = {i, tostring(i)} end",
    "n = n + #factlint.util.skeleton(s)",
    "local v = factlint.util.convert(100, 'GBP', 'USD', 2000 + @ % 25)",
    "s = article:text(@, 40) or s",
    "for p in article:paragraphs() do n = n + 1 end",
    "local x = factlint.util.date('2015-0' .. (@ % 9 + 1) .. '-31')",
    "pcall(string.rep, 'x', @ * 100000)",
    "local ok = pcall(function() return undefined_global_@ end)",
    "setmetatable(t, {__index = function(_, k) return k end}) n = n + #tostring(t[@])",
    "for f in article:facts() do report{message = f.kind, fact = f, related = {{fact = f, message "
    "= 'here'}}} end",
    "report{messageId = 'nope@'}",
    "if n % 7 == @ % 7 then return end",
    "local ok = pcall(function() t.x.y.z = @ end)",
    "n = n + article:fact_count()",
    "s = tostring(article.dateline) .. tostring(article.title) .. s:sub(1, @)",
    "local ok, f = pcall(load, 'return @') if ok and f then n = n + (f() or 0) end",
    "for k, v in pairs(t) do n = n + 1 end",
    "s = string.format('%s %d', s:sub(1, 1000), @)",
    "local ok = pcall(function() article.id = '@' end)",
    "for s2 in article:sentences() do n = n + 1 end",
    "n = n + (factlint.util.days_between('2015-01-0' .. (@ % 9 + 1), '2016-02-29') or 0)",
    "local w = factlint.util.weekday('2023-03-1' .. (@ % 10))",
    "if r then local a, b = r:find(article:text(), @ + 1) if a then n = n + a end end",
    "local m = factlint.re('[') ",
    "local ok, e = pcall(factlint.re, string.rep('(', @))",
    "t = setmetatable({}, {__gc = function() n = n + 1 end})",
    "collectgarbage()",
    "s = s:rep(2):sub(1, @ * 4096)",
    "local c = 0 for f in article:facts('person') do c = c + #f.name end",
    "local ref = factlint.reference('rates')",
    "local u = factlint.util.number('@ million')",
    "t[#t + 1] = string.rep('z', @ * 1000)",
    "n = n + select('#', table.unpack(t, 1, math.min(#t, 200)))",
    "table.sort(t, function(a, b) return tostring(a) < tostring(b) end)",
    "report{message = 'bad', span = {offset = -@, length = 1}}",
};
#define N_SNIPPETS (sizeof snippets / sizeof snippets[0])

/* Block openers and their closers (ops past the snippets). */
static const char *const openers[] = {"for j = 1, @ do", "if n % 3 ~= @ % 3 then",
                                      "local ok, e = pcall(function()", "do"};
static const char *const closers[] = {"end", "end", "end)", "end"};
#define N_OPENERS (sizeof openers / sizeof openers[0])
#define MAX_DEPTH 16

static int add_snippet(fl_strbuf *sb, const char *snippet, unsigned arg)
{
    for (const char *p = snippet; *p; p++) {
        int rc = *p == '@' ? fl_strbuf_addf(sb, "%u", arg) : fl_strbuf_addch(sb, *p);
        if (rc)
            return -1;
    }
    return fl_strbuf_addch(sb, '\n');
}

/* The statements of data[0..size) as Lua source. */
static int add_program(fl_strbuf *sb, const uint8_t *data, size_t size)
{
    const char *stack[MAX_DEPTH];
    size_t depth = 0;
    for (size_t i = 0; i + 1 < size; i += 2) {
        unsigned op = data[i], arg = data[i + 1];
        if (op < N_SNIPPETS) {
            if (add_snippet(sb, snippets[op], arg))
                return -1;
        } else if (op < N_SNIPPETS + N_OPENERS && depth < MAX_DEPTH) {
            if (add_snippet(sb, openers[op - N_SNIPPETS], arg))
                return -1;
            stack[depth++] = closers[op - N_SNIPPETS];
        } else if (depth > 0 && op >= 250) {
            if (add_snippet(sb, stack[--depth], 0))
                return -1;
        }
    }
    while (depth > 0)
        if (add_snippet(sb, stack[--depth], 0))
            return -1;
    return 0;
}

static const char TEXT[] = "LONDON, 3 March 2021 - Harbour Freight Ltd said it would invest "
                           "£250m (about $340m) in Felixstowe.\n"
                           "\n"
                           "\"This is the biggest investment in our history,\" said chief "
                           "executive Maria Okafor.\n"
                           "\n"
                           "Mrs Okafer added that 400 jobs would be created by 2024.\n";

static fl_article *article;
static fl_facts facts;
static char rule_path[64];

static void add_fact(fl_fact_kind kind, const char *text, double value, const char *currency,
                     const char *name)
{
    const char *at = strstr(TEXT, text);
    if (!at)
        abort();
    size_t len = strlen(text);
    fl_fact *f = fl_facts_add(&facts, kind, (size_t)(at - TEXT), len);
    if (!f)
        abort();
    size_t i = facts.n - 1;
    const char *t = fl_facts_str(&facts, text, len);
    const char *c = currency ? fl_facts_str(&facts, currency, strlen(currency)) : NULL;
    const char *nm = name ? fl_facts_str(&facts, name, strlen(name)) : NULL;
    f = &facts.items[i];
    f->text = t;
    f->value = value;
    f->currency = c;
    if (nm) {
        f->name = nm;
        f->key = nm;
        f->canonical = nm;
    }
}

static void remove_rule_path(void)
{
    unlink(rule_path);
}

static void setup(void)
{
    fl_error err;
    article = fl_article_new();
    char *text = article ? fl_strndup(TEXT, sizeof TEXT - 1) : NULL;
    if (!text || fl_article_set_text(article, text, sizeof TEXT - 1, false, &err) ||
        fl_article_segment(article, &err) || !(article->id = fl_strdup("fuzz.txt")))
        abort();
    fl_facts_init(&facts);
    add_fact(FL_FACT_DATE, "3 March 2021", NAN, NULL, NULL);
    add_fact(FL_FACT_ORG, "Harbour Freight Ltd", NAN, NULL, "Harbour Freight Ltd");
    add_fact(FL_FACT_MONEY, "£250m", 250e6, "GBP", NULL);
    add_fact(FL_FACT_MONEY, "$340m", 340e6, "USD", NULL);
    add_fact(FL_FACT_QUOTE, "This is the biggest investment in our history,", NAN, NULL, NULL);
    add_fact(FL_FACT_PERSON, "Maria Okafor", NAN, NULL, "Maria Okafor");
    add_fact(FL_FACT_PERSON, "Okafer", NAN, NULL, "Okafer");
    add_fact(FL_FACT_QUANTITY, "400 jobs", 400, NULL, NULL);
    facts.items[2].link = 3;
    facts.items[3].link = 2;
    fl_facts_sort(&facts);
    fl_facts_locate(&facts, article);
    snprintf(rule_path, sizeof rule_path, "/dev/shm/fl_fuzz_lua_%ld.lua", (long)getpid());
    atexit(remove_rule_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!article)
        setup();
    if (size < 1)
        return 0;
    /* data[0]: how many leading statements also run at load time (0..3) */
    size_t at_load = size > 1 ? (size_t)(data[0] & 3) * 2 : 0;
    if (at_load > size - 1)
        at_load = (size - 1) & ~(size_t)1;
    fl_strbuf sb = FL_STRBUF_INIT;
    int rc = fl_strbuf_adds(&sb, "local t, s, n, r = {}, 'seed', 0, nil\n");
    rc = rc || add_program(&sb, data + 1, at_load);
    rc = rc || fl_strbuf_adds(&sb, "return factlint.rule{\n  id = 'fuzz.rule',\n"
                                   "  summary = 'a generated rule',\n"
                                   "  check = function(article, report)\n"
                                   "    local t, s, n, r = {}, 'seed', 0, nil\n");
    rc = rc || add_program(&sb, data + 1 + at_load, size - 1 - at_load);
    rc = rc || fl_strbuf_adds(&sb, "  end,\n}\n");
    FILE *fp = rc ? NULL : fopen(rule_path, "w");
    if (!fp)
        abort();
    fwrite(sb.buf, 1, sb.len, fp);
    fclose(fp);
    fl_strbuf_release(&sb);

    fl_error err;
    fl_rules_config c;
    fl_rules_config_init(&c);
    c.no_default_rules = true;
    c.instruction_budget = 200000;
    c.memory_limit = (size_t)8 << 20;
    c.max_reports = 20;
    if (fl_rules_config_add_string(&c.rule_paths, &c.n_rule_paths, rule_path))
        abort();
    fl_audit au;
    fl_audit_init(&au);
    fl_ruleset *rs = NULL;
    fl_status st = fl_ruleset_load(&rs, &c, &au, &err);
    if (st != FL_OK && st != FL_ENOMEM)
        __builtin_trap(); /* a bad rule is a load error in au, never a failed load */
    if (st == FL_OK) {
        fl_rule_worker *w = fl_rule_worker_new(rs, &err);
        if (w) {
            st = fl_rule_worker_check(w, article, &facts, &au, &err);
            if (st != FL_OK && st != FL_ENOMEM)
                __builtin_trap();
            /* twice: the state after a limit hit or an error must be usable */
            st = fl_rule_worker_check(w, article, &facts, &au, &err);
            if (st != FL_OK && st != FL_ENOMEM)
                __builtin_trap();
            fl_rule_worker_free(w);
        }
        fl_ruleset_free(rs);
    }
    fl_audit_release(&au);
    fl_rules_config_release(&c);
    struct rusage ru;
    if (!getrusage(RUSAGE_SELF, &ru) && ru.ru_maxrss > 1536L * 1024)
        __builtin_trap(); /* the sandbox's memory ceiling did not hold */
    return 0;
}
