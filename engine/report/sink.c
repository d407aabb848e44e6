#include "report/sink.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define SINK_CHUNK 65536

void fl_sink_init(fl_sink *s, FILE *fp)
{
    s->fp = fp;
    fl_strbuf_init(&s->sb);
    s->oom = false;
    s->io = false;
    s->errnum = 0;
}

static void sink_drain(fl_sink *s)
{
    if (!s->sb.len)
        return;
    if (!s->io && fwrite(s->sb.buf, 1, s->sb.len, s->fp) != s->sb.len) {
        s->io = true;
        s->errnum = errno;
    }
    fl_strbuf_reset(&s->sb);
}

static void sink_maybe_drain(fl_sink *s)
{
    if (s->sb.len >= SINK_CHUNK)
        sink_drain(s);
}

void fl_sink_add(fl_sink *s, const char *data, size_t n)
{
    if (s->oom || s->io)
        return;
    if (fl_strbuf_add(&s->sb, data, n))
        s->oom = true;
    sink_maybe_drain(s);
}

void fl_sink_adds(fl_sink *s, const char *str)
{
    fl_sink_add(s, str, strlen(str));
}

void fl_sink_addf(fl_sink *s, const char *fmt, ...)
{
    if (s->oom || s->io)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (fl_strbuf_vaddf(&s->sb, fmt, ap))
        s->oom = true;
    va_end(ap);
    sink_maybe_drain(s);
}

size_t fl_sink_utf8_len(const char *str, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)str + i;
    size_t left = n - i;
    if (p[0] < 0x80)
        return 1;
    size_t len;
    unsigned long cp, min;
    if ((p[0] & 0xE0) == 0xC0)
        len = 2, cp = p[0] & 0x1F, min = 0x80;
    else if ((p[0] & 0xF0) == 0xE0)
        len = 3, cp = p[0] & 0x0F, min = 0x800;
    else if ((p[0] & 0xF8) == 0xF0)
        len = 4, cp = p[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (left < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool fl_sink_xml_char_ok(unsigned long cp)
{
    if (cp < 0x20)
        return cp == 0x09 || cp == 0x0A || cp == 0x0D;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return false;
    return cp != 0xFFFE && cp != 0xFFFF && cp <= 0x10FFFF;
}

static unsigned long decode(const char *str, size_t i, size_t len)
{
    const unsigned char *p = (const unsigned char *)str + i;
    if (len == 1)
        return p[0];
    unsigned long cp = p[0] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | (p[k] & 0x3F);
    return cp;
}

int fl_sink_xml_escape(fl_strbuf *sb, const char *str, size_t n, bool attr)
{
    size_t start = 0, i = 0;
    while (i < n) {
        const char *esc = NULL;
        size_t len = fl_sink_utf8_len(str, n, i);
        bool drop = len == 0 || !fl_sink_xml_char_ok(decode(str, i, len));
        if (!drop && len == 1) {
            switch (str[i]) {
            case '&':
                esc = "&amp;";
                break;
            case '<':
                esc = "&lt;";
                break;
            case '>':
                esc = "&gt;";
                break;
            case '"':
                esc = "&quot;";
                break;
            case '\'':
                esc = "&#39;";
                break;
            case '\n':
                esc = attr ? "&#10;" : NULL;
                break;
            case '\r':
                esc = attr ? "&#13;" : NULL;
                break;
            case '\t':
                esc = attr ? "&#9;" : NULL;
                break;
            }
        }
        if (drop || esc) {
            if (fl_strbuf_add(sb, str + start, i - start) || (esc && fl_strbuf_adds(sb, esc)))
                return -1;
            i += len ? len : 1;
            start = i;
            continue;
        }
        i += len;
    }
    return fl_strbuf_add(sb, str + start, n - start);
}

void fl_sink_add_xml(fl_sink *s, const char *str, size_t n, bool attr)
{
    if (s->oom || s->io)
        return;
    if (fl_sink_xml_escape(&s->sb, str, n, attr))
        s->oom = true;
    sink_maybe_drain(s);
}

void fl_sink_add_xmls(fl_sink *s, const char *str, bool attr)
{
    if (str)
        fl_sink_add_xml(s, str, strlen(str), attr);
}

fl_status fl_sink_finish(fl_sink *s, const char *what, fl_error *err)
{
    if (!s->oom)
        sink_drain(s);
    fl_strbuf_release(&s->sb);
    if (s->oom)
        return fl_error_set(err, FL_ENOMEM, "out of memory writing '%s'", what);
    errno = 0;
    if (s->io || fflush(s->fp) != 0 || ferror(s->fp)) {
        int e = s->errnum ? s->errnum : errno;
        return fl_error_set(err, FL_EIO, "cannot write '%s': %s", what,
                            e ? strerror(e) : "write error");
    }
    return FL_OK;
}
