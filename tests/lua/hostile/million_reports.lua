-- Hostile rule: flood the report with a million findings
return factlint.rule{
  id = "hostile.million_reports",
  summary = "sandbox escape attempt: flood the report with a million findings",
  check = function(article, report)
    for i = 1, 1000000 do
      report{message = "again", span = {offset = 0, length = 1}}
    end
  end,
}
