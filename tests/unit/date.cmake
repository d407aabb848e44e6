fl_unit_test(test_date ${PROJECT_SOURCE_DIR}/tests/unit/test_date.c fl_extract)
