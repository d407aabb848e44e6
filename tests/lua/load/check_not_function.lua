-- load error: check is not a function
return factlint.rule{
  id = "load.check",
  summary = "x",
  check = "nope",
}
