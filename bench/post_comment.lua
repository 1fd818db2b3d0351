-- wrk script: members post comments through the real form (session cookie, CSRF token).
-- bench/run.py writes bench_sessions.lua beside the facts and passes its path as argument.
local sessions, path, counter, acknowledged, refused = nil, nil, 0, 0, 0

init = function(args)
  sessions = dofile(args[1])
  path = args[2]
end

request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local body = "body=Benchmark+comment+number+" .. counter ..
               "+posted+through+the+form.&client_token=&csrfmiddlewaretoken=" .. s.csrf
  return wrk.format("POST", path, {
    ["Cookie"] = "sessionid=" .. s.sid .. "; csrftoken=" .. s.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

response = function(status, headers, body)
  if status == 302 then acknowledged = acknowledged + 1 else refused = refused + 1 end
end

done = function(summary, latency, requests)
  -- per-thread counters are not visible here; run.py counts comments in the database
end
