/* Unit tests for the quote extractor (engine/extract/quote.c): marks,
 * attribution forms, speaker resolution, multi-paragraph quotes. */
#include "core/alloc.h"
#include "core/article.h"
#include "core/fact.h"
#include "extract/internal.h"
#include "fl_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static fl_names_state *names;
static fl_quote_state *quotes;

static fl_article *make_article(const char *s, size_t n)
{
    fl_article *a = fl_article_new();
    char *t = fl_malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memcpy(t, s, n);
    t[n] = '\0';
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    return a;
}

/* Runs names then quotes over text; fs receives the facts. */
static fl_article *extract(const char *text, fl_facts *fs)
{
    fl_error err;
    fl_article *a = make_article(text, strlen(text));
    fl_facts_init(fs);
    CU_ASSERT_EQUAL(fl_names_extract(names, NULL, a, fs, &err), FL_OK);
    CU_ASSERT_EQUAL(fl_quote_extract(quotes, NULL, a, fs, &err), FL_OK);
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        if (f->kind != FL_FACT_QUOTE)
            continue;
        /* a quote spans the text inside its marks */
        CU_ASSERT_EQUAL(strlen(f->text), f->length);
        CU_ASSERT_EQUAL(memcmp(a->text + f->offset, f->text, f->length), 0);
    }
    return a;
}

static size_t count_quotes(const fl_facts *fs)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->items[i].kind == FL_FACT_QUOTE;
    return n;
}

static const fl_fact *quote_nth(const fl_facts *fs, size_t nth)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->items[i].kind == FL_FACT_QUOTE && nth-- == 0)
            return &fs->items[i];
    return NULL;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

typedef struct quote_case {
    const char *article;
    size_t nth; /* which quote of the article to check */
    const char *text;
    const char *speaker;
    const char *speaker_text;
    const char *attribution;
    bool partial;
} quote_case;

static const quote_case table[] = {
    /* said-after: pronoun, verb + name, name + verb */
    {"Anna Vale, the union leader, spoke on Monday.\n\n\"We will not back down,\" she said.", 0,
     "We will not back down", "Anna Vale", "she", "pronoun", false},
    {"Premier Li Keqiang visited the site.\n\n\"We will build the plant,\" said Mr Li.", 0,
     "We will build the plant", "Li Keqiang", "Mr Li", "said-after", false},
    {"\"Prices will fall,\" Kofi Mensah said on Tuesday.", 0, "Prices will fall", "Kofi Mensah",
     "Kofi Mensah", "said-after", false},
    {"Patricia Onslow leads the union.\n\n\"There was money for everything else,\" Ms Onslow "
     "said.",
     0, "There was money for everything else", "Patricia Onslow", "Ms Onslow", "said-after", false},
    {"\"The market has been generous,\" the company's chairman, Edmund Ho, said.", 0,
     "The market has been generous", "Edmund Ho", "Edmund Ho", "said-after", false},
    {"\"Demand is strong,\" Li Keqiang, the premier, said.", 0, "Demand is strong", "Li Keqiang",
     "Li Keqiang", "said-after", false},
    /* said-before */
    {"Kofi Mensah said: \"Prices will rise next year.\"", 0, "Prices will rise next year.",
     "Kofi Mensah", "Kofi Mensah", "said-before", false},
    {"Kofi Mensah said that \"the worst is over\" for the region.", 0, "the worst is over",
     "Kofi Mensah", "Kofi Mensah", "said-before", false},
    /* told */
    {"Kofi Mensah told reporters: \"We are ready to talk.\"", 0, "We are ready to talk.",
     "Kofi Mensah", "Kofi Mensah", "told", false},
    {"\"Exports are slowing,\" Kofi Mensah told reporters in Accra.", 0, "Exports are slowing",
     "Kofi Mensah", "Kofi Mensah", "told", false},
    /* added */
    {"\"We are ready,\" Kofi Mensah added.", 0, "We are ready", "Kofi Mensah", "Kofi Mensah",
     "added", false},
    /* according to */
    {"\"The deal is off,\" according to Kofi Mensah.", 0, "The deal is off", "Kofi Mensah",
     "Kofi Mensah", "according-to", false},
    {"According to Kofi Mensah, \"the deal is off for now\".", 0, "the deal is off for now",
     "Kofi Mensah", "Kofi Mensah", "according-to", false},
    /* organisations and titles as speakers */
    {"The Ministry of Finance published figures.\n\n\"Costs rose sharply,\" the ministry said.", 0,
     "Costs rose sharply", "Ministry of Finance", "the ministry", "said-after", false},
    {"Prime Minister Anna Vale met the unions.\n\n\"We act now,\" the PM said.", 0, "We act now",
     "Anna Vale", "the PM", "said-after", false},
    {"\"Sales will recover,\" a spokeswoman said.", 0, "Sales will recover", "a spokeswoman",
     "a spokeswoman", "said-after", false},
    /* curly quotes, nested single quotes, apostrophes inside */
    {"\xE2\x80\x9CWe will appeal,\xE2\x80\x9D said Kofi Mensah.", 0, "We will appeal",
     "Kofi Mensah", "Kofi Mensah", "said-after", false},
    {"\"They called it 'a fool's errand' at first,\" said Kofi Mensah.", 0,
     "They called it 'a fool's errand' at first", "Kofi Mensah", "Kofi Mensah", "said-after",
     false},
    {"\xE2\x80\x9CXi\xE2\x80\x99s team didn\xE2\x80\x99t say \xE2\x80\x98no\xE2\x80\x99,\xE2\x80"
     "\x9D said Kofi Mensah.",
     0, "Xi\xE2\x80\x99s team didn\xE2\x80\x99t say \xE2\x80\x98no\xE2\x80\x99", "Kofi Mensah",
     "Kofi Mensah", "said-after", false},
    /* scare quotes and titles of works */
    {"The firm described the offer as \"derisory\" and left.", 0, "derisory", NULL, NULL, NULL,
     true},
    {"Prime Minister Anna Vale hailed the deal as \"a new chapter\" for exporters, but MPs said "
     "the terms were poor.",
     0, "a new chapter", "Anna Vale", "Anna Vale", "sentence", true},
    {"He reviewed \"The Road to Nowhere Special\" for the paper.", 0, "The Road to Nowhere Special",
     NULL, NULL, NULL, true},
    /* carried: an unattributed paragraph after an attributed one */
    {"\"First we fix the roof,\" said Kofi Mensah.\n\n\"Then we fix the walls and the doors.\"", 1,
     "Then we fix the walls and the doors.", "Kofi Mensah", "Kofi Mensah", "carried", false},
    /* unattributed */
    {"The sign read \"Closed until further notice, sorry for the trouble.\" on Monday.", 0,
     "Closed until further notice, sorry for the trouble.", NULL, NULL, NULL, false},
    /* unclosed at the end of the article */
    {"Kofi Mensah said: \"This quotation never closes", 0, "This quotation never closes",
     "Kofi Mensah", "Kofi Mensah", "said-before", false},
    /* a quote ending its sentence is not attributed to the next sentence's subject */
    {"\"We won the vote.\" The council said nothing more.", 0, "We won the vote.", NULL, NULL, NULL,
     false},
};

static void check_cases(const quote_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const quote_case *c = &cases[i];
        fl_facts fs;
        fl_article *a = extract(c->article, &fs);
        const fl_fact *f = quote_nth(&fs, c->nth);
        bool ok = f && str_eq(f->text, c->text) && str_eq(f->speaker, c->speaker) &&
                  str_eq(f->speaker_text, c->speaker_text) &&
                  str_eq(f->attribution, c->attribution) && f->partial == c->partial;
        if (!ok) {
            fprintf(stderr, "\ncase %zu: %s\n", i, c->article);
            if (f)
                fprintf(stderr, "  got text=[%s] speaker=%s as=%s attr=%s partial=%d\n", f->text,
                        f->speaker ? f->speaker : "NULL",
                        f->speaker_text ? f->speaker_text : "NULL",
                        f->attribution ? f->attribution : "NULL", f->partial);
            else
                fprintf(stderr, "  no quote %zu\n", c->nth);
        }
        CU_ASSERT_TRUE(ok);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
}

static void test_table(void)
{
    check_cases(table, sizeof table / sizeof table[0]);
}

/* The word lists in the case they are matched in: verbs, auxiliaries,
 * noun-phrase stops, connectors and "according to" in lower case only;
 * pronouns, determiners and organisation nouns in any case; sentence
 * openers ("But") capitalised only.  Words of 2 to 12 bytes, at the text's
 * start and after it, of exactly eight bytes ("business") and more. */
static const quote_case vocabulary_cases[] = {
    {"\"We won,\" SAID Mr Li.", 0, "We won", NULL, NULL, NULL, false},
    {"\"We won,\" He said.", 0, "We won", NULL, "He", "pronoun", false},
    {"\"We won,\" HE said.", 0, "We won", NULL, "HE", "pronoun", false},
    {"\"We won,\" hE said.", 0, "We won", NULL, "hE", "pronoun", false},
    {"The Acme Workers Group met.\n\n\"We won,\" the Spokesperson said.", 0, "We won",
     "Acme Workers Group", "the Spokesperson", "said-after", false},
    {"The Acme Workers Group met.\n\n\"We won,\" the SPOKESPERSON said.", 0, "We won",
     "Acme Workers Group", "the SPOKESPERSON", "said-after", false},
    {"The Acme Workers Group met.\n\n\"We won,\" the spokesPerson said.", 0, "We won",
     "Acme Workers Group", "the spokesPerson", "said-after", false},
    {"Kofi Mensah spoke.\n\n\"We go on,\" she acknowledged.", 0, "We go on", NULL, "she", "pronoun",
     false},
    {"Kofi Mensah spoke.\n\n\"We go on,\" she Acknowledged.", 0, "We go on", NULL, NULL, NULL,
     false},
    {"Acme Business Holdings met.\n\n\"We go on,\" the Business said.", 0, "We go on",
     "Acme Business Holdings", "the Business", "said-after", false},
    {"Acme Business Holdings met.\n\n\"We go on,\" the busiNess said.", 0, "We go on",
     "Acme Business Holdings", "the busiNess", "said-after", false},
    {"Acme Business Holdings met.\n\n\"We go on,\" the BUSINESS said.", 0, "We go on",
     "Acme Business Holdings", "the BUSINESS", "said-after", false},
    {"He said: \"We won the vote.\"", 0, "We won the vote.", NULL, "He", "pronoun", false},
    {"It said \"no\"", 0, "no", NULL, "It", "pronoun", true},
    {"Mr Leigh came.\n\nBut Mr Leigh said \"there is no way out of this\".", 0,
     "there is no way out of this", "Leigh", "Mr Leigh", "said-before", false},
    {"Mr Leigh came.\n\nBUT Mr Leigh said \"there is no way out of this\".", 0,
     "there is no way out of this", "BUT Mr Leigh", "BUT Mr Leigh", "said-before", false},
    {"Mr Leigh came.\n\nbut Mr Leigh said \"there is no way out of this\".", 0,
     "there is no way out of this", "Leigh", "Mr Leigh", "said-before", false},
    {"\"We go on,\" ACCORDING to Kofi Mensah.", 0, "We go on", NULL, NULL, NULL, false},
    {"\"We go on,\" according TO Kofi Mensah.", 0, "We go on", NULL, NULL, NULL, false},
    {"\"We go on,\" according to Kofi Mensah.", 0, "We go on", "Kofi Mensah", "Kofi Mensah",
     "according-to", false},
    {"\"We go on,\" said Anna de la Vale.", 0, "We go on", "Anna de la Vale", "Anna de la Vale",
     "said-after", false},
    {"\"We go on,\" said Anna DE la Vale.", 0, "We go on", "Anna DE la Vale", "Anna DE la Vale",
     "said-after", false},
    {"\"We go on,\" said Hans von Trapp.", 0, "We go on", "Hans von Trapp", "Hans von Trapp",
     "said-after", false},
    {"\"We go on,\" Hans von Trapp said.", 0, "We go on", "Hans von Trapp", "Trapp", "said-after",
     false},
    {"\"We go on,\" the minister Said.", 0, "We go on", NULL, NULL, NULL, false},
    {"\"We go on,\" the minister said.", 0, "We go on", "the minister", "the minister",
     "said-after", false},
    {"\"We go on,\" The Minister said.", 0, "We go on", "The Minister", "The Minister",
     "said-after", false},
    {"\"We go on,\" analysts also said.", 0, "We go on", "analysts", "analysts", "said-after",
     false},
    {"\"We go on,\" analysts ALSO said.", 0, "We go on", "ALSO", "ALSO", "said-after", false},
    {"\"We go on,\" the chief executive of Acme, who joined in May, said.", 0, "We go on",
     "of acme", "of Acme", "said-after", false},
    {"\"We go on,\" Mr Li said, AND left.", 0, "We go on", "Li", "Mr Li", "said-after", false},
    {"\"Prices rise,\" Yesterday Kofi Mensah said.", 0, "Prices rise", "Kofi Mensah", "Kofi Mensah",
     "said-after", false},
    {"Yesterday Kofi Mensah said \"prices rise fast\".", 0, "prices rise fast", "Kofi Mensah",
     "Kofi Mensah", "said-before", true},
    {"YESTERDAY Kofi Mensah said \"prices rise fast\".", 0, "prices rise fast",
     "YESTERDAY Kofi Mensah", "YESTERDAY Kofi Mensah", "said-before", true},
};

static void test_vocabulary_case(void)
{
    check_cases(vocabulary_cases, sizeof vocabulary_cases / sizeof vocabulary_cases[0]);
}

/* "the director said": the last person named beside the role word, found
 * in the window around the person at every alignment (a filler of 0-40
 * bytes moves it), in any case, and not inside a longer word (the speaker is then the
 * words as written). */
static void test_role_near_person(void)
{
    char text[512];
    for (int pad = 0; pad <= 40; pad++) {
        for (int v = 0; v < 3; v++) {
            static const char *const roles[] = {"the museum's director", "the museum's DIRECTOR",
                                                "the museum's directorate"};
            snprintf(text, sizeof text,
                     "%*sThe vault was opened by Dr Imogen Hart, %s, on Monday.\n\n"
                     "\"We had given up hope,\" the director said.",
                     pad, "", roles[v]);
            fl_facts fs;
            fl_article *a = extract(text, &fs);
            const fl_fact *f = quote_nth(&fs, 0);
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            const char *want = v < 2 ? "Imogen Hart" : "the director";
            if (!str_eq(f->speaker, want))
                fprintf(stderr, "\npad %d role %d: speaker %s\n", pad, v,
                        f->speaker ? f->speaker : "NULL");
            CU_ASSERT_TRUE(str_eq(f->speaker, want));
            fl_facts_release(&fs);
            fl_article_free(a);
        }
    }
}

static void test_apostrophes_only(void)
{
    fl_facts fs;
    fl_article *a = extract("Xi's plan won't work, the rivals' bankers said. Don't "
                            "\xE2\x80\x98panic\xE2\x80\x99, they added; it\xE2\x80\x99s fine.",
                            &fs);
    CU_ASSERT_EQUAL(count_quotes(&fs), 0);
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_multi_paragraph(void)
{
    const char *text = "Kofi Mensah said: \"The first part of the quote runs on\n\n"
                       "\"and the second part carries on\n\n"
                       "\"until the third part ends here.\"\n\n"
                       "\"A new quote,\" said Anna Vale.";
    fl_facts fs;
    fl_article *a = extract(text, &fs);
    CU_ASSERT_EQUAL_FATAL(count_quotes(&fs), 4);
    const fl_fact *q0 = quote_nth(&fs, 0), *q1 = quote_nth(&fs, 1), *q2 = quote_nth(&fs, 2),
                  *q3 = quote_nth(&fs, 3);
    CU_ASSERT_STRING_EQUAL(q0->text, "The first part of the quote runs on");
    CU_ASSERT_STRING_EQUAL(q0->attribution, "said-before");
    CU_ASSERT_STRING_EQUAL(q0->speaker, "Kofi Mensah");
    CU_ASSERT_STRING_EQUAL(q1->text, "and the second part carries on");
    CU_ASSERT_STRING_EQUAL(q1->attribution, "continued");
    CU_ASSERT_STRING_EQUAL(q1->speaker, "Kofi Mensah");
    CU_ASSERT_STRING_EQUAL(q2->text, "until the third part ends here.");
    CU_ASSERT_STRING_EQUAL(q2->attribution, "continued");
    CU_ASSERT_STRING_EQUAL(q2->speaker, "Kofi Mensah");
    CU_ASSERT_STRING_EQUAL(q3->speaker, "Anna Vale");
    CU_ASSERT_STRING_EQUAL(q3->attribution, "said-after");
    fl_facts_release(&fs);
    fl_article_free(a);

    /* the speaker given at the end of the chain reaches its first piece */
    fl_article *b = extract("\"It began quietly\n\n\"and ended loudly,\" said Kofi Mensah.", &fs);
    CU_ASSERT_EQUAL_FATAL(count_quotes(&fs), 2);
    CU_ASSERT_STRING_EQUAL(quote_nth(&fs, 0)->speaker, "Kofi Mensah");
    CU_ASSERT_STRING_EQUAL(quote_nth(&fs, 1)->attribution, "continued");
    fl_facts_release(&fs);
    fl_article_free(b);

    /* an unclosed quote not followed by a quoted paragraph ends at its paragraph */
    fl_article *c = extract("Kofi Mensah said: \"This one never closes\n\n"
                            "The next paragraph is narrative, \"with a quote\" inside.",
                            &fs);
    CU_ASSERT_EQUAL_FATAL(count_quotes(&fs), 2);
    CU_ASSERT_STRING_EQUAL(quote_nth(&fs, 0)->text, "This one never closes");
    CU_ASSERT_STRING_EQUAL(quote_nth(&fs, 1)->text, "with a quote");
    CU_ASSERT_PTR_NULL(quote_nth(&fs, 1)->attribution);
    fl_facts_release(&fs);
    fl_article_free(c);
}

static void test_pronoun_gender(void)
{
    fl_facts fs;
    fl_article *a = extract("Judge Mary Okafor sentenced Mr Gordon Fairlie on Friday. Fairlie "
                            "did not react.\n\n"
                            "\"The harm you have done cannot be measured,\" she said.",
                            &fs);
    const fl_fact *q = quote_nth(&fs, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_STRING_EQUAL(q->attribution, "pronoun");
    CU_ASSERT_STRING_EQUAL(q->speaker_text, "she");
    CU_ASSERT_STRING_EQUAL(q->speaker, "Mary Okafor");
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_huge_unclosed(void)
{
    /* 10 MB in one paragraph with an opening mark and no closing one */
    size_t n = 10u << 20;
    char *s = fl_malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const char *head = "Kofi Mensah said: \"";
    size_t h = strlen(head);
    memcpy(s, head, h);
    for (size_t i = h; i < n; i++)
        s[i] = (i % 7 == 6) ? ' ' : "words"[i % 5];
    s[n - 1] = 'x';
    s[n] = '\0';
    fl_article *a = make_article(s, n);
    fl_free(s);
    fl_facts fs;
    fl_facts_init(&fs);
    fl_error err;
    clock_t t0 = clock();
    CU_ASSERT_EQUAL(fl_quote_extract(quotes, NULL, a, &fs, &err), FL_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CU_ASSERT_EQUAL_FATAL(count_quotes(&fs), 1);
    CU_ASSERT_EQUAL(quote_nth(&fs, 0)->length, n - h);
    CU_ASSERT_TRUE(secs < 2.0);
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_setup(void)
{
    fl_error err;
    /* an empty data directory: no gazetteer needed for these cases */
    CU_ASSERT_EQUAL_FATAL(fl_names_init(&names, "/nonexistent-factlint-data", &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_quote_init(&quotes, NULL, &err), FL_OK);
}

static void test_teardown(void)
{
    fl_names_free(names);
    fl_quote_free(quotes);
}

static const fl_test_case cases[] = {
    {"setup", test_setup},
    {"table", test_table},
    {"vocabulary_case", test_vocabulary_case},
    {"role_near_person", test_role_near_person},
    {"apostrophes_only", test_apostrophes_only},
    {"multi_paragraph", test_multi_paragraph},
    {"pronoun_gender", test_pronoun_gender},
    {"huge_unclosed", test_huge_unclosed},
    {"teardown", test_teardown},
    {NULL, NULL},
};
FL_TEST_MAIN("quote", cases)
