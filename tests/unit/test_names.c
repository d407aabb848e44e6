/* Unit tests for engine/core/normalize (normalise, edit distance, skeleton)
 * and the names extractor (engine/extract/names.c). */
#include "core/alloc.h"
#include "core/normalize.h"
#include "fl_test.h"

#include <stdint.h>
#include <string.h>

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

static const fl_test_case cases[] = {
    {"normalize", test_normalize},
    {"edit_distance", test_edit_distance},
    {"skeleton", test_skeleton},
    {NULL, NULL},
};
FL_TEST_MAIN("names", cases)
