fl_unit_test(test_ingest ${PROJECT_SOURCE_DIR}/tests/unit/test_ingest.c fl_ingest)
