#include "report/atomic.h"

#include "core/alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

fl_status fl_atomic_write(const char *path, fl_atomic_fn fn, void *ud, fl_error *err)
{
    fl_status st = FL_OK;
    FILE *fp = NULL;
    int fd = -1;
    bool created = false;
    size_t n = strlen(path);
    char *tmp = fl_malloc(n + 16);
    if (!tmp)
        return fl_error_set(err, FL_ENOMEM, "out of memory writing '%s'", path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0) {
        st = fl_error_set(err, FL_EIO, "cannot create '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    created = true;
    if (fchmod(fd, 0644) != 0 || !(fp = fdopen(fd, "wb"))) {
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    fd = -1; /* owned by fp */
    st = fn(fp, ud, err);
    if (st != FL_OK)
        goto cleanup;
    errno = 0;
    if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0) {
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path,
                          errno ? strerror(errno) : "write error");
        goto cleanup;
    }
    int rc = fclose(fp);
    fp = NULL;
    if (rc != 0) {
        st = fl_error_set(err, FL_EIO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        st = fl_error_set(err, FL_EIO, "cannot replace '%s': %s", path, strerror(errno));
        goto cleanup;
    }
cleanup:
    if (fp)
        fclose(fp);
    if (fd >= 0)
        close(fd);
    if (st != FL_OK && created)
        unlink(tmp);
    fl_free(tmp);
    return st;
}
