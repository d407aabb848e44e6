# The hostile-input matrix of docs/robustness.md: each case bounded by timeout
# and an address-space limit; about three minutes on two cores.
add_test(NAME robustness_e2e COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/robustness_test.sh
         $<TARGET_FILE:factlint> ${PROJECT_SOURCE_DIR})
set_tests_properties(robustness_e2e PROPERTIES LABELS "e2e;robustness" TIMEOUT 1800)
