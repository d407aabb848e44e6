/*
 * arena.h - a bump allocator for many small objects that die together
 * (the strings of one article's facts).  Nothing is freed singly; release
 * frees everything.  Allocations are 8-byte aligned.  NULL on out of memory.
 */
#ifndef FL_CORE_ARENA_H
#define FL_CORE_ARENA_H

#include <stddef.h>

typedef struct fl_arena_block fl_arena_block;
typedef struct fl_arena {
    fl_arena_block *head;
    size_t used; /* bytes handed out in head */
} fl_arena;

#define FL_ARENA_INIT {NULL, 0}
void *fl_arena_alloc(fl_arena *a, size_t size);
/* Copies s[0..n) and a NUL into the arena. */
char *fl_arena_strndup(fl_arena *a, const char *s, size_t n);
char *fl_arena_strdup(fl_arena *a, const char *s);
/* Frees every block except the first, which is kept for reuse. */
void fl_arena_reset(fl_arena *a);
void fl_arena_release(fl_arena *a);

#endif
