-- Hostile rule: read a file
return factlint.rule{
  id = "hostile.io_open",
  summary = "sandbox escape attempt: read a file",
  check = function(article, report)
    local f = io.open("/etc/passwd")
  end,
}
