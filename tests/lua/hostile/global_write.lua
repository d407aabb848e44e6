-- Hostile rule: write a global
return factlint.rule{
  id = "hostile.global_write",
  summary = "sandbox escape attempt: write a global",
  check = function(article, report)
    leaked = article.id
  end,
}
