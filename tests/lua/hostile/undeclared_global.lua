-- Hostile rule: read an undeclared global
return factlint.rule{
  id = "hostile.undeclared_global",
  summary = "sandbox escape attempt: read an undeclared global",
  check = function(article, report)
    local x = undefined_helper(article)
  end,
}
