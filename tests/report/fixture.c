#include "fixture.h"

#include "core/alloc.h"
#include "core/article.h"
#include "core/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char kaito_text[] =
    "\xC5\x8Csaka \xE2\x80\x94 Kaito Holdings will invest \xC2\xA5"
    "6bn (\xC2\xA3"
    "32m) in a new plant, its chief said.\n"
    "\"We are committed to the city,\" said chief executive Aiko Tanaka.\n"
    "Analysts were cautious.\n"
    "Later Ms Tanaka added: \"We are committed to the city,\" to reporters.\n"
    "A note read <script>alert(\"x&y\")</script> 'quoted' \xE2\x80\x93 end";

static const char mayor_text[] = "The mayor, Ann Lee, opened the bridge.\r\n"
                                 "Councillors thanked Ann Leigh for the work.\r\n";

static fl_article *make_article(size_t seq, const char *path, const char *text, long line_base)
{
    fl_article *a = fl_article_new();
    if (!a)
        return NULL;
    a->seq = seq;
    a->id = fl_strdup(path);
    a->path = fl_strdup(path);
    a->line_base = line_base;
    char *t = fl_strdup(text);
    if (!a->id || !a->path || !t || fl_article_set_text(a, t, strlen(text), false, NULL) != FL_OK) {
        fl_article_free(a);
        return NULL;
    }
    return a;
}

/* Byte offset of the nth (0-based) occurrence of needle in the article text. */
static size_t find_nth(const fl_article *a, const char *needle, int nth)
{
    const char *p = a->text;
    for (;;) {
        const char *q = strstr(p, needle);
        if (!q)
            return a->text_len;
        if (nth-- == 0)
            return (size_t)(q - a->text);
        p = q + 1;
    }
}

typedef struct span_spec {
    const char *needle;
    int nth;
    size_t cut; /* 0: the whole needle; EMPTY: found, then cut to nothing
                 * (its excerpt stays); else this many bytes of it */
} span_spec;

#define EMPTY SIZE_MAX

static bool add_finding(fl_audit *au, const fl_article *a, const char *rule, fl_severity sev,
                        const char *msg, const char *msg_id, span_spec span,
                        const span_spec *related, const char *related_msg, bool suppressed,
                        unsigned occurrence)
{
    fl_finding f;
    memset(&f, 0, sizeof f);
    f.rule = fl_strdup(rule);
    f.severity = sev;
    f.message = fl_strdup(msg);
    f.message_id = msg_id ? fl_strdup(msg_id) : NULL;
    f.article_seq = a->seq;
    f.article_id = fl_strdup(a->id);
    f.path = fl_strdup(a->path);
    f.evidence_json = fl_strdup("[{\"kind\":\"quote\",\"text\":\"We are committed\",\"n\":1}]");
    f.suppressed = suppressed;
    bool ok = f.rule && f.message && f.article_id && f.path && f.evidence_json &&
              (!msg_id || f.message_id);
    size_t off = find_nth(a, span.needle, span.nth);
    size_t len = span.cut && span.cut != EMPTY ? span.cut : strlen(span.needle);
    if (ok && fl_location_fill(&f.loc, a, off, len, FL_LOCATION_LINE_MAX) != FL_OK)
        ok = false;
    if (ok && span.cut == EMPTY) {
        f.loc.length = 0;
        f.loc.end_column = f.loc.column;
    }
    if (ok && related) {
        f.related = fl_calloc(1, sizeof *f.related);
        if (!f.related)
            ok = false;
        else {
            f.n_related = 1;
            f.related[0].message = fl_strdup(related_msg);
            size_t ro = find_nth(a, related->needle, related->nth);
            size_t rl = related->cut ? related->cut : strlen(related->needle);
            if (!f.related[0].message ||
                fl_location_fill(&f.related[0].loc, a, ro, rl, FL_LOCATION_LINE_MAX) != FL_OK)
                ok = false;
        }
    }
    if (ok)
        fl_finding_fingerprint(&f, span.needle, strlen(span.needle), occurrence);
    if (!ok || fl_audit_add_finding(au, &f) != FL_OK) {
        fl_finding_release(&f);
        return false;
    }
    return true;
}

static bool add_record(fl_audit *au, const fl_article *a, const char *title, size_t n_findings)
{
    fl_article_record r;
    memset(&r, 0, sizeof r);
    r.seq = a->seq;
    r.id = a->id;
    r.path = a->path;
    r.title = (char *)title;
    r.n_findings = n_findings;
    r.n_facts = 7;
    r.text = a->text;
    r.line_base = a->line_base;
    r.dateline = (char *)"2024-03-14";
    r.dateline_source = "front-matter";
    fl_error_clear(&r.error);
    return fl_audit_add_article(au, &r) == FL_OK;
}

static bool add_health(fl_audit *au, const char *rule, fl_severity sev, bool loaded)
{
    fl_rule_health *h = fl_audit_rule(au, rule);
    if (!h)
        return false;
    char buf[256];
    h->severity = sev;
    h->loaded = loaded;
    h->enabled = true;
    h->articles_run = loaded ? 3 : 0;
    snprintf(buf, sizeof buf, "rules/%s.lua", rule);
    h->file = fl_strdup(buf);
    snprintf(buf, sizeof buf, "https://factlint.example/rules/%s", rule);
    h->url = fl_strdup(buf);
    snprintf(buf, sizeof buf, "Checks %s consistency", rule);
    h->summary = fl_strdup(buf);
    h->tags = fl_strdup("consistency, news");
    h->hash = fl_strdup("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    return h->file && h->url && h->summary && h->tags && h->hash;
}

bool fl_fixture_spill;

/* A new audit, its findings and clean articles spilled when asked. */
static bool audit_new(fl_audit *au)
{
    fl_audit_init(au);
    fl_error err;
    return !fl_fixture_spill || fl_audit_spill_open(au, &err) == FL_OK;
}

bool fl_fixture_rich(fl_audit *au)
{
    bool ok = false;
    if (!audit_new(au))
        return false;
    fl_article *k = make_article(0, "wire/kaito.txt", kaito_text, 0);
    fl_article *m = make_article(1, "copy/mayor.md", mayor_text, 3);
    fl_article *q = make_article(3, "copy/quiet.txt", "Nothing happened.\n", 0);
    if (!k || !m || !q)
        goto cleanup;
    au->lua_version = fl_strdup("Lua 5.4.4");
    au->pcre2_version = fl_strdup("10.42 2022-12-11");
    span_spec first_quote = {"\"We are committed to the city,\"", 0, 0};
    span_spec lee = {"Ann Lee", 0, 0};
    if (!add_finding(au, k, "place.spelling", FL_SEV_WARNING,
                     "place name '\xC5\x8Csaka' is spelled 'Osaka' elsewhere", NULL,
                     (span_spec){"\xC5\x8Csaka", 0, 0}, NULL, NULL, false, 0) ||
        !add_finding(au, k, "money.conversion", FL_SEV_ERROR,
                     "\xC2\xA5"
                     "6bn is about \xC2\xA3"
                     "34m at the 2023 rate, not \xC2\xA3"
                     "32m",
                     "mismatch",
                     (span_spec){"\xC2\xA5"
                                 "6bn (\xC2\xA3"
                                 "32m)",
                                 0, 0},
                     NULL, NULL, false, 0) ||
        !add_finding(au, k, "money.currency", FL_SEV_INFO, "currency inferred from the symbol",
                     NULL,
                     (span_spec){"\xC2\xA3"
                                 "32m",
                                 0, 0},
                     NULL, NULL, false, 0) ||
        !add_finding(au, k, "name.title", FL_SEV_INFO, "the speaker's title changes between lines",
                     NULL, (span_spec){"its chief said.\n\"We are", 0, 0}, NULL, NULL, false, 0) ||
        !add_finding(au, k, "quote.duplicate", FL_SEV_WARNING, "quote printed twice", "duplicate",
                     (span_spec){"\"We are committed to the city,\"", 1, 0}, &first_quote,
                     "first printed here", false, 0) ||
        !add_finding(au, k, "quote.duplicate", FL_SEV_INFO, "a baseline accepted this one", NULL,
                     (span_spec){"Analysts", 0, 0}, NULL, NULL, true, 0) ||
        !add_finding(au, k, "markup.hostile", FL_SEV_ERROR,
                     "text looks like markup: <script>&\"' | `tick` \x01"
                     "ctl\nsecond line",
                     NULL, (span_spec){"<script>alert(\"x&y\")</script>", 0, 0}, NULL, NULL, false,
                     0) ||
        /* a zero-length span: "The" cut to nothing */
        !add_finding(au, m, "date.no_dateline", FL_SEV_INFO, "relative date with no dateline", NULL,
                     (span_spec){"The", 0, EMPTY}, NULL, NULL, false, 0))
        goto cleanup;
    if (!add_finding(au, m, "name.spelling", FL_SEV_WARNING, "'Ann Leigh' may be 'Ann Lee'",
                     "spelling", (span_spec){"Ann Leigh", 0, 0}, &lee, "spelled 'Ann Lee' here",
                     false, 0))
        goto cleanup;
    au->suppressed = 1;
    if (!add_record(au, k, "Kaito to invest in \xC5\x8Csaka", 6) || !add_record(au, m, NULL, 2) ||
        !add_record(au, q, "Quiet <b>day</b> & \"calm\" 'news'", 0))
        goto cleanup;
    fl_article_record bad;
    memset(&bad, 0, sizeof bad);
    bad.seq = 2;
    bad.id = (char *)"feeds/bad.txt";
    bad.path = (char *)"feeds/bad.txt";
    bad.skipped = true;
    fl_error_set(&bad.error, FL_EUTF8,
                 "invalid UTF-8 at byte 12 (use --lossy to replace bad bytes)");
    fl_error_locate(&bad.error, "feeds/bad.txt", 1, 12);
    if (fl_audit_add_article(au, &bad) != FL_OK)
        goto cleanup;
    fl_rule_error e1 = {(char *)"money.sum",
                        (char *)"rules/money_sum.lua",
                        42,
                        (char *)"runtime",
                        (char *)"attempt to index a nil value (field 'currency')",
                        (char *)"rules/money_sum.lua:42: in function 'check'\n[C]: in ?",
                        (char *)"wire/kaito.txt"};
    fl_rule_error e2 = {(char *)"broken.rule",
                        (char *)"rules/broken.lua",
                        3,
                        (char *)"load",
                        (char *)"unexpected symbol near '<'",
                        NULL,
                        NULL};
    if (fl_audit_add_rule_error(au, &e1) != FL_OK || fl_audit_add_rule_error(au, &e2) != FL_OK)
        goto cleanup;
    static const char *const rules[] = {"place.spelling",   "money.conversion", "money.currency",
                                        "name.title",       "quote.duplicate",  "markup.hostile",
                                        "date.no_dateline", "name.spelling",    "money.sum"};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (!add_health(au, rules[i], FL_SEV_WARNING, true))
            goto cleanup;
    if (!add_health(au, "broken.rule", FL_SEV_ERROR, false))
        goto cleanup;
    fl_audit_rule(au, "money.sum")->errors_by_class[FL_RERR_RUNTIME] = 1;
    fl_audit_rule(au, "broken.rule")->errors_by_class[FL_RERR_LOAD] = 1;
    fl_audit_sort(au);
    ok = true;
cleanup:
    fl_article_free(k);
    fl_article_free(m);
    fl_article_free(q);
    if (!ok)
        fl_audit_release(au);
    return ok;
}

bool fl_fixture_big(fl_audit *au, size_t n_articles)
{
    static const char *const rules[] = {"quote.duplicate", "money.conversion", "name.spelling",
                                        "date.no_dateline", "money.currency"};
    if (!audit_new(au))
        return false;
    for (size_t i = 0; i < 5; i++)
        if (!add_health(au, rules[i], FL_SEV_WARNING, true))
            goto fail;
    for (size_t n = 0; n < n_articles; n++) {
        fl_strbuf sb = FL_STRBUF_INIT;
        int rc = 0;
        for (int p = 0; p < 12; p++)
            rc |= fl_strbuf_addf(&sb,
                                 "Paragraph %d of report %zu: the council of Northbridge said it "
                                 "would spend \xC2\xA3%dm on %d new buses, \"a fair deal\", said "
                                 "Ms Rowe.\n",
                                 p, n, p + 3, p * 7 + 2);
        char path[64];
        snprintf(path, sizeof path, "corpus/article-%05zu.txt", n);
        fl_article *a = rc ? NULL : make_article(n, path, sb.buf, 0);
        fl_strbuf_release(&sb);
        if (!a)
            goto fail;
        bool ok = true;
        for (int k = 0; k < 10 && ok; k++) {
            span_spec rel = {"\"a fair deal\"", 0, 0};
            ok = add_finding(au, a, rules[k % 5], (fl_severity)(1 + k % 3),
                             "the figure differs from the one printed earlier", NULL,
                             (span_spec){k % 2 ? "\"a fair deal\"" : "Northbridge", k + 1, 0},
                             k % 2 ? &rel : NULL, "first printed here", false, (unsigned)k);
        }
        ok = ok && add_record(au, a, "Northbridge buses", 10);
        fl_article_free(a);
        if (!ok)
            goto fail;
    }
    fl_audit_sort(au);
    return true;
fail:
    fl_audit_release(au);
    return false;
}
