fl_unit_test(test_core ${PROJECT_SOURCE_DIR}/tests/unit/test_core.c fl_core)
