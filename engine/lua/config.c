/* config.c - rule configuration: defaults, command-line helpers and .factlint.lua. */
#include "core/alloc.h"
#include "lua/internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fl_rules_config_init(fl_rules_config *c)
{
    memset(c, 0, sizeof *c);
    c->instruction_budget = FL_RULES_DEFAULT_BUDGET;
    c->memory_limit = FL_RULES_DEFAULT_MEMORY;
    c->max_reports = FL_RULES_DEFAULT_REPORTS;
}

void fl_rules_config_release(fl_rules_config *c)
{
    fl_string_list_free(c->rule_paths, c->n_rule_paths);
    fl_free(c->default_rules_dir);
    fl_string_list_free(c->enable, c->n_enable);
    fl_string_list_free(c->disable, c->n_disable);
    for (size_t i = 0; i < c->n_severity; i++)
        fl_free(c->severity[i].rule);
    fl_free(c->severity);
    for (size_t i = 0; i < c->n_options; i++) {
        fl_free(c->options[i].rule);
        fl_free(c->options[i].key);
        fl_free(c->options[i].value);
    }
    fl_free(c->options);
    fl_string_list_free(c->reference_files, c->n_reference_files);
    fl_free(c->reference_dir);
    fl_rules_config_init(c);
}

fl_status fl_rules_config_add_string(char ***list, size_t *n, const char *s)
{
    char **l = fl_realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return FL_ENOMEM;
    *list = l;
    if (!(l[*n] = fl_strdup(s)))
        return FL_ENOMEM;
    (*n)++;
    return FL_OK;
}

fl_status fl_rules_config_add_severity(fl_rules_config *c, const char *rule, int severity)
{
    fl_rules_severity_override *s = fl_realloc(c->severity, (c->n_severity + 1) * sizeof *s);
    if (!s)
        return FL_ENOMEM;
    c->severity = s;
    if (!(s[c->n_severity].rule = fl_strdup(rule)))
        return FL_ENOMEM;
    s[c->n_severity++].severity = severity;
    return FL_OK;
}

fl_status fl_rules_config_add_option(fl_rules_config *c, const char *rule, const char *key,
                                     const char *value)
{
    fl_rules_option_override *o = fl_realloc(c->options, (c->n_options + 1) * sizeof *o);
    if (!o)
        return FL_ENOMEM;
    c->options = o;
    o += c->n_options;
    o->rule = fl_strdup(rule);
    o->key = fl_strdup(key);
    o->value = fl_strdup(value);
    if (!o->rule || !o->key || !o->value) {
        fl_free(o->rule);
        fl_free(o->key);
        fl_free(o->value);
        return FL_ENOMEM;
    }
    c->n_options++;
    return FL_OK;
}

fl_status fl_rules_config_parse_option(fl_rules_config *c, const char *arg, fl_error *err)
{
    const char *eq = strchr(arg, '=');
    const char *dot = NULL;
    for (const char *p = arg; eq && p < eq; p++)
        if (*p == '.')
            dot = p;
    if (!eq || !dot || dot == arg || dot + 1 == eq)
        return fl_error_set(err, FL_EUSAGE, "bad rule option '%s' (expected ID.KEY=VALUE)", arg);
    char rule[256], key[256];
    snprintf(rule, sizeof rule, "%.*s", (int)(dot - arg), arg);
    snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
    if (fl_rules_config_add_option(c, rule, key, eq + 1))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return FL_OK;
}

fl_status fl_rules_config_parse_severity(fl_rules_config *c, const char *arg, fl_error *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return fl_error_set(err, FL_EUSAGE, "bad severity '%s' (expected ID=LEVEL)", arg);
    int sev = fl_severity_from_name(eq + 1);
    if (sev < 0)
        return fl_error_set(err, FL_EUSAGE, "unknown severity '%s' (error, warning, info or off)",
                            eq + 1);
    char rule[256];
    snprintf(rule, sizeof rule, "%.*s", (int)(eq - arg), arg);
    if (fl_rules_config_add_severity(c, rule, sev))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return FL_OK;
}

/* ---- .factlint.lua ------------------------------------------------------- */

typedef struct cfg_ctx {
    fl_rules_config *c;
    const char *path;
    const char *text;
    char dir[4096];
    long line; /* of the offending key, 0 unknown */
    bool nomem;
} cfg_ctx;

/* The first line where `key =` appears in the file (a good guess for errors). */
static long key_line(const char *text, const char *key)
{
    size_t kl = strlen(key);
    long line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            line++;
            continue;
        }
        if (strncmp(p, key, kl) || (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
            continue;
        const char *q = p + kl;
        if (*q == '"' || *q == '\'')
            q++;
        if (*q == ']')
            q++;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '=' && q[1] != '=')
            return line;
    }
    return 0;
}

static int cfg_fail(lua_State *L, cfg_ctx *x, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cfg_fail(lua_State *L, cfg_ctx *x, const char *key, const char *fmt, ...)
{
    x->line = key ? key_line(x->text, key) : 0;
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

static void cfg_add(lua_State *L, cfg_ctx *x, char ***list, size_t *n, const char *s, bool path)
{
    char buf[8192];
    if (path && s[0] != '/') {
        snprintf(buf, sizeof buf, "%s/%s", x->dir, s);
        s = buf;
    }
    if (fl_rules_config_add_string(list, n, s)) {
        x->nomem = true;
        luaL_error(L, "not enough memory");
    }
}

static void cfg_list(lua_State *L, cfg_ctx *x, const char *key, char ***list, size_t *n, bool path)
{
    if (!lua_istable(L, -1))
        cfg_fail(L, x, key, "'%s' must be a list of strings", key);
    size_t len = lua_rawlen(L, -1);
    for (size_t i = 1; i <= len; i++) {
        if (lua_rawgeti(L, -1, (lua_Integer)i) != LUA_TSTRING)
            cfg_fail(L, x, key, "'%s' must be a list of strings", key);
        cfg_add(L, x, list, n, lua_tostring(L, -1), path);
        lua_pop(L, 1);
    }
}

static int body_config(lua_State *L)
{
    cfg_ctx *x = lua_touserdata(L, 1);
    fl_rules_config *c = x->c;
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", x->path);
    if (fl_sandbox_load(fl_sandbox_of(L), x->text, strlen(x->text), chunk) != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        return cfg_fail(L, x, NULL, "the config file must return a table");
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (!strcmp(k, "rules")) {
            cfg_list(L, x, k, &c->rule_paths, &c->n_rule_paths, true);
        } else if (!strcmp(k, "enable")) {
            cfg_list(L, x, k, &c->enable, &c->n_enable, false);
        } else if (!strcmp(k, "disable")) {
            cfg_list(L, x, k, &c->disable, &c->n_disable, false);
        } else if (!strcmp(k, "reference")) {
            cfg_list(L, x, k, &c->reference_files, &c->n_reference_files, true);
        } else if (!strcmp(k, "no_default_rules")) {
            if (!lua_isboolean(L, -1))
                return cfg_fail(L, x, k, "'no_default_rules' must be true or false");
            c->no_default_rules = lua_toboolean(L, -1);
        } else if (!strcmp(k, "severity")) {
            if (!lua_istable(L, -1))
                return cfg_fail(L, x, k, "'severity' maps rule ids to levels");
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                int sev = lua_type(L, -1) == LUA_TSTRING
                              ? fl_severity_from_name(lua_tostring(L, -1))
                              : -1;
                if (lua_type(L, -2) != LUA_TSTRING || sev < 0)
                    return cfg_fail(L, x, "severity",
                                    "'severity' maps rule ids to \"error\", \"warning\", "
                                    "\"info\" or \"off\"");
                if (fl_rules_config_add_severity(c, lua_tostring(L, -2), sev)) {
                    x->nomem = true;
                    return luaL_error(L, "not enough memory");
                }
                lua_pop(L, 1);
            }
        } else if (!strcmp(k, "options")) {
            if (!lua_istable(L, -1))
                return cfg_fail(L, x, k, "'options' maps rule ids to tables of options");
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
                    return cfg_fail(L, x, "options", "'options' maps rule ids to tables");
                const char *rule = lua_tostring(L, -2);
                lua_pushnil(L);
                while (lua_next(L, -2)) {
                    int vt = lua_type(L, -1);
                    if (lua_type(L, -2) != LUA_TSTRING ||
                        (vt != LUA_TNUMBER && vt != LUA_TBOOLEAN && vt != LUA_TSTRING))
                        return cfg_fail(L, x, rule,
                                        "options of '%s' must be numbers, booleans "
                                        "or strings",
                                        rule);
                    char num[64];
                    const char *v;
                    if (vt == LUA_TBOOLEAN)
                        v = lua_toboolean(L, -1) ? "true" : "false";
                    else if (vt == LUA_TNUMBER) {
                        snprintf(num, sizeof num, "%.17g", (double)lua_tonumber(L, -1));
                        v = num;
                    } else
                        v = lua_tostring(L, -1);
                    if (fl_rules_config_add_option(c, rule, lua_tostring(L, -2), v)) {
                        x->nomem = true;
                        return luaL_error(L, "not enough memory");
                    }
                    lua_pop(L, 1);
                }
                lua_pop(L, 1);
            }
        } else if (!strcmp(k, "limits")) {
            if (!lua_istable(L, -1))
                return cfg_fail(L, x, k, "'limits' must be a table");
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                const char *lk = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
                int isnum;
                lua_Integer v = lua_tointegerx(L, -1, &isnum);
                if (!isnum || v <= 0)
                    return cfg_fail(L, x, lk[0] ? lk : "limits",
                                    "limit '%s' must be a positive integer", lk);
                if (!strcmp(lk, "instructions"))
                    c->instruction_budget = (unsigned long)v;
                else if (!strcmp(lk, "memory_mb") && v < 65536)
                    c->memory_limit = (size_t)v << 20;
                else if (!strcmp(lk, "reports") && v < UINT_MAX)
                    c->max_reports = (unsigned)v;
                else
                    return cfg_fail(L, x, lk[0] ? lk : "limits",
                                    "unknown limit '%s' "
                                    "(instructions, memory_mb, reports)",
                                    lk);
                lua_pop(L, 1);
            }
        } else {
            return cfg_fail(L, x, k[0] ? k : NULL, "unknown key '%s'", k);
        }
        lua_pop(L, 1);
    }
    return 0;
}

fl_status fl_rules_config_load(fl_rules_config *c, const char *path, fl_error *err)
{
    cfg_ctx x = {0};
    char *text = NULL;
    size_t len;
    fl_sandbox *sb = NULL;
    fl_sandbox_failure fail = {0};
    fl_status st = fl_read_file(path, &text, &len, err);
    if (st)
        return st == FL_ENOMEM ? st : fl_error_set(err, FL_EUSAGE, "%s", err ? err->message : "");
    x.c = c;
    x.path = path;
    x.text = text;
    snprintf(x.dir, sizeof x.dir, "%s", path);
    char *slash = strrchr(x.dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(x.dir, sizeof x.dir, ".");
    if (!(sb = fl_sandbox_new(FL_RULES_DEFAULT_MEMORY, err))) {
        st = FL_ENOMEM;
        goto cleanup;
    }
    if (!fl_sandbox_call(sb, FL_RULES_LOAD_BUDGET, body_config, &x, &fail)) {
        if (x.nomem) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", path);
            goto cleanup;
        }
        const char *m = fail.message ? fail.message : "error";
        long line = x.line ? x.line : fail.line;
        size_t pl = strlen(path);
        if (!strncmp(m, path, pl) && m[pl] == ':') { /* "path:line: msg" from Lua */
            char *end;
            long l = strtol(m + pl + 1, &end, 10);
            if (*end == ':') {
                if (!line)
                    line = l;
                m = end + 1 + (end[1] == ' ');
            }
        }
        st = fl_error_set(err, FL_EUSAGE, "%s", m);
        fl_error_locate(err, path, line, -1);
    }
cleanup:
    fl_sandbox_failure_release(&fail);
    fl_sandbox_free(sb);
    fl_free(text);
    return st;
}

fl_status fl_rules_config_find(char **path_out, fl_error *err)
{
    *path_out = NULL;
    char dir[4096];
    if (!getcwd(dir, sizeof dir))
        return fl_error_set(err, FL_EIO, "cannot read the current directory: %s", strerror(errno));
    for (;;) {
        char p[4200];
        snprintf(p, sizeof p, "%s/.factlint.lua", strcmp(dir, "/") ? dir : "");
        if (access(p, R_OK) == 0) {
            if (!(*path_out = fl_strdup(p)))
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            return FL_OK;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || !strcmp(dir, "/"))
            return FL_OK;
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}
