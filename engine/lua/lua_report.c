/* lua_report.c - report(): how a rule turns a discrepancy into an fl_finding. */
#include "core/alloc.h"
#include "lua/internal.h"

#include <math.h>
#include <string.h>

static fl_call *live_call(lua_State *L)
{
    fl_rule_state *st = fl_lua_state(L);
    lua_Integer gen = lua_tointeger(L, lua_upvalueindex(1));
    if (!st || !st->call || (unsigned long)gen != st->w->generation)
        luaL_error(L, "report used after its check returned");
    return st->call;
}

#define REPORT_FAIL(L, ...) fl_sandbox_raise((L), FL_RERR_REPORT, __VA_ARGS__)

static int get(lua_State *L, int t, const char *k)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

/* Appends v (a data value at idx) to sb as text. */
static void add_value(lua_State *L, fl_strbuf *sb, int idx, const char *name)
{
    char buf[64];
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        fl_strbuf_add(sb, s, n);
        return;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
        else
            snprintf(buf, sizeof buf, "%.14g", (double)lua_tonumber(L, idx));
        fl_strbuf_adds(sb, buf);
        return;
    case LUA_TBOOLEAN:
        fl_strbuf_adds(sb, lua_toboolean(L, idx) ? "true" : "false");
        return;
    default:
        REPORT_FAIL(L, "message data '%s' must be a string, number or boolean, not a %s", name,
                    luaL_typename(L, idx));
    }
}

/* Expands {{name}} in tmpl with data (table at idx, or 0) into sb (reset first). */
static void expand(lua_State *L, fl_strbuf *sb, const char *tmpl, int data)
{
    fl_strbuf_reset(sb);
    const char *p = tmpl;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            fl_strbuf_adds(sb, p);
            break;
        }
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            fl_strbuf_adds(sb, p);
            break;
        }
        fl_strbuf_add(sb, p, (size_t)(open - p));
        const char *ns = open + 2, *ne = close;
        while (ns < ne && *ns == ' ')
            ns++;
        while (ne > ns && ne[-1] == ' ')
            ne--;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(ne - ns), ns);
        if (!data || (lua_pushstring(L, name), lua_rawget(L, data)) == LUA_TNIL)
            REPORT_FAIL(L, "message placeholder '{{%s}}' has no value in data", name);
        add_value(L, sb, -1, name);
        lua_pop(L, 1);
        p = close + 2;
    }
    if (!sb->alloc)
        fl_strbuf_grow(sb, 1);
}

/* A location for a fact or span table at idx; fills loc and says which fact (if any). */
typedef struct where {
    const fl_fact *fact;
    const fl_kept *kept;
    size_t offset, length;
} where;

static void resolve(lua_State *L, fl_call *call, int idx, const char *what, where *w)
{
    memset(w, 0, sizeof *w);
    int t = lua_absindex(L, idx);
    int ft = get(L, t, "fact");
    int st = get(L, t, "span");
    if (ft != LUA_TNIL) {
        const fl_kept *k = NULL;
        const fl_fact *f = fl_lua_check_fact(L, t + 1, &k);
        if (!call->a && !k)
            REPORT_FAIL(L, "%s: the fact does not belong to this call", what);
        if (call->a && (k || f < call->facts->items || f >= call->facts->items + call->facts->n))
            REPORT_FAIL(L, "%s: the fact is not one of this article's facts", what);
        w->fact = f;
        w->kept = k;
        w->offset = f->offset;
        w->length = f->length;
    } else if (st != LUA_TNIL) {
        if (!call->a)
            REPORT_FAIL(L, "%s: span= needs an article; corpus rules report a fact=", what);
        if (st != LUA_TTABLE)
            REPORT_FAIL(L, "%s: span must be a table {offset=, length=}", what);
        int span = lua_gettop(L);
        get(L, span, "offset");
        get(L, span, "length");
        int isnum1, isnum2;
        lua_Integer off = lua_tointegerx(L, -2, &isnum1);
        lua_Integer len = lua_tointegerx(L, -1, &isnum2);
        if (!isnum1 || !isnum2)
            REPORT_FAIL(L, "%s: span needs integer offset and length", what);
        const fl_article *a = call->a;
        if (off < 0 || len < 0 || (size_t)off > a->text_len ||
            (size_t)len > a->text_len - (size_t)off)
            REPORT_FAIL(L,
                        "%s: span {offset=%lld, length=%lld} is outside the article text "
                        "(%zu bytes)",
                        what, (long long)off, (long long)len, a->text_len);
        if (((unsigned char)a->text[off] & 0xC0) == 0x80 ||
            ((size_t)(off + len) < a->text_len &&
             ((unsigned char)a->text[off + len] & 0xC0) == 0x80))
            REPORT_FAIL(L, "%s: span {offset=%lld, length=%lld} cuts a UTF-8 character", what,
                        (long long)off, (long long)len);
        w->offset = (size_t)off;
        w->length = (size_t)len;
        lua_pop(L, 2);
    } else {
        REPORT_FAIL(L, "%s needs fact= or span=", what);
    }
    lua_pop(L, 2);
}

static void nomem(lua_State *L)
{
    luaL_error(L, "not enough memory");
}

static void fill_loc(lua_State *L, fl_call *call, const where *w, fl_location *loc)
{
    if (w->kept) {
        *loc = w->kept->loc;
        loc->excerpt = fl_strdup(w->kept->loc.excerpt);
        loc->line_text = fl_strdup(w->kept->loc.line_text);
        if (!loc->excerpt || !loc->line_text)
            nomem(L);
    } else if (fl_location_fill(loc, call->a, w->offset, w->length, call->st->w->rs->line_max)) {
        nomem(L);
    }
}

static void add_evidence(lua_State *L, fl_call *call, fl_strbuf *ev, const where *w, bool *first)
{
    if (!w->fact)
        return;
    if (!*first && fl_strbuf_addch(ev, ','))
        nomem(L);
    *first = false;
    int r;
    if (w->kept)
        r = fl_kept_evidence(w->kept, ev);
    else
        r = fl_fact_write_json(ev, call->a->id ? call->a->id : call->a->path, w->fact, call->facts);
    if (r)
        nomem(L);
}

/* The message of the related entry at idx: its `message`, or its `messageId`
 * expanded with its `data` (into the sandbox's scratch buffer, as call->scratch
 * holds the evidence being built); NULL when it has neither.  Pushes one value. */
static const char *related_message(lua_State *L, fl_rule_state *st, int idx, size_t i)
{
    int mt = get(L, idx, "messageId");
    if (mt == LUA_TNIL) {
        lua_pop(L, 1);
        return get(L, idx, "message") == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    }
    if (mt != LUA_TSTRING)
        REPORT_FAIL(L, "report: related[%zu].messageId must be a string", i + 1);
    const char *mid = lua_tostring(L, -1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->rule_ref);
    if (get(L, -1, "messages") != LUA_TTABLE || get(L, -1, mid) != LUA_TSTRING)
        REPORT_FAIL(L, "report: related[%zu]: unknown messageId '%s'", i + 1, mid);
    int tmpl = lua_gettop(L);
    int data = get(L, idx, "data") == LUA_TTABLE ? lua_gettop(L) : 0;
    fl_strbuf *sb = &fl_sandbox_of(L)->scratch;
    expand(L, sb, lua_tostring(L, tmpl), data);
    lua_settop(L, idx);
    lua_pushlstring(L, sb->buf, sb->len); /* one value, as the message branch */
    return lua_tostring(L, -1);
}

static const char *const report_keys[] = {"message", "messageId", "data",     "fact", "span",
                                          "related", "evidence",  "severity", NULL};

/***
 * report{message= | messageId= [, data=], fact= | span={offset=, length=} [, related=] [,
 * evidence=] [, severity=]}
 *
 * Records one finding; `report` is the second argument of an article rule's
 * check (the third of a corpus rule's).  The message is either `message`
 * (plain text) or `messageId`, a key of the rule's `messages`, whose
 * `{{placeholders}}` are filled from `data` (strings, numbers, booleans).
 * The primary span is a fact's (`fact=`) or a byte span of the article
 * (`span=`, offsets 0-based as in facts; article rules only).  `related` is a
 * list of `{fact= | span=, message= | messageId= [, data=]}` ("first printed
 * here"; a `messageId` is expanded from `data` like the finding's own).  `evidence` is
 * a list of facts written into the finding; by default the primary and
 * related facts.  `severity` ("error", "warning", "info") overrides the
 * rule's.  An unknown key, a missing placeholder, a span outside the text or
 * a fact of another article is a "report" rule error.  After `max_reports`
 * reports in one call (in a corpus call, `max_reports` for each article its
 * key's facts come from: a key met in many articles has a finding to give in
 * each) the rest are dropped and one "report" rule error says so.
 */
static int l_report(lua_State *L)
{
    fl_call *call = live_call(L);
    fl_rule_state *st = call->st;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    fl_finding_release(&call->draft);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        bool known = false;
        for (const char *const *r = report_keys; k && *r && !known; r++)
            known = !strcmp(*r, k);
        if (!known)
            return REPORT_FAIL(L, "report: unknown key '%s'", k ? k : luaL_typename(L, -2));
        lua_pop(L, 1);
    }
    if (++call->reports > fl_call_max_reports(call)) {
        call->overflow = true;
        return 0;
    }
    fl_finding *f = &call->draft;
    /* message */
    int mt = get(L, 1, "messageId");
    int data = get(L, 1, "data") == LUA_TTABLE ? lua_gettop(L) : 0;
    if (mt == LUA_TSTRING) {
        const char *mid = lua_tostring(L, 2);
        lua_rawgeti(L, LUA_REGISTRYINDEX, st->rule_ref);
        if (get(L, -1, "messages") != LUA_TTABLE || get(L, -1, mid) != LUA_TSTRING)
            return REPORT_FAIL(L, "report: unknown messageId '%s'", mid);
        expand(L, &call->scratch, lua_tostring(L, -1), data);
        if (!(f->message_id = fl_strdup(mid)))
            nomem(L);
    } else if (mt != LUA_TNIL) {
        return REPORT_FAIL(L, "report: messageId must be a string");
    } else if (get(L, 1, "message") == LUA_TSTRING) {
        fl_strbuf_reset(&call->scratch);
        fl_strbuf_adds(&call->scratch, lua_tostring(L, -1));
    } else {
        return REPORT_FAIL(L, "report needs message= or messageId=");
    }
    if (!(f->message = fl_strndup(call->scratch.buf, call->scratch.len)))
        nomem(L);
    lua_settop(L, 1);
    /* severity */
    f->severity = st->def->severity;
    if (get(L, 1, "severity") != LUA_TNIL) {
        int sev = lua_type(L, -1) == LUA_TSTRING ? fl_severity_from_name(lua_tostring(L, -1)) : -1;
        if (sev < FL_SEV_INFO)
            return REPORT_FAIL(L, "report: bad severity (error, warning or info)");
        f->severity = (fl_severity)sev;
    }
    lua_pop(L, 1);
    /* primary location */
    where prim;
    resolve(L, call, 1, "report", &prim);
    fill_loc(L, call, &prim, &f->loc);
    if (!(f->rule = fl_strdup(st->def->id)))
        nomem(L);
    if (prim.kept) {
        f->article_seq = prim.kept->seq;
        f->article_id = fl_strdup(prim.kept->article_id);
        f->path = fl_strdup(prim.kept->path);
    } else {
        f->article_seq = call->a->seq;
        f->article_id = fl_strdup(call->a->id ? call->a->id : call->a->path);
        f->path = fl_strdup(call->a->path ? call->a->path : "");
    }
    if (!f->article_id || !f->path)
        nomem(L);
    /* evidence starts with the primary fact */
    fl_strbuf_reset(&call->scratch);
    bool first = true;
    bool explicit_evidence = get(L, 1, "evidence") != LUA_TNIL;
    lua_pop(L, 1);
    if (fl_strbuf_addch(&call->scratch, '['))
        nomem(L);
    if (!explicit_evidence)
        add_evidence(L, call, &call->scratch, &prim, &first);
    /* related */
    if (get(L, 1, "related") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            return REPORT_FAIL(L, "report: related must be a list");
        int rel = lua_gettop(L);
        size_t n = lua_rawlen(L, rel);
        if (n) {
            f->related = fl_calloc(n, sizeof *f->related);
            if (!f->related)
                nomem(L);
        }
        for (size_t i = 0; i < n; i++) {
            if (lua_rawgeti(L, rel, (lua_Integer)i + 1) != LUA_TTABLE)
                return REPORT_FAIL(L, "report: related[%zu] must be a table", i + 1);
            where w;
            resolve(L, call, -1, "related", &w);
            fl_related *r = &f->related[f->n_related];
            fill_loc(L, call, &w, &r->loc);
            f->n_related++;
            const char *msg = related_message(L, st, lua_gettop(L), i);
            char buf[1024];
            if (msg && w.kept && prim.kept && strcmp(w.kept->article_id, prim.kept->article_id)) {
                snprintf(buf, sizeof buf, "%s (in %s)", msg, w.kept->article_id);
                msg = buf;
            } else if (!msg && w.kept && prim.kept &&
                       strcmp(w.kept->article_id, prim.kept->article_id)) {
                snprintf(buf, sizeof buf, "in %s", w.kept->article_id);
                msg = buf;
            }
            if (msg && !(r->message = fl_strdup(msg)))
                nomem(L);
            lua_pop(L, 2);
            if (!explicit_evidence)
                add_evidence(L, call, &call->scratch, &w, &first);
        }
    }
    lua_settop(L, 1);
    if (explicit_evidence) {
        get(L, 1, "evidence");
        if (!lua_istable(L, -1))
            return REPORT_FAIL(L, "report: evidence must be a list of facts");
        size_t n = lua_rawlen(L, -1);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            where w = {0};
            w.fact = fl_lua_check_fact(L, -1, &w.kept);
            if (!w.kept && call->a &&
                (w.fact < call->facts->items || w.fact >= call->facts->items + call->facts->n))
                return REPORT_FAIL(L, "report: evidence[%zu] is not one of this article's facts",
                                   i + 1);
            add_evidence(L, call, &call->scratch, &w, &first);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    if (fl_strbuf_addch(&call->scratch, ']'))
        nomem(L);
    if (!(f->evidence_json = fl_strndup(call->scratch.buf, call->scratch.len)))
        nomem(L);
    /* fingerprint: sentence of the primary span, occurrence among equal findings */
    const char *sent = NULL;
    size_t sent_len = 0;
    if (prim.kept) {
        sent = prim.kept->sentence;
        sent_len = prim.kept->sentence_len;
    } else {
        size_t si = fl_article_sentence_at(call->a, f->loc.offset);
        if (si != SIZE_MAX) {
            sent = call->a->text + call->a->sentences[si].offset;
            sent_len = call->a->sentences[si].length;
        } else {
            size_t ls, ll;
            fl_article_line_span(call->a, f->loc.offset, &ls, &ll);
            sent = call->a->text + ls;
            sent_len = ll;
        }
    }
    unsigned occ = 0;
    for (size_t i = call->search_from; i < call->out->n_findings; i++) {
        const fl_finding *o = fl_audit_finding(call->out, i);
        if (!strcmp(o->rule, f->rule) && !strcmp(o->article_id, f->article_id) &&
            !strcmp(o->loc.excerpt, f->loc.excerpt))
            occ++;
    }
    for (size_t i = 0; i < call->n_found; i++) {
        const fl_finding *o = &call->found[i];
        if (!strcmp(o->article_id, f->article_id) && !strcmp(o->loc.excerpt, f->loc.excerpt))
            occ++;
    }
    fl_finding_fingerprint(f, sent, sent_len, occ);
    if (FL_GROW(call->found, call->cap_found, call->n_found + 1))
        nomem(L);
    call->found[call->n_found++] = *f;
    memset(f, 0, sizeof *f);
    return 0;
}

void fl_lua_push_report(lua_State *L, fl_rule_state *st)
{
    lua_pushinteger(L, (lua_Integer)st->w->generation);
    lua_pushcclosure(L, l_report, 1);
}

fl_status fl_call_commit(fl_call *call, fl_audit *out, size_t search_from)
{
    (void)search_from;
    fl_rule_health *h = fl_rule_state_health(call->st, out);
    if (!h)
        return FL_ENOMEM;
    for (size_t i = 0; i < call->n_found; i++) {
        if (fl_audit_add_finding(out, &call->found[i]))
            return FL_ENOMEM;
        h->findings++;
    }
    return FL_OK;
}

void fl_call_release(fl_call *call)
{
    for (size_t i = 0; i < call->n_found; i++)
        fl_finding_release(&call->found[i]);
    fl_free(call->found);
    call->found = NULL;
    call->n_found = call->cap_found = 0;
    fl_finding_release(&call->draft);
    fl_strbuf_release(&call->scratch);
}
