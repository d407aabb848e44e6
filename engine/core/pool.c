#include "core/pool.h"

#include "core/alloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

struct fl_pool {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    void **queue;
    size_t cap, head, count;
    bool stopping;
    size_t n_threads;
    pthread_t *threads;
    void **ctx;
    fl_pool_fn fn;
    void *inline_ctx;
};

typedef struct worker_arg {
    fl_pool *pool;
    void *ctx;
} worker_arg;

static void *worker_main(void *arg)
{
    worker_arg *wa = arg;
    fl_pool *p = wa->pool;
    void *ctx = wa->ctx;
    fl_free(wa);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->count && !p->stopping)
            pthread_cond_wait(&p->not_empty, &p->mu);
        if (!p->count && p->stopping) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        void *item = p->queue[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->mu);
        p->fn(ctx, item);
    }
}

fl_pool *fl_pool_new(size_t n_threads, size_t queue_cap, fl_pool_fn fn, void *const *worker_ctx)
{
    fl_pool *p = fl_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->fn = fn;
    p->n_threads = n_threads ? n_threads : 1;
    if (p->n_threads == 1) {
        p->inline_ctx = worker_ctx[0];
        return p;
    }
    p->cap = queue_cap ? queue_cap : 2 * p->n_threads;
    p->queue = fl_calloc(p->cap, sizeof *p->queue);
    p->threads = fl_calloc(p->n_threads, sizeof *p->threads);
    if (!p->queue || !p->threads)
        goto fail;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    for (size_t i = 0; i < p->n_threads; i++) {
        worker_arg *wa = fl_malloc(sizeof *wa);
        if (!wa)
            goto fail_started;
        wa->pool = p;
        wa->ctx = worker_ctx[i];
        if (pthread_create(&p->threads[i], NULL, worker_main, wa)) {
            fl_free(wa);
            goto fail_started;
        }
        continue;
    fail_started:
        /* run with the threads that did start */
        p->n_threads = i;
        if (i == 0) {
            pthread_mutex_destroy(&p->mu);
            pthread_cond_destroy(&p->not_empty);
            pthread_cond_destroy(&p->not_full);
            fl_free(p->queue);
            fl_free(p->threads);
            p->queue = NULL;
            p->threads = NULL;
            p->n_threads = 1;
            p->inline_ctx = worker_ctx[0];
        }
        break;
    }
    return p;
fail:
    fl_free(p->queue);
    fl_free(p->threads);
    fl_free(p);
    return NULL;
}

int fl_pool_submit(fl_pool *p, void *item)
{
    if (!p->threads) {
        p->fn(p->inline_ctx, item);
        return 0;
    }
    pthread_mutex_lock(&p->mu);
    while (p->count == p->cap && !p->stopping)
        pthread_cond_wait(&p->not_full, &p->mu);
    if (p->stopping) {
        pthread_mutex_unlock(&p->mu);
        return -1;
    }
    p->queue[(p->head + p->count) % p->cap] = item;
    p->count++;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

void fl_pool_finish(fl_pool *p)
{
    if (!p)
        return;
    if (p->threads) {
        pthread_mutex_lock(&p->mu);
        p->stopping = true;
        pthread_cond_broadcast(&p->not_empty);
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; i < p->n_threads; i++)
            pthread_join(p->threads[i], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->not_empty);
        pthread_cond_destroy(&p->not_full);
    }
    fl_free(p->queue);
    fl_free(p->threads);
    fl_free(p);
}

size_t fl_pool_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

/* ---- reorder buffer ---------------------------------------------------- */

typedef struct pending {
    char *data;
    size_t len;
    bool present;
} pending;

struct fl_reorder {
    pthread_mutex_t mu;
    FILE *out;
    size_t next;   /* the seq to write next */
    pending *ring; /* indexed by seq - next, grows as needed */
    size_t cap;
    size_t start; /* ring index of seq `next` */
    bool failed;
};

fl_reorder *fl_reorder_new(FILE *out)
{
    fl_reorder *r = fl_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->out = out;
    pthread_mutex_init(&r->mu, NULL);
    return r;
}

static int ring_grow(fl_reorder *r, size_t need)
{
    size_t n = r->cap ? r->cap : 16;
    while (n < need)
        n *= 2;
    pending *ring = fl_calloc(n, sizeof *ring);
    if (!ring)
        return -1;
    for (size_t i = 0; i < r->cap; i++)
        ring[i] = r->ring[(r->start + i) % r->cap];
    fl_free(r->ring);
    r->ring = ring;
    r->cap = n;
    r->start = 0;
    return 0;
}

/* Writes the slots that are due, in order (lock held). */
static void reorder_drain(fl_reorder *r)
{
    while (r->cap && r->ring[r->start].present) {
        pending *s = &r->ring[r->start];
        if (s->len && !r->failed && fwrite(s->data, 1, s->len, r->out) != s->len)
            r->failed = true;
        fl_free(s->data);
        *s = (pending){NULL, 0, false};
        r->start = (r->start + 1) % r->cap;
        r->next++;
    }
}

int fl_reorder_put_copy(fl_reorder *r, size_t seq, const char *data, size_t len)
{
    pthread_mutex_lock(&r->mu);
    bool due = seq == r->next;
    if (due) {
        if (len && !r->failed && fwrite(data, 1, len, r->out) != len)
            r->failed = true;
        r->next++;
        if (r->cap) {
            r->start = (r->start + 1) % r->cap; /* the slot seq would have had */
            reorder_drain(r);
        }
        int rc = r->failed ? -1 : 0;
        pthread_mutex_unlock(&r->mu);
        return rc;
    }
    pthread_mutex_unlock(&r->mu);
    char *copy = NULL;
    if (len && !(copy = fl_malloc(len))) {
        pthread_mutex_lock(&r->mu);
        r->failed = true;
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    if (len)
        memcpy(copy, data, len);
    return fl_reorder_put(r, seq, copy, len);
}

int fl_reorder_put(fl_reorder *r, size_t seq, char *data, size_t len)
{
    pthread_mutex_lock(&r->mu);
    if (seq < r->next) {
        fl_free(data);
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    size_t d = seq - r->next;
    if (d >= r->cap && ring_grow(r, d + 1)) {
        fl_free(data);
        r->failed = true;
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    pending *slot = &r->ring[(r->start + d) % r->cap];
    slot->data = data;
    slot->len = len;
    slot->present = true;
    reorder_drain(r);
    int rc = r->failed ? -1 : 0;
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int fl_reorder_free(fl_reorder *r)
{
    if (!r)
        return 0;
    bool missing = false;
    for (size_t i = 0; i < r->cap; i++)
        if (r->ring[i].present) {
            missing = true;
            fl_free(r->ring[i].data);
        }
    int rc = r->failed || missing ? -1 : 0;
    pthread_mutex_destroy(&r->mu);
    fl_free(r->ring);
    fl_free(r);
    return rc;
}
