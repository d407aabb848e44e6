# Representative CLI runs under valgrind memcheck: zero errors, zero leaks.
# Slow (valgrind); run with `ctest -L memcheck`.
add_test(NAME memcheck_e2e COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/memcheck_test.sh
         $<TARGET_FILE:factlint> ${PROJECT_SOURCE_DIR})
set_tests_properties(memcheck_e2e PROPERTIES LABELS memcheck TIMEOUT 3600)
