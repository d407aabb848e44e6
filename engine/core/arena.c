#include "core/arena.h"

#include "core/alloc.h"

#include <string.h>

struct fl_arena_block {
    fl_arena_block *next;
    size_t size;
    _Alignas(8) unsigned char data[];
};

#define FL_ARENA_BLOCK 16384

void *fl_arena_alloc(fl_arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (!a->head || a->used + size > a->head->size) {
        size_t bs = size > FL_ARENA_BLOCK ? size : FL_ARENA_BLOCK;
        fl_arena_block *b = fl_malloc(sizeof *b + bs);
        if (!b)
            return NULL;
        b->size = bs;
        b->next = a->head;
        a->head = b;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += size;
    return p;
}

char *fl_arena_strndup(fl_arena *a, const char *s, size_t n)
{
    char *p = fl_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fl_arena_strdup(fl_arena *a, const char *s)
{
    return fl_arena_strndup(a, s, strlen(s));
}

void fl_arena_reset(fl_arena *a)
{
    if (!a->head)
        return;
    fl_arena_block *b = a->head->next;
    while (b) {
        fl_arena_block *n = b->next;
        fl_free(b);
        b = n;
    }
    a->head->next = NULL;
    a->used = 0;
}

void fl_arena_release(fl_arena *a)
{
    fl_arena_block *b = a->head;
    while (b) {
        fl_arena_block *n = b->next;
        fl_free(b);
        b = n;
    }
    a->head = NULL;
    a->used = 0;
}
