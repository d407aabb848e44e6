/*
 * alloc.h - the allocator every core module uses.
 *
 * fl_malloc/fl_realloc/fl_free go through one process-wide hook so tests can
 * make the N-th allocation fail and assert a clean FL_ENOMEM, no leak, no crash.
 * The functions return NULL on failure (they never abort); callers report
 * FL_ENOMEM.  fl_strdup/fl_strndup are the allocating string copies.
 */
#ifndef FL_CORE_ALLOC_H
#define FL_CORE_ALLOC_H

#include <stddef.h>

typedef struct fl_allocator {
    void *(*realloc)(void *ud, void *ptr, size_t size); /* size 0 frees, returns NULL */
    void *ud;
} fl_allocator;

/* Installs a hook (NULL restores the libc one).  Not thread-safe: set it before work starts. */
void fl_alloc_set(const fl_allocator *a);

void *fl_malloc(size_t size);
void *fl_calloc(size_t n, size_t size);
void *fl_realloc(void *ptr, size_t size);
void fl_free(void *ptr);
char *fl_strdup(const char *s);
char *fl_strndup(const char *s, size_t n);

/* FL_ASAN is 1 in AddressSanitizer builds: code that keeps memory ASan
 * should see (pools, reads past a string's end) takes the plain way. */
#if defined(__SANITIZE_ADDRESS__)
#define FL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FL_ASAN 1
#endif
#endif
#ifndef FL_ASAN
#define FL_ASAN 0
#endif

/* The capacity fl_grow grows cap to for need elements of elem_size: cap
 * (first when cap is 0) doubled until it holds need; 0 when that many
 * bytes would not fit in a size_t. */
size_t fl_grow_cap(size_t cap, size_t need, size_t first, size_t elem_size);
/* Grows *items (of *cap elements of elem_size) to hold at least need; returns 0 or -1. */
int fl_grow(void **items, size_t *cap, size_t need, size_t elem_size);
/* The same, with the common case (room enough) tested inline, without a call:
 * arr, cap and need are evaluated more than once. */
#define FL_GROW(arr, cap, need)                                                                    \
    ((size_t)(need) <= (size_t)(cap) ? 0 : fl_grow((void **)&(arr), &(cap), (need), sizeof *(arr)))

#endif
