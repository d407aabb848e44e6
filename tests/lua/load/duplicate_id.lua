-- load error: the id of tests/lua/rules/style_very_unique.lua
return factlint.rule{
  id = "style.very-unique",
  summary = "x",
  check = function() end,
}
