/* Unit tests for the date extractor (engine/extract/date.c) and
 * fl_date_add_months (engine/core/date.c).  Every sentence is invented. */
#include "core/alloc.h"
#include "core/article.h"
#include "core/date.h"
#include "core/fact.h"
#include "extract/internal.h"
#include "fl_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY     FL_PREC_DAY
#define MONTH   FL_PREC_MONTH
#define YEAR    FL_PREC_YEAR
#define DECADE  FL_PREC_DECADE
#define CENTURY FL_PREC_CENTURY
#define NONE    FL_PREC_NONE

/* One sentence under one dateline and the fact expected for `want` (the text
 * as written).  n is the number of date facts the sentence must yield in all;
 * want NULL means n == 0. */
typedef struct date_case {
    const char *dateline; /* ISO day, or NULL for an article without one */
    const char *sentence;
    int n;
    const char *want;
    const char *iso; /* fl_date_format of the value ("" when unresolved) */
    fl_precision prec;
    bool relative, resolved, mismatch;
} date_case;

static fl_date_state *state;
static fl_re_thread *thread;

static int setup(void)
{
    fl_error err = {0};
    if (fl_date_init(&state, NULL, &err) != FL_OK) {
        fprintf(stderr, "fl_date_init: %s\n", err.message);
        return -1;
    }
    thread = fl_re_thread_new(NULL);
    return thread ? 0 : -1;
}

static void teardown(void)
{
    fl_date_free(state);
    fl_re_thread_free(thread);
    state = NULL;
    thread = NULL;
}

static fl_article *make_article(const char *dateline, const char *text)
{
    fl_error err = {0};
    fl_article *a = fl_article_new();
    if (!a)
        return NULL;
    char *copy = fl_strdup(text);
    if (!copy || fl_article_set_text(a, copy, strlen(text), false, &err) != FL_OK ||
        fl_article_segment(a, &err) != FL_OK) {
        fl_article_free(a);
        return NULL;
    }
    if (dateline && !fl_date_parse_iso(dateline, &a->dateline)) {
        fl_article_free(a);
        return NULL;
    }
    return a;
}

/* Runs the extractor on one case; returns the number of failures. */
static int run_case(const date_case *c)
{
    int bad = 0;
    fl_facts fs;
    fl_error err = {0};
    fl_facts_init(&fs);
    fl_article *a = make_article(c->dateline, c->sentence);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    fl_status st = fl_date_extract(state, thread, a, &fs, &err);
    CU_ASSERT_EQUAL(st, FL_OK);
    int n = 0;
    const fl_fact *hit = NULL;
    for (size_t i = 0; i < fs.n; i++) {
        const fl_fact *f = &fs.items[i];
        if (f->kind != FL_FACT_DATE)
            continue;
        n++;
        CU_ASSERT_EQUAL(strlen(f->text), f->length);
        CU_ASSERT_EQUAL(memcmp(f->text, a->text + f->offset, f->length), 0);
        if (c->want && !strcmp(f->text, c->want))
            hit = f;
    }
    if (n != c->n) {
        fprintf(stderr, "\n[%s] \"%s\": %d date facts, want %d:", c->dateline ? c->dateline : "-",
                c->sentence, n, c->n);
        for (size_t i = 0; i < fs.n; i++)
            fprintf(stderr, " <%s>", fs.items[i].text);
        bad++;
    }
    if (c->want && !hit) {
        fprintf(stderr, "\n[%s] \"%s\": no fact \"%s\"", c->dateline ? c->dateline : "-",
                c->sentence, c->want);
        bad++;
    }
    if (hit) {
        char iso[32];
        fl_date_format(hit->date, iso, sizeof iso);
        const char *at = strstr(c->sentence, c->want);
        bool ok = !strcmp(iso, c->iso) && hit->date.precision == c->prec &&
                  hit->relative == c->relative && hit->resolved == c->resolved &&
                  hit->weekday_mismatch == c->mismatch && at &&
                  hit->offset == (size_t)(at - c->sentence);
        if (c->resolved) {
            ok = ok && hit->anchor && !strcmp(hit->anchor, c->dateline);
        } else {
            ok = ok && !hit->anchor;
        }
        if (!ok) {
            fprintf(stderr,
                    "\n[%s] \"%s\": \"%s\" = %s/%s rel=%d res=%d mis=%d off=%zu anchor=%s; "
                    "want %s/%s rel=%d res=%d mis=%d",
                    c->dateline ? c->dateline : "-", c->sentence, c->want, iso,
                    fl_precision_name(hit->date.precision), hit->relative, hit->resolved,
                    hit->weekday_mismatch, hit->offset, hit->anchor ? hit->anchor : "null", c->iso,
                    fl_precision_name(c->prec), c->relative, c->resolved, c->mismatch);
            bad++;
        }
    }
    fl_facts_release(&fs);
    fl_article_free(a);
    return bad;
}

static void run_table(const date_case *cases, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(run_case(&cases[i]), 0);
    teardown();
}

#define RUN(table) run_table(table, sizeof table / sizeof table[0])

/* 2017-11-24 is a Friday. */
#define D "2017-11-24"

static const date_case absolute_cases[] = {
    {D, "The deal was signed on Friday 24 November 2017 in Leeds.", 1, "Friday 24 November 2017",
     "2017-11-24", DAY, false, false, false},
    {D, "It was agreed on Friday, November 24, 2017, officials said.", 1,
     "Friday, November 24, 2017", "2017-11-24", DAY, false, false, false},
    {D, "The shop opened on 24 Nov 2017.", 1, "24 Nov 2017", "2017-11-24", DAY, false, false,
     false},
    {D, "The shop opened on 24 Nov. 2017 after delays.", 1, "24 Nov. 2017", "2017-11-24", DAY,
     false, false, false},
    {D, "Talks ended on November 24, 2017.", 1, "November 24, 2017", "2017-11-24", DAY, false,
     false, false},
    {D, "The mine reopened on the 3rd of March 2016.", 1, "3rd of March 2016", "2016-03-03", DAY,
     false, false, false},
    {D, "The report is dated 2017-11-24.", 1, "2017-11-24", "2017-11-24", DAY, false, false, false},
    {D, "The letter was dated 24/11/2017.", 1, "24/11/2017", "2017-11-24", DAY, false, false,
     false},
    {D, "The form was dated 11/24/2017.", 1, "11/24/2017", "2017-11-24", DAY, false, false, false},
    {D, "The form was dated 03/04/2017.", 1, "03/04/2017", "2017-04-03", DAY, false, false, false},
    {D, "Stocks on 02/28/2017 and 03/04/2017 were high.", 2, "03/04/2017", "2017-03-04", DAY, false,
     false, false},
    {D, "Stocks on 28/02/2017, 03/04/2017 and 11/24/2017.", 3, "03/04/2017", "2017-04-03", DAY,
     false, false, false},
    {D, "The ledger entry reads 21Oct15 in red ink.", 1, "21Oct15", "2015-10-21", DAY, false, false,
     false},
    {D, "Sales fell in March 2013.", 1, "March 2013", "2013-03", MONTH, false, false, false},
    {D, "The pier was built in 1987.", 1, "1987", "1987", YEAR, false, false, false},
    {D, "The abbey was founded in 760 by monks.", 1, "760", "0760", YEAR, false, false, false},
    {D, "The line should be finished by 2014.", 1, "2014", "2014", YEAR, false, false, false},
    {D, "Prices have risen since 2011.", 1, "2011", "2011", YEAR, false, false, false},
    {D, "The bridge should open by around 2025.", 1, "2025", "2025", YEAR, false, false, false},
    {D, "The 2014 World Cup was held in Brazil.", 1, "2014", "2014", YEAR, false, false, false},
    {D, "Vinyl sales boomed in the 1990s.", 1, "1990s", "1990s", DECADE, false, false, false},
    /* the shapes num_shape_possible lets through to PAT_NUM */
    {D, "Records from 2016-3-7 were lost.", 1, "2016-3-7", "2016-03-07", DAY, false, false, false},
    {D, "Records from 2016-03-7 were lost.", 1, "2016-03-7", "2016-03-07", DAY, false, false,
     false},
    {D, "The note was dated 26-feb-2016.", 1, "26-feb-2016", "2016-02-26", DAY, false, false,
     false},
    {D, "The note was dated 26-FEB-16.", 1, "26-FEB-16", "2016-02-26", DAY, false, false, false},
    {D, "The mill dates from the 19th Century.", 1, "19th Century", "19th century", CENTURY, false,
     false, false},
    {D, "The 18th - century mill burned.", 1, "18th - century", "18th century", CENTURY, false,
     false, false},
    {D, "He was born on the 4th of July 1976.", 1, "4th of July 1976", "1976-07-04", DAY, false,
     false, false},
    {D, "He was born on the 4th  Sept 1976.", 1, "4th  Sept 1976", "1976-09-04", DAY, false, false,
     false},
    {D, "The 3rd Mar 2016 report.", 1, "3rd Mar 2016", "2016-03-03", DAY, false, false, false},
    {D, "The 24 Sep. 2016 report.", 1, "24 Sep. 2016", "2016-09-24", DAY, false, false, false},
    {D, "The mill dates from the 19th century.", 1, "19th century", "19th century", CENTURY, false,
     false, false},
    {D, "Output recovered in mid-2015.", 1, "mid-2015", "2015", YEAR, false, false, false},
    {D, "Growth slowed in early 2015.", 1, "early 2015", "2015", YEAR, false, false, false},
    {D, "The plant opened in late 2015.", 1, "late 2015", "2015", YEAR, false, false, false},
    {D, "Profits rose in the first quarter of 2014.", 1, "first quarter of 2014", "2014", YEAR,
     false, false, false},
    {D, "Profits rose in Q1 2014.", 1, "Q1 2014", "2014", YEAR, false, false, false},
    {D, "Profits rose in the second half of 2014.", 1, "second half of 2014", "2014", YEAR, false,
     false, false},
    {D, "The cargo was logged on 26-FEB-1987.", 1, "26-FEB-1987", "1987-02-26", DAY, false, false,
     false},
    {D, "The festival returns in summer 2015.", 1, "2015", "2015", YEAR, false, false, false},
    {D, "Debt will peak at end-1986, it said.", 1, "end-1986", "1986", YEAR, false, false, false},
    {D, "The 18th-century mill burned.", 1, "18th-century", "18th century", CENTURY, false, false,
     false},
    {D, "Rents soared in the early 1990s.", 1, "early 1990s", "1990s", DECADE, false, false, false},
    {D, "Its 1987 budget was cut.", 1, "1987", "1987", YEAR, false, false, false},
    {D, "The index doubled between 2011 and 2014.", 2, "2014", "2014", YEAR, false, false, false},
    {D, "The index doubled between 2011 and 2014.", 2, "2011", "2011", YEAR, false, false, false},
    {D, "Rents fell from 1990 to 1995.", 2, "1995", "1995", YEAR, false, false, false},
    {D, "The rule took effect on 29 February 2024.", 1, "29 February 2024", "2024-02-29", DAY,
     false, false, false},
    {"2024-03-04", "Monday 4 March 2024", 1, "Monday 4 March 2024", "2024-03-04", DAY, false, false,
     false},
};

static void test_absolute(void)
{
    RUN(absolute_cases);
}

/* Month and day without a year, bare months: the year comes from the dateline. */
static const date_case inferred_cases[] = {
    {D, "The vote was held on Nov 20.", 1, "Nov 20", "2017-11-20", DAY, true, true, false},
    {D, "The factory closed on 28 November.", 1, "28 November", "2016-11-28", DAY, true, true,
     false},
    {D, "The factory will close on 28 November.", 1, "28 November", "2017-11-28", DAY, true, true,
     false},
    {"2018-01-05", "Sales peaked on 20 December.", 1, "20 December", "2017-12-20", DAY, true, true,
     false},
    {"2018-01-05", "The store will reopen on 20 December.", 1, "20 December", "2018-12-20", DAY,
     true, true, false},
    {NULL, "The factory closed on 28 November.", 1, "28 November", "", NONE, true, false, false},
    {D, "The board met in March.", 1, "March", "2017-03", MONTH, true, true, false},
    {D, "The board will meet in March.", 1, "March", "2018-03", MONTH, true, true, false},
    {D, "The board met in December.", 1, "December", "2016-12", MONTH, true, true, false},
    {D, "The board met in November.", 1, "November", "2017-11", MONTH, true, true, false},
    {D, "Sales peaked in March last year.", 2, "March", "2016-03", MONTH, true, true, false},
    {D, "Profit rose in the six months to September.", 1, "September", "2017-09", MONTH, true, true,
     false},
    {"2016-02-05", "Shares could fall if U.S. rates rose in March.", 1, "March", "2016-03", MONTH,
     true, true, false},
    {"2016-02-05", "U.S. rates rose in March, the Fed said.", 1, "March", "2015-03", MONTH, true,
     true, false},
    {D, "Sales peaked on 3 March next year.", 2, "3 March", "2018-03-03", DAY, true, true, false},
    {"2017-01-01", "The board met in December.", 1, "December", "2016-12", MONTH, true, true,
     false},
    {D, "Exports slowed in early March.", 1, "early March", "2017-03", MONTH, true, true, false},
    {D, "Exports slowed in March and April.", 2, "April", "2017-04", MONTH, true, true, false},
    {NULL, "The board met in March.", 1, "March", "", NONE, true, false, false},
    {D, "The scheme ran from March to June.", 2, "June", "2017-06", MONTH, true, true, false},
};

static void test_inferred(void)
{
    RUN(inferred_cases);
}

static const date_case relative_cases[] = {
    {D, "The minister spoke yesterday.", 1, "yesterday", "2017-11-23", DAY, true, true, false},
    {D, "The minister speaks today.", 1, "today", "2017-11-24", DAY, true, true, false},
    {D, "The minister will speak tomorrow.", 1, "tomorrow", "2017-11-25", DAY, true, true, false},
    {D, "Yesterday the minister spoke.", 1, "Yesterday", "2017-11-23", DAY, true, true, false},
    {D, "The minister spoke on Monday.", 1, "Monday", "2017-11-20", DAY, true, true, false},
    {D, "The minister spoke on Friday.", 1, "Friday", "2017-11-17", DAY, true, true, false},
    {D, "The minister will speak on Monday.", 1, "Monday", "2017-11-27", DAY, true, true, false},
    {D, "The minister will speak on Friday.", 1, "Friday", "2017-12-01", DAY, true, true, false},
    {D, "On Wednesday, the minister will open the bridge.", 1, "Wednesday", "2017-11-29", DAY, true,
     true, false},
    {D, "The company said Thursday it would sell the unit.", 1, "Thursday", "2017-11-23", DAY, true,
     true, false},
    {D, "The minister spoke last Monday.", 1, "last Monday", "2017-11-20", DAY, true, true, false},
    {D, "The minister will speak next Monday.", 1, "next Monday", "2017-11-27", DAY, true, true,
     false},
    {D, "The talks resume this Monday.", 1, "this Monday", "2017-11-20", DAY, true, true, false},
    {D, "Shares fell last week.", 1, "last week", "2017-11", MONTH, true, true, false},
    {"2017-12-05", "Shares fell last week.", 1, "last week", "2017-11", MONTH, true, true, false},
    {D, "Shares rose this week.", 1, "this week", "2017-11", MONTH, true, true, false},
    {"2017-11-28", "Shares will rise next week.", 1, "next week", "2017-12", MONTH, true, true,
     false},
    {D, "Sales fell last month.", 1, "last month", "2017-10", MONTH, true, true, false},
    {"2018-01-10", "Sales fell last month.", 1, "last month", "2017-12", MONTH, true, true, false},
    {"2024-03-31", "Sales fell last month.", 1, "last month", "2024-02", MONTH, true, true, false},
    {"2017-12-15", "Sales will rise next month.", 1, "next month", "2018-01", MONTH, true, true,
     false},
    {D, "The law changed earlier this month.", 1, "earlier this month", "2017-11", MONTH, true,
     true, false},
    {D, "The law changed earlier this year.", 1, "earlier this year", "2017", YEAR, true, true,
     false},
    {D, "The law will change later this year.", 1, "later this year", "2017", YEAR, true, true,
     false},
    {D, "Profits rose this year.", 1, "this year", "2017", YEAR, true, true, false},
    {D, "Profits rose last year.", 1, "last year", "2016", YEAR, true, true, false},
    {"2017-01-01", "Profits rose last year.", 1, "last year", "2016", YEAR, true, true, false},
    {D, "Profits will rise next year.", 1, "next year", "2018", YEAR, true, true, false},
    {D, "The plant closed a week ago.", 1, "a week ago", "2017-11-17", DAY, true, true, false},
    {D, "The plant closed two days ago.", 1, "two days ago", "2017-11-22", DAY, true, true, false},
    {D, "The plant closed 3 days ago.", 1, "3 days ago", "2017-11-21", DAY, true, true, false},
    {D, "The plant closed three years ago.", 1, "three years ago", "2014", YEAR, true, true, false},
    {D, "The plant closed six months ago.", 1, "six months ago", "2017-05", MONTH, true, true,
     false},
    {D, "The plant closed last March.", 1, "last March", "2017-03", MONTH, true, true, false},
    {"2018-03-10", "The plant closed last March.", 1, "last March", "2017-03", MONTH, true, true,
     false},
    {D, "The plant reopens next March.", 1, "next March", "2018-03", MONTH, true, true, false},
    /* leap years and year boundaries */
    {"2024-03-01", "The minister spoke yesterday.", 1, "yesterday", "2024-02-29", DAY, true, true,
     false},
    {"2023-03-01", "The minister spoke yesterday.", 1, "yesterday", "2023-02-28", DAY, true, true,
     false},
    {"2024-03-01", "The plant closed two days ago.", 1, "two days ago", "2024-02-28", DAY, true,
     true, false},
    {"2018-01-01", "The minister spoke yesterday.", 1, "yesterday", "2017-12-31", DAY, true, true,
     false},
    {"2017-01-02", "The minister spoke on Friday.", 1, "Friday", "2016-12-30", DAY, true, true,
     false},
    {"2017-12-29", "The minister will speak on Tuesday.", 1, "Tuesday", "2018-01-02", DAY, true,
     true, false},
    {"2024-02-27", "The minister spoke in February, a month after talks began.", 1, "February",
     "2024-02", MONTH, true, true, false},
    /* no dateline: relative, unresolved */
    {NULL, "The minister spoke yesterday.", 1, "yesterday", "", NONE, true, false, false},
    {NULL, "Sales fell last month.", 1, "last month", "", NONE, true, false, false},
    {NULL, "The minister spoke on Monday.", 1, "Monday", "", NONE, true, false, false},
    {NULL, "The plant closed two days ago.", 1, "two days ago", "", NONE, true, false, false},
};

static void test_relative(void)
{
    RUN(relative_cases);
}

/* 14 March 2023 was a Tuesday. */
static const date_case weekday_cases[] = {
    {D, "The hearing opened on Tuesday 14 March 2023.", 1, "Tuesday 14 March 2023", "2023-03-14",
     DAY, false, false, false},
    {D, "The hearing opened on Wednesday 14 March 2023.", 1, "Wednesday 14 March 2023",
     "2023-03-14", DAY, false, false, true},
    {"2023-03-20", "The hearing opened on Tuesday, March 14.", 1, "Tuesday, March 14", "2023-03-14",
     DAY, true, true, false},
    {"2023-03-20", "The hearing opened on Thursday, March 14.", 1, "Thursday, March 14",
     "2023-03-14", DAY, true, true, true},
    {D, "Results were due on Sunday, 26th November 2017.", 1, "Sunday, 26th November 2017",
     "2017-11-26", DAY, false, false, false},
};

static void test_weekday(void)
{
    RUN(weekday_cases);
}

/* Sentences with no date, or with a date that does not exist. */
static const date_case negative_cases[] = {
    {D, "The form was dated 31 February 2015.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The log shows 2015-13-45 as the date.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The rule took effect on 29 February 2023.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The form was dated 45/13/2015.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The clinic opened on 31 April.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The firm hired 2,014 people.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The plant employs 1,000 people.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The council invested in 760 jobs.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The fund paid $2014 to each member.", 0, NULL, NULL, NONE, false, false, false},
    {D,
     "The fund paid \xC2\xA3"
     "1999 to each member.",
     0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose 15% in the period.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The helpline runs 24/7.", 0, NULL, NULL, NONE, false, false, false},
    {D, "United won 3-1 at home.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The meeting starts at 10:30.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The stock was quoted at 1987 dollars.", 0, NULL, NULL, NONE, false, false, false},
    {D, "About 2000 people joined the protest.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The mill sold 1500 tonnes.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The market closes at 1600 GMT.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Trading is halted until 1600 GMT.", 0, NULL, NULL, NONE, false, false, false},
    {D, "A total of 2000 was raised.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Shoppers queued for Black Friday deals.", 0, NULL, NULL, NONE, false, false, false},
    {D, "She writes for the Sunday Times.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The leader, Theresa May, spoke.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Prices may rise.", 0, NULL, NULL, NONE, false, false, false},
    {D, "May prices rise?", 0, NULL, NULL, NONE, false, false, false},
    {D, "Supporters will march in protest.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Jan Kowalski said the plan was sound.", 0, NULL, NULL, NONE, false, false, false},
    /* shapes num_shape_possible keeps from PAT_NUM */
    {D, "The 2005-6 season was poor.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The 2003-04 accounts were late.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The 2006-2007 fiscal year ended.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It was the 21st month in a row.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It was the 11th consecutive rise.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It was the 8th of a point.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The 17-man commission met.", 0, NULL, NULL, NONE, false, false, false},
    {D, "A 92-octane fuel was sold.", 0, NULL, NULL, NONE, false, false, false},
    {D, "BMW sold the 1 Series widely.", 0, NULL, NULL, NONE, false, false, false},
    {D, "He won the 25th Cross Country race.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Seed 4 Marat Safin won.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The B52 flew over 1500m of runway.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Version 1.2.2017 of the software shipped.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The firm sold 1500 tonnes in 2014.", 1, "2014", "2014", YEAR, false, false, false},
    {D, "Cases rose from 69 in 1984 to 298 the following year.", 1, "1984", "1984", YEAR, false,
     false, false},
    {D, "The bank will cut staff by 800 and close branches.", 0, NULL, NULL, NONE, false, false,
     false},
    {D, "He was paid in 100-peso notes.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The Independent on Sunday was sold.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The ruins date from 760 BC, and the walls from 1400.", 1, "1400", "1400", YEAR, false,
     false, false},
    {D, "The town was sacked by 760 AD.", 1, "760", "0760", YEAR, false, false, false},
    {D, "The cup, made in about 760 and lost in 1066, was found.", 2, "760", "0760", YEAR, false,
     false, false},
    {D, "The town was sacked in 760 BC.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The tower stood from 760 AD until 1120.", 2, "760", "0760", YEAR, false, false, false},
    {D, "He spoke on the BBC's Today programme.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Rates rose 1/2 pct and 11/16 pct.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Rates rose 1/16/ and 5/1", 0, NULL, NULL, NONE, false, false, false},
    {D, "The deal closed on 5/11/2017 and 5/12/17.", 2, "5/11/2017", "2017-11-05", DAY, false,
     false, false},
    {D, "The studio, 20th Century Fox, agreed.", 0, NULL, NULL, NONE, false, false, false},
};

/* The keyword shapes found without the regex when the text is ASCII (rel_ascii
 * in date.c: day words; last/next/this before week/month/year or a full
 * weekday or month name) and their neighbours the regex still decides: a
 * word going on ("weekend", "Marché", "Today_"), "last quarter".  A no-break
 * space after the keyword is not read as a space (keyword_plausible). */
static const date_case keyword_cases[] = {
    {D, "Shares fell LAST WEEK.", 1, "LAST WEEK", "2017-11", MONTH, true, true, false},
    {D, "Shares fell last \t week.", 1, "last \t week", "2017-11", MONTH, true, true, false},
    {D, "Shares fell last\xC2\xA0week.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales will rise next year.", 1, "next year", "2018", YEAR, true, true, false},
    {D, "It rained tonight.", 1, "tonight", "2017-11-24", DAY, true, true, false},
    {D, "The fair is this weekend.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose last quarter.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The plant closed last Marché.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The Today_show aired.", 0, NULL, NULL, NONE, false, false, false},
    {D, "He spoke this Monday.", 1, "this Monday", "2017-11-20", DAY, true, true, false},
    {D, "The plant closed this March.", 1, "this March", "2017-03", MONTH, true, true, false},
    {D, "Profits rose in the first quarter of 2016.", 1, "first quarter of 2016", "2016", YEAR,
     false, false, false},
    /* keyword_plausible reads the word after the keyword: only "week",
     * "month" or "year" whole, or "quarter"/"half" then "of" and a digit,
     * case blind; a byte >= 0x80 where it reads a letter or a space is left
     * to the regex (caseless, it takes the Kelvin sign for a "k") */
    {D, "This was the year.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose this MonTH.", 1, "this MonTH", "2017-11", MONTH, true, true, false},
    {D, "Sales rose this yearly.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose this wee\xE2\x84\xAA.", 1, "this wee\xE2\x84\xAA", "2017-11", MONTH, true, true,
     false},
    {D, "Sales rose in the second half.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose in the fourth quarter, the best.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose in the fourth quarter of the year.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose in the second HALF Of\t2014.", 1, "second HALF Of\t2014", "2014", YEAR, false,
     false, false},
    {D,
     "Sales rose in the second half of\xC2\xA0"
     "2014.",
     1,
     "second half of\xC2\xA0"
     "2014",
     "2014", YEAR, false, false, false},
    {D, "Sales rose last half of 2014.", 1, "last half of 2014", "2014", YEAR, false, false, false},
    /* keyword_plausible: after "earlier"/"later" only "this" and a unit;
     * after "last"/"next"/"this" a unit or a weekday or month name in its
     * case; after "early"/"mid"/"end" four digits or a month name */
    {D, "Sales will rise later this year.", 1, "later this year", "2017", YEAR, true, true, false},
    {D, "Sales rose earlier this Week, traders said.", 1, "earlier this Week", "2017-11", MONTH,
     true, true, false},
    {D, "The plant opens in mid-2018.", 1, "mid-2018", "2018", YEAR, false, false, false},
    {D, "The deal closes at end-March.", 1, "end-March", "2017-03", MONTH, true, true, false},
    {D, "It happens this Wednesday.", 1, "this Wednesday", "2017-11-22", DAY, true, true, false},
    {D, "Sales fell in late 2016.", 1, "late 2016", "2016", YEAR, false, false, false},
    {D, "Shares fell earlier than expected.", 0, NULL, NULL, NONE, false, false, false},
    {D, "This Michigan survey tells you little.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It was the mid-size model.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Prices peaked in the mid-70s.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Prices peaked in the late 80s.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Trading was thin in early Wall Street deals.", 0, NULL, NULL, NONE, false, false, false},
    {D, "The early-winter weather hurt.", 0, NULL, NULL, NONE, false, false, false},
    {D, "He left this Augsut, he said.", 0, NULL, NULL, NONE, false, false, false},
};

static void test_keyword(void)
{
    RUN(keyword_cases);
}

/* The month shapes found without the regex when the text is ASCII
 * (month_ascii in date.c: a day, maybe an ordinal suffix and a year; or a
 * year) and their neighbours the regex still decides. */
static const date_case month_cases[] = {
    {D, "It closed on Mar. 5, 2014 and rose.", 1, "Mar. 5, 2014", "2014-03-05", DAY, false, false,
     false},
    {D, "It closed on March 5th,2014 and rose.", 1, "March 5", "2017-03-05", DAY, true, true,
     false},
    {D, "It closed on March 12% higher.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It closed on March 12.5 and rose.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It closed on March 12th5 and rose.", 1, "March 12", "2017-03-12", DAY, true, true, false},
    {D, "It closed on Sept., 1987 and rose.", 1, "Sept., 1987", "1987-09", MONTH, false, false,
     false},
    {D, "It closed on March 2014.5 and rose.", 0, NULL, NULL, NONE, false, false, false},
    /* month names, abbreviated or full (month_of); a date's month is
     * capitalised */
    {D, "It closed on Sep 3, 1987 and rose.", 1, "Sep 3, 1987", "1987-09-03", DAY, false, false,
     false},
    {D, "It closed on SEPT. 3, 1987 and rose.", 0, NULL, NULL, NONE, false, false, false},
    {D, "It closed in Septembe 1987 and rose.", 0, NULL, NULL, NONE, false, false, false},
    {D, "Sales rose in early June.", 1, "early June", "2017-06", MONTH, true, true, false},
    {D, "Sales rose last September.", 1, "last September", "2017-09", MONTH, true, true, false},
    {D, "Sales rose in December.", 1, "December", "2016-12", MONTH, true, true, false},
    {D, "It closed on March 5 20145 and rose.", 1, "March 5", "2017-03-05", DAY, true, true, false},
    {D,
     "It closed on March\xC2\xA0"
     "2014 and rose.",
     1,
     "March\xC2\xA0"
     "2014",
     "2014-03", MONTH, false, false, false},
};

static void test_month(void)
{
    RUN(month_cases);
}

static void test_negative(void)
{
    RUN(negative_cases);
}

/* A longer article: several kinds at once, facts in text order, spans exact. */
static void test_article(void)
{
    static const char text[] =
        "Orchard cider maker doubles output\n"
        "\n"
        "Monday 4 March 2024\n"
        "\n"
        "Brackenfield Cider said on Friday that output doubled last year, and it will open a "
        "second press in June. The firm, founded in 1887, was bought in 2019.\n"
        "\n"
        "Its chairman told staff yesterday that a 1990s-style boom was \"not impossible\" "
        "by 2030.\n";
    static const char *const want[] = {
        "Monday 4 March 2024", "Friday", "last year", "June", "1887", "2019",
        "yesterday",           "1990s",  "2030"};
    static const char *const iso[] = {"2024-03-04", "2024-03-01", "2023",  "2024-06", "1887",
                                      "2019",       "2024-03-03", "1990s", "2030"};
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    fl_facts fs;
    fl_error err = {0};
    fl_facts_init(&fs);
    fl_article *a = make_article("2024-03-04", text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL(fs.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < fs.n && i < sizeof want / sizeof want[0]; i++) {
        char buf[32];
        fl_date_format(fs.items[i].date, buf, sizeof buf);
        if (strcmp(fs.items[i].text, want[i]) || strcmp(buf, iso[i]))
            fprintf(stderr, "\nfact %zu: \"%s\" = %s, want \"%s\" = %s", i, fs.items[i].text, buf,
                    want[i], iso[i]);
        CU_ASSERT_STRING_EQUAL(fs.items[i].text, want[i]);
        CU_ASSERT_STRING_EQUAL(buf, iso[i]);
    }
    /* the extractor appends: a second run doubles the list, same anchors */
    CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL(fs.n, 2 * (sizeof want / sizeof want[0]));
    fl_facts_release(&fs);
    fl_article_free(a);
    teardown();
}

/* An article with no text and a bogus dateline: no facts, no crash. */
static void test_edge(void)
{
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    fl_facts fs;
    fl_error err = {0};
    fl_facts_init(&fs);
    fl_article *a = fl_article_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL(fs.n, 0);
    fl_article_free(a);
    a = make_article(NULL, "The minister spoke yesterday, on 2 May, and left in 2016");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->dateline = (fl_date){2017, 2, 30, FL_PREC_DAY}; /* not a day: treated as none */
    CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL(fs.n, 3);
    for (size_t i = 0; i < fs.n; i++)
        if (fs.items[i].relative)
            CU_ASSERT_FALSE(fs.items[i].resolved);
    /* a year-precision dateline resolves year-level words only */
    fl_facts_reset(&fs);
    fl_article_free(a);
    a = make_article("2017", "Profits rose last year, and fell yesterday.");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fs.n, 2);
    CU_ASSERT_TRUE(fs.items[0].resolved);
    CU_ASSERT_EQUAL(fs.items[0].date.year, 2016);
    CU_ASSERT_STRING_EQUAL(fs.items[0].anchor, "2017");
    CU_ASSERT_FALSE(fs.items[1].resolved);
    fl_facts_release(&fs);
    fl_article_free(a);
    teardown();
}

/* Every prefix of a dense text: forms cut off at the end of the text must
 * neither read past it nor yield a span outside it. */
static void test_prefixes(void)
{
    static const char dense[] =
        "On Friday, November 24, 2017 and Tue 3 Mar. 2015, 21Oct15, Q1 2014, mid-2015, the "
        "19th century, 1990s, 24/11/2017, 2015-13-45 and two days ago, in 760, by around 2025, "
        "last March, earlier this year, the first quarter of 2014, 3 May next year. May 5";
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    size_t total = 0;
    for (size_t n = 1; n <= sizeof dense - 1; n++) {
        char buf[sizeof dense];
        memcpy(buf, dense, n);
        buf[n] = '\0';
        fl_facts fs;
        fl_error err = {0};
        fl_facts_init(&fs);
        fl_article *a = make_article(n % 2 ? "2017-11-24" : NULL, buf);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
        for (size_t i = 0; i < fs.n; i++)
            CU_ASSERT(fs.items[i].offset + fs.items[i].length <= n);
        total += fs.n;
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    CU_ASSERT(total > 100);
    teardown();
}

/* Each month and weekday name, in three cases, ending the text (so that
 * word_kind's read of the word stops at its end) and followed by more text;
 * and words that share a name's length, first, second and last letters
 * ("Jaxuary", "Juxe" against "June" and "Jul") find nothing. */
static void test_word_kinds(void)
{
    static const char *const names[] = {
        "January",   "February", "March",     "April",    "May",    "June",     "July",  "August",
        "September", "October",  "November",  "December", "Jan",    "Feb",      "Mar",   "Apr",
        "Jun",       "Jul",      "Aug",       "Sep",      "Sept",   "Oct",      "Nov",   "Dec",
        "Monday",    "Tuesday",  "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        for (int variant = 0; variant < 6; variant++) {
            char word[16], buf[64];
            size_t n = strlen(names[k]);
            for (size_t i = 0; i <= n; i++)
                word[i] = variant % 3 == 1 && i > 0 ? (char)(names[k][i] & ~0x20) : names[k][i];
            if (variant % 3 == 2) /* a near miss: its third letter changed */
                word[2] = word[2] == 'x' ? 'y' : 'x';
            if (variant < 3)
                snprintf(buf, sizeof buf, "It was signed on 3 %s", word);
            else
                snprintf(buf, sizeof buf, "It was signed on 3 %s 2014 in town", word);
            fl_facts fs;
            fl_error err = {0};
            fl_facts_init(&fs);
            fl_article *a = make_article("2017-11-24", buf);
            CU_ASSERT_PTR_NOT_NULL_FATAL(a);
            CU_ASSERT_EQUAL(fl_date_extract(state, thread, a, &fs, &err), FL_OK);
            /* a name in capitals is not taken for a date (PAT_MONTH and
             * PAT_WEEKDAY want a capital and lower case), nor a near miss */
            size_t want = variant % 3 == 0 ? 1 : 0;
            CU_ASSERT_EQUAL(fs.n, want);
            if (fs.n != want)
                fprintf(stderr, "'%s': %zu facts\n", buf, fs.n);
            fl_facts_release(&fs);
            fl_article_free(a);
        }
    teardown();
}

/* An allocator that fails every allocation after the first `budget`. */
static long budget;

static void *failing_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (budget-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

/* Out of memory at every allocation of init and extract: FL_ENOMEM or
 * success, never a crash or a leak (run under ASan/valgrind). */
static void test_enomem(void)
{
    static const fl_allocator failing = {failing_realloc, NULL};
    int nomem = 0;
    for (long n = 0; n < 40; n++) {
        fl_date_state *st = NULL;
        fl_error err = {0};
        budget = n;
        fl_alloc_set(&failing);
        fl_status rc = fl_date_init(&st, NULL, &err);
        fl_alloc_set(NULL);
        CU_ASSERT(rc == FL_OK || rc == FL_ENOMEM);
        nomem += rc == FL_ENOMEM;
        fl_date_free(st);
    }
    CU_ASSERT(nomem > 0);
    CU_ASSERT_EQUAL_FATAL(setup(), 0);
    fl_article *a = make_article("2017-11-24", "Sales fell last month, on 3 May 2016 and in 2014; "
                                               "the board met on Monday and in March.");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    nomem = 0;
    for (long n = 0; n < 20; n++) {
        fl_facts fs;
        fl_error err = {0};
        fl_facts_init(&fs);
        budget = n;
        fl_alloc_set(&failing);
        fl_status rc = fl_date_extract(state, thread, a, &fs, &err);
        fl_alloc_set(NULL);
        CU_ASSERT(rc == FL_OK || rc == FL_ENOMEM);
        if (rc == FL_OK)
            CU_ASSERT_EQUAL(fs.n, 5);
        nomem += rc == FL_ENOMEM;
        fl_facts_release(&fs);
    }
    CU_ASSERT(nomem > 0);
    fl_article_free(a);
    teardown();
}

static void test_add_months(void)
{
    fl_date d = fl_date_add_months((fl_date){2024, 1, 31, FL_PREC_DAY}, 1);
    CU_ASSERT(d.year == 2024 && d.month == 2 && d.day == 29 && d.precision == FL_PREC_DAY);
    d = fl_date_add_months((fl_date){2023, 1, 31, FL_PREC_DAY}, 1);
    CU_ASSERT(d.year == 2023 && d.month == 2 && d.day == 28);
    d = fl_date_add_months((fl_date){2018, 1, 0, FL_PREC_MONTH}, -1);
    CU_ASSERT(d.year == 2017 && d.month == 12 && d.day == 0 && d.precision == FL_PREC_MONTH);
    d = fl_date_add_months((fl_date){2017, 12, 15, FL_PREC_DAY}, 13);
    CU_ASSERT(d.year == 2019 && d.month == 1 && d.day == 15);
    d = fl_date_add_months((fl_date){2017, 3, 0, FL_PREC_MONTH}, -27);
    CU_ASSERT(d.year == 2014 && d.month == 12);
}

/* fl_date_format writes year, month and day dates without snprintf: the
 * same text as the general "%04d-%02d-%02d", and the other precisions
 * unchanged. */
static void test_format(void)
{
    static const int years[] = {0, 7, 99, 760, 1987, 2017, 9999};
    for (size_t y = 0; y < sizeof years / sizeof *years; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                char got[32], want[32];
                fl_date_format((fl_date){years[y], m, d, FL_PREC_DAY}, got, sizeof got);
                snprintf(want, sizeof want, "%04d-%02d-%02d", years[y], m, d);
                CU_ASSERT_STRING_EQUAL(got, want);
            }
    /* year and month precision, months out of range too (a fact file may
     * hold them): the text of "%04d" and "%04d-%02d", and its length */
    for (size_t y = 0; y < sizeof years / sizeof *years; y++)
        for (int m = 0; m <= 99; m++) {
            char got[32], want[32];
            size_t n = fl_date_format((fl_date){years[y], m, 0, FL_PREC_MONTH}, got, sizeof got);
            snprintf(want, sizeof want, "%04d-%02d", years[y], m);
            CU_ASSERT_STRING_EQUAL(got, want);
            CU_ASSERT_EQUAL(n, strlen(want));
            n = fl_date_format((fl_date){years[y], m, 5, FL_PREC_YEAR}, got, sizeof got);
            snprintf(want, sizeof want, "%04d", years[y]);
            CU_ASSERT_STRING_EQUAL(got, want);
            CU_ASSERT_EQUAL(n, strlen(want));
        }
    char buf[32];
    CU_ASSERT_EQUAL(fl_date_format((fl_date){1987, 0, 0, FL_PREC_DECADE}, buf, sizeof buf), 5);
    CU_ASSERT_STRING_EQUAL(buf, "1980s");
    fl_date_format((fl_date){2017, 3, 0, FL_PREC_MONTH}, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2017-03");
    fl_date_format((fl_date){12345, 1, 2, FL_PREC_DAY}, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "12345-01-02");
    fl_date_format((fl_date){2017, 11, 24, FL_PREC_DAY}, buf, 8); /* too small: cut */
    CU_ASSERT_STRING_EQUAL(buf, "2017-11");
}

/* fl_bits_prev_clear (bytemask.h, which future_context steps back by) against
 * a bit loop, for every lo <= i over four 64-bit words of mixed bits. */
static void test_prev_clear(void)
{
    const uint64_t b[4] = {0xFFFFFFFFFFFFFFFFull, 0x8000000000000001ull, 0xFFFFFFFFFFFFFFFFull,
                           0x0F0F00FF7FFFFFFEull};
    for (size_t lo = 0; lo <= 256; lo++)
        for (size_t i = lo; i <= 256; i++) {
            size_t want = SIZE_MAX;
            for (size_t p = i; p > lo; p--)
                if (!fl_bits_test(b, p - 1)) {
                    want = p - 1;
                    break;
                }
            CU_ASSERT_EQUAL(fl_bits_prev_clear(b, lo, i), want);
        }
}

static const fl_test_case cases[] = {
    {"absolute", test_absolute},     {"format", test_format},
    {"inferred", test_inferred},     {"relative", test_relative},
    {"weekday", test_weekday},       {"negative", test_negative},
    {"article", test_article},       {"edge", test_edge},
    {"prefixes", test_prefixes},     {"word_kinds", test_word_kinds},
    {"enomem", test_enomem},         {"add_months", test_add_months},
    {"keyword", test_keyword},       {"month", test_month},
    {"prev_clear", test_prev_clear}, {NULL, NULL}};

FL_TEST_MAIN("date", cases)
