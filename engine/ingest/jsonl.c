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
 * - the scanner reads the record once, left to right, decoding the strings it
 *   needs (the text straight into the article's buffer) and writing the
 *   compact JSON of every metadata value as it goes.  It accepts only records
 *   it can read exactly as jansson would: an object of unique keys whose
 *   values are strings, integers of up to 18 digits, true, false, null and
 *   arrays of those.
 * - anything else (bad JSON, a duplicate key, a real number, a nested
 *   object, a key past MAX_FIELDS, \u0000 or a lone surrogate) goes to
 *   jansson (json_loadb with JSON_REJECT_DUPLICATES), which then accepts it
 *   or names the error with its message and column, as before.
 *
 * So jansson decides every error and every unusual record, and the scanner
 * only makes the common record fast; test_ingest compares the two.
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

/* One member of the record, from either reader. */
typedef struct jv_field {
    const char *key;
    jv_type type;
    const char *str; /* JV_STR: decoded, NUL-terminated */
    size_t len;
    char *owned; /* the scanner's decoded text, handed over to the doc */
    long long integer;
    double real;
    const char *dump; /* scanner: the value as compact JSON */
    json_t *j;        /* jansson: the value */
} jv_field;

static fl_status record_error(fl_ingest_doc *doc, fl_error *err, fl_status code, long long offset,
                              const char *fmt, const char *arg)
{
    fl_error_set(err, code, fmt, arg);
    fl_error_locate(err, doc->article->path, doc->article->record_line, offset);
    return code;
}

static fl_status set_string(fl_ingest_doc *doc, char **slot, const jv_field *v, const char *key,
                            fl_error *err)
{
    if (v->type == JV_NULL)
        return FL_OK;
    if (v->type != JV_STR)
        return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string or null", key);
    char *s = fl_strndup(v->str, v->len);
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_free(*slot);
    *slot = s;
    return FL_OK;
}

static fl_status take_field(fl_ingest_doc *doc, const char *key, jv_field *v, bool *have_text,
                            fl_error *err)
{
    fl_article *a = doc->article;
    /* the first byte picks the one or two names a key can be: most keys
     * (topics, places, newid, ...) are none of these */
    bool k_t = key[0] == 't', k_d = key[0] == 'd';
    if (k_t && !strcmp(key, "text")) {
        if (v->type != JV_STR)
            return record_error(doc, err, FL_EPARSE, -1, "field '%s' must be a string", key);
        char *t = v->owned;
        v->owned = NULL;
        if (!t) {
            if (!(t = fl_malloc(v->len + 1)))
                return fl_error_set(err, FL_ENOMEM, "out of memory");
            memcpy(t, v->str, v->len);
            t[v->len] = '\0';
        }
        fl_free(doc->text);
        doc->text = t;
        doc->len = v->len;
        /* the record passed fl_utf8_validate (or was repaired) and holds no
         * NUL byte; its escapes decode to valid UTF-8 (\u0000 and lone
         * surrogates are refused, by the scanner's fallback and jansson):
         * fl_ingest_finish need not check the text again */
        doc->text_checked = true;
        *have_text = true;
        return FL_OK;
    }
    if (key[0] == 'i' && !strcmp(key, "id")) {
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
        char *id = fl_strdup(s);
        if (!id)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        fl_free(a->id);
        a->id = id;
        return FL_OK;
    }
    if (k_t && !strcmp(key, "title"))
        return set_string(doc, &a->title, v, key, err);
    if (key[0] == 's' && !strcmp(key, "source"))
        return set_string(doc, &a->source, v, key, err);
    if (k_d && !strcmp(key, "date")) {
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
        return set_string(doc, &doc->date_text, v, key, err);
    }
    if (k_d && !strcmp(key, "dateline") && v->type == JV_STR) {
        fl_status st = set_string(doc, &doc->wire, v, key, err);
        if (st != FL_OK)
            return st;
    }
    fl_status st;
    if (v->j) {
        char *js = json_dumps(v->j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!js)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
        st = fl_article_add_meta(a, key, js);
        free(js);
    } else {
        st = fl_article_add_meta(a, key, v->dump);
    }
    return st == FL_OK ? FL_OK : fl_error_set(err, FL_ENOMEM, "out of memory");
}

/* ---- the scanner ------------------------------------------------------------ */

typedef enum scan_result { SCAN_OK, SCAN_FALLBACK, SCAN_NOMEM } scan_result;

typedef struct scanner {
    const char *p, *end;
    fl_strbuf scratch; /* decoded keys and strings, dumps: referred to by offset */
} scanner;

static void skip_ws(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
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

/* Decodes the string whose opening quote is at s->p into out, which has room
 * for the raw bytes up to the closing quote (a decoded string is never longer
 * than its JSON); *n is its length.  Leaves s->p after the closing quote. */
static scan_result scan_string(scanner *s, char *out, size_t *n)
{
    const char *p = s->p + 1, *end = s->end;
    char *o = out;
    for (;;) {
        const char *run = p;
        size_t copied = 0; /* bytes of the run already in out */
#if defined(__SSE2__)
        /* sixteen bytes at a time to the first below 0x20, '"' or '\\'.
         * Each block is stored to out as it is read: out has room for the
         * raw bytes up to the end of the line, and the decoded text is
         * never ahead of the raw, so a block's bytes past the stop are
         * overwritten or past the end of the string. */
        for (; end - p >= 16; p += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            if (out)
                _mm_storeu_si128((__m128i *)(void *)(o + (p - run)), v);
            unsigned bits = fl_json_esc16(v);
            if (bits) {
                p += __builtin_ctz(bits);
                copied = (size_t)(p - run);
                goto stop;
            }
        }
        copied = (size_t)(p - run);
#endif
        /* eight bytes at a time while none is below 0x20, '"' or '\\' */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (fl_json_esc8(w))
                break;
            p += 8;
        }
        while (p < end && !fl_json_escapes[(unsigned char)*p])
            p++;
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
        if (*p == '"')
            break;
        /* a backslash */
        if (end - p < 2)
            return SCAN_FALLBACK;
        char c = p[1], d;
        p += 2;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            d = c;
            break;
        case 'b':
            d = '\b';
            break;
        case 'f':
            d = '\f';
            break;
        case 'n':
            d = '\n';
            break;
        case 'r':
            d = '\r';
            break;
        case 't':
            d = '\t';
            break;
        case 'u': {
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
            continue;
        }
        default:
            return SCAN_FALLBACK;
        }
        if (out)
            *o++ = d;
    }
    *n = out ? (size_t)(o - out) : 0;
    s->p = p + 1;
    return SCAN_OK;
}

/* Appends a decoded string as jansson's compact dump writes it. */
static int dump_string(fl_strbuf *sb, const char *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (fl_strbuf_addch(sb, '"'))
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (!fl_json_escapes[c])
            continue;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"':
        case '\\':
            e[1] = (char)c;
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\f':
            e[1] = 'f';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        default:
            e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
            el = 6;
        }
        if (fl_strbuf_add(sb, v + start, i - start) || fl_strbuf_add(sb, e, el))
            return -1;
        start = i + 1;
    }
    return fl_strbuf_add(sb, v + start, n - start) || fl_strbuf_addch(sb, '"');
}

/* Decodes a string into the scratch buffer (NUL-terminated at *at). */
static scan_result scratch_string(scanner *s, size_t *at, size_t *n)
{
    /* the raw string is at most the rest of the line */
    size_t room = (size_t)(s->end - s->p);
    if (fl_strbuf_grow(&s->scratch, room + 1))
        return SCAN_NOMEM;
    *at = s->scratch.len;
    scan_result r = scan_string(s, s->scratch.buf + s->scratch.len, n);
    if (r != SCAN_OK)
        return r;
    s->scratch.len += *n;
    s->scratch.buf[s->scratch.len++] = '\0';
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

static bool literal(scanner *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
        return false;
    s->p += n;
    return true;
}

/* Reads one value at s->p (no leading white space) and appends its compact
 * JSON to the scratch buffer.  For a string, *str_at and *str_len also get the
 * decoded string (in the scratch, before the dump). */
static scan_result scan_value(scanner *s, int depth, jv_type *type, long long *integer,
                              size_t *str_at, size_t *str_len)
{
    if (s->p >= s->end)
        return SCAN_FALLBACK;
    fl_strbuf *sb = &s->scratch;
    switch (*s->p) {
    case '"': {
        const char *raw = s->p;
        size_t at, n;
        *type = JV_STR;
        if (!str_at) {
            /* only the dump is wanted: a string without escapes is its own dump */
            scan_result r = scan_string(s, NULL, &n);
            if (r != SCAN_OK)
                return r;
            size_t raw_len = (size_t)(s->p - raw);
            if (!memchr(raw + 1, '\\', raw_len - 2))
                return fl_strbuf_add(sb, raw, raw_len) ? SCAN_NOMEM : SCAN_OK;
            s->p = raw;
        }
        size_t mark = sb->len;
        scan_result r = scratch_string(s, &at, &n);
        if (r != SCAN_OK)
            return r;
        if (str_at)
            *str_at = at, *str_len = n;
        if ((size_t)(s->p - raw) == n + 2) /* no escapes: the raw string is the dump */
            r = fl_strbuf_add(sb, raw, n + 2) ? SCAN_NOMEM : SCAN_OK;
        else if (fl_strbuf_grow(sb, n * 6 + 3)) /* dump_string reads through the offset */
            r = SCAN_NOMEM;
        else
            r = dump_string(sb, sb->buf + at, n) ? SCAN_NOMEM : SCAN_OK;
        if (r == SCAN_OK && !str_at) {
            /* drop the decoded copy, keep the dump */
            size_t from = at + n + 1;
            memmove(sb->buf + mark, sb->buf + from, sb->len - from);
            sb->len = mark + (sb->len - from);
            sb->buf[sb->len] = '\0';
        }
        return r;
    }
    case '[': {
        if (depth >= MAX_DEPTH)
            return SCAN_FALLBACK;
        s->p++;
        *type = JV_ARRAY;
        if (fl_strbuf_addch(sb, '['))
            return SCAN_NOMEM;
        skip_ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return fl_strbuf_addch(sb, ']') ? SCAN_NOMEM : SCAN_OK;
        }
        for (;;) {
            jv_type t;
            long long iv;
            scan_result r = scan_value(s, depth + 1, &t, &iv, NULL, NULL);
            if (r != SCAN_OK)
                return r;
            skip_ws(s);
            if (s->p >= s->end)
                return SCAN_FALLBACK;
            if (*s->p == ']') {
                s->p++;
                return fl_strbuf_addch(sb, ']') ? SCAN_NOMEM : SCAN_OK;
            }
            if (*s->p != ',')
                return SCAN_FALLBACK;
            s->p++;
            if (fl_strbuf_addch(sb, ','))
                return SCAN_NOMEM;
            skip_ws(s);
        }
    }
    case 't':
        *type = JV_TRUE;
        return !literal(s, "true", 4)         ? SCAN_FALLBACK
               : fl_strbuf_add(sb, "true", 4) ? SCAN_NOMEM
                                              : SCAN_OK;
    case 'f':
        *type = JV_FALSE;
        return !literal(s, "false", 5)         ? SCAN_FALLBACK
               : fl_strbuf_add(sb, "false", 5) ? SCAN_NOMEM
                                               : SCAN_OK;
    case 'n':
        *type = JV_NULL;
        return !literal(s, "null", 4)         ? SCAN_FALLBACK
               : fl_strbuf_add(sb, "null", 4) ? SCAN_NOMEM
                                              : SCAN_OK;
    default: {
        scan_result r = scan_number(s, integer);
        if (r != SCAN_OK)
            return r;
        *type = JV_INT;
        if (*integer < 0 && fl_strbuf_addch(sb, '-'))
            return SCAN_NOMEM;
        return fl_strbuf_add_u64(sb, (unsigned long long)(*integer < 0 ? -*integer : *integer))
                   ? SCAN_NOMEM
                   : SCAN_OK;
    }
    }
}

/* The offsets a field's strings have in the scratch until it stops moving. */
typedef struct field_at {
    size_t key, key_len, str, dump;
} field_at;

/* Reads the record into fields; *n_fields counts the fields begun, also on
 * failure, so the caller can free what they own. */
static scan_result scan_record(scanner *s, jv_field *fields, size_t *n_fields)
{
    field_at at[MAX_FIELDS];
    size_t n = 0;
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
            memset(f, 0, sizeof *f);
            *n_fields = n + 1;
            size_t klen;
            scan_result r = scratch_string(s, &at[n].key, &klen);
            if (r != SCAN_OK)
                return r;
            const char *key = s->scratch.buf + at[n].key;
            at[n].key_len = klen;
            for (size_t i = 0; i < n; i++)
                if (at[i].key_len == klen && !memcmp(s->scratch.buf + at[i].key, key, klen))
                    return SCAN_FALLBACK; /* jansson names the duplicate */
            n++;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return SCAN_FALLBACK;
            s->p++;
            skip_ws(s);
            if (!strcmp(key, "text") && s->p < s->end && *s->p == '"') {
                /* the body: decoded once, into the buffer the article keeps */
                size_t room = (size_t)(s->end - s->p);
                if (!(f->owned = fl_malloc(room + 1)))
                    return SCAN_NOMEM;
                r = scan_string(s, f->owned, &f->len);
                if (r != SCAN_OK)
                    return r;
                f->owned[f->len] = '\0';
                f->type = JV_STR;
                f->str = f->owned;
                at[n - 1].str = at[n - 1].dump = SIZE_MAX;
            } else {
                size_t sa = SIZE_MAX, sl = 0;
                jv_type t = JV_NULL;
                long long iv = 0;
                size_t dump_from = s->scratch.len;
                r = scan_value(s, 0, &t, &iv, &sa, &sl);
                if (r != SCAN_OK)
                    return r;
                f->type = t;
                f->integer = iv;
                f->len = sl;
                at[n - 1].str = sa;
                if (t == JV_STR) /* the dump follows the decoded string and its NUL */
                    dump_from = sa + sl + 1;
                at[n - 1].dump = dump_from;
                if (fl_strbuf_addch(&s->scratch, '\0'))
                    return SCAN_NOMEM;
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
    for (size_t i = 0; i < n; i++) {
        fields[i].key = s->scratch.buf + at[i].key;
        if (at[i].str != SIZE_MAX && fields[i].type == JV_STR && !fields[i].owned)
            fields[i].str = s->scratch.buf + at[i].str;
        if (at[i].dump != SIZE_MAX)
            fields[i].dump = s->scratch.buf + at[i].dump;
    }
    *n_fields = n;
    return SCAN_OK;
}

static void free_fields(jv_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fl_free(fields[i].owned);
}

/* ---- jansson ------------------------------------------------------------------- */

static void from_json(jv_field *f, const char *key, json_t *v)
{
    memset(f, 0, sizeof *f);
    f->key = key;
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
        if ((st = take_field(doc, key, &f, &have_text, err)) != FL_OK)
            goto done;
    }
    if (!have_text)
        st = record_error(doc, err, FL_EPARSE, offset, "%s", "record has no 'text' field");
done:
    json_decref(root);
    return st;
}

/* ---- one record ------------------------------------------------------------------ */

static fl_status parse_record(fl_ingest_doc *doc, const char *line, size_t len, long long offset,
                              fl_error *err)
{
    jv_field fields[MAX_FIELDS];
    size_t n = 0;
    scanner s = {line, line + len, FL_STRBUF_INIT};
    scan_result r = scan_record(&s, fields, &n);
    fl_status st = FL_OK;
    if (r == SCAN_NOMEM) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
    } else if (r == SCAN_FALLBACK) {
        free_fields(fields, n);
        n = 0;
        st = parse_with_jansson(doc, line, len, offset, err);
    } else {
        bool have_text = false;
        for (size_t i = 0; i < n && st == FL_OK; i++)
            st = take_field(doc, fields[i].key, &fields[i], &have_text, err);
        if (st == FL_OK && !have_text)
            st = record_error(doc, err, FL_EPARSE, offset, "%s", "record has no 'text' field");
    }
    free_fields(fields, n);
    fl_strbuf_release(&s.scratch);
    return st;
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
    const char *nul = memchr(line, '\0', len);
    if (nul) {
        long long at = offset + (nul - line);
        fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %lld: not a text file", at);
        fl_error_locate(err, a->path, lineno, at);
        return FL_EBINARY;
    }
    size_t bad = fl_utf8_validate(line, len);
    if (bad == len)
        return parse_record(doc, line, len, offset, err);
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
    fl_status st = parse_record(doc, fixed, n, offset, err);
    fl_free(fixed);
    return st;
}
