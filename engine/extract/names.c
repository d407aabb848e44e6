/*
 * names.c - the person, organisation and place extractor.
 *
 * A byte scan tokenises each paragraph into words (gazetteer.h's scanner) and
 * groups capitalised words joined by white space (with inner connectors:
 * "Anna de la Vale", "Bank of England") into runs.  Each run is classified in
 * this order: honorific ("Mr", "Dr", "Lord") -> person; title ("Prime
 * Minister", "Chief Executive") followed by name words -> person; an
 * organisation cue word ("Bank", "Ltd", "Ministry") -> org; an acronym ->
 * org (or place when the gazetteer knows it: "US"); the longest gazetteer
 * match -> place (the rest of the run is classified again); two to four name
 * words with a person cue (a speech verb after them, an appositive ", the
 * chief executive", a role noun before them) -> person.  Single words are
 * resolved last, against the full names mentioned before them ("Cameron" ->
 * "David Cameron", "Mr Xi" -> "Xi Jinping") or the organisations ("Kaito" ->
 * "Kaito Heavy Industries Co").  See docs/facts-quotes-names.md.
 */
#include "core/alloc.h"
#include "core/arena.h"
#include "core/datadir.h"
#include "core/normalize.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "extract/ascii.h"
#include "extract/gazetteer.h"
#include "extract/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

enum {
    W_STOP = 1u << 0,     /* capitalised function words: "The", "However" */
    W_TIME = 1u << 1,     /* months and weekdays */
    W_HONOR = 1u << 2,    /* "Mr", "Dr", "Sir", "Lord" */
    W_THEAD = 1u << 3,    /* title heads: "Minister", "President", "Governor" */
    W_TMOD = 1u << 4,     /* title modifiers: "Prime", "Foreign", "Deputy" */
    W_ORG = 1u << 5,      /* organisation cues: "Bank", "Ltd", "Ministry" */
    W_ROLE = 1u << 6,     /* lower-case role nouns before a name: "analyst" */
    W_SPEECH = 1u << 7,   /* "said", "told" */
    W_CONN = 1u << 8,     /* lower-case name connectors: "de", "of" */
    W_NOACRO = 1u << 9,   /* all-caps words that are not organisations: "CEO", "GDP" */
    W_AUX = 1u << 10,     /* "has", "also" between a name and a speech verb */
    W_PEER = 1u << 11,    /* "Lord", "Baroness": "Lord Ashby of Wenlow" is a name */
    W_ABBR = 1u << 12,    /* abbreviations that take a full stop: "Mr.", "St." */
    W_LTITLE = 1u << 13,  /* lower-case titles kept as the title: "chairman" */
    W_APPOS = 1u << 14,   /* words opening an appositive after a name: "the", "who" */
    W_AND = 1u << 15,     /* "and": splits a run that is not an organisation */
    W_POSTNOM = 1u << 16, /* letters after a name: "QC", "OBE", "Jr" */
};

typedef struct word_list {
    unsigned mask;
    const char *words;
} word_list;

static const word_list word_lists[] = {
    {W_STOP,
     "The A An However But And Or Nor In On At Of For By With From To As If When While "
     "After Before During Since Meanwhile He She It They We I You His Her Its Their Our "
     "My Your This That These Those There Here What Who Whom Whose Why How Where Which "
     "Some Many Most All Both Each Every Either Neither No Not Yes So Then Also Yet Still "
     "Now Today Yesterday Tomorrow Last Next Such Other Another Any Only Even Just Although "
     "Though Because Unless Until Despite Instead Indeed Overall Under Over Into About "
     "Against Between Among Amid Through Across Without Within Around Like Unlike Once "
     "Perhaps Meanwhile Furthermore Moreover Nevertheless Nonetheless Thus Hence "
     "Therefore Later Earlier Ever Never Always Sometimes Often Already Again Asked "
     "Please Thanks Dear Hello Oh Well Read Watch Listen See More Related Follow Share "
     "Click Photo Picture Image Video Audio Getty Copyright Sign "
     "Subscribe Advertisement Promoted Sponsored Editor Editing Reporting Writing"},
    {W_STOP, "Chapter Section Article Figure Table Page Part Step Note Update Source Sources "
             "Analysis Comment Opinion Review Interview Live Breaking Exclusive Report Reports "
             "Good Bad Few Several Much"},
    {W_TIME, "January February March April May June July August September October November "
             "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday "
             "Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs Fri Sat "
             "Sun Christmas Easter"},
    {W_HONOR, "Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Baroness Baron Rev Revd "
              "Reverend Fr Mme Mlle Herr Frau Dott Signor Senhor Sheikh"},
    {W_PEER, "Lord Lady Baroness Baron"},
    {W_THEAD, "President Minister PM Chancellor Premier Secretary Senator Sen Rep "
              "Representative Congressman Congresswoman Governor Gov King Queen Prince "
              "Princess Emperor Empress Pope Bishop Archbishop Cardinal Judge Justice General "
              "Gen Colonel Col Lieutenant Lt Captain Capt Commander Admiral Marshal Sergeant Sgt "
              "Inspector Superintendent Constable Detective Officer Mayor Ambassador "
              "Commissioner Chairman Chairwoman Chair Executive Director Leader Speaker "
              "Treasurer Attorney Emir Ayatollah Imam Rabbi Chief Coach Manager Spokesman "
              "Spokeswoman Spokesperson Councillor"},
    {W_TMOD, "Prime Deputy Vice Foreign Home Finance Health Defence Defense Trade Business "
             "Culture Education Transport Energy Environment Economy Economic Interior Shadow "
             "Acting Junior Senior Opposition Chief Executive Managing Finance Financial "
             "Operating Technology Police Detective Fire Crown Supreme High Lord Grand Crown "
             "Police Army Air Navy Labour Conservative Tory Democratic Republican Party General "
             "Attorney State Federal Regional District County Cabinet Culture Sports Justice "
             "Agriculture Fisheries Industry Commerce Development Treasury Communities Work "
             "Pensions Northern Scottish Welsh Irish European First Second"},
    {W_ORG, "Ltd Limited plc PLC Plc Inc Incorporated Corp Corporation Co Company Companies "
            "Cos Group Bank Banks Bancorp Ministry Department Dept Party Council Commission "
            "Agency Authority University College School Academy Institute Institution "
            "Association Federation Union Committee Court Police Fund Holdings Airlines Airways "
            "Airport Motors Industries Partners Capital Investments Securities Trust Foundation "
            "Society Board Office Service Services Parliament Assembly Congress Senate Cabinet "
            "Treasury Reserve Exchange Systems Technologies Communications Petroleum Mining "
            "Steel Pharmaceuticals Pharma Railways Railway Telecom Electric Entertainment Media "
            "News Times Post Journal Network Networks Club FC Hospital Museum Gallery Orchestra "
            "Theatre Church Forum Alliance League Organisation Organization Coalition Front "
            "Movement Army Navy Force Forces Guard Brigade Regiment Squadron Tribunal Inquiry "
            "Centre Center Laboratories Labs Enterprises Ventures Energy Oil Gas Power Shipping "
            "Lines Logistics Foods Brewery Brewing Insurance Assurance Finance Financial "
            "Management Advisers Advisors Consulting Solutions Software Electronics Chemicals "
            "Construction Developments Properties Estates Realty Resources Minerals Metals "
            "Cement Textiles Mills Stores Supermarkets Retail Trading Exports Imports AG SA NV "
            "GmbH SpA AB ASA BV LLC LLP LP Bhd Pty KK Tbk Berhad Bureau Directorate "
            "Constabulary Rovers Athletic Wanderers Automotive Therapeutics Biotech Facility "
            "International Renewables Ports Shipbuilding Studios Records Press Publishing "
            "Secretariat Observatory Commons Lords Ministries Administration Command Collective "
            "Cooperative Co-operative Consortium Syndicate Initiative Institutes Universities "
            "Nations Programme Program Campaign Project Taskforce Panel Summit Conference"},
    {W_ROLE, "analyst economist spokesman spokeswoman spokesperson chairman chairwoman chair "
             "president director executive officer minister secretary governor senator leader "
             "head chief boss founder manager coach captain actor actress singer star writer "
             "author presenter candidate professor lawyer judge official commissioner striker "
             "midfielder defender goalkeeper player champion winner colleague wife husband son "
             "daughter mother father brother sister partner deputy mayor ambassador envoy "
             "correspondent editor producer designer artist musician rapper comedian chancellor "
             "premier treasurer inspector detective strategist trader dealer researcher "
             "scientist curator consultant adviser advisor campaigner activist organiser "
             "general-secretary secretary-general mp MP MEP MSP AM councillor superintendent "
             "constable sergeant spokesmen boss investor owner broker barrister solicitor "
             "prosecutor lawyer attorney counsel"},
    {W_LTITLE, "chairman chairwoman president governor senator premier chancellor minister "
               "secretary-general general-secretary"},
    {W_SPEECH, "said says say told tells added adds explained explains stated states warned "
               "warns insisted insists argued argues noted notes claimed claims declared "
               "declares admitted admits wrote writes asked asks replied replies continued "
               "continues announced announces confirmed confirms denied denies believes "
               "thinks thought suggested suggests predicted predicts urged urges"},
    {W_AUX, "has had have also will would could may might was is later earlier previously "
            "recently then"},
    {W_CONN, "de la le du da di del della dos das van von der den ter bin ibn al el y of "
             "for and St"},
    {W_AND, "and"},
    {W_POSTNOM, "QC KC OBE CBE MBE KBE DBE MP MEP MSP Jr Sr PhD"},
    {W_NOACRO, "CEO CFO COO CTO CIO GDP GNP VAT IPO AGM EGM TV PM AM OK MP MPs MEP MSP QC KC "
               "DJ ID PC IT AI UFO DNA HIV AIDS FAQ PDF CD DVD USB SMS PS PPS RSVP ETA "
               "GMT BST EST PST CET UTC USD GBP EUR JPY CNY CHF HKD DLRS DLR MLN BLN PCT CTS "
               "NIL NIL MMT LBS KG KM FOB CIF YR QTR NET SHR REVS AVG OPER EPS II III IV VI VII "
               "VIII IX XI XII XIII XIV XV XX XXI LTD INC CORP PLC NOTE NB PS ASAP FYI"},
    {W_ABBR, "Mr Mrs Ms Dr St Prof Gen Sen Rep Gov Jr Sr Capt Col Sgt Lt Rev Revd Mt Ft Fr Co "
             "Corp Inc Ltd Bros Dept Univ"},
    {W_APPOS, "the a an who whose aged himself herself one"},
};

/*
 * The word lists' table.  A word is kept as its length and two 64-bit
 * words: head, its first eight bytes, and tail, its last eight (they
 * overlap between 9 and 15 bytes); a word shorter than eight bytes is its
 * bytes in the low end of head, zero above, and a tail of 0.  Two words of
 * at most 16 bytes are then equal when their lengths, heads and tails are,
 * so a lookup compares two integers where it compared bytes; only a longer
 * word ("secretary-general") also compares its middle bytes.
 */
typedef struct word_slot {
    uint64_t head, tail;
    const char *w; /* points into word_lists; NULL = empty */
    uint32_t len;
    uint32_t mask;
} word_slot;

/* A power of two, about nine times the number of words (~900): a lookup's
 * first slot holds another word for one word in nine that is not listed
 * (one in five at 4096 slots), and word_mask reads the slots' tags
 * (word_tag, 8 KB) before any slot. */
#define WORD_CAP 8192u

struct fl_names_state {
    fl_gazetteer *gaz;
    char *gaz_missing; /* the gazetteer's path when there was no file there */
    word_slot words[WORD_CAP];
    /* word_tag[i]: 0 when words[i] is empty, else the top bits of its
     * word's hash with the low bit set.  A lookup reads this 8 KB array
     * (which stays in the cache) first and the 256 KB of slots only where
     * the tag matches: most words looked up are in no list, and reading
     * their empty or foreign slot was a cache miss at nearly every one. */
    uint8_t word_tag[WORD_CAP];
    /* bit n: some listed word of n bytes starts (ends) with this byte; most
     * words of a text are rejected by these before they are hashed */
    uint64_t first_len[256], last_len[256];
    /* the same for the words listed as connectors, auxiliaries or
     * organisation cues (STICKY), which tokenize asks of most words it keeps */
    uint64_t sticky_first_len[256], sticky_last_len[256];
    /* the same for the abbreviations (W_ABBR), which gap_flags asks of the
     * word before a full stop */
    uint64_t abbr_first_len[256], abbr_last_len[256];
};

/* A word after which the rules may read the next word (tokenize's need). */
#define STICKY (W_CONN | W_AUX | W_ORG)

/* The head and tail of s[0..n), n >= 1, as word_slot has them: loads that
 * stay inside the word (the text may end with it), no byte loop. */
static inline void word_key(const char *s, size_t n, uint64_t *head, uint64_t *tail)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 8) {
        memcpy(head, u, 8);
        memcpy(tail, u + n - 8, 8);
        return;
    }
    *head = fl_key_chunk(u, n);
    *tail = 0;
}

static inline uint32_t word_hash(uint64_t head, uint64_t tail, size_t n)
{
    uint64_t x = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ n) * 0xFF51AFD7ED558CCDull;
    return (uint32_t)(x >> 40);
}

/* The bytes of two words of n > 16 bytes that their heads and tails leave
 * out equal: a loop, not a memcmp call (a call would make word_mask save
 * and restore registers on every word). */
static inline bool middle_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 8; i < n - 8; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/*
 * The word-list mask of the word s[0..n), n >= 1 (a token), 0 when it is
 * not listed; room8: eight bytes can be read from s.  Most words of a text
 * are asked for once or twice each, listed or not at random, so the lookup
 * takes as few branches on its outcome as it can: one for the first and
 * last byte filters (their bit n, and n <= 40, in one test); the key's
 * head and tail from two eight-byte loads and masks when room8 (most
 * words); and one for the first slot probed, whose mask is returned
 * without a branch when the slot is empty (0) or holds the word.  Only
 * a first slot holding another word, or a word of more than 16 bytes,
 * goes on to the loop.
 */
/* A slot's tag in word_tag: never 0 (an empty slot's). */
static inline uint8_t word_tag_of(uint32_t hash)
{
    return (uint8_t)(hash >> 16) | 1u; /* (the slot index takes the low 13 of 24 bits) */
}

static unsigned word_mask(const fl_names_state *st, const char *s, size_t n, bool room8)
{
    uint64_t first_last =
        st->first_len[(unsigned char)s[0]] & st->last_len[(unsigned char)s[n - 1]];
    if (!((unsigned)(first_last >> (n & 63) & 1) & (n <= 40)))
        return 0;
    uint64_t head, tail;
    if (room8) {
        const unsigned char *u = (const unsigned char *)s;
        size_t n8 = n < 8 ? n : 8;
        memcpy(&head, u, 8);
        head &= ~0ull >> (8 * (8 - n8)); /* the word's first n8 bytes */
        memcpy(&tail, u + (n - n8), 8);  /* its last eight when n >= 8 */
        tail &= -(uint64_t)(n >= 8);
    } else {
        word_key(s, n, &head, &tail);
    }
    uint32_t h = word_hash(head, tail, n);
    uint8_t tag = word_tag_of(h);
    for (uint32_t i = h & (WORD_CAP - 1);; i = (i + 1) & (WORD_CAP - 1)) {
        uint8_t t = st->word_tag[i];
        if (!t)
            return 0;
        if (t != tag)
            continue;
        const word_slot *w = &st->words[i];
        if (w->head == head && w->tail == tail && w->len == n &&
            (n <= 16 || middle_equal(w->w, s, n)))
            return w->mask;
    }
}

static void word_add(fl_names_state *st, const char *s, size_t n, unsigned mask)
{
    if (n < 64) {
        st->first_len[(unsigned char)s[0]] |= 1ull << n;
        st->last_len[(unsigned char)s[n - 1]] |= 1ull << n;
        if (mask & STICKY) {
            st->sticky_first_len[(unsigned char)s[0]] |= 1ull << n;
            st->sticky_last_len[(unsigned char)s[n - 1]] |= 1ull << n;
        }
        if (mask & W_ABBR) {
            st->abbr_first_len[(unsigned char)s[0]] |= 1ull << n;
            st->abbr_last_len[(unsigned char)s[n - 1]] |= 1ull << n;
        }
    }
    uint64_t head, tail;
    word_key(s, n, &head, &tail);
    uint32_t h = word_hash(head, tail, n);
    for (uint32_t i = h & (WORD_CAP - 1);; i = (i + 1) & (WORD_CAP - 1)) {
        word_slot *w = &st->words[i];
        if (!w->w) {
            *w = (word_slot){head, tail, s, (uint32_t)n, mask};
            st->word_tag[i] = word_tag_of(h);
            return;
        }
        if (w->len == n && memcmp(w->w, s, n) == 0) {
            w->mask |= mask;
            return;
        }
    }
}

fl_status fl_names_init(fl_names_state **out, const char *datadir, fl_error *err)
{
    fl_names_state *st = fl_calloc(1, sizeof *st);
    if (!st)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    for (size_t l = 0; l < sizeof word_lists / sizeof word_lists[0]; l++) {
        const char *p = word_lists[l].words;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *e = p;
            while (*e && *e != ' ')
                e++;
            if (e > p)
                word_add(st, p, (size_t)(e - p), word_lists[l].mask);
            p = e;
        }
    }
    char path[4096];
    fl_status rc;
    bool missing = true;
    if (datadir) {
        snprintf(path, sizeof path, "%s/gazetteer.tsv", datadir);
        rc = fl_gazetteer_load(&st->gaz, path, &missing, err);
    } else {
        fl_data_path(FL_DATA_GAZETTEER, path, sizeof path);
        rc = fl_gazetteer_load(&st->gaz, path, &missing, err);
    }
    if (!rc && missing && !(st->gaz_missing = fl_strdup(path)))
        rc = fl_error_set(err, FL_ENOMEM, "out of memory");
    if (rc) {
        fl_names_free(st);
        return rc;
    }
    *out = st;
    return FL_OK;
}

const char *fl_names_gazetteer_missing(const fl_names_state *s)
{
    return s->gaz_missing;
}

void fl_names_free(fl_names_state *s)
{
    if (!s)
        return;
    fl_free(s->gaz_missing);
    fl_gazetteer_free(s->gaz);
    fl_free(s);
}

/* ---- tokens ---- */

enum {
    T_CAP = 1u << 0,    /* starts with an upper-case letter */
    T_LOWER = 1u << 1,  /* starts with a lower-case letter */
    T_UPPER = 1u << 2,  /* two or more letters, all upper case (an acronym) */
    T_JOIN = 1u << 3,   /* joined to the previous word by white space only */
    T_SENT = 1u << 4,   /* first word of a sentence or of a quotation */
    T_POSS = 1u << 5,   /* a possessive "'s" was cut off */
    T_ALNUM = 1u << 6,  /* ASCII letters and digits only (the block walk's words) */
    T_ASCII = 1u << 7,  /* ASCII only (T_ALNUM, or with an apostrophe, hyphen or stop) */
    T_HASHED = 1u << 8, /* tok.h is taken (tok_hash) */
    /* tokenize resumed at this word (lone_start): the words before it are
     * not stored and its join and sentence flags may be wrong; run reads
     * them from the text (cues_before_text) when it needs them */
    T_NOCTX = 1u << 9,
};

typedef struct tok {
    size_t s, e;
    unsigned flags;
    unsigned mask; /* word_mask of the word, MASK_UNSET until asked for */
    uint64_t h;    /* the hash of its key, once T_HASHED (tok_hash) */
} tok;

#define MASK_UNSET 0x80000000u

enum cand_kind { C_PERSON, C_ORG, C_PLACE, C_SINGLE };

typedef struct cand {
    enum cand_kind kind;
    size_t s, e;   /* the name */
    size_t ts, te; /* the title, ts == te when none */
    const fl_place *place;
    bool confirmed;                /* a person with a cue (else kept only if a chain confirms it) */
    size_t first_end, last_start;  /* first and last word of the name */
    uint64_t hfull, hfirst, hlast; /* hashes of the normalised name and its end
                                    * words (add_cand: not all of every kind) */
    size_t key_off, key_len;       /* the normalised name, in scan.keys; key_off
                                    * NO_KEY: the text lower-cased (add_cand) */
    size_t next_person;            /* a person: the next in its list of scan.people */
} cand;

#define NO_KEY  SIZE_MAX
#define NO_CAND SIZE_MAX

/* Mention chains look this many candidates back (and, for titled names,
 * forward): linear time on pathological inputs, ample for news articles. */
#define CHAIN_WINDOW 256

typedef struct scan {
    const fl_names_state *st;
    const fl_article *a;
    const char *text;
    tok *toks;
    size_t nt, cap_toks;
    /* the indices of the paragraph's tokens with T_CAP, in order, ncaps of
     * them (tokenize), so that paragraph_runs goes from one capitalised word
     * to the next without a mispredicted test of each word's flags; they
     * live after the tokens in their allocation (fl_names_extract) */
    size_t *caps;
    size_t ncaps;
    size_t para_s, para_e; /* the paragraph tokenized */
    cand *cands;
    size_t nc, cap_cands;
    /* the people as person() made them, unconfirmed ([0]) and confirmed
     * ([1]), each a list in index order through cand.next_person, from
     * first to last (NO_CAND when empty): resolve visits the people of each
     * without a test of every candidate */
    size_t people_first[2], people_last[2];
    fl_strbuf key;         /* scratch for normalised keys */
    fl_strbuf keys;        /* the candidates' normalised names, back to back */
    const fl_bytemask *bm; /* the article's byte classes (fl_extract_bytemask) */
    fl_bytemask own_bm;
    bool nomem;
} scan;

static bool ascii_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static unsigned classify(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'a' && c <= 'z' &&
        !(n > 2 && (s[1] == '-' || s[1] == '\'' || s[2] == '-' || (n > 3 && s[3] == '-'))))
        return T_LOWER; /* the common case: an ordinary lower-case word */
    if (ascii_upper(c)) {
        /* the next most common: a capitalised word, an acronym (T_UPPER)
         * only while no lower-case letter or byte >= 0x80 follows */
        size_t letters = 1;
        for (size_t i = 1; i < n; i++) {
            unsigned char b = (unsigned char)s[i];
            if ((b >= 'a' && b <= 'z') || b >= 0x80)
                return T_CAP;
            letters += ascii_upper(b);
        }
        return letters >= 2 ? T_CAP | T_UPPER : T_CAP;
    }
    unsigned f = 0;
    size_t letters = 0, upper = 0;
    bool ascii = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x80)
            ascii = false;
        else if (ascii_upper(b))
            letters++, upper++;
        else if (b >= 'a' && b <= 'z')
            letters++;
    }
    if (c < 0x80) {
        if (ascii_upper(c))
            f |= T_CAP;
        else if (c >= 'a' && c <= 'z')
            f |= T_LOWER;
    } else {
        size_t i = 0;
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)fl_utf8_next(s, n, &i));
        if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
            f |= T_CAP;
        else if (cat == UTF8PROC_CATEGORY_LL)
            f |= T_LOWER;
    }
    if (ascii && letters >= 2 && upper == letters)
        f |= T_UPPER;
    /* "al-Nuri", "el-Sisi", "bin-Salman", "d'Estaing": a name despite the particle */
    if (f & T_LOWER) {
        const char *h = memchr(s, '-', n < 5 ? n : 5);
        if (!h && n > 2 && s[1] == '\'')
            h = s + 1;
        if (h && h + 1 < s + n && ascii_upper((unsigned char)h[1]) &&
            (h - s == 1 || h - s == 2 || h - s == 3))
            f = (f & ~T_LOWER) | T_CAP;
    }
    return f;
}

/* true when the gap s[0..n) between two words is white space holding at most
 * one line break. */
static bool gap_joins(const char *s, size_t n)
{
    if (n == 0)
        return false;
    int breaks = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t')
            continue;
        if (c == '\n' && ++breaks <= 1)
            continue;
        if (c == '\r')
            continue;
        if (c == '&' && i > 0 && i + 1 < n && s[i - 1] == ' ' && s[i + 1] == ' ')
            continue;                                                    /* "Brenner & Co" */
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* NBSP */
            i++;
            continue;
        }
        return false;
    }
    return true;
}

/* true when the gap before a word opens a quotation or a parenthesis. */
static bool gap_opens(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '(' || c == '[' || c == ':' || c == ';')
            return true;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x98 ||
             (unsigned char)s[i + 2] == 0x94 || (unsigned char)s[i + 2] == 0x93))
            return true;
        if (c == '-' && i + 1 < n && s[i + 1] == '-')
            return true;
    }
    return false;
}

/* The word-list mask of token t, computed and stored; out of line so that M,
 * called several times for most tokens, stays a load and a compare. */
static __attribute__((noinline)) unsigned M_compute(const scan *sc, tok *t)
{
    return t->mask = word_mask(sc->st, sc->text + t->s, t->e - t->s, t->s + 8 <= sc->a->text_len);
}

/* M with the lookup inline: run_one, which asks once of each capitalised
 * word alone (the commonest run), and whose mask is seldom known yet. */
static inline __attribute__((always_inline)) unsigned M_inline(const scan *sc, size_t k)
{
    tok *t = &sc->toks[k];
    return t->mask != MASK_UNSET ? t->mask
                                 : (t->mask = word_mask(sc->st, sc->text + t->s, t->e - t->s,
                                                        t->s + 8 <= sc->a->text_len));
}

/* The word-list mask of token k, computed on first use. */
static inline unsigned M(const scan *sc, size_t k)
{
    tok *t = &sc->toks[k];
    return t->mask != MASK_UNSET ? t->mask : M_compute(sc, t);
}

/* Whether token k may be a sticky word (STICKY: a connector, auxiliary or
 * organisation cue), by the first and last byte filters of those words,
 * without a branch: false when its mask can have none of them. */
/* The sticky words' first and last byte filters (their bit n) of the word
 * s[0..n), n >= 1: false when it is none of them. */
static inline bool sticky_bytes(const fl_names_state *st, const char *s, size_t n)
{
    uint64_t f =
        st->sticky_first_len[(unsigned char)s[0]] & st->sticky_last_len[(unsigned char)s[n - 1]];
    return (unsigned)(f >> (n & 63) & 1) & (n < 64);
}

static inline bool sticky_maybe(const scan *sc, size_t k)
{
    const tok *t = &sc->toks[k];
    return sticky_bytes(sc->st, sc->text + t->s, t->e - t->s);
}

/* M(sc, k) & W_ABBR, without the lookup for most words (gap_flags: the
 * word before most full stops ends a sentence, and no rule may ask its
 * mask). */
static inline bool is_abbr(const scan *sc, size_t k)
{
    const fl_names_state *st = sc->st;
    const tok *t = &sc->toks[k];
    size_t n = t->e - t->s;
    if (t->mask != MASK_UNSET)
        return t->mask & W_ABBR;
    return n < 64 && (st->abbr_first_len[(unsigned char)sc->text[t->s]] >> n & 1) &&
           (st->abbr_last_len[(unsigned char)sc->text[t->e - 1]] >> n & 1) && (M(sc, k) & W_ABBR);
}

/* fl_word_next with the common case inline: an ASCII word between ASCII
 * separators.  Anything else (a byte >= 0x80, an inner apostrophe or hyphen,
 * a possible "U.S." initialism) is handed to fl_word_next from the word's
 * start, which gives the same word since only separators were skipped. */
static inline bool next_word(const fl_bytemask *bm, const char *s, size_t len, size_t *pos,
                             size_t *ws, size_t *we)
{
    /* the masks skip the separators and find the word's end (bytemask.h) */
    size_t i = fl_bits_next_set(bm->alnum_high, len, *pos);
    if (i >= len)
        return false;
    if ((unsigned char)s[i] >= 0x80)
        return fl_word_next(s, len, pos, ws, we);
    size_t j = fl_bits_next_clear(bm->alnum, len, i + 1);
    if (j < len) {
        unsigned char c = (unsigned char)s[j];
        if (c >= 0x80 || c == '\'' || c == '-' || (c == '.' && j == i + 1)) {
            *pos = i;
            return fl_word_next(s, len, pos, ws, we);
        }
    }
    *ws = i;
    *we = *pos = j;
    return true;
}

/*
 * Where the tokeniser may resume, at or after pos, so that the words that the
 * rules read around the word holding byte q (the next capital or non-ASCII
 * byte) are stored, with their flags, as if no word had been skipped.
 *
 * The rules read a stored word's neighbours only near a word that can be
 * capitalised (one with a byte of upper_high): up to two words before it
 * (cue_before: "according to X", a role noun, "at X") and, after it, the
 * following word and the words after a connector, auxiliary or organisation
 * word (paragraph_runs, cue_after); tokenize keeps those after (need).  The
 * flags of a stored word depend on the word before it and on whether a word
 * of its sentence came first.  So the resume point is a white-space byte
 * (bytemask.h: scanning from it finds the same words) with two stretches
 * between white space that hold an ASCII letter or digit, so at least two
 * words, between it and q's word: the first word after it, whose join and
 * sentence flags may be wrong, is neither capitalised nor read as a
 * neighbour.  If the sentence holding the resume point began after pos and
 * none of its words was seen, the resume point moves back before the
 * sentence's start, so its first word is still found.  pos itself when no
 * such point exists.
 */
static size_t restart_before(const scan *sc, size_t pos, size_t q, size_t si, size_t sent_seen)
{
    const fl_bytemask *bm = sc->bm;
    size_t b = fl_bits_prev_set(bm->sep, pos, q);
    for (int words = 0; words < 2 && b != SIZE_MAX; words++) {
        size_t w = fl_bits_prev_set(bm->alnum, pos, b);
        b = w == SIZE_MAX ? SIZE_MAX : fl_bits_prev_set(bm->sep, pos, w);
    }
    if (b == SIZE_MAX)
        return pos;
    const fl_article *a = sc->a;
    while (si < a->n_sentences && a->sentences[si].offset + a->sentences[si].length <= b)
        si++;
    if (si < a->n_sentences && a->sentences[si].offset < b && sent_seen != si) {
        size_t ss = a->sentences[si].offset;
        b = ss <= pos ? SIZE_MAX : fl_bits_prev_set(bm->sep, pos, ss);
        if (b == SIZE_MAX)
            return pos;
    }
    return b;
}

/* ASCII bytes after a letter and digit run from which fl_word_next may read
 * on: an apostrophe or a hyphen ("O'Neill", "Jean-Paul") and, after a
 * single letter, a full stop ("U.S."); all below 64. */
#define READS_ON ((1ull << '\'') | (1ull << '-') | (1ull << '.'))

/* The end of the ASCII letter and digit word that starts at ws as the block
 * walk stores it (a run that ends before a byte from which fl_word_next
 * does not read on, or at the paragraph's end), else 0. */
static inline size_t plain_word_end(const scan *sc, size_t end, size_t ws)
{
    size_t e = fl_bits_next_clear(sc->bm->alnum, end, ws + 1);
    if (e >= end)
        return end;
    unsigned char c = (unsigned char)sc->text[e];
    if (c >= 64 ? c >= 0x80 : (READS_ON >> c & 1) && (c != '.' || e == ws + 1))
        return 0;
    return e;
}

/* lone_start's answers. */
enum { LONE_NO, LONE_CTX, LONE_RUN };

/*
 * Whether the tokeniser may resume at q (pos < q < end, the next byte of
 * upper_high) without the two words before it that restart_before keeps.
 * Those words are read only by cue_before and run's "analysts at X", for a
 * run of two words or more that starts at q's word and keeps that word
 * (run strips a function or date word first, and then reads nothing
 * before the run), and they read them, with q's word's join flag, from the
 * text then (cues_before_text: few runs get there, and most words stored
 * before a capitalised word were stored only for them); the flags of q's
 * word that resuming at it may leave wrong (its join and sentence flags)
 * are read of no run's first word otherwise.  So q must start an ASCII
 * capitalised word that the block walk reads as scanning from further
 * back would (the byte before it a separator: no joiner, stop or letter),
 * and then:
 *  - LONE_RUN: no word can join it in a run: the byte after it joins no
 *    next word (a comma, a colon, a bracket... gap_flags gives the next
 *    word no T_JOIN), or one space and a lower-case word that is not a
 *    sticky word (paragraph_runs ends the run there), or a full stop when
 *    it is not an abbreviation or a single letter, or it ends in a
 *    possessive "'s" that the tokeniser cuts (T_POSS: no word after it
 *    joins it).  Nothing reads the
 *    word after it either (run_one reads no other word), so the tokeniser
 *    need not store it: it stores the next token without T_JOIN, which
 *    ends the run at it in paragraph_runs as the word after it did;
 *  - LONE_CTX otherwise: the tokeniser resumes at it and marks its token
 *    T_NOCTX, for cues_before_text.
 * LONE_NO when q's word is none of these (the tokeniser resumes before
 * it, restart_before).  *mask: the word's word-list mask when it was looked
 * up (the caller stores it in its token), else MASK_UNSET.
 */
static int lone_start(const scan *sc, size_t end, size_t q, unsigned *mask)
{
    const char *t = sc->text;
    *mask = MASK_UNSET;
    unsigned char b = (unsigned char)t[q - 1], c0 = (unsigned char)t[q];
    if (!ascii_upper(c0) || b >= 0x80 || fl_ascii_alnum[b] || b == '\'' || b == '-' || b == '.')
        return LONE_NO;
    size_t e = plain_word_end(sc, end, q);
    if (!e) {
        /* a possessive "'s" or "\u2019s" that ends the word, which the
         * tokeniser cuts (T_POSS): no word joins a word after it */
        const unsigned char *u = (const unsigned char *)t;
        e = fl_bits_next_clear(sc->bm->alnum, end, q + 1);
        size_t s_at = e + 2 <= end && u[e] == '\''                                           ? e + 1
                      : e + 4 <= end && u[e] == 0xE2 && u[e + 1] == 0x80 && u[e + 2] == 0x99 ? e + 3
                                                                                             : end;
        if (s_at >= end || u[s_at] != 's')
            return LONE_NO;
        unsigned char d = s_at + 1 < end ? u[s_at + 1] : ' ';
        return d >= 0x80 || fl_ascii_alnum[d] || d == '\'' || d == '-' ? LONE_NO : LONE_RUN;
    }
    if (e + 1 >= end)
        return LONE_RUN; /* no word after it in the paragraph */
    unsigned char c = (unsigned char)t[e];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '.' && c != 0xC2)
        return LONE_RUN;
    if (c == ' ' && t[e + 1] >= 'a' && t[e + 1] <= 'z') {
        size_t e2 = plain_word_end(sc, end, e + 1);
        if (e2 && !sticky_bytes(sc->st, t + e + 1, e2 - e - 1))
            return LONE_RUN;
    }
    /* a full stop after it joins the next word only when it is an
     * abbreviation (W_ABBR) or a single letter (gap_flags): most words that
     * end a sentence are neither, and the abbreviations' first and last
     * byte filters tell most of them without the lookup */
    const fl_names_state *st = sc->st;
    size_t n = e - q;
    bool stop = c == '.' && n > 1;
    if (stop &&
        !(n < 64 && (st->abbr_first_len[c0] & st->abbr_last_len[(unsigned char)t[e - 1]]) >> n & 1))
        return LONE_RUN;
    if (!stop)
        return LONE_CTX;
    unsigned m = word_mask(st, t + q, n, q + 8 <= sc->a->text_len);
    *mask = m;
    return m & W_ABBR ? LONE_CTX : LONE_RUN;
}

/* The next word from *pos as next_word finds it, stored in k with classify's
 * flags and its possessive cut (tokenize's words that the block walk does
 * not read).  False when no word is left before end. */
static __attribute__((noinline)) bool other_word(const scan *sc, size_t end, size_t *pos, tok *k)
{
    const char *t = sc->text;
    size_t ws, we;
    if (!next_word(sc->bm, t, end, pos, &ws, &we))
        return false;
    k->s = ws;
    k->e = we;
    k->flags = classify(t + ws, we - ws);
    /* cut a possessive 's / ’s */
    if (we - ws > 2 && t[we - 1] == 's' && t[we - 2] == '\'') {
        k->e = we - 2;
        k->flags |= T_POSS;
    } else if (we - ws > 4 && t[we - 1] == 's' && (unsigned char)t[we - 2] == 0x99 &&
               (unsigned char)t[we - 3] == 0x80 && (unsigned char)t[we - 4] == 0xE2) {
        k->e = we - 4;
        k->flags |= T_POSS;
    }
    size_t i = ws;
    while (i < k->e && (unsigned char)t[i] < 0x80)
        i++;
    if (i == k->e)
        k->flags |= T_ASCII;
    return true;
}

/* The join and sentence flags that the gap text[prev_end..ws) before token
 * k (not the first) gives it, when the gap is not a single space after a
 * word without a possessive. */
static __attribute__((noinline)) unsigned gap_flags(scan *sc, size_t k, size_t prev_end, size_t ws)
{
    const char *t = sc->text;
    const tok *pk = &sc->toks[k - 1];
    const char *g = t + prev_end;
    size_t gn = ws - prev_end;
    unsigned f = 0;
    /* the most common gaps, ", " and ". ", as the general case below reads
     * them: neither opens a quotation; only ". " after an abbreviation or
     * an initial joins; the tests in one branch (g[1] is at most the
     * byte after the word's first, inside the NUL-terminated text) */
    if ((gn == 2) & (g[1] == ' ') & ((g[0] == ',') | (g[0] == '.'))) {
        if ((g[0] == ',') | ((pk->flags & T_POSS) != 0))
            return 0;
        return is_abbr(sc, k - 1) || (pk->e - pk->s == 1 && ascii_upper(t[pk->s])) ? T_JOIN : 0;
    }
    if (!(pk->flags & T_POSS) && gap_joins(g, gn))
        f |= T_JOIN;
    else if (!(pk->flags & T_POSS) && gn >= 2 && g[0] == '.' && gap_joins(g + 1, gn - 1) &&
             (is_abbr(sc, k - 1) || (pk->e - pk->s == 1 && ascii_upper(t[pk->s]))))
        f |= T_JOIN;
    if (gap_opens(g, gn))
        f |= T_SENT;
    return f;
}

/* A word of ASCII letters and digits from bit s of block w that runs into
 * the next block, as tokenize's block walk reads it: its end *we and flags
 * *f (the same as other_word's).  False, for other_word, when it
 * does not end in the next block, ends at the paragraph's end, or before a
 * byte that fl_word_next reads on from. */
static __attribute__((noinline)) bool cross_word(const scan *sc, size_t end, size_t w, unsigned s,
                                                 size_t *we, unsigned *f)
{
    const fl_bytemask *bm = sc->bm;
    /* the text goes on past block w: its bits past the text are clear in
     * alnum, and the word runs to its end */
    if (w + 1 >= bm->words)
        return false;
    uint64_t x = ~bm->alnum[w + 1];
    if (!x)
        return false;
    size_t e = ((w + 1) << 6) + (unsigned)__builtin_ctzll(x);
    if (e >= end)
        return false;
    unsigned char c = (unsigned char)sc->text[e];
    if (c >= 64 ? c >= 0x80 : (READS_ON >> c & 1) && (c != '.' || e == (w << 6) + s + 1))
        return false;
    /* capitals (bytes >= 0x80: none in it) and lower-case letters in the
     * word's part in each block */
    uint64_t span1 = ~0ull << s, span2 = (x & -x) - 1;
    uint64_t uh1 = bm->upper_high[w], uh2 = bm->upper_high[w + 1];
    uint64_t up1 = uh1 & span1, up2 = uh2 & span2;
    uint64_t low1 = bm->letter[w] & ~uh1 & span1, low2 = bm->letter[w + 1] & ~uh2 & span2;
    if (low1 >> s & 1)
        *f = T_LOWER | T_ALNUM | T_ASCII;
    else
        *f = T_ALNUM | T_ASCII | (up1 >> s & 1 ? T_CAP : 0u) |
             (!low1 && !low2 && ((up1 & (up1 - 1)) || (up2 & (up2 - 1)) || (up1 && up2)) ? T_UPPER
                                                                                         : 0u);
    *we = e;
    return true;
}

/* A word of ASCII letters and digits from ws to the first other byte, at
 * e (ws < e, in ws's block), that is not followed by a byte that fl_word_next
 * reads on from, with two exceptions that tokenize's block walk leaves to
 * this (other_word's cases that need no byte loop): the word is cut by the
 * paragraph's end (e >= end), or a possessive "'s" follows it that ends
 * the word ("Reed's", not "Reed's-based", "Reed'st").  Stored in k with
 * other_word's flags, *we set to where other_word would leave the scan (past
 * the "'s"); false when it is neither (other_word reads the word). */
static __attribute__((noinline)) bool tail_word(const scan *sc, size_t end, size_t ws, size_t e,
                                                tok *k, size_t *we, unsigned *f)
{
    const fl_bytemask *bm = sc->bm;
    const char *t = sc->text;
    if (ws >= end)
        return false; /* no word before the paragraph's end: other_word says so */
    size_t after = 0; /* the bytes of the "'s" */
    if (e >= end) {
        e = end; /* next_word reads no further */
    } else {
        if (t[e] != '\'' || e + 2 > end || t[e + 1] != 's')
            return false;
        if (e + 2 < end) {
            unsigned char d = (unsigned char)t[e + 2];
            if (d >= 0x80 || fl_ascii_alnum[d] || d == '\'' || d == '-')
                return false;
        }
        after = 2;
    }
    /* the word's bits in its block (ws < e <= the block's end) */
    size_t w = ws >> 6;
    unsigned s = (unsigned)(ws & 63);
    uint64_t span = (~0ull << s) & (~0ull >> (63 - ((e - 1) & 63)));
    uint64_t up = bm->upper_high[w] & span, low = bm->letter[w] & ~bm->upper_high[w] & span;
    if (after)
        /* as classify reads the word with its "'s": a lower-case letter in
         * it, so never T_UPPER */
        *f = T_POSS | T_ASCII | (low >> s & 1 ? T_LOWER : up >> s & 1 ? T_CAP : 0u);
    else if (low >> s & 1)
        *f = T_LOWER | T_ALNUM | T_ASCII;
    else
        *f = T_ALNUM | T_ASCII | (up >> s & 1 ? T_CAP : 0u) |
             (!low && (up & (up - 1)) ? T_UPPER : 0u);
    k->s = ws;
    k->e = e;
    *we = e + after;
    return true;
}

/*
 * Stores in sc->toks the words of paragraph p that the rules may read
 * (restart_before), with their flags.
 *
 * The words are found in the byte masks of the 64-byte block that holds the
 * position (bytemask.h), loaded once for all the words found in it: most
 * words are an ASCII letter and digit run that starts and ends inside one
 * block, before a byte that fl_word_next does not read on from, and such a
 * word's start and end are two count-trailing-zeros and its flags a few bit
 * operations on the block's words.  As classify has it for an ASCII word
 * without apostrophe or hyphen: T_LOWER when it starts with a lower-case
 * letter, else T_CAP for a capital and T_UPPER for two or more capitals and
 * no lower-case letter; no possessive to cut; and T_ALNUM.  Any other word (a byte >=
 * 0x80, an apostrophe, a hyphen, an initialism, a word across a block's end
 * or the paragraph's) is read by other_word, byte by byte as before.
 */
static int tokenize(scan *sc, const fl_paragraph *p, size_t *sentence)
{
    const char *t = sc->text;
    const fl_article *a = sc->a;
    const fl_bytemask *bm = sc->bm;
    const fl_names_state *st = sc->st;
    size_t end = p->offset + p->length;
    size_t pos = p->offset;
    /* a word takes at least two bytes with its gap: fl_names_extract made
     * room for the longest paragraph */
    tok *toks = sc->toks;
    size_t nt = 0;
    /* the end of the last word stored (or the resume point), and where the
     * next word starts when a single space joins it to that word: SIZE_MAX
     * when there is none or it had a possessive cut */
    size_t prev_end = p->offset, join_at = SIZE_MAX;
    /* the sentence at or after the word, si, and its bounds [cur_s, cur_e)
     * (SIZE_MAX when none is left); sent_seen: the last sentence whose first
     * word was stored; sent_check: the first position where a word moves on
     * to the next sentence or is the first of si stored (most words are
     * before it: one compare) */
    size_t si = *sentence, cur_s = SIZE_MAX, cur_e = SIZE_MAX;
    size_t sent_seen = SIZE_MAX;
    if (si < a->n_sentences) {
        cur_s = a->sentences[si].offset;
        cur_e = cur_s + a->sentences[si].length;
    }
    size_t sent_check = cur_s;
    /* need: the next word must be stored (it follows a word that can start
     * or extend a name: a T_CAP word, which paragraph_runs starts or goes
     * on with a run at, or a sticky word; not any word with a byte of
     * upper_high, "don\u2019t" or "iPhone", which no run holds); hold: no
     * skip before this position (see below) */
    bool need = false;
    size_t hold = 0;
    /* the word-list mask of the word at known_at, when lone_start looked it
     * up (MASK_UNSET when it did not) */
    size_t known_at = SIZE_MAX;
    unsigned known_mask = MASK_UNSET;
    /* the start of a word that lone_start found alone in its run
     * (LONE_RUN), and the flags to drop from the next token stored (T_JOIN
     * after such a word) */
    size_t alone_at = SIZE_MAX;
    unsigned drop = 0;
    /* the start of the word that the tokeniser last resumed at (T_NOCTX) */
    size_t resumed_at = SIZE_MAX;
    sc->para_s = p->offset;
    sc->para_e = end;
    size_t ncaps = 0;
    for (;;) {
        if (!need && pos >= hold) {
            size_t q = fl_bits_next_set(bm->upper_high, end, pos);
            if (q >= end)
                break; /* no capitalised word left: nothing more is read */
            unsigned qmask = MASK_UNSET;
            int lone = q > pos ? lone_start(sc, end, q, &qmask) : LONE_NO;
            if (qmask != MASK_UNSET) {
                /* q's word's token, stored soon, takes it */
                known_at = q;
                known_mask = qmask;
            }
            if (lone) {
                /* at q's word itself, which is stored next */
                prev_end = pos = q;
                /* q's word takes tokenize's common case, one branch that
                 * most words take: its T_JOIN, after a space, is read by no
                 * rule (cues_before_text finds it again), and by no run
                 * either, since the token before it ends any run (a word
                 * alone has it dropped; after a capitalised or sticky word
                 * tokenize would not have skipped to q) */
                join_at = q;
                hold = q + 1;
                alone_at = lone == LONE_RUN ? q : SIZE_MAX;
                resumed_at = q;
            } else {
                size_t np = restart_before(sc, pos, q, si, sent_seen);
                if (np > pos) {
                    prev_end = pos = np;
                    join_at = join_at == SIZE_MAX ? SIZE_MAX : np + 1;
                }
                hold = q;
            }
        }
        if (pos >= end)
            break;
        tok *k = &toks[nt];
        size_t ws, we;
        unsigned f;
        /* the block of the position: its alnum_high and upper_high words,
         * its lower-case letters and the complement of its alnum word,
         * loaded for each word (keeping them while the block stays the
         * same took a mispredicted branch at every block change) */
        size_t w = pos >> 6; /* < bm->words: pos < end <= the text's length */
        uint64_t uh = bm->upper_high[w];
        uint64_t low = bm->letter[w] & ~uh, not_alnum = ~bm->alnum[w];
        uint64_t m = bm->alnum_high[w] & (~0ull << (pos & 63));
        if (!m)
            goto other; /* no word starts in the rest of the block */
        unsigned s = (unsigned)__builtin_ctzll(m);
        /* the first byte from s on that is no ASCII letter or digit: s
         * itself for a byte >= 0x80 */
        uint64_t from_s = ~0ull << s;
        uint64_t x = not_alnum & from_s;
        if (!x) {
            /* the word runs into the next block */
            if (!cross_word(sc, end, w, s, &we, &f))
                goto other;
            ws = (w << 6) + s;
            k->s = ws;
            k->e = we;
            goto stored;
        }
        if (x >> s & 1)
            goto other;
        unsigned e = (unsigned)__builtin_ctzll(x);
        we = (w << 6) + e;
        if (we >= end)
            goto tail;
        unsigned char c = (unsigned char)t[we];
        if (c >= 64 ? c >= 0x80 : (READS_ON >> c & 1) && (c != '.' || e == s + 1))
            goto tail;
        uint64_t span = from_s & ((x & -x) - 1); /* bits s..e-1 */
        uint64_t up = uh & span;
        /* classify's flags: T_LOWER for a lower-case first letter, T_CAP
         * for a capital, taken without a branch (which of them a word
         * starts with is seldom predictable); T_UPPER for two capitals or
         * more and no lower-case letter (never with T_LOWER), seldom */
        f = T_ALNUM | T_ASCII | (unsigned)(low >> s & 1) * T_LOWER |
            (unsigned)(up >> s & 1) * T_CAP;
        if ((up & (up - 1)) && !(low & span))
            f |= T_UPPER;
        ws = (w << 6) + s;
        k->s = ws;
        k->e = we;
        goto stored;
    tail:
        if (!tail_word(sc, end, (w << 6) + s, we, k, &we, &f))
            goto other;
        ws = k->s;
        goto stored;
    other : {
        size_t next = pos;
        if (!other_word(sc, end, &next, k))
            break;
        ws = k->s;
        we = next;
        f = k->flags;
    }
    stored:
        pos = we;
        k->mask = ws == known_at ? known_mask : MASK_UNSET;
        if (ws == join_at && t[ws - 1] == ' ')
            f |= T_JOIN; /* the common case */
        else if (nt == 0)
            f |= T_SENT;
        else if (ws != prev_end)
            /* (a word that tokenize resumed at has no gap before it, and
             * gap_flags gives an empty gap no flags) */
            f |= gap_flags(sc, nt, prev_end, ws);
        /* sentence starts */
        if (ws >= sent_check) {
            if (ws >= cur_e) {
                while (si < a->n_sentences &&
                       a->sentences[si].offset + a->sentences[si].length <= ws)
                    si++;
                cur_s = cur_e = SIZE_MAX;
                if (si < a->n_sentences) {
                    cur_s = a->sentences[si].offset;
                    cur_e = cur_s + a->sentences[si].length;
                }
            }
            if (cur_s <= ws && sent_seen != si) {
                sent_seen = si;
                f |= T_SENT;
            }
            sent_check = sent_seen == si ? cur_e : cur_s;
        }
        f &= ~drop;
        f |= ws == resumed_at ? T_NOCTX : 0u;
        k->flags = f;
        /* into caps (stored either way, counted only with T_CAP) */
        sc->caps[ncaps] = nt;
        ncaps += f & T_CAP;
        prev_end = we;
        join_at = f & T_POSS ? SIZE_MAX : we + 1;
        nt++;
        size_t kn = k->e - ws;
        /* the sticky words' first and last byte filters (their bit kn) in
         * one test, as word_mask's */
        uint64_t sticky = st->sticky_first_len[(unsigned char)t[ws]] &
                          st->sticky_last_len[(unsigned char)t[k->e - 1]];
        bool alone = ws == alone_at;
        need = ((f & T_CAP) ||
                ((unsigned)(sticky >> (kn & 63) & 1) & (kn < 64) && (M(sc, nt - 1) & STICKY))) &
               !alone;
        drop = alone ? T_JOIN : 0u;
    }
    sc->nt = nt;
    sc->ncaps = ncaps;
    *sentence = si;
    return 0;
}

/* ---- keys ---- */

/* The white space that fl_normalize_append folds (its ascii_space). */
static inline bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Appends the normal form of text[s..e) to sb: 1 when the text is ASCII (its
 * form is then the text lower-cased with its white space runs folded to one
 * space), 0 when it is not, -1 on ENOMEM or invalid UTF-8 (sc->nomem set). */
static int key_append(scan *sc, fl_strbuf *sb, size_t s, size_t e)
{
    /* ASCII (most keys): the normal form is the text lower-cased with white
     * space runs folded to one space and trimmed (fl_normalize_append); the
     * many-word names of emit and gaz_match have spaces */
    size_t n = e - s, at = sb->len;
    const char *src = sc->text + s;
    if (fl_strbuf_grow(sb, n)) {
        sc->nomem = true;
        return -1;
    }
    /* out in a local: stores through sb->buf would make the compiler reload
     * sb->buf after each one */
    char *out = sb->buf + at;
    /* most names: letters and digits with single spaces between words,
     * which are only lower-cased (a space here is between two of them) */
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (!fl_ascii_alnum[c] &&
            !(c == ' ' && i > 0 && i + 1 < n && fl_ascii_alnum[(unsigned char)src[i + 1]]))
            break;
        out[i] = (char)fl_ch_lower(c);
    }
    /* the rest byte by byte; out[0..i) ends with a letter or digit, if any */
    size_t len = i;
    bool pending = false;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c >= 0x80)
            break;
        if (c <= ' ' && is_space(c)) {
            pending = true;
            continue;
        }
        if (pending) {
            if (len > 0)
                out[len++] = ' ';
            pending = false;
        }
        out[len++] = (char)fl_ch_lower(c);
    }
    if (i == n) {
        sb->len = at + len;
        out[len] = '\0';
        return 1;
    }
    sb->len = at;
    if (fl_normalize_append(sb, sc->text + s, e - s) < 0) {
        sc->nomem = true;
        return -1;
    }
    return 0;
}

/* Normalises text[s..e) into sb (reset first); -1 on ENOMEM. */
static int make_key(scan *sc, fl_strbuf *sb, size_t s, size_t e)
{
    fl_strbuf_reset(sb);
    return key_append(sc, sb, s, e) < 0 ? -1 : 0;
}

/* True when tokens r0..r1-1 are ASCII words (T_ASCII) with a single space
 * between each two: the name's key is then its text lower-cased. */
static bool plain_name(const scan *sc, size_t r0, size_t r1)
{
    const tok *tk = sc->toks;
    if (!(tk[r0].flags & T_ASCII))
        return false;
    for (size_t k = r0 + 1; k < r1; k++)
        if (!(tk[k].flags & T_ASCII) || tk[k].s != tk[k - 1].e + 1 || sc->text[tk[k - 1].e] != ' ')
            return false;
    return true;
}

/* fl_key_hash (gazetteer.h): the mention chains compare names by it. */
#define BIT5_EACH FL_BIT5_EACH

static uint64_t name_hash(const char *k, size_t n, uint64_t lower)
{
    return fl_key_hash(k, n, lower);
}

/*
 * name_hash(text + s, n, BIT5_EACH), the hash of ASCII text's key (the text
 * lower-cased), without fl_key_hash's branches on n (its loop's and its
 * last chunk's, which most words take at random) when the text has at most
 * 16 bytes and 16 can be read from s: its first eight bytes, or fewer,
 * and the rest (0 to 8 bytes) are two loads and masks, the second step
 * taken either way and kept only when there is a rest.
 */
static inline uint64_t text_hash(const scan *sc, size_t s, size_t n)
{
    if (n == 0 || n > 16 || s + 16 > sc->a->text_len)
        return name_hash(sc->text + s, n, BIT5_EACH);
    const unsigned char *u = (const unsigned char *)sc->text + s;
    uint64_t a, b;
    memcpy(&a, u, 8);
    memcpy(&b, u + 8, 8);
    size_t na = n < 8 ? n : 8, nb = n - na;
    uint64_t ma = ~0ull >> (8 * (8 - na));                                 /* na: 1..8 */
    uint64_t mb = (~0ull >> ((8 * (8 - nb)) & 63)) & -(uint64_t)(nb != 0); /* nb: 0..8 */
    /* fl_key_hash's steps: FL_BIT5_EACH on the bytes taken only */
    uint64_t h = (0x243F6A8885A308D3ull ^ ((a | BIT5_EACH) & ma)) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 32;
    uint64_t h2 = (h ^ ((b | BIT5_EACH) & mb)) * 0x9E3779B97F4A7C15ull;
    h2 ^= h2 >> 32;
    h = nb ? h2 : h;
    h = (h ^ n) * 0xFF51AFD7ED558CCDull;
    return h ^ h >> 33;
}

/* name_hash of the key of ASCII token k, its text lower-cased, taken once:
 * the gazetteer's first-word and one-word lookups and add_cand's hashes of a
 * plain name's words are the same hash (fl_key_hash with FL_BIT5_EACH). */
static inline uint64_t tok_hash(const scan *sc, size_t k)
{
    tok *t = &sc->toks[k];
    if (!(t->flags & T_HASHED)) {
        t->h = text_hash(sc, t->s, t->e - t->s);
        t->flags |= T_HASHED;
    }
    return t->h;
}

/* The gazetteer key of a word with a byte >= 0x80 built, and its
 * fl_gazetteer_max_words; 0 on ENOMEM (sc->nomem set). */
static __attribute__((noinline)) unsigned gaz_first_key(scan *sc, size_t k)
{
    if (make_key(sc, &sc->key, sc->toks[k].s, sc->toks[k].e) < 0)
        return 0;
    return fl_gazetteer_max_words(sc->st->gaz, sc->key.buf, sc->key.len);
}

/* A one-word gazetteer entry found with a word's first-word lookup
 * (fl_gazetteer_first_ascii), so that gaz_longest need not look the word up
 * again: known when the lookup told it, place NULL when the word alone is
 * no entry. */
typedef struct gaz_one {
    bool known, demonym;
    const fl_place *place;
} gaz_one;

/* The most words of a gazetteer entry that may start at token k, 0 when
 * none does: inline, since most words start none.  *one: the entry of the
 * word alone when the lookup told it. */
static inline unsigned gaz_first(scan *sc, size_t k, gaz_one *one)
{
    const fl_gazetteer *g = sc->st->gaz;
    const tok *tk = sc->toks;
    const char *w = sc->text + tk[k].s;
    size_t wn = tk[k].e - tk[k].s;
    bool alnum = tk[k].flags & T_ALNUM; /* no '.', all ASCII */
    /* datelines and headlines in capitals ("TOKYO, June 14 -") are not mentions */
    if (!g || ((tk[k].flags & T_UPPER) && wn > 3 && (alnum || !memchr(w, '.', wn))))
        return 0;
    /* an ASCII word (no white space in a word) is its key lower-cased, which
     * the gazetteer reads as it is: no key built for most words */
    if (!(tk[k].flags & T_ASCII))
        return gaz_first_key(sc, k);
    one->known = true;
    return fl_gazetteer_first_ascii(g, w, wn, tok_hash(sc, k), &one->place, &one->demonym);
}

/* The longest gazetteer match of at most m words from token k (not past
 * r1): gaz_match's search once gaz_first has found that one may start. */
static __attribute__((noinline)) const fl_place *gaz_longest(scan *sc, size_t k, size_t r1,
                                                             unsigned m, const gaz_one *one,
                                                             size_t *words, bool *demonym,
                                                             size_t *ext_end)
{
    const fl_gazetteer *g = sc->st->gaz;
    const tok *tk = sc->toks;
    const char *w = sc->text + tk[k].s;
    size_t max = r1 - k < m ? r1 - k : m;
    for (size_t l = max; l >= 1; l--) {
        /* a possessive or an abbreviation's stop inside the span is written out */
        const fl_place *pl;
        if (l == 1 && one->known) {
            /* the word alone: gaz_first's lookup told it */
            pl = one->place;
            if (pl)
                *demonym = one->demonym;
        } else if (plain_name(sc, k, k + l)) {
            /* the key is the text lower-cased: no key built */
            size_t n = tk[k + l - 1].e - tk[k].s;
            uint64_t h = l == 1 ? tok_hash(sc, k) : text_hash(sc, tk[k].s, n);
            pl = fl_gazetteer_lookup_lower(g, w, n, h, demonym);
        } else {
            if (make_key(sc, &sc->key, tk[k].s, tk[k + l - 1].e) < 0)
                return NULL;
            pl = fl_gazetteer_lookup(g, sc->key.buf, sc->key.len, demonym);
        }
        if (!pl && tk[k + l - 1].e < sc->a->text_len && sc->text[tk[k + l - 1].e] == '.') {
            if (make_key(sc, &sc->key, tk[k].s, tk[k + l - 1].e + 1) < 0)
                return NULL;
            pl = fl_gazetteer_lookup(g, sc->key.buf, sc->key.len, demonym);
        }
        /* "St. John's": a name that ends in what looked like a possessive */
        const tok *last = &tk[k + l - 1];
        if (!pl && (last->flags & T_POSS)) {
            size_t e = last->e + (sc->text[last->e] == '\'' ? 2 : 4);
            if (make_key(sc, &sc->key, tk[k].s, e) < 0)
                return NULL;
            if ((pl = fl_gazetteer_lookup(g, sc->key.buf, sc->key.len, demonym)))
                *ext_end = e;
        }
        if (pl) {
            *words = l;
            return pl;
        }
    }
    return NULL;
}

/* The longest gazetteer entry that tokens k.. (not past r1) match: *words
 * its words, *demonym whether it matched as a demonym, *ext_end the end of
 * a name that runs past its last word ("St. John's"), else 0.  NULL when
 * none (or on ENOMEM, sc->nomem set). */
static inline const fl_place *gaz_match(scan *sc, size_t k, size_t r1, size_t *words, bool *demonym,
                                        size_t *ext_end)
{
    *ext_end = 0;
    gaz_one one = {false, false, NULL};
    unsigned m = gaz_first(sc, k, &one);
    return m ? gaz_longest(sc, k, r1, m, &one, words, demonym, ext_end) : NULL;
}

/* name_hash of the normalised text[s..e); 0 on ENOMEM (sc->nomem set). */
static uint64_t key_hash(scan *sc, size_t s, size_t e)
{
    if (make_key(sc, &sc->key, s, e) < 0)
        return 0;
    return name_hash(sc->key.buf, sc->key.len, 0);
}

/* ---- candidates ---- */

static cand *add_cand(scan *sc, enum cand_kind kind, size_t r0, size_t r1)
{
    if (FL_GROW(sc->cands, sc->cap_cands, sc->nc + 1)) {
        sc->nomem = true;
        return NULL;
    }
    cand *c = &sc->cands[sc->nc++];
    const tok *t0 = &sc->toks[r0], *t1 = &sc->toks[r1 - 1];
    /* each field stored (a compound literal zeroed the whole record first,
     * by a rep stos) */
    c->kind = kind;
    c->s = t0->s;
    c->e = t1->e;
    c->ts = c->te = 0;
    c->place = NULL;
    c->confirmed = false;
    c->first_end = t0->e;
    c->last_start = t1->s;
    c->hfull = c->hfirst = c->hlast = 0;
    c->key_off = c->key_len = 0;
    /* the mention chains compare hashes of the normalised name and of its
     * end words.  Most names are plain (plain_name): their hashes are taken
     * from the text, and emit writes the key out only for the candidates
     * that become facts (key_off NO_KEY); any other name is normalised
     * once, into scan.keys. */
    const char *key;
    size_t len;
    uint64_t lower = 0;
    int ascii = 1;
    if (plain_name(sc, r0, r1)) {
        c->key_off = NO_KEY;
        key = sc->text + c->s;
        len = c->e - c->s;
        lower = BIT5_EACH;
    } else {
        c->key_off = sc->keys.len;
        if ((ascii = key_append(sc, &sc->keys, c->s, c->e)) < 0)
            return NULL;
        c->key_len = sc->keys.len - c->key_off;
        key = sc->keys.buf + c->key_off;
        len = c->key_len;
    }
    /* resolve reads no hash of a place, and of an organisation only its
     * first word's, when it has two or more words (a single word's chain) */
    bool multi = r1 - r0 > 1;
    if (kind == C_PLACE || (kind == C_ORG && !multi))
        return c;
    /* an ASCII word is its key lower-cased, and the name's key starts
     * with its first word's and ends with its last word's */
    size_t first = c->first_end - c->s, last = c->e - c->last_start;
    if (kind == C_ORG) {
        c->hfirst = lower   ? tok_hash(sc, r0)
                    : ascii ? name_hash(key, first, 0)
                            : key_hash(sc, c->s, c->first_end);
        return c;
    }
    if (lower) {
        /* a plain name: its words' hashes are their tokens' */
        c->hfirst = tok_hash(sc, r0);
        c->hlast = tok_hash(sc, r1 - 1);
        c->hfull = multi ? text_hash(sc, c->s, len) : c->hfirst;
        return c;
    }
    c->hfull = name_hash(key, len, 0);
    if (!multi) {
        c->hfirst = c->hlast = c->hfull;
    } else if (ascii) {
        c->hfirst = name_hash(key, first, 0);
        c->hlast = name_hash(key + len - last, last, 0);
    } else {
        c->hfirst = key_hash(sc, c->s, c->first_end);
        c->hlast = key_hash(sc, c->last_start, c->e);
    }
    return c;
}

/* A place that ends past its last word ("St. John's"): its key again. */
static void extend_place(scan *sc, cand *c, size_t e)
{
    c->e = e;
    c->key_off = sc->keys.len;
    if (key_append(sc, &sc->keys, c->s, c->e) >= 0)
        c->key_len = sc->keys.len - c->key_off;
}

static bool is_roman(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("IVXLCDM", s[i]))
            return false;
    return true;
}

/* A person cue after the name ending at token r1 - 1. */
static bool cue_after(const scan *sc, size_t r1)
{
    const tok *tk = sc->toks;
    if (tk[r1 - 1].flags & T_POSS)
        return false;
    if (r1 >= sc->nt)
        return false;
    const tok *n = &tk[r1];
    unsigned nmask = M(sc, r1);
    const char *g = sc->text + tk[r1 - 1].e;
    size_t gn = n->s - tk[r1 - 1].e;
    if (n->flags & T_JOIN) {
        size_t k = r1;
        for (int aux = 0; aux < 3 && k < sc->nt && (M(sc, k) & W_AUX) && (tk[k].flags & T_JOIN);
             aux++)
            k++;
        return k < sc->nt && (tk[k].flags & T_JOIN) && (M(sc, k) & W_SPEECH) &&
               (tk[k].flags & T_LOWER);
    }
    /* ", the chief executive", ", who", ", 45," */
    if (gn >= 2 && g[0] == ',' && gap_joins(g + 1, gn - 1)) {
        if ((n->flags & T_LOWER) && (nmask & (W_APPOS | W_ROLE)))
            return true;
        if (sc->text[n->s] >= '0' && sc->text[n->s] <= '9' && n->e - n->s <= 3)
            return true;
        if ((nmask & W_SPEECH) && (n->flags & T_LOWER))
            return true;
    }
    /* "Hiroshi Tanabe (pictured)" and similar: no */
    return false;
}

/* A person cue before the name starting at token r0. */
static bool cue_before(const scan *sc, size_t r0)
{
    const tok *tk = sc->toks;
    if (r0 == 0)
        return false;
    const tok *p = &tk[r0 - 1];
    /* "Its spokesman, Robert Lang," */
    if (!(tk[r0].flags & T_JOIN)) {
        const char *g = sc->text + p->e;
        size_t gn = tk[r0].s - p->e;
        return gn >= 2 && g[0] == ',' && gap_joins(g + 1, gn - 1) && (p->flags & T_LOWER) &&
               (M(sc, r0 - 1) & W_ROLE);
    }
    if ((p->flags & T_LOWER) && (M(sc, r0 - 1) & (W_ROLE | W_SPEECH)))
        return true;
    /* "according to X" */
    if (r0 >= 2 && p->e - p->s == 2 && memcmp(sc->text + p->s, "to", 2) == 0 &&
        tk[r0 - 2].e - tk[r0 - 2].s == 9 && memcmp(sc->text + tk[r0 - 2].s, "according", 9) == 0)
        return true;
    return false;
}

/* The cues before a run of name words that starts at token r0 (run's
 * at_start), after cue_after's answer cue: whether a cue before it
 * (cue_before) or after it makes the name a person's, and *firm: "analysts
 * at Rowe Kingsley said", a firm's name. */
static bool cues_before(const scan *sc, size_t r0, bool cue, bool *firm)
{
    const tok *tk = sc->toks;
    cue = cue || cue_before(sc, r0);
    *firm = cue && r0 > 0 && (tk[r0].flags & T_JOIN) && tk[r0 - 1].e - tk[r0 - 1].s == 2 &&
            memcmp(sc->text + tk[r0 - 1].s, "at", 2) == 0;
    return cue;
}

/*
 * cues_before for the word at q (a token that the tokeniser resumed at)
 * after cue_after's answer cue, from the text, in the plainest cases: the
 * word before it, where every cue before a name is (a role noun, a speech
 * verb, "to", "at": lower-case ASCII words), a run of lower-case ASCII
 * letters after a space (the tokeniser's word then), and the gap between
 * them spaces (q's word joins it: T_JOIN) or a comma and spaces (it does
 * not).  Also when no word before q ends in a lower-case letter before a
 * gap of spaces and commas (no cue before it, no firm).  -1 for any other
 * case ("according to", a tab or a line break in the gap...): read in
 * full.
 */
static int cue_word_before(const scan *sc, size_t q, bool cue, bool *firm)
{
    const char *t = sc->text;
    *firm = false;
    size_t i = q;
    while (i > sc->para_s && (t[i - 1] == ' ' || t[i - 1] == ','))
        i--;
    if (i == sc->para_s)
        return cue; /* no word before q in the paragraph */
    unsigned char c = (unsigned char)t[i - 1];
    if (!(c >= 'a' && c <= 'z'))
        /* the gaps that join (gap_joins) hold these bytes too; after any
         * other byte no lower-case word ends before the gap */
        return c == '\t' || c == '\n' || c == '\r' || c == '&' || c >= 0x80 ? -1 : cue;
    size_t le = i;
    while (i > sc->para_s && t[i - 1] >= 'a' && t[i - 1] <= 'z')
        i--;
    if (i > sc->para_s && t[i - 1] != ' ')
        return -1; /* the word may start before i */
    /* the gap: spaces only (gap_joins: T_JOIN), or a comma and spaces */
    size_t g = le + (t[le] == ',');
    if (g == q)
        return -1;
    for (size_t k = g; k < q; k++)
        if (t[k] != ' ')
            return -1;
    bool join = g == le;
    size_t n = le - i;
    if (n == 2 && memcmp(t + i, "to", 2) == 0)
        return -1; /* "according to": the word before it too */
    unsigned m = word_mask(sc->st, t + i, n, i + 8 <= sc->a->text_len);
    cue = cue || (m & (join ? W_ROLE | W_SPEECH : W_ROLE));
    *firm = cue && join && n == 2 && memcmp(t + i, "at", 2) == 0;
    return cue;
}

/*
 * cues_before for a token r0 that the tokeniser resumed at (T_NOCTX), so
 * that the words before it, which cues_before reads, are not stored, nor
 * r0's join flag: the two words before it are read from the text as
 * tokenize would have stored them, from the point where restart_before
 * would have resumed (two words back at least), with r0's join flag as
 * gap_flags gives it after them, and cues_before reads those.  Most runs
 * are told by cue_word_before alone.
 */
static __attribute__((noinline)) bool cues_before_text(const scan *sc, size_t r0, bool cue,
                                                       bool *firm)
{
    const tok *t0 = &sc->toks[r0];
    size_t q = t0->s;
    int plain = cue_word_before(sc, q, cue, firm);
    if (plain >= 0)
        return plain;
    tok local[3];
    scan cx = *sc;
    cx.toks = local;
    size_t pos = restart_before(sc, sc->para_s, q, sc->a->n_sentences, SIZE_MAX);
    size_t n = 0, prev_end = pos;
    for (;;) {
        tok k;
        size_t next = pos;
        if (!other_word(sc, sc->para_e, &next, &k) || k.s >= q)
            break;
        k.mask = MASK_UNSET;
        if (n == 2) {
            local[0] = local[1];
            n = 1;
        }
        local[n++] = k;
        prev_end = pos = next;
    }
    local[n] = *t0;
    local[n].flags &= ~(T_JOIN | T_NOCTX);
    if (n)
        local[n].flags |= gap_flags(&cx, n, prev_end, q) & T_JOIN;
    return cues_before(&cx, n, cue, firm);
}

static void run(scan *sc, size_t r0, size_t r1, bool at_start);

static void person(scan *sc, size_t t0, size_t h, size_t n0, size_t r1, bool confirmed)
{
    if (n0 >= r1)
        return;
    if (r1 - n0 > 4)
        r1 = n0 + 4;
    cand *c = add_cand(sc, C_PERSON, n0, r1);
    if (!c)
        return;
    if (h != SIZE_MAX) {
        c->ts = sc->toks[t0].s;
        c->te = sc->toks[h].e;
    }
    c->confirmed = confirmed;
    /* onto the end of its list */
    size_t idx = (size_t)(c - sc->cands), *last = &sc->people_last[confirmed];
    c->next_person = NO_CAND;
    *(*last == NO_CAND ? &sc->people_first[confirmed] : &sc->cands[*last].next_person) = idx;
    *last = idx;
}

/* run of the one word r0 (most runs): the same steps as run's for a run of
 * one word, without its loops over the words.  In order: stripped as a
 * lower-case, function or date word; an honorific alone is no name; an
 * organisation cue is an organisation when an acronym; a gazetteer word is
 * a place (a demonym nothing); an acronym is an organisation; a capitalised
 * word not a title or function word is a single name. */
static void run_one(scan *sc, size_t r0)
{
    const tok *k = &sc->toks[r0];
    unsigned m = M_inline(sc, r0);
    /* a lower-case, function, date word or honorific, in one test */
    if ((k->flags & T_LOWER) | (m & (W_STOP | W_TIME | W_HONOR)) | sc->nomem)
        return;
    if (m & W_ORG) {
        if (k->flags & T_UPPER)
            add_cand(sc, C_ORG, r0, r0 + 1);
        return;
    }
    size_t words = 0, ext_end;
    bool demonym = false;
    const fl_place *pl = gaz_match(sc, r0, r0 + 1, &words, &demonym, &ext_end);
    if (sc->nomem)
        return;
    if (pl) {
        if (!demonym) {
            cand *c = add_cand(sc, C_PLACE, r0, r0 + 1);
            if (!c)
                return;
            c->place = pl;
            if (ext_end)
                extend_place(sc, c, ext_end);
        }
        return;
    }
    if (k->flags & T_UPPER) {
        if (k->e - k->s <= 6 && !(m & (W_NOACRO | W_THEAD | W_HONOR)) &&
            !is_roman(sc->text + k->s, k->e - k->s))
            add_cand(sc, C_ORG, r0, r0 + 1);
        return;
    }
    if ((k->flags & T_CAP) && !(m & (W_THEAD | W_TMOD | W_TIME | W_STOP)))
        add_cand(sc, C_SINGLE, r0, r0 + 1);
}

static void run(scan *sc, size_t r0, size_t r1, bool at_start)
{
    if (r1 - r0 == 1) {
        run_one(sc, r0);
        return;
    }
    const tok *tk = sc->toks;
    size_t orig0 = r0, r1_full = r1;
    /* strip function words, dates and connectors at the ends */
    while (r0 < r1) {
        unsigned m = M(sc, r0);
        if ((tk[r0].flags & T_LOWER) || ((m & (W_STOP | W_TIME)) && !(m & W_HONOR)))
            r0++;
        else
            break;
    }
    while (r1 > r0) {
        const tok *l = &tk[r1 - 1];
        bool may = l->e - l->s == 3 && memcmp(sc->text + l->s, "May", 3) == 0;
        if ((l->flags & T_LOWER) || ((M(sc, r1 - 1) & W_TIME) && !(may && r1 - r0 > 1)) ||
            ((M(sc, r1 - 1) & W_POSTNOM) && r1 - r0 > 1))
            r1--;
        else
            break;
    }
    if (r0 >= r1 || sc->nomem)
        return;
    if (r0 != orig0)
        at_start = false;
    size_t n = r1 - r0;
    /* all-caps headline */
    for (size_t k = r0 + 1; k < r1; k++)
        if ((tk[k].flags & T_UPPER) && (tk[k - 1].flags & T_UPPER))
            return;

    /* honorific: "Mr Li", "Dr Imogen Hart", "Lord Ashby of Wenlow" */
    if (M(sc, r0) & W_HONOR) {
        if (M(sc, r0) & W_PEER) {
            for (size_t k = r0 + 1; k < r1; k++)
                if (tk[k].e - tk[k].s == 2 && memcmp(sc->text + tk[k].s, "of", 2) == 0) {
                    person(sc, 0, SIZE_MAX, r0, r1, true);
                    return;
                }
        }
        size_t h = r0;
        while (h + 1 < r1 && (M(sc, h + 1) & (W_HONOR | W_THEAD)) && !(M(sc, h + 1) & W_ORG) &&
               (tk[h + 1].flags & T_CAP))
            h++;
        person(sc, r0, h, h + 1, r1, true);
        return;
    }

    bool has_org = false;
    for (size_t k = r0; k < r1; k++)
        if (M(sc, k) & W_ORG)
            has_org = true;

    /* "Britain and France", "John Smith and Mary Jones": two runs */
    if (!has_org) {
        for (size_t k = r0 + 1; k < r1; k++) {
            bool amp = false;
            for (size_t g = tk[k - 1].e; g < tk[k].s; g++)
                if (sc->text[g] == '&')
                    amp = true;
            if (amp) {
                run(sc, r0, k, at_start);
                run(sc, k, r1, false);
                return;
            }
            if ((M(sc, k) & W_AND) && (tk[k].flags & T_LOWER)) {
                run(sc, r0, k, at_start);
                run(sc, k + 1, r1, false);
                return;
            }
        }
    }

    /* title + name: "Prime Minister Anna Vale", "Chinese Premier Li Keqiang" */
    for (size_t h = r0; h + 1 < r1; h++) {
        if (!(M(sc, h) & W_THEAD) || !(tk[h + 1].flags & T_CAP) ||
            (M(sc, h + 1) & (W_THEAD | W_TMOD | W_HONOR)))
            continue;
        bool org_after = false;
        for (size_t k = h + 1; k < r1; k++)
            if (M(sc, k) & W_ORG)
                org_after = true;
        if (org_after)
            continue;
        size_t t0 = h;
        while (t0 > r0 && (M(sc, t0 - 1) & (W_TMOD | W_THEAD)))
            t0--;
        /* "Bank of England Governor Mark Carney": the org before the title */
        run(sc, r0, t0, at_start && t0 == r0);
        person(sc, t0, h, h + 1, r1, true);
        return;
    }

    /* a whole run the gazetteer knows is a place even with a cue word in it
     * ("Soviet Union", "United Arab Emirates") */
    if (has_org && n > 1) {
        size_t words = 0, ext_end;
        bool demonym = false;
        const fl_place *pl = gaz_match(sc, r0, r1, &words, &demonym, &ext_end);
        if (sc->nomem)
            return;
        if (pl && words == n && !demonym) {
            cand *c = add_cand(sc, C_PLACE, r0, r1);
            if (c) {
                c->place = pl;
                if (ext_end)
                    extend_place(sc, c, ext_end);
            }
            return;
        }
    }
    if (has_org) {
        if (n == 1 && !(tk[r0].flags & T_UPPER))
            return; /* a bare cue word: "Bank", "Council" */
        add_cand(sc, C_ORG, r0, r1);
        return;
    }

    /* gazetteer: longest match from the left, the rest classified again */
    for (size_t k = r0; k < r1; k++) {
        size_t words = 0;
        bool demonym = false;
        size_t ext_end;
        const fl_place *pl = gaz_match(sc, k, r1, &words, &demonym, &ext_end);
        if (sc->nomem)
            return;
        if (!pl)
            continue;
        run(sc, r0, k, at_start && k == r0);
        if (!demonym) {
            cand *c = add_cand(sc, C_PLACE, k, k + words);
            if (!c)
                return;
            c->place = pl;
            if (ext_end)
                extend_place(sc, c, ext_end);
        }
        run(sc, k + words, r1, false);
        return;
    }

    if (n == 1) {
        const tok *k = &tk[r0];
        unsigned km = M(sc, r0);
        size_t len = k->e - k->s;
        if (k->flags & T_UPPER) {
            if (len <= 6 && !(km & (W_NOACRO | W_THEAD | W_HONOR)) &&
                !is_roman(sc->text + k->s, len))
                add_cand(sc, C_ORG, r0, r1);
            return;
        }
        if ((k->flags & T_CAP) && !(km & (W_THEAD | W_TMOD | W_TIME | W_STOP)))
            add_cand(sc, C_SINGLE, r0, r1);
        return;
    }
    if (n > 4)
        return;
    for (size_t k = r0; k < r1; k++)
        if (!(tk[k].flags & (T_CAP | T_LOWER)) || (tk[k].flags & T_UPPER) ||
            (M(sc, k) & (W_THEAD | W_STOP)))
            return;
    bool cue = cue_after(sc, r1_full), firm = false;
    if (at_start)
        cue = tk[r0].flags & T_NOCTX ? cues_before_text(sc, r0, cue, &firm)
                                     : cues_before(sc, r0, cue, &firm);
    /* "analysts at Rowe Kingsley said": a firm, not a person */
    if (firm) {
        add_cand(sc, C_ORG, r0, r1);
        return;
    }
    person(sc, 0, SIZE_MAX, r0, r1, cue);
}

static void paragraph_runs(scan *sc)
{
    const tok *tk = sc->toks;
    const size_t nt = sc->nt;
    if (sc->nomem)
        return;
    /* from each capitalised word (sc->caps) not in the run before it, which
     * ends at j */
    size_t j = 0;
    for (size_t ci = 0; ci < sc->ncaps; ci++) {
        size_t i = sc->caps[ci];
        if (i < j)
            continue;
        if (tk[i].e - tk[i].s == 1 && sc->text[tk[i].s] == 'I' && sc->text[tk[i].e] != '.')
            continue; /* the pronoun "I" */
        j = i + 1;
        while (j < nt && (tk[j].flags & T_JOIN)) {
            if (tk[j].flags & T_CAP) {
                if ((tk[j].flags & T_SENT) && !(M(sc, j - 1) & W_ABBR))
                    break;
                j++;
                continue;
            }
            /* a word that is not a lower-case organisation suffix or
             * connector ends the run (most runs: one test, by the sticky
             * words' first and last byte filters, without the lookup) */
            if (!(((tk[j].flags & T_LOWER) != 0) & sticky_maybe(sc, j)))
                break;
            unsigned mj = M(sc, j);
            if (!(mj & (W_ORG | W_CONN)))
                break;
            /* lower-case suffixes of companies: "Tesco plc" */
            if (mj & W_ORG) {
                j++;
                break;
            }
            size_t k = j;
            while (k < nt && (tk[k].flags & T_JOIN) && (tk[k].flags & T_LOWER) &&
                   (M(sc, k) & W_CONN) && k - j < 3)
                k++;
            if (k > j && k < nt && (tk[k].flags & T_JOIN) && (tk[k].flags & T_CAP)) {
                j = k + 1;
                continue;
            }
            break;
        }
        if (j == i + 1)
            run_one(sc, i);
        else
            run(sc, i, j, true);
        if (sc->nomem)
            return;
    }
}

/* ---- resolution and output ---- */

static bool is_full(const cand *c)
{
    return c->kind == C_PERSON && c->first_end < c->e;
}

/* The full-name person that the candidate at index ci (a single word or a
 * titled surname) refers to: the latest one before it whose last word is that
 * word; for a titled name ("Mr Xi") also one after it, and one whose first
 * word matches ("Xi Jinping": family name first).  NULL when none. */
static const cand *chain_person(const scan *sc, size_t ci, bool titled)
{
    const cand *c = &sc->cands[ci];
    size_t lo = ci > CHAIN_WINDOW ? ci - CHAIN_WINDOW : 0;
    size_t hi = titled ? (sc->nc - ci > CHAIN_WINDOW ? ci + CHAIN_WINDOW : sc->nc) : ci;
    /* each candidate's test without a branch on its kind (seldom
     * predictable), one on its outcome (seldom taken); every candidate's
     * hashes are set (add_cand) */
    for (int pass = 0; pass < (titled ? 2 : 1); pass++) {
        for (size_t i = ci; i-- > lo;) {
            const cand *o = &sc->cands[i];
            if ((o->kind == C_PERSON) & (o->first_end < o->e) & o->confirmed &
                ((pass ? o->hfirst : o->hlast) == c->hfull))
                return o;
        }
        for (size_t i = ci + 1; i < hi; i++) {
            const cand *o = &sc->cands[i];
            if ((o->kind == C_PERSON) & (o->first_end < o->e) & o->confirmed &
                ((pass ? o->hfirst : o->hlast) == c->hfull))
                return o;
        }
    }
    return NULL;
}

static fl_status emit(scan *sc, fl_facts *out, const cand *c, fl_fact_kind kind,
                      const char *canonical, size_t canonical_len, fl_error *err)
{
    fl_fact *f = fl_facts_add(out, kind, c->s, c->e - c->s);
    if (!f)
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    const char *name = fl_facts_str(out, sc->text + c->s, c->e - c->s);
    const char *key;
    if (c->key_off == NO_KEY) {
        /* the text lower-cased (add_cand), written straight into the
         * facts' arena */
        size_t n = c->e - c->s;
        /* eight bytes at a time, into room for the key and its NUL rounded
         * up to eight bytes: the last store is the text's last 0..7 bytes
         * and zeros, which end the key */
        char *k = fl_arena_alloc(&out->arena, (n + 8) & ~(size_t)7);
        if (k) {
            const unsigned char *t = (const unsigned char *)sc->text + c->s;
            size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                uint64_t w = fl_key_chunk(t + i, 8) | BIT5_EACH;
                memcpy(k + i, &w, 8);
            }
            uint64_t w = i < n ? fl_key_chunk(t + i, n - i) | BIT5_EACH >> (8 * (8 - (n - i))) : 0;
            memcpy(k + i, &w, 8);
        }
        key = k;
    } else {
        key = fl_facts_str(out, sc->keys.buf + c->key_off, c->key_len);
    }
    const char *title = c->te > c->ts ? fl_facts_str(out, sc->text + c->ts, c->te - c->ts) : NULL;
    const char *canon = canonical ? fl_facts_str(out, canonical, canonical_len) : name;
    if (!name || !key || !canon || (c->te > c->ts && !title))
        return fl_error_set(err, FL_ENOMEM, "out of memory");
    f->text = name;
    f->name = name;
    f->key = key;
    f->title = title;
    f->canonical = canon;
    return FL_OK;
}

/* The indices of the latest candidates of one sort that resolve has
 * passed, in a ring, newest last: a single word looks back at most
 * CHAIN_WINDOW candidates for a full name (or an organisation of two or
 * more words) that it refers to, and those hold at most CHAIN_WINDOW of
 * them, so the ring holds all that may match. */
typedef struct recent {
    size_t idx[2 * CHAIN_WINDOW];
    size_t n; /* pushed so far; the last min(n, CHAIN_WINDOW) are read */
} recent;

/* Pushes i when push is true: i is stored either way, in the slot after the
 * newest, which holds none of the CHAIN_WINDOW read (the ring has twice
 * that room), and counted only when pushed, so that no branch on push is
 * taken (which kind of candidate comes next is seldom predictable). */
static void recent_push_if(recent *r, size_t i, bool push)
{
    r->idx[r->n % (2 * CHAIN_WINDOW)] = i;
    r->n += push;
}

/* The latest candidate of r at or after lo whose last word (by_first: first
 * word) has hash h, or NULL. */
static const cand *recent_find(const scan *sc, const recent *r, size_t lo, uint64_t h,
                               bool by_first)
{
    size_t back = r->n < CHAIN_WINDOW ? r->n : CHAIN_WINDOW;
    for (size_t j = 1; j <= back; j++) {
        size_t i = r->idx[(r->n - j) % (2 * CHAIN_WINDOW)];
        if (i < lo)
            break;
        const cand *o = &sc->cands[i];
        if ((by_first ? o->hfirst : o->hlast) == h)
            return o;
    }
    return NULL;
}

/* Whether one of the confirmed people ring[first, end) (indices in
 * sc->cands, modulo 2 * CHAIN_WINDOW) confirms the person c: the same full
 * name, or a titled mention ("Mr Xi") of its last or first word. */
static bool ring_confirms(const scan *sc, const cand *c, const size_t *ring, size_t first,
                          size_t end)
{
    /* each person's test without a branch (whether it is a full name or
     * titled is seldom predictable); one branch, seldom taken, on its
     * outcome.  The rings hold only people (resolve), so is_full(o) is
     * whether o has two words or more. */
    for (size_t q = first; q < end; q++) {
        const cand *o = &sc->cands[ring[q % (2 * CHAIN_WINDOW)]];
        bool full = o->first_end < o->e;
        bool titled = o->te > o->ts;
        if ((full & (o->hfull == c->hfull)) |
            (!full & titled & ((c->hlast == o->hfull) | (c->hfirst == o->hfull))))
            return true;
    }
    return false;
}

static fl_status resolve(scan *sc, fl_facts *out, fl_error *err)
{
    /* the full confirmed names and the organisations of two or more words
     * passed, for the single words' chains */
    recent persons, orgs;
    persons.n = orgs.n = 0;
    /* promote unconfirmed full names that a titled or cued mention confirms
     * (in order: a name promoted confirms the later ones too).  The
     * confirmed people among the candidates [lo, hi) around i are kept in
     * two rings of their indices (each at most 2 * CHAIN_WINDOW of them),
     * so that only they are visited: conf, those confirmed when hi passes
     * them, added as hi moves on; prom, those promoted here, added as they
     * are (so in the order of their indices too).  Both drop the ones
     * before lo as it moves.  The people still unconfirmed, which no ring
     * holds, confirm nothing. */
    size_t conf[2 * CHAIN_WINDOW], prom[2 * CHAIN_WINDOW];
    size_t conf_first = 0, conf_end = 0, prom_first = 0, prom_end = 0;
    /* next: the first confirmed person that hi has not passed */
    size_t next = sc->people_first[1];
    for (size_t i = sc->people_first[0]; i != NO_CAND; i = sc->cands[i].next_person) {
        cand *c = &sc->cands[i];
        size_t lo = i > CHAIN_WINDOW ? i - CHAIN_WINDOW : 0;
        size_t hi = sc->nc - i > CHAIN_WINDOW ? i + CHAIN_WINDOW : sc->nc;
        while (conf_first < conf_end && conf[conf_first % (2 * CHAIN_WINDOW)] < lo)
            conf_first++;
        while (prom_first < prom_end && prom[prom_first % (2 * CHAIN_WINDOW)] < lo)
            prom_first++;
        for (; next != NO_CAND && next < lo; next = sc->cands[next].next_person)
            ;
        for (; next != NO_CAND && next < hi; next = sc->cands[next].next_person)
            conf[conf_end++ % (2 * CHAIN_WINDOW)] = next;
        if (ring_confirms(sc, c, conf, conf_first, conf_end) ||
            ring_confirms(sc, c, prom, prom_first, prom_end)) {
            c->confirmed = true;
            prom[prom_end++ % (2 * CHAIN_WINDOW)] = i;
        }
    }
    for (size_t i = 0; i < sc->nc; i++) {
        const cand *c = &sc->cands[i];
        fl_status st = FL_OK;
        switch (c->kind) {
        case C_PLACE:
            st = emit(sc, out, c, FL_FACT_PLACE, c->place->name, strlen(c->place->name), err);
            break;
        case C_ORG:
            st = emit(sc, out, c, FL_FACT_ORG, NULL, 0, err);
            break;
        case C_PERSON:
            if (!c->confirmed)
                break;
            if (is_full(c)) {
                st = emit(sc, out, c, FL_FACT_PERSON, NULL, 0, err);
            } else {
                const cand *o = chain_person(sc, i, true);
                st = emit(sc, out, c, FL_FACT_PERSON, o ? sc->text + o->s : NULL,
                          o ? o->e - o->s : 0, err);
            }
            break;
        case C_SINGLE: {
            /* chain_person(sc, i, false), from the recent full names */
            size_t lo = i > CHAIN_WINDOW ? i - CHAIN_WINDOW : 0;
            const cand *o = recent_find(sc, &persons, lo, c->hfull, false);
            if (o) {
                st = emit(sc, out, c, FL_FACT_PERSON, sc->text + o->s, o->e - o->s, err);
                break;
            }
            /* "Kaito" after "Kaito Heavy Industries Co" */
            const cand *g = recent_find(sc, &orgs, lo, c->hfull, true);
            if (g)
                st = emit(sc, out, c, FL_FACT_ORG, sc->text + g->s, g->e - g->s, err);
            break;
        }
        }
        bool multi = c->first_end < c->e;
        recent_push_if(&persons, i, (c->kind == C_PERSON) & multi & c->confirmed);
        recent_push_if(&orgs, i, (c->kind == C_ORG) & multi);
        if (st)
            return st;
        if (sc->nomem)
            return fl_error_set(err, FL_ENOMEM, "out of memory");
    }
    return FL_OK;
}

fl_status fl_names_extract(const fl_names_state *s, fl_re_thread *t, const fl_article *a,
                           fl_facts *out, fl_error *err)
{
    (void)t;
    scan sc;
    memset(&sc, 0, sizeof sc);
    sc.st = s;
    sc.a = a;
    sc.text = a->text;
    sc.people_first[0] = sc.people_first[1] = sc.people_last[0] = sc.people_last[1] = NO_CAND;
    fl_strbuf_init(&sc.key);
    fl_strbuf_init(&sc.keys);
    /* the arrays and buffers of the thread's previous article, if any */
    fl_names_scratch *keep = fl_extract_names_scratch();
    if (keep) {
        sc.toks = keep->toks;
        sc.cap_toks = keep->cap_toks;
        sc.cands = keep->cands;
        sc.cap_cands = keep->cap_cands;
        sc.key = keep->key;
        sc.keys = keep->key2; /* the scratch's second buffer */
        fl_strbuf_reset(&sc.keys);
    }
    fl_bytemask_init(&sc.own_bm);
    fl_status st = FL_OK;
    size_t sentence = 0;
    if (!(sc.bm = fl_extract_bytemask(a, &sc.own_bm))) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    /* one allocation for the tokens of the longest paragraph (tokenize) */
    size_t longest = 0;
    for (size_t p = 0; p < a->n_paragraphs; p++)
        if (a->paragraphs[p].length > longest)
            longest = a->paragraphs[p].length;
    /* and after them scan.caps, an index a token, in whole tokens' room */
    size_t ntok = longest / 2 + 2;
    size_t cap_toks = (ntok * sizeof(size_t) + sizeof(tok) - 1) / sizeof(tok);
    if (FL_GROW(sc.toks, sc.cap_toks, ntok + cap_toks)) {
        st = fl_error_set(err, FL_ENOMEM, "out of memory");
        goto cleanup;
    }
    sc.caps = (size_t *)(void *)(sc.toks + ntok);
    for (size_t p = 0; p < a->n_paragraphs; p++) {
        if (tokenize(&sc, &a->paragraphs[p], &sentence) < 0) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
        paragraph_runs(&sc);
        if (sc.nomem) {
            st = fl_error_set(err, FL_ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    st = resolve(&sc, out, err);
cleanup:
    if (keep) {
        *keep = (fl_names_scratch){sc.toks, sc.cap_toks, sc.cands, sc.cap_cands, sc.key, sc.keys};
        fl_names_scratch_keep(keep);
    } else {
        fl_free(sc.toks);
        fl_free(sc.cands);
        fl_strbuf_release(&sc.key);
        fl_strbuf_release(&sc.keys);
    }
    fl_bytemask_release(&sc.own_bm);
    return st;
}
