/*
 * test_number.c - the money, quantity, percent and duration extractor
 * (engine/extract/number.c) and the number parser it is built on.
 * Every sentence here is invented.
 */
#include "core/alloc.h"
#include "core/article.h"
#include "core/fact.h"
#include "extract/currency.h"
#include "extract/internal.h"
#include "extract/number.h"
#include "fl_test.h"

#include <math.h>
#include <string.h>

#define NONE  (-1e300) /* value_max: not a range */
#define VAGUE (-2e300) /* value: NAN */

typedef struct expect {
    const char *input;
    fl_fact_kind kind;
    const char *text;
    double value;
    double value_max;
    const char *currency;
    const char *source;
    const char *unit;
    const char *qualifier;
} expect;

static const expect cases[] = {
    {"Profits jumped to $1.13bn (£600m) in the quarter.", FL_FACT_MONEY, "$1.13bn", 1.13e9, NONE,
     "USD", "symbol", NULL, NULL},
    {"Profits jumped to $1.13bn (£600m) in the quarter.", FL_FACT_MONEY, "£600m", 6e8, NONE, "GBP",
     "symbol", NULL, NULL},
    {"Investment in the region reached 12.8bn [yuan] last year.", FL_FACT_MONEY, "12.8bn [yuan]",
     12.8e9, NONE, "CNY", "editorial", NULL, NULL},
    {"The company said net income was 1.13 mln dlrs.", FL_FACT_MONEY, "1.13 mln dlrs", 1130000,
     NONE, "USD", "word", NULL, NULL},
    {"The Bank offered stg 500 mln in assistance.", FL_FACT_MONEY, "stg 500 mln", 5e8, NONE, "GBP",
     "word", NULL, NULL},
    {"The Bank provided 500 mln stg of help.", FL_FACT_MONEY, "500 mln stg", 5e8, NONE, "GBP",
     "word", NULL, NULL},
    {"Spending on the scheme has reached £5.6bn and counting.", FL_FACT_MONEY, "£5.6bn", 5.6e9,
     NONE, "GBP", "symbol", NULL, "and counting"},
    {"The bridge will cost almost £6bn, officials said.", FL_FACT_MONEY, "£6bn", 6e9, NONE, "GBP",
     "symbol", NULL, "almost"},
    {"Ministers have spent billions of pounds on the scheme.", FL_FACT_MONEY, "billions of pounds",
     VAGUE, NONE, "GBP", "word", NULL, "vague"},
    {"The firm lost tens of millions of euros.", FL_FACT_MONEY, "tens of millions of euros", VAGUE,
     NONE, "EUR", "word", NULL, "vague"},
    {"The deal is worth 40m, according to people close to it.", FL_FACT_MONEY, "40m", 4e7, NONE,
     NULL, NULL, NULL, NULL},
    {"The lender signed a 2bn contract with the state.", FL_FACT_MONEY, "2bn", 2e9, NONE, NULL,
     NULL, NULL, NULL},
    {"Advisers will share fees of about 40m, people said.", FL_FACT_MONEY, "40m", 4e7, NONE, NULL,
     NULL, NULL, "around"},
    {"The fund is worth \xC2\xA3"
     "99999999999999999999, the report said.",
     FL_FACT_MONEY,
     "\xC2\xA3"
     "99999999999999999999",
     1e20, NONE, "GBP", "symbol", NULL, NULL},
    {"It reported profits of 3.5m for the year.", FL_FACT_MONEY, "3.5m", 3.5e6, NONE, NULL, NULL,
     NULL, NULL},
    {"The house was valued at 800,000 last spring.", FL_FACT_MONEY, "800,000", 800000, NONE, NULL,
     NULL, NULL, NULL},
    {"The state lender approved Rs 500 crore for the road.", FL_FACT_MONEY, "Rs 500 crore", 5e9,
     NONE, "INR", "symbol", NULL, NULL},
    {"The developer paid HK$40m for the site.", FL_FACT_MONEY, "HK$40m", 4e7, NONE, "HKD", "symbol",
     NULL, NULL},
    {"The fund raised €2.5 million from investors.", FL_FACT_MONEY, "€2.5 million", 2.5e6, NONE,
     "EUR", "symbol", NULL, NULL},
    {"Exports fell by 40 billion yen in March.", FL_FACT_MONEY, "40 billion yen", 4e10, NONE, "JPY",
     "word", NULL, NULL},
    {"The group will invest US$3m in the venture.", FL_FACT_MONEY, "US$3m", 3e6, NONE, "USD",
     "symbol", NULL, NULL},
    {"The price of a stamp rose to 50p.", FL_FACT_MONEY, "50p", 0.5, NONE, "GBP", "symbol", NULL,
     NULL},
    {"Shares closed at 75 cents.", FL_FACT_MONEY, "75 cents", 0.75, NONE, "USD", "word", NULL,
     NULL},
    {"The brooch was valued at between £3m and £5m.", FL_FACT_MONEY, "£3m", 3e6, NONE, "GBP",
     "symbol", NULL, NULL},
    {"The brooch was valued at between £3m and £5m.", FL_FACT_MONEY, "£5m", 5e6, NONE, "GBP",
     "symbol", NULL, NULL},
    {"Estimates put the repairs at £3m-£5m.", FL_FACT_MONEY, "£5m", 5e6, NONE, "GBP", "symbol",
     NULL, NULL},
    {"Estimates put the repairs at between 3m and £5m.", FL_FACT_MONEY, "3m and £5m", 3e6, 5e6,
     "GBP", "symbol", NULL, NULL},
    {"The repairs will cost £3m to £5m, engineers said.", FL_FACT_MONEY, "£3m", 3e6, NONE, "GBP",
     "symbol", NULL, NULL},
    {"The repairs will cost 3 to 5 mln dlrs, engineers said.", FL_FACT_MONEY, "3 to 5 mln dlrs",
     3e6, 5e6, "USD", "word", NULL, NULL},
    {"Bids of between $2bn and $3bn are expected.", FL_FACT_MONEY, "$3bn", 3e9, NONE, "USD",
     "symbol", NULL, NULL},
    {"The refit will cost £3-5m.", FL_FACT_MONEY, "£3-5m", 3e6, 5e6, "GBP", "symbol", NULL, NULL},
    {"Prices rose from £3m to £5m.", FL_FACT_MONEY, "£3m", 3e6, NONE, "GBP", "symbol", NULL, NULL},
    {"Sales were $30m and 40m in the two units.", FL_FACT_MONEY, "40m", 4e7, NONE, "USD",
     "inferred", NULL, NULL},
    {"Net profit was 5.6 mln dlrs vs 4.3 mln.", FL_FACT_MONEY, "4.3 mln", 4.3e6, NONE, "USD",
     "inferred", NULL, NULL},
    {"The council spent half a million pounds on signs.", FL_FACT_MONEY, "half a million pounds",
     5e5, NONE, "GBP", "word", NULL, NULL},
    {"A billion dollars was wasted, the report said.", FL_FACT_MONEY, "A billion dollars", 1e9,
     NONE, "USD", "word", NULL, NULL},
    {"Officials found two million pounds in the account.", FL_FACT_MONEY, "two million pounds", 2e6,
     NONE, "GBP", "word", NULL, NULL},
    {"The bank reported a loss of 145 mln Swiss francs.", FL_FACT_MONEY, "145 mln Swiss francs",
     1.45e8, NONE, "CHF", "word", NULL, NULL},
    {"The shipper paid 3.8 bln Danish crowns for the fleet.", FL_FACT_MONEY,
     "3.8 bln Danish crowns", 3.8e9, NONE, "DKK", "word", NULL, NULL},
    {"They agreed a USD 5m loan with the bank.", FL_FACT_MONEY, "USD 5m", 5e6, NONE, "USD", "code",
     NULL, NULL},
    {"The fund holds 5m USD in cash.", FL_FACT_MONEY, "5m USD", 5e6, NONE, "USD", "code", NULL,
     NULL},
    {"The bank issued EUR 2.5 billion of bonds.", FL_FACT_MONEY, "EUR 2.5 billion", 2.5e9, NONE,
     "EUR", "code", NULL, NULL},
    {"Public debt reached £1.2tn last year.", FL_FACT_MONEY, "£1.2tn", 1.2e12, NONE, "GBP",
     "symbol", NULL, NULL},
    {"The miner spent A$1.5bn on the expansion.", FL_FACT_MONEY, "A$1.5bn", 1.5e9, NONE, "AUD",
     "symbol", NULL, NULL},
    {"Insurers paid out more than £1m after the raid.", FL_FACT_MONEY, "£1m", 1e6, NONE, "GBP",
     "symbol", NULL, "more than"},
    {"The league paid nearly 1,130.5 dlrs per seat.", FL_FACT_MONEY, "1,130.5 dlrs", 1130.5, NONE,
     "USD", "word", NULL, "almost"},
    {"The airline sold tickets for £48 each.", FL_FACT_MONEY, "£48", 48, NONE, "GBP", "symbol",
     NULL, NULL},
    {"Sales rose 76% to $11.1bn.", FL_FACT_MONEY, "$11.1bn", 11.1e9, NONE, "USD", "symbol", NULL,
     NULL},

    {"Inflation is expected to be 3-4% next year.", FL_FACT_PERCENT, "3-4%", 3, 4, NULL, NULL, NULL,
     NULL},
    {"Consumer prices rose 2.3 pct in January.", FL_FACT_PERCENT, "2.3 pct", 2.3, NONE, NULL, NULL,
     NULL, NULL},
    {"The index fell 2.5 per cent on Monday.", FL_FACT_PERCENT, "2.5 per cent", 2.5, NONE, NULL,
     NULL, NULL, NULL},
    {"Turnout was 76% in the city.", FL_FACT_PERCENT, "76%", 76, NONE, NULL, NULL, NULL, NULL},
    {"Unemployment fell 0.4 percentage points to 5.1%.", FL_FACT_PERCENT, "0.4 percentage points",
     0.4, NONE, NULL, NULL, "percentage points", NULL},
    {"Unemployment fell 0.4 percentage points to 5.1%.", FL_FACT_PERCENT, "5.1%", 5.1, NONE, NULL,
     NULL, NULL, NULL},
    {"Growth slowed to minus 2% in the period.", FL_FACT_PERCENT, "minus 2%", -2, NONE, NULL, NULL,
     NULL, NULL},
    {"Output changed by -2% in the quarter.", FL_FACT_PERCENT, "-2%", -2, NONE, NULL, NULL, NULL,
     NULL},
    {"Rates will rise by between 3 and 4 per cent.", FL_FACT_PERCENT, "3 and 4 per cent", 3, 4,
     NULL, NULL, NULL, NULL},
    {"Sales grew 5pc last year.", FL_FACT_PERCENT, "5pc", 5, NONE, NULL, NULL, NULL, NULL},
    {"Almost 40% of staff voted.", FL_FACT_PERCENT, "40%", 40, NONE, NULL, NULL, NULL, "almost"},
    {"Prices rose five per cent.", FL_FACT_PERCENT, "five per cent", 5, NONE, NULL, NULL, NULL,
     NULL},

    {"The mine produces 700m tonnes of ore a year.", FL_FACT_QUANTITY, "700m tonnes", 7e8, NONE,
     NULL, NULL, "tonnes", NULL},
    {"The plant will build 100,000 luxury vehicles a year.", FL_FACT_QUANTITY,
     "100,000 luxury vehicles", 100000, NONE, NULL, NULL, "vehicles", NULL},
    {"Delegates from more than 120 British companies attended.", FL_FACT_QUANTITY,
     "120 British companies", 120, NONE, NULL, NULL, "companies", "more than"},
    {"The firm operates three factories in Wales.", FL_FACT_QUANTITY, "three factories", 3, NONE,
     NULL, NULL, "factories", NULL},
    {"The firm hired 20 skilled workers.", FL_FACT_QUANTITY, "20 skilled workers", 20, NONE, NULL,
     NULL, "workers", NULL},
    {"Hundreds of jobs will go.", FL_FACT_QUANTITY, "Hundreds of jobs", VAGUE, NONE, NULL, NULL,
     "jobs", "vague"},
    {"The operator has 21,000 mobile phone towers.", FL_FACT_QUANTITY, "21,000 mobile phone towers",
     21000, NONE, NULL, NULL, "towers", NULL},
    {"The carrier ordered 25 new aircraft.", FL_FACT_QUANTITY, "25 new aircraft", 25, NONE, NULL,
     NULL, "aircraft", NULL},
    {"The bank has 2,100 U.S. customers.", FL_FACT_QUANTITY, "2,100 U.S. customers", 2100, NONE,
     NULL, NULL, "customers", NULL},
    {"The flood hit 1.8 mln hectares of paddy.", FL_FACT_QUANTITY, "1.8 mln hectares", 1.8e6, NONE,
     NULL, NULL, "hectares", NULL},
    {"The farm has a 96-turbine wind park.", FL_FACT_QUANTITY, "96-turbine", 96, NONE, NULL, NULL,
     "turbines", NULL},
    {"They bought a 4-storey block.", FL_FACT_QUANTITY, "4-storey", 4, NONE, NULL, NULL, "storeys",
     NULL},
    {"The plant, on a 90-hectare site, opens soon.", FL_FACT_QUANTITY, "90-hectare", 90, NONE, NULL,
     NULL, "hectares", NULL},
    {"Capacity will reach 30 gigawatt-hours a year.", FL_FACT_QUANTITY, "30 gigawatt-hours", 30,
     NONE, NULL, NULL, "gigawatt-hours", NULL},
    {"The field pumps 1.2 mln bpd.", FL_FACT_QUANTITY, "1.2 mln bpd", 1.2e6, NONE, NULL, NULL,
     "bpd", NULL},
    {"About twenty-five workers walked out.", FL_FACT_QUANTITY, "twenty-five workers", 25, NONE,
     NULL, NULL, "workers", "around"},
    {"The tower has 12,000 square metres of offices.", FL_FACT_QUANTITY, "12,000 square metres",
     12000, NONE, NULL, NULL, "square metres", NULL},
    {"Between 20-30 companies bid.", FL_FACT_QUANTITY, "20-30 companies", 20, 30, NULL, NULL,
     "companies", NULL},
    {"The Airbus A380 carried 500 passengers.", FL_FACT_QUANTITY, "500 passengers", 500, NONE, NULL,
     NULL, "passengers", NULL},
    {"The lender cut rates by 50 basis points.", FL_FACT_QUANTITY, "50 basis points", 50, NONE,
     NULL, NULL, "basis points", NULL},
    {"Police said two men were arrested.", FL_FACT_QUANTITY, "two men", 2, NONE, NULL, NULL, "men",
     NULL},
    {"The company built one factory.", FL_FACT_QUANTITY, "one factory", 1, NONE, NULL, NULL,
     "factory", NULL},

    {"The strike lasted 18 months.", FL_FACT_DURATION, "18 months", 18, NONE, NULL, NULL, "months",
     NULL},
    {"Talks took six weeks.", FL_FACT_DURATION, "six weeks", 6, NONE, NULL, NULL, "weeks", NULL},
    {"It was the worst drought in two decades.", FL_FACT_DURATION, "two decades", 2, NONE, NULL,
     NULL, "decades", NULL},
    {"The reform took a decade.", FL_FACT_DURATION, "a decade", 1, NONE, NULL, NULL, "decades",
     NULL},
    {"The mill closed 30 years ago.", FL_FACT_DURATION, "30 years", 30, NONE, NULL, NULL, "years",
     NULL},
    {"After an 18-month investigation police made arrests.", FL_FACT_DURATION, "18-month", 18, NONE,
     NULL, NULL, "months", NULL},
    {"He faces up to 10 years in prison.", FL_FACT_DURATION, "10 years", 10, NONE, NULL, NULL,
     "years", "up to"},
    {"Repayments are spread over 10 years.", FL_FACT_DURATION, "10 years", 10, NONE, NULL, NULL,
     "years", NULL},
    {"Strikers were out for 48 hours.", FL_FACT_DURATION, "48 hours", 48, NONE, NULL, NULL, "hours",
     NULL},
    {"The two suspects, both in their 50s, were held.", FL_FACT_DURATION, "50s", 50, 59, NULL, NULL,
     "age", NULL},
    {"Two men in their forties were charged.", FL_FACT_DURATION, "forties", 40, 49, NULL, NULL,
     "age", NULL},
    {"A woman aged 45 was arrested.", FL_FACT_DURATION, "45", 45, NONE, NULL, NULL, "age", NULL},
    {"The 45-year-old driver was charged.", FL_FACT_DURATION, "45-year-old", 45, NONE, NULL, NULL,
     "age", NULL},
    {"Men aged 18-24 were surveyed.", FL_FACT_DURATION, "18-24", 18, 24, NULL, NULL, "age", NULL},
};

/* Sentences in which the extractor must find nothing of its kinds. */
static const char *const nothing[] = {
    "The museum opened in 2014.",
    "Cases of Covid-19 rose sharply.",
    "The meeting is on 24 November at 10:30.",
    "Results for the third quarter were weak.",
    "One of the directors resigned.",
    "The G20 summit ended.",
    "The firm's 2015 results disappointed.",
    "Music from the 1990s filled the hall.",
    "The train leaves at 10am.",
    "He lives at No 10 with his family.",
    "The airline flies Boeing 737 jets.",
    "Chapter 11 proceedings began.",
    "The team won 3-1 on Saturday.",
    "The 2014-15 season was poor.",
    "A third of voters stayed home.",
    "Phone 020 7946 0000 for details.",
    "The 100m sprint was won easily.",
    "No one was hurt.",
    "One analyst said the plan was bold.",
    "Arrivals reached 5.93 mln against 5.81 a year ago.",
    "The page 3 story caused a stir.",
    "One former employee, a nurse, spoke.",
    "The squad had a 12-strong bench.",
};

static fl_number_state *state;
static fl_re_thread *thread;

static void setup(void)
{
    fl_error err;
    fl_error_clear(&err);
    if (!state)
        CU_ASSERT_EQUAL_FATAL(fl_number_init(&state, NULL, &err), FL_OK);
    if (!thread)
        CU_ASSERT_PTR_NOT_NULL_FATAL(thread = fl_re_thread_new(NULL));
}

static void teardown(void)
{
    fl_number_free(state);
    fl_re_thread_free(thread);
    state = NULL;
    thread = NULL;
}

/* Extracts facts from text into fs (initialised here). */
static fl_article *extract(const char *text, fl_facts *fs)
{
    fl_error err;
    fl_error_clear(&err);
    fl_article *a = fl_article_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    char *t = fl_strdup(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, strlen(text), false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    fl_facts_init(fs);
    CU_ASSERT_EQUAL(fl_number_extract(state, thread, a, fs, &err), FL_OK);
    return a;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_num(double got, double want)
{
    if (want == VAGUE || want == NONE)
        return isnan(got);
    return fabs(got - want) <= 1e-9 * fabs(want) + 1e-12;
}

static void no_overlap(const fl_facts *fs, const char *input)
{
    for (size_t i = 0; i < fs->n; i++)
        for (size_t j = i + 1; j < fs->n; j++) {
            const fl_fact *x = &fs->items[i], *y = &fs->items[j];
            if (x->offset < y->offset + y->length && y->offset < x->offset + x->length) {
                fprintf(stderr, "\n  overlap in '%s': '%s' and '%s'\n", input, x->text, y->text);
                CU_FAIL("facts overlap");
            }
        }
}

static void test_table(void)
{
    setup();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const expect *e = &cases[i];
        fl_facts fs;
        fl_article *a = extract(e->input, &fs);
        const fl_fact *hit = NULL;
        for (size_t k = 0; k < fs.n; k++)
            if (strcmp(fs.items[k].text, e->text) == 0)
                hit = &fs.items[k];
        bool ok = hit && hit->kind == e->kind && same_num(hit->value, e->value) &&
                  same_num(hit->value_max, e->value_max) && same_str(hit->currency, e->currency) &&
                  same_str(hit->currency_source, e->source) && same_str(hit->unit, e->unit) &&
                  same_str(hit->qualifier, e->qualifier) &&
                  strncmp(e->input + hit->offset, e->text, hit->length) == 0 &&
                  strlen(e->text) == hit->length;
        if (!ok) {
            fprintf(stderr, "\n  case %zu '%s': want %s '%s'; got:", i, e->input,
                    fl_fact_kind_name(e->kind), e->text);
            for (size_t k = 0; k < fs.n; k++) {
                const fl_fact *f = &fs.items[k];
                fprintf(stderr, "\n    %s '%s' %g..%g cur=%s src=%s unit=%s q=%s",
                        fl_fact_kind_name(f->kind), f->text, f->value, f->value_max,
                        f->currency ? f->currency : "-",
                        f->currency_source ? f->currency_source : "-", f->unit ? f->unit : "-",
                        f->qualifier ? f->qualifier : "-");
            }
            fprintf(stderr, "\n");
        }
        CU_ASSERT(ok);
        no_overlap(&fs, e->input);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    teardown();
}

static void test_nothing(void)
{
    setup();
    for (size_t i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
        fl_facts fs;
        fl_article *a = extract(nothing[i], &fs);
        if (fs.n) {
            fprintf(stderr, "\n  '%s' gave %zu fact(s), first %s '%s'\n", nothing[i], fs.n,
                    fl_fact_kind_name(fs.items[0].kind), fs.items[0].text);
        }
        CU_ASSERT_EQUAL(fs.n, 0);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    teardown();
}

static void test_links(void)
{
    setup();
    fl_facts fs;
    fl_article *a =
        extract("Profits jumped 76% to $1.13bn (£600m), from $639m a year earlier.", &fs);
    CU_ASSERT_EQUAL_FATAL(fs.n, 4);
    CU_ASSERT_EQUAL(fs.items[0].kind, FL_FACT_PERCENT);
    CU_ASSERT_STRING_EQUAL(fs.items[1].text, "$1.13bn");
    CU_ASSERT_STRING_EQUAL(fs.items[2].text, "£600m");
    CU_ASSERT_EQUAL(fs.items[1].link, 2);
    CU_ASSERT_EQUAL(fs.items[2].link, 1);
    CU_ASSERT_EQUAL(fs.items[3].link, -1);
    CU_ASSERT_EQUAL(fs.items[0].link, -1);
    fl_facts_release(&fs);
    fl_article_free(a);

    /* indices count the facts already in the list */
    a = extract("A stake worth HK$40bn (US$5.1bn) changed hands.", &fs);
    fl_facts_release(&fs);
    fl_facts_init(&fs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fl_facts_add(&fs, FL_FACT_PERSON, 0, 1));
    fl_error err;
    fl_error_clear(&err);
    CU_ASSERT_EQUAL(fl_number_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fs.n, 3);
    CU_ASSERT_EQUAL(fs.items[1].link, 2);
    CU_ASSERT_EQUAL(fs.items[2].link, 1);
    CU_ASSERT_STRING_EQUAL(fs.items[2].currency, "USD");
    fl_facts_release(&fs);
    fl_article_free(a);

    /* same currency twice is not a conversion */
    a = extract("It paid $5m ($3m) up front.", &fs);
    CU_ASSERT_EQUAL_FATAL(fs.n, 2);
    CU_ASSERT_EQUAL(fs.items[0].link, -1);
    fl_facts_release(&fs);
    fl_article_free(a);
    teardown();
}

static void test_parse(void)
{
    fl_number n;
    const char *s = "1,234.5";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_DOUBLE_EQUAL(n.value, 1234.5, 1e-9);
    CU_ASSERT_EQUAL(n.end, 7);
    s = "6bn tonnes";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 6e9);
    CU_ASSERT_EQUAL(n.end, 3);
    CU_ASSERT(n.flags & FL_NUM_ATTACHED);
    s = "1.13 mln dlrs";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 1130000);
    CU_ASSERT_EQUAL(n.mag_start, 5);
    s = "two hundred and fifty staff";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 250);
    CU_ASSERT_EQUAL(n.end, 21);
    s = "twenty-five";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 25);
    s = "half a million";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 5e5);
    s = "a dozen eggs";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 12);
    s = "three million";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 3e6);
    CU_ASSERT_EQUAL(n.magnitude, 1e6);
    CU_ASSERT_EQUAL(n.raw, 3);
    s = "a house";
    CU_ASSERT_FALSE(fl_number_parse(s, strlen(s), 0, &n));
    s = "two three";
    CU_ASSERT(fl_number_parse(s, strlen(s), 0, &n));
    CU_ASSERT_EQUAL(n.value, 2);
    CU_ASSERT_EQUAL(fl_number_word("Seventeen", 9), 17);
    CU_ASSERT_EQUAL(fl_number_word("first", 5), -1);
    CU_ASSERT_EQUAL(fl_number_magnitude("m", 1, true), 1e6);
    CU_ASSERT_EQUAL(fl_number_magnitude("m", 1, false), 0);
    CU_ASSERT_EQUAL(fl_number_magnitude("crore", 5, false), 1e7);
}

/* whether buf[0..n) is the lower-case word w, ignoring ASCII case */
static bool is_word_ci(const char *w, const char *buf, size_t n)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)buf[i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != w[i])
            return false;
    }
    return true;
}

/* fl_number_word and fl_number_magnitude: every listed word, in either
 * case; a word cut short, made longer or with one letter changed is none
 * (unless it is another listed word) */
static void test_number_words(void)
{
    static const struct {
        const char *w;
        int v;
    } words[] = {
        {"one", 1},      {"two", 2},        {"three", 3},     {"four", 4},      {"five", 5},
        {"six", 6},      {"seven", 7},      {"eight", 8},     {"nine", 9},      {"ten", 10},
        {"eleven", 11},  {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14}, {"fifteen", 15},
        {"sixteen", 16}, {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}, {"twenty", 20},
        {"thirty", 30},  {"forty", 40},     {"fifty", 50},    {"sixty", 60},    {"seventy", 70},
        {"eighty", 80},  {"ninety", 90},
    };
    static const struct {
        const char *w;
        double m;
        bool attached_only;
    } mags[] = {
        {"b", 1e9, true},        {"bn", 1e9, false},        {"bln", 1e9, false},
        {"billion", 1e9, false}, {"crore", 1e7, false},     {"crores", 1e7, false},
        {"cr", 1e7, false},      {"k", 1e3, true},          {"lakh", 1e5, false},
        {"lakhs", 1e5, false},   {"m", 1e6, true},          {"mn", 1e6, false},
        {"mln", 1e6, false},     {"million", 1e6, false},   {"tn", 1e12, false},
        {"trn", 1e12, false},    {"trillion", 1e12, false}, {"thousand", 1e3, false},
    };
    size_t nw = sizeof words / sizeof words[0], nm = sizeof mags / sizeof mags[0];
    char buf[16];
    /* the expected answers, by the lists */
    for (size_t i = 0; i < nw; i++) {
        size_t n = strlen(words[i].w);
        CU_ASSERT_EQUAL(fl_number_word(words[i].w, n), words[i].v);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(words[i].w[j] - 'a' + 'A');
        CU_ASSERT_EQUAL(fl_number_word(buf, n), words[i].v);
    }
    for (size_t i = 0; i < nm; i++) {
        size_t n = strlen(mags[i].w);
        CU_ASSERT_EQUAL(fl_number_magnitude(mags[i].w, n, true), mags[i].m);
        CU_ASSERT_EQUAL(fl_number_magnitude(mags[i].w, n, false),
                        mags[i].attached_only ? 0 : mags[i].m);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(mags[i].w[j] - 'a' + 'A');
        CU_ASSERT_EQUAL(fl_number_magnitude(buf, n, true), mags[i].m);
    }
    /* variants of each: cut, extended, one byte changed (to every value) */
    for (size_t i = 0; i < nw + nm; i++) {
        const char *w = i < nw ? words[i].w : mags[i - nw].w;
        size_t n = strlen(w);
        for (size_t len = 0; len <= n + 1; len++)
            for (size_t at = 0; at < (len ? len : 1); at++)
                for (int c = 0; c < 256; c++) {
                    memcpy(buf, w, n);
                    buf[n] = 's';
                    if (len)
                        buf[at] = (char)c;
                    int want_w = -1;
                    double want_m = 0, want_a = 0;
                    for (size_t k = 0; k < nw; k++)
                        if (is_word_ci(words[k].w, buf, len))
                            want_w = words[k].v;
                    for (size_t k = 0; k < nm; k++)
                        if (is_word_ci(mags[k].w, buf, len)) {
                            want_a = mags[k].m;
                            want_m = mags[k].attached_only ? 0 : mags[k].m;
                        }
                    if (fl_number_word(buf, len) != want_w ||
                        fl_number_magnitude(buf, len, false) != want_m ||
                        fl_number_magnitude(buf, len, true) != want_a) {
                        CU_FAIL("a number word or magnitude misread");
                        return;
                    }
                    if (!len)
                        break;
                }
    }
}

static void test_currency(void)
{
    fl_currency_word w;
    const char *s = "Hong Kong dollars in cash";
    CU_ASSERT_EQUAL(fl_currency_word_at(s, strlen(s), &w), 17);
    CU_ASSERT_STRING_EQUAL(w.iso, "HKD");
    s = "pence each";
    CU_ASSERT_EQUAL(fl_currency_word_at(s, strlen(s), &w), 5);
    CU_ASSERT_EQUAL(w.divisor, 100);
    s = "dollarization";
    CU_ASSERT_EQUAL(fl_currency_word_at(s, strlen(s), &w), 0);
    CU_ASSERT_STRING_EQUAL(fl_currency_code("RMB", 3), "CNY");
    CU_ASSERT_PTR_NULL(fl_currency_code("usd", 3));
    const char *iso, *src;
    s = "paid NZ$40m";
    CU_ASSERT_EQUAL(fl_currency_prefix_before(s, 0, 8, &iso, &src), 5);
    CU_ASSERT_STRING_EQUAL(iso, "NZD");
    s = "the A380";
    CU_ASSERT_EQUAL(fl_currency_prefix_before(s, 0, 5, &iso, &src), 5);
    CU_ASSERT_PTR_NULL(iso);
}

/* The run lists (extract/runs.c) that the scanners walk: without a
 * filter, every digit run and every letter run of at most FL_RUN_MAXLEN
 * letters, as a byte loop finds them, wherever the text falls across the
 * masks' 64-byte words, including a text that ends inside a run; with a
 * filter, the digit runs and the letter runs whose length, first and last
 * letters have bits in it (looked up in its packed index, pairs[]). */
static void test_runs(void)
{
    static fl_run_filter filter;
    memset(&filter, 0, sizeof filter);
    filter.bits[4][FL_RUN_LETTER('r')][FL_RUN_LETTER('e')] = FL_RUN_NUMBER; /* rose */
    filter.bits[3][FL_RUN_LETTER('m')][FL_RUN_LETTER('n')] = FL_RUN_ALL;    /* mln */
    filter.bits[1][FL_RUN_LETTER('q')][FL_RUN_LETTER('q')] = FL_RUN_DATE;   /* Q */
    filter.bits[7][FL_RUN_LETTER('h')][FL_RUN_LETTER('d')] = FL_RUN_NUMBER; /* hundred */
    filter.bits[9][FL_RUN_LETTER('e')][FL_RUN_LETTER('y')] = FL_RUN_DATE;   /* none */
    fl_run_filter_index(&filter);
    /* letter l's FL_RUN_NUMBER and FL_RUN_DATE at bits 2l + 1 and 2l + 2 */
    CU_ASSERT_EQUAL(filter.pairs[3][FL_RUN_LETTER('m')] >> 2 * FL_RUN_LETTER('n') & FL_RUN_ALL,
                    FL_RUN_ALL);
    CU_ASSERT_EQUAL(filter.pairs[4][FL_RUN_LETTER('r')],
                    (uint64_t)FL_RUN_NUMBER << 2 * FL_RUN_LETTER('e'));
    CU_ASSERT_EQUAL(filter.pairs[3][FL_RUN_LETTER('n')], 0u);
    CU_ASSERT_EQUAL(filter.pairs[0][FL_RUN_LETTER('e')], 0u); /* longer runs: no bits */
    /* digits in some 64-byte words, none in others (a loop of its own) */
    const char *body = "Net rose to 5.4 mln dlrs vs 4.3mln, B52 in 1986; Q1 extraordinarily "
                       "\xC3\xA9t\xC3\xA9 a hundred 2,000-tonne ships 12345678901 end, and the "
                       "quarterly dividend rose sharply after a hundred extraordinary meetings of "
                       "shareholders mln "
                       /* runs of 64 bytes and more (never a filter word) */
                       "Mlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmlnmln "
                       "123456789012345678901234567890123456789012345678901234567890123456789 "
                       "mln";
    char buf[1024];
    for (size_t shift = 0; shift < 140; shift++) {
        size_t n = shift + strlen(body);
        memset(buf, shift % 3 ? ' ' : '.', shift);
        memcpy(buf + shift, body, n - shift);
        for (size_t len = n - 5; len <= n; len++) { /* "end", "en", ..., cut inside a run */
            fl_bytemask bm;
            fl_runs runs;
            fl_bytemask_init(&bm);
            fl_runs_init(&runs);
            CU_ASSERT_EQUAL_FATAL(fl_bytemask_build(&bm, buf, len), 0);
            for (int filtered = 0; filtered < 2; filtered++) {
                CU_ASSERT_EQUAL_FATAL(
                    fl_runs_build(&runs, &bm, buf, len, filtered ? &filter : NULL), 0);
                size_t k = 0, kd = 0; /* in runs.number, runs.date */
                for (size_t i = 0; i < len;) {
                    unsigned char c = (unsigned char)buf[i];
                    bool digit = c >= '0' && c <= '9';
                    bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
                    if (!digit && !letter) {
                        i++;
                        continue;
                    }
                    size_t e = i + 1;
                    while (e < len && (digit ? buf[e] >= '0' && buf[e] <= '9'
                                             : ((buf[e] | 0x20) >= 'a' && (buf[e] | 0x20) <= 'z')))
                        e++;
                    unsigned flags = digit ? FL_RUN_DIGITS : 0;
                    if (!digit && e - i <= FL_RUN_MAXLEN)
                        flags =
                            filtered
                                ? filter.bits[e - i][FL_RUN_LETTER(c)][FL_RUN_LETTER(buf[e - 1])]
                                : FL_RUN_ALL;
                    if (flags & (FL_RUN_DIGITS | FL_RUN_NUMBER)) {
                        CU_ASSERT_FATAL(k < runs.number.n);
                        CU_ASSERT_EQUAL(runs.number.items[k].s, i);
                        CU_ASSERT_EQUAL(runs.number.items[k].e, e);
                        CU_ASSERT_EQUAL(runs.number.items[k].flags, flags);
                        k++;
                    }
                    if (flags & (FL_RUN_DIGITS | FL_RUN_DATE)) {
                        CU_ASSERT_FATAL(kd < runs.date.n);
                        CU_ASSERT_EQUAL(runs.date.items[kd].s, i);
                        CU_ASSERT_EQUAL(runs.date.items[kd].e, e);
                        CU_ASSERT_EQUAL(runs.date.items[kd].flags, flags);
                        kd++;
                    }
                    i = e;
                }
                CU_ASSERT_EQUAL(k, runs.number.n);
                CU_ASSERT_EQUAL(kd, runs.date.n);
            }
            fl_runs_release(&runs);
            fl_bytemask_release(&bm);
        }
    }
}

/* Every mask bit against the byte tests it stands for: all 256 byte values
 * at every offset within a 64-bit word, and texts ending at every length;
 * fl_bytemask_build (AVX2 on the CPUs with it) and fl_bytemask_build_base. */
static void test_bytemask(void)
{
    unsigned char buf[600];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 167 + i / 256); /* each value at many offsets */
    fl_bytemask bm;
    fl_bytemask_init(&bm);
    for (int base = 0; base < 2; base++) {
        for (size_t len = 0; len <= sizeof buf; len += len < 140 ? 1 : 37) {
            int r = base ? fl_bytemask_build_base(&bm, (const char *)buf, len)
                         : fl_bytemask_build(&bm, (const char *)buf, len);
            CU_ASSERT_EQUAL_FATAL(r, 0);
            CU_ASSERT_EQUAL_FATAL(bm.words, (len + 63) / 64);
            for (size_t i = 0; i < bm.words * 64; i++) {
                unsigned c = i < len ? buf[i] : 0;
                bool in = i < len, letter = in && (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
                bool digit = in && c >= '0' && c <= '9', high = in && c >= 0x80;
                CU_ASSERT_EQUAL(fl_bits_test(bm.letter, i), letter);
                CU_ASSERT_EQUAL(fl_bits_test(bm.digit, i), digit);
                CU_ASSERT_EQUAL(fl_bits_test(bm.alnum, i), letter || digit);
                CU_ASSERT_EQUAL(fl_bits_test(bm.alnum_high, i), letter || digit || high);
                CU_ASSERT_EQUAL(fl_bits_test(bm.upper_high, i),
                                (in && c >= 'A' && c <= 'Z') || high);
                CU_ASSERT_EQUAL(fl_bits_test(bm.sep, i), in && c <= ' ');
            }
        }
    }
    fl_bytemask_release(&bm);
}

/* Every table input cut after each character: a word of the vocabulary
 * ending the text is compared without reading past it (run under ASan),
 * and no fact reaches past the cut. */
static void test_cuts(void)
{
    setup();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i].input;
        size_t n = strlen(in);
        for (size_t k = 1; k <= n; k++) {
            if (((unsigned char)in[k] & 0xC0) == 0x80)
                continue; /* not inside a UTF-8 sequence: the text must be valid */
            char *cut = fl_strndup(in, k);
            CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
            fl_facts fs;
            fl_article *a = extract(cut, &fs);
            for (size_t f = 0; f < fs.n; f++)
                CU_ASSERT(fs.items[f].offset + fs.items[f].length <= k);
            fl_facts_release(&fs);
            fl_article_free(a);
            fl_free(cut);
        }
    }
    teardown();
}

static const fl_test_case tests[] = {
    {"table", test_table}, {"nothing", test_nothing},           {"links", test_links},
    {"parse", test_parse}, {"number words", test_number_words}, {"currency", test_currency},
    {"runs", test_runs},   {"bytemask", test_bytemask},         {"cuts", test_cuts},
    {NULL, NULL},
};

FL_TEST_MAIN("number", tests)
