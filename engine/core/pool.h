/*
 * pool.h - a fixed pool of worker threads fed through a bounded queue, and a
 * reorder buffer that emits results in input order.
 *
 * The pool: fl_pool_new starts n threads, each with its own context
 * (worker_ctx[i], e.g. its Lua states and PCRE2 match data).  fl_pool_submit
 * hands one item to whichever worker is free; it blocks while the queue is
 * full, so a producer reading a huge corpus never holds more than
 * queue_cap + n items in memory.  fl_pool_finish waits for every item and
 * joins the threads.  With n == 1 no thread is started: items run on the
 * caller's thread, in order (the -j1 reference behaviour).
 *
 * The reorder buffer: workers finish out of order; fl_reorder_put(seq, data)
 * stores a result and writes every result that is now contiguous from the
 * next expected seq.  Output is therefore identical whatever the thread count.
 * Each seq must be put exactly once (data may be empty).
 */
#ifndef FL_CORE_POOL_H
#define FL_CORE_POOL_H

#include "core/error.h"

#include <stddef.h>
#include <stdio.h>

typedef void (*fl_pool_fn)(void *worker_ctx, void *item);

typedef struct fl_pool fl_pool;

fl_pool *fl_pool_new(size_t n_threads, size_t queue_cap, fl_pool_fn fn, void *const *worker_ctx);
/* Blocks while the queue is full; returns 0, or -1 after fl_pool_finish. */
int fl_pool_submit(fl_pool *p, void *item);
/* Waits for all submitted items, stops and joins the threads, frees the pool. */
void fl_pool_finish(fl_pool *p);
/* The number of processors online (at least 1). */
size_t fl_pool_cpu_count(void);

typedef struct fl_reorder fl_reorder;

/* Writes to out (not owned).  NULL on ENOMEM. */
fl_reorder *fl_reorder_new(FILE *out);
/* Takes ownership of data (fl_malloc'd, may be NULL when len == 0).  Thread-safe.
 * Returns 0, or -1 when writing failed (the error is sticky, see fl_reorder_free). */
int fl_reorder_put(fl_reorder *r, size_t seq, char *data, size_t len);
/* The same with data borrowed: written at once when seq is the next one due
 * (always so with one worker), else copied to wait for its turn. */
int fl_reorder_put_copy(fl_reorder *r, size_t seq, const char *data, size_t len);
/* Frees; returns -1 when a write failed or results were still missing. */
int fl_reorder_free(fl_reorder *r);

#endif
