/*
 * arena.h - a bump allocator for many small objects that die together
 * (the strings of one article's facts).  Nothing is freed singly; release
 * frees everything.  Allocations are 8-byte aligned.  NULL on out of memory.
 *
 * Allocation is inline while the current block has room (a compare and an
 * add: the extractors copy tens of strings an article into their facts'
 * arena); fl_arena_alloc_block starts a new block.
 */
#ifndef FL_CORE_ARENA_H
#define FL_CORE_ARENA_H

#include <stddef.h>
#include <string.h>

typedef struct fl_arena_block fl_arena_block;
typedef struct fl_arena {
    fl_arena_block *head;
    unsigned char *cur; /* the room left in head: left bytes from cur */
    size_t left;
    size_t block_size; /* bytes a block (more for a larger object); 0: FL_ARENA_BLOCK */
} fl_arena;

#define FL_ARENA_BLOCK 16384

#define FL_ARENA_INIT                                                                              \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/* size bytes (a multiple of 8) from a new block; NULL on ENOMEM. */
void *fl_arena_alloc_block(fl_arena *a, size_t size);

static inline void *fl_arena_alloc(fl_arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (a->left >= size) {
        void *p = a->cur;
        a->cur += size;
        a->left -= size;
        return p;
    }
    return fl_arena_alloc_block(a, size);
}

/* Copies s[0..n) and a NUL into the arena. */
static inline char *fl_arena_strndup(fl_arena *a, const char *s, size_t n)
{
    char *p = (char *)fl_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static inline char *fl_arena_strdup(fl_arena *a, const char *s)
{
    return fl_arena_strndup(a, s, strlen(s));
}

/* Frees every block except the first, which is kept for reuse. */
void fl_arena_reset(fl_arena *a);
void fl_arena_release(fl_arena *a);

#endif
