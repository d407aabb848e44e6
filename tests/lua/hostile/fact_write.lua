-- Hostile rule: modify a fact
return factlint.rule{
  id = "hostile.fact_write",
  summary = "sandbox escape attempt: modify a fact",
  check = function(article, report)
    for f in article:facts() do f.text = "changed" end
    error("no facts")
  end,
}
