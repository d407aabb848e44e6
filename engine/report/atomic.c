#define _GNU_SOURCE /* fopencookie, sync_file_range, renameat2 */
#include "report/atomic.h"

#include "core/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h> /* renameat2, RENAME_EXCHANGE */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* With fsync on, the temporary file is written through a stream that asks
 * the kernel to start writing back every WRITEBACK_STEP bytes
 * (sync_file_range without waiting), so the closing fsync waits for the last
 * few MB rather than for the whole file: `extract -o` of Reuters' 59 MB of
 * facts spent about 0.2 s of its 0.9 s in that fsync, with the disk idle
 * while the facts were made.  With it off, the kernel writes back when it
 * likes and nothing waits. */
#define WRITEBACK_STEP ((off_t)4 << 20)
#define STREAM_BUFFER  ((size_t)256 << 10)

static bool want_fsync;

void fl_atomic_set_fsync(bool on)
{
    want_fsync = on;
}

typedef struct wb_file {
    int fd;
    bool kick;             /* start writeback as we go (for the closing fsync) */
    off_t written, kicked; /* bytes written; bytes whose writeback was started */
} wb_file;

static ssize_t wb_write(void *cookie, const char *buf, size_t n)
{
    wb_file *w = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(w->fd, buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0; /* an error for the stream (errno says which) */
        done += (size_t)r;
    }
    w->written += (off_t)n;
    if (w->kick && w->written - w->kicked >= WRITEBACK_STEP) {
        /* a hint: a kernel or file system without it just writes back later */
        (void)sync_file_range(w->fd, w->kicked, w->written - w->kicked, SYNC_FILE_RANGE_WRITE);
        w->kicked = w->written;
    }
    return (ssize_t)n;
}

static int wb_close(void *cookie)
{
    (void)cookie; /* the descriptor is closed by fl_atomic_write (after any fsync) */
    return 0;
}

/* fsync of path's directory, so that the rename itself survives a crash;
 * scratch holds at least strlen(path) + 1 bytes. */
static fl_status sync_dir(const char *path, char *scratch, fl_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *dir = ".";
    if (slash) {
        size_t k = slash == path ? 1 : (size_t)(slash - path); /* "/x" -> "/" */
        memcpy(scratch, path, k);
        scratch[k] = '\0';
        dir = scratch;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        int e = errno;
        if (dfd >= 0)
            close(dfd);
        return fl_error_set(err, FL_EIO, "cannot sync the directory of '%s': %s", path,
                            strerror(e));
    }
    close(dfd);
    return FL_OK;
}

/* Runs fn on a stream writing to fd through a STREAM_BUFFER buffer, then
 * flushes it (and with sync, fsyncs fd); the stream is closed, fd is not.
 * Errors name path. */
static fl_status write_stream(const char *path, int fd, bool sync, fl_atomic_fn fn, void *ud,
                              fl_error *err)
{
    wb_file wb = {fd, sync, 0, 0};
    cookie_io_functions_t io = {NULL, wb_write, NULL, wb_close};
    /* glibc takes setvbuf's size only with a buffer of the caller's */
    char *buf = fl_malloc(STREAM_BUFFER);
    if (!buf)
        return fl_error_set(err, FL_ENOMEM, "out of memory writing '%s'", path);
    fl_status st;
    FILE *fp = fopencookie(&wb, "wb", io);
    if (!fp || setvbuf(fp, buf, _IOFBF, STREAM_BUFFER) != 0) {
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
    } else if ((st = fn(fp, ud, err)) == FL_OK) {
        errno = 0;
        if (fflush(fp) != 0 || ferror(fp) || (sync && fsync(fd) != 0))
            st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path,
                              errno ? strerror(errno) : "write error");
    }
    if (fp && fclose(fp) != 0 && st == FL_OK)
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
    fl_free(buf);
    return st;
}

/* Moves the finished temporary tmp to path; false with errno set if it
 * could not.  Without fsync an existing path is swapped with the temporary
 * (RENAME_EXCHANGE) and the old file, now under tmp's name, unlinked:
 * readers see the old file or the new one, as with rename.  A plain rename
 * over an existing file makes ext4 (auto_da_alloc) start writing the new
 * file's data back inside the rename, and the process waits for it: 10-20 ms
 * of BBC's 100 ms `extract -o` with the CPU idle, for a promise about machine
 * crashes that only --fsync makes.  A file system without the exchange
 * (EINVAL), an older kernel (ENOSYS) or a path removed meanwhile (ENOENT)
 * gets the plain rename. */
static bool put_in_place(const char *tmp, const char *path, bool exists, bool sync)
{
    if (exists && !sync) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
            (void)unlink(tmp); /* the old file; if this fails, it is left as tmp */
            return true;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != ENOENT && errno != EOPNOTSUPP)
            return false;
    }
    return rename(tmp, path) == 0;
}

/* The atomic path: a temporary beside path, put in its place.  exists says
 * whether path was there when the write began. */
static fl_status replace_file(const char *path, bool exists, mode_t mode, fl_atomic_fn fn, void *ud,
                              fl_error *err)
{
    size_t n = strlen(path);
    char *tmp = fl_malloc(n + 16);
    if (!tmp)
        return fl_error_set(err, FL_ENOMEM, "out of memory writing '%s'", path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fl_status st = fl_error_set(err, FL_EIO, "cannot create '%s': %s", path, strerror(errno));
        fl_free(tmp);
        return st;
    }
    bool sync = want_fsync;
    fl_status st;
    if (fchmod(fd, mode) != 0)
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
    else
        st = write_stream(path, fd, sync, fn, ud, err);
    if (close(fd) != 0 && st == FL_OK)
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (st == FL_OK && !put_in_place(tmp, path, exists, sync))
        st = fl_error_set(err, FL_EIO, "cannot replace '%s': %s", path, strerror(errno));
    if (st != FL_OK)
        unlink(tmp);
    else if (sync)
        st = sync_dir(path, tmp, err); /* tmp is path now: only its buffer is reused */
    fl_free(tmp);
    return st;
}

/* The descriptor a path names when it is one of the process's own streams:
 * /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N; -1 otherwise. */
static int own_descriptor(const char *path)
{
    if (!strcmp(path, "/dev/stdout"))
        return STDOUT_FILENO;
    if (!strcmp(path, "/dev/stderr"))
        return STDERR_FILENO;
    const char *num = NULL;
    if (!strncmp(path, "/dev/fd/", 8))
        num = path + 8;
    else if (!strncmp(path, "/proc/self/fd/", 14))
        num = path + 14;
    if (!num || *num < '0' || *num > '9')
        return -1;
    char *end;
    long v = strtol(num, &end, 10);
    return *end || v > 1000000 ? -1 : (int)v;
}

/* Writes straight into path, which is not a regular file (/dev/null, a
 * terminal, a pipe) or is one of the process's own streams.  Renaming a new
 * file over such a path would replace the device or the link itself: as root,
 * `-o /dev/null` turned /dev/null into a regular file.  No temporary and no
 * fsync: there is no file to replace.  own is the descriptor from
 * own_descriptor, written through a duplicate so that the stream keeps its
 * offset and its mode (a `>>` stays an append), or -1 to open path. */
static fl_status write_through(const char *path, int own, fl_atomic_fn fn, void *ud, fl_error *err)
{
    if (own == STDOUT_FILENO)
        fflush(stdout); /* what the process printed before comes first */
    else if (own == STDERR_FILENO)
        fflush(stderr);
    int fd = own >= 0 ? fcntl(own, F_DUPFD_CLOEXEC, 0) : open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
    fl_status st = write_stream(path, fd, false, fn, ud, err);
    close(fd);
    return st;
}

fl_status fl_atomic_write(const char *path, fl_atomic_fn fn, void *ud, fl_error *err)
{
    int own = own_descriptor(path);
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (own >= 0 || (exists && !S_ISREG(sb.st_mode)))
        return write_through(path, own, fn, ud, err);
    if (!exists)
        return replace_file(path, false, 0644, fn, ud, err);
    /* An existing file keeps its permissions; a symbolic link stays a link,
     * and the file it points to is the one replaced. */
    mode_t mode = sb.st_mode & 07777;
    struct stat lsb;
    if (lstat(path, &lsb) != 0 || !S_ISLNK(lsb.st_mode))
        return replace_file(path, true, mode, fn, ud, err);
    char *target = realpath(path, NULL);
    if (!target)
        return fl_error_set(err, FL_EIO, "cannot resolve '%s': %s", path, strerror(errno));
    fl_status st = replace_file(target, true, mode, fn, ud, err);
    free(target);
    return st;
}
