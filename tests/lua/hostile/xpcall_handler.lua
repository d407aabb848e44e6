-- Hostile rule: loop in an xpcall message handler
return factlint.rule{
  id = "hostile.xpcall_handler",
  summary = "sandbox escape attempt: loop in an xpcall message handler",
  check = function(article, report)
    for _ = 1, 1000000 do
      xpcall(function() error("boom") end, function(e) while true do end end)
    end
    report{message = "survived", span = {offset = 0, length = 1}}
  end,
}
