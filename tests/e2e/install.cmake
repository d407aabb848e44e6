add_test(NAME install_layout COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/install_test.sh
         ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(install_layout PROPERTIES LABELS e2e TIMEOUT 120)
