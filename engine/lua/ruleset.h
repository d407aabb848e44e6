/*
 * ruleset.h - the Lua rule runtime: configuration, loading, running and
 * testing rules (see docs/writing-rules.md and docs/lua-api.md).
 *
 * Phases (after Redis's FUNCTION LOAD and ESLint's rule API):
 *  1. configure: fl_rules_config from the command line and .factlint.lua;
 *  2. load: fl_ruleset_load runs each rule file once in a fresh sandbox with a
 *     small instruction budget (only factlint.rule registration works),
 *     validates its table strictly (unknown keys are errors) and keeps the
 *     source text, metadata and SHA-256 hash.  A rule that fails to load is a
 *     rule error of class "load" and is skipped; the run goes on;
 *  3. run: each thread owns an fl_rule_worker holding one sandboxed lua_State
 *     per rule; fl_rule_worker_check runs article-scope rules on one article
 *     and keeps the facts corpus-scope rules select; fl_ruleset_run_corpus
 *     then runs corpus-scope rules over the facts of every worker, grouped by
 *     key in sorted order, so results do not depend on the thread count.
 *
 * Rules are untrusted: each state has a counting allocator with a byte cap,
 * only the base, table, string, math and utf8 libraries, text-only loading,
 * an instruction budget per call and sticky limits (a rule cannot pcall its
 * way out of a kill).  A rule that fails on an article loses its findings for
 * that article and produces one fl_rule_error; every other rule still runs.
 *
 * Ownership: the config owns (copies) every string in it.  An fl_ruleset is
 * read-only after load and may be shared by threads; each fl_rule_worker is
 * used by one thread at a time and must be freed before its ruleset.
 */
#ifndef FL_LUA_RULESET_H
#define FL_LUA_RULESET_H

#include "core/article.h"
#include "core/error.h"
#include "core/fact.h"
#include "core/finding.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FL_RULES_DEFAULT_BUDGET  10000000UL
#define FL_RULES_DEFAULT_MEMORY  ((size_t)64 << 20)
#define FL_RULES_DEFAULT_REPORTS 100u
#define FL_RULES_LOAD_BUDGET     2000000UL

typedef struct fl_rules_severity_override {
    char *rule;
    int severity; /* fl_severity */
} fl_rules_severity_override;

typedef struct fl_rules_option_override {
    char *rule;
    char *key;
    char *value; /* parsed as number, then true/false, else string */
} fl_rules_option_override;

typedef struct fl_rules_config {
    char **rule_paths; /* --rules PATH (file or directory, repeatable) */
    size_t n_rule_paths;
    bool no_default_rules;   /* --no-default-rules */
    char *default_rules_dir; /* NULL: FL_SOURCE_DIR "/rules" if present, else FL_INSTALL_DATADIR
                                "/rules" */
    char **enable;           /* --enable ID_OR_TAG */
    size_t n_enable;
    char **disable; /* --disable ID_OR_TAG */
    size_t n_disable;
    fl_rules_severity_override *severity; /* --severity ID=LEVEL */
    size_t n_severity;
    fl_rules_option_override *options; /* --rule-option ID.KEY=VALUE */
    size_t n_options;
    char **reference_files; /* --reference FILE, merged over the reference directory */
    size_t n_reference_files;
    char *reference_dir;              /* NULL: FL_SOURCE_DIR "/facts/reference" if present, else
                                         FL_INSTALL_DATADIR "/reference" */
    unsigned long instruction_budget; /* per rule call */
    size_t memory_limit;              /* bytes per rule state */
    unsigned max_reports;             /* per rule per article (per key for corpus rules) */
    bool timing; /* count each rule's calls and thread CPU time in its fl_rule_health */
    /* no output shows findings' source lines (only the text report's carets
     * do): findings and kept facts keep none (an empty line_text) */
    bool drop_line_text;
    size_t jobs; /* threads to load the rule files on (0 or 1: the calling one) */
} fl_rules_config;

void fl_rules_config_init(fl_rules_config *c);
void fl_rules_config_release(fl_rules_config *c);

/* Helpers for the CLI: append copies of the strings (FL_ENOMEM on failure). */
fl_status fl_rules_config_add_string(char ***list, size_t *n, const char *s);
fl_status fl_rules_config_add_severity(fl_rules_config *c, const char *rule, int severity);
fl_status fl_rules_config_add_option(fl_rules_config *c, const char *rule, const char *key,
                                     const char *value);
/* Parses "ID.KEY=VALUE" (the last '.' before '=' splits ID from KEY). */
fl_status fl_rules_config_parse_option(fl_rules_config *c, const char *arg, fl_error *err);
/* Parses "ID=LEVEL". */
fl_status fl_rules_config_parse_severity(fl_rules_config *c, const char *arg, fl_error *err);

/* Evaluates the project config file (.factlint.lua) in a sandbox and merges it
 * into c (command-line values set later win).  The file returns a table:
 *   { rules = {paths}, enable = {...}, disable = {...},
 *     severity = {["id"] = "warning"}, options = {["id"] = {k = v}},
 *     reference = {files}, limits = {instructions = n, memory_mb = n, reports = n},
 *     no_default_rules = bool }
 * Relative paths are relative to the file's directory.  Unknown keys and bad
 * values are FL_EUSAGE with err's file and line set. */
fl_status fl_rules_config_load(fl_rules_config *c, const char *path, fl_error *err);
/* Searches .factlint.lua from the current directory upward; *path_out is NULL
 * when there is none, else a string to fl_free. */
fl_status fl_rules_config_find(char **path_out, fl_error *err);

typedef struct fl_ruleset fl_ruleset;

/* Loads the rules of c.  Per-file load errors go into au (class "load") and
 * the rule is skipped; au's rule health gets every rule.  Returns FL_ENOMEM,
 * FL_EUSAGE (an --enable/--disable/--severity/--rule-option naming no rule or
 * tag, an option of the wrong type, an unreadable --rules path) or FL_OK. */
fl_status fl_ruleset_load(fl_ruleset **out, const fl_rules_config *c, fl_audit *au, fl_error *err);
void fl_ruleset_free(fl_ruleset *rs);
size_t fl_ruleset_count(const fl_ruleset *rs);

typedef struct fl_rule_info {
    const char *id, *summary, *scope, *file, *url;
    fl_severity severity;
    const char *const *tags;
    size_t n_tags;
    bool enabled;
} fl_rule_info;

/* The i-th rule (sorted by id); pointers live as long as rs. */
void fl_ruleset_info(const fl_ruleset *rs, size_t i, fl_rule_info *out);

typedef struct fl_rule_worker fl_rule_worker;

/* A worker for one thread: one sandboxed lua_State per enabled rule. */
fl_rule_worker *fl_rule_worker_new(const fl_ruleset *rs, fl_error *err);
void fl_rule_worker_free(fl_rule_worker *w);

/* Runs every enabled article-scope rule on a (skipping rules disabled inline),
 * appending findings, rule errors and rule health to out; keeps the facts that
 * corpus-scope rules select.  Non-OK only for FL_ENOMEM. */
/* How many facts the worker's corpus-scope rules have kept so far (their key
 * returned a string): a caller compares the count before and after an article
 * to know whether a corpus finding may later point into it. */
size_t fl_rule_worker_kept(const fl_rule_worker *w);

fl_status fl_rule_worker_check(fl_rule_worker *w, const fl_article *a, const fl_facts *facts,
                               fl_audit *out, fl_error *err);

/* Runs the corpus-scope rules over the facts kept by all workers (grouped by
 * key, keys in byte order, facts in (article seq, offset) order). */
fl_status fl_ruleset_run_corpus(const fl_ruleset *rs, fl_rule_worker *const *workers,
                                size_t n_workers, fl_audit *out, fl_error *err);

/* Builds an article and its facts from a test case's text for fl_rules_test;
 * dateline_iso may be NULL.  *a is freed by the caller with fl_article_free;
 * facts is initialised by the caller and released by it. */
typedef fl_status (*fl_test_extract_fn)(void *ud, const char *text, const char *dateline_iso,
                                        fl_article **a, fl_facts *facts, fl_error *err);

/* `factlint test`: runs each rule's tests = {valid = {...}, invalid = {...}}.
 * Prints "ok   ID valid #N" / "FAIL ID invalid #N: reason" per case and ends
 * with "N passed, N failed".  A rule that fails to load counts as one failed
 * case.  Returns non-OK only for FL_ENOMEM, FL_EIO or FL_EUSAGE. */
fl_status fl_rules_test(const fl_rules_config *c, fl_test_extract_fn extract, void *ud, FILE *out,
                        size_t *passed, size_t *failed, fl_error *err);

const char *fl_lua_version(void); /* LUA_RELEASE, e.g. "Lua 5.4.4" */

/* ---- corpus rules across processes (corpus_io.c, docs/scale.md) ----------
 *
 * `factlint map` writes the facts each corpus rule's key() kept as lines
 *   c:RULE:KEY<TAB>{"rule":..,"key":..,"article":..,"path":..,"ordinal":..,
 *                  "fact":"<fact JSON>","sentence":..,"loc":{..}}
 * (KEY with '%', control bytes and DEL written as %XX so a line never holds
 * a tab or newline of its own); `factlint reduce` reads back the lines of one
 * key and runs the rule's check once on them.  Within a key, facts are
 * ordered by (article id, path, offset, index in the article), which does not
 * depend on how the corpus was split. */

/* Appends one line per fact w kept for corpus rules to out, then forgets
 * them (the worker's memory for them is reused).  FL_ENOMEM only. */
fl_status fl_rule_worker_write_kept(fl_rule_worker *w, fl_strbuf *out, fl_error *err);

/* Appends s with '%', bytes below 0x20 and 0x7f written as %XX. */
int fl_corpus_escape_key(fl_strbuf *out, const char *s);

typedef struct fl_corpus_reducer fl_corpus_reducer;

/* A reducer over rs (which must outlive it): one rule worker. */
fl_corpus_reducer *fl_corpus_reducer_new(const fl_ruleset *rs, fl_error *err);
void fl_corpus_reducer_free(fl_corpus_reducer *r);

/* Adds the JSON value of one "c:" line to the pending group.  Every line of
 * a group names the same rule and key: a different one is FL_EUSAGE, as is a
 * rule that is not a loaded, enabled corpus rule; bad JSON is FL_EPARSE. */
fl_status fl_corpus_reducer_add(fl_corpus_reducer *r, const char *json, size_t len, fl_error *err);

/* Runs the rule once on the pending group, appending findings, rule errors
 * and rule health to out.  The group stays readable (fl_corpus_reducer_sentence)
 * until fl_corpus_reducer_clear.  Non-OK only for FL_ENOMEM. */
fl_status fl_corpus_reducer_run(fl_corpus_reducer *r, fl_audit *out, fl_error *err);

/* The rule id and key of the pending group (NULL when it is empty). */
const char *fl_corpus_reducer_rule(const fl_corpus_reducer *r);
const char *fl_corpus_reducer_key(const fl_corpus_reducer *r);

/* The sentence holding a finding's primary fact (what its fingerprint
 * hashes), found by article id and span among the pending group; NULL when
 * none matches. */
const char *fl_corpus_reducer_sentence(const fl_corpus_reducer *r, const fl_finding *f,
                                       size_t *len);

void fl_corpus_reducer_clear(fl_corpus_reducer *r);

#endif
