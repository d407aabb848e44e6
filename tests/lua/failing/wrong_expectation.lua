-- A rule whose own tests are wrong: `factlint test` must report them as failures.
return factlint.rule{
  id = "failing.wrong",
  summary = "reports every article",
  messages = {always = "always"},
  check = function(article, report)
    report{messageId = "always", span = {offset = 0, length = 1}}
  end,
  tests = {
    valid = {"This article gets a finding, so this case fails."},
    invalid = {
      {text = "Two expected, one given.", errors = {"always", "always"}},
      {text = "This one passes.", errors = {"always"}},
    },
  },
}
