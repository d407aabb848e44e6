/*
 * text.h - the plain-text formats: .txt and .md (Markdown with front matter).
 *
 * .txt: the whole input is the body; the BBC-style title (a first line with no
 * terminal punctuation followed by a blank line) is found when finishing.
 *
 * .md: optional front matter between "---" lines at the very top (after a
 * BOM, if any):
 *     ---
 *     title: "Nurses reject pay offer"
 *     date: 2023-01-18
 *     source: The Meridian Post
 *     section: health
 *     ---
 * Simple "key: value" lines; quoted values are unquoted; blank lines and
 * "#" comments are ignored, as are indented or "- " list lines (YAML structure
 * this reader does not model).  title, date and source fill the model; every
 * other key goes to the article's metadata as a JSON string.  The body starts
 * after the closing line and article->line_base counts the lines before it,
 * so reported line numbers are true lines of the file.  A front matter that is
 * never closed, a line that is not "key: value", or a date that cannot be read
 * is FL_EPARSE naming the file and line.
 *
 * Both take ownership of data (fl_malloc'd, room for a NUL at data[len]).
 */
#ifndef FL_INGEST_TEXT_H
#define FL_INGEST_TEXT_H

#include "ingest/finish.h"

fl_status fl_ingest_parse_txt(fl_ingest_doc *doc, char *data, size_t len, fl_error *err);
fl_status fl_ingest_parse_md(fl_ingest_doc *doc, char *data, size_t len, fl_error *err);

#endif
