-- Hostile rule: reach the string metatable
return factlint.rule{
  id = "hostile.string_metatable",
  summary = "sandbox escape attempt: reach the string metatable",
  check = function(article, report)
    local mt = getmetatable("")
    mt.__index.rep = function() return "pwned" end
  end,
}
