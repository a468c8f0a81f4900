-- wrk-report.lua: wrk's done() hook for scripts/wrkload.sh. Prints one line:
-- "RESULT <req/s> <p50 ms> <p95 ms> <p99 ms> <non-2xx/3xx> <socket errors> <connect> <read> <write> <timeout>".
-- The Authorization header comes from the WRK_TOKEN environment variable; WRK_NOCACHE=1
-- adds Cache-Control: no-cache (the portal then answers without its answer caches).
local token = os.getenv("WRK_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if os.getenv("WRK_NOCACHE") == "1" then
  wrk.headers["Cache-Control"] = "no-cache"
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d %d %d %d %d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout))
end
