-- wrk script: POST a D1 point query for a random id of the 100k-row table.
-- Environment: ATOLL_TOKEN (bearer token), ROWS (id range), ID_PARAM=string to send the id as a JSON string
-- ("42", as the D1 REST API's params are documented) rather than a number.
local token = os.getenv("ATOLL_TOKEN") or ""
local rows = tonumber(os.getenv("ROWS") or "100000")
local format = os.getenv("ID_PARAM") == "string"
  and '{"sql":"SELECT id, name, email, score FROM users WHERE id = ?","params":["%d"]}'
  or '{"sql":"SELECT id, name, email, score FROM users WHERE id = ?","params":[%d]}'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
math.randomseed(os.time())
request = function()
  return wrk.format(nil, nil, nil, string.format(format, math.random(1, rows)))
end
