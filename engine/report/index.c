#include "report/index.h"

#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_rule(const void *pa, const void *pb)
{
    const fl_report_rule *a = pa, *b = pb;
    return strcmp(a->id, b->id);
}

size_t fl_report_index_rule(const fl_report_index *ix, const char *id)
{
    if (!id)
        id = "";
    size_t lo = 0, hi = ix->n_rules;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->rules[mid].id, id);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* Adds id when missing, keeping the table sorted. */
static fl_report_rule *index_add(fl_report_index *ix, size_t *cap, const char *id)
{
    if (!id)
        id = "";
    size_t lo = 0, hi = ix->n_rules;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->rules[mid].id, id);
        if (!c)
            return &ix->rules[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (FL_GROW(ix->rules, *cap, ix->n_rules + 1))
        return NULL;
    memmove(&ix->rules[lo + 1], &ix->rules[lo], (ix->n_rules - lo) * sizeof *ix->rules);
    ix->n_rules++;
    memset(&ix->rules[lo], 0, sizeof *ix->rules);
    ix->rules[lo].id = id;
    return &ix->rules[lo];
}

fl_status fl_report_index_build(fl_report_index *ix, const fl_audit *au, fl_error *err)
{
    size_t cap = 0;
    memset(ix, 0, sizeof *ix);
    if (au->n_rules) {
        if (FL_GROW(ix->rules, cap, au->n_rules))
            goto nomem;
        for (size_t i = 0; i < au->n_rules; i++) {
            memset(&ix->rules[i], 0, sizeof ix->rules[i]);
            ix->rules[i].id = au->rules[i].rule ? au->rules[i].rule : "";
            ix->rules[i].health = &au->rules[i];
        }
        ix->n_rules = au->n_rules;
        qsort(ix->rules, ix->n_rules, sizeof *ix->rules, cmp_rule);
    }
    for (size_t i = 0; i < au->n_findings; i++) {
        const fl_finding *f = fl_audit_finding(au, i);
        fl_report_rule *r = index_add(ix, &cap, f->rule);
        if (!r)
            goto nomem;
        unsigned sev = (unsigned)f->severity < 4 ? (unsigned)f->severity : 0;
        if (f->suppressed) {
            r->suppressed++;
            ix->suppressed++;
        } else {
            r->findings++;
            r->by_severity[sev]++;
            ix->by_severity[sev]++;
        }
    }
    for (size_t i = 0; i < au->n_rule_errors; i++) {
        fl_report_rule *r = index_add(ix, &cap, au->rule_errors[i].rule);
        if (!r)
            goto nomem;
        r->errors++;
    }
    return FL_OK;
nomem:
    fl_report_index_release(ix);
    return fl_error_set(err, FL_ENOMEM, "out of memory indexing the audit");
}

void fl_report_index_release(fl_report_index *ix)
{
    fl_free(ix->rules);
    memset(ix, 0, sizeof *ix);
}

const fl_article_entry *fl_report_article(const fl_audit *au, size_t seq)
{
    size_t lo = 0, hi = au->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (au->entries[mid].seq == seq)
            return &au->entries[mid];
        if (au->entries[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < au->n_entries; i++) /* not sorted: search */
        if (au->entries[i].seq == seq)
            return &au->entries[i];
    return NULL;
}

const char *fl_report_finding_path(const fl_finding *f)
{
    if (f->path && *f->path)
        return f->path;
    if (f->article_id && *f->article_id)
        return f->article_id;
    return "-";
}
