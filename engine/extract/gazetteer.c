#include "extract/gazetteer.h"

#include "core/alloc.h"
#include "core/arena.h"
#include "core/normalize.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

/*
 * A slot of a table.  A lookup's slot is seldom in the cache (the other
 * extractors evict the tables between articles), so a prefix's slot also
 * holds the entry of its word alone: the names extractor asks for a word's
 * prefix and then, for a single word, for its entry, which it then reads
 * from the same slot (PREFIX_ONE).
 */
typedef struct gz_slot {
    const char *key; /* normalised, NUL-terminated; NULL = empty slot */
    uint32_t len;
    /* entries: place index << 1 | demonym; prefixes: max words (the low
     * PREFIX_ONE bits) | (the entries' val of the key itself + 1, or 0 when
     * it is no entry) << PREFIX_ONE */
    uint32_t val;
} gz_slot;

#define PREFIX_ONE   8 /* max words: the low bits of a prefix's val */
#define PREFIX_WORDS ((1u << PREFIX_ONE) - 1)
/* a prefix's entry too large for its bits: looked up in the entries */
#define PREFIX_ONE_FAR (UINT32_MAX >> PREFIX_ONE)

#define PREFIX_BLOOM_BITS 16384u /* a power of two; a few thousand first words */

/* The bloom bit of a prefix key from its fl_key_hash: bits of the hash that
 * the tables' slot index (its low bits) does not use. */
static inline uint32_t prefix_bit(uint64_t h)
{
    return (uint32_t)(h >> 40) & (PREFIX_BLOOM_BITS - 1);
}

typedef struct gz_table {
    gz_slot *slots;
    size_t cap, n; /* cap is a power of two */
} gz_table;

struct fl_gazetteer {
    fl_arena arena;
    fl_place *places;
    size_t n_places, cap_places;
    gz_table entries;
    gz_table prefixes;
    /* bit prefix_bit(fl_key_hash(k)) set for every key k of prefixes: most
     * words the names extractor asks about are rejected by it, and the
     * others are looked up with the hash already taken */
    uint64_t prefix_bloom[PREFIX_BLOOM_BITS / 64];
};

/* The slot of key[0..n) (hash h, fl_key_hash), or the empty slot where it
 * would go. */
static gz_slot *table_find_hashed(const gz_table *t, const char *key, size_t n, uint64_t h)
{
    if (!t->cap)
        return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        gz_slot *s = &t->slots[i];
        if (!s->key || (s->len == n && memcmp(s->key, key, n) == 0))
            return s;
    }
}

static gz_slot *table_find(const gz_table *t, const char *key, size_t n)
{
    return table_find_hashed(t, key, n, fl_key_hash(key, n, 0));
}

/* True when key[0..n) is word[0..n) lower-cased (FL_BIT5_EACH: word is
 * ASCII letters, digits, apostrophes, hyphens, stops and spaces), eight
 * bytes at a time. */
static bool equal_lower(const char *key, const char *word, size_t n)
{
    const unsigned char *k = (const unsigned char *)key, *w = (const unsigned char *)word;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if (fl_key_chunk(k + i, 8) != (fl_key_chunk(w + i, 8) | FL_BIT5_EACH))
            return false;
    return i == n || fl_key_chunk(k + i, n - i) ==
                         (fl_key_chunk(w + i, n - i) | FL_BIT5_EACH >> (8 * (8 - (n - i))));
}

/* table_find of word lower-cased (gazetteer.h: ASCII), without a copy:
 * the same hash (h, fl_key_hash with FL_BIT5_EACH) and the same compare,
 * the first eight bytes against the slot's head (n >= 1). */
static gz_slot *table_find_lower(const gz_table *t, const char *word, size_t n, uint64_t h)
{
    if (!t->cap || n == 0)
        return NULL; /* (no key is empty) */
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        gz_slot *s = &t->slots[i];
        if (!s->key || (s->len == n && equal_lower(s->key, word, n)))
            return s;
    }
}

static int table_grow(gz_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    gz_slot *slots = fl_calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    gz_table nt = {slots, cap, t->n};
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            *table_find(&nt, t->slots[i].key, t->slots[i].len) = t->slots[i];
    fl_free(t->slots);
    *t = nt;
    return 0;
}

/* The slot for key, inserted (val 0) when new; NULL on ENOMEM.  key must
 * outlive the table (it lives in the arena). */
static gz_slot *table_put(gz_table *t, const char *key, size_t n, bool *fresh)
{
    if ((t->n + 1) * 2 > t->cap && table_grow(t) < 0)
        return NULL;
    gz_slot *s = table_find(t, key, n);
    *fresh = !s->key;
    if (!s->key) {
        s->key = key;
        s->len = (uint32_t)n;
        s->val = 0;
        t->n++;
    }
    return s;
}

bool fl_word_cp(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
        return true;
    default:
        return false;
    }
}

static bool is_alpha_ascii(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Length of a word character at s[i], 0 when it is not one. */
static size_t word_char(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return fl_word_cp(c) ? 1 : 0;
    size_t j = i;
    uint32_t cp = fl_utf8_next(s, len, &j);
    return fl_word_cp(cp) ? j - i : 0;
}

/* Length of an inner joiner (apostrophe or hyphen) at s[i], 0 otherwise. */
static size_t joiner(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\'' || c == '-')
        return 1;
    if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80) {
        unsigned char d = (unsigned char)s[i + 2];
        if (d == 0x99 || d == 0x90 || d == 0x91) /* U+2019, U+2010, U+2011 */
            return 3;
    }
    return 0;
}

/* ASCII letters and digits: 1, every other byte 0 (gazetteer.h). */
const unsigned char fl_ascii_alnum[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

bool fl_word_next(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
    size_t i = *pos;
    size_t w = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (fl_ascii_alnum[c]) {
                w = 1;
                break;
            }
            i++;
            continue;
        }
        if ((w = word_char(s, len, i)))
            break;
        fl_utf8_next(s, len, &i);
    }
    if (i >= len)
        return false;
    *start = i;
    /* Dotted initialism: "U.S." "U.K." "N.Y." */
    if (is_alpha_ascii(s[i]) && i + 3 < len && s[i + 1] == '.' && is_alpha_ascii(s[i + 2]) &&
        s[i + 3] == '.') {
        size_t j = i;
        while (j + 1 < len && is_alpha_ascii(s[j]) && s[j + 1] == '.')
            j += 2;
        *end = *pos = j;
        return true;
    }
    i += w;
    for (;;) {
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x80 && fl_ascii_alnum[c])
                i++;
            else if (c >= 0x80 && (w = word_char(s, len, i)))
                i += w;
            else
                break;
        }
        size_t jn;
        if (i < len && (jn = joiner(s, len, i)) && i + jn < len && word_char(s, len, i + jn)) {
            i += jn;
            continue;
        }
        break;
    }
    *end = *pos = i;
    return true;
}

static unsigned count_words(const char *s, size_t n, size_t *first_len)
{
    size_t pos = 0, ws, we;
    unsigned k = 0;
    *first_len = 0;
    while (fl_word_next(s, n, &pos, &ws, &we)) {
        if (k == 0)
            *first_len = we; /* a normalised key has no leading space */
        k++;
    }
    return k;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Heuristic: a single-word (normalised) variant of a country or region that
 * reads as a demonym.  See gazetteer.h. */
static bool demonym_like(const char *k, size_t n)
{
    static const char *const people[] = {
        "dane",    "pole",    "swede",    "serb",     "croat",    "finn",     "briton",  "khmer",
        "turkmen", "kazakh",  "kyrgyz",   "thai",     "lao",      "filipino", "slovene", "greek",
        "kiwi",    "bajan",   "azeri",    "swazi",    "magyar",   "tajik",    "uzbek",   "slovak",
        "basotho", "mosotho", "motswana", "batswana", "malagasy", "saudi",    "somali",
    };
    static const char *const places[] = {"vatican", "ulster",  "donbass", "suomi",
                                         "eesti",   "euskadi", "island"};
    static const char *const suffixes[] = {"an", "ese", "ish", "i",   "ic",  "ot", "ch",
                                           "ss", "ie",  "ine", "que", "ois", "er", "ean"};
    if (memchr(k, ' ', n))
        return false;
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if (strlen(places[i]) == n && memcmp(k, places[i], n) == 0)
            return false;
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        if (strlen(people[i]) == n && memcmp(k, people[i], n) == 0)
            return true;
    if (ends_with(k, n, "stan") || n < 4)
        return false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(k, n, suffixes[i]))
            return true;
    return false;
}

static fl_status add_key(fl_gazetteer *g, const char *text, size_t n, uint32_t place, bool variant,
                         fl_strbuf *scratch, fl_error *err)
{
    fl_strbuf_reset(scratch);
    if (fl_normalize_append(scratch, text, n) < 0)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    if (scratch->len == 0)
        return FL_OK;
    const char *key = fl_arena_strndup(&g->arena, scratch->buf, scratch->len);
    if (!key)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    size_t klen = scratch->len;
    bool demonym = false;
    if (variant) {
        const char *kind = g->places[place].kind;
        if (strcmp(kind, "country") == 0 || strcmp(kind, "region") == 0)
            demonym = demonym_like(key, klen);
    }
    bool fresh;
    gz_slot *s = table_put(&g->entries, key, klen, &fresh);
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    if (!fresh && !variant && (s->val & 1u) == 0)
        return FL_OK; /* the first canonical name wins */
    if (!fresh && variant)
        return FL_OK; /* a variant never overrides an earlier entry */
    s->val = place << 1 | (demonym ? 1u : 0u);
    size_t first_len;
    unsigned words = count_words(key, klen, &first_len);
    if (words == 0)
        return FL_OK;
    gz_slot *p = table_put(&g->prefixes, key, first_len, &fresh);
    if (!p)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    uint32_t bit = prefix_bit(fl_key_hash(key, first_len, 0));
    g->prefix_bloom[bit >> 6] |= 1ull << (bit & 63);
    if (words > PREFIX_WORDS)
        words = PREFIX_WORDS; /* (a bound: the search stops at a run's end) */
    if (words > p->val)
        p->val = words;
    return FL_OK;
}

static fl_status parse_line(fl_gazetteer *g, char *line, size_t n, fl_strbuf *scratch,
                            const char *path, long lineno, fl_error *err)
{
    char *field[4] = {line, NULL, NULL, NULL};
    size_t flen[4] = {0, 0, 0, 0};
    int nf = 1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] != '\t')
            continue;
        if (nf < 4) {
            flen[nf - 1] = i - start;
            field[nf] = line + i + 1;
            start = i + 1;
        }
        nf++;
    }
    if (nf <= 4)
        flen[nf - 1] = n - start;
    if (nf < 3 || nf > 4 || flen[0] == 0 || flen[1] == 0) {
        fl_error_set(err, FL_EPARSE,
                     "malformed gazetteer line in '%s': want name, kind, country, variants "
                     "separated by tabs",
                     path);
        fl_error_locate(err, path, lineno, -1);
        return FL_EPARSE;
    }
    if (fl_utf8_validate(line, n) != n) {
        fl_error_set(err, FL_EUTF8, "invalid UTF-8 in gazetteer '%s'", path);
        fl_error_locate(err, path, lineno, -1);
        return FL_EUTF8;
    }
    if (FL_GROW(g->places, g->cap_places, g->n_places + 1))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    fl_place *pl = &g->places[g->n_places];
    pl->name = fl_arena_strndup(&g->arena, field[0], flen[0]);
    pl->kind = fl_arena_strndup(&g->arena, field[1], flen[1]);
    pl->country = fl_arena_strndup(&g->arena, field[2], flen[2]);
    if (!pl->name || !pl->kind || !pl->country)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    uint32_t idx = (uint32_t)g->n_places++;
    fl_status st = add_key(g, field[0], flen[0], idx, false, scratch, err);
    if (st || nf < 4)
        return st;
    const char *v = field[3], *vend = field[3] + flen[3];
    while (v < vend) {
        const char *bar = memchr(v, '|', (size_t)(vend - v));
        const char *e = bar ? bar : vend;
        if (e > v && (st = add_key(g, v, (size_t)(e - v), idx, true, scratch, err)))
            return st;
        v = bar ? bar + 1 : vend;
    }
    return FL_OK;
}

fl_status fl_gazetteer_load(fl_gazetteer **out, const char *path, bool *missing, fl_error *err)
{
    fl_status st = FL_OK;
    char *line = NULL;
    size_t cap = 0;
    fl_strbuf scratch = FL_STRBUF_INIT;
    FILE *fp = NULL;
    fl_gazetteer *g = fl_calloc(1, sizeof *g);
    if (!g)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    if (missing)
        *missing = false;
    fp = fopen(path, "rb");
    if (!fp) {
        if (errno == ENOENT) {
            if (missing)
                *missing = true;
            goto cleanup;
        }
        st = fl_error_set(err, FL_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    long lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        line[n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (lineno == 1 && strncmp(line, "name\t", 5) == 0)
            continue;
        if ((st = parse_line(g, line, n, &scratch, path, lineno, err)))
            goto cleanup;
    }
    if (ferror(fp)) {
        st = fl_error_set(err, FL_EIO, "cannot read '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    /* each prefix's entry of its word alone (gz_slot.one) */
    for (size_t i = 0; i < g->prefixes.cap; i++) {
        gz_slot *p = &g->prefixes.slots[i];
        if (!p->key)
            continue;
        gz_slot *e = table_find(&g->entries, p->key, p->len);
        if (e && e->key)
            p->val |= (e->val < PREFIX_ONE_FAR - 1 ? e->val + 1 : PREFIX_ONE_FAR) << PREFIX_ONE;
    }
cleanup:
    if (fp)
        fclose(fp);
    free(line); /* getline allocates with malloc */
    fl_strbuf_release(&scratch);
    if (st) {
        fl_gazetteer_free(g);
        return st;
    }
    *out = g;
    return FL_OK;
}

void fl_gazetteer_free(fl_gazetteer *g)
{
    if (!g)
        return;
    fl_free(g->entries.slots);
    fl_free(g->prefixes.slots);
    fl_free(g->places);
    fl_arena_release(&g->arena);
    fl_free(g);
}

size_t fl_gazetteer_size(const fl_gazetteer *g)
{
    return g->entries.n;
}

const fl_place *fl_gazetteer_lookup(const fl_gazetteer *g, const char *key, size_t n, bool *demonym)
{
    gz_slot *s = table_find(&g->entries, key, n);
    if (!s || !s->key)
        return NULL;
    if (demonym)
        *demonym = (s->val & 1u) != 0;
    return &g->places[s->val >> 1];
}

const fl_place *fl_gazetteer_lookup_lower(const fl_gazetteer *g, const char *text, size_t n,
                                          uint64_t h, bool *demonym)
{
    gz_slot *s = table_find_lower(&g->entries, text, n, h);
    if (!s || !s->key)
        return NULL;
    if (demonym)
        *demonym = (s->val & 1u) != 0;
    return &g->places[s->val >> 1];
}

unsigned fl_gazetteer_max_words(const fl_gazetteer *g, const char *key, size_t n)
{
    uint64_t h = fl_key_hash(key, n, 0);
    uint32_t bit = prefix_bit(h);
    if (!(g->prefix_bloom[bit >> 6] >> (bit & 63) & 1))
        return 0;
    gz_slot *s = table_find_hashed(&g->prefixes, key, n, h);
    return s && s->key ? s->val & PREFIX_WORDS : 0;
}

unsigned fl_gazetteer_max_words_ascii(const fl_gazetteer *g, const char *word, size_t n, uint64_t h)
{
    /* the key is the word lower-cased (fl_normalize_append of ASCII without
     * white space), hashed (h) without being built; the bit set is asked
     * first, so that most words are never compared */
    uint32_t bit = prefix_bit(h);
    if (!(g->prefix_bloom[bit >> 6] >> (bit & 63) & 1))
        return 0;
    gz_slot *s = table_find_lower(&g->prefixes, word, n, h);
    return s && s->key ? s->val & PREFIX_WORDS : 0;
}

unsigned fl_gazetteer_first_ascii(const fl_gazetteer *g, const char *word, size_t n, uint64_t h,
                                  const fl_place **one, bool *demonym)
{
    *one = NULL;
    uint32_t bit = prefix_bit(h);
    if (!(g->prefix_bloom[bit >> 6] >> (bit & 63) & 1))
        return 0;
    gz_slot *s = table_find_lower(&g->prefixes, word, n, h);
    if (!s || !s->key)
        return 0;
    uint32_t e = s->val >> PREFIX_ONE;
    if (e == PREFIX_ONE_FAR)
        *one = fl_gazetteer_lookup_lower(g, word, n, h, demonym);
    else if (e) {
        *one = &g->places[(e - 1) >> 1];
        *demonym = ((e - 1) & 1u) != 0;
    }
    return s->val & PREFIX_WORDS;
}
