-- Hostile rule: assign into a library table
return factlint.rule{
  id = "hostile.library_write",
  summary = "sandbox escape attempt: assign into a library table",
  check = function(article, report)
    string.find = function() return 1, 1 end
  end,
}
