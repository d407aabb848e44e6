/* lua_rule.c - the factlint table and factlint.rule, the registration call of a rule file. */
#include "core/alloc.h"
#include "lua/internal.h"

#include <string.h>

fl_rule_state *fl_lua_state(lua_State *L)
{
    return fl_sandbox_of(L)->owner;
}

static long caller_line(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar) && ar.currentline > 0)
        return ar.currentline;
    return 0;
}

static int rule_fail(lua_State *L, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rule_fail(lua_State *L, long line, const char *fmt, ...)
{
    fl_rule_state *st = fl_lua_state(L);
    if (st)
        st->blame_line = line;
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

static const char *const rule_keys[] = {
    "id",   "summary", "description", "severity",     "scope", "tags",
    "url",  "needs",   "messages",    "options",      "check", "key",
    "keys", "tests",   "min_facts",   "min_articles", NULL};

static bool valid_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '-' || *s == '_'))
            return false;
    return true;
}

/* Pushes t[k] (raw) and returns its type. */
static int field(lua_State *L, int t, const char *k)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

static void check_string_array(lua_State *L, int t, const char *name, long line)
{
    if (field(L, t, name) == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        rule_fail(L, line, "factlint.rule: '%s' must be a list of strings", name);
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            rule_fail(L, line, "factlint.rule: '%s' must be a list of strings", name);
        if (!strcmp(name, "needs") && fl_fact_kind_from_name(lua_tostring(L, -1)) < 0)
            rule_fail(L, line, "factlint.rule: unknown fact kind '%s' in 'needs'",
                      lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/***
 * factlint.rule{id=, summary=, severity=, scope=, tags=, url=, needs=, messages=, options=, check=,
 * key=, keys=, min_facts=, min_articles=, tests=} -> rule
 *
 * Registers the rule a file defines; the file must `return` its result.
 * `id` (letters, digits, `.`, `-`, `_`), `summary` and `check` are
 * required.  `severity` is "error", "warning" (the default) or "info";
 * `scope` is "article" (the default) or "corpus".  `tags` is a list of
 * strings (usable with --enable/--disable), `url` a documentation link,
 * `description` longer prose.  `needs` lists fact kinds: an article rule is
 * skipped on articles without any fact of those kinds; a corpus rule must
 * give it, and `key(fact, article)` is called for each fact of those kinds,
 * with the fact's article (the same handle an article rule's check gets,
 * valid only during that call) so a key can read the fact's sentence.
 * Instead of `key`, a corpus rule may give `keys(article, keep)`, called
 * once per article that has a fact of those kinds: it walks the facts
 * itself (`article:facts(kind, field...)`) and calls `keep(i, key)` for
 * each it keeps, with i the fact's number (or its handle) and key a string.
 * Where most facts are dropped, or the keys come from one pass over the
 * article, this costs one call per article instead of a call and a fact
 * handle per fact.
 * A corpus rule's `check(key, facts)` runs for every key unless the rule
 * sets `min_facts` (an integer: only keys with at least that many facts) or
 * `min_articles` (only keys whose facts come from at least that many
 * articles): a rule that compares facts across articles says
 * `min_articles = 2`, and the keys of one fact, most of a corpus, cost
 * nothing.
 * `messages` maps message ids to templates with `{{placeholders}}`;
 * `options` maps option names to defaults (number, boolean or string), which
 * --rule-option and the config file may override with a value of the same
 * type.  `tests = {valid = {...}, invalid = {...}}` holds the rule's test
 * cases (see docs/writing-rules.md).  Unknown keys and wrong types are load
 * errors naming the file and line.
 */
static int l_rule(lua_State *L)
{
    long line = caller_line(L);
    if (!lua_istable(L, 1))
        return rule_fail(L, line, "factlint.rule expects a table");
    lua_settop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            return rule_fail(L, line, "factlint.rule: keys must be names");
        const char *k = lua_tostring(L, -2);
        bool known = false;
        for (const char *const *r = rule_keys; *r && !known; r++)
            known = !strcmp(*r, k);
        if (!known)
            return rule_fail(L, line, "factlint.rule: unknown key '%s'", k);
        lua_pop(L, 1);
    }
    if (field(L, 1, "id") != LUA_TSTRING)
        return rule_fail(L, line, "factlint.rule: missing 'id' (a string)");
    if (!valid_id(lua_tostring(L, -1)))
        return rule_fail(L, line, "factlint.rule: bad id '%s' (letters, digits, '.', '-', '_')",
                         lua_tostring(L, -1));
    lua_pop(L, 1);
    if (field(L, 1, "summary") != LUA_TSTRING)
        return rule_fail(L, line, "factlint.rule: missing 'summary' (a string)");
    lua_pop(L, 1);
    static const char *const strings[] = {"description", "url", NULL};
    for (const char *const *s = strings; *s; s++) {
        int t = field(L, 1, *s);
        if (t != LUA_TNIL && t != LUA_TSTRING)
            return rule_fail(L, line, "factlint.rule: '%s' must be a string", *s);
        lua_pop(L, 1);
    }
    int t = field(L, 1, "severity");
    if (t != LUA_TNIL) {
        int sev = t == LUA_TSTRING ? fl_severity_from_name(lua_tostring(L, -1)) : -1;
        if (sev < FL_SEV_INFO)
            return rule_fail(L, line, "factlint.rule: bad severity '%s' (error, warning or info)",
                             t == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    bool corpus = false;
    t = field(L, 1, "scope");
    if (t != LUA_TNIL) {
        const char *s = t == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (strcmp(s, "article") && strcmp(s, "corpus"))
            return rule_fail(L, line, "factlint.rule: bad scope '%s' (article or corpus)",
                             t == LUA_TSTRING ? s : luaL_typename(L, -1));
        corpus = !strcmp(s, "corpus");
    }
    lua_pop(L, 1);
    check_string_array(L, 1, "tags", line);
    check_string_array(L, 1, "needs", line);
    if (corpus) {
        if (field(L, 1, "needs") != LUA_TTABLE || lua_rawlen(L, -1) == 0)
            return rule_fail(L, line,
                             "factlint.rule: a corpus rule must list the fact kinds "
                             "its key() reads in 'needs'");
        lua_pop(L, 1);
    }
    t = field(L, 1, "messages");
    if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            return rule_fail(L, line, "factlint.rule: 'messages' must be a table");
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
                return rule_fail(L, line, "factlint.rule: 'messages' maps message ids to strings");
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    t = field(L, 1, "options");
    if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            return rule_fail(L, line, "factlint.rule: 'options' must be a table");
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            int vt = lua_type(L, -1);
            if (lua_type(L, -2) != LUA_TSTRING ||
                (vt != LUA_TNUMBER && vt != LUA_TBOOLEAN && vt != LUA_TSTRING))
                return rule_fail(L, line,
                                 "factlint.rule: 'options' maps names to numbers, "
                                 "booleans or strings");
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    if (field(L, 1, "check") != LUA_TFUNCTION)
        return rule_fail(L, line, "factlint.rule: 'check' must be a function");
    lua_pop(L, 1);
    t = field(L, 1, "key");
    int ts = field(L, 1, "keys");
    if (corpus && !((t == LUA_TFUNCTION) ^ (ts == LUA_TFUNCTION)))
        return rule_fail(L, line,
                         t == LUA_TFUNCTION
                             ? "factlint.rule: a corpus rule gives 'key' or 'keys', not both"
                             : "factlint.rule: a corpus rule needs a 'key' (or 'keys') function");
    if (corpus && (t != LUA_TNIL && t != LUA_TFUNCTION))
        return rule_fail(L, line, "factlint.rule: 'key' must be a function");
    if (corpus && (ts != LUA_TNIL && ts != LUA_TFUNCTION))
        return rule_fail(L, line, "factlint.rule: 'keys' must be a function");
    for (int k = 0; k < 2 && !corpus; k++) {
        int kt = k ? ts : t, idx = k ? -1 : -2;
        if (kt == LUA_TNIL)
            continue;
        long kl = line;
        if (kt == LUA_TFUNCTION) {
            lua_Debug ar;
            lua_pushvalue(L, idx);
            if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0)
                kl = ar.linedefined;
        }
        return rule_fail(L, kl, "factlint.rule: '%s' is only for corpus-scope rules",
                         k ? "keys" : "key");
    }
    lua_pop(L, 2);
    static const char *const minimums[] = {"min_facts", "min_articles", NULL};
    for (const char *const *m = minimums; *m; m++) {
        t = field(L, 1, *m);
        if (t != LUA_TNIL && !corpus)
            return rule_fail(L, line, "factlint.rule: '%s' is only for corpus-scope rules", *m);
        if (t != LUA_TNIL &&
            (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 1000000))
            return rule_fail(L, line, "factlint.rule: '%s' must be an integer from 1 to 1000000",
                             *m);
        lua_pop(L, 1);
    }
    t = field(L, 1, "tests");
    if (t != LUA_TNIL) {
        if (t != LUA_TTABLE)
            return rule_fail(L, line, "factlint.rule: 'tests' must be a table");
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
            if ((strcmp(k, "valid") && strcmp(k, "invalid")) || !lua_istable(L, -1))
                return rule_fail(L, line,
                                 "factlint.rule: 'tests' holds only the lists 'valid' "
                                 "and 'invalid'");
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    fl_rule_state *st = fl_lua_state(L);
    if (st)
        st->def->line = line;
    lua_pushvalue(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, FL_REG_RULE);
    lua_settop(L, 1);
    return 1;
}

/***
 * factlint.version -> string
 *
 * Not a function: the factlint version string, e.g. "0.1.0".
 */

/* A module name: lowercase segments of letters, digits, '_' and '-' separated
 * by '/', so that it can only name a file below lib/. */
static bool valid_module_name(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    bool seg_start = true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '/') {
            if (seg_start)
                return false;
            seg_start = true;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
        seg_start = false;
    }
    return !seg_start;
}

/***
 * factlint.require(name) -> value
 *
 * Loads a helper module shared by rules: the file `lib/NAME.lua` in the
 * directory of the rule file that calls it (`factlint.require("figure")` in
 * `rules/figure-conflict.lua` loads `rules/lib/figure.lua`).  The module runs
 * in the rule's sandbox, once per rule state, and what it returns is
 * returned again by later calls (true when it returns nothing).  Call it
 * while the rule file loads (at its top level), not in check or key.  Names
 * are lowercase letters, digits, '_', '-' and '/' (no '..'); a missing
 * module, a module that requires itself or one that fails is a load error of
 * the rule.  A rule's hash covers the rule file only, not its modules.
 */
static int l_require(lua_State *L)
{
    size_t n;
    const char *name = luaL_checklstring(L, 1, &n);
    if (!valid_module_name(name, n))
        return luaL_error(L,
                          "factlint.require: '%s' is not a module name (lowercase letters, "
                          "digits, '_', '-' and '/')",
                          name);
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->def || !st->def->file)
        return luaL_error(L, "factlint.require: only rule files can require modules");
    if (st->call)
        return luaL_error(L, "factlint.require: call it while the rule file loads, not in "
                             "check or key");
    if (lua_getfield(L, LUA_REGISTRYINDEX, FL_REG_LIBS) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, FL_REG_LIBS);
    }
    int libs = lua_gettop(L);
    int t = lua_getfield(L, libs, name);
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        return luaL_error(L, "factlint.require: module '%s' requires itself", name);
    if (t != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    const char *file = st->def->file;
    const char *slash = strrchr(file, '/');
    int dir_len = slash ? (int)(slash - file) : 1;
    const char *dir = slash ? file : ".";
    char path[FL_ERROR_FILE_MAX + 80];
    snprintf(path, sizeof path, "%.*s/lib/%s.lua", dir_len, dir, name);
    char *src = NULL;
    size_t len = 0;
    fl_error err;
    if (fl_read_file(path, &src, &len, &err))
        return luaL_error(L, "factlint.require: cannot load module '%s': %s", name, err.message);
    lua_pushboolean(L, 0); /* loading: a module that requires itself is an error */
    lua_setfield(L, libs, name);
    char chunk[sizeof path + 1];
    snprintf(chunk, sizeof chunk, "@%s", path);
    int status = fl_sandbox_load(fl_sandbox_of(L), src, len, chunk);
    fl_free(src);
    if (status != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, libs, name);
    return 1;
}

static const luaL_Reg factlint_funcs[] = {
    {"rule", l_rule},
    {"require", l_require},
    {NULL, NULL},
};

void fl_lua_open_factlint(lua_State *L)
{
    luaL_newlib(L, factlint_funcs);
    lua_pushliteral(L, FL_VERSION);
    lua_setfield(L, -2, "version");
    fl_lua_open_re(L);
    fl_lua_open_util(L);
    fl_sandbox_readonly(L);
}

static char *dup_field(lua_State *L, int t, const char *k)
{
    char *r = NULL;
    if (field(L, t, k) == LUA_TSTRING) {
        r = fl_strdup(lua_tostring(L, -1));
        if (!r)
            luaL_error(L, "not enough memory");
    }
    lua_pop(L, 1);
    return r;
}

void fl_lua_read_rule(lua_State *L, fl_rule_def *def)
{
    int t = lua_gettop(L);
    def->id = dup_field(L, t, "id");
    def->summary = dup_field(L, t, "summary");
    def->url = dup_field(L, t, "url");
    def->default_severity = FL_SEV_WARNING;
    if (field(L, t, "severity") == LUA_TSTRING)
        def->default_severity = (fl_severity)fl_severity_from_name(lua_tostring(L, -1));
    lua_pop(L, 1);
    def->severity = def->default_severity;
    if (field(L, t, "scope") == LUA_TSTRING)
        def->corpus = !strcmp(lua_tostring(L, -1), "corpus");
    lua_pop(L, 1);
    def->keys = field(L, t, "keys") == LUA_TFUNCTION;
    lua_pop(L, 1);
    if (field(L, t, "tags") == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        def->tags = fl_calloc(n + 1, sizeof *def->tags);
        if (!def->tags)
            luaL_error(L, "not enough memory");
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            def->tags[i] = fl_strdup(lua_tostring(L, -1));
            lua_pop(L, 1);
            if (!def->tags[i])
                luaL_error(L, "not enough memory");
            def->n_tags++;
        }
    }
    lua_pop(L, 1);
    def->min_facts = field(L, t, "min_facts") == LUA_TNUMBER ? (size_t)lua_tointeger(L, -1) : 1;
    lua_pop(L, 1);
    def->min_articles =
        field(L, t, "min_articles") == LUA_TNUMBER ? (size_t)lua_tointeger(L, -1) : 1;
    lua_pop(L, 1);
    def->needs = 0;
    if (field(L, t, "needs") == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            int k = fl_fact_kind_from_name(lua_tostring(L, -1));
            if (k >= 0)
                def->needs |= 1u << k;
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}
