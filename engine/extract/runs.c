#include "extract/runs.h"

#include "core/alloc.h"

#include <string.h>

void fl_runs_init(fl_runs *r)
{
    memset(r, 0, sizeof *r);
}

void fl_runs_release(fl_runs *r)
{
    fl_free(r->items);
    fl_runs_init(r);
}

/* The end of the run that starts at s and continues past the end of its
 * 64-bit word: the next byte not in the run's class (cls), at most len (the
 * masks have no bits at or after len). */
static size_t run_end_far(const uint64_t *cls, size_t len, size_t s)
{
    return fl_bits_next_clear(cls, len, s);
}

/* Lists the letter run that starts at s in items[n] when the filter lets it
 * through; x: the complement of its 64-bit word's letter mask shifted down
 * to s.  The new count. */
static inline __attribute__((always_inline)) size_t
add_letter_run(fl_run *items, size_t n, const fl_run_filter *filter, const fl_bytemask *bm,
               const unsigned char *u, size_t len, size_t s, uint64_t x)
{
    size_t rl; /* the run's length: below 64 unless it crosses the word */
    if (x)
        rl = (unsigned)__builtin_ctzll(x);
    else if ((rl = run_end_far(bm->letter, len, s) - s) >= 64)
        return n; /* no filter word is this long */
    /* its length and first letter (first[] is 0 past FL_RUN_MAXLEN), then
     * with its last letter */
    unsigned f = FL_RUN_LETTER(u[s]);
    if (!filter->first[rl][f])
        return n;
    unsigned flags = filter->bits[rl][f][FL_RUN_LETTER(u[s + rl - 1])];
    if (flags)
        items[n++] = (fl_run){s, s + rl, flags};
    return n;
}

void fl_run_filter_index(fl_run_filter *f)
{
    memset(f->first, 0, sizeof f->first);
    for (size_t n = 1; n <= FL_RUN_MAXLEN; n++)
        for (unsigned a = 0; a < 32; a++)
            for (unsigned b = 0; b < 32; b++)
                if (f->bits[n][a][b])
                    f->first[n][a] = 1;
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
    r->n = 0;
    size_t words = bm->words;
    /* the list in locals while it grows (stores through r would be
     * reloaded after each) */
    fl_run *items = r->items;
    size_t n = 0, cap = r->cap;
    const unsigned char *u = (const unsigned char *)text;
    /* One pass over the 64-bit words.  A run starts where its class bit is
     * set and the bit before it (the previous word's top bit, carried) is
     * not.  Its end is the first clear bit after its start in the same
     * word: the word's complement shifted down to the start, whose lowest
     * set bit is the end unless the run reaches the top of the word (the
     * shift brings in zeros), which run_end_far then follows.  A word starts
     * at most 64 runs: the list grows before a word's runs are read, so the
     * loop over them calls nothing but run_end_far. */
    uint64_t lprev = 0, dprev = 0; /* the previous word's masks */
    for (size_t w = 0; w < words; w++) {
        uint64_t l = bm->letter[w], d = bm->digit[w];
        uint64_t S = (l & ~(l << 1 | lprev >> 63)) | (d & ~(d << 1 | dprev >> 63));
        lprev = l, dprev = d;
        if (!S)
            continue;
        if (FL_GROW(items, cap, n + 64))
            goto nomem;
        size_t base = w << 6;
        if (!d) { /* letter runs only (most words): no digit test */
            do {
                unsigned k = (unsigned)__builtin_ctzll(S);
                S &= S - 1;
                n = add_letter_run(items, n, filter, bm, u, len, base + k, ~l >> k);
            } while (S);
            continue;
        }
        do {
            unsigned k = (unsigned)__builtin_ctzll(S);
            S &= S - 1;
            size_t s = base + k;
            if (u[s] <= '9') { /* a digit (a run is letters or digits) */
                uint64_t x = ~d >> k;
                size_t e = x ? s + (unsigned)__builtin_ctzll(x) : run_end_far(bm->digit, len, s);
                items[n++] = (fl_run){s, e, FL_RUN_DIGITS};
                continue;
            }
            n = add_letter_run(items, n, filter, bm, u, len, s, ~l >> k);
        } while (S);
    }
    r->items = items;
    r->n = n;
    r->cap = cap;
    return 0;
nomem:
    r->items = items;
    r->cap = cap;
    return -1;
}
