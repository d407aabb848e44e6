return { enable = {string.rep("x", 1000)}, severity = {[""] = "warning"}, options = {a = 1} }
