-- wrk script: POST a D1 point query for a random id of the users table.
-- Environment: ATOLL_TOKEN (bearer token), ROWS (id range), ID_PARAM=string to send the id as a JSON string
-- ("42", as the D1 REST API's params are documented) rather than a number; DBS_FILE: a file of query paths, one a line
-- (…/database/{uuid}/query), each request going to a random one of them (many databases) instead of the URL's path.
local token = os.getenv("ATOLL_TOKEN") or ""
local rows = tonumber(os.getenv("ROWS") or "100000")
local format = os.getenv("ID_PARAM") == "string"
  and '{"sql":"SELECT id, name, email, score FROM users WHERE id = ?","params":["%d"]}'
  or '{"sql":"SELECT id, name, email, score FROM users WHERE id = ?","params":[%d]}'
local paths = {}
local file = os.getenv("DBS_FILE")
if file and file ~= "" then
  for line in io.lines(file) do if line ~= "" then paths[#paths + 1] = line end end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
math.randomseed(os.time())
request = function()
  local body = string.format(format, math.random(1, rows))
  if #paths > 0 then return wrk.format(nil, paths[math.random(1, #paths)], nil, body) end
  return wrk.format(nil, nil, nil, body)
end
