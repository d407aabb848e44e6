-- Hostile rule: unlock the global table
return factlint.rule{
  id = "hostile.setmetatable_global",
  summary = "sandbox escape attempt: unlock the global table",
  check = function(article, report)
    setmetatable(_G, nil)
    _G.os = {}
  end,
}
