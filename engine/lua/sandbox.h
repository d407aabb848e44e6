/*
 * sandbox.h - one untrusted Lua 5.4 state and the single protected entry
 * into it (after Suricata's util-lua-sandbox.c and Redis's script_lua.c).
 *
 * A sandbox is a lua_State with:
 *  - a counting allocator that refuses allocations past `memory_limit`;
 *  - only the base, table, string, math and utf8 libraries; dofile, loadfile,
 *    collectgarbage, warn and string.dump removed; load replaced by a
 *    text-only version; print captured into a buffer; string.rep capped;
 *  - a global environment that is an empty locked proxy: reading an
 *    undeclared global or writing any global raises; library tables are
 *    read-only proxies; protected metatables (__metatable = "locked") can be
 *    neither read nor replaced, not even with rawset;
 *  - an instruction budget enforced by a count hook, reset on every call
 *    (or, while the watchdog runs, the budget checked without the hook for
 *    calls too short to reach it: fl_sandbox_call_watched).
 *
 * Limits are sticky: once a call hits the budget, the memory cap, or raises a
 * "blocked", "regex" or "report" error through fl_sandbox_raise, the hook
 * fires on every instruction and raises again, so pcall inside the rule
 * cannot swallow the kill; the call then fails with that class.  After an
 * instruction or memory failure the state should be recreated.
 *
 * The state's extra space holds a pointer to its fl_sandbox (fl_sandbox_of).
 * Every call into Lua goes through fl_sandbox_call, which runs `body` under
 * lua_pcall with a traceback handler; body builds the arguments and consumes
 * the results, so argument construction is protected as well.
 */
#ifndef FL_LUA_SANDBOX_H
#define FL_LUA_SANDBOX_H

#include "core/alloc.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/strbuf.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

#define FL_SANDBOX_PRINT_MAX 65536
#define FL_SANDBOX_REP_MAX   ((size_t)16 << 20)
#define FL_SANDBOX_HOOK_STEP 1000
/* A counted call's allocations count against its instruction budget, one
 * instruction for every FL_SANDBOX_ALLOC_BYTES bytes: one VM instruction can
 * copy megabytes (s = s:rep(2):sub(1, n) in a loop), so a budget of
 * instructions alone left the time of such a call unbounded.  (A watched
 * call is kept only when it ends sooner than FL_SANDBOX_VM_RATE allows for
 * the budget, which allocating at 64 bytes an instruction would need 128
 * GB/s to break; a longer one runs again, counted.) */
#define FL_SANDBOX_ALLOC_BYTES 64

/* Blocks of up to FL_SANDBOX_POOL_MAX bytes come from the state's own free
 * lists, in classes FL_SANDBOX_POOL_GRAIN bytes apart (0 when built with
 * AddressSanitizer, so that it sees every Lua block). */
#define FL_SANDBOX_POOL_MAX     (FL_ASAN ? 0 : 256)
#define FL_SANDBOX_POOL_GRAIN   16
#define FL_SANDBOX_POOL_CLASSES (FL_SANDBOX_POOL_MAX / FL_SANDBOX_POOL_GRAIN + 1)

/* Compiled chunks shared by the states of one rule set: each rule file and
 * module is parsed once, and every other state that loads the same text
 * (each worker's, a state reopened after a limit) loads its bytecode, about
 * a fifth of a parse.  Thread-safe; entries live until the cache is freed. */
typedef struct fl_chunk_cache fl_chunk_cache;
fl_chunk_cache *fl_chunk_cache_new(void); /* NULL on ENOMEM */
void fl_chunk_cache_free(fl_chunk_cache *c);
/* The cache also holds the rule set's regexes (factlint.re): a pattern is
 * compiled and JIT-compiled once, and every state that asks for the same
 * pattern and flags borrows it (compiled patterns are read-only, matched with
 * each thread's own match data).  *out is the cache's, valid until the cache
 * is freed, or NULL when the cache is full (FL_CHUNK_CACHE_RES patterns):
 * the caller then compiles a private one.  A bad pattern is fl_re_compile's
 * error. */
#define FL_CHUNK_CACHE_RES 512
struct fl_re;
fl_status fl_chunk_cache_re(fl_chunk_cache *c, const char *pattern, uint32_t flags,
                            struct fl_re **out, fl_error *err);

typedef struct fl_sandbox {
    lua_State *L;
    fl_chunk_cache *chunks; /* NULL: fl_sandbox_load parses every time */
    size_t used, limit;     /* bytes allocated and the cap */
    unsigned long budget, spent;
    bool in_call;
    bool counting; /* the call in progress counts its instructions (not watched) */
    int sticky;    /* 0, or 1 + fl_rule_error_class of a kill that pcall must not swallow */
    char sticky_msg[256];
    long sticky_line;  /* line of the Lua code that hit the sticky limit, 0 unknown */
    char err_msg[512]; /* the last error message seen by the handler */
    long err_line;     /* its innermost Lua line */
    fl_strbuf scratch; /* C strings on their way into Lua (never held across a raise) */
    fl_strbuf print;   /* captured print() output, at most FL_SANDBOX_PRINT_MAX bytes */
    void *owner;       /* the rule state that uses this sandbox */
    bool prng_dirty;   /* math.random or randomseed ran since the generator was last seeded */
    /* string.find, match, gmatch and gsub as the string library made them,
     * called by their guards (sandbox.c, sb_pattern) */
    lua_CFunction pattern_fn[4];
    volatile int watch_expired; /* the watchdog stopped a watched call (sandbox.c) */
    /* the metatables of the factlint userdata types, by fl_udata_kind, once
     * seen (fl_sandbox_checkudata) */
    const void *udata_meta[4];
    int udata_meta_ref[4]; /* registry refs of those metatables; 0 = not yet */
    /* small-block pool (sandbox.c, sb_alloc): free lists by size class and
     * the slabs they are carved from, released when the state closes */
    void *pool_free[FL_SANDBOX_POOL_CLASSES];
    void *pool_slabs;
    char *pool_cur;
    size_t pool_left;
} fl_sandbox;

/* The outcome of a failed call; strings owned (fl_sandbox_failure_release). */
typedef struct fl_sandbox_failure {
    fl_rule_error_class klass;
    char *message;
    char *traceback;
    long line; /* of the innermost Lua frame, 0 when unknown */
} fl_sandbox_failure;

/* Creates a state; NULL with err set on ENOMEM. */
fl_sandbox *fl_sandbox_new(size_t memory_limit, fl_error *err);
void fl_sandbox_free(fl_sandbox *sb);
fl_sandbox *fl_sandbox_of(lua_State *L);

/* Loads a rule's text (mode "t") with the locked environment; pushes the chunk
 * function.  Returns LUA_OK or an error status with the message pushed.
 * With sb->chunks, text loaded before under the same chunk name is loaded
 * from its bytecode (the same function, debug information included). */
int fl_sandbox_load(fl_sandbox *sb, const char *src, size_t len, const char *chunkname);

/* Runs body(L) (with ud as a light userdata at index 1) under lua_pcall with
 * a traceback handler and the budget.  Returns true on success; false with
 * *fail filled (may be NULL) when the call raised or hit a sticky limit. */
bool fl_sandbox_call(fl_sandbox *sb, unsigned long budget, lua_CFunction body, void *ud,
                     fl_sandbox_failure *fail);
void fl_sandbox_failure_release(fl_sandbox_failure *f);

/* The watched mode.  Lua 5.4's count hook stops the VM at every instruction
 * (about a tenth of a check's instructions went to it), so while the
 * watchdog runs, a call with a budget of at least FL_SANDBOX_WATCH_MIN may
 * run without the hook.  Its outcome is kept only when the call took less
 * wall time than the budget could be spent in (budget / FL_SANDBOX_VM_RATE
 * seconds, a rate no Lua VM reaches), so it cannot have gone over; a longer
 * call, or one the watchdog (a SIGPROF every few ms of CPU) finds running
 * past that time, is stopped and *rerun is set: the caller undoes the call's
 * effects and runs it again with fl_sandbox_call, which counts every
 * instruction.  Outcomes are therefore the ones counting gives.
 * fl_sandbox_watch_start installs the watchdog for the process (false when
 * it cannot, and then every call counts); fl_sandbox_watch_stop removes it. */
#define FL_SANDBOX_WATCH_MIN 1000000UL
#define FL_SANDBOX_VM_RATE   2e9 /* VM instructions a second: an upper bound */
bool fl_sandbox_watch_start(void);
void fl_sandbox_watch_stop(void);
bool fl_sandbox_call_watched(fl_sandbox *sb, unsigned long budget, lua_CFunction body, void *ud,
                             fl_sandbox_failure *fail, bool *rerun);

/* luaL_checkudata for the factlint userdata types, without its registry
 * look-up by name once the type's metatable is known: the userdata at idx
 * of type tname (kind indexes the known metatables), or a raised error. */
typedef enum { FL_UDATA_ARTICLE, FL_UDATA_FACT, FL_UDATA_REGEX, FL_UDATA_WORDSET } fl_udata_kind;
void *fl_sandbox_checkudata(lua_State *L, int idx, fl_udata_kind kind, const char *tname);
/* luaL_setmetatable(L, tname) for the factlint userdata types, the metatable
 * found by registry index after the first time instead of by name. */
void fl_sandbox_setmetatable(lua_State *L, fl_udata_kind kind, const char *tname);

/* Raises a sticky error of class klass (does not return). */
int fl_sandbox_raise(lua_State *L, fl_rule_error_class klass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Wraps the table at the top of the stack in a read-only proxy (replacing it). */
void fl_sandbox_readonly(lua_State *L);
/* Sets a global in the real (hidden) global table: value at the top, popped. */
void fl_sandbox_setglobal(lua_State *L, const char *name);

#endif
