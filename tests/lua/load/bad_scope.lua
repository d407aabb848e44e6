-- load error: bad scope
return factlint.rule{
  id = "load.bad-scope",
  summary = "x",
  scope = "world",
  check = function() end,
}
