#include "report/baseline.h"

#include "report/atomic.h"
#include "report/index.h"
#include "report/jsonb.h"
#include "report/sink.h"

#include "core/alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The findings, last in the tree, are written one by one after the rest is
 * dumped with them empty (as the SARIF writer does): the bytes of the whole
 * tree's dump, one finding in memory at a time. */
static fl_status baseline_dump(FILE *fp, void *ud, fl_error *err)
{
    const fl_audit *au = ud;
    fl_jsonb b = {false};
    json_t *root = fl_jsonb_obj(&b);
    fl_jsonb_set(&b, root, "version", fl_jsonb_int(&b, FL_BASELINE_VERSION));
    fl_jsonb_set(&b, root, "tool", fl_jsonb_str(&b, "factlint"));
    fl_jsonb_set(&b, root, "findings", fl_jsonb_arr(&b));
    fl_sink s;
    fl_sink_init(&s, fp);
    fl_jsonb_stream out;
    fl_jsonb_stream_open(&out, &s, &b, root, "\n}", 2);
    for (size_t i = 0; i < au->n_findings && !b.oom; i++) {
        const fl_finding *f = fl_audit_finding(au, i);
        json_t *o = fl_jsonb_obj(&b);
        fl_jsonb_set(&b, o, "fingerprint", fl_jsonb_str(&b, f->fingerprint));
        fl_jsonb_set(&b, o, "rule", fl_jsonb_str(&b, f->rule));
        fl_jsonb_set(&b, o, "article", fl_jsonb_str(&b, f->article_id));
        fl_jsonb_set(&b, o, "message", fl_jsonb_str(&b, f->message));
        fl_jsonb_stream_item(&out, o);
    }
    fl_jsonb_stream_close(&out);
    if (b.oom) {
        fl_sink_finish(&s, "baseline", NULL);
        return fl_error_set(err, FL_ENOMEM, "out of memory building '%s'", "baseline");
    }
    if (!fl_audit_findings_lost(au))
        return fl_sink_finish(&s, "baseline", err);
    fl_sink_finish(&s, "baseline", NULL);
    return fl_error_set(err, FL_EIO,
                        "findings could not be read back from their temporary file (TMPDIR): "
                        "the baseline would be incomplete");
}

fl_status fl_baseline_write(const char *path, const fl_audit *au, fl_error *err)
{
    fl_status st = fl_atomic_write(path, baseline_dump, (void *)au, err);
    if (st == FL_EIO && err && !strstr(err->message, path)) {
        char msg[FL_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        fl_error_set(err, FL_EIO, "cannot write baseline '%s': %s", path, msg);
    }
    return st;
}

typedef struct base_entry {
    char fp[17];
    bool used;
} base_entry;

static int cmp_entry(const void *pa, const void *pb)
{
    return strcmp(((const base_entry *)pa)->fp, ((const base_entry *)pb)->fp);
}

static bool is_fingerprint(const char *s)
{
    if (strlen(s) != 16)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
    return true;
}

/* First unused entry with this fingerprint, or NULL. */
static base_entry *entry_find(base_entry *e, size_t n, const char *fp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(e[mid].fp, fp) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && !strcmp(e[lo].fp, fp); lo++)
        if (!e[lo].used)
            return &e[lo];
    return NULL;
}

fl_status fl_baseline_apply(const char *path, fl_audit *au, fl_error *err)
{
    fl_status st = FL_OK;
    json_t *root = NULL;
    base_entry *entries = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fl_error_set(err, FL_EIO, "cannot read baseline '%s': %s", path, strerror(errno));
    json_error_t jerr;
    root = json_loadf(fp, JSON_REJECT_DUPLICATES, &jerr);
    fclose(fp);
    if (!root) {
        st = fl_error_set(err, FL_EPARSE, "malformed baseline '%s': %s", path, jerr.text);
        fl_error_locate(err, path, jerr.line > 0 ? jerr.line : 0,
                        jerr.position >= 0 ? (long long)jerr.position : -1);
        goto cleanup;
    }
    if (!json_is_object(root)) {
        st = fl_error_set(err, FL_EPARSE, "malformed baseline '%s': not a JSON object", path);
        goto cleanup;
    }
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != FL_BASELINE_VERSION) {
        st = fl_error_set(err, FL_EPARSE, "malformed baseline '%s': \"version\" must be %d", path,
                          FL_BASELINE_VERSION);
        goto cleanup;
    }
    json_t *arr = json_object_get(root, "findings");
    if (!json_is_array(arr)) {
        st = fl_error_set(err, FL_EPARSE, "malformed baseline '%s': \"findings\" must be an array",
                          path);
        goto cleanup;
    }
    size_t n = json_array_size(arr);
    entries = fl_calloc(n + 1, sizeof *entries);
    if (!entries) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory reading baseline '%s'", path);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *fpv = json_object_get(json_array_get(arr, i), "fingerprint");
        if (!json_is_string(fpv) || !is_fingerprint(json_string_value(fpv))) {
            st = fl_error_set(err, FL_EPARSE,
                              "malformed baseline '%s': findings[%zu] has no 16-digit "
                              "\"fingerprint\"",
                              path, i);
            goto cleanup;
        }
        const char *s = json_string_value(fpv);
        for (int k = 0; k < 16; k++)
            entries[i].fp[k] = (char)((s[k] >= 'A' && s[k] <= 'F') ? s[k] - 'A' + 'a' : s[k]);
    }
    qsort(entries, n, sizeof *entries, cmp_entry);
    for (size_t i = 0; i < au->n_findings; i++) {
        if (fl_audit_finding_suppressed(au, i))
            continue;
        const fl_finding *f = fl_audit_finding(au, i);
        base_entry *e = entry_find(entries, n, f->fingerprint);
        if (!e)
            continue;
        e->used = true;
        fl_audit_suppress_finding(au, i);
        au->suppressed++;
        /* the audit is ours to change: the lookup only returns a const view */
        fl_article_entry *r = (fl_article_entry *)fl_report_article(au, f->article_seq);
        if (r && r->n_findings)
            r->n_findings--;
    }
cleanup:
    fl_free(entries);
    json_decref(root);
    return st;
}
