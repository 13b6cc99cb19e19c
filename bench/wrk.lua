-- wrk script for bench/run.py.
--
-- Arguments after `--`: "cookie=<Cookie header value>" (one per member; each
-- request takes the next) and "path=<path>" (requests cycle through them).
-- Without either, wrk's own request is sent. At the end it prints one line,
-- "RESULT {json}", with the counts and latency percentiles in microseconds.

local cookies = {}
local paths = {}
local counter = 0

function init(args)
  for _, arg in ipairs(args) do
    if arg:sub(1, 7) == "cookie=" then
      cookies[#cookies + 1] = arg:sub(8)
    elseif arg:sub(1, 5) == "path=" then
      paths[#paths + 1] = arg:sub(6)
    end
  end
  -- Threads start at different places in the lists.
  counter = math.random(1, 1000)
end

function request()
  if #cookies == 0 and #paths == 0 then
    return wrk.request()
  end
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if #cookies > 0 then
    headers["Cookie"] = cookies[(counter % #cookies) + 1]
  end
  local path = nil
  if #paths > 0 then
    path = paths[(counter % #paths) + 1]
  end
  return wrk.format(nil, path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
      .. '"max": %d, "mean": %.1f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, e.status, e.connect + e.read + e.write + e.timeout
  ))
end
