#include "ingest/html.h"

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <dlfcn.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* libxml2 is loaded when the first HTML page is read, not when factlint
 * starts: linked in, it and the libraries it needs (ICU, libstdc++, zlib,
 * liblzma: eight of the program's fourteen) cost every run ~2 ms of CPU and
 * 2-6 ms of wall time before main, whether or not it reads HTML
 * (docs/performance.md, "Eighth round").  Only its headers are used at
 * build time; the functions below are looked up by name once, and nothing
 * else in this file names a libxml2 symbol, so the linker never asks for
 * the library.  FL_LIBXML2_SONAME is set by CMakeLists.txt. */
#ifndef FL_LIBXML2_SONAME
#define FL_LIBXML2_SONAME "libxml2.so.2"
#endif

static struct {
    htmlDocPtr (*read_memory)(const char *, int, const char *, const char *, int);
    xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
    void (*free_doc)(xmlDocPtr);
    xmlFreeFunc *dealloc; /* the library's deallocator for what get_prop returns */
    char error[256];      /* why loading failed; empty when it worked */
} lx;
static pthread_once_t lx_once = PTHREAD_ONCE_INIT;

static void lx_load(void)
{
    void *h = dlopen(FL_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h) {
        void (*init)(void) = (void (*)(void))dlsym(h, "xmlInitParser");
        *(void **)&lx.read_memory = dlsym(h, "htmlReadMemory");
        *(void **)&lx.get_prop = dlsym(h, "xmlGetProp");
        *(void **)&lx.free_doc = dlsym(h, "xmlFreeDoc");
        lx.dealloc = (xmlFreeFunc *)dlsym(h, "xmlFree");
        if (init && lx.read_memory && lx.get_prop && lx.free_doc && lx.dealloc && *lx.dealloc) {
            init(); /* once, before any parsing, as libxml2 asks of threaded programs */
            return;
        }
    }
    const char *why = dlerror();
    snprintf(lx.error, sizeof lx.error, "%s", why ? why : "a function is missing");
    if (h)
        dlclose(h);
}

static void lx_free(void *p)
{
    if (p)
        (*lx.dealloc)(p);
}

typedef struct frame {
    fl_boilerplate boilerplate;
    bool heading;
    bool in_article; /* inside <article> or <main> */
    bool in_head;
    bool in_title;
    bool in_h1;
    bool block; /* this element ends a paragraph when it closes */
} frame;

typedef struct walker {
    fl_ingest_doc *doc;
    fl_strbuf text;
    fl_strbuf title; /* <title> */
    fl_strbuf h1;    /* the first <h1> */
    bool h1_done, h1_open;
    frame *stack;
    size_t depth, cap;
    bool block_open;
    size_t block_start;
    bool pending_space;
    int date_rank; /* 0 none, 3 <time>, 2 meta name=date, 1 article:published_time */
    bool oom;
} walker;

static bool name_is(const xmlNode *n, const char *name)
{
    return n->name && !strcasecmp((const char *)n->name, name);
}

static bool name_in(const xmlNode *n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (name_is(n, names[i]))
            return true;
    return false;
}

static const char *const dropped[] = {"script", "style",  "noscript", "template", "svg",
                                      "iframe", "object", "canvas",   NULL};
static const char *const blocks[] = {
    "p",       "div",     "h1",      "h2",      "h3",      "h4",       "h5",         "h6",
    "li",      "ul",      "ol",      "dl",      "dt",      "dd",       "blockquote", "figcaption",
    "figure",  "article", "section", "main",    "header",  "footer",   "nav",        "aside",
    "br",      "hr",      "tr",      "td",      "th",      "table",    "caption",    "pre",
    "address", "form",    "body",    "details", "summary", "fieldset", "legend",     NULL};

/* A boilerplate kind named by a class or id value, or NONE. */
static fl_boilerplate kind_from_attr(const char *v)
{
    static const struct {
        const char *word;
        fl_boilerplate kind;
    } words[] = {{"breadcrumb", FL_BOILER_NAVIGATION}, {"nav", FL_BOILER_NAVIGATION},
                 {"menu", FL_BOILER_NAVIGATION},       {"share", FL_BOILER_SHARE},
                 {"social", FL_BOILER_SHARE},          {"newsletter", FL_BOILER_NEWSLETTER},
                 {"promo", FL_BOILER_PROMOTED},        {"sponsor", FL_BOILER_PROMOTED},
                 {"advert", FL_BOILER_PROMOTED},       {"related", FL_BOILER_CHROME},
                 {"cookie", FL_BOILER_CHROME},         {"footer", FL_BOILER_CHROME},
                 {"credit", FL_BOILER_CREDIT}};
    if (!v)
        return FL_BOILER_NONE;
    size_t n = strlen(v);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t k = strlen(words[w].word);
        for (size_t i = 0; i + k <= n; i++)
            if (!strncasecmp(v + i, words[w].word, k))
                return words[w].kind;
    }
    return FL_BOILER_NONE;
}

static fl_boilerplate attr_kind(const xmlNode *n)
{
    fl_boilerplate k = FL_BOILER_NONE;
    xmlChar *cls = lx.get_prop(n, (const xmlChar *)"class");
    k = kind_from_attr((const char *)cls);
    lx_free(cls);
    if (k == FL_BOILER_NONE) {
        xmlChar *id = lx.get_prop(n, (const xmlChar *)"id");
        k = kind_from_attr((const char *)id);
        lx_free(id);
    }
    return k;
}

static void flush_block(walker *w)
{
    w->pending_space = false;
    if (!w->block_open)
        return;
    w->block_open = false;
    /* the mark was reserved and filled when the block opened (add_collapsed) */
    fl_ingest_mark *m = &w->doc->marks[w->doc->n_marks];
    m->length = w->text.len - m->offset;
    w->doc->n_marks++;
}

/* Appends text with runs of white space collapsed to one space. */
static void add_collapsed(walker *w, fl_strbuf *sb, bool *pending, const char *s, size_t n,
                          bool is_body)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
            *pending = true;
            i++;
            continue;
        }
        size_t b = i;
        while (i < n &&
               !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f'))
            i++;
        if (is_body && !w->block_open) {
            if (w->text.len && fl_strbuf_add(&w->text, "\n\n", 2))
                w->oom = true;
            w->block_open = true;
            w->block_start = w->text.len;
            const frame *f = &w->stack[w->depth - 1];
            if (FL_GROW(w->doc->marks, w->doc->cap_marks, w->doc->n_marks + 1)) {
                w->oom = true;
                return;
            }
            /* the mark is filled in when the block closes (flush_block) */
            w->doc->marks[w->doc->n_marks] =
                (fl_ingest_mark){w->block_start, 0, f->boilerplate, f->heading};
            *pending = false;
        }
        if (*pending && sb->len && fl_strbuf_addch(sb, ' '))
            w->oom = true;
        *pending = false;
        if (fl_strbuf_add(sb, s + b, i - b))
            w->oom = true;
    }
}

static void push(walker *w, frame f)
{
    if (FL_GROW(w->stack, w->cap, w->depth + 1)) {
        w->oom = true;
        return;
    }
    w->stack[w->depth++] = f;
}

static void meta_date(walker *w, const char *content, int rank)
{
    fl_date d;
    if (!content || (w->date_rank && w->date_rank <= rank) || !fl_date_parse_iso(content, &d))
        return;
    char *t = fl_strdup(content);
    if (!t) {
        w->oom = true;
        return;
    }
    fl_free(w->doc->date_owned);
    w->doc->date_owned = t;
    w->doc->date_text = t;
    w->doc->date = d;
    w->doc->date_source = FL_DATELINE_HTML_META;
    w->date_rank = rank;
}

static void on_meta(walker *w, const xmlNode *n)
{
    xmlChar *prop = lx.get_prop(n, (const xmlChar *)"property");
    xmlChar *name = lx.get_prop(n, (const xmlChar *)"name");
    xmlChar *content = lx.get_prop(n, (const xmlChar *)"content");
    const char *p = (const char *)prop, *nm = (const char *)name, *c = (const char *)content;
    if (c) {
        if ((p && !strcasecmp(p, "article:published_time")) ||
            (nm && !strcasecmp(nm, "article:published_time")))
            meta_date(w, c, 1);
        else if (nm && (!strcasecmp(nm, "date") || !strcasecmp(nm, "pubdate") ||
                        !strcasecmp(nm, "publish-date") || !strcasecmp(nm, "dc.date")))
            meta_date(w, c, 2);
        else if (p && !strcasecmp(p, "og:site_name") && !w->doc->article->source && c[0]) {
            if (!(w->doc->article->source = fl_strdup(c)))
                w->oom = true;
        }
    }
    lx_free(prop);
    lx_free(name);
    lx_free(content);
}

/* Called on entering a node; false when its children are to be skipped (and
 * no frame was pushed). */
static bool enter(walker *w, const xmlNode *n)
{
    const frame *top = &w->stack[w->depth - 1];
    if (n->type == XML_COMMENT_NODE) {
        const char *c = (const char *)n->content;
        if (c && fl_ingest_doc_disable_comment(w->doc, c, strlen(c)) != FL_OK)
            w->oom = true;
        return false;
    }
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *c = (const char *)n->content;
        if (!c)
            return false;
        size_t len = strlen(c);
        if (top->in_title) {
            bool pend = w->title.len > 0;
            add_collapsed(w, &w->title, &pend, c, len, false);
        } else if (!top->in_head) {
            add_collapsed(w, &w->text, &w->pending_space, c, len, true);
            if (top->in_h1 && w->h1_open) {
                bool pend = w->h1.len > 0;
                add_collapsed(w, &w->h1, &pend, c, len, false);
            }
        }
        return false;
    }
    if (n->type != XML_ELEMENT_NODE)
        return false;
    if (name_in(n, dropped))
        return false;
    if (name_is(n, "meta")) {
        on_meta(w, n);
        return false;
    }
    frame f = *top;
    f.block = name_in(n, blocks);
    if (name_is(n, "head"))
        f.in_head = true;
    else if (name_is(n, "title") && top->in_head)
        f.in_title = true;
    else if (name_is(n, "article") || name_is(n, "main"))
        f.in_article = true;
    if (name_is(n, "time")) {
        xmlChar *dt = lx.get_prop(n, (const xmlChar *)"datetime");
        meta_date(w, (const char *)dt, 3);
        lx_free(dt);
    }
    if (n->name && (n->name[0] == 'h' || n->name[0] == 'H') && n->name[1] >= '1' &&
        n->name[1] <= '6' && !n->name[2]) {
        f.heading = true;
        if (n->name[1] == '1' && !w->h1_done) {
            f.in_h1 = true;
            w->h1_open = true;
        }
    }
    fl_boilerplate k = FL_BOILER_NONE;
    if (name_is(n, "nav"))
        k = FL_BOILER_NAVIGATION;
    else if ((name_is(n, "header") && !top->in_article) || name_is(n, "footer") ||
             name_is(n, "aside"))
        k = FL_BOILER_CHROME;
    else if (name_is(n, "figcaption"))
        k = FL_BOILER_CREDIT;
    if (!name_is(n, "html") && !name_is(n, "body") && !name_is(n, "main") &&
        !name_is(n, "article")) {
        fl_boilerplate ak = attr_kind(n);
        if (ak != FL_BOILER_NONE)
            k = ak;
    }
    if (k != FL_BOILER_NONE)
        f.boilerplate = k;
    if (f.block)
        flush_block(w);
    push(w, f);
    return true;
}

static void leave(walker *w, const xmlNode *n)
{
    if (w->depth <= 1)
        return;
    frame f = w->stack[--w->depth];
    if (f.block)
        flush_block(w);
    if (f.in_h1 && !w->stack[w->depth - 1].in_h1 && w->h1_open) {
        w->h1_open = false;
        w->h1_done = w->h1.len > 0;
    }
}

static void walk(walker *w, xmlDoc *d)
{
    xmlNode *n = d->children;
    while (n && !w->oom) {
        bool descend = enter(w, n);
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        if (descend)
            leave(w, n);
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == (xmlNode *)d) {
                n = NULL;
                break;
            }
            leave(w, n);
        }
        if (n)
            n = n->next;
    }
    flush_block(w);
}

/* The charset a page declares in its first bytes, copied into buf ("" when none). */
static void declared_charset(const char *s, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    if (n > 4096)
        n = 4096;
    for (size_t i = 0; i + 8 <= n; i++) {
        if (strncasecmp(s + i, "charset", 7))
            continue;
        size_t j = i + 7;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j >= n || s[j] != '=')
            continue;
        j++;
        while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == '\''))
            j++;
        size_t k = 0;
        while (j < n && k + 1 < size &&
               ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_' || s[j] == ':'))
            buf[k++] = s[j++];
        buf[k] = '\0';
        return;
    }
}

fl_status fl_ingest_parse_html(fl_ingest_doc *doc, char *data, size_t len, fl_error *err)
{
    fl_status st = FL_OK;
    xmlDoc *d = NULL;
    walker w = {0};
    fl_article *a = doc->article;
    fl_strbuf_init(&w.text);
    fl_strbuf_init(&w.title);
    fl_strbuf_init(&w.h1);
    w.doc = doc;

    pthread_once(&lx_once, lx_load);
    if (lx.error[0]) {
        st = fl_error_set(err, FL_EIO, "cannot read HTML: libxml2 (%s) did not load: %s",
                          FL_LIBXML2_SONAME, lx.error);
        fl_error_locate(err, a->path, 0, -1);
        goto cleanup;
    }
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        st = fl_error_set(err, FL_EBINARY, "binary data (NUL byte) at byte %zu: not a text file",
                          (size_t)(nul - data));
        fl_error_locate(err, a->path, 0, (long long)(nul - data));
        goto cleanup;
    }
    size_t skip = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        a->bom = true;
        skip = 3;
    }
    char cs[64];
    declared_charset(data + skip, len - skip, cs, sizeof cs);
    bool utf8 = !cs[0] || !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") ||
                !strcasecmp(cs, "us-ascii") || a->bom;
    const char *src = data + skip;
    size_t srclen = len - skip;
    char *fixed = NULL;
    if (utf8) {
        size_t bad = fl_utf8_validate(src, srclen);
        if (bad != srclen) {
            if (!doc->lossy) {
                st = fl_error_set(err, FL_EUTF8,
                                  "invalid UTF-8 at byte %zu (use --lossy to replace bad bytes)",
                                  bad + skip);
                fl_error_locate(err, a->path, 0, (long long)(bad + skip));
                goto cleanup;
            }
            size_t n = 0;
            if (!(fixed = fl_utf8_repair(src, srclen, &n, &a->utf8_replaced))) {
                st = fl_error_set(err, FL_ENOMEM, "out of memory");
                goto cleanup;
            }
            src = fixed;
            srclen = n;
        }
    }
    if (srclen > (size_t)INT32_MAX) {
        fl_free(fixed);
        st = fl_error_set(err, FL_ELIMIT, "HTML page is larger than 2 GiB");
        fl_error_locate(err, a->path, 0, -1);
        goto cleanup;
    }
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_COMPACT | XML_PARSE_HUGE; /* deep nesting in scraped pages */
    d = lx.read_memory(src, (int)srclen, a->path, utf8 ? "UTF-8" : cs, opts);
    if (!d && !utf8)
        d = lx.read_memory(src, (int)srclen, a->path, NULL, opts);
    fl_free(fixed);
    if (!d) {
        /* an empty or unparseable page has no text */
        doc->text = fl_malloc(1);
        doc->len = 0;
        if (!doc->text)
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    push(&w, (frame){FL_BOILER_NONE, false, false, false, false, false, false});
    walk(&w, d);
    if (w.oom) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    fl_strbuf *t = w.h1.len ? &w.h1 : &w.title;
    if (t->len && !a->title && !(a->title = fl_strbuf_detach(t, NULL))) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (fl_strbuf_grow(&w.text, 1)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    doc->text = fl_strbuf_detach(&w.text, &doc->len);
cleanup:
    if (d)
        lx.free_doc(d);
    fl_free(data);
    fl_free(w.stack);
    fl_strbuf_release(&w.text);
    fl_strbuf_release(&w.title);
    fl_strbuf_release(&w.h1);
    return st;
}
