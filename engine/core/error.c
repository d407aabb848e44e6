#include "core/error.h"

#include <stdio.h>
#include <string.h>

void fl_error_clear(fl_error *err)
{
    if (!err)
        return;
    err->code = FL_OK;
    err->message[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->offset = -1;
}

fl_status fl_error_setv(fl_error *err, fl_status code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    fl_error_clear(err);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

fl_status fl_error_set(fl_error *err, fl_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fl_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void fl_error_locate(fl_error *err, const char *file, long line, long long offset)
{
    if (!err)
        return;
    if (file)
        snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->offset = offset;
}

const char *fl_status_name(fl_status code)
{
    switch (code) {
    case FL_OK:
        return "ok";
    case FL_DONE:
        return "done";
    case FL_ENOMEM:
        return "memory";
    case FL_EIO:
        return "io";
    case FL_EUSAGE:
        return "usage";
    case FL_EPARSE:
        return "parse";
    case FL_EUTF8:
        return "utf8";
    case FL_EBINARY:
        return "binary";
    case FL_EEMPTY:
        return "empty";
    case FL_ELIMIT:
        return "limit";
    case FL_ERULE:
        return "rule";
    case FL_EINTERNAL:
        return "internal";
    }
    return "unknown";
}

void fl_error_format(const fl_error *err, char *buf, size_t size)
{
    if (!err->file[0])
        snprintf(buf, size, "%s", err->message);
    else if (err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->offset >= 0)
        snprintf(buf, size, "%s: byte %lld: %s", err->file, err->offset, err->message);
    else
        snprintf(buf, size, "%s: %s", err->file, err->message);
}
