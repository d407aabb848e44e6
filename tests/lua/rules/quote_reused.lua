-- A corpus-scope rule: the same quote attributed to different speakers in
-- different articles.  key() groups quotes by their normalised text; check()
-- sees every quote with that text, across the corpus, in article order.
return factlint.rule{
  id = "quote.reused",
  summary = "The same quote is attributed to different speakers",
  severity = "warning",
  scope = "corpus",
  tags = {"quotes", "example"},
  needs = {"quote"},
  messages = {
    speakers = "this quote is attributed to {{speaker}} here but to {{other}} elsewhere",
  },
  options = {min_length = 20},
  key = function(quote)
    if quote.speaker == nil or #quote.text < 20 then
      return nil
    end
    return factlint.util.normalise(quote.text)
  end,
  check = function(key, quotes, report, options)
    if #key < options.min_length then
      return
    end
    local first = quotes[1]
    for i = 2, #quotes do
      local q = quotes[i]
      if q.speaker ~= first.speaker then
        report{messageId = "speakers", data = {speaker = q.speaker, other = first.speaker},
               fact = q, related = {{fact = first, message = "attributed to " .. first.speaker}}}
      end
    end
  end,
  tests = {
    valid = {
      {articles = {"“We will build the new bridge by spring,” said Ana Ruiz.",
                   "“We will build the new bridge by spring,” said Ana Ruiz."}},
    },
    invalid = {
      {articles = {"“We will build the new bridge by spring,” said Ana Ruiz.",
                   "“We will build the new bridge by spring,” said Tom Obi."},
       errors = {"speakers"}},
      {articles = {"“We will build the new bridge by spring,” said Ana Ruiz.",
                   "“We will build the new bridge by spring,” said Tom Obi."},
       options = {min_length = 1000}, errors = 0},
    },
  },
}
