/*
 * finish.h - the one path every article takes from raw text to the model.
 *
 * A format parser (text.c, html.c, jsonl.c) fills an fl_ingest_doc: the new
 * article with what the format knows (id, path, format, title, source,
 * metadata, record_line, line_base), the body text, the metadata date, and -
 * for HTML - marks saying which byte ranges of the body are headings or
 * boilerplate.  fl_ingest_finish then, for every format alike:
 *   1. fl_article_set_text (NUL bytes, BOM, UTF-8; --lossy repairs), with
 *      error offsets counted from the start of the file (byte_base);
 *   2. refuses empty or white-space-only text (FL_EEMPTY "empty article");
 *   3. fl_article_segment;
 *   4. heading flags (HTML marks, markdown '#', the BBC-style .txt title);
 *   5. boilerplate: HTML marks, then fl_boilerplate_mark, then repeated chrome;
 *   6. inline suppressions: "<!-- factlint-disable rule.id ... -->";
 *   7. the dateline (dateline.h).
 *
 * Ownership: fl_ingest_finish consumes the doc whatever it returns (the
 * article is handed to *out on success, freed otherwise); fl_ingest_doc_release
 * frees a doc that is abandoned before finishing.
 */
#ifndef FL_INGEST_FINISH_H
#define FL_INGEST_FINISH_H

#include "core/article.h"
#include "ingest/boilerplate.h"
#include "ingest/ingest.h"

typedef struct fl_ingest_mark {
    size_t offset, length; /* bytes of the body text */
    fl_boilerplate boilerplate;
    bool heading;
} fl_ingest_mark;

/* The JSONL scanner's output buffer, lent to every record of a stream so
 * that it is not allocated and freed once a record.  Strings a doc borrows
 * from it (date_text, wire) stay valid until the doc is finished: the next
 * record is read only after that. */
typedef struct fl_ingest_scratch {
    char *buf;
    size_t cap;
} fl_ingest_scratch;

typedef struct fl_ingest_doc {
    fl_article *article;
    char *text; /* the body (fl_malloc'd, room for a NUL at text[len]) */
    size_t len;
    size_t text_room;    /* JSONL: text is a block of fl_article_block_size(text_room) */
    size_t *line_starts; /* JSONL: the text's line starts, found while decoding (or NULL), */
    size_t n_lines;
    bool lines_in_text;  /* in text's block, or an allocation of their own */
    long long byte_base; /* file offset of text[0] (front matter before it) */
    fl_date date;        /* metadata date, precision NONE when none */
    fl_dateline_source date_source;
    const char *date_text;      /* the metadata date as written: date_owned, or borrowed */
    const char *wire;           /* a JSONL "dateline" field: wire_owned, or borrowed */
    char *date_owned;           /* what the doc owns of date_text and wire (freed with it); */
    char *wire_owned;           /* a JSONL stream's scanner lends them from its scratch */
    fl_ingest_scratch *scratch; /* JSONL stream: the scanner's buffer (NULL: one a record) */
    fl_ingest_mark *marks;      /* HTML blocks in order, not overlapping */
    size_t n_marks, cap_marks;
    char **disabled; /* HTML comment suppressions found by the parser */
    size_t n_disabled;
    bool scan_comments; /* look for suppression comments in the body text */
    bool lossy;         /* --lossy: parsers repair metadata instead of refusing it */
    bool text_checked;  /* text is valid UTF-8 without NUL (JSONL: the record was checked) */
    bool skip_meta;     /* fl_ingest_options.skip_meta */
} fl_ingest_doc;

/* Starts a doc: a new article with path and format set (id = path; for
 * JSONL NULL until fl_ingest_parse_jsonl sets it). */
fl_status fl_ingest_doc_init(fl_ingest_doc *doc, const char *path, fl_format fmt, fl_error *err);
void fl_ingest_doc_release(fl_ingest_doc *doc);
/* Records a suppression (copied); "" means every rule ("*"). */
fl_status fl_ingest_doc_disable(fl_ingest_doc *doc, const char *rule, size_t n);
/* Parses the inside of a "factlint-disable a.b c.d" comment into doc. */
fl_status fl_ingest_doc_disable_comment(fl_ingest_doc *doc, const char *s, size_t n);

/* Finishes the doc into *out (see above).  chrome and group may be NULL. */
fl_status fl_ingest_finish(fl_ingest_doc *doc, const fl_ingest_options *opt, fl_chrome *chrome,
                           const char *group, fl_article **out, fl_error *err);

#endif
