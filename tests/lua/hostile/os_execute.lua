-- Hostile rule: run a shell command
return factlint.rule{
  id = "hostile.os_execute",
  summary = "sandbox escape attempt: run a shell command",
  check = function(article, report)
    os.execute("touch /tmp/factlint-pwned")
  end,
}
