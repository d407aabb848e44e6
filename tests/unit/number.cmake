fl_unit_test(test_number ${PROJECT_SOURCE_DIR}/tests/unit/test_number.c fl_extract)
