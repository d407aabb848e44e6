#include "cli/pipeline.h"

#include "core/alloc.h"
#include "core/factio.h"
#include "core/pool.h"
#include "core/strbuf.h"
#include "lua/sandbox.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Articles go to the workers in batches: one hand-over per article cost two
 * to three context switches each (54,000 on Reuters' 19,043 articles at
 * -j2, the reading thread and two workers sharing two cores), and -j2 spent
 * about a fifth more CPU than -j1.  A batch closes at BATCH_ITEMS articles
 * or BATCH_BYTES of text, so a batch of long articles stays small and the
 * articles in flight stay bounded. */
#define BATCH_ITEMS 32
#define BATCH_BYTES ((size_t)256 << 10)

/* A worker takes a batch in two passes: it extracts the facts of every
 * article, then writes, checks and accounts for each.  Extraction's code
 * (~100 KB) and the writer's and the rules' take turns in the instruction
 * cache once a batch instead of evicting each other at every article.
 * facts[i], st[i] and err[i] are the batch's item i's, kept from batch to
 * batch (their memory is reused). */
typedef struct worker {
    struct shared *sh;
    fl_extract_ctx *xctx;
    fl_rule_worker *rules;
    fl_facts facts[BATCH_ITEMS];
    fl_status st[BATCH_ITEMS];
    fl_error err[BATCH_ITEMS];
    fl_audit part; /* one article's findings and rule health, reset after each */
    fl_strbuf out; /* extract: an article's facts as JSON Lines (reused) */
} worker;

typedef struct shared {
    const fl_run_config *cfg;
    fl_audit *au;
    pthread_mutex_t mu;
    fl_reorder *facts_out;
    fl_status fatal;
    fl_error fatal_err;
    size_t done;
    unsigned long long bytes_done, bytes_total; /* for the ETA; total 0 when unknown */
    struct timespec start, last_progress;
} shared;

typedef struct item {
    fl_article *article;
    size_t seq;
    fl_facts facts; /* loaded with --facts; empty when the facts are to be extracted */
    bool loaded;
} item;

typedef struct batch {
    size_t n, bytes;
    item items[BATCH_ITEMS];
} batch;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void set_fatal(shared *sh, fl_status st, const fl_error *err)
{
    pthread_mutex_lock(&sh->mu);
    if (!sh->fatal) {
        sh->fatal = st;
        if (err)
            sh->fatal_err = *err;
    }
    pthread_mutex_unlock(&sh->mu);
}

static void progress(shared *sh)
{
    /* called with sh->mu held */
    if (!sh->cfg->progress)
        return;
    double since = seconds_since(&sh->last_progress);
    double total = seconds_since(&sh->start);
    if (total < 1.0 || since < 0.25)
        return;
    clock_gettime(CLOCK_MONOTONIC, &sh->last_progress);
    double mbs = (double)sh->bytes_done / 1e6 / total;
    fprintf(stderr, "\r\033[Kfactlint: %zu articles, %.0f/s, %.1f MB/s, %zu findings", sh->done,
            (double)sh->done / total, mbs, sh->au->n_findings);
    if (sh->bytes_total && sh->bytes_done && sh->bytes_done < sh->bytes_total) {
        double left = (double)(sh->bytes_total - sh->bytes_done) / ((double)sh->bytes_done / total);
        fprintf(stderr, ", %.0f%%, ETA %ld:%02ld",
                100.0 * (double)sh->bytes_done / (double)sh->bytes_total, (long)left / 60,
                (long)left % 60);
    }
    fflush(stderr);
}

/* The first pass: item i's facts into w->facts[i], its status and error
 * into w->st[i] and w->err[i]. */
static void extract_one(worker *w, item *it, size_t i)
{
    fl_article *a = it->article;
    fl_facts *facts = &w->facts[i];
    fl_error *err = &w->err[i];
    fl_error_clear(err);
    fl_facts_reset(facts);
    fl_status st = FL_OK;
    if (it->loaded) {
        fl_facts tmp = *facts;
        *facts = it->facts;
        it->facts = tmp;
    } else {
        st = fl_extract(w->sh->cfg->extractor, w->xctx, a, facts, err);
    }
    if (st)
        fl_error_locate(err, a->path, a->record_line, -1);
    w->st[i] = st;
}

/* The second pass: item i's facts written and checked, the article
 * accounted for and freed. */
static void finish_one(worker *w, item *it, size_t i)
{
    shared *sh = w->sh;
    fl_article *a = it->article;
    fl_facts *facts = &w->facts[i];
    fl_error *err = &w->err[i];
    fl_status st = w->st[i];
    fl_audit *part = &w->part;
    size_t kept_before = 0;
    bool kept = false;

    /* (an article that failed to extract writes nothing) */
    fl_strbuf_reset(&w->out);
    if (st)
        goto record;
    if (sh->facts_out && fl_facts_write_jsonl(&w->out, a->id, facts)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto record;
    }
    if (w->rules) {
        kept_before = fl_rule_worker_kept(w->rules);
        st = fl_rule_worker_check(w->rules, a, facts, part, err);
        kept = fl_rule_worker_kept(w->rules) > kept_before;
        if (st == FL_ENOMEM)
            goto record;
        st = FL_OK;
    }

record:
    if (sh->facts_out && fl_reorder_put_copy(sh->facts_out, it->seq, w->out.buf, w->out.len)) {
        fl_error e;
        fl_error_set(&e, FL_EIO, "cannot write facts: %s", "write failed");
        set_fatal(sh, FL_EIO, &e);
    }
    pthread_mutex_lock(&sh->mu);
    fl_article_record rec = {0};
    rec.seq = it->seq;
    rec.id = a->id;
    rec.path = a->path;
    rec.title = a->title;
    rec.n_facts = facts->n;
    rec.n_findings = part->n_findings;
    rec.line_base = a->line_base;
    char iso[32];
    if (a->dateline.precision) {
        fl_date_format(a->dateline, iso, sizeof iso);
        rec.dateline = iso;
    }
    rec.dateline_source = fl_dateline_source_name(a->dateline_source);
    if (st) {
        rec.skipped = true;
        rec.error = *err;
    }
    /* the HTML report shows the text of articles with findings, and corpus
     * findings come later: keep it too when corpus rules kept a fact here */
    if (sh->cfg->keep_text && (part->n_findings || kept))
        rec.text = a->text;
    fl_status ast = fl_audit_add_article(sh->au, &rec);
    if (!ast)
        ast = fl_audit_merge(sh->au, part);
    if (ast) {
        if (!sh->fatal && ast == FL_EIO) {
            sh->fatal = FL_EIO;
            const char *dir = getenv("TMPDIR");
            fl_error_set(&sh->fatal_err, FL_EIO,
                         "cannot write article entries or findings to a temporary file in '%s' "
                         "(TMPDIR): is it full?",
                         dir && *dir ? dir : "/tmp");
        } else if (!sh->fatal) {
            sh->fatal = FL_ENOMEM;
            fl_error_set(&sh->fatal_err, FL_ENOMEM, "out of memory");
        }
    }
    sh->done++;
    sh->bytes_done += a->text_len;
    progress(sh);
    pthread_mutex_unlock(&sh->mu);
    fl_audit_reset_part(part);
    fl_article_free(a);
    fl_facts_release(&it->facts);
}

static void work(void *ctx, void *arg)
{
    batch *b = arg;
    for (size_t i = 0; i < b->n; i++)
        extract_one(ctx, &b->items[i], i);
    for (size_t i = 0; i < b->n; i++)
        finish_one(ctx, &b->items[i], i);
    fl_free(b);
}

static void add_skipped(shared *sh, size_t seq, const fl_error *err)
{
    fl_article_record rec = {0};
    rec.seq = seq;
    rec.id = err->file[0] ? (char *)err->file : (char *)"-";
    rec.path = rec.id;
    rec.skipped = true;
    rec.error = *err;
    rec.dateline_source = "none";
    if (sh->facts_out)
        fl_reorder_put(sh->facts_out, seq, NULL, 0);
    pthread_mutex_lock(&sh->mu);
    if (fl_audit_add_article(sh->au, &rec) && !sh->fatal) {
        sh->fatal = FL_ENOMEM;
        fl_error_set(&sh->fatal_err, FL_ENOMEM, "out of memory");
    }
    sh->done++;
    pthread_mutex_unlock(&sh->mu);
}

/* Adds up the sizes of the regular files under path (bounded walk: it only
 * feeds the progress line's ETA, so it gives up quietly past a limit). */
static void add_sizes(const char *path, unsigned long long *total, size_t *budget, int depth)
{
    struct stat sb;
    if (!*budget || depth > 64 || stat(path, &sb))
        return;
    (*budget)--;
    if (S_ISREG(sb.st_mode)) {
        *total += (unsigned long long)sb.st_size;
        return;
    }
    if (!S_ISDIR(sb.st_mode))
        return;
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && *budget) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < sizeof sub)
            add_sizes(sub, total, budget, depth + 1);
    }
    closedir(d);
}

/* Each worker's rule states are opened on a thread of their own, side by
 * side: every worker runs every rule file's top level (word lists, tables)
 * in a fresh state, and one after the other on the calling thread that was
 * a serial start of ~20 ms a worker before the first article. */
typedef struct rule_open {
    const fl_ruleset *rs;
    fl_rule_worker *w;
    fl_error err;
} rule_open;

static void rule_open_run(void *ctx, void *arg)
{
    (void)ctx;
    rule_open *o = arg;
    fl_error_clear(&o->err);
    o->w = fl_rule_worker_new(o->rs, &o->err);
}

static fl_status open_rule_workers(const fl_ruleset *rs, worker *workers, size_t jobs,
                                   fl_error *err)
{
    rule_open *opens = fl_calloc(jobs, sizeof *opens);
    void **ctx = fl_calloc(jobs, sizeof *ctx); /* the pool's contexts: unused */
    fl_pool *pool = opens && ctx ? fl_pool_new(jobs, jobs, rule_open_run, ctx) : NULL;
    if (!pool) {
        fl_free(opens);
        fl_free(ctx);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < jobs; i++) {
        opens[i].rs = rs;
        fl_pool_submit(pool, &opens[i]);
    }
    fl_pool_finish(pool);
    fl_status st = FL_OK;
    for (size_t i = 0; i < jobs; i++) {
        workers[i].rules = opens[i].w;
        if (!opens[i].w && !st) {
            st = opens[i].err.code ? opens[i].err.code : FL_ENOMEM;
            if (err)
                *err = opens[i].err;
        }
    }
    fl_free(opens);
    fl_free(ctx);
    return st;
}

fl_status fl_run(const fl_run_config *cfg, fl_audit *au, fl_error *err)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.cfg = cfg;
    sh.au = au;
    pthread_mutex_init(&sh.mu, NULL);
    clock_gettime(CLOCK_MONOTONIC, &sh.start);
    sh.last_progress = sh.start;
    if (cfg->progress) {
        size_t budget = 200000;
        for (size_t i = 0; i < cfg->n_paths; i++)
            add_sizes(cfg->paths[i], &sh.bytes_total, &budget, 0);
        if (!budget)
            sh.bytes_total = 0; /* too many files to count: no ETA */
    }
    size_t jobs = cfg->jobs ? cfg->jobs : 1;
    worker *workers = fl_calloc(jobs, sizeof *workers);
    void **ctx = fl_calloc(jobs, sizeof *ctx);
    fl_rule_worker **rws = fl_calloc(jobs, sizeof *rws);
    fl_ingest *in = NULL;
    fl_facts_reader *fr = NULL;
    size_t fr_seq = 0;
    fl_pool *pool = NULL;
    batch *cur = NULL; /* the batch being filled */
    fl_status st = FL_OK;
    if (!workers || !ctx || !rws) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if (cfg->facts_out && !(sh.facts_out = fl_reorder_new(cfg->facts_out))) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < jobs; i++) {
        workers[i].sh = &sh;
        for (size_t k = 0; k < BATCH_ITEMS; k++)
            fl_facts_init(&workers[i].facts[k]);
        fl_audit_init(&workers[i].part);
        fl_strbuf_init(&workers[i].out);
        if (!(workers[i].xctx = fl_extract_ctx_new(cfg->extractor))) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        ctx[i] = &workers[i];
    }
    if (cfg->rules && (st = open_rule_workers(cfg->rules, workers, jobs, err)))
        goto cleanup;
    for (size_t i = 0; i < jobs; i++)
        rws[i] = workers[i].rules;
    if (cfg->facts_in) {
        if ((st = fl_facts_reader_open(&fr, cfg->facts_in, err)))
            goto cleanup;
    } else if ((st = fl_ingest_open(&in, cfg->paths, cfg->n_paths, &cfg->ingest, err))) {
        goto cleanup;
    }
    if (!(pool = fl_pool_new(jobs, 2 * jobs, work, ctx))) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* rule calls short enough to keep to their budget run without the count
     * hook while the watchdog runs (lua/sandbox.h); without it they count */
    if (cfg->rules)
        fl_sandbox_watch_start();
    for (;;) {
        if (cfg->interrupted && *cfg->interrupted)
            break;
        fl_article *a = NULL;
        size_t seq = 0;
        fl_error ierr;
        fl_error_clear(&ierr);
        fl_facts loaded;
        fl_facts_init(&loaded);
        fl_status ist;
        if (fr) {
            ist = fl_facts_reader_next(fr, &a, &loaded, &ierr);
            seq = fr_seq++;
            if (ist == FL_OK)
                a->seq = seq;
        } else {
            ist = fl_ingest_next(in, &a, &seq, &ierr);
        }
        if (ist != FL_OK)
            fl_facts_release(&loaded);
        if (ist == FL_DONE)
            break;
        if (ist == FL_ENOMEM) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            break;
        }
        if (ist != FL_OK) {
            add_skipped(&sh, seq, &ierr);
            continue;
        }
        if (!cur) {
            if (!(cur = fl_malloc(sizeof *cur))) {
                fl_facts_release(&loaded);
                fl_article_free(a);
                st = fl_error_set(err, FL_ENOMEM, "out of memory");
                break;
            }
            cur->n = cur->bytes = 0;
        }
        item *it = &cur->items[cur->n++];
        it->article = a;
        it->seq = seq;
        it->facts = loaded;
        it->loaded = fr != NULL;
        cur->bytes += a->text_len;
        if (cur->n == BATCH_ITEMS || cur->bytes >= BATCH_BYTES) {
            fl_pool_submit(pool, cur);
            cur = NULL;
        }
        if (sh.fatal)
            break;
    }
    /* the last, partial batch; articles already read are checked (and so
     * accounted for) even when the run stops early */
    if (cur)
        fl_pool_submit(pool, cur); /* (a batch is made with its first article) */
    fl_pool_finish(pool);
    pool = NULL;
    if (cfg->progress && seconds_since(&sh.start) >= 1.0)
        fprintf(stderr, "\r\033[K");
    if (!st && sh.fatal) {
        if (err)
            *err = sh.fatal_err;
        st = sh.fatal;
    }
    if (!st && cfg->rules && !(cfg->interrupted && *cfg->interrupted))
        st = fl_ruleset_run_corpus(cfg->rules, rws, jobs, au, err);
    fl_audit_sort(au);

cleanup:
    fl_pool_finish(pool);
    fl_sandbox_watch_stop();
    fl_ingest_close(in);
    fl_facts_reader_close(fr);
    if (sh.facts_out && fl_reorder_free(sh.facts_out) && !st &&
        !(cfg->interrupted && *cfg->interrupted))
        st = fl_error_set(err, FL_EIO, "cannot write facts");
    for (size_t i = 0; workers && i < jobs; i++) {
        fl_extract_ctx_free(workers[i].xctx);
        fl_rule_worker_free(workers[i].rules);
        for (size_t k = 0; k < BATCH_ITEMS; k++)
            fl_facts_release(&workers[i].facts[k]);
        fl_audit_release(&workers[i].part);
        fl_strbuf_release(&workers[i].out);
    }
    fl_free(workers);
    fl_free(ctx);
    fl_free(rws);
    pthread_mutex_destroy(&sh.mu);
    return st;
}
