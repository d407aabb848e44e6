fl_unit_test(test_quote ${PROJECT_SOURCE_DIR}/tests/unit/test_quote.c fl_extract)
