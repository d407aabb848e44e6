-- load error: an unknown key
return factlint.rule{
  id = "load.unknown-key",
  summary = "x",
  chek = function() end,
  check = function() end,
}
