/*
 * date.h - calendar dates with a precision, proleptic Gregorian.
 *
 * An fl_date is a plain value.  Fields below its precision are 0 (a month-
 * precision date has day == 0).  Years may be negative is not supported: year
 * is 1..9999.  ISO output is truncated to the precision: "2013", "2013-03",
 * "2013-03-14"; decades print as "2010s", centuries as "19th century".
 */
#ifndef FL_CORE_DATE_H
#define FL_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum fl_precision {
    FL_PREC_NONE = 0,
    FL_PREC_CENTURY,
    FL_PREC_DECADE,
    FL_PREC_YEAR,
    FL_PREC_MONTH,
    FL_PREC_DAY,
} fl_precision;

typedef struct fl_date {
    int year, month, day;
    fl_precision precision;
} fl_date;

/* Where an article's dateline came from. */
typedef enum fl_dateline_source {
    FL_DATELINE_NONE = 0,
    FL_DATELINE_FRONT_MATTER,
    FL_DATELINE_JSONL,
    FL_DATELINE_HTML_META,
    FL_DATELINE_TEXT,
    FL_DATELINE_CLI,
} fl_dateline_source;

const char *fl_precision_name(fl_precision p); /* "day", "month", ... "" for none */
fl_precision fl_precision_from_name(const char *s);
const char *fl_dateline_source_name(fl_dateline_source s); /* "front-matter", "text", ... */

bool fl_date_is_leap(int year);
int fl_date_days_in_month(int year, int month);
/* true when year/month/day name a real day. */
bool fl_date_valid(int year, int month, int day);
/* Days since 1970-01-01 (may be negative) for a valid day. */
long fl_date_to_days(int year, int month, int day);
void fl_date_from_days(long days, int *year, int *month, int *day);
/* 0 = Monday .. 6 = Sunday. */
int fl_date_weekday(int year, int month, int day);
/* Adds n days to a day-precision date. */
fl_date fl_date_add_days(fl_date d, long n);
/* Adds n calendar months (n may be negative) to a date of month or day
 * precision; the day is clamped to the new month's length (2024-01-31 + 1 =
 * 2024-02-29).  The precision is kept. */
fl_date fl_date_add_months(fl_date d, long n);

/* Writes the ISO form truncated to precision into buf (at least 24 bytes);
 * returns its length. */
size_t fl_date_format(fl_date d, char *buf, size_t size);
/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a trailing "THH:MM..." is ignored). */
bool fl_date_parse_iso(const char *s, fl_date *out);

/* Month from an English name or abbreviation ("Nov", "November", "Sept"), 1-12, or 0. */
int fl_month_from_name(const char *s, size_t n);
/* Weekday from an English name or abbreviation, 0 = Monday, or -1. */
int fl_weekday_from_name(const char *s, size_t n);
extern const char *const fl_month_names[13];  /* [1] = "January" */
extern const char *const fl_weekday_names[7]; /* [0] = "Monday" */

#endif
