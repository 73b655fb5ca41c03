-- password grant (scope openid offline_access: access, ID and refresh token) cycling over
-- users argon-0 .. argon-(BENCH_USERS-1), whose passwords the server hashed with Argon2id.
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local n = tonumber(os.getenv("BENCH_USERS") or "64")
local prefix = "grant_type=password&scope=openid%20offline_access&client_id="
  .. enc(os.getenv("BENCH_APP_ID")) .. "&client_secret=" .. enc(os.getenv("BENCH_APP_SECRET"))
  .. "&password=" .. enc("Bench-Passw0rd!") .. "&username=argon-"
local i = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(0, n - 1)
end
function request()
  i = (i + 1) % n
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"},
    prefix .. i .. "%40bench.test")
end
