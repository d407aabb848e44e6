-- An article-scope rule that matches text with a regex and reports spans.
local very = factlint.re([[\bvery (unique|unprecedented)\b]], "i")

return factlint.rule{
  id = "style.very-unique",
  summary = "'unique' and 'unprecedented' do not take 'very'",
  severity = "info",
  tags = {"style", "example"},
  url = "https://example.org/rules/style.very-unique",
  messages = {
    absolute = "'{{word}}' is absolute: drop 'very'",
  },
  check = function(article, report)
    local text = article:text()
    for first, last, word in very:gmatch(text) do
      if not article:is_boilerplate(first - 1) then
        report{messageId = "absolute", data = {word = word:lower()},
               span = {offset = first - 1, length = last - first + 1}}
      end
    end
  end,
  tests = {
    valid = {
      "The museum said the collection was unique in Europe.",
      {text = "Its design is very unusual, the architect said."},
    },
    invalid = {
      {text = "The council called the scheme very unique.", errors = {"absolute"}},
      {text = "A very unique plan.\n\nA Very Unprecedented move.",
       errors = {{messageId = "absolute", line = 1}, {messageId = "absolute", line = 3}}},
    },
  },
}
