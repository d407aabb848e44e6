-- load error: min_articles on an article rule
return factlint.rule{
  id = "load.min-articles",
  summary = "x",
  min_articles = 2,
  check = function() end,
}
