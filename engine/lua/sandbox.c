/* sandbox.c - one untrusted Lua state: allocator, libraries, environment, hook, calls. */
#include "lua/sandbox.h"

#include "core/alloc.h"
#include "re/re.h"

#include <lualib.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define REG_REAL_G     "fl.realG"
#define REG_RANDOMSEED "fl.randomseed"
#define LOCKED         "locked"

fl_sandbox *fl_sandbox_of(lua_State *L)
{
    return *(fl_sandbox **)lua_getextraspace(L);
}

void fl_sandbox_setmetatable(lua_State *L, fl_udata_kind kind, const char *tname)
{
    fl_sandbox *sb = fl_sandbox_of(L);
    int ref = sb->udata_meta_ref[kind];
    if (ref > 0) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    } else {
        luaL_getmetatable(L, tname);
        if (lua_istable(L, -1)) {
            lua_pushvalue(L, -1);
            sb->udata_meta_ref[kind] = luaL_ref(L, LUA_REGISTRYINDEX);
        }
    }
    lua_setmetatable(L, -2);
}

static void sb_hook(lua_State *L, lua_Debug *ar);

static void make_sticky(fl_sandbox *sb, fl_rule_error_class klass, const char *msg, long line)
{
    if (sb->sticky)
        return;
    sb->sticky = 1 + (int)klass;
    snprintf(sb->sticky_msg, sizeof sb->sticky_msg, "%s", msg);
    sb->sticky_line = line;
    if (sb->L && sb->in_call)
        lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, 1);
}

/* The small-block pool.  Most of what a rule allocates is small and short
 * lived (strings, tables, closures, fact handles: about 10% of a check went
 * to malloc and free), and Lua tells the allocator each block's size when it
 * frees or resizes it, so blocks need no header: a block of n <= POOL_MAX
 * bytes is a slot of class (n + GRAIN - 1) / GRAIN, taken from that class's
 * free list or carved from the current slab.  Slots go back to their list and
 * slabs are freed only when the state closes. */
#define POOL_SLAB_BYTES ((size_t)64 << 10)

static size_t pool_class(size_t n)
{
    return (n + FL_SANDBOX_POOL_GRAIN - 1) / FL_SANDBOX_POOL_GRAIN;
}

static void *pool_get(fl_sandbox *sb, size_t n)
{
    size_t c = pool_class(n);
    void *p = sb->pool_free[c];
    if (p) {
        sb->pool_free[c] = *(void **)p;
        return p;
    }
    size_t bytes = c * FL_SANDBOX_POOL_GRAIN;
    if (sb->pool_left < bytes) {
        /* the slab's tail (less than one slot of this class) is left unused */
        char *slab = fl_malloc(POOL_SLAB_BYTES);
        if (!slab)
            return NULL;
        *(void **)slab = sb->pool_slabs;
        sb->pool_slabs = slab;
        sb->pool_cur = slab + FL_SANDBOX_POOL_GRAIN; /* keeps slots 16-byte aligned */
        sb->pool_left = POOL_SLAB_BYTES - FL_SANDBOX_POOL_GRAIN;
    }
    p = sb->pool_cur;
    sb->pool_cur += bytes;
    sb->pool_left -= bytes;
    return p;
}

static void pool_put(fl_sandbox *sb, void *p, size_t n)
{
    size_t c = pool_class(n);
    *(void **)p = sb->pool_free[c];
    sb->pool_free[c] = p;
}

static void pool_release(fl_sandbox *sb)
{
    for (void *s = sb->pool_slabs, *next; s; s = next) {
        next = *(void **)s;
        fl_free(s);
    }
    sb->pool_slabs = NULL;
    sb->pool_cur = NULL;
    sb->pool_left = 0;
    memset(sb->pool_free, 0, sizeof sb->pool_free);
}

/* Resizes (or allocates, or frees) a block of old bytes to n bytes, pooled or
 * from fl_realloc by size. */
static void *pool_realloc(fl_sandbox *sb, void *ptr, size_t old, size_t n)
{
    bool old_small = ptr && old <= FL_SANDBOX_POOL_MAX;
    bool new_small = n <= FL_SANDBOX_POOL_MAX;
    if (n == 0) {
        if (old_small)
            pool_put(sb, ptr, old);
        else
            fl_free(ptr);
        return NULL;
    }
    if (!ptr)
        return new_small ? pool_get(sb, n) : fl_malloc(n);
    if (!old_small && !new_small)
        return fl_realloc(ptr, n);
    if (old_small && new_small && pool_class(old) == pool_class(n))
        return ptr;
    void *p = new_small ? pool_get(sb, n) : fl_malloc(n);
    if (!p)
        return NULL;
    memcpy(p, ptr, old < n ? old : n);
    if (old_small)
        pool_put(sb, ptr, old);
    else
        fl_free(ptr);
    return p;
}

/* The counting allocator: refuses to grow past the cap (Lua then raises
 * "not enough memory"), and makes the refusal sticky during a call. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    fl_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        pool_realloc(sb, ptr, old, 0);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->used - old + nsize > sb->limit) {
        if (sb->in_call) {
            char msg[128];
            snprintf(msg, sizeof msg, "memory limit of %zu bytes exceeded", sb->limit);
            make_sticky(sb, FL_RERR_MEMORY, msg, 0);
        }
        return NULL;
    }
    if (nsize > old && sb->counting) {
        /* refused only when this block crosses the budget: the blocks of
         * the error being raised for a budget already spent are not */
        bool within = sb->spent <= sb->budget;
        sb->spent += (nsize - old) / FL_SANDBOX_ALLOC_BYTES;
        if (within && sb->spent > sb->budget) {
            char msg[128];
            snprintf(msg, sizeof msg, "instruction budget of %lu exceeded", sb->budget);
            make_sticky(sb, FL_RERR_INSTRUCTIONS, msg, 0);
            return NULL;
        }
    }
    void *p = pool_realloc(sb, ptr, old, nsize);
    if (!p)
        return NULL;
    sb->used = sb->used - old + nsize;
    return p;
}

static long current_line(lua_State *L, int from)
{
    lua_Debug ar;
    for (int level = from; level < 64 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
            return ar.currentline;
    }
    return 0;
}

int fl_sandbox_raise(lua_State *L, fl_rule_error_class klass, const char *fmt, ...)
{
    fl_sandbox *sb = fl_sandbox_of(L);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    make_sticky(sb, klass, msg, current_line(L, 1));
    return luaL_error(L, "%s", msg);
}

void *fl_sandbox_checkudata(lua_State *L, int idx, fl_udata_kind kind, const char *tname)
{
    fl_sandbox *sb = fl_sandbox_of(L);
    void *p = lua_touserdata(L, idx);
    if (p && sb->udata_meta[kind] && lua_getmetatable(L, idx)) {
        const void *mt = lua_topointer(L, -1);
        lua_pop(L, 1);
        if (mt == sb->udata_meta[kind])
            return p;
    }
    p = luaL_checkudata(L, idx, tname); /* raises the usual error when it is not one */
    if (!sb->udata_meta[kind]) {
        luaL_getmetatable(L, tname);
        sb->udata_meta[kind] = lua_topointer(L, -1); /* tables do not move */
        lua_pop(L, 1);
    }
    return p;
}

static void sb_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    fl_sandbox *sb = fl_sandbox_of(L);
    if (!sb->in_call)
        return;
    if (sb->watch_expired && !sb->sticky)
        make_sticky(sb, FL_RERR_INSTRUCTIONS, "stopped by the watchdog: to be run again, counted",
                    0);
    if (sb->sticky) {
        luaL_error(L, "%s", sb->sticky_msg);
        return;
    }
    sb->spent += FL_SANDBOX_HOOK_STEP;
    if (sb->spent > sb->budget)
        fl_sandbox_raise(L, FL_RERR_INSTRUCTIONS, "instruction budget of %lu exceeded", sb->budget);
}

/* ---- replacements for base functions ------------------------------------ */

static bool is_locked(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return false;
    lua_pushliteral(L, "__metatable");
    lua_rawget(L, -2);
    bool locked = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), LOCKED);
    lua_pop(L, 2);
    return locked;
}

/***
 * load(chunk [, chunkname [, mode [, env]]]) -> function | nil, message
 *
 * Compiles a string of Lua source text.  Only text is accepted: a binary
 * chunk (starting with "\27Lua") is a "blocked" rule error whatever `mode`
 * says, and a function as `chunk` is refused.  The chunk's environment is the
 * rule's locked global environment unless `env` is given.
 */
static int sb_load(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, "=(load)");
    if (len > 0 && s[0] == LUA_SIGNATURE[0])
        return fl_sandbox_raise(L, FL_RERR_BLOCKED, "binary chunks cannot be loaded in rules");
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
    return 1;
}

/***
 * pcall(f, ...) -> true, results... | false, error
 *
 * As in Lua, except that a sticky limit (instruction budget, memory cap,
 * blocked call, regex limit, bad report) is not caught: the error goes on up
 * and the rule call fails with that class.
 */
static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (fl_sandbox_of(L)->sticky)
        return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

static int xpcall_handler(lua_State *L)
{
    if (fl_sandbox_of(L)->sticky)
        return 1; /* do not run rule code while a kill is under way */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/***
 * xpcall(f, msgh, ...) -> true, results... | false, msgh(error)
 *
 * As in Lua, except that sticky limits are not caught (see pcall) and the
 * message handler is not run for them.
 */
static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2); /* the handler sits below f */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_replace(L, 1);
    lua_replace(L, 2); /* now: handler, f, args... */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    if (fl_sandbox_of(L)->sticky)
        return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

/***
 * print(...)
 *
 * Writes its arguments, separated by tabs, to a per-rule buffer (at most
 * 64 KiB) that `factlint test` shows when a case fails.  Nothing reaches the
 * terminal.
 */
static int sb_print(lua_State *L)
{
    fl_sandbox *sb = fl_sandbox_of(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (sb->print.len + len + 2 <= FL_SANDBOX_PRINT_MAX) {
            if (i > 1)
                fl_strbuf_addch(&sb->print, '\t');
            fl_strbuf_add(&sb->print, s, len);
        }
        lua_pop(L, 1);
    }
    if (sb->print.len + 1 <= FL_SANDBOX_PRINT_MAX)
        fl_strbuf_addch(&sb->print, '\n');
    return 0;
}

/***
 * rawset(table, key, value) -> table
 *
 * As in Lua, except that the global environment, library tables, reference
 * tables and other protected tables refuse it with a "blocked" rule error.
 */
static int sb_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_locked(L, 1))
        return fl_sandbox_raise(L, FL_RERR_BLOCKED, "cannot rawset a protected table");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

/***
 * setmetatable(table, metatable) -> table
 *
 * As in Lua, except that replacing a protected metatable (the global
 * environment's, a library table's) and `__gc` fields are "blocked" rule
 * errors.
 */
static int sb_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int t = lua_type(L, 2);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (lua_getmetatable(L, 1)) {
        lua_pop(L, 1);
        if (is_locked(L, 1))
            return fl_sandbox_raise(L, FL_RERR_BLOCKED,
                                    "cannot change the metatable of a protected table");
        if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
            return luaL_error(L, "cannot change a protected metatable");
    }
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return fl_sandbox_raise(L, FL_RERR_BLOCKED, "__gc metamethods are not allowed");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/***
 * getmetatable(object) -> table | value | nil
 *
 * As in Lua, except that asking for a protected metatable (strings, library
 * tables, the global environment, articles, facts, regexes) is a "blocked"
 * rule error instead of returning it.
 */
static int sb_getmetatable(lua_State *L)
{
    luaL_checkany(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    if (is_locked(L, 1))
        return fl_sandbox_raise(L, FL_RERR_BLOCKED,
                                "the metatable of a protected value is "
                                "not accessible");
    luaL_getmetafield(L, 1, "__metatable");
    return 1;
}

/***
 * string.rep(s, n [, sep]) -> string
 *
 * As in Lua, but a result over 16 MiB is a "memory" rule error (the
 * instruction hook cannot interrupt a C function).
 */
static int sb_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0) {
        double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
        if (total > (double)FL_SANDBOX_REP_MAX)
            return fl_sandbox_raise(L, FL_RERR_MEMORY,
                                    "string.rep result of %.0f bytes exceeds the limit of %zu",
                                    total, FL_SANDBOX_REP_MAX);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* Lua patterns run inside C, where the instruction hook cannot stop them,
 * and backtrack: k repetitions ('*', '+', '-') can cost n^k steps at each of
 * n start positions, and each '?' doubles that.  A call whose worst case is
 * over FL_SANDBOX_PATTERN_STEPS is refused before it starts ("regex" rule
 * error); factlint.re (PCRE2, with match limits) has no such ceiling. */
#define FL_SANDBOX_PATTERN_STEPS 4e10

static double pattern_cost(const char *p, size_t lp, size_t n, bool anchored)
{
    int reps = 0, opts = 0;
    for (size_t i = anchored ? 1 : 0; i < lp;) {
        /* one single-character class: %x, [set], or a plain character */
        if (p[i] == '%') {
            if (i + 1 < lp && p[i + 1] == 'b') {
                i += 4; /* %bxy: balanced match, linear */
                continue;
            }
            if (i + 1 < lp && p[i + 1] == 'f') {
                i += 2; /* %f[set]: a frontier, then its set below */
                if (i < lp && p[i] == '[') {
                    i++;
                    if (i < lp && p[i] == '^')
                        i++;
                    do {
                        if (i < lp && p[i] == '%')
                            i++;
                        i++;
                    } while (i < lp && p[i] != ']');
                    i++;
                }
                continue;
            }
            i += 2;
        } else if (p[i] == '[') {
            i++;
            if (i < lp && p[i] == '^')
                i++;
            do {
                if (i < lp && p[i] == '%')
                    i++;
                i++;
            } while (i < lp && p[i] != ']');
            i++;
        } else {
            i++;
        }
        if (i < lp && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
            reps++;
            i++;
        } else if (i < lp && p[i] == '?') {
            opts++;
            i++;
        }
    }
    /* an anchored pattern is tried at the first position only */
    double cost = (double)(anchored ? 1 : n + 1) * ldexp(1.0, opts > 60 ? 60 : opts);
    for (int r = 0; r < reps && cost <= FL_SANDBOX_PATTERN_STEPS; r++)
        cost *= (double)(n + 1);
    return cost;
}

/***
 * string.find(s, pattern [, init [, plain]]), string.match, string.gmatch, string.gsub
 *
 * As in Lua, but a pattern call that could backtrack for too long on a
 * subject this size (about n^(k+1) steps for k repetitions '*', '+', '-' on
 * an n-byte subject, n^k when a leading '^' anchors find, match or gsub,
 * doubled for each '?', over 4e10) is refused with a
 * "regex" rule error: use factlint.re, whose PCRE2 matching has limits.
 * Plain find (the fourth argument true) is never refused.
 */
static int sb_pattern(lua_State *L)
{
    size_t n, lp;
    luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &lp);
    lua_Integer kind =
        lua_tointeger(L, lua_upvalueindex(1)); /* 0 find, 1 match, 2 gmatch, 3 gsub */
    bool plain = kind == 0 && lua_toboolean(L, 4);
    /* '^' anchors find, match and gsub; in gmatch it is not an anchor */
    bool anchored = kind != 2 && lp > 0 && p[0] == '^';
    if (!plain) {
        double cost = pattern_cost(p, lp, n, anchored);
        if (cost > FL_SANDBOX_PATTERN_STEPS)
            return fl_sandbox_raise(L, FL_RERR_REGEX,
                                    "Lua pattern '%.40s' on a subject of %zu bytes could "
                                    "backtrack for too long; use factlint.re",
                                    p, n);
    }
    /* the library's own function, called directly on these arguments: a
     * C function may call another like any C function (no lua_call, no
     * stack rotation for each pattern call a rule makes) */
    return fl_sandbox_of(L)->pattern_fn[kind](L);
}

/***
 * math.random([m [, n]]), math.randomseed([x [, y]])
 *
 * As in Lua; every call of a rule function starts with the generator seeded
 * the same way, so results do not depend on the articles before.
 */
static int sb_prng(lua_State *L)
{
    fl_sandbox_of(L)->prng_dirty = true;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/***
 * string.dump(f)
 *
 * Not available: bytecode cannot be produced or loaded in rules.  Calling it
 * is a "blocked" rule error.
 */
static int sb_dump(lua_State *L)
{
    return fl_sandbox_raise(L, FL_RERR_BLOCKED, "string.dump is not available in rules");
}

static const char *const blocked_names[] = {"os",        "io",         "package",  "debug",
                                            "require",   "dofile",     "loadfile", "collectgarbage",
                                            "coroutine", "loadstring", "module",   "setfenv",
                                            "getfenv",   "newproxy",   "jit",      "ffi",
                                            "warn",      NULL};

/***
 * _ENV.__index(env, name)
 *
 * Reading a global that does not exist raises "undeclared global 'name'";
 * reading os, io, package, debug, require, dofile, loadfile, collectgarbage,
 * coroutine, warn and their relatives is a "blocked" rule error.
 */
static int env_index(lua_State *L)
{
    /* the __index of the real globals, so name is not among them */
    const char *name = lua_tostring(L, 2);
    if (name) {
        for (const char *const *b = blocked_names; *b; b++)
            if (!strcmp(*b, name))
                return fl_sandbox_raise(L, FL_RERR_BLOCKED, "'%s' is not available in rules", name);
    }
    return luaL_error(L, "undeclared global '%s'", name ? name : luaL_typename(L, 2));
}

/***
 * _ENV.__newindex(env, name, value)
 *
 * Rules cannot create or change globals: use `local`.  Raises "assignment
 * to global 'name'".
 */
static int env_newindex(lua_State *L)
{
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "assignment to global '%s' (rules cannot set globals; use local)",
                      name ? name : luaL_typename(L, 2));
}

/***
 * readonly.__newindex(t, key, value)
 *
 * Library tables, reference tables and the `factlint` table are read-only:
 * writing raises a "blocked" rule error.
 */
static int ro_newindex(lua_State *L)
{
    return fl_sandbox_raise(L, FL_RERR_BLOCKED, "cannot modify a read-only table");
}

/***
 * readonly.__pairs(t) -> next, t, nil
 *
 * `pairs` over a read-only table iterates the table it protects.
 */
static int ro_pairs(lua_State *L)
{
    lua_getglobal(L, "next");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    return 3;
}

/***
 * readonly.__len(t) -> integer
 *
 * `#` of a read-only table is the length of the table it protects.
 */
static int ro_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

static const luaL_Reg base_funcs[] = {
    {"load", sb_load},
    {"pcall", sb_pcall},
    {"xpcall", sb_xpcall},
    {"print", sb_print},
    {"rawset", sb_rawset},
    {"setmetatable", sb_setmetatable},
    {"getmetatable", sb_getmetatable},
    {NULL, NULL},
};

static const luaL_Reg env_meta[] = {
    {"__index", env_index},
    {"__newindex", env_newindex},
    {NULL, NULL},
};

static const luaL_Reg ro_meta[] = {
    {"__newindex", ro_newindex},
    {"__pairs", ro_pairs},
    {"__len", ro_len},
    {NULL, NULL},
};

static const luaL_Reg string_funcs[] = {
    {"rep", sb_rep},
    {"dump", sb_dump},
    {NULL, NULL},
};

void fl_sandbox_readonly(lua_State *L)
{
    int t = lua_gettop(L);
    lua_newtable(L);          /* proxy */
    lua_createtable(L, 0, 5); /* metatable */
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "__index");
    for (const luaL_Reg *r = ro_meta; r->name; r++) {
        lua_pushvalue(L, t);
        lua_pushcclosure(L, r->func, 1);
        lua_setfield(L, -2, r->name);
    }
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_replace(L, t);
}

void fl_sandbox_setglobal(lua_State *L, const char *name)
{
    lua_getfield(L, LUA_REGISTRYINDEX, REG_REAL_G);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

static int sb_setup(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},        {LUA_TABLIBNAME, luaopen_table},
        {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},  {NULL, NULL},
    };
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    lua_pushvalue(L, g);
    lua_setfield(L, LUA_REGISTRYINDEX, REG_REAL_G);
    static const char *const removed[] = {"collectgarbage", "dofile", "loadfile", "warn", NULL};
    for (const char *const *r = removed; *r; r++) {
        lua_pushnil(L);
        lua_setfield(L, g, *r);
    }
    lua_pushvalue(L, g);
    luaL_setfuncs(L, base_funcs, 0);
    lua_pop(L, 1);

    /* string: capped rep, no dump; its metatable is locked */
    lua_getfield(L, g, LUA_STRLIBNAME);
    int s = lua_gettop(L);
    lua_getfield(L, s, "rep");
    lua_pushcclosure(L, sb_rep, 1);
    lua_setfield(L, s, "rep");
    static const char *const patterned[] = {"find", "match", "gmatch", "gsub", NULL};
    fl_sandbox *sb = fl_sandbox_of(L);
    for (const char *const *f = patterned; *f; f++) {
        lua_getfield(L, s, *f);
        sb->pattern_fn[f - patterned] = lua_tocfunction(L, -1);
        lua_pop(L, 1);
        if (!sb->pattern_fn[f - patterned])
            return luaL_error(L, "string.%s is not a C function", *f);
        lua_pushinteger(L, f - patterned); /* which one: only find has a plain mode */
        lua_pushcclosure(L, sb_pattern, 1);
        lua_setfield(L, s, *f);
    }
    lua_pushcfunction(L, string_funcs[1].func);
    lua_setfield(L, s, "dump");
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, LOCKED);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 2);

    lua_getfield(L, g, LUA_MATHLIBNAME);
    lua_getfield(L, -1, "randomseed");
    lua_setfield(L, LUA_REGISTRYINDEX, REG_RANDOMSEED);
    /* every call starts from the same generator state: calls that use it mark
     * it, and only then is it seeded again before the next call */
    static const char *const prng[] = {"random", "randomseed", NULL};
    for (const char *const *f = prng; *f; f++) {
        lua_getfield(L, -1, *f);
        lua_pushcclosure(L, sb_prng, 1);
        lua_setfield(L, -2, *f);
    }
    lua_pop(L, 1);

    static const char *const ro[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                     LUA_UTF8LIBNAME, NULL};
    for (const char *const *r = ro; *r; r++) {
        lua_getfield(L, g, *r);
        fl_sandbox_readonly(L);
        lua_setfield(L, g, *r);
    }

    /* the environment rules see: an empty locked proxy whose reads fall
     * through to the real globals, a table __index the VM follows without a
     * C call (a function __index cost a call for every global a rule read);
     * the names the real globals lack reach env_index through their own
     * metatable */
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, g);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_meta[1].func);
    lua_setfield(L, -2, env_meta[1].name);
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, env_meta[0].func);
    lua_setfield(L, -2, env_meta[0].name);
    lua_pushliteral(L, LOCKED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, g);
    lua_pushvalue(L, env);
    lua_setfield(L, g, LUA_GNAME);
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_settop(L, 0);
    return 0;
}

fl_sandbox *fl_sandbox_new(size_t memory_limit, fl_error *err)
{
    fl_sandbox *sb = fl_calloc(1, sizeof *sb);
    if (!sb) {
        fl_error_set(err, FL_ENOMEM, "out of memory creating a lua state");
        return NULL;
    }
    fl_strbuf_init(&sb->print);
    fl_strbuf_init(&sb->scratch);
    sb->limit = memory_limit ? memory_limit : ((size_t)64 << 20);
    sb->L = lua_newstate(sb_alloc, sb);
    if (!sb->L) {
        pool_release(sb);
        fl_free(sb);
        fl_error_set(err, FL_ENOMEM, "out of memory creating a lua state");
        return NULL;
    }
    *(fl_sandbox **)lua_getextraspace(sb->L) = sb;
    sb->prng_dirty = true; /* seeded before the first call */
    lua_pushcfunction(sb->L, sb_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        fl_error_set(err, FL_ENOMEM, "cannot set up a lua state: %s",
                     lua_tostring(sb->L, -1) ? lua_tostring(sb->L, -1) : "error");
        fl_sandbox_free(sb);
        return NULL;
    }
    return sb;
}

void fl_sandbox_free(fl_sandbox *sb)
{
    if (!sb)
        return;
    if (sb->L)
        lua_close(sb->L);
    pool_release(sb);
    fl_strbuf_release(&sb->print);
    fl_strbuf_release(&sb->scratch);
    fl_free(sb);
}

/* ---- compiled chunks ------------------------------------------------------ */

typedef struct chunk {
    struct chunk *next;
    char *name, *src, *code; /* chunk name, source text, its bytecode */
    size_t src_len, code_len;
} chunk;

/* A compiled regex of the rule set (fl_chunk_cache_re). */
typedef struct shared_re {
    struct shared_re *next;
    uint32_t flags;
    char *pattern;
    fl_re *re;
} shared_re;

struct fl_chunk_cache {
    pthread_mutex_t mu;
    chunk *head;
    shared_re *res; /* most recent first */
    size_t n_res;
};

fl_chunk_cache *fl_chunk_cache_new(void)
{
    fl_chunk_cache *c = fl_calloc(1, sizeof *c);
    if (c && pthread_mutex_init(&c->mu, NULL)) {
        fl_free(c);
        return NULL;
    }
    return c;
}

static void chunk_free(chunk *k)
{
    fl_free(k->name);
    fl_free(k->src);
    fl_free(k->code);
    fl_free(k);
}

void fl_chunk_cache_free(fl_chunk_cache *c)
{
    if (!c)
        return;
    for (chunk *k = c->head, *next; k; k = next) {
        next = k->next;
        chunk_free(k);
    }
    for (shared_re *r = c->res, *next; r; r = next) {
        next = r->next;
        fl_re_free(r->re);
        fl_free(r->pattern);
        fl_free(r);
    }
    pthread_mutex_destroy(&c->mu);
    fl_free(c);
}

static fl_re *re_find(fl_chunk_cache *c, const char *pattern, uint32_t flags)
{
    for (const shared_re *r = c->res; r; r = r->next)
        if (r->flags == flags && !strcmp(r->pattern, pattern))
            return r->re;
    return NULL;
}

fl_status fl_chunk_cache_re(fl_chunk_cache *c, const char *pattern, uint32_t flags, fl_re **out,
                            fl_error *err)
{
    pthread_mutex_lock(&c->mu);
    fl_re *found = re_find(c, pattern, flags);
    bool full = c->n_res >= FL_CHUNK_CACHE_RES;
    pthread_mutex_unlock(&c->mu);
    *out = found;
    if (found || full)
        return FL_OK;
    /* compiled outside the lock; a twin added meanwhile wins */
    fl_re *re = NULL;
    fl_status st = fl_re_compile(&re, pattern, flags, err);
    if (st != FL_OK)
        return st;
    shared_re *r = fl_calloc(1, sizeof *r);
    char *copy = fl_strdup(pattern);
    if (!r || !copy) {
        fl_free(r);
        fl_free(copy);
        fl_re_free(re);
        return FL_OK; /* not shared: the caller compiles its own */
    }
    pthread_mutex_lock(&c->mu);
    if ((found = re_find(c, pattern, flags))) {
        fl_re_free(re);
        fl_free(copy);
        fl_free(r);
    } else {
        r->flags = flags;
        r->pattern = copy;
        r->re = found = re;
        r->next = c->res;
        c->res = r;
        c->n_res++;
    }
    pthread_mutex_unlock(&c->mu);
    *out = found;
    return FL_OK;
}

/* The bytecode of src under name, or NULL (entries are never removed or
 * changed, so the pointer stays valid without the lock). */
static const chunk *chunk_find(fl_chunk_cache *c, const char *src, size_t len, const char *name)
{
    const chunk *found = NULL;
    pthread_mutex_lock(&c->mu);
    for (const chunk *k = c->head; k && !found; k = k->next)
        if (k->src_len == len && !strcmp(k->name, name) && !memcmp(k->src, src, len))
            found = k;
    pthread_mutex_unlock(&c->mu);
    return found;
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
    (void)L;
    return fl_strbuf_add(ud, p, n);
}

/* Adds the function on top of the stack, compiled from src, to the cache;
 * on ENOMEM it is simply not cached. */
static void chunk_add(fl_sandbox *sb, const char *src, size_t len, const char *name)
{
    fl_strbuf code = FL_STRBUF_INIT;
    chunk *k = fl_calloc(1, sizeof *k);
    if (!k || lua_dump(sb->L, dump_writer, &code, 0) || !(k->name = fl_strdup(name)) ||
        !(k->src = fl_malloc(len ? len : 1))) {
        fl_strbuf_release(&code);
        if (k)
            chunk_free(k);
        return;
    }
    memcpy(k->src, src, len);
    k->src_len = len;
    k->code_len = code.len;
    k->code = fl_strbuf_detach(&code, NULL);
    pthread_mutex_lock(&sb->chunks->mu);
    k->next = sb->chunks->head;
    sb->chunks->head = k; /* (a twin added meanwhile is harmless: the first found wins) */
    pthread_mutex_unlock(&sb->chunks->mu);
}

int fl_sandbox_load(fl_sandbox *sb, const char *src, size_t len, const char *chunkname)
{
    if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
        lua_pushstring(sb->L, "binary chunks cannot be loaded as rules");
        return LUA_ERRSYNTAX;
    }
    if (sb->chunks) {
        const chunk *k = chunk_find(sb->chunks, src, len, chunkname);
        /* bytecode this process made from this very text */
        if (k && luaL_loadbufferx(sb->L, k->code, k->code_len, chunkname, "b") == LUA_OK)
            return LUA_OK;
        if (k)
            lua_pop(sb->L, 1); /* (only out of memory): parse the text instead */
    }
    int status = luaL_loadbufferx(sb->L, src, len, chunkname, "t");
    if (status == LUA_OK && sb->chunks)
        chunk_add(sb, src, len, chunkname);
    return status;
}

static int sb_msgh(lua_State *L)
{
    fl_sandbox *sb = fl_sandbox_of(L);
    const char *msg = lua_tostring(L, 1);
    if (!msg)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    snprintf(sb->err_msg, sizeof sb->err_msg, "%s", msg);
    sb->err_line = current_line(L, 1);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

typedef struct tramp_args {
    lua_CFunction body;
    void *ud;
} tramp_args;

static int sb_tramp(lua_State *L)
{
    tramp_args *t = lua_touserdata(L, 1);
    fl_sandbox *sb = fl_sandbox_of(L);
    if (sb->prng_dirty) {
        lua_getfield(L, LUA_REGISTRYINDEX, REG_RANDOMSEED);
        lua_pushinteger(L, 0x5eed);
        lua_call(L, 1, 0);
        sb->prng_dirty = false;
    }
    lua_settop(L, 0);
    lua_pushlightuserdata(L, t->ud);
    return t->body(L);
}

/* ---- the watchdog of watched calls (sandbox.h) --------------------------- */

#define WATCH_TICK_US 5000 /* SIGPROF period, in µs of the process's CPU time */

static volatile sig_atomic_t watch_on;
static struct sigaction watch_old_action;
/* the watched call running on this thread, and when it may run until */
static _Thread_local fl_sandbox *volatile watch_sb;
static _Thread_local volatile long long watch_deadline_ns;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void watch_tick(int sig)
{
    (void)sig;
    int saved = errno;
    fl_sandbox *sb = watch_sb;
    /* lua_sethook may be called from a signal handler (lua.c stops a
     * script from SIGINT the same way); the hook then stops the call */
    if (sb && now_ns() > watch_deadline_ns) {
        sb->watch_expired = 1;
        lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, 1);
    }
    errno = saved;
}

bool fl_sandbox_watch_start(void)
{
    if (watch_on)
        return true;
    /* off by request: under valgrind calls run so slowly that watched ones
     * would all be run again, and instruction counts are wanted counted */
    const char *off = getenv("FACTLINT_NO_WATCHDOG");
    if (off && *off && strcmp(off, "0"))
        return false;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watch_tick;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPROF, &sa, &watch_old_action))
        return false;
    struct itimerval it = {{0, WATCH_TICK_US}, {0, WATCH_TICK_US}};
    if (setitimer(ITIMER_PROF, &it, NULL)) {
        sigaction(SIGPROF, &watch_old_action, NULL);
        return false;
    }
    watch_on = 1;
    return true;
}

void fl_sandbox_watch_stop(void)
{
    if (!watch_on)
        return;
    watch_on = 0;
    struct itimerval it = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &it, NULL);
    /* a tick may still be pending (valgrind delivers late): where SIGPROF
     * would have killed the process, it is ignored from now on, which
     * also discards one that is pending */
    if (watch_old_action.sa_handler == SIG_DFL && !(watch_old_action.sa_flags & SA_SIGINFO)) {
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPROF, &ign, NULL);
    } else {
        sigaction(SIGPROF, &watch_old_action, NULL);
    }
}

static bool call_impl(fl_sandbox *sb, unsigned long budget, lua_CFunction body, void *ud,
                      fl_sandbox_failure *fail, bool watched, bool *rerun)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L);
    tramp_args t = {body, ud};
    sb->budget = budget;
    sb->spent = 0;
    sb->sticky = 0;
    sb->sticky_line = 0;
    sb->err_msg[0] = '\0';
    sb->err_line = 0;
    if (fail)
        memset(fail, 0, sizeof *fail);
    if (!lua_checkstack(L, 4)) {
        if (fail) {
            fail->klass = FL_RERR_MEMORY;
            fail->message = fl_strdup("not enough memory to call the rule");
        }
        return false;
    }
    sb->in_call = true;
    long long deadline = 0;
    size_t printed = sb->print.len; /* a call run again prints once */
    if (watched) {
        /* the time the budget cannot be spent in; a longer call is run again */
        deadline = now_ns() + (long long)((double)budget / FL_SANDBOX_VM_RATE * 1e9);
        sb->watch_expired = 0;
        watch_deadline_ns = deadline;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        watch_sb = sb;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    } else {
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, FL_SANDBOX_HOOK_STEP);
        sb->counting = true;
    }
    lua_pushcfunction(L, sb_msgh);
    lua_pushcfunction(L, sb_tramp);
    lua_pushlightuserdata(L, &t);
    int st = lua_pcall(L, 1, 0, base + 1);
    if (watched) {
        watch_sb = NULL;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (sb->watch_expired || now_ns() > deadline)
            *rerun = true;
    }
    sb->in_call = false;
    sb->counting = false;
    lua_sethook(L, NULL, 0, 0);
    if (watched && *rerun) {
        sb->watch_expired = 0;
        if (sb->print.len > printed) {
            sb->print.len = printed;
            sb->print.buf[printed] = '\0';
        }
        lua_settop(L, base);
        sb->sticky = 0;
        return false;
    }
    bool ok = st == LUA_OK && !sb->sticky;
    if (!ok && fail) {
        if (sb->sticky) {
            fail->klass = (fl_rule_error_class)(sb->sticky - 1);
            fail->message = fl_strdup(sb->sticky_msg);
            fail->line = sb->sticky_line ? sb->sticky_line : sb->err_line;
        } else if (st == LUA_ERRMEM) {
            fail->klass = FL_RERR_MEMORY;
            fail->message = fl_strdup("not enough memory");
        } else {
            fail->klass = FL_RERR_RUNTIME;
            fail->message = fl_strdup(sb->err_msg[0] ? sb->err_msg : "error");
            fail->line = sb->err_line;
        }
        if (st != LUA_OK && st != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING)
            fail->traceback = fl_strdup(lua_tostring(L, -1));
    }
    lua_settop(L, base);
    sb->sticky = 0;
    return ok;
}

bool fl_sandbox_call(fl_sandbox *sb, unsigned long budget, lua_CFunction body, void *ud,
                     fl_sandbox_failure *fail)
{
    return call_impl(sb, budget, body, ud, fail, false, NULL);
}

bool fl_sandbox_call_watched(fl_sandbox *sb, unsigned long budget, lua_CFunction body, void *ud,
                             fl_sandbox_failure *fail, bool *rerun)
{
    *rerun = false;
    bool watched = watch_on && budget >= FL_SANDBOX_WATCH_MIN;
    return call_impl(sb, budget, body, ud, fail, watched, rerun);
}

void fl_sandbox_failure_release(fl_sandbox_failure *f)
{
    fl_free(f->message);
    fl_free(f->traceback);
    f->message = f->traceback = NULL;
}
