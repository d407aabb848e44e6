/* util_figures.c - factlint.util helpers written in C for the figure and date rules
 * (figure.conflict, number.arithmetic, date.dateline-conflict): loops that would otherwise run word
 * by word or fact by fact in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "core/normalize.h"
#include "lua/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- figure_scanner ------------------------------------------------------ */

#define FS_WORD_MAX  64 /* longest word a scanner's set holds, in bytes */
#define FS_PAIR_BITS 1024

/* A set of lowercase words, one userdata: this header, cap slots, the
 * words' bytes. */
typedef struct fs_slot {
    uint32_t hash;
    uint32_t off; /* into the blob, + 1; 0 for an empty slot */
    uint32_t len;
} fs_slot;

typedef struct fs_set {
    size_t cap;         /* slots, a power of two */
    uint64_t lengths;   /* bit k set: some word has k bytes (bit 0: 64 bytes) */
    uint64_t firsts[4]; /* bit c set: some word starts with byte c */
    /* bit pair_bit(c0, c1) set: some word of 2+ bytes starts with those two
     * bytes (lowercase): most words a scan meets are rejected on it */
    uint64_t pairs[FS_PAIR_BITS / 64];
} fs_set;

static unsigned pair_bit(unsigned char c0, unsigned char c1)
{
    return ((unsigned)c0 * 37u + c1) & (FS_PAIR_BITS - 1);
}

static fs_slot *fs_slots(fs_set *s)
{
    return (fs_slot *)(s + 1);
}

static char *fs_blob(fs_set *s)
{
    return (char *)(fs_slots(s) + s->cap);
}

static unsigned char ascii_lower(unsigned char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* hash_bytes of s[0..n) lowercased, into low */
static uint32_t fs_lower_hash(char *low, const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = ascii_lower((unsigned char)s[i]);
        low[i] = (char)c;
        h = (h ^ c) * 16777619u;
    }
    return h;
}

/* Whether s[0..n) (any case) is in the set. */
static bool fs_has(fs_set *set, const char *s, size_t n)
{
    if (n == 0 || n > FS_WORD_MAX || !(set->lengths >> (n & 63) & 1))
        return false;
    unsigned char c0 = ascii_lower((unsigned char)s[0]);
    if (!(set->firsts[c0 >> 6] >> (c0 & 63) & 1))
        return false;
    char low[FS_WORD_MAX];
    uint32_t h = fs_lower_hash(low, s, n);
    fs_slot *sl = fs_slots(set);
    const char *blob = fs_blob(set);
    for (size_t i = h & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (!sl[i].off)
            return false;
        if (sl[i].hash == h && sl[i].len == n && !memcmp(blob + sl[i].off - 1, low, n))
            return true;
    }
}

/* The word of entry (key k, value v) of a list or set table: the value of
 * an integer key, the key of a true value; NULL when neither. */
static const char *fs_entry(lua_State *L, int k, int v, size_t *len)
{
    if (lua_type(L, k) == LUA_TNUMBER && lua_type(L, v) == LUA_TSTRING)
        return lua_tolstring(L, v, len);
    if (lua_type(L, k) == LUA_TSTRING && lua_toboolean(L, v))
        return lua_tolstring(L, k, len);
    return NULL;
}

/* Pushes the set of the words of the list or set table at idx (what
 * names the function and argument, "figure_scanner: words", for messages). */
static fs_set *fs_build(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    size_t n = 0, bytes = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        size_t len;
        if (fs_entry(L, -2, -1, &len)) {
            if (len == 0 || len > FS_WORD_MAX)
                luaL_error(L, "%s: a word has %d bytes (1 to %d allowed)", what, (int)len,
                           FS_WORD_MAX);
            n++;
            bytes += len;
        } else if (lua_type(L, -2) == LUA_TNUMBER || lua_toboolean(L, -1)) {
            luaL_error(L, "%s must be a list of words or a set (word -> true)", what);
        }
        lua_pop(L, 1);
    }
    if (n > 100000)
        luaL_error(L, "%s has too many words (at most 100000)", what);
    size_t cap = 8;
    while (cap < 2 * n)
        cap *= 2;
    fs_set *set = lua_newuserdatauv(L, sizeof *set + cap * sizeof(fs_slot) + bytes, 0);
    set->cap = cap;
    set->lengths = 0;
    memset(set->firsts, 0, sizeof set->firsts);
    memset(set->pairs, 0, sizeof set->pairs);
    memset(fs_slots(set), 0, cap * sizeof(fs_slot));
    char *blob = fs_blob(set);
    size_t used = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        size_t len;
        const char *w = fs_entry(L, -2, -1, &len);
        if (w && !fs_has(set, w, len)) {
            uint32_t h = fs_lower_hash(blob + used, w, len);
            size_t i = h & (cap - 1);
            while (fs_slots(set)[i].off)
                i = (i + 1) & (cap - 1);
            fs_slots(set)[i] = (fs_slot){h, (uint32_t)used + 1, (uint32_t)len};
            used += len;
            set->lengths |= (uint64_t)1 << (len & 63);
            unsigned char c0 = (unsigned char)blob[used - len];
            set->firsts[c0 >> 6] |= (uint64_t)1 << (c0 & 63);
            if (len >= 2) {
                unsigned b = pair_bit(c0, (unsigned char)blob[used - len + 1]);
                set->pairs[b >> 6] |= (uint64_t)1 << (b & 63);
            }
        }
        lua_pop(L, 1);
    }
    return set;
}

/* Byte classes of the scan: letters (ASCII) and the hyphen. */
enum { FS_OTHER = 0, FS_LETTER = 1, FS_HYPHEN = 2 };
static const unsigned char fs_class[256] = {
    ['-'] = FS_HYPHEN, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1,         ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
    ['P'] = 1,         ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1,
    ['X'] = 1,         ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1,
    ['f'] = 1,         ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,
    ['n'] = 1,         ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
    ['v'] = 1,         ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* Whether s[0..n) holds a word of set: words as wordset:find and gmatch
 * take them (a letter, then letters and hyphens, ending on a letter; one
 * letter alone is not a word), a word cut by either end being only its
 * part inside. */
static bool fs_any_word(fs_set *set, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    for (;;) {
        while (i < n && fs_class[s[i]] != FS_LETTER)
            i++;
        if (i >= n)
            return false;
        size_t start = i, end;
        for (;;) {
            while (i < n && fs_class[s[i]] == FS_LETTER)
                i++;
            end = i;
            /* hyphens continue the word only when a letter follows them */
            while (i < n && s[i] == '-')
                i++;
            if (i == end || i >= n || fs_class[s[i]] != FS_LETTER)
                break;
        }
        size_t len = end - start;
        if (len >= 2 && len <= FS_WORD_MAX && (set->lengths >> (len & 63) & 1)) {
            unsigned b = pair_bit(ascii_lower(s[start]), ascii_lower(s[start + 1]));
            if ((set->pairs[b >> 6] >> (b & 63) & 1) && fs_has(set, str + start, len))
                return true;
        }
        i = end;
    }
}

/* Upvalues: 1 the words' set, 2 the units' set (nil: none), 3 the window. */
static int fs_scan(lua_State *L)
{
    const fl_article *a = fl_lua_current_article(L, 1, NULL);
    fs_set *words = lua_touserdata(L, lua_upvalueindex(1));
    fs_set *units = lua_touserdata(L, lua_upvalueindex(2));
    size_t window = (size_t)lua_tointeger(L, lua_upvalueindex(3));
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    lua_newtable(L);
    lua_Integer n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        bool money = f->kind == FL_FACT_MONEY;
        if (!money && f->kind != FL_FACT_QUANTITY)
            continue;
        if ((money ? f->currency : f->unit) == NULL || isnan(f->value) || !(f->value > 0) ||
            f->offset > a->text_len || (f->qualifier && !strcmp(f->qualifier, "vague")))
            continue;
        size_t from = f->offset > window ? f->offset - window : 0;
        if ((units && !money && fs_has(units, f->unit, strlen(f->unit))) ||
            fs_any_word(words, a->text + from, f->offset - from)) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++n);
        }
    }
    return 1;
}

/***
 * factlint.util.figure_scanner{words=, units=, window=} -> scanner
 *
 * Builds, once (at load time, outside check), `scanner(article) -> list`:
 * the fact numbers (for `article:fact(i)`), in document order, of the
 * article's figures that a measure word leads.  A figure is a money fact
 * with a currency or a quantity fact with a unit, whose value is above 0,
 * whose qualifier is not "vague" and whose offset is within the text; it
 * is led when one of `words` is among the words of the `window` bytes
 * before it (default 60: what `wordset:find(text, offset > window and
 * offset - window + 1 or 1, offset)` finds, a word cut by the window's
 * start being only its part inside), or, for a quantity, when its unit is
 * one of `units` (optional).  `words` and `units` are lists of words or
 * sets (word -> true), compared lowercased, each word at most 64 bytes.
 * `article` is the handle of the current check or key() call.  One call an
 * article where a Lua loop would read every figure's fields and words,
 * though most figures have no such word.
 */
static int u_figure_scanner(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getfield(L, 1, "words") != LUA_TTABLE)
        return luaL_error(L, "figure_scanner: words must be a table");
    fs_build(L, -1, "figure_scanner: words"); /* 3 */
    if (lua_getfield(L, 1, "units") == LUA_TNIL) {
        lua_pushnil(L); /* 5 */
    } else {
        if (!lua_istable(L, 4))
            return luaL_error(L, "figure_scanner: units must be a table");
        fs_build(L, 4, "figure_scanner: units"); /* 5 */
    }
    lua_Integer window = 60;
    if (lua_getfield(L, 1, "window") != LUA_TNIL) {
        int ok;
        window = lua_tointegerx(L, -1, &ok);
        if (!ok || window < 1 || window > 1000000)
            return luaL_error(L, "figure_scanner: window must be an integer from 1 to 1000000");
    }
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 5);
    lua_pushinteger(L, window);
    lua_pushcclosure(L, fs_scan, 3);
    return 1;
}

/* ---- word_list ------------------------------------------------------------- */

/* Bytes of a word of word_list: ASCII letters, '-' and '\'' (a word starts
 * with a letter). */
static bool wl_part(unsigned char c)
{
    return fs_class[c] == FS_LETTER || c == '-' || c == '\'';
}

/***
 * factlint.util.word_list(s [, i [, j]]) -> list
 *
 * The words of s[i..j] (1-based and inclusive, as string.sub takes them;
 * default the whole string), lowercased, in order: what
 * `for w in s:sub(i, j):lower():gmatch("[%a][%a%-']*")` collects, a word
 * being an ASCII letter followed by letters, hyphens and apostrophes
 * ("company's", "part-time", "up-").  A word cut by either end of the
 * range is only its part inside.  One pass in C, without the substring,
 * where the Lua pattern tries every byte in turn.
 */
static int u_word_list(lua_State *L)
{
    size_t n;
    const char *str = luaL_checklstring(L, 1, &n);
    size_t from, span;
    bool any = fl_lua_sub_range(L, 2, n, &from, &span);
    lua_newtable(L);
    if (!any)
        return 1;
    const unsigned char *s = (const unsigned char *)str;
    size_t p = from, e = from + span;
    lua_Integer count = 0;
    char buf[256];
    while (p < e) {
        while (p < e && fs_class[s[p]] != FS_LETTER)
            p++;
        if (p >= e)
            break;
        size_t start = p;
        while (p < e && wl_part(s[p]))
            p++;
        size_t len = p - start;
        if (len <= sizeof buf) {
            for (size_t k = 0; k < len; k++)
                buf[k] = (char)ascii_lower(s[start + k]);
            lua_pushlstring(L, buf, len);
        } else {
            luaL_Buffer b;
            char *d = luaL_buffinitsize(L, &b, len);
            for (size_t k = 0; k < len; k++)
                d[k] = (char)ascii_lower(s[start + k]);
            luaL_pushresultsize(&b, len);
        }
        lua_rawseti(L, -2, ++count);
    }
    return 1;
}

/* ---- dates_after ----------------------------------------------------------- */

/***
 * factlint.util.dates_after(article [, iso]) -> list | nil
 *
 * The fact numbers (for `article:fact(i)`), in document order, of the
 * article's absolute date facts (`relative` false) that are later than the
 * date `iso` ("YYYY-MM-DD", "YYYY-MM" or "YYYY"; default the article's
 * dateline as `article.dateline` gives it, nil when it has none) at their
 * own precision: a date whose `value` is a year, a
 * month or a day (4, 7 or 10 characters) is later when `value >
 * iso:sub(1, #value)`; decades, centuries and dates without a value are
 * passed over.  nil when there is none, so that most articles make no
 * table.  `article` is the handle of the current check or key() call.
 * One call an article where a Lua loop would read every date's fields,
 * though most dates are relative or not after the dateline.
 */
static int u_dates_after(lua_State *L)
{
    const fl_article *a = fl_lua_current_article(L, 1, NULL);
    size_t iso_len;
    const char *iso;
    char dateline[32];
    if (lua_isnoneornil(L, 2)) {
        if (a->dateline.precision == FL_PREC_NONE) {
            lua_pushnil(L);
            return 1;
        }
        iso_len = fl_date_format(a->dateline, dateline, sizeof dateline);
        iso = dateline;
    } else {
        iso = luaL_checklstring(L, 2, &iso_len);
    }
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    lua_Integer n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (f->kind != FL_FACT_DATE || f->relative || !f->date.precision)
            continue;
        char value[32];
        size_t len = fl_date_format(f->date, value, sizeof value);
        if (len != 4 && len != 7 && len != 10)
            continue;
        /* value > iso:sub(1, len), as Lua compares strings (bytes, C locale) */
        size_t m = len < iso_len ? len : iso_len;
        int c = memcmp(value, iso, m);
        if (c < 0 || (c == 0 && len <= m))
            continue;
        if (n == 0)
            lua_newtable(L);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -2, ++n);
    }
    if (n == 0)
        lua_pushnil(L);
    return 1;
}

/* ---- title_matcher --------------------------------------------------------- */

#define TM_WORDS_MAX 8 /* words of the longest title a matcher holds */

/* Bytes that end a word of a title: ASCII white space and punctuation
 * (Lua's %s and %p). */
static bool tm_sep(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '!' && c <= '/') ||
           (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* Upvalues: 1 the titles' set, 2 the titles table (title -> value), 3 the
 * not_after set, 4 the most words of a title.  Pushes the value of the
 * title s[0..n) ends with (nil for none) and returns its Lua type. */
static int tm_match(lua_State *L, const char *s, size_t n)
{
    fs_set *titles = lua_touserdata(L, lua_upvalueindex(1));
    fs_set *not_after = lua_touserdata(L, lua_upvalueindex(3));
    size_t max_words = (size_t)lua_tointeger(L, lua_upvalueindex(4));
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    if (fl_normalize_append(sc, s, n) < 0)
        luaL_error(L, "title_matcher: not enough memory or not UTF-8");
    const unsigned char *t = (const unsigned char *)sc->buf;
    size_t len = sc->len;
    /* the last max_words + 1 words, last first: start and length */
    size_t start[TM_WORDS_MAX + 1], wlen[TM_WORDS_MAX + 1], k = 0;
    size_t e = len;
    while (k <= max_words) {
        while (e > 0 && tm_sep(t[e - 1]))
            e--;
        if (e == 0)
            break;
        size_t b = e;
        while (b > 0 && !tm_sep(t[b - 1]))
            b--;
        start[k] = b;
        wlen[k] = e - b;
        k++;
        e = b;
    }
    for (size_t w = max_words < k ? max_words : k; w >= 1; w--) {
        /* the last w words joined by single spaces */
        char tail[FS_WORD_MAX];
        size_t tl = 0;
        bool fits = true;
        for (size_t j = w; j-- > 0;) {
            if (tl + wlen[j] + (tl > 0) > sizeof tail) {
                fits = false;
                break;
            }
            if (tl > 0)
                tail[tl++] = ' ';
            memcpy(tail + tl, t + start[j], wlen[j]);
            tl += wlen[j];
        }
        if (!fits || !fs_has(titles, tail, tl))
            continue;
        if (w < k && fs_has(not_after, (const char *)t + start[w], wlen[w]))
            break;
        lua_pushlstring(L, tail, tl);
        return lua_rawget(L, lua_upvalueindex(2));
    }
    lua_pushnil(L);
    return LUA_TNIL;
}

static int tm_call(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, 1, &n);
        tm_match(L, s, n);
        return 1;
    }
    fl_lua_current_article(L, 1, NULL);
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    lua_settop(L, 1);
    lua_Integer n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (f->kind != FL_FACT_PERSON || !f->title)
            continue;
        if (tm_match(L, f->title, strlen(f->title)) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        if (n == 0) {
            lua_newtable(L); /* 3 */
            lua_newtable(L); /* 4 */
            lua_rotate(L, 2, 2);
        }
        lua_rawseti(L, 3, ++n);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, 2, n);
    }
    if (n == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

/***
 * factlint.util.title_matcher{titles=, not_after=} -> matcher
 *
 * Builds, once (at load time, outside check), a matcher of titles such as
 * "British Prime Minister".  `titles` maps titles of one to eight words,
 * written in util.normalise form (lowercase, words separated by single
 * spaces, at most 64 bytes), to any value: `{["prime minister"] = "Prime
 * Minister", pm = "Prime Minister"}` (a title whose value is false is left
 * out).  `not_after` (optional) is a list or
 * set of words that cancel a title when they come right before it
 * ("deputy", "former").
 *
 * `matcher(s) -> value | nil`: the value of the longest title the words of
 * s end with, where s is taken in util.normalise form and split into words
 * at white space and ASCII punctuation ("Ex-Prime Minister" is "ex prime
 * minister"); nil when s ends with none, or when the word before that
 * title is one of `not_after` (then a shorter title is not tried).
 *
 * `matcher(article) -> numbers, values | nil`: the same match for the
 * `title` of each person fact of the article (the handle of the current
 * check or key() call): the fact numbers of those that match, in document
 * order, and their values; nil when none does.  One call an article where
 * a Lua loop would read and split every person's title.
 */
static int u_title_matcher(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getfield(L, 1, "titles") != LUA_TTABLE) /* 2 */
        return luaL_error(L, "title_matcher: titles must be a table (title -> value)");
    lua_Integer max_words = 0;
    lua_newtable(L); /* 3: the titles as a list, for the set */
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (!lua_toboolean(L, -1)) { /* a title whose value is false is left out */
            lua_pop(L, 1);
            continue;
        }
        size_t len;
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &len) : NULL;
        if (!k || len == 0 || len > FS_WORD_MAX || k[0] == ' ' || k[len - 1] == ' ')
            return luaL_error(L,
                              "title_matcher: each key of titles must be a title of 1 to %d "
                              "bytes",
                              FS_WORD_MAX);
        lua_Integer words = 1;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)k[i];
            if (c == ' ' && k[i - 1] == ' ')
                return luaL_error(L, "title_matcher: title '%s' has two spaces in a row", k);
            if ((c >= 'A' && c <= 'Z') || (c != ' ' && tm_sep(c)))
                return luaL_error(L,
                                  "title_matcher: title '%s' is not lowercase words separated by "
                                  "single spaces",
                                  k);
            words += c == ' ';
        }
        if (words > TM_WORDS_MAX)
            return luaL_error(L, "title_matcher: title '%s' has more than %d words", k,
                              TM_WORDS_MAX);
        if (words > max_words)
            max_words = words;
        lua_pushvalue(L, -2);
        lua_rawseti(L, 3, ++count);
        lua_pop(L, 1);
    }
    fs_build(L, 3, "title_matcher: titles");           /* 4 */
    if (lua_getfield(L, 1, "not_after") == LUA_TNIL) { /* 5 */
        lua_newtable(L);
    } else if (!lua_istable(L, 5)) {
        return luaL_error(L, "title_matcher: not_after must be a table");
    } else {
        lua_pushvalue(L, 5);
    }
    fs_build(L, -1, "title_matcher: not_after"); /* 7 */
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 7);
    lua_pushinteger(L, max_words);
    lua_pushcclosure(L, tm_call, 4);
    return 1;
}

/* ---- contains, sentences_containing ---------------------------------------- */

#define CT_NEEDLES_MAX 64

/* Needles for a caseless search: their bytes (held by the Lua table they
 * came from), lengths, the shortest length m and the shift table. */
typedef struct ct_needles {
    const unsigned char *nd[CT_NEEDLES_MAX];
    size_t nl[CT_NEEDLES_MAX], k, m;
    /* shift[c]: how far the window may move when its last byte is c (0: a
     * needle's first m bytes may end there) */
    unsigned char shift[256];
} ct_needles;

/* Reads the list of needles at idx (kept on the Lua stack by the caller). */
static void ct_prepare(lua_State *L, int idx, ct_needles *c)
{
    luaL_checktype(L, idx, LUA_TTABLE);
    size_t k = (size_t)lua_rawlen(L, idx);
    if (k == 0 || k > CT_NEEDLES_MAX)
        luaL_argerror(L, idx, "a list of 1 to 64 strings");
    c->k = k;
    c->m = FS_WORD_MAX;
    for (size_t j = 0; j < k; j++) {
        /* the strings stay referenced by the table */
        if (lua_rawgeti(L, idx, (lua_Integer)j + 1) != LUA_TSTRING)
            luaL_argerror(L, idx, "a list of 1 to 64 strings");
        c->nd[j] = (const unsigned char *)lua_tolstring(L, -1, &c->nl[j]);
        lua_pop(L, 1);
        if (c->nl[j] == 0 || c->nl[j] > FS_WORD_MAX)
            luaL_argerror(L, idx, "needles have 1 to 64 bytes");
        if (c->nl[j] < c->m)
            c->m = c->nl[j];
    }
    memset(c->shift, (int)c->m, sizeof c->shift);
    for (size_t j = 0; j < k; j++) {
        for (size_t p = 0; p < c->m; p++) {
            unsigned char b = ascii_lower(c->nd[j][p]), d = (unsigned char)(c->m - 1 - p);
            unsigned char u = (unsigned char)(b >= 'a' && b <= 'z' ? b - 32 : b);
            if (d < c->shift[b])
                c->shift[b] = d;
            if (d < c->shift[u])
                c->shift[u] = d;
        }
    }
}

/* Whether s[0..n) holds one of the needles (Horspool on the last byte of
 * each window of the shortest needle's length). */
static bool ct_find(const ct_needles *c, const unsigned char *s, size_t n)
{
    size_t m = c->m;
    for (size_t i = 0; i + m <= n;) {
        unsigned sh = c->shift[s[i + m - 1]];
        if (sh) {
            i += sh;
            continue;
        }
        for (size_t j = 0; j < c->k; j++) {
            size_t len = c->nl[j];
            if (i + len > n)
                continue;
            size_t x = 0;
            while (x < len && ascii_lower(s[i + x]) == ascii_lower(c->nd[j][x]))
                x++;
            if (x == len)
                return true;
        }
        i++;
    }
    return false;
}

/***
 * factlint.util.contains(s | article, needles) -> boolean
 *
 * Whether the string s, or the whole text of `article` (the handle of the
 * current check or key() call; the text is not copied into Lua), holds
 * one of `needles` (a list of 1 to 64 strings of 1 to 64 bytes each),
 * ASCII letters compared without case: what
 * `factlint.re("needle1|needle2|...", "i"):test(s)` answers for needles of
 * ASCII letters, digits, spaces and punctuation.  One pass that skips
 * ahead on the last byte of each window (Horspool), without the Lua string
 * of the text a regex needs: a cheap first test of an article for the
 * words a rule looks for.
 */
static int u_contains(lua_State *L)
{
    size_t n;
    const unsigned char *s;
    if (lua_type(L, 1) == LUA_TSTRING) {
        s = (const unsigned char *)lua_tolstring(L, 1, &n);
    } else {
        const fl_article *a = fl_lua_current_article(L, 1, NULL);
        s = (const unsigned char *)a->text;
        n = a->text_len;
    }
    ct_needles c;
    ct_prepare(L, 2, &c);
    lua_pushboolean(L, ct_find(&c, s, n));
    return 1;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/***
 * factlint.util.sentences_containing(article, kinds, needles) -> list | nil
 *
 * The indices (for `article:sentence(i)`), in ascending order, of the
 * sentences that hold a fact of one of `kinds` (a list of kind names:
 * `{"quantity", "percent"}`) and whose text holds one of `needles`, as
 * util.contains compares them (ASCII letters without case).  nil when
 * there is none, so that most articles make no table.  `article` is the
 * handle of the current check or key() call.  One call an article where
 * a Lua loop would read every fact's sentence and make a string of each
 * sentence to test it.
 */
static int u_sentences_containing(lua_State *L)
{
    const fl_article *a = fl_lua_current_article(L, 1, NULL);
    luaL_checktype(L, 2, LUA_TTABLE);
    unsigned kinds = 0;
    for (lua_Integer j = 1; lua_rawgeti(L, 2, j) != LUA_TNIL; j++) {
        const char *name = lua_tostring(L, -1);
        int kind = name ? fl_fact_kind_from_name(name) : -1;
        if (kind < 0)
            return luaL_argerror(L, 2, "a list of fact kinds");
        kinds |= 1u << kind;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    ct_needles c;
    ct_prepare(L, 3, &c);
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    /* the sentences of those facts, in order (facts are sorted by offset:
     * sorted again only when they are not) */
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    uint32_t last = 0;
    bool sorted = true;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        uint32_t si = f->sentence;
        if (!(kinds >> f->kind & 1) || si == 0 || si > a->n_sentences || si == last)
            continue;
        if (si < last)
            sorted = false;
        last = si;
        if (fl_strbuf_add(sc, &si, sizeof si) < 0)
            return luaL_error(L, "sentences_containing: not enough memory");
    }
    uint32_t *list = (uint32_t *)(void *)sc->buf;
    size_t n = sc->len / sizeof *list;
    if (!sorted)
        qsort(list, n, sizeof *list, cmp_u32);
    lua_Integer count = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && list[i] == list[i - 1])
            continue;
        const fl_sentence *sn = &a->sentences[list[i] - 1];
        if (!ct_find(&c, (const unsigned char *)a->text + sn->offset, sn->length))
            continue;
        if (count == 0)
            lua_newtable(L);
        lua_pushinteger(L, list[i]);
        lua_rawseti(L, -2, ++count);
    }
    if (count == 0)
        lua_pushnil(L);
    return 1;
}

/* ---- facts_followed_by ----------------------------------------------------- */

/* The unit field of a figure fact as article:facts gives it. */
static const char *figure_unit(const fl_fact *f)
{
    if (f->kind == FL_FACT_PERCENT)
        return "percent";
    return f->kind == FL_FACT_MONEY ? NULL : f->unit;
}

/***
 * factlint.util.facts_followed_by(article, kind, s [, max_space [, unit]]) -> list | nil
 *
 * The fact numbers (for `article:fact(i)`), in document order, of the
 * figures of `kind` ("money", "quantity", "percent" or "duration") with a
 * value (not vague) and, when given, that `unit`, whose span is followed
 * by 1 to `max_space` (default 1) white space bytes and then by the bytes
 * of s, as written: `facts_followed_by(article, "duration", "ago", 2,
 * "years")` finds "25 years ago" (what `text:find("^%s+ago", e + 1)`
 * ending within e + 5 finds, e being the span's end; a longer word that
 * starts with s counts).  nil when there is none, so that most articles
 * make no table.  `article` is the handle of the current check or key()
 * call.  One call an article where a Lua loop would read every figure's
 * fields and the text after it.
 */
static int u_facts_followed_by(lua_State *L)
{
    const fl_article *a = fl_lua_current_article(L, 1, NULL);
    const char *kind_name = luaL_checkstring(L, 2);
    size_t sl;
    const char *str = luaL_checklstring(L, 3, &sl);
    lua_Integer max_space = luaL_optinteger(L, 4, 1);
    const char *unit = luaL_optstring(L, 5, NULL);
    fl_fact_kind kind;
    if (!strcmp(kind_name, "money"))
        kind = FL_FACT_MONEY;
    else if (!strcmp(kind_name, "quantity"))
        kind = FL_FACT_QUANTITY;
    else if (!strcmp(kind_name, "percent"))
        kind = FL_FACT_PERCENT;
    else if (!strcmp(kind_name, "duration"))
        kind = FL_FACT_DURATION;
    else
        return luaL_argerror(L, 2, "money, quantity, percent or duration");
    if (sl == 0)
        return luaL_argerror(L, 3, "an empty string");
    if (max_space < 1)
        return luaL_argerror(L, 4, "at least 1");
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    const char *t = a->text;
    size_t n = a->text_len;
    lua_Integer count = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (f->kind != kind || isnan(f->value))
            continue;
        if (unit) {
            const char *u = figure_unit(f);
            if (!u || strcmp(u, unit))
                continue;
        }
        size_t e = f->offset + f->length, p = e;
        if (e > n)
            continue;
        while (p < n && (t[p] == ' ' || (t[p] >= '\t' && t[p] <= '\r')))
            p++;
        if (p == e || p - e > (size_t)max_space || n - p < sl || memcmp(t + p, str, sl))
            continue;
        if (count == 0)
            lua_newtable(L);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -2, ++count);
    }
    if (count == 0)
        lua_pushnil(L);
    return 1;
}

/* ---- officeholders ---------------------------------------------------------- */

/* The holders of the officeholders reference by office and normalised name,
 * built once per rule state (a userdata in the registry): the entries
 * sorted by key ("office\0name"), then the holder records, then the strings
 * (in that order so that each part is aligned for its type: an entry holds
 * a pointer, a holder record only 4-byte numbers). */
typedef struct oh_holder {
    uint32_t name, name_len, start, start_len, end, end_len; /* into the blob */
    bool has_end;
} oh_holder;

typedef struct oh_entry {
    const char *key; /* into the blob of the index */
    uint32_t key_len, holder;
} oh_entry;

typedef struct oh_index {
    size_t n_holders, n_entries;
} oh_index;
_Static_assert(sizeof(oh_index) % _Alignof(oh_entry) == 0 &&
                   sizeof(oh_entry) % _Alignof(oh_holder) == 0,
               "the parts of an officeholders index are aligned");

static oh_entry *oh_entries(oh_index *x)
{
    return (oh_entry *)(x + 1);
}

static oh_holder *oh_holders(oh_index *x)
{
    return (oh_holder *)(oh_entries(x) + x->n_entries);
}

static char *oh_blob(oh_index *x)
{
    return (char *)(oh_holders(x) + x->n_holders);
}

static int oh_key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int oh_entry_cmp(const void *x, const void *y)
{
    const oh_entry *a = x, *b = y;
    int c = oh_key_cmp(a->key, a->key_len, b->key, b->key_len);
    return c ? c : (a->holder > b->holder) - (a->holder < b->holder);
}

static char oh_registry_key; /* its address keys the index in the registry */

/* Appends s as a holder string to blob; its offset and length to *off, *len. */
static bool oh_add_str(fl_strbuf *blob, json_t *s, uint32_t *off, uint32_t *len)
{
    *off = (uint32_t)blob->len;
    *len = (uint32_t)json_string_length(s);
    return fl_strbuf_add(blob, json_string_value(s), json_string_length(s)) == 0;
}

/* Builds the index from the reference json into the temporary buffers;
 * NULL on success, else what went wrong. */
static const char oh_no_offices[] = "the officeholders reference has no offices";

static const char *oh_collect(json_t *j, fl_strbuf *blob, fl_strbuf *hols, fl_strbuf *ents)
{
    json_t *offices = json_object_get(j, "offices");
    if (!json_is_array(offices))
        return oh_no_offices;
    size_t i, k, v;
    json_t *o, *h;
    uint32_t n_holders = 0;
    json_array_foreach(offices, i, o)
    {
        json_t *office = json_object_get(o, "office");
        json_t *holders = json_object_get(o, "holders");
        if (!json_is_string(office) || !json_is_array(holders))
            continue;
        json_array_foreach(holders, k, h)
        {
            json_t *name = json_object_get(h, "name"), *start = json_object_get(h, "start");
            json_t *end = json_object_get(h, "end"), *variants = json_object_get(h, "variants");
            if (!json_is_string(name) || !json_is_string(start) ||
                (end && !json_is_null(end) && !json_is_string(end)))
                return "an officeholder without a name or start";
            oh_holder rec = {0};
            rec.has_end = json_is_string(end);
            if (!oh_add_str(blob, name, &rec.name, &rec.name_len) ||
                !oh_add_str(blob, start, &rec.start, &rec.start_len) ||
                (rec.has_end && !oh_add_str(blob, end, &rec.end, &rec.end_len)) ||
                fl_strbuf_add(hols, &rec, sizeof rec) < 0)
                return "not enough memory";
            size_t first = ents->len / sizeof(oh_entry);
            size_t n_names = 1 + (json_is_array(variants) ? json_array_size(variants) : 0);
            for (v = 0; v < n_names; v++) {
                json_t *nm = v == 0 ? name : json_array_get(variants, v - 1);
                if (!json_is_string(nm))
                    return "an officeholder variant that is not a string";
                /* the key: office, NUL, the name in util.normalise form
                 * (offsets for now: the blob may still move) */
                size_t key = blob->len;
                if (fl_strbuf_add(blob, json_string_value(office), json_string_length(office)) <
                        0 ||
                    fl_strbuf_addch(blob, 0) < 0 ||
                    fl_normalize_append(blob, json_string_value(nm), json_string_length(nm)) < 0)
                    return "not enough memory or not UTF-8";
                size_t key_len = blob->len - key;
                bool seen = false;
                for (size_t e = first; e < ents->len / sizeof(oh_entry) && !seen; e++) {
                    oh_entry prev;
                    memcpy(&prev, ents->buf + e * sizeof prev, sizeof prev);
                    seen = prev.key_len == key_len &&
                           !memcmp(blob->buf + (uintptr_t)prev.key, blob->buf + key, key_len);
                }
                if (seen) {
                    blob->len = key;
                    continue;
                }
                oh_entry ent = {(const char *)(uintptr_t)key, (uint32_t)key_len, n_holders};
                if (fl_strbuf_add(ents, &ent, sizeof ent) < 0)
                    return "not enough memory";
            }
            n_holders++;
        }
    }
    return NULL;
}

/* Pushes the index of this rule state (built at the first call), or nil
 * and a message when the reference cannot be had. */
static int oh_index_push(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &oh_registry_key) == LUA_TUSERDATA)
        return 1;
    lua_pop(L, 1);
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->w)
        luaL_error(L, "reference facts are not available while the rule file loads; read them "
                      "in check");
    fl_error err;
    json_t *j = fl_worker_reference(st->w, "officeholders", &err);
    if (!j) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    fl_strbuf blob, hols, ents;
    fl_strbuf_init(&blob);
    fl_strbuf_init(&hols);
    fl_strbuf_init(&ents);
    const char *why = oh_collect(j, &blob, &hols, &ents);
    oh_index *x = NULL;
    if (!why) {
        size_t nh = hols.len / sizeof(oh_holder), ne = ents.len / sizeof(oh_entry);
        x = lua_newuserdatauv(L, sizeof *x + hols.len + ents.len + blob.len, 0);
        x->n_holders = nh;
        x->n_entries = ne;
        if (hols.len)
            memcpy(oh_holders(x), hols.buf, hols.len);
        if (blob.len)
            memcpy(oh_blob(x), blob.buf, blob.len);
        oh_entry *e = oh_entries(x);
        if (ents.len)
            memcpy(e, ents.buf, ents.len);
        for (size_t i = 0; i < ne; i++)
            e[i].key = oh_blob(x) + (uintptr_t)e[i].key;
        qsort(e, ne, sizeof *e, oh_entry_cmp);
    }
    fl_strbuf_release(&blob);
    fl_strbuf_release(&hols);
    fl_strbuf_release(&ents);
    if (why == oh_no_offices) {
        luaL_pushfail(L);
        lua_pushstring(L, why);
        return 2;
    }
    if (why)
        luaL_error(L, "officeholders: %s", why);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &oh_registry_key);
    return 1;
}

/***
 * factlint.util.officeholders(office, name) -> list | false | nil, message
 *
 * The holders of `office` ("Prime Minister": the `office` field of the
 * officeholders reference, every country's) whose name or one of whose
 * variants is `name` once both are in util.normalise form, in the
 * reference's order, each a new table `{name=, start=, ["end"]=}` (`end`
 * nil for a holder still in office); false when there is none; nil and a
 * message when the reference cannot be read or has no offices (a holder
 * without a name or start raises).  The
 * reference (as factlint.reference("officeholders") reads it, --reference
 * files merged) is indexed in C at the first call of a rule state, so that
 * a rule that looks up a few names neither copies the whole reference into
 * Lua nor normalises every holder's names itself.  Only in check.
 */
static int u_officeholders(lua_State *L)
{
    size_t ol, nl;
    const char *office = luaL_checklstring(L, 1, &ol);
    const char *name = luaL_checklstring(L, 2, &nl);
    if (oh_index_push(L) == 2)
        return 2;
    oh_index *x = lua_touserdata(L, -1);
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    if (fl_strbuf_add(sc, office, ol) < 0 || fl_strbuf_addch(sc, 0) < 0 ||
        fl_normalize_append(sc, name, nl) < 0)
        return luaL_error(L, "officeholders: not enough memory or not UTF-8");
    const char *key = sc->buf;
    size_t key_len = sc->len;
    /* the first entry with that key */
    oh_entry *e = oh_entries(x);
    size_t lo = 0, hi = x->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (oh_key_cmp(e[mid].key, e[mid].key_len, key, key_len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    lua_Integer n = 0;
    for (; lo < x->n_entries && !oh_key_cmp(e[lo].key, e[lo].key_len, key, key_len); lo++) {
        const oh_holder *h = &oh_holders(x)[e[lo].holder];
        const char *blob = oh_blob(x);
        if (n == 0)
            lua_newtable(L);
        lua_createtable(L, 0, 3);
        lua_pushlstring(L, blob + h->name, h->name_len);
        lua_setfield(L, -2, "name");
        lua_pushlstring(L, blob + h->start, h->start_len);
        lua_setfield(L, -2, "start");
        if (h->has_end) {
            lua_pushlstring(L, blob + h->end, h->end_len);
            lua_setfield(L, -2, "end");
        }
        lua_rawseti(L, -2, ++n);
    }
    if (n == 0)
        lua_pushboolean(L, 0);
    return 1;
}

/* ---- words_before ---------------------------------------------------------- */

#define WB_MAX 16

/***
 * factlint.util.words_before(s | article, offset, n [, from]) -> word1, word2, ...
 *
 * The last n (1 to 16) words of the bytes [from, offset) of s or of the
 * article's text (0-based offsets as facts give them; `from` defaults to
 * 0), last word first, lowercased, as separate results (fewer when there
 * are fewer words, none when there is none).  A word is a run of ASCII
 * letters and apostrophes ("company's"); other bytes, digits and every
 * byte of a non-ASCII character among them, separate words, and a word
 * cut by `from` is only its part after it.  What
 * `s:sub(from + 1, offset):lower():reverse()` and a regex over its
 * `[a-z']+` runs give, without the strings: "the plant closed on" before
 * a date gives "on", "closed", "plant", "the".
 */
static int u_words_before(lua_State *L)
{
    size_t len;
    const unsigned char *s;
    if (lua_type(L, 1) == LUA_TSTRING) {
        s = (const unsigned char *)lua_tolstring(L, 1, &len);
    } else {
        const fl_article *a = fl_lua_current_article(L, 1, NULL);
        s = (const unsigned char *)a->text;
        len = a->text_len;
    }
    lua_Integer offset = luaL_checkinteger(L, 2), n = luaL_checkinteger(L, 3);
    lua_Integer from = luaL_optinteger(L, 4, 0);
    if (n < 1 || n > WB_MAX)
        return luaL_argerror(L, 3, "1 to 16 words");
    if (offset < 0 || (size_t)offset > len)
        return luaL_argerror(L, 2, "not an offset of the text");
    if (from < 0)
        from = 0;
    size_t e = (size_t)offset, lo = (size_t)from;
    int count = 0;
    luaL_checkstack(L, (int)n + 2, "words_before");
    while (count < n) {
        while (e > lo && !(fs_class[s[e - 1]] == FS_LETTER || s[e - 1] == '\''))
            e--;
        if (e <= lo)
            break;
        size_t b = e;
        while (b > lo && (fs_class[s[b - 1]] == FS_LETTER || s[b - 1] == '\''))
            b--;
        char buf[64];
        size_t wl = e - b;
        if (wl <= sizeof buf) {
            for (size_t k = 0; k < wl; k++)
                buf[k] = (char)ascii_lower(s[b + k]);
            lua_pushlstring(L, buf, wl);
        } else {
            luaL_Buffer lb;
            char *d = luaL_buffinitsize(L, &lb, wl);
            for (size_t k = 0; k < wl; k++)
                d[k] = (char)ascii_lower(s[b + k]);
            luaL_pushresultsize(&lb, wl);
        }
        count++;
        e = b;
    }
    return count;
}

static const luaL_Reg util_figures_funcs[] = {
    {"contains", u_contains},
    {"sentences_containing", u_sentences_containing},
    {"facts_followed_by", u_facts_followed_by},
    {"dates_after", u_dates_after},
    {"officeholders", u_officeholders},
    {"words_before", u_words_before},
    {"title_matcher", u_title_matcher},
    {"figure_scanner", u_figure_scanner},
    {"word_list", u_word_list},
    {NULL, NULL},
};

void fl_lua_open_util_figures(lua_State *L)
{
    luaL_setfuncs(L, util_figures_funcs, 0);
}
