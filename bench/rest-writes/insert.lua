-- wrk script: POST a single-row INSERT (its own commit) to the D1 query endpoint.
-- Environment: ATOLL_TOKEN (bearer token).
local token = os.getenv("ATOLL_TOKEN") or ""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"sql":"INSERT INTO events(n, body) VALUES (?, ?)","params":[%d,"%s"]}', n, string.rep("x", 100))
  return wrk.format(nil, nil, nil, body)
end
