/*
 * finding_spill.h - an audit's findings kept in a temporary file (private to
 * engine/core; reports use fl_audit_finding in finding.h).
 *
 * check's audit writes every finding to an unlinked temporary file as it
 * arrives and keeps only a 48-byte reference to it in memory: the sort keys
 * the report order needs (article seq, offset, length, rule), severity, the
 * baseline's suppressed flag, and where the record is.  So the memory of a
 * run no longer grows by the ~0.9 KB a finding holds (its message, excerpts,
 * source lines, related spans and evidence).  Reports read findings back one
 * at a time through a small ring of decoded copies.
 */
#ifndef FL_CORE_FINDING_SPILL_H
#define FL_CORE_FINDING_SPILL_H

#include "core/error.h"
#include "core/finding.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What stays in memory of a spilled finding. */
typedef struct fl_finding_ref {
    uint64_t seq;     /* article seq */
    uint64_t offset;  /* primary span */
    uint64_t length;  /* primary span */
    const char *rule; /* one stored copy per rule id */
    uint64_t at;      /* the record's first byte in the file */
    uint32_t len;     /* the record's bytes */
    uint8_t severity; /* fl_severity */
    bool suppressed;  /* by a baseline */
} fl_finding_ref;

struct fl_finding_spill;

/* A spill in a new unlinked file in $TMPDIR (else /tmp); FL_EIO naming the
 * directory when none can be made, FL_ENOMEM. */
fl_status fl_finding_spill_open(struct fl_finding_spill **out, fl_error *err);
void fl_finding_spill_free(struct fl_finding_spill *sp);
/* Writes *f, keeps its reference and releases f (zeroed); FL_ENOMEM, or
 * FL_EIO when the file could not be written (the finding is then lost: the
 * spill reports it with fl_finding_spill_failed). */
fl_status fl_finding_spill_add(struct fl_finding_spill *sp, fl_finding *f);
size_t fl_finding_spill_count(const struct fl_finding_spill *sp);
fl_finding_ref *fl_finding_spill_ref(struct fl_finding_spill *sp, size_t i);
/* Sorts the references in report order (fl_audit_sort's, cmp as given). */
void fl_finding_spill_sort(struct fl_finding_spill *sp);
/* The i-th finding, decoded; valid until FL_FINDING_SLOTS more calls.  On a
 * read error an empty finding (rule "", message "") and the spill fails. */
#define FL_FINDING_SLOTS 8
const fl_finding *fl_finding_spill_get(struct fl_finding_spill *sp, size_t i);
/* True once a finding could not be written or read back. */
bool fl_finding_spill_failed(const struct fl_finding_spill *sp);

#endif
