#include "ingest/dateline.h"

#include "core/alloc.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* How far into the text a date line or source line is looked for. */
#define DATELINE_MAX_PARAGRAPHS 6
#define DATELINE_MAX_LINES      10
#define DATELINE_LINE_MAX       120 /* bytes: longer lines are sentences, not date lines */

typedef struct cursor {
    const char *s;
    size_t n, i;
} cursor;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The first three letters of a word, lower case, in one number ('|' 0x20
 * turns no byte but a letter into a lower-case letter). */
#define THREE(a, b, c) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16)

static uint32_t first_three(const char *s)
{
    return THREE((unsigned char)s[0] | 0x20, (unsigned char)s[1] | 0x20,
                 (unsigned char)s[2] | 0x20);
}

/* The month whose name begins with the three letters at s (either case),
 * else 0.  fl_month_from_name and fl_weekday_from_name are asked only of
 * words that begin as some month or weekday does (names, three-letter abbreviations,
 * "Sept", "Tues", "Thur"): they compare a word with every name by
 * strncasecmp, and most words here are neither.  A three-letter word is a
 * month exactly when its letters begin one (no two months begin alike), so
 * "Feb", the usual wire dateline's, is told by its letters alone. */
static int month_prefix(const char *s)
{
    int m;
    switch (first_three(s)) {
    case THREE('j', 'a', 'n'):
        m = 1;
        break;
    case THREE('f', 'e', 'b'):
        m = 2;
        break;
    case THREE('m', 'a', 'r'):
        m = 3;
        break;
    case THREE('a', 'p', 'r'):
        m = 4;
        break;
    case THREE('m', 'a', 'y'):
        m = 5;
        break;
    case THREE('j', 'u', 'n'):
        m = 6;
        break;
    case THREE('j', 'u', 'l'):
        m = 7;
        break;
    case THREE('a', 'u', 'g'):
        m = 8;
        break;
    case THREE('s', 'e', 'p'):
        m = 9;
        break;
    case THREE('o', 'c', 't'):
        m = 10;
        break;
    case THREE('n', 'o', 'v'):
        m = 11;
        break;
    case THREE('d', 'e', 'c'):
        m = 12;
        break;
    default:
        return 0;
    }
    return m;
}

static int month_name(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    int m = month_prefix(s);
    return !m || n == 3 ? m : fl_month_from_name(s, n);
}

static bool weekday_prefix(const char *s)
{
    switch (first_three(s)) {
    case THREE('m', 'o', 'n'):
    case THREE('t', 'u', 'e'):
    case THREE('w', 'e', 'd'):
    case THREE('t', 'h', 'u'):
    case THREE('f', 'r', 'i'):
    case THREE('s', 'a', 't'):
    case THREE('s', 'u', 'n'):
        return true;
    default:
        return false;
    }
}

static int weekday_name(const char *s, size_t n)
{
    return n >= 3 && weekday_prefix(s) ? fl_weekday_from_name(s, n) : -1;
}

static void skip_spaces(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

/* Whether s[0..n) holds an ASCII digit: sixteen bytes a step (signed
 * compares: bytes >= 0x80 are below '0'). */
static bool has_digit(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, below), _mm_cmplt_epi8(x, above))))
            return true;
    }
#endif
    for (; i < n; i++)
        if (is_digit(s[i]))
            return true;
    return false;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Skips a literal (ASCII case-insensitive, as strncasecmp in the C locale);
 * true when it was there.  Compared byte by byte to the literal's NUL: most
 * calls differ in the first byte. */
static bool accept(cursor *c, const char *lit)
{
    size_t i = c->i;
    for (; *lit; lit++, i++)
        if (i >= c->n || ascii_lower((unsigned char)c->s[i]) != ascii_lower((unsigned char)*lit))
            return false;
    c->i = i;
    return true;
}

/* A run of 1..max digits; -1 when there is none or it is longer. */
static int number(cursor *c, size_t min, size_t max)
{
    size_t b = c->i;
    int v = 0;
    while (c->i < c->n && is_digit(c->s[c->i]) && c->i - b < max + 1) {
        v = v * 10 + (c->s[c->i] - '0');
        c->i++;
    }
    size_t k = c->i - b;
    if (k < min || k > max || (c->i < c->n && is_digit(c->s[c->i]))) {
        c->i = b;
        return -1;
    }
    return v;
}

/* Whether three ASCII letters are at the cursor. */
static bool three_letters(const cursor *c)
{
    return c->n - c->i >= 3 && is_alpha(c->s[c->i]) && is_alpha(c->s[c->i + 1]) &&
           is_alpha(c->s[c->i + 2]);
}

static size_t word(cursor *c)
{
    size_t b = c->i;
    while (c->i < c->n && is_alpha(c->s[c->i]))
        c->i++;
    return c->i - b;
}

/* A month name or abbreviation (with an optional full stop); 0 when none. */
static int month(cursor *c)
{
    size_t b = c->i;
    /* a word whose first three letters begin no month is none: not read to its end */
    if (!three_letters(c) || !month_prefix(c->s + b))
        return 0;
    size_t k = word(c);
    int m = k ? month_name(c->s + b, k) : 0;
    if (!m) {
        c->i = b;
        return 0;
    }
    if (c->i < c->n && c->s[c->i] == '.')
        c->i++;
    return m;
}

static void ordinal_suffix(cursor *c)
{
    if (!accept(c, "st") && !accept(c, "nd") && !accept(c, "rd"))
        (void)accept(c, "th");
}

/* "10:22", "10.22am", "10:22:05 GMT", "3pm BST", "(10:22 GMT)": optional. */
static void time_of_day(cursor *c)
{
    size_t b = c->i;
    bool paren = c->i < c->n && c->s[c->i] == '(';
    if (paren)
        c->i++;
    if (number(c, 1, 2) < 0) {
        c->i = b;
        return;
    }
    bool ok = false;
    if (c->i < c->n && (c->s[c->i] == ':' || c->s[c->i] == '.')) {
        c->i++;
        if (number(c, 2, 2) < 0) {
            c->i = b;
            return;
        }
        ok = true;
        if (c->i < c->n && c->s[c->i] == ':') {
            c->i++;
            if (number(c, 2, 2) < 0) {
                c->i = b;
                return;
            }
        }
    }
    skip_spaces(c);
    if (accept(c, "am") || accept(c, "pm") || accept(c, "a.m.") || accept(c, "p.m."))
        ok = true;
    if (!ok) {
        c->i = b;
        return;
    }
    skip_spaces(c);
    size_t zb = c->i;
    while (c->i < c->n && c->s[c->i] >= 'A' && c->s[c->i] <= 'Z')
        c->i++;
    if (c->i - zb > 5)
        c->i = zb;
    if (c->i > zb && c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) {
        c->i++;
        while (c->i < c->n && (is_digit(c->s[c->i]) || c->s[c->i] == ':'))
            c->i++;
    }
    skip_spaces(c);
    if (paren && !(c->i < c->n && c->s[c->i++] == ')'))
        c->i = b;
}

/* Separators between a date and its time: spaces, commas, dashes, bars, "at". */
static void separators(cursor *c)
{
    for (;;) {
        skip_spaces(c);
        if (c->i < c->n && (c->s[c->i] == ',' || c->s[c->i] == '-' || c->s[c->i] == '|'))
            c->i++;
        else if (accept(c, "\xE2\x80\x93") || accept(c, "\xE2\x80\x94") || accept(c, "\xC2\xB7"))
            ;
        else if (c->n - c->i > 3 && !strncasecmp(c->s + c->i, "at ", 3))
            c->i += 3;
        else
            return;
    }
}

bool fl_dateline_parse_date_line(const char *s, size_t n, fl_date *out)
{
    static const char *const labels[] = {"First published on",
                                         "First published:",
                                         "First published",
                                         "Last updated on",
                                         "Last updated:",
                                         "Last updated",
                                         "Published on",
                                         "Published:",
                                         "Published",
                                         "Updated on",
                                         "Updated:",
                                         "Updated",
                                         "Posted on",
                                         "Posted:",
                                         "Posted",
                                         "Date:",
                                         "Dated",
                                         NULL};
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0 || n > DATELINE_LINE_MAX)
        return false;
    /* every form below ends in a four-digit year: a line without a digit
     * (most of them) is not one, and skips the month and weekday lookups */
    if (!has_digit(s, n))
        return false;
    cursor c = {s, n, 0};
    skip_spaces(&c);
    /* every label starts with an F, L, P, U or D, in either case */
    unsigned char first = c.i < n ? (unsigned char)(s[c.i] | 0x20) : 0;
    if (first == 'f' || first == 'l' || first == 'p' || first == 'u' || first == 'd')
        for (size_t i = 0; labels[i]; i++)
            if (accept(&c, labels[i])) {
                skip_spaces(&c);
                break;
            }
    /* optional weekday (a word read to its end only when its first three
     * letters begin a weekday's name) */
    size_t b = c.i;
    size_t k = three_letters(&c) && weekday_prefix(s + b) ? word(&c) : 0;
    if (k && weekday_name(s + b, k) >= 0) {
        if (c.i < n && c.s[c.i] == '.')
            c.i++;
        if (c.i < n && c.s[c.i] == ',')
            c.i++;
        skip_spaces(&c);
    } else {
        c.i = b;
    }
    int y = -1, m = 0, d = -1;
    if (c.i < n && is_digit(s[c.i])) {
        size_t nb = c.i;
        y = number(&c, 4, 4);
        if (y > 0 && c.i < n && s[c.i] == '-') {
            /* ISO: 2017-11-24 */
            c.i++;
            m = number(&c, 2, 2);
            if (m < 0 || !(c.i < n && s[c.i] == '-'))
                return false;
            c.i++;
            d = number(&c, 2, 2);
            if (d < 0)
                return false;
            if (c.i < n && s[c.i] == 'T')
                c.i = n; /* an ISO time stamp follows */
        } else {
            c.i = nb;
            /* 24 November 2017 */
            d = number(&c, 1, 2);
            if (d < 0)
                return false;
            ordinal_suffix(&c);
            skip_spaces(&c);
            if (!(m = month(&c)))
                return false;
            if (c.i < n && s[c.i] == ',')
                c.i++;
            skip_spaces(&c);
            if ((y = number(&c, 4, 4)) < 0)
                return false;
        }
    } else {
        /* November 24, 2017 */
        if (!(m = month(&c)))
            return false;
        skip_spaces(&c);
        if ((d = number(&c, 1, 2)) < 0)
            return false;
        ordinal_suffix(&c);
        if (c.i < n && s[c.i] == ',')
            c.i++;
        skip_spaces(&c);
        if ((y = number(&c, 4, 4)) < 0)
            return false;
    }
    size_t after_date = c.i;
    separators(&c);
    time_of_day(&c);
    skip_spaces(&c);
    if (c.i < n && s[c.i] == '.')
        c.i++;
    if (c.i != n) {
        /* trailing separators alone ("24 November 2017 -") are fine */
        c.i = after_date;
        separators(&c);
        if (c.i != n)
            return false;
    }
    if (!fl_date_valid(y, m, d))
        return false;
    *out = (fl_date){y, m, d, FL_PREC_DAY};
    return true;
}

bool fl_dateline_parse_source_line(const char *s, size_t n, fl_date *out)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    size_t b = 0;
    while (b < n && (s[b] == ' ' || s[b] == '\t'))
        b++;
    if (n - b < 12 || s[b] != '[' || s[n - 1] != ']' || strncasecmp(s + b + 1, "source", 6))
        return false;
    size_t e = n - 1;
    size_t i = e;
    while (i > b && s[i - 1] != ',' && s[i - 1] != ':')
        i--;
    cursor c = {s, e, i};
    skip_spaces(&c);
    int d = number(&c, 1, 2);
    if (d < 0)
        return false;
    skip_spaces(&c);
    size_t mb = c.i;
    size_t k = word(&c);
    int m = k ? month_name(s + mb, k) : 0;
    if (!m)
        return false;
    skip_spaces(&c);
    size_t yb = c.i;
    int y = number(&c, 2, 4);
    if (y < 0 || (c.i - yb) == 3)
        return false;
    if (c.i - yb == 2)
        y += y < 70 ? 2000 : 1900;
    skip_spaces(&c);
    if (c.i != e || !fl_date_valid(y, m, d))
        return false;
    *out = (fl_date){y, m, d, FL_PREC_DAY};
    return true;
}

static bool is_place_byte(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || ch == ' ' || ch == '.' || ch == '-' || ch == '\'' ||
           ch == '/' || ch >= 0x80;
}

bool fl_dateline_parse_wire(const char *s, size_t n, int *year, int *month_out, int *day,
                            size_t *len)
{
    size_t i = 0;
    size_t letters = 0;
    while (i < n && i < 48 && s[i] != ',') {
        unsigned char ch = (unsigned char)s[i];
        if (!is_place_byte(ch))
            return false;
        if (ch >= 'A' && ch <= 'Z')
            letters++;
        i++;
    }
    if (i >= n || s[i] != ',' || letters < 2 || !(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    cursor c = {s, n, i + 1};
    skip_spaces(&c);
    int m = month(&c);
    if (!m)
        return false;
    skip_spaces(&c);
    int d = number(&c, 1, 2);
    if (d < 1 || d > 31)
        return false;
    int y = 0;
    size_t before_year = c.i;
    if (c.i < n && s[c.i] == ',') {
        c.i++;
        skip_spaces(&c);
        if ((y = number(&c, 4, 4)) < 0) {
            y = 0;
            c.i = before_year;
        }
    }
    skip_spaces(&c);
    if (c.i < n && s[c.i] == '(') {
        /* "(Reuters)", "(AP)" */
        size_t close = c.i;
        while (close < n && close - c.i < 32 && s[close] != ')')
            close++;
        if (close >= n || s[close] != ')')
            return false;
        c.i = close + 1;
        skip_spaces(&c);
    }
    if (!(accept(&c, "--") || accept(&c, "-") || accept(&c, "\xE2\x80\x93") ||
          accept(&c, "\xE2\x80\x94")))
        return false;
    if (c.i < n && s[c.i] != ' ' && s[c.i] != '\t' && s[c.i] != '\n' && s[c.i] != '\r')
        return false;
    if (y && !fl_date_valid(y, m, d))
        return false;
    if (!y && !fl_date_valid(2000, m, d)) /* 2000 is a leap year: Feb 29 may be real */
        return false;
    *year = y;
    *month_out = m;
    *day = d;
    *len = c.i;
    return true;
}

/* ---- applying ------------------------------------------------------------ */

/* A day-precision date for month/day in the year of `anchor`, moved to the
 * adjacent year when that puts it closer to the anchor (a December dateline on
 * a story dated January 1). */
static bool resolve_year(fl_date anchor, int m, int d, fl_date *out)
{
    if (anchor.precision < FL_PREC_YEAR)
        return false;
    int y = anchor.year;
    if (anchor.precision >= FL_PREC_MONTH) {
        int am = anchor.month;
        if (m - am > 6)
            y--;
        else if (am - m > 6)
            y++;
    }
    if (!fl_date_valid(y, m, d))
        return false;
    *out = (fl_date){y, m, d, FL_PREC_DAY};
    return true;
}

static bool differs(fl_date meta, fl_date text)
{
    if (meta.year != text.year)
        return true;
    if (meta.precision >= FL_PREC_MONTH && meta.month != text.month)
        return true;
    if (meta.precision >= FL_PREC_DAY && meta.day != text.day)
        return true;
    return false;
}

typedef struct found {
    fl_date date;
    size_t offset, length; /* the text it was read from */
    bool wire;
    int month, day;
} found;

static bool line_date(const fl_article *a, size_t b, size_t e, fl_date *d)
{
    const char *s = a->text + b;
    size_t n = e - b;
    /* a date line has DATELINE_LINE_MAX bytes at most before its trailing
     * blank space, a source line a '[' after its leading blank space: a
     * longer line (most: a story paragraph) is asked for a source line only
     * when it starts so */
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n > DATELINE_LINE_MAX) {
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        return s[i] == '[' && fl_dateline_parse_source_line(s, n, d);
    }
    return fl_dateline_parse_date_line(s, n, d) || fl_dateline_parse_source_line(s, n, d);
}

/* Looks at the first lines of the text for a date line or source line, then
 * at the first story paragraph for a wire dateline. */
static bool detect(const fl_article *a, found *f)
{
    size_t lines = 0;
    /* the paragraphs whose whole text the first loop read as a line (one
     * line paragraphs, most of them): no date there, and the second loop
     * need not read them again */
    bool read_whole[DATELINE_MAX_PARAGRAPHS] = {false};
    size_t li = 0; /* the line holding the paragraph's start: paragraphs are in order */
    for (size_t pi = 0; pi < a->n_paragraphs && pi < DATELINE_MAX_PARAGRAPHS; pi++) {
        if (lines >= DATELINE_MAX_LINES)
            break; /* no line left to read */
        const fl_paragraph *p = &a->paragraphs[pi];
        while (li + 1 < a->n_lines && a->line_starts[li + 1] <= p->offset)
            li++;
        size_t pend = p->offset + p->length;
        for (; li < a->n_lines && lines < DATELINE_MAX_LINES; li++, lines++) {
            size_t b = a->line_starts[li];
            if (b >= pend)
                break;
            if (b < p->offset)
                b = p->offset;
            size_t e = li + 1 < a->n_lines ? a->line_starts[li + 1] : a->text_len;
            if (e > pend)
                e = pend;
            while (e > b && (a->text[e - 1] == '\n' || a->text[e - 1] == '\r'))
                e--;
            if (line_date(a, b, e, &f->date)) {
                f->offset = b;
                f->length = e - b;
                f->wire = false;
                return true;
            }
            if (b == p->offset && e == pend)
                read_whole[pi] = true;
        }
    }
    for (size_t pi = 0; pi < a->n_paragraphs && pi < DATELINE_MAX_PARAGRAPHS; pi++) {
        const fl_paragraph *p = &a->paragraphs[pi];
        if (p->heading || p->boilerplate != FL_BOILER_NONE)
            continue;
        fl_date d;
        if (!read_whole[pi] && line_date(a, p->offset, p->offset + p->length, &d))
            continue;
        int y, m, day;
        size_t len;
        if (!fl_dateline_parse_wire(a->text + p->offset, p->length, &y, &m, &day, &len))
            return false;
        f->offset = p->offset;
        f->length = len;
        f->wire = true;
        f->month = m;
        f->day = day;
        f->date = y ? (fl_date){y, m, day, FL_PREC_DAY} : (fl_date){0, 0, 0, FL_PREC_NONE};
        return true;
    }
    return false;
}

static fl_status set_text(fl_article *a, const char *s, size_t n, fl_error *err)
{
    if (fl_article_set_string(a, FL_ARTICLE_DATELINE_TEXT, s, n))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return FL_OK;
}

fl_status fl_dateline_apply(fl_article *a, const fl_dateline_hint *hint, fl_date default_date,
                            fl_error *err)
{
    static const fl_date none = {0, 0, 0, FL_PREC_NONE};
    a->dateline = none;
    a->dateline_source = FL_DATELINE_NONE;
    a->page_date = none;
    (void)fl_article_set_string(a, FL_ARTICLE_DATELINE_TEXT, NULL, 0); /* (cannot fail) */

    found f;
    bool have = detect(a, &f);
    bool meta = hint && hint->date.precision != FL_PREC_NONE && hint->source != FL_DATELINE_NONE;

    if (meta) {
        a->dateline = hint->date;
        a->dateline_source = hint->source;
        const char *t = hint->wire ? hint->wire : hint->text;
        if (t && set_text(a, t, strlen(t), err) != FL_OK)
            return FL_ENOMEM;
        fl_date text_date = none;
        if (have && f.wire && f.date.precision == FL_PREC_NONE)
            (void)resolve_year(hint->date, f.month, f.day, &text_date);
        else if (have)
            text_date = f.date;
        if (text_date.precision == FL_PREC_NONE && hint->wire) {
            int y, m, d;
            size_t len;
            if (fl_dateline_parse_wire(hint->wire, strlen(hint->wire), &y, &m, &d, &len)) {
                if (y)
                    text_date = (fl_date){y, m, d, FL_PREC_DAY};
                else
                    (void)resolve_year(hint->date, m, d, &text_date);
            }
        }
        if (text_date.precision != FL_PREC_NONE && differs(hint->date, text_date))
            a->page_date = text_date;
        return FL_OK;
    }
    if (have && f.date.precision != FL_PREC_NONE) {
        a->dateline = f.date;
        a->dateline_source = FL_DATELINE_TEXT;
        return set_text(a, a->text + f.offset, f.length, err);
    }
    if (default_date.precision != FL_PREC_NONE) {
        a->dateline = default_date;
        a->dateline_source = FL_DATELINE_CLI;
    }
    return FL_OK;
}
