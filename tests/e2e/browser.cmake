# The HTML review page in a real browser (tests/report/browser/): headless
# Debian chromium driven over the DevTools pipe by a standard-library Python
# script.  It checks the rendered page of `factlint check facts/examples`
# and of the report fixture against their JSON reports (counts, lazy article
# bodies, highlights, tooltips, related links, filters, j/k keys), measures
# a 2,225-article page, and saves screenshots in build/browser-report/.
# A missing chromium fails the test with a message: it never skips.
set(FL_CHROMIUM /usr/bin/chromium CACHE FILEPATH "Chromium used by the report_html_browser test")
add_test(NAME report_html_browser
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/report/browser/test_html_report.py
                 --chromium ${FL_CHROMIUM} --factlint $<TARGET_FILE:factlint>
                 --gen-reports $<TARGET_FILE:fl_gen_reports>
                 --source-dir ${PROJECT_SOURCE_DIR} --out ${PROJECT_BINARY_DIR}/browser-report
                 --big 2225)
set_tests_properties(report_html_browser PROPERTIES LABELS browser TIMEOUT 300)
# Self-test of the checks above: seven broken copies of the page (the j key
# ignored, bodies not attached, filters inert, no focus tooltip, related links
# that do not move focus, a missing finding, a highlight one character short)
# must each make at least one check fail.
add_test(NAME report_html_browser_mutants
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/report/browser/test_html_report.py
                 --chromium ${FL_CHROMIUM} --factlint $<TARGET_FILE:factlint>
                 --gen-reports $<TARGET_FILE:fl_gen_reports>
                 --source-dir ${PROJECT_SOURCE_DIR} --out ${PROJECT_BINARY_DIR}/browser-mutants
                 --mutants)
set_tests_properties(report_html_browser_mutants PROPERTIES LABELS browser TIMEOUT 300)
