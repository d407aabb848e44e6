-- load error: os at load time
local x = os.time()
