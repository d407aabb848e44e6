-- load error: bad severity
return factlint.rule{
  id = "load.bad-severity",
  summary = "x",
  severity = "fatal",
  check = function() end,
}
