-- every key the configuration file knows
return {
  rules = {"rules", "local-rules/house-style.lua"},
  no_default_rules = false,
  enable = {"money", "quote.duplicate"},
  disable = {"style"},
  severity = {["name.variant"] = "error", ["money.no-currency"] = "info"},
  options = {["number.arithmetic"] = {tolerance = 0.05, strict = true, mode = "sum"}},
  reference = {"facts/reference/rates.tsv"},
  limits = {instructions = 5000000, memory_mb = 32, reports = 50},
}
