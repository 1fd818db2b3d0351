-- wrk script: members post comments through the API, each with a personal access token of
-- its own (Authorization: Bearer), JSON bodies. bench/run.py writes api_tokens.lua beside the
-- facts and passes its path and the story's comments URL as arguments.
local tokens, path, counter = nil, nil, 0

init = function(args)
  tokens = dofile(args[1])
  path = args[2]
end

request = function()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = '{"body": "Benchmark comment number ' .. counter .. ' posted through the API."}'
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
