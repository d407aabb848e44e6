/*
 * baseline.h - baseline files: the findings CI has already accepted.
 *
 * A baseline is a JSON file:
 *
 *     {"version": 1, "tool": "factlint",
 *      "findings": [{"fingerprint": "0123456789abcdef", "rule": "...",
 *                    "article": "...", "message": "..."}, ...]}
 *
 * Only "fingerprint" matters for matching; rule, article and message are
 * there for people reading the file.  Matching counts: a fingerprint listed
 * twice suppresses at most two findings.  Applying is all or nothing: a
 * malformed baseline changes nothing in the audit.
 */
#ifndef FL_REPORT_BASELINE_H
#define FL_REPORT_BASELINE_H

#include "core/error.h"
#include "core/finding.h"

#define FL_BASELINE_VERSION 1

/* Writes every finding of the audit (suppressed ones too) to path atomically. */
fl_status fl_baseline_write(const char *path, const fl_audit *au, fl_error *err);

/* Marks the findings whose fingerprint the baseline lists as suppressed,
 * adding them to au->suppressed and taking them off their article's
 * n_findings.  An unreadable file is FL_EIO; a malformed one FL_EPARSE naming
 * the file (and the line, where jansson gives it). */
fl_status fl_baseline_apply(const char *path, fl_audit *au, fl_error *err);

#endif
