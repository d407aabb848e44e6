/* Unit tests for engine/core/normalize (normalise, edit distance, skeleton)
 * and the names extractor (engine/extract/names.c). */
#include "core/alloc.h"
#include "core/article.h"
#include "core/fact.h"
#include "core/normalize.h"
#include "extract/gazetteer.h"
#include "extract/internal.h"
#include "fl_test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_norm(const char *in, const char *want)
{
    char *got = fl_normalize(in, strlen(in));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\nnormalise(\"%s\") = \"%s\", want \"%s\"\n", in, got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    fl_free(got);
}

static void test_normalize(void)
{
    check_norm("  Lena  Sj\xC3\xB6qvist\t\n", "lena sjoqvist");
    check_norm("Stra\xC3\x9F"
               "e",
               "strasse");
    check_norm("\xEF\xAC\x81nance", "finance");                           /* ligature fi */
    check_norm("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc");            /* full-width */
    check_norm("Xi\xE2\x80\x8BJin\xC2\xADping\xE2\x81\xA0", "xijinping"); /* ZWSP, SHY, WJ */
    check_norm("\xEF\xBB\xBF"
               "a\xE2\x80\x8D"
               "b\xE2\x80\x8C"
               "c",
               "abc"); /* FEFF, ZWJ, ZWNJ */
    check_norm("\xE2\x80\x9CHello\xE2\x80\x9D it\xE2\x80\x99s \xE2\x80\x98x\xE2\x80\x99",
               "\"hello\" it's 'x'");
    check_norm("A\xC2\xA0"
               "B\xE3\x80\x80"
               "C\xE2\x80\xA8"
               "D",
               "a b c d"); /* NBSP, ideographic, LS */
    check_norm("Fran\xC3\xA7ois  Hollande", "francois hollande");
    check_norm("e\xCC\x81"
               "cole",
               "ecole"); /* combining acute */
    check_norm("", "");
    check_norm(" \t\r\n ", "");
    check_norm("MIXED Case\r\nLines", "mixed case lines");
    /* invalid UTF-8 is refused, not read past */
    CU_ASSERT_PTR_NULL(fl_normalize("a\xC3", 2));
    /* fl_normalize_append appends */
    fl_strbuf sb = FL_STRBUF_INIT;
    CU_ASSERT_EQUAL(fl_strbuf_adds(&sb, "k:"), 0);
    CU_ASSERT_EQUAL(fl_normalize_append(&sb, " \xC3\x89MILE ", 8), 0);
    CU_ASSERT_STRING_EQUAL(sb.buf, "k:emile");
    CU_ASSERT_EQUAL(fl_normalize_append(&sb, "\xFF", 1), -1);
    CU_ASSERT_STRING_EQUAL(sb.buf, "k:emile");
    fl_strbuf_release(&sb);
}

static size_t ed(const char *a, const char *b, size_t max)
{
    return fl_edit_distance(a, strlen(a), b, strlen(b), max);
}

static void test_edit_distance(void)
{
    CU_ASSERT_EQUAL(ed("kitten", "sitting", 10), 3);
    CU_ASSERT_EQUAL(ed("", "", 10), 0);
    CU_ASSERT_EQUAL(ed("", "abc", 10), 3);
    CU_ASSERT_EQUAL(ed("abc", "", 10), 3);
    CU_ASSERT_EQUAL(ed("ca", "ac", 10), 1);             /* transposition */
    CU_ASSERT_EQUAL(ed("ca", "abc", 10), 3);            /* OSA, not unrestricted DL (2) */
    CU_ASSERT_EQUAL(ed("Sjoqvist", "Sjöqvist", 10), 1); /* code points, not bytes */
    CU_ASSERT_EQUAL(ed("\xE6\x9D\x8E\xE5\x85\x8B", "\xE5\x85\x8B\xE6\x9D\x8E", 10), 1);
    CU_ASSERT_EQUAL(ed("Keqiang", "Keqaing", 10), 1);
    CU_ASSERT_EQUAL(ed("abcdef", "uvwxyz", 2), 3); /* bounded: max + 1 */
    CU_ASSERT_EQUAL(ed("a", "abcdefgh", 3), 4);    /* length difference alone */
    CU_ASSERT_EQUAL(ed("same", "same", 0), 0);
    CU_ASSERT_EQUAL(ed("same", "sane", 0), 1);
    CU_ASSERT_EQUAL(ed("abc", "abd", SIZE_MAX), 1); /* no bound */
    /* longer than the stack buffers: allocates, same answer */
    char a[700], b[700];
    memset(a, 'x', 600);
    memcpy(b, a, 600);
    a[600] = b[600] = '\0';
    b[10] = 'y';
    b[300] = 'z';
    b[301] = 'x';
    CU_ASSERT_EQUAL(ed(a, b, 10), 2);
    b[599] = '\0';
    CU_ASSERT_EQUAL(ed(a, b, 10), 3);
    CU_ASSERT_EQUAL(ed(a, b, 1), 2);
}

static void check_skel(const char *a, const char *b, int same)
{
    char *x = fl_skeleton(a, strlen(a));
    char *y = fl_skeleton(b, strlen(b));
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    if ((strcmp(x, y) == 0) != same)
        fprintf(stderr, "\nskeleton(\"%s\") = \"%s\", skeleton(\"%s\") = \"%s\"\n", a, x, b, y);
    CU_ASSERT_EQUAL(strcmp(x, y) == 0, same);
    fl_free(x);
    fl_free(y);
}

static void test_skeleton(void)
{
    char *s = fl_skeleton("Modern Villa 10", 15);
    CU_ASSERT_STRING_EQUAL(s, "modem vllla lo");
    fl_free(s);
    check_skel("Modern", "Modem", 1);
    check_skel("vvalter", "Walter", 1);
    check_skel("Jeremy Corbyn", "Jer\xD0\xB5my C\xCE\xBFrbyn", 1); /* Cyrillic e, Greek o */
    check_skel("\xD0\xA0\xD0\xB0ris", "Paris", 1);                 /* Cyrillic Pa */
    check_skel("Bill", "B1ll", 1);
    check_skel("B0ris", "Boris", 1);
    check_skel("5teve", "Steve", 1);
    check_skel("Jos\xC3\xA9", "JOSE", 1);
    check_skel("Boris", "Doris", 0);
    check_skel("Anna Vale", "Anna Vane", 0);
}

/* ---- the names extractor ---- */

static char gaz_dir[64];

static void write_file(const char *dir, const char *name, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(body, fp);
    fclose(fp);
}

static void remove_dir(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/gazetteer.tsv", dir);
    unlink(path);
    rmdir(dir);
}

static const char *const test_gazetteer = "name\tkind\tcountry\tvariants\n"
                                          "United Kingdom\tcountry\tGB\tUK|U.K.|Britain|British\n"
                                          "United States\tcountry\tUS\tUS|U.S.|USA|American\n"
                                          "China\tcountry\tCN\tChinese|PRC\n"
                                          "Beijing\tcapital\tCN\tPeking\n"
                                          "New York\tcity\tUS\tNYC\n"
                                          "Hong Kong\tregion\tHK\tHK\n"
                                          "# a comment line\n"
                                          "\n"
                                          "St. John's\tcapital\tAG\tSt John's\n";

static fl_article *make_article(const char *s)
{
    fl_article *a = fl_article_new();
    size_t n = strlen(s);
    char *t = fl_malloc(n + 1);
    memcpy(t, s, n + 1);
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_article_set_text(a, t, n, false, &err), FL_OK);
    CU_ASSERT_EQUAL_FATAL(fl_article_segment(a, &err), FL_OK);
    return a;
}

/* The fact of kind whose text is name (the n-th such, 0-based), or NULL. */
static const fl_fact *find(const fl_facts *fs, fl_fact_kind kind, const char *name, int nth)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->items[i].kind == kind && strcmp(fs->items[i].text, name) == 0 && nth-- == 0)
            return &fs->items[i];
    return NULL;
}

static bool any_text_contains(const fl_facts *fs, const char *needle)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strstr(fs->items[i].text, needle))
            return true;
    return false;
}

static void run_names(const char *datadir, const char *text, fl_facts *fs, fl_article **out)
{
    fl_names_state *st = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_names_init(&st, datadir, &err), FL_OK);
    fl_article *a = make_article(text);
    fl_facts_init(fs);
    CU_ASSERT_EQUAL(fl_names_extract(st, NULL, a, fs, &err), FL_OK);
    for (size_t i = 0; i < fs->n; i++) {
        const fl_fact *f = &fs->items[i];
        /* every fact spans its own text */
        CU_ASSERT_EQUAL(strlen(f->text), f->length);
        CU_ASSERT_EQUAL(memcmp(a->text + f->offset, f->text, f->length), 0);
        CU_ASSERT_PTR_NOT_NULL(f->key);
        CU_ASSERT_PTR_NOT_NULL(f->canonical);
    }
    fl_names_free(st);
    *out = a;
}

static void test_names_people(void)
{
    const char *text =
        "Chinese Premier Li Keqiang arrived in Beijing on Monday. Mr Li said the talks in New "
        "York had been useful.\n\n"
        "However, Anna de la Vale, the chief executive of Vale Shipping Ltd, said the Bank of "
        "England and NATO had been told. Jean-Paul Okafor told reporters in Hong Kong that the "
        "U.S. was ready.\n\n"
        "In March, Prime Minister David Cameron met officials. Cameron said the BBC had asked. "
        "The Ministry of Defence declined to comment. Dr Siobhan O'Neill said Xi's team had "
        "left.\n\n"
        "BAHIA COCOA REVIEW\n\n"
        "Thursday was quiet, said Ian Brody.\n";
    fl_facts fs;
    fl_article *a;
    run_names(gaz_dir, text, &fs, &a);
    const fl_fact *f = find(&fs, FL_FACT_PERSON, "Li Keqiang", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->title, "Premier");
    CU_ASSERT_STRING_EQUAL(f->key, "li keqiang");
    f = find(&fs, FL_FACT_PERSON, "Li", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->title, "Mr");
    CU_ASSERT_STRING_EQUAL(f->canonical, "Li Keqiang");
    f = find(&fs, FL_FACT_PERSON, "Anna de la Vale", 0);
    CU_ASSERT_PTR_NOT_NULL(f);
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PERSON, "Jean-Paul Okafor", 0));
    f = find(&fs, FL_FACT_PERSON, "David Cameron", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->title, "Prime Minister");
    f = find(&fs, FL_FACT_PERSON, "Cameron", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_PTR_NULL(f->title);
    CU_ASSERT_STRING_EQUAL(f->canonical, "David Cameron");
    f = find(&fs, FL_FACT_PERSON, "Siobhan O'Neill", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->title, "Dr");
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PERSON, "Ian Brody", 0));
    /* not people: sentence openers, months, weekdays, places, organisations */
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "However", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "March", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "Thursday", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "Hong Kong", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "Bank of England", 0));
    CU_ASSERT_FALSE(any_text_contains(&fs, "BAHIA"));
    CU_ASSERT_FALSE(any_text_contains(&fs, "COCOA"));
    for (size_t i = 0; i < fs.n; i++)
        CU_ASSERT_TRUE(fs.items[i].kind == FL_FACT_PERSON || fs.items[i].kind == FL_FACT_ORG ||
                       fs.items[i].kind == FL_FACT_PLACE);
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_names_orgs_places(void)
{
    const char *text =
        "Chinese Premier Li Keqiang arrived in Beijing on Monday with British officials.\n\n"
        "Vale Shipping Ltd said the Bank of England, the IMF and NATO were told. TimeWarner said "
        "the Ministry of Finance agreed. The US and the UK signed in New York, and the U.S. "
        "envoy flew to St. John's. Part II of the report named Kaito Heavy Industries Co; Kaito "
        "declined to comment. Sunderby was quiet.\n";
    fl_facts fs;
    fl_article *a;
    run_names(gaz_dir, text, &fs, &a);
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "Vale Shipping Ltd", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "Bank of England", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "IMF", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "NATO", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "Ministry of Finance", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "Kaito Heavy Industries Co", 0));
    const fl_fact *f = find(&fs, FL_FACT_ORG, "Kaito", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "Kaito Heavy Industries Co");
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_ORG, "II", 0)); /* a roman numeral */
    f = find(&fs, FL_FACT_PLACE, "Beijing", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "Beijing");
    f = find(&fs, FL_FACT_PLACE, "US", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "United States");
    f = find(&fs, FL_FACT_PLACE, "U.S.", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "United States");
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PLACE, "UK", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PLACE, "New York", 0)); /* longest match */
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PLACE, "York", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PLACE, "St. John's", 0));
    /* demonyms are not places; unknown words are not places */
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PLACE, "Chinese", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PLACE, "British", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PLACE, "Sunderby", 0));
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_ORG, "US", 0));
    fl_facts_release(&fs);
    fl_article_free(a);
}

static void test_names_gazetteer_errors(void)
{
    /* a missing gazetteer is not an error: no places */
    char dir[] = "/tmp/fl_names_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    fl_facts fs;
    fl_article *a;
    run_names(dir, "Officials in Beijing said Li Keqiang had left.", &fs, &a);
    CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PLACE, "Beijing", 0));
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_PERSON, "Li Keqiang", 0));
    fl_facts_release(&fs);
    fl_article_free(a);
    /* a malformed line names the file and the line */
    write_file(dir, "gazetteer.tsv",
               "name\tkind\tcountry\tvariants\nParis\tcapital\tFR\t\nLyon only\n");
    fl_names_state *st = NULL;
    fl_error err;
    fl_error_clear(&err);
    CU_ASSERT_EQUAL(fl_names_init(&st, dir, &err), FL_EPARSE);
    CU_ASSERT_PTR_NULL(st);
    CU_ASSERT_EQUAL(err.line, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "gazetteer.tsv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "gazetteer"));
    write_file(dir, "gazetteer.tsv", "name\tkind\tcountry\tvariants\nParis\t\tFR\t\n");
    CU_ASSERT_EQUAL(fl_names_init(&st, dir, &err), FL_EPARSE);
    CU_ASSERT_EQUAL(err.line, 2);
    remove_dir(dir);
}

/* The mention chains compare names by a hash of their key: a name whose key
 * is its text lower-cased is hashed from the text, any other from its key
 * (names.c add_cand).  The two must agree: a full name with two spaces or
 * with a long word (keyed) and a later bare surname (from the text), and the
 * other way round. */
static void test_names_keys(void)
{
    const char *text = "Amara  Okafor said the deal was done. Later Okafor said more. "
                       "Tobias Lindqvistbergmannsson-Ek told reporters in Hong Kong. "
                       "Mr Lindqvistbergmannsson-Ek said so. Wilhelmina Szczepanskavich said "
                       "nothing; Szczepanskavich left.\n";
    fl_facts fs;
    fl_article *a;
    run_names(gaz_dir, text, &fs, &a);
    const fl_fact *f = find(&fs, FL_FACT_PERSON, "Amara  Okafor", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->key, "amara okafor");
    f = find(&fs, FL_FACT_PERSON, "Okafor", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "Amara  Okafor");
    f = find(&fs, FL_FACT_PERSON, "Lindqvistbergmannsson-Ek", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->key, "lindqvistbergmannsson-ek");
    CU_ASSERT_STRING_EQUAL(f->canonical, "Tobias Lindqvistbergmannsson-Ek");
    f = find(&fs, FL_FACT_PERSON, "Szczepanskavich", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->canonical, "Wilhelmina Szczepanskavich");
    f = find(&fs, FL_FACT_PERSON, "Wilhelmina Szczepanskavich", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->key, "wilhelmina szczepanskavich");
    fl_facts_release(&fs);
    fl_article_free(a);
}

/* A single word refers to a full name at most CHAIN_WINDOW (256) candidates
 * back (names.c resolve): "Vale" after 100 other names is Anna Vale, after
 * 300 it is nothing. */
static void test_names_chain_window(void)
{
    for (int gap = 100; gap <= 300; gap += 200) {
        char text[8192];
        size_t n = (size_t)snprintf(text, sizeof text, "Anna Vale said it was done. We met");
        for (int i = 0; i < gap; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, " Kel%c%c,", 'a' + i / 26,
                                  'a' + i % 26);
        snprintf(text + n, sizeof text - n, " and Vale spoke.\n");
        fl_facts fs;
        fl_article *a;
        run_names(gaz_dir, text, &fs, &a);
        const fl_fact *f = find(&fs, FL_FACT_PERSON, "Vale", 0);
        if (gap < 256) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            CU_ASSERT_STRING_EQUAL(f->canonical, "Anna Vale");
        } else {
            CU_ASSERT_PTR_NULL(f);
        }
        fl_facts_release(&fs);
        fl_article_free(a);
    }
}

/* An unconfirmed full name is promoted by a confirmed mention at most
 * CHAIN_WINDOW candidates away (names.c resolve), and a name promoted so
 * promotes the later ones too: "Anna Vale" 200 candidates after "Ms Vale"
 * is promoted by it, and the "Anna Vale" 200 after that (400 from "Ms
 * Vale") by the first; without the first, the second is no one. */
static void test_names_promotion(void)
{
    for (int middle = 1; middle >= 0; middle--) {
        char text[8192];
        size_t n = (size_t)snprintf(text, sizeof text, "Ms Vale said it was done. We met");
        for (int half = 0; half < 2; half++) {
            for (int i = 0; i < 200; i++)
                n += (size_t)snprintf(text + n, sizeof text - n, " Kel%c%c,", 'a' + i / 26,
                                      'a' + i % 26);
            n += (size_t)snprintf(text + n, sizeof text - n, " and %s %s.",
                                  half == 0 && !middle ? "Annabel Voss" : "Anna Vale",
                                  half == 0 ? "arrived" : "left");
            if (half == 0)
                n += (size_t)snprintf(text + n, sizeof text - n, " We met");
        }
        snprintf(text + n, sizeof text - n, "\n");
        fl_facts fs;
        fl_article *a;
        run_names(gaz_dir, text, &fs, &a);
        const fl_fact *first = find(&fs, FL_FACT_PERSON, "Anna Vale", 0);
        const fl_fact *second = find(&fs, FL_FACT_PERSON, "Anna Vale", 1);
        if (middle) {
            CU_ASSERT_PTR_NOT_NULL(first);
            CU_ASSERT_PTR_NOT_NULL(second);
        } else {
            CU_ASSERT_PTR_NULL(first);
            CU_ASSERT_PTR_NULL(find(&fs, FL_FACT_PERSON, "Annabel Voss", 0));
        }
        fl_facts_release(&fs);
        fl_article_free(a);
    }
}

/* The tokeniser reads most words from the byte masks of 64-byte blocks
 * (names.c): the same text at every alignment, so that each word in it
 * starts, ends or is cut by a block's end somewhere, gives the same facts at
 * the same places.  The text has words longer than a block, words with
 * bytes >= 0x80, apostrophes, hyphens, possessives (and "'s" that is not
 * one) and initialisms, and paragraphs that end inside a word's block. */
static void test_names_alignment(void)
{
    const char *text =
        "According to Ana Okafor-Brandt, the U.S. envoy met Fran\xC3\xA7ois Delacroix\xE2\x80\x99s "
        "team. Mr O'Neill said TimeWarner's "
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCD"
        "EFGHIJKL deal with Kaito Heavy Industries Co had closed; \"Prime Minister David "
        "Cameron,\" "
        "said Ian Brody. Analysts at Rowe Kingsley said Lord Ashby of Wenlow and Mme \xC3\x89milie "
        "Zola, who chairs Vale Shipping Ltd, met Cameron in Hong Kong, according to Xi Jinping.\n\n"
        "\xC3\x89mile Zola\xE2\x80\x94the analyst Joan Smith-Jones\xC2\xA0said. U.K. and New York "
        "officials (pictured) said Jean-Paul Okafor, 45, had left. Kaito declined.\n\n"
        "The company's chief Tom Reed's aide, IBM's unit, the 1990's boom, a's, Reed's-based "
        "and Reed's' Reed'st Reed's\xC3\xA9 Reed's\n"
        "Kaito\n\n"
        "BAHIA COCOA REVIEW\n\nBrody";
    fl_names_state *st = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_names_init(&st, gaz_dir, &err), FL_OK);
    char buf[2048];
    fl_facts ref;
    fl_facts_init(&ref);
    for (size_t shift = 0; shift <= 64; shift++) {
        memset(buf, ' ', shift);
        strcpy(buf + shift, text);
        fl_article *a = make_article(buf);
        fl_facts fs;
        fl_facts_init(&fs);
        CU_ASSERT_EQUAL_FATAL(fl_names_extract(st, NULL, a, shift ? &fs : &ref, &err), FL_OK);
        if (shift == 0) {
            CU_ASSERT_TRUE(ref.n >= 15);
            fl_article_free(a);
            continue;
        }
        CU_ASSERT_EQUAL(fs.n, ref.n);
        for (size_t i = 0; i < fs.n && i < ref.n; i++) {
            const fl_fact *f = &fs.items[i], *r = &ref.items[i];
            CU_ASSERT_EQUAL(f->kind, r->kind);
            CU_ASSERT_EQUAL(f->offset, r->offset + shift);
            CU_ASSERT_STRING_EQUAL(f->text, r->text);
            CU_ASSERT_STRING_EQUAL(f->key, r->key);
            CU_ASSERT_STRING_EQUAL(f->canonical, r->canonical);
            CU_ASSERT_TRUE(f->title ? r->title && strcmp(f->title, r->title) == 0 : !r->title);
        }
        fl_facts_release(&fs);
        fl_article_free(a);
    }
    fl_facts_release(&ref);
    fl_names_free(st);
}

/* Whether the names extractor finds the person "Kofi Annan" in text, as
 * want says (the text is printed when it does not). */
static void expect_kofi_annan(const char *text, bool want)
{
    fl_facts fs;
    fl_article *a;
    run_names(gaz_dir, text, &fs, &a);
    bool found = find(&fs, FL_FACT_PERSON, "Kofi Annan", 0) != NULL;
    if (found != want)
        fprintf(stderr, "\n%s: Kofi Annan %sfound\n", text, found ? "" : "not ");
    CU_ASSERT_EQUAL(found, want);
    fl_facts_release(&fs);
    fl_article_free(a);
}

/* The word lists are looked up by a word's length and its first and last
 * eight bytes, and a word of more than 16 bytes by its middle too (names.c
 * word_slot): role nouns of 2 to 17 bytes before a name confirm it as a
 * person ("Its analyst, Kofi Annan, left."), and words that differ from
 * them in one byte (at the start, the middle, the end) do not. */
static void test_names_word_lists(void)
{
    static const struct {
        const char *word;
        bool role;
    } cases[] = {
        {"mp", true},
        {"mq", false},
        {"son", true},
        {"sun", false},
        {"head", true},
        {"hear", false},
        {"chair", true},
        {"chain", false},
        {"analyst", true},
        {"anolyst", false},
        {"economist", true},
        {"economise", false},
        {"spokeswoman", true},
        {"spokeswomen", false},
        {"correspondent", true},
        {"corresponding", false},
        {"secretary-general", true},
        {"secretarx-general", false},
        {"xecretary-general", false},
        {"secretary-generax", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "Its %s, Kofi Annan, left.", cases[i].word);
        expect_kofi_annan(text, cases[i].role);
    }
}

/* A listed word within eight bytes of the text's end, where word_mask
 * builds its key without the eight-byte loads that read past the word:
 * speech verbs of 4 to 9 bytes after a name confirm it as a person ("Kofi
 * Annan said"), at the end or followed by a few bytes, and near misses in
 * one byte do not. */
static void test_names_word_at_end(void)
{
    static const struct {
        const char *text;
        bool person;
    } cases[] = {
        {"Kofi Annan said", true},       {"Kofi Annan sair", false},
        {"Kofi Annan said.", true},      {"Kofi Annan said it", true},
        {"Kofi Annan told us.", true},   {"Kofi Annan tolk us.", false},
        {"Kofi Annan explained", true},  {"Kofi Annan explainer", false},
        {"Kofi Annan explained.", true}, {"Kofi Annan xxplained.", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_kofi_annan(cases[i].text, cases[i].person);
}

/* The tokeniser resumes at a capitalised word without the two words before
 * it when no rule reads them (names.c's lone_start): a word that no other
 * can join in a run (a possessive among them), or a function or date word,
 * an honorific, a title head or an organisation cue.  The cues before a name
 * that comes next are still read: each text's person is confirmed (a
 * person without a cue is no fact) by the role noun or the "according to"
 * before it, after such a word. */
static void test_names_lone_start(void)
{
    static const char *const texts[] = {
        "The analyst Kofi Annan met them.",
        "It rose. The analyst Kofi Annan met them.",
        "Sales rose in May, the analyst Kofi Annan wrote.",
        "Sales rose in London, the analyst Kofi Annan wrote.",
        "Sales rose (London) the analyst Kofi Annan wrote.",
        "But its analyst, Kofi Annan, declined.",
        "Today its analyst, Kofi Annan, declined.",
        "Tuesday: its analyst, Kofi Annan, declined.",
        "it fell, according to Kofi Annan.",
        "The IMF analyst Kofi Annan declined.",
        "We met. However, the analyst Kofi Annan left.",
        "Britain's analyst Kofi Annan met them.",
        "It rose. Britain\xE2\x80\x99s analyst, Kofi Annan, left.",
        "The BBC's chief executive, Kofi Annan, left.",
        "Sales rose in London. The analyst Kofi Annan wrote.",
        "They met Gen. Kofi Annan in Accra.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        expect_kofi_annan(texts[i], true);
    /* a function word before a name keeps it out of a run: no cue */
    expect_kofi_annan("it rose. The Kofi Annan met them.", false);
}

/* A capitalised word after words that no rule reads ahead of is stored
 * alone (names.c's T_NOCTX), and the cues before the name that it starts
 * are read from the text (cues_before_text), after a pre-test of the word
 * before it (cue_word_before: a plain lower-case word after a space, with
 * spaces and commas between, is looked up; any other gap or word is read
 * in full).  Each text's person is confirmed by the word before it, or not,
 * as when the words before it were stored. */
static void test_names_cues_from_text(void)
{
    static const struct {
        const char *text;
        bool person;
    } cases[] = {
        {"spokeswoman Kofi Annan met them.", true},
        {"then the analyst Kofi Annan met them.", true},
        {"then the analyst  Kofi Annan met them.", true},
        {"then the analyst\tKofi Annan met them.", true},
        {"then the analyst & Kofi Annan met them.", true},
        {"then the analyst\xC2\xA0Kofi Annan met them.", true},
        {"then the (analyst Kofi Annan) met them.", true},
        {"then the secretary-general Kofi Annan met them.", true},
        {"then the ex-analyst Kofi Annan met them.", false},
        {"then he said Kofi Annan met them.", true},
        {"then its analyst, Kofi Annan, met them.", true},
        {"then its analyst,, Kofi Annan, met them.", false},
        {"then its analyst,Kofi Annan, met them.", false},
        {"then its analyst2 Kofi Annan met them.", false},
        {"then its analyzt Kofi Annan met them.", false},
        {"then the analyst \"Kofi Annan\" met them.", false},
        {"then the analyst's Kofi Annan met them.", false},
        {"it fell, according to Kofi Annan.", true},
        {"it fell, acording to Kofi Annan.", false},
        {"it fell, according  to Kofi Annan.", true},
        {"it fell, according-to Kofi Annan.", false},
        {"it fell, due to Kofi Annan.", false},
        /* a firm: "analysts at X said", not a person */
        {"it fell, analysts at Kofi Annan said.", false},
        {"it fell, analysts near Kofi Annan said.", true},
        {"it fell, analysts at  Kofi Annan said.", false},
        {"it fell, analysts at, Kofi Annan said.", true},
        /* a speech verb before a name is a cue only when joined to it */
        {"then he said, Kofi Annan met them.", false},
        {"then he said  Kofi Annan met them.", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_kofi_annan(cases[i].text, cases[i].person);
    fl_facts fs;
    fl_article *a;
    run_names(gaz_dir, "it fell, analysts at Kofi Annan said.", &fs, &a);
    CU_ASSERT_PTR_NOT_NULL(find(&fs, FL_FACT_ORG, "Kofi Annan", 0));
    fl_facts_release(&fs);
    fl_article_free(a);
}

/* tokenize stores the word after a T_CAP word (names.c's need), where
 * cue_after reads a speech verb, also when the word is capitalised by
 * classify alone (a particle before a capital, a non-ASCII capital): each
 * name's only cue is the verb after it. */
static void test_names_need_after_cap(void)
{
    static const struct {
        const char *text, *name;
    } cases[] = {
        {"then Kofi al-Annan said it.", "Kofi al-Annan"},
        {"then Kofi d'Annan said it.", "Kofi d'Annan"},
        {"then Kofi \xC3\x81nnan said it.", "Kofi \xC3\x81nnan"},
        {"the iPhone\xE2\x80\x99s Kofi \xC3\x81nnan said it.", "Kofi \xC3\x81nnan"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fl_facts fs;
        fl_article *a;
        run_names(gaz_dir, cases[i].text, &fs, &a);
        bool found = find(&fs, FL_FACT_PERSON, cases[i].name, 0) != NULL;
        if (!found)
            fprintf(stderr, "\n%s: %s not found\n", cases[i].text, cases[i].name);
        CU_ASSERT_TRUE(found);
        fl_facts_release(&fs);
        fl_article_free(a);
    }
}

/* Places whose keys are hashed without fl_key_hash's branches (names.c's
 * text_hash: at most 16 bytes, 16 to read) and with them (longer, or near
 * the text's end): one-word names of 2 to 20 bytes and two-word names of 9
 * to 18, in the middle of a text and at its end, are found; the same names
 * with their last letter changed are not. */
static void test_names_place_hash(void)
{
    static const char letters[] = "abcdefghijklmnopqrs";
    static const char *const two[] = {"Za Bcdefg", "Zab Cdefghijklm", "Zab Cdefghijklmn",
                                      "Zabc Defghijklmnop"};
    char names[32][32];
    size_t n = 0;
    for (size_t l = 1; l < sizeof letters; l++)
        snprintf(names[n++], sizeof names[0], "Z%.*s", (int)l, letters);
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        snprintf(names[n++], sizeof names[0], "%s", two[i]);
    char dir[] = "/tmp/fl_names_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char tsv[2048] = "name\tkind\tcountry\tvariants\n";
    for (size_t i = 0; i < n; i++) {
        size_t at = strlen(tsv);
        snprintf(tsv + at, sizeof tsv - at, "%s\tcity\tZZ\t\n", names[i]);
    }
    write_file(dir, "gazetteer.tsv", tsv);
    for (size_t i = 0; i < n; i++) {
        for (int miss = 0; miss < 2; miss++) {
            char name[32];
            memcpy(name, names[i], sizeof name);
            if (miss)
                name[strlen(name) - 1] = 'x';
            for (int at_end = 0; at_end < 2; at_end++) {
                char text[128];
                if (at_end)
                    snprintf(text, sizeof text, "Flights resumed to %s", name);
                else
                    snprintf(text, sizeof text, "Flights to %s resumed on the first of the month.",
                             name);
                fl_facts fs;
                fl_article *a;
                run_names(dir, text, &fs, &a);
                bool found = find(&fs, FL_FACT_PLACE, name, 0) != NULL;
                if (found == (bool)miss)
                    fprintf(stderr, "\n%s: place %sfound\n", text, found ? "" : "not ");
                CU_ASSERT_EQUAL(found, !miss);
                fl_facts_release(&fs);
                fl_article_free(a);
            }
        }
    }
    remove_dir(dir);
}

/* fl_gazetteer_first_ascii: a word's first-word bound as
 * fl_gazetteer_max_words_ascii gives it, and the place of the word alone as
 * fl_gazetteer_lookup_lower gives it (the names extractor reads it from the
 * prefix's slot instead of looking the word up again). */
static void test_gazetteer_first_ascii(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/gazetteer.tsv", gaz_dir);
    fl_gazetteer *g = NULL;
    fl_error err;
    CU_ASSERT_EQUAL_FATAL(fl_gazetteer_load(&g, path, NULL, &err), FL_OK);
    static const char *const words[] = {"China", "CHINA", "Chinese", "New",    "York",    "Hong",
                                        "HK",    "UK",    "United",  "united", "Britain", "British",
                                        "Paris", "U.S.",  "St.",     "Peking", "NYC",     "x"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *w = words[i];
        size_t n = strlen(w);
        uint64_t h = fl_key_hash(w, n, FL_BIT5_EACH);
        const fl_place *one = NULL;
        bool dem = false, dem_want = false;
        unsigned m = fl_gazetteer_first_ascii(g, w, n, h, &one, &dem);
        CU_ASSERT_EQUAL(m, fl_gazetteer_max_words_ascii(g, w, n, h));
        const fl_place *want = m ? fl_gazetteer_lookup_lower(g, w, n, h, &dem_want) : NULL;
        if (one != want)
            fprintf(stderr, "\nfirst_ascii(\"%s\"): %s, want %s\n", w, one ? one->name : "none",
                    want ? want->name : "none");
        CU_ASSERT_PTR_EQUAL(one, want);
        if (one)
            CU_ASSERT_EQUAL(dem, dem_want);
    }
    const fl_place *one = NULL;
    bool dem = false;
    CU_ASSERT_EQUAL(fl_gazetteer_first_ascii(g, "Chinese", 7,
                                             fl_key_hash("Chinese", 7, FL_BIT5_EACH), &one, &dem),
                    1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(one);
    CU_ASSERT_STRING_EQUAL(one->name, "China");
    CU_ASSERT(dem);
    CU_ASSERT_EQUAL(
        fl_gazetteer_first_ascii(g, "New", 3, fl_key_hash("New", 3, FL_BIT5_EACH), &one, &dem), 2);
    CU_ASSERT_PTR_NULL(one);
    fl_gazetteer_free(g);
}

static void test_names_setup(void)
{
    snprintf(gaz_dir, sizeof gaz_dir, "/tmp/fl_gaz_XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(gaz_dir));
    write_file(gaz_dir, "gazetteer.tsv", test_gazetteer);
}

static void test_names_teardown(void)
{
    remove_dir(gaz_dir);
}

static const fl_test_case cases[] = {
    {"normalize", test_normalize},
    {"edit_distance", test_edit_distance},
    {"skeleton", test_skeleton},
    {"setup", test_names_setup},
    {"people", test_names_people},
    {"orgs_places", test_names_orgs_places},
    {"gazetteer_errors", test_names_gazetteer_errors},
    {"keys", test_names_keys},
    {"chain_window", test_names_chain_window},
    {"promotion", test_names_promotion},
    {"alignment", test_names_alignment},
    {"word_lists", test_names_word_lists},
    {"word_at_end", test_names_word_at_end},
    {"lone_start", test_names_lone_start},
    {"cues_from_text", test_names_cues_from_text},
    {"need_after_cap", test_names_need_after_cap},
    {"place_hash", test_names_place_hash},
    {"gazetteer_first_ascii", test_gazetteer_first_ascii},
    {"teardown", test_names_teardown},
    {NULL, NULL},
};
FL_TEST_MAIN("names", cases)
