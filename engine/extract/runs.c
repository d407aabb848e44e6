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

int fl_runs_build(fl_runs *r, const fl_bytemask *bm, const char *text, size_t len,
                  const fl_run_filter *filter)
{
    fl_run_filter all;
    if (!filter) {
        memset(all.bits, FL_RUN_ALL, sizeof all.bits);
        filter = &all;
    }
    r->n = 0;
    size_t words = bm->words;
    /* the list in locals while it grows (stores through r would be
     * reloaded after each) */
    fl_run *items = r->items;
    size_t n = 0, cap = r->cap;
    const unsigned char *u = (const unsigned char *)text;
    const uint8_t(*bits)[32][32] = filter->bits;
    /* One pass over the 64-bit words.  A run starts where its class bit is
     * set and the bit before it (the previous word's top bit, carried) is
     * not.  Its end is the first clear bit after its start in the same
     * word: the word's complement shifted down to the start, whose lowest
     * set bit is the end unless the run reaches the top of the word (the
     * shift brings in zeros), which run_end_far then follows. */
    uint64_t lprev = 0, dprev = 0; /* the previous word's masks */
    for (size_t w = 0; w < words; w++) {
        uint64_t l = bm->letter[w], d = bm->digit[w];
        uint64_t S = (l & ~(l << 1 | lprev >> 63)) | (d & ~(d << 1 | dprev >> 63));
        lprev = l, dprev = d;
        size_t base = w << 6;
        while (S) {
            unsigned k = (unsigned)__builtin_ctzll(S);
            S &= S - 1;
            size_t s = base + k;
            unsigned c = u[s], flags;
            if (c <= '9') { /* a digit (a run is letters or digits) */
                uint64_t x = ~d >> k;
                size_t e = x ? s + (unsigned)__builtin_ctzll(x) : run_end_far(bm->digit, len, s);
                flags = FL_RUN_DIGITS;
                if (FL_GROW(items, cap, n + 1))
                    goto nomem;
                items[n++] = (fl_run){s, e, flags};
                continue;
            }
            uint64_t x = ~l >> k;
            size_t rl = x ? (unsigned)__builtin_ctzll(x) : run_end_far(bm->letter, len, s) - s;
            if (rl > FL_RUN_MAXLEN) /* no filter word is this long */
                continue;
            flags = bits[rl][FL_RUN_LETTER(c)][FL_RUN_LETTER(u[s + rl - 1])];
            if (!flags)
                continue;
            if (FL_GROW(items, cap, n + 1))
                goto nomem;
            items[n++] = (fl_run){s, s + rl, flags};
        }
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
