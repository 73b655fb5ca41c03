-- refresh_token grant with rotation: every answer carries a new refresh token, which goes
-- back into this thread's queue; a spent token is never sent again (reuse would revoke the
-- family). Tokens come from BENCH_REFRESH_FILE (one per line), split over wrk's threads.
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  thread:set("nthreads", tonumber(os.getenv("BENCH_WRK_THREADS") or "2"))
  counter = counter + 1
end
local prefix = "grant_type=refresh_token&client_id=" .. enc(os.getenv("BENCH_APP_ID"))
  .. "&client_secret=" .. enc(os.getenv("BENCH_APP_SECRET")) .. "&refresh_token="
local tokens = {}
local head, tail = 1, 0
function init(args)
  local i = 0
  for line in io.lines(os.getenv("BENCH_REFRESH_FILE")) do
    if i % nthreads == tid then tail = tail + 1; tokens[tail] = line end
    i = i + 1
  end
end
function request()
  local t = "rt_exhausted"
  if head <= tail then t = tokens[head]; tokens[head] = nil; head = head + 1 end
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
    prefix .. t)
end
function response(status, headers, body)
  local t = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if t then tail = tail + 1; tokens[tail] = t end
end
