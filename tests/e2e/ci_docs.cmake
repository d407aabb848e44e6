# docs/ci.md tried on facts/examples: runs the 'factlint check' commands read
# out of docs/examples/ (GitHub Actions, GitLab CI, pre-commit), validates the
# SARIF and JUnit they write against FL_SCHEMAS (tests/CMakeLists.txt), and checks the exit
# status, baseline and inline-suppression behaviour the page promises.
add_test(NAME ci_docs
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/ci_docs_test.sh $<TARGET_FILE:factlint>
                 ${PROJECT_SOURCE_DIR} ${FL_SCHEMAS})
set_tests_properties(ci_docs PROPERTIES LABELS e2e TIMEOUT 300)
