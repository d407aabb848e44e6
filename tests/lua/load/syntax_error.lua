-- load error: a syntax error
return factlint.rule{
  id = "load.syntax"
  summary = "x",
}
