-- Hostile rule: load a module
return factlint.rule{
  id = "hostile.require",
  summary = "sandbox escape attempt: load a module",
  check = function(article, report)
    local os = require("os")
  end,
}
