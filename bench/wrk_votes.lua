-- wrk script for bench/run.py: signed-in members POSTing, one connection per
-- wrk thread (run it with -t equal to -c), so each thread's requests and
-- responses alternate and a thread can follow up on what it was answered.
--
-- Arguments after `--`:
--   mode=noop   POST /bench/noop/ (target=<path>): the floor, answered 204
--   mode=htmx   the vote box's htmx POST (X-CSRFToken and HX-Request headers)
--   mode=plain  the vote box's form POST without JavaScript (the CSRF token in
--               the body), then the GET of the page it redirects to, carrying
--               the message cookie it set: one vote is the two requests
--   members=<file>   one member a line: "<Cookie header value>\t<CSRF token>"
--   threads=<n>      wrk's -t, so each thread takes its own members
--   path=<path>      a vote URL (one argument each); noop posts to target=
--
-- Each thread takes its members in turn; a member does a round on one page
-- (chosen at random): up, down, withdraw, up. At the end it prints one line,
-- "RESULT {json}": wrk's counts and latency percentiles (microseconds, per
-- request), and per vote: ok (counted, changed or withdrawn), refused (the
-- rate limit), errors (anything else).

local ACCEPTED = { "your vote is counted", "Your vote was withdrawn", "You had no vote here" }
local REFUSED = "voting very quickly"
local ROUND = { "up", "down", "retract", "up" }

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  threads[#threads + 1] = thread
end

-- Per thread (each thread has its own Lua state).
ok, refused, errors, posts = 0, 0, 0, 0
local mode = "htmx"
local target = "/bench/noop/"
local members = {}
local paths = {}
local step = #ROUND
local index = 0
local member, page, choice
local pending = nil -- plain: the GET that follows the POST's redirect
local last = nil

function init(args)
  local file, n = nil, 1
  for _, arg in ipairs(args) do
    local key, value = arg:match("^(%w+)=(.*)$")
    if key == "mode" then
      mode = value
    elseif key == "members" then
      file = value
    elseif key == "threads" then
      n = tonumber(value)
    elseif key == "path" then
      paths[#paths + 1] = value
    elseif key == "target" then
      target = value
    end
  end
  local me = id or 0
  local line_no = 0
  for line in io.lines(file) do
    if line_no % n == me then
      local cookie, token = line:match("^(.-)\t(.*)$")
      members[#members + 1] = { cookie = cookie, token = token }
    end
    line_no = line_no + 1
  end
  math.randomseed(1000 + me)
  index = 0
end

local function next_vote()
  step = step + 1
  if step > #ROUND then
    step = 1
    index = (index % #members) + 1
    member = members[index]
    if #paths > 0 then
      page = paths[math.random(#paths)]
    end
  end
  choice = ROUND[step]
end

function request()
  if pending then
    last = "get"
    local headers = { Cookie = pending.cookie }
    return wrk.format("GET", pending.path, headers)
  end
  next_vote()
  last = "post"
  posts = posts + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    Cookie = member.cookie,
  }
  if mode == "plain" then
    return wrk.format(
      "POST", page, headers, "csrfmiddlewaretoken=" .. member.token .. "&vote=" .. choice
    )
  end
  headers["X-CSRFToken"] = member.token
  if mode == "noop" then
    return wrk.format("POST", target, headers, "vote=" .. choice)
  end
  headers["HX-Request"] = "true"
  return wrk.format("POST", page, headers, "vote=" .. choice)
end

local function classify(status, body)
  if status ~= 200 or body == nil then
    errors = errors + 1
    return
  end
  if body:find(REFUSED, 1, true) then
    refused = refused + 1
    return
  end
  for _, phrase in ipairs(ACCEPTED) do
    if body:find(phrase, 1, true) then
      ok = ok + 1
      return
    end
  end
  errors = errors + 1
end

function response(status, headers, body)
  if mode == "noop" then
    if status == 204 then
      ok = ok + 1
    else
      errors = errors + 1
    end
  elseif mode == "htmx" then
    classify(status, body)
  elseif last == "post" then
    local location = headers["Location"] or headers["location"]
    if status == 302 and location then
      local cookie = member.cookie
      local set = headers["Set-Cookie"] or headers["set-cookie"]
      if set then
        cookie = cookie .. "; " .. set:match("^([^;]*)")
      end
      pending = { path = location:gsub("#.*$", ""), cookie = cookie }
    else
      errors = errors + 1
    end
  else
    pending = nil
    classify(status, body)
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, refused = 0, errors = 0, posts = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
      .. '"max": %d, "mean": %.1f, "non2xx": %d, "socket_errors": %d, '
      .. '"ok": %d, "refused": %d, "vote_errors": %d, "posts": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, e.status, e.connect + e.read + e.write + e.timeout,
    t.ok, t.refused, t.errors, t.posts
  ))
end
