add_test(NAME cli_e2e COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/cli_test.sh
         $<TARGET_FILE:factlint> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli_e2e PROPERTIES LABELS e2e TIMEOUT 600)
