# engine/lua: sandbox, rule loading, article and corpus runs, rule tests, config.
fl_unit_test(test_lua ${PROJECT_SOURCE_DIR}/tests/unit/test_lua.c fl_lua)
