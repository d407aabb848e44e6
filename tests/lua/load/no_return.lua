-- load error: the file does not return its rule
factlint.rule{
  id = "load.no-return",
  summary = "x",
  check = function() end,
}
