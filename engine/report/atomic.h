/*
 * atomic.h - replace a file whole or not at all.
 *
 * fl_atomic_write creates a temporary file beside path (same directory, so
 * rename is atomic), lets fn write into it, then fflush + fclose and rename
 * over path.  On any failure (fn's, a full disk at write, flush or close, a
 * failed rename) the temporary is removed, path is left as it was, and the
 * error is FL_EIO naming path (or fn's own error).  A new file gets mode
 * 0644; a file replaced keeps its mode.  A symbolic link stays a link: the
 * file it points to is replaced.
 *
 * A path that is not a regular file (/dev/null, a terminal, a named pipe)
 * and the process's own streams (/dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N) are written straight through instead, with nothing
 * renamed: there is no file to replace, and a rename would replace the
 * device or the link.
 *
 * Whole or not at all is the promise to a process that is killed or fails:
 * readers see the old file or the complete new one.  Waiting for the new
 * file to reach the disk (fsync before the rename) adds the promise for a
 * crash of the whole machine; it is off by default, as in sort -o, cp,
 * compilers and rsync (whose --fsync asks for it), because it was the
 * largest single cost of `extract -o` on a small corpus: 45 ms of BBC's
 * 150 ms (docs/performance.md, "Eighth round").  fl_atomic_set_fsync(true)
 * (the CLI's --fsync) turns it on for the rest of the process.  Without it,
 * an existing file is swapped with the temporary (RENAME_EXCHANGE) rather
 * than renamed over, which spares the process ext4's flush inside a rename
 * over an existing file (atomic.c, put_in_place).
 */
#ifndef FL_REPORT_ATOMIC_H
#define FL_REPORT_ATOMIC_H

#include "core/error.h"

#include <stdbool.h>
#include <stdio.h>

typedef fl_status (*fl_atomic_fn)(FILE *fp, void *ud, fl_error *err);

fl_status fl_atomic_write(const char *path, fl_atomic_fn fn, void *ud, fl_error *err);

/* Whether fl_atomic_write waits for each file to reach the disk (fsync)
 * before its rename; off until set.  Set it before any writing starts. */
void fl_atomic_set_fsync(bool on);

#endif
