-- load error: a key() on an article rule
return factlint.rule{
  id = "load.key",
  summary = "x",
  check = function() end,
  key = function(f)
    return f.text
  end,
}
