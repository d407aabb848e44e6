-- load error: min_facts must be a positive integer
return factlint.rule{
  id = "load.bad-min-facts",
  summary = "x",
  scope = "corpus",
  needs = { "money" },
  min_facts = 1.5,
  key = function(f) return f.text end,
  check = function() end,
}
