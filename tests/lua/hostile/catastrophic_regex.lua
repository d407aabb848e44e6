-- Hostile rule: catastrophic backtracking
return factlint.rule{
  id = "hostile.catastrophic_regex",
  summary = "sandbox escape attempt: catastrophic backtracking",
  check = function(article, report)
    local re = factlint.re("(a+)+$")
    re:test(string.rep("a", 40) .. "b")
  end,
}
