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
    r->n = 0;
    size_t words = bm->words;
    if (!words)
        return 0;
    /* Runs do not overlap, so the k-th first byte and the k-th last byte
     * (in text order) belong to the same run: two cursors over the masks. */
    size_t ws = 0, wl = 0;
    uint64_t S = run_starts(bm, 0), L = run_lasts(bm, 0);
    const unsigned char *u = (const unsigned char *)text;
    for (;;) {
        while (!S) {
            if (++ws >= words)
                return 0;
            S = run_starts(bm, ws);
        }
        size_t s = (ws << 6) + (size_t)__builtin_ctzll(S);
        S &= S - 1;
        while (!L)
            L = run_lasts(bm, ++wl); /* the run that starts at s ends */
        size_t e = (wl << 6) + (size_t)__builtin_ctzll(L) + 1;
        L &= L - 1;
        unsigned flags;
        if (u[s] <= '9') /* a digit (a run is letters or digits) */
            flags = FL_RUN_DIGITS;
        else if (e - s > FL_RUN_MAXLEN)
            flags = 0;
        else if (!filter)
            flags = FL_RUN_ALL;
        else
            flags = filter->bits[e - s][FL_RUN_LETTER(u[s])][FL_RUN_LETTER(u[e - 1])];
        if (!flags)
            continue;
        if (FL_GROW(r->items, r->cap, r->n + 1))
            return -1;
        r->items[r->n++] = (fl_run){s, e, flags};
    }
}
