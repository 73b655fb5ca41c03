-- client_credentials grant, client_secret_post, for the API named by BENCH_AUDIENCE
-- (its signing_alg decides RS256 or ES256). One signed access token per request.
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. enc(os.getenv("BENCH_CC_ID"))
  .. "&client_secret=" .. enc(os.getenv("BENCH_CC_SECRET"))
  .. "&audience=" .. enc(os.getenv("BENCH_AUDIENCE"))
