# The Lua rule runtime: sandbox, rule loader and runner, one glue file per exposed class.
list(APPEND FL_SOURCES
  engine/lua/config.c engine/lua/lua_article.c engine/lua/lua_re.c engine/lua/lua_report.c
  engine/lua/lua_rule.c engine/lua/lua_util.c engine/lua/lua_wordset.c engine/lua/ruleset.c engine/lua/ruletest.c engine/lua/sandbox.c
  engine/lua/sha256.c engine/lua/util_figures.c engine/lua/util_names.c engine/lua/util_quotes.c engine/lua/util_text.c)
