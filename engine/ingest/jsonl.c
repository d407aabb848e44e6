#include "ingest/jsonl.h"

#include "core/alloc.h"
#include "core/jsonesc.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "ingest/dateline.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Two readers share one field handler (take_field):
 *
 * - the scanner reads the record once, left to right, checking its UTF-8,
 *   decoding the strings it needs (the text straight into the article's
 *   buffer) and writing the compact JSON of every metadata value as it goes.
 *   It accepts only records it can read exactly as jansson would: valid
 *   UTF-8, an object of unique keys whose values are strings, integers of up
 *   to 18 digits, true, false, null and arrays of those.
 * - anything else (bad JSON, a duplicate key, a real number, a nested
 *   object, a key past MAX_FIELDS, \u0000 or a lone surrogate, a NUL byte or
 *   invalid UTF-8) goes the slow way: the line is checked for NUL bytes and
 *   UTF-8 (errors with their byte offsets), then jansson (json_loadb with
 *   JSON_REJECT_DUPLICATES) accepts it or names the error with its message
 *   and column, as before.
 *
 * So the checks and jansson decide every error and every unusual record, and
 * the scanner only makes the common record fast; test_ingest compares the two.
 */

#define MAX_FIELDS 64
#define MAX_DEPTH  32

typedef enum jv_type {
    JV_NULL,
    JV_TRUE,
    JV_FALSE,
    JV_INT,
    JV_REAL,
    JV_STR,
    JV_ARRAY,
    JV_OBJECT
} jv_type;

/* The keys take_field knows, told apart once by length and bytes. */
typedef enum jv_key {
    KEY_OTHER,
    KEY_TEXT,
    KEY_ID,
    KEY_TITLE,
    KEY_SOURCE,
    KEY_DATE,
    KEY_DATELINE
} jv_key;

/* One member of the record, from either reader. */
typedef struct jv_field {
    const char *key; /* NUL-terminated */
    size_t key_len;
    jv_key kind;
    jv_type type;
    const char *str; /* JV_STR: decoded, NUL-terminated */
    size_t len;
    char *owned;         /* the scanner's decoded text, handed over to the doc: */
    size_t text_room;    /* a block of fl_article_block_size(text_room) bytes */
    size_t *line_starts; /* the scanner's text: where its lines start (NULL: not known), */
    size_t n_lines;
    bool lines_in_block; /* in owned's block, or an allocation of their own */
    long long integer;
    double real;
    const char *dump; /* scanner: the value as compact JSON, NUL-terminated */
    size_t dump_len;
    json_t *j; /* jansson: the value */
} jv_field;

/* The kind of key k (n bytes): what strcmp against each name would say. */
static inline jv_key key_kind(const char *k, size_t n)
{
    switch (n) {
    case 2:
        return !memcmp(k, "id", 2) ? KEY_ID : KEY_OTHER;
    case 4:
        return !memcmp(k, "text", 4) ? KEY_TEXT : !memcmp(k, "date", 4) ? KEY_DATE : KEY_OTHER;
    case 5:
        return !memcmp(k, "title", 5) ? KEY_TITLE : KEY_OTHER;
    case 6:
        return !memcmp(k, "source", 6) ? KEY_SOURCE : KEY_OTHER;
    case 8:
        return !memcmp(k, "dateline", 8) ? KEY_DATELINE : KEY_OTHER;
    default:
        return KEY_OTHER;
    }
}

static fl_status record_error(fl_ingest_doc *doc, fl_error *err, fl_status code, long long offset,
                              const char *fmt, const char *arg)
{
    fl_error_set(err, code, fmt, arg);
    fl_error_locate(err, doc->article->path, doc->article->record_line, offset);
    return code;
}

static fl_status set_string(fl_ingest_doc *doc, fl_article_string which, const jv_field *v,
                            fl_error *err)
{
    if (v->type == JV_NULL)
        return FL_OK;
    if (v->type != JV_STR)
        return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or null", v->key);
    if (fl_article_set_string(doc->article, which, v->str, v->len))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return FL_OK;
}

/* A string of the doc's own (date_text, wire), kept until it is finished:
 * borrowed when the reader's buffer lasts that long (borrow), else copied. */
static fl_status set_doc_string(const char **view, char **owned, const jv_field *v, bool borrow,
                                fl_error *err)
{
    if (borrow) {
        *view = v->str;
        return FL_OK;
    }
    char *s = fl_strndup(v->str, v->len);
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_free(*owned);
    *owned = s;
    *view = s;
    return FL_OK;
}

/* Takes one member of the record into doc; borrow: v's strings stay valid
 * until the doc is finished (the scanner's scratch buffer). */
static fl_status take_field(fl_ingest_doc *doc, jv_field *v, bool borrow, bool *have_text,
                            fl_error *err)
{
    fl_article *a = doc->article;
    const char *key = v->key;
    switch (v->kind) {
    case KEY_TEXT: {
        if (v->type != JV_STR)
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string", key);
        char *t = v->owned;
        size_t room = t ? v->text_room : 0;
        v->owned = NULL;
        if (!t) {
            if (!(t = fl_malloc(v->len + 1)))
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            memcpy(t, v->str, v->len);
            t[v->len] = '\0';
        }
        if (!doc->lines_in_text)
            fl_free(doc->line_starts);
        fl_free(doc->text);
        doc->text = t;
        doc->text_room = room;
        doc->len = v->len;
        doc->line_starts = v->line_starts;
        doc->n_lines = v->n_lines;
        doc->lines_in_text = v->lines_in_block;
        v->line_starts = NULL;
        /* the record passed the scanner's UTF-8 check or fl_utf8_validate (or
         * was repaired) and holds no NUL byte; its escapes decode to valid
         * UTF-8 (\u0000 and lone surrogates are refused, by the scanner's
         * fallback and jansson): fl_ingest_finish need not check the text
         * again */
        doc->text_checked = true;
        *have_text = true;
        return FL_OK;
    }
    case KEY_ID: {
        char buf[64];
        const char *s;
        if (v->type == JV_NULL)
            return FL_OK;
        if (v->type == JV_STR) {
            s = v->str;
        } else if (v->type == JV_INT) {
            snprintf(buf, sizeof buf, "%lld", v->integer);
            s = buf;
        } else if (v->type == JV_REAL) {
            snprintf(buf, sizeof buf, "%.17g", v->real);
            s = buf;
        } else {
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or a number",
                                key);
        }
        char *id = v->type == JV_STR ? fl_strndup(s, v->len) : fl_strdup(s);
        if (!id)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        fl_free(a->id);
        a->id = id;
        return FL_OK;
    }
    case KEY_TITLE:
        return set_string(doc, FL_ARTICLE_TITLE, v, err);
    case KEY_SOURCE:
        return set_string(doc, FL_ARTICLE_SOURCE, v, err);
    case KEY_DATE: {
        if (v->type == JV_NULL) {
            doc->date = (fl_date){0, 0, 0, FL_PREC_NONE};
            doc->date_source = FL_DATELINE_NONE;
            return FL_OK;
        }
        if (v->type != JV_STR)
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or null",
                                key);
        const char *s = v->str;
        fl_date d;
        if (!fl_date_parse_iso(s, &d) && !fl_dateline_parse_date_line(s, strlen(s), &d))
            return record_error(doc, err, FL_EPARSE, -1, "cannot parse date '%s'", s);
        doc->date = d;
        doc->date_source = FL_DATELINE_JSONL;
        return set_doc_string(&doc->date_text, &doc->date_owned, v, borrow, err);
    }
    case KEY_DATELINE:
        if (v->type == JV_STR) {
            fl_status st = set_doc_string(&doc->wire, &doc->wire_owned, v, borrow, err);
            if (st != FL_OK)
                return st;
        }
        break;
    case KEY_OTHER:
        break;
    }
    if (doc->skip_meta)
        return FL_OK; /* read and checked like any field, but not kept */
    fl_status st;
    if (v->j) {
        char *js = json_dumps(v->j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!js)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        st = fl_article_add_meta(a, key, js);
        free(js);
    } else {
        st = fl_article_add_meta_n(a, key, v->key_len, v->dump, v->dump_len);
    }
    return st == FL_OK ? FL_OK : fl_error_set(err, FL_ENOMEM, "out of memory");
}

/* ---- the scanner ------------------------------------------------------------ */

typedef enum scan_result { SCAN_OK, SCAN_FALLBACK, SCAN_NOMEM } scan_result;

/*
 * The scanner writes every decoded key and string and the compact JSON of
 * every value into one buffer, o moving forward, with no bound check per
 * write.  The buffer has BUF_ROOM(len) bytes for a record of len bytes:
 *  - a member's writes are at most twice its raw bytes, plus one: a decoded
 *    key or string is no longer than its JSON, a compact dump no longer than
 *    the value it was read from (white space dropped, "\/" written '/', an
 *    escape written as it was or shorter), and each gets a NUL;
 *  - a member takes four raw bytes at least ("":0 and a comma or brace);
 *  - scan_string stores sixteen bytes at a time ahead of its output, up to
 *    as far past o as the raw rest of the line is long.
 * So o + (the raw bytes left) stays below 2.25 * len + 1 past the start.
 */
#define BUF_ROOM(len) (3 * (len) + 16)
/* A stream's scratch buffer is kept up to this size; a larger record gets
 * a buffer of its own. */
#define SCRATCH_MAX ((size_t)4 << 20)

typedef struct scanner {
    const char *p, *end;
    char *o;        /* where the next output byte goes */
    bool skip_meta; /* the dumps of metadata values are not wanted */
    /* the member whose text the scanner decoded into memory of its own
     * (owned, line_starts), freed after the record unless taken: the body,
     * one at most (a duplicate key is refused before its value is read) */
    jv_field *owner;
} scanner;

/* The line starts of the text as it is decoded: every line break in a JSON
 * string is an escape, which the decoder stops at anyway, so the article's
 * line map (fl_article_set_checked_lines) costs no pass of its own.  A text
 * with a carriage return gets none (cr), and is mapped the usual way. */
typedef struct line_map {
    size_t *starts;
    size_t n, cap;
    bool cr;
    bool in_block; /* starts is in the text's block (fl_article_block_starts) */
} line_map;

/* Room for one more line start: a map that outgrows its room in the text's
 * block moves to an allocation of its own.  0, or -1 when memory ran out. */
static int grow_lines(line_map *m)
{
    if (!m->in_block)
        return FL_GROW(m->starts, m->cap, m->n + 1);
    size_t cap = 2 * m->cap;
    size_t *starts = fl_malloc(cap * sizeof *starts);
    if (!starts)
        return -1;
    memcpy(starts, m->starts, m->n * sizeof *starts);
    m->starts = starts;
    m->cap = cap;
    m->in_block = false;
    return 0;
}

/* Notes a decoded '\n' or '\r' that ends at byte at of the text; -1 when
 * memory ran out. */
static int note_break(line_map *m, uint32_t c, size_t at)
{
    if (c == '\r') {
        m->cr = true;
        return 0;
    }
    if (m->n == m->cap && grow_lines(m))
        return -1;
    m->starts[m->n++] = at;
    return 0;
}

/* note_break for the byte a two-character escape decoded to, whatever it
 * is, without a branch on it: a news text's escapes are '\n' and '\"' in
 * no order a predictor learns.  The next slot of starts is written every
 * time and counted only for a '\n'. */
static inline int note_escape(line_map *m, char d, size_t at)
{
    if (m->n == m->cap && grow_lines(m))
        return -1;
    m->starts[m->n] = at;
    m->n += d == '\n';
    m->cr |= d == '\r';
    return 0;
}

/* What the byte after a backslash decodes to; 0 for 'u' (four hex digits
 * follow) and for the bytes JSON does not allow there.  A table, not a
 * switch: the escapes come in no order a predictor learns. */
static const char json_unescape[256] = {['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['b'] = '\b',
                                        ['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t'};

/* JSON's white space: ' ', '\t', '\n', '\r'. */
static const bool json_space[256] = {[' '] = true, ['\t'] = true, ['\n'] = true, ['\r'] = true};

static inline void skip_ws(scanner *s)
{
    while (s->p < s->end && json_space[(unsigned char)*s->p])
        s->p++;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static char *put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

#if defined(__SSE2__)
/* 0xFF in each byte of v where a run of plain string bytes stops: the bytes
 * fl_json_escapes marks (below 0x20, '"', '\\') and those above 0x7F.  One
 * signed compare finds both the control characters and the bytes above
 * 0x7F (negative as signed bytes). */
static inline __m128i stop_mask(__m128i v)
{
    __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    return _mm_or_si128(low, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}
#endif

/* Decodes the string whose opening quote is at s->p into out (NULL: only
 * read), which has room for the raw bytes up to the end of the line (a
 * decoded string is never longer than its JSON); *n is its length.  Its raw
 * bytes above 0x7F must be valid UTF-8: the scanner is the record's UTF-8
 * check.  Leaves s->p after the closing quote. */
static scan_result scan_string(scanner *s, char *out, size_t *n, line_map *lines)
{
    const char *p = s->p + 1, *end = s->end;
    char *o = out;
    for (;;) {
        const char *run = p;
        size_t copied = 0; /* bytes of the run already in out */
        /* no run to read between two escapes in a row ("\\n\\n" between
         * paragraphs) */
        if (p < end && *p != '\\') {
#if defined(__SSE2__)
            /* 32, then sixteen bytes at a time to the first below 0x20, '"',
             * '\\' or above 0x7F.  Each block is stored to out as it is
             * read: out has room for the raw bytes up to the end of the line,
             * and the decoded text is never ahead of the raw, so a block's
             * bytes past the stop are overwritten or past the end of the
             * string. */
            for (; end - p >= 32; p += 32) {
                /* two blocks a step (a text's escapes are paragraphs apart) */
                __m128i v = _mm_loadu_si128((const __m128i *)p),
                        w = _mm_loadu_si128((const __m128i *)(p + 16));
                if (out) {
                    _mm_storeu_si128((__m128i *)(void *)(o + (p - run)), v);
                    _mm_storeu_si128((__m128i *)(void *)(o + (p - run) + 16), w);
                }
                __m128i sv = stop_mask(v), sw = stop_mask(w);
                if (_mm_movemask_epi8(_mm_or_si128(sv, sw))) {
                    unsigned bits =
                        (unsigned)_mm_movemask_epi8(sv) | (unsigned)_mm_movemask_epi8(sw) << 16;
                    p += __builtin_ctz(bits);
                    copied = (size_t)(p - run);
                    goto stop;
                }
            }
            for (; end - p >= 16; p += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)p);
                if (out)
                    _mm_storeu_si128((__m128i *)(void *)(o + (p - run)), v);
                unsigned bits = (unsigned)_mm_movemask_epi8(stop_mask(v));
                if (bits) {
                    p += __builtin_ctz(bits);
                    copied = (size_t)(p - run);
                    goto stop;
                }
            }
            copied = (size_t)(p - run);
#endif
            /* eight bytes at a time while none is below 0x20, '"', '\\' or above 0x7F */
            while (end - p >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                if (fl_json_esc8(w) | (w & 0x8080808080808080ULL))
                    break;
                p += 8;
            }
            while (p < end && !fl_json_escapes[(unsigned char)*p] && (unsigned char)*p < 0x80)
                p++;
        }
#if defined(__SSE2__)
    stop:
#endif
        if (out) {
            if ((size_t)(p - run) > copied)
                memcpy(o + copied, run + copied, (size_t)(p - run) - copied);
            o += p - run;
        }
        if (p >= end || (unsigned char)*p < 0x20)
            return SCAN_FALLBACK;
        if ((unsigned char)*p >= 0x80) {
            /* a run of characters above U+007F, checked and copied */
            const char *u = p;
            do {
                size_t k = fl_utf8_seq_len(p, (size_t)(end - p));
                if (!k)
                    return SCAN_FALLBACK; /* fl_utf8_validate names the byte */
                p += k;
            } while (p < end && (unsigned char)*p >= 0x80);
            if (out) {
                memcpy(o, u, (size_t)(p - u));
                o += p - u;
            }
            continue;
        }
        if (*p == '"')
            break;
        /* a backslash */
        if (end - p < 2)
            return SCAN_FALLBACK;
        char c = p[1], d = json_unescape[(unsigned char)c];
        p += 2;
        if (d) {
            if (out)
                *o++ = d;
            if (lines && note_escape(lines, d, (size_t)(o - out)))
                return SCAN_NOMEM;
            continue;
        }
        if (c != 'u')
            return SCAN_FALLBACK;
        if (end - p < 4)
            return SCAN_FALLBACK;
        int cp = hex4(p);
        p += 4;
        if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return SCAN_FALLBACK; /* \u0000, bad hex, a lone low surrogate */
        uint32_t u = (uint32_t)cp;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
                return SCAN_FALLBACK;
            int lo = hex4(p + 2);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return SCAN_FALLBACK;
            p += 6;
            u = 0x10000 + (((uint32_t)cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
        }
        if (out)
            o = put_utf8(o, u);
        if (lines && (u == '\n' || u == '\r') && note_break(lines, u, (size_t)(o - out)))
            return SCAN_NOMEM;
    }
    *n = out ? (size_t)(o - out) : 0;
    s->p = p + 1;
    return SCAN_OK;
}

/* scan_string without a line map, its common case first: a string that
 * closes within SHORT_BLOCKS blocks of sixteen bytes after its opening
 * quote with nothing to decode (a key, most values) is read here a block at
 * a time, each stored to out whole (out has room for the raw rest of the
 * line, as for scan_string); any other string is read by scan_string from
 * its start. */
#define SHORT_BLOCKS 4

static inline scan_result scan_str(scanner *s, char *out, size_t *n)
{
#if defined(__SSE2__)
    const char *p = s->p + 1;
    for (size_t at = 0; at < 16 * SHORT_BLOCKS && s->end - (p + at) >= 16; at += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + at));
        if (out)
            _mm_storeu_si128((__m128i *)(void *)(out + at), v);
        unsigned bits = (unsigned)_mm_movemask_epi8(stop_mask(v));
        if (!bits)
            continue;
        size_t k = at + (size_t)__builtin_ctz(bits);
        if (p[k] != '"')
            break;
        *n = out ? k : 0;
        s->p = p + k + 1;
        return SCAN_OK;
    }
#endif
    return scan_string(s, out, n, NULL);
}

/* Writes a decoded string as jansson's compact dump writes it, quotes
 * included; returns the end.  (No longer than the JSON it was decoded from.) */
static char *dump_string(char *o, const char *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (!fl_json_escapes[c]) {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            *o++ = 'u', *o++ = '0', *o++ = '0', *o++ = hex[c >> 4], *o++ = hex[c & 15];
        }
    }
    *o++ = '"';
    return o;
}

/* Reads the string at s->p and writes its dump at s->o; *str (when not NULL)
 * gets the decoded string, written before the dump and NUL-terminated. */
static scan_result string_value(scanner *s, const char **str, size_t *str_len)
{
    const char *raw = s->p;
    char *o = s->o;
    size_t n;
    if (str) {
        scan_result r = scan_str(s, o, &n);
        if (r != SCAN_OK)
            return r;
        o[n] = '\0';
        *str = o, *str_len = n;
        char *d = o + n + 1;
        if ((size_t)(s->p - raw) == n + 2) { /* no escapes: the raw string is the dump */
            memcpy(d, raw, n + 2);
            s->o = d + n + 2;
        } else {
            s->o = dump_string(d, o, n);
        }
        return SCAN_OK;
    }
    /* only the dump is wanted: decoded after its opening quote, it is the
     * dump once closed when there was no escape; else the dump is written
     * after the decoded string and moved over it */
    scan_result r = scan_str(s, o + 1, &n);
    if (r != SCAN_OK)
        return r;
    if ((size_t)(s->p - raw) == n + 2) {
        o[0] = '"';
        o[n + 1] = '"';
        s->o = o + n + 2;
    } else {
        char *e = dump_string(o + 1 + n, o + 1, n);
        size_t dl = (size_t)(e - (o + 1 + n));
        memmove(o, o + 1 + n, dl);
        s->o = o + dl;
    }
    return SCAN_OK;
}

/* An integer as jansson reads it (strtoll); up to 18 digits, so no overflow. */
static scan_result scan_number(scanner *s, long long *v)
{
    const char *p = s->p;
    bool neg = false;
    if (p < s->end && *p == '-')
        neg = true, p++;
    const char *digits = p;
    while (p < s->end && *p >= '0' && *p <= '9')
        p++;
    size_t nd = (size_t)(p - digits);
    if (nd == 0 || nd > 18 || (nd > 1 && *digits == '0'))
        return SCAN_FALLBACK;
    long long x = 0;
    for (const char *d = digits; d < p; d++)
        x = x * 10 + (*d - '0');
    if (p < s->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return SCAN_FALLBACK; /* a real: jansson's strtod and dtostr decide */
    s->p = p;
    *v = neg ? -x : x;
    return SCAN_OK;
}

/* Writes v in decimal, as printf("%lld") does; returns the end. */
static char *put_int(char *o, long long v)
{
    char digits[24];
    size_t k = 0;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    if (v < 0)
        *o++ = '-';
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (k)
        *o++ = digits[--k];
    return o;
}

/* The literal word (n bytes) at s->p, copied to the output when dump. */
static scan_result literal(scanner *s, const char *word, size_t n, bool dump)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
        return SCAN_FALLBACK;
    s->p += n;
    if (dump) {
        memcpy(s->o, word, n);
        s->o += n;
    }
    return SCAN_OK;
}

/* Reads one value at s->p (no leading white space) and, when dump, writes
 * its compact JSON at s->o (else it is only read and checked, as closely as
 * when its dump is written: a value nobody keeps).  f is the record's member
 * (its type, and for a string its decoded text, are set) or NULL for an
 * array's element. */
static scan_result scan_value(scanner *s, int depth, jv_field *f, bool dump)
{
    if (s->p >= s->end)
        return SCAN_FALLBACK;
    switch (*s->p) {
    case '"':
        if (f)
            f->type = JV_STR;
        if (!dump && !f) {
            size_t n;
            return scan_str(s, NULL, &n);
        }
        return string_value(s, f ? &f->str : NULL, f ? &f->len : NULL);
    case '[': {
        if (depth >= MAX_DEPTH)
            return SCAN_FALLBACK;
        s->p++;
        if (f)
            f->type = JV_ARRAY;
        if (dump)
            *s->o++ = '[';
        skip_ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            if (dump)
                *s->o++ = ']';
            return SCAN_OK;
        }
        for (;;) {
            scan_result r = scan_value(s, depth + 1, NULL, dump);
            if (r != SCAN_OK)
                return r;
            skip_ws(s);
            if (s->p >= s->end)
                return SCAN_FALLBACK;
            if (*s->p == ']') {
                s->p++;
                if (dump)
                    *s->o++ = ']';
                return SCAN_OK;
            }
            if (*s->p != ',')
                return SCAN_FALLBACK;
            s->p++;
            if (dump)
                *s->o++ = ',';
            skip_ws(s);
        }
    }
    case 't':
        if (f)
            f->type = JV_TRUE;
        return literal(s, "true", 4, dump);
    case 'f':
        if (f)
            f->type = JV_FALSE;
        return literal(s, "false", 5, dump);
    case 'n':
        if (f)
            f->type = JV_NULL;
        return literal(s, "null", 4, dump);
    default: {
        long long v;
        scan_result r = scan_number(s, &v);
        if (r != SCAN_OK)
            return r;
        if (f)
            f->type = JV_INT, f->integer = v;
        if (dump)
            s->o = put_int(s->o, v);
        return SCAN_OK;
    }
    }
}

/* A bit for a key's length and end bytes: a key whose bit is not yet set
 * in the record cannot be a duplicate, and is not compared with the others. */
static uint64_t key_bit(const char *k, size_t n)
{
    unsigned h = (unsigned)n;
    if (n)
        h += 7u * (unsigned char)k[0] + 13u * (unsigned char)k[n - 1];
    return 1ull << (h & 63);
}

/* A field with nothing set, copied over each new field: GCC does the
 * struct assignment with SSE stores, where it made a memset of the same
 * 104 bytes a `rep stos`, slow to start for so few bytes (scan_and_take
 * was 0.72% of a BBC extract's samples with it, 0.55% without). */
static const jv_field empty_field;

/* Reads the record into fields; *n_fields counts the fields begun, also on
 * failure, so the caller can free what they own.  s->o has BUF_ROOM bytes. */
static scan_result scan_record(scanner *s, jv_field *fields, size_t *n_fields)
{
    size_t n = 0;
    uint64_t keys_seen = 0;
    *n_fields = 0;
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{')
        return SCAN_FALLBACK;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            if (n == MAX_FIELDS || s->p >= s->end || *s->p != '"')
                return SCAN_FALLBACK;
            jv_field *f = &fields[n];
            *f = empty_field;
            *n_fields = ++n;
            char *key = s->o;
            size_t klen;
            scan_result r = scan_str(s, key, &klen);
            if (r != SCAN_OK)
                return r;
            key[klen] = '\0';
            s->o = key + klen + 1;
            f->key = key;
            f->key_len = klen;
            f->kind = key_kind(key, klen);
            uint64_t bit = key_bit(key, klen);
            if (keys_seen & bit) {
                for (size_t i = 0; i + 1 < n; i++)
                    if (fields[i].key_len == klen && !memcmp(fields[i].key, key, klen))
                        return SCAN_FALLBACK; /* jansson names the duplicate */
            }
            keys_seen |= bit;
            if (s->end - s->p >= 3 && s->p[0] == ':' && s->p[1] == ' ' &&
                !json_space[(unsigned char)s->p[2]]) {
                s->p += 2; /* the usual ": " */
            } else {
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                    return SCAN_FALLBACK;
                s->p++;
                skip_ws(s);
            }
            if (f->kind == KEY_TEXT && s->p < s->end && *s->p == '"') {
                /* the body: decoded once, into the block the article keeps
                 * (the text, its line map and its paragraphs in one
                 * allocation: fl_article_set_text_block) */
                size_t room = (size_t)(s->end - s->p) + 1, size = fl_article_block_size(room);
                if (s->owner)
                    return SCAN_FALLBACK; /* (cannot be: see owner) */
                s->owner = f;
                if (!size || !(f->owned = fl_malloc(size)))
                    return SCAN_NOMEM;
                f->text_room = room;
                line_map lines = {fl_article_block_starts(f->owned, room), 0,
                                  fl_article_block_lines(room), false, true};
                lines.starts[lines.n++] = 0;
                r = scan_string(s, f->owned, &f->len, &lines);
                if (r != SCAN_OK || lines.cr) {
                    if (!lines.in_block)
                        fl_free(lines.starts);
                    lines.starts = NULL;
                }
                f->line_starts = lines.starts;
                f->n_lines = lines.n;
                f->lines_in_block = lines.in_block;
                if (r != SCAN_OK)
                    return r;
                f->owned[f->len] = '\0';
                f->type = JV_STR;
                f->str = f->owned;
            } else if (s->skip_meta || (f->kind != KEY_OTHER && f->kind != KEY_DATELINE)) {
                /* take_field wants no dump: a string is decoded (only when
                 * the model keeps it), any other value read and its dump
                 * dropped */
                if (s->p < s->end && *s->p == '"') {
                    f->type = JV_STR;
                    size_t len = 0;
                    char *o = f->kind == KEY_OTHER ? NULL : s->o;
                    if ((r = scan_str(s, o, &len)) != SCAN_OK)
                        return r;
                    if (o) {
                        o[len] = '\0';
                        f->str = o, f->len = len;
                        s->o = o + len + 1;
                    }
                } else {
                    char *o = s->o;
                    if ((r = scan_value(s, 0, f, false)) != SCAN_OK)
                        return r;
                    s->o = o;
                }
            } else {
                char *dump = s->o;
                r = scan_value(s, 0, f, true);
                if (r != SCAN_OK)
                    return r;
                if (f->type == JV_STR) /* the dump follows the decoded string and its NUL */
                    dump = (char *)f->str + f->len + 1;
                f->dump = dump;
                f->dump_len = (size_t)(s->o - dump);
                *s->o++ = '\0';
            }
            if (s->end - s->p >= 3 && s->p[0] == ',' && s->p[1] == ' ' && s->p[2] == '"') {
                s->p += 2; /* the usual ", " before the next key */
                continue;
            }
            skip_ws(s);
            if (s->p >= s->end)
                return SCAN_FALLBACK;
            if (*s->p == '}') {
                s->p++;
                break;
            }
            if (*s->p != ',')
                return SCAN_FALLBACK;
            s->p++;
            skip_ws(s);
        }
    }
    skip_ws(s);
    if (s->p != s->end)
        return SCAN_FALLBACK; /* jansson: "end of file expected" */
    return SCAN_OK;
}

/* ---- jansson ------------------------------------------------------------------- */

static void from_json(jv_field *f, const char *key, json_t *v)
{
    memset(f, 0, sizeof *f);
    f->key = key;
    f->key_len = strlen(key);
    f->kind = key_kind(key, f->key_len);
    f->j = v;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        f->type = JV_OBJECT;
        break;
    case JSON_ARRAY:
        f->type = JV_ARRAY;
        break;
    case JSON_STRING:
        f->type = JV_STR;
        f->str = json_string_value(v);
        f->len = json_string_length(v);
        break;
    case JSON_INTEGER:
        f->type = JV_INT;
        f->integer = (long long)json_integer_value(v);
        break;
    case JSON_REAL:
        f->type = JV_REAL;
        f->real = json_real_value(v);
        break;
    case JSON_TRUE:
        f->type = JV_TRUE;
        break;
    case JSON_FALSE:
        f->type = JV_FALSE;
        break;
    case JSON_NULL:
        f->type = JV_NULL;
        break;
    }
}

static fl_status parse_with_jansson(fl_ingest_doc *doc, const char *line, size_t len,
                                    long long offset, fl_error *err)
{
    fl_article *a = doc->article;
    json_error_t jerr;
    /* a record that gives a field twice is ambiguous: which text was published? */
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        fl_error_set(err, FL_EPARSE, "invalid JSON: %s (column %d)", jerr.text, jerr.column);
        fl_error_locate(err, a->path, a->record_line,
                        jerr.position >= 0 ? offset + jerr.position : -1);
        return FL_EPARSE;
    }
    fl_status st = FL_OK;
    if (!json_is_object(root)) {
        st = record_error(doc, err, FL_EPARSE, offset, "%s", "record is not a JSON object");
        goto done;
    }
    bool have_text = false;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        jv_field f;
        from_json(&f, key, v);
        if ((st = take_field(doc, &f, false, &have_text, err)) != FL_OK)
            goto done;
    }
    if (!have_text)
        st = record_error(doc, err, FL_EPARSE, offset, "%s", "record has no 'text' field");
done:
    json_decref(root);
    return st;
}

/* ---- one record ------------------------------------------------------------------ */

/* The scanner's reading of a record: SCAN_OK with *st what taking its fields
 * gave, else SCAN_FALLBACK or SCAN_NOMEM with nothing taken. */
static scan_result scan_and_take(fl_ingest_doc *doc, const char *line, size_t len, long long offset,
                                 fl_error *err, fl_status *st)
{
    jv_field fields[MAX_FIELDS];
    size_t n = 0;
    /* the stream's scratch buffer when there is one (its strings last until
     * the doc is finished), else one for this record */
    fl_ingest_scratch *scratch = doc->scratch;
    size_t room = BUF_ROOM(len);
    char *buf;
    if (scratch && room <= SCRATCH_MAX) {
        if (scratch->cap < room) {
            size_t cap = room > 2 * scratch->cap ? room : 2 * scratch->cap;
            if (cap > SCRATCH_MAX)
                cap = SCRATCH_MAX;
            fl_free(scratch->buf);
            scratch->cap = 0;
            if (!(scratch->buf = fl_malloc(cap)))
                return SCAN_NOMEM;
            scratch->cap = cap;
        }
        buf = scratch->buf;
    } else {
        scratch = NULL;
        if (!(buf = fl_malloc(room)))
            return SCAN_NOMEM;
    }
    scanner s = {line, line + len, buf, doc->skip_meta, NULL};
    scan_result r = scan_record(&s, fields, &n);
    if (r == SCAN_OK) {
        bool have_text = false;
        *st = FL_OK;
        for (size_t i = 0; i < n && *st == FL_OK; i++)
            if (!(doc->skip_meta && fields[i].kind == KEY_OTHER)) /* read, checked, not kept */
                *st = take_field(doc, &fields[i], scratch != NULL, &have_text, err);
        if (*st == FL_OK && !have_text)
            *st = record_error(doc, err, FL_EPARSE, offset, "%s", "record has no 'text' field");
    }
    if (s.owner) { /* what take_field did not take */
        if (!s.owner->lines_in_block)
            fl_free(s.owner->line_starts);
        fl_free(s.owner->owned);
    }
    if (!scratch)
        fl_free(buf);
    return r;
}

/* A record read by the scanner, else by jansson (a repaired line). */
static fl_status parse_record(fl_ingest_doc *doc, const char *line, size_t len, long long offset,
                              fl_error *err)
{
    fl_status st;
    scan_result r = scan_and_take(doc, line, len, offset, err, &st);
    if (r == SCAN_OK)
        return st;
    if (r == SCAN_NOMEM)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    return parse_with_jansson(doc, line, len, offset, err);
}

static fl_status parse_line(fl_ingest_doc *doc, const char *line, size_t len, long lineno,
                            long long offset, fl_error *err);

fl_status fl_ingest_parse_jsonl(fl_ingest_doc *doc, const char *line, size_t len, long lineno,
                                long long offset, fl_error *err)
{
    fl_article *a = doc->article;
    a->record_line = lineno;
    /* a record's "id" replaces the id "path:line"; it is made only for
     * records without one (a->id is NULL until then) */
    fl_free(a->id);
    a->id = NULL;
    fl_status st = parse_line(doc, line, len, lineno, offset, err);
    if (!a->id) {
        char idbuf[32];
        snprintf(idbuf, sizeof idbuf, ":%ld", lineno);
        size_t pl = strlen(a->path), il = strlen(idbuf);
        if (!(a->id = fl_malloc(pl + il + 1)))
            return st != FL_OK ? st : fl_error_set(err, FL_ENOMEM, "out of memory");
        memcpy(a->id, a->path, pl);
        memcpy(a->id + pl, idbuf, il + 1);
    }
    return st;
}

static fl_status parse_line(fl_ingest_doc *doc, const char *line, size_t len, long lineno,
                            long long offset, fl_error *err)
{
    fl_article *a = doc->article;
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3;
        len -= 3;
        offset += 3;
        a->bom = true;
    }
    /* the common record: read by the scanner, which also checks its UTF-8
     * (and a NUL byte is never part of a record it reads) */
    fl_status st;
    scan_result r = scan_and_take(doc, line, len, offset, err, &st);
    if (r == SCAN_OK)
        return st;
    /* anything else: NUL bytes and UTF-8 first, with their offsets, then
     * jansson */
    const char *nul = memchr(line, '\0', len);
    if (nul) {
        long long at = offset + (nul - line);
        fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %lld: not a text file", at);
        fl_error_locate(err, a->path, lineno, at);
        return FL_EBINARY;
    }
    size_t bad = fl_utf8_validate(line, len);
    if (bad == len) {
        if (r == SCAN_NOMEM)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        return parse_with_jansson(doc, line, len, offset, err);
    }
    long long at = offset + (long long)bad;
    if (!doc->lossy) {
        fl_error_set(err, FL_EUTF8, "invalid UTF-8 at byte %lld (use --lossy to replace bad bytes)",
                     at);
        fl_error_locate(err, a->path, lineno, at);
        return FL_EUTF8;
    }
    size_t n = 0, replaced = 0;
    char *fixed = fl_utf8_repair(line, len, &n, &replaced);
    if (!fixed)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    a->utf8_replaced = replaced;
    st = parse_record(doc, fixed, n, offset, err);
    fl_free(fixed);
    return st;
}
