/*
 * factio.h - reading facts back from JSON Lines (the output of
 * `factlint extract`, or facts produced by another pipeline).
 *
 * A facts file holds one fact a line; consecutive lines with the same
 * "article" form one article.  Each line is validated against the facts
 * contract (facts/facts.schema.json): a bad line is an error naming the file
 * and line, and the reader goes on with the next line.
 *
 * The article built for a group has no original text: its text is a
 * stand-in of spaces with each fact's text written at its offset, and its
 * line map is built from the facts' own line and column, so findings on
 * loaded facts point at the same file:line:column as on the original
 * article.  paragraph and sentence keep their loaded values.
 *
 * Round trip: fl_fact_write_json of a loaded fact gives back the line it was
 * read from, byte for byte, for every line that `factlint extract` writes.
 */
#ifndef FL_CORE_FACTIO_H
#define FL_CORE_FACTIO_H

#include "core/article.h"
#include "core/error.h"
#include "core/fact.h"

typedef struct fl_facts_reader fl_facts_reader;

/* Opens path ("-" for standard input). */
fl_status fl_facts_reader_open(fl_facts_reader **out, const char *path, fl_error *err);
void fl_facts_reader_close(fl_facts_reader *r);

/* The next article and its facts (appended to facts, which the caller reset):
 *   FL_OK    *article set (caller frees);
 *   FL_DONE  end of file;
 *   other    a bad line: err names file and line; call again to go on. */
fl_status fl_facts_reader_next(fl_facts_reader *r, fl_article **article, fl_facts *facts,
                               fl_error *err);

/* Parses one JSON object (a line) into a fact appended to facts; the article
 * id is returned in *article_id (arena string).  Used by the reader and tests. */
fl_status fl_fact_parse_json(const char *line, size_t len, fl_facts *facts, const char **article_id,
                             fl_error *err);

#endif
