-- Hostile rule: control the collector
return factlint.rule{
  id = "hostile.collectgarbage",
  summary = "sandbox escape attempt: control the collector",
  check = function(article, report)
    collectgarbage("stop")
  end,
}
