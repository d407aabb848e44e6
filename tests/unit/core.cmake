fl_unit_test(test_core ${PROJECT_SOURCE_DIR}/tests/unit/test_core.c fl_core)
fl_unit_test(test_factio ${PROJECT_SOURCE_DIR}/tests/unit/test_factio.c fl_core)
