/*
 * article.h - the document model: one news article, its text and structure.
 *
 * Life cycle:  fl_article_new -> fill id/path/format/title/metadata ->
 * fl_article_set_text (validates UTF-8 once, builds the line map) ->
 * fl_article_segment (paragraphs and sentences) -> boilerplate marking and
 * dateline detection (ingest/) -> extraction and rules -> fl_article_free.
 *
 * Invariants after fl_article_segment:
 *  - text is valid UTF-8 (or repaired with U+FFFD when lossy) and NUL-terminated;
 *    text_len excludes the NUL.  No BOM: a leading U+FEFF is dropped and `bom` set.
 *  - line_starts[0] == 0; a line ends at "\n", "\r\n" or a lone "\r", so CRLF and
 *    CR files get true line numbers.  Offsets are bytes into text.
 *  - paragraphs are in order, do not overlap, and cover every non-blank line; a
 *    paragraph is a run of non-blank lines (when the text has no blank line at
 *    all, each line is a paragraph).  sentences are in order within their
 *    paragraph and never cross a paragraph boundary.
 *  - Boilerplate paragraphs are marked, never removed, so reports still point
 *    at true lines.
 *
 * Ownership: the article owns every pointer in it (fl_free), including text.
 * Rules and extractors borrow the article for the duration of one call.
 */
#ifndef FL_CORE_ARTICLE_H
#define FL_CORE_ARTICLE_H

#include "core/arena.h"
#include "core/date.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fl_format {
    FL_FORMAT_TXT = 0,
    FL_FORMAT_MD,
    FL_FORMAT_HTML,
    FL_FORMAT_JSONL,
} fl_format;

const char *fl_format_name(fl_format f); /* "txt", "md", "html", "jsonl" */

/* Why a paragraph is boilerplate (0 = it is content). */
typedef enum fl_boilerplate {
    FL_BOILER_NONE = 0,
    FL_BOILER_NAVIGATION, /* menus, breadcrumbs, "Skip to content" */
    FL_BOILER_SHARE,      /* "Share this article", social buttons */
    FL_BOILER_NEWSLETTER, /* "Sign up to our newsletter" blurbs */
    FL_BOILER_PROMOTED,   /* "Promoted Links", "Sponsored" */
    FL_BOILER_CREDIT,     /* photo credits: "Photograph: ...", "(Getty Images)" */
    FL_BOILER_CHROME,     /* repeated site chrome: copyright lines, "Related articles" */
} fl_boilerplate;

const char *fl_boilerplate_name(fl_boilerplate b);

typedef struct fl_paragraph {
    size_t offset, length; /* bytes in text, trailing blank space excluded */
    size_t first_sentence; /* index into sentences */
    size_t n_sentences;
    fl_boilerplate boilerplate;
    bool heading; /* a title/heading line (markdown '#', HTML <h1..h6>, a headline) */
} fl_paragraph;

typedef struct fl_sentence {
    size_t offset, length;
    size_t paragraph; /* index into paragraphs */
} fl_sentence;

/* Metadata kept from the input: JSONL fields and front-matter keys that the
 * model has no slot for.  value_json is the value as JSON text. */
typedef struct fl_meta {
    char *key; /* both strings live in the article's meta_arena */
    char *value_json;
} fl_meta;

typedef struct fl_article {
    size_t seq;       /* input order, 0-based; reports sort by it */
    char *id;         /* JSONL "id", else the path */
    char *path;       /* the input file ("-" for standard input) */
    long record_line; /* JSONL: the record's line in the file; 0 otherwise */
    long line_base;   /* lines of the file before text starts (front matter) */
    fl_format format;
    char *title;  /* NULL when unknown */
    char *source; /* publication, NULL when unknown */

    fl_date dateline; /* precision NONE when the article has none */
    fl_dateline_source dateline_source;
    char *dateline_text; /* the text the dateline was read from, NULL when none */
    fl_date page_date;   /* a date printed on the page that differs from dateline, else NONE */

    char *text;
    size_t text_len;
    bool bom;             /* the input started with a UTF-8 BOM */
    size_t utf8_replaced; /* bytes replaced by U+FFFD (lossy mode) */

    size_t *line_starts;
    size_t n_lines;
    fl_paragraph *paragraphs;
    size_t n_paragraphs;
    fl_sentence *sentences;
    size_t n_sentences;
    fl_meta *meta; /* in room or meta_arena, like the strings */
    size_t n_meta;
    size_t meta_cap; /* entries meta has room for */
    /* The metadata's memory: first room, the bytes after the article in its
     * own allocation (fl_article_new: an article with a title and a few
     * fields costs one allocation), then meta_arena (a few allocations, not
     * two a field).  room_left bytes from room are free. */
    unsigned char *room;
    size_t room_left;
    fl_arena meta_arena;
    char **disabled_rules; /* inline "factlint-disable rule.id" comments */
    size_t n_disabled_rules;
    /* Which of title, source and dateline_text (bit FL_ARTICLE_TITLE...)
     * were copied into the metadata's memory by fl_article_set_string, and
     * are freed with it; the others are fl_malloc'd and freed one by one. */
    unsigned in_arena;
    /* fl_article_segment allocates paragraphs with room for the sentences
     * after them (one allocation, not two); sentences_apart: the sentences
     * outgrew that room and have an allocation of their own. */
    bool sentences_apart;
    /* The text's block (fl_article_set_text_block): text_block bytes from
     * text, the text first, then its line map and room for the paragraphs
     * and sentences, so that an article's body costs one allocation, not
     * three.  0 when text is an allocation of the text alone.
     * lines_in_block, paragraphs_in_block: line_starts, paragraphs (and the
     * sentences after them) are in that block, freed with the text; else
     * fl_malloc'd and freed one by one. */
    size_t text_block;
    bool lines_in_block;
    bool paragraphs_in_block;
} fl_article;

/* The strings fl_article_set_string sets. */
typedef enum fl_article_string {
    FL_ARTICLE_TITLE,
    FL_ARTICLE_SOURCE,
    FL_ARTICLE_DATELINE_TEXT
} fl_article_string;

fl_article *fl_article_new(void);
void fl_article_free(fl_article *a);

/* Takes ownership of text (allocated with fl_malloc, len bytes, NUL-terminated
 * or with room for a NUL at text[len]).  Drops a leading BOM, validates UTF-8:
 * an invalid sequence is FL_EUTF8 with err->offset set to the byte offset in the
 * input (counting the BOM), unless lossy, in which case bad bytes become U+FFFD
 * and utf8_replaced counts them.  NUL bytes are FL_EBINARY.  Builds line_starts.
 * On error text is freed and the article left without text. */
fl_status fl_article_set_text(fl_article *a, char *text, size_t len, bool lossy, fl_error *err);

/* fl_article_set_text for a text the caller has already checked: valid
 * UTF-8 without NUL bytes (a JSONL record's decoded "text").  Drops a
 * leading BOM and builds line_starts as fl_article_set_text does. */
fl_status fl_article_set_checked_text(fl_article *a, char *text, size_t len, fl_error *err);

/* fl_article_set_checked_text for a text whose line starts the caller found
 * (the JSONL scanner, while decoding): starts[0..n) (fl_malloc'd, taken
 * whatever happens) are 0 and the offset after each '\n', and the text has
 * no '\r'.  A text that starts with a BOM is mapped again without it. */
fl_status fl_article_set_checked_lines(fl_article *a, char *text, size_t len, size_t *starts,
                                       size_t n, fl_error *err);

/* One allocation for a text of up to text_room bytes (its NUL included),
 * its line map and its paragraphs and sentences (fl_article_set_text_block):
 * fl_article_block_size bytes (0 when too large to count), the text at the
 * block's start and room for fl_article_block_lines(text_room) line starts
 * at fl_article_block_starts.  The rest is for fl_article_segment. */
size_t fl_article_block_size(size_t text_room);
size_t fl_article_block_lines(size_t text_room);
size_t *fl_article_block_starts(char *block, size_t text_room);

/* fl_article_set_checked_lines for a block of fl_article_block_size(text_room)
 * bytes (taken whatever happens) holding the text (len bytes, room for a NUL
 * at text[len]); starts[0..n) are in the block when starts_in_block, else
 * fl_malloc'd (and taken). */
fl_status fl_article_set_text_block(fl_article *a, char *block, size_t text_room, size_t len,
                                    size_t *starts, size_t n, bool starts_in_block, fl_error *err);

/* Splits text into paragraphs and sentences (see invariants above). */
fl_status fl_article_segment(fl_article *a, fl_error *err);

/* Line and column (both 1-based) of a byte offset; line counts from the start of
 * the input file (line_base added), column counts characters. */
void fl_article_locate(const fl_article *a, size_t offset, uint32_t *line, uint32_t *column);
/* Index of the line (0-based, in text) holding offset. */
size_t fl_article_line_index(const fl_article *a, size_t offset);
/* The line holding offset, without its line break: *start and *len in bytes. */
void fl_article_line_span(const fl_article *a, size_t offset, size_t *start, size_t *len);
/* Index of the paragraph / sentence holding offset, or SIZE_MAX when between them. */
size_t fl_article_paragraph_at(const fl_article *a, size_t offset);
size_t fl_article_sentence_at(const fl_article *a, size_t offset);
/* true when offset lies in a boilerplate paragraph. */
bool fl_article_is_boilerplate(const fl_article *a, size_t offset);

/* Sets the title, source or dateline text to a copy of s[0..n) (no NUL in
 * it) in the article's metadata memory (an article's few short strings share
 * it instead of an allocation each); s NULL clears it.  FL_ENOMEM leaves it
 * as it was. */
fl_status fl_article_set_string(fl_article *a, fl_article_string which, const char *s, size_t n);

/* Adds a metadata entry (copies both strings). */
fl_status fl_article_add_meta(fl_article *a, const char *key, const char *value_json);
/* The same for a key and value of known lengths (neither holds a NUL). */
fl_status fl_article_add_meta_n(fl_article *a, const char *key, size_t key_len,
                                const char *value_json, size_t value_len);
const char *fl_article_meta(const fl_article *a, const char *key);
/* Records an inline suppression for a rule id or "*" for all rules. */
fl_status fl_article_disable_rule(fl_article *a, const char *rule);
bool fl_article_rule_disabled(const fl_article *a, const char *rule);

#endif
