-- load error: a corpus rule with both key() and keys()
return factlint.rule{
  id = "load.key-and-keys",
  summary = "x",
  scope = "corpus",
  needs = {"quote"},
  check = function() end,
  key = function(f) return f.text end,
  keys = function(article, keep) end,
}
