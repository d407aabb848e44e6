# factlint map | sort | reduce | merge (docs/scale.md, scripts/mapreduce) against
# a plain `factlint check` of the same JSONL corpus, with the map fanned out
# over 1 and 3 processes by GNU parallel (Debian package 'parallel').
add_test(NAME mapreduce_e2e COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/mapreduce_test.sh
         $<TARGET_FILE:factlint> ${PROJECT_SOURCE_DIR})
set_tests_properties(mapreduce_e2e PROPERTIES LABELS e2e TIMEOUT 300)
