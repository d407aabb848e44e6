/* lua_util.c - factlint.util helpers and factlint.reference (read-only reference facts). */
#include "core/alloc.h"
#include "core/date.h"
#include "core/normalize.h"
#include "core/utf8.h"
#include "lua/internal.h"
#include "lua/util_text.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *check_utf8(lua_State *L, int idx, size_t *len)
{
    const char *s = luaL_checklstring(L, idx, len);
    if (fl_utf8_validate(s, *len) != *len)
        luaL_argerror(L, idx, "not valid UTF-8");
    return s;
}

bool fl_lua_sub_range(lua_State *L, int idx, size_t n, size_t *from, size_t *len)
{
    lua_Integer i = luaL_optinteger(L, idx, 1), j = luaL_optinteger(L, idx + 1, -1);
    /* string.sub's rules for negative and out-of-range bounds */
    if (i < 0)
        i = (lua_Integer)n + i + 1 > 0 ? (lua_Integer)n + i + 1 : 1;
    else if (i == 0)
        i = 1;
    if (j < 0)
        j = (lua_Integer)n + j + 1;
    else if (j > (lua_Integer)n)
        j = (lua_Integer)n;
    if (i > j)
        return false;
    *from = (size_t)i - 1;
    *len = (size_t)(j - i + 1);
    return true;
}

/* Pushes a malloc'd string and frees it first (through the sandbox's scratch
 * buffer, so a memory error while pushing leaks nothing); raises on NULL. */
static int push_owned(lua_State *L, char *s)
{
    if (!s)
        return luaL_error(L, "not enough memory");
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    int r = fl_strbuf_adds(sc, s);
    fl_free(s);
    if (r)
        return luaL_error(L, "not enough memory");
    lua_pushlstring(L, sc->buf, sc->len);
    return 1;
}

/* The normal form of the string argument idx, in the sandbox's scratch buffer
 * (valid until the next helper call); raises on invalid UTF-8 or ENOMEM. */
static fl_strbuf *normalise_arg(lua_State *L, int idx)
{
    size_t n;
    const char *s = check_utf8(L, idx, &n);
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    if (fl_normalize_append(sc, s, n) < 0)
        luaL_error(L, "not enough memory");
    return sc;
}

/***
 * factlint.util.normalise(s) -> string
 *
 * The comparison form of s: NFKC, case folded, diacritics removed, curly
 * quotes and dashes made ASCII, white space folded ("Sjöqvist  said" ->
 * "sjoqvist said").  Names' `key` fields use the same form.
 */
static int u_normalise(lua_State *L)
{
    fl_strbuf *sc = normalise_arg(L, 1);
    lua_pushlstring(L, sc->buf, sc->len);
    return 1;
}

/* Byte classes for the ASCII path of util.words: what normalise and the
 * form make of each byte. */
enum { W_SEP = 1, W_UPPER = 2, W_LOWER = 4, W_DIGIT = 8 };
static unsigned char word_class[128];
static pthread_once_t word_class_once = PTHREAD_ONCE_INIT;

static void word_classes_init(void)
{
    for (int c = 0; c < 128; c++) {
        /* white space (normalise folds it) and ASCII punctuation (Lua's %p, the
         * form drops it) both separate words */
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || ispunct(c))
            word_class[c] = W_SEP;
        else if (c >= 'A' && c <= 'Z')
            word_class[c] = W_UPPER;
        else if (c >= 'a' && c <= 'z')
            word_class[c] = W_LOWER;
        else if (c >= '0' && c <= '9')
            word_class[c] = W_DIGIT;
    }
}

static const unsigned char *word_classes(void)
{
    pthread_once(&word_class_once, word_classes_init);
    return word_class;
}

/* Pushes util.words' three results. */
static int push_words(lua_State *L, const char *form, const fl_words *w)
{
    lua_pushlstring(L, form, w->form_len);
    lua_pushinteger(L, (lua_Integer)w->words);
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, w->lettered);
    lua_setfield(L, -2, "lettered");
    lua_pushinteger(L, w->capitals);
    lua_setfield(L, -2, "capitals");
    lua_pushlstring(L, form + w->form_len, w->figures_len);
    lua_setfield(L, -2, "figures");
    return 3;
}

/* Appends the word form[start..end) to the figures list when it starts with
 * a digit. */
static size_t add_figure(const unsigned char *cls, char *figs, size_t nfig, const char *form,
                         size_t start, size_t end)
{
    if (!(cls[(unsigned char)form[start]] & W_DIGIT))
        return nfig;
    if (nfig)
        figs[nfig++] = ' ';
    memcpy(figs + nfig, form + start, end - start);
    return nfig + (end - start);
}

/* A word's byte c (of class k) in the form, lowercased; counts a run of
 * capitals at its second one (on the text as given: a run never crosses a
 * separator). */
static inline char form_byte(char c, unsigned char k, size_t *upper_run, lua_Integer *capitals)
{
    if (!(k & W_UPPER)) {
        *upper_run = 0;
        return c;
    }
    if (++*upper_run == 2)
        (*capitals)++;
    return (char)(c + 32);
}

/* fl_words_append for ASCII text in one pass over s: the form (lowercased
 * words joined by single spaces), the figures after it; the same results as
 * normalising first and then splitting (test: tests/lua/fixtures/util.lua). */
static int words_ascii(fl_strbuf *sb, const char *s, size_t n, fl_words *w)
{
    const unsigned char *cls = word_classes();
    /* the form is at most n bytes and the figures at most n more */
    if (fl_strbuf_grow(sb, 2 * n + 2))
        return -1;
    char *form = sb->buf + sb->len, *figs = form + n + 1;
    size_t out = 0, nfig = 0, words = 0, i = 0;
    lua_Integer lettered = 0, capitals = 0;
    while (i < n) {
        while (i < n && (cls[(unsigned char)s[i]] & W_SEP))
            i++;
        if (i == n)
            break;
        if (words)
            form[out++] = ' ';
        words++;
        size_t word_start = out, upper_run = 0;
        bool prev_alpha = false, letters = false;
        for (; i < n; i++) {
            unsigned char k = cls[(unsigned char)s[i]];
            if (k & W_SEP)
                break;
            form[out++] = form_byte(s[i], k, &upper_run, &capitals);
            /* the word is lettered at its first two adjacent letters; the
             * rest of it is only copied (the loop below) */
            bool alpha = k & (W_UPPER | W_LOWER);
            if (alpha && prev_alpha) {
                letters = true;
                lettered++;
                i++;
                break;
            }
            prev_alpha = alpha;
        }
        if (letters)
            for (; i < n; i++) {
                unsigned char k = cls[(unsigned char)s[i]];
                if (k & W_SEP)
                    break;
                form[out++] = form_byte(s[i], k, &upper_run, &capitals);
            }
        nfig = add_figure(cls, figs, nfig, form, word_start, out);
    }
    memmove(form + out, figs, nfig);
    sb->len += out + nfig;
    sb->buf[sb->len] = '\0';
    w->form_len = out;
    w->figures_len = nfig;
    w->words = words;
    w->lettered = lettered;
    w->capitals = capitals;
    return 0;
}

int fl_words_append(fl_strbuf *sb, const char *s, size_t n, fl_words *w)
{
    if (fl_is_ascii(s, n))
        return words_ascii(sb, s, n, w);
    size_t start = sb->len;
    if (fl_normalize_append(sb, s, n) < 0)
        return -1;
    lua_Integer capitals = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z' && i + 1 < n && s[i + 1] >= 'A' && s[i + 1] <= 'Z') {
            capitals++;
            while (i + 1 < n && s[i + 1] >= 'A' && s[i + 1] <= 'Z')
                i++;
        }
    /* the form is written over the normalised text (it is never longer); the
     * figures go after it */
    char *form = sb->buf + start;
    size_t len = sb->len - start, out = 0, words = 0;
    lua_Integer lettered = 0;
    bool in_word = false, letters = false, prev_alpha = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)form[i];
        if (c == ' ' || (c < 0x80 && ispunct(c))) {
            in_word = false;
            continue;
        }
        if (!in_word) {
            if (words)
                form[out++] = ' ';
            words++;
            in_word = true;
            letters = prev_alpha = false;
        }
        bool alpha = c < 0x80 && isalpha(c);
        if (alpha && prev_alpha && !letters) {
            letters = true;
            lettered++;
        }
        prev_alpha = alpha;
        form[out++] = (char)c;
    }
    /* figures: the form's words that start with a digit, appended after the
     * form (room for them all first: no realloc moves the form below) */
    sb->len = start + out;
    if (fl_strbuf_grow(sb, out + 1)) {
        sb->len = start;
        sb->buf[start] = '\0';
        return -1;
    }
    form = sb->buf + start;
    for (size_t i = 0; i < out; i++) {
        if ((i == 0 || form[i - 1] == ' ') && form[i] >= '0' && form[i] <= '9') {
            size_t e = i;
            while (e < out && form[e] != ' ')
                e++;
            if (sb->len > start + out)
                sb->buf[sb->len++] = ' ';
            memcpy(sb->buf + sb->len, form + i, e - i);
            sb->len += e - i;
            i = e;
        }
    }
    sb->buf[sb->len] = '\0';
    w->form_len = out;
    w->figures_len = sb->len - start - out;
    w->words = words;
    w->lettered = lettered;
    w->capitals = capitals;
    return 0;
}

/***
 * factlint.util.words(s) -> string, integer, table
 *
 * The words of s in comparison form, how many there are, and a profile of
 * them.  The form is normalised as by util.normalise, with ASCII punctuation
 * (what Lua's `%p` matches) replaced by spaces and the words joined by
 * single spaces, no space at either end ("The port's 1.1m boxes." ->
 * "the port s 1 1m boxes", 5): two texts with the same words have the same
 * form.  The profile tells prose from tables and legends:
 * `{lettered = words of the form with two adjacent ASCII letters, figures =
 * the words of the form that start with a digit, joined by single spaces,
 * capitals = runs of two or more ASCII capitals in s}`.  One pass in C,
 * where doing the same with string patterns reads every byte several times.
 */
static int u_words(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    if (!fl_is_ascii(s, n))
        check_utf8(L, 1, &n);
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    fl_words w;
    if (fl_words_append(sc, s, n, &w))
        return luaL_error(L, "not enough memory");
    return push_words(L, sc->buf, &w);
}

/***
 * factlint.util.skeleton(s) -> string
 *
 * A confusable skeleton: strings a reader could mistake for one another
 * (Cyrillic or Greek look-alikes, "rn" for "m", "1" for "l") share it.  A
 * grouping key, not text to show.
 */
static int u_skeleton(lua_State *L)
{
    size_t n;
    const char *s = check_utf8(L, 1, &n);
    return push_owned(L, fl_skeleton(s, n));
}

/***
 * factlint.util.edit_distance(a, b [, max]) -> integer
 *
 * Damerau-Levenshtein distance in code points (insertions, deletions,
 * substitutions, adjacent transpositions).  With max, stops early and
 * returns max + 1 once the distance is known to exceed it.
 */
static int u_edit_distance(lua_State *L)
{
    size_t an, bn;
    const char *a = check_utf8(L, 1, &an);
    const char *b = check_utf8(L, 2, &bn);
    lua_Integer max = luaL_optinteger(L, 3, -1);
    size_t m = max < 0 ? SIZE_MAX - 1 : (size_t)max;
    size_t d = fl_edit_distance(a, an, b, bn, m);
    if (d == SIZE_MAX)
        return luaL_error(L, "not enough memory");
    lua_pushinteger(L, (lua_Integer)d);
    return 1;
}

/***
 * factlint.util.number(s) -> number | nil
 *
 * Parses a number as printed in news copy: "1,234.5", "-12", "3.5"
 * (thousands separators must group by three).  nil when s is not one.
 */
static int u_number(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char buf[128];
    size_t o = 0, i = 0, digits = 0, group = 0;
    bool comma = false, dot = false;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        buf[o++] = s[i++];
    for (; i < n && o + 1 < sizeof buf; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            buf[o++] = c;
            digits++;
            group++;
        } else if (c == ',' && !dot && digits && (comma ? group == 3 : group <= 3)) {
            comma = true;
            group = 0;
        } else if (c == '.' && !dot && (!comma || group == 3)) {
            dot = true;
            buf[o++] = c;
            comma = false;
        } else {
            break;
        }
    }
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (!digits || i != n || (comma && group != 3)) {
        lua_pushnil(L);
        return 1;
    }
    buf[o] = '\0';
    lua_pushnumber(L, strtod(buf, NULL));
    if (!dot && fabs(lua_tonumber(L, -1)) < 9e15) {
        lua_Integer v = (lua_Integer)lua_tonumber(L, -1);
        lua_pop(L, 1);
        lua_pushinteger(L, v);
    }
    return 1;
}

static bool check_date(lua_State *L, int idx, fl_date *d)
{
    const char *s = luaL_checkstring(L, idx);
    return fl_date_parse_iso(s, d);
}

/***
 * factlint.util.date(iso) -> {year=, month=, day=, precision=} | nil
 *
 * Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD"; fields below the precision
 * ("year", "month", "day") are 0.  nil when iso is not such a date.
 */
static int u_date(lua_State *L)
{
    fl_date d;
    if (!check_date(L, 1, &d)) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, d.year);
    lua_setfield(L, -2, "year");
    lua_pushinteger(L, d.month);
    lua_setfield(L, -2, "month");
    lua_pushinteger(L, d.day);
    lua_setfield(L, -2, "day");
    lua_pushstring(L, fl_precision_name(d.precision));
    lua_setfield(L, -2, "precision");
    return 1;
}

static bool check_day(lua_State *L, int idx, fl_date *d)
{
    return check_date(L, idx, d) && d->precision == FL_PREC_DAY;
}

/***
 * factlint.util.weekday(iso) -> name, number | nil, message
 *
 * The weekday of a day-precision ISO date: its English name and 1 (Monday)
 * to 7 (Sunday).
 */
static int u_weekday(lua_State *L)
{
    fl_date d;
    if (!check_day(L, 1, &d)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "'%s' is not a day-precision date", lua_tostring(L, 1));
        return 2;
    }
    int w = fl_date_weekday(d.year, d.month, d.day);
    lua_pushstring(L, fl_weekday_names[w]);
    lua_pushinteger(L, w + 1);
    return 2;
}

/***
 * factlint.util.days_between(iso1, iso2) -> integer | nil, message
 *
 * Days from iso1 to iso2 (negative when iso2 is earlier); both must be
 * day-precision dates.
 */
static int u_days_between(lua_State *L)
{
    fl_date a, b;
    if (!check_day(L, 1, &a) || !check_day(L, 2, &b)) {
        luaL_pushfail(L);
        lua_pushliteral(L, "days_between needs two day-precision dates");
        return 2;
    }
    lua_pushinteger(L, fl_date_to_days(b.year, b.month, b.day) -
                           fl_date_to_days(a.year, a.month, a.day));
    return 1;
}

/* ---- reference facts ------------------------------------------------------- */

static bool valid_ref_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return false;
    return true;
}

json_t *fl_worker_reference(fl_rule_worker *w, const char *name, fl_error *err)
{
    for (size_t i = 0; i < w->n_refs; i++)
        if (!strcmp(w->refs[i].name, name))
            return w->refs[i].json;
    json_t *base = NULL;
    json_error_t je;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", w->rs->reference_dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp) {
        fclose(fp);
        if (!(base = json_load_file(path, 0, &je))) {
            fl_error_set(err, FL_EPARSE, "cannot read reference '%s': %s (line %d)", path, je.text,
                         je.line);
            return NULL;
        }
    }
    for (size_t i = 0; i < w->rs->n_reference_files; i++) {
        const char *file = w->rs->reference_files[i];
        json_t *j = json_load_file(file, 0, &je);
        if (!j) {
            json_decref(base);
            fl_error_set(err, FL_EPARSE, "cannot read reference '%s': %s (line %d)", file, je.text,
                         je.line);
            return NULL;
        }
        json_t *jn = json_object_get(j, "name");
        if (!json_is_string(jn) || strcmp(json_string_value(jn), name)) {
            json_decref(j);
            continue;
        }
        if (!base)
            base = j;
        else {
            json_object_update_recursive(base, j);
            json_decref(j);
        }
    }
    if (FL_GROW(w->refs, w->cap_refs, w->n_refs + 1)) {
        json_decref(base);
        fl_error_set(err, FL_ENOMEM, "out of memory");
        return NULL;
    }
    char *nm = fl_strdup(name);
    if (!nm) {
        json_decref(base);
        fl_error_set(err, FL_ENOMEM, "out of memory");
        return NULL;
    }
    w->refs[w->n_refs].name = nm;
    w->refs[w->n_refs].json = base;
    w->n_refs++;
    if (!base)
        fl_error_set(err, FL_EIO, "no reference '%s'", name);
    return base;
}

void fl_worker_references_release(fl_rule_worker *w)
{
    for (size_t i = 0; i < w->n_refs; i++) {
        fl_free(w->refs[i].name);
        json_decref(w->refs[i].json);
    }
    fl_free(w->refs);
    w->refs = NULL;
    w->n_refs = w->cap_refs = 0;
}

static void push_json(lua_State *L, json_t *j, int depth)
{
    luaL_checkstack(L, 4, "reference too deep");
    if (depth > 64)
        luaL_error(L, "reference nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        lua_createtable(L, 0, (int)json_object_size(j));
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            push_json(L, v, depth + 1);
            lua_setfield(L, -2, k);
        }
        fl_sandbox_readonly(L);
        break;
    }
    case JSON_ARRAY: {
        lua_createtable(L, (int)json_array_size(j), 0);
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
        {
            push_json(L, v, depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        fl_sandbox_readonly(L);
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(j));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(j));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    case JSON_NULL:
        lua_pushnil(L);
        break;
    }
}

static json_t *worker_ref(lua_State *L, const char *name)
{
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->w)
        luaL_error(L, "reference facts are not available while the rule file loads; read them "
                      "in check");
    fl_error err;
    json_t *j = fl_worker_reference(st->w, name, &err);
    if (!j) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
    }
    return j;
}

/***
 * factlint.reference(name) -> table | nil, message
 *
 * The reference facts `<reference dir>/<name>.json` (facts/reference/ in
 * the source tree, or the installed copy), merged with the --reference files
 * whose "name" is the same, as a read-only table (loaded once per worker).
 * "exchange-rates" gives `{base="USD", rates={["1985"]={GBP=0.77, ...}}}`
 * (units per US dollar); "officeholders" gives `{offices={{country=,
 * office=, holders={{name=, start=, ["end"]=, variants={...}}}}}}`.
 */
static int l_reference(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (!valid_ref_name(name))
        return luaL_argerror(L, 1, "reference names are lowercase letters, digits and '-'");
    lua_getfield(L, LUA_REGISTRYINDEX, FL_REG_REFS);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, FL_REG_REFS);
    }
    if (lua_getfield(L, -1, name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    json_t *j = worker_ref(L, name);
    if (!j)
        return 2;
    push_json(L, j, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    return 1;
}

static double rate_of(json_t *year, const char *cur)
{
    json_t *r = json_object_get(year, cur);
    return json_is_number(r) ? json_number_value(r) : NAN;
}

/***
 * factlint.util.convert(amount, from, to, year) -> amount, rate | nil, message
 *
 * Converts an amount between ISO 4217 currencies with the annual rates of
 * the "exchange-rates" reference for that year: returns the converted
 * amount and the rate used (units of `to` per unit of `from`).  nil and a
 * message when a rate is missing.
 */
static int u_convert(lua_State *L)
{
    double amount = luaL_checknumber(L, 1);
    const char *from = luaL_checkstring(L, 2);
    const char *to = luaL_checkstring(L, 3);
    char year[32];
    if (lua_type(L, 4) == LUA_TNUMBER)
        snprintf(year, sizeof year, "%lld", (long long)lua_tointeger(L, 4));
    else
        snprintf(year, sizeof year, "%s", luaL_checkstring(L, 4));
    json_t *j = worker_ref(L, "exchange-rates");
    if (!j)
        return 2;
    json_t *y = json_object_get(json_object_get(j, "rates"), year);
    double rf = rate_of(y, from), rt = rate_of(y, to);
    if (isnan(rf) || isnan(rt) || rf <= 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "no exchange rate for %s in %s", isnan(rf) || rf <= 0 ? from : to, year);
        return 2;
    }
    lua_pushnumber(L, amount / rf * rt);
    lua_pushnumber(L, rt / rf);
    return 2;
}

static const luaL_Reg util_funcs[] = {
    {"normalise", u_normalise}, {"words", u_words},
    {"skeleton", u_skeleton},   {"edit_distance", u_edit_distance},
    {"number", u_number},       {"date", u_date},
    {"weekday", u_weekday},     {"days_between", u_days_between},
    {"convert", u_convert},     {NULL, NULL},
};

static const luaL_Reg ref_funcs[] = {
    {"reference", l_reference},
    {NULL, NULL},
};

void fl_lua_open_util(lua_State *L)
{
    luaL_newlib(L, util_funcs);
    fl_lua_open_wordset(L);
    fl_lua_open_util_names(L);
    fl_lua_open_util_text(L);
    fl_lua_open_util_figures(L);
    fl_lua_open_util_quotes(L);
    fl_sandbox_readonly(L);
    lua_setfield(L, -2, "util");
    luaL_setfuncs(L, ref_funcs, 0);
}
