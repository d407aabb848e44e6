-- Hostile rule: run code in a coroutine to escape the hook
return factlint.rule{
  id = "hostile.coroutine",
  summary = "sandbox escape attempt: run code in a coroutine to escape the hook",
  check = function(article, report)
    local co = coroutine.wrap(function() while true do end end)
    co()
  end,
}
