-- Hostile rule: allocate a huge string in C
return factlint.rule{
  id = "hostile.rep_bomb",
  summary = "sandbox escape attempt: allocate a huge string in C",
  check = function(article, report)
    local s = string.rep("x", 1 << 40)
  end,
}
