-- Hostile rule: remove the instruction hook
return factlint.rule{
  id = "hostile.debug_sethook",
  summary = "sandbox escape attempt: remove the instruction hook",
  check = function(article, report)
    debug.sethook()
  end,
}
