-- Hostile rule: patch a library table with rawset
return factlint.rule{
  id = "hostile.rawset_library",
  summary = "sandbox escape attempt: patch a library table with rawset",
  check = function(article, report)
    rawset(string, "find", function() return 1, 1 end)
  end,
}
