-- wrk script: the search page, a different query for every request (bench/search_http.py
-- writes the paths, one a line, and passes the file as the first argument). Each thread
-- counts the page cache's answers (X-Masthead-Cache) and the statuses, so the run shows that
-- no request was a cached hit. One thread (wrk -t1): with more, threads would repeat queries.
hits, misses, uncached, ok, other = 0, 0, 0, 0, 0
local paths, counter = {}, 0

init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter - 1) % #paths + 1])
end

response = function(status, headers, body)
  local cache = headers["X-Masthead-Cache"] or headers["x-masthead-cache"]  -- granian: lower case
  if cache == "hit" then hits = hits + 1
  elseif cache == "miss" then misses = misses + 1
  else uncached = uncached + 1 end
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

local threads = {}
setup = function(thread)
  threads[#threads + 1] = thread
end

done = function(summary, latency, requests)
  local h, m, u, o, x = 0, 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    u = u + thread:get("uncached")
    o = o + thread:get("ok")
    x = x + thread:get("other")
  end
  io.write(string.format("cache: hit=%d miss=%d uncached=%d status: 200=%d other=%d\n", h, m, u, o, x))
end
