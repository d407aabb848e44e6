-- Hostile rule: a related span whose message id the rule does not define
return factlint.rule{
  id = "hostile.bad_related_message",
  summary = "report a related span with an unknown message id",
  messages = {main = "main"},
  check = function(article, report)
    report{messageId = "main", span = {offset = 0, length = 1},
           related = {{span = {offset = 0, length = 1}, messageId = "nope"}}}
  end,
}
