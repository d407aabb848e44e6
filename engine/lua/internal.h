/*
 * internal.h - the structures shared by the files of engine/lua (not an API).
 *
 * A ruleset holds one fl_rule_def per rule file (read-only after load).  A
 * worker holds one fl_rule_state per rule: a sandbox whose registry keeps the
 * rule table (rule_ref), and, for corpus rules, the facts key() selected.
 * While a rule runs, state->call points at the fl_call describing the call;
 * everything C allocates during a call hangs off that fl_call so a Lua error
 * never leaks it.  Handles given to Lua (article, facts, report) carry the
 * worker generation of their call and refuse to work once it has moved on.
 */
#ifndef FL_LUA_INTERNAL_H
#define FL_LUA_INTERNAL_H

#include "core/datadir.h"
#include "core/arena.h"
#include "core/article.h"
#include "core/fact.h"
#include "core/finding.h"
#include "lua/ruleset.h"
#include "lua/sandbox.h"
#include "re/re.h"

#include <jansson.h>

#define FL_META_ARTICLE "factlint.article"
#define FL_META_FACT    "factlint.fact"
#define FL_META_REGEX   "factlint.regex"
#define FL_REG_RULE     "fl.rule"
#define FL_REG_REFS     "fl.references"
#define FL_REG_RECACHE  "fl.recache"
#define FL_REG_LIBS     "fl.libs" /* factlint.require: name -> module (false while loading) */

typedef struct fl_optval {
    int type; /* LUA_TNUMBER, LUA_TBOOLEAN or LUA_TSTRING */
    double num;
    bool b;
    char *str;
} fl_optval;

typedef struct fl_rule_option {
    char *key;
    fl_optval value;
} fl_rule_option;

typedef struct fl_rule_def {
    char *id, *file, *summary, *url, *hash;
    char **tags;
    size_t n_tags;
    bool corpus;
    bool keys;      /* a corpus rule with keys(article, keep), not key(fact, article) */
    unsigned needs; /* bit (1 << fl_fact_kind) per needed kind; 0 = any */
    /* corpus rules: check() only for keys with at least this many facts, and
     * facts from at least this many articles (1 = every key) */
    size_t min_facts, min_articles;
    fl_severity default_severity, severity;
    bool loaded, enabled;
    long line; /* of the factlint.rule call */
    char *source;
    size_t source_len;
    fl_rule_option *options; /* overrides from the config, validated against defaults */
    size_t n_options;
} fl_rule_def;

struct fl_ruleset {
    fl_rule_def *rules; /* sorted by id; failed loads are not here */
    size_t n, cap;
    char *reference_dir;
    char **reference_files;
    size_t n_reference_files;
    unsigned long budget;
    size_t memory_limit;
    unsigned max_reports;
    bool timing;
    size_t line_max;        /* longest source line a location keeps (0: none) */
    fl_chunk_cache *chunks; /* the rule files and modules, compiled once */
};

/* A fact kept for a corpus-scope rule: a copy that outlives its article. */
typedef struct fl_kept {
    const char *key;
    uint32_t rank;       /* the key's place among the rule's keys: set by the corpus phase */
    size_t seq, ordinal; /* article seq, index of the fact in its article */
    const char *article_id, *path;
    fl_fact fact; /* strings in the state's arena; link = -1 */
    /* The fact as JSON, when it was read so from a map file; NULL for a
     * fact kept from an article, whose JSON is written from `fact` only
     * when needed (fl_kept_evidence): most kept facts are never reported,
     * and the JSON was a third of a kept fact's memory. */
    const char *evidence;
    bool linked; /* a money fact's conversion: where it is in the article */
    size_t linked_offset, linked_length;
    const char *sentence; /* the sentence holding it (for fingerprints) */
    size_t sentence_len;
    fl_location loc; /* excerpt and line_text in the arena */
} fl_kept;

/* Appends kept fact k as JSON (as fl_fact_write_json wrote it when it was
 * kept) to sb; -1 when memory ran out. */
int fl_kept_evidence(const fl_kept *k, fl_strbuf *sb);

typedef struct fl_rule_worker fl_rule_worker;
typedef struct fl_rule_state fl_rule_state;

/* The health record of st's rule in out (made when missing); NULL on
 * ENOMEM.  Remembers where it was: a rule's record is asked for at every
 * call, and the records of a worker's audit are not in call order. */
fl_rule_health *fl_rule_state_health(fl_rule_state *st, fl_audit *out);

/* One call of a rule function. */
typedef struct fl_call {
    fl_rule_state *st;
    const fl_article *a; /* article scope and key(); NULL in a corpus check */
    const fl_facts *facts;
    const char *key; /* corpus check */
    fl_kept **group;
    size_t n_group;
    size_t kept_before; /* key(): kept count before this article */
    fl_finding *found;
    size_t n_found, cap_found;
    fl_finding draft; /* a finding being built by report() */
    fl_strbuf scratch;
    fl_audit *out;      /* where committed findings go */
    size_t search_from; /* out->findings[search_from..] count for fingerprint occurrences */
    unsigned reports;
    unsigned max_reports; /* reports kept (0: the ruleset's max_reports); the rest are dropped */
    bool overflow;
    bool keeping;     /* inside a keys(article, keep) call: keep() may keep */
    int options_ref;  /* LUA_NOREF: the rule's configured options */
    void *article_ud; /* the article handle pushed for this call (check_article's fast path) */
    int handles_ref;  /* registry ref of this call's fact handles by index; 0 = none yet */
    int text_ref;     /* registry ref of the article's whole text as a Lua string; 0 = none yet */
} fl_call;

struct fl_rule_state {
    fl_rule_worker *w;
    fl_rule_def *def; /* the ruleset's, or the one being filled during load */
    fl_sandbox *sb;
    int rule_ref, options_ref;
    long blame_line; /* a load error's line, 0 = the failing frame's */
    bool loading;
    bool broken;            /* could not be instantiated in this worker */
    fl_chunk_cache *chunks; /* while loading (no worker yet): the rule set's */
    /* where this rule's health record was last found (fl_rule_state_health) */
    const fl_audit *health_au;
    size_t health_i;
    fl_call *call;
    fl_kept *kept;
    size_t n_kept, cap_kept;
    fl_arena arena;
};

typedef struct fl_ref_cache {
    char *name;
    json_t *json; /* NULL: there is no such reference */
} fl_ref_cache;

struct fl_rule_worker {
    const fl_ruleset *rs;
    fl_rule_state *states; /* rs->n */
    fl_re_thread *re;
    unsigned long generation;
    fl_ref_cache *refs;
    size_t n_refs, cap_refs;
};

/* How many reports a call keeps before the rest are dropped: the ruleset's
 * max_reports, or the call's own limit (a corpus call's, per article). */
static inline unsigned fl_call_max_reports(const fl_call *call)
{
    return call->max_reports ? call->max_reports : call->st->w->rs->max_reports;
}

/* lua_rule.c: factlint.rule and validation; pushes the factlint table */
void fl_lua_open_factlint(lua_State *L);
/* Reads a validated rule table (at the top) into def (load phase).
 * Raises on ENOMEM; def owns what was copied so far. */
void fl_lua_read_rule(lua_State *L, fl_rule_def *def);

/* lua_article.c */
void fl_lua_open_article(lua_State *L);
void fl_lua_push_article(lua_State *L, fl_rule_state *st);
void fl_lua_push_fact(lua_State *L, fl_rule_state *st, const fl_fact *f, const fl_facts *all,
                      const fl_kept *kept);
/* The fact behind the userdata at idx (raises when stale or not a fact). */
const fl_fact *fl_lua_check_fact(lua_State *L, int idx, const fl_kept **kept);
fl_rule_state *fl_lua_state(lua_State *L);
/* The article (and, when facts is not NULL, its facts) of the article handle
 * at idx, which must be the current call's (check or key/keys: the only
 * one that is not stale while a rule runs); raises an argument error
 * otherwise.  For C helpers that take the article. */
const fl_article *fl_lua_current_article(lua_State *L, int idx, const fl_facts **facts);
/* Pushes a fact's number as a fact handle gives it: nil for NaN, an integer
 * when whole. */
void fl_lua_push_fact_number(lua_State *L, double v);
/* The range a string of n bytes takes from the optional integer arguments
 * idx and idx + 1, by string.sub's rules (1-based, inclusive, negative from
 * the end; defaults the whole string): false when it is empty, else its
 * 0-based start and length. */
bool fl_lua_sub_range(lua_State *L, int idx, size_t n, size_t *from, size_t *len);

/* lua_report.c: pushes the report function of the current call */
void fl_lua_push_report(lua_State *L, fl_rule_state *st);
/* Commits a successful call's findings to out (fingerprints, health). */
fl_status fl_call_commit(fl_call *call, fl_audit *out, size_t search_from);
void fl_call_release(fl_call *call);

/* lua_re.c */
void fl_lua_open_re(lua_State *L); /* sets factlint.re in the table at the top */

/* lua_util.c */
void fl_lua_open_util(lua_State *L); /* sets factlint.util and factlint.reference */
/* registers the wordset class and sets 'wordset' in the table at the top (factlint.util) */
void fl_lua_open_wordset(lua_State *L);
/* the helpers of util_names.c, util_text.c, util_figures.c, into the table on top */
void fl_lua_open_util_names(lua_State *L);
void fl_lua_open_util_text(lua_State *L);
void fl_lua_open_util_figures(lua_State *L);
void fl_lua_open_util_quotes(lua_State *L);
json_t *fl_worker_reference(fl_rule_worker *w, const char *name, fl_error *err);
void fl_worker_references_release(fl_rule_worker *w);

/* ruleset.c */
fl_status fl_read_file(const char *path, char **out, size_t *len, fl_error *err);
/* configured, else FL_SOURCE_DIR/sub_src when it exists, else FL_INSTALL_DATADIR/sub_install */
char *fl_rules_default_dir(const char *configured, fl_data_kind kind);
fl_status fl_ruleset_collect_files(const fl_rules_config *c, char ***files, size_t *n,
                                   fl_error *err);
fl_status fl_ruleset_load_files(fl_ruleset **out, const fl_rules_config *c, char **files,
                                size_t n_files, fl_audit *au, fl_error *err);
void fl_string_list_free(char **list, size_t n);
void fl_lua_push_optval(lua_State *L, const fl_optval *v);
/* Runs rule i of w on one article (key() for a corpus rule); options_ref
 * LUA_NOREF uses the configured options.  Non-OK only for ENOMEM. */
fl_status fl_rule_run_article(fl_rule_worker *w, size_t i, const fl_article *a,
                              const fl_facts *facts, fl_audit *out, int options_ref);
/* Runs corpus rule r over the facts all n_workers kept, its calls in
 * workers[on]'s state of the rule.  Non-OK only for ENOMEM. */
fl_status fl_rule_run_corpus(fl_rule_worker *const *workers, size_t n_workers, size_t r,
                             fl_audit *out, int options_ref, size_t on);
/* ruleset.c: (re)creates st's sandbox and instantiates the rule in it. */
bool fl_rule_state_open(fl_rule_state *st, fl_sandbox_failure *fail);
void fl_rule_state_close(fl_rule_state *st);
void fl_rule_def_release(fl_rule_def *d);

#endif
