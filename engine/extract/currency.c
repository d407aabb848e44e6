#include "extract/currency.h"

#include "extract/ascii.h"

#include <string.h>

/* bytes 0..255 (ascii.h) */
static bool is_alpha(int c)
{
    return fl_ch_alpha((unsigned char)c);
}

static bool is_alnum(int c)
{
    return fl_ch_alnum((unsigned char)c);
}

static int lower(int c)
{
    return fl_ch_lower((unsigned char)c);
}

typedef struct word_entry {
    const char *phrase; /* lowercase; a space matches one space */
    const char *iso;
    double divisor;
    bool needs_magnitude;
} word_entry;

/* Sorted by first letter (fl_currency_word_at searches by it). */
static const word_entry words[] = {
    {"american dollars", "USD", 1, false},
    {"australian dollars", "AUD", 1, false},
    {"australian dlrs", "AUD", 1, false},
    {"argentine pesos", "ARS", 1, false},
    {"baht", "THB", 1, false},
    {"brazilian reais", "BRL", 1, false},
    {"belgian francs", "BEF", 1, false},
    {"canadian dollars", "CAD", 1, false},
    {"canadian dlrs", "CAD", 1, false},
    {"chilean pesos", "CLP", 1, false},
    {"colombian pesos", "COP", 1, false},
    {"cruzados", "BRC", 1, false},
    {"czech crowns", "CZK", 1, false},
    {"crowns", NULL, 1, true},
    {"cents", "USD", 100, false},
    {"cts", "USD", 100, false},
    {"dollars", "USD", 1, false},
    {"dollar", "USD", 1, false},
    {"dlrs", "USD", 1, false},
    {"dlr", "USD", 1, false},
    {"deutsche marks", "DEM", 1, false},
    {"deutschemarks", "DEM", 1, false},
    {"d-marks", "DEM", 1, false},
    {"dutch guilders", "NLG", 1, false},
    {"drachmas", "GRD", 1, false},
    {"danish crowns", "DKK", 1, false},
    {"danish kroner", "DKK", 1, false},
    {"dinars", NULL, 1, false},
    {"dirhams", "AED", 1, false},
    {"egyptian pounds", "EGP", 1, false},
    {"euros", "EUR", 1, false},
    {"euro", "EUR", 1, false},
    {"escudos", "PTE", 1, false},
    {"euro cents", "EUR", 100, false},
    {"french francs", "FRF", 1, false},
    {"francs", "CHF", 1, false},
    {"forints", "HUF", 1, false},
    {"forint", "HUF", 1, false},
    {"german marks", "DEM", 1, false},
    {"guilders", "NLG", 1, false},
    {"hong kong dollars", "HKD", 1, false},
    {"hk dollars", "HKD", 1, false},
    {"hryvnias", "UAH", 1, false},
    {"hryvnia", "UAH", 1, false},
    {"irish pounds", "IEP", 1, false},
    {"indian rupees", "INR", 1, false},
    {"italian lire", "ITL", 1, false},
    {"kronor", "SEK", 1, false},
    {"koruna", "CZK", 1, false},
    {"kroner", NULL, 1, false},
    {"kuwaiti dinars", "KWD", 1, false},
    {"lebanese pounds", "LBP", 1, false},
    {"lira", "TRY", 1, false},
    {"lire", "ITL", 1, false},
    {"luxembourg francs", "LUF", 1, false},
    {"mexican pesos", "MXN", 1, false},
    {"marks", "DEM", 1, true},
    {"new zealand dollars", "NZD", 1, false},
    {"new taiwan dollars", "TWD", 1, false},
    {"norwegian crowns", "NOK", 1, false},
    {"norwegian kroner", "NOK", 1, false},
    {"naira", "NGN", 1, false},
    {"pounds sterling", "GBP", 1, false},
    {"pounds", "GBP", 1, false},
    {"pound", "GBP", 1, false},
    {"punts", "IEP", 1, false},
    {"pakistani rupees", "PKR", 1, false},
    {"pakistan rupees", "PKR", 1, false},
    {"pesos", "MXN", 1, false},
    {"penny", "GBP", 100, false},
    {"philippine pesos", "PHP", 1, false},
    {"pesetas", "ESP", 1, false},
    {"pence", "GBP", 100, false},
    {"paise", "INR", 100, false},
    {"renminbi", "CNY", 1, false},
    {"rmb", "CNY", 1, false},
    {"rupees", "INR", 1, false},
    {"rupee", "INR", 1, false},
    {"rupiah", "IDR", 1, false},
    {"ringgit", "MYR", 1, false},
    {"reais", "BRL", 1, false},
    {"rand", "ZAR", 1, false},
    {"roubles", "RUB", 1, false},
    {"rubles", "RUB", 1, false},
    {"riyals", "SAR", 1, false},
    {"singapore dollars", "SGD", 1, false},
    {"sterling", "GBP", 1, false},
    {"stg", "GBP", 1, false},
    {"sri lankan rupees", "LKR", 1, false},
    {"south korean won", "KRW", 1, false},
    {"swiss francs", "CHF", 1, false},
    {"schillings", "ATS", 1, false},
    {"swedish crowns", "SEK", 1, false},
    {"swedish kronor", "SEK", 1, false},
    {"shekels", "ILS", 1, false},
    {"saudi riyals", "SAR", 1, false},
    {"taiwan dollars", "TWD", 1, false},
    {"turkish lira", "TRY", 1, false},
    {"us dollars", "USD", 1, false},
    {"u.s. dollars", "USD", 1, false},
    {"us dlrs", "USD", 1, false},
    {"u.s. dlrs", "USD", 1, false},
    {"us cents", "USD", 100, false},
    {"u.s. cents", "USD", 100, false},
    {"won", "KRW", 1, true},
    {"west german marks", "DEM", 1, false},
    {"yen", "JPY", 1, false},
    {"yuan", "CNY", 1, false},
    {"zlotys", "PLN", 1, false},
    {"zloty", "PLN", 1, false},
};

/* The bytes of s[0..n) that words[i] matches, ending at a word boundary, or 0. */
static size_t match_entry(size_t i, const char *s, size_t n)
{
    const char *p = words[i].phrase;
    size_t k = 0;
    while (p[k] && k < n) {
        int c = (unsigned char)s[k];
        if (p[k] == ' ' ? c != ' ' : lower(c) != p[k])
            break;
        k++;
    }
    if (p[k] || (k < n && is_alnum((unsigned char)s[k])))
        return 0;
    return k;
}

static void fill(size_t i, fl_currency_word *w)
{
    w->iso = words[i].iso;
    w->divisor = words[i].divisor;
    w->needs_magnitude = words[i].needs_magnitude;
}

size_t fl_currency_word_at(const char *s, size_t n, fl_currency_word *w)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    int c0 = lower((unsigned char)s[0]);
    size_t best = 0, nw = sizeof words / sizeof words[0], lo = 0, hi = nw;
    /* words[] is sorted by first letter: find the first entry for c0 */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (words[mid].phrase[0] < c0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* the second byte rules out most entries before the loop below */
    int c1 = n > 1 ? lower((unsigned char)s[1]) : 0;
    for (size_t i = lo; i < nw && words[i].phrase[0] == c0; i++) {
        const char *p = words[i].phrase;
        if (p[1] && p[1] != ' ' && p[1] != c1)
            continue;
        size_t k = match_entry(i, s, n);
        if (k > best) {
            best = k;
            fill(i, w);
        }
    }
    return best;
}

size_t fl_currency_phrases_at(const unsigned char *idx, size_t count, const char *s, size_t n,
                              fl_currency_word *w)
{
    size_t best = 0;
    for (size_t j = 0; j < count; j++) {
        size_t k = match_entry(idx[j], s, n);
        if (k > best) {
            best = k;
            fill(idx[j], w);
        }
    }
    return best;
}

const char *fl_currency_phrase(size_t i)
{
    return i < sizeof words / sizeof words[0] ? words[i].phrase : NULL;
}

static const char *const codes[] = {
    "USD", "EUR", "GBP", "JPY", "CNY", "HKD", "AUD", "CAD", "NZD", "SGD", "INR", "CHF", "SEK",
    "NOK", "DKK", "ZAR", "BRL", "MXN", "RUB", "KRW", "TRY", "AED", "SAR", "PLN", "THB", "IDR",
    "MYR", "PHP", "TWD", "ILS", "EGP", "NGN", "KES", "PKR", "ARS", "CLP", "COP", "CZK", "HUF",
    "UAH", "KWD", "QAR", "VND", "BDT", "LKR", "PEN", "ISK", "RON", "BGN", "MAD", "CNH",
};

const char *fl_currency_code(const char *s, size_t n)
{
    if (n != 3 || s[0] < 'A' || s[0] > 'Z' || s[2] < 'A' || s[2] > 'Z')
        return NULL;
    if (memcmp(s, "RMB", 3) == 0)
        return "CNY";
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (memcmp(s, codes[i], 3) == 0)
            return codes[i];
    return NULL;
}

typedef struct sym_entry {
    const char *bytes;
    const char *iso;
} sym_entry;

typedef struct abbrev_entry {
    const char *bytes;
    const char *iso;
    const char *source;
} abbrev_entry;

/* Symbols that stand alone before a number (UTF-8). */
static const sym_entry symbols[] = {
    {"\xC2\xA3", "GBP"},     /* £ */
    {"\xE2\x82\xAC", "EUR"}, /* € */
    {"\xC2\xA5", "JPY"},     /* ¥ */
    {"\xE2\x82\xB9", "INR"}, /* ₹ */
    {"\xE2\x82\xA9", "KRW"}, /* ₩ */
    {"\xE2\x82\xBD", "RUB"}, /* ₽ */
    {"\xE2\x82\xBA", "TRY"}, /* ₺ */
    {"\xE2\x82\xA6", "NGN"}, /* ₦ */
    {"\xE2\x82\xB1", "PHP"}, /* ₱ */
};

/* Letters written before "$" (case-sensitive). */
static const sym_entry dollar_prefixes[] = {
    {"US", "USD"}, {"U.S.", "USD"}, {"HK", "HKD"},  {"A", "AUD"},  {"AU", "AUD"},
    {"C", "CAD"},  {"CA", "CAD"},   {"Can", "CAD"}, {"NZ", "NZD"}, {"S", "SGD"},
    {"SG", "SGD"}, {"R", "BRL"},    {"NT", "TWD"},
};

/* Abbreviations written before the number (case-sensitive). */
static const abbrev_entry abbrevs[] = {
    {"Rs", "INR", "symbol"},   {"Rs.", "INR", "symbol"}, {"RS", "INR", "symbol"},
    {"Rp", "IDR", "symbol"},   {"RM", "MYR", "symbol"},  {"SFr", "CHF", "symbol"},
    {"SFr.", "CHF", "symbol"}, {"Sfr", "CHF", "symbol"}, {"DM", "DEM", "symbol"},
    {"Dkr", "DKK", "symbol"},  {"Skr", "SEK", "symbol"}, {"Nkr", "NOK", "symbol"},
    {"stg", "GBP", "word"},    {"Stg", "GBP", "word"},   {"STG", "GBP", "word"},
};

/* The longest abbreviation (abbrevs[], above) or ISO code: keep in step. */
#define PREFIX_MAX 4

/* true when text[a..b) equals s exactly */
static bool span_is(const char *text, size_t a, size_t b, const char *s)
{
    size_t n = strlen(s);
    return b - a == n && memcmp(text + a, s, n) == 0;
}

size_t fl_currency_prefix_before(const char *text, size_t floor, size_t pos, const char **iso,
                                 const char **source)
{
    size_t e = pos;
    /* one separating space (or no-break space) */
    if (e > floor && text[e - 1] == ' ')
        e--;
    else if (e >= floor + 2 && (unsigned char)text[e - 2] == 0xC2 &&
             (unsigned char)text[e - 1] == 0xA0)
        e -= 2;
    for (int pass = 0; pass < 2; pass++) {
        size_t end = pass == 0 ? pos : e;
        if (pass == 1 && e == pos)
            break;
        if (end <= floor)
            continue;
        unsigned char last = (unsigned char)text[end - 1];
        if (last < 0x80 && last != '$' && last != '.' && !is_alpha(last))
            continue;
        /* a symbol (each is a multi-byte character: it ends in a byte >= 0x80) */
        for (size_t i = 0; last >= 0x80 && i < sizeof symbols / sizeof symbols[0]; i++) {
            size_t n = strlen(symbols[i].bytes);
            if (end >= floor + n && memcmp(text + end - n, symbols[i].bytes, n) == 0) {
                *iso = symbols[i].iso;
                *source = "symbol";
                return end - n;
            }
        }
        if (end > floor && text[end - 1] == '$') {
            size_t d = end - 1, b = d;
            while (b > floor && (is_alpha((unsigned char)text[b - 1]) || text[b - 1] == '.'))
                b--;
            *iso = "USD";
            *source = "symbol";
            if (b < d) {
                for (size_t i = 0; i < sizeof dollar_prefixes / sizeof dollar_prefixes[0]; i++)
                    if (span_is(text, b, d, dollar_prefixes[i].bytes)) {
                        *iso = dollar_prefixes[i].iso;
                        return b;
                    }
            }
            /* "US $3m" */
            if (d >= floor + 3 && text[d - 1] == ' ' && span_is(text, d - 3, d - 1, "US") &&
                (d - 3 == floor || !is_alnum((unsigned char)text[d - 4])))
                return d - 3;
            return d;
        }
        /* letters: an abbreviation or an ISO code.  Each is at most
         * PREFIX_MAX bytes ("SFr.", "USD"), starts with a capital or 's'
         * ("stg") and ends, but for a point, with letters
         * fl_currency_prefix_ends accepts: the look-back stops past
         * PREFIX_MAX bytes (the word is longer than any) and a word
         * starting or ending otherwise is none. */
        size_t b = end;
        if (b > floor && text[b - 1] == '.')
            b--;
        if (b > floor && !fl_currency_prefix_ends(b - 1 > floor ? (unsigned char)text[b - 2] : 0,
                                                  (unsigned char)text[b - 1]))
            continue;
        while (b > floor && end - b <= PREFIX_MAX && is_alpha((unsigned char)text[b - 1]))
            b--;
        if (b == end || end - b > PREFIX_MAX ||
            (b > floor &&
             (is_alnum((unsigned char)text[b - 1]) || text[b - 1] == '$' || text[b - 1] == '-')))
            continue;
        if (!(text[b] >= 'A' && text[b] <= 'Z') && text[b] != 's')
            continue;
        for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
            if (abbrevs[i].bytes[0] == text[b] && span_is(text, b, end, abbrevs[i].bytes)) {
                *iso = abbrevs[i].iso;
                *source = abbrevs[i].source;
                return b;
            }
        const char *c = fl_currency_code(text + b, end - b);
        if (c) {
            *iso = c;
            *source = "code";
            return b;
        }
    }
    *iso = NULL;
    *source = NULL;
    return pos;
}
