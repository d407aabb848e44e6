-- An article-scope rule over facts: amounts of money that name no currency.
return factlint.rule{
  id = "money.no-currency",
  summary = "An amount of money states no currency",
  severity = "warning",
  scope = "article",
  tags = {"money", "example"},
  needs = {"money"},
  messages = {
    missing = "{{text}} has no currency",
  },
  options = {min_value = 0},
  check = function(article, report, options)
    for m in article:facts("money") do
      if m.currency == nil and (m.value or 0) >= options.min_value then
        report{messageId = "missing", data = {text = m.text}, fact = m}
      end
    end
  end,
  tests = {
    valid = {"The budget was cut."},
  },
}
