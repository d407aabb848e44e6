-- Hostile rule: report an unknown message id
return factlint.rule{
  id = "hostile.bad_placeholder",
  summary = "sandbox escape attempt: report an unknown message id",
  check = function(article, report)
    report{message = "x", messageId = "nope", span = {offset = 0, length = 1}}
  end,
}
