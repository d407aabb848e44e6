/*
 * atomic.h - replace a file whole or not at all.
 *
 * fl_atomic_write creates a temporary file beside path (same directory, so
 * rename is atomic), lets fn write into it, then fflush + fsync + fclose and
 * rename over path.  On any failure (fn's, a full disk at write, flush or
 * close, a failed rename) the temporary is removed, path is left as it was,
 * and the error is FL_EIO naming path (or fn's own error).  The new file gets
 * mode 0644.
 */
#ifndef FL_REPORT_ATOMIC_H
#define FL_REPORT_ATOMIC_H

#include "core/error.h"

#include <stdio.h>

typedef fl_status (*fl_atomic_fn)(FILE *fp, void *ud, fl_error *err);

fl_status fl_atomic_write(const char *path, fl_atomic_fn fn, void *ud, fl_error *err);

#endif
