#include "ingest/reader.h"

#include "core/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Input is read in blocks of 64 KB into a buffer that stays about that size
 * (it grows only for a longer line): the kernel's copy out of the page cache
 * then writes to lines that are still in the cache from the last block, and
 * the JSONL scanner reads the record from there.  With 1 MB blocks the
 * buffer cycled through 1 MB, more than this CPU's L2 (512 KB), and the copy
 * (_copy_to_iter) took 1.6% of a BBC extract's samples, now 0.9%. */
#define FL_READ_BLOCK (1u << 16)

struct fl_reader {
    int fd;
    bool is_stdin;
    bool eof;
    char *path;
    size_t limit;
    size_t size_hint; /* st_size of a regular file, 0 for stdin */
    char *buf;        /* buffered input: buf[start..end) not yet consumed */
    size_t cap, start, end;
    long long base; /* input offset of buf[0] */
    long lineno;
    bool exact; /* buf was sized from st_size: grow only when full */
};

static fl_status read_error(fl_reader *r, fl_error *err)
{
    fl_error_set(err, FL_EIO, "cannot read '%s': %s", r->path, strerror(errno));
    fl_error_locate(err, r->path, 0, -1);
    return FL_EIO;
}

fl_status fl_reader_open(fl_reader **out, const char *path, size_t limit, fl_error *err)
{
    fl_status st = FL_OK;
    *out = NULL;
    fl_reader *r = fl_calloc(1, sizeof *r);
    if (!r)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    r->fd = -1;
    r->limit = limit;
    if (!(r->path = fl_strdup(path))) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (!strcmp(path, "-")) {
        r->fd = STDIN_FILENO;
        r->is_stdin = true;
        *out = r;
        return FL_OK;
    }
    /* O_NONBLOCK so that opening a FIFO with no writer cannot hang */
    r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (r->fd < 0) {
        st = fl_error_set(err, FL_EIO, "cannot open '%s': %s", path, strerror(errno));
        fl_error_locate(err, path, 0, -1);
        goto cleanup;
    }
    struct stat sb;
    if (fstat(r->fd, &sb) != 0) {
        st = fl_error_set(err, FL_EIO, "cannot stat '%s': %s", path, strerror(errno));
        fl_error_locate(err, path, 0, -1);
        goto cleanup;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = fl_error_set(err, FL_EIO, "cannot read '%s': not a regular file", path);
        fl_error_locate(err, path, 0, -1);
        goto cleanup;
    }
    if (limit && (unsigned long long)sb.st_size > limit) {
        st = fl_error_set(err, FL_ELIMIT, "'%s' is larger than the limit of %zu bytes (%lld bytes)",
                          path, limit, (long long)sb.st_size);
        fl_error_locate(err, path, 0, -1);
        goto cleanup;
    }
    int flags = fcntl(r->fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(r->fd, F_SETFL, flags & ~O_NONBLOCK);
    r->size_hint = (size_t)sb.st_size;
    *out = r;
    return FL_OK;
cleanup:
    fl_reader_close(r);
    return st;
}

void fl_reader_close(fl_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0 && !r->is_stdin)
        close(r->fd);
    fl_free(r->buf);
    fl_free(r->path);
    fl_free(r);
}

/* Reads one more block into the buffer, growing it when it is full.  Returns
 * FL_OK (r->eof set at end of input) or an error. */
static fl_status fill(fl_reader *r, fl_error *err)
{
    if (r->eof)
        return FL_OK;
    if (r->start > 0 && r->start == r->end) {
        r->base += (long long)r->start;
        r->start = r->end = 0;
    }
    if (r->exact ? r->end == r->cap : r->cap - r->end < FL_READ_BLOCK / 4) {
        if (r->start > r->cap / 2) {
            /* slide the unconsumed tail down rather than grow */
            memmove(r->buf, r->buf + r->start, r->end - r->start);
            r->base += (long long)r->start;
            r->end -= r->start;
            r->start = 0;
        } else {
            size_t ncap = r->cap ? r->cap * 2 : FL_READ_BLOCK;
            if (ncap < r->end + FL_READ_BLOCK)
                ncap = r->end + FL_READ_BLOCK;
            char *nb = fl_realloc(r->buf, ncap + 1);
            if (!nb)
                return fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", r->path);
            r->buf = nb;
            r->cap = ncap;
        }
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return read_error(r, err);
        if (n == 0)
            r->eof = true;
        r->end += (size_t)n;
        return FL_OK;
    }
}

int fl_reader_peek(fl_reader *r, fl_error *err)
{
    for (;;) {
        for (size_t i = r->start; i < r->end; i++) {
            unsigned char c = (unsigned char)r->buf[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                return c;
        }
        if (r->eof)
            return -1;
        if (fill(r, err) != FL_OK)
            return -1;
    }
}

fl_status fl_reader_slurp(fl_reader *r, char **data, size_t *len, fl_error *err)
{
    fl_status st;
    *data = NULL;
    *len = 0;
    /* a binary file usually shows a NUL early: look before allocating its size */
    if (!r->buf && r->size_hint > 65536 && !r->is_stdin) {
        char head[65536];
        ssize_t got = pread(r->fd, head, sizeof head, 0);
        const char *z = got > 0 ? memchr(head, '\0', (size_t)got) : NULL;
        if (z) {
            size_t at = (size_t)(z - head);
            fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %zu: not a text file",
                         at);
            fl_error_locate(err, r->path, 0, (long long)at);
            return FL_EBINARY;
        }
    }
    /* a regular file: one allocation of its size (plus one block for growth) */
    if (!r->buf && r->size_hint) {
        r->cap = r->size_hint + 1;
        if (!(r->buf = fl_malloc(r->cap + 1)))
            return fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", r->path);
        r->exact = true;
    }
    size_t checked = r->start;
    while (!r->eof) {
        if ((st = fill(r, err)) != FL_OK)
            return st;
        /* a binary file is refused at its first NUL, not after reading it whole */
        const char *z = r->end > checked ? memchr(r->buf + checked, '\0', r->end - checked) : NULL;
        if (z) {
            size_t at = (size_t)(z - (r->buf + r->start));
            fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %zu: not a text file",
                         at);
            fl_error_locate(err, r->path, 0, (long long)at);
            return FL_EBINARY;
        }
        checked = r->end;
        if (r->limit && r->end - r->start > r->limit) {
            fl_error_set(err, FL_ELIMIT, "'%s' is larger than the limit of %zu bytes", r->path,
                         r->limit);
            fl_error_locate(err, r->path, 0, -1);
            return FL_ELIMIT;
        }
    }
    size_t n = r->end - r->start;
    char *out;
    if (r->start == 0 && r->buf) {
        out = r->buf; /* hand the buffer over */
        r->buf = NULL;
        r->cap = r->end = 0;
    } else {
        if (!(out = fl_malloc(n + 1)))
            return fl_error_set(err, FL_ENOMEM, "out of memory reading '%s'", r->path);
        if (n)
            memcpy(out, r->buf + r->start, n);
        r->start = r->end;
    }
    out[n] = '\0';
    *data = out;
    *len = n;
    return FL_OK;
}

fl_status fl_reader_line(fl_reader *r, const char **line, size_t *len, long *lineno,
                         long long *offset, fl_error *err)
{
    size_t scanned = r->start;
    for (;;) {
        char *nl = r->end > scanned ? memchr(r->buf + scanned, '\n', r->end - scanned) : NULL;
        if (nl || (r->eof && r->end > r->start)) {
            size_t b = r->start;
            size_t e = nl ? (size_t)(nl - r->buf) : r->end;
            r->start = nl ? e + 1 : e;
            size_t n = e - b;
            if (n && r->buf[b + n - 1] == '\r')
                n--;
            r->buf[b + n] = '\0';
            *line = r->buf + b;
            *len = n;
            *lineno = ++r->lineno;
            *offset = r->base + (long long)b;
            return FL_OK;
        }
        if (r->eof)
            return FL_DONE;
        /* everything buffered has been scanned; fill may slide the buffer */
        size_t rel = r->end - r->start;
        fl_status st = fill(r, err);
        if (st != FL_OK)
            return st;
        scanned = r->start + rel;
    }
}
