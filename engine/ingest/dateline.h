/*
 * dateline.h - where and when an article was filed.
 *
 * Order of precedence (fl_dateline_apply):
 *  1. metadata: front-matter `date` (FL_DATELINE_FRONT_MATTER), a JSONL `date`
 *     (FL_DATELINE_JSONL), an HTML <meta>/<time> date (FL_DATELINE_HTML_META);
 *  2. detected in the first lines of the text (FL_DATELINE_TEXT):
 *     - a date line: "Friday 24 November 2017", "24 November 2017",
 *       "November 24, 2017", "2017-11-24", "Published: 3 March 2015 10:22 GMT";
 *     - a source line: "[Source: Xinhua, The Guardian, London, 21Oct15]";
 *     - a wire dateline at the start of the first paragraph, "LONDON, June 2 -"
 *       or "FRANKFURT, March 3 (Reuters) -", which has no year: it is used only
 *       when metadata supplies the year, so on its own it never sets a dateline;
 *  3. the --date option (FL_DATELINE_CLI);
 *  4. none.
 * When metadata gives the dateline and the text prints a different date, the
 * text's date becomes article->page_date.  Impossible dates ("31 February
 * 2015") are not datelines.
 */
#ifndef FL_INGEST_DATELINE_H
#define FL_INGEST_DATELINE_H

#include "core/article.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fl_dateline_hint {
    fl_date date;              /* the metadata date, precision NONE when there is none */
    fl_dateline_source source; /* where it came from */
    const char *text;          /* its text as written (may be NULL) */
    const char *wire;          /* a JSONL "dateline" field ("LONDON, June 2 -"), or NULL */
} fl_dateline_hint;

/* Sets a->dateline, dateline_source, dateline_text and page_date.  a must be
 * segmented.  default_date is --date (precision NONE when unset). */
fl_status fl_dateline_apply(fl_article *a, const fl_dateline_hint *hint, fl_date default_date,
                            fl_error *err);

/* A line that is nothing but a date (with an optional "Published:" label,
 * weekday, and time of day): true and *out (day precision) when it is one. */
bool fl_dateline_parse_date_line(const char *s, size_t n, fl_date *out);

/* "[Source: ..., 21Oct15]": true and *out when s is such a line. */
bool fl_dateline_parse_source_line(const char *s, size_t n, fl_date *out);

/* A wire dateline at the start of s ("LONDON, June 2 -"): true with the month,
 * day, year (0 when the dateline has none, as usual) and the length of the
 * dateline (up to and including the dash). */
bool fl_dateline_parse_wire(const char *s, size_t n, int *year, int *month, int *day, size_t *len);

#endif
