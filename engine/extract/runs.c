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

/* The first bytes of the letter runs and digit runs in 64-bit word w. */
static inline uint64_t run_starts(const fl_bytemask *bm, size_t w)
{
    uint64_t l = bm->letter[w], d = bm->digit[w];
    uint64_t lc = w ? bm->letter[w - 1] >> 63 : 0, dc = w ? bm->digit[w - 1] >> 63 : 0;
    return (l & ~(l << 1 | lc)) | (d & ~(d << 1 | dc));
}

/* The last bytes of the letter runs and digit runs in 64-bit word w. */
static inline uint64_t run_lasts(const fl_bytemask *bm, size_t w)
{
    uint64_t l = bm->letter[w], d = bm->digit[w];
    uint64_t ln = w + 1 < bm->words ? bm->letter[w + 1] << 63 : 0;
    uint64_t dn = w + 1 < bm->words ? bm->digit[w + 1] << 63 : 0;
    return (l & ~(l >> 1 | ln)) | (d & ~(d >> 1 | dn));
}

int fl_runs_build(fl_runs *r, const fl_bytemask *bm, const char *text, size_t len,
                  const fl_run_filter *filter)
{
    (void)len; /* the masks have no bits at or after len */
    fl_run_filter all;
    if (!filter) {
        memset(all.bits, FL_RUN_ALL, sizeof all.bits);
        memset(all.bits[0], 0, sizeof all.bits[0]);
        filter = &all;
    }
    r->n = 0;
    size_t words = bm->words;
    if (!words)
        return 0;
    /* the list in locals while it grows (stores through r would be
     * reloaded after each) */
    fl_run *items = r->items;
    size_t n = 0, cap = r->cap;
    const unsigned char *u = (const unsigned char *)text;
    /* Runs do not overlap, so the k-th first byte and the k-th last byte
     * (in text order) belong to the same run: two cursors over the masks,
     * each with the offset of its 64-bit word. */
    size_t ws = 0, wl = 0, sbase = 0, lbase = 0;
    uint64_t S = run_starts(bm, 0), L = run_lasts(bm, 0);
    for (;;) {
        while (!S) {
            if (++ws >= words) {
                r->items = items;
                r->n = n;
                r->cap = cap;
                return 0;
            }
            S = run_starts(bm, ws);
            sbase = ws << 6;
        }
        while (!L) { /* the run that starts in word ws ends */
            L = run_lasts(bm, ++wl);
            lbase = wl << 6;
        }
        size_t s = sbase + (unsigned)__builtin_ctzll(S);
        size_t e = lbase + (unsigned)__builtin_ctzll(L) + 1;
        S &= S - 1;
        L &= L - 1;
        unsigned flags;
        if (u[s] <= '9') { /* a digit (a run is letters or digits) */
            flags = FL_RUN_DIGITS;
        } else {
            /* longer letter runs look up row 0, which lists nothing */
            size_t rl = e - s <= FL_RUN_MAXLEN ? e - s : 0;
            flags = filter->bits[rl][FL_RUN_LETTER(u[s])][FL_RUN_LETTER(u[e - 1])];
        }
        if (!flags)
            continue;
        if (FL_GROW(items, cap, n + 1)) {
            r->items = items;
            r->cap = cap;
            return -1;
        }
        items[n++] = (fl_run){s, e, flags};
    }
}
