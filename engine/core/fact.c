#include "core/fact.h"

#include "core/alloc.h"
#include "core/article.h"
#include "core/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[FL_FACT_KIND_COUNT] = {
    "quote", "money", "quantity", "percent", "duration", "date", "person", "org", "place"};

const char *fl_fact_kind_name(fl_fact_kind k)
{
    return (unsigned)k < FL_FACT_KIND_COUNT ? kind_names[k] : "unknown";
}

int fl_fact_kind_from_name(const char *s)
{
    for (int k = 0; k < FL_FACT_KIND_COUNT; k++)
        if (!strcmp(s, kind_names[k]))
            return k;
    return -1;
}

void fl_facts_init(fl_facts *fs)
{
    memset(fs, 0, sizeof *fs);
}

void fl_facts_release(fl_facts *fs)
{
    fl_free(fs->items);
    fl_arena_release(&fs->arena);
    fl_facts_init(fs);
}

void fl_facts_reset(fl_facts *fs)
{
    fs->n = 0;
    fl_arena_reset(&fs->arena);
}

fl_fact *fl_facts_add(fl_facts *fs, fl_fact_kind kind, size_t offset, size_t length)
{
    if (FL_GROW(fs->items, fs->cap, fs->n + 1))
        return NULL;
    fl_fact *f = &fs->items[fs->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->offset = offset;
    f->length = length;
    f->value = NAN;
    f->value_max = NAN;
    f->link = -1;
    return f;
}

const char *fl_facts_str(fl_facts *fs, const char *s, size_t n)
{
    return fl_arena_strndup(&fs->arena, s, n);
}

static int cmp_fact(const fl_fact *a, const fl_fact *b)
{
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->length != b->length)
        return a->length > b->length ? -1 : 1;
    return 0;
}

/* Orders pointers into one items array; ties keep the original order (the
 * pointers' addresses), so the sort is stable. */
static int cmp_fact_ptr(const void *pa, const void *pb)
{
    const fl_fact *a = *(const fl_fact *const *)pa, *b = *(const fl_fact *const *)pb;
    int c = cmp_fact(a, b);
    if (c)
        return c;
    return a < b ? -1 : a > b;
}

fl_status fl_facts_sort(fl_facts *fs)
{
    size_t n = fs->n;
    if (n < 2)
        return FL_OK;
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = cmp_fact(&fs->items[i - 1], &fs->items[i]) <= 0;
    if (sorted)
        return FL_OK;
    const fl_fact **order = fl_malloc(n * sizeof *order);
    size_t *where = fl_malloc(n * sizeof *where);
    fl_fact *copy = fl_malloc(n * sizeof *copy);
    if (!order || !where || !copy) {
        fl_free(order);
        fl_free(where);
        fl_free(copy);
        return FL_ENOMEM; /* unsorted but intact */
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &fs->items[i];
    qsort(order, n, sizeof *order, cmp_fact_ptr);
    for (size_t i = 0; i < n; i++) {
        size_t from = (size_t)(order[i] - fs->items);
        copy[i] = *order[i];
        where[from] = i;
    }
    for (size_t i = 0; i < n; i++)
        if (copy[i].link >= 0 && (size_t)copy[i].link < n)
            copy[i].link = (int32_t)where[copy[i].link];
    memcpy(fs->items, copy, n * sizeof *copy);
    fl_free(order);
    fl_free(where);
    fl_free(copy);
    return FL_OK;
}

void fl_facts_locate(fl_facts *fs, const fl_article *a)
{
    /* facts are sorted by offset: on one line, the column of a fact is the
     * previous fact's column plus the characters between them, so a long
     * line is counted once, not once per fact */
    size_t prev_line = SIZE_MAX, prev_offset = 0;
    uint32_t prev_column = 0;
    for (size_t i = 0; i < fs->n; i++) {
        fl_fact *f = &fs->items[i];
        size_t off = f->offset > a->text_len ? a->text_len : f->offset;
        size_t li = fl_article_line_index(a, off);
        if (li == prev_line && off >= prev_offset) {
            f->line = (uint32_t)(li + 1 + (size_t)a->line_base);
            f->column =
                prev_column + (uint32_t)fl_utf8_count(a->text + prev_offset, off - prev_offset);
        } else {
            fl_article_locate(a, off, &f->line, &f->column);
        }
        prev_line = li;
        prev_offset = off;
        prev_column = f->column;
        size_t p = fl_article_paragraph_at(a, f->offset);
        size_t s = fl_article_sentence_at(a, f->offset);
        f->paragraph = p == SIZE_MAX ? 0 : (uint32_t)(p + 1);
        f->sentence = s == SIZE_MAX ? 0 : (uint32_t)(s + 1);
    }
}

/* The writer below appends literal keys with memcpy and formats numbers by
 * hand: it is on the hot path of `factlint extract` (one call per fact).  Its
 * output is what printf gave before, byte for byte: integers as %zu/%u,
 * integral values under 9e15 as %.0f, other numbers as %.17g. */
#define ADD_LIT(sb, lit) fl_strbuf_put((sb), (lit), sizeof(lit) - 1)

static int add_digits(fl_strbuf *sb, unsigned long long v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return fl_strbuf_put(sb, p, (size_t)(tmp + sizeof tmp - p));
}

static int add_str(fl_strbuf *sb, const char *key_lit, size_t key_len, const char *v)
{
    if (fl_strbuf_put(sb, key_lit, key_len))
        return -1;
    if (!v)
        return ADD_LIT(sb, "null");
    return ADD_LIT(sb, "\"") || fl_strbuf_add_json_escaped(sb, v, strlen(v)) || ADD_LIT(sb, "\"");
}

static int add_num(fl_strbuf *sb, const char *key_lit, size_t key_len, double v)
{
    if (fl_strbuf_put(sb, key_lit, key_len))
        return -1;
    if (isnan(v) || isinf(v))
        return ADD_LIT(sb, "null");
    if (v == floor(v) && fabs(v) < 9e15) {
        /* %.0f of an integral value: its digits, and "-0" for negative zero */
        if (signbit(v) && fl_strbuf_addch(sb, '-'))
            return -1;
        return add_digits(sb, (unsigned long long)fabs(v));
    }
    return fl_strbuf_add_g17(sb, v);
}

static int add_bool(fl_strbuf *sb, const char *key_lit, size_t key_len, bool v)
{
    return fl_strbuf_put(sb, key_lit, key_len) || (v ? ADD_LIT(sb, "true") : ADD_LIT(sb, "false"));
}

static int add_uint(fl_strbuf *sb, const char *key_lit, size_t key_len, unsigned long long v)
{
    return fl_strbuf_put(sb, key_lit, key_len) || add_digits(sb, v);
}

/* ,"key": as a literal and its length */
#define KEY(k) ",\"" k "\":", sizeof(",\"" k "\":") - 1

/* An ISO date as fl_date_format writes it; by hand for the usual years. */
static size_t format_iso(fl_date d, char *buf, size_t size)
{
    if (d.year < 0 || d.year > 9999 || d.precision < FL_PREC_YEAR || d.precision > FL_PREC_DAY ||
        d.month < 0 || d.month > 99 || d.day < 0 || d.day > 99) {
        fl_date_format(d, buf, size);
        return strlen(buf);
    }
    char *p = buf;
    *p++ = (char)('0' + d.year / 1000);
    *p++ = (char)('0' + d.year / 100 % 10);
    *p++ = (char)('0' + d.year / 10 % 10);
    *p++ = (char)('0' + d.year % 10);
    if (d.precision != FL_PREC_YEAR) {
        *p++ = '-';
        *p++ = (char)('0' + d.month / 10);
        *p++ = (char)('0' + d.month % 10);
        if (d.precision == FL_PREC_DAY) {
            *p++ = '-';
            *p++ = (char)('0' + d.day / 10);
            *p++ = (char)('0' + d.day % 10);
        }
    }
    *p = '\0';
    return (size_t)(p - buf);
}

int fl_fact_write_json(fl_strbuf *sb, const char *article_id, const fl_fact *f, const fl_facts *all)
{
    int r = 0;
    const char *kind = fl_fact_kind_name(f->kind);
    size_t id_len = strlen(article_id);
    if (fl_strbuf_grow(sb, id_len + 256))
        return -1;
    r |= ADD_LIT(sb, "{\"article\":\"");
    r |= fl_strbuf_add_json_escaped(sb, article_id, id_len);
    r |= ADD_LIT(sb, "\",\"kind\":\"");
    r |= fl_strbuf_put(sb, kind, strlen(kind));
    r |= ADD_LIT(sb, "\"");
    r |= add_str(sb, KEY("text"), f->text ? f->text : "");
    r |= add_uint(sb, KEY("offset"), f->offset);
    r |= add_uint(sb, KEY("length"), f->length);
    r |= add_uint(sb, KEY("line"), f->line);
    r |= add_uint(sb, KEY("column"), f->column);
    r |= add_uint(sb, KEY("paragraph"), f->paragraph);
    r |= add_uint(sb, KEY("sentence"), f->sentence);
    switch (f->kind) {
    case FL_FACT_MONEY:
        r |= add_num(sb, KEY("value"), f->value);
        if (!isnan(f->value_max))
            r |= add_num(sb, KEY("value_max"), f->value_max);
        r |= add_str(sb, KEY("currency"), f->currency);
        r |= add_str(sb, KEY("currency_source"), f->currency_source);
        r |= add_str(sb, KEY("qualifier"), f->qualifier);
        if (f->link >= 0 && all && (size_t)f->link < all->n) {
            const fl_fact *o = &all->items[f->link];
            r |= ADD_LIT(sb, ",\"linked\":{\"offset\":");
            r |= add_digits(sb, o->offset);
            r |= add_uint(sb, KEY("length"), o->length);
            r |= ADD_LIT(sb, "}");
        }
        break;
    case FL_FACT_QUANTITY:
    case FL_FACT_DURATION:
        r |= add_num(sb, KEY("value"), f->value);
        if (!isnan(f->value_max))
            r |= add_num(sb, KEY("value_max"), f->value_max);
        r |= add_str(sb, KEY("unit"), f->unit);
        r |= add_str(sb, KEY("qualifier"), f->qualifier);
        break;
    case FL_FACT_PERCENT:
        r |= add_num(sb, KEY("value"), f->value);
        if (!isnan(f->value_max))
            r |= add_num(sb, KEY("value_max"), f->value_max);
        r |= add_str(sb, KEY("unit"), "percent");
        r |= add_str(sb, KEY("qualifier"), f->qualifier);
        break;
    case FL_FACT_QUOTE:
        r |= add_str(sb, KEY("speaker"), f->speaker);
        r |= add_str(sb, KEY("speaker_text"), f->speaker_text);
        r |= add_str(sb, KEY("attribution"), f->attribution);
        r |= add_bool(sb, KEY("partial"), f->partial);
        break;
    case FL_FACT_DATE: {
        char iso[32];
        format_iso(f->date, iso, sizeof iso);
        r |= add_str(sb, KEY("value"), f->date.precision ? iso : NULL);
        r |= add_str(sb, KEY("precision"),
                     f->date.precision ? fl_precision_name(f->date.precision) : NULL);
        r |= add_bool(sb, KEY("relative"), f->relative);
        r |= add_bool(sb, KEY("resolved"), f->relative ? f->resolved : f->date.precision != 0);
        r |= add_str(sb, KEY("anchor"), f->anchor);
        r |= add_bool(sb, KEY("weekday_mismatch"), f->weekday_mismatch);
        break;
    }
    case FL_FACT_PERSON:
    case FL_FACT_ORG:
    case FL_FACT_PLACE:
        r |= add_str(sb, KEY("name"), f->name);
        r |= add_str(sb, KEY("key"), f->key);
        r |= add_str(sb, KEY("title"), f->title);
        if (f->canonical)
            r |= add_str(sb, KEY("canonical"), f->canonical);
        break;
    case FL_FACT_KIND_COUNT:
        break;
    }
    if (f->extra_json && f->extra_json[0] == '{' && f->extra_json[1] != '}') {
        /* splice the unknown fields back: ",<members>" */
        size_t n = strlen(f->extra_json);
        r |= fl_strbuf_addch(sb, ',');
        r |= fl_strbuf_add(sb, f->extra_json + 1, n - 2);
    }
    r |= ADD_LIT(sb, "}");
    return r ? -1 : 0;
}
