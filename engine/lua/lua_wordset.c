/* lua_wordset.c - factlint.util.wordset: find the words of a fixed list in text without a Lua call
 * per word.
 *
 * A wordset is a userdata holding an open-addressing hash table of lowercase
 * words and the bytes of those words, all in one block from the rule state's
 * allocator (so it counts against the state's memory ceiling and the
 * collector frees it; no __gc needed).  Lookups hash the lowercased token in
 * a stack buffer: scanning allocates nothing until a listed word is found.
 */
#include "lua/internal.h"
#include "lua/util_text.h"

#include <stdint.h>
#include <string.h>

#define FL_META_WORDSET "factlint.wordset"
#define WORD_MAX        64 /* longest word a set holds, in bytes */

typedef struct slot {
    uint32_t hash;
    uint32_t off; /* into the blob, + 1; 0 for an empty slot */
    uint32_t len;
} slot;

typedef struct l_wordset {
    size_t cap; /* slots, a power of two */
    size_t n;
    uint32_t filter_mask;     /* bits in the filter - 1 (a power of two - 1) */
    uint64_t lengths;         /* bit k set: some entry has k bytes (bit 0: 64 bytes) */
    uint64_t suffix_lengths;  /* bit k set: some "*ending" entry has k bytes after the '*' */
    uint64_t suffix_first[4]; /* bit c set: some "*ending" entry starts with byte c */
    /* uint64_t filter[(filter_mask + 1) / 64], slot slots[cap] and the blob follow */
} l_wordset;

/* The filter: one bit per entry, picked by bits of its hash that the slot
 * index does not use, and at least 16 bits per entry.  A scan looks up
 * every word of a text, and most are not in the set: the filter (a few KB,
 * where the slots of a 5,000-word set are 200 KB) answers most of them
 * from the first-level cache, where a probe of the slots was a cache miss
 * for most words. */
#define FILTER_MIN_BITS 512
#define FILTER_MAX_BITS (1u << 17)

static uint64_t *filter_of(l_wordset *w)
{
    return (uint64_t *)(w + 1);
}

static size_t filter_bits_for(size_t n)
{
    size_t bits = FILTER_MIN_BITS;
    while (bits < 16 * n && bits < FILTER_MAX_BITS)
        bits *= 2;
    return bits;
}

static uint32_t filter_bit(uint32_t h)
{
    return (h * 0x9E3779B1u) >> 15; /* the high bits, mixed: the slots take the low ones */
}

static bool filter_has(l_wordset *w, uint32_t h)
{
    uint32_t b = filter_bit(h) & w->filter_mask;
    return filter_of(w)[b >> 6] >> (b & 63) & 1;
}

static slot *slots_of(l_wordset *w)
{
    return (slot *)(filter_of(w) + (w->filter_mask + 1) / 64);
}

static char *blob_of(l_wordset *w)
{
    return (char *)(slots_of(w) + w->cap);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static uint64_t length_bit(size_t n)
{
    return (uint64_t)1 << (n & 63);
}

/* Whether s[0..n), whose hash_bytes is h, is in the set. */
static bool set_has_hashed(l_wordset *w, const char *s, size_t n, uint32_t h)
{
    if (!(w->lengths & length_bit(n)) || !filter_has(w, h))
        return false; /* most words a scan meets: no probe */
    slot *sl = slots_of(w);
    const char *blob = blob_of(w);
    for (size_t i = h & (w->cap - 1);; i = (i + 1) & (w->cap - 1)) {
        if (!sl[i].off)
            return false;
        if (sl[i].hash == h && sl[i].len == n && !memcmp(blob + sl[i].off - 1, s, n))
            return true;
    }
}

static bool set_has(l_wordset *w, const char *s, size_t n)
{
    return set_has_hashed(w, s, n, hash_bytes(s, n));
}

/* Whether the lowercase word low[0..n), whose hash_bytes is h, is in the
 * set, as a word or by one of the set's "*ending" entries (the word must be
 * longer than the ending). */
static bool set_matches(l_wordset *w, const char *low, size_t n, uint32_t h)
{
    if (set_has_hashed(w, low, n, h))
        return true;
    /* only the endings' lengths shorter than the word: one step a length */
    uint64_t lengths = w->suffix_lengths;
    if (n < 64)
        lengths &= ((uint64_t)1 << n) - 1;
    char key[WORD_MAX + 1];
    key[0] = '*';
    for (; lengths; lengths &= lengths - 1) {
        size_t k = (size_t)__builtin_ctzll(lengths);
        unsigned char c = (unsigned char)low[n - k];
        if (!(w->suffix_first[c >> 6] & ((uint64_t)1 << (c & 63))))
            continue;
        memcpy(key + 1, low + n - k, k);
        if (set_has(w, key, k + 1))
            return true;
    }
    return false;
}

static size_t lower_into(char *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return n;
}

/***
 * factlint.util.wordset(words) -> wordset
 *
 * A set of words to look for, built once (at load time, outside check):
 * `words` is a list of strings, compared lowercased; each at most 64 bytes.
 * An entry that starts with '*' matches any longer word ending with the
 * rest ("*ised" matches "organised", not "ised").
 * `set:has(w)` tells whether w (any case) is in the set; `set:gmatch(s)`
 * finds the set's words in a text in one pass in C, where a Lua loop over
 * every word of an article would cost a call per word.
 */
static int u_wordset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    if (n > 1000000)
        return luaL_error(L, "wordset: %d words is too many (at most 1000000)", (int)n);
    size_t bytes = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) != LUA_TSTRING)
            return luaL_error(L, "wordset: word %d is a %s, not a string", (int)i,
                              luaL_typename(L, -1));
        size_t len;
        lua_tolstring(L, -1, &len);
        if (len == 0 || len > WORD_MAX)
            return luaL_error(L, "wordset: word %d has %d bytes (1 to %d allowed)", (int)i,
                              (int)len, WORD_MAX);
        bytes += len;
        lua_pop(L, 1);
    }
    size_t cap = 8;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    size_t fbits = filter_bits_for((size_t)n);
    l_wordset *w = lua_newuserdatauv(L, sizeof *w + fbits / 8 + cap * sizeof(slot) + bytes, 0);
    w->cap = cap;
    w->n = 0;
    w->filter_mask = (uint32_t)(fbits - 1);
    memset(filter_of(w), 0, fbits / 8);
    w->lengths = w->suffix_lengths = 0;
    memset(w->suffix_first, 0, sizeof w->suffix_first);
    memset(slots_of(w), 0, cap * sizeof(slot));
    char *blob = blob_of(w);
    size_t used = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        char low[WORD_MAX];
        lower_into(low, s, len);
        lua_pop(L, 1);
        if (set_has(w, low, len))
            continue;
        if (low[0] == '*' && len > 1) {
            unsigned char c = (unsigned char)low[1];
            w->suffix_lengths |= (uint64_t)1 << (len - 1);
            w->suffix_first[c >> 6] |= (uint64_t)1 << (c & 63);
        }
        w->lengths |= length_bit(len);
        memcpy(blob + used, low, len);
        uint32_t h = hash_bytes(low, len);
        slot *sl = slots_of(w);
        size_t k = h & (cap - 1);
        while (sl[k].off)
            k = (k + 1) & (cap - 1);
        sl[k].hash = h;
        sl[k].off = (uint32_t)used + 1;
        sl[k].len = (uint32_t)len;
        uint32_t b = filter_bit(h) & w->filter_mask;
        filter_of(w)[b >> 6] |= (uint64_t)1 << (b & 63);
        used += len;
        w->n++;
    }
    luaL_setmetatable(L, FL_META_WORDSET);
    return 1;
}

/***
 * wordset:has(w) -> boolean
 *
 * True when w, lowercased, is one of the set's words.
 */
static int ws_has(lua_State *L)
{
    l_wordset *w = fl_sandbox_checkudata(L, 1, FL_UDATA_WORDSET, FL_META_WORDSET);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    char low[WORD_MAX];
    lua_pushboolean(L, len > 0 && len <= WORD_MAX &&
                           set_matches(w, low, len, fl_lower_fnv(low, s, len)));
    return 1;
}

/* The next word of s at or after *pos: a letter, then letters and hyphens,
 * ending on a letter (Lua's "%a[%a%-]*%a"; hyphens at either end of a run
 * are not part of it, one letter alone is not a word).  Sets [*first, *last)
 * and moves *pos past it; false when there is none. */
static bool next_word(const char *s, size_t n, size_t *pos, size_t *first, size_t *last)
{
    size_t i = *pos;
    for (;;) {
        while (i < n && !fl_ascii_letter((unsigned char)s[i]))
            i++;
        if (i >= n) {
            *pos = n;
            return false;
        }
        size_t start = i, end; /* end: one past the last letter */
        for (;;) {
            while (i < n && fl_ascii_letter((unsigned char)s[i]))
                i++;
            end = i;
            /* hyphens continue the word only when a letter follows them */
            while (i < n && s[i] == '-')
                i++;
            if (i == end || i >= n || !fl_ascii_letter((unsigned char)s[i]))
                break;
        }
        if (end - start >= 2) {
            *first = start;
            *last = end;
            *pos = end;
            return true;
        }
    }
}

static void push_lower(lua_State *L, const char *s, size_t n)
{
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, n);
    lower_into(p, s, n);
    luaL_pushresultsize(&b, n);
}

int fl_gmatch_yield(lua_State *L, const char *s, size_t pos, size_t first, size_t last,
                    const char *low, lua_Integer prev_first, lua_Integer prev_last)
{
    lua_pushinteger(L, (lua_Integer)pos);
    lua_replace(L, lua_upvalueindex(3));
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_replace(L, lua_upvalueindex(4));
    lua_pushinteger(L, (lua_Integer)last);
    lua_replace(L, lua_upvalueindex(5));
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_pushinteger(L, (lua_Integer)last);
    lua_pushlstring(L, low, last - first);
    if (prev_first) {
        lua_pushinteger(L, prev_last);
        push_lower(L, s + prev_first - 1, (size_t)(prev_last - prev_first + 1));
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    return 5;
}

int fl_gmatch_done(lua_State *L, size_t n)
{
    lua_pushinteger(L, (lua_Integer)n);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

static int ws_gmatch_iter(lua_State *L)
{
    l_wordset *w = lua_touserdata(L, lua_upvalueindex(1));
    size_t n;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &n);
    size_t pos = (size_t)lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer prev_first = lua_tointeger(L, lua_upvalueindex(4)); /* 1-based, 0: none */
    lua_Integer prev_last = lua_tointeger(L, lua_upvalueindex(5));
    size_t first, last;
    char low[WORD_MAX];
    while (next_word(s, n, &pos, &first, &last)) {
        size_t len = last - first;
        bool hit = len <= WORD_MAX && set_matches(w, low, len, fl_lower_fnv(low, s + first, len));
        if (hit)
            return fl_gmatch_yield(L, s, pos, first, last, low, prev_first, prev_last);
        prev_first = (lua_Integer)first + 1;
        prev_last = (lua_Integer)last;
    }
    return fl_gmatch_done(L, n);
}

/***
 * wordset:gmatch(s) -> iterator
 *
 * `for first, last, word, prev_last, prev_word in set:gmatch(s) do ... end`
 * visits, in order, every word of s whose lowercase form is in the set.  A
 * word is an ASCII letter, then letters and hyphens, ending on a letter
 * (what the Lua pattern `%a[%a%-]*%a` finds scanning left to right: one
 * letter alone is not a word).  `first` and `last` are 1-based byte
 * positions as from string.find, `word` is lowercased, and `prev_last`,
 * `prev_word` describe the word just before it in s, whether in the set or
 * not (nil for the first word).
 */
static int ws_gmatch(lua_State *L)
{
    fl_sandbox_checkudata(L, 1, FL_UDATA_WORDSET, FL_META_WORDSET);
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, ws_gmatch_iter, 5);
    return 1;
}

/***
 * wordset:find(s [, init [, last]]) -> first, last, word | nil
 *
 * The first word of s[init..last] (1-based and inclusive, as string.sub
 * takes them; default the whole string) whose lowercase form is in the set,
 * as gmatch would find it in `s:sub(init, last)` (a word cut by either end of
 * the range is only its part inside), with its positions in s and the word
 * lowercased; nil when there is none.  No substring is made, so testing a
 * window of a long text costs only the window.
 */
static int ws_find(lua_State *L)
{
    l_wordset *w = fl_sandbox_checkudata(L, 1, FL_UDATA_WORDSET, FL_META_WORDSET);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    size_t base, len, pos = 0, first, last;
    if (!fl_lua_sub_range(L, 3, n, &base, &len)) {
        lua_pushnil(L);
        return 1;
    }
    char low[WORD_MAX];
    while (next_word(s + base, len, &pos, &first, &last)) {
        size_t wl = last - first;
        if (wl <= WORD_MAX && set_matches(w, low, wl, fl_lower_fnv(low, s + base + first, wl))) {
            lua_pushinteger(L, (lua_Integer)(base + first) + 1);
            lua_pushinteger(L, (lua_Integer)(base + last));
            lua_pushlstring(L, low, wl);
            return 3;
        }
    }
    lua_pushnil(L);
    return 1;
}

/***
 * wordset.__len
 *
 * `#set` is the number of distinct words in the set.
 */
static int ws_len(lua_State *L)
{
    l_wordset *w = fl_sandbox_checkudata(L, 1, FL_UDATA_WORDSET, FL_META_WORDSET);
    lua_pushinteger(L, (lua_Integer)w->n);
    return 1;
}

static const luaL_Reg ws_methods[] = {
    {"has", ws_has},
    {"gmatch", ws_gmatch},
    {"find", ws_find},
    {NULL, NULL},
};

static const luaL_Reg ws_funcs[] = {
    {"wordset", u_wordset},
    {NULL, NULL},
};

void fl_lua_open_wordset(lua_State *L)
{
    luaL_newmetatable(L, FL_META_WORDSET);
    luaL_newlib(L, ws_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ws_len);
    lua_setfield(L, -2, "__len");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_setfuncs(L, ws_funcs, 0);
}
