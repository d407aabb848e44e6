/*
 * fixture.h - hand-made audits for the report writers' tests.
 *
 * fl_fixture_rich builds an audit with everything a writer must cope with:
 * multi-byte characters in spans, findings on the first and the last line,
 * related spans, nested and partly overlapping spans, a suppressed finding, a
 * skipped article, an article with CRLF line breaks and front matter
 * (line_base), rule errors (one at run time, one at load), rule health, and
 * XML/HTML-hostile text.  fl_fixture_big builds n articles with ten findings
 * each, for size and speed measurements.  The audits are sorted.
 */
#ifndef FL_TEST_REPORT_FIXTURE_H
#define FL_TEST_REPORT_FIXTURE_H

#include "core/finding.h"

#include <stdbool.h>

/* Unsuppressed findings in the rich audit and how many of them have text. */
#define FL_FIXTURE_RICH_FINDINGS    8
#define FL_FIXTURE_RICH_SUPPRESSED  1
#define FL_FIXTURE_RICH_RULE_ERRORS 2

/* When true, the fixtures open the audit's spill first, as check does:
 * findings and clean articles then live in temporary files. */
extern bool fl_fixture_spill;

bool fl_fixture_rich(fl_audit *au);
bool fl_fixture_big(fl_audit *au, size_t n_articles);

#endif
