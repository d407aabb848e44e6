#include "core/strbuf.h"

#include "core/alloc.h"

#include <stdio.h>
#include <string.h>

char fl_strbuf_empty[1];

void fl_strbuf_init(fl_strbuf *sb)
{
    sb->buf = fl_strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
}

void fl_strbuf_release(fl_strbuf *sb)
{
    if (sb->alloc)
        fl_free(sb->buf);
    fl_strbuf_init(sb);
}

char *fl_strbuf_detach(fl_strbuf *sb, size_t *len)
{
    char *p = sb->alloc ? sb->buf : fl_strdup("");
    if (len)
        *len = sb->len;
    fl_strbuf_init(sb);
    return p;
}

void fl_strbuf_reset(fl_strbuf *sb)
{
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = '\0';
}

int fl_strbuf_grow(fl_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return 0;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n *= 2;
    char *p = fl_realloc(sb->alloc ? sb->buf : NULL, n);
    if (!p)
        return -1;
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = n;
    return 0;
}

int fl_strbuf_add(fl_strbuf *sb, const void *data, size_t n)
{
    if (fl_strbuf_grow(sb, n))
        return -1;
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}

int fl_strbuf_adds(fl_strbuf *sb, const char *s)
{
    return fl_strbuf_add(sb, s, strlen(s));
}

int fl_strbuf_addch(fl_strbuf *sb, int c)
{
    char ch = (char)c;
    return fl_strbuf_add(sb, &ch, 1);
}

int fl_strbuf_vaddf(fl_strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || fl_strbuf_grow(sb, (size_t)n))
        return -1;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int fl_strbuf_addf(fl_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = fl_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return r;
}

int fl_strbuf_add_json_escaped(fl_strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (c < 0x20) {
                u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
                u[4] = hex[c >> 4], u[5] = hex[c & 15], u[6] = '\0';
                esc = u;
            }
        }
        if (esc) {
            if (fl_strbuf_add(sb, s + start, i - start) || fl_strbuf_adds(sb, esc))
                return -1;
            start = i + 1;
        }
    }
    return fl_strbuf_add(sb, s + start, n - start);
}

int fl_strbuf_add_xml_escaped(fl_strbuf *sb, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
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
        }
        if (esc) {
            if (fl_strbuf_add(sb, s + start, i - start) || fl_strbuf_adds(sb, esc))
                return -1;
            start = i + 1;
        }
    }
    return fl_strbuf_add(sb, s + start, n - start);
}
