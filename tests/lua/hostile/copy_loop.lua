-- Hostile rule: copy megabytes in a few instructions, over and over.  Each
-- pass of the loop is a handful of VM instructions but copies 3 MB, so a
-- budget of instructions alone let it run for seconds (6 GB of copying);
-- the bytes a call allocates count against its budget too.
return factlint.rule{
  id = "hostile.copy_loop",
  summary = "sandbox escape attempt: unbounded time in few instructions",
  check = function(article, report)
    local s = string.rep("ab", 1 << 19)
    for i = 1, 2000 do
      s = s:rep(2):sub(1, 1 << 20)
    end
  end,
}
