-- Hostile rule: more distinct patterns than the rule set shares (the rest are
-- compiled for the state alone); each must still match what it should, and
-- a bad one after them is still a regex error.
return factlint.rule{
  id = "hostile.many_regexes",
  summary = "hundreds of distinct regexes",
  check = function(article, report)
    for i = 1, 600 do
      local re = factlint.re("^x" .. i .. "$")
      assert(re:test("x" .. i) and not re:test("x" .. i .. "0"), "pattern " .. i)
      assert(factlint.re("^x" .. i .. "$") == re, "the same pattern, the same regex")
    end
    factlint.re("[")
  end,
}
