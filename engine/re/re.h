/*
 * re.h - regular expressions: the only module that includes pcre2.h.
 *
 * The PCRE2 recipe: a pattern is compiled once with PCRE2_UTF | PCRE2_UCP and
 * JIT-compiled once; the compiled fl_re is then shared read-only by every
 * thread.  Each thread owns an fl_re_thread: match data (sized for the most
 * capture groups it will meet), a match context with match, depth and heap
 * limits, and a JIT stack.  Subjects are valid UTF-8 (validated at ingest), so
 * matching uses PCRE2_NO_UTF_CHECK.  Matches return byte offsets, never copies.
 */
#ifndef FL_RE_RE_H
#define FL_RE_RE_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fl_re fl_re;
typedef struct fl_re_thread fl_re_thread;

/* Compile flags (combine with |). */
enum {
    FL_RE_CASELESS = 1u << 0,
    FL_RE_MULTILINE = 1u << 1,
    FL_RE_DOTALL = 1u << 2,
    FL_RE_EXTENDED = 1u << 3,
    FL_RE_NO_JIT = 1u << 4,
};

/* Parses a flag string such as "imsx" into FL_RE_* flags; -1 on an unknown letter. */
int fl_re_flags_from_string(const char *s, uint32_t *flags);

/* Compiles pattern (NUL-terminated).  A bad pattern is FL_EPARSE with a message
 * naming the pattern offset: "regex error at offset 3: missing closing parenthesis". */
fl_status fl_re_compile(fl_re **out, const char *pattern, uint32_t flags, fl_error *err);
void fl_re_free(fl_re *re);
/* Number of capture groups. */
uint32_t fl_re_groups(const fl_re *re);
/* Index of a named group, or -1. */
int fl_re_group_index(const fl_re *re, const char *name);

typedef struct fl_re_limits {
    uint32_t match_limit;    /* backtracking steps per match attempt (0 = default 10,000,000) */
    uint32_t depth_limit;    /* (0 = default 10,000) */
    uint32_t heap_limit_kib; /* (0 = default 20,480) */
} fl_re_limits;

/* A thread's matching scratch; NULL on ENOMEM.  limits may be NULL. */
fl_re_thread *fl_re_thread_new(const fl_re_limits *limits);
void fl_re_thread_free(fl_re_thread *t);

/* Result of one match: ovector pairs of byte offsets (unset groups are SIZE_MAX). */
typedef struct fl_re_match {
    const size_t *ov; /* ov[2*i], ov[2*i+1]: start and end of group i; owned by the thread */
    uint32_t n;       /* number of pairs available (groups + 1) */
} fl_re_match;

/* Finds the first match at or after start in subject[0..len).
 * Returns 1 with *m filled, 0 when there is none, or -1 with err set when a
 * match/depth/heap limit was hit (FL_ELIMIT) or PCRE2 failed (FL_EINTERNAL). */
int fl_re_exec(const fl_re *re, fl_re_thread *t, const char *subject, size_t len, size_t start,
               fl_re_match *m, fl_error *err);

/* PCRE2's version string ("10.42 2022-12-11"). */
const char *fl_re_version(void);

#endif
