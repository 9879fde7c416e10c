-- wrk script: POST a D1 database create with a name no other request of the run uses.
-- Environment: ATOLL_TOKEN (bearer token), PREFIX (distinct per run, so runs on one server do not collide).
local token = os.getenv("ATOLL_TOKEN") or ""
local prefix = os.getenv("PREFIX") or tostring(os.time())
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"name":"%s-%d"}', prefix, n))
end
