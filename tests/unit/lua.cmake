# engine/lua: sandbox, rule loading, article and corpus runs, rule tests, config.
fl_unit_test(test_lua ${PROJECT_SOURCE_DIR}/tests/unit/test_lua.c fl_lua)

# docs/lua-api.md is generated from the /*** doc blocks of engine/lua; this test fails
# when a function registered to Lua has no doc block or the file is stale.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  add_test(NAME lua_api_docs
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/lua/lua_api_docs.py
                   ${PROJECT_SOURCE_DIR} --check)
  set_tests_properties(lua_api_docs PROPERTIES LABELS unit)
endif()
