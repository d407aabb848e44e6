#include "ingest/finish.h"

#include "core/alloc.h"
#include "ingest/dateline.h"

#include <string.h>

/* A doc with nothing set, copied over a doc to clear it: GCC does the
 * struct assignment with SSE stores, where it made a memset of the same
 * 160 bytes a `rep stos`, slow to start for so few bytes (twice an
 * article: fl_ingest_doc_release's was 30% of fl_ingest_finish's samples). */
static const fl_ingest_doc empty_doc;

fl_status fl_ingest_doc_init(fl_ingest_doc *doc, const char *path, fl_format fmt, fl_error *err)
{
    *doc = empty_doc;
    fl_article *a = fl_article_new();
    if (!a)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    a->format = fmt;
    /* a JSONL record's id is set by fl_ingest_parse_jsonl, from the record
     * or as "path:line": no copy of the path to throw away */
    if (!(a->path = fl_strdup(path)) || (fmt != FL_FORMAT_JSONL && !(a->id = fl_strdup(path)))) {
        fl_article_free(a);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    doc->article = a;
    doc->scan_comments = fmt != FL_FORMAT_HTML;
    return FL_OK;
}

void fl_ingest_doc_release(fl_ingest_doc *doc)
{
    fl_article_free(doc->article);
    if (!doc->lines_in_text)
        fl_free(doc->line_starts);
    fl_free(doc->text);
    fl_free(doc->date_owned);
    fl_free(doc->wire_owned);
    fl_free(doc->marks);
    for (size_t i = 0; i < doc->n_disabled; i++)
        fl_free(doc->disabled[i]);
    fl_free(doc->disabled);
    *doc = empty_doc;
}

fl_status fl_ingest_doc_disable(fl_ingest_doc *doc, const char *rule, size_t n)
{
    char **d = fl_realloc(doc->disabled, (doc->n_disabled + 1) * sizeof *d);
    if (!d)
        return FL_ENOMEM;
    doc->disabled = d;
    if (!(d[doc->n_disabled] = n ? fl_strndup(rule, n) : fl_strdup("*")))
        return FL_ENOMEM;
    doc->n_disabled++;
    return FL_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

fl_status fl_ingest_doc_disable_comment(fl_ingest_doc *doc, const char *s, size_t n)
{
    static const char kw[] = "factlint-disable";
    size_t k = sizeof kw - 1;
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    if (n - i < k || memcmp(s + i, kw, k))
        return FL_OK;
    i += k;
    if (i < n && !is_space(s[i]))
        return FL_OK; /* "factlint-disabled", "factlint-disable-next-line": not ours */
    size_t rules = 0;
    while (i < n) {
        while (i < n && (is_space(s[i]) || s[i] == ','))
            i++;
        size_t b = i;
        while (i < n && !is_space(s[i]) && s[i] != ',')
            i++;
        if (i > b) {
            if (i - b == 2 && !memcmp(s + b, "--", 2))
                break; /* a "--" starts the comment's free text */
            if (fl_ingest_doc_disable(doc, s + b, i - b) != FL_OK)
                return FL_ENOMEM;
            rules++;
        }
    }
    return rules ? FL_OK : fl_ingest_doc_disable(doc, "", 0);
}

static const char *find(const char *h, size_t n, const char *needle, size_t k)
{
    const char *end = h + n;
    while ((size_t)(end - h) >= k) {
        const char *p = memchr(h, needle[0], (size_t)(end - h) - k + 1);
        if (!p)
            return NULL;
        if (!memcmp(p, needle, k))
            return p;
        h = p + 1;
    }
    return NULL;
}

/* "<!-- factlint-disable a.b -->" anywhere in the body text.  The search
 * is for "<!--" ('<' is rare in text; the keyword's 'f' is not), then white
 * space and the keyword: the same comments as a search for the keyword
 * with "<!--" and white space before it, in the same order, and like it
 * the next search starts after a comment taken. */
static fl_status scan_comments(fl_ingest_doc *doc, const fl_article *a)
{
    static const char kw[] = "factlint-disable";
    const char *t = a->text;
    size_t n = a->text_len;
    const char *o = t;
    while ((o = find(o, n - (size_t)(o - t), "<!--", 4))) {
        const char *p = o + 4;
        while (p < t + n && is_space(*p))
            p++;
        if ((size_t)(t + n - p) < sizeof kw - 1 || memcmp(p, kw, sizeof kw - 1)) {
            o += 4;
            continue;
        }
        const char *close = find(p, n - (size_t)(p - t), "-->", 3);
        if (!close)
            break; /* nor is there one after any later keyword */
        if (fl_ingest_doc_disable_comment(doc, p, (size_t)(close - p)) != FL_OK)
            return FL_ENOMEM;
        o = close + 3;
    }
    return FL_OK;
}

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

static bool single_line(const char *s, size_t n)
{
    return !memchr(s, '\n', n) && !memchr(s, '\r', n);
}

/* The BBC layout: a first paragraph of one line with no terminal punctuation,
 * followed by a blank line, is the title. */
static fl_status txt_title(fl_article *a)
{
    if (a->n_paragraphs < 2)
        return FL_OK;
    fl_paragraph *p = &a->paragraphs[0];
    const char *s = a->text + p->offset;
    size_t n = p->length;
    if (n == 0 || n > 300 || !single_line(s, n))
        return FL_OK;
    char last = s[n - 1];
    if (last == '.' || last == '!' || last == '?' || last == ':' || last == ';' || last == ',')
        return FL_OK;
    if (n >= 3 && !memcmp(s + n - 3, "\xE2\x80\xA6", 3)) /* … */
        return FL_OK;
    size_t l0 = fl_article_line_index(a, p->offset);
    size_t l1 = fl_article_line_index(a, a->paragraphs[1].offset);
    if (l1 < l0 + 2)
        return FL_OK; /* no blank line after it */
    p->heading = true;
    if (!a->title && !(a->title = fl_strndup(s, n)))
        return FL_ENOMEM;
    return FL_OK;
}

/* "# Heading" (1 to 6 '#', then a space or the end). */
static size_t md_heading_level(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < 7 && s[k] == '#')
        k++;
    if (k == 0 || k > 6 || (k < n && s[k] != ' ' && s[k] != '\t'))
        return 0;
    return k;
}

static fl_status md_headings(fl_article *a)
{
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        fl_paragraph *p = &a->paragraphs[i];
        const char *s = a->text + p->offset;
        size_t k = md_heading_level(s, p->length);
        if (!k)
            continue;
        p->heading = true;
        if (!a->title) {
            /* the heading is the paragraph's first line: it ends at "\n", "\r\n"
             * or a lone "\r" (CR files) */
            size_t e = 0;
            while (e < p->length && s[e] != '\n' && s[e] != '\r')
                e++;
            while (e > k && (s[e - 1] == '#' || is_space(s[e - 1])))
                e--;
            size_t b = k;
            while (b < e && is_space(s[b]))
                b++;
            if (e > b && !(a->title = fl_strndup(s + b, e - b)))
                return FL_ENOMEM;
        }
    }
    return FL_OK;
}

static void apply_marks(fl_article *a, const fl_ingest_doc *doc)
{
    size_t m = 0;
    for (size_t i = 0; i < a->n_paragraphs && doc->n_marks; i++) {
        fl_paragraph *p = &a->paragraphs[i];
        while (m < doc->n_marks && doc->marks[m].offset + doc->marks[m].length <= p->offset)
            m++;
        if (m == doc->n_marks)
            break;
        const fl_ingest_mark *k = &doc->marks[m];
        if (p->offset >= k->offset) {
            p->boilerplate = k->boilerplate;
            p->heading = k->heading;
        }
    }
}

fl_status fl_ingest_finish(fl_ingest_doc *doc, const fl_ingest_options *opt, fl_chrome *chrome,
                           const char *group, fl_article **out, fl_error *err)
{
    static const fl_ingest_options defaults = {
        false, {0, 0, 0, FL_PREC_NONE}, FL_FORMAT_TXT, 0, false};
    fl_status st;
    fl_article *a = doc->article;
    *out = NULL;
    if (!opt)
        opt = &defaults;

    bool bom_before = a->bom;
    char *text = doc->text;
    size_t text_room = doc->text_room;
    doc->text = NULL;
    doc->text_room = 0;
    if (!text) {
        if (!(text = fl_malloc(1))) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        doc->len = 0;
    }
    if (doc->text_checked && text_room) {
        st = fl_article_set_text_block(a, text, text_room, doc->len, doc->line_starts, doc->n_lines,
                                       doc->lines_in_text, err);
        doc->line_starts = NULL;
        doc->lines_in_text = false;
    } else if (doc->text_checked && doc->line_starts) {
        st = fl_article_set_checked_lines(a, text, doc->len, doc->line_starts, doc->n_lines, err);
        doc->line_starts = NULL;
    } else if (doc->text_checked) {
        st = fl_article_set_checked_text(a, text, doc->len, err);
    } else {
        st = fl_article_set_text(a, text, doc->len, opt->lossy, err);
    }
    if (st != FL_OK) {
        if (err && (st == FL_EUTF8 || st == FL_EBINARY)) {
            long long off = err->offset + doc->byte_base;
            if (st == FL_EUTF8)
                fl_error_set(err, st,
                             "invalid UTF-8 at byte %lld (use --lossy to replace bad bytes)", off);
            else
                fl_error_set(err, st, "binary data (NUL byte) at byte %lld: not a text file", off);
            fl_error_locate(err, a->path, a->record_line, off);
        } else {
            fl_error_locate(err, a->path, a->record_line, -1);
        }
        goto cleanup;
    }
    a->bom = a->bom || bom_before;
    if (all_space(a->text, a->text_len)) {
        st = fl_error_set(err, FL_EEMPTY, "empty article");
        fl_error_locate(err, a->path, a->record_line, -1);
        goto cleanup;
    }
    if ((st = fl_article_segment(a, err)) != FL_OK)
        goto cleanup;

    st = FL_OK;
    if (a->format == FL_FORMAT_TXT)
        st = txt_title(a);
    else if (a->format == FL_FORMAT_MD)
        st = md_headings(a);
    else if (a->format == FL_FORMAT_HTML)
        apply_marks(a, doc);
    if (st != FL_OK) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    fl_boilerplate_mark(a);
    if (chrome && fl_chrome_mark(chrome, group, a) != FL_OK) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (doc->scan_comments && scan_comments(doc, a) != FL_OK) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < doc->n_disabled; i++)
        if (!fl_article_rule_disabled(a, doc->disabled[i]) &&
            fl_article_disable_rule(a, doc->disabled[i]) != FL_OK) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
    fl_dateline_hint hint = {doc->date, doc->date_source, doc->date_text, doc->wire};
    if ((st = fl_dateline_apply(a, &hint, opt->default_date, err)) != FL_OK)
        goto cleanup;
    *out = a;
    doc->article = NULL;
cleanup:
    fl_ingest_doc_release(doc);
    return st;
}
