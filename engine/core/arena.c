#include "core/arena.h"

#include "core/alloc.h"

struct fl_arena_block {
    fl_arena_block *next;
    size_t size;
    _Alignas(8) unsigned char data[];
};

void *fl_arena_alloc_block(fl_arena *a, size_t size)
{
    size_t block = a->block_size ? a->block_size : FL_ARENA_BLOCK;
    size_t bs = size > block ? size : block;
    fl_arena_block *b = fl_malloc(sizeof *b + bs);
    if (!b)
        return NULL;
    b->size = bs;
    b->next = a->head;
    a->head = b;
    a->cur = b->data + size;
    a->left = bs - size;
    return b->data;
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
    a->cur = a->head->data;
    a->left = a->head->size;
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
    a->cur = NULL;
    a->left = 0;
}
