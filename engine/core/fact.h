/*
 * fact.h - typed facts: the contract between extraction and rules.
 *
 * A fact is one thing an article states: a quote, an amount of money, a
 * quantity, a percentage, a duration, a date, a person, an organisation or a
 * place.  Facts are what `factlint extract` writes as JSON Lines (one object
 * a line, see docs/facts.md and facts/facts.schema.json) and what
 * `factlint check --facts` loads back.
 *
 * Numbering: offset/length are bytes into the article's text; line, column,
 * paragraph and sentence are 1-based (0 = unknown), as in the JSON.
 *
 * Ownership: an fl_facts list owns its facts and every string they point to
 * (an arena).  Pointers into items are invalidated by fl_facts_add; hold
 * indices across additions.  Kind fields that do not apply are NULL / NAN /
 * false.  Facts are read-only once handed to rules.
 */
#ifndef FL_CORE_FACT_H
#define FL_CORE_FACT_H

#include "core/arena.h"
#include "core/date.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fl_article;

typedef enum fl_fact_kind {
    FL_FACT_QUOTE = 0,
    FL_FACT_MONEY,
    FL_FACT_QUANTITY,
    FL_FACT_PERCENT,
    FL_FACT_DURATION,
    FL_FACT_DATE,
    FL_FACT_PERSON,
    FL_FACT_ORG,
    FL_FACT_PLACE,
    FL_FACT_KIND_COUNT
} fl_fact_kind;

const char *fl_fact_kind_name(fl_fact_kind k); /* "quote", "money", ... */
/* Kind from its name, or -1. */
int fl_fact_kind_from_name(const char *s);

typedef struct fl_fact {
    /* The members are in three 64-byte groups (the list's items are
     * 64-byte aligned, see fl_facts): what every fact has and the writer
     * reads for each (kind, span, position, text, value, extra_json); the
     * number and quote members; the date and name members.  A name or a
     * date is then read from two cache lines, not four. */
    fl_fact_kind kind;
    int32_t link;          /* money: index of a side-by-side conversion, -1 when none */
    size_t offset, length; /* the span in the article text */
    uint32_t line, column, paragraph, sentence;
    const char *text;       /* as written (for a quote: inside the marks) */
    double value;           /* money, quantity, percent, duration: NAN when vague
                               ("billions of pounds") */
    const char *extra_json; /* unknown fields of a loaded fact, as a JSON object, or NULL */

    /* money, quantity, percent, duration */
    double value_max;      /* upper end of a range, NAN when not a range */
    const char *unit;      /* quantity/duration noun: "tonnes", "months"; age ranges "age" */
    const char *qualifier; /* "almost", "more than", "around", "and counting", NULL */

    /* money */
    const char *currency;        /* ISO 4217, NULL when not stated */
    const char *currency_source; /* "symbol", "code", "word", "editorial", "inferred", NULL */

    /* quote */
    const char *speaker;      /* resolved full name, NULL when unattributed */
    const char *speaker_text; /* as written: "the PM", "he" */
    const char *attribution;  /* "said-after", "said-before", "told", "according-to",
                                 "added", "colon", "carried", "pronoun", NULL */

    /* date */
    const char *anchor;    /* ISO date it was resolved against, NULL */
    fl_date date;          /* resolved value; precision NONE when unresolved */
    bool relative;         /* "yesterday", "on Monday", "last month" */
    bool resolved;         /* a relative date was resolved against a dateline */
    bool weekday_mismatch; /* "Tuesday 14 March 2023" when it was not a Tuesday */

    bool partial; /* quote: a scare quote of one to three words */

    /* person, org, place */
    const char *name;      /* as written, without the title */
    const char *key;       /* normalised: NFKC, case folded, diacritics removed */
    const char *title;     /* "Prime Minister", "Mr", NULL */
    const char *canonical; /* the full name a mention chain resolves to */
} fl_fact;

typedef struct fl_facts {
    fl_fact *items; /* 64-byte aligned, inside block */
    size_t n, cap;
    fl_arena arena;
    void *block; /* the allocation items is in (NULL when items is not the list's own) */
} fl_facts;

void fl_facts_init(fl_facts *fs);
void fl_facts_release(fl_facts *fs);
/* Drops all facts but keeps the memory for the next article. */
void fl_facts_reset(fl_facts *fs);

/* A fact with every kind field cleared: NULL strings, NAN values, no link. */
extern const fl_fact fl_fact_cleared;

/* fl_facts_add when the list is full: grows it, then appends. */
fl_fact *fl_facts_add_grow(fl_facts *fs, fl_fact_kind kind, size_t offset, size_t length);

/* Appends a fact of kind with its span, every kind field cleared; NULL on ENOMEM.
 * The pointer is valid until the next fl_facts_add.  Inline (the extractors
 * add a fact every few hundred bytes of text): a copy of fl_fact_cleared
 * while there is room, fl_facts_add_grow when there is none. */
static inline fl_fact *fl_facts_add(fl_facts *fs, fl_fact_kind kind, size_t offset, size_t length)
{
    if (fs->n >= fs->cap)
        return fl_facts_add_grow(fs, kind, offset, length);
    fl_fact *f = &fs->items[fs->n++];
    *f = fl_fact_cleared;
    f->kind = kind;
    f->offset = offset;
    f->length = length;
    return f;
}

/* Copies a string into the list's arena (NULL on ENOMEM). */
static inline const char *fl_facts_str(fl_facts *fs, const char *s, size_t n)
{
    return fl_arena_strndup(&fs->arena, s, n);
}

/* Sorts by offset, then kind, then length (longest first); keeps `link` right.
 * FL_ENOMEM (list left as it was) when its scratch memory cannot be had. */
fl_status fl_facts_sort(fl_facts *fs);
/* Fills line, column, paragraph and sentence from offsets. */
void fl_facts_locate(fl_facts *fs, const struct fl_article *a);

/* Appends the fact as one JSON object (no newline) to sb.  article_id names
 * the article.  Returns 0 or -1 on ENOMEM. */
int fl_fact_write_json(fl_strbuf *sb, const char *article_id, const fl_fact *f,
                       const fl_facts *all);
/* Appends every fact of the list as fl_fact_write_json writes it, each
 * followed by a newline: an article's JSON Lines, the article's member
 * escaped once.  Returns 0, or -1 on ENOMEM with sb as it was. */
int fl_facts_write_jsonl(fl_strbuf *sb, const char *article_id, const fl_facts *facts);

#endif
