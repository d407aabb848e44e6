/*
 * quote.c - the quote extractor: direct speech and who said it.
 *
 * Marks: straight '"' and curly U+201C/U+201D double quotes.  Single quotes
 * are never top-level marks, so apostrophes ("don't", "Xi's") and nested
 * quotes ('...' inside "...") stay part of the text.  Marks are found with
 * memchr, paragraph by paragraph, so the scan is linear and a quote never
 * runs past its paragraph: a paragraph that ends inside a quote continues
 * only into a next paragraph that opens with a mark (news style for a quote
 * over several paragraphs); each paragraph piece is one fact.
 *
 * Attribution looks at the words just after the closing mark (`," he said`,
 * `," said Mr Li`, `," the ministry said`, `, according to X`) and, failing
 * that, back from the opening mark to the start of its sentence (`X said:`,
 * `X told reporters:`, `X said that the offer was "...`).  Speakers are
 * resolved against the person and org facts already in `out`; pronouns to
 * the last person named before the quote; "the PM" to the last person with
 * that title; "the company" to the last organisation.  An unattributed quote
 * right after an attributed one (same or previous paragraph) carries its
 * speaker.  See docs/facts-quotes-names.md.
 */
#include "core/alloc.h"
#include "core/normalize.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "extract/gazetteer.h"
#include "extract/internal.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- vocabulary ----
 * The words the attribution tests ask about, by list.  A text word's lists
 * come from one look-up (vocab_of) in a table of all of them built by
 * fl_quote_init: a bit per list (W_*) for each word, so a walk that asks
 * several questions of a word (a verb? a determiner? a word that ends a
 * noun phrase?) looks it up once, without the mispredicted steps of a
 * search through sorted lists. */

/* The lists a vocabulary word is in.  The verb class takes the two low bits;
 * the lists are matched in the case the word was written in: W_LOWER ones
 * only in lower case, W_ANY_CASE ones in any ASCII case ("He said"), and
 * W_CONJ only capitalised, as a sentence opener ("But Mr Leigh said"). */
typedef enum verb_class { V_NONE = 0, V_SAID, V_TOLD, V_ADDED } verb_class;
enum {
    W_VERB = 3,           /* the verb_class of a speech verb */
    W_AUX = 1u << 2,      /* "has said", "also told" */
    W_STOP = 1u << 3,     /* ends a noun phrase read forwards */
    W_CONN = 1u << 4,     /* inside a name: "de", "la", "van", "of", "al" */
    W_VON = 1u << 5,      /* "von", a connector read forwards only */
    W_CLAUSE = 1u << 6,   /* starts a clause after a quote: "but", "while" */
    W_TO = 1u << 7,       /* "according to" */
    W_ACCORD = 1u << 8,   /* "according" */
    W_PRON = 1u << 9,     /* a pronoun standing for a speaker */
    W_DET = 1u << 10,     /* a determiner */
    W_ORGNOUN = 1u << 11, /* a common noun standing for an organisation */
    W_CONJ = 1u << 12,    /* a capitalised sentence opener */
    W_LOWER = (1u << 9) - 1,
    W_ANY_CASE = W_PRON | W_DET | W_ORGNOUN,
};

static const struct {
    const char *w;
    verb_class c;
} verbs[] = {
    {"acknowledged", V_SAID}, {"add", V_ADDED},      {"added", V_ADDED},    {"adds", V_ADDED},
    {"admits", V_SAID},       {"admitted", V_SAID},  {"announced", V_SAID}, {"argued", V_SAID},
    {"argues", V_SAID},       {"asked", V_SAID},     {"asks", V_SAID},      {"cautioned", V_SAID},
    {"claimed", V_SAID},      {"claims", V_SAID},    {"commented", V_SAID}, {"conceded", V_SAID},
    {"concedes", V_SAID},     {"continued", V_SAID}, {"continues", V_SAID}, {"declared", V_SAID},
    {"declares", V_SAID},     {"explained", V_SAID}, {"explains", V_SAID},  {"insisted", V_SAID},
    {"insists", V_SAID},      {"noted", V_SAID},     {"notes", V_SAID},     {"observed", V_SAID},
    {"pointed", V_SAID},      {"predicted", V_SAID}, {"recalled", V_SAID},  {"recalls", V_SAID},
    {"remarked", V_SAID},     {"replied", V_SAID},   {"replies", V_SAID},   {"responded", V_SAID},
    {"said", V_SAID},         {"say", V_SAID},       {"says", V_SAID},      {"stated", V_SAID},
    {"states", V_SAID},       {"stressed", V_SAID},  {"stresses", V_SAID},  {"tell", V_TOLD},
    {"tells", V_TOLD},        {"told", V_TOLD},      {"urged", V_SAID},     {"warned", V_SAID},
    {"warns", V_SAID},        {"writes", V_SAID},    {"wrote", V_SAID},
};

static const char *const pronouns[] = {"he", "it", "she", "they"};
static const char *const determiners[] = {"a",   "an",  "another", "her", "his",   "its",
                                          "one", "our", "that",    "the", "their", "this"};
static const char *const aux_words[] = {
    "again", "also",       "further",  "had",    "has",  "have", "is",   "just", "later",
    "once",  "previously", "recently", "simply", "then", "was",  "will", "would"};
/* Words that end a noun phrase read forwards ("said the minister on Monday"). */
static const char *const np_stops[] = {
    "about", "adding",  "after",  "also",  "although", "and",      "are",     "as",
    "at",    "because", "before", "but",   "by",       "during",   "earlier", "for",
    "from",  "had",     "has",    "if",    "in",       "is",       "last",    "late",
    "later", "of",      "on",     "said",  "saying",   "than",     "that",    "then",
    "this",  "though",  "to",     "today", "told",     "tomorrow", "was",     "were",
    "when",  "which",   "while",  "who",   "will",     "with",     "would",   "yesterday"};
/* Capitalised sentence openers that are not part of a speaker's name. */
static const char *const conjunctions[] = {
    "Also",      "And", "But", "Earlier", "Here", "However", "Indeed",    "Instead", "Later",
    "Meanwhile", "Now", "So",  "Still",   "Then", "Today",   "Yesterday", "Yet"};
/* Common nouns that stand for an organisation ("the ministry said"). */
static const char *const org_nouns[] = {
    "agency",    "airline",   "association",  "authority",  "bank",         "board",
    "business",  "carrier",   "charity",      "club",       "commission",   "committee",
    "company",   "council",   "court",        "department", "embassy",      "federation",
    "firm",      "fund",      "government",   "group",      "institute",    "insurer",
    "lender",    "maker",     "manufacturer", "ministry",   "office",       "party",
    "police",    "regulator", "retailer",     "spokesman",  "spokesperson", "spokeswoman",
    "statement", "union",     "university"};
static const char *const connectors[] = {"de", "la", "van", "of", "al"};
static const char *const von[] = {"von"};
static const char *const clause_words[] = {"but", "and", "while", "as", "because", "after"};
static const char *const to_word[] = {"to"};
static const char *const according_word[] = {"according"};

#define LIST(l, bit)                                                                               \
    {                                                                                              \
        l, sizeof l / sizeof l[0], bit                                                             \
    }
static const struct {
    const char *const *words;
    size_t n;
    unsigned bit;
} word_lists[] = {
    LIST(pronouns, W_PRON),         LIST(determiners, W_DET),
    LIST(aux_words, W_AUX),         LIST(np_stops, W_STOP),
    LIST(conjunctions, W_CONJ),     LIST(org_nouns, W_ORGNOUN),
    LIST(connectors, W_CONN),       LIST(von, W_VON),
    LIST(clause_words, W_CLAUSE),   LIST(to_word, W_TO),
    LIST(according_word, W_ACCORD),
};
#undef LIST

/* The table: a word's key (vocab_key) is hashed to one of VOCAB_SLOTS
 * one-byte slots holding the index of the only entry the word can be
 * (0: the empty entry, which no word matches), so a look-up is one probe and
 * one compare.  VOCAB_MUL is an odd multiplier under which the 173 words
 * fall in distinct slots (found by trying random ones: about one in 200
 * does); fl_quote_init checks it, and a word added to a list may need
 * another. */
#define VOCAB_BITS  11
#define VOCAB_SLOTS (1u << VOCAB_BITS)
#define VOCAB_MUL   0x88534206FC4A447Full
#define VOCAB_MAX   255 /* entries, the empty one included */

typedef struct vocab_entry {
    uint64_t lo, hi; /* the key */
    uint32_t len;
    uint32_t bits; /* W_* */
} vocab_entry;

struct fl_quote_state {
    /* verb_to_last[f]: a bit per last letter of the speech verbs and "to"
     * that start with the f-th letter: attr_before's walk back from an
     * opening mark asks each word only whether it is one of them, and
     * looks up (vocab_of, two loads from tables that are cold at each
     * article) only the words this lets through; verb_clause_last
     * likewise for the verbs and clause words, which are all attr_after's
     * walk forwards asks of its words after the first */
    uint32_t verb_to_last[26], verb_clause_last[26];
    uint32_t aux_last[26]; /* likewise for the auxiliaries (np_backward) */
    unsigned char slot[VOCAB_SLOTS];
    vocab_entry entry[VOCAB_MAX];
    size_t n_entries;
};

static inline uint64_t load64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* v with its ASCII capitals in lower case; *upper gets bit 7 of each byte
 * that was one (SWAR: a byte's low seven bits plus 0x3F carry into bit 7
 * when they are >= 'A', plus 0x25 when > 'Z'; bytes >= 0x80 are none). */
static inline uint64_t fold_caps(uint64_t v, uint64_t *upper)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x80 * ones;
    uint64_t low7 = v & ~high;
    uint64_t up = (low7 + 0x3F * ones) & ~(low7 + 0x25 * ones) & ~v & high;
    *upper = up;
    return v | up >> 2;
}

/* The key of the word t[ws..we) (n bytes, n > 0): for n < 8 its bytes (lo,
 * the first in the low byte; hi 0), else its first eight bytes and its last
 * eight (they overlap when n < 16).  Only bytes of t before we are read:
 * a short word's eight bytes end at we and are shifted down. */
static inline void vocab_key(const char *t, size_t ws, size_t we, uint64_t *lo, uint64_t *hi)
{
    size_t n = we - ws;
    if (we >= 8 && n > 0) {
        /* selects on the length, not branches (it varies from word to
         * word): a short word's bytes are the top of the eight before we */
        bool wide = n >= 8;
        uint64_t last = load64(t + we - 8);
        *lo = load64(t + (wide ? ws : we - 8)) >> (wide ? 0 : 64 - 8 * n);
        *hi = last & (0 - (uint64_t)wide);
    } else { /* a short word in the text's first eight bytes */
        uint64_t v = 0;
        for (size_t i = n; i-- > 0;)
            v = v << 8 | (unsigned char)t[ws + i];
        *lo = v;
        *hi = 0;
    }
}

static inline size_t vocab_slot(uint64_t lo, uint64_t hi, size_t n)
{
    return (size_t)(((lo ^ (hi * 0xFF51AFD7ED558CCDull) ^ n) * VOCAB_MUL) >> (64 - VOCAB_BITS));
}

/* The W_* bits of the word t[ws..we) as written (0 for a word in no list). */
static inline __attribute__((always_inline)) unsigned vocab_of(const fl_quote_state *voc,
                                                               const char *t, size_t ws, size_t we)
{
    size_t n = we - ws;
    uint64_t lo, hi, up_lo, up_hi;
    vocab_key(t, ws, we, &lo, &hi);
    lo = fold_caps(lo, &up_lo);
    hi = fold_caps(hi, &up_hi);
    const vocab_entry *e = &voc->entry[voc->slot[vocab_slot(lo, hi, n)]];
    bool match = ((e->lo ^ lo) | (e->hi ^ hi) | (e->len ^ n)) == 0;
    /* capitals after the first byte (hi's first byte is the word's first
     * when n == 8) */
    bool later_caps = (up_lo >> 8 | (n == 8 ? up_hi >> 8 : up_hi)) != 0;
    /* the lists a word matches in its case, by later_caps and a capital
     * first byte (a table and masks: the case and the match vary from word
     * to word, and branches on them were mispredicted) */
    static const uint16_t allowed[4] = {W_ANY_CASE | W_LOWER, W_ANY_CASE | W_CONJ, W_ANY_CASE,
                                        W_ANY_CASE};
    unsigned c = (unsigned)later_caps << 1 | (unsigned)(up_lo >> 7 & 1);
    return e->bits & allowed[c] & (0u - (unsigned)match);
}

/* Adds word w (NUL-terminated ASCII) with bits to the table; false when its
 * slot holds another word or the table is full. */
static bool vocab_add(fl_quote_state *s, const char *w, unsigned bits)
{
    size_t n = strlen(w);
    uint64_t lo, hi, up;
    vocab_key(w, 0, n, &lo, &hi);
    lo = fold_caps(lo, &up);
    hi = fold_caps(hi, &up);
    size_t k = vocab_slot(lo, hi, n);
    vocab_entry *e = &s->entry[s->slot[k]];
    if (s->slot[k] == 0) {
        if (s->n_entries >= VOCAB_MAX)
            return false;
        s->slot[k] = (unsigned char)s->n_entries;
        e = &s->entry[s->n_entries++];
        *e = (vocab_entry){lo, hi, (uint32_t)n, 0};
    } else if (e->lo != lo || e->hi != hi || e->len != n) {
        return false; /* two words in one slot: pick another VOCAB_MUL */
    }
    e->bits |= bits;
    return true;
}

/* Notes the lower-case ASCII word w in last (verb_to_last or
 * verb_clause_last). */
static void last_add(uint32_t last[26], const char *w)
{
    size_t n = strlen(w);
    last[w[0] - 'a'] |= 1u << (w[n - 1] - 'a');
}

static bool vocab_build(fl_quote_state *s)
{
    s->n_entries = 1; /* entry 0: empty (len 0, which no word has) */
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (!vocab_add(s, verbs[i].w, verbs[i].c))
            return false;
        last_add(s->verb_to_last, verbs[i].w);
        last_add(s->verb_clause_last, verbs[i].w);
    }
    last_add(s->verb_to_last, to_word[0]);
    for (size_t i = 0; i < sizeof clause_words / sizeof clause_words[0]; i++)
        last_add(s->verb_clause_last, clause_words[i]);
    for (size_t i = 0; i < sizeof aux_words / sizeof aux_words[0]; i++)
        last_add(s->aux_last, aux_words[i]);
    for (size_t l = 0; l < sizeof word_lists / sizeof word_lists[0]; l++)
        for (size_t i = 0; i < word_lists[l].n; i++)
            if (!vocab_add(s, word_lists[l].words[i], word_lists[l].bit))
                return false;
    return true;
}

fl_status fl_quote_init(fl_quote_state **out, const char *datadir, fl_error *err)
{
    (void)datadir;
    fl_quote_state *s = fl_calloc(1, sizeof *s);
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    if (!vocab_build(s)) {
        fl_free(s);
        return fl_error_set(err, FL_EINTERNAL, "quote: two words of the vocabulary share a slot");
    }
    *out = s;
    return FL_OK;
}

void fl_quote_free(fl_quote_state *s)
{
    fl_free(s);
}

/* Both compare byte by byte up to w's terminator rather than taking strlen(w)
 * first: most calls run down a word list and differ at the first byte. */
static bool is_word(const char *t, size_t ws, size_t we, const char *w)
{
    size_t n = we - ws;
    for (size_t i = 0; i < n; i++)
        if (t[ws + i] != w[i]) /* also stops at w's NUL: text words hold none */
            return false;
    return w[n] == '\0';
}

/* Case-insensitive for ASCII words in the list (sentence-initial "He"). */
static bool is_word_ci(const char *t, size_t ws, size_t we, const char *w)
{
    size_t n = we - ws;
    for (size_t i = 0; i < n; i++) {
        char c = t[ws + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != w[i])
            return false;
    }
    return w[n] == '\0';
}

static bool is_cap(const char *t, size_t ws, size_t we)
{
    unsigned char c = (unsigned char)t[ws];
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    size_t i = ws;
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)fl_utf8_next(t, we, &i));
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

static bool is_lower_word(const char *t, size_t ws)
{
    return t[ws] >= 'a' && t[ws] <= 'z';
}

/* ---- word stepping ---- */

/* The next word in [pos, lim). */
static bool fwd(const char *t, size_t pos, size_t lim, size_t *ws, size_t *we)
{
    return fl_word_next(t, lim, &pos, ws, we);
}

/* Classifies the gap t[a..b): 0 white space only, 1 a comma (and spaces),
 * 2 anything else. */
static int gap_kind(const char *t, size_t a, size_t b)
{
    int k = 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == 0xC2 && i + 1 < b && (unsigned char)t[i + 1] == 0xA0) {
            i++;
            continue;
        }
        if (c == ',' && k == 0) {
            k = 1;
            continue;
        }
        return 2;
    }
    return k;
}

/* fl_utf8_prev (*i > 0) and fl_word_cp with the ASCII case inline: back
 * steps over every byte between a quote and its speaker. */
static inline uint32_t prev_cp(const char *t, size_t *i)
{
    unsigned char c = (unsigned char)t[*i - 1];
    if (c < 0x80) {
        (*i)--;
        return c;
    }
    return fl_utf8_prev(t, i);
}

static inline bool word_cp(uint32_t cp)
{
    return cp < 0x80 ? fl_ascii_alnum[cp] != 0 : fl_word_cp(cp);
}

/* The word ending at or before pos, not before lo: scans back over non-word
 * characters, then over the word (inner apostrophes and hyphens included). */
static bool back(const char *t, size_t lo, size_t pos, size_t *ws, size_t *we)
{
    size_t i = pos;
    while (i > lo) {
        unsigned char c = (unsigned char)t[i - 1];
        if (c < 0x80) {
            if (fl_ascii_alnum[c])
                break;
            i--;
            continue;
        }
        size_t j = i;
        if (fl_word_cp(fl_utf8_prev(t, &j)))
            break;
        i = j;
    }
    if (i <= lo)
        return false;
    *we = i;
    while (i > lo) {
        /* ASCII letters and digits in a tight loop (fl_ascii_alnum is 0 for
         * bytes >= 0x80) */
        while (i > lo && fl_ascii_alnum[(unsigned char)t[i - 1]])
            i--;
        if (i <= lo)
            break;
        size_t j = i;
        uint32_t cp = prev_cp(t, &j);
        if (word_cp(cp)) {
            i = j;
            continue;
        }
        if ((cp == '\'' || cp == 0x2019 || cp == '-') && j > lo) {
            size_t k = j;
            if (word_cp(prev_cp(t, &k))) {
                i = j;
                continue;
            }
        }
        break;
    }
    *ws = i;
    return true;
}

/* ---- facts in `out` the extractor resolves against ---- */

typedef struct mention {
    size_t offset, length;
    fl_fact_kind kind;
    const char *canonical; /* arena strings of `out`: stable while we add facts */
    const char *title;
    const char *name;
} mention;

typedef enum speaker_kind { S_NONE, S_PRONOUN, S_SPAN } speaker_kind;

typedef struct piece {
    size_t s, e;        /* inner text */
    size_t open, close; /* the marks' offsets (close == SIZE_MAX when unclosed) */
    size_t para;
    size_t chain; /* index of the chain's first piece */
    bool partial;
    const char *attribution;
    speaker_kind sk;
    size_t ss, se; /* speaker as written */
    const char *speaker;
} piece;

/* The most mentions or pieces whose arrays fl_quote_extract keeps between
 * articles (fl_quote_scratch). */
#define SCRATCH_KEEP_MAX 4096

typedef struct qscan {
    const fl_article *a;
    const char *t;
    const fl_bytemask *bm; /* the article's byte masks (NULL: none, back() alone) */
    const fl_quote_state *voc;
    mention *m;
    size_t nm, cap_m;
    piece *p;
    size_t np, cap_p;
    fl_strbuf buf;
} qscan;

/* fl_word_next read from the article's byte masks: an ASCII word after ASCII
 * bytes is found by bit scans.  A byte >= 0x80 before or after it, or a
 * '.', '\'' or '-' after it (an initialism, a joiner), is left to
 * fl_word_next itself, so the words are the same.  fwd_q and back_q are
 * inline: the walks call them for every word, and the bit scans are a few
 * instructions. */
static inline __attribute__((always_inline)) bool fwd_q(const qscan *q, size_t pos, size_t lim,
                                                        size_t *ws, size_t *we)
{
    const fl_bytemask *bm = q->bm;
    const char *t = q->t;
    if (!bm)
        return fwd(t, pos, lim, ws, we);
    size_t p = fl_bits_next_set(bm->alnum_high, lim, pos);
    if (p == lim)
        return false; /* only ASCII bytes that are no word's */
    if ((unsigned char)t[p] >= 0x80)
        return fwd(t, pos, lim, ws, we);
    size_t e = fl_bits_next_clear(bm->alnum, lim, p);
    if (e < lim) {
        unsigned char c = (unsigned char)t[e];
        if (c >= 0x80 || c == '.' || c == '\'' || c == '-')
            return fwd(t, pos, lim, ws, we);
    }
    *ws = p;
    *we = e;
    return true;
}

/* back() read from the article's byte masks: the ASCII bytes before the word
 * and the word's ASCII letters and digits are stepped over by bit scans.  A
 * byte >= 0x80 next to them, or a joiner ('\'', '-') before the word, is left
 * to back() itself, so the words are the same. */
static inline __attribute__((always_inline)) bool back_q(const qscan *q, size_t lo, size_t pos,
                                                         size_t *ws, size_t *we)
{
    const fl_bytemask *bm = q->bm;
    const char *t = q->t;
    if (!bm)
        return back(t, lo, pos, ws, we);
    size_t p = fl_bits_prev_set(bm->alnum_high, lo, pos);
    if (p == SIZE_MAX)
        return false; /* only ASCII bytes that are no word's */
    if ((unsigned char)t[p] >= 0x80)
        return back(t, lo, pos, ws, we);
    size_t c = fl_bits_prev_clear(bm->alnum, lo, p);
    if (c != SIZE_MAX) {
        unsigned char b = (unsigned char)t[c];
        if (b >= 0x80 || b == '\'' || b == '-')
            return back(t, lo, pos, ws, we);
    }
    *we = p + 1;
    *ws = c == SIZE_MAX ? lo : c + 1;
    return true;
}

/* The W_* bits of the word t[ws..we). */
static inline __attribute__((always_inline)) unsigned word_bits(const qscan *q, size_t ws,
                                                                size_t we)
{
    return vocab_of(q->voc, q->t, ws, we);
}

/* Whether the word t[ws..we) may be in the lists whose first and last
 * letters `last` holds (verb_to_last: a speech verb or "to", W_VERB and
 * W_TO; verb_clause_last: a verb or a clause word, W_VERB and W_CLAUSE;
 * aux_last: an auxiliary, W_AUX).
 * vocab_of matches those lists only in lower case (W_LOWER), so a word in
 * them starts and ends with a lower-case ASCII letter, and `last` has a bit
 * for that pair.  A necessary test: vocab_of decides. */
static inline bool maybe_in(const qscan *q, const uint32_t last[26], size_t ws, size_t we)
{
    unsigned f = (unsigned)((unsigned char)q->t[ws] - 'a'),
             l = (unsigned)((unsigned char)q->t[we - 1] - 'a');
    return f < 26 && l < 26 && (last[f] >> l & 1);
}

/* The last mention of kind before offset (kind FL_FACT_KIND_COUNT: any person or org). */
static const mention *last_mention(const qscan *q, size_t before, fl_fact_kind kind)
{
    size_t lo = 0, hi = q->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->m[mid].offset < before)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;)
        if (q->m[i].kind == kind && q->m[i].offset + q->m[i].length <= before)
            return &q->m[i];
    return NULL;
}

/* A person (preferred) or org mention overlapping [s, e). */
static const mention *mention_in(const qscan *q, size_t s, size_t e)
{
    size_t lo = 0, hi = q->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->m[mid].offset + q->m[mid].length <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    const mention *org = NULL;
    for (size_t i = lo; i < q->nm && q->m[i].offset < e; i++) {
        if (q->m[i].offset + q->m[i].length <= s)
            continue;
        if (q->m[i].kind == FL_FACT_PERSON)
            return &q->m[i];
        if (!org)
            org = &q->m[i];
    }
    return org;
}

static int cmp_mention(const void *a, const void *b)
{
    const mention *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/* ---- noun phrases ---- */

/* The speaker noun phrase read forwards from pos ("said Mr Li on Monday",
 * "said the prime minister"): [*ss, *se).  false when none. */
static bool np_forward(const qscan *q, size_t pos, size_t lim, size_t *ss, size_t *se,
                       speaker_kind *sk)
{
    const char *t = q->t;
    size_t ws, we, n = 0, end = 0;
    size_t at = pos;
    if (!fwd(t, at, lim, &ws, &we) || gap_kind(t, at, ws) != 0)
        return false;
    *ss = ws;
    unsigned wb = word_bits(q, ws, we);
    if ((wb & W_PRON) && is_lower_word(t, ws)) {
        *se = we;
        *sk = S_PRONOUN;
        return true;
    }
    bool cap = is_cap(t, ws, we);
    if (!cap && !(wb & W_DET))
        return false;
    end = we;
    at = we;
    n = 1;
    while (n < 6 && fwd(t, at, lim, &ws, &we)) {
        int g = gap_kind(t, at, ws);
        if (g != 0)
            break;
        bool poss = end >= 2 && t[end - 1] == 's' &&
                    (t[end - 2] == '\'' || (end >= 4 && (unsigned char)t[end - 2] == 0x99));
        wb = word_bits(q, ws, we);
        if (cap && poss && is_lower_word(t, ws) && !(wb & (W_STOP | W_VERB))) {
            cap = false; /* "Calder's founder" */
        } else if (cap) {
            if (!is_cap(t, ws, we) && !(wb & (W_CONN | W_VON)))
                break;
        } else if (wb & (W_STOP | W_VERB)) {
            break;
        }
        end = we;
        at = we;
        n++;
    }
    *se = end;
    *sk = S_SPAN;
    /* "said Calder's founder, Professor Lydia Ames": the name in the appositive */
    if (fwd(t, end, lim, &ws, &we) && gap_kind(t, end, ws) == 1 && is_cap(t, ws, we)) {
        size_t ns = ws, ne = we;
        at = we;
        for (int k = 0;
             k < 5 && fwd(t, at, lim, &ws, &we) && gap_kind(t, at, ws) == 0 && is_cap(t, ws, we);
             k++)
            ne = at = we;
        *ss = ns;
        *se = ne;
    }
    return true;
}

/* The subject noun phrase that ends just before the verb starting at vs:
 * "Ms Onslow said", "the company said", "Li Keqiang, the premier, said". */
static bool np_backward(const qscan *q, size_t lo, size_t vs, size_t *ss, size_t *se,
                        speaker_kind *sk)
{
    const char *t = q->t;
    size_t ws, we, at = vs;
    /* auxiliaries: "has said", "also told" (a word is looked up only when
     * its first and last letters are an auxiliary's); the word the loop
     * stops at is the subject's last */
    bool word = back_q(q, lo, at, &ws, &we);
    for (int k = 0; k < 3 && word && gap_kind(t, we, at) == 0 &&
                    maybe_in(q, q->voc->aux_last, ws, we) && (word_bits(q, ws, we) & W_AUX);
         k++) {
        at = ws;
        word = back_q(q, lo, at, &ws, &we);
    }
    if (!word)
        return false;
    int g = gap_kind(t, we, at);
    if (g == 1) {
        /* an appositive: "X, the chief executive, said" - find the comma before it */
        size_t i = ws;
        *se = we;
        int words = 0;
        while (i > lo && words < 10) {
            size_t a, b;
            if (!back_q(q, lo, i, &a, &b))
                return false;
            int gg = gap_kind(t, b, i);
            if (gg == 2)
                return false;
            if (gg == 1) {
                /* "the company's chairman, Edmund Ho, said": a name in the
                 * appositive is the speaker; "Li Keqiang, the premier, said":
                 * the words before it are */
                if (is_cap(t, i, we)) {
                    *ss = i;
                    *sk = S_SPAN;
                    return true;
                }
                at = b;
                ws = a;
                we = b;
                g = 0;
                break;
            }
            i = a;
            words++;
        }
        if (g != 0)
            return false;
    } else if (g != 0) {
        return false;
    }
    *se = we;
    unsigned wb = word_bits(q, ws, we);
    if (wb & W_PRON) {
        *ss = ws;
        *sk = S_PRONOUN;
        return true;
    }
    *sk = S_SPAN;
    if (is_cap(t, ws, we)) {
        size_t start = ws;
        for (int k = 0; k < 6; k++) {
            size_t a, b;
            if (!back_q(q, lo, start, &a, &b) || gap_kind(t, b, start) != 0)
                break;
            /* a capitalised word goes on the name whatever its lists */
            bool cap = is_cap(t, a, b);
            unsigned ab = cap ? 0 : word_bits(q, a, b);
            if (!cap && !(ab & W_CONN)) {
                /* "the Prime Minister said": keep the determiner */
                if (ab & W_DET)
                    start = a;
                break;
            }
            start = a;
        }
        /* "But Mr Leigh said": a sentence-initial conjunction is not the name */
        size_t a, b;
        if (fwd(t, start, *se, &a, &b) && b < *se && (word_bits(q, a, b) & W_CONJ)) {
            size_t a2, b2;
            if (fwd(t, b, *se + 1, &a2, &b2))
                start = a2;
        }
        *ss = start;
        return true;
    }
    /* lower case: "the company", "a spokeswoman", "analysts" */
    size_t start = ws;
    for (int k = 0; k < 4; k++) {
        if (start == ws && (wb & W_DET))
            return false; /* a bare determiner */
        size_t a, b;
        if (!back_q(q, lo, start, &a, &b) || gap_kind(t, b, start) != 0)
            break;
        unsigned ab = word_bits(q, a, b);
        if (ab & W_DET) {
            start = a;
            break;
        }
        if ((ab & (W_STOP | W_VERB)) || !is_lower_word(t, a))
            break;
        start = a;
    }
    if (wb & W_STOP)
        return false;
    *ss = start;
    return true;
}

/* ---- attribution ---- */

static const char *verb_attr(verb_class v, bool after)
{
    switch (v) {
    case V_TOLD:
        return "told";
    case V_ADDED:
        return "added";
    default:
        return after ? "said-after" : "said-before";
    }
}

#if defined(__SSE2__)
/* A bit per byte of p[0..16) that is '.', '!' or '?'. */
static inline unsigned terminals16(const char *p)
{
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), qmark = _mm_set1_epi8('?');
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                               _mm_cmpeq_epi8(v, qmark));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* A bit per byte of t[s..e) (e - s <= 16) that is '.', '!' or '?', read
 * sixteen bytes at a time from base when base <= s and e <= base + 16 are in
 * the text (base == SIZE_MAX: byte by byte). */
static inline unsigned terminals_in(const char *t, size_t s, size_t e, size_t base)
{
    unsigned m = 0;
#if defined(__SSE2__)
    if (base != SIZE_MAX) {
        m = terminals16(t + base) >> (s - base);
        return e - s < 16 ? m & ((1u << (e - s)) - 1) : m;
    }
#else
    (void)base;
#endif
    for (size_t i = s; i < e; i++)
        m |= (unsigned)(t[i] == '.' || t[i] == '!' || t[i] == '?') << (i - s);
    return m;
}

/* The start of the sentence around pos, not before floor (the paragraph
 * start, or the end of a previous quotation: no word runs across its closing
 * mark, so the abbreviation test reads the same words with either limit). */
static size_t sentence_start(const qscan *q, size_t floor, size_t pos)
{
    size_t lo = pos > 400 ? pos - 400 : 0;
    if (lo < floor)
        lo = floor;
    const char *t = q->t;
    /* a sentence ends at i (lo < i < pos) when t[i - 1] is . ! or ? and t[i]
     * a space or line break: the . ! ? in t[lo..pos - 1) are found sixteen
     * bytes at a time, going back, and only they are looked at */
    if (pos < lo + 2)
        return lo;
    for (size_t end = pos - 1; end > lo;) {
        size_t start = end - lo > 16 ? end - 16 : lo;
        /* the sixteen bytes read: [start, end), or [lo, lo + 16) when
         * fewer are left and that many are there */
        size_t base = end - start == 16 ? start : pos - 1 - lo >= 16 ? lo : SIZE_MAX;
        unsigned m = terminals_in(t, start, end, base);
        while (m) {
            size_t i = start + 32 - (size_t)__builtin_clz(m); /* t[i - 1] is one */
            m &= ~(1u << (i - 1 - start));
            if (t[i] != ' ' && t[i] != '\n')
                continue;
            /* an abbreviation ("Mr.", "U.S.") does not end a sentence */
            size_t ws, we;
            if (back_q(q, lo, i - 1, &ws, &we) && we == i - 1 &&
                (we - ws <= 2 || is_word(t, ws, we, "Mrs")) && is_cap(t, ws, we))
                continue;
            return i;
        }
        end = start;
    }
    return lo;
}

/* Attribution after the closing mark. */
static bool attr_after(qscan *q, piece *pc, size_t lim)
{
    const char *t = q->t;
    size_t pos = pc->close;
    /* skip the closing mark */
    pos += (unsigned char)t[pos] == '"' ? 1 : 3;
    /* the quote must not end its sentence: `"We won." The firm said` */
    size_t k = pc->e;
    while (k > pc->s && (t[k - 1] == ' ' || t[k - 1] == '\''))
        k--;
    if (k > pc->s && t[k - 1] == '.' && !(k - pc->s >= 3 && t[k - 2] == '.' && t[k - 3] == '.'))
        return false;
    size_t ws, we;
    if (!fwd_q(q, pos, lim, &ws, &we))
        return false;
    int g = gap_kind(t, pos, ws);
    if (g == 2) {
        /* allow a dash: `"..." - he said` */
        bool dash = false;
        for (size_t i = pos; i < ws; i++)
            if (t[i] == '-' || ((unsigned char)t[i] == 0xE2 && i + 2 < ws &&
                                (unsigned char)t[i + 2] >= 0x93 && (unsigned char)t[i + 2] <= 0x94))
                dash = true;
        if (!dash)
            return false;
    }
    unsigned wb = word_bits(q, ws, we);
    verb_class v = (verb_class)(wb & W_VERB);
    if (v) {
        /* `," said Mr Li` */
        if (!np_forward(q, we, lim, &pc->ss, &pc->se, &pc->sk))
            return false;
        pc->attribution = verb_attr(v, true);
        return true;
    }
    if (wb & W_ACCORD) {
        size_t a, b;
        if (fwd_q(q, we, lim, &a, &b) && (word_bits(q, a, b) & W_TO) &&
            np_forward(q, b, lim, &pc->ss, &pc->se, &pc->sk)) {
            pc->attribution = "according-to";
            return true;
        }
        return false;
    }
    /* `," X said`, `," the ministry said`, `," Li Keqiang, the premier, told reporters`:
     * the subject starts with the word just read (neither a verb nor
     * "according"), right after the mark: a name, a determiner, a pronoun,
     * or a bare plural two words from the verb ("analysts said") */
    if (!(is_cap(t, ws, we) || (wb & (W_DET | W_PRON)) || is_lower_word(t, ws)))
        return false;
    if (is_lower_word(t, ws) && (wb & W_STOP))
        return false; /* `"a new chapter" for exporters, but MPs said` */
    size_t at = we;
    int commas = 0;
    for (int n = 1; n < 12; n++) {
        if (!fwd_q(q, at, lim, &ws, &we))
            return false;
        int gg = gap_kind(t, at, ws);
        if (gg == 2)
            return false;
        if (gg == 1 && ++commas > 2)
            return false;
        /* only its W_VERB and W_CLAUSE bits are asked */
        wb = maybe_in(q, q->voc->verb_clause_last, ws, we) ? word_bits(q, ws, we) : 0;
        if ((v = (verb_class)(wb & W_VERB))) {
            if (!np_backward(q, pos, ws, &pc->ss, &pc->se, &pc->sk))
                return false;
            pc->attribution = verb_attr(v, true);
            return true;
        }
        if (wb & W_CLAUSE)
            return false;
        at = we;
    }
    return false;
}

/* Attribution before the opening mark, within its sentence. */
static bool attr_before(qscan *q, piece *pc, size_t floor)
{
    const char *t = q->t;
    /* not back into the previous quotation */
    size_t lo = sentence_start(q, floor, pc->open);
    size_t at = pc->open;
    size_t ws, we;
    /* "According to X, "..." */
    for (int n = 0; n < 30; n++) {
        if (!back_q(q, lo, at, &ws, &we))
            return false;
        /* only its W_VERB and W_TO bits are asked */
        unsigned wb = maybe_in(q, q->voc->verb_to_last, ws, we) ? word_bits(q, ws, we) : 0;
        verb_class v = (verb_class)(wb & W_VERB);
        if (v) {
            if (!np_backward(q, lo, ws, &pc->ss, &pc->se, &pc->sk))
                return false;
            pc->attribution = verb_attr(v, false);
            return true;
        }
        if (wb & W_TO) {
            size_t a, b;
            if (back(t, lo, ws, &a, &b) && is_word_ci(t, a, b, "according") &&
                np_forward(q, we, pc->open, &pc->ss, &pc->se, &pc->sk)) {
                /* trim a trailing comma-separated remainder */
                pc->attribution = "according-to";
                return true;
            }
        }
        at = ws;
    }
    return false;
}

/* `Mr Li: "...` - a name right before a colon. */
static bool attr_colon(qscan *q, piece *pc, size_t para_start)
{
    const char *t = q->t;
    size_t i = pc->open;
    while (i > para_start && (t[i - 1] == ' ' || t[i - 1] == '\n'))
        i--;
    if (i == para_start || t[i - 1] != ':')
        return false;
    size_t ws, we;
    if (!back(t, para_start, i - 1, &ws, &we) || we != i - 1)
        return false;
    const mention *m = mention_in(q, ws, we);
    if (!m || m->kind != FL_FACT_PERSON)
        return false;
    pc->ss = m->offset;
    pc->se = m->offset + m->length;
    pc->sk = S_SPAN;
    pc->attribution = "colon";
    return true;
}

/* A scare quote with no speech verb: the last person named earlier in its
 * sentence ("Its spokesman, Robert Lang, called the decision "a betrayal""). */
static bool attr_sentence(qscan *q, piece *pc, size_t para_start)
{
    size_t lo = sentence_start(q, para_start, pc->open);
    const mention *m = last_mention(q, pc->open, FL_FACT_PERSON);
    if (!m || m->offset < lo)
        return false;
    pc->ss = m->offset;
    pc->se = m->offset + m->length;
    pc->sk = S_SPAN;
    pc->attribution = "sentence";
    return true;
}

/* ---- speaker resolution ---- */

static bool title_matches(const char *title, const char *t, size_t ws, size_t we)
{
    if (!title)
        return false;
    /* "the PM" stands for a Prime Minister */
    if (is_word(t, ws, we, "PM"))
        return strstr(title, "Prime Minister") != NULL || strcmp(title, "PM") == 0;
    size_t n = we - ws, tl = strlen(title);
    for (size_t i = 0; i + n <= tl; i++) {
        bool eq = true;
        for (size_t k = 0; k < n && eq; k++) {
            char a = title[i + k], b = t[ws + k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z')
                b = (char)(b + 32);
            eq = a == b;
        }
        if (eq && (i + n == tl || title[i + n] == ' ') && (i == 0 || title[i - 1] == ' '))
            return true;
    }
    return false;
}

/* true when the word w[0..n) occurs in t[lo..hi) as a whole word, case-insensitively. */
static inline char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Does s start with w[0..n), case-insensitively? */
static bool word_at(const char *s, const char *w, size_t n)
{
    size_t k = 0;
    while (k < n && fold(s[k]) == fold(w[k]))
        k++;
    return k == n;
}

static bool word_in(const char *t, size_t lo, size_t hi, const char *w, size_t n)
{
    /* first w anywhere in the bytes, which most windows do not hold; only
     * then word by word */
    if (n == 0 || hi < lo + n)
        return false;
    /* (x | 0x20 is equal for two bytes equal under fold: a first test) */
    char w0 = (char)(w[0] | 0x20);
    bool any = false;
    size_t i = lo, last = hi - n; /* the starts w can have */
#if defined(__SSE2__)
    /* sixteen starts at a time: the bytes equal to w0 once ORed with 0x20,
     * in a bit mask, each then compared as below */
    const __m128i bit5 = _mm_set1_epi8(0x20), first = _mm_set1_epi8(w0);
    for (; !any && i <= last && i + 16 <= hi; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, bit5), first));
        for (; m && !any; m &= m - 1) {
            size_t at = i + (unsigned)__builtin_ctz(m);
            if (at > last)
                break;
            any = word_at(t + at, w, n);
        }
    }
#endif
    for (; !any && i <= last; i++)
        if ((char)(t[i] | 0x20) == w0)
            any = word_at(t + i, w, n);
    if (!any)
        return false;
    size_t pos = lo, ws, we;
    while (pos < hi && fl_word_next(t, hi, &pos, &ws, &we)) {
        if (we - ws != n)
            continue;
        bool eq = true;
        for (size_t k = 0; k < n && eq; k++) {
            char a = t[ws + k], b = w[k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z')
                b = (char)(b + 32);
            eq = a == b;
        }
        if (eq)
            return true;
    }
    return false;
}

/* -1 for a title that marks a man, 1 for a woman, 0 when it says nothing. */
static int title_gender(const char *title)
{
    static const char *const men[] = {"Mr", "Sir", "Lord", "King", "Prince", "Baron", "Father"};
    static const char *const women[] = {"Mrs",  "Ms",    "Miss",     "Dame",
                                        "Lady", "Queen", "Princess", "Baroness"};
    if (!title)
        return 0;
    for (size_t i = 0; i < sizeof men / sizeof men[0]; i++)
        if (strcmp(title, men[i]) == 0)
            return -1;
    for (size_t i = 0; i < sizeof women / sizeof women[0]; i++)
        if (strcmp(title, women[i]) == 0)
            return 1;
    return 0;
}

/* The gender a canonical name was given by any titled mention before offset. */
static int person_gender(const qscan *q, const char *canonical, size_t before)
{
    for (size_t i = 0; i < q->nm && q->m[i].offset < before; i++)
        if (q->m[i].kind == FL_FACT_PERSON && q->m[i].title &&
            strcmp(q->m[i].canonical, canonical) == 0 && title_gender(q->m[i].title))
            return title_gender(q->m[i].title);
    return 0;
}

/* he/she: the previous quotation's speaker when it is a person of a
 * compatible gender, else the last such person named before. */
static const char *resolve_pronoun(qscan *q, const piece *pc, size_t index)
{
    const char *t = q->t;
    if (is_word_ci(t, pc->ss, pc->se, "it")) {
        const mention *m = last_mention(q, pc->ss, FL_FACT_ORG);
        return m ? m->canonical : NULL;
    }
    int want = is_word_ci(t, pc->ss, pc->se, "he") ? -1 : is_word_ci(t, pc->ss, pc->se, "she");
    const mention *latest = last_mention(q, pc->ss, FL_FACT_PERSON);
    for (size_t j = index; j-- > 0;) {
        const piece *o = &q->p[j];
        if (o->para + 2 < pc->para)
            break;
        if (latest && latest->offset > o->e)
            break; /* someone was named since that quotation */
        if (!o->speaker || o->sk == S_NONE)
            continue;
        for (size_t i = 0; i < q->nm; i++)
            if (q->m[i].kind == FL_FACT_PERSON && strcmp(q->m[i].canonical, o->speaker) == 0) {
                int g = person_gender(q, o->speaker, pc->ss);
                if (!(want && g && g != want))
                    return o->speaker;
                break;
            }
        break;
    }
    size_t lo = 0, hi = q->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->m[mid].offset < pc->ss)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        const mention *m = &q->m[i];
        if (m->kind != FL_FACT_PERSON || m->offset + m->length > pc->ss)
            continue;
        int g = person_gender(q, m->canonical, pc->ss);
        if (want && g && g != want)
            continue;
        return m->canonical;
    }
    if (is_word_ci(t, pc->ss, pc->se, "they")) {
        const mention *m = last_mention(q, pc->ss, FL_FACT_ORG);
        return m ? m->canonical : NULL;
    }
    return NULL;
}

static const char *resolve(qscan *q, fl_facts *out, piece *pc, size_t index)
{
    const char *t = q->t;
    if (pc->sk == S_PRONOUN) {
        pc->attribution = "pronoun";
        return resolve_pronoun(q, pc, index);
    }
    const mention *m = mention_in(q, pc->ss, pc->se);
    if (m)
        return m->canonical;
    /* "the PM", "the prime minister", "the company": the head noun is the last word */
    size_t hs, he;
    if (!back(t, pc->ss, pc->se, &hs, &he))
        return NULL;
    size_t ws, we;
    if (fwd(t, pc->ss, pc->se, &ws, &we) && (word_bits(q, ws, we) & W_DET)) {
        for (size_t i = q->nm; i-- > 0;) {
            const mention *c = &q->m[i];
            if (c->offset >= pc->ss || c->kind != FL_FACT_PERSON)
                continue;
            if (title_matches(c->title, t, hs, he))
                return c->canonical;
        }
        /* "the museum's director": the last person named with that role
         * beside the name ("Dr Imogen Hart, the museum's director,") */
        for (size_t i = q->nm, seen = 0; i-- > 0 && seen < 20;) {
            const mention *c = &q->m[i];
            if (c->offset >= pc->ss || c->kind != FL_FACT_PERSON)
                continue;
            seen++;
            size_t lo = c->offset > 80 ? c->offset - 80 : 0;
            size_t hi = c->offset + c->length + 80;
            if (hi > q->a->text_len)
                hi = q->a->text_len;
            if (hi > pc->ss)
                hi = pc->ss;
            if (word_in(t, lo, hi, t + hs, he - hs))
                return c->canonical;
        }
        if (word_bits(q, hs, he) & W_ORGNOUN) {
            /* "the ministry": the last org whose name holds the noun, else the last org */
            const mention *best = NULL;
            for (size_t i = q->nm; i-- > 0 && !best;) {
                const mention *c = &q->m[i];
                if (c->offset >= pc->ss || c->kind != FL_FACT_ORG)
                    continue;
                if (title_matches(c->name, t, hs, he))
                    best = c;
            }
            bool person_noun = is_word(t, hs, he, "spokesman") ||
                               is_word(t, hs, he, "spokeswoman") ||
                               is_word(t, hs, he, "spokesperson");
            if (!best && !person_noun)
                best = last_mention(q, pc->ss, FL_FACT_ORG);
            if (best)
                return best->canonical;
        }
    }
    /* no better resolution: the words as written, normalised for common nouns */
    fl_strbuf_reset(&q->buf);
    if (is_cap(t, pc->ss, pc->se)) {
        /* fold white space only */
        for (size_t i = pc->ss; i < pc->se; i++) {
            char c = t[i];
            if (c == '\n' || c == '\t' || c == '\r')
                c = ' ';
            if (c == ' ' && q->buf.len && q->buf.buf[q->buf.len - 1] == ' ')
                continue;
            if (fl_strbuf_addch(&q->buf, c) < 0)
                return NULL;
        }
    } else if (fl_normalize_append(&q->buf, t + pc->ss, pc->se - pc->ss) < 0) {
        return NULL;
    }
    return fl_facts_str(out, q->buf.buf, q->buf.len);
}

/* ---- marks ---- */

typedef enum mark { M_NONE, M_STRAIGHT, M_OPEN, M_CLOSE } mark;

/* The text's marks in order, from two cursors that only move forwards: the
 * next '"' and the next curly mark (E2 80 9C or E2 80 9D), each found with
 * memchr once and kept until a position past it is asked for.  Every byte is
 * searched once per article, however many paragraphs and marks it has. */
typedef struct marks {
    const char *t;
    size_t len;
    size_t dq;    /* the next '"' at or after the last position asked, or len */
    size_t cm;    /* the next curly mark likewise, or len */
    mark cm_kind; /* M_OPEN or M_CLOSE */
    size_t asked; /* the last position asked (paragraphs come in order) */
} marks;

static void find_dq(marks *m, size_t pos)
{
    const char *p = memchr(m->t + pos, '"', m->len - pos);
    m->dq = p ? (size_t)(p - m->t) : m->len;
}

static void find_cm(marks *m, size_t pos)
{
    const unsigned char *t = (const unsigned char *)m->t;
    while (pos < m->len) {
        const unsigned char *p = memchr(t + pos, 0xE2, m->len - pos);
        if (!p)
            break;
        size_t i = (size_t)(p - t);
        if (i + 2 < m->len && t[i + 1] == 0x80 && (t[i + 2] == 0x9C || t[i + 2] == 0x9D)) {
            m->cm = i;
            m->cm_kind = t[i + 2] == 0x9C ? M_OPEN : M_CLOSE;
            return;
        }
        pos = i + 1;
    }
    m->cm = m->len;
    m->cm_kind = M_NONE;
}

static void marks_init(marks *m, const char *t, size_t len)
{
    m->t = t;
    m->len = len;
    m->asked = 0;
    find_dq(m, 0);
    find_cm(m, 0);
}

/* The first mark at or after pos (len when none). */
static size_t marks_next(marks *m, size_t pos, mark *kind)
{
    if (pos < m->asked) { /* backwards: search again */
        find_dq(m, pos);
        find_cm(m, pos);
    }
    m->asked = pos;
    if (m->dq < pos)
        find_dq(m, pos);
    if (m->cm < pos)
        find_cm(m, pos);
    if (m->cm < m->dq) {
        *kind = m->cm_kind;
        return m->cm;
    }
    *kind = M_STRAIGHT;
    return m->dq;
}

static size_t mark_len(const char *t, size_t i)
{
    return t[i] == '"' ? 1 : 3;
}

/* A straight quote opens when it starts the paragraph or follows white
 * space or an opening bracket. */
static bool straight_opens(const char *t, size_t para_start, size_t i)
{
    if (i == para_start)
        return true;
    char c = t[i - 1];
    return c == ' ' || c == '\n' || c == '\t' || c == '(' || c == '[' || c == '-' || c == ':' ||
           (unsigned char)c == 0x94 || (unsigned char)c == 0x93 || (unsigned char)c == 0xA0;
}

static bool starts_with_mark(const char *t, size_t s, size_t e)
{
    while (s < e && (t[s] == ' ' || t[s] == '\t'))
        s++;
    if (s >= e)
        return false;
    if (t[s] == '"')
        return true;
    return s + 2 < e && (unsigned char)t[s] == 0xE2 && (unsigned char)t[s + 1] == 0x80 &&
           (unsigned char)t[s + 2] == 0x9C;
}

/* The number of ASCII letters and digits in [from, to) right after a white
 * space or control byte, counted until `enough`. */
static size_t word_starts(const fl_bytemask *bm, size_t from, size_t to, size_t enough)
{
    size_t n = 0;
    for (size_t w = from >> 6; w << 6 < to && n < enough; w++) {
        uint64_t after_sep = bm->sep[w] << 1 | (w ? bm->sep[w - 1] >> 63 : 0);
        uint64_t x = bm->alnum[w] & after_sep;
        if (w == from >> 6)
            x &= ~0ull << (from & 63); /* not before from */
        if (to - (w << 6) < 64)
            x &= (1ull << (to - (w << 6))) - 1; /* not at or after to */
        n += (size_t)__builtin_popcountll(x);
    }
    return n;
}

/* Whether t[s..e) holds a '.', '!' or '?'. */
static bool has_terminal(const char *t, size_t s, size_t e)
{
#if defined(__SSE2__)
    /* sixteen bytes at a time, the last sixteen read from e - 16 (over
     * bytes already read) rather than byte by byte */
    if (e - s >= 16) {
        for (size_t i = s;; i += 16) {
            if (i + 16 > e)
                i = e - 16;
            if (terminals16(t + i))
                return true;
            if (i + 16 == e)
                return false;
        }
    }
#endif
    for (size_t i = s; i < e; i++)
        if (t[i] == '.' || t[i] == '!' || t[i] == '?')
            return true;
    return false;
}

/* A scare quote or a title rather than speech: no words; or up to three
 * words with no . ! ?; or up to eight, most of them capitalised, with none
 * ("Gone with the Wind").  Words are counted only as far as the ninth, and
 * the text is searched for a terminal only when it is that short. */
static bool is_partial(const qscan *q, size_t s, size_t e)
{
    const char *t = q->t;
    /* An ASCII letter or digit right after white space always starts a word
     * (no word holds white space): nine of them are nine words, counted 64
     * bytes at a time from the masks without stepping through the words of a
     * long quotation. */
    if (q->bm && word_starts(q->bm, s + 1, e, 9) >= 9)
        return false;
    size_t pos = s, ws, we, words = 0, caps = 0;
    while (pos < e && fwd_q(q, pos, e, &ws, &we)) {
        pos = we;
        if (++words > 8)
            return false;
        if (is_cap(t, ws, we))
            caps++;
    }
    if (words == 0)
        return true;
    if (has_terminal(t, s, e))
        return false;
    return words <= 3 || (caps * 2 > words && caps >= 2);
}

static int add_piece(qscan *q, size_t open, size_t close, size_t s, size_t e, size_t para,
                     size_t chain)
{
    if (FL_GROW(q->p, q->cap_p, q->np + 1))
        return -1;
    /* `"...," he said`: the comma belongs to the sentence around the quote,
     * and marks a whole utterance rather than a scare quote */
    bool utterance = false;
    while (e > s && (q->t[e - 1] == ',' || q->t[e - 1] == ' ')) {
        utterance |= q->t[e - 1] == ',';
        e--;
    }
    /* a quotation that opens its paragraph is speech, not a scare quote */
    size_t ps = q->a->paragraphs[para].offset;
    while (ps < open && (q->t[ps] == ' ' || q->t[ps] == '\t'))
        ps++;
    /* (an unclosed piece is never partial: find_pieces sets that) */
    bool partial = !utterance && ps != open && close != SIZE_MAX && is_partial(q, s, e);
    /* every field stored (an assignment or a memset of the struct were a
     * `rep stos`, slow to start for 96 bytes) */
    piece *pc = &q->p[q->np];
    pc->s = s;
    pc->e = e;
    pc->open = open;
    pc->close = close;
    pc->para = para;
    pc->chain = chain == SIZE_MAX ? q->np : chain;
    pc->partial = partial;
    pc->attribution = NULL;
    pc->sk = S_NONE;
    pc->ss = pc->se = 0;
    pc->speaker = NULL;
    q->np++;
    return 0;
}

/* Finds the quotation pieces of every paragraph. */
static int find_pieces(qscan *q, marks *ms)
{
    const fl_article *a = q->a;
    const char *t = q->t;
    size_t chain = SIZE_MAX; /* an open chain from the previous paragraph */
    for (size_t p = 0; p < a->n_paragraphs; p++) {
        size_t ps = a->paragraphs[p].offset, pe = ps + a->paragraphs[p].length;
        if (chain != SIZE_MAX && !starts_with_mark(t, ps, pe))
            chain = SIZE_MAX;
        size_t pos = ps;
        bool in = false;
        size_t open = 0;
        mark k;
        for (;;) {
            pos = marks_next(ms, pos, &k);
            /* none in this paragraph; nor a curly mark cut by its end */
            if (pos >= pe || (k != M_STRAIGHT && pos + 2 >= pe))
                break;
            size_t ml = mark_len(t, pos);
            if (!in) {
                bool opens = k == M_OPEN || (k == M_STRAIGHT && straight_opens(t, ps, pos));
                if (!opens && k == M_CLOSE && pos + ml < pe && straight_opens(t, ps, pos) &&
                    fl_word_cp((unsigned char)t[pos + ml]))
                    opens = true; /* a ” used as an opening mark */
                if (opens) {
                    in = true;
                    open = pos;
                }
            } else if (k != M_OPEN) {
                size_t ch = (chain != SIZE_MAX && open == ps) ? chain : SIZE_MAX;
                if (open + mark_len(t, open) < pos &&
                    add_piece(q, open, pos, open + mark_len(t, open), pos, p, ch) < 0)
                    return -1;
                chain = SIZE_MAX;
                in = false;
            }
            pos += ml;
        }
        if (in) {
            /* unclosed at the paragraph end: a piece, continued if the next
             * paragraph opens with a mark */
            size_t s = open + mark_len(t, open), e = pe;
            size_t ch = (chain != SIZE_MAX && open == ps) ? chain : SIZE_MAX;
            while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\n' || t[e - 1] == '\r'))
                e--;
            if (e > s) {
                if (add_piece(q, open, SIZE_MAX, s, e, p, ch) < 0)
                    return -1;
                q->p[q->np - 1].partial = false;
                chain = q->p[q->np - 1].chain;
            } else {
                chain = SIZE_MAX;
            }
        } else {
            chain = SIZE_MAX;
        }
    }
    return 0;
}

static bool is_mention(const fl_fact *f)
{
    return (f->kind == FL_FACT_PERSON || f->kind == FL_FACT_ORG) &&
           (f->canonical || f->name || f->text);
}

static fl_status load_mentions(qscan *q, const fl_facts *out, fl_error *err)
{
    /* room for every fact, so that the facts are walked once (most are
     * people and organisations) */
    if (out->n && FL_GROW(q->m, q->cap_m, out->n))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    bool sorted = true;
    for (size_t i = 0; i < out->n; i++) {
        const fl_fact *f = &out->items[i];
        if (!is_mention(f))
            continue;
        mention *m = &q->m[q->nm++];
        m->offset = f->offset;
        m->length = f->length;
        m->kind = f->kind;
        m->canonical = f->canonical ? f->canonical : (f->name ? f->name : f->text);
        m->title = f->title;
        m->name = f->name ? f->name : f->text;
        if (q->nm > 1 && cmp_mention(m - 1, m) > 0)
            sorted = false;
    }
    /* the names extractor adds them in text order: most articles need no sort
     * (qsort is a stable merge sort, so equal mentions keep their order either way) */
    if (!sorted)
        qsort(q->m, q->nm, sizeof *q->m, cmp_mention);
    return FL_OK;
}

fl_status fl_quote_extract(const fl_quote_state *s, fl_re_thread *th, const fl_article *a,
                           fl_facts *out, fl_error *err)
{
    (void)th;
    /* every field set (a memset of the struct was a `rep stos`, slow to
     * start, at every article) */
    qscan q;
    q.a = a;
    q.t = a->text;
    q.bm = NULL;
    q.voc = s;
    q.m = NULL;
    q.nm = q.cap_m = 0;
    q.p = NULL;
    q.np = q.cap_p = 0;
    fl_strbuf_init(&q.buf);
    /* the arrays the thread kept from its last article, if any (taken: on
     * an early return they are freed or handed back below) */
    fl_quote_scratch *scratch = fl_extract_quote_scratch();
    if (scratch) {
        q.m = scratch->mentions;
        q.cap_m = scratch->cap_mentions;
        q.p = scratch->pieces;
        q.cap_p = scratch->cap_pieces;
        *scratch = (fl_quote_scratch){NULL, 0, NULL, 0};
    }
    fl_bytemask own;
    fl_bytemask_init(&own);
    fl_status st = FL_OK;
    /* cheap prefilter: no double quotation mark at all */
    marks ms;
    marks_init(&ms, a->text, a->text_len);
    if (ms.dq == a->text_len && ms.cm == a->text_len)
        goto cleanup;
    if ((st = load_mentions(&q, out, err)))
        goto cleanup;
    q.bm = fl_extract_bytemask(a, &own); /* NULL when it cannot be built: back() alone */
    if (find_pieces(&q, &ms) < 0) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    const char *t = a->text;
    /* attribution of each piece */
    for (size_t i = 0; i < q.np; i++) {
        piece *pc = &q.p[i];
        const fl_paragraph *para = &a->paragraphs[pc->para];
        size_t ps = para->offset, pe = ps + para->length;
        /* after the closing mark: up to the next mark or the paragraph end */
        bool found = false;
        if (pc->close != SIZE_MAX) {
            size_t lim = i + 1 < q.np && q.p[i + 1].para == pc->para ? q.p[i + 1].open : pe;
            found = attr_after(&q, pc, lim);
        }
        size_t floor = ps;
        if (i > 0 && q.p[i - 1].para == pc->para && q.p[i - 1].close != SIZE_MAX)
            floor = q.p[i - 1].close + mark_len(t, q.p[i - 1].close);
        if (!found)
            found = attr_before(&q, pc, floor);
        if (!found)
            found = attr_colon(&q, pc, ps);
        if (!found && pc->partial)
            found = attr_sentence(&q, pc, ps);
        if (!found)
            pc->sk = S_NONE;
    }
    /* chains share a speaker; later pieces are "continued" */
    for (size_t i = 0; i < q.np; i++) {
        piece *first = &q.p[q.p[i].chain];
        if (q.p[i].chain != i && q.p[i].sk != S_NONE && first->sk == S_NONE) {
            first->sk = q.p[i].sk;
            first->ss = q.p[i].ss;
            first->se = q.p[i].se;
            first->attribution = q.p[i].attribution;
        }
    }
    for (size_t i = 0; i < q.np; i++) {
        piece *pc = &q.p[i];
        if (pc->chain == i && pc->sk != S_NONE)
            pc->speaker = resolve(&q, out, pc, i);
    }
    for (size_t i = 0; i < q.np; i++) {
        piece *pc = &q.p[i];
        if (pc->chain != i) {
            const piece *first = &q.p[pc->chain];
            pc->sk = first->sk;
            pc->ss = first->ss;
            pc->se = first->se;
            pc->speaker = first->speaker;
            pc->attribution = "continued";
        }
    }
    /* carried: an unattributed quote right after an attributed one */
    for (size_t i = 1; i < q.np; i++) {
        piece *pc = &q.p[i];
        if (pc->sk != S_NONE || pc->partial)
            continue;
        const piece *prev = NULL;
        for (size_t j = i; j-- > 0;)
            if (!q.p[j].partial || q.p[j].sk != S_NONE) {
                prev = &q.p[j];
                break;
            }
        if (!prev || prev->sk == S_NONE || !(prev->para == pc->para || prev->para + 1 == pc->para))
            continue;
        pc->sk = prev->sk;
        pc->ss = prev->ss;
        pc->se = prev->se;
        pc->speaker = prev->speaker;
        pc->attribution = "carried";
    }
    for (size_t i = 0; i < q.np; i++) {
        const piece *pc = &q.p[i];
        fl_fact *f = fl_facts_add(out, FL_FACT_QUOTE, pc->s, pc->e - pc->s);
        if (!f) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        f->text = fl_facts_str(out, t + pc->s, pc->e - pc->s);
        f->partial = pc->partial;
        f->attribution = pc->attribution;
        f->speaker = pc->speaker;
        if (pc->sk != S_NONE)
            f->speaker_text = fl_facts_str(out, t + pc->ss, pc->se - pc->ss);
        if (!f->text || (pc->sk != S_NONE && !f->speaker_text)) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
cleanup:
    fl_bytemask_release(&own);
    /* a news article's arrays are kept for the next one on this thread; a
     * book-length one's are not */
    if (scratch && q.cap_m <= SCRATCH_KEEP_MAX && q.cap_p <= SCRATCH_KEEP_MAX) {
        *scratch = (fl_quote_scratch){q.m, q.cap_m, q.p, q.cap_p};
    } else {
        fl_free(q.m);
        fl_free(q.p);
    }
    fl_strbuf_release(&q.buf);
    return st;
}
