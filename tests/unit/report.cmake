# Report writers: unit suite, fixture generator and schema validation.
fl_unit_test(test_report ${PROJECT_SOURCE_DIR}/tests/unit/test_report.c fl_report
             PkgConfig::LIBXML2)
target_sources(test_report PRIVATE ${PROJECT_SOURCE_DIR}/tests/report/fixture.c)
target_include_directories(test_report PRIVATE ${PROJECT_SOURCE_DIR}/tests/report)
# counts the fsync calls of atomic writes (test "atomic write, fsync") and the
# renameat2 exchanges, failing them on demand (test "atomic write, exchange")
target_link_options(test_report PRIVATE -Wl,--wrap=fsync -Wl,--wrap=renameat2)

add_executable(fl_gen_reports ${PROJECT_SOURCE_DIR}/tests/report/gen_reports.c
               ${PROJECT_SOURCE_DIR}/tests/report/fixture.c)
target_link_libraries(fl_gen_reports PRIVATE fl_report)
target_include_directories(fl_gen_reports PRIVATE ${PROJECT_SOURCE_DIR}/tests/report)

set(FL_REPORT_OUT ${PROJECT_BINARY_DIR}/report-fixtures)
add_test(NAME report_generate COMMAND fl_gen_reports ${FL_REPORT_OUT})
set_tests_properties(report_generate PROPERTIES FIXTURES_SETUP report_files LABELS report)
add_test(NAME report_sarif_schema
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/report/validate_sarif.py
                 ${FL_SCHEMAS}/sarif-schema-2.1.0.json ${FL_REPORT_OUT}/report.sarif
                 ${FL_REPORT_OUT}/empty.sarif)
add_test(NAME report_junit_schema
         COMMAND sh ${PROJECT_SOURCE_DIR}/tests/report/validate_junit.sh ${FL_SCHEMAS}/junit.xsd
                 ${FL_REPORT_OUT}/report.xml ${FL_REPORT_OUT}/empty.xml)
set_tests_properties(report_sarif_schema report_junit_schema PROPERTIES
                     FIXTURES_REQUIRED report_files LABELS report TIMEOUT 120)

# What an audit keeps per article, and that no report writer holds a copy of
# the corpus (docs/performance.md, Memory).
fl_unit_test(test_audit_memory ${PROJECT_SOURCE_DIR}/tests/unit/test_audit_memory.c fl_report)
