fl_unit_test(test_names ${PROJECT_SOURCE_DIR}/tests/unit/test_names.c fl_extract)
