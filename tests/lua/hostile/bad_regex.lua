-- Hostile rule: a pattern that does not compile
return factlint.rule{
  id = "hostile.bad_regex",
  summary = "a regex with an unclosed group",
  check = function(article, report)
    factlint.re("(unclosed")
  end,
}
