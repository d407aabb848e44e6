-- Hostile rule: replace the metatable of the string library
return factlint.rule{
  id = "hostile.setmetatable_string",
  summary = "sandbox escape attempt: replace the metatable of the string library",
  check = function(article, report)
    setmetatable(string, {__index = function() return "pwned" end})
  end,
}
