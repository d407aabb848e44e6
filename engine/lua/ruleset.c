/* ruleset.c - loading rules, per-thread workers, article-scope and corpus-scope runs. */
#include "lua/ruleset.h"

#include "core/alloc.h"
#include "core/datadir.h"
#include "core/keyhash.h"
#include "core/pool.h"
#include "lua/internal.h"
#include "lua/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *fl_lua_version(void)
{
    return LUA_RELEASE;
}

void fl_rule_def_release(fl_rule_def *d)
{
    fl_free(d->id);
    fl_free(d->file);
    fl_free(d->summary);
    fl_free(d->url);
    fl_free(d->hash);
    for (size_t i = 0; i < d->n_tags; i++)
        fl_free(d->tags[i]);
    fl_free(d->tags);
    fl_free(d->source);
    for (size_t i = 0; i < d->n_options; i++) {
        fl_free(d->options[i].key);
        fl_free(d->options[i].value.str);
    }
    fl_free(d->options);
    memset(d, 0, sizeof *d);
}

/* ---- rule states ---------------------------------------------------------- */

/* Reads the rule's option defaults (table at the top) into def->options. */
static void read_option_defaults(lua_State *L, fl_rule_def *def)
{
    int t = lua_gettop(L);
    lua_pushliteral(L, "options");
    if (lua_rawget(L, t) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        fl_rule_option *grown = fl_realloc(def->options, (def->n_options + 1) * sizeof *grown);
        if (!grown)
            luaL_error(L, "not enough memory");
        def->options = grown;
        fl_rule_option *o = &def->options[def->n_options];
        memset(o, 0, sizeof *o);
        def->n_options++;
        o->key = fl_strdup(lua_tostring(L, -2));
        o->value.type = lua_type(L, -1);
        if (o->value.type == LUA_TNUMBER)
            o->value.num = lua_tonumber(L, -1);
        else if (o->value.type == LUA_TBOOLEAN)
            o->value.b = lua_toboolean(L, -1);
        else
            o->value.str = fl_strdup(lua_tostring(L, -1));
        if (!o->key || (o->value.type == LUA_TSTRING && !o->value.str))
            luaL_error(L, "not enough memory");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

void fl_lua_push_optval(lua_State *L, const fl_optval *v)
{
    if (v->type == LUA_TNUMBER) {
        if (v->num == (double)(lua_Integer)v->num)
            lua_pushinteger(L, (lua_Integer)v->num);
        else
            lua_pushnumber(L, v->num);
    } else if (v->type == LUA_TBOOLEAN) {
        lua_pushboolean(L, v->b);
    } else {
        lua_pushstring(L, v->str ? v->str : "");
    }
}

static int body_open(lua_State *L)
{
    fl_rule_state *st = lua_touserdata(L, 1);
    fl_lua_open_article(L);
    fl_lua_open_factlint(L);
    fl_sandbox_setglobal(L, "factlint");
    char chunkname[FL_ERROR_FILE_MAX + 2];
    snprintf(chunkname, sizeof chunkname, "@%s", st->def->file);
    if (fl_sandbox_load(st->sb, st->def->source, st->def->source_len, chunkname) != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, FL_REG_RULE);
    if (lua_isnil(L, -1) || !lua_rawequal(L, -1, -2))
        return luaL_error(L, "%s: the rule file must return factlint.rule{...}", st->def->file);
    lua_pop(L, 1);
    if (st->loading) {
        fl_lua_read_rule(L, st->def);
        read_option_defaults(L, st->def);
    }
    lua_pushvalue(L, -1);
    st->rule_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    /* the options table: the effective values, read-only */
    lua_createtable(L, 0, (int)st->def->n_options);
    for (size_t i = 0; i < st->def->n_options; i++) {
        fl_lua_push_optval(L, &st->def->options[i].value);
        lua_setfield(L, -2, st->def->options[i].key);
    }
    fl_sandbox_readonly(L);
    st->options_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

void fl_rule_state_close(fl_rule_state *st)
{
    fl_sandbox_free(st->sb);
    st->sb = NULL;
    st->rule_ref = st->options_ref = LUA_NOREF;
}

bool fl_rule_state_open(fl_rule_state *st, fl_sandbox_failure *fail)
{
    fl_error e;
    fl_rule_state_close(st);
    size_t limit = st->w ? st->w->rs->memory_limit : 0;
    st->sb = fl_sandbox_new(limit ? limit : FL_RULES_DEFAULT_MEMORY, &e);
    if (!st->sb) {
        if (fail) {
            memset(fail, 0, sizeof *fail);
            fail->klass = FL_RERR_MEMORY;
            fail->message = fl_strdup(e.message);
        }
        return false;
    }
    st->sb->owner = st;
    st->sb->chunks = st->w ? st->w->rs->chunks : st->chunks;
    st->blame_line = 0;
    if (!fl_sandbox_call(st->sb, FL_RULES_LOAD_BUDGET, body_open, st, fail)) {
        fl_rule_state_close(st);
        return false;
    }
    return true;
}

/* ---- files ---------------------------------------------------------------- */

fl_status fl_read_file(const char *path, char **out, size_t *len, fl_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fl_error_set(err, FL_EIO, "cannot open '%s': %s", path, strerror(errno));
    fl_strbuf sb = FL_STRBUF_INIT;
    char buf[8192];
    size_t n;
    fl_status st = FL_OK;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        if (fl_strbuf_add(&sb, buf, n)) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", path);
            goto cleanup;
        }
    if (ferror(fp)) {
        st = fl_error_set(err, FL_EIO, "cannot read '%s'", path);
        goto cleanup;
    }
    if (sb.alloc == 0 && fl_strbuf_grow(&sb, 1)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", path);
        goto cleanup;
    }
    *out = fl_strbuf_detach(&sb, len);
cleanup:
    fclose(fp);
    fl_strbuf_release(&sb);
    return st;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(const char *p)
{
    struct stat s;
    return stat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* Appends the rule files of path (a .lua file, or the *.lua files directly in a
 * directory, sorted; subdirectories such as lib/ are not rules). */
static fl_status collect(const char *path, char ***files, size_t *n, fl_error *err)
{
    if (!is_dir(path)) {
        FILE *fp = fopen(path, "rb");
        if (!fp)
            return fl_error_set(err, FL_EUSAGE, "cannot read rules '%s': %s", path,
                                strerror(errno));
        fclose(fp);
        return fl_rules_config_add_string(files, n, path);
    }
    DIR *d = opendir(path);
    if (!d)
        return fl_error_set(err, FL_EUSAGE, "cannot read rules '%s': %s", path, strerror(errno));
    size_t first = *n;
    fl_status st = FL_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".lua") || e->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        if (is_dir(full))
            continue;
        if ((st = fl_rules_config_add_string(files, n, full)))
            break;
    }
    closedir(d);
    if (st)
        return fl_error_set(err, st, "out of memory listing '%s'", path);
    qsort(*files + first, *n - first, sizeof **files, cmp_cstr);
    return FL_OK;
}

char *fl_rules_default_dir(const char *configured, fl_data_kind kind)
{
    if (configured)
        return fl_strdup(configured);
    char p[4096];
    return fl_strdup(fl_data_path(kind, p, sizeof p));
}

/* ---- loading -------------------------------------------------------------- */

static long line_from_message(const char *msg, const char *file)
{
    size_t fl = strlen(file);
    if (strncmp(msg, file, fl) || msg[fl] != ':')
        return 0;
    return strtol(msg + fl + 1, NULL, 10);
}

static fl_status load_error(fl_audit *au, const char *file, long line, const char *msg,
                            const char *traceback)
{
    fl_rule_error e = {0};
    e.rule = (char *)file;
    e.file = (char *)file;
    e.line = line;
    e.klass = (char *)fl_rule_error_class_name(FL_RERR_LOAD);
    e.message = (char *)msg;
    e.traceback = (char *)traceback;
    if (fl_audit_add_rule_error(au, &e))
        return FL_ENOMEM;
    fl_rule_health *h = fl_audit_rule(au, file);
    if (!h)
        return FL_ENOMEM;
    if (!h->file && !(h->file = fl_strdup(file)))
        return FL_ENOMEM;
    h->loaded = false;
    h->enabled = false;
    h->errors_by_class[FL_RERR_LOAD]++;
    return FL_OK;
}

/* One rule file, read and run once in a state of its own to learn its
 * definition.  Files are prepared side by side (prepare_file, on a pool)
 * and then taken into the rule set in their order (take_file), so that
 * load errors and duplicate ids come out as a serial load gives them. */
typedef struct prepared {
    const char *file;
    fl_chunk_cache *chunks;
    fl_rule_def def;
    fl_status status; /* FL_ENOMEM: out of memory */
    bool failed;      /* a load error: line, message, traceback */
    long line;
    char *message;           /* owned */
    fl_sandbox_failure fail; /* owned: the message and traceback of a failed run */
    const char *traceback;   /* in fail, or NULL */
} prepared;

static void prepare_file(void *ctx, void *item)
{
    (void)ctx;
    prepared *p = item;
    fl_rule_state st = {0};
    fl_error e;
    const char *file = p->file;
    if (!(p->def.file = fl_strdup(file))) {
        p->status = FL_ENOMEM;
        return;
    }
    if (fl_read_file(file, &p->def.source, &p->def.source_len, &e)) {
        if (e.code == FL_ENOMEM)
            p->status = FL_ENOMEM;
        else if (!(p->message = fl_strdup(e.message)))
            p->status = FL_ENOMEM;
        p->failed = true;
        return;
    }
    char hash[65];
    fl_sha256_hex(p->def.source, p->def.source_len, hash);
    if (!(p->def.hash = fl_strdup(hash))) {
        p->status = FL_ENOMEM;
        return;
    }
    st.def = &p->def;
    st.loading = true;
    st.chunks = p->chunks;
    st.rule_ref = st.options_ref = LUA_NOREF;
    if (!fl_rule_state_open(&st, &p->fail)) {
        p->failed = true;
        p->line = st.blame_line ? st.blame_line : p->fail.line;
        if (!p->line && p->fail.message)
            p->line = line_from_message(p->fail.message, file);
        if (!(p->message = fl_strdup(p->fail.message ? p->fail.message : "cannot load")))
            p->status = FL_ENOMEM;
        p->traceback = st.blame_line ? NULL : p->fail.traceback;
    }
    fl_rule_state_close(&st);
}

/* Takes prepared file p into rs (or records its load error in au). */
static fl_status take_file(fl_ruleset *rs, prepared *p, fl_audit *au, fl_error *err)
{
    const char *file = p->file;
    if (p->status == FL_ENOMEM)
        return fl_error_set(err, FL_ENOMEM, "out of memory loading '%s'", file);
    if (p->failed)
        return load_error(au, file, p->line, p->message, p->traceback) == FL_ENOMEM
                   ? fl_error_set(err, FL_ENOMEM, "out of memory loading '%s'", file)
                   : FL_OK;
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rules[i].id, p->def.id)) {
            char msg[1024];
            snprintf(msg, sizeof msg, "duplicate rule id '%s' (already defined in '%s')", p->def.id,
                     rs->rules[i].file);
            return load_error(au, file, p->def.line, msg, NULL) == FL_ENOMEM
                       ? fl_error_set(err, FL_ENOMEM, "out of memory loading '%s'", file)
                       : FL_OK;
        }
    if (FL_GROW(rs->rules, rs->cap, rs->n + 1))
        return fl_error_set(err, FL_ENOMEM, "out of memory loading '%s'", file);
    p->def.loaded = p->def.enabled = true;
    rs->rules[rs->n++] = p->def;
    memset(&p->def, 0, sizeof p->def);
    return FL_OK;
}

/* Prepares the files on up to `jobs` threads, then takes them in order. */
static fl_status load_files(fl_ruleset *rs, char **files, size_t n, size_t jobs, fl_audit *au,
                            fl_error *err)
{
    if (!n)
        return FL_OK;
    prepared *ps = fl_calloc(n, sizeof *ps);
    if (!ps)
        return fl_error_set(err, FL_ENOMEM, "out of memory loading rules");
    for (size_t i = 0; i < n; i++) {
        ps[i].file = files[i];
        ps[i].chunks = rs->chunks;
    }
    void *ctx[8] = {NULL}; /* (prepare_file needs no context) */
    if (jobs > n)
        jobs = n;
    if (jobs > sizeof ctx / sizeof *ctx)
        jobs = sizeof ctx / sizeof *ctx;
    fl_pool *pool = jobs > 1 ? fl_pool_new(jobs, n, prepare_file, ctx) : NULL;
    for (size_t i = 0; i < n; i++)
        if (!pool || fl_pool_submit(pool, &ps[i]))
            prepare_file(NULL, &ps[i]); /* one thread, or no pool for want of memory */
    fl_pool_finish(pool);
    fl_status st = FL_OK;
    for (size_t i = 0; i < n; i++) {
        if (!st)
            st = take_file(rs, &ps[i], au, err);
        fl_rule_def_release(&ps[i].def);
        fl_free(ps[i].message);
        fl_sandbox_failure_release(&ps[i].fail);
    }
    fl_free(ps);
    return st;
}

static int cmp_def(const void *a, const void *b)
{
    return strcmp(((const fl_rule_def *)a)->id, ((const fl_rule_def *)b)->id);
}

static bool has_tag(const fl_rule_def *d, const char *tag)
{
    for (size_t i = 0; i < d->n_tags; i++)
        if (!strcmp(d->tags[i], tag))
            return true;
    return false;
}

static fl_status set_enabled(fl_ruleset *rs, const char *name, bool on, fl_error *err)
{
    bool any = false;
    bool all = !strcmp(name, "all") || !strcmp(name, "*");
    for (size_t i = 0; i < rs->n; i++)
        if (all || !strcmp(rs->rules[i].id, name) || has_tag(&rs->rules[i], name)) {
            rs->rules[i].enabled = on;
            any = true;
        }
    if (!any && !all)
        return fl_error_set(err, FL_EUSAGE, "unknown rule or tag '%s'", name);
    return FL_OK;
}

static fl_rule_def *find_rule(fl_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->rules[i].id, id))
            return &rs->rules[i];
    return NULL;
}

static fl_status apply_option(fl_ruleset *rs, const fl_rules_option_override *o, fl_error *err)
{
    fl_rule_def *d = find_rule(rs, o->rule);
    if (!d)
        return fl_error_set(err, FL_EUSAGE, "unknown rule '%s' in option '%s.%s'", o->rule, o->rule,
                            o->key);
    for (size_t i = 0; i < d->n_options; i++) {
        fl_optval *v = &d->options[i].value;
        if (strcmp(d->options[i].key, o->key))
            continue;
        if (v->type == LUA_TNUMBER) {
            char *end;
            double x = strtod(o->value, &end);
            if (end == o->value || *end)
                return fl_error_set(err, FL_EUSAGE, "option '%s.%s' expects a number, not '%s'",
                                    o->rule, o->key, o->value);
            v->num = x;
        } else if (v->type == LUA_TBOOLEAN) {
            if (strcmp(o->value, "true") && strcmp(o->value, "false"))
                return fl_error_set(err, FL_EUSAGE,
                                    "option '%s.%s' expects true or false, not '%s'", o->rule,
                                    o->key, o->value);
            v->b = !strcmp(o->value, "true");
        } else {
            char *s = fl_strdup(o->value);
            if (!s)
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            fl_free(v->str);
            v->str = s;
        }
        return FL_OK;
    }
    return fl_error_set(err, FL_EUSAGE, "unknown option '%s' for rule '%s'", o->key, o->rule);
}

static fl_status fill_health(const fl_ruleset *rs, fl_audit *au)
{
    for (size_t i = 0; i < rs->n; i++) {
        const fl_rule_def *d = &rs->rules[i];
        fl_rule_health *h = fl_audit_rule(au, d->id);
        if (!h)
            return FL_ENOMEM;
        fl_strbuf tags = FL_STRBUF_INIT;
        for (size_t t = 0; t < d->n_tags; t++)
            if ((t && fl_strbuf_addch(&tags, ',')) || fl_strbuf_adds(&tags, d->tags[t])) {
                fl_strbuf_release(&tags);
                return FL_ENOMEM;
            }
        fl_free(h->file);
        fl_free(h->hash);
        fl_free(h->summary);
        fl_free(h->url);
        fl_free(h->tags);
        h->file = fl_strdup(d->file);
        h->hash = fl_strdup(d->hash);
        h->summary = fl_strdup(d->summary);
        h->url = d->url ? fl_strdup(d->url) : NULL;
        h->tags = fl_strbuf_detach(&tags, NULL);
        h->severity = d->severity;
        h->loaded = true;
        h->enabled = d->enabled;
        if (!h->file || !h->hash || !h->summary || !h->tags || (d->url && !h->url))
            return FL_ENOMEM;
    }
    return FL_OK;
}

fl_status fl_ruleset_load_files(fl_ruleset **out, const fl_rules_config *c, char **files,
                                size_t n_files, fl_audit *au, fl_error *err)
{
    fl_status st = FL_OK;
    fl_ruleset *rs = fl_calloc(1, sizeof *rs);
    if (!rs)
        return fl_error_set(err, FL_ENOMEM, "out of memory loading rules");
    rs->budget = c->instruction_budget ? c->instruction_budget : FL_RULES_DEFAULT_BUDGET;
    rs->memory_limit = c->memory_limit ? c->memory_limit : FL_RULES_DEFAULT_MEMORY;
    rs->max_reports = c->max_reports ? c->max_reports : FL_RULES_DEFAULT_REPORTS;
    rs->timing = c->timing;
    rs->line_max = c->drop_line_text ? 0 : FL_LOCATION_LINE_MAX;
    rs->reference_dir = fl_rules_default_dir(c->reference_dir, FL_DATA_REFERENCE);
    rs->chunks = fl_chunk_cache_new();
    if (!rs->reference_dir || !rs->chunks) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory loading rules");
        goto cleanup;
    }
    for (size_t i = 0; i < c->n_reference_files; i++)
        if ((st = fl_rules_config_add_string(&rs->reference_files, &rs->n_reference_files,
                                             c->reference_files[i]))) {
            fl_error_set(err, st, "out of memory loading rules");
            goto cleanup;
        }
    if ((st = load_files(rs, files, n_files, c->jobs, au, err)))
        goto cleanup;
    if (rs->n)
        qsort(rs->rules, rs->n, sizeof *rs->rules, cmp_def);
    for (size_t i = 0; i < c->n_disable; i++)
        if ((st = set_enabled(rs, c->disable[i], false, err)))
            goto cleanup;
    for (size_t i = 0; i < c->n_enable; i++)
        if ((st = set_enabled(rs, c->enable[i], true, err)))
            goto cleanup;
    for (size_t i = 0; i < c->n_severity; i++) {
        fl_rule_def *d = find_rule(rs, c->severity[i].rule);
        if (!d) {
            st = fl_error_set(err, FL_EUSAGE, "unknown rule '%s' in --severity",
                              c->severity[i].rule);
            goto cleanup;
        }
        if (c->severity[i].severity == FL_SEV_NONE)
            d->enabled = false;
        else
            d->severity = (fl_severity)c->severity[i].severity;
    }
    for (size_t i = 0; i < c->n_options; i++)
        if ((st = apply_option(rs, &c->options[i], err)))
            goto cleanup;
    if (fill_health(rs, au)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory loading rules");
        goto cleanup;
    }
    *out = rs;
    rs = NULL;
cleanup:
    fl_ruleset_free(rs);
    return st;
}

fl_status fl_ruleset_collect_files(const fl_rules_config *c, char ***files, size_t *n,
                                   fl_error *err)
{
    fl_status st = FL_OK;
    if (!c->no_default_rules) {
        char *dir = fl_rules_default_dir(c->default_rules_dir, FL_DATA_RULES);
        if (!dir)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        if (is_dir(dir))
            st = collect(dir, files, n, err);
        else if (c->default_rules_dir)
            st = fl_error_set(err, FL_EUSAGE, "cannot read rules '%s'", dir);
        else
            st = fl_error_set(err, FL_EUSAGE,
                              "the default rule suite is not at '%s' (reinstall factlint, set "
                              "FACTLINT_DATA_DIR, or use --no-default-rules)",
                              dir);
        fl_free(dir);
        if (st)
            return st;
    }
    for (size_t i = 0; i < c->n_rule_paths; i++)
        if ((st = collect(c->rule_paths[i], files, n, err)))
            return st;
    return FL_OK;
}

void fl_string_list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fl_free(list[i]);
    fl_free(list);
}

fl_status fl_ruleset_load(fl_ruleset **out, const fl_rules_config *c, fl_audit *au, fl_error *err)
{
    char **files = NULL;
    size_t n = 0;
    *out = NULL;
    fl_status st = fl_ruleset_collect_files(c, &files, &n, err);
    if (!st)
        st = fl_ruleset_load_files(out, c, files, n, au, err);
    fl_string_list_free(files, n);
    if (!st && au && !au->lua_version && !(au->lua_version = fl_strdup(LUA_RELEASE))) {
        fl_ruleset_free(*out);
        *out = NULL;
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    return st;
}

void fl_ruleset_free(fl_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        fl_rule_def_release(&rs->rules[i]);
    fl_free(rs->rules);
    fl_free(rs->reference_dir);
    fl_string_list_free(rs->reference_files, rs->n_reference_files);
    fl_chunk_cache_free(rs->chunks);
    fl_free(rs);
}

size_t fl_ruleset_count(const fl_ruleset *rs)
{
    return rs ? rs->n : 0;
}

void fl_ruleset_info(const fl_ruleset *rs, size_t i, fl_rule_info *out)
{
    const fl_rule_def *d = &rs->rules[i];
    out->id = d->id;
    out->summary = d->summary;
    out->scope = d->corpus ? "corpus" : "article";
    out->file = d->file;
    out->url = d->url;
    out->severity = d->severity;
    out->tags = (const char *const *)d->tags;
    out->n_tags = d->n_tags;
    out->enabled = d->enabled;
}

/* ---- workers -------------------------------------------------------------- */

fl_rule_worker *fl_rule_worker_new(const fl_ruleset *rs, fl_error *err)
{
    fl_rule_worker *w = fl_calloc(1, sizeof *w);
    if (!w)
        goto nomem;
    w->rs = rs;
    if (!(w->re = fl_re_thread_new(NULL)))
        goto nomem;
    if (rs->n && !(w->states = fl_calloc(rs->n, sizeof *w->states)))
        goto nomem;
    for (size_t i = 0; i < rs->n; i++) {
        fl_rule_state *st = &w->states[i];
        st->w = w;
        st->def = &rs->rules[i];
        st->rule_ref = st->options_ref = LUA_NOREF;
        if (!rs->rules[i].enabled)
            continue;
        fl_sandbox_failure fail;
        if (!fl_rule_state_open(st, &fail)) {
            /* it loaded once, so this is memory: keep going without it */
            st->broken = true;
            fl_sandbox_failure_release(&fail);
        }
    }
    return w;
nomem:
    fl_rule_worker_free(w);
    fl_error_set(err, FL_ENOMEM, "out of memory creating a rule worker");
    return NULL;
}

void fl_rule_worker_free(fl_rule_worker *w)
{
    if (!w)
        return;
    if (w->states)
        for (size_t i = 0; i < w->rs->n; i++) {
            fl_rule_state_close(&w->states[i]);
            fl_free(w->states[i].kept);
            fl_arena_release(&w->states[i].arena);
        }
    fl_free(w->states);
    fl_re_thread_free(w->re);
    fl_worker_references_release(w);
    fl_free(w);
}

fl_rule_health *fl_rule_state_health(fl_rule_state *st, fl_audit *out)
{
    size_t i = st->health_i;
    if (st->health_au == out && i < out->n_rules && !strcmp(out->rules[i].rule, st->def->id))
        return &out->rules[i];
    fl_rule_health *h = fl_audit_rule(out, st->def->id);
    if (h) {
        st->health_au = out;
        st->health_i = (size_t)(h - out->rules);
    }
    return h;
}

static bool wants(const fl_rule_def *d, const fl_fact *f)
{
    return !d->needs || (d->needs & (1u << f->kind));
}

/* Pushes the rule table and its function `name` (the registry ref of the
 * state's rule). */
static void push_rule_fn(lua_State *L, fl_rule_state *st, const char *name)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->rule_ref);
    lua_pushstring(L, name);
    lua_rawget(L, -2);
}

static int body_check(lua_State *L)
{
    fl_call *call = lua_touserdata(L, 1);
    fl_rule_state *st = call->st;
    push_rule_fn(L, st, "check");
    fl_lua_push_article(L, st);
    fl_lua_push_report(L, st);
    lua_rawgeti(L, LUA_REGISTRYINDEX,
                call->options_ref != LUA_NOREF ? call->options_ref : st->options_ref);
    lua_call(L, 3, 0);
    return 0;
}

static const char *arena_dup(fl_rule_state *st, const char *s)
{
    return s ? fl_arena_strdup(&st->arena, s) : NULL;
}

/* Copies fact i of the call's article into the state's kept list. */
static void keep_fact(lua_State *L, fl_call *call, size_t i, const char *key, size_t key_len)
{
    fl_rule_state *st = call->st;
    const fl_article *a = call->a;
    const fl_fact *f = &call->facts->items[i];
    if (FL_GROW(st->kept, st->cap_kept, st->n_kept + 1))
        luaL_error(L, "not enough memory");
    fl_kept *k = &st->kept[st->n_kept];
    memset(k, 0, sizeof *k);
    fl_arena *ar = &st->arena;
    k->key = fl_arena_strndup(ar, key, key_len);
    k->seq = a->seq;
    k->ordinal = i;
    /* the fact kept before, when it is of the same article: its id, path,
     * sentence and line are shared when they are this one's (a quarter of
     * the sentences and half the lines on the bench corpora) */
    const fl_kept *prev = st->n_kept && k[-1].seq == a->seq ? &k[-1] : NULL;
    if (prev) {
        k->article_id = prev->article_id;
        k->path = prev->path;
    } else {
        k->article_id = arena_dup(st, a->id ? a->id : a->path ? a->path : "");
        k->path = arena_dup(st, a->path ? a->path : "");
    }
    k->fact = *f;
    k->fact.link = -1;
    k->fact.extra_json = arena_dup(st, f->extra_json); /* (a facts file's unknown fields) */
    if (f->kind == FL_FACT_MONEY && f->link >= 0 && (size_t)f->link < call->facts->n) {
        const fl_fact *o = &call->facts->items[f->link];
        k->linked = true;
        k->linked_offset = o->offset;
        k->linked_length = o->length;
    }
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
        *strs[s] = arena_dup(st, *strs[s]);
    size_t si = fl_article_sentence_at(a, f->offset);
    if (si != SIZE_MAX) {
        const char *text = a->text + a->sentences[si].offset;
        size_t len = a->sentences[si].length;
        if (prev && prev->sentence && prev->sentence_len == len &&
            !memcmp(prev->sentence, text, len))
            k->sentence = prev->sentence;
        else
            k->sentence = fl_arena_strndup(ar, text, len);
        k->sentence_len = len;
    }
    if (fl_location_fill_in(&k->loc, a, f->offset, f->length, st->w->rs->line_max, ar,
                            prev ? prev->loc.line_text : NULL) ||
        !k->key || !k->article_id || !k->path || (f->extra_json && !k->fact.extra_json))
        luaL_error(L, "not enough memory");
    st->n_kept++;
}

int fl_kept_evidence(const fl_kept *k, fl_strbuf *sb)
{
    if (k->evidence)
        return fl_strbuf_adds(sb, k->evidence);
    if (!k->linked)
        return fl_fact_write_json(sb, k->article_id, &k->fact, NULL);
    /* the conversion as the writer reads it: fact 0 of a one-fact list */
    fl_fact f = k->fact, linked = {0};
    f.link = 0;
    linked.offset = k->linked_offset;
    linked.length = k->linked_length;
    fl_facts all = {0};
    all.items = &linked;
    all.n = 1;
    return fl_fact_write_json(sb, k->article_id, &f, &all);
}

/* keep(i, key): keeps fact i (its number, 1-based, or its handle) under
 * key (a string; nil keeps nothing), inside a keys(article, keep) call. */
static int l_keep(lua_State *L)
{
    fl_rule_state *st = fl_lua_state(L);
    fl_call *call = st ? st->call : NULL;
    if (!call || !call->keeping)
        return luaL_error(L, "keep() used outside its keys() call");
    const fl_facts *fs = call->facts;
    size_t i;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        lua_Integer n = luaL_checkinteger(L, 1);
        if (n < 1 || (lua_Unsigned)n > fs->n)
            return luaL_argerror(L, 1, "no such fact in this article");
        i = (size_t)n - 1;
    } else {
        const fl_kept *kept = NULL;
        const fl_fact *f = fl_lua_check_fact(L, 1, &kept);
        if (kept || f < fs->items || f >= fs->items + fs->n)
            return luaL_argerror(L, 1, "not a fact of this article");
        i = (size_t)(f - fs->items);
    }
    int t = lua_type(L, 2);
    if (t == LUA_TNIL)
        return 0;
    if (t != LUA_TSTRING)
        return luaL_error(L, "keep() takes a string key or nil, not a %s", luaL_typename(L, 2));
    size_t kl;
    const char *key = lua_tolstring(L, 2, &kl);
    keep_fact(L, call, i, key, kl);
    return 0;
}

/* keys(article, keep): one call for the article's facts. */
static int body_keys(lua_State *L, fl_call *call)
{
    fl_rule_state *st = call->st;
    push_rule_fn(L, st, "keys");
    fl_lua_push_article(L, st);
    lua_pushcfunction(L, l_keep);
    call->keeping = true;
    lua_call(L, 2, 0);
    call->keeping = false;
    return 0;
}

static int body_key(lua_State *L)
{
    fl_call *call = lua_touserdata(L, 1);
    fl_rule_state *st = call->st;
    if (st->def->keys)
        return body_keys(L, call);
    push_rule_fn(L, st, "key");
    int fn = lua_gettop(L);
    /* key(fact, article): the article handle is the one check() gets at article scope */
    fl_lua_push_article(L, st);
    int art = lua_gettop(L);
    for (size_t i = 0; i < call->facts->n; i++) {
        const fl_fact *f = &call->facts->items[i];
        if (!wants(st->def, f))
            continue;
        lua_pushvalue(L, fn);
        fl_lua_push_fact(L, st, f, call->facts, NULL);
        lua_pushvalue(L, art);
        lua_call(L, 2, 1);
        int t = lua_type(L, -1);
        if (t == LUA_TSTRING) {
            size_t kl;
            const char *key = lua_tolstring(L, -1, &kl);
            keep_fact(L, call, i, key, kl);
        } else if (t != LUA_TNIL) {
            return luaL_error(L, "key() must return a string or nil, not a %s",
                              luaL_typename(L, -1));
        }
        lua_pop(L, 1);
    }
    return 0;
}

static fl_status record_failure(fl_rule_state *st, fl_audit *out, const fl_sandbox_failure *fail,
                                const char *article_id, const char *key)
{
    fl_rule_error e = {0};
    char msg[1200];
    if (key)
        snprintf(msg, sizeof msg, "%s (key '%s')", fail->message ? fail->message : "error", key);
    else
        snprintf(msg, sizeof msg, "%s", fail->message ? fail->message : "error");
    e.rule = st->def->id;
    e.file = st->def->file;
    e.line = fail->line;
    e.klass = (char *)fl_rule_error_class_name(fail->klass);
    e.message = msg;
    e.traceback = fail->traceback;
    e.article_id = (char *)article_id;
    if (fl_audit_add_rule_error(out, &e))
        return FL_ENOMEM;
    fl_rule_health *h = fl_rule_state_health(st, out);
    if (!h)
        return FL_ENOMEM;
    h->errors_by_class[fail->klass]++;
    return FL_OK;
}

/* After a failed call: a state that hit a limit is recreated. */
static void after_failure(fl_rule_state *st, const fl_sandbox_failure *fail)
{
    if (fail->klass == FL_RERR_INSTRUCTIONS || fail->klass == FL_RERR_MEMORY) {
        fl_sandbox_failure again;
        if (!fl_rule_state_open(st, &again)) {
            st->broken = true;
            fl_sandbox_failure_release(&again);
        }
    }
}

static void release_call_refs(fl_rule_state *st, fl_call *call)
{
    if (call->handles_ref > 0 && st->sb)
        luaL_unref(st->sb->L, LUA_REGISTRYINDEX, call->handles_ref);
    if (call->text_ref > 0 && st->sb)
        luaL_unref(st->sb->L, LUA_REGISTRYINDEX, call->text_ref);
    call->handles_ref = call->text_ref = 0;
}

/* Undoes what a watched call that is to be run again did: its findings
 * and draft, its reports count, the facts a key() kept; its handles go
 * stale with the generation. */
static void undo_call(fl_rule_state *st, fl_call *call, lua_CFunction body)
{
    fl_call_release(call);
    fl_strbuf_init(&call->scratch);
    call->reports = 0;
    call->overflow = false;
    call->article_ud = NULL;
    if (body == body_key)
        st->n_kept = call->kept_before;
    st->w->generation++;
}

/* Runs one call of st (body) and commits or records its outcome. */
static fl_status run_call(fl_rule_state *st, fl_call *call, lua_CFunction body, fl_audit *out,
                          const char *article_id)
{
    fl_sandbox_failure fail;
    fl_status status = FL_OK;
    st->call = call;
    call->out = out;
    struct timespec t0;
    if (st->w->rs->timing)
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    bool rerun = false;
    bool ok = fl_sandbox_call_watched(st->sb, st->w->rs->budget, body, call, &fail, &rerun);
    release_call_refs(st, call);
    if (rerun) {
        /* too long to be sure it kept to the budget: undo and count it */
        undo_call(st, call, body);
        ok = fl_sandbox_call(st->sb, st->w->rs->budget, body, call, &fail);
        release_call_refs(st, call);
    }
    if (st->w->rs->timing) {
        struct timespec t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        fl_rule_health *h = fl_rule_state_health(st, out);
        if (h) {
            h->calls++;
            h->cpu_ns += (unsigned long long)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
                                              (t1.tv_nsec - t0.tv_nsec));
        }
    }
    st->call = NULL;
    st->w->generation++;
    if (ok) {
        status = fl_call_commit(call, out, call->search_from);
        if (!status && call->overflow) {
            fl_sandbox_failure over = {FL_RERR_REPORT, NULL, NULL, 0};
            char msg[160];
            snprintf(msg, sizeof msg, "too many reports (more than %u); the rest were dropped",
                     fl_call_max_reports(call));
            over.message = msg;
            status = record_failure(st, out, &over, article_id, call->key);
        }
    } else {
        if (body == body_key)
            st->n_kept = call->kept_before;
        status = record_failure(st, out, &fail, article_id, call->key);
        after_failure(st, &fail);
        fl_sandbox_failure_release(&fail);
    }
    fl_call_release(call);
    return status;
}

/* The kinds of the facts, as bits (1 << kind): what `needs` is tested on. */
static unsigned fact_kinds(const fl_facts *facts)
{
    unsigned kinds = 0;
    for (size_t f = 0; f < facts->n; f++)
        kinds |= 1u << facts->items[f].kind;
    return kinds;
}

/* fl_rule_run_article with the kinds of the article's facts worked out once
 * for all its rules. */
static fl_status run_article(fl_rule_worker *w, size_t i, const fl_article *a,
                             const fl_facts *facts, unsigned kinds, fl_audit *out, int options_ref)
{
    fl_rule_state *st = &w->states[i];
    if (st->broken || !st->sb)
        return FL_OK;
    if (st->def->needs && !(st->def->needs & kinds))
        return FL_OK;
    fl_rule_health *h = fl_rule_state_health(st, out);
    if (!h)
        return FL_ENOMEM;
    h->articles_run++;
    fl_call call = {0};
    call.st = st;
    call.a = a;
    call.facts = facts;
    call.options_ref = options_ref;
    call.search_from = out->n_findings;
    call.kept_before = st->n_kept;
    fl_strbuf_init(&call.scratch);
    const char *aid = a->id ? a->id : a->path;
    return run_call(st, &call, st->def->corpus ? body_key : body_check, out, aid);
}

fl_status fl_rule_run_article(fl_rule_worker *w, size_t i, const fl_article *a,
                              const fl_facts *facts, fl_audit *out, int options_ref)
{
    return run_article(w, i, a, facts, fact_kinds(facts), out, options_ref);
}

size_t fl_rule_worker_kept(const fl_rule_worker *w)
{
    size_t n = 0;
    for (size_t i = 0; w && i < w->rs->n; i++)
        n += w->states[i].n_kept;
    return n;
}

fl_status fl_rule_worker_check(fl_rule_worker *w, const fl_article *a, const fl_facts *facts,
                               fl_audit *out, fl_error *err)
{
    unsigned kinds = fact_kinds(facts);
    for (size_t i = 0; i < w->rs->n; i++) {
        const fl_rule_def *d = &w->rs->rules[i];
        if (!d->enabled || fl_article_rule_disabled(a, d->id))
            continue;
        if (run_article(w, i, a, facts, kinds, out, LUA_NOREF))
            return fl_error_set(err, FL_ENOMEM, "out of memory running rule '%s'", d->id);
    }
    return FL_OK;
}

/* ---- corpus scope --------------------------------------------------------- */

/* Orders two kept facts of one key: by article, then offset, then the
 * fact's place in its article. */
static int cmp_in_group(const void *pa, const void *pb)
{
    const fl_kept *a = *(fl_kept *const *)pa, *b = *(fl_kept *const *)pb;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    if (a->fact.offset != b->fact.offset)
        return a->fact.offset < b->fact.offset ? -1 : 1;
    return a->ordinal < b->ordinal ? -1 : a->ordinal > b->ordinal;
}

static int body_corpus(lua_State *L)
{
    fl_call *call = lua_touserdata(L, 1);
    fl_rule_state *st = call->st;
    push_rule_fn(L, st, "check");
    lua_pushstring(L, call->key);
    lua_createtable(L, (int)call->n_group, 0);
    for (size_t i = 0; i < call->n_group; i++) {
        fl_lua_push_fact(L, st, &call->group[i]->fact, NULL, call->group[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    fl_lua_push_report(L, st);
    lua_rawgeti(L, LUA_REGISTRYINDEX,
                call->options_ref != LUA_NOREF ? call->options_ref : st->options_ref);
    lua_call(L, 4, 0);
    return 0;
}

/* ---- a rule's kept facts in key order ------------------------------------
 *
 * Calls see one key's facts in (article, offset) order, and the keys come in
 * strcmp order.  The facts are not sorted by comparing keys: each distinct
 * key gets its rank among the rule's distinct keys (a hash table finds the
 * distinct keys, and only they are sorted by strcmp), the facts are placed
 * by rank (a counting sort), and each key's facts are put in article order.
 * A sort of the facts themselves compared equal keys byte by byte about
 * log2(n) times each, a cache miss for each string: ~5% of a 500 MB run,
 * where one key may hold thousands of facts. */

typedef struct key_slot {
    uint32_t hash; /* the key's hash, low 32 bits */
    uint32_t id;   /* 1 + the index of the key in the distinct keys; 0: empty */
} key_slot;

typedef struct distinct_key {
    const char *key;
    uint32_t id;
} distinct_key;

static int cmp_distinct(const void *pa, const void *pb)
{
    return strcmp(((const distinct_key *)pa)->key, ((const distinct_key *)pb)->key);
}

/* Sets the rank of each of the n kept facts of all: the place of its key
 * among their distinct keys in strcmp order; *n_keys is their number. */
static fl_status rank_keys(fl_kept *const *all, size_t n, size_t *n_keys)
{
    size_t cap = 16;
    while (cap < n + n / 2)
        cap <<= 1;
    key_slot *slots = fl_calloc(cap, sizeof *slots);
    distinct_key *keys = fl_malloc(n * sizeof *keys);
    uint32_t *rank = NULL;
    fl_status st = FL_ENOMEM;
    if (!slots || !keys || n >= UINT32_MAX)
        goto done;
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        const char *key = all[i]->key;
        uint32_t h = (uint32_t)fl_key_hash(key, strlen(key), 0);
        size_t j = h & (cap - 1);
        while (slots[j].id && (slots[j].hash != h || strcmp(keys[slots[j].id - 1].key, key) != 0))
            j = (j + 1) & (cap - 1);
        if (!slots[j].id) {
            keys[d] = (distinct_key){key, (uint32_t)d};
            slots[j] = (key_slot){h, (uint32_t)++d};
        }
        all[i]->rank = slots[j].id - 1; /* the key's id until it is ranked */
    }
    fl_free(slots);
    slots = NULL;
    qsort(keys, d, sizeof *keys, cmp_distinct);
    if (!(rank = fl_malloc((d ? d : 1) * sizeof *rank)))
        goto done;
    for (size_t r = 0; r < d; r++)
        rank[keys[r].id] = (uint32_t)r;
    for (size_t i = 0; i < n; i++)
        all[i]->rank = rank[all[i]->rank];
    *n_keys = d;
    st = FL_OK;
done:
    fl_free(slots);
    fl_free(keys);
    fl_free(rank);
    return st;
}

/* Puts the n kept facts of all in (key, article, offset, ordinal) order and
 * sets their ranks. */
static fl_status order_kept(fl_kept **all, size_t n)
{
    size_t d = 0;
    if (rank_keys(all, n, &d))
        return FL_ENOMEM;
    size_t *start = fl_calloc(d + 1, sizeof *start);
    fl_kept **out = fl_malloc(n * sizeof *out);
    if (!start || !out) {
        fl_free(start);
        fl_free(out);
        return FL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        start[all[i]->rank + 1]++;
    for (size_t r = 0; r < d; r++)
        start[r + 1] += start[r];
    for (size_t i = 0; i < n; i++)
        out[start[all[i]->rank]++] = all[i];
    /* (start[r] is now where the facts of rank r end) */
    for (size_t r = 0, from = 0; r < d; from = start[r++]) {
        size_t to = start[r], k = from + 1;
        while (k < to && cmp_in_group(&out[k - 1], &out[k]) < 0)
            k++;
        if (k < to) /* facts of several workers, or kept out of order */
            qsort(out + from, to - from, sizeof *out, cmp_in_group);
    }
    memcpy(all, out, n * sizeof *out);
    fl_free(out);
    fl_free(start);
    return FL_OK;
}

/* The facts every worker kept for corpus rule r in key order; *all is NULL
 * when there are none.  Non-OK only for ENOMEM. */
static fl_status corpus_gather(fl_rule_worker *const *workers, size_t n_workers, size_t r,
                               fl_kept ***all, size_t *n_all)
{
    size_t total = 0;
    for (size_t w = 0; w < n_workers; w++)
        total += workers[w]->states[r].n_kept;
    *all = NULL;
    *n_all = 0;
    if (!total)
        return FL_OK;
    fl_kept **v = fl_malloc(total * sizeof *v);
    if (!v)
        return FL_ENOMEM;
    size_t n = 0;
    for (size_t w = 0; w < n_workers; w++)
        for (size_t k = 0; k < workers[w]->states[r].n_kept; k++)
            v[n++] = &workers[w]->states[r].kept[k];
    if (order_kept(v, n)) {
        fl_free(v);
        return FL_ENOMEM;
    }
    *all = v;
    *n_all = n;
    return FL_OK;
}

/* The end of the key group that starts at all[i]. */
static size_t group_end(fl_kept *const *all, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && all[j]->rank == all[i]->rank)
        j++;
    return j;
}

/* Calls st's check once per key group of all[from, to) (group boundaries). */
static fl_status run_corpus_groups(fl_rule_state *st, fl_kept **all, size_t from, size_t to,
                                   fl_audit *out, int options_ref)
{
    fl_status status = FL_OK;
    size_t search_from = out->n_findings;
    for (size_t i = from; i < to && !status;) {
        size_t j = i + 1, articles = 1;
        while (j < to && all[j]->rank == all[i]->rank) {
            /* facts of a key are in article (seq) order */
            if (all[j]->seq != all[j - 1]->seq)
                articles++;
            j++;
        }
        if (st->broken || !st->sb)
            break;
        if (j - i < st->def->min_facts || articles < st->def->min_articles) {
            i = j;
            continue;
        }
        fl_call call = {0};
        call.st = st;
        call.key = all[i]->key;
        call.group = all + i;
        call.n_group = j - i;
        /* the limit is per article of the key: a key met in many articles
         * has a finding to give in each, where one article has one */
        unsigned long long limit = (unsigned long long)st->w->rs->max_reports * articles;
        call.max_reports = limit < UINT_MAX ? (unsigned)limit : UINT_MAX;
        call.options_ref = options_ref;
        call.search_from = search_from;
        fl_strbuf_init(&call.scratch);
        status = run_call(st, &call, body_corpus, out, NULL);
        i = j;
    }
    return status;
}

fl_status fl_rule_run_corpus(fl_rule_worker *const *workers, size_t n_workers, size_t r,
                             fl_audit *out, int options_ref, size_t on)
{
    fl_rule_state *st = &workers[on]->states[r];
    if (st->broken || !st->sb)
        return FL_OK;
    fl_kept **all;
    size_t n;
    fl_status status = corpus_gather(workers, n_workers, r, &all, &n);
    if (!status && n)
        status = run_corpus_groups(st, all, 0, n, out, options_ref);
    fl_free(all);
    return status;
}

/* The corpus phase runs side by side: first each rule's kept facts are
 * gathered and put in key order (a job per rule, see order_kept), then each rule's key groups are
 * cut into slices of about the same number of facts, and the slices run as jobs on the workers, a
 * slice's calls in that worker's own state of the rule, each into its own part.  The parts are
 * merged in (rule, slice) order, so the report is the one a single thread makes (a corpus call sees
 * only its key's facts; docs/writing-rules.md: calls share nothing, as in `factlint reduce`, where
 * keys are split between reducers).  With one job per rule, name.variant-corpus alone (68,000 kept
 * facts on Reuters) was a serial tail of ~0.1 s of check -j2's 1.06 s, growing with the corpus. */
typedef struct corpus_rule {
    size_t rule;   /* index of an enabled corpus rule */
    fl_kept **all; /* its kept facts, in key order */
    size_t n_all;
    fl_status status;
} corpus_rule;

typedef struct corpus_slice {
    corpus_rule *cr;
    size_t from, to;  /* all[from, to), cut at key group boundaries */
    fl_audit part;    /* its findings and health */
    fl_status status; /* of run_corpus_groups */
} corpus_slice;

typedef struct corpus_worker {
    fl_rule_worker *const *workers;
    size_t n_workers, on; /* the calls run in workers[on]'s states */
} corpus_worker;

#define SLICES_PER_THREAD 4   /* slices a big rule is cut into, per thread */
#define SLICE_MIN_FACTS   512 /* below this a slice is not worth a job */

/* Facts per slice of cr: a slice ends at the first key boundary after them. */
static size_t slice_step(const corpus_rule *cr, size_t n_threads)
{
    size_t step = cr->n_all / (SLICES_PER_THREAD * n_threads);
    return step < SLICE_MIN_FACTS ? SLICE_MIN_FACTS : step;
}

static void corpus_gather_run(void *ctx, void *item)
{
    corpus_worker *cw = ctx;
    corpus_rule *cr = item;
    cr->status = corpus_gather(cw->workers, cw->n_workers, cr->rule, &cr->all, &cr->n_all);
}

static void corpus_slice_run(void *ctx, void *item)
{
    corpus_worker *cw = ctx;
    corpus_slice *sl = item;
    fl_rule_state *st = &cw->workers[cw->on]->states[sl->cr->rule];
    if (!st->broken && st->sb)
        sl->status = run_corpus_groups(st, sl->cr->all, sl->from, sl->to, &sl->part, LUA_NOREF);
}

static int cmp_slice_size(const void *pa, const void *pb)
{
    const corpus_slice *a = *(corpus_slice *const *)pa, *b = *(corpus_slice *const *)pb;
    size_t na = a->to - a->from, nb = b->to - b->from;
    if (na != nb)
        return na > nb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Runs fn over items[0, n) on a pool of n_threads corpus workers. */
static fl_status corpus_pool_run(void *const *ctx, size_t n_threads, fl_pool_fn fn,
                                 void *const *items, size_t n)
{
    fl_pool *pool = fl_pool_new(n_threads, n, fn, ctx);
    if (!pool)
        return FL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        fl_pool_submit(pool, items[i]);
    fl_pool_finish(pool);
    return FL_OK;
}

fl_status fl_ruleset_run_corpus(const fl_ruleset *rs, fl_rule_worker *const *workers,
                                size_t n_workers, fl_audit *out, fl_error *err)
{
    if (!n_workers)
        return FL_OK;
    size_t n = 0;
    for (size_t r = 0; r < rs->n; r++)
        n += rs->rules[r].enabled && rs->rules[r].corpus;
    if (!n)
        return FL_OK;
    size_t n_threads = n_workers;
    corpus_rule *rules = fl_calloc(n, sizeof *rules);
    void **items = fl_calloc(n, sizeof *items);
    corpus_worker *cws = fl_calloc(n_threads, sizeof *cws);
    void **ctx = fl_calloc(n_threads, sizeof *ctx);
    corpus_slice *slices = NULL;
    size_t n_slices = 0;
    fl_status st = FL_OK;
    if (!rules || !items || !cws || !ctx) {
        st = FL_ENOMEM;
        goto done;
    }
    for (size_t t = 0; t < n_threads; t++) {
        cws[t] = (corpus_worker){workers, n_workers, t};
        ctx[t] = &cws[t];
    }
    for (size_t r = 0, j = 0; r < rs->n; r++)
        if (rs->rules[r].enabled && rs->rules[r].corpus) {
            rules[j].rule = r;
            items[j] = &rules[j];
            j++;
        }
    if ((st = corpus_pool_run(ctx, n < n_threads ? n : n_threads, corpus_gather_run, items, n)))
        goto done;
    /* the slices: a rule's facts cut after about total / (threads * 4)
     * facts, at the next key boundary */
    size_t cap = 0;
    for (size_t j = 0; j < n; j++) {
        if (rules[j].status) {
            st = rules[j].status;
            goto done;
        }
        cap += rules[j].n_all ? rules[j].n_all / slice_step(&rules[j], n_threads) + 1 : 0;
    }
    if (!cap)
        goto done;
    if (!(slices = fl_calloc(cap, sizeof *slices))) {
        st = FL_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < n; j++) {
        corpus_rule *cr = &rules[j];
        size_t step = slice_step(cr, n_threads);
        for (size_t from = 0; from < cr->n_all;) {
            size_t to = from + step >= cr->n_all ? cr->n_all
                                                 : group_end(cr->all, cr->n_all, from + step - 1);
            corpus_slice *sl = &slices[n_slices++];
            sl->cr = cr;
            sl->from = from;
            sl->to = to;
            fl_audit_init(&sl->part);
            from = to;
        }
    }
    void **order = fl_calloc(n_slices, sizeof *order);
    if (!order) {
        st = FL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n_slices; i++)
        order[i] = &slices[i];
    /* the biggest slices first, so the longest start first */
    qsort(order, n_slices, sizeof *order, cmp_slice_size);
    st = corpus_pool_run(ctx, n_slices < n_threads ? n_slices : n_threads, corpus_slice_run, order,
                         n_slices);
    fl_free(order);
    /* merged in rule order, each rule's slices in key order: the report one
     * thread makes */
    for (size_t i = 0; i < n_slices && !st; i++)
        if (slices[i].status || fl_audit_merge(out, &slices[i].part))
            st = FL_ENOMEM;
done:
    if (st) {
        const char *id = NULL;
        for (size_t i = 0; i < n_slices && !id; i++)
            if (slices[i].status)
                id = rs->rules[slices[i].cr->rule].id;
        if (id)
            fl_error_set(err, FL_ENOMEM, "out of memory running rule '%s'", id);
        else
            fl_error_set(err, FL_ENOMEM, "out of memory in the corpus phase");
    }
    for (size_t i = 0; slices && i < n_slices; i++)
        fl_audit_release(&slices[i].part);
    for (size_t j = 0; rules && j < n; j++)
        fl_free(rules[j].all);
    fl_free(slices);
    fl_free(rules);
    fl_free(items);
    fl_free(cws);
    fl_free(ctx);
    return st;
}
