-- Hostile rule: swallow the memory error with pcall
return factlint.rule{
  id = "hostile.memory_pcall",
  summary = "sandbox escape attempt: swallow the memory error with pcall",
  check = function(article, report)
    pcall(function()
      local t = {}
      for i = 1, 100000 do t[i] = string.rep("y", 1 << 20) .. i end
    end)
    report{message = "survived", span = {offset = 0, length = 1}}
  end,
}
