# Extraction accuracy against the hand-annotated gold set (tests/gold/README.md):
# runs 'factlint extract' on tests/gold/articles and fails when a kind's F1 is
# below its threshold (tests/gold/score.py).  gold_scorer checks the scorer
# itself on the gold set converted to extractor output.
add_test(NAME gold_accuracy
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/gold/score.py
                 --factlint $<TARGET_FILE:factlint> --gold ${PROJECT_SOURCE_DIR}/tests/gold)
set_tests_properties(gold_accuracy PROPERTIES LABELS e2e TIMEOUT 300)
add_test(NAME gold_scorer
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/gold/score.py --self-test
                 --gold ${PROJECT_SOURCE_DIR}/tests/gold)
set_tests_properties(gold_scorer PROPERTIES LABELS e2e TIMEOUT 120)
