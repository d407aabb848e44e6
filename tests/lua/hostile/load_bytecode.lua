-- Hostile rule: load a binary chunk
return factlint.rule{
  id = "hostile.load_bytecode",
  summary = "sandbox escape attempt: load a binary chunk",
  check = function(article, report)
    local f = load("\27LuaT\0\25\147\13\10\26\10", "x", "b")
    if f then f() end
  end,
}
