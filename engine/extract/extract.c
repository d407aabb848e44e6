#include "extract/extract.h"

#include "core/alloc.h"
#include "extract/internal.h"

#include <string.h>

struct fl_extractor {
    fl_names_state *names;
    fl_quote_state *quote;
    fl_number_state *number;
    fl_date_state *date;
    fl_run_filter filter; /* the number and date scanners' word filters (runs.h) */
};

struct fl_extract_ctx {
    fl_re_thread *re;
    fl_bytemask bm; /* the current article's, kept between articles for its buffer */
    fl_runs runs;   /* the same */
    fl_names_scratch names;
    fl_quote_scratch quote;
};

/* The article whose masks fl_extract built on this thread, while it runs. */
static _Thread_local struct {
    const char *text;
    size_t len;
    const fl_bytemask *bm;
    const fl_runs *runs;
    fl_names_scratch *names;
    fl_quote_scratch *quote;
} current;

fl_names_scratch *fl_extract_names_scratch(void)
{
    return current.names;
}

fl_quote_scratch *fl_extract_quote_scratch(void)
{
    return current.quote;
}

void fl_names_scratch_release(fl_names_scratch *s)
{
    fl_free(s->toks);
    fl_free(s->cands);
    fl_strbuf_release(&s->key);
    fl_strbuf_release(&s->key2);
    memset(s, 0, sizeof *s);
}

void fl_names_scratch_keep(fl_names_scratch *s)
{
    /* a news article's arrays are a few KiB; a book-length one's are not kept */
    if (s->cap_toks > 16384 || s->cap_cands > 4096 || s->key.alloc > 65536 || s->key2.alloc > 65536)
        fl_names_scratch_release(s);
}

const fl_bytemask *fl_extract_bytemask(const fl_article *a, fl_bytemask *own)
{
    if (current.bm && current.text == a->text && current.len == a->text_len)
        return current.bm;
    return fl_bytemask_build(own, a->text, a->text_len) ? NULL : own;
}

const fl_runs *fl_extract_runs(const fl_article *a, const fl_bytemask *bm, fl_runs *own)
{
    if (current.runs && current.text == a->text && current.len == a->text_len)
        return current.runs;
    return fl_runs_build(own, bm, a->text, a->text_len, NULL) ? NULL : own;
}

fl_status fl_extractor_new(fl_extractor **out, const char *datadir, fl_error *err)
{
    fl_extractor *x = fl_calloc(1, sizeof *x);
    if (!x)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_status st;
    if ((st = fl_names_init(&x->names, datadir, err)) ||
        (st = fl_quote_init(&x->quote, datadir, err)) ||
        (st = fl_number_init(&x->number, datadir, err)) ||
        (st = fl_date_init(&x->date, datadir, err))) {
        fl_extractor_free(x);
        return st;
    }
    fl_number_run_filter(x->number, &x->filter);
    fl_date_run_filter(x->date, &x->filter);
    fl_run_filter_index(&x->filter);
    *out = x;
    return FL_OK;
}

const char *fl_extractor_gazetteer_missing(const fl_extractor *x)
{
    return fl_names_gazetteer_missing(x->names);
}

void fl_extractor_free(fl_extractor *x)
{
    if (!x)
        return;
    fl_names_free(x->names);
    fl_quote_free(x->quote);
    fl_number_free(x->number);
    fl_date_free(x->date);
    fl_free(x);
}

fl_extract_ctx *fl_extract_ctx_new(const fl_extractor *x)
{
    (void)x;
    fl_extract_ctx *c = fl_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    fl_bytemask_init(&c->bm);
    fl_runs_init(&c->runs);
    fl_strbuf_init(&c->names.key);
    fl_strbuf_init(&c->names.key2);
    if (!(c->re = fl_re_thread_new(NULL))) {
        fl_free(c);
        return NULL;
    }
    return c;
}

void fl_extract_ctx_free(fl_extract_ctx *c)
{
    if (!c)
        return;
    fl_re_thread_free(c->re);
    fl_bytemask_release(&c->bm);
    fl_runs_release(&c->runs);
    fl_names_scratch_release(&c->names);
    fl_free(c->quote.mentions);
    fl_free(c->quote.pieces);
    fl_free(c);
}

fl_status fl_extract(const fl_extractor *x, fl_extract_ctx *c, const fl_article *a, fl_facts *out,
                     fl_error *err)
{
    fl_status st;
    /* names, numbers and dates each walk the text by these masks: build
     * them once for the three */
    if (fl_bytemask_build(&c->bm, a->text, a->text_len) ||
        fl_runs_build(&c->runs, &c->bm, a->text, a->text_len, &x->filter))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    current.text = a->text;
    current.len = a->text_len;
    current.bm = &c->bm;
    current.runs = &c->runs;
    current.names = &c->names;
    current.quote = &c->quote;
    if ((st = fl_names_extract(x->names, c->re, a, out, err)) ||
        (st = fl_quote_extract(x->quote, c->re, a, out, err)) ||
        (st = fl_number_extract(x->number, c->re, a, out, err)) ||
        (st = fl_date_extract(x->date, c->re, a, out, err))) {
        current.bm = NULL;
        current.runs = NULL;
        current.names = NULL;
        current.quote = NULL;
        return st;
    }
    current.bm = NULL;
    current.runs = NULL;
    current.names = NULL;
    current.quote = NULL;
    if (fl_facts_sort(out))
        return fl_error_set(err, FL_ENOMEM, "out of memory sorting facts");
    fl_facts_locate(out, a);
    return FL_OK;
}
