-- Hostile rule: keep the borrowed article handle and use it on the next article.
local saved
return factlint.rule{
  id = "hostile.kept_handle",
  summary = "sandbox escape attempt: use a stale article handle",
  check = function(article, report)
    if saved then
      local stale = saved.title
    end
    saved = article
  end,
}
