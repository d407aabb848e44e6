-- Hostile rule: swallow a blocked error with pcall
return factlint.rule{
  id = "hostile.pcall_blocked",
  summary = "sandbox escape attempt: swallow a blocked error with pcall",
  check = function(article, report)
    local ok = pcall(function() return os end)
    report{message = "survived", span = {offset = 0, length = 1}}
  end,
}
