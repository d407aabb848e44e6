/* lua_re.c - factlint.re: PCRE2 regexes for rules, through engine/re only. */
#include "core/alloc.h"
#include "core/utf8.h"
#include "lua/internal.h"

#include <string.h>

typedef struct l_regex {
    fl_re *re;
    bool borrowed; /* the rule set's shared regex (fl_chunk_cache_re): not freed here */
} l_regex;

static fl_re *check_re(lua_State *L, int idx)
{
    l_regex *u = fl_sandbox_checkudata(L, idx, FL_UDATA_REGEX, FL_META_REGEX);
    if (!u->re)
        luaL_error(L, "regex is not compiled");
    return u->re;
}

static fl_re_thread *thread_of(lua_State *L)
{
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->w)
        luaL_error(L, "regexes cannot be matched while the rule file loads; match in check");
    return st->w->re;
}

static const char *check_subject(lua_State *L, int idx, size_t *len)
{
    const char *s = luaL_checklstring(L, idx, len);
    if (fl_utf8_validate(s, *len) != *len)
        luaL_argerror(L, idx, "subject is not valid UTF-8");
    return s;
}

/* Converts a 1-based (negative: from the end) init to a byte offset on a
 * character boundary; returns false when it lies past the end. */
static bool start_offset(const char *s, size_t len, lua_Integer init, size_t *out)
{
    if (init < 0)
        init = (lua_Integer)len + init + 1;
    if (init < 1)
        init = 1;
    if ((size_t)init > len + 1)
        return false;
    size_t off = (size_t)init - 1;
    while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
        off++;
    *out = off;
    return true;
}

static int exec(lua_State *L, const fl_re *re, const char *s, size_t len, size_t start,
                fl_re_match *m)
{
    fl_error err;
    int r = fl_re_exec(re, thread_of(L), s, len, start, m, &err);
    if (r < 0)
        return fl_sandbox_raise(L, FL_RERR_REGEX, "regex failed: %s", err.message);
    return r;
}

static int push_captures(lua_State *L, const char *s, const fl_re_match *m, bool whole)
{
    uint32_t n = m->n;
    if (n <= 1 && whole) {
        lua_pushlstring(L, s + m->ov[0], m->ov[1] - m->ov[0]);
        return 1;
    }
    luaL_checkstack(L, (int)n, "too many captures");
    for (uint32_t i = 1; i < n; i++) {
        if (m->ov[2 * i] == SIZE_MAX)
            lua_pushboolean(L, 0);
        else
            lua_pushlstring(L, s + m->ov[2 * i], m->ov[2 * i + 1] - m->ov[2 * i]);
    }
    return (int)n - 1;
}

/***
 * factlint.re(pattern [, flags]) -> regex
 *
 * Compiles a PCRE2 pattern (UTF-8, Unicode properties, JIT) once: the same
 * pattern and flags return the same compiled regex, so it is fine to call in
 * check (the rule's states on every worker share it).  `flags` is a string of "i" (caseless), "m"
 * (multiline), "s" (dot matches newline), "x" (extended).  A bad pattern or
 * flag is a "regex" rule error naming the pattern offset.  Match positions
 * are 1-based and inclusive, like string.find; matching a regex that
 * backtracks past the match limit is a "regex" rule error.
 */
static int l_re(lua_State *L)
{
    const char *pat = luaL_checkstring(L, 1);
    const char *flags = luaL_optstring(L, 2, "");
    uint32_t fl;
    if (fl_re_flags_from_string(flags, &fl) < 0)
        return fl_sandbox_raise(L, FL_RERR_REGEX, "unknown regex flag in '%s'", flags);
    lua_settop(L, 2);
    lua_getfield(L, LUA_REGISTRYINDEX, FL_REG_RECACHE);
    lua_pushfstring(L, "%s/%s", flags, pat);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, 3) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    l_regex *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->re = NULL;
    u->borrowed = false;
    luaL_setmetatable(L, FL_META_REGEX);
    fl_error err;
    fl_sandbox *sb = fl_sandbox_of(L);
    fl_re *shared = NULL;
    if (sb->chunks && fl_chunk_cache_re(sb->chunks, pat, fl, &shared, &err))
        return fl_sandbox_raise(L, FL_RERR_REGEX, "bad regex '%s': %s", pat, err.message);
    if (shared) {
        u->re = shared;
        u->borrowed = true;
    } else if (fl_re_compile(&u->re, pat, fl, &err)) {
        return fl_sandbox_raise(L, FL_RERR_REGEX, "bad regex '%s': %s", pat, err.message);
    }
    lua_pushvalue(L, 4);
    lua_pushvalue(L, -2);
    lua_rawset(L, 3);
    return 1;
}

/***
 * regex:find(s [, init]) -> start, end | nil
 *
 * The first match in s at or after init (1-based, default 1; negative counts
 * from the end): its first and last byte positions, like string.find, then
 * the captures.  nil when there is none.
 */
static int re_find(lua_State *L)
{
    const fl_re *re = check_re(L, 1);
    size_t len, start;
    const char *s = check_subject(L, 2, &len);
    fl_re_match m;
    if (!start_offset(s, len, luaL_optinteger(L, 3, 1), &start) ||
        !exec(L, re, s, len, start, &m)) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)m.ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)m.ov[1]);
    return 2 + push_captures(L, s, &m, false);
}

/***
 * regex:test(s) -> boolean
 *
 * True when the regex matches anywhere in s.
 */
static int re_test(lua_State *L)
{
    const fl_re *re = check_re(L, 1);
    size_t len;
    const char *s = check_subject(L, 2, &len);
    fl_re_match m;
    lua_pushboolean(L, exec(L, re, s, len, 0, &m) == 1);
    return 1;
}

/***
 * regex:match(s [, init]) -> captures... | whole match | nil
 *
 * Like string.match: the captures of the first match (false for a group that
 * did not take part), or the whole match when the pattern has no groups; nil
 * when there is no match.
 */
static int re_match(lua_State *L)
{
    const fl_re *re = check_re(L, 1);
    size_t len, start;
    const char *s = check_subject(L, 2, &len);
    fl_re_match m;
    if (!start_offset(s, len, luaL_optinteger(L, 3, 1), &start) ||
        !exec(L, re, s, len, start, &m)) {
        lua_pushnil(L);
        return 1;
    }
    return push_captures(L, s, &m, true);
}

static int gmatch_iter(lua_State *L)
{
    const fl_re *re = check_re(L, lua_upvalueindex(1));
    size_t len;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &len);
    lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
    if (pos < 0 || (size_t)pos > len)
        return 0;
    fl_re_match m;
    if (!exec(L, re, s, len, (size_t)pos, &m)) {
        lua_pushinteger(L, -1);
        lua_replace(L, lua_upvalueindex(3));
        return 0;
    }
    size_t next = m.ov[1];
    if (m.ov[1] == m.ov[0]) { /* empty match: step one character */
        if (next >= len)
            next = len + 1;
        else
            fl_utf8_next(s, len, &next);
    }
    lua_pushinteger(L, (lua_Integer)next);
    lua_replace(L, lua_upvalueindex(3));
    lua_pushinteger(L, (lua_Integer)m.ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)m.ov[1]);
    return 2 + push_captures(L, s, &m, false);
}

/***
 * regex:gmatch(s) -> iterator
 *
 * `for first, last, cap1, ... in re:gmatch(s) do ... end` visits every
 * non-overlapping match in order.  With article text, the fact-style span
 * of a match is `{offset = first - 1, length = last - first + 1}`.
 */
static int re_gmatch(lua_State *L)
{
    check_re(L, 1);
    size_t len;
    check_subject(L, 2, &len);
    lua_settop(L, 2);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, gmatch_iter, 3);
    return 1;
}

/***
 * regex.__gc
 *
 * Frees the compiled pattern when the regex is collected (rules cannot set
 * __gc themselves).
 */
static int re_gc(lua_State *L)
{
    l_regex *u = fl_sandbox_checkudata(L, 1, FL_UDATA_REGEX, FL_META_REGEX);
    if (!u->borrowed)
        fl_re_free(u->re);
    u->re = NULL;
    return 0;
}

static const luaL_Reg re_methods[] = {
    {"find", re_find}, {"test", re_test}, {"match", re_match}, {"gmatch", re_gmatch}, {NULL, NULL},
};

static const luaL_Reg re_funcs[] = {
    {"re", l_re},
    {NULL, NULL},
};

void fl_lua_open_re(lua_State *L)
{
    luaL_newmetatable(L, FL_META_REGEX);
    luaL_newlib(L, re_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, re_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, FL_REG_RECACHE);
    luaL_setfuncs(L, re_funcs, 0);
}
