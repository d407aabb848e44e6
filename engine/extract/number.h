/*
 * number.h - reading numbers as news text writes them.
 *
 * fl_number_parse reads one number at a byte offset: digits with thousands
 * separators and decimals ("1,130.5"), an attached or following magnitude
 * ("6bn", "700m", "1.13 mln", "3.5 billion", "500 crore"), or number words
 * ("three", "twenty-five", "two hundred and fifty", "a dozen", "a billion",
 * "half a million").  It is the building block of the money, quantity,
 * percent and duration extractor (fl_number_extract in internal.h); the date
 * extractor and rules may reuse it.
 *
 * Conventions: value = raw * magnitude; magnitude is 1 when none is written.
 * "m" attached to digits means million ("700m tonnes"); "k" thousand;
 * "bn"/"bln"/"b" billion; "tn"/"trn" trillion; "crore" 1e7 and "lakh" 1e5.
 * A number never starts inside a word ("A380") - callers check what precedes.
 *
 * Pure functions over the caller's text: no state, no allocation.
 */
#ifndef FL_EXTRACT_NUMBER_H
#define FL_EXTRACT_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

enum {
    FL_NUM_WORDS = 1u << 0,    /* written in words ("three million") */
    FL_NUM_COMMA = 1u << 1,    /* has a thousands separator */
    FL_NUM_DECIMAL = 1u << 2,  /* has a decimal part */
    FL_NUM_ARTICLE = 1u << 3,  /* starts with "a"/"an"/"half a" ("a billion") */
    FL_NUM_ATTACHED = 1u << 4, /* the magnitude is attached ("6bn") */
};

typedef struct fl_number {
    size_t start, end; /* bytes read, magnitude included */
    size_t mag_start;  /* where the magnitude begins (== end when there is none) */
    double raw;        /* the number before its magnitude: 6 for "6bn" */
    double magnitude;  /* 1e9 for "6bn"; 1 when none */
    double value;      /* raw * magnitude */
    unsigned flags;    /* FL_NUM_* */
    int int_digits;    /* digits before the decimal point (0 for words) */
} fl_number;

/* Reads a number at s[pos] (s[0..len)).  false when none starts there. */
bool fl_number_parse(const char *s, size_t len, size_t pos, fl_number *out);

/* Value of one number word ("seven" 7, "twenty" 20, "eleven" 11), -1 when
 * s[0..n) is not one.  Case-insensitive. */
int fl_number_word(const char *s, size_t n);

/* The magnitude a word names ("bn" 1e9, "million" 1e6, "k" 1e3, "crore"
 * 1e7), 0 when none.  attached: the word is glued to digits, which also
 * allows "m", "k" and "b". */
double fl_number_magnitude(const char *s, size_t n, bool attached);

#endif
