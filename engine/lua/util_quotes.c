/* util_quotes.c - factlint.util helpers written in C for the quote and money rules
 * (quote.attribution-conflict, quote.drift, quote.duplicate, money.no-currency,
 * money.currency-conflict): word forms without a Lua table per call, words two forms share, the
 * edit distance of two forms counted in words, and the values a field of an article's facts
 * takes without a walk in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "core/normalize.h"
#include "core/utf8.h"
#include "lua/internal.h"
#include "lua/util_text.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Lua's %s: the C locale's white space. */
static bool uq_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The next word of s[0..n) from *pos (a run of bytes that are not white
 * space): its start and length; false when there is none. */
static bool uq_next_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *len)
{
    size_t p = *pos;
    while (p < n && uq_space((unsigned char)s[p]))
        p++;
    if (p >= n) {
        *pos = n;
        return false;
    }
    size_t b = p;
    while (p < n && !uq_space((unsigned char)s[p]))
        p++;
    *start = b;
    *len = p - b;
    *pos = p;
    return true;
}

static uint32_t uq_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static const char *uq_check_utf8(lua_State *L, int idx, size_t *len)
{
    const char *s = luaL_checklstring(L, idx, len);
    if (!fl_is_ascii(s, *len) && fl_utf8_validate(s, *len) != *len)
        luaL_argerror(L, idx, "not valid UTF-8");
    return s;
}

/* ---- words_without --------------------------------------------------------- */

/***
 * factlint.util.words_without(s [, drop]) -> string, integer
 *
 * The words of s in util.words' comparison form (normalised, ASCII
 * punctuation made spaces, single spaces), leaving out every word that is
 * a key of the table `drop` with a true value, and how many words are left:
 * `util.words_without("Deputy Prime Minister Mr Prescott", {mr = true,
 * prime = true, minister = true, deputy = true})` is "prescott", 1.  Without
 * drop it is util.words(s) without the profile table (no table is made), and
 * a form given again comes back unchanged.  drop is read with rawget.
 */
static int u_words_without(lua_State *L)
{
    size_t n;
    const char *s = uq_check_utf8(L, 1, &n);
    bool drop = !lua_isnoneornil(L, 2);
    if (drop)
        luaL_checktype(L, 2, LUA_TTABLE);
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    fl_words w;
    if (fl_words_append(sc, s, n, &w))
        return luaL_error(L, "not enough memory");
    if (!drop) {
        lua_pushlstring(L, sc->buf, w.form_len);
        lua_pushinteger(L, (lua_Integer)w.words);
        return 2;
    }
    /* kept words are moved down over the dropped ones, in place */
    char *form = sc->buf;
    size_t pos = 0, out = 0, start, len;
    lua_Integer kept = 0;
    while (uq_next_word(form, w.form_len, &pos, &start, &len)) {
        lua_pushlstring(L, form + start, len);
        bool gone = lua_rawget(L, 2) != LUA_TNIL && lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (gone)
            continue;
        if (out)
            form[out++] = ' ';
        memmove(form + out, form + start, len);
        out += len;
        kept++;
    }
    lua_pushlstring(L, form, out);
    lua_pushinteger(L, kept);
    return 2;
}

/* ---- common_words ---------------------------------------------------------- */

#define UQ_STACK_SLOTS 512

typedef struct uq_slot {
    uint32_t hash;
    uint32_t len; /* 0: empty */
    size_t start; /* into the string the words came from */
    bool counted;
} uq_slot;

/* Slots for at least n words: on the stack when they fit, else a userdata
 * pushed on the Lua stack (the caller's frame frees it). */
static uq_slot *uq_slots(lua_State *L, uq_slot *stack, size_t n, size_t *cap)
{
    size_t c = 16;
    while (c < 2 * n)
        c *= 2;
    uq_slot *s = stack;
    if (c > UQ_STACK_SLOTS) {
        if (c > SIZE_MAX / sizeof *s)
            luaL_error(L, "not enough memory");
        s = lua_newuserdatauv(L, c * sizeof *s, 0);
    }
    memset(s, 0, c * sizeof *s);
    *cap = c;
    return s;
}

static size_t uq_count_words(const char *s, size_t n)
{
    size_t pos = 0, start, len, k = 0;
    while (uq_next_word(s, n, &pos, &start, &len))
        k++;
    return k;
}

/***
 * factlint.util.common_words(a, b [, min_bytes]) -> integer
 *
 * How many distinct words of a are also words of b, counting only words of
 * at least min_bytes bytes (default 1).  A word is a run of bytes that are
 * not white space (Lua's `%S+`), compared byte for byte: give util.words
 * forms to ignore case, accents and punctuation.  `common_words("harris
 * upham and co", "smith barney harris upham", 3)` is 2.
 */
static int u_common_words(lua_State *L)
{
    size_t an, bn;
    const char *a = luaL_checklstring(L, 1, &an);
    const char *b = luaL_checklstring(L, 2, &bn);
    lua_Integer min = luaL_optinteger(L, 3, 1);
    uq_slot stack[UQ_STACK_SLOTS];
    size_t cap;
    uq_slot *set = uq_slots(L, stack, uq_count_words(b, bn), &cap);
    size_t pos = 0, start, len;
    while (uq_next_word(b, bn, &pos, &start, &len)) {
        if ((lua_Integer)len < min)
            continue;
        uint32_t h = uq_hash(b + start, len);
        size_t i = h & (cap - 1);
        while (set[i].len && !(set[i].hash == h && set[i].len == len &&
                               !memcmp(b + set[i].start, b + start, len)))
            i = (i + 1) & (cap - 1);
        set[i] = (uq_slot){h, (uint32_t)len, start, false};
    }
    lua_Integer common = 0;
    pos = 0;
    while (uq_next_word(a, an, &pos, &start, &len)) {
        if ((lua_Integer)len < min)
            continue;
        uint32_t h = uq_hash(a + start, len);
        for (size_t i = h & (cap - 1); set[i].len; i = (i + 1) & (cap - 1)) {
            if (set[i].hash == h && set[i].len == len &&
                !memcmp(b + set[i].start, a + start, len)) {
                if (!set[i].counted) {
                    set[i].counted = true;
                    common++;
                }
                break;
            }
        }
    }
    lua_pushinteger(L, common);
    return 1;
}

/* ---- word_distance --------------------------------------------------------- */

#define UQ_STACK_WORDS 256

/* Gives each word of s[0..n) a number into ids, the same number for the same
 * bytes (its slot in set, where base[i] is the string slot i's word is in);
 * returns how many words s has. */
static size_t uq_word_ids(const char *s, size_t n, uq_slot *set, size_t cap, const char **base,
                          uint32_t *ids)
{
    size_t pos = 0, start, len, k = 0;
    while (uq_next_word(s, n, &pos, &start, &len)) {
        uint32_t h = uq_hash(s + start, len);
        size_t i = h & (cap - 1);
        while (set[i].len && !(set[i].hash == h && set[i].len == len &&
                               !memcmp(base[i] + set[i].start, s + start, len)))
            i = (i + 1) & (cap - 1);
        if (!set[i].len) {
            set[i] = (uq_slot){h, (uint32_t)len, start, false};
            base[i] = s;
        }
        ids[k++] = (uint32_t)i; /* a word's slot is its number */
    }
    return k;
}

/***
 * factlint.util.word_distance(a, b [, max]) -> integer
 *
 * The edit distance of a and b counted in words, as util.edit_distance
 * counts code points (Damerau-Levenshtein, optimal string alignment: a word
 * added, dropped, changed, or two adjacent words swapped, each costing 1).
 * Words are runs of bytes that are not white space, compared byte for byte
 * (give util.words forms).  With max, stops early and returns max + 1 once
 * the distance is known to exceed it.  `word_distance("we knew the first
 * fortnight", "we knew the first month")` is 1.
 */
static int u_word_distance(lua_State *L)
{
    size_t an, bn;
    const char *a = luaL_checklstring(L, 1, &an);
    const char *b = luaL_checklstring(L, 2, &bn);
    lua_Integer maxi = luaL_optinteger(L, 3, -1);
    size_t max = maxi < 0 ? SIZE_MAX - 2 : (size_t)maxi;
    if (max > SIZE_MAX - 2)
        max = SIZE_MAX - 2;
    size_t na = uq_count_words(a, an), nb = uq_count_words(b, bn);
    size_t diff = na > nb ? na - nb : nb - na;
    if (diff > max) {
        lua_pushinteger(L, (lua_Integer)max + 1);
        return 1;
    }
    uq_slot stack_set[UQ_STACK_SLOTS];
    const char *stack_base[UQ_STACK_SLOTS];
    uint32_t stack_ids[2 * UQ_STACK_WORDS];
    size_t stack_rows[3 * (UQ_STACK_WORDS + 1)];
    size_t cap;
    uq_slot *set = uq_slots(L, stack_set, na + nb, &cap);
    const char **base = stack_base;
    uint32_t *ids = stack_ids;
    size_t *rows = stack_rows;
    if (cap > UQ_STACK_SLOTS)
        base = lua_newuserdatauv(L, cap * sizeof *base, 0);
    if (na + nb > 2 * UQ_STACK_WORDS)
        ids = lua_newuserdatauv(L, (na + nb) * sizeof *ids, 0);
    if (nb > UQ_STACK_WORDS)
        rows = lua_newuserdatauv(L, 3 * (nb + 1) * sizeof *rows, 0);
    uq_word_ids(a, an, set, cap, base, ids);
    uq_word_ids(b, bn, set, cap, base, ids + na);
    lua_pushinteger(L, (lua_Integer)fl_osa_distance(ids, na, ids + na, nb, max, rows));
    return 1;
}

/* ---- word_variants --------------------------------------------------------- */

/* Whether " a " occurs in " b " (the words of a, as a contiguous run of the
 * words of b, when both are single-spaced forms): a occurs in b at a word
 * boundary on either side. */
static bool uq_cut_of(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > bn)
        return false;
    for (size_t p = 0; p + an <= bn; p++) {
        if ((p == 0 || b[p - 1] == ' ') && (p + an == bn || b[p + an] == ' ') &&
            (an == 0 || (b[p] == a[0] && !memcmp(b + p, a, an))))
            return true;
    }
    return false;
}

/* One form of a word_variants call: its string, its words' numbers (a run
 * of the call's ids array) and how many of its words a pair may differ by
 * when it is the longer one. */
typedef struct uq_form {
    const char *s;
    size_t len;
    size_t first, words; /* ids[first .. first + words) */
    double limit;
} uq_form;

#define UQ_STACK_FORMS 64

/***
 * factlint.util.word_variants(forms, share) -> list
 *
 * The pairs of a list of forms (util.words forms: words are runs of bytes
 * that are not white space, compared byte for byte) that are variants of
 * one another: for each form j, in order, the first earlier form i such
 * that the two differ in at least one and at most `limit` words
 * (util.word_distance: words added, dropped, changed or two swapped),
 * where limit is math.floor(n * share + 1e-9) for n the word count of the
 * form with more words (of j when they have as many), and neither is a
 * contiguous run of the other's words (`(" " .. b .. " "):find(" " .. a ..
 * " ", 1, true)`: a shortened quote is not a variant).  Returns the pairs
 * as a flat list `{j1, i1, j2, i2, ...}` (1-based positions in forms),
 * empty when there is none.  `util.word_variants({"we knew the first
 * fortnight would be hard", "we knew the first month would be hard"},
 * 0.2)` is `{2, 1}`; with share 0.1 it is empty (limit 0).  One call
 * compares a whole list, where a Lua loop over its pairs calls
 * util.word_distance for each.
 */
static int u_word_variants(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    double share = luaL_checknumber(L, 2);
    lua_settop(L, 2);
    size_t n = (size_t)lua_rawlen(L, 1);
    lua_newtable(L); /* 3: the result */
    if (n < 2)
        return 1;
    /* the forms, on the stack when they fit (strings stay referenced by
     * the table at index 1) */
    uq_form stack_forms[UQ_STACK_FORMS];
    uq_form *forms = stack_forms;
    if (n > UQ_STACK_FORMS) {
        if (n > SIZE_MAX / sizeof *forms)
            return luaL_error(L, "not enough memory");
        forms = lua_newuserdatauv(L, n * sizeof *forms, 0);
    }
    size_t total = 0, most = 0;
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 1, (lua_Integer)k + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "word_variants: forms[%d] is not a string", (int)k + 1);
        uq_form *f = &forms[k];
        f->s = lua_tolstring(L, -1, &f->len);
        lua_pop(L, 1);
        f->first = total;
        f->words = uq_count_words(f->s, f->len);
        f->limit = floor((double)f->words * share + 1e-9);
        total += f->words;
        if (f->words > most)
            most = f->words;
    }
    /* every word of the call gets a number (its slot in one set), so that a
     * pair's distance compares numbers */
    uq_slot stack_set[UQ_STACK_SLOTS];
    const char *stack_base[UQ_STACK_SLOTS];
    uint32_t stack_ids[2 * UQ_STACK_WORDS];
    size_t stack_rows[3 * (UQ_STACK_WORDS + 1)];
    size_t cap;
    uq_slot *set = uq_slots(L, stack_set, total, &cap);
    const char **base = stack_base;
    uint32_t *ids = stack_ids;
    size_t *rows = stack_rows;
    if (cap > UQ_STACK_SLOTS)
        base = lua_newuserdatauv(L, cap * sizeof *base, 0);
    if (total > 2 * UQ_STACK_WORDS)
        ids = lua_newuserdatauv(L, total * sizeof *ids, 0);
    if (most > UQ_STACK_WORDS)
        rows = lua_newuserdatauv(L, 3 * (most + 1) * sizeof *rows, 0);
    for (size_t k = 0; k < n; k++)
        uq_word_ids(forms[k].s, forms[k].len, set, cap, base, ids + forms[k].first);
    lua_Integer found = 0;
    for (size_t j = 1; j < n; j++) {
        const uq_form *b = &forms[j];
        for (size_t i = 0; i < j; i++) {
            const uq_form *a = &forms[i];
            double allowed;
            size_t gap;
            if (a->words > b->words) {
                allowed = a->limit;
                gap = a->words - b->words;
            } else {
                allowed = b->limit;
                gap = b->words - a->words;
            }
            if (!((double)gap <= allowed))
                continue; /* (a NaN limit allows nothing) */
            if (uq_cut_of(b->s, b->len, a->s, a->len) || uq_cut_of(a->s, a->len, b->s, b->len))
                continue;
            size_t max = allowed >= (double)(SIZE_MAX / 4) ? SIZE_MAX / 4 : (size_t)allowed;
            size_t d =
                fl_osa_distance(ids + a->first, a->words, ids + b->first, b->words, max, rows);
            if (d > 0 && d <= max) {
                lua_pushinteger(L, (lua_Integer)j + 1);
                lua_rawseti(L, 3, ++found);
                lua_pushinteger(L, (lua_Integer)i + 1);
                lua_rawseti(L, 3, ++found);
                break;
            }
        }
    }
    lua_settop(L, 3);
    return 1;
}

/* ---- field_values ---------------------------------------------------------- */

/* The string fields field_values reads, and the kinds each applies to (as
 * a fact handle gives them: nil on other kinds). */
typedef enum uq_field {
    UQ_CURRENCY,
    UQ_CURRENCY_SOURCE,
    UQ_QUALIFIER,
    UQ_UNIT,
    UQ_SPEAKER,
    UQ_SPEAKER_TEXT,
    UQ_ATTRIBUTION,
    UQ_NAME,
    UQ_KEY,
    UQ_TITLE,
    UQ_CANONICAL,
} uq_field;

static const char *const uq_field_names[] = {
    "currency", "currency_source", "qualifier",   "unit",
    "speaker",  "speaker_text",    "attribution", "name",
    "key",      "title",           "canonical",   NULL,
};

static const char *uq_field_of(const fl_fact *f, uq_field field)
{
    fl_fact_kind k = f->kind;
    bool num = k == FL_FACT_MONEY || k == FL_FACT_QUANTITY || k == FL_FACT_DURATION ||
               k == FL_FACT_PERCENT;
    bool named = k == FL_FACT_PERSON || k == FL_FACT_ORG || k == FL_FACT_PLACE;
    switch (field) {
    case UQ_CURRENCY:
        return k == FL_FACT_MONEY ? f->currency : NULL;
    case UQ_CURRENCY_SOURCE:
        return k == FL_FACT_MONEY ? f->currency_source : NULL;
    case UQ_QUALIFIER:
        return num ? f->qualifier : NULL;
    case UQ_UNIT:
        if (k == FL_FACT_PERCENT)
            return "percent";
        return num && k != FL_FACT_MONEY ? f->unit : NULL;
    case UQ_SPEAKER:
        return k == FL_FACT_QUOTE ? f->speaker : NULL;
    case UQ_SPEAKER_TEXT:
        return k == FL_FACT_QUOTE ? f->speaker_text : NULL;
    case UQ_ATTRIBUTION:
        return k == FL_FACT_QUOTE ? f->attribution : NULL;
    case UQ_NAME:
        return named ? f->name : NULL;
    case UQ_KEY:
        return named ? f->key : NULL;
    case UQ_TITLE:
        return named ? f->title : NULL;
    case UQ_CANONICAL:
        return named ? f->canonical : NULL;
    }
    return NULL;
}

/***
 * factlint.util.field_values(article, kind, field [, skip_boilerplate]) -> values, without
 *
 * The distinct values a string field takes among the article's facts of one
 * kind, as a list in document order of their first fact, and how many of
 * those facts do not have the field (nil on a handle): one C pass where a
 * walk with `article:facts(kind, field)` pushes every value.  With
 * skip_boilerplate, facts in boilerplate paragraphs are left out of both.
 * The fields are the string fields of facts: "currency", "currency_source",
 * "qualifier", "unit", "speaker", "speaker_text", "attribution", "name",
 * "key", "title" and "canonical" (nil on the kinds they do not apply to, as
 * on a handle).  `local currencies, without = util.field_values(article,
 * "money", "currency")`: `#currencies >= 2` when two currencies are used,
 * `without > 0` when an amount has none.  `article` is the handle of the
 * current check or key() call.
 */
static int u_field_values(lua_State *L)
{
    const fl_facts *fs;
    const fl_article *a = fl_lua_current_article(L, 1, &fs);
    const char *kname = luaL_checkstring(L, 2);
    int kind = fl_fact_kind_from_name(kname);
    if (kind < 0)
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown fact kind '%s'", kname));
    uq_field field = (uq_field)luaL_checkoption(L, 3, NULL, uq_field_names);
    bool skip = lua_toboolean(L, 4);
    lua_settop(L, 4);
    lua_newtable(L); /* 5: the values */
    int nv = 0;
    lua_Integer without = 0;
    /* the values met so far, compared by pointer first (fact strings are
     * often shared), then by bytes */
    const char *seen[64];
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if ((int)f->kind != kind)
            continue;
        if (skip && f->offset <= a->text_len && fl_article_is_boilerplate(a, f->offset))
            continue;
        const char *v = uq_field_of(f, field);
        if (!v) {
            without++;
            continue;
        }
        bool known = false;
        for (int k = 0; k < nv && k < 64 && !known; k++)
            known = seen[k] == v || !strcmp(seen[k], v);
        if (!known && nv >= 64) {
            /* past 64 values: the list itself is searched */
            for (int k = 65; k <= nv && !known; k++) {
                lua_rawgeti(L, 5, k);
                known = !strcmp(lua_tostring(L, -1), v);
                lua_pop(L, 1);
            }
        }
        if (known)
            continue;
        if (nv < 64)
            seen[nv] = v;
        lua_pushstring(L, v);
        lua_rawseti(L, 5, ++nv);
    }
    lua_pushinteger(L, without);
    return 2;
}

/* ---- field_places, facts_lacking ---------------------------------------- */

/* The kind (argument kidx) and string field (argument fidx) of a call. */
static int uq_check_kind(lua_State *L, int kidx)
{
    const char *kname = luaL_checkstring(L, kidx);
    int kind = fl_fact_kind_from_name(kname);
    if (kind < 0)
        return luaL_argerror(L, kidx, lua_pushfstring(L, "unknown fact kind '%s'", kname));
    return kind;
}

static bool uq_in_boilerplate(const fl_article *a, const fl_fact *f)
{
    return f->offset <= a->text_len && fl_article_is_boilerplate(a, f->offset);
}

/***
 * factlint.util.field_places(article, kind, field [, skip_boilerplate]) -> sentences, paragraphs
 *
 * Where the article's facts of one kind that have a string field (one of
 * those util.field_values reads) are: the set of their sentence numbers
 * and the set of their paragraph numbers (number -> true, 1-based as
 * `fact.sentence` and `fact.paragraph`).  With skip_boilerplate, facts in
 * boilerplate paragraphs are left out.  `local priced =
 * util.field_places(article, "money", "currency")` then `priced[f.sentence]`
 * tells whether an amount's sentence holds one with a currency.
 */
static int u_field_places(lua_State *L)
{
    const fl_facts *fs;
    const fl_article *a = fl_lua_current_article(L, 1, &fs);
    int kind = uq_check_kind(L, 2);
    uq_field field = (uq_field)luaL_checkoption(L, 3, NULL, uq_field_names);
    bool skip = lua_toboolean(L, 4);
    lua_settop(L, 4);
    lua_newtable(L); /* 5 */
    lua_newtable(L); /* 6 */
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if ((int)f->kind != kind || !uq_field_of(f, field) || (skip && uq_in_boilerplate(a, f)))
            continue;
        lua_pushboolean(L, 1);
        lua_rawseti(L, 5, f->sentence);
        lua_pushboolean(L, 1);
        lua_rawseti(L, 6, f->paragraph);
    }
    return 2;
}

/* The fields facts_lacking yields: the string fields, then these. */
enum { UQ_STRING_FIELDS = UQ_CANONICAL + 1 };
static const char *const uq_yield_names[] = {
    "currency",  "currency_source", "qualifier",   "unit",
    "speaker",   "speaker_text",    "attribution", "name",
    "key",       "title",           "canonical",   "text",
    "offset",    "length",          "line",        "column",
    "paragraph", "sentence",        "value",       "value_max",
    NULL,
};

#define UQ_MAX_YIELD 16

typedef struct uq_lacking {
    int kind;
    uq_field field;
    bool skip;
    size_t pos; /* the next fact to look at */
    int nf;
    unsigned char fields[UQ_MAX_YIELD];
} uq_lacking;

static void uq_push_yield(lua_State *L, const fl_fact *f, int field)
{
    bool num = f->kind == FL_FACT_MONEY || f->kind == FL_FACT_QUANTITY ||
               f->kind == FL_FACT_DURATION || f->kind == FL_FACT_PERCENT;
    if (field < UQ_STRING_FIELDS) {
        const char *v = uq_field_of(f, (uq_field)field);
        if (v)
            lua_pushstring(L, v);
        else
            lua_pushnil(L);
        return;
    }
    switch (field - UQ_STRING_FIELDS) {
    case 0:
        lua_pushstring(L, f->text ? f->text : "");
        break;
    case 1:
        lua_pushinteger(L, (lua_Integer)f->offset);
        break;
    case 2:
        lua_pushinteger(L, (lua_Integer)f->length);
        break;
    case 3:
        lua_pushinteger(L, f->line);
        break;
    case 4:
        lua_pushinteger(L, f->column);
        break;
    case 5:
        lua_pushinteger(L, f->paragraph);
        break;
    case 6:
        lua_pushinteger(L, f->sentence);
        break;
    case 7:
        if (num)
            fl_lua_push_fact_number(L, f->value);
        else
            lua_pushnil(L);
        break;
    default:
        if (num)
            fl_lua_push_fact_number(L, f->value_max);
        else
            lua_pushnil(L);
        break;
    }
}

static int uq_lacking_iter(lua_State *L)
{
    const fl_facts *fs;
    const fl_article *a = fl_lua_current_article(L, lua_upvalueindex(1), &fs);
    uq_lacking *it = lua_touserdata(L, lua_upvalueindex(2));
    while (it->pos < fs->n) {
        size_t i = it->pos++;
        const fl_fact *f = &fs->items[i];
        if ((int)f->kind != it->kind || uq_field_of(f, it->field) ||
            (it->skip && uq_in_boilerplate(a, f)))
            continue;
        luaL_checkstack(L, it->nf + 1, "too many fields");
        lua_pushinteger(L, (lua_Integer)i + 1);
        for (int k = 0; k < it->nf; k++)
            uq_push_yield(L, f, it->fields[k]);
        return it->nf + 1;
    }
    return 0;
}

/***
 * factlint.util.facts_lacking(article, kind, field, skip_boilerplate, field...) -> iterator
 *
 * `article:facts(kind, field...)` over only the facts of one kind that do
 * not have a string field (one of those util.field_values reads), and, when
 * skip_boilerplate is true, are outside boilerplate paragraphs: it yields
 * each one's number (for `article:fact(i)`) and the fields named after
 * skip_boilerplate (at most 16): the string fields, "text", "offset",
 * "length", "line", "column", "paragraph", "sentence", "value" and
 * "value_max" (the number fields of amounts; nil on other kinds), as a
 * handle gives them.  `for i, text, value in util.facts_lacking(article,
 * "money", "currency", true, "text", "value") do ... end` walks the amounts
 * without a currency, and a rule pays nothing in Lua for the others.
 */
static int u_facts_lacking(lua_State *L)
{
    fl_lua_current_article(L, 1, NULL);
    uq_lacking it = {0};
    it.kind = uq_check_kind(L, 2);
    it.field = (uq_field)luaL_checkoption(L, 3, NULL, uq_field_names);
    luaL_checktype(L, 4, LUA_TBOOLEAN);
    it.skip = lua_toboolean(L, 4);
    int top = lua_gettop(L);
    if (top - 4 > UQ_MAX_YIELD)
        return luaL_error(L, "facts_lacking: at most %d fields", UQ_MAX_YIELD);
    for (int k = 5; k <= top; k++)
        it.fields[it.nf++] = (unsigned char)luaL_checkoption(L, k, NULL, uq_yield_names);
    lua_pushvalue(L, 1);
    uq_lacking *u = lua_newuserdatauv(L, sizeof *u, 0);
    *u = it;
    lua_pushcclosure(L, uq_lacking_iter, 2);
    return 1;
}

/* ---- quotes ---------------------------------------------------------------- */

/* Lua's %s and %p in the C locale, for the capitalised test. */
static bool uq_space_or_punct(unsigned char c)
{
    return uq_space(c) || (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
           (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* Whether s opens, after white space and ASCII punctuation, with an ASCII
 * capital: Lua's `s:match("^[%s%p]*%u")` in the C locale. */
static bool uq_capitalised(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && uq_space_or_punct(*p))
        p++;
    return *p >= 'A' && *p <= 'Z';
}

/* A quote whose speaker the extractor found in the text itself: not
 * partial, with a speaker, not through a pronoun or carried over. */
static bool uq_stated(const fl_fact *f)
{
    return !f->partial && f->speaker &&
           !(f->attribution &&
             (!strcmp(f->attribution, "pronoun") || !strcmp(f->attribution, "carried")));
}

/* The fields util.quotes yields: facts_lacking's (the same numbers), then
 * these. */
enum { UQ_Y_PARTIAL = 20, UQ_Y_FORM, UQ_Y_WORDS, UQ_Y_CAPITALISED };
static const char *const uq_quote_yield_names[] = {
    "currency",    "currency_source",
    "qualifier",   "unit",
    "speaker",     "speaker_text",
    "attribution", "name",
    "key",         "title",
    "canonical",   "text",
    "offset",      "length",
    "line",        "column",
    "paragraph",   "sentence",
    "value",       "value_max",
    "partial",     "form",
    "words",       "capitalised",
    NULL,
};

/* The tests of util.quotes' filter, each -1 (either), 0 (must be false) or
 * 1 (must be true), in the order they are tried: cheapest first; then the
 * two that are not booleans. */
enum { UQ_F_PARTIAL, UQ_F_SPEAKER, UQ_F_STATED, UQ_F_BOILERPLATE, UQ_F_CAPITALISED, UQ_F_N };
enum { UQ_F_MIN_WORDS = UQ_F_N, UQ_F_REPEATED };
static const char *const uq_filter_names[] = {"partial",     "speaker",   "stated",   "boilerplate",
                                              "capitalised", "min_words", "repeated", NULL};

/* An iterator's state, in a userdata upvalue. */
typedef struct uq_quotes {
    signed char test[UQ_F_N];
    lua_Integer min_words; /* 0: not tested */
    bool need_form;        /* min_words or repeated tested, or "form"/"words" yielded */
    bool repeated;         /* only the quotes marked in `marks` */
    size_t pos;            /* the next fact to look at */
    int nf;
    unsigned char fields[UQ_MAX_YIELD];
    unsigned char marks[]; /* with repeated: bit i set when fact i's form is repeated */
} uq_quotes;

/* Whether fact f passes the iterator's tests but `repeated`: 1 or 0, -1
 * when memory ran out.  When it needs the form, the form and its figures
 * are appended to sc and described in w. */
static int uq_quote_passes(const fl_article *a, const fl_fact *f, const uq_quotes *it,
                           fl_strbuf *sc, fl_words *w)
{
    if (f->kind != FL_FACT_QUOTE)
        return 0;
    const signed char *t = it->test;
    if ((t[UQ_F_PARTIAL] >= 0 && f->partial != t[UQ_F_PARTIAL]) ||
        (t[UQ_F_SPEAKER] >= 0 && (f->speaker != NULL) != t[UQ_F_SPEAKER]) ||
        (t[UQ_F_STATED] >= 0 && uq_stated(f) != t[UQ_F_STATED]) ||
        (t[UQ_F_BOILERPLATE] >= 0 && uq_in_boilerplate(a, f) != t[UQ_F_BOILERPLATE]))
        return 0;
    const char *text = f->text ? f->text : "";
    if (t[UQ_F_CAPITALISED] >= 0 && uq_capitalised(text) != t[UQ_F_CAPITALISED])
        return 0;
    if (it->need_form) {
        if (fl_words_append(sc, text, strlen(text), w))
            return -1;
        if ((lua_Integer)w->words < it->min_words)
            return 0;
    }
    return 1;
}

/* luaL_checkoption without a default, comparing a name's first byte before
 * the whole of it (util.quotes reads its filter and fields once a call,
 * and rules call it once an article or more). */
static int uq_check_name(lua_State *L, int idx, const char *const names[])
{
    const char *s = luaL_checkstring(L, idx);
    for (int k = 0; names[k]; k++)
        if (names[k][0] == s[0] && !strcmp(names[k], s))
            return k;
    return luaL_argerror(L, idx, lua_pushfstring(L, "invalid option '%s'", s));
}

/* An entry of the pre-pass of `repeated`: a passing quote's form (in the
 * scratch buffer) and its fact. */
typedef struct uq_seen_form {
    size_t fact, off, len;
    uint32_t hash;
} uq_seen_form;

#define UQ_STACK_QUOTES 256

/* Marks in it->marks the quotes that pass the other tests and share their
 * form with another that does: every passing quote's form goes into the
 * scratch buffer and a hash set of forms. */
static void uq_mark_repeated(lua_State *L, const fl_article *a, const fl_facts *fs, uq_quotes *it)
{
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    size_t nq = 0;
    for (size_t i = 0; i < fs->n; i++)
        nq += fs->items[i].kind == FL_FACT_QUOTE;
    uq_seen_form stack_forms[UQ_STACK_QUOTES];
    uint32_t stack_slots[2 * UQ_STACK_QUOTES];
    uq_seen_form *forms = stack_forms;
    size_t cap = 16;
    while (cap < 2 * nq)
        cap *= 2;
    uint32_t *slots = stack_slots; /* an entry's number + 1; 0: empty */
    if (nq > UQ_STACK_QUOTES) {
        forms = lua_newuserdatauv(L, nq * sizeof *forms, 0);
        slots = lua_newuserdatauv(L, cap * sizeof *slots, 0);
    }
    memset(slots, 0, cap * sizeof *slots);
    size_t m = 0;
    for (size_t i = 0; i < fs->n; i++) {
        size_t off = sc->len;
        fl_words w = {0};
        int pass = uq_quote_passes(a, &fs->items[i], it, sc, &w);
        if (pass < 0)
            luaL_error(L, "not enough memory");
        if (!pass) {
            sc->len = off;
            continue;
        }
        sc->len = off + w.form_len; /* the figures are not needed */
        uint32_t h = uq_hash(sc->buf + off, w.form_len);
        size_t k = h & (cap - 1);
        for (; slots[k]; k = (k + 1) & (cap - 1)) {
            const uq_seen_form *o = &forms[slots[k] - 1];
            if (o->hash == h && o->len == w.form_len &&
                !memcmp(sc->buf + o->off, sc->buf + off, o->len))
                break;
        }
        if (slots[k]) {
            size_t first = forms[slots[k] - 1].fact;
            it->marks[first / 8] |= (unsigned char)(1u << (first % 8));
            it->marks[i / 8] |= (unsigned char)(1u << (i % 8));
            sc->len = off; /* a form already there */
            continue;
        }
        forms[m] = (uq_seen_form){i, off, w.form_len, h};
        slots[k] = (uint32_t)++m;
    }
    fl_strbuf_reset(sc);
}

static int uq_quotes_iter(lua_State *L)
{
    const fl_facts *fs;
    const fl_article *a = fl_lua_current_article(L, lua_upvalueindex(1), &fs);
    uq_quotes *it = lua_touserdata(L, lua_upvalueindex(2));
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    while (it->pos < fs->n) {
        size_t i = it->pos++;
        const fl_fact *f = &fs->items[i];
        if (it->repeated && !(it->marks[i / 8] & (1u << (i % 8))))
            continue;
        fl_words w = {0};
        fl_strbuf_reset(sc);
        int pass = uq_quote_passes(a, f, it, sc, &w);
        if (pass < 0)
            return luaL_error(L, "not enough memory");
        if (!pass)
            continue;
        const char *text = f->text ? f->text : "";
        luaL_checkstack(L, it->nf + 1, "too many fields");
        lua_pushinteger(L, (lua_Integer)i + 1);
        for (int k = 0; k < it->nf; k++) {
            switch (it->fields[k]) {
            case UQ_Y_PARTIAL:
                lua_pushboolean(L, f->partial);
                break;
            case UQ_Y_FORM:
                lua_pushlstring(L, sc->buf, w.form_len);
                break;
            case UQ_Y_WORDS:
                lua_pushinteger(L, (lua_Integer)w.words);
                break;
            case UQ_Y_CAPITALISED:
                lua_pushboolean(L, uq_capitalised(text));
                break;
            default:
                uq_push_yield(L, f, it->fields[k]);
            }
        }
        return it->nf + 1;
    }
    return 0;
}

/***
 * factlint.util.quotes(article, filter, field...) -> iterator
 *
 * `article:facts("quote", field...)` over only the quotes that pass filter,
 * tested in C: it yields each one's number (for `article:fact(i)`) and the
 * fields named (at most 16).  filter is a table (or nil) whose keys are
 * tests, each true or false (absent: either):
 *
 * - `partial`: a partial (scare) quote;
 * - `speaker`: the quote has a speaker;
 * - `stated`: the extractor found the speaker in the text itself: not
 *   partial, with a speaker, and an attribution other than "pronoun" and
 *   "carried" (a guess);
 * - `boilerplate`: the quote is in a boilerplate paragraph;
 * - `capitalised`: its text opens, after white space and ASCII
 *   punctuation, with an ASCII capital (`text:match("^[%s%p]*%u")`);
 *
 * and `min_words`, an integer: its text has at least that many words in
 * util.words' form; and `repeated`, true: only the quotes whose util.words
 * form is also that of another quote of the article that passes the other
 * tests (the quotes printed twice; false is the same as absent).  The fields are those of
 * util.facts_lacking, "partial", and three worked out from the text: "form" and "words" (its
 * util.words form and word count, as util.words_without(text) gives them) and "capitalised" (the
 * test above).  `for i, form in util.quotes(article, {stated = true, capitalised = true, min_words
 * = 6}, "form") do keep(i, form) end` keys the whole quotes a speaker was named for, and a rule
 * pays nothing in Lua for the others.  An unknown test or field raises.
 */
static int u_quotes(lua_State *L)
{
    const fl_facts *fs;
    const fl_article *a = fl_lua_current_article(L, 1, &fs);
    uq_quotes it = {0};
    memset(it.test, -1, sizeof it.test);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "quotes: filter keys are test names");
            int t = uq_check_name(L, -2, uq_filter_names);
            if (t == UQ_F_MIN_WORDS) {
                it.min_words = luaL_checkinteger(L, -1);
                it.need_form = it.need_form || it.min_words > 0;
            } else if (t == UQ_F_REPEATED) {
                luaL_checktype(L, -1, LUA_TBOOLEAN);
                it.repeated = lua_toboolean(L, -1);
                it.need_form = it.need_form || it.repeated;
            } else {
                luaL_checktype(L, -1, LUA_TBOOLEAN);
                it.test[t] = (signed char)lua_toboolean(L, -1);
            }
            lua_pop(L, 1);
        }
    }
    int top = lua_gettop(L);
    if (top - 2 > UQ_MAX_YIELD)
        return luaL_error(L, "quotes: at most %d fields", UQ_MAX_YIELD);
    for (int k = 3; k <= top; k++) {
        int f = uq_check_name(L, k, uq_quote_yield_names);
        it.fields[it.nf++] = (unsigned char)f;
        if (f == UQ_Y_FORM || f == UQ_Y_WORDS)
            it.need_form = true;
    }
    size_t marks = it.repeated ? (fs->n + 7) / 8 : 0;
    lua_pushvalue(L, 1);
    uq_quotes *u = lua_newuserdatauv(L, sizeof *u + marks, 0);
    *u = it;
    memset(u->marks, 0, marks);
    if (it.repeated) {
        int top_now = lua_gettop(L);
        uq_mark_repeated(L, a, fs, u);
        lua_settop(L, top_now);
    }
    lua_pushcclosure(L, uq_quotes_iter, 2);
    return 1;
}

static const luaL_Reg util_quotes_funcs[] = {
    {"field_places", u_field_places},
    {"facts_lacking", u_facts_lacking},
    {"quotes", u_quotes},
    {"field_values", u_field_values},
    {"words_without", u_words_without},
    {"common_words", u_common_words},
    {"word_distance", u_word_distance},
    {"word_variants", u_word_variants},
    {NULL, NULL},
};

void fl_lua_open_util_quotes(lua_State *L)
{
    luaL_setfuncs(L, util_quotes_funcs, 0);
}
