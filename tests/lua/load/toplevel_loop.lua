-- load error: a loop at load time
while true do end
