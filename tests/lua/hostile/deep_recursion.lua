-- Hostile rule: recurse without end
return factlint.rule{
  id = "hostile.deep_recursion",
  summary = "sandbox escape attempt: recurse without end",
  check = function(article, report)
    local function f(n) return 1 + f(n + 1) end
    f(1)
  end,
}
