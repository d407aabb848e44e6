/*
 * runs.h - the shared word pass of the number and date extractors.
 *
 * Both extractors walk the whole article from one ASCII letter or digit run
 * to the next (a run: a maximal stretch of ASCII letters, or of ASCII
 * digits; "B52" is two runs), and at nearly every letter run they only test
 * the word against a filter on its length, first and last letter and step
 * over it.  fl_runs_build lists the runs once per article, keeping only
 *   - every digit run (both extractors stop at each), and
 *   - the letter runs of at most FL_RUN_MAXLEN letters that the extractors'
 *     filters let through (fl_run_filter: one table, each extractor's bit),
 * so that each extractor goes from one listed run to the next instead of
 * looking at every word.  A listed run is only a place to look: the
 * extractor still applies its own full test there, so an extractor called
 * without a filter (NULL: every letter run listed, all bits set) finds the
 * same facts.  The runs are built from the byte masks (bytemask.h).
 *
 * Each extractor has a list of its own, split from those, so that
 * neither steps over the runs only the other wants (on Reuters the date
 * scan stepped over 148K runs listed only for numbers):
 *   - number: every digit run and the letter runs with FL_RUN_NUMBER;
 *   - date: every digit run and the letter runs with FL_RUN_DATE.
 */
#ifndef FL_EXTRACT_RUNS_H
#define FL_EXTRACT_RUNS_H

#include "extract/bytemask.h"

#include <stddef.h>
#include <stdint.h>

enum {
    FL_RUN_DIGITS = 1u << 0, /* a digit run (all are listed) */
    FL_RUN_NUMBER = 1u << 1, /* a letter run the number extractor's filter passes */
    FL_RUN_DATE = 1u << 2,   /* a letter run the date extractor's filter passes */
    FL_RUN_ALL = FL_RUN_NUMBER | FL_RUN_DATE,
};

/* Letter runs longer than this are never listed: no filter word is. */
#define FL_RUN_MAXLEN 9

/* bits[n][f][l]: the FL_RUN_NUMBER / FL_RUN_DATE bits of a letter run of n
 * letters whose first and last letters are the f-th and l-th letter of the
 * alphabet, counted from 1 (a letter's low five bits, in either case).
 * Row 0 is not looked up (a run has a letter; longer runs are not listed). */
typedef struct fl_run_filter {
    uint8_t bits[FL_RUN_MAXLEN + 1][32][32];
    /* pairs[n][f]: bits[n][f][l] for the last letters l = 1 .. 26 packed
     * two bits to a letter: bits 2l + 1 and 2l + 2 are its FL_RUN_NUMBER
     * and FL_RUN_DATE, so that a run's flags are one load, shift and mask
     * (pairs >> 2l & FL_RUN_ALL) instead of the branches of a two-level
     * test, in 2.5 KiB where bits takes 10 (fewer cache lines).  Row 0
     * is all zero: fl_runs_build looks runs longer than FL_RUN_MAXLEN up
     * there and finds nothing.  Filled from bits by fl_run_filter_index. */
    uint64_t pairs[FL_RUN_MAXLEN + 1][32];
} fl_run_filter;

/* Fills f->pairs from f->bits: call it after the last change to f->bits. */
void fl_run_filter_index(fl_run_filter *f);

/* the index of letter c in fl_run_filter (1 for 'a' and 'A') */
#define FL_RUN_LETTER(c) ((unsigned char)(c)&31u)

typedef struct fl_run {
    size_t s, e; /* text[s..e) */
    unsigned flags;
} fl_run;

typedef struct fl_run_list {
    fl_run *items; /* in text order */
    size_t n, cap;
} fl_run_list;

typedef struct fl_runs {
    fl_run_list number; /* the number extractor's runs (see above) */
    fl_run_list date;   /* the date extractor's */
} fl_runs;

void fl_runs_init(fl_runs *r);
void fl_runs_release(fl_runs *r);

/* Lists the runs of text[0..len) whose masks bm holds (see above); filter
 * NULL lists every letter run (of at most FL_RUN_MAXLEN letters) with
 * FL_RUN_ALL.  -1 on ENOMEM. */
int fl_runs_build(fl_runs *r, const fl_bytemask *bm, const char *text, size_t len,
                  const fl_run_filter *filter);

#endif
