#include "core/finding.h"

#include "core/alloc.h"
#include "core/finding_spill.h"
#include "core/arena.h"
#include "core/article.h"
#include "core/date.h"
#include "core/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fl_severity_name(fl_severity s)
{
    switch (s) {
    case FL_SEV_INFO:
        return "info";
    case FL_SEV_WARNING:
        return "warning";
    case FL_SEV_ERROR:
        return "error";
    case FL_SEV_NONE:
        return "never";
    }
    return "info";
}

int fl_severity_from_name(const char *s)
{
    if (!strcmp(s, "info"))
        return FL_SEV_INFO;
    if (!strcmp(s, "warning") || !strcmp(s, "warn"))
        return FL_SEV_WARNING;
    if (!strcmp(s, "error"))
        return FL_SEV_ERROR;
    if (!strcmp(s, "never") || !strcmp(s, "off"))
        return FL_SEV_NONE;
    return -1;
}

const char *fl_rule_error_class_name(fl_rule_error_class c)
{
    static const char *const names[] = {"runtime", "instructions", "memory", "blocked",
                                        "regex",   "load",         "report"};
    return (unsigned)c < FL_RERR_COUNT ? names[c] : "runtime";
}

void fl_audit_init(fl_audit *au)
{
    static unsigned long next_serial;
    memset(au, 0, sizeof *au);
    au->serial = __atomic_add_fetch(&next_serial, 1, __ATOMIC_RELAXED);
}

void fl_location_release(fl_location *loc)
{
    fl_free(loc->excerpt);
    fl_free(loc->line_text);
    loc->excerpt = loc->line_text = NULL;
}

void fl_finding_release(fl_finding *f)
{
    fl_free(f->rule);
    fl_free(f->message);
    fl_free(f->message_id);
    fl_free(f->article_id);
    fl_free(f->path);
    fl_location_release(&f->loc);
    for (size_t i = 0; i < f->n_related; i++) {
        fl_location_release(&f->related[i].loc);
        fl_free(f->related[i].message);
    }
    fl_free(f->related);
    fl_free(f->evidence_json);
    memset(f, 0, sizeof *f);
}

static void rule_error_release(fl_rule_error *e)
{
    fl_free(e->rule);
    fl_free(e->file);
    fl_free(e->klass);
    fl_free(e->message);
    fl_free(e->traceback);
    fl_free(e->article_id);
}

static void rule_health_release(fl_rule_health *h)
{
    fl_free(h->rule);
    fl_free(h->file);
    fl_free(h->hash);
    fl_free(h->summary);
    fl_free(h->url);
    fl_free(h->tags);
}

/* The audit's string store: an arena, and a set of interned strings (open
 * addressing, FNV-1a) so a path shared by every record of a JSONL file, or a
 * dateline shared by a day's articles, is stored once. */
struct fl_audit_strings {
    fl_arena arena;
    const char **set;
    size_t set_n, set_cap; /* cap a power of two, at most 3/4 full */
};

static void strings_free(struct fl_audit_strings *st)
{
    if (!st)
        return;
    fl_arena_release(&st->arena);
    fl_free(st->set);
    fl_free(st);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static int strings_grow(struct fl_audit_strings *st)
{
    size_t cap = st->set_cap ? 2 * st->set_cap : 64;
    const char **set = fl_calloc(cap, sizeof *set);
    if (!set)
        return -1;
    for (size_t i = 0; i < st->set_cap; i++) {
        if (!st->set[i])
            continue;
        size_t j = (size_t)hash_str(st->set[i]) & (cap - 1);
        while (set[j])
            j = (j + 1) & (cap - 1);
        set[j] = st->set[i];
    }
    fl_free(st->set);
    st->set = set;
    st->set_cap = cap;
    return 0;
}

/* The one stored copy of s (NULL stays NULL); *oom set when memory ran out. */
static const char *strings_intern(struct fl_audit_strings *st, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    if (4 * (st->set_n + 1) > 3 * st->set_cap && strings_grow(st)) {
        *oom = true;
        return NULL;
    }
    size_t j = (size_t)hash_str(s) & (st->set_cap - 1);
    for (; st->set[j]; j = (j + 1) & (st->set_cap - 1))
        if (!strcmp(st->set[j], s))
            return st->set[j];
    char *c = fl_arena_strdup(&st->arena, s);
    if (!c) {
        *oom = true;
        return NULL;
    }
    st->set[j] = c;
    st->set_n++;
    return c;
}

/* A stored copy of s (NULL stays NULL); *oom set when memory ran out. */
static const char *strings_copy(struct fl_audit_strings *st, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *c = fl_arena_strdup(&st->arena, s);
    if (!c)
        *oom = true;
    return c;
}

const fl_article_error *fl_article_entry_error(const fl_article_entry *e)
{
    return e->skipped && e->extra ? &e->extra->error : NULL;
}

const char *fl_article_entry_text(const fl_article_entry *e)
{
    return e->extra ? e->extra->text : NULL;
}

long fl_article_entry_line_base(const fl_article_entry *e)
{
    return e->extra ? e->extra->line_base : 0;
}

const char *fl_article_entry_dateline_source(const fl_article_entry *e)
{
    return fl_dateline_source_name((fl_dateline_source)e->dateline_source);
}

static uint8_t dateline_source_from_name(const char *name)
{
    for (int s = FL_DATELINE_NONE; s <= FL_DATELINE_CLI; s++)
        if (name && !strcmp(name, fl_dateline_source_name((fl_dateline_source)s)))
            return (uint8_t)s;
    return FL_DATELINE_NONE;
}

static uint32_t clamp32(size_t n)
{
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* A spilled entry on disk: this head, then id, path, title, dateline and
 * text (lengths NO_STR for NULL), no terminators. */
typedef struct spill_head {
    uint64_t seq;
    int64_t line_base;
    uint32_t n_facts;
    uint32_t len[5]; /* id, path, title, dateline, text */
    uint8_t dateline_source;
    uint8_t pad[3];
} spill_head;

#define NO_STR UINT32_MAX

/* An entry waiting for the ones before it (workers finish out of order). */
typedef struct spill_pending {
    uint64_t seq;
    size_t len;
    char *bytes; /* head and strings, as written */
} spill_pending;

struct fl_audit_spill {
    FILE *fp;
    long long bytes;        /* written */
    size_t n;               /* entries written or pending */
    size_t next;            /* the seq every earlier one of which has arrived */
    spill_pending *pending; /* sorted by seq */
    size_t n_pending, cap_pending;
    bool failed;
};

fl_status fl_audit_spill_open(fl_audit *au, fl_error *err)
{
    if (au->spill)
        return FL_OK;
    struct fl_audit_spill *sp = fl_calloc(1, sizeof *sp);
    if (!sp)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    /* in $TMPDIR (else /tmp), unlinked at once: nothing is left behind */
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/factlint-entries-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = n > 0 && (size_t)n < sizeof path ? mkstemp(path) : -1;
    int e = errno;
    if (fd >= 0) {
        unlink(path);
        if (!(sp->fp = fdopen(fd, "w+b"))) {
            e = errno;
            close(fd);
        }
    }
    if (!sp->fp) {
        fl_free(sp);
        return fl_error_set(err, FL_EIO,
                            "cannot make a temporary file for article entries in '%s': %s",
                            dir && *dir ? dir : "/tmp", strerror(e));
    }
    sp->next = au->n_entries ? SIZE_MAX : 0; /* order known only from the start */
    au->spill = sp;
    /* findings from now on go to a file of their own (finding_spill.h);
     * those already here, and all of them when no file can be made, stay */
    if (!au->n_findings)
        return fl_finding_spill_open(&au->fspill, err);
    return FL_OK;
}

size_t fl_audit_n_articles(const fl_audit *au)
{
    return au->n_entries + (au->spill ? au->spill->n : 0) + au->tallied;
}

static void spill_free(struct fl_audit_spill *sp)
{
    if (!sp)
        return;
    if (sp->fp)
        fclose(sp->fp);
    for (size_t i = 0; i < sp->n_pending; i++)
        fl_free(sp->pending[i].bytes);
    fl_free(sp->pending);
    fl_free(sp);
}

static void spill_write(struct fl_audit_spill *sp, const char *bytes, size_t len)
{
    if (len && !sp->failed && fwrite(bytes, 1, len, sp->fp) != len)
        sp->failed = true;
    sp->bytes += (long long)len;
}

/* Writes the pending entries that are next in seq order. */
static void spill_drain(struct fl_audit_spill *sp)
{
    size_t k = 0;
    while (k < sp->n_pending && sp->pending[k].seq == sp->next) {
        spill_write(sp, sp->pending[k].bytes, sp->pending[k].len);
        fl_free(sp->pending[k].bytes);
        sp->next++;
        k++;
    }
    if (k) {
        memmove(sp->pending, sp->pending + k, (sp->n_pending - k) * sizeof *sp->pending);
        sp->n_pending -= k;
    }
}

/* Queues an entry that came before its turn, in seq order; bytes NULL (len
 * 0) marks an article that stays in memory, so that the order moves past it
 * when its turn comes. */
static fl_status spill_pend(struct fl_audit_spill *sp, size_t seq, char *bytes, size_t len)
{
    if (FL_GROW(sp->pending, sp->cap_pending, sp->n_pending + 1))
        return FL_ENOMEM;
    size_t k = sp->n_pending;
    while (k > 0 && sp->pending[k - 1].seq > seq) {
        sp->pending[k] = sp->pending[k - 1];
        k--;
    }
    sp->pending[k] = (spill_pending){seq, len, bytes};
    sp->n_pending++;
    return FL_OK;
}

/* An article arrived that stays in memory: it still moves the order on.
 * When it arrives early (another worker's earlier article is still being
 * checked) its place is held in the pending list: without that the order
 * stopped there, and every clean article after it stayed pending in memory
 * to the end of the run (peak RSS grew with the corpus at -j2). */
static fl_status spill_note(struct fl_audit_spill *sp, size_t seq)
{
    if (seq != sp->next)
        return spill_pend(sp, seq, NULL, 0);
    sp->next++;
    spill_drain(sp);
    return FL_OK;
}

static size_t spill_len(const char *s)
{
    return s ? strlen(s) : 0;
}

/* Serialises a clean checked article; FL_ENOMEM or FL_EIO. */
static fl_status spill_add(struct fl_audit_spill *sp, const fl_article_record *r)
{
    const char *strs[5] = {r->id, r->path, r->title, r->dateline, r->text};
    spill_head h;
    memset(&h, 0, sizeof h);
    h.seq = r->seq;
    h.line_base = r->text ? r->line_base : 0;
    h.n_facts = clamp32(r->n_facts);
    h.dateline_source = dateline_source_from_name(r->dateline_source);
    size_t len = sizeof h;
    for (int k = 0; k < 5; k++) {
        size_t n = spill_len(strs[k]);
        if (n >= NO_STR)
            n = NO_STR - 1;
        h.len[k] = strs[k] ? (uint32_t)n : NO_STR;
        len += strs[k] ? n : 0;
    }
    char *bytes = fl_malloc(len);
    if (!bytes)
        return FL_ENOMEM;
    memcpy(bytes, &h, sizeof h);
    size_t at = sizeof h;
    for (int k = 0; k < 5; k++)
        if (strs[k]) {
            memcpy(bytes + at, strs[k], h.len[k]);
            at += h.len[k];
        }
    sp->n++;
    if (r->seq == sp->next) {
        spill_write(sp, bytes, len);
        fl_free(bytes);
        sp->next++;
        spill_drain(sp);
    } else if (spill_pend(sp, r->seq, bytes, len)) {
        fl_free(bytes);
        sp->n--;
        return FL_ENOMEM;
    }
    return sp->failed ? FL_EIO : FL_OK;
}

/* Writes whatever is still pending (its gaps will never fill) and flushes. */
static void spill_finish(struct fl_audit_spill *sp)
{
    for (size_t k = 0; k < sp->n_pending; k++) {
        spill_write(sp, sp->pending[k].bytes, sp->pending[k].len);
        fl_free(sp->pending[k].bytes);
    }
    sp->n_pending = 0;
    if (fflush(sp->fp))
        sp->failed = true;
}

void fl_article_cursor_init(fl_article_cursor *c, const fl_audit *au)
{
    memset(c, 0, sizeof *c);
    c->au = au;
}

void fl_article_cursor_release(fl_article_cursor *c)
{
    fl_free(c->buf);
    fl_free(c->rec);
    c->buf = c->rec = NULL;
}

#define CURSOR_BUF 65536

/* Reads n bytes of the spill file at the cursor into dst. */
static bool cursor_read(fl_article_cursor *c, void *dst, size_t n)
{
    char *out = dst;
    while (n) {
        if (c->buf_pos == c->buf_len) {
            if (!c->buf && !(c->buf = fl_malloc(CURSOR_BUF)))
                return false;
            ssize_t got = pread(fileno(c->au->spill->fp), c->buf, CURSOR_BUF, (off_t)c->off);
            if (got <= 0)
                return false;
            c->buf_len = (size_t)got;
            c->buf_pos = 0;
            c->off += got;
        }
        size_t take = c->buf_len - c->buf_pos < n ? c->buf_len - c->buf_pos : n;
        memcpy(out, c->buf + c->buf_pos, take);
        c->buf_pos += take;
        out += take;
        n -= take;
    }
    return true;
}

/* Moves the cursor n bytes on without reading them. */
static void cursor_skip(fl_article_cursor *c, size_t n)
{
    size_t left = c->buf_len - c->buf_pos;
    if (n <= left) {
        c->buf_pos += n;
        return;
    }
    c->off += (long long)(n - left);
    c->buf_pos = c->buf_len;
}

/* Reads the next spilled entry into c->spilled; false at the end or on failure. */
static bool cursor_peek_spilled(fl_article_cursor *c)
{
    const struct fl_audit_spill *sp = c->au->spill;
    if (sp && sp->failed)
        c->failed = true; /* entries were lost: the walk cannot be complete */
    if (!sp || sp->failed || c->off - (long long)(c->buf_len - c->buf_pos) >= sp->bytes)
        return false;
    spill_head h;
    if (!cursor_read(c, &h, sizeof h)) {
        c->failed = true;
        return false;
    }
    size_t need = 0;
    for (int k = 0; k < 5; k++)
        need += h.len[k] == NO_STR || (k == 4 && !c->want_text) ? 0 : (size_t)h.len[k] + 1;
    if (need > c->rec_cap) {
        char *rec = fl_realloc(c->rec, need);
        if (!rec) {
            c->failed = true;
            return false;
        }
        c->rec = rec;
        c->rec_cap = need;
    }
    const char *strs[5] = {NULL, NULL, NULL, NULL, NULL};
    size_t at = 0;
    for (int k = 0; k < 5; k++) {
        if (h.len[k] == NO_STR)
            continue;
        if (k == 4 && !c->want_text) {
            cursor_skip(c, h.len[k]);
            continue;
        }
        if (!cursor_read(c, c->rec + at, h.len[k])) {
            c->failed = true;
            return false;
        }
        c->rec[at + h.len[k]] = '\0';
        strs[k] = c->rec + at;
        at += (size_t)h.len[k] + 1;
    }
    fl_article_entry *e = &c->spilled;
    memset(e, 0, sizeof *e);
    e->seq = (size_t)h.seq;
    e->id = strs[0];
    e->path = strs[1];
    e->title = strs[2];
    e->dateline = strs[3];
    e->n_facts = h.n_facts;
    e->dateline_source = h.dateline_source;
    if (strs[4]) {
        memset(&c->extra, 0, sizeof c->extra);
        c->extra.error.offset = -1;
        c->extra.error.file = c->extra.error.message = "";
        c->extra.text = strs[4];
        c->extra.line_base = (long)h.line_base;
        e->extra = &c->extra;
    }
    c->have_spilled = true;
    return true;
}

const fl_article_entry *fl_article_cursor_next(fl_article_cursor *c)
{
    const fl_audit *au = c->au;
    if (!c->have_spilled && !c->failed)
        cursor_peek_spilled(c);
    const fl_article_entry *m = c->mem < au->n_entries ? &au->entries[c->mem] : NULL;
    if (c->have_spilled && (!m || c->spilled.seq < m->seq)) {
        /* the returned copy keeps its strings until the next peek */
        c->out = c->spilled;
        c->have_spilled = false;
        return &c->out;
    }
    if (m)
        c->mem++;
    return m;
}

void fl_audit_release(fl_audit *au)
{
    if (au->fspill)
        au->n_findings = 0; /* they are in the file */
    fl_finding_spill_free(au->fspill);
    for (size_t i = 0; i < au->n_findings; i++)
        fl_finding_release(&au->findings[i]);
    fl_free(au->findings);
    for (size_t i = 0; i < au->n_entries; i++)
        if (au->entries[i].extra)
            fl_free((char *)au->entries[i].extra->text);
    fl_free(au->entries);
    strings_free(au->strings);
    spill_free(au->spill);
    for (size_t i = 0; i < au->n_rule_errors; i++)
        rule_error_release(&au->rule_errors[i]);
    fl_free(au->rule_errors);
    for (size_t i = 0; i < au->n_rules; i++)
        rule_health_release(&au->rules[i]);
    fl_free(au->rules);
    fl_free(au->lua_version);
    fl_free(au->pcre2_version);
    fl_audit_init(au);
}

void fl_audit_reset_part(fl_audit *part)
{
    for (size_t i = 0; i < part->n_findings; i++)
        fl_finding_release(&part->findings[i]);
    part->n_findings = 0;
    for (size_t i = 0; i < part->n_rule_errors; i++)
        rule_error_release(&part->rule_errors[i]);
    part->n_rule_errors = 0;
    for (size_t i = 0; i < part->n_rules; i++) {
        fl_rule_health *h = &part->rules[i];
        h->articles_run = h->findings = h->calls = 0;
        h->cpu_ns = 0;
        memset(h->errors_by_class, 0, sizeof h->errors_by_class);
    }
    part->articles_read = part->articles_skipped = part->input_errors = part->suppressed = 0;
}

/* Copies at most max bytes of s, cut back to a character boundary. */
/* The length of s[0..n) cut to at most max bytes at a character boundary. */
static size_t cut_len(const char *s, size_t n, size_t max)
{
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

/* Fills loc's numbers; *excerpt and *line (with their lengths) are the
 * spans its two strings are copied from. */
static void locate(fl_location *loc, const fl_article *a, size_t offset, size_t length,
                   size_t line_max, const char **excerpt, size_t *excerpt_len, const char **line,
                   size_t *line_len)
{
    memset(loc, 0, sizeof *loc);
    if (offset > a->text_len)
        offset = a->text_len;
    if (length > a->text_len - offset)
        length = a->text_len - offset;
    loc->offset = offset;
    loc->length = length;
    fl_article_locate(a, offset, &loc->line, &loc->column);
    fl_article_locate(a, offset + length, &loc->end_line, &loc->end_column);
    size_t ls, ll;
    fl_article_line_span(a, offset, &ls, &ll);
    *excerpt = a->text + offset;
    *excerpt_len = cut_len(*excerpt, length, 200);
    *line = a->text + ls;
    *line_len = cut_len(*line, ll, line_max);
}

fl_status fl_location_fill(fl_location *loc, const fl_article *a, size_t offset, size_t length,
                           size_t line_max)
{
    const char *ex, *ln;
    size_t exn, lnn;
    locate(loc, a, offset, length, line_max, &ex, &exn, &ln, &lnn);
    loc->excerpt = fl_strndup(ex, exn);
    loc->line_text = fl_strndup(ln, lnn);
    if (!loc->excerpt || !loc->line_text) {
        fl_location_release(loc);
        return FL_ENOMEM;
    }
    return FL_OK;
}

fl_status fl_location_fill_in(fl_location *loc, const fl_article *a, size_t offset, size_t length,
                              size_t line_max, fl_arena *ar, const char *same_line)
{
    const char *ex, *ln;
    size_t exn, lnn;
    locate(loc, a, offset, length, line_max, &ex, &exn, &ln, &lnn);
    loc->excerpt = fl_arena_strndup(ar, ex, exn);
    if (same_line && strlen(same_line) == lnn && !memcmp(same_line, ln, lnn))
        loc->line_text = (char *)same_line;
    else
        loc->line_text = fl_arena_strndup(ar, ln, lnn);
    return loc->excerpt && loc->line_text ? FL_OK : FL_ENOMEM;
}

fl_status fl_audit_add_finding(fl_audit *au, fl_finding *f)
{
    if (au->fspill) {
        fl_status st = fl_finding_spill_add(au->fspill, f);
        au->n_findings = fl_finding_spill_count(au->fspill);
        return st;
    }
    if (FL_GROW(au->findings, au->cap_findings, au->n_findings + 1))
        return FL_ENOMEM;
    au->findings[au->n_findings++] = *f;
    memset(f, 0, sizeof *f);
    return FL_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? fl_strdup(s) : NULL;
}

fl_status fl_audit_add_article(fl_audit *au, const fl_article_record *r)
{
    if (au->tally_clean && !r->skipped && !r->n_findings && !r->text) {
        au->articles_read++;
        au->tallied++;
        au->tallied_facts += r->n_facts;
        return FL_OK;
    }
    if (au->spill && au->spill->next != SIZE_MAX && !r->skipped && !r->n_findings &&
        (!r->text || strlen(r->text) < NO_STR)) {
        fl_status st = spill_add(au->spill, r);
        if (st)
            return st;
        au->articles_read++;
        return FL_OK;
    }
    if (!au->strings && !(au->strings = fl_calloc(1, sizeof *au->strings)))
        return FL_ENOMEM;
    if (FL_GROW(au->entries, au->cap_entries, au->n_entries + 1))
        return FL_ENOMEM;
    struct fl_audit_strings *st = au->strings;
    bool oom = false;
    fl_article_entry e;
    memset(&e, 0, sizeof e);
    e.seq = r->seq;
    e.id = strings_copy(st, r->id, &oom);
    e.path = strings_intern(st, r->path, &oom);
    e.title = strings_copy(st, r->title, &oom);
    e.dateline = strings_intern(st, r->dateline, &oom);
    e.n_findings = clamp32(r->n_findings);
    e.n_facts = clamp32(r->n_facts);
    e.dateline_source = dateline_source_from_name(r->dateline_source);
    e.skipped = r->skipped;
    if (!oom && (r->skipped || r->text)) {
        e.extra = fl_arena_alloc(&st->arena, sizeof *e.extra);
        if (!e.extra)
            return FL_ENOMEM;
        memset(e.extra, 0, sizeof *e.extra);
        e.extra->error.code = r->skipped ? r->error.code : FL_OK;
        e.extra->error.line = r->skipped ? r->error.line : 0;
        e.extra->error.offset = r->skipped ? r->error.offset : -1;
        e.extra->error.file = strings_intern(st, r->skipped ? r->error.file : "", &oom);
        e.extra->error.message = strings_copy(st, r->skipped ? r->error.message : "", &oom);
        e.extra->line_base = r->line_base;
        if (r->text && !(e.extra->text = fl_strdup(r->text)))
            oom = true;
    }
    if (oom) {
        if (e.extra)
            fl_free((char *)e.extra->text);
        return FL_ENOMEM;
    }
    au->entries[au->n_entries++] = e;
    if (au->spill && au->spill->next != SIZE_MAX && spill_note(au->spill, r->seq))
        return FL_ENOMEM;
    if (r->skipped) {
        au->articles_skipped++;
        au->input_errors++;
    } else {
        au->articles_read++;
    }
    return FL_OK;
}

fl_status fl_audit_add_rule_error(fl_audit *au, const fl_rule_error *e)
{
    if (FL_GROW(au->rule_errors, au->cap_rule_errors, au->n_rule_errors + 1))
        return FL_ENOMEM;
    fl_rule_error *c = &au->rule_errors[au->n_rule_errors++];
    c->rule = dup_or_null(e->rule);
    c->file = dup_or_null(e->file);
    c->line = e->line;
    c->klass = dup_or_null(e->klass);
    c->message = dup_or_null(e->message);
    c->traceback = dup_or_null(e->traceback);
    c->article_id = dup_or_null(e->article_id);
    return FL_OK;
}

fl_rule_health *fl_audit_rule(fl_audit *au, const char *rule)
{
    /* rules are asked for in the same order article after article: try where
     * the last one was found and the slot after it before searching */
    for (size_t k = 0; k < 2; k++) {
        size_t i = au->rule_hint + k;
        if (i < au->n_rules && !strcmp(au->rules[i].rule, rule)) {
            au->rule_hint = i;
            return &au->rules[i];
        }
    }
    for (size_t i = 0; i < au->n_rules; i++)
        if (!strcmp(au->rules[i].rule, rule)) {
            au->rule_hint = i;
            return &au->rules[i];
        }
    if (FL_GROW(au->rules, au->cap_rules, au->n_rules + 1))
        return NULL;
    fl_rule_health *h = &au->rules[au->n_rules];
    memset(h, 0, sizeof *h);
    if (!(h->rule = fl_strdup(rule)))
        return NULL;
    au->rule_hint = au->n_rules++;
    return h;
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
    const fl_finding *a = pa, *b = pb;
    if (a->article_seq != b->article_seq)
        return a->article_seq < b->article_seq ? -1 : 1;
    if (a->loc.offset != b->loc.offset)
        return a->loc.offset < b->loc.offset ? -1 : 1;
    int c = cmp_str(a->rule, b->rule);
    if (c)
        return c;
    if (a->loc.length != b->loc.length)
        return a->loc.length < b->loc.length ? -1 : 1;
    return cmp_str(a->message, b->message);
}

static int cmp_entry(const void *pa, const void *pb)
{
    const fl_article_entry *a = pa, *b = pb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_rule_error(const void *pa, const void *pb)
{
    const fl_rule_error *a = pa, *b = pb;
    int c = cmp_str(a->article_id, b->article_id);
    if (c)
        return c;
    c = cmp_str(a->rule, b->rule);
    return c ? c : cmp_str(a->message, b->message);
}

static int cmp_health(const void *pa, const void *pb)
{
    const fl_rule_health *a = pa, *b = pb;
    return cmp_str(a->rule, b->rule);
}

fl_status fl_audit_merge(fl_audit *au, fl_audit *part)
{
    fl_status st = FL_OK;
    for (size_t i = 0; i < part->n_findings && !st; i++)
        st = fl_audit_add_finding(au, &part->findings[i]);
    if (st) {
        for (size_t i = 0; i < part->n_findings; i++)
            fl_finding_release(&part->findings[i]);
        part->n_findings = 0;
        return st;
    }
    part->n_findings = 0;
    for (size_t i = 0; i < part->n_rule_errors; i++)
        if (fl_audit_add_rule_error(au, &part->rule_errors[i]))
            return FL_ENOMEM;
    for (size_t i = 0; i < part->n_rules; i++) {
        fl_rule_health *src = &part->rules[i];
        /* a worker's part merges into the same audit article after article:
         * its records go where they went last time, found without a strcmp */
        fl_rule_health *dst;
        if (src->merged_serial == au->serial && src->merged_i < au->n_rules &&
            au->rules[src->merged_i].rule == src->merged_rule) {
            dst = &au->rules[src->merged_i];
        } else {
            if (!(dst = fl_audit_rule(au, src->rule)))
                return FL_ENOMEM;
            src->merged_serial = au->serial;
            src->merged_i = (size_t)(dst - au->rules);
            src->merged_rule = dst->rule;
        }
        dst->articles_run += src->articles_run;
        dst->findings += src->findings;
        dst->calls += src->calls;
        dst->cpu_ns += src->cpu_ns;
        for (size_t c = 0; c < FL_RERR_COUNT; c++)
            dst->errors_by_class[c] += src->errors_by_class[c];
    }
    return FL_OK;
}

void fl_audit_sort(fl_audit *au)
{
    if (au->spill)
        spill_finish(au->spill);
    if (au->fspill)
        fl_finding_spill_sort(au->fspill);
    else if (au->n_findings)
        qsort(au->findings, au->n_findings, sizeof *au->findings, cmp_finding);
    if (au->n_entries)
        qsort(au->entries, au->n_entries, sizeof *au->entries, cmp_entry);
    if (au->n_rule_errors)
        qsort(au->rule_errors, au->n_rule_errors, sizeof *au->rule_errors, cmp_rule_error);
    if (au->n_rules)
        qsort(au->rules, au->n_rules, sizeof *au->rules, cmp_health);
}

/* FNV-1a 64 over text with runs of white space folded to one space. */
static uint64_t hash_folded(uint64_t h, const char *s, size_t n)
{
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space) {
            h = (h ^ ' ') * 0x100000001b3ULL;
            space = false;
        }
        h = (h ^ c) * 0x100000001b3ULL;
    }
    return (h ^ 0xff) * 0x100000001b3ULL; /* field separator */
}

void fl_finding_fingerprint(fl_finding *f, const char *sentence, size_t sentence_len,
                            unsigned occurrence)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = hash_folded(h, f->rule ? f->rule : "", f->rule ? strlen(f->rule) : 0);
    h = hash_folded(h, f->article_id ? f->article_id : "",
                    f->article_id ? strlen(f->article_id) : 0);
    if (f->loc.excerpt)
        h = hash_folded(h, f->loc.excerpt, strlen(f->loc.excerpt));
    if (sentence)
        h = hash_folded(h, sentence, sentence_len);
    char occ[16];
    int n = snprintf(occ, sizeof occ, "%u", occurrence);
    h = hash_folded(h, occ, (size_t)n);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%016llx", (unsigned long long)h);
}

size_t fl_audit_count_at_least(const fl_audit *au, fl_severity s)
{
    if (s == FL_SEV_NONE)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < au->n_findings; i++) {
        if (au->fspill) {
            const fl_finding_ref *r = fl_finding_spill_ref(au->fspill, i);
            n += !r->suppressed && r->severity >= s;
        } else {
            n += !au->findings[i].suppressed && au->findings[i].severity >= s;
        }
    }
    return n;
}

const fl_finding *fl_audit_finding(const fl_audit *au, size_t i)
{
    return au->fspill ? fl_finding_spill_get(au->fspill, i) : &au->findings[i];
}

size_t fl_audit_finding_seq(const fl_audit *au, size_t i)
{
    return au->fspill ? (size_t)fl_finding_spill_ref(au->fspill, i)->seq
                      : au->findings[i].article_seq;
}

bool fl_audit_finding_suppressed(const fl_audit *au, size_t i)
{
    return au->fspill ? fl_finding_spill_ref(au->fspill, i)->suppressed
                      : au->findings[i].suppressed;
}

void fl_audit_suppress_finding(fl_audit *au, size_t i)
{
    if (au->fspill)
        fl_finding_spill_ref(au->fspill, i)->suppressed = true;
    else
        au->findings[i].suppressed = true;
}

bool fl_audit_findings_lost(const fl_audit *au)
{
    return au->fspill && fl_finding_spill_failed(au->fspill);
}
