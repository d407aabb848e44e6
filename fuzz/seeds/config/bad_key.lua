return { rulez = {"rules"}, limits = {memory_mb = -1} }
