/*
 * fl_test.h - the CUnit harness every unit suite uses.
 *
 *     static void test_x(void) { CU_ASSERT_EQUAL(1, 1); }
 *     static const fl_test_case cases[] = {{"x", test_x}, {NULL, NULL}};
 *     FL_TEST_MAIN("suite name", cases)
 *
 * main returns non-zero when any assertion failed (CU_get_error() alone would
 * report green on failed assertions) or CUnit itself failed.
 */
#ifndef FL_TEST_H
#define FL_TEST_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdio.h>

typedef struct fl_test_case {
    const char *name;
    void (*fn)(void);
} fl_test_case;

static inline int fl_test_run(const char *suite, const fl_test_case *cases)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    if (!s) {
        CU_cleanup_registry();
        return 2;
    }
    for (const fl_test_case *c = cases; c->name; c++)
        if (!CU_add_test(s, c->name, c->fn)) {
            CU_cleanup_registry();
            return 2;
        }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned run = CU_get_number_of_tests_run();
    int err = CU_get_error();
    CU_cleanup_registry();
    if (run == 0) {
        fprintf(stderr, "%s: no test ran\n", suite);
        return 2;
    }
    return failures ? 1 : (err ? 2 : 0);
}

#define FL_TEST_MAIN(suite, cases)                                                                 \
    int main(void)                                                                                 \
    {                                                                                              \
        return fl_test_run(suite, cases);                                                          \
    }

/* Path of a file in the source tree (tests run from the build directory). */
#define FL_SRC(rel) FL_SOURCE_DIR "/" rel

#endif
