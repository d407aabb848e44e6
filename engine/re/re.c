#define PCRE2_CODE_UNIT_WIDTH 8
#include "re/re.h"

#include "core/alloc.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

struct fl_re {
    pcre2_code *code;
    uint32_t groups;
    bool jit;
};

struct fl_re_thread {
    pcre2_match_data *md;
    uint32_t md_pairs;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    size_t ov[2 * 64];
};

int fl_re_flags_from_string(const char *s, uint32_t *flags)
{
    uint32_t f = 0;
    for (; s && *s; s++) {
        switch (*s) {
        case 'i':
            f |= FL_RE_CASELESS;
            break;
        case 'm':
            f |= FL_RE_MULTILINE;
            break;
        case 's':
            f |= FL_RE_DOTALL;
            break;
        case 'x':
            f |= FL_RE_EXTENDED;
            break;
        default:
            return -1;
        }
    }
    *flags = f;
    return 0;
}

fl_status fl_re_compile(fl_re **out, const char *pattern, uint32_t flags, fl_error *err)
{
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    if (flags & FL_RE_CASELESS)
        opts |= PCRE2_CASELESS;
    if (flags & FL_RE_MULTILINE)
        opts |= PCRE2_MULTILINE;
    if (flags & FL_RE_DOTALL)
        opts |= PCRE2_DOTALL;
    if (flags & FL_RE_EXTENDED)
        opts |= PCRE2_EXTENDED;
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return fl_error_set(err, FL_EPARSE, "regex error at offset %zu: %s", (size_t)eo,
                            (const char *)msg);
    }
    fl_re *re = fl_calloc(1, sizeof *re);
    if (!re) {
        pcre2_code_free(code);
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    re->code = code;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
    if (!(flags & FL_RE_NO_JIT))
        re->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    *out = re;
    return FL_OK;
}

void fl_re_free(fl_re *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    fl_free(re);
}

uint32_t fl_re_groups(const fl_re *re)
{
    return re->groups;
}

int fl_re_group_index(const fl_re *re, const char *name)
{
    int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
    return n < 0 ? -1 : n;
}

fl_re_thread *fl_re_thread_new(const fl_re_limits *limits)
{
    fl_re_thread *t = fl_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->md_pairs = 64;
    t->md = pcre2_match_data_create(t->md_pairs, NULL);
    t->mctx = pcre2_match_context_create(NULL);
    t->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (!t->md || !t->mctx || !t->jit_stack) {
        fl_re_thread_free(t);
        return NULL;
    }
    uint32_t ml = limits && limits->match_limit ? limits->match_limit : 10000000;
    uint32_t dl = limits && limits->depth_limit ? limits->depth_limit : 10000;
    uint32_t hl = limits && limits->heap_limit_kib ? limits->heap_limit_kib : 20480;
    pcre2_set_match_limit(t->mctx, ml);
    pcre2_set_depth_limit(t->mctx, dl);
    pcre2_set_heap_limit(t->mctx, hl);
    pcre2_jit_stack_assign(t->mctx, NULL, t->jit_stack);
    return t;
}

void fl_re_thread_free(fl_re_thread *t)
{
    if (!t)
        return;
    pcre2_match_data_free(t->md);
    pcre2_match_context_free(t->mctx);
    pcre2_jit_stack_free(t->jit_stack);
    fl_free(t);
}

int fl_re_exec(const fl_re *re, fl_re_thread *t, const char *subject, size_t len, size_t start,
               fl_re_match *m, fl_error *err)
{
    if (start > len)
        return 0;
    if (re->groups + 1 > t->md_pairs) {
        pcre2_match_data *md = pcre2_match_data_create(re->groups + 1, NULL);
        if (!md) {
            fl_error_set(err, FL_ENOMEM, "out of memory");
            return -1;
        }
        pcre2_match_data_free(t->md);
        t->md = md;
        t->md_pairs = re->groups + 1;
    }
    int rc =
        pcre2_match(re->code, (PCRE2_SPTR)subject, len, start, PCRE2_NO_UTF_CHECK, t->md, t->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        bool limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                     rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
        fl_error_set(err, limit ? FL_ELIMIT : FL_EINTERNAL, "regex %s: %s",
                     limit ? "limit reached" : "match failed", (const char *)msg);
        return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
    uint32_t pairs = re->groups + 1;
    if (pairs > 64)
        pairs = 64;
    for (uint32_t i = 0; i < pairs; i++) {
        bool unset = (int)i >= rc || ov[2 * i] == PCRE2_UNSET;
        t->ov[2 * i] = unset ? SIZE_MAX : ov[2 * i];
        t->ov[2 * i + 1] = unset ? SIZE_MAX : ov[2 * i + 1];
    }
    m->ov = t->ov;
    m->n = pairs;
    return 1;
}

const char *fl_re_version(void)
{
    static char buf[64];
    if (!buf[0])
        pcre2_config(PCRE2_CONFIG_VERSION, buf);
    return buf;
}
