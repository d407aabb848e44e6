-- Hostile rule: reach os through load()
return factlint.rule{
  id = "hostile.load_text",
  summary = "sandbox escape attempt: reach os through load()",
  check = function(article, report)
    local f = load("os.execute(\"touch /tmp/factlint-pwned\")")
    f()
  end,
}
