/*
 * sink.h - buffered output for the report writers, with sticky errors.
 *
 * A writer appends to the sink without checking each call; the sink buffers
 * in an fl_strbuf, hands full chunks to the FILE, and remembers the first
 * failure (out of memory, or a write error such as a full disk).
 * fl_sink_finish flushes, fflushes the FILE and turns that failure into one
 * fl_status.  The escaping helpers also strip what the target format cannot
 * carry: characters invalid in XML 1.0 (C0 controls other than tab, LF, CR;
 * U+FFFE, U+FFFF) and bytes that are not valid UTF-8.
 *
 * Ownership: the sink borrows fp and owns its buffer until fl_sink_finish.
 */
#ifndef FL_REPORT_SINK_H
#define FL_REPORT_SINK_H

#include "core/error.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct fl_sink {
    FILE *fp;
    fl_strbuf sb;
    bool oom;
    bool io;
    int errnum; /* errno of the first failed write */
} fl_sink;

void fl_sink_init(fl_sink *s, FILE *fp);
void fl_sink_add(fl_sink *s, const char *data, size_t n);
void fl_sink_adds(fl_sink *s, const char *str);
void fl_sink_addf(fl_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* XML/HTML text or attribute value: & < > " ' escaped; with `attr`, also tab,
 * LF and CR as character references so attribute normalisation keeps them. */
void fl_sink_add_xml(fl_sink *s, const char *str, size_t n, bool attr);
/* The same escaping into a strbuf; 0, or -1 when memory ran out. */
int fl_sink_xml_escape(fl_strbuf *sb, const char *str, size_t n, bool attr);
void fl_sink_add_xmls(fl_sink *s, const char *str, bool attr);
/* Flushes and releases the buffer; FL_EIO (naming what) or FL_ENOMEM on a failure seen. */
fl_status fl_sink_finish(fl_sink *s, const char *what, fl_error *err);

/* Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when invalid. */
size_t fl_sink_utf8_len(const char *s, size_t n, size_t i);
/* true when code point cp may appear in an XML 1.0 document. */
bool fl_sink_xml_char_ok(unsigned long cp);

#endif
