/*
 * strbuf.h - a growable NUL-terminated byte buffer (after Git's strbuf).
 *
 * Invariants: buf is never NULL after fl_strbuf_init (it points at a static
 * "" until the first growth), buf[len] == '\0', len < alloc unless alloc == 0.
 * Ownership: init -> (add...) -> release frees, or detach hands the bytes to
 * the caller (free with fl_free).  Functions that can allocate return 0 on
 * success and -1 when memory ran out; the buffer is then unchanged.
 */
#ifndef FL_CORE_STRBUF_H
#define FL_CORE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct fl_strbuf {
    char *buf;
    size_t len;
    size_t alloc;
} fl_strbuf;

#define FL_STRBUF_INIT                                                                             \
    {                                                                                              \
        fl_strbuf_empty, 0, 0                                                                      \
    }
extern char fl_strbuf_empty[];

void fl_strbuf_init(fl_strbuf *sb);
void fl_strbuf_release(fl_strbuf *sb);
char *fl_strbuf_detach(fl_strbuf *sb, size_t *len);
void fl_strbuf_reset(fl_strbuf *sb);
/* Makes room for extra more bytes (and the NUL); 0, or -1 when memory ran
 * out.  The common case, room enough, is tested inline. */
int fl_strbuf_grow_slow(fl_strbuf *sb, size_t extra);
static inline int fl_strbuf_grow(fl_strbuf *sb, size_t extra)
{
    /* alloc == 0 (no buffer yet, len 0) never has room */
    return sb->alloc - sb->len > extra ? 0 : fl_strbuf_grow_slow(sb, extra);
}
int fl_strbuf_add(fl_strbuf *sb, const void *data, size_t n);
int fl_strbuf_adds(fl_strbuf *sb, const char *s);
/* fl_strbuf_add inlined for hot paths (the fact writer): the same contract. */
static inline int fl_strbuf_put(fl_strbuf *sb, const void *data, size_t n)
{
    if (sb->alloc - sb->len > n) { /* alloc == 0 wraps: never taken then */
        memcpy(sb->buf + sb->len, data, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
        return 0;
    }
    return fl_strbuf_add(sb, data, n);
}
int fl_strbuf_addch_slow(fl_strbuf *sb, int c);
/* Appends one byte; the common case inline. */
static inline int fl_strbuf_addch(fl_strbuf *sb, int c)
{
    if (sb->alloc - sb->len > 1) { /* alloc == 0 (no buffer yet) never has room */
        sb->buf[sb->len++] = (char)c;
        sb->buf[sb->len] = '\0';
        return 0;
    }
    return fl_strbuf_addch_slow(sb, c);
}
int fl_strbuf_addf(fl_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fl_strbuf_vaddf(fl_strbuf *sb, const char *fmt, va_list ap);
/* Appends s with JSON string escaping (no surrounding quotes). */
int fl_strbuf_add_json_escaped(fl_strbuf *sb, const char *s, size_t n);
/* Appends the decimal digits of v, as printf("%llu") would. */
int fl_strbuf_add_u64(fl_strbuf *sb, unsigned long long v);
/* Appends v exactly as printf("%.17g", v) does in the C locale (the digits of
 * the exact binary value, correctly rounded).  Values from 1e-6 to 9e15 are
 * formatted by hand with 128-bit integer arithmetic; others go through
 * snprintf. */
int fl_strbuf_add_g17(fl_strbuf *sb, double v);
/* Writes the same text as fl_strbuf_add_g17 into buf (at least 32 bytes), NUL
 * terminated; returns its length. */
size_t fl_format_g17(char *buf, double v);
/* Writes s with JSON string escaping to out, which has room for 6 * n bytes;
 * returns the end of what it wrote (no NUL). */
char *fl_json_escape_to(char *out, const char *s, size_t n);
/* Appends s with XML/HTML escaping of & < > " '. */
int fl_strbuf_add_xml_escaped(fl_strbuf *sb, const char *s, size_t n);

#endif
