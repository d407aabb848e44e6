/* mapreduce.c - the a:/r: lines of map, reduce and merge (mapreduce.h). */
#include "cli/mapreduce.h"

#include "core/alloc.h"
#include "core/date.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------- */

static int set_new(json_t *o, const char *k, json_t *v)
{
    return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
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
        set_new(o, "excerpt", str_or_null(l->excerpt)) ||
        set_new(o, "line_text", str_or_null(l->line_text))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *finding_json(const fl_finding *f)
{
    json_t *o = json_object(), *rel = json_array();
    if (!o || !rel)
        goto fail;
    for (size_t i = 0; i < f->n_related; i++) {
        json_t *r = json_object();
        if (!r || json_array_append_new(rel, r) ||
            set_new(r, "loc", loc_json(&f->related[i].loc)) ||
            set_new(r, "message", str_or_null(f->related[i].message)))
            goto fail;
    }
    if (set_new(o, "rule", json_string(f->rule)) ||
        set_new(o, "severity", json_integer(f->severity)) ||
        set_new(o, "message", json_string(f->message)) ||
        set_new(o, "message_id", str_or_null(f->message_id)) ||
        set_new(o, "article", json_string(f->article_id)) ||
        set_new(o, "path", str_or_null(f->path)) || set_new(o, "loc", loc_json(&f->loc)) ||
        set_new(o, "related", rel) ||
        set_new(o, "evidence", json_string(f->evidence_json ? f->evidence_json : "[]")) ||
        set_new(o, "fingerprint", json_string(f->fingerprint)) ||
        set_new(o, "suppressed", json_boolean(f->suppressed))) {
        rel = NULL;
        goto fail;
    }
    return o;
fail:
    json_decref(rel);
    json_decref(o);
    return NULL;
}

static json_t *rule_error_json(const fl_rule_error *e)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (set_new(o, "rule", str_or_null(e->rule)) || set_new(o, "file", str_or_null(e->file)) ||
        set_new(o, "line", json_integer(e->line)) || set_new(o, "class", str_or_null(e->klass)) ||
        set_new(o, "message", str_or_null(e->message)) ||
        set_new(o, "traceback", str_or_null(e->traceback)) ||
        set_new(o, "article", str_or_null(e->article_id))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *health_json(const fl_rule_health *h)
{
    json_t *o = json_object(), *errs = json_array();
    if (!o || !errs)
        goto fail;
    for (size_t c = 0; c < FL_RERR_COUNT; c++)
        if (json_array_append_new(errs, json_integer((json_int_t)h->errors_by_class[c])))
            goto fail;
    if (set_new(o, "rule", json_string(h->rule)) ||
        set_new(o, "articles_run", json_integer((json_int_t)h->articles_run)) ||
        set_new(o, "findings", json_integer((json_int_t)h->findings)) ||
        set_new(o, "errors", errs)) {
        errs = NULL;
        goto fail;
    }
    return o;
fail:
    json_decref(errs);
    json_decref(o);
    return NULL;
}

/* Adds part's findings (through fn for extras), rule errors and health to o. */
static int add_part(json_t *o, const fl_audit *part, const fl_corpus_reducer *r)
{
    json_t *fs = json_array(), *es = json_array(), *hs = json_array();
    if (!fs || !es || !hs)
        goto fail;
    for (size_t i = 0; i < part->n_findings; i++) {
        json_t *f = finding_json(&part->findings[i]);
        if (!f || json_array_append_new(fs, f))
            goto fail;
        if (r) {
            size_t sl = 0;
            const char *s = fl_corpus_reducer_sentence(r, &part->findings[i], &sl);
            if (set_new(f, "index", json_integer((json_int_t)i)) ||
                set_new(f, "sentence", s ? json_stringn(s, sl) : json_null()))
                goto fail;
        }
    }
    for (size_t i = 0; i < part->n_rule_errors; i++) {
        json_t *e = rule_error_json(&part->rule_errors[i]);
        if (!e || json_array_append_new(es, e))
            goto fail;
    }
    for (size_t i = 0; i < part->n_rules; i++) {
        json_t *h = health_json(&part->rules[i]);
        if (!h || json_array_append_new(hs, h))
            goto fail;
    }
    int rc = set_new(o, "findings", fs);
    fs = NULL;
    rc |= set_new(o, "rule_errors", es);
    es = NULL;
    rc |= set_new(o, "health", hs);
    return rc ? -1 : 0;
fail:
    json_decref(fs);
    json_decref(es);
    json_decref(hs);
    return -1;
}

static int emit(fl_strbuf *out, const char *prefix, const char *rule, const char *key, json_t *o)
{
    char *js = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    int r = !js || fl_strbuf_adds(out, prefix) ||
            (rule && (fl_strbuf_adds(out, rule) || fl_strbuf_addch(out, ':'))) ||
            fl_corpus_escape_key(out, key) || fl_strbuf_addch(out, '\t') ||
            fl_strbuf_adds(out, js) || fl_strbuf_addch(out, '\n');
    free(js);
    return r ? -1 : 0;
}

int fl_mr_write_article(fl_strbuf *out, const fl_article_record *rec, long record_line,
                        const fl_audit *part)
{
    json_t *o = json_object(), *a = json_object(), *e = NULL;
    int r = -1;
    if (!o || !a)
        goto cleanup;
    if (rec->skipped) {
        e = json_object();
        if (!e || set_new(e, "code", json_integer(rec->error.code)) ||
            set_new(e, "message", json_string(rec->error.message)) ||
            set_new(e, "file", json_string(rec->error.file)) ||
            set_new(e, "line", json_integer(rec->error.line)) ||
            set_new(e, "offset", json_integer(rec->error.offset)))
            goto cleanup;
    }
    if (set_new(a, "id", json_string(rec->id)) || set_new(a, "path", str_or_null(rec->path)) ||
        set_new(a, "title", str_or_null(rec->title)) ||
        set_new(a, "record_line", json_integer(record_line)) ||
        set_new(a, "skipped", json_boolean(rec->skipped)) ||
        set_new(a, "error", e ? e : json_null()) ||
        set_new(a, "findings", json_integer((json_int_t)rec->n_findings)) ||
        set_new(a, "facts", json_integer((json_int_t)rec->n_facts)) ||
        set_new(a, "line_base", json_integer(rec->line_base)) ||
        set_new(a, "dateline", str_or_null(rec->dateline)) ||
        set_new(a, "dateline_source", str_or_null(rec->dateline_source)) ||
        set_new(a, "text", str_or_null(rec->text))) {
        e = NULL;
        goto cleanup;
    }
    e = NULL;
    int bad = set_new(o, "article", a);
    a = NULL;
    if (bad || add_part(o, part, NULL))
        goto cleanup;
    r = emit(out, "a:", NULL, rec->id, o);
cleanup:
    json_decref(e);
    json_decref(a);
    json_decref(o);
    return r;
}

int fl_mr_write_group(fl_strbuf *out, const fl_corpus_reducer *r, const fl_audit *part)
{
    const char *rule = fl_corpus_reducer_rule(r), *key = fl_corpus_reducer_key(r);
    if (!rule)
        return 0;
    json_t *o = json_object();
    int rc = -1;
    if (!o || set_new(o, "rule", json_string(rule)) || set_new(o, "key", json_string(key)) ||
        add_part(o, part, r))
        goto cleanup;
    rc = emit(out, "r:", rule, key, o);
cleanup:
    json_decref(o);
    return rc;
}

/* ---- merging -------------------------------------------------------------- */

typedef struct corpus_entry {
    size_t finding; /* index into au->findings */
    char *key;
    size_t index; /* in its call */
    char *sentence;
    size_t sentence_len;
} corpus_entry;

struct fl_mr_merger {
    fl_audit *au;
    long *record_lines; /* per article */
    size_t cap_lines;
    corpus_entry *corpus;
    size_t n_corpus, cap_corpus;
};

fl_mr_merger *fl_mr_merger_new(fl_audit *au)
{
    fl_mr_merger *m = fl_calloc(1, sizeof *m);
    if (m)
        m->au = au;
    return m;
}

void fl_mr_merger_free(fl_mr_merger *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_corpus; i++) {
        fl_free(m->corpus[i].key);
        fl_free(m->corpus[i].sentence);
    }
    fl_free(m->corpus);
    fl_free(m->record_lines);
    fl_free(m);
}

static const char *get_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long get_int(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* A copy of an optional string; false on ENOMEM. */
static bool dup_opt(json_t *o, const char *k, char **out)
{
    const char *s = get_str(o, k);
    *out = s ? fl_strdup(s) : NULL;
    return !s || *out;
}

static bool read_loc(json_t *o, fl_location *l)
{
    if (!json_is_object(o))
        return false;
    l->offset = (size_t)get_int(o, "offset");
    l->length = (size_t)get_int(o, "length");
    l->line = (uint32_t)get_int(o, "line");
    l->column = (uint32_t)get_int(o, "column");
    l->end_line = (uint32_t)get_int(o, "end_line");
    l->end_column = (uint32_t)get_int(o, "end_column");
    if (!dup_opt(o, "excerpt", &l->excerpt) || !dup_opt(o, "line_text", &l->line_text))
        return false;
    if (!l->excerpt && !(l->excerpt = fl_strdup("")))
        return false;
    if (!l->line_text && !(l->line_text = fl_strdup("")))
        return false;
    return true;
}

/* Reads a finding; FL_EPARSE or FL_ENOMEM. */
static fl_status read_finding(json_t *o, fl_finding *f, fl_error *err)
{
    memset(f, 0, sizeof *f);
    const char *rule = get_str(o, "rule"), *msg = get_str(o, "message");
    const char *aid = get_str(o, "article"), *fp = get_str(o, "fingerprint");
    json_t *rel = json_object_get(o, "related");
    long long sev = get_int(o, "severity");
    if (!json_is_object(o) || !rule || !msg || !aid || !fp || strlen(fp) != 16 ||
        sev < FL_SEV_INFO || sev > FL_SEV_ERROR || (rel && !json_is_array(rel)))
        return fl_error_set(err, FL_EPARSE,
                            "a finding needs rule, severity, message, "
                            "article and fingerprint");
    f->severity = (fl_severity)sev;
    memcpy(f->fingerprint, fp, 17);
    f->suppressed = json_is_true(json_object_get(o, "suppressed"));
    if (!(f->rule = fl_strdup(rule)) || !(f->message = fl_strdup(msg)) ||
        !(f->article_id = fl_strdup(aid)) || !dup_opt(o, "message_id", &f->message_id) ||
        !dup_opt(o, "path", &f->path) || !dup_opt(o, "evidence", &f->evidence_json) ||
        (!f->evidence_json && !(f->evidence_json = fl_strdup("[]"))) ||
        !read_loc(json_object_get(o, "loc"), &f->loc))
        goto nomem;
    size_t n = rel ? json_array_size(rel) : 0;
    if (n && !(f->related = fl_calloc(n, sizeof *f->related)))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(rel, i);
        f->n_related++;
        if (!json_is_object(r) || !read_loc(json_object_get(r, "loc"), &f->related[i].loc) ||
            !dup_opt(r, "message", &f->related[i].message))
            goto nomem;
    }
    return FL_OK;
nomem:
    fl_finding_release(f);
    return fl_error_set(err, FL_ENOMEM, "out of memory reading a finding");
}

static fl_status read_part(fl_mr_merger *m, json_t *o, const char *key, fl_error *err)
{
    fl_audit *au = m->au;
    json_t *fs = json_object_get(o, "findings"), *es = json_object_get(o, "rule_errors");
    json_t *hs = json_object_get(o, "health");
    if (!json_is_array(fs) || !json_is_array(es) || !json_is_array(hs))
        return fl_error_set(err, FL_EPARSE, "a line needs findings, rule_errors and health");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *jf = json_array_get(fs, i);
        fl_finding f;
        fl_status st = read_finding(jf, &f, err);
        if (st)
            return st;
        if (key) {
            if (FL_GROW(m->corpus, m->cap_corpus, m->n_corpus + 1)) {
                fl_finding_release(&f);
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            }
            corpus_entry *c = &m->corpus[m->n_corpus];
            memset(c, 0, sizeof *c);
            c->finding = au->n_findings;
            c->index = (size_t)get_int(jf, "index");
            json_t *js = json_object_get(jf, "sentence");
            c->key = fl_strdup(key);
            if (json_is_string(js)) {
                c->sentence_len = json_string_length(js);
                c->sentence = fl_malloc(c->sentence_len + 1);
                if (c->sentence)
                    memcpy(c->sentence, json_string_value(js), c->sentence_len + 1);
            }
            m->n_corpus++;
            if (!c->key || (json_is_string(js) && !c->sentence)) {
                fl_finding_release(&f);
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            }
        }
        if (fl_audit_add_finding(au, &f)) {
            if (key)
                m->n_corpus--;
            fl_finding_release(&f);
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        }
    }
    for (size_t i = 0; i < json_array_size(es); i++) {
        json_t *je = json_array_get(es, i);
        fl_rule_error e = {0};
        e.rule = (char *)get_str(je, "rule");
        e.file = (char *)get_str(je, "file");
        e.line = (long)get_int(je, "line");
        e.klass = (char *)get_str(je, "class");
        e.message = (char *)get_str(je, "message");
        e.traceback = (char *)get_str(je, "traceback");
        e.article_id = (char *)get_str(je, "article");
        if (!e.rule || !e.klass || !e.message)
            return fl_error_set(err, FL_EPARSE, "a rule error needs rule, class and message");
        if (fl_audit_add_rule_error(au, &e))
            return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < json_array_size(hs); i++) {
        json_t *jh = json_array_get(hs, i);
        const char *rule = get_str(jh, "rule");
        json_t *errs = json_object_get(jh, "errors");
        if (!rule || !json_is_array(errs))
            return fl_error_set(err, FL_EPARSE, "a health record needs rule and errors");
        fl_rule_health *h = fl_audit_rule(au, rule);
        if (!h)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        h->articles_run += (size_t)get_int(jh, "articles_run");
        h->findings += (size_t)get_int(jh, "findings");
        for (size_t c = 0; c < FL_RERR_COUNT && c < json_array_size(errs); c++) {
            json_t *v = json_array_get(errs, c);
            h->errors_by_class[c] += json_is_integer(v) ? (size_t)json_integer_value(v) : 0;
        }
    }
    return FL_OK;
}

static const char *dateline_source(const char *name)
{
    for (int s = FL_DATELINE_NONE; s <= FL_DATELINE_CLI; s++)
        if (name && !strcmp(name, fl_dateline_source_name((fl_dateline_source)s)))
            return fl_dateline_source_name((fl_dateline_source)s);
    return fl_dateline_source_name(FL_DATELINE_NONE);
}

static fl_status read_article(fl_mr_merger *m, json_t *a, fl_error *err)
{
    fl_article_record rec = {0};
    if (!json_is_object(a) || !get_str(a, "id"))
        return fl_error_set(err, FL_EPARSE, "an article line needs article.id");
    rec.id = (char *)get_str(a, "id");
    rec.path = (char *)get_str(a, "path");
    rec.title = (char *)get_str(a, "title");
    rec.skipped = json_is_true(json_object_get(a, "skipped"));
    rec.n_findings = (size_t)get_int(a, "findings");
    rec.n_facts = (size_t)get_int(a, "facts");
    rec.line_base = (long)get_int(a, "line_base");
    rec.dateline = (char *)get_str(a, "dateline");
    rec.dateline_source = dateline_source(get_str(a, "dateline_source"));
    rec.text = (char *)get_str(a, "text");
    fl_error_clear(&rec.error);
    json_t *e = json_object_get(a, "error");
    if (json_is_object(e)) {
        rec.error.code = (fl_status)get_int(e, "code");
        snprintf(rec.error.message, sizeof rec.error.message, "%s",
                 get_str(e, "message") ? get_str(e, "message") : "");
        snprintf(rec.error.file, sizeof rec.error.file, "%s",
                 get_str(e, "file") ? get_str(e, "file") : "");
        rec.error.line = (long)get_int(e, "line");
        rec.error.offset = get_int(e, "offset");
    }
    if (FL_GROW(m->record_lines, m->cap_lines, m->au->n_entries + 1) ||
        fl_audit_add_article(m->au, &rec))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    m->record_lines[m->au->n_entries - 1] = (long)get_int(a, "record_line");
    return FL_OK;
}

fl_status fl_mr_merger_add(fl_mr_merger *m, const char *line, size_t len, fl_error *err)
{
    const char *tab = memchr(line, '\t', len);
    if (len < 2 || !tab)
        return fl_error_set(err, FL_EPARSE, "not a map or reduce line (KEY<TAB>JSON)");
    if (line[0] == 'c' && line[1] == ':')
        return fl_error_set(err, FL_EUSAGE,
                            "kept corpus facts ('c:' lines): run 'factlint reduce' on the "
                            "sorted map output before merge");
    if ((line[0] != 'a' && line[0] != 'r') || line[1] != ':')
        return fl_error_set(err, FL_EPARSE, "unknown line key (a:, c: or r:)");
    json_error_t je;
    json_t *o = json_loadb(tab + 1, len - (size_t)(tab + 1 - line), 0, &je);
    if (!o)
        return fl_error_set(err, FL_EPARSE, "bad JSON at column %d: %s", je.column, je.text);
    fl_status st;
    if (line[0] == 'a') {
        st = read_article(m, json_object_get(o, "article"), err);
        if (!st)
            st = read_part(m, o, NULL, err);
    } else {
        const char *key = get_str(o, "key");
        st = key ? read_part(m, o, key, err)
                 : fl_error_set(err, FL_EPARSE, "a corpus result line needs a key");
    }
    json_decref(o);
    return st;
}

static const fl_audit *sort_au;
static const long *sort_lines;

static int cmp_article_idx(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const fl_article_entry *x = &sort_au->entries[a], *y = &sort_au->entries[b];
    int c = strcmp(x->id, y->id);
    if (!c)
        c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
    if (!c && sort_lines[a] != sort_lines[b])
        c = sort_lines[a] < sort_lines[b] ? -1 : 1;
    if (!c && a != b)
        c = a < b ? -1 : 1;
    return c;
}

static int cmp_corpus(const void *pa, const void *pb)
{
    const corpus_entry *a = pa, *b = pb;
    const fl_finding *x = &sort_au->findings[a->finding], *y = &sort_au->findings[b->finding];
    int c = strcmp(x->rule, y->rule);
    if (!c)
        c = strcmp(x->article_id, y->article_id);
    if (!c)
        c = strcmp(x->loc.excerpt, y->loc.excerpt);
    if (!c)
        c = strcmp(a->key, b->key);
    if (!c && a->index != b->index)
        c = a->index < b->index ? -1 : 1;
    return c;
}

/* Finds the seq of the first article (in sorted order) with this id and path. */
static size_t seq_of(const fl_audit *au, const size_t *order, const char *id, const char *path)
{
    size_t lo = 0, hi = au->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const fl_article_entry *r = &au->entries[order[mid]];
        int c = strcmp(r->id, id);
        if (!c)
            c = strcmp(r->path ? r->path : "", path ? path : "");
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

fl_status fl_mr_merger_finish(fl_mr_merger *m, fl_error *err)
{
    fl_audit *au = m->au;
    size_t *order = au->n_entries ? fl_malloc(au->n_entries * sizeof *order) : NULL;
    if (au->n_entries && !order)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    for (size_t i = 0; i < au->n_entries; i++)
        order[i] = i;
    sort_au = au;
    sort_lines = m->record_lines;
    if (au->n_entries)
        qsort(order, au->n_entries, sizeof *order, cmp_article_idx);
    for (size_t i = 0; i < au->n_entries; i++)
        au->entries[order[i]].seq = i;
    for (size_t i = 0; i < au->n_findings; i++) {
        fl_finding *f = &au->findings[i];
        f->article_seq = seq_of(au, order, f->article_id, f->path);
    }
    fl_free(order);
    /* corpus fingerprints: the occurrence of (rule, article, excerpt) counted
     * key by key in byte order, as one process running every key would */
    if (m->n_corpus)
        qsort(m->corpus, m->n_corpus, sizeof *m->corpus, cmp_corpus);
    unsigned occ = 0;
    for (size_t i = 0; i < m->n_corpus; i++) {
        fl_finding *f = &au->findings[m->corpus[i].finding];
        if (i) {
            const fl_finding *p = &au->findings[m->corpus[i - 1].finding];
            bool same = !strcmp(p->rule, f->rule) && !strcmp(p->article_id, f->article_id) &&
                        !strcmp(p->loc.excerpt, f->loc.excerpt);
            occ = same ? occ + 1 : 0;
        }
        fl_finding_fingerprint(f, m->corpus[i].sentence, m->corpus[i].sentence_len, occ);
    }
    fl_audit_sort(au);
    return FL_OK;
}
