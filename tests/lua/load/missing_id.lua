-- load error: no id

return factlint.rule{
  summary = "x",
  check = function() end,
}
