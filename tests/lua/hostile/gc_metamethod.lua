-- Hostile rule: run code in a finaliser after the call
return factlint.rule{
  id = "hostile.gc_metamethod",
  summary = "sandbox escape attempt: run code in a finaliser after the call",
  check = function(article, report)
    setmetatable({}, {__gc = function() while true do end end})
  end,
}
