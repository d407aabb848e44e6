/*
 * ascii.h - ASCII character tests by table, for the extractors' scanners.
 *
 * The number, currency and date code asks "letter? digit? upper case?" and
 * "lower-cased?" of nearly every byte it reads; a compare pair and a branch
 * each, where a table load does.  Bytes >= 0x80 are neither letters nor
 * digits and lower-case to themselves, as in the tests these replace.
 */
#ifndef FL_EXTRACT_ASCII_H
#define FL_EXTRACT_ASCII_H

#include <stdbool.h>

enum { FL_CH_DIGIT = 1, FL_CH_ALPHA = 2, FL_CH_UPPER = 4 };

/* FL_CH_* bits of each byte */
extern const unsigned char fl_ascii_class[256];
/* each byte with A-Z lower-cased */
extern const unsigned char fl_ascii_lower[256];

static inline bool fl_ch_digit(unsigned char c)
{
    return fl_ascii_class[c] & FL_CH_DIGIT;
}

static inline bool fl_ch_alpha(unsigned char c)
{
    return fl_ascii_class[c] & FL_CH_ALPHA;
}

static inline bool fl_ch_alnum(unsigned char c)
{
    return fl_ascii_class[c] & (FL_CH_DIGIT | FL_CH_ALPHA);
}

static inline bool fl_ch_upper(unsigned char c)
{
    return fl_ascii_class[c] & FL_CH_UPPER;
}

static inline int fl_ch_lower(unsigned char c)
{
    return fl_ascii_lower[c];
}

#endif
