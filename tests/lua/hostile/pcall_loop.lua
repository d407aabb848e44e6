-- Hostile rule: swallow the budget error with pcall
return factlint.rule{
  id = "hostile.pcall_loop",
  summary = "sandbox escape attempt: swallow the budget error with pcall",
  check = function(article, report)
    while true do
      pcall(function() while true do end end)
    end
  end,
}
