-- load error: a keys() on an article rule
return factlint.rule{
  id = "load.keys",
  summary = "x",
  check = function() end,
  keys = function(article, keep)
    keep(1, "x")
  end,
}
