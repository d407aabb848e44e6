-- Hostile rule: a Lua pattern that backtracks for hours inside C, where the
-- instruction hook cannot reach (string.find/match/gmatch/gsub)
return factlint.rule{
  id = "hostile.lua_pattern",
  summary = "sandbox escape attempt: catastrophic Lua pattern",
  check = function(article, report)
    local s = string.rep("a", 200000)
    s:find("a*a*a*a*b")
  end,
}
