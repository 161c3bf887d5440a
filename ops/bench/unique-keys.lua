-- wrk script for ops/bench/cache-flood.sh: every request asks for a cache key never asked before
-- (/item?id=<run>-<n>), so each one is an L1 miss, an L2 ask and a store: the flood the cache must survive.
local prefix = ""
local n = 0

function init(args)
  math.randomseed(os.time() + os.clock() * 1e6)
  prefix = string.format("%08x", math.random(0, 0x7fffffff)) .. "-"
end

function request()
  n = n + 1
  return wrk.format("GET", "/item?id=" .. prefix .. n)
end
