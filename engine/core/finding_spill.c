#include "core/finding_spill.h"

#include "core/alloc.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A record on disk: a rec_head, n_related rel_heads, then the strings in the
 * order of rec_head.len and, per related span, of rel_head.len, each followed
 * by a NUL (so a decoded finding points into the record); NO_LEN for NULL. */
typedef struct rec_loc {
    uint64_t offset, length;
    uint32_t line, column, end_line, end_column;
} rec_loc;

enum { S_RULE, S_MESSAGE, S_MESSAGE_ID, S_ARTICLE_ID, S_PATH, S_EXCERPT, S_LINE, S_EVIDENCE, S_N };
enum { R_EXCERPT, R_LINE, R_MESSAGE, R_N };

typedef struct rec_head {
    uint64_t article_seq;
    rec_loc loc;
    uint32_t n_related;
    uint32_t severity;
    uint32_t len[S_N];
    char fingerprint[16];
} rec_head;

typedef struct rel_head {
    rec_loc loc;
    uint32_t len[R_N];
} rel_head;

#define NO_LEN UINT32_MAX
#define WINDOW 65536 /* read-ahead: findings come back nearly in file order */

typedef struct slot {
    size_t index; /* SIZE_MAX when empty */
    char *buf;
    size_t cap;
    fl_finding f;
    fl_related *related;
    size_t cap_related;
} slot;

struct fl_finding_spill {
    FILE *fp;
    uint64_t bytes; /* written */
    bool failed, flushed;
    fl_finding_ref *refs;
    size_t n, cap;
    const char **rules; /* distinct rule ids (few: a linear list) */
    size_t n_rules, cap_rules;
    fl_strbuf rec; /* the record being written */
    char *win;     /* read-ahead window over the file */
    uint64_t win_at;
    size_t win_len;
    slot slots[FL_FINDING_SLOTS];
    size_t next_slot;
    char *cmp_buf[2]; /* two records' messages for the sort's ties */
    size_t cmp_cap[2];
};

fl_status fl_finding_spill_open(struct fl_finding_spill **out, fl_error *err)
{
    struct fl_finding_spill *sp = fl_calloc(1, sizeof *sp);
    if (!sp)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/factlint-findings-XXXXXX", dir);
    int fd = n > 0 && (size_t)n < sizeof path ? mkstemp(path) : -1;
    int e = errno;
    if (fd >= 0) {
        unlink(path); /* nothing is left behind, whatever happens */
        if (!(sp->fp = fdopen(fd, "w+b"))) {
            e = errno;
            close(fd);
        }
    }
    if (!sp->fp) {
        fl_free(sp);
        return fl_error_set(err, FL_EIO, "cannot make a temporary file for findings in '%s': %s",
                            dir, strerror(e));
    }
    fl_strbuf_init(&sp->rec);
    for (size_t i = 0; i < FL_FINDING_SLOTS; i++)
        sp->slots[i].index = SIZE_MAX;
    *out = sp;
    return FL_OK;
}

void fl_finding_spill_free(struct fl_finding_spill *sp)
{
    if (!sp)
        return;
    if (sp->fp)
        fclose(sp->fp);
    fl_free(sp->refs);
    for (size_t i = 0; i < sp->n_rules; i++)
        fl_free((char *)sp->rules[i]);
    fl_free(sp->rules);
    fl_strbuf_release(&sp->rec);
    fl_free(sp->win);
    for (size_t i = 0; i < FL_FINDING_SLOTS; i++) {
        fl_free(sp->slots[i].buf);
        fl_free(sp->slots[i].related);
    }
    fl_free(sp->cmp_buf[0]);
    fl_free(sp->cmp_buf[1]);
    fl_free(sp);
}

size_t fl_finding_spill_count(const struct fl_finding_spill *sp)
{
    return sp->n;
}

fl_finding_ref *fl_finding_spill_ref(struct fl_finding_spill *sp, size_t i)
{
    return &sp->refs[i];
}

bool fl_finding_spill_failed(const struct fl_finding_spill *sp)
{
    return sp->failed;
}

static const char *rule_copy(struct fl_finding_spill *sp, const char *rule)
{
    if (!rule)
        rule = "";
    for (size_t i = sp->n_rules; i-- > 0;)
        if (!strcmp(sp->rules[i], rule))
            return sp->rules[i];
    if (FL_GROW(sp->rules, sp->cap_rules, sp->n_rules + 1))
        return NULL;
    char *c = fl_strdup(rule);
    if (c)
        sp->rules[sp->n_rules++] = c;
    return c;
}

static uint32_t str_len(const char *s)
{
    if (!s)
        return NO_LEN;
    size_t n = strlen(s);
    return n >= NO_LEN ? NO_LEN - 1 : (uint32_t)n;
}

static int add_str(fl_strbuf *sb, const char *s, uint32_t len)
{
    if (len == NO_LEN)
        return 0;
    return fl_strbuf_add(sb, s, len) || fl_strbuf_add(sb, "", 1);
}

static rec_loc loc_head(const fl_location *l)
{
    return (rec_loc){l->offset, l->length, l->line, l->column, l->end_line, l->end_column};
}

fl_status fl_finding_spill_add(struct fl_finding_spill *sp, fl_finding *f)
{
    fl_status st = FL_OK;
    const char *rule = rule_copy(sp, f->rule);
    if (!rule || FL_GROW(sp->refs, sp->cap, sp->n + 1)) {
        fl_finding_release(f);
        return FL_ENOMEM;
    }
    rec_head h;
    memset(&h, 0, sizeof h);
    h.article_seq = f->article_seq;
    h.loc = loc_head(&f->loc);
    h.n_related = (uint32_t)f->n_related;
    h.severity = (uint32_t)f->severity;
    const char *strs[S_N] = {f->rule, f->message,     f->message_id,    f->article_id,
                             f->path, f->loc.excerpt, f->loc.line_text, f->evidence_json};
    for (int k = 0; k < S_N; k++)
        h.len[k] = str_len(strs[k]);
    memcpy(h.fingerprint, f->fingerprint, sizeof h.fingerprint);
    fl_strbuf *sb = &sp->rec;
    sb->len = 0;
    int bad = fl_strbuf_add(sb, &h, sizeof h);
    for (size_t r = 0; r < f->n_related && !bad; r++) {
        rel_head rh;
        memset(&rh, 0, sizeof rh);
        rh.loc = loc_head(&f->related[r].loc);
        rh.len[R_EXCERPT] = str_len(f->related[r].loc.excerpt);
        rh.len[R_LINE] = str_len(f->related[r].loc.line_text);
        rh.len[R_MESSAGE] = str_len(f->related[r].message);
        bad = fl_strbuf_add(sb, &rh, sizeof rh);
    }
    for (int k = 0; k < S_N && !bad; k++)
        bad = add_str(sb, strs[k], h.len[k]);
    for (size_t r = 0; r < f->n_related && !bad; r++) {
        const fl_related *rel = &f->related[r];
        bad = add_str(sb, rel->loc.excerpt, str_len(rel->loc.excerpt)) ||
              add_str(sb, rel->loc.line_text, str_len(rel->loc.line_text)) ||
              add_str(sb, rel->message, str_len(rel->message));
    }
    if (bad || sb->len >= UINT32_MAX) {
        st = FL_ENOMEM;
    } else {
        fl_finding_ref *ref = &sp->refs[sp->n++];
        ref->seq = f->article_seq;
        ref->offset = f->loc.offset;
        ref->length = f->loc.length;
        ref->rule = rule;
        ref->at = sp->bytes;
        ref->len = (uint32_t)sb->len;
        ref->severity = (uint8_t)f->severity;
        ref->suppressed = f->suppressed;
        if (!sp->failed && fwrite(sb->buf, 1, sb->len, sp->fp) != sb->len)
            sp->failed = true;
        sp->bytes += sb->len;
        sp->flushed = false;
        if (sp->failed)
            st = FL_EIO;
    }
    fl_finding_release(f);
    return st;
}

/* Reads len bytes at `at` of the file into dst, through the window. */
static bool read_at(struct fl_finding_spill *sp, uint64_t at, size_t len, char *dst)
{
    if (sp->failed)
        return false;
    if (!sp->flushed) {
        if (fflush(sp->fp)) {
            sp->failed = true;
            return false;
        }
        sp->flushed = true;
        sp->win_len = 0;
    }
    if (len > WINDOW) {
        ssize_t got = pread(fileno(sp->fp), dst, len, (off_t)at);
        if (got != (ssize_t)len)
            sp->failed = true;
        return !sp->failed;
    }
    if (at < sp->win_at || at + len > sp->win_at + sp->win_len) {
        if (!sp->win && !(sp->win = fl_malloc(WINDOW))) {
            sp->failed = true;
            return false;
        }
        ssize_t got = pread(fileno(sp->fp), sp->win, WINDOW, (off_t)at);
        if (got < (ssize_t)len) {
            sp->failed = true;
            return false;
        }
        sp->win_at = at;
        sp->win_len = (size_t)got;
    }
    memcpy(dst, sp->win + (at - sp->win_at), len);
    return true;
}

/* Reads ref's record into *buf (grown as needed). */
static bool load(struct fl_finding_spill *sp, const fl_finding_ref *ref, char **buf, size_t *cap)
{
    if (ref->len > *cap) {
        char *b = fl_realloc(*buf, ref->len);
        if (!b) {
            sp->failed = true;
            return false;
        }
        *buf = b;
        *cap = ref->len;
    }
    return ref->len >= sizeof(rec_head) && read_at(sp, ref->at, ref->len, *buf);
}

/* Points at the next string of a loaded record (NULL for NO_LEN), or marks
 * the record bad when the string would pass its end. */
static const char *take(const char *rec, size_t len, size_t *at, uint32_t n, bool *bad)
{
    if (n == NO_LEN)
        return NULL;
    if (*bad || n >= len - *at) {
        *bad = true;
        return NULL;
    }
    const char *s = rec + *at;
    *at += (size_t)n + 1;
    return s;
}

static const char *message_of(const char *rec, size_t len)
{
    rec_head h;
    memcpy(&h, rec, sizeof h);
    size_t at = sizeof h + (size_t)h.n_related * sizeof(rel_head);
    bool bad = at > len;
    for (int k = 0; k < S_MESSAGE && !bad; k++)
        take(rec, len, &at, h.len[k], &bad);
    const char *m = bad ? NULL : take(rec, len, &at, h.len[S_MESSAGE], &bad);
    return m && !bad ? m : "";
}

static void loc_from(fl_location *l, const rec_loc *r)
{
    l->offset = (size_t)r->offset;
    l->length = (size_t)r->length;
    l->line = r->line;
    l->column = r->column;
    l->end_line = r->end_line;
    l->end_column = r->end_column;
}

static const fl_finding empty_finding = {.rule = "", .message = "", .evidence_json = "[]"};

const fl_finding *fl_finding_spill_get(struct fl_finding_spill *sp, size_t i)
{
    for (size_t k = 0; k < FL_FINDING_SLOTS; k++)
        if (sp->slots[k].index == i) {
            sp->slots[k].f.suppressed = sp->refs[i].suppressed;
            return &sp->slots[k].f;
        }
    slot *s = &sp->slots[sp->next_slot];
    sp->next_slot = (sp->next_slot + 1) % FL_FINDING_SLOTS;
    s->index = SIZE_MAX;
    const fl_finding_ref *ref = &sp->refs[i];
    if (!load(sp, ref, &s->buf, &s->cap))
        return &empty_finding;
    rec_head h;
    memcpy(&h, s->buf, sizeof h);
    size_t len = ref->len, at = sizeof h + (size_t)h.n_related * sizeof(rel_head);
    bool bad = at > len;
    if (!bad && FL_GROW(s->related, s->cap_related, h.n_related ? h.n_related : 1))
        bad = true;
    const char *strs[S_N];
    for (int k = 0; k < S_N; k++)
        strs[k] = take(s->buf, len, &at, h.len[k], &bad);
    fl_finding *f = &s->f;
    memset(f, 0, sizeof *f);
    for (uint32_t r = 0; r < h.n_related && !bad; r++) {
        rel_head rh;
        memcpy(&rh, s->buf + sizeof h + r * sizeof rh, sizeof rh);
        fl_related *rel = &s->related[r];
        memset(rel, 0, sizeof *rel);
        loc_from(&rel->loc, &rh.loc);
        rel->loc.excerpt = (char *)take(s->buf, len, &at, rh.len[R_EXCERPT], &bad);
        rel->loc.line_text = (char *)take(s->buf, len, &at, rh.len[R_LINE], &bad);
        rel->message = (char *)take(s->buf, len, &at, rh.len[R_MESSAGE], &bad);
    }
    if (bad) {
        sp->failed = true;
        return &empty_finding;
    }
    /* the strings point into s->buf: the decoded copy is never released */
    f->rule = (char *)ref->rule; /* stable for the audit's life (the report index keeps it) */
    f->severity = (fl_severity)h.severity;
    f->message = (char *)strs[S_MESSAGE];
    f->message_id = (char *)strs[S_MESSAGE_ID];
    f->article_seq = (size_t)h.article_seq;
    f->article_id = (char *)strs[S_ARTICLE_ID];
    f->path = (char *)strs[S_PATH];
    loc_from(&f->loc, &h.loc);
    f->loc.excerpt = (char *)strs[S_EXCERPT];
    f->loc.line_text = (char *)strs[S_LINE];
    f->related = h.n_related ? s->related : NULL;
    f->n_related = h.n_related;
    f->evidence_json = (char *)strs[S_EVIDENCE];
    memcpy(f->fingerprint, h.fingerprint, sizeof h.fingerprint);
    f->fingerprint[16] = '\0';
    f->suppressed = ref->suppressed;
    s->index = i;
    return f;
}

/* The report order of fl_audit_sort (finding.c, cmp_finding): article seq,
 * offset, rule, length, message; the message is read back only on a tie of
 * the rest, which is rare. */
static struct fl_finding_spill *sort_sp;

static int cmp_ref(const void *pa, const void *pb)
{
    const fl_finding_ref *a = pa, *b = pb;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    if (a->rule != b->rule) {
        int c = strcmp(a->rule, b->rule);
        if (c)
            return c;
    }
    if (a->length != b->length)
        return a->length < b->length ? -1 : 1;
    struct fl_finding_spill *sp = sort_sp;
    if (!load(sp, a, &sp->cmp_buf[0], &sp->cmp_cap[0]) ||
        !load(sp, b, &sp->cmp_buf[1], &sp->cmp_cap[1]))
        return a->at < b->at ? -1 : a->at > b->at;
    int c = strcmp(message_of(sp->cmp_buf[0], a->len), message_of(sp->cmp_buf[1], b->len));
    return c ? c : (a->at < b->at ? -1 : a->at > b->at);
}

void fl_finding_spill_sort(struct fl_finding_spill *sp)
{
    for (size_t k = 0; k < FL_FINDING_SLOTS; k++)
        sp->slots[k].index = SIZE_MAX;
    if (sp->n < 2)
        return;
    sort_sp = sp;
    qsort(sp->refs, sp->n, sizeof *sp->refs, cmp_ref);
    sort_sp = NULL;
}
