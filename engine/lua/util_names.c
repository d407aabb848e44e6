/* util_names.c - factlint.util helpers written in C for the name rules (name.variant,
 * name.variant-corpus): loops that would otherwise run word by word or fact by fact in Lua.
 * Registered into factlint.util by fl_lua_open_util. */
#include "core/alloc.h"
#include "core/normalize.h"
#include "core/utf8.h"
#include "lua/internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- the words of a name ------------------------------------------------- */

/* A word of a name: bytes [start, end) of the name. */
typedef struct nm_span {
    size_t start, end;
} nm_span;

/* Words of a name held on the C stack; more go to a userdata on the Lua
 * stack (freed by the collector, so a raise leaks nothing). */
#define NM_STACK_WORDS 32

typedef struct nm_words {
    nm_span *w;
    size_t n, cap;
    nm_span stack[NM_STACK_WORDS];
} nm_words;

/* The bytes that can start a separator of words: 1 one always, 2 a bracket
 * ('&', '(', ')'), 3 the first byte of U+2019. */
static const unsigned char nm_sep_byte[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, ['-'] = 1,
    ['.'] = 1, [','] = 1,  ['\''] = 1, ['&'] = 2,  ['('] = 2,  [')'] = 2,  [0xE2] = 3,
};

/* The length of the separator of words at s[i] (0: none): ASCII white space,
 * '-', '.', ',', '\'', with `brackets` also '&', '(' and ')', and U+2019. */
static size_t nm_sep(const char *s, size_t n, size_t i, bool brackets)
{
    switch (nm_sep_byte[(unsigned char)s[i]]) {
    case 0:
        return 0;
    case 1:
        return 1;
    case 2:
        return brackets ? 1 : 0;
    default:
        return i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99 ? 3
                                                                                               : 0;
    }
}

/* Splits s[0..n) into its words (the runs between separators). */
static void nm_split(lua_State *L, nm_words *ws, const char *s, size_t n, bool brackets)
{
    ws->w = ws->stack;
    ws->n = 0;
    ws->cap = NM_STACK_WORDS;
    size_t i = 0;
    while (i < n) {
        size_t k = nm_sep(s, n, i, brackets);
        if (k) {
            i += k;
            continue;
        }
        size_t start = i;
        do { /* (bytes that cannot start a separator skipped by table) */
            i++;
            while (i < n && !nm_sep_byte[(unsigned char)s[i]])
                i++;
        } while (i < n && !nm_sep(s, n, i, brackets));
        if (ws->n == ws->cap) {
            nm_span *more = lua_newuserdatauv(L, 2 * ws->cap * sizeof *more, 0);
            memcpy(more, ws->w, ws->n * sizeof *more);
            ws->w = more;
            ws->cap *= 2;
        }
        ws->w[ws->n].start = start;
        ws->w[ws->n].end = i;
        ws->n++;
    }
}

/* Appends the util.normalise form of s[0..n) to sb; raises on ENOMEM. */
static void nm_normalise(lua_State *L, fl_strbuf *sb, const char *s, size_t n)
{
    if (fl_normalize_append(sb, s, n) < 0)
        luaL_error(L, "not enough memory");
}

/* Whether s[0..n) is a legal suffix of organisation names in its util.normalise
 * form: inc, incorporated, corp, corporation, co, cos, company, ltd, limited,
 * plc, llc, lp, sa, ag, nv, bv, spa, se, ab, as, asa, oy, gmbh, kk, bhd, pty
 * (listed by length). */
static bool nm_is_suffix(const char *s, size_t n)
{
    const char *list;
    switch (n) {
    case 2:
        list = "co"
               "sa"
               "ag"
               "nv"
               "bv"
               "se"
               "ab"
               "as"
               "oy"
               "kk"
               "lp";
        break;
    case 3:
        list = "inc"
               "cos"
               "ltd"
               "plc"
               "llc"
               "spa"
               "asa"
               "bhd"
               "pty";
        break;
    case 4:
        list = "corp"
               "gmbh";
        break;
    case 7:
        list = "company"
               "limited";
        break;
    case 11:
        list = "corporation";
        break;
    case 12:
        list = "incorporated";
        break;
    default:
        return false;
    }
    for (; *list; list += n) {
        size_t i = 0;
        while (i < n && list[i] == s[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Whether the word s[0..n) of a name is a legal suffix once normalised. */
static bool nm_word_is_suffix(lua_State *L, const char *s, size_t n)
{
    char low[12];
    if (fl_is_ascii(s, n)) {
        if (n > sizeof low)
            return false;
        for (size_t i = 0; i < n; i++)
            low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        return nm_is_suffix(low, n);
    }
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    size_t at = sc->len;
    nm_normalise(L, sc, s, n);
    bool r = nm_is_suffix(sc->buf + at, sc->len - at);
    sc->len = at;
    sc->buf[at] = '\0';
    return r;
}

/* An ASCII byte in a skeleton: its lower case, in its look-alike class
 * (fl_skeleton's: 1 l i | ! -> l, 0 o -> o, 5 s -> s); filled once. */
static char nm_skeleton_byte[128];
static pthread_once_t nm_skeleton_once = PTHREAD_ONCE_INIT;

static void nm_skeleton_init(void)
{
    for (int c = 0; c < 128; c++) {
        char x = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        switch (x) {
        case '1':
        case 'l':
        case 'i':
        case '|':
        case '!':
            x = 'l';
            break;
        case '0':
        case 'o':
            x = 'o';
            break;
        case '5':
        case 's':
            x = 's';
            break;
        default:
            break;
        }
        nm_skeleton_byte[c] = x;
    }
}

/* Writes to out the skeleton of the ASCII word s[0..n) (see nm_skeleton), at
 * most `chars` characters of it (0: all); returns its length (at most n).
 * nm_skeleton_byte must be filled. */
static size_t nm_skeleton_ascii(char *out, const char *s, size_t n, size_t chars)
{
    /* the normal form of an ASCII word is its lower case, where
     * fl_skeleton's passes are byte by byte (and stop at a NUL) */
    size_t w = 0;
    for (size_t i = 0; i < n && (!chars || w < chars); i++) {
        unsigned char c = (unsigned char)s[i];
        if (!c)
            break;
        char m = nm_skeleton_byte[c];
        if ((m == 'r' || m == 'v') && i + 1 < n) {
            char d = (char)(s[i + 1] >= 'A' && s[i + 1] <= 'Z' ? s[i + 1] + 32 : s[i + 1]);
            if (m == 'r' && d == 'n') {
                m = 'm';
                i++;
            } else if (m == 'v' && d == 'v') {
                m = 'w';
                i++;
            }
        }
        out[w++] = m;
    }
    return w;
}

/* Appends to sb the util.skeleton of the util.normalise form of the word
 * s[0..n) (no white space in it), at most `chars` characters of it (0: all).
 * Raises on ENOMEM or invalid UTF-8. */
static void nm_skeleton(lua_State *L, fl_strbuf *sb, const char *s, size_t n, size_t chars)
{
    if (fl_is_ascii(s, n)) {
        pthread_once(&nm_skeleton_once, nm_skeleton_init);
        if (fl_strbuf_grow(sb, n))
            luaL_error(L, "not enough memory");
        sb->len += nm_skeleton_ascii(sb->buf + sb->len, s, n, chars);
        sb->buf[sb->len] = '\0';
        return;
    }
    size_t at = sb->len;
    nm_normalise(L, sb, s, n);
    char *sk = fl_skeleton(sb->buf + at, sb->len - at);
    sb->len = at;
    sb->buf[at] = '\0';
    if (!sk)
        luaL_error(L, "not enough memory");
    size_t len = strlen(sk);
    if (chars) {
        size_t i = 0, c = 0;
        while (i < len && c < chars) {
            fl_utf8_next(sk, len, &i);
            c++;
        }
        len = i;
    }
    int rc = fl_strbuf_add(sb, sk, len);
    fl_free(sk);
    if (rc)
        luaL_error(L, "not enough memory");
}

/* The number of characters of the util.normalise form of s[0..n). */
static size_t nm_norm_letters(lua_State *L, const char *s, size_t n)
{
    if (fl_is_ascii(s, n))
        return n;
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    size_t at = sc->len;
    nm_normalise(L, sc, s, n);
    size_t r = fl_utf8_count(sc->buf + at, sc->len - at);
    sc->len = at;
    sc->buf[at] = '\0';
    return r;
}

/* The string argument idx, which must be valid UTF-8. */
static const char *nm_check_utf8(lua_State *L, int idx, size_t *n)
{
    const char *s = luaL_checklstring(L, idx, n);
    if (fl_utf8_validate(s, *n) != *n)
        luaL_argerror(L, idx, "not valid UTF-8");
    return s;
}

/* Writes the util.name_key of the name s[0..n) with prefix[0..plen) to the
 * scratch buffer (from its start); false when the name has none. */
static bool nm_key(lua_State *L, const char *s, size_t n, const char *prefix, size_t plen)
{
    unsigned char high = 0; /* the bits of every byte: 0x80 when not ASCII */
    bool lower = false;
    for (size_t i = 0; i < n; i++) {
        high |= (unsigned char)s[i];
        lower = lower || (s[i] >= 'a' && s[i] <= 'z');
    }
    if (!lower)
        return false;
    bool ascii = !(high & 0x80);
    nm_words ws;
    nm_split(L, &ws, s, n, true);
    size_t k = ws.n; /* the words kept: trailing suffixes dropped */
    while (k > 1 &&
           nm_word_is_suffix(L, s + ws.w[k - 1].start, ws.w[k - 1].end - ws.w[k - 1].start))
        k--;
    if (k == 0)
        return false;
    const nm_span *last = &ws.w[k - 1];
    size_t last_n = last->end - last->start;
    if ((ascii ? last_n : nm_norm_letters(L, s + last->start, last_n)) < 2)
        return false;
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    if (fl_strbuf_grow(sc, plen + n + 8))
        luaL_error(L, "not enough memory");
    memcpy(sc->buf, prefix, plen);
    sc->buf[plen] = '|';
    if (ascii) {
        /* the skeletons written in place: none is longer than its word, and
         * the words with their separators fit in n */
        pthread_once(&nm_skeleton_once, nm_skeleton_init);
        char *out = sc->buf + plen + 1;
        for (size_t i = 0; i + 1 < k; i++) {
            if (i)
                *out++ = ' ';
            out += nm_skeleton_ascii(out, s + ws.w[i].start, ws.w[i].end - ws.w[i].start, 0);
        }
        *out++ = '|';
        out += nm_skeleton_ascii(out, s + last->start, last_n, k == 1 ? 2 : 1);
        sc->len = (size_t)(out - sc->buf);
        sc->buf[sc->len] = '\0';
        return true;
    }
    sc->len = plen + 1;
    for (size_t i = 0; i + 1 < k; i++) {
        if (i && fl_strbuf_addch(sc, ' '))
            luaL_error(L, "not enough memory");
        nm_skeleton(L, sc, s + ws.w[i].start, ws.w[i].end - ws.w[i].start, 0);
    }
    if (fl_strbuf_addch(sc, '|'))
        luaL_error(L, "not enough memory");
    nm_skeleton(L, sc, s + last->start, last_n, k == 1 ? 2 : 1);
    return true;
}

/***
 * factlint.util.name_key(name, prefix | fact) -> string | nil
 *
 * The key under which the spellings of one name meet, for grouping the
 * names of people and organisations in a corpus: "Marta Okonkwo" and
 * "Marta Okonkow" share "person|marta|o", "Ann Thomson" and "Bob Thompson"
 * do not.  The name's words (parted by white space, `-`, `.`, `,`, `'`,
 * `&`, `(`, `)` and U+2019) are taken in their util.normalise form, and legal
 * suffixes at the end dropped (inc, incorporated, corp, corporation, co, cos,
 * company, ltd, limited, plc, llc, lp, sa, ag, nv, bv, spa, se, ab, as, asa,
 * oy, gmbh, kk, bhd, pty; never the first word).  The key is prefix, `|`,
 * the util.skeleton of each word but the last joined by spaces, `|`, and the
 * first character of the last word's skeleton (the first two for a one-word
 * name).  nil when the name has no lower-case ASCII letter (all capitals,
 * or no letters) or its last word is shorter than two characters.
 *
 * Given a fact instead (`name_key(fact)`; a corpus rule may set `key =
 * factlint.util.name_key`, whose second argument, the article, is then not
 * read), the name is the fact's canonical name, else its name, and the
 * prefix its kind; nil for a fact with neither.
 */
static int u_name_key(lua_State *L)
{
    const char *s, *prefix;
    size_t n, plen;
    if (lua_type(L, 1) == LUA_TUSERDATA) {
        const fl_fact *f = fl_lua_check_fact(L, 1, NULL);
        s = f->canonical ? f->canonical : f->name;
        if (!s) {
            lua_pushnil(L);
            return 1;
        }
        n = strlen(s);
        prefix = fl_fact_kind_name(f->kind);
        plen = strlen(prefix);
    } else {
        s = nm_check_utf8(L, 1, &n);
        prefix = luaL_checklstring(L, 2, &plen);
    }
    if (!nm_key(L, s, n, prefix, plen)) {
        lua_pushnil(L);
        return 1;
    }
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    lua_pushlstring(L, sc->buf, sc->len);
    return 1;
}

/* ---- names_may_vary -------------------------------------------------------- */

/* The facts of the article handle at idx, which must be the current call's. */
static const fl_facts *nm_check_article(lua_State *L, int idx)
{
    fl_rule_state *st = fl_lua_state(L);
    void *p = lua_touserdata(L, idx);
    if (!st || !st->call || !st->call->a || !p || p != st->call->article_ud)
        luaL_argerror(L, idx, "not the article of the current check");
    return st->call->facts;
}

/* Distinct capitalised words met in an article's names, by place: one list
 * a place (initial A-Z, and whether it is a name's last word). */
#define NM_PLACES 52
#define NM_POOL   1024

typedef struct nm_seen {
    const char *s;
    size_t n;
    int next; /* the next word of its place, -1: none */
} nm_seen;

static bool nm_ascii_sep(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '-' ||
           c == '.' || c == ',' || c == '\'';
}

/* ASCII white space, as util.normalise folds it. */
static bool nm_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static char nm_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Whether the lower cases of a[0..an) and b[0..bn) (an, bn differing by at
 * most one) are one edit apart: a letter added, dropped, changed, or two
 * adjacent letters swapped (util.edit_distance(a, b, 1) == 1). */
static bool nm_one_edit(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > bn) {
        const char *t = a;
        a = b;
        b = t;
        size_t tn = an;
        an = bn;
        bn = tn;
    }
    size_t i = 0;
    while (i < an && nm_lower(a[i]) == nm_lower(b[i]))
        i++;
    if (an == bn) {
        if (i == an)
            return false; /* the same */
        if (i + 1 < an && nm_lower(a[i]) == nm_lower(b[i + 1]) &&
            nm_lower(a[i + 1]) == nm_lower(b[i])) {
            i += 2; /* swapped */
        } else {
            i += 1; /* changed */
        }
        for (; i < an; i++)
            if (nm_lower(a[i]) != nm_lower(b[i]))
                return false;
        return true;
    }
    /* b is a longer by one letter, added at i */
    for (; i < an; i++)
        if (nm_lower(a[i]) != nm_lower(b[i + 1]))
            return false;
    return true;
}

/* Whether the lower cases of a and b (an < bn) are a word and its plural in
 * -s or -es. */
static bool nm_plural(const char *a, size_t an, const char *b, size_t bn)
{
    size_t k = bn - an;
    if (k != 1 && k != 2)
        return false;
    for (size_t i = 0; i < an; i++)
        if (nm_lower(a[i]) != nm_lower(b[i]))
            return false;
    if (k == 1)
        return nm_lower(b[an]) == 's';
    return nm_lower(b[an]) == 'e' && nm_lower(b[an + 1]) == 's';
}

/* Whether two different ASCII words of one place and initial are spellings of
 * one word (see names_may_vary). */
static bool nm_variants(const char *a, size_t an, const char *b, size_t bn, double min_letters)
{
    if (an == bn) {
        size_t i = 0;
        while (i < an && nm_lower(a[i]) == nm_lower(b[i]))
            i++;
        if (i == an) /* the same in lower case: not a capitalised first letter alone */
            return memcmp(a + 1, b + 1, an - 1) != 0;
    } else if (an + 1 != bn && bn + 1 != an) {
        return false;
    }
    if ((double)an < min_letters || (double)bn < min_letters)
        return false;
    if (an < bn ? nm_plural(a, an, b, bn) : nm_plural(b, bn, a, an))
        return false;
    return nm_one_edit(a, an, b, bn);
}

/***
 * factlint.util.names_may_vary(article, min_letters) -> boolean
 *
 * A quick test of whether the article's names can hold one word spelled two
 * ways, for a rule to pass over most articles before its own word-by-word
 * work.  The words compared are those of person and organisation facts'
 * names (parted by white space, `-`, `.`, `,` and `'`) that start with a
 * capital A-Z and hold a lower-case letter a-z, each in its place: a name's
 * last word, or another word, with its initial.  Two different words of one
 * place are spellings of one word when they are the same apart from letter
 * case after the first letter, or when both have at least min_letters
 * letters, they are one edit apart in lower case (util.edit_distance) and
 * neither is the other plus "s" or "es".  True when some place holds such a
 * pair, or some name is outside ASCII (not compared here), or more than 1,024
 * distinct words are met; and the article names at least two different
 * names.  False means no two words of its names are such spellings.
 * `article` is the handle of the current check or key() call.
 */
static int u_names_may_vary(lua_State *L)
{
    const fl_facts *fs = nm_check_article(L, 1);
    double min_letters = luaL_checknumber(L, 2);
    nm_seen pool[NM_POOL];
    int head[NM_PLACES];
    for (int i = 0; i < NM_PLACES; i++)
        head[i] = -1;
    int used = 0;
    const char *first = NULL;
    bool two = false, may = false;
    for (size_t k = 0; k < fs->n; k++) {
        const fl_fact *f = &fs->items[k];
        const char *s = f->name;
        if ((f->kind != FL_FACT_PERSON && f->kind != FL_FACT_ORG) || !s)
            continue;
        if (!first)
            first = s;
        else if (!two && strcmp(first, s))
            two = true;
        if (may) {
            if (two)
                break;
            continue;
        }
        size_t n = strlen(s);
        for (size_t i = 0; i < n && !may; i++)
            may = (unsigned char)s[i] >= 0x80;
        size_t i = 0;
        while (i < n && !may) {
            while (i < n && nm_ascii_sep((unsigned char)s[i]))
                i++;
            if (i == n)
                break;
            size_t start = i;
            bool lower = false;
            while (i < n && !nm_ascii_sep((unsigned char)s[i])) {
                lower = lower || (s[i] >= 'a' && s[i] <= 'z');
                i++;
            }
            if (s[start] < 'A' || s[start] > 'Z' || !lower)
                continue;
            size_t end = i, j = i;
            while (j < n && nm_ascii_sep((unsigned char)s[j]))
                j++;
            int place = (s[start] - 'A') + (j < n ? 26 : 0);
            const char *w = s + start;
            size_t wn = end - start;
            bool known = false;
            for (int x = head[place]; x >= 0 && !known && !may; x = pool[x].next) {
                if (pool[x].n == wn && !memcmp(pool[x].s, w, wn))
                    known = true;
                else if (nm_variants(pool[x].s, pool[x].n, w, wn, min_letters))
                    may = true;
            }
            if (known || may)
                continue;
            if (used == NM_POOL) {
                may = true;
                break;
            }
            pool[used].s = w;
            pool[used].n = wn;
            pool[used].next = head[place];
            head[place] = used++;
        }
        if (may && two)
            break;
    }
    lua_pushboolean(L, may && two);
    return 1;
}

/* ---- name_shape ------------------------------------------------------------ */

/* Appends the util.normalise forms of words [from, to) of s to sb, each after
 * `sep` but the first (a NUL sep: each after it, the first too); sets *space
 * when one holds a space. */
static void nm_join(lua_State *L, fl_strbuf *sb, const char *s, const nm_words *ws, size_t from,
                    size_t to, char sep, bool *space)
{
    for (size_t i = from; i < to; i++) {
        if ((i > from || !sep) && fl_strbuf_addch(sb, sep))
            luaL_error(L, "not enough memory");
        size_t at = sb->len;
        nm_normalise(L, sb, s + ws->w[i].start, ws->w[i].end - ws->w[i].start);
        if (space && memchr(sb->buf + at, ' ', sb->len - at))
            *space = true;
    }
}

/* Pushes the lower case of the ASCII words [from, to) of s joined by spaces
 * (their util.normalise form: an ASCII word holds no white space). */
static void nm_push_lower_words(lua_State *L, const char *s, const nm_words *ws, size_t from,
                                size_t to)
{
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    size_t room = ws->w[to - 1].end - ws->w[from].start;
    if (fl_strbuf_grow(sc, room))
        luaL_error(L, "not enough memory");
    char *out = sc->buf;
    for (size_t i = from; i < to; i++) {
        if (i > from)
            *out++ = ' ';
        for (size_t j = ws->w[i].start; j < ws->w[i].end; j++)
            *out++ = nm_lower(s[j]);
    }
    lua_pushlstring(L, sc->buf, (size_t)(out - sc->buf));
}

/* Pushes util.skeleton(s[0..n)) (s valid UTF-8). */
static void nm_push_skeleton(lua_State *L, const char *s, size_t n, bool ascii)
{
    if (!ascii || memchr(s, '\0', n)) {
        char *sk = fl_skeleton(s, n);
        if (!sk)
            luaL_error(L, "not enough memory");
        lua_pushstring(L, sk);
        fl_free(sk);
        return;
    }
    /* ASCII: util.normalise lower-cases and parts words by single spaces
     * (none at the ends); fl_skeleton's passes then work within words */
    pthread_once(&nm_skeleton_once, nm_skeleton_init);
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    fl_strbuf_reset(sc);
    if (fl_strbuf_grow(sc, n))
        luaL_error(L, "not enough memory");
    char *out = sc->buf;
    size_t i = 0;
    while (i < n) {
        while (i < n && nm_space((unsigned char)s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !nm_space((unsigned char)s[i]))
            i++;
        if (out > sc->buf)
            *out++ = ' ';
        out += nm_skeleton_ascii(out, s + start, i - start, 0);
    }
    lua_pushlstring(L, sc->buf, (size_t)(out - sc->buf));
}

/* Pushes name_shape's four values for the name s[0..n) (valid UTF-8). */
static void nm_push_shape(lua_State *L, const char *s, size_t n)
{
    luaL_checkstack(L, 4, "name_shape");
    bool ascii = fl_is_ascii(s, n);
    nm_words ws;
    nm_split(L, &ws, s, n, true);
    size_t k = ws.n;
    while (k > 1 &&
           nm_word_is_suffix(L, s + ws.w[k - 1].start, ws.w[k - 1].end - ws.w[k - 1].start))
        k--;
    if (k == 0) {
        lua_pushnil(L);
        lua_pushnil(L);
        lua_pushnil(L);
    } else if (ascii) {
        if (k < 2)
            lua_pushnil(L);
        else
            nm_push_lower_words(L, s, &ws, 0, k - 1);
        nm_push_lower_words(L, s, &ws, k - 1, k);
        lua_pushlstring(L, s + ws.w[k - 1].start, ws.w[k - 1].end - ws.w[k - 1].start);
    } else {
        fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
        fl_strbuf_reset(sc);
        if (k < 2) {
            lua_pushnil(L);
        } else {
            bool space = false;
            nm_join(L, sc, s, &ws, 0, k - 1, ' ', &space);
            if (space) {
                fl_strbuf_reset(sc);
                nm_join(L, sc, s, &ws, 0, k - 1, '\0', NULL);
            }
            lua_pushlstring(L, sc->buf, sc->len);
            fl_strbuf_reset(sc);
        }
        const nm_span *last = &ws.w[k - 1];
        nm_normalise(L, sc, s + last->start, last->end - last->start);
        lua_pushlstring(L, sc->buf, sc->len);
        lua_pushlstring(L, s + last->start, last->end - last->start);
    }
    nm_push_skeleton(L, s, n, ascii);
}

/***
 * factlint.util.name_shape(name) -> head | nil, last | nil, last_as_written | nil, skeleton
 *
 * A name cut for comparing its spellings word by word.  Its words are
 * util.name_key's (parted by white space, `-`, `.`, `,`, `'`, `&`, `(`, `)`
 * and U+2019, whole characters), legal suffixes at the end dropped as there
 * (never the first word).  `last` is the last word in its util.normalise
 * form and `last_as_written` the same word as written; `head` is the
 * util.normalise forms of the words before it joined by spaces, or, when
 * one of them holds a space (util.normalise folds Unicode spaces to ' '),
 * each after a NUL ("\0jean\0paul"), so that two heads are equal exactly
 * when their words are.  "Jean-Paul de la Rua" -> "jean paul de la", "rua",
 * "Rua"; "Harbour Trade Co." -> "harbour", "trade", "Trade".  head is nil
 * for a name of one word, and the first three are nil for a name without
 * words.  `skeleton` is util.skeleton(name), of the whole name (made
 * without normalising a name in ASCII twice).  Raises on invalid UTF-8.
 */
static int u_name_shape(lua_State *L)
{
    size_t n;
    const char *s = nm_check_utf8(L, 1, &n);
    lua_settop(L, 1);
    nm_push_shape(L, s, n);
    return 4;
}

/* ---- spellings ------------------------------------------------------------ */

/* The spelling of fact f: its canonical name, else its name; NULL for a fact
 * without either (or of a kind without names). */
static const char *nm_spelling_of(const fl_fact *f)
{
    if (f->kind != FL_FACT_PERSON && f->kind != FL_FACT_ORG && f->kind != FL_FACT_PLACE)
        return NULL;
    return f->canonical ? f->canonical : f->name;
}

/* Walks a list of fact handles, telling articles apart as a corpus check
 * must: another article starts where the article id changes, or where an
 * offset does not grow (two articles may share an id). */
typedef struct nm_walk {
    const char *article; /* of the previous fact, NULL before the first */
    size_t offset;
    lua_Integer run; /* the number of the current article, from 1 */
} nm_walk;

/* The fact at index i of the list at idx, its article counted in w (the
 * handle is left on the stack when keep is set). */
static const fl_fact *nm_walk_fact(lua_State *L, int idx, lua_Integer i, nm_walk *w, bool keep)
{
    lua_rawgeti(L, idx, i);
    const fl_kept *kept = NULL;
    const fl_fact *f = fl_lua_check_fact(L, -1, &kept);
    if (!keep)
        lua_pop(L, 1);
    const char *article = "";
    if (kept) {
        article = kept->article_id ? kept->article_id : "";
    } else {
        fl_rule_state *st = fl_lua_state(L);
        const fl_article *a = st && st->call ? st->call->a : NULL;
        if (a)
            article = a->id ? a->id : a->path ? a->path : "";
    }
    if (!w->article || (article != w->article && strcmp(article, w->article)) ||
        f->offset <= w->offset)
        w->run++;
    w->article = article;
    w->offset = f->offset;
    return f;
}

/* A distinct spelling (of one tag: util.name_keys' fact kind, else 0), and
 * the articles it is used in. */
typedef struct nm_spelling {
    const char *s;
    size_t n;
    unsigned hash;
    int tag;
    lua_Integer articles, uses, last_run;
} nm_spelling;

#define NM_STACK_SPELLINGS 64

typedef struct nm_spellings {
    nm_spelling *e;
    int *slot; /* open addressing: index into e, -1 empty */
    size_t n, cap, slots;
    nm_spelling stack_e[NM_STACK_SPELLINGS];
    int stack_slot[2 * NM_STACK_SPELLINGS];
} nm_spellings;

/* A hash of s[0..n): its length and its first and last eight bytes (names
 * that share all three are told apart by their bytes). */
static unsigned nm_hash(const char *s, size_t n)
{
    uint64_t a = 0, b = n;
    if (n >= 8) {
        memcpy(&a, s, 8);
        uint64_t t;
        memcpy(&t, s + n - 8, 8);
        b ^= t;
    } else {
        for (size_t i = 0; i < n; i++)
            a = a << 8 | (unsigned char)s[i];
    }
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ b * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (unsigned)(h ^ h >> 32);
}

static void nm_spellings_init(nm_spellings *t)
{
    t->e = t->stack_e;
    t->slot = t->stack_slot;
    t->n = 0;
    t->cap = NM_STACK_SPELLINGS;
    t->slots = 2 * NM_STACK_SPELLINGS;
    for (size_t i = 0; i < t->slots; i++)
        t->slot[i] = -1;
}

/* The entry of spelling s[0..n) with tag, added when new (room grows in a
 * userdata left on the Lua stack). */
static nm_spelling *nm_spellings_get(lua_State *L, nm_spellings *t, const char *s, size_t n,
                                     int tag)
{
    unsigned h = nm_hash(s, n) + (unsigned)tag;
    size_t mask = t->slots - 1, i = h & mask;
    for (; t->slot[i] >= 0; i = (i + 1) & mask) {
        nm_spelling *e = &t->e[t->slot[i]];
        if (e->hash == h && e->n == n && e->tag == tag && !memcmp(e->s, s, n))
            return e;
    }
    if (t->n == t->cap) {
        if (t->cap > (size_t)INT_MAX / 4)
            luaL_error(L, "too many spellings");
        size_t cap = 2 * t->cap, slots = 2 * cap;
        luaL_checkstack(L, 1, "spellings");
        char *mem = lua_newuserdatauv(L, cap * sizeof(nm_spelling) + slots * sizeof(int), 0);
        nm_spelling *e = (nm_spelling *)mem;
        int *slot = (int *)(mem + cap * sizeof(nm_spelling));
        memcpy(e, t->e, t->n * sizeof *e);
        for (size_t k = 0; k < slots; k++)
            slot[k] = -1;
        for (size_t k = 0; k < t->n; k++) {
            size_t j = e[k].hash & (slots - 1);
            while (slot[j] >= 0)
                j = (j + 1) & (slots - 1);
            slot[j] = (int)k;
        }
        t->e = e;
        t->slot = slot;
        t->cap = cap;
        t->slots = slots;
        mask = slots - 1;
        for (i = h & mask; t->slot[i] >= 0; i = (i + 1) & mask)
            ;
    }
    nm_spelling *e = &t->e[t->n];
    e->s = s;
    e->n = n;
    e->hash = h;
    e->tag = tag;
    e->articles = e->uses = e->last_run = 0;
    t->slot[i] = (int)t->n++;
    return e;
}

/***
 * factlint.util.fact_spellings(facts [, min [, shapes]]) -> {{name, articles, uses}, ...} | nil
 *
 * The distinct spellings of the names in a list of facts (a corpus check's
 * `facts`, or any list of fact handles in article order), in order of first
 * use: `name` is the spelling (the fact's canonical name, else its name),
 * `articles` the number of articles it is used in and `uses` the number of
 * its facts.  Facts without a name are passed over.  Articles are told
 * apart as facts come: another article starts where the fact's article id
 * changes or its offset does not grow (two articles may share an id).  nil
 * when there are fewer than `min` (default 1) distinct spellings, which
 * costs one string comparison a fact when the names are all one.  With
 * `shapes` true each spelling also has the fields `head`, `last`,
 * `last_raw` and `skeleton`: util.name_shape(name)'s four values (`head`
 * absent for a name of one word, the first three for a name without words).
 */
static int u_fact_spellings(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer min = luaL_optinteger(L, 2, 1);
    bool shapes = lua_toboolean(L, 3);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    lua_settop(L, 1);
    /* most lists hold one spelling: compare with the first until one differs */
    const char *first = NULL;
    bool differ = false;
    for (lua_Integer i = 1; i <= n && !differ; i++) {
        lua_rawgeti(L, 1, i);
        const char *s = nm_spelling_of(fl_lua_check_fact(L, -1, NULL));
        lua_pop(L, 1);
        if (!s)
            continue;
        if (!first)
            first = s;
        else if (s != first && strcmp(s, first))
            differ = true;
    }
    if (!differ && (first ? 1 : 0) < min) {
        lua_pushnil(L);
        return 1;
    }
    nm_spellings t;
    nm_spellings_init(&t);
    nm_walk w = {NULL, 0, 0};
    for (lua_Integer i = 1; i <= n; i++) {
        const fl_fact *f = nm_walk_fact(L, 1, i, &w, false);
        const char *s = nm_spelling_of(f);
        if (!s)
            continue;
        nm_spelling *e = nm_spellings_get(L, &t, s, strlen(s), 0);
        e->uses++;
        if (e->last_run != w.run) {
            e->last_run = w.run;
            e->articles++;
        }
    }
    if ((lua_Integer)t.n < min) {
        lua_pushnil(L);
        return 1;
    }
    luaL_checkstack(L, 4, "spellings");
    lua_createtable(L, (int)t.n, 0);
    for (size_t k = 0; k < t.n; k++) {
        lua_createtable(L, 0, 8); /* (room for fields of the caller's) */
        lua_pushlstring(L, t.e[k].s, t.e[k].n);
        lua_setfield(L, -2, "name");
        lua_pushinteger(L, t.e[k].articles);
        lua_setfield(L, -2, "articles");
        lua_pushinteger(L, t.e[k].uses);
        lua_setfield(L, -2, "uses");
        if (shapes) {
            nm_push_shape(L, t.e[k].s, t.e[k].n);
            lua_setfield(L, -5, "skeleton");
            lua_setfield(L, -4, "last_raw");
            lua_setfield(L, -3, "last");
            if (lua_isnil(L, -1))
                lua_pop(L, 1);
            else
                lua_setfield(L, -2, "head");
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/***
 * factlint.util.spelling_articles(facts, name) -> {fact, ...}, {integer, ...}
 *
 * The articles of a list of facts (as util.fact_spellings tells them apart) in
 * which `name` is a fact's spelling (its canonical name, else its name): the
 * first such fact of each article, and each article's number (1 for the
 * list's first article, counting every article of the list), both in
 * article order.  Two empty lists when no fact is spelled so.
 */
static int u_spelling_articles(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    lua_settop(L, 2);
    lua_newtable(L); /* 3: the first facts */
    lua_newtable(L); /* 4: their articles */
    nm_walk w = {NULL, 0, 0};
    lua_Integer last = 0, k = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        const fl_fact *f = nm_walk_fact(L, 1, i, &w, true);
        const char *s = nm_spelling_of(f);
        if (s && w.run != last && strlen(s) == len && !memcmp(s, name, len)) {
            last = w.run;
            k++;
            lua_rawseti(L, 3, k); /* the handle on top */
            lua_pushinteger(L, w.run);
            lua_rawseti(L, 4, k);
        } else {
            lua_pop(L, 1);
        }
    }
    return 2;
}

/* ---- name_keys ------------------------------------------------------------ */

/* The keys of names met in earlier calls, one cache a Lua state (names recur
 * across articles: 22,598 distinct among the 53,351 first uses of a name in
 * Reuters' articles).  Direct-mapped by the hash of (kind, spelling); a slot
 * holds the spelling and then its key in `text`, and is overwritten by the
 * next name of its slot.  Names and keys that do not fit are not cached. */
#define NM_CACHE_SLOTS 4096
#define NM_CACHE_TEXT  94

typedef struct nm_cache_slot {
    unsigned hash;
    int kind;                 /* -1: empty */
    unsigned char n;          /* the spelling's length */
    signed char key_n;        /* the key's length, -1: the name has none */
    char text[NM_CACHE_TEXT]; /* the spelling, then its key */
} nm_cache_slot;

static const char nm_cache_id = 0; /* its address keys the cache in the registry */

/* The state's cache (made on first use), left on the stack. */
static nm_cache_slot *nm_cache(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &nm_cache_id) == LUA_TUSERDATA)
        return lua_touserdata(L, -1);
    lua_pop(L, 1);
    nm_cache_slot *c = lua_newuserdatauv(L, NM_CACHE_SLOTS * sizeof *c, 0);
    for (size_t i = 0; i < NM_CACHE_SLOTS; i++)
        c[i].kind = -1;
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &nm_cache_id);
    return c;
}

/* Pushes the name key of spelling s[0..n) (hash: of s and kind, as
 * nm_spellings_get's) of a fact of `kind`, from the cache or made and
 * cached; false (nothing pushed) when it has none. */
static bool nm_push_cached_key(lua_State *L, nm_cache_slot *cache, unsigned hash, int kind,
                               const char *s, size_t n)
{
    nm_cache_slot *c = &cache[hash & (NM_CACHE_SLOTS - 1)];
    if (c->kind == kind && c->hash == hash && c->n == n && !memcmp(c->text, s, n)) {
        if (c->key_n < 0)
            return false;
        lua_pushlstring(L, c->text + n, (size_t)c->key_n);
        return true;
    }
    const char *prefix = fl_fact_kind_name((fl_fact_kind)kind);
    bool has = nm_key(L, s, n, prefix, strlen(prefix));
    fl_strbuf *sc = &fl_sandbox_of(L)->scratch;
    size_t key_n = has ? sc->len : 0;
    if (n + key_n <= NM_CACHE_TEXT) {
        c->kind = kind;
        c->hash = hash;
        c->n = (unsigned char)n;
        c->key_n = has ? (signed char)key_n : -1;
        memcpy(c->text, s, n);
        if (has)
            memcpy(c->text + n, sc->buf, key_n);
    }
    if (has)
        lua_pushlstring(L, sc->buf, sc->len);
    return has;
}

/***
 * factlint.util.name_keys(article, keep [, kinds [, first]])
 *
 * util.name_key for all of an article's names in one call, for a corpus
 * rule's `keys(article, keep)`: walks the article's facts of the kinds in
 * the list `kinds` (fact kind names; default `{"person", "org"}`) in
 * document order and calls `keep(i, key)` for each fact whose
 * `util.name_key(fact)` is not nil (`i` the fact's number; the key is
 * `util.name_key(name, kind)` of its canonical name, else its name).  A
 * key is worked out once for each distinct kind and spelling of the
 * article (and looked up first in a cache of the last 4,096 or so names
 * keyed in the rule state), and facts without a name are passed over.  With `first` true
 * only the first fact of each kind and spelling is kept: enough for a rule
 * that counts the articles a spelling is used in or reports its first use
 * in each (util.fact_spellings' `articles`, util.spelling_articles), with
 * fewer facts to keep and sort (util.fact_spellings' `uses` then counts
 * articles too).  `keep` is any function: the one keys() gets, or one of
 * the caller's.  `article` is the handle of the current call.  Raises when
 * `kinds` is not a list of fact kind names.
 */
static int u_name_keys(lua_State *L)
{
    const fl_facts *fs;
    fl_lua_current_article(L, 1, &fs);
    luaL_checkany(L, 2);
    unsigned kinds = (1u << FL_FACT_PERSON) | (1u << FL_FACT_ORG);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        kinds = 0;
        lua_Integer nk = (lua_Integer)lua_rawlen(L, 3);
        for (lua_Integer i = 1; i <= nk; i++) {
            lua_rawgeti(L, 3, i);
            const char *name = lua_tostring(L, -1);
            int k = name ? fl_fact_kind_from_name(name) : -1;
            if (k < 0)
                return luaL_error(L, "name_keys: unknown fact kind '%s'",
                                  name ? name : luaL_typename(L, -1));
            kinds |= 1u << (unsigned)k;
            lua_pop(L, 1);
        }
    }
    bool first = lua_toboolean(L, 4);
    lua_settop(L, 2);
    /* 3: the key of each distinct spelling by its number in t (false: none),
     * for its later facts; not needed when only the first fact is kept */
    if (first)
        lua_pushnil(L);
    else
        lua_newtable(L);
    nm_cache_slot *cache = nm_cache(L); /* 4 */
    nm_spellings t;                     /* the article's distinct (kind, spelling) pairs */
    nm_spellings_init(&t);
    for (size_t k = 0; k < fs->n; k++) {
        const fl_fact *f = &fs->items[k];
        if (!(kinds & (1u << f->kind)))
            continue;
        const char *s = nm_spelling_of(f);
        if (!s)
            continue;
        size_t n = strlen(s);
        nm_spelling *e = nm_spellings_get(L, &t, s, n, (int)f->kind);
        if (e->uses++) {
            if (first)
                continue;
            lua_rawgeti(L, 3, e - t.e + 1);
            if (!lua_toboolean(L, -1)) {
                lua_pop(L, 1);
                continue;
            }
        } else {
            if (!nm_push_cached_key(L, cache, e->hash, (int)f->kind, s, n)) {
                if (!first) {
                    lua_pushboolean(L, 0);
                    lua_rawseti(L, 3, e - t.e + 1);
                }
                continue;
            }
            if (!first) {
                lua_pushvalue(L, -1);
                lua_rawseti(L, 3, e - t.e + 1);
            }
        }
        /* the key on top: keep(i, key) */
        luaL_checkstack(L, 3, "name_keys");
        lua_pushvalue(L, 2);
        lua_pushinteger(L, (lua_Integer)k + 1);
        lua_rotate(L, -3, -1);
        lua_call(L, 2, 0);
    }
    return 0;
}

static const luaL_Reg util_names_funcs[] = {
    {"name_key", u_name_key},
    {"names_may_vary", u_names_may_vary},
    {"name_shape", u_name_shape},
    {"fact_spellings", u_fact_spellings},
    {"spelling_articles", u_spelling_articles},
    {"name_keys", u_name_keys},
    {NULL, NULL},
};

void fl_lua_open_util_names(lua_State *L)
{
    luaL_setfuncs(L, util_names_funcs, 0);
}
