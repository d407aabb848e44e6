-- Hostile rule: loop forever
return factlint.rule{
  id = "hostile.infinite_loop",
  summary = "sandbox escape attempt: loop forever",
  check = function(article, report)
    while true do end
  end,
}
