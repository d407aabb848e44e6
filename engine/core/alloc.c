#include "core/alloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static fl_allocator current = {libc_realloc, NULL};
/* Whether a hook is installed: without one (every run but the tests') the
 * functions below call malloc, realloc and free directly instead of going
 * through the hook's realloc (a free was an indirect call to
 * libc_realloc(ptr, 0), and a malloc glibc's realloc(NULL, n)). */
static bool hooked;

void fl_alloc_set(const fl_allocator *a)
{
    if (a)
        current = *a;
    else
        current = (fl_allocator){libc_realloc, NULL};
    hooked = a != NULL;
}

void *fl_malloc(size_t size)
{
    if (!hooked)
        return malloc(size ? size : 1);
    return current.realloc(current.ud, NULL, size ? size : 1);
}

void *fl_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = fl_malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *fl_realloc(void *ptr, size_t size)
{
    if (!hooked)
        return realloc(ptr, size ? size : 1);
    return current.realloc(current.ud, ptr, size ? size : 1);
}

void fl_free(void *ptr)
{
    if (!hooked)
        free(ptr);
    else if (ptr)
        current.realloc(current.ud, ptr, 0);
}

char *fl_strndup(const char *s, size_t n)
{
    char *p = fl_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fl_strdup(const char *s)
{
    return fl_strndup(s, strlen(s));
}

size_t fl_grow_cap(size_t cap, size_t need, size_t first, size_t elem_size)
{
    size_t n = cap ? cap : first;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem_size)
            return 0;
        n *= 2;
    }
    return n;
}

int fl_grow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return 0;
    size_t n = fl_grow_cap(*cap, need, 8, elem_size);
    if (!n)
        return -1;
    void *p = fl_realloc(*items, n * elem_size);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}
