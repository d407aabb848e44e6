-- Hostile rule: report a span outside the text
return factlint.rule{
  id = "hostile.bad_span",
  summary = "sandbox escape attempt: report a span outside the text",
  check = function(article, report)
    report{message = "x", span = {offset = 1000000, length = 4}}
  end,
}
