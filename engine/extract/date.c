/*
 * date.c - the date extractor: FL_FACT_DATE facts (docs/facts-dates.md).
 *
 * How it works: one pass over the article text looks at word starts only.  A
 * word is a candidate when it starts with a digit, is a capitalised month or
 * weekday name, or is one of a handful of keywords (yesterday, today, last,
 * next, this, earlier, later, early, late, mid, end, first..fourth, final, ago,
 * Q<n>).  Only at a candidate does an anchored (\G) JIT regex run, so text
 * without dates costs a byte loop.  Bare years ("in 1987", "the 2014 World
 * Cup") and "N units ago" are decided in C from the surrounding words.
 *
 * Every fact's text is the expression as written without a leading
 * preposition.  Absolute dates ("24 November 2017") have relative = false.
 * Dates that need the dateline (relative words, and month/day or month
 * without a year) have relative = true; they are resolved (resolved = true,
 * anchor = the dateline's ISO string) when the article has a dateline of
 * enough precision, else left with precision NONE.
 *
 * The state is read-only after fl_date_init; all per-call data lives on the
 * stack or in `out`'s arena.
 */
#include "core/alloc.h"
#include "core/date.h"
#include "core/keyhash.h"
#include "extract/ascii.h"
#include "extract/internal.h"

#include <string.h>
#include <strings.h>

/* Month and weekday alternations (case-sensitive: "may" and "march" are verbs). */
#define MONFULL                                                                                    \
    "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
#define MONALL                                                                                     \
    "(?:January|February|March|April|May|June|July|August|September|October|November|December|"    \
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
#define MON3 "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
#define WD   "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
/* A 4-digit year that is not the start of a longer number ("2,000", "2014.5"). */
#define YEAR4 "\\d{4}(?!\\d|[,.]\\d)"
#define ORD   "(?:st|nd|rd|th)?"
#define NOTW  "(?![A-Za-z])"

/* At a number. */
static const char PAT_NUM[] =
    "\\G(?:"
    "(?<iy>\\d{4})-(?<im>\\d{1,2})-(?<id>\\d{1,2})(?![\\d-])"
    "|(?<sa>\\d{1,2})/(?<sb>\\d{1,2})/(?<sc>\\d{4}|\\d{2})(?![\\d/])"
    "|(?<cd>\\d{1,2})(?:-|(?=[A-Z]))(?<cm>" MON3 ")-?(?<cy>\\d{4}|\\d{2})(?![\\w])"
    "|(?<dd>\\d{1,2})" ORD "(?:\\h+of)?\\h+(?<dm>" MONALL ")" NOTW "(?:\\.?,?\\h+(?<dy>" YEAR4 "))?"
    "|(?<dec>\\d{3}0)'?s(?![\\w])"
    "|(?<cen>\\d{1,2})(?:st|nd|rd|th)[\\h-]+(?i:century)(?![\\w])"
    ")";

/* At a capitalised month name. */
static const char PAT_MONTH[] = "\\G(?<m>" MONALL ")" NOTW "(?:\\.?\\h+(?<d>\\d{1,2})" ORD
                                "(?![\\d%]|[,.:]\\d)(?:,?\\h+(?<y>" YEAR4 "))?"
                                "|\\.?,?\\h+(?<y2>" YEAR4 "))?";

/* At a capitalised weekday name. */
static const char PAT_WEEKDAY[] =
    "\\G(?<w>" WD ")" NOTW "(?:,?\\h+(?:(?:the\\h+)?(?<d1>\\d{1,2})" ORD
    "(?:\\h+of)?\\h+(?<m1>" MONALL ")" NOTW "|(?<m2>" MONALL ")" NOTW "\\.?\\h+(?<d2>\\d{1,2})" ORD
    "(?![\\d%]|[,.:]\\d))"
    "(?:\\.?,?\\h+(?<y>" YEAR4 "))?)?";

/* At a keyword (compiled caseless; names stay case-sensitive). */
static const char PAT_REL[] =
    "\\G(?:(?<ord>first|second|third|fourth|final|last)\\h+(?:quarter|half)\\h+of\\h+(?<py>" YEAR4
    ")"
    "|(?<dw>yesterday|today|tomorrow|tonight)"
    "|(?<rel>last|next|this)\\h+(?:(?<ru>week|month|year)|(?-i:(?<rwd>" WD ")|(?<rmon>" MONFULL
    ")))"
    "|(?<ed>earlier|later)\\h+this\\h+(?<eu>week|month|year)"
    "|(?<qual>early|late|mid|end)(?:-|\\h+)(?:(?<qy>\\d{4})(?<qs>'?s)?|(?-i:(?<qm>" MONFULL
    "))(?:,?\\h+(?<qmy>" YEAR4 "))?)"
    "|(?-i:Q)(?<q>[1-4])\\h+(?<qy2>" YEAR4 "))(?![\\w])";

enum { RE_NUM, RE_MONTH, RE_WEEKDAY, RE_REL, RE_COUNT };

/* Named groups, looked up once. */
enum {
    G_IY,
    G_IM,
    G_ID,
    G_SA,
    G_SB,
    G_SC,
    G_CD,
    G_CM,
    G_CY,
    G_DD,
    G_DM,
    G_DY,
    G_DEC,
    G_CEN, /* RE_NUM */
    G_M,
    G_D,
    G_Y,
    G_Y2, /* RE_MONTH */
    G_W,
    G_D1,
    G_M1,
    G_M2,
    G_D2,
    G_WY, /* RE_WEEKDAY */
    G_ORD,
    G_PY,
    G_DW,
    G_REL,
    G_RU,
    G_RWD,
    G_RMON,
    G_ED,
    G_EU,
    G_QUAL,
    G_QY,
    G_QS,
    G_QM,
    G_QMY,
    G_Q,
    G_QY2, /* RE_REL */
    G_COUNT
};

static const struct {
    int re;
    const char *name;
} group_names[G_COUNT] = {
    {RE_NUM, "iy"},     {RE_NUM, "im"},     {RE_NUM, "id"},     {RE_NUM, "sa"},
    {RE_NUM, "sb"},     {RE_NUM, "sc"},     {RE_NUM, "cd"},     {RE_NUM, "cm"},
    {RE_NUM, "cy"},     {RE_NUM, "dd"},     {RE_NUM, "dm"},     {RE_NUM, "dy"},
    {RE_NUM, "dec"},    {RE_NUM, "cen"},    {RE_MONTH, "m"},    {RE_MONTH, "d"},
    {RE_MONTH, "y"},    {RE_MONTH, "y2"},   {RE_WEEKDAY, "w"},  {RE_WEEKDAY, "d1"},
    {RE_WEEKDAY, "m1"}, {RE_WEEKDAY, "m2"}, {RE_WEEKDAY, "d2"}, {RE_WEEKDAY, "y"},
    {RE_REL, "ord"},    {RE_REL, "py"},     {RE_REL, "dw"},     {RE_REL, "rel"},
    {RE_REL, "ru"},     {RE_REL, "rwd"},    {RE_REL, "rmon"},   {RE_REL, "ed"},
    {RE_REL, "eu"},     {RE_REL, "qual"},   {RE_REL, "qy"},     {RE_REL, "qs"},
    {RE_REL, "qm"},     {RE_REL, "qmy"},    {RE_REL, "q"},      {RE_REL, "qy2"},
};

/* What a letter word can start. */
enum { W_NONE, W_KEYWORD, W_AGO, W_MONTH, W_WEEKDAY };

static const struct {
    const char *s;
    int kind;
} kw_words[] = {
    {"ago", W_AGO},          {"mid", W_KEYWORD},       {"end", W_KEYWORD},
    {"jan", W_MONTH},        {"feb", W_MONTH},         {"mar", W_MONTH},
    {"apr", W_MONTH},        {"may", W_MONTH},         {"jun", W_MONTH},
    {"jul", W_MONTH},        {"aug", W_MONTH},         {"sep", W_MONTH},
    {"oct", W_MONTH},        {"nov", W_MONTH},         {"dec", W_MONTH},
    {"last", W_KEYWORD},     {"next", W_KEYWORD},      {"this", W_KEYWORD},
    {"late", W_KEYWORD},     {"sept", W_MONTH},        {"june", W_MONTH},
    {"july", W_MONTH},       {"today", W_KEYWORD},     {"later", W_KEYWORD},
    {"early", W_KEYWORD},    {"first", W_KEYWORD},     {"third", W_KEYWORD},
    {"final", W_KEYWORD},    {"march", W_MONTH},       {"april", W_MONTH},
    {"fourth", W_KEYWORD},   {"second", W_KEYWORD},    {"monday", W_WEEKDAY},
    {"friday", W_WEEKDAY},   {"sunday", W_WEEKDAY},    {"august", W_MONTH},
    {"tonight", W_KEYWORD},  {"earlier", W_KEYWORD},   {"january", W_MONTH},
    {"october", W_MONTH},    {"tuesday", W_WEEKDAY},   {"tomorrow", W_KEYWORD},
    {"february", W_MONTH},   {"november", W_MONTH},    {"december", W_MONTH},
    {"thursday", W_WEEKDAY}, {"saturday", W_WEEKDAY},  {"yesterday", W_KEYWORD},
    {"september", W_MONTH},  {"wednesday", W_WEEKDAY},
};

/* The words above in a table of KW_SLOTS entries, each word in the slot
 * kw_slot gives it (no two share one: fl_date_init checks), so that a word
 * of the text is compared with the one entry its slot holds, without a
 * branch on its letters (word_kind).  An entry holds its word's first eight
 * letters as one 64-bit word (zero after the word), its length, last letter,
 * kind and, for a month or weekday, its number (month_of, weekday_of: the
 * scan's callers need not look the name up again); an empty slot has
 * length 0, which no word has. */
#define KW_SLOTS_LOG2 7
#define KW_SLOTS      (1u << KW_SLOTS_LOG2)
typedef struct kw_entry {
    uint64_t key;
    uint8_t n, last, kind;
    uint8_t value; /* W_MONTH: 1-12; W_WEEKDAY: 0 (Monday) to 6 */
} kw_entry;

/* The slot of a word of n (3..9) letters from its first, second and last
 * letter, in either case: a multiplicative hash of their low five bits and
 * n, the multiplier chosen so that the 50 words land in different slots. */
static inline unsigned kw_slot(size_t n, unsigned char a, unsigned char b, unsigned char z)
{
    uint32_t k = (uint32_t)(a & 31u) | (uint32_t)(b & 31u) << 5 | (uint32_t)(z & 31u) << 10 |
                 (uint32_t)n << 15;
    return (uint32_t)(k * 0x32F3D443u) >> (32 - KW_SLOTS_LOG2);
}

/* A word list indexed by word length (below WORD_SET_MAXLEN) and first
 * letter (the lists are lower case; words are compared case-blind):
 *   words[at[n][f] .. at[n][f] + count[n][f]): the list's words of n letters
 *     starting with the f-th letter, the only ones a word of n letters
 *     starting with that letter is compared with.
 * The first test of a word, on its last letter, is in the state's set_last
 * (see there), for all the lists at once. */
#define WORD_SET_MAXLEN   16
#define WORD_SET_MAXWORDS 200
typedef struct word_set {
    uint8_t at[WORD_SET_MAXLEN][26], count[WORD_SET_MAXLEN][26];
    const char *words[WORD_SET_MAXWORDS];
} word_set;

/* the lists with a word_set (set_lists) */
enum {
    WS_UNITS,
    WS_PREPS,
    WS_DETS,
    WS_HEDGES,
    WS_CONNECTORS,
    WS_MONTH_PREPS,
    WS_PAST,
    WS_FUTURE,
    WS_COUNT
};

/* PAT_REL and PAT_MONTH have fewer groups than this (checked in
 * fl_date_init) */
enum { REL_PAIRS_MAX = 24 };

/* past_words and future_words are shorter than this (checked in
 * fl_date_init) */
enum { TENSE_MAXLEN = 10 };

struct fl_date_state {
    fl_re *re[RE_COUNT];
    int g[G_COUNT];
    uint32_t last_mask[10][26]; /* see fl_date_run_filter */
    kw_entry kw[KW_SLOTS];      /* see kw_entry */
    uint64_t len_mask[10];      /* len_mask[n]: the first min(n, 8) bytes of a word (word_kind) */
    word_set sets[WS_COUNT];    /* see in_set */
    /* set_last[n][f][k]: a bit per last letter of the words of n letters
     * starting with the f-th letter in list k (sets[k]), so that most words
     * are rejected by one test.  A word is often asked of several lists in
     * turn (try_year: the prepositions, the hedges, the determiners): their
     * masks for its length and first letter are 32 bytes together (one
     * cache line, or two), where eight tables of 1.6 KB each had them on
     * eight lines. */
    uint32_t set_last[WORD_SET_MAXLEN][26][WS_COUNT];
    /* tense_last[n][f]: set_last's bits of WS_FUTURE and WS_PAST together
     * for words of n < TENSE_MAXLEN letters (no tense word is longer), so
     * that word_tense's first test, asked of every word future_context
     * walks over, reads 1 KB (17 lines) where set_last spreads the same
     * bits over 13 KB, a line per length and first letter, which are cold
     * at each article (perf: that load was a third of future_context's
     * samples on Reuters) */
    uint32_t tense_last[TENSE_MAXLEN][26];
    uint32_t rel_pairs;     /* PAT_REL's groups + 1 (see rel_ascii) */
    uint32_t month_pairs;   /* PAT_MONTH's (see month_ascii) */
    unsigned char cls[256]; /* CLS_DIGIT, CLS_ALPHA or 0 per byte */
};

enum { CLS_DIGIT = 1, CLS_ALPHA = 2 };

/* ---- small text helpers ---- */

static bool is_digit(unsigned char c)
{
    return fl_ch_digit(c);
}

static bool is_alpha(unsigned char c)
{
    return fl_ch_alpha(c);
}

static bool is_alnum(unsigned char c)
{
    return fl_ch_alnum(c);
}

static bool is_upper(unsigned char c)
{
    return fl_ch_upper(c);
}

static bool is_hspace(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Value of n ASCII digits. */
static int num(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n && i < 9; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* A word [start, start+len) of the text. */
typedef struct word {
    size_t start, len;
} word;

/* The letter word just before pos, across horizontal space only; len 0 when
 * there is none (start of text, a line break, punctuation). */
static word word_before(const char *t, size_t pos)
{
    word w = {pos, 0};
    size_t i = pos;
    while (i > 0 && is_hspace((unsigned char)t[i - 1]))
        i--;
    size_t e = i;
    while (i > 0 && is_alpha((unsigned char)t[i - 1]))
        i--;
    /* "Vale's 2014 report": keep the possessive as part of the word */
    if (i == e && e >= 2 && t[e - 1] == 's' && t[e - 2] == '\'') {
        i = e - 2;
        while (i > 0 && is_alpha((unsigned char)t[i - 1]))
            i--;
    }
    if (i > 0 && is_digit((unsigned char)t[i - 1]))
        return w;
    w.start = i;
    w.len = e - i;
    return w;
}

/* The letter word just after pos, across horizontal space only. */
static word word_after(const char *t, size_t len, size_t pos)
{
    size_t i = pos;
    while (i < len && is_hspace((unsigned char)t[i]))
        i++;
    word w = {i, 0};
    while (i < len && is_alpha((unsigned char)t[i]))
        i++;
    w.len = i - w.start;
    return w;
}

/* Whether a[0..n) and b[0..n), n >= 1, differ at most in bit 5 of each byte
 * (ASCII case): their first and last min(n, 8) bytes are read as words
 * (fl_key_chunk: no byte outside them) and compared at once, where a byte
 * loop's exit at the first difference, at a different byte for each word,
 * was mispredicted.  n above 16 (no list word is that long) takes the loop. */
static inline bool same_but_case(const char *a, const char *b, size_t n)
{
    if (n > 16) {
        for (size_t k = 0; k < n; k++)
            if ((a[k] | 0x20) != (b[k] | 0x20))
                return false;
        return true;
    }
    const unsigned char *u = (const unsigned char *)a, *v = (const unsigned char *)b;
    size_t m = n < 8 ? n : 8;
    uint64_t d = (fl_key_chunk(u, m) ^ fl_key_chunk(v, m)) |
                 (fl_key_chunk(u + n - m, m) ^ fl_key_chunk(v + n - m, m));
    return !(d & ~FL_BIT5_EACH);
}

/* s is lower case or starts with a capital; t is compared case-blind.
 * Inlined, so that strlen of a literal s is a constant: most words are
 * rejected by their length before a byte is read. */
static inline __attribute__((always_inline)) bool word_is(const char *t, word w, const char *s)
{
    size_t n = strlen(s);
    return w.len == n && n && same_but_case(t + w.start, s, n);
}

static bool word_in(const char *t, word w, const char *const *list)
{
    if (!w.len)
        return false;
    /* the first letters (case-blind) before a list word's length is taken */
    for (; *list; list++)
        if (((*list)[0] | 0x20) == (t[w.start] | 0x20) && word_is(t, w, *list))
            return true;
    return false;
}

/* Case-sensitive, for proper nouns ("Black Friday", "Sunday Times").  The
 * first bytes are compared before a list word's length is taken (a call of
 * strlen per list word, 36,000 on the BBC corpus); t[w.start] is a byte of
 * the text or its closing NUL even when w is empty. */
static bool word_in_exact(const char *t, word w, const char *const *list)
{
    for (; *list; list++)
        if ((*list)[0] == t[w.start] && w.len == strlen(*list) &&
            !memcmp(t + w.start, *list, w.len))
            return true;
    return false;
}

/* ---- word lists ---- */

/* Words after which a bare 4-digit number is a year. */
static const char *const year_preps[] = {
    "in",     "by",   "since",   "until",  "till",   "from",    "before",     "after",
    "during", "of",   "between", "around", "circa",  "through", "throughout", "for",
    "fiscal", "year", "spring",  "summer", "autumn", "winter",  "early",      "late",
    "mid",    "end",  "c",       "ca",     NULL};
/* Determiners before an adjectival year ("the 2014 World Cup"). */
static const char *const year_dets[] = {"the",  "its",  "their", "his", "her",   "our",
                                        "this", "that", "a",     "an",  "whose", NULL};
/* Words between a preposition and its year ("by around 2025"). */
static const char *const year_hedges[] = {"around",  "about", "circa", "approximately",
                                          "roughly", "c",     "ca",    NULL};
/* Words that join a second year or month to the first ("from 1990 to 1995"). */
static const char *const connectors[] = {"and", "or", "to", "through", "till", "until", NULL};
/* Nouns counted by a number: "in 2000 people", "by 1500 tonnes" are quantities. */
static const char *const unit_nouns[] = {
    "people",     "persons",    "jobs",        "workers",   "employees", "staff",
    "members",    "tonnes",     "tons",        "tonne",     "ton",       "kg",
    "kilos",      "kilograms",  "lbs",         "pounds",    "dollars",   "dlrs",
    "euros",      "yen",        "francs",      "marks",     "pesos",     "rupees",
    "yuan",       "shares",     "barrels",     "bpd",       "bags",      "units",
    "cars",       "vehicles",   "homes",       "houses",    "flats",     "students",
    "pupils",     "children",   "troops",      "soldiers",  "patients",  "points",
    "pts",        "feet",       "ft",          "metres",    "meters",    "m",
    "km",         "kilometres", "kilometers",  "miles",     "acres",     "hectares",
    "sq",         "square",     "cubic",       "mln",       "million",   "millions",
    "billion",    "bn",         "trillion",    "thousand",  "pct",       "percent",
    "per",        "cent",       "times",       "hours",     "hrs",       "minutes",
    "seconds",    "days",       "weeks",       "months",    "years",     "decades",
    "gmt",        "est",        "edt",         "bst",       "cet",       "local",
    "mw",         "kw",         "gw",          "megawatts", "gallons",   "litres",
    "liters",     "ounces",     "oz",          "head",      "cattle",    "pigs",
    "sheep",      "votes",      "seats",       "copies",    "customers", "passengers",
    "visitors",   "users",      "subscribers", "stores",    "shops",     "branches",
    "flights",    "aircraft",   "planes",      "ships",     "companies", "firms",
    "businesses", "products",   "items",       "cases",     "deaths",    "victims",
    "beds",       "lots",       "contracts",   "words",     "pages",     "rooms",
    "yards",      "acre",       "men",         "women",     "residents", "households",
    "families",   "officers",   "police",      "teachers",  "doctors",   "nurses",
    "jobs",       "runs",       "goals",       "games",     "matches",   "calories",
    "degrees",    "bushels",    "lb",          "kilometre", "mile",      "metre",
    "foot",       "inches",     "cents",       "pence",     "p",         NULL};

/* Words that may follow a 3-digit year ("in 760, the abbey ...", "in 760 AD"). */
static const char *const year3_next[] = {"AD",     "BC",    "BCE", "CE", "when", "after", "before",
                                         "during", "until", "the", "by", "and",  NULL};
/* Words after which a bare month name is a month ("in March"). */
static const char *const month_preps[] = {
    "in",     "since", "until",   "till",    "from",       "by",  "before", "after",
    "during", "of",    "between", "through", "throughout", "for", "end",    NULL};
static const char *const weekday_not_after[] = {"Black",  "Good",   "Super",  "Ash",    "Holy",
                                                "Maundy", "Cyber",  "Bloody", "Easter", "Palm",
                                                "Shrove", "Giving", "Blue",   "Manic",  NULL};
static const char *const weekday_not_before[] = {
    "Times",   "Telegraph", "Mirror", "Express", "Post",   "People", "Herald", "Independent",
    "Tribune", "Mail",      "Sport",  "Star",    "League", "School", NULL};
/* Tense markers for bare weekdays and months. */
static const char *const future_words[] = {
    "will",   "would",   "shall",    "ll",       "due",     "plans",
    "plan",   "planned", "expects",  "expected", "intends", "scheduled",
    "slated", "next",    "upcoming", "tomorrow", NULL};
static const char *const past_words[] = {
    "said", "says", "told", "was",   "were", "had",       "did",   "met", "made", "took",
    "came", "went", "rose", "fell",  "won",  "lost",      "began", "saw", "gave", "left",
    "held", "sold", "paid", "wrote", "ago",  "yesterday", "last",  NULL};
static const char *const number_words[] = {
    "a",    "an",  "one",    "two",    "three",   "four",   "five",   "six",   "seven", "eight",
    "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", NULL};

/* The lists word_in is asked of at nearly every year or month name and
 * every word future_context reads, each with a filter (word_set, built in
 * fl_date_init). */
static const char *const *const set_lists[WS_COUNT] = {unit_nouns,  year_preps,  year_dets,
                                                       year_hedges, connectors,  month_preps,
                                                       past_words,  future_words};

/* word_in(t, w, set_lists[k]), comparing w only with the list's words of
 * its length and first letter, and only when some of them has its last
 * letter: most words tried are in none of the lists (the unit nouns are 155
 * words, the year prepositions 29). */
static inline __attribute__((always_inline)) bool in_set(const fl_date_state *s, const char *t,
                                                         word w, int k)
{
    if (w.len == 0 || w.len >= WORD_SET_MAXLEN)
        return false;
    unsigned f = (unsigned)((t[w.start] | 0x20) - 'a'),
             l = (unsigned)((t[w.start + w.len - 1] | 0x20) - 'a');
    const word_set *ws = &s->sets[k];
    if (f >= 26 || l >= 26 || !(s->set_last[w.len][f][k] >> l & 1))
        return false;
    for (unsigned i = ws->at[w.len][f], e = i + ws->count[w.len][f]; i < e; i++)
        if (same_but_case(t + w.start, ws->words[i], w.len)) /* a word of w's length */
            return true;
    return false;
}

/* ---- the scan ---- */

enum { FL_DATE_AMBIGUOUS_MAX = 64 };

typedef struct scan {
    const fl_date_state *s;
    fl_re_thread *t;
    const char *txt;
    size_t len;
    const fl_bytemask *bm; /* txt's byte masks */
    fl_facts *out;
    fl_error *err;
    fl_date dl;         /* the dateline (precision NONE when none) */
    const char *anchor; /* its ISO string in out's arena, made on first use */
    size_t last_end;    /* end of the last fact */
    size_t year_end;    /* end of the last year fact (SIZE_MAX when none) */
    size_t month_end;   /* end of the last month fact */
    /* "03/04/2017" is read day first unless the same article writes an
     * unambiguous month-first date ("11/24/2017") and no day-first one. */
    bool dmy_seen, mdy_seen;
    /* indices in out of the ambiguous ones: an array of FL_DATE_AMBIGUOUS_MAX
     * in fl_date_extract's frame, not in scan, whose initialiser would clear
     * it for every article */
    size_t *ambiguous;
    size_t n_ambiguous;
} scan;

/* Appends a fact.  A relative date with precision NONE is unresolved. */
static fl_status emit(scan *sc, size_t start, size_t end, fl_date d, bool relative, bool mismatch)
{
    fl_fact *f = fl_facts_add(sc->out, FL_FACT_DATE, start, end - start);
    if (!f)
        return fl_error_set(sc->err, FL_ENOMEM, "out of memory");
    f->text = fl_facts_str(sc->out, sc->txt + start, end - start);
    if (!f->text)
        return fl_error_set(sc->err, FL_ENOMEM, "out of memory");
    f->date = d;
    f->relative = relative;
    f->weekday_mismatch = mismatch;
    if (relative && d.precision != FL_PREC_NONE) {
        if (!sc->anchor) {
            /* fl_date_format without snprintf: this runs once per article */
            char buf[16];
            int v[3] = {sc->dl.year, sc->dl.month, sc->dl.day};
            int parts = sc->dl.precision == FL_PREC_DAY     ? 3
                        : sc->dl.precision == FL_PREC_MONTH ? 2
                                                            : 1;
            size_t n = 0;
            for (int k = 0; k < parts; k++) {
                int w = k ? 2 : 4;
                if (k)
                    buf[n++] = '-';
                for (int x = w - 1; x >= 0; x--) {
                    buf[n + (size_t)x] = (char)('0' + v[k] % 10);
                    v[k] /= 10;
                }
                n += (size_t)w;
            }
            sc->anchor = fl_facts_str(sc->out, buf, n);
            if (!sc->anchor)
                return fl_error_set(sc->err, FL_ENOMEM, "out of memory");
        }
        f->resolved = true;
        f->anchor = sc->anchor;
    }
    sc->last_end = end;
    return FL_OK;
}

/* The dateline when it is at least `need` precise, else a NONE date. */
static bool anchored(const scan *sc, fl_precision need)
{
    return sc->dl.precision >= need;
}

static fl_date mkdate(int y, int m, int d, fl_precision p)
{
    fl_date r = {y, m, d, p};
    return r;
}

static fl_date none_date(void)
{
    return mkdate(0, 0, 0, FL_PREC_NONE);
}

/* Does the byte at k end a sentence?  A full stop counts only when a space
 * and a capital (or the end of the text) follow: "U.S. rates", "Mr. Kaito".
 * Inline, as the helpers below that the walks call for every word. */
static inline __attribute__((always_inline)) bool sentence_end(const scan *sc, size_t k)
{
    const char *t = sc->txt;
    unsigned char c = (unsigned char)t[k];
    if (c == '!' || c == '?' || c == '\n' || c == ';')
        return true;
    if (c != '.')
        return false;
    if (k + 1 >= sc->len)
        return true;
    if (!is_hspace((unsigned char)t[k + 1]))
        return false;
    size_t i = k + 1;
    while (i < sc->len && is_hspace((unsigned char)t[i]))
        i++;
    return i >= sc->len || !((t[i] >= 'a' && t[i] <= 'z') || is_digit((unsigned char)t[i]));
}

/* The tense a word marks: a future marker (future_words), else a past verb
 * (past_words, or a word of more than three letters in -ed), else none.
 * Inline: future_context asks it of every word it walks over, and most are
 * rejected by the first tests. */
enum { TENSE_NONE, TENSE_FUTURE, TENSE_PAST };

static inline __attribute__((always_inline)) int word_tense(const scan *sc, word w)
{
    const char *t = sc->txt;
    const fl_date_state *s = sc->s;
    bool ed = w.len > 3 && t[w.start + w.len - 2] == 'e' && t[w.start + w.len - 1] == 'd';
    /* in_set's first test for both lists at once (tense_last): most words
     * are in neither */
    if (w.len == 0 || w.len >= TENSE_MAXLEN)
        return ed ? TENSE_PAST : TENSE_NONE;
    unsigned f = (unsigned)((t[w.start] | 0x20) - 'a'),
             l = (unsigned)((t[w.start + w.len - 1] | 0x20) - 'a');
    if (f >= 26 || l >= 26 || !(s->tense_last[w.len][f] >> l & 1))
        return ed ? TENSE_PAST : TENSE_NONE;
    if (in_set(s, t, w, WS_FUTURE))
        return TENSE_FUTURE;
    if (ed || in_set(s, t, w, WS_PAST))
        return TENSE_PAST;
    return TENSE_NONE;
}

/* Can the byte c end a sentence (sentence_end's first test)? */
static bool may_end_sentence(unsigned char c)
{
    return c == '.' || c == '!' || c == '?' || c == '\n' || c == ';';
}

/* "if U.S. rates rose in March": a past form after "if" is hypothetical. */
static bool conditional_before(const scan *sc, size_t pos)
{
    const char *t = sc->txt;
    for (int k = 0; k < 4; k++) {
        size_t i = pos;
        while (i > 0 && !is_alpha((unsigned char)t[i - 1]) && !sentence_end(sc, i - 1))
            i--;
        word w = word_before(t, i);
        if (!w.len)
            return false;
        if (word_is(t, w, "if") || word_is(t, w, "unless"))
            return true;
        pos = w.start;
    }
    return false;
}

/* Is the date expression at [start, end) in future-tense copy?  The nearest
 * tense marker before it in its sentence decides, else the nearest after it;
 * past by default. */
static bool future_context(const scan *sc, size_t start, size_t end)
{
    const char *t = sc->txt;
    const uint64_t *letter = sc->bm->letter;
    /* back from start, a word at a time: a word's first letter is the byte
     * after the last non-letter before its end (the masks) */
    size_t i = start, lim = start > 200 ? start - 200 : 0;
    while (i > lim) {
        unsigned char c = (unsigned char)t[i - 1];
        if (!is_alpha(c)) {
            if (may_end_sentence(c) && sentence_end(sc, i - 1))
                break;
            i--;
            continue;
        }
        size_t e = i, p = fl_bits_prev_clear(letter, lim, i);
        i = p == SIZE_MAX ? lim : p + 1;
        int tense = word_tense(sc, (word){i, e - i});
        if (tense == TENSE_FUTURE)
            return true;
        if (tense == TENSE_PAST)
            return conditional_before(sc, i);
    }
    lim = end + 200 < sc->len ? end + 200 : sc->len;
    for (i = end; i < lim;) {
        unsigned char c = (unsigned char)t[i];
        if (!is_alpha(c)) {
            if (may_end_sentence(c) && sentence_end(sc, i))
                break;
            i++;
            continue;
        }
        size_t b = i;
        i = fl_bits_next_clear(letter, lim, i);
        int tense = word_tense(sc, (word){b, i - b});
        if (tense != TENSE_NONE)
            return tense == TENSE_FUTURE;
    }
    return false;
}

/* "March last year", "3 May this year": the year the words after a
 * month name give (relative to the dateline); false when they give none. */
static bool year_words_after(const scan *sc, size_t e, int *year)
{
    const char *t = sc->txt;
    word w = word_after(t, sc->len, e);
    int step;
    if (word_is(t, w, "last"))
        step = -1;
    else if (word_is(t, w, "this"))
        step = 0;
    else if (word_is(t, w, "next"))
        step = 1;
    else
        return false;
    if (!word_is(t, word_after(t, sc->len, w.start + w.len), "year"))
        return false;
    *year = sc->dl.year + step;
    return true;
}

/* Modes for resolving a name without a year against the dateline. */
enum { R_PAST, R_FUTURE, R_LAST, R_NEXT, R_THIS };

/* A weekday (0 = Monday) relative to the dateline. */
static fl_date resolve_weekday(fl_date dl, int wd, int mode)
{
    int dw = fl_date_weekday(dl.year, dl.month, dl.day);
    int back = ((dw - wd) % 7 + 7) % 7, fwd = ((wd - dw) % 7 + 7) % 7;
    switch (mode) {
    case R_PAST:
    case R_LAST:
        return fl_date_add_days(dl, -(back ? back : 7));
    case R_FUTURE:
    case R_NEXT:
        return fl_date_add_days(dl, fwd ? fwd : 7);
    default: /* this: the one in the dateline's Monday-to-Sunday week */
        return fl_date_add_days(dl, wd - dw);
    }
}

/* A month (1-12) without a year relative to the dateline. */
static fl_date resolve_month(fl_date dl, int m, int mode)
{
    int y = dl.year;
    switch (mode) {
    case R_PAST:
        y -= m > dl.month;
        break;
    case R_FUTURE:
        y += m < dl.month;
        break;
    case R_LAST:
        y -= m >= dl.month;
        break;
    case R_NEXT:
        y += m <= dl.month;
        break;
    default:
        break;
    }
    return mkdate(y, m, 0, FL_PREC_MONTH);
}

/* A day of a month without a year: the latest one not after the dateline
 * (past) or the earliest not before it (future); Feb 29 moves to a leap year. */
static fl_date resolve_month_day(fl_date dl, int m, int d, bool future)
{
    int y = dl.year;
    if (!future && (m > dl.month || (m == dl.month && d > dl.day)))
        y--;
    if (future && (m < dl.month || (m == dl.month && d < dl.day)))
        y++;
    for (int i = 0; i < 8 && !fl_date_valid(y, m, d); i++)
        y += future ? 1 : -1;
    return fl_date_valid(y, m, d) ? mkdate(y, m, d, FL_PREC_DAY) : none_date();
}

static bool grp(const scan *sc, const fl_re_match *m, int g, size_t *b, size_t *e)
{
    int i = sc->s->g[g];
    if ((uint32_t)i >= m->n || m->ov[2 * i] == SIZE_MAX)
        return false;
    *b = m->ov[2 * i];
    *e = m->ov[2 * i + 1];
    return true;
}

/* Integer value of a group, or -1 when unset. */
static int gnum(const scan *sc, const fl_re_match *m, int g)
{
    size_t b, e;
    return grp(sc, m, g, &b, &e) ? num(sc->txt + b, e - b) : -1;
}

/* A calendar name without libc, case blind: its first three letters tell
 * each of names[0..count) from the others, so they pick the one name the
 * word can be; then the word is those three letters, the whole name
 * (lens[i] bytes) or, where alt[i] is not NULL, that other form
 * (alt_lens[i] bytes).  The name's index, or -1.  Called for every month
 * and weekday name the date scan meets. */
static inline int calendar_name(const char *s, size_t n, const char (*names)[10],
                                const unsigned char *lens, const char *const *alt,
                                const unsigned char *alt_lens, int count)
{
    if (n < 3)
        return -1;
    int a = fl_ch_lower((unsigned char)s[0]), b = fl_ch_lower((unsigned char)s[1]),
        c = fl_ch_lower((unsigned char)s[2]);
    int k = 0;
    while (k < count && !(a == names[k][0] && b == names[k][1] && c == names[k][2]))
        k++;
    if (k == count)
        return -1;
    if (n == 3)
        return k;
    const char *full = n == lens[k] ? names[k] : alt[k] && n == alt_lens[k] ? alt[k] : NULL;
    if (!full)
        return -1;
    for (size_t i = 3; i < n; i++)
        if (fl_ch_lower((unsigned char)s[i]) != full[i])
            return -1;
    return k;
}

/* fl_month_from_name without libc (calendar_name): the month's number, from
 * its three-letter abbreviation, "sept" or its full name; 0 for none. */
static int month_of(const char *s, size_t n)
{
    static const char names[12][10] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
    static const unsigned char lens[12] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};
    static const char *const alt[12] = {[8] = "sept"};
    static const unsigned char alt_lens[12] = {[8] = 4};
    return calendar_name(s, n, names, lens, alt, alt_lens, 12) + 1;
}

/* fl_weekday_from_name without libc (calendar_name): 0 for Monday to 6 for
 * Sunday, from the three-letter abbreviation, the four-letter one ("tues",
 * "thur") or the full name; -1 for none. */
static int weekday_of(const char *s, size_t n)
{
    static const char names[7][10] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
    static const unsigned char lens[7] = {6, 7, 9, 8, 6, 8, 6};
    static const char *const alt[7] = {[1] = "tues", [3] = "thur"};
    static const unsigned char alt_lens[7] = {[1] = 4, [3] = 4};
    return calendar_name(s, n, names, lens, alt, alt_lens, 7);
}

/* Month number of a month-name group, or 0 when unset. */
static int gmonth(const scan *sc, const fl_re_match *m, int g)
{
    size_t b, e;
    return grp(sc, m, g, &b, &e) ? month_of(sc->txt + b, e - b) : 0;
}

static int two_digit_year(int y, size_t ndigits)
{
    if (ndigits == 4)
        return y;
    return y < 50 ? 2000 + y : 1900 + y;
}

/* A day/month with an optional year: absolute when the year is written, else
 * resolved by tense against the dateline.  wd >= 0 is a written weekday to
 * check.  Returns 0 when the day does not exist (no fact). */
static fl_status emit_day(scan *sc, size_t b, size_t e, int y, int m, int d, int wd, bool *ok)
{
    fl_date r;
    bool relative = y < 0;
    *ok = false;
    if (m < 1 || d < 1 || d > 31)
        return FL_OK;
    if (!relative) {
        if (!fl_date_valid(y, m, d))
            return FL_OK;
        r = mkdate(y, m, d, FL_PREC_DAY);
    } else {
        if (!fl_date_valid(2000, m, d)) /* 31 April, 30 February: never a day */
            return FL_OK;
        int fy;
        if (!anchored(sc, FL_PREC_DAY))
            r = none_date();
        else if (year_words_after(sc, e, &fy))
            r = fl_date_valid(fy, m, d) ? mkdate(fy, m, d, FL_PREC_DAY) : none_date();
        else
            r = resolve_month_day(sc->dl, m, d, future_context(sc, b, e));
    }
    bool mismatch =
        wd >= 0 && r.precision == FL_PREC_DAY && fl_date_weekday(r.year, r.month, r.day) != wd;
    *ok = true;
    return emit(sc, b, e, r, relative, mismatch);
}

/* ---- at a number ---- */

/* A bare 3- or 4-digit number at p: a year only in a date context. */
static fl_status try_year(scan *sc, size_t p, size_t nd)
{
    const char *t = sc->txt;
    size_t q = p + nd;
    int v = num(t + p, nd);
    if (t[p] == '0' || (nd == 4 && (v < 1000 || v > 2099)) || (nd == 3 && v < 100))
        return FL_OK;
    /* what comes before: currency, a decimal or thousands separator, a sign */
    if (p > 0) {
        unsigned char c = (unsigned char)t[p - 1];
        if (c == '$' || c == '#' || c == '+' || c == 0xA3 /* £ */ || c == 0xA5 /* ¥ */ ||
            c == 0xAC /* € */)
            return FL_OK;
        if ((c == '.' || c == ',' || c == '-' || c == '/' || c == ':') && p >= 2 &&
            is_digit((unsigned char)t[p - 2]))
            return FL_OK;
    }
    /* what follows: more number, a percentage, a unit glued on ("1500m") */
    if (q < sc->len) {
        unsigned char c = (unsigned char)t[q];
        unsigned char c2 = q + 1 < sc->len ? (unsigned char)t[q + 1] : 0;
        if (c == '%' || is_alpha(c))
            return FL_OK;
        if ((c == ',' || c == '.' || c == ':') && is_digit(c2))
            return FL_OK;
        if ((c == '-' || c == '/') && is_digit(c2) && nd == 3)
            return FL_OK;
    }
    word next = word_after(t, sc->len, q);
    if (in_set(sc->s, t, next, WS_UNITS))
        return FL_OK;
    /* "between 1500 and 2000 tonnes": look at the unit after the second number */
    if (in_set(sc->s, t, next, WS_CONNECTORS)) {
        size_t i = next.start + next.len;
        while (i < sc->len && is_hspace((unsigned char)t[i]))
            i++;
        size_t b = i;
        while (i < sc->len && (is_digit((unsigned char)t[i]) || t[i] == ','))
            i++;
        if (i > b && in_set(sc->s, t, word_after(t, sc->len, i), WS_UNITS))
            return FL_OK;
    }

    word prev = word_before(t, p);
    bool ok = false;
    bool joined =
        nd == 4 && sc->year_end != SIZE_MAX && sc->year_end <= p && p - sc->year_end <= 12;
    if (joined) {
        /* "in 2003 and 2004", "from 1990 to 1995", "2003-2004", "2003, 2004" */
        size_t i = sc->year_end;
        while (i < p && (is_hspace((unsigned char)t[i]) || t[i] == ',' || t[i] == '-' ||
                         (unsigned char)t[i] >= 0x80))
            i++;
        word w = word_after(t, p, i);
        ok = i == p || (w.start + w.len <= p && in_set(sc->s, t, w, WS_CONNECTORS) &&
                        word_before(t, p).start == w.start);
    }
    if (nd == 3) {
        /* "in 760", "since 760 AD", "by 760 BC"; never a sequel to a 4-digit year
         * ("from 69 in 1984 to 298"), never "in 100-peso bills", "by 800 and ..." */
        static const char *const eras[] = {"AD", "CE", NULL};
        static const char *const bc[] = {"BC", "BCE", NULL};
        unsigned char c = q < sc->len ? (unsigned char)t[q] : 0;
        if (c == '-' || word_in_exact(t, next, bc)) /* BC years have no fl_date */
            return FL_OK;
        if (word_in_exact(t, next, eras)) {
            if (!in_set(sc->s, t, prev, WS_PREPS))
                return FL_OK;
        } else {
            word pw = in_set(sc->s, t, prev, WS_HEDGES) ? word_before(t, prev.start) : prev;
            if (!word_is(t, pw, "in") && !word_is(t, pw, "since"))
                return FL_OK;
        }
        /* "in 760 jobs": the clause must end or go on with a safe word */
        if (next.len && !word_in_exact(t, next, year3_next))
            return FL_OK;
        if (!next.len && !(c == 0 || c == '.' || c == ',' || c == ';' || c == ')' || c == '\n' ||
                           c == '\r' || (is_hspace(c) && next.start >= sc->len)))
            return FL_OK;
        ok = true;
    } else if (!ok) {
        if (in_set(sc->s, t, prev, WS_HEDGES)) {
            word pp = word_before(t, prev.start);
            ok = in_set(sc->s, t, pp, WS_PREPS) || word_is(t, prev, "around") ||
                 word_is(t, prev, "circa");
        } else if (in_set(sc->s, t, prev, WS_PREPS)) {
            ok = true;
            /* "a total of 2000": a quantity */
            if (word_is(t, prev, "of")) {
                static const char *const of_nouns[] = {
                    "total", "average",    "maximum",  "minimum", "sum",   "figure", "number",
                    "score", "level",      "price",    "rate",    "value", "height", "depth",
                    "cost",  "population", "capacity", "output",  "count", "tally",  NULL};
                ok = !word_in(t, word_before(t, prev.start), of_nouns);
            }
        } else if (in_set(sc->s, t, prev, WS_DETS) ||
                   (prev.len > 2 && t[prev.start + prev.len - 2] == '\'' &&
                    t[prev.start + prev.len - 1] == 's')) {
            /* adjectival: "the 2014 World Cup", "its 1987 budget" */
            ok = v >= 1900 && next.len > 0;
        }
    }
    if (!ok)
        return FL_OK;
    fl_status st = emit(sc, p, q, mkdate(v, 0, 0, FL_PREC_YEAR), false, false);
    sc->year_end = q;
    return st;
}

/* The first two letters of a month name or abbreviation, lower-cased. */
static bool month_start(unsigned char a, unsigned char b)
{
    static const char pairs[][2] = {{'j', 'a'}, {'j', 'u'}, {'f', 'e'}, {'m', 'a'}, {'a', 'p'},
                                    {'a', 'u'}, {'s', 'e'}, {'o', 'c'}, {'n', 'o'}, {'d', 'e'}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (pairs[i][0] == a && pairs[i][1] == b)
            return true;
    return false;
}

/* Whether a, b, c start a name of MONALL, which the patterns match in this
 * case only ("Jan", "Sept", "September": each starts with one of these). */
static bool month_prefix(unsigned char a, unsigned char b, unsigned char c)
{
    /* each name's three bytes as one integer, all twelve compared with no
     * branch (a loop that stopped at the first hit mispredicted its exit) */
#define M3(x, y, z) ((uint32_t)(x) | (uint32_t)(y) << 8 | (uint32_t)(z) << 16)
    static const uint32_t names[12] = {M3('J', 'a', 'n'), M3('F', 'e', 'b'), M3('M', 'a', 'r'),
                                       M3('A', 'p', 'r'), M3('M', 'a', 'y'), M3('J', 'u', 'n'),
                                       M3('J', 'u', 'l'), M3('A', 'u', 'g'), M3('S', 'e', 'p'),
                                       M3('O', 'c', 't'), M3('N', 'o', 'v'), M3('D', 'e', 'c')};
    uint32_t k = M3(a, b, c);
#undef M3
    bool hit = false;
    for (size_t i = 0; i < 12; i++)
        hit |= names[i] == k;
    return hit;
}

/* Whether a, b, c can be MON3 (caseless): a byte >= 0x80 passes as its
 * first letter ("\u017F" is an "s", and "sep" starts with one; no other
 * letter of MON3 has a non-ASCII case variant). */
static bool month3_caseless(unsigned char a, unsigned char b, unsigned char c)
{
    return a >= 0x80 || month_prefix((unsigned char)(a & ~0x20), (unsigned char)(b | 0x20),
                                     (unsigned char)(c | 0x20));
}

/* Can PAT_NUM match at p, a run of nd ASCII digits that at_number found
 * structured?  The bytes after the digits are tested against what each of
 * its alternatives needs there; it is a necessary test only (the pattern
 * decides), and a byte >= 0x80 passes wherever \h, \d or a caseless letter
 * ("\u017F" is an "s") could take it.  Most structured runs in news copy are
 * fractions and compounds ("1/2 pct", "5-1/4", "10-year") that no
 * alternative matches. */
static bool num_shape_possible(const scan *sc, size_t p, size_t nd)
{
    const unsigned char *t = (const unsigned char *)sc->txt;
    size_t q = p + nd, len = sc->len;
#define AT(i) ((i) < len ? t[i] : 0)
    unsigned char c = AT(q), c1 = AT(q + 1), c2 = AT(q + 2);
    if (nd == 4) { /* yyyy-m(m)-d(d), not "2005-6" or "2003-04"; "1990s", "1990's" */
        unsigned char c3 = AT(q + 3);
        bool ymd = c1 >= 0x80 || (is_digit(c1) && (c2 == '-' || c2 >= 0x80 ||
                                                   (is_digit(c2) && (c3 == '-' || c3 >= 0x80))));
        return (c == '-' && ymd) || (t[q - 1] == '0' && (c == 's' || (c == '\'' && c1 == 's')));
    }
    if (c >= 0x80) /* a no-break space before a month name */
        return true;
    if (is_hspace(c)) { /* "24 November": at_number saw a capital after the spaces */
        size_t k = q;
        while (k < len && is_hspace(t[k]))
            k++;
        return month_prefix(AT(k), AT(k + 1), AT(k + 2));
    }
    if (c == '/') /* d/m/y: one or two digits and a second '/' ("1/2 pct" has none) */
        return c1 >= 0x80 || c2 >= 0x80 ||
               (is_digit(c1) && (c2 == '/' || (is_digit(c2) && AT(q + 3) == '/')));
    if (c == '-') /* "26-FEB-2016", caseless; not "17-man" */
        return month3_caseless(c1, c2, AT(q + 3));
    if (is_upper(c) && month_start((unsigned char)(c | 0x20), (unsigned char)(c1 | 0x20)))
        return true; /* "21Oct15" */
    /* "24th November", "24th of November", "20th century", "20th-century";
     * not "21st month" */
    bool ord = (c == 's' && c1 == 't') || (c == 'n' && c1 == 'd') || (c == 'r' && c1 == 'd') ||
               (c == 't' && c1 == 'h');
    if (!ord || !(is_hspace(c2) || c2 == '-' || c2 >= 0x80))
        return false;
    size_t k = q + 2;
    while (k < len && (is_hspace(t[k]) || t[k] == '-'))
        k++;
    unsigned char x = AT(k), y = AT(k + 1);
    return x >= 0x80 || ((x | 0x20) == 'c' && (y | 0x20) == 'e') || (x == 'o' && y == 'f') ||
           month_prefix(x, y, AT(k + 2));
#undef AT
}

/* At a digit word of nd digits; *adv is set past what was consumed. */
static fl_status at_number(scan *sc, size_t p, size_t nd, size_t *adv)
{
    const char *t = sc->txt;
    size_t q = p + nd;
    unsigned char c = q < sc->len ? (unsigned char)t[q] : 0;
    *adv = q;
    /* part of a bigger number: "1,987", "2.2014" */
    if (p >= 2 && (t[p - 1] == ',' || t[p - 1] == '.') && is_digit((unsigned char)t[p - 2]))
        return FL_OK;
    /* the regex runs only where a date shape can start: "24 Nov", "24th",
     * "21Oct15", "24/11", "26-FEB", "2017-11", "1990s" */
    bool structured = (nd == 4 && (c == '-' || c == 's' || c == '\'')) ||
                      (nd <= 2 && (c == '/' || c == '-' || is_alpha(c) || c == 0xC2));
    if (nd <= 2 && is_hspace(c)) {
        size_t k = q;
        while (k < sc->len && is_hspace((unsigned char)t[k]))
            k++;
        structured = k < sc->len && is_upper((unsigned char)t[k]);
    }
    if (structured && num_shape_possible(sc, p, nd)) {
        fl_re_match m;
        int rc = fl_re_exec(sc->s->re[RE_NUM], sc->t, t, sc->len, p, &m, sc->err);
        if (rc < 0)
            return sc->err ? sc->err->code : FL_EINTERNAL;
        if (rc == 1) {
            size_t b = m.ov[0], e = m.ov[1], gb = 0, ge = 0;
            bool ok = false;
            fl_status st = FL_OK;
            *adv = e;
            if (grp(sc, &m, G_IY, &gb, &ge)) {
                int y = gnum(sc, &m, G_IY), mo = gnum(sc, &m, G_IM), d = gnum(sc, &m, G_ID);
                if (fl_date_valid(y, mo, d))
                    st = emit(sc, b, e, mkdate(y, mo, d, FL_PREC_DAY), false, false);
                return st;
            }
            if (grp(sc, &m, G_SA, &gb, &ge)) {
                int a = gnum(sc, &m, G_SA), bb = gnum(sc, &m, G_SB);
                size_t yb = 0, ye = 0;
                grp(sc, &m, G_SC, &yb, &ye);
                int y = two_digit_year(num(t + yb, ye - yb), ye - yb);
                int d = a, mo = bb;
                if (a <= 12 && bb > 12) { /* "11/24/2017": month first */
                    d = bb;
                    mo = a;
                }
                if (!fl_date_valid(y, mo, d))
                    return FL_OK;
                if (a > 12)
                    sc->dmy_seen = true;
                else if (bb > 12)
                    sc->mdy_seen = true;
                else if (sc->n_ambiguous < FL_DATE_AMBIGUOUS_MAX)
                    sc->ambiguous[sc->n_ambiguous++] = sc->out->n;
                return emit(sc, b, e, mkdate(y, mo, d, FL_PREC_DAY), false, false);
            }
            if (grp(sc, &m, G_CD, &gb, &ge)) {
                size_t yb = 0, ye = 0;
                grp(sc, &m, G_CY, &yb, &ye);
                int y = two_digit_year(num(t + yb, ye - yb), ye - yb);
                int mo = gmonth(sc, &m, G_CM), d = gnum(sc, &m, G_CD);
                if (fl_date_valid(y, mo, d))
                    st = emit(sc, b, e, mkdate(y, mo, d, FL_PREC_DAY), false, false);
                return st;
            }
            if (grp(sc, &m, G_DD, &gb, &ge)) {
                int y = gnum(sc, &m, G_DY);
                st = emit_day(sc, b, e, y, gmonth(sc, &m, G_DM), gnum(sc, &m, G_DD), -1, &ok);
                if (st == FL_OK && ok && y > 0)
                    sc->year_end = e;
                return st;
            }
            if (grp(sc, &m, G_DEC, &gb, &ge)) {
                int y = gnum(sc, &m, G_DEC);
                if (y >= 1100 && y <= 2090)
                    st = emit(sc, b, e, mkdate(y, 0, 0, FL_PREC_DECADE), false, false);
                return st;
            }
            if (grp(sc, &m, G_CEN, &gb, &ge)) {
                int cen = gnum(sc, &m, G_CEN);
                /* "20th Century Fox", "21st Century-Fox Film": a name */
                bool name = t[e - 7] == 'C' && e + 1 < sc->len && (t[e] == ' ' || t[e] == '-') &&
                            is_upper((unsigned char)t[e + 1]);
                if (cen >= 1 && cen <= 21 && !name) {
                    int y = cen == 1 ? 1 : (cen - 1) * 100;
                    st = emit(sc, b, e, mkdate(y, 0, 0, FL_PREC_CENTURY), false, false);
                }
                return st;
            }
        }
    }
    if (nd == 3 || nd == 4)
        return try_year(sc, p, nd);
    return FL_OK;
}

/* ---- at a month name ---- */

/* A month name with no day or year at [b, e): a month only after a
 * preposition, and never an abbreviation ("Jan" is a name). */
static fl_status month_bare(scan *sc, size_t b, size_t e, int mo)
{
    const char *t = sc->txt;
    size_t n = e - b;
    if (n < 3 || strlen(fl_month_names[mo]) != n)
        return FL_OK;
    word prev = word_before(t, b);
    bool joined = sc->month_end != SIZE_MAX && sc->month_end <= b && b - sc->month_end <= 6 &&
                  (word_is(t, prev, "and") || word_is(t, prev, "or") || word_is(t, prev, "to"));
    static const char *const period_nouns[] = {"months", "year", "weeks", "quarter",
                                               "period", "days", "half",  NULL};
    if (!joined && !in_set(sc->s, t, prev, WS_MONTH_PREPS) &&
        !(word_is(t, prev, "to") && word_in(t, word_before(t, prev.start), period_nouns)))
        return FL_OK;
    if (mo == 5) { /* "May": Theresa May; "of May", "in May's speech" are the person */
        if (word_is(t, prev, "of") ||
            (e < sc->len && (t[e] == '\'' || (unsigned char)t[e] == 0xE2)))
            return FL_OK;
    }
    fl_date r = none_date();
    int fy;
    if (anchored(sc, FL_PREC_MONTH))
        r = year_words_after(sc, e, &fy)
                ? mkdate(fy, mo, 0, FL_PREC_MONTH)
                : resolve_month(sc->dl, mo, future_context(sc, b, e) ? R_FUTURE : R_PAST);
    fl_status st = emit(sc, b, e, r, true, false);
    sc->month_end = e;
    return st;
}

/* Could a day, a year or (when name_ok) a month name follow the word ending
 * at e?  Skips ".", "," and spaces; the regexes run only when it could. */
static inline __attribute__((always_inline)) bool number_follows(const scan *sc, size_t e,
                                                                 bool name_ok)
{
    const char *t = sc->txt;
    size_t i = e, lim = e + 8 < sc->len ? e + 8 : sc->len;
    if (i < lim && t[i] == '.')
        i++;
    if (i < lim && t[i] == ',')
        i++;
    size_t sp = i;
    while (i < lim && (is_hspace((unsigned char)t[i]) || (unsigned char)t[i] == 0xC2 ||
                       (unsigned char)t[i] == 0xA0))
        i++;
    if (i == sp || i >= lim)
        return false;
    return is_digit((unsigned char)t[i]) ||
           (name_ok && (is_upper((unsigned char)t[i]) || t[i] == 't'));
}

/* Is a capitalised name written in title case ("March", not "MARCH")? */
static bool title_case(const char *w, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return false;
    return true;
}

/* The byte at i, or 0 at the end of the text. */
static unsigned char byte_at(const scan *sc, size_t i)
{
    return i < sc->len ? (unsigned char)sc->txt[i] : 0;
}

/* The end of the run of ASCII digits at i. */
static size_t digits_end(const scan *sc, size_t i)
{
    while (is_digit(byte_at(sc, i)))
        i++;
    return i;
}

/* The C matchers below give their matches as fl_re_exec does: m over ov,
 * pairs pairs, the whole match [start, end) and every group unset (SIZE_MAX)
 * until ov_group sets it. */
static void ov_match(fl_re_match *m, size_t *ov, uint32_t pairs, size_t start, size_t end)
{
    for (uint32_t k = 0; k < 2 * pairs; k++)
        ov[k] = SIZE_MAX;
    ov[0] = start;
    ov[1] = end;
    m->ov = ov;
    m->n = pairs;
}

/* Group g (one of G_*) of the match in ov spans [b, e). */
static void ov_group(const scan *sc, size_t *ov, int g, size_t b, size_t e)
{
    ov[2 * sc->s->g[g]] = b;
    ov[2 * sc->s->g[g] + 1] = e;
}

/* PAT_MONTH at the month name t[p..e) (title case, a whole ASCII word, a
 * digit after the spaces) in its two commonest shapes, found without the
 * regex when every byte it reads is ASCII, so that \h is a space or a tab and
 * \d an ASCII digit:
 *   - "March 5", "March 5th", "Mar. 5, 2014" (groups m, d and maybe y): one
 *     or two digits, not followed by a digit, '%' or [,.:] and a digit;
 *   - "March 2014", "Mar., 2014" (m, y2): four digits, not followed by a
 *     digit or [,.] and a digit.
 * On such a match, fills *m as fl_re_exec would, its pairs in ov (SIZE_MAX
 * for a group not set), and returns true; false: the regex decides. */
static bool month_ascii(const scan *sc, size_t p, size_t e, size_t ov[2 * REL_PAIRS_MAX],
                        fl_re_match *m)
{
    size_t k = e;
    if (byte_at(sc, k) == '.')
        k++;
    bool comma = byte_at(sc, k) == ',';
    size_t sp = k + comma;
    for (k = sp; is_hspace(byte_at(sc, k));)
        k++;
    size_t db = k, de = digits_end(sc, db), nd = de - db;
    if (k == sp || byte_at(sc, de) >= 0x80)
        return false;
    int dg = -1, yg = -1;
    size_t end, yb = 0;
    if (nd <= 2 && nd > 0 && !comma) { /* the day, an ordinal suffix, then maybe a year */
        unsigned char a = byte_at(sc, de), b = byte_at(sc, de + 1);
        bool ord = (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
                   (a == 't' && b == 'h');
        size_t o = ord ? de + 2 : de;
        unsigned char x = byte_at(sc, o), x1 = byte_at(sc, o + 1);
        if (x >= 0x80 || is_digit(x) || x == '%' ||
            ((x == ',' || x == '.' || x == ':') && (is_digit(x1) || x1 >= 0x80)))
            return false;
        dg = G_D;
        end = o;
        k = o + (byte_at(sc, o) == ',');
        size_t ys = k;
        while (is_hspace(byte_at(sc, k)))
            k++;
        if (k == ys) {
            if (byte_at(sc, k) >= 0x80)
                return false;
        } else {
            size_t ye = digits_end(sc, k);
            unsigned char z = byte_at(sc, ye), z1 = byte_at(sc, ye + 1);
            if (byte_at(sc, k) >= 0x80 || z >= 0x80 || ((z == ',' || z == '.') && z1 >= 0x80))
                return false;
            if (ye - k == 4 && !((z == ',' || z == '.') && is_digit(z1))) {
                yg = G_Y;
                yb = k;
                end = ye;
            }
        }
    } else if (nd == 4) { /* a year */
        unsigned char z = byte_at(sc, de + 1);
        if (z >= 0x80 || ((byte_at(sc, de) == ',' || byte_at(sc, de) == '.') && is_digit(z)))
            return false;
        yg = G_Y2;
        yb = db;
        end = de;
    } else {
        return false;
    }
    ov_match(m, ov, sc->s->month_pairs, p, end);
    ov_group(sc, ov, G_M, p, e);
    if (dg >= 0)
        ov_group(sc, ov, dg, db, de);
    if (yg >= 0)
        ov_group(sc, ov, yg, yb, yb + 4);
    return true;
}

/* At the month name t[p..p+n), month mo (word_kind's). */
static fl_status at_month(scan *sc, size_t p, size_t n, int mo, size_t *adv)
{
    const char *t = sc->txt;
    if (!title_case(t + p, n))
        return FL_OK;
    if (!number_follows(sc, p + n, false)) {
        *adv = p + n;
        return month_bare(sc, p, p + n, mo);
    }
    fl_re_match m;
    size_t ov[2 * REL_PAIRS_MAX];
    if (!month_ascii(sc, p, p + n, ov, &m)) {
        int rc = fl_re_exec(sc->s->re[RE_MONTH], sc->t, t, sc->len, p, &m, sc->err);
        if (rc < 0)
            return sc->err ? sc->err->code : FL_EINTERNAL;
        if (rc == 0)
            return FL_OK;
    }
    /* group m is the name at p: the match starts there, and a letter may
     * not follow the name */
    size_t b = m.ov[0], e = m.ov[1], me = p + n;
    int d = gnum(sc, &m, G_D), y = gnum(sc, &m, G_Y), y2 = gnum(sc, &m, G_Y2);
    bool ok = false;
    fl_status st = FL_OK;
    *adv = e;
    if (d >= 1 && d <= 31) {
        st = emit_day(sc, b, e, y, mo, d, -1, &ok);
        if (st == FL_OK && ok && y > 0)
            sc->year_end = e;
        if (st != FL_OK || ok)
            return st;
        *adv = me;
        return FL_OK; /* "31 February": no date */
    }
    if (y2 >= 1000 && y2 <= 2099) {
        st = emit(sc, b, e, mkdate(y2, mo, 0, FL_PREC_MONTH), false, false);
        sc->year_end = e;
        return st;
    }
    *adv = me;
    return month_bare(sc, b, me, mo);
}

/* ---- at a weekday name ---- */

/* Whether PAT_WEEKDAY's optional tail can follow the weekday name ending at
 * e: ",?\h+", then a day ("5", "the 5th") or a month name (a capital and
 * the first two letters of a month, in title case).  A necessary test, and
 * a byte >= 0x80 passes wherever \h, \d or a letter could take it.  Where
 * the tail cannot match, the pattern matches the name alone, which is what
 * at_weekday takes without running it: most weekday names in news copy are
 * followed by other words ("on Monday night", "Tuesday's vote"). */
static bool weekday_tail_maybe(const scan *sc, size_t e)
{
    size_t i = e + (byte_at(sc, e) == ',');
    unsigned char c = byte_at(sc, i);
    if (c >= 0x80)
        return true;
    if (!is_hspace(c))
        return false;
    while (is_hspace(byte_at(sc, i)))
        i++;
    c = byte_at(sc, i);
    unsigned char c1 = byte_at(sc, i + 1);
    return c >= 0x80 || is_digit(c) || c == 't' ||
           (is_upper(c) && month_start((unsigned char)(c | 0x20), c1));
}

/* At the weekday name t[p..p+n), weekday wd (word_kind's: 0 for Monday). */
static fl_status at_weekday(scan *sc, size_t p, size_t n, int wd, size_t *adv)
{
    const char *t = sc->txt;
    if (!title_case(t + p, n))
        return FL_OK;
    size_t b = p, e = p + n, wb = p, we = p + n;
    int d = -1, mo = 0;
    if (weekday_tail_maybe(sc, p + n)) {
        fl_re_match m;
        int rc = fl_re_exec(sc->s->re[RE_WEEKDAY], sc->t, t, sc->len, p, &m, sc->err);
        if (rc < 0)
            return sc->err ? sc->err->code : FL_EINTERNAL;
        if (rc == 0)
            return FL_OK;
        b = m.ov[0];
        e = m.ov[1];
        grp(sc, &m, G_W, &wb, &we);
        d = gnum(sc, &m, G_D1);
        mo = gmonth(sc, &m, G_M1);
        if (d < 0) {
            d = gnum(sc, &m, G_D2);
            mo = gmonth(sc, &m, G_M2);
        }
        if (d >= 0) {
            bool ok = false;
            int y = gnum(sc, &m, G_WY);
            fl_status st = emit_day(sc, b, e, y, mo, d, wd, &ok);
            if (st == FL_OK && ok && y > 0)
                sc->year_end = e;
            *adv = e;
            return st;
        }
    }
    /* a bare weekday */
    word prev = word_before(t, b), next = word_after(t, sc->len, we);
    if (word_in_exact(t, prev, weekday_not_after) || word_in_exact(t, next, weekday_not_before))
        return FL_OK;
    if (word_is(t, prev, "on") && (word_is(t, word_before(t, prev.start), "Mail") ||
                                   word_is(t, word_before(t, prev.start), "Independent")))
        return FL_OK;
    fl_date r = anchored(sc, FL_PREC_DAY)
                    ? resolve_weekday(sc->dl, wd, future_context(sc, b, we) ? R_FUTURE : R_PAST)
                    : none_date();
    return emit(sc, b, we, r, true, false);
}

/* ---- at a keyword ---- */

static const char *const weekdays_full[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                            "Friday", "Saturday", "Sunday",    NULL};
static const char *const months_full[] = {"January",  "February", "March",  "April",     "May",
                                          "June",     "July",     "August", "September", "October",
                                          "November", "December", NULL};

/* PAT_REL at the keyword t[p..p+n) (ASCII letters) in its two commonest
 * shapes, found without the regex when every byte it reads is ASCII, so that
 * \h is a space or a tab, a caseless letter an ASCII letter and (?![\w]) "no
 * letter, digit or '_' next":
 *   - a day word ("today": group dw), and
 *   - last, next or this (group rel), spaces, then week, month or year in
 *     any case (group ru) or a weekday or month name written in full (rwd,
 *     rmon),
 * each ending a word.  The alternative PAT_REL tries first ("last quarter of
 * 2014") needs quarter or half, which are left to the regex, as is anything
 * else.  On such a match, fills *m as fl_re_exec would, its pairs in ov
 * (SIZE_MAX for a group not set), and returns true; false: the regex
 * decides. */
static bool rel_ascii(const scan *sc, size_t p, size_t n, size_t ov[2 * REL_PAIRS_MAX],
                      fl_re_match *m)
{
    const char *t = sc->txt;
    word kw = {p, n};
    int g, ug = -1;
    if (word_is(t, kw, "today") || word_is(t, kw, "yesterday") || word_is(t, kw, "tomorrow") ||
        word_is(t, kw, "tonight"))
        g = G_DW;
    else if (word_is(t, kw, "last") || word_is(t, kw, "next") || word_is(t, kw, "this"))
        g = G_REL;
    else
        return false;
    size_t e = p + n, ub = 0;
    if (g == G_REL) {
        size_t i = e;
        while (i < sc->len && is_hspace((unsigned char)t[i]))
            i++;
        word w = {i, 0};
        while (i < sc->len && is_alpha((unsigned char)t[i]))
            i++;
        w.len = i - w.start;
        if (w.start == e)
            return false;
        if (word_is(t, w, "week") || word_is(t, w, "month") || word_is(t, w, "year"))
            ug = G_RU;
        else if (word_in_exact(t, w, weekdays_full))
            ug = G_RWD;
        else if (word_in_exact(t, w, months_full))
            ug = G_RMON;
        else
            return false;
        ub = w.start;
        e = i;
    }
    if (e < sc->len) { /* (?![\w]) */
        unsigned char c = (unsigned char)t[e];
        if (c >= 0x80 || is_alnum(c) || c == '_')
            return false;
    }
    ov_match(m, ov, sc->s->rel_pairs, p, e);
    ov_group(sc, ov, g, p, p + n);
    if (ug >= 0)
        ov_group(sc, ov, ug, ub, e);
    return true;
}

/* At a keyword of n letters (the caller's word_kind) or at "Q" (n 1). */
static fl_status at_keyword(scan *sc, size_t p, size_t n, size_t *adv)
{
    const char *t = sc->txt;
    fl_re_match m;
    size_t ov[2 * REL_PAIRS_MAX];
    if (!rel_ascii(sc, p, n, ov, &m)) {
        int rc = fl_re_exec(sc->s->re[RE_REL], sc->t, t, sc->len, p, &m, sc->err);
        if (rc < 0)
            return sc->err ? sc->err->code : FL_EINTERNAL;
        if (rc == 0)
            return FL_OK;
    }
    size_t b = m.ov[0], e = m.ov[1], gb = 0, ge = 0;
    fl_date dl = sc->dl, r = none_date();
    *adv = e;
    if (grp(sc, &m, G_PY, &gb, &ge)) { /* "the first quarter of 2014" */
        int y = gnum(sc, &m, G_PY);
        if (y < 1000 || y > 2099)
            return FL_OK;
        sc->year_end = e;
        return emit(sc, b, e, mkdate(y, 0, 0, FL_PREC_YEAR), false, false);
    }
    if (grp(sc, &m, G_QY2, &gb, &ge)) { /* "Q1 2014" */
        int y = gnum(sc, &m, G_QY2);
        if (y < 1000 || y > 2099)
            return FL_OK;
        sc->year_end = e;
        return emit(sc, b, e, mkdate(y, 0, 0, FL_PREC_YEAR), false, false);
    }
    if (grp(sc, &m, G_DW, &gb, &ge)) {
        int off = 0;
        if (t[gb] == 'y' || t[gb] == 'Y')
            off = -1;
        else if (ge - gb == 8 && (t[gb + 2] == 'm' || t[gb + 2] == 'M'))
            off = 1;
        /* "Today programme", "USA Today" */
        if (off == 0 && (word_is(t, word_after(t, sc->len, e), "programme") ||
                         word_is(t, word_before(t, b), "USA")))
            return FL_OK;
        if (anchored(sc, FL_PREC_DAY))
            r = fl_date_add_days(dl, off);
        return emit(sc, b, e, r, true, false);
    }
    if (grp(sc, &m, G_REL, &gb, &ge)) {
        int mode = (t[gb] | 0x20) == 'l' ? R_LAST : (t[gb] | 0x20) == 'n' ? R_NEXT : R_THIS;
        int step = mode == R_LAST ? -1 : mode == R_NEXT ? 1 : 0;
        size_t ub, ue;
        if (grp(sc, &m, G_RU, &ub, &ue)) {
            char u = (char)(t[ub] | 0x20);
            if (u == 'y') {
                if (anchored(sc, FL_PREC_YEAR))
                    r = mkdate(dl.year + step, 0, 0, FL_PREC_YEAR);
            } else if (u == 'm') {
                if (anchored(sc, FL_PREC_MONTH))
                    r = fl_date_add_months(mkdate(dl.year, dl.month, 0, FL_PREC_MONTH), step);
            } else if (anchored(sc, FL_PREC_DAY)) {
                /* a week: the month holding the day a week away (no week precision) */
                fl_date x = fl_date_add_days(dl, 7L * step);
                r = mkdate(x.year, x.month, 0, FL_PREC_MONTH);
            }
            return emit(sc, b, e, r, true, false);
        }
        if (grp(sc, &m, G_RWD, &ub, &ue)) {
            int wd = weekday_of(t + ub, ue - ub);
            if (anchored(sc, FL_PREC_DAY))
                r = resolve_weekday(dl, wd, mode);
            return emit(sc, b, e, r, true, false);
        }
        if (grp(sc, &m, G_RMON, &ub, &ue)) {
            int mo = month_of(t + ub, ue - ub);
            if (anchored(sc, FL_PREC_MONTH))
                r = resolve_month(dl, mo, mode);
            sc->month_end = e;
            return emit(sc, b, e, r, true, false);
        }
        return FL_OK;
    }
    if (grp(sc, &m, G_EU, &gb, &ge)) { /* "earlier this year" */
        char u = (char)(t[gb] | 0x20);
        fl_precision need = u == 'y' ? FL_PREC_YEAR : FL_PREC_MONTH;
        if (anchored(sc, need))
            r = mkdate(dl.year, u == 'y' ? 0 : dl.month, 0, need);
        return emit(sc, b, e, r, true, false);
    }
    if (grp(sc, &m, G_QY, &gb, &ge)) { /* "mid-2015", "the early 1990s" */
        int y = gnum(sc, &m, G_QY);
        bool decade = grp(sc, &m, G_QS, &gb, &ge);
        if (y < 1000 || y > 2099 || (decade && y % 10))
            return FL_OK;
        sc->year_end = e;
        return emit(sc, b, e, mkdate(y, 0, 0, decade ? FL_PREC_DECADE : FL_PREC_YEAR), false,
                    false);
    }
    if (grp(sc, &m, G_QM, &gb, &ge)) { /* "early March", "late March 2015" */
        int mo = month_of(t + gb, ge - gb);
        int y = gnum(sc, &m, G_QMY);
        if (y >= 1000 && y <= 2099)
            return emit(sc, b, e, mkdate(y, mo, 0, FL_PREC_MONTH), false, false);
        if (y > 0)
            return FL_OK;
        if (anchored(sc, FL_PREC_MONTH))
            r = resolve_month(dl, mo, future_context(sc, b, e) ? R_FUTURE : R_PAST);
        sc->month_end = e;
        return emit(sc, b, e, r, true, false);
    }
    return FL_OK;
}

/* "two days ago": the word "ago" at p; looks back for a count and a unit. */
static fl_status at_ago(scan *sc, size_t p)
{
    const char *t = sc->txt;
    static const char *const units[] = {"day",    "days", "week",  "weeks", "month",
                                        "months", "year", "years", NULL};
    word unit = word_before(t, p);
    if (!word_in(t, unit, units))
        return FL_OK;
    size_t i = unit.start, b;
    while (i > 0 && is_hspace((unsigned char)t[i - 1]))
        i--;
    int n = -1;
    size_t e = i;
    while (i > 0 && is_digit((unsigned char)t[i - 1]))
        i--;
    if (i < e && e - i <= 3 && !(i > 0 && is_alnum((unsigned char)t[i - 1]))) {
        n = num(t + i, e - i);
        b = i;
    } else {
        word cnt = word_before(t, unit.start);
        if (!word_in(t, cnt, number_words))
            return FL_OK;
        b = cnt.start;
        for (int k = 0; number_words[k]; k++)
            if (word_is(t, cnt, number_words[k])) {
                static const int vals[] = {1, 1,  1,  2,  3,  4,  5,  6,  7, 8,
                                           9, 10, 11, 12, 15, 20, 30, 40, 50};
                n = vals[k];
                break;
            }
    }
    if (n < 0 || b < sc->last_end)
        return FL_OK;
    fl_date r = none_date(), dl = sc->dl;
    char u = (char)(t[unit.start] | 0x20);
    if (u == 'd' && anchored(sc, FL_PREC_DAY))
        r = fl_date_add_days(dl, -n);
    else if (u == 'w' && anchored(sc, FL_PREC_DAY))
        r = fl_date_add_days(dl, -7L * n);
    else if (u == 'm' && anchored(sc, FL_PREC_MONTH))
        r = fl_date_add_months(mkdate(dl.year, dl.month, 0, FL_PREC_MONTH), -n);
    else if (u == 'y' && anchored(sc, FL_PREC_YEAR) && dl.year - n >= 1)
        r = mkdate(dl.year - n, 0, 0, FL_PREC_YEAR);
    return emit(sc, b, p + 3, r, true, false);
}

/* Classifies a letter word of n bytes without calling into libc: months and
 * weekdays (the caller checks the capital), keywords (any case) and "ago".
 * The word's slot (kw_slot) holds the one keyword it can be; its first
 * eight letters, lower-cased, are compared with that entry's at once, its
 * last letter covering a ninth, so that no branch depends on the letters.
 * avail (>= n) is how many bytes of the text start at w. */
static int word_kind(const fl_date_state *s, const char *w, size_t n, size_t avail, int *value)
{
    if (n < 3 || n > 9)
        return W_NONE;
    const unsigned char *u = (const unsigned char *)w;
    const kw_entry *e = &s->kw[kw_slot(n, u[0], u[1], u[n - 1])];
    uint64_t x;
    if (avail >= 8) {
        memcpy(&x, u, 8);
    } else {
        /* the word ends the text: no byte past it is read */
        unsigned char b[8] = {0};
        for (size_t k = 0; k < n; k++)
            b[k] = u[k];
        memcpy(&x, b, 8);
    }
    x = (x | FL_BIT5_EACH) & s->len_mask[n];
    bool hit = (x == e->key) & (e->n == n) & ((u[n - 1] | 0x20u) == e->last);
    *value = e->value;
    return hit ? e->kind : W_NONE;
}

/* Fills *ws (zeroed) from list: a count per length and first letter, each
 * group's start after the ones before it, then the words in their groups. */
static fl_status word_set_build(fl_date_state *s, int k, const char *const *list, fl_error *err)
{
    word_set *ws = &s->sets[k];
    size_t total = 0;
    for (const char *const *p = list; *p; p++, total++) {
        const char *w = *p;
        size_t n = strlen(w);
        if (n == 0 || n >= WORD_SET_MAXLEN || w[0] < 'a' || w[0] > 'z' || w[n - 1] < 'a' ||
            w[n - 1] > 'z' || total >= WORD_SET_MAXWORDS)
            return fl_error_set(err, FL_EINTERNAL, "date word '%s' is not a short lower-case word",
                                w);
        s->set_last[n][w[0] - 'a'][k] |= 1u << (w[n - 1] - 'a');
        ws->count[n][w[0] - 'a']++;
    }
    unsigned next = 0;
    for (size_t n = 0; n < WORD_SET_MAXLEN; n++)
        for (size_t f = 0; f < 26; f++) {
            ws->at[n][f] = (uint8_t)next;
            next += ws->count[n][f];
        }
    uint8_t fill[WORD_SET_MAXLEN][26] = {{0}};
    for (const char *const *p = list; *p; p++) {
        size_t n = strlen(*p), f = (size_t)((*p)[0] - 'a');
        ws->words[ws->at[n][f] + fill[n][f]++] = *p;
    }
    return FL_OK;
}

fl_status fl_date_init(fl_date_state **out, const char *datadir, fl_error *err)
{
    static const char *const pats[RE_COUNT] = {PAT_NUM, PAT_MONTH, PAT_WEEKDAY, PAT_REL};
    (void)datadir;
    fl_status st = FL_OK;
    fl_date_state *s = fl_calloc(1, sizeof *s);
    if (!s)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    for (int i = 0; i < RE_COUNT; i++) {
        fl_error e = {0};
        uint32_t flags = i == RE_REL ? FL_RE_CASELESS : 0;
        /* month_ascii finds nearly every date after a month name: PAT_MONTH
         * runs for no article of the BBC corpus and 128 times over Reuters',
         * and JIT-compiling it took longer at start-up than its matches
         * take in the interpreter */
        if (i == RE_MONTH)
            flags |= FL_RE_NO_JIT;
        fl_status rc = fl_re_compile(&s->re[i], pats[i], flags, &e);
        if (rc == FL_ENOMEM) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        if (rc != FL_OK) {
            st =
                fl_error_set(err, FL_EINTERNAL, "cannot compile date pattern %d: %s", i, e.message);
            goto cleanup;
        }
    }
    for (int i = 0; i < G_COUNT; i++) {
        s->g[i] = fl_re_group_index(s->re[group_names[i].re], group_names[i].name);
        if (s->g[i] < 0) {
            st = fl_error_set(err, FL_EINTERNAL, "date pattern has no group '%s'",
                              group_names[i].name);
            goto cleanup;
        }
    }
    for (size_t n = 0; n < 10; n++) {
        unsigned char b[8] = {0};
        memset(b, 0xFF, n < 8 ? n : 8);
        memcpy(&s->len_mask[n], b, 8);
    }
    for (size_t i = 0; i < sizeof kw_words / sizeof kw_words[0]; i++) {
        const char *w = kw_words[i].s;
        size_t n = strlen(w);
        s->last_mask[n][w[0] - 'a'] |= 1u << (w[n - 1] - 'a');
        kw_entry *e =
            &s->kw[kw_slot(n, (unsigned char)w[0], (unsigned char)w[1], (unsigned char)w[n - 1])];
        if (e->n) {
            st = fl_error_set(err, FL_EINTERNAL, "date keywords '%s' and another share a slot", w);
            goto cleanup;
        }
        unsigned char b[8] = {0};
        memcpy(b, w, n < 8 ? n : 8);
        memcpy(&e->key, b, 8);
        e->n = (uint8_t)n;
        e->last = (uint8_t)w[n - 1];
        e->kind = (uint8_t)kw_words[i].kind;
        int v = e->kind == W_MONTH ? month_of(w, n) : e->kind == W_WEEKDAY ? weekday_of(w, n) : 0;
        if (v < 0 || (e->kind == W_MONTH && v == 0)) {
            st = fl_error_set(err, FL_EINTERNAL, "date keyword '%s' names no month or day", w);
            goto cleanup;
        }
        e->value = (uint8_t)v;
    }
    for (int k = 0; k < WS_COUNT; k++)
        if ((st = word_set_build(s, k, set_lists[k], err)))
            goto cleanup;
    for (size_t n = 0; n < WORD_SET_MAXLEN; n++)
        for (size_t f = 0; f < 26; f++) {
            uint32_t tense = s->set_last[n][f][WS_FUTURE] | s->set_last[n][f][WS_PAST];
            if (n >= TENSE_MAXLEN && tense) {
                st = fl_error_set(err, FL_EINTERNAL, "a date tense word has %zu letters", n);
                goto cleanup;
            }
            if (n < TENSE_MAXLEN)
                s->tense_last[n][f] = tense;
        }
    s->rel_pairs = fl_re_groups(s->re[RE_REL]) + 1;
    s->month_pairs = fl_re_groups(s->re[RE_MONTH]) + 1;
    if (s->rel_pairs > REL_PAIRS_MAX || s->month_pairs > REL_PAIRS_MAX) {
        st = fl_error_set(err, FL_EINTERNAL, "date pattern has too many groups");
        goto cleanup;
    }
    for (int c = 0; c < 256; c++)
        s->cls[c] = (c >= '0' && c <= '9')                               ? CLS_DIGIT
                    : ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? CLS_ALPHA
                                                                         : 0;
    *out = s;
    return FL_OK;
cleanup:
    fl_date_free(s);
    return st;
}

void fl_date_free(fl_date_state *s)
{
    if (!s)
        return;
    for (int i = 0; i < RE_COUNT; i++)
        fl_re_free(s->re[i]);
    fl_free(s);
}

void fl_date_run_filter(const fl_date_state *s, fl_run_filter *f)
{
    /* word_kind's first test, and "Q1" */
    for (size_t n = 3; n <= 9 && n <= FL_RUN_MAXLEN; n++)
        for (int a = 0; a < 26; a++)
            for (int b = 0; b < 26; b++)
                if (s->last_mask[n][a] >> b & 1)
                    f->bits[n][a + 1][b + 1] |= FL_RUN_DATE;
    f->bits[1][FL_RUN_LETTER('q')][FL_RUN_LETTER('q')] |= FL_RUN_DATE;
}

/* The two tests below are necessary ones (the regex decides), and a byte
 * >= 0x80 passes wherever PAT_REL reads a letter, \h or \w there: compiled
 * caseless with Unicode properties, it takes "\u212A" (Kelvin) for a "k",
 * "\u017F" for an "s", a no-break space for \h and any letter for \w. */

/* Whether PAT_REL can read the lower-case word w (case blind) at t[i],
 * followed by no \w: "this week" and not "this weekend", "this was". */
static inline bool word_maybe(const scan *sc, size_t i, const char *w)
{
    size_t k = 0;
    for (; w[k]; k++) {
        unsigned char b = byte_at(sc, i + k);
        if (b >= 0x80)
            return true;
        if ((b | 0x20) != (unsigned char)w[k])
            return false;
    }
    unsigned char z = byte_at(sc, i + k);
    return z >= 0x80 || !(is_alnum(z) || z == '_');
}

/* Reads w (lower case) and \h+ at t[*k], case blind, and moves *k past
 * them: 1 when they are there, 0 when not, -1 at a byte >= 0x80, where the
 * caseless pattern could still match (the caller answers "maybe"). */
static int word_space_at(const scan *sc, size_t *k, const char *w)
{
    for (; *w; w++, (*k)++) {
        unsigned char b = byte_at(sc, *k);
        if (b >= 0x80)
            return -1;
        if ((b | 0x20) != (unsigned char)*w)
            return 0;
    }
    unsigned char b = byte_at(sc, *k);
    if (b >= 0x80)
        return -1;
    if (!is_hspace(b))
        return 0;
    while (is_hspace(byte_at(sc, *k)))
        (*k)++;
    return 1;
}

/* Whether PAT_REL can read "quarter" or "half" (t[i] is a 'q' or an 'h'),
 * \h+, "of", \h+ and a digit at t[i], case blind: "second half of 2014",
 * and not "second half.", "fourth quarter profits". */
static bool ord_tail_maybe(const scan *sc, size_t i)
{
    size_t k = i;
    int r = word_space_at(sc, &k, (byte_at(sc, i) | 0x20) == 'h' ? "half" : "quarter");
    if (r == 1)
        r = word_space_at(sc, &k, "of");
    if (r != 1)
        return r < 0;
    unsigned char d = byte_at(sc, k);
    return d >= 0x80 || is_digit(d);
}

/* Whether PAT_REL can read "this", \h+ and "week", "month" or "year" at
 * t[i], case blind: "later this year", and not "earlier than". */
static bool ed_tail_maybe(const scan *sc, size_t i)
{
    size_t k = i;
    int r = word_space_at(sc, &k, "this");
    if (r != 1)
        return r < 0;
    unsigned char c = byte_at(sc, k), lc = (unsigned char)(c | 0x20);
    return c >= 0x80 || (lc == 'w' && word_maybe(sc, k, "week")) ||
           (lc == 'm' && word_maybe(sc, k, "month")) || (lc == 'y' && word_maybe(sc, k, "year"));
}

/* Whether PAT_REL can read four digits (\d{4}) at t[i]: "mid-2014", not
 * "mid-70s". */
static bool year4_maybe(const scan *sc, size_t i)
{
    for (size_t k = i; k < i + 4; k++) {
        unsigned char b = byte_at(sc, k);
        if (b >= 0x80)
            return true;
        if (!is_digit(b))
            return false;
    }
    return true;
}

/* Whether a, b, c start a weekday name of WD, in its case. */
static bool weekday_prefix(unsigned char a, unsigned char b, unsigned char c)
{
#define M3(x, y, z) ((uint32_t)(x) | (uint32_t)(y) << 8 | (uint32_t)(z) << 16)
    static const uint32_t names[7] = {M3('M', 'o', 'n'), M3('T', 'u', 'e'), M3('W', 'e', 'd'),
                                      M3('T', 'h', 'u'), M3('F', 'r', 'i'), M3('S', 'a', 't'),
                                      M3('S', 'u', 'n')};
    uint32_t k = M3(a, b, c);
#undef M3
    bool hit = false;
    for (size_t i = 0; i < 7; i++)
        hit |= names[i] == k;
    return hit;
}

/* What PAT_REL needs after each keyword, by its kind: */
enum {
    K_ORD,  /* first ... last: " quarter of 2014", " half of ..." */
    K_REL,  /* last, next, this: " week|month|year" or a capitalised weekday or month */
    K_ED,   /* earlier, later: " this ..." */
    K_QUAL, /* early, late, mid, end: "-" or spaces, then a year or a capitalised month */
};

/* false when PAT_REL cannot match at the keyword t[p..p+n) (a cheap
 * necessary test: the regex decides).  Not inlined: the scan's loop, which
 * asks it at 9,592 keywords of BBC's ("this", "end", "first"), ran
 * slower with its code inside. */
static __attribute__((noinline)) bool keyword_plausible(const scan *sc, size_t p, size_t n)
{
    const char *t = sc->txt;
    unsigned char w0 = (unsigned char)(t[p] | 0x20), w1 = (unsigned char)(t[p + 1] | 0x20);
    if (w0 == 'y' || (w0 == 't' && (n == 7 || n == 8)) || (w0 == 't' && n == 5 && w1 == 'o'))
        return true; /* yesterday, tonight, tomorrow, today */
    /* the keywords (kw_words) told apart by first letter and length */
    int kind;
    if (w0 == 'f' || w0 == 's' || (w0 == 't' && n == 5))
        kind = K_ORD; /* first, fourth, final, second, third */
    else if (w0 == 'n' || w0 == 't')
        kind = K_REL; /* next, this */
    else if (w0 == 'l' && n == 4)
        kind = (t[p + 2] | 0x20) == 's' ? -1 : K_QUAL; /* last (K_ORD or K_REL), late */
    else if ((w0 == 'l' && n == 5) || (w0 == 'e' && n == 7))
        kind = K_ED; /* later, earlier */
    else
        kind = K_QUAL; /* early, mid, end */
    size_t i = p + n;
    if (i >= sc->len)
        return false;
    if (t[i] == '-') { /* "mid-2014", "end-March": the year or month right after it */
        unsigned char d = byte_at(sc, i + 1);
        return kind == K_QUAL &&
               (year4_maybe(sc, i + 1) || month_prefix(d, byte_at(sc, i + 2), byte_at(sc, i + 3)));
    }
    if (!is_hspace((unsigned char)t[i]))
        return false;
    while (i < sc->len && is_hspace((unsigned char)t[i]))
        i++;
    if (i >= sc->len)
        return false;
    unsigned char c = (unsigned char)t[i], lc = (unsigned char)(c | 0x20);
    /* " quarter of 2014", " half of ..." */
    if (kind == K_ORD)
        return (lc == 'q' || lc == 'h') && ord_tail_maybe(sc, i);
    if (kind == K_ED)
        return ed_tail_maybe(sc, i); /* " this week" */
    /* a weekday or month name, in its case (WD, MONFULL: not "this
     * Michigan survey"), read only after a capital */
    bool name = is_upper(c);
    if (name) {
        unsigned char c1 = byte_at(sc, i + 1), c2 = byte_at(sc, i + 2);
        name = month_prefix(c, c1, c2) || (kind != K_QUAL && weekday_prefix(c, c1, c2));
    }
    if (kind == K_QUAL) /* four digits or a month name */
        return name || (is_digit(c) && year4_maybe(sc, i));
    /* " week", " month", " year" (case blind) */
    bool rel = name || (lc == 'w' && word_maybe(sc, i, "week")) ||
               (lc == 'm' && word_maybe(sc, i, "month")) ||
               (lc == 'y' && word_maybe(sc, i, "year"));
    if (kind == K_REL)
        return rel;
    return rel || ((lc == 'q' || lc == 'h') && ord_tail_maybe(sc, i)); /* last */
}

/* Asks for the lines of n bytes at p at once, without waiting for them. */
static inline void prefetch_bytes(const void *p, size_t n)
{
    for (size_t k = 0; k < n; k += 64)
        __builtin_prefetch((const char *)p + k);
}

fl_status fl_date_extract(const fl_date_state *s, fl_re_thread *t, const fl_article *a,
                          fl_facts *out, fl_error *err)
{
    size_t ambiguous[FL_DATE_AMBIGUOUS_MAX];
    scan sc = {.s = s,
               .t = t,
               .txt = a->text,
               .len = a->text_len,
               .out = out,
               .err = err,
               .dl = a->dateline,
               .year_end = SIZE_MAX,
               .month_end = SIZE_MAX,
               .ambiguous = ambiguous};
    if (!sc.txt)
        return FL_OK;
    if (sc.dl.precision != FL_PREC_NONE &&
        !fl_date_valid(sc.dl.year, sc.dl.month ? sc.dl.month : 1, sc.dl.day ? sc.dl.day : 1))
        sc.dl.precision = FL_PREC_NONE;
    /* text is NUL-terminated and cls[0] == 0, so the inner loops stop there */
    const char *txt = sc.txt;
    const unsigned char *cls = s->cls;
    size_t len = sc.len, i = 0;
    /* Only the start of a run of ASCII letters and digits can start a date:
     * the masks find the next one, and the end of its letters or digits,
     * without testing each byte (see bytemask.h). */
    fl_bytemask own;
    fl_runs own_runs;
    fl_bytemask_init(&own);
    fl_runs_init(&own_runs);
    const fl_bytemask *bm = fl_extract_bytemask(a, &own);
    const fl_runs *runs = bm ? fl_extract_runs(a, bm, &own_runs) : NULL;
    if (!runs) {
        fl_bytemask_release(&own);
        fl_runs_release(&own_runs); /* what a failed build had allocated */
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    sc.bm = bm;
    /* word_kind's table (2 KB), read at nearly every letter run the scan
     * stops at: the other extractors have evicted it by the time an article
     * reaches this one, and each first lookup would wait for its line in
     * turn (perf: its load was 7% of the scan's samples); asked for
     * together here, its lines arrive at the same time */
    prefetch_bytes(s->kw, sizeof s->kw);
    fl_status st = FL_OK;
    size_t ri = 0; /* the next listed run to look at */
    const fl_run *items = runs->date.items;
    size_t n_runs = runs->date.n;
    while (i < len) {
        /* the next run at or after i that starts a word (no letter or
         * digit before it); the letter words that word_kind rejects, which
         * the loop would only step over, are not in its list (runs.h) */
        while (ri < n_runs &&
               (items[ri].s < i || (items[ri].s > 0 && fl_bits_test(bm->alnum, items[ri].s - 1))))
            ri++;
        if (ri == n_runs)
            break;
        i = items[ri].s;
        unsigned char c = (unsigned char)txt[i];
        size_t adv, j;
        j = items[ri].e; /* the end of its digits or letters */
        /* the run's flags tell digits from letters: the branch waits for no
         * load of the text */
        if (items[ri].flags & FL_RUN_DIGITS) {
            adv = j;
            if (j - i <= 4)
                st = at_number(&sc, i, j - i, &adv);
        } else {
            size_t n = j - i;
            adv = j;
            if (cls[(unsigned char)txt[j]] == CLS_DIGIT) {
                /* "Q1 2014"; other letter-digit words ("B52") are skipped whole */
                if (n == 1 && c == 'Q')
                    st = at_keyword(&sc, i, 1, &adv);
                while (adv < len && is_alnum((unsigned char)txt[adv]))
                    adv++;
            } else {
                int value; /* a month's or weekday's number */
                switch (word_kind(s, txt + i, n, len - i, &value)) {
                case W_MONTH:
                    if (is_upper(c))
                        st = at_month(&sc, i, n, value, &adv);
                    break;
                case W_WEEKDAY:
                    if (is_upper(c))
                        st = at_weekday(&sc, i, n, value, &adv);
                    break;
                case W_KEYWORD:
                    if (keyword_plausible(&sc, i, n))
                        st = at_keyword(&sc, i, n, &adv);
                    break;
                case W_AGO:
                    if (c == 'a')
                        st = at_ago(&sc, i);
                    break;
                default:
                    break;
                }
            }
        }
        if (st != FL_OK)
            break;
        i = adv > i ? adv : j;
        ri++; /* this run is done (it starts before i) */
    }
    fl_bytemask_release(&own);
    fl_runs_release(&own_runs);
    if (st != FL_OK)
        return st;
    if (sc.mdy_seen && !sc.dmy_seen) {
        for (size_t k = 0; k < sc.n_ambiguous; k++) {
            fl_date *d = &out->items[sc.ambiguous[k]].date;
            int day = d->day;
            d->day = d->month;
            d->month = day;
        }
    }
    return FL_OK;
}
