-- Hostile rule: dump bytecode
return factlint.rule{
  id = "hostile.string_dump",
  summary = "sandbox escape attempt: dump bytecode",
  check = function(article, report)
    local b = string.dump(function() return 1 end)
  end,
}
