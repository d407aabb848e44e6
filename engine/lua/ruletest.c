/* ruletest.c - `factlint test`: each rule's tests = {valid = {...}, invalid = {...}} (after
 * ESLint's RuleTester). */
#include "core/alloc.h"
#include "lua/internal.h"

#include <string.h>

typedef struct expect {
    char *message_id;
    char *message;
    long line;
} expect;

typedef struct tcase {
    bool valid;
    size_t index; /* 1-based within its list */
    char **texts, **datelines;
    size_t n_texts;
    int options_ref;
    bool has_count;
    size_t count;
    expect *exp;
    size_t n_exp;
} tcase;

typedef struct tcases {
    fl_rule_state *st;
    tcase *items;
    size_t n, cap;
    char *bad; /* a malformed test table: the reason */
} tcases;

static void tcases_release(tcases *t, lua_State *L)
{
    for (size_t i = 0; i < t->n; i++) {
        tcase *c = &t->items[i];
        for (size_t k = 0; k < c->n_texts; k++) {
            fl_free(c->texts[k]);
            fl_free(c->datelines[k]);
        }
        fl_free(c->texts);
        fl_free(c->datelines);
        for (size_t k = 0; k < c->n_exp; k++) {
            fl_free(c->exp[k].message_id);
            fl_free(c->exp[k].message);
        }
        fl_free(c->exp);
        if (L && c->options_ref != LUA_NOREF)
            luaL_unref(L, LUA_REGISTRYINDEX, c->options_ref);
    }
    fl_free(t->items);
    fl_free(t->bad);
    memset(t, 0, sizeof *t);
}

static void oom(lua_State *L)
{
    luaL_error(L, "not enough memory");
}

static char *dup_or_oom(lua_State *L, const char *s)
{
    char *r = s ? fl_strdup(s) : NULL;
    if (s && !r)
        oom(L);
    return r;
}

static int bad(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

static int rget(lua_State *L, int t, const char *k)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

/* Adds one article text (string or {text=, dateline=} at the top) to c. */
static void add_text(lua_State *L, tcase *c, const char *what)
{
    const char *text = NULL, *dl = NULL;
    int top = lua_gettop(L);
    if (lua_type(L, top) == LUA_TSTRING) {
        text = lua_tostring(L, top);
    } else if (lua_istable(L, top)) {
        if (rget(L, top, "text") == LUA_TSTRING)
            text = lua_tostring(L, -1);
        if (rget(L, top, "dateline") == LUA_TSTRING)
            dl = lua_tostring(L, -1);
    }
    if (!text)
        bad(L, "%s: an article is a string or {text=, dateline=}", what);
    char **t = fl_realloc(c->texts, (c->n_texts + 1) * sizeof *t);
    if (!t)
        oom(L);
    c->texts = t;
    char **d = fl_realloc(c->datelines, (c->n_texts + 1) * sizeof *d);
    if (!d)
        oom(L);
    c->datelines = d;
    t[c->n_texts] = NULL;
    d[c->n_texts] = NULL;
    c->n_texts++;
    t[c->n_texts - 1] = dup_or_oom(L, text);
    d[c->n_texts - 1] = dup_or_oom(L, dl);
    lua_settop(L, top);
}

/* Builds the options table of a case: the rule's options, then case.options. */
static void case_options(lua_State *L, fl_rule_state *st, int opts, tcase *c, const char *what)
{
    lua_newtable(L);
    int t = lua_gettop(L);
    for (size_t i = 0; i < st->def->n_options; i++) {
        fl_lua_push_optval(L, &st->def->options[i].value);
        lua_setfield(L, t, st->def->options[i].key);
    }
    lua_pushnil(L);
    while (lua_next(L, opts)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            bad(L, "%s: option names are strings", what);
        lua_pushvalue(L, -2);
        if (lua_rawget(L, t) == LUA_TNIL)
            bad(L, "%s: unknown option '%s'", what, lua_tostring(L, -3));
        if (lua_type(L, -1) != lua_type(L, -2))
            bad(L, "%s: option '%s' must be a %s", what, lua_tostring(L, -3), luaL_typename(L, -1));
        lua_pop(L, 1);
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, t);
    }
    fl_sandbox_readonly(L);
    c->options_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void read_list(lua_State *L, tcases *x, int tests, const char *name)
{
    bool valid = !strcmp(name, "valid");
    if (rget(L, tests, name) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    int list = lua_gettop(L);
    size_t n = lua_rawlen(L, list);
    for (size_t i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s #%zu", name, i);
        if (FL_GROW(x->items, x->cap, x->n + 1))
            oom(L);
        tcase *c = &x->items[x->n++];
        memset(c, 0, sizeof *c);
        c->valid = valid;
        c->index = i;
        c->options_ref = LUA_NOREF;
        int ct = lua_rawgeti(L, list, (lua_Integer)i);
        int item = lua_gettop(L);
        if (ct == LUA_TSTRING) {
            add_text(L, c, what);
        } else if (ct == LUA_TTABLE) {
            if (rget(L, item, "articles") == LUA_TTABLE) {
                int arts = lua_gettop(L);
                size_t na = lua_rawlen(L, arts);
                for (size_t k = 1; k <= na; k++) {
                    lua_rawgeti(L, arts, (lua_Integer)k);
                    add_text(L, c, what);
                    lua_pop(L, 1);
                }
                lua_pop(L, 1);
            } else {
                lua_pop(L, 1);
                lua_pushvalue(L, item);
                add_text(L, c, what);
                lua_pop(L, 1);
            }
            if (rget(L, item, "options") == LUA_TTABLE)
                case_options(L, x->st, lua_gettop(L), c, what);
            lua_pop(L, 1);
            int et = rget(L, item, "errors");
            if (et == LUA_TNUMBER) {
                c->has_count = true;
                c->count = (size_t)lua_tointeger(L, -1);
            } else if (et == LUA_TTABLE) {
                int errs = lua_gettop(L);
                size_t ne = lua_rawlen(L, errs);
                c->exp = fl_calloc(ne ? ne : 1, sizeof *c->exp);
                if (!c->exp)
                    oom(L);
                for (size_t k = 1; k <= ne; k++) {
                    expect *e = &c->exp[c->n_exp++];
                    int t = lua_rawgeti(L, errs, (lua_Integer)k);
                    if (t == LUA_TSTRING) {
                        e->message_id = dup_or_oom(L, lua_tostring(L, -1));
                    } else if (t == LUA_TTABLE) {
                        int et2 = lua_gettop(L);
                        if (rget(L, et2, "messageId") == LUA_TSTRING)
                            e->message_id = dup_or_oom(L, lua_tostring(L, -1));
                        if (rget(L, et2, "message") == LUA_TSTRING)
                            e->message = dup_or_oom(L, lua_tostring(L, -1));
                        if (rget(L, et2, "line") == LUA_TNUMBER)
                            e->line = (long)lua_tointeger(L, -1);
                        lua_settop(L, et2);
                    } else {
                        bad(L,
                            "%s: each expected error is a messageId or {messageId=, "
                            "message=, line=}",
                            what);
                    }
                    lua_pop(L, 1);
                }
            } else if (!valid) {
                bad(L, "%s: an invalid case needs errors= (a count or a list)", what);
            }
            lua_pop(L, 1);
        } else {
            bad(L, "%s: a case is a string or a table", what);
        }
        if (!valid && c->n_texts && !c->has_count && !c->exp)
            bad(L, "%s: an invalid case needs errors=", what);
        lua_settop(L, list);
    }
    lua_pop(L, 1);
}

static int body_read_tests(lua_State *L)
{
    tcases *x = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, x->st->rule_ref);
    if (rget(L, -1, "tests") != LUA_TTABLE)
        return 0;
    int tests = lua_gettop(L);
    read_list(L, x, tests, "valid");
    read_list(L, x, tests, "invalid");
    return 0;
}

static void describe(fl_strbuf *sb, const fl_audit *au)
{
    for (size_t i = 0; i < au->n_findings && i < 5; i++)
        fl_strbuf_addf(sb, "%s%s:%u \"%s\"", i ? "; " : " (",
                       au->findings[i].message_id ? au->findings[i].message_id : "-",
                       au->findings[i].loc.line, au->findings[i].message);
    if (au->n_findings)
        fl_strbuf_adds(sb, au->n_findings > 5 ? "; ...)" : ")");
}

/* Judges a case's audit; appends the reason of a failure to why. */
static bool judge(const tcase *c, const fl_audit *au, fl_strbuf *why)
{
    if (au->n_rule_errors) {
        const fl_rule_error *e = &au->rule_errors[0];
        fl_strbuf_addf(why, "rule error (%s) at line %ld: %s", e->klass, e->line, e->message);
        return false;
    }
    if (c->valid) {
        if (!au->n_findings)
            return true;
        fl_strbuf_addf(why, "expected no findings, got %zu", au->n_findings);
        describe(why, au);
        return false;
    }
    size_t want = c->has_count ? c->count : c->n_exp;
    if (au->n_findings != want) {
        fl_strbuf_addf(why, "expected %zu finding(s)", want);
        if (c->n_exp) {
            fl_strbuf_adds(why, " of ");
            for (size_t i = 0; i < c->n_exp; i++)
                fl_strbuf_addf(why, "%s%s", i ? ", " : "",
                               c->exp[i].message_id ? c->exp[i].message_id : "(message)");
        }
        fl_strbuf_addf(why, ", got %zu", au->n_findings);
        describe(why, au);
        return false;
    }
    for (size_t i = 0; i < c->n_exp; i++) {
        const expect *e = &c->exp[i];
        const fl_finding *f = &au->findings[i];
        if (e->message_id && (!f->message_id || strcmp(e->message_id, f->message_id))) {
            fl_strbuf_addf(why, "finding #%zu: expected messageId '%s', got '%s'", i + 1,
                           e->message_id, f->message_id ? f->message_id : "(none)");
            return false;
        }
        if (e->message && strcmp(e->message, f->message)) {
            fl_strbuf_addf(why, "finding #%zu: expected message \"%s\", got \"%s\"", i + 1,
                           e->message, f->message);
            return false;
        }
        if (e->line && (long)f->loc.line != e->line) {
            fl_strbuf_addf(why, "finding #%zu: expected line %ld, got %u", i + 1, e->line,
                           f->loc.line);
            return false;
        }
    }
    return true;
}

/* Runs one case; returns FL_OK (pass or fail in *ok) or a fatal status. */
static fl_status run_case(fl_rule_worker *w, size_t r, const tcase *c, fl_test_extract_fn extract,
                          void *ud, bool *ok, fl_strbuf *why, fl_error *err)
{
    fl_rule_state *st = &w->states[r];
    fl_audit au;
    fl_audit_init(&au);
    fl_status status = FL_OK;
    *ok = false;
    st->n_kept = 0;
    fl_arena_reset(&st->arena);
    for (size_t k = 0; k < c->n_texts; k++) {
        fl_article *a = NULL;
        fl_facts facts;
        fl_facts_init(&facts);
        fl_error e;
        fl_error_clear(&e);
        fl_status s = extract(ud, c->texts[k], c->datelines[k], &a, &facts, &e);
        if (s == FL_ENOMEM) {
            status = fl_error_set(err, FL_ENOMEM, "out of memory building a test article");
        } else if (s || !a) {
            fl_strbuf_addf(why, "cannot build article %zu: %s", k + 1, e.message);
        } else {
            a->seq = k;
            /* the runner names each article of a case, whatever the callback
             * called it, so multi-article cases have distinct ids */
            char id[64];
            snprintf(id, sizeof id, "%s-%zu-%zu", c->valid ? "valid" : "invalid", c->index, k + 1);
            fl_free(a->id);
            a->id = fl_strdup(id);
            if (!a->path)
                a->path = fl_strdup("<test>");
            if (!a->id || !a->path || fl_rule_run_article(w, r, a, &facts, &au, c->options_ref))
                status = fl_error_set(err, FL_ENOMEM, "out of memory running a test");
        }
        fl_article_free(a);
        fl_facts_release(&facts);
        if (status || why->len)
            goto cleanup;
    }
    if (st->def->corpus && !au.n_rule_errors) {
        fl_rule_worker *ws[1] = {w};
        if (fl_rule_run_corpus(ws, 1, r, &au, c->options_ref, 0)) {
            status = fl_error_set(err, FL_ENOMEM, "out of memory running a test");
            goto cleanup;
        }
    }
    fl_audit_sort(&au);
    *ok = judge(c, &au, why);
cleanup:
    st->n_kept = 0;
    fl_arena_reset(&st->arena);
    fl_audit_release(&au);
    return status;
}

static void print_output(FILE *out, fl_sandbox *sb)
{
    if (!sb || !sb->print.len)
        return;
    fprintf(out, "     print output:\n");
    const char *p = sb->print.buf;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "       %.*s\n", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

fl_status fl_rules_test(const fl_rules_config *c, fl_test_extract_fn extract, void *ud, FILE *out,
                        size_t *passed, size_t *failed, fl_error *err)
{
    fl_rules_config only = *c;
    only.no_default_rules = c->n_rule_paths > 0 || c->no_default_rules;
    only.n_enable = only.n_disable = 0;
    only.n_severity = 0;
    fl_audit load;
    fl_audit_init(&load);
    fl_ruleset *rs = NULL;
    fl_rule_worker *w = NULL;
    fl_strbuf why = FL_STRBUF_INIT;
    *passed = *failed = 0;
    fl_status status = fl_ruleset_load(&rs, &only, &load, err);
    if (status)
        goto cleanup;
    for (size_t i = 0; i < load.n_rule_errors; i++) {
        const fl_rule_error *e = &load.rule_errors[i];
        fprintf(out, "FAIL %s load: %s:%ld: %s\n", e->file, e->file, e->line, e->message);
        (*failed)++;
    }
    for (size_t i = 0; i < rs->n; i++)
        rs->rules[i].enabled = true;
    if (!(w = fl_rule_worker_new(rs, err))) {
        status = FL_ENOMEM;
        goto cleanup;
    }
    for (size_t r = 0; r < rs->n; r++) {
        fl_rule_state *st = &w->states[r];
        if (st->broken || !st->sb) {
            fprintf(out, "FAIL %s: cannot create its state\n", rs->rules[r].id);
            (*failed)++;
            continue;
        }
        tcases x = {0};
        x.st = st;
        fl_sandbox_failure fail;
        if (!fl_sandbox_call(st->sb, FL_RULES_LOAD_BUDGET, body_read_tests, &x, &fail)) {
            fprintf(out, "FAIL %s tests: %s\n", rs->rules[r].id, fail.message);
            (*failed)++;
            fl_sandbox_failure_release(&fail);
            tcases_release(&x, st->sb ? st->sb->L : NULL);
            continue;
        }
        if (!x.n) {
            fprintf(out, "FAIL %s: no tests\n", rs->rules[r].id);
            (*failed)++;
        }
        for (size_t k = 0; k < x.n && !status; k++) {
            const tcase *tc = &x.items[k];
            bool ok;
            fl_strbuf_reset(&why);
            st->sb->print.len = 0;
            if (st->sb->print.alloc)
                st->sb->print.buf[0] = '\0';
            status = run_case(w, r, tc, extract, ud, &ok, &why, err);
            if (status)
                break;
            if (ok) {
                fprintf(out, "ok   %s %s #%zu\n", rs->rules[r].id, tc->valid ? "valid" : "invalid",
                        tc->index);
                (*passed)++;
            } else {
                fprintf(out, "FAIL %s %s #%zu: %s\n", rs->rules[r].id,
                        tc->valid ? "valid" : "invalid", tc->index, why.buf);
                print_output(out, st->sb);
                (*failed)++;
            }
        }
        tcases_release(&x, st->sb ? st->sb->L : NULL);
        if (status)
            goto cleanup;
    }
    fprintf(out, "%zu passed, %zu failed\n", *passed, *failed);
cleanup:
    fl_strbuf_release(&why);
    fl_rule_worker_free(w);
    fl_ruleset_free(rs);
    fl_audit_release(&load);
    return status;
}
