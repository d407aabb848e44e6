/*
 * finding.h - what a rule reports, and the audit that collects them.
 *
 * A finding is one discrepancy: a rule id, a severity, a message, a primary
 * span in one article, related spans ("first printed here"), the facts that
 * are its evidence (as a JSON array), and a fingerprint that stays the same
 * when lines are added above it (it hashes the rule, the article id, the text
 * of the span and of its sentence, and which occurrence of that text it is).
 *
 * An fl_audit is the whole result of a run: every finding in deterministic
 * order, every input article accounted for (checked, or skipped with a
 * reason), rule errors, and rule health.  Report writers read only this.
 *
 * Memory: an audit grows by one small fl_article_entry per article with a
 * finding (see below) and by its findings; article text is kept only when a
 * producer passes it (the HTML report, articles with findings).  check opens
 * a spill (fl_audit_spill_open): clean articles' entries and every finding
 * then go to temporary files, and a finding costs 48 bytes of memory
 * (finding_spill.h).  docs/performance.md, Memory.
 *
 * Ownership: the audit owns everything in it (fl_free).  Strings handed to
 * the add functions are copied.
 */
#ifndef FL_CORE_FINDING_H
#define FL_CORE_FINDING_H

#include "core/arena.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fl_article;

typedef enum fl_severity {
    FL_SEV_NONE = 0, /* "never" for --fail-on */
    FL_SEV_INFO = 1,
    FL_SEV_WARNING = 2,
    FL_SEV_ERROR = 3,
} fl_severity;

const char *fl_severity_name(fl_severity s); /* "info", "warning", "error" */
/* Severity from its name; "never" gives NONE; -1 when unknown. */
int fl_severity_from_name(const char *s);

typedef struct fl_location {
    size_t offset, length;                       /* bytes in the article text */
    uint32_t line, column, end_line, end_column; /* 1-based; end is exclusive column */
    char *excerpt;   /* the span's text (at most 200 bytes, cut at a character boundary) */
    char *line_text; /* the whole source line of the start, for carets */
} fl_location;

typedef struct fl_related {
    fl_location loc;
    char *message;
} fl_related;

typedef struct fl_finding {
    char *rule;
    fl_severity severity;
    char *message;
    char *message_id; /* the rule's messageId, NULL when the rule gave a plain message */
    size_t article_seq;
    char *article_id;
    char *path;
    fl_location loc;
    fl_related *related;
    size_t n_related;
    char *evidence_json;  /* a JSON array of facts, "[]" when none */
    char fingerprint[17]; /* 16 hex digits */
    bool suppressed;      /* by a baseline */
} fl_finding;

/* An article as a producer (the pipeline, map, merge) describes it to
 * fl_audit_add_article: a transient value on the producer's stack.  The audit
 * does not keep it; it keeps a compact fl_article_entry (below). */
typedef struct fl_article_record {
    size_t seq;
    char *id;
    char *path;
    char *title;
    bool skipped;
    fl_error error;    /* why it was skipped (code FL_OK when checked) */
    size_t n_findings; /* findings in this article (not suppressed) */
    size_t n_facts;
    char *text;     /* given only when a report needs it (html), else NULL */
    long line_base; /* as in fl_article, to map lines back for text */
    char *dateline; /* ISO, NULL when none */
    const char *dateline_source;
} fl_article_record;

/* Why an article was skipped: the parts of its fl_error the reports print. */
typedef struct fl_article_error {
    fl_status code;
    long line;        /* 1-based, 0 when unknown */
    long long offset; /* byte offset in the file, -1 when unknown */
    const char *file; /* "" when not about a file */
    const char *message;
} fl_article_error;

/* What only a few articles have: a skip reason, or text kept for the HTML
 * report (articles with findings). */
typedef struct fl_article_extra {
    fl_article_error error; /* code FL_OK when the article was checked */
    const char *text;       /* NULL unless kept */
    long line_base;         /* as in fl_article, to map lines back for text */
} fl_article_extra;

/* What the audit keeps of every article so reports account for it: 64 bytes
 * on LP64 plus its id and title (checked by tests/unit/test_audit_memory.c).
 * Strings live in the audit's string store: path, dateline and error file
 * are interned (one copy however many articles share them). */
typedef struct fl_article_entry {
    size_t seq;
    const char *id;
    const char *path;
    const char *title;       /* NULL when none */
    const char *dateline;    /* ISO, NULL when none */
    fl_article_extra *extra; /* NULL when checked and no text is kept */
    uint32_t n_findings;     /* findings in this article (not suppressed) */
    uint32_t n_facts;        /* saturates at UINT32_MAX */
    uint8_t dateline_source; /* fl_dateline_source */
    bool skipped;            /* then extra->error says why */
} fl_article_entry;

/* The skip reason of e, NULL when it was checked. */
const fl_article_error *fl_article_entry_error(const fl_article_entry *e);
/* The kept text of e (HTML report), NULL when none. */
const char *fl_article_entry_text(const fl_article_entry *e);
long fl_article_entry_line_base(const fl_article_entry *e);
/* The name of e's dateline source ("none", "jsonl", ...). */
const char *fl_article_entry_dateline_source(const fl_article_entry *e);

struct fl_audit_strings; /* the audit's string store (finding.c) */
struct fl_audit_spill;   /* entries written to a temporary file (finding.c) */

typedef struct fl_rule_error {
    char *rule; /* the rule id, or the file when it failed to load */
    char *file;
    long line;
    char *klass; /* "runtime", "instructions", "memory", "blocked", "regex", "load", "report" */
    char *message;
    char *traceback;
    char *article_id; /* NULL for load errors */
} fl_rule_error;

typedef struct fl_rule_health {
    char *rule;
    char *file;
    char *hash; /* SHA-256 of the rule file, hex */
    char *summary;
    char *url;
    char *tags; /* comma separated */
    fl_severity severity;
    bool loaded;
    bool enabled;
    size_t articles_run;
    size_t findings;
    size_t errors_by_class[8]; /* indexed by fl_rule_error_class */
    /* check --timing only (never written to reports, which stay the same
     * from run to run): calls of the rule and their thread CPU time */
    size_t calls;
    unsigned long long cpu_ns;
    /* fl_audit_merge of a part: where this record went last time (the
     * destination audit's serial, its record index and rule string) */
    unsigned long merged_serial;
    size_t merged_i;
    const char *merged_rule;
} fl_rule_health;

typedef enum fl_rule_error_class {
    FL_RERR_RUNTIME = 0,
    FL_RERR_INSTRUCTIONS,
    FL_RERR_MEMORY,
    FL_RERR_BLOCKED,
    FL_RERR_REGEX,
    FL_RERR_LOAD,
    FL_RERR_REPORT,
    FL_RERR_COUNT
} fl_rule_error_class;

const char *fl_rule_error_class_name(fl_rule_error_class c);

struct fl_finding_spill; /* findings written to a temporary file (finding_spill.h) */

typedef struct fl_audit {
    /* read findings with fl_audit_finding: with a spill (check) they are in
     * a file and `findings` is unused; n_findings counts them either way */
    fl_finding *findings;
    size_t n_findings, cap_findings;
    struct fl_finding_spill *fspill; /* NULL unless fl_audit_spill_open */
    fl_article_entry *entries;       /* every input article, checked or skipped */
    size_t n_entries, cap_entries;
    struct fl_audit_strings *strings;
    struct fl_audit_spill *spill; /* NULL unless fl_audit_spill_open */
    fl_rule_error *rule_errors;
    size_t n_rule_errors, cap_rule_errors;
    fl_rule_health *rules;
    size_t n_rules, cap_rules;
    size_t rule_hint;     /* fl_audit_rule: where the last rule was found */
    unsigned long serial; /* distinct for every fl_audit_init (fl_audit_merge) */
    size_t articles_read; /* checked */
    /* With tally_clean set, a clean article (checked, no findings, no text
     * kept) is only counted, in tallied, tallied_facts and articles_read,
     * and gets no entry: for `extract`, which reports counts and skipped
     * articles only, and before spent ~3% of its time writing every entry to
     * a spill file and reading it back. */
    bool tally_clean;
    size_t tallied, tallied_facts;
    size_t articles_skipped; /* with a reason in articles[] */
    size_t input_errors;     /* skipped articles + unreadable paths */
    size_t suppressed;       /* by a baseline or inline comment */
    char *lua_version;
    char *pcre2_version;
} fl_audit;

void fl_audit_init(fl_audit *au);
void fl_audit_release(fl_audit *au);
/* Empties a per-article part (findings, rule errors, counts) for the next
 * article, keeping its rule health entries with their counters at zero, so
 * that a worker does not copy every rule's id again for each article. */
void fl_audit_reset_part(fl_audit *part);
/* Merges part into au: moves findings, copies rule errors, adds health counters. */
fl_status fl_audit_merge(fl_audit *au, fl_audit *part);

/* Fills a location for [offset, offset+length) in a (line, columns, excerpt,
 * and its source line cut to line_max bytes: FL_LOCATION_LINE_MAX for the
 * text report's carets, 0 when no output shows it). */
#define FL_LOCATION_LINE_MAX 4000
fl_status fl_location_fill(fl_location *loc, const struct fl_article *a, size_t offset,
                           size_t length, size_t line_max);
/* The same with the two strings in ar (not to be released with
 * fl_location_release): for kept facts, which live in their rule's arena.
 * When same_line is not NULL and holds the text line_text would copy (the
 * location before it, in the same article), line_text points to it instead
 * of a copy. */
fl_status fl_location_fill_in(fl_location *loc, const struct fl_article *a, size_t offset,
                              size_t length, size_t line_max, fl_arena *ar, const char *same_line);
void fl_location_release(fl_location *loc);

/* Appends a finding; the audit takes ownership of *f (which is then zeroed). */
fl_status fl_audit_add_finding(fl_audit *au, fl_finding *f);
/* Accounts for an article: appends an entry (strings copied into the audit's
 * store) or, with a spill file, writes it there. */
fl_status fl_audit_add_article(fl_audit *au, const fl_article_record *r);
fl_status fl_audit_add_rule_error(fl_audit *au, const fl_rule_error *e); /* copies strings */
/* Spilling: from now on findings (when there are none yet) and the entries
 * of checked articles with no finding (and their text, when kept) go to
 * unlinked temporary files (in seq order, through a
 * small reorder window) instead of memory, so an audit's memory no longer
 * grows with clean articles.  Only for producers that do not change entries
 * afterwards (check); read every article with an fl_article_cursor after
 * fl_audit_sort.  FL_EIO when no temporary file can be made (the audit then
 * keeps entries in memory as before). */
fl_status fl_audit_spill_open(fl_audit *au, fl_error *err);
/* Every article accounted for: entries in memory and spilled ones. */
size_t fl_audit_n_articles(const fl_audit *au);

/* Every article of an audit in seq order, the spilled ones read back from
 * the temporary file.  The entry returned is valid until the next call. */
typedef struct fl_article_cursor {
    const fl_audit *au;
    size_t mem;              /* next entry in memory */
    long long off;           /* next spilled byte to read */
    char *buf;               /* read buffer over the spill file */
    size_t buf_len, buf_pos; /* bytes in buf, bytes consumed */
    char *rec;               /* strings of the spilled entry */
    size_t rec_cap;
    fl_article_entry spilled; /* the next spilled entry, when have_spilled */
    bool have_spilled;
    fl_article_entry out;
    fl_article_extra extra; /* the text of a spilled entry, when want_text */
    bool want_text;         /* read spilled articles' text (set before the walk) */
    bool failed;            /* a read error or out of memory ended the walk early */
} fl_article_cursor;

void fl_article_cursor_init(fl_article_cursor *c, const fl_audit *au);
/* The next article, NULL at the end (check c->failed). */
const fl_article_entry *fl_article_cursor_next(fl_article_cursor *c);
void fl_article_cursor_release(fl_article_cursor *c);

/* The health record for a rule id, created when missing; NULL on ENOMEM. */
fl_rule_health *fl_audit_rule(fl_audit *au, const char *rule);

/* Sorts findings by (article seq, offset, rule, message), entries by seq,
 * rule errors by (article, rule), rules by id: the order every report uses. */
void fl_audit_sort(fl_audit *au);

/* Computes f->fingerprint from rule, article id, span text and its sentence
 * (occurrence: how many identical (rule, text) findings precede it). */
void fl_finding_fingerprint(fl_finding *f, const char *sentence, size_t sentence_len,
                            unsigned occurrence);

void fl_finding_release(fl_finding *f);

/* Counts findings at or above severity (not suppressed). */
size_t fl_audit_count_at_least(const fl_audit *au, fl_severity s);

/* The i-th finding (in report order after fl_audit_sort).  From a spilled
 * audit it is a decoded copy, valid for the next 7 calls of this function on
 * the same audit: take what you need from it before asking for many others.
 * Reports check fl_audit_findings_lost when done. */
const fl_finding *fl_audit_finding(const fl_audit *au, size_t i);
/* Its article seq and suppressed flag, without reading it back. */
size_t fl_audit_finding_seq(const fl_audit *au, size_t i);
bool fl_audit_finding_suppressed(const fl_audit *au, size_t i);
/* Marks the i-th finding suppressed (a baseline). */
void fl_audit_suppress_finding(fl_audit *au, size_t i);
/* True when a spilled finding could not be written or read back: the
 * reports made from this audit are incomplete. */
bool fl_audit_findings_lost(const fl_audit *au);

#endif
