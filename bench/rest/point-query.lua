-- wrk script: POST a D1 point query for a random id of the 100k-row table.
-- Environment: ATOLL_TOKEN (bearer token), ROWS (id range).
local token = os.getenv("ATOLL_TOKEN") or ""
local rows = tonumber(os.getenv("ROWS") or "100000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
math.randomseed(os.time())
request = function()
  local body = string.format('{"sql":"SELECT id, name, email, score FROM users WHERE id = ?","params":[%d]}', math.random(1, rows))
  return wrk.format(nil, nil, nil, body)
end
