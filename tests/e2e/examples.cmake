add_test(NAME examples_findings COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/examples_test.sh
         $<TARGET_FILE:factlint> ${PROJECT_SOURCE_DIR})
set_tests_properties(examples_findings PROPERTIES LABELS e2e TIMEOUT 120)
# The default suite's own tests (valid/invalid cases carried by each rule file).
add_test(NAME rules_selftest COMMAND factlint test --no-config ${PROJECT_SOURCE_DIR}/rules
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(rules_selftest PROPERTIES LABELS e2e TIMEOUT 300)
