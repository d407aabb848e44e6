-- Hostile rule: grow a table past the memory cap
return factlint.rule{
  id = "hostile.table_bomb",
  summary = "sandbox escape attempt: grow a table past the memory cap",
  check = function(article, report)
    local t = {}
    for i = 1, 100000 do
      t[i] = string.rep("x", 1 << 20) .. i
    end
  end,
}
