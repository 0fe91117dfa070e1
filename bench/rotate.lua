-- wrk script: cycle through the request paths listed (one a line) in the file given after `--`,
-- and print the results as one JSON line starting with WRKJSON (latencies in microseconds).
-- Each wrk thread starts at a different offset so threads do not move in lockstep.

local paths = {}
local counter = 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  counter = (tonumber(wrk.thread:get("offset")) or 0) % #paths
end

local thread_no = 0
function setup(thread)
  thread:set("offset", tostring(thread_no * 7919))
  thread_no = thread_no + 1
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
