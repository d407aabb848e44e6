-- load error: a corpus rule with neither key() nor keys()
return factlint.rule{
  id = "load.no-key",
  summary = "x",
  scope = "corpus",
  needs = {"quote"},
  check = function() end,
}
