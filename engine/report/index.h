/*
 * index.h - what several report writers need to know about an audit at once.
 *
 * The rule table is the union of the rules in the audit's health records, in
 * its findings and in its rule errors, sorted by id (so SARIF's ruleIndex and
 * JUnit's suites are stable), with counts per severity.  Article lookup maps a
 * finding's article_seq to its record.
 *
 * Ownership: the index borrows strings from the audit, which must outlive it;
 * fl_report_index_release frees the arrays.
 */
#ifndef FL_REPORT_INDEX_H
#define FL_REPORT_INDEX_H

#include "core/error.h"
#include "core/finding.h"

#include <stddef.h>

typedef struct fl_report_rule {
    const char *id;
    const fl_rule_health *health; /* NULL when the audit has no health record */
    size_t findings;              /* not suppressed */
    size_t suppressed;
    size_t by_severity[4]; /* indexed by fl_severity, not suppressed */
    size_t errors;         /* rule errors */
} fl_report_rule;

typedef struct fl_report_index {
    fl_report_rule *rules;
    size_t n_rules;
    size_t by_severity[4]; /* findings, not suppressed */
    size_t suppressed;
} fl_report_index;

fl_status fl_report_index_build(fl_report_index *ix, const fl_audit *au, fl_error *err);
void fl_report_index_release(fl_report_index *ix);
/* Index of rule id in ix->rules, or SIZE_MAX. */
size_t fl_report_index_rule(const fl_report_index *ix, const char *id);
/* The article entry with this seq, or NULL (articles sorted by seq, or searched). */
const fl_article_entry *fl_report_article(const fl_audit *au, size_t seq);
/* Path to show for a finding: its path, else its article id, else "-". */
const char *fl_report_finding_path(const fl_finding *f);

#endif
