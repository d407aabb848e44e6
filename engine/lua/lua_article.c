/* lua_article.c - the article and fact handles a rule's check receives (borrowed, read-only). */
#include "core/alloc.h"
#include "lua/internal.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct l_article {
    unsigned long gen;
} l_article;

typedef struct l_fact {
    const fl_fact *f;
    const fl_facts *all;
    const fl_kept *kept;
    unsigned long gen;
} l_fact;

static const fl_article *check_article(lua_State *L, int idx)
{
    fl_rule_state *st = fl_lua_state(L);
    /* the handle of the current call: nothing else can live at its address */
    void *p = lua_touserdata(L, idx);
    if (p && st && st->call && st->call->a && p == st->call->article_ud)
        return st->call->a;
    l_article *u = fl_sandbox_checkudata(L, idx, FL_UDATA_ARTICLE, FL_META_ARTICLE);
    if (!st || !st->call || !st->call->a || u->gen != st->w->generation)
        luaL_error(L, "article handle used after its check returned");
    return st->call->a;
}

const fl_article *fl_lua_current_article(lua_State *L, int idx, const fl_facts **facts)
{
    fl_rule_state *st = fl_lua_state(L);
    void *p = lua_touserdata(L, idx);
    if (!st || !st->call || !st->call->a || !p || p != st->call->article_ud)
        luaL_argerror(L, idx, "not the article of the current call");
    if (facts)
        *facts = st->call->facts;
    return st->call->a;
}

static l_fact *check_fact_ud(lua_State *L, int idx)
{
    l_fact *u = fl_sandbox_checkudata(L, idx, FL_UDATA_FACT, FL_META_FACT);
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->call || u->gen != st->w->generation)
        luaL_error(L, "fact handle used after its check returned");
    return u;
}

const fl_fact *fl_lua_check_fact(lua_State *L, int idx, const fl_kept **kept)
{
    l_fact *u = check_fact_ud(L, idx);
    if (kept)
        *kept = u->kept;
    return u->f;
}

void fl_lua_push_fact(lua_State *L, fl_rule_state *st, const fl_fact *f, const fl_facts *all,
                      const fl_kept *kept)
{
    l_fact *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->f = f;
    u->all = all;
    u->kept = kept;
    u->gen = st->w->generation;
    fl_sandbox_setmetatable(L, FL_UDATA_FACT, FL_META_FACT);
}

void fl_lua_push_article(lua_State *L, fl_rule_state *st)
{
    l_article *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->gen = st->w->generation;
    fl_sandbox_setmetatable(L, FL_UDATA_ARTICLE, FL_META_ARTICLE);
    if (st->call)
        st->call->article_ud = u;
}

static void push_opt_string(lua_State *L, const char *s)
{
    if (s)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
}

static int kind_arg(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return -1;
    const char *k = luaL_checkstring(L, idx);
    int kind = fl_fact_kind_from_name(k);
    if (kind < 0)
        return luaL_argerror(L, idx, lua_pushfstring(L, "unknown fact kind '%s'", k));
    return kind;
}

/***
 * article:meta(key) -> value | nil
 *
 * A metadata field kept from the input (a JSONL field or front-matter key
 * the model has no slot for).  JSON strings, numbers and booleans come back
 * as Lua values; arrays and objects as their JSON text; absent keys as nil.
 */
static int a_meta(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    const char *v = fl_article_meta(a, luaL_checkstring(L, 2));
    if (!v) {
        lua_pushnil(L);
        return 1;
    }
    json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
    if (j && json_is_string(j))
        lua_pushstring(L, json_string_value(j));
    else if (j && json_is_integer(j))
        lua_pushinteger(L, (lua_Integer)json_integer_value(j));
    else if (j && json_is_real(j))
        lua_pushnumber(L, json_real_value(j));
    else if (j && json_is_boolean(j))
        lua_pushboolean(L, json_is_true(j));
    else if (j && json_is_null(j))
        lua_pushnil(L);
    else
        lua_pushstring(L, v);
    json_decref(j);
    return 1;
}

/***
 * article:text([offset [, length]]) -> string
 *
 * The article text, or the bytes [offset, offset+length) of it; offsets are
 * 0-based byte offsets as in facts and spans.  A range outside the text is an
 * error.  The whole text is made into a string once per call, however often
 * it is asked for; `article.length` is its length without making it.
 */
static int a_text(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    if (lua_gettop(L) == 1) {
        fl_call *call = fl_lua_state(L)->call;
        if (!call->text_ref) {
            lua_pushlstring(L, a->text, a->text_len);
            call->text_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, call->text_ref);
        return 1;
    }
    lua_Integer off = luaL_optinteger(L, 2, 0);
    lua_Integer len = luaL_optinteger(L, 3, (lua_Integer)a->text_len - off);
    if (off < 0 || len < 0 || (size_t)off > a->text_len || (size_t)len > a->text_len - (size_t)off)
        return luaL_error(L, "text range {offset=%d, length=%d} is outside the article (%d bytes)",
                          (int)off, (int)len, (int)a->text_len);
    lua_pushlstring(L, a->text + off, (size_t)len);
    return 1;
}

static int para_iter(lua_State *L)
{
    const fl_article *a = check_article(L, lua_upvalueindex(1));
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if ((size_t)i >= a->n_paragraphs)
        return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    const fl_paragraph *p = &a->paragraphs[i];
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)p->offset);
    lua_setfield(L, -2, "offset");
    lua_pushinteger(L, (lua_Integer)p->length);
    lua_setfield(L, -2, "length");
    lua_pushinteger(L, i + 1);
    lua_setfield(L, -2, "index");
    if (p->boilerplate)
        lua_pushstring(L, fl_boilerplate_name(p->boilerplate));
    else
        lua_pushboolean(L, 0);
    lua_setfield(L, -2, "boilerplate");
    lua_pushboolean(L, p->heading);
    lua_setfield(L, -2, "heading");
    return 1;
}

/***
 * article:paragraphs() -> iterator
 *
 * `for p in article:paragraphs() do ... end` yields, in order, tables
 * `{index=, offset=, length=, boilerplate=, heading=}`; `boilerplate` is
 * false for content or the reason ("navigation", "share", "newsletter",
 * "promoted", "credit", "chrome").
 */
static int a_paragraphs(lua_State *L)
{
    check_article(L, 1);
    lua_settop(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, para_iter, 2);
    return 1;
}

static int sent_iter(lua_State *L)
{
    const fl_article *a = check_article(L, lua_upvalueindex(1));
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if ((size_t)i >= a->n_sentences)
        return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    const fl_sentence *s = &a->sentences[i];
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)s->offset);
    lua_setfield(L, -2, "offset");
    lua_pushinteger(L, (lua_Integer)s->length);
    lua_setfield(L, -2, "length");
    lua_pushinteger(L, i + 1);
    lua_setfield(L, -2, "index");
    lua_pushinteger(L, (lua_Integer)s->paragraph + 1);
    lua_setfield(L, -2, "paragraph");
    return 1;
}

/***
 * article:sentences() -> iterator
 *
 * Yields `{index=, offset=, length=, paragraph=}` for each sentence in order
 * (`paragraph` is 1-based).
 */
static int a_sentences(lua_State *L)
{
    check_article(L, 1);
    lua_settop(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, sent_iter, 2);
    return 1;
}

/***
 * article:paragraph(index) -> offset, length, boilerplate, heading | nil
 *
 * Paragraph `index` (1-based, as `fact.paragraph`) without a table: what
 * `article:paragraphs()` gives for it as values (`boilerplate` is false or
 * the reason); nil when there is no such paragraph.  `for i = 1,
 * article.paragraph_count do local o, n, bp = article:paragraph(i) ... end`.
 */
static int a_paragraph(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > a->n_paragraphs) {
        lua_pushnil(L);
        return 1;
    }
    const fl_paragraph *p = &a->paragraphs[i - 1];
    lua_pushinteger(L, (lua_Integer)p->offset);
    lua_pushinteger(L, (lua_Integer)p->length);
    if (p->boilerplate)
        lua_pushstring(L, fl_boilerplate_name(p->boilerplate));
    else
        lua_pushboolean(L, 0);
    lua_pushboolean(L, p->heading);
    return 4;
}

/***
 * article:sentence(index) -> offset, length, paragraph | nil
 *
 * Sentence `index` (1-based, as `fact.sentence`) without a table: its byte
 * offset and length and its 1-based paragraph; nil when there is no such
 * sentence.  `local o, n = article:sentence(f.sentence)` then
 * `article:text(o, n)` reads a fact's sentence.
 */
static int a_sentence(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 1 || (size_t)i > a->n_sentences) {
        lua_pushnil(L);
        return 1;
    }
    const fl_sentence *s = &a->sentences[i - 1];
    lua_pushinteger(L, (lua_Integer)s->offset);
    lua_pushinteger(L, (lua_Integer)s->length);
    lua_pushinteger(L, (lua_Integer)s->paragraph + 1);
    return 3;
}

/***
 * article:sentence_at(offset) -> index | nil
 *
 * The 1-based index of the sentence holding byte `offset`, nil when the
 * offset is in no sentence (between sentences, or outside the text).
 */
static int a_sentence_at(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    size_t i =
        off < 0 || (size_t)off > a->text_len ? SIZE_MAX : fl_article_sentence_at(a, (size_t)off);
    if (i == SIZE_MAX)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)i + 1);
    return 1;
}

/***
 * article:is_boilerplate(offset) -> boolean
 *
 * True when the byte offset lies in a boilerplate paragraph (navigation,
 * newsletter blurbs, promoted links, credits...).
 */
static int a_is_boilerplate(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    lua_pushboolean(L, off >= 0 && (size_t)off <= a->text_len &&
                           fl_article_is_boilerplate(a, (size_t)off));
    return 1;
}

/***
 * article:locate(offset) -> line, column
 *
 * The 1-based line (in the input file) and column (in characters) of a byte
 * offset.
 */
static int a_locate(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    if (off < 0 || (size_t)off > a->text_len)
        return luaL_argerror(L, 2, "offset outside the article");
    uint32_t line, col;
    fl_article_locate(a, (size_t)off, &line, &col);
    lua_pushinteger(L, line);
    lua_pushinteger(L, col);
    return 2;
}

void fl_lua_push_fact_number(lua_State *L, double v)
{
    if (isnan(v))
        lua_pushnil(L);
    else if (v == floor(v) && fabs(v) < 9e15)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
}

/* The fields of a fact handle, looked up by name in a table (an upvalue of
 * f_index) rather than by a chain of strcmp: a rule reads fields in its
 * innermost loops. */
typedef enum fact_field {
    FF_KIND = 1,
    FF_TEXT,
    FF_OFFSET,
    FF_LENGTH,
    FF_LINE,
    FF_COLUMN,
    FF_PARAGRAPH,
    FF_SENTENCE,
    FF_ARTICLE,
    FF_PATH,
    FF_VALUE,
    FF_VALUE_MAX,
    FF_UNIT,
    FF_QUALIFIER,
    FF_CURRENCY,
    FF_CURRENCY_SOURCE,
    FF_LINKED,
    FF_SPEAKER,
    FF_SPEAKER_TEXT,
    FF_ATTRIBUTION,
    FF_PARTIAL,
    FF_PRECISION,
    FF_RELATIVE,
    FF_RESOLVED,
    FF_ANCHOR,
    FF_WEEKDAY_MISMATCH,
    FF_NAME,
    FF_KEY,
    FF_TITLE,
    FF_CANONICAL,
} fact_field;

static const char *const fact_field_names[] = {
    NULL,
    "kind",
    "text",
    "offset",
    "length",
    "line",
    "column",
    "paragraph",
    "sentence",
    "article",
    "path",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "currency",
    "currency_source",
    "linked",
    "speaker",
    "speaker_text",
    "attribution",
    "partial",
    "precision",
    "relative",
    "resolved",
    "anchor",
    "weekday_mismatch",
    "name",
    "key",
    "title",
    "canonical",
};

/* Pushes field `field` of fact f (all: its article's facts, for `linked`;
 * kept: the kept copy a corpus check sees, else NULL); nil when it does not
 * apply. */
static void push_field(lua_State *L, fl_rule_state *st, const fl_fact *f, const fl_facts *all,
                       const fl_kept *kept, fact_field field)
{
    fl_fact_kind kind = f->kind;
    bool num = kind == FL_FACT_MONEY || kind == FL_FACT_QUANTITY || kind == FL_FACT_DURATION ||
               kind == FL_FACT_PERCENT;
    bool named = kind == FL_FACT_PERSON || kind == FL_FACT_ORG || kind == FL_FACT_PLACE;
    bool quote = kind == FL_FACT_QUOTE, date = kind == FL_FACT_DATE;
    switch (field) {
    case FF_KIND:
        lua_pushstring(L, fl_fact_kind_name(kind));
        break;
    case FF_TEXT:
        lua_pushstring(L, f->text ? f->text : "");
        break;
    case FF_OFFSET:
        lua_pushinteger(L, (lua_Integer)f->offset);
        break;
    case FF_LENGTH:
        lua_pushinteger(L, (lua_Integer)f->length);
        break;
    case FF_LINE:
        lua_pushinteger(L, f->line);
        break;
    case FF_COLUMN:
        lua_pushinteger(L, f->column);
        break;
    case FF_PARAGRAPH:
        lua_pushinteger(L, f->paragraph);
        break;
    case FF_SENTENCE:
        lua_pushinteger(L, f->sentence);
        break;
    case FF_ARTICLE:
        if (kept)
            lua_pushstring(L, kept->article_id);
        else
            lua_pushstring(L, st->call->a->id ? st->call->a->id : st->call->a->path);
        break;
    case FF_PATH:
        push_opt_string(L, kept ? kept->path : st->call->a->path);
        break;
    case FF_VALUE:
        if (num) {
            fl_lua_push_fact_number(L, f->value);
        } else if (date) {
            char iso[32];
            fl_date_format(f->date, iso, sizeof iso);
            push_opt_string(L, f->date.precision ? iso : NULL);
        } else {
            lua_pushnil(L);
        }
        break;
    case FF_VALUE_MAX:
        if (num)
            fl_lua_push_fact_number(L, f->value_max);
        else
            lua_pushnil(L);
        break;
    case FF_UNIT:
        if (kind == FL_FACT_PERCENT)
            lua_pushliteral(L, "percent");
        else
            push_opt_string(L, num && kind != FL_FACT_MONEY ? f->unit : NULL);
        break;
    case FF_QUALIFIER:
        push_opt_string(L, num ? f->qualifier : NULL);
        break;
    case FF_CURRENCY:
        push_opt_string(L, kind == FL_FACT_MONEY ? f->currency : NULL);
        break;
    case FF_CURRENCY_SOURCE:
        push_opt_string(L, kind == FL_FACT_MONEY ? f->currency_source : NULL);
        break;
    case FF_LINKED:
        if (kind == FL_FACT_MONEY && all && f->link >= 0 && (size_t)f->link < all->n)
            fl_lua_push_fact(L, st, &all->items[f->link], all, NULL);
        else
            lua_pushnil(L);
        break;
    case FF_SPEAKER:
        push_opt_string(L, quote ? f->speaker : NULL);
        break;
    case FF_SPEAKER_TEXT:
        push_opt_string(L, quote ? f->speaker_text : NULL);
        break;
    case FF_ATTRIBUTION:
        push_opt_string(L, quote ? f->attribution : NULL);
        break;
    case FF_PARTIAL:
        if (quote)
            lua_pushboolean(L, f->partial);
        else
            lua_pushnil(L);
        break;
    case FF_PRECISION:
        push_opt_string(L, date && f->date.precision ? fl_precision_name(f->date.precision) : NULL);
        break;
    case FF_RELATIVE:
        if (date)
            lua_pushboolean(L, f->relative);
        else
            lua_pushnil(L);
        break;
    case FF_RESOLVED:
        if (date)
            lua_pushboolean(L, f->relative ? f->resolved : f->date.precision != 0);
        else
            lua_pushnil(L);
        break;
    case FF_ANCHOR:
        push_opt_string(L, date ? f->anchor : NULL);
        break;
    case FF_WEEKDAY_MISMATCH:
        if (date)
            lua_pushboolean(L, f->weekday_mismatch);
        else
            lua_pushnil(L);
        break;
    case FF_NAME:
        push_opt_string(L, named ? f->name : NULL);
        break;
    case FF_KEY:
        push_opt_string(L, named ? f->key : NULL);
        break;
    case FF_TITLE:
        push_opt_string(L, named ? f->title : NULL);
        break;
    case FF_CANONICAL:
        push_opt_string(L, named ? f->canonical : NULL);
        break;
    default:
        lua_pushnil(L);
        break;
    }
}

/* Pushes the call's handle of fact i (0-based), made on first use: one
 * handle per fact and call, however often the rule walks the facts. */
static void push_handle(lua_State *L, fl_rule_state *st, size_t i)
{
    fl_call *call = st->call;
    const fl_facts *fs = call->facts;
    if (!call->handles_ref) {
        lua_createtable(L, (int)fs->n, 0);
        call->handles_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->handles_ref);
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TNIL) {
        lua_pop(L, 1);
        fl_lua_push_fact(L, st, &fs->items[i], fs, NULL);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_remove(L, -2);
}

/* Upvalues: 1 the article, 2 the kind (-1 any), 3 the next index, 4 the
 * number of fields asked for, 5.. their fact_field codes. */
/* The state of one article:facts walk, a userdata upvalue of the iterator:
 * read and written in place, where integers in upvalues took a conversion
 * and a replace each a step. */
typedef struct facts_walk {
    lua_Integer next; /* the fact to look at next, 0-based */
    int kind;         /* -1: every kind */
    int n_fields;
    unsigned char fields[16]; /* fact_field codes */
} facts_walk;

static int facts_iter(lua_State *L)
{
    check_article(L, lua_upvalueindex(1));
    fl_rule_state *st = fl_lua_state(L);
    const fl_facts *fs = st->call->facts;
    facts_walk *w = lua_touserdata(L, lua_upvalueindex(2));
    size_t i = (size_t)w->next;
    int kind = w->kind;
    while (i < fs->n && kind >= 0 && (int)fs->items[i].kind != kind)
        i++;
    if (i >= fs->n) {
        w->next = (lua_Integer)fs->n;
        return 0;
    }
    w->next = (lua_Integer)i + 1;
    int n_fields = w->n_fields;
    if (!n_fields) {
        push_handle(L, st, i);
        return 1;
    }
    luaL_checkstack(L, n_fields + 1, "too many fields");
    lua_pushinteger(L, (lua_Integer)i + 1);
    for (int k = 0; k < n_fields; k++)
        push_field(L, st, &fs->items[i], fs, NULL, (fact_field)w->fields[k]);
    return 1 + n_fields;
}

/***
 * article:facts([kind [, field...]]) -> iterator
 *
 * `for f in article:facts("money") do ... end` yields the article's facts of
 * one kind ("quote", "money", "quantity", "percent", "duration", "date",
 * "person", "org", "place"), or of every kind when kind is nil, in document
 * order.  Each is a read-only fact handle; within one call a fact has one
 * handle, so walking the facts twice yields the same objects (usable as
 * table keys).  Given field names after the kind, it yields instead the
 * fact's number (for `article:fact(i)`) and those fields' values, without a
 * handle or a call per field: `for i, unit, sentence in
 * article:facts("quantity", "unit", "sentence") do ... end` (fields that do
 * not apply are nil, as on a handle; at most 16 fields).
 */
static int a_facts(lua_State *L)
{
    check_article(L, 1);
    int kind = kind_arg(L, 2);
    int n_fields = lua_gettop(L) > 2 ? lua_gettop(L) - 2 : 0;
    if (n_fields > 16)
        return luaL_argerror(L, 19, "at most 16 fields");
    lua_settop(L, 2 + n_fields);
    facts_walk *w = lua_newuserdatauv(L, sizeof *w, 0);
    w->next = 0;
    w->kind = kind;
    w->n_fields = n_fields;
    for (int k = 0; k < n_fields; k++) {
        /* the name -> code table shared with fact.__index (upvalue 1) */
        const char *name = luaL_checkstring(L, 3 + k);
        lua_pushvalue(L, 3 + k);
        lua_Integer code =
            lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
        lua_pop(L, 1);
        if (code <= 0 || code > UCHAR_MAX)
            return luaL_argerror(L, 3 + k, lua_pushfstring(L, "unknown fact field '%s'", name));
        w->fields[k] = (unsigned char)code;
    }
    lua_pushvalue(L, 1);
    lua_insert(L, -2);
    lua_pushcclosure(L, facts_iter, 2);
    return 1;
}

/***
 * article:fact(i) -> fact | nil
 *
 * The handle of the article's fact number i (1-based, in document order over
 * every kind: the number `article:facts(kind, field...)` yields), nil when
 * there is none; the same handle `article:facts()` gives for that fact.
 */
static int a_fact(lua_State *L)
{
    check_article(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    fl_rule_state *st = fl_lua_state(L);
    if (i < 1 || (size_t)i > st->call->facts->n) {
        lua_pushnil(L);
        return 1;
    }
    push_handle(L, st, (size_t)i - 1);
    return 1;
}

/***
 * article:fact_count([kind]) -> integer
 *
 * How many facts of that kind (every kind when nil) the article has.
 */
static int a_fact_count(lua_State *L)
{
    check_article(L, 1);
    int kind = kind_arg(L, 2);
    const fl_facts *fs = fl_lua_state(L)->call->facts;
    lua_Integer n = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (kind < 0 || (int)fs->items[i].kind == kind)
            n++;
    lua_pushinteger(L, n);
    return 1;
}

static const luaL_Reg article_methods[] = {
    {"meta", a_meta},
    {"text", a_text},
    {"paragraphs", a_paragraphs},
    {"sentences", a_sentences},
    {"sentence", a_sentence},
    {"paragraph", a_paragraph},
    {"sentence_at", a_sentence_at},
    {"is_boilerplate", a_is_boilerplate},
    {"locate", a_locate},
    {"facts", a_facts}, /* replaced by a closure: fl_lua_open_article */
    {"fact", a_fact},
    {"fact_count", a_fact_count},
    {NULL, NULL},
};

/***
 * article.id, article.title, article.path, article.source, article.format, article.dateline,
 * article.dateline_source, article.length, article.paragraph_count, article.sentence_count
 *
 * Fields of the article being checked: its id (the JSONL "id", else the
 * path), title and source (nil when unknown), input path, format ("txt",
 * "md", "html", "jsonl"), dateline as an ISO date (nil when it has none) and
 * where the dateline came from ("front-matter", "jsonl", "html-meta", "text",
 * "cli"), the text's length in bytes, and how many paragraphs and sentences
 * it has (for `article:paragraph(i)` and `article:sentence(i)`).  The
 * handle is borrowed: using it after check returned
 * raises "article handle used after its check returned".
 */
static int a_index(lua_State *L)
{
    /* methods first: article:text() and friends are read far more often than
     * the fields, and the method table is one hash look-up */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    const fl_article *a = check_article(L, 1);
    size_t n;
    const char *k = luaL_checklstring(L, 2, &n);
    /* by length first: one compare for most names */
#define IS(name) (n == sizeof name - 1 && !memcmp(k, name, sizeof name - 1))
    if (IS("id"))
        lua_pushstring(L, a->id ? a->id : a->path ? a->path : "");
    else if (IS("title"))
        push_opt_string(L, a->title);
    else if (IS("path"))
        push_opt_string(L, a->path);
    else if (IS("source"))
        push_opt_string(L, a->source);
    else if (IS("format"))
        lua_pushstring(L, fl_format_name(a->format));
    else if (IS("length"))
        lua_pushinteger(L, (lua_Integer)a->text_len);
    else if (IS("paragraph_count"))
        lua_pushinteger(L, (lua_Integer)a->n_paragraphs);
    else if (IS("sentence_count"))
        lua_pushinteger(L, (lua_Integer)a->n_sentences);
    else if (IS("dateline") || IS("dateline_source")) {
        if (a->dateline.precision == FL_PREC_NONE) {
            lua_pushnil(L);
        } else if (k[8] == '_') {
            lua_pushstring(L, fl_dateline_source_name(a->dateline_source));
        } else {
            char iso[32];
            fl_date_format(a->dateline, iso, sizeof iso);
            lua_pushstring(L, iso);
        }
    } else {
        lua_pushnil(L);
    }
#undef IS
    return 1;
}

/***
 * article.__newindex
 *
 * Articles are read-only: assigning a field raises "articles are read-only".
 */
static int a_newindex(lua_State *L)
{
    return luaL_error(L, "articles are read-only");
}

/***
 * fact.FIELD
 *
 * Facts are read-only handles whose fields are computed when read; the
 * names are those of the facts JSON (docs/facts.md).  Every fact: `kind`,
 * `text`, `offset`, `length` (bytes, 0-based), `line`, `column`,
 * `paragraph`, `sentence` (1-based), `article` (the article id) and `path`.
 * money: `value`, `value_max`, `currency`, `currency_source`, `qualifier`,
 * `linked` (the fact of a side-by-side conversion).  quantity, duration:
 * `value`, `value_max`, `unit`, `qualifier`.  percent: `value`, `value_max`,
 * `unit` ("percent"), `qualifier`.  quote: `speaker`, `speaker_text`,
 * `attribution`, `partial`.  date: `value` (ISO), `precision`, `relative`,
 * `resolved`, `anchor`, `weekday_mismatch`.  person, org, place: `name`,
 * `key`, `title`, `canonical`.  Fields that do not apply are nil.  Using a
 * fact after its check returned raises "fact handle used after its check
 * returned".
 */
static int f_index(lua_State *L)
{
    /* only reachable through the (locked) metatable, so 1 is a fact handle */
    l_fact *u = lua_touserdata(L, 1);
    fl_rule_state *st = fl_lua_state(L);
    if (!u || !st || !st->call || u->gen != st->w->generation)
        return luaL_error(L, "fact handle used after its check returned");
    lua_pushvalue(L, 2);
    fact_field field = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER
                           ? (fact_field)lua_tointeger(L, -1)
                           : (fact_field)0;
    lua_pop(L, 1);
    if (!field)
        luaL_checkstring(L, 2); /* a non-string key is an error, as before */
    push_field(L, st, u->f, u->all, u->kept, field);
    return 1;
}

/***
 * fact.__newindex
 *
 * Facts are read-only: assigning a field raises "facts are read-only".
 */
static int f_newindex(lua_State *L)
{
    return luaL_error(L, "facts are read-only");
}

/***
 * fact.__eq(a, b) -> boolean
 *
 * Two handles are equal when they name the same fact.
 */
static int f_eq(lua_State *L)
{
    l_fact *a = fl_sandbox_checkudata(L, 1, FL_UDATA_FACT, FL_META_FACT);
    l_fact *b = fl_sandbox_checkudata(L, 2, FL_UDATA_FACT, FL_META_FACT);
    lua_pushboolean(L, a->f == b->f);
    return 1;
}

/***
 * fact.__tostring(f) -> string
 *
 * "kind 'text' at line:column", for messages and print debugging.
 */
static int f_tostring(lua_State *L)
{
    l_fact *u = check_fact_ud(L, 1);
    lua_pushfstring(L, "%s '%s' at %d:%d", fl_fact_kind_name(u->f->kind),
                    u->f->text ? u->f->text : "", (int)u->f->line, (int)u->f->column);
    return 1;
}

static const luaL_Reg article_meta[] = {
    {"__index", a_index},
    {"__newindex", a_newindex},
    {NULL, NULL},
};

static const luaL_Reg fact_meta[] = {
    {"__newindex", f_newindex},
    {"__eq", f_eq},
    {"__tostring", f_tostring},
    {NULL, NULL},
};

/* Pushes a table of fact field names to their fact_field codes. */
static void push_field_codes(lua_State *L)
{
    size_t n_fields = sizeof fact_field_names / sizeof *fact_field_names;
    lua_createtable(L, 0, (int)n_fields);
    for (size_t i = 1; i < n_fields; i++) {
        lua_pushinteger(L, (lua_Integer)i);
        lua_setfield(L, -2, fact_field_names[i]);
    }
}

void fl_lua_open_article(lua_State *L)
{
    /* article:facts looks field names up in the table fact.__index uses */
    push_field_codes(L);
    int codes = lua_gettop(L);
    luaL_newmetatable(L, FL_META_ARTICLE);
    luaL_newlib(L, article_methods);
    lua_pushvalue(L, codes);
    lua_pushcclosure(L, a_facts, 1);
    lua_setfield(L, -2, "facts");
    lua_pushcclosure(L, article_meta[0].func, 1);
    lua_setfield(L, -2, article_meta[0].name);
    lua_pushcfunction(L, article_meta[1].func);
    lua_setfield(L, -2, article_meta[1].name);
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newmetatable(L, FL_META_FACT);
    luaL_setfuncs(L, fact_meta, 0);
    /* __index with its field table as upvalue */
    lua_pushvalue(L, codes);
    lua_pushcclosure(L, f_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
}
