#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const fl_month_names[13] = {"",        "January",  "February", "March",  "April",
                                        "May",     "June",     "July",     "August", "September",
                                        "October", "November", "December"};
const char *const fl_weekday_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};

const char *fl_precision_name(fl_precision p)
{
    static const char *const names[] = {"", "century", "decade", "year", "month", "day"};
    return (unsigned)p <= FL_PREC_DAY ? names[p] : "";
}

fl_precision fl_precision_from_name(const char *s)
{
    for (int p = FL_PREC_CENTURY; p <= FL_PREC_DAY; p++)
        if (!strcmp(s, fl_precision_name((fl_precision)p)))
            return (fl_precision)p;
    return FL_PREC_NONE;
}

const char *fl_dateline_source_name(fl_dateline_source s)
{
    switch (s) {
    case FL_DATELINE_NONE:
        return "none";
    case FL_DATELINE_FRONT_MATTER:
        return "front-matter";
    case FL_DATELINE_JSONL:
        return "jsonl";
    case FL_DATELINE_HTML_META:
        return "html-meta";
    case FL_DATELINE_TEXT:
        return "text";
    case FL_DATELINE_CLI:
        return "cli";
    }
    return "none";
}

bool fl_date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int fl_date_days_in_month(int y, int m)
{
    static const int dm[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && fl_date_is_leap(y) ? 29 : dm[m];
}

bool fl_date_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= fl_date_days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil. */
long fl_date_to_days(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void fl_date_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int fl_date_weekday(int y, int m, int d)
{
    long z = fl_date_to_days(y, m, d);
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    long w = (z + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

fl_date fl_date_add_days(fl_date d, long n)
{
    fl_date r = d;
    fl_date_from_days(fl_date_to_days(d.year, d.month, d.day) + n, &r.year, &r.month, &r.day);
    r.precision = FL_PREC_DAY;
    return r;
}

fl_date fl_date_add_months(fl_date d, long n)
{
    long m = (long)d.year * 12 + (d.month - 1) + n;
    fl_date r = d;
    r.year = (int)(m / 12);
    r.month = (int)(m % 12) + 1;
    if (r.day > 0) {
        int dim = fl_date_days_in_month(r.year, r.month);
        if (r.day > dim)
            r.day = dim;
    }
    return r;
}

/* Writes n (0 <= n < 10^width) as width digits. */
static char *put_digits(char *p, int n, int width)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
    return p + width;
}

size_t fl_date_format(fl_date d, char *buf, size_t size)
{
    /* the common cases without snprintf (every checked article's dateline,
     * every date fact written out): a year of four digits and, at month or
     * day precision, two digits each, as "%04d-%02d-%02d" writes them */
    if (size >= 11 && d.year >= 0 && d.year <= 9999 && d.precision >= FL_PREC_YEAR &&
        d.precision <= FL_PREC_DAY && d.month >= 0 && d.month <= 99 && d.day >= 0 && d.day <= 99) {
        char *p = put_digits(buf, d.year, 4);
        if (d.precision != FL_PREC_YEAR) {
            *p++ = '-';
            p = put_digits(p, d.month, 2);
            if (d.precision == FL_PREC_DAY) {
                *p++ = '-';
                p = put_digits(p, d.day, 2);
            }
        }
        *p = '\0';
        return (size_t)(p - buf);
    }
    switch (d.precision) {
    case FL_PREC_DAY:
        snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
        break;
    case FL_PREC_MONTH:
        snprintf(buf, size, "%04d-%02d", d.year, d.month);
        break;
    case FL_PREC_YEAR:
        snprintf(buf, size, "%04d", d.year);
        break;
    case FL_PREC_DECADE:
        snprintf(buf, size, "%04ds", d.year - d.year % 10);
        break;
    case FL_PREC_CENTURY: {
        int c = d.year / 100 + 1;
        const char *suf = (c % 100 >= 11 && c % 100 <= 13) ? "th"
                          : c % 10 == 1                    ? "st"
                          : c % 10 == 2                    ? "nd"
                          : c % 10 == 3                    ? "rd"
                                                           : "th";
        snprintf(buf, size, "%d%s century", c, suf);
        break;
    }
    default:
        if (size)
            buf[0] = '\0';
    }
    return size ? strlen(buf) : 0;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool fl_date_parse_iso(const char *s, fl_date *out)
{
    fl_date d = {0, 0, 0, FL_PREC_NONE};
    size_t n = strlen(s);
    if (n < 4 || (d.year = digits(s, 4)) < 1)
        return false;
    d.precision = FL_PREC_YEAR;
    if (n > 4) {
        if (s[4] != '-' || n < 7 || (d.month = digits(s + 5, 2)) < 1 || d.month > 12)
            return false;
        d.precision = FL_PREC_MONTH;
        if (n > 7) {
            if (s[7] != '-' || n < 10 || (d.day = digits(s + 8, 2)) < 1)
                return false;
            if (!fl_date_valid(d.year, d.month, d.day))
                return false;
            if (n > 10 && s[10] != 'T' && s[10] != ' ')
                return false;
            d.precision = FL_PREC_DAY;
        }
    }
    *out = d;
    return true;
}

int fl_month_from_name(const char *s, size_t n)
{
    if (n == 4 && !strncasecmp(s, "sept", 4))
        return 9;
    for (int m = 1; m <= 12; m++) {
        size_t full = strlen(fl_month_names[m]);
        if ((n == full || n == 3) && !strncasecmp(s, fl_month_names[m], n))
            return m;
    }
    return 0;
}

int fl_weekday_from_name(const char *s, size_t n)
{
    static const char *const abbr4[] = {"mon", "tues", "wed", "thur", "fri", "sat", "sun"};
    for (int w = 0; w < 7; w++) {
        size_t full = strlen(fl_weekday_names[w]);
        if ((n == full || n == 3) && !strncasecmp(s, fl_weekday_names[w], n))
            return w;
        if (n == strlen(abbr4[w]) && !strncasecmp(s, abbr4[w], n))
            return w;
    }
    return -1;
}
