#include "extract/runs.h"

#include "core/alloc.h"

#include <string.h>

void fl_runs_init(fl_runs *r)
{
    memset(r, 0, sizeof *r);
}

void fl_runs_release(fl_runs *r)
{
    fl_free(r->number.items);
    fl_free(r->date.items);
    fl_runs_init(r);
}

/* A letter's index in fl_run_filter: 1 for 'a', ..., 26 for 'z' (pairs keeps
 * no others) */
#define LAST_LETTER 26

_Static_assert(FL_RUN_ALL == 6, "fl_run_filter.pairs keeps letter l's bits at 2l + 1 and 2l + 2");

void fl_run_filter_index(fl_run_filter *f)
{
    memset(f->pairs, 0, sizeof f->pairs);
    for (size_t n = 1; n <= FL_RUN_MAXLEN; n++)
        for (unsigned a = 0; a < 32; a++)
            for (unsigned b = 0; b < 32; b++) {
                unsigned bits = f->bits[n][a][b] & FL_RUN_ALL;
                if (b >= 1 && b <= LAST_LETTER)
                    f->pairs[n][a] |= (uint64_t)bits << 2 * b;
            }
}

/* row_at[n]: where the row of pairs for a letter run of n < 64 letters
 * starts, counted in entries from pairs[0][0]: row n (n * 32), or row 0 (no
 * bits) past FL_RUN_MAXLEN.  One load that does not wait for a compare
 * and select of the row (a tenth of fl_runs_build's time). */
static const uint16_t row_at[64] = {0, 32, 64, 96, 128, 160, 192, 224, 256, 288};
_Static_assert(FL_RUN_MAXLEN == 9, "row_at lists the rows up to FL_RUN_MAXLEN");

/* The flags of the letter run text[s..s + rl), rl < 64: its filter bits,
 * none when it is longer than FL_RUN_MAXLEN, with no branch. */
static inline unsigned letter_flags(const fl_run_filter *filter, const unsigned char *u, size_t s,
                                    size_t rl)
{
    uint64_t pairs = (&filter->pairs[0][0])[row_at[rl & 63] + FL_RUN_LETTER(u[s])];
    return (unsigned)(pairs >> 2 * FL_RUN_LETTER(u[s + rl - 1])) & FL_RUN_ALL;
}

int fl_runs_build(fl_runs *r, const fl_bytemask *bm, const char *text, size_t len,
                  const fl_run_filter *filter)
{
    fl_run_filter all;
    if (!filter) {
        memset(all.bits, FL_RUN_ALL, sizeof all.bits);
        fl_run_filter_index(&all);
        filter = &all;
    }
    r->number.n = r->date.n = 0;
    size_t words = bm->words;
    /* The runs either extractor takes, listed first in the date list's
     * array and split after the loop.  The list in locals while it grows
     * (stores through r would be reloaded after each) */
    fl_run *items = r->date.items;
    size_t n = 0, cap = r->date.cap;
    const unsigned char *u = (const unsigned char *)text;
    /* One pass over the 64-bit words, without a branch per letter run that
     * depends on the text (a run's length and filter bits are all but
     * random from one run to the next: as branches they were mispredicted
     * at one run in seven).
     *
     * A run starts where its class bit is set and the bit before it (the
     * previous word's top bit, carried) is not: S, the starts of both
     * classes.  Every run but the last of a word ends inside the word: its
     * end is the lowest set bit of the complement of its class's mask
     * shifted down to its start.  Such a letter run is stored at items[n]
     * whatever it is, and n counts it only when its filter bits are not
     * zero (letter_flags).  The word's last run, when it reaches the top of
     * the word (top), is taken after the loop: its end may be in the next
     * word.  A word starts at most 64 runs: the list grows before a word's
     * runs are read. */
    uint64_t lprev = 0, dprev = 0; /* the previous word's masks */
    for (size_t w = 0; w < words; w++) {
        uint64_t l = bm->letter[w], d = bm->digit[w];
        uint64_t S = (l & ~(l << 1 | lprev >> 63)) | (d & ~(d << 1 | dprev >> 63));
        lprev = l, dprev = d;
        if (!S)
            continue;
        if (FL_GROW(items, cap, n + 64))
            goto nomem;
        /* the start of the run that reaches the top of the word, if it
         * starts in it (S has a bit: a run at the top that started before
         * would fill the word) */
        uint64_t top = ((l | d) >> 63) << (63 - __builtin_clzll(S));
        uint64_t nl = ~l;
        size_t base = w << 6;
        S &= ~top;
        if (!d) { /* letter runs only (most words) */
            while (S) {
                unsigned k = (unsigned)__builtin_ctzll(S);
                S &= S - 1;
                size_t s = base + k, rl = (unsigned)__builtin_ctzll(nl >> k);
                unsigned flags = letter_flags(filter, u, s, rl);
                items[n] = (fl_run){s, s + rl, flags};
                n += flags != 0;
            }
        } else {
            uint64_t nd = ~d;
            while (S) {
                unsigned k = (unsigned)__builtin_ctzll(S);
                S &= S - 1;
                size_t s = base + k;
                if (d >> k & 1) { /* a digit run (all are listed) */
                    items[n++] = (fl_run){s, s + (unsigned)__builtin_ctzll(nd >> k), FL_RUN_DIGITS};
                    continue;
                }
                size_t rl = (unsigned)__builtin_ctzll(nl >> k);
                unsigned flags = letter_flags(filter, u, s, rl);
                items[n] = (fl_run){s, s + rl, flags};
                n += flags != 0;
            }
        }
        if (top) {
            /* its end: the first clear bit of its class from its start on,
             * looked for in this word and the next (the masks have no bits
             * at or after len), or further only when the run has 64 bytes
             * or more */
            unsigned k = (unsigned)__builtin_ctzll(top);
            size_t s = base + k;
            const uint64_t *cls = d >> 63 ? bm->digit : bm->letter;
            uint64_t next = w + 1 < words ? cls[w + 1] : 0;
            uint64_t window = ~cls[w] >> k | ~next << (63 - k) << 1;
            size_t e =
                window ? s + (unsigned)__builtin_ctzll(window) : fl_bits_next_clear(cls, len, s);
            /* (a run of 64 letters or more looked up as one of 63: none) */
            size_t rl = e - s < 64 ? e - s : 63;
            unsigned flags = cls == bm->digit ? FL_RUN_DIGITS : letter_flags(filter, u, s, rl);
            items[n] = (fl_run){s, e, flags};
            n += flags != 0;
        }
    }
    r->date.items = items;
    r->date.cap = cap;
    /* Each extractor's list from the runs listed: in a pass of its own
     * over the listed runs (few of the letter runs), which costs less than
     * a second store at every letter run in the loop above (that made
     * fl_runs_build a fifth dearer, more than the lists saved).
     * Each run is stored at the end of both lists, and a list's length
     * counts it when the list takes it (no branch: the flags alternate at
     * random).  The date list is compacted in place (nd <= k: a run is
     * read before its slot is written). */
    if (FL_GROW(r->number.items, r->number.cap, n))
        return -1;
    fl_run *num = r->number.items, *dat = items;
    size_t nn = 0, nd = 0;
    for (size_t k = 0; k < n; k++) {
        fl_run run = items[k];
        num[nn] = run;
        nn += (run.flags & (FL_RUN_DIGITS | FL_RUN_NUMBER)) != 0;
        dat[nd] = run;
        nd += (run.flags & (FL_RUN_DIGITS | FL_RUN_DATE)) != 0;
    }
    r->number.n = nn;
    r->date.n = nd;
    return 0;
nomem:
    r->date.items = items;
    r->date.cap = cap;
    return -1;
}
