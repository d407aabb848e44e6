# Allocation-failure tests across core, ingest and extract (tests/unit/test_alloc.c).
fl_unit_test(test_alloc ${PROJECT_SOURCE_DIR}/tests/unit/test_alloc.c fl_core fl_ingest fl_extract)
