/* util_text.c - factlint.util helpers written in C for the paragraph and word rules
 * (paragraph.duplicate, spelling.variant): loops that would otherwise run word by word or fact by
 * fact in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "lua/internal.h"
#include "lua/util_text.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The article handle of the current check at idx (the only one that is not
 * stale while a check runs). */
static const fl_article *check_article(lua_State *L, int idx)
{
    fl_rule_state *st = fl_lua_state(L);
    if (!st || !st->call || !st->call->a || !lua_touserdata(L, idx) ||
        lua_touserdata(L, idx) != st->call->article_ud)
        luaL_argerror(L, idx, "not the article of the current check");
    return st->call->a;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* A bucket key of s[0..n) from its length and its first and last eight
 * bytes, whatever its length: equal strings have equal keys, and the
 * strings are compared in full after. */
static uint64_t quick_key(const char *s, size_t n)
{
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else {
        memcpy(&a, s, n);
    }
    uint64_t h = (a ^ n) * 0x9E3779B97F4A7C15u + b * 0xC2B2AE3D27D4EB4Fu;
    return h ^ (h >> 29) ^ (h >> 47);
}

/* ---- paragraph_repeats ---------------------------------------------------- */

/* A compared paragraph.  Everything lives in the sandbox's scratch buffer,
 * which grows as forms are added: records refer to it by offsets. */
typedef struct rp_para {
    size_t index;                 /* 1-based paragraph index */
    size_t form;                  /* offset of its form; the figures follow it */
    size_t form_len, figures_len; /* bytes */
    size_t words;
    lua_Integer lettered;             /* util.words' profile.lettered */
    bool near;                        /* long enough for near repeats */
    double least;                     /* the fewest words within its allowance */
    uint64_t form_hash, figures_hash; /* quick_key */
    size_t next_form, next_figures;   /* the earlier one in the same bucket + 1; 0: none */
} rp_para;

/* A word of a form while two are compared. */
typedef struct rp_word {
    uint64_t hash;
    size_t off, len;
} rp_word;

/* The words of form[0..len) into w (as many as the form has). */
static size_t split_words(const char *form, size_t len, size_t base, rp_word *w)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && form[e] != ' ')
            e++;
        w[n].off = base + i;
        w[n].len = e - i;
        w[n].hash = hash_bytes(form + i, e - i);
        n++;
        i = e + 1;
    }
    return n;
}

static bool same_word(const char *buf, const rp_word *a, const rp_word *b)
{
    return a->hash == b->hash && a->len == b->len && !memcmp(buf + a->off, buf + b->off, a->len);
}

/* Optimal string alignment distance between the word lists a and b (as
 * fl_edit_distance counts code points), or max + 1 when it is over max.
 * Only cells within max of the diagonal are worked out: any alignment of
 * cost max or less stays there, and cells outside count as max + 1.  rows
 * has room for 3 * (nb + 1) values. */
static size_t words_osa(const char *buf, const rp_word *a, size_t na, const rp_word *b, size_t nb,
                        size_t max, size_t *rows)
{
    size_t diff = na > nb ? na - nb : nb - na;
    if (diff > max)
        return max + 1;
    size_t inf = max + 1;
    size_t *pp = rows, *p = rows + nb + 1, *c = rows + 2 * (nb + 1);
    for (size_t j = 0; j <= nb; j++)
        p[j] = pp[j] = j <= max ? j : inf;
    size_t prev_min = 0;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > max ? i - max : 1, hi = i + max < nb ? i + max : nb;
        c[lo - 1] = lo == 1 ? (i <= max ? i : inf) : inf;
        if (hi < nb)
            c[hi + 1] = inf;
        size_t row_min = c[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            size_t cost = same_word(buf, &a[i - 1], &b[j - 1]) ? 0 : 1;
            size_t v = p[j - 1] + cost;
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && pp[j - 2] + 1 < v && same_word(buf, &a[i - 1], &b[j - 2]) &&
                same_word(buf, &a[i - 2], &b[j - 1]))
                v = pp[j - 2] + 1;
            if (v > inf)
                v = inf;
            c[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > max && prev_min > max)
            return inf;
        prev_min = row_min;
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[nb] > max ? inf : p[nb];
}

/* The word edit distance of kept paragraphs a and b, up to max (max + 1 when
 * over it); their words and the rows go after what sc holds, and are dropped
 * again.  -1 when memory ran out. */
static long long pair_distance(fl_strbuf *sc, size_t recs, size_t ia, size_t ib, size_t max)
{
    size_t used = sc->len;
    const rp_para *r = (const rp_para *)(sc->buf + recs);
    size_t na = r[ia].words, nb = r[ib].words;
    size_t bytes = (na + nb) * sizeof(rp_word) + 3 * (nb + 1) * sizeof(size_t) + 16;
    if (fl_strbuf_grow(sc, bytes))
        return -1;
    r = (const rp_para *)(sc->buf + recs);
    size_t at = (used + 15) & ~(size_t)15;
    rp_word *wa = (rp_word *)(sc->buf + at), *wb = wa + na;
    size_t *rows = (size_t *)(wb + nb);
    na = split_words(sc->buf + r[ia].form, r[ia].form_len, r[ia].form, wa);
    nb = split_words(sc->buf + r[ib].form, r[ib].form_len, r[ib].form, wb);
    return (long long)words_osa(sc->buf, wa, na, wb, nb, max, rows);
}

/* Whether kept paragraphs i < j may be near repeats by their word counts and
 * lettered words (each edit changes each of those by at most one), and how
 * many word edits they may then differ by (the longer one's allowance). */
static bool near_allowed(const rp_para *pi, const rp_para *pj, size_t *allowed)
{
    double ni = (double)pi->words, n = (double)pj->words;
    if (!(ni >= pj->least && pi->least <= n))
        return false;
    const rp_para *lg = pi->words < pj->words ? pj : pi;
    double allow = (double)lg->words - lg->least;
    double dl = (double)(pi->lettered - pj->lettered);
    double dn = (ni - n) - dl;
    if (!(dl <= allow && -dl <= allow && dn <= allow && -dn <= allow))
        return false;
    *allowed = (size_t)allow;
    return true;
}

/* Pushes the pairs of later paragraph j onto the result at the top (made
 * when first needed): cand holds its earlier ones and edits, the n_same of
 * the same form and then the others, each from the latest back; they go in
 * ascending order.  *out counts the values. */
static void push_pairs(lua_State *L, const rp_para *r, size_t j, const size_t (*cand)[2],
                       size_t n_same, size_t n, lua_Integer *out)
{
    if (!n)
        return;
    if (!*out)
        lua_createtable(L, (int)(5 * n), 0);
    const rp_para *pj = &r[j];
    for (size_t a = n_same, b = n; a > 0 || b > n_same;) {
        size_t k = b == n_same || (a > 0 && cand[a - 1][0] < cand[b - 1][0]) ? --a : --b;
        const rp_para *pi = &r[cand[k][0]];
        lua_Integer v[5] = {(lua_Integer)pj->index, (lua_Integer)pi->index, (lua_Integer)cand[k][1],
                            (lua_Integer)pj->words, (lua_Integer)pi->words};
        for (int e = 0; e < 5; e++) {
            lua_pushinteger(L, v[e]);
            lua_rawseti(L, -2, ++*out);
        }
    }
}

/* Makes room for one more entry in the list of candidates at the end of sc
 * (cap of them); false when memory ran out. */
static bool cand_room(fl_strbuf *sc, size_t n, size_t *cap)
{
    if (n < *cap)
        return true;
    if (fl_strbuf_grow(sc, *cap * sizeof(size_t[2])))
        return false;
    sc->len += *cap * sizeof(size_t[2]);
    *cap *= 2;
    return true;
}

/***
 * factlint.util.paragraph_repeats(article, min_words, similarity, near_min_words) -> list | nil
 *
 * The pairs of paragraphs of the article that repeat one another, verbatim
 * or nearly, found in one call (util.words on every paragraph would make a
 * string and a table for each).  The paragraphs compared are those that
 * are not headings, not boilerplate other than photo credits ("credit"),
 * not empty, and have at least `min_words` lettered words (util.words'
 * `lettered`, counted as none when the paragraph's runs of capitals,
 * `capitals`, are more than half of them, as in a table legend).  Two of
 * them repeat when their util.words forms are the same (0 edits), or nearly
 * when both have at least `near_min_words` lettered words, the same figures
 * (util.words' `figures`) and different forms, and the word edit distance
 * of their forms (as util.edit_distance counts, words for characters) is
 * within the longer one's allowance.  The allowance of n words is
 * floor(n * (1 - similarity) + 1e-9); a negative one allows no repeat at
 * all, and a `similarity` over 1 no near repeat.  Returns a flat list
 * `{later, earlier, edits, later_words, earlier_words, ...}`, five values a
 * pair (1-based paragraph indices, the edits, and the two paragraphs'
 * util.words counts), ordered by `later` and then `earlier`; nil when there
 * is none.  `article` is the handle of the current check.
 */
static int u_paragraph_repeats(lua_State *L)
{
    const fl_article *a = check_article(L, 1);
    lua_Number min_words = luaL_checknumber(L, 2);
    lua_Number share = 1 - luaL_checknumber(L, 3);
    lua_Number near_min = luaL_checknumber(L, 4);
    lua_settop(L, 4);
    if (a->n_paragraphs < 2) {
        lua_pushnil(L);
        return 1;
    }
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    /* the records first, then the forms (each followed by its figures) */
    size_t recs = 0, kept = 0;
    if (fl_strbuf_grow(sc, a->n_paragraphs * sizeof(rp_para) + 16))
        return luaL_error(L, "not enough memory");
    sc->len = a->n_paragraphs * sizeof(rp_para);
    for (size_t k = 0; k < a->n_paragraphs; k++) {
        const fl_paragraph *p = &a->paragraphs[k];
        if ((p->boilerplate && p->boilerplate != FL_BOILER_CREDIT) || p->heading || !p->length)
            continue;
        size_t at = sc->len;
        fl_words w;
        if (fl_words_append(sc, a->text + p->offset, p->length, &w))
            return luaL_error(L, "not enough memory");
        lua_Integer lettered = w.capitals * 2 > w.lettered ? 0 : w.lettered;
        if (!((lua_Number)lettered >= min_words)) {
            sc->len = at;
            continue;
        }
        rp_para *r = (rp_para *)(sc->buf + recs) + kept++;
        r->index = k + 1;
        r->form = at;
        r->form_len = w.form_len;
        r->figures_len = w.figures_len;
        r->words = w.words;
        r->lettered = w.lettered;
        r->near = share >= 0 && (lua_Number)lettered >= near_min;
        r->least = (double)w.words - floor((double)w.words * share + 1e-9);
        r->form_hash = quick_key(sc->buf + at, w.form_len);
        r->figures_hash = r->near ? quick_key(sc->buf + at + w.form_len, w.figures_len) : 0;
        r->next_form = r->next_figures = 0;
    }
    if (kept < 2) {
        lua_pushnil(L);
        return 1;
    }
    /* two bucket heads (the last record + 1 in each) per hash: forms, figures */
    size_t nb = 4;
    while (nb < 2 * kept)
        nb *= 2;
    size_t heads = (sc->len + 15) & ~(size_t)15;
    size_t cands = heads + 2 * nb * sizeof(size_t), cap = 16;
    if (fl_strbuf_grow(sc, cands - sc->len + cap * sizeof(size_t[2])))
        return luaL_error(L, "not enough memory");
    memset(sc->buf + heads, 0, 2 * nb * sizeof(size_t));
    sc->len = cands + cap * sizeof(size_t[2]);
    lua_Integer out = 0;
    for (size_t j = 0; j < kept; j++) {
        rp_para *r = (rp_para *)(sc->buf + recs);
        size_t *head = (size_t *)(sc->buf + heads);
        size_t n = 0;
        size_t hf = r[j].form_hash & (nb - 1);
        if ((double)r[j].words * share + 1e-9 >= 0) /* (the allowance is not negative) */
            for (size_t i = head[hf]; i; i = r[i - 1].next_form) {
                const rp_para *pi = &r[i - 1], *pj = &r[j];
                if (pi->form_hash != pj->form_hash || pi->form_len != pj->form_len ||
                    memcmp(sc->buf + pi->form, sc->buf + pj->form, pj->form_len))
                    continue;
                if (!cand_room(sc, n, &cap))
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                head = (size_t *)(sc->buf + heads);
                size_t(*cand)[2] = (size_t(*)[2])(sc->buf + cands);
                cand[n][0] = i - 1;
                cand[n++][1] = 0;
            }
        r[j].next_form = head[hf];
        head[hf] = j + 1;
        size_t n_same = n;
        if (r[j].near) {
            size_t hg = nb + (r[j].figures_hash & (nb - 1));
            for (size_t i = head[hg]; i; i = r[i - 1].next_figures) {
                const rp_para *pi = &r[i - 1], *pj = &r[j];
                size_t allowed;
                if (pi->figures_hash != pj->figures_hash || pi->figures_len != pj->figures_len ||
                    memcmp(sc->buf + pi->form + pi->form_len, sc->buf + pj->form + pj->form_len,
                           pj->figures_len) ||
                    !near_allowed(pi, pj, &allowed) ||
                    (pi->form_len == pj->form_len &&
                     !memcmp(sc->buf + pi->form, sc->buf + pj->form, pj->form_len)))
                    continue;
                long long d = pair_distance(sc, recs, i - 1, j, allowed);
                if (d < 0 || ((size_t)d <= allowed && !cand_room(sc, n, &cap)))
                    return luaL_error(L, "not enough memory");
                r = (rp_para *)(sc->buf + recs);
                if ((size_t)d > allowed)
                    continue;
                size_t(*cand)[2] = (size_t(*)[2])(sc->buf + cands);
                cand[n][0] = i - 1;
                cand[n++][1] = (size_t)d;
            }
            head = (size_t *)(sc->buf + heads);
            r[j].next_figures = head[hg];
            head[hg] = j + 1;
        }
        push_pairs(L, r, j, (const size_t(*)[2])(sc->buf + cands), n_same, n, &out);
    }
    if (!out)
        lua_pushnil(L);
    return 1;
}

static const luaL_Reg util_text_funcs[] = {
    {"paragraph_repeats", u_paragraph_repeats},
    {NULL, NULL},
};

void fl_lua_open_util_text(lua_State *L)
{
    luaL_setfuncs(L, util_text_funcs, 0);
}
