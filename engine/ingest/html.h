/*
 * html.h - HTML pages as articles, through libxml2's HTML parser.
 *
 * The page is parsed with htmlReadMemory (HTML_PARSE_RECOVER | NOERROR |
 * NOWARNING | NONET | COMPACT) as UTF-8 unless it declares another charset;
 * entities are decoded by the parser.  script, style, noscript, template (and
 * svg, iframe) are dropped.  Block elements (p, div, h1-h6, li, blockquote,
 * figcaption, article, section, header, footer, nav, aside, br, tr, td, ...)
 * end paragraphs: the body text is the blocks joined by "\n\n", white space
 * inside a block collapsed to single spaces.  Line numbers therefore refer to
 * this extracted text, not to the HTML source.
 *
 * Title: the first <h1>, else <title>.  Dateline (FL_DATELINE_HTML_META), in
 * order: <meta property="article:published_time">, <meta name="date">, the
 * first <time datetime>.  <meta property="og:site_name"> is the source.
 *
 * Boilerplate marks (doc->marks, one per block): everything inside <nav>
 * (navigation), <header> outside <article>/<main> and <footer> and <aside>
 * (chrome), <figcaption> (credit), and elements whose class or id contains
 * nav|menu|breadcrumb (navigation), share|social (share), newsletter,
 * promo|sponsor|advert (promoted), related|cookie|footer (chrome), credit
 * (credit).  The innermost marked element wins.  h1-h6 blocks are headings.
 * Comments "<!-- factlint-disable rule.id -->" become inline suppressions.
 *
 * Raw bytes are checked first when the page is UTF-8: NUL bytes (FL_EBINARY)
 * and invalid UTF-8 (FL_EUTF8, or repaired with doc->lossy) with their file
 * offsets.
 */
#ifndef FL_INGEST_HTML_H
#define FL_INGEST_HTML_H

#include "ingest/finish.h"

/* Fills doc from an HTML page; takes ownership of data (fl_malloc'd). */
fl_status fl_ingest_parse_html(fl_ingest_doc *doc, char *data, size_t len, fl_error *err);

#endif
