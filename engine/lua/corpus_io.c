/*
 * corpus_io.c - corpus-scope rules across processes: the facts a worker kept
 * written as lines (`factlint map`), and read back to run one corpus rule on
 * one key (`factlint reduce`).  See ruleset.h and docs/scale.md.
 */
#include "core/alloc.h"
#include "core/factio.h"
#include "lua/internal.h"
#include "lua/ruleset.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int fl_corpus_escape_key(fl_strbuf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int r;
        if (*p < 0x20 || *p == 0x7f || *p == '%')
            r = fl_strbuf_addf(out, "%%%02X", *p);
        else
            r = fl_strbuf_addch(out, *p);
        if (r)
            return -1;
    }
    return 0;
}

static int set_new(json_t *o, const char *k, json_t *v)
{
    return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *loc_json(const fl_location *l)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (set_new(o, "offset", json_integer((json_int_t)l->offset)) ||
        set_new(o, "length", json_integer((json_int_t)l->length)) ||
        set_new(o, "line", json_integer(l->line)) ||
        set_new(o, "column", json_integer(l->column)) ||
        set_new(o, "end_line", json_integer(l->end_line)) ||
        set_new(o, "end_column", json_integer(l->end_column)) ||
        set_new(o, "excerpt", json_string(l->excerpt ? l->excerpt : "")) ||
        set_new(o, "line_text", json_string(l->line_text ? l->line_text : ""))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* One kept fact as a "c:" line. */
static int write_kept(fl_strbuf *out, const fl_rule_def *def, const fl_kept *k)
{
    json_t *o = json_object();
    char *js = NULL;
    int r = -1;
    fl_strbuf ev;
    fl_strbuf_init(&ev);
    if (!o || fl_kept_evidence(k, &ev))
        goto cleanup;
    if (set_new(o, "rule", json_string(def->id)) || set_new(o, "key", json_string(k->key)) ||
        set_new(o, "article", json_string(k->article_id)) ||
        set_new(o, "path", json_string(k->path)) ||
        set_new(o, "ordinal", json_integer((json_int_t)k->ordinal)) ||
        set_new(o, "fact", json_stringn(ev.buf, ev.len)) ||
        set_new(o, "sentence",
                k->sentence ? json_stringn(k->sentence, k->sentence_len) : json_null()) ||
        set_new(o, "loc", loc_json(&k->loc)))
        goto cleanup;
    if (!(js = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)))
        goto cleanup;
    if (fl_strbuf_adds(out, "c:") || fl_strbuf_adds(out, def->id) || fl_strbuf_addch(out, ':') ||
        fl_corpus_escape_key(out, k->key) || fl_strbuf_addch(out, '\t') ||
        fl_strbuf_adds(out, js) || fl_strbuf_addch(out, '\n'))
        goto cleanup;
    r = 0;
cleanup:
    fl_strbuf_release(&ev);
    free(js);
    json_decref(o);
    return r;
}

fl_status fl_rule_worker_write_kept(fl_rule_worker *w, fl_strbuf *out, fl_error *err)
{
    for (size_t i = 0; i < w->rs->n; i++) {
        fl_rule_state *st = &w->states[i];
        for (size_t k = 0; k < st->n_kept; k++)
            if (write_kept(out, st->def, &st->kept[k]))
                return fl_error_set(err, FL_ENOMEM, "out of memory writing kept facts");
        st->n_kept = 0;
        fl_arena_reset(&st->arena);
    }
    return FL_OK;
}

/* ---- reducing ------------------------------------------------------------- */

struct fl_corpus_reducer {
    const fl_ruleset *rs;
    fl_rule_worker *w;
    size_t rule; /* index of the pending group's rule; valid when n_pending */
    size_t n_pending;
    fl_facts tmp; /* parse buffer for one fact */
};

fl_corpus_reducer *fl_corpus_reducer_new(const fl_ruleset *rs, fl_error *err)
{
    fl_corpus_reducer *r = fl_calloc(1, sizeof *r);
    if (!r) {
        fl_error_set(err, FL_ENOMEM, "out of memory creating a reducer");
        return NULL;
    }
    r->rs = rs;
    fl_facts_init(&r->tmp);
    if (!(r->w = fl_rule_worker_new(rs, err))) {
        fl_facts_release(&r->tmp);
        fl_free(r);
        return NULL;
    }
    return r;
}

void fl_corpus_reducer_free(fl_corpus_reducer *r)
{
    if (!r)
        return;
    fl_rule_worker_free(r->w);
    fl_facts_release(&r->tmp);
    fl_free(r);
}

void fl_corpus_reducer_clear(fl_corpus_reducer *r)
{
    if (r->n_pending) {
        fl_rule_state *st = &r->w->states[r->rule];
        st->n_kept = 0;
        fl_arena_reset(&st->arena);
    }
    r->n_pending = 0;
}

const char *fl_corpus_reducer_rule(const fl_corpus_reducer *r)
{
    return r->n_pending ? r->rs->rules[r->rule].id : NULL;
}

const char *fl_corpus_reducer_key(const fl_corpus_reducer *r)
{
    return r->n_pending ? r->w->states[r->rule].kept[0].key : NULL;
}

static const char *get_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool get_size(json_t *o, const char *k, size_t *out)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = (size_t)json_integer_value(v);
    return true;
}

static bool read_loc(json_t *o, fl_arena *ar, fl_location *loc, bool *nomem)
{
    size_t v[6];
    static const char *const names[] = {"offset", "line",     "column",
                                        "length", "end_line", "end_column"};
    if (!json_is_object(o))
        return false;
    for (size_t i = 0; i < 6; i++)
        if (!get_size(o, names[i], &v[i]))
            return false;
    const char *ex = get_str(o, "excerpt"), *lt = get_str(o, "line_text");
    if (!ex || !lt)
        return false;
    loc->offset = v[0];
    loc->line = (uint32_t)v[1];
    loc->column = (uint32_t)v[2];
    loc->length = v[3];
    loc->end_line = (uint32_t)v[4];
    loc->end_column = (uint32_t)v[5];
    loc->excerpt = fl_arena_strdup(ar, ex);
    loc->line_text = fl_arena_strdup(ar, lt);
    if (!loc->excerpt || !loc->line_text)
        *nomem = true;
    return true;
}

static const char *arena_dup(fl_arena *ar, const char *s, bool *nomem)
{
    if (!s)
        return NULL;
    const char *c = fl_arena_strdup(ar, s);
    if (!c)
        *nomem = true;
    return c;
}

fl_status fl_corpus_reducer_add(fl_corpus_reducer *r, const char *json, size_t len, fl_error *err)
{
    json_error_t je;
    json_t *o = json_loadb(json, len, 0, &je);
    fl_status status = FL_OK;
    bool nomem = false;
    if (!o || !json_is_object(o)) {
        status = fl_error_set(err, FL_EPARSE, "bad kept-fact JSON at column %d: %s",
                              o ? 0 : je.column, o ? "not an object" : je.text);
        goto cleanup;
    }
    const char *rule = get_str(o, "rule"), *key = get_str(o, "key");
    const char *aid = get_str(o, "article"), *path = get_str(o, "path");
    const char *fact = get_str(o, "fact");
    json_t *jsent = json_object_get(o, "sentence");
    size_t ordinal;
    if (!rule || !key || !aid || !path || !fact || !get_size(o, "ordinal", &ordinal) ||
        (jsent && !json_is_string(jsent) && !json_is_null(jsent))) {
        status = fl_error_set(err, FL_EPARSE,
                              "a kept fact needs rule, key, article, path, ordinal and fact");
        goto cleanup;
    }
    size_t ri = 0;
    while (ri < r->rs->n && strcmp(r->rs->rules[ri].id, rule))
        ri++;
    if (ri == r->rs->n || !r->rs->rules[ri].corpus || !r->rs->rules[ri].enabled) {
        status = fl_error_set(err, FL_EUSAGE,
                              "rule '%s' is not an enabled corpus rule here: give reduce the "
                              "rule options map had",
                              rule);
        goto cleanup;
    }
    fl_rule_state *st = &r->w->states[ri];
    if (r->n_pending && (ri != r->rule || strcmp(st->kept[0].key, key))) {
        status = fl_error_set(
            err, FL_EUSAGE, "kept fact of rule '%s' key '%s' in the group of rule '%s' key '%s'",
            rule, key, r->rs->rules[r->rule].id, r->w->states[r->rule].kept[0].key);
        goto cleanup;
    }
    fl_facts_reset(&r->tmp);
    const char *fact_article;
    if ((status = fl_fact_parse_json(fact, strlen(fact), &r->tmp, &fact_article, err)))
        goto cleanup;
    if (FL_GROW(st->kept, st->cap_kept, st->n_kept + 1)) {
        nomem = true;
        goto cleanup;
    }
    fl_kept *k = &st->kept[st->n_kept];
    memset(k, 0, sizeof *k);
    fl_arena *ar = &st->arena;
    k->key = arena_dup(ar, key, &nomem);
    k->seq = 0;
    k->ordinal = ordinal;
    k->article_id = arena_dup(ar, aid, &nomem);
    k->path = arena_dup(ar, path, &nomem);
    k->fact = r->tmp.items[r->tmp.n - 1];
    k->fact.link = -1;
    k->fact.extra_json = NULL;
    const char **strs[] = {&k->fact.text,
                           &k->fact.unit,
                           &k->fact.qualifier,
                           &k->fact.currency,
                           &k->fact.currency_source,
                           &k->fact.speaker,
                           &k->fact.speaker_text,
                           &k->fact.attribution,
                           &k->fact.anchor,
                           &k->fact.name,
                           &k->fact.key,
                           &k->fact.title,
                           &k->fact.canonical};
    for (size_t s = 0; s < sizeof strs / sizeof *strs; s++)
        *strs[s] = arena_dup(ar, *strs[s], &nomem);
    k->evidence = arena_dup(ar, fact, &nomem);
    if (json_is_string(jsent)) {
        k->sentence = fl_arena_strndup(ar, json_string_value(jsent), json_string_length(jsent));
        k->sentence_len = json_string_length(jsent);
        if (!k->sentence)
            nomem = true;
    }
    if (!read_loc(json_object_get(o, "loc"), ar, &k->loc, &nomem)) {
        status = fl_error_set(err, FL_EPARSE, "a kept fact needs a complete 'loc'");
        goto cleanup;
    }
    if (nomem)
        goto cleanup;
    st->n_kept++;
    r->rule = ri;
    r->n_pending++;
cleanup:
    json_decref(o);
    if (nomem)
        status = fl_error_set(err, FL_ENOMEM, "out of memory reading a kept fact");
    return status;
}

static int cmp_article(const void *pa, const void *pb)
{
    const fl_kept *a = *(fl_kept *const *)pa, *b = *(fl_kept *const *)pb;
    int c = strcmp(a->article_id, b->article_id);
    return c ? c : strcmp(a->path, b->path);
}

fl_status fl_corpus_reducer_run(fl_corpus_reducer *r, fl_audit *out, fl_error *err)
{
    if (!r->n_pending)
        return FL_OK;
    fl_rule_state *st = &r->w->states[r->rule];
    /* the article order is the order of (id, path): number the articles so */
    fl_kept **by = fl_malloc(st->n_kept * sizeof *by);
    if (!by)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    for (size_t i = 0; i < st->n_kept; i++)
        by[i] = &st->kept[i];
    qsort(by, st->n_kept, sizeof *by, cmp_article);
    size_t seq = 0;
    for (size_t i = 0; i < st->n_kept; i++) {
        if (i && cmp_article(&by[i - 1], &by[i]))
            seq++;
        by[i]->seq = seq;
    }
    fl_free(by);
    fl_rule_worker *ws[1] = {r->w};
    if (fl_rule_run_corpus(ws, 1, r->rule, out, LUA_NOREF, 0))
        return fl_error_set(err, FL_ENOMEM, "out of memory running rule '%s'",
                            r->rs->rules[r->rule].id);
    return FL_OK;
}

const char *fl_corpus_reducer_sentence(const fl_corpus_reducer *r, const fl_finding *f, size_t *len)
{
    if (!r->n_pending)
        return NULL;
    const fl_rule_state *st = &r->w->states[r->rule];
    for (size_t i = 0; i < st->n_kept; i++) {
        const fl_kept *k = &st->kept[i];
        if (k->loc.offset == f->loc.offset && k->loc.length == f->loc.length &&
            !strcmp(k->article_id, f->article_id) && !strcmp(k->path, f->path)) {
            *len = k->sentence_len;
            return k->sentence;
        }
    }
    return NULL;
}
