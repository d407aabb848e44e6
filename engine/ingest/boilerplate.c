#include "ingest/boilerplate.h"

#include "core/alloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Paragraphs longer than this are story text, whatever they start with. */
#define BOILER_PARA_MAX 400

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII case-insensitive, as strncasecmp in the C locale, but compared up to
 * the prefix's NUL without taking its length first: most paragraphs differ
 * from a prefix in its first bytes. */
static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t i = 0;
    for (; prefix[i]; i++)
        if (i >= n || lower(s[i]) != lower(prefix[i]))
            return false;
    return true;
}

static bool equals(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; word[i]; i++)
        if (i >= n || lower(s[i]) != lower(word[i]))
            return false;
    return i == n;
}

static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n)
        return false;
    char first = lower(needle[0]);
    for (size_t i = 0; i + k <= n; i++)
        if (lower(s[i]) == first && !strncasecmp(s + i, needle, k))
            return true;
    return false;
}

/*
 * The texts looked for anywhere in a paragraph (not only at its start), all
 * case-sensitive: "(Getty Images)", "Photograph: " or "Photograph by ",
 * "All rights reserved", and a navigation separator ('|', or 0xE2, the lead
 * byte of '\xE2\x80\xA2').  One pass over the paragraph stops at the bytes
 * that begin one of them ('(', 'P', 'A', '|', 0xE2), sixteen at a time where
 * SSE2 is there, and notes which of them starts there (NEEDLE_*): four
 * searches of the paragraph in one.
 */
enum { NEEDLE_GETTY = 1, NEEDLE_PHOTO = 2, NEEDLE_RIGHTS = 4, NEEDLE_SEP = 8 };

static const bool needle_start[256] = {
    ['('] = true, ['P'] = true, ['A'] = true, ['|'] = true, [0xE2] = true};

/* Which text starts at s[k] (a byte of needle_start), s holding n bytes. */
static unsigned needle_at(const char *s, size_t n, size_t k)
{
    static const char getty[] = "(Getty Images)", photo[] = "Photograph",
                      rights[] = "All rights reserved";
    size_t left = n - k;
    switch (s[k]) {
    case '(':
        return left >= sizeof getty - 1 && !memcmp(s + k, getty, sizeof getty - 1) ? NEEDLE_GETTY
                                                                                   : 0;
    case 'P':
        /* "Photograph" and then ": " or " by " */
        if (left < sizeof photo - 1 + 2 || memcmp(s + k, photo, sizeof photo - 1))
            return 0;
        left -= sizeof photo - 1;
        k += sizeof photo - 1;
        return !memcmp(s + k, ": ", 2) || (left >= 4 && !memcmp(s + k, " by ", 4)) ? NEEDLE_PHOTO
                                                                                   : 0;
    case 'A':
        return left >= sizeof rights - 1 && !memcmp(s + k, rights, sizeof rights - 1)
                   ? NEEDLE_RIGHTS
                   : 0;
    default: /* '|' or 0xE2 */
        return NEEDLE_SEP;
    }
}

#if defined(__SSE2__)
/* Bit k set when a text may start at byte k of the sixteen in v, whose
 * next bytes are v1 (v1's byte k is the byte after v's byte k): "(G",
 * "Ph" and "Al" (the first two bytes of "(Getty Images)", "Photograph" and
 * "All rights reserved"), '|' and 0xE2.  Testing the second byte too keeps
 * needle_at from being asked at every capital A and P of a paragraph. */
static inline unsigned needle_pair_bits(__m128i v, __m128i v1)
{
#define EQ(x, c) _mm_cmpeq_epi8(x, _mm_set1_epi8((char)(c)))
    __m128i pairs = _mm_or_si128(_mm_or_si128(_mm_and_si128(EQ(v, '('), EQ(v1, 'G')),
                                              _mm_and_si128(EQ(v, 'P'), EQ(v1, 'h'))),
                                 _mm_and_si128(EQ(v, 'A'), EQ(v1, 'l')));
    __m128i m = _mm_or_si128(pairs, _mm_or_si128(EQ(v, '|'), EQ(v, 0xE2)));
#undef EQ
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* NEEDLE_GETTY when s[0..n) holds "(Getty Images)", else 0: memchr from one
 * '(' to the next. */
static unsigned getty(const char *s, size_t n)
{
    const char *end = s + n;
    for (const char *p = s; (p = memchr(p, '(', (size_t)(end - p))); p++)
        if (needle_at(s, n, (size_t)(p - s)))
            return NEEDLE_GETTY;
    return 0;
}

/* The NEEDLE_* texts s[0..n) holds. */
static unsigned needles(const char *s, size_t n)
{
    unsigned found = 0;
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* the next bytes: loaded when s has a byte after these sixteen,
         * else shifted in from v (a zero after the last byte, where no
         * text of two bytes or more starts) */
        __m128i v1 = i + 17 <= n ? _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1))
                                 : _mm_srli_si128(v, 1);
        for (unsigned bits = needle_pair_bits(v, v1); bits; bits &= bits - 1)
            found |= needle_at(s, n, i + (size_t)__builtin_ctz(bits));
    }
    if (i < n && n >= 16) {
        /* the last few bytes, as the sixteen before n with the bits before i dropped */
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        for (unsigned bits = needle_pair_bits(v, _mm_srli_si128(v, 1)) >> (i - (n - 16)); bits;
             bits &= bits - 1)
            found |= needle_at(s, n, i + (size_t)__builtin_ctz(bits));
        return found;
    }
#endif
    for (; i < n; i++)
        if (needle_start[(unsigned char)s[i]])
            found |= needle_at(s, n, i);
    return found;
}

static bool any_prefix(const char *s, size_t n, const char *const *list)
{
    /* the first byte (a letter in either case), then the whole prefix */
    char first = lower(s[0]);
    for (size_t i = 0; list[i]; i++)
        if (lower(list[i][0]) == first && starts_with(s, n, list[i]))
            return true;
    return false;
}

static bool is_upper_start(const char *s, size_t n)
{
    if (!n)
        return false;
    unsigned char c = (unsigned char)s[0];
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0xC0;
}

/* "Home | News | Sport | Business" or "UK • World • Politics": three or more
 * short items, each starting with a capital letter or digit.  (Asked only of
 * a paragraph with a '|' or the lead byte of a '•': without one the walk
 * below would stop after the first item.) */
static bool is_navigation_line(const char *s, size_t n)
{
    size_t items = 0, i = 0;
    while (i <= n) {
        size_t ib = i;
        while (ib < n && (s[ib] == ' ' || s[ib] == '\t'))
            ib++;
        /* the item runs to the next separator, trimmed; one longer than 32
         * bytes ends the scan there (story text is never read to its end) */
        size_t e = ib, ie = ib;
        size_t sep_len = 0;
        while (e < n) {
            unsigned char c = (unsigned char)s[e];
            if (c == '|') {
                sep_len = 1;
                break;
            }
            if (c == 0xE2 && e + 3 <= n && !memcmp(s + e, "\xE2\x80\xA2", 3)) { /* • */
                sep_len = 3;
                break;
            }
            if (c != ' ' && c != '\t' && (ie = e + 1) - ib > 32)
                return false;
            e++;
        }
        if (ie == ib || ie - ib > 32 || !is_upper_start(s + ib, ie - ib))
            return false;
        size_t words = 1;
        for (size_t k = ib; k < ie; k++)
            if (s[k] == ' ')
                words++;
        if (words > 4)
            return false;
        items++;
        if (!sep_len)
            break;
        i = e + sep_len;
    }
    return items >= 3;
}

static const char *const share[] = {
    "Share this",         "Share on ",  "Share via ",     "Share with ",
    "Follow us on",       "Follow us:", "Click to share", "Tweet this",
    "Email this article", "Share page", "Share story",    NULL};
static const char *const promoted[] = {"Promoted Links",       "Promoted Stories",
                                       "Promoted Content",     "Sponsored by",
                                       "Sponsored content",    "Sponsored links",
                                       "Recommended by",       "Paid content",
                                       "Paid partner content", NULL};
static const char *const credit[] = {
    "Photograph:",     "Photograph by ", "Photo:",        "Photo credit",  "Picture:", "Image:",
    "Image copyright", "Image source",   "Image caption", "Media caption", "Credit:",  NULL};
static const char *const chrome[] = {"\xC2\xA9 ",
                                     "\xC2\xA9"
                                     "1",
                                     "\xC2\xA9"
                                     "2",
                                     "Copyright \xC2\xA9",
                                     "Copyright (c)",
                                     "(c) 1",
                                     "(c) 2",
                                     "Related Topics",
                                     "Related articles",
                                     "Related stories",
                                     "Related content",
                                     "Related coverage",
                                     "More on this story",
                                     "Most read",
                                     "Most popular",
                                     "All rights reserved",
                                     NULL};
static const char *const navigation[] = {"Skip to content",    "Skip to main content",
                                         "Skip to navigation", "Back to top",
                                         "Jump to navigation", NULL};

/* The words fl_boilerplate_classify tests a whole paragraph or its start
 * against, beside the lists. */
static const char *const words[] = {"Share",         "Sponsored", "Promoted",
                                    "Advertisement", "Sign up",   "Subscribe",
                                    "Get our",       "Get the",   NULL};

/* Which of the lists above (bit i: lists[i]) and whether one of the words
 * (WORDS) have an entry starting with a pair of bytes, lowercased: a
 * paragraph whose first two bytes begin no entry skips every prefix test,
 * and the lists its first two bytes are not in are not walked.  A pair's
 * bits are those of its first byte (starts) and of the two bytes' low five
 * bits together (pairs: letters in either case alike, and other bytes
 * sharing a cell, which can only add bits, never drop one).  Every entry
 * has two bytes at least.  Built from the lists once. */
enum { L_NAV = 1, L_SHARE = 2, L_PROMO = 4, L_CREDIT = 8, L_CHROME = 16, WORDS = 32 };
static const char *const *const lists[] = {navigation, share, promoted, credit, chrome};
static unsigned char starts[256];
static unsigned char pairs[32][32];
static pthread_once_t starts_once = PTHREAD_ONCE_INIT;

static void add_start(const char *entry, unsigned bit)
{
    starts[(unsigned char)lower(entry[0])] |= (unsigned char)bit;
    pairs[lower(entry[0]) & 31][lower(entry[1]) & 31] |= (unsigned char)bit;
}

static void starts_init(void)
{
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (size_t i = 0; lists[l][i]; i++)
            add_start(lists[l][i], 1u << l);
    for (size_t i = 0; words[i]; i++)
        add_start(words[i], WORDS);
}

fl_boilerplate fl_boilerplate_classify(const char *s, size_t n)
{
    if (n == 0 || n > BOILER_PARA_MAX)
        return FL_BOILER_NONE;
    pthread_once(&starts_once, starts_init);
    unsigned mask =
        n < 2 ? 0 : starts[(unsigned char)lower(s[0])] & pairs[lower(s[0]) & 31][lower(s[1]) & 31];
    bool pre = mask != 0;
    if (pre) {
        if ((mask & L_NAV) && any_prefix(s, n, navigation))
            return FL_BOILER_NAVIGATION;
        if (((mask & L_SHARE) && any_prefix(s, n, share)) ||
            ((mask & WORDS) && (equals(s, n, "Share") || equals(s, n, "Share this"))))
            return FL_BOILER_SHARE;
        if ((mask & WORDS) &&
            (starts_with(s, n, "Sign up") || starts_with(s, n, "Subscribe") ||
             starts_with(s, n, "Get our") || starts_with(s, n, "Get the")) &&
            contains(s, n, "newsletter"))
            return FL_BOILER_NEWSLETTER;
        if (((mask & L_PROMO) && any_prefix(s, n, promoted)) ||
            ((mask & WORDS) && (equals(s, n, "Sponsored") || equals(s, n, "Promoted") ||
                                equals(s, n, "Advertisement"))))
            return FL_BOILER_PROMOTED;
    }
    /* of the texts looked for anywhere, a paragraph of 300 bytes or more is
     * asked only for "(Getty Images)" (the others need a shorter one) */
    unsigned found = n < 300 ? needles(s, n) : getty(s, n);
    if ((pre && (mask & L_CREDIT) && any_prefix(s, n, credit)) || (found & NEEDLE_GETTY) ||
        (n < 300 && (found & NEEDLE_PHOTO)))
        return FL_BOILER_CREDIT;
    if ((pre && (mask & L_CHROME) && any_prefix(s, n, chrome)) ||
        (n < 200 && (found & NEEDLE_RIGHTS)))
        return FL_BOILER_CHROME;
    if (n < 300 && (found & NEEDLE_SEP) && is_navigation_line(s, n))
        return FL_BOILER_NAVIGATION;
    return FL_BOILER_NONE;
}

void fl_boilerplate_mark(fl_article *a)
{
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        fl_paragraph *p = &a->paragraphs[i];
        if (p->boilerplate != FL_BOILER_NONE || p->heading)
            continue;
        p->boilerplate = fl_boilerplate_classify(a->text + p->offset, p->length);
    }
}

/* ---- repeated chrome ----------------------------------------------------- */

/* One step of hash_bytes' lanes. */
static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    return h ^ h >> 32;
}

/* A fast 64-bit hash (not cryptographic: it only has to tell paragraphs
 * apart).  Sixteen bytes a step in two lanes, so that each lane's chain of
 * multiplications is half as long (a chrome paragraph is a short line, and
 * the chain's latency was most of its hashing); the last 1 to 15 bytes are
 * read as one or two eight-byte words that end at the paragraph's end
 * (overlapping bytes already hashed), or, in a paragraph of fewer than
 * eight bytes, byte by byte. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, g = 0xC2B2AE3D27D4EB4Full;
    size_t i = 0;
    uint64_t w, x;
    for (; i + 16 <= n; i += 16) {
        memcpy(&w, s + i, 8);
        memcpy(&x, s + i + 8, 8);
        h = hash_step(h, w);
        g = hash_step(g, x);
    }
    if (n >= 8) {
        if (n - i > 8) {
            memcpy(&w, s + i, 8);
            h = hash_step(h, w);
        }
        if (n > i) {
            memcpy(&x, s + n - 8, 8);
            g = hash_step(g, x);
        }
    } else {
        uint64_t tail = 0;
        for (size_t k = 0; k < n; k++)
            tail |= (uint64_t)(unsigned char)s[k] << (8 * k);
        h = hash_step(h, tail);
    }
    h = (h ^ g * 0xC4CEB9FE1A85EC53ull) * 0xC4CEB9FE1A85EC53ull;
    return h ^ h >> 29;
}

/* Whether h is one of the n sorted hashes at hs (a binary search, without
 * bsearch's call through a pointer per compare). */
static bool has_hash(const uint64_t *hs, size_t n, uint64_t h)
{
    size_t lo = 0;
    while (n > 1) {
        size_t half = n / 2;
        lo = hs[lo + half] <= h ? lo + half : lo;
        n -= half;
    }
    return n && hs[lo] == h;
}

void fl_chrome_init(fl_chrome *c)
{
    memset(c, 0, sizeof *c);
}

void fl_chrome_release(fl_chrome *c)
{
    fl_free(c->group);
    fl_free(c->text);
    fl_chrome_init(c);
}

/* Sorts a few hashes (an article's short paragraphs) in place. */
static void sort_hashes(uint64_t *h, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = h[i];
        size_t j = i;
        for (; j > 0 && h[j - 1] > x; j--)
            h[j] = h[j - 1];
        h[j] = x;
    }
}

fl_status fl_chrome_mark(fl_chrome *c, const char *group, fl_article *a)
{
    /* the previous article of the group is compared with a only when one of
     * a's short paragraphs was also one of its own: then, whether a is that
     * same article again (1 = no, -1 = yes, 0 = not known yet) */
    bool same_group = group && c->group && !strcmp(group, c->group);
    int other_text = 0;
    uint64_t fresh[FL_CHROME_MAX];
    size_t nf = 0;
    for (size_t i = 0; i < a->n_paragraphs; i++) {
        fl_paragraph *p = &a->paragraphs[i];
        if (p->length > FL_CHROME_PARA_MAX || p->heading)
            continue;
        uint64_t h = hash_bytes(a->text + p->offset, p->length);
        if (same_group && p->boilerplate == FL_BOILER_NONE && has_hash(c->hashes, c->n, h)) {
            if (!other_text)
                other_text =
                    a->text_len != c->text_len || memcmp(a->text, c->text, a->text_len) ? 1 : -1;
            if (other_text > 0)
                p->boilerplate = FL_BOILER_CHROME;
        }
        if (nf < FL_CHROME_MAX)
            fresh[nf++] = h;
    }
    if (!group) {
        fl_free(c->group);
        c->group = NULL;
        c->n = 0;
        return FL_OK;
    }
    if (!c->group || strcmp(c->group, group)) {
        char *g = fl_strdup(group);
        if (!g)
            return FL_ENOMEM;
        fl_free(c->group);
        c->group = g;
    }
    if (c->text_cap < a->text_len + 1) {
        size_t cap = a->text_len + 1 > 2 * c->text_cap ? a->text_len + 1 : 2 * c->text_cap;
        char *t = fl_realloc(c->text, cap);
        if (!t) {
            c->n = 0; /* nothing remembered: the copy would not match */
            return FL_ENOMEM;
        }
        c->text = t;
        c->text_cap = cap;
    }
    memcpy(c->text, a->text, a->text_len);
    c->text_len = a->text_len;
    sort_hashes(fresh, nf);
    memcpy(c->hashes, fresh, nf * sizeof *fresh);
    c->n = nf;
    return FL_OK;
}
