-- Routing decisions for the nginx flavour of the migration ingress.
--
-- nginx itself never learns the weights: they live in a JSON routing file that every worker polls, so a weight change
-- is a file swap, never a reload (a reload closes idle keep-alive connections and fails requests sent on them).
local cjson = require("cjson.safe")
local balancer = require("ngx.balancer")
local resolver = require("migration_resolver")

local M = {}

local routing = nil       -- this worker's decoded routing document
local routing_text = nil  -- its raw text, to skip decoding when the file did not change
local dealt = {}          -- requests dealt per route and weight, for an exact weighted split
local cursor = {}         -- round-robin position per backend
local latency_bounds = {} -- upper bounds, in seconds, of the latency histogram's buckets (without +Inf)
local connect_timeout_ms = 1000 -- how long a failover target may take to accept a connection (proxy_connect_timeout)

local OTHER_BACKEND = { fastapi = "flask", flask = "fastapi" }
-- A retry budget counter is read only during its own second, then expires: the dictionary holds two seconds' worth.
local BUDGET_COUNTER_SECONDS = 2

local function read_file(path)
  local file = io.open(path, "rb")
  if not file then
    return nil
  end
  local text = file:read("*a")
  file:close()
  return text
end

-- "host:port" strings split once per worker: the same few replicas and peers are split on every request, in the access
-- phase and again in the balancer.
local split_servers = {}

local function host_and_port(server)
  local split = split_servers[server]
  if not split then
    local host, port = string.match(server, "^(.+):(%d+)$")
    split = { host, tonumber(port) }
    split_servers[server] = split
  end
  return split[1], split[2]
end

local function load_routing(path)
  local text = read_file(path)
  if not text or text == routing_text then
    return
  end
  local decoded, err = cjson.decode(text)
  if type(decoded) ~= "table" then
    -- Keep serving with the last good routing rather than failing requests.
    ngx.log(ngx.ERR, "migration: ignoring unreadable routing file ", path, ": ", tostring(err))
    return
  end
  routing, routing_text = decoded, text
  ngx.log(ngx.NOTICE, "migration: routing ", tostring(decoded.version), " loaded")
end

-- Keeps every replica's address fresh ahead of its expiry, so that requests find it known.
local function refresh_addresses(margin)
  if not routing then
    return
  end
  for _, servers in pairs(routing.backends) do
    for _, server in ipairs(servers) do
      resolver.refresh((host_and_port(server)), margin)
    end
  end
end

-- Answers this worker counted since it last added them to the shared dictionary that the metrics page reads:
-- pending[route][backend] = { requests = { [status] = count }, buckets = { [bucket] = count }, seconds = sum }. The
-- log phase only adds to these tables, without building a string or taking the lock of the dictionary every worker
-- shares, and the routing timer moves them into the dictionary. Building three keys and updating the dictionary per
-- request cost nginx about as much CPU as proxying the request (measured: 60-100 against 30-40 µs per request).
local pending = {}

local function pending_of(route, backend)
  local by_backend = pending[route]
  if not by_backend then
    by_backend = {}
    pending[route] = by_backend
  end
  local counts = by_backend[backend]
  if not counts then
    counts = { requests = {}, buckets = {}, seconds = 0 }
    by_backend[backend] = counts
  end
  return counts
end

-- Shared-dictionary keys: a kind, then labels, separated by tabs.
local function key(...)
  return table.concat({ ... }, "\t")
end

local function flush_pending()
  local metrics = ngx.shared.migration_metrics
  local function add(name, value)
    local _, err = metrics:incr(name, value, 0)
    if err then
      ngx.log(ngx.ERR, "migration: cannot count ", name, ": ", err)
    end
  end
  for route, by_backend in pairs(pending) do
    for backend, counts in pairs(by_backend) do
      for status, count in pairs(counts.requests) do
        add(key("requests", route, backend, status), count)
      end
      for bucket, count in pairs(counts.buckets) do
        add(key("bucket", route, backend, bucket), count)
      end
      add(key("seconds", route, backend), counts.seconds)
    end
  end
  pending = {}
end

function M.start(path, interval, bounds, connect_timeout_seconds, resolver_server)
  resolver.configure(resolver_server)
  latency_bounds = bounds
  connect_timeout_ms = connect_timeout_seconds * 1000
  load_routing(path)
  local ok, err = ngx.timer.every(interval, function(premature)
    -- Also when the worker exits (premature): its last counts still reach the page.
    flush_pending()
    if not premature then
      load_routing(path)
      refresh_addresses(2 * interval)
    end
  end)
  if not ok then
    ngx.log(ngx.ERR, "migration: cannot schedule routing reloads: ", err)
  end
end

local function contains(list, wanted)
  for _, value in ipairs(list) do
    if value == wanted then
      return true
    end
  end
  return false
end

-- First match wins, in the order of the migration map; the last route is the catch-all default.
local function match_route(uri, method)
  for _, route in ipairs(routing.routes) do
    if string.sub(uri, 1, #route.pathPrefix) == route.pathPrefix
        and (not route.methods or contains(route.methods, method)) then
      return route
    end
  end
  return nil
end

local function route_uses(route, backend)
  if backend == "fastapi" then
    return route.fastapiWeight > 0
  end
  return route.fastapiWeight < 100
end

-- Deals backends like a smooth weighted round robin: after n requests, exactly floor(n * weight / 100) went to
-- FastAPI, so the observed split matches the weight instead of wandering as random choice would.
local function deal(route)
  local key = route.id .. "@" .. route.fastapiWeight
  local n = dealt[key] or 0
  dealt[key] = n + 1
  local weight = route.fastapiWeight
  if math.floor((n + 1) * weight / 100) > math.floor(n * weight / 100) then
    return "fastapi"
  end
  return "flask"
end

local function next_server(backend)
  local servers = routing.backends[backend]
  local position = (cursor[backend] or 0) % #servers + 1
  cursor[backend] = position
  return servers[position]
end

-- The backend the override header names, when the routing has it.
local function forced_backend()
  local forced = ngx.var[routing.overrideHeaderVariable]
  if forced and routing.backends[forced] then
    return forced
  end
  return nil
end

-- A new sticky client is pinned to the backend it was dealt, also when its request fails over: a failover answers
-- for a backend that failed, it does not move the client to the other side of the split.
local function choose_backend(route)
  local forced = forced_backend()
  if forced then
    return forced
  end
  if not route.stickyCookie then
    return deal(route)
  end
  local pinned = ngx.var["cookie_" .. route.stickyCookie]
  if pinned and routing.backends[pinned] and route_uses(route, pinned) then
    return pinned
  end
  local dealt_backend = deal(route)
  ngx.var.migration_sticky_cookie = route.stickyCookie .. "=" .. dealt_backend .. "; Path=/; HttpOnly; SameSite=Lax"
  return dealt_backend
end

-- The key of the current second's request counter, built once per second rather than once per request.
local budget_second, budget_requests_key = nil, nil

local function budget_requests(second)
  if second ~= budget_second then
    budget_second, budget_requests_key = second, key("requests", second)
  end
  return budget_requests_key
end

-- The retry budget is ingress-wide: every worker counts into shared counters of the current second.
local function count_for_budget()
  ngx.shared.migration_failover_budget:incr(budget_requests(ngx.time()), 1, 0, BUDGET_COUNTER_SECONDS)
end

-- Takes one failover from the current second's budget, if it has one left: failovers may not exceed
-- floorPerSecond + share * the requests routed in that second.
local function take_from_budget(budget)
  local counters = ngx.shared.migration_failover_budget
  local second = ngx.time()
  local limit = budget.floorPerSecond + budget.share * (counters:get(budget_requests(second)) or 0)
  local failovers = key("failovers", second)
  local taken = counters:incr(failovers, 1, 0, BUDGET_COUNTER_SECONDS)
  if taken and taken <= limit then
    return true
  end
  -- Given back: the limit grows with the second's requests, and a refusal must not use up what a later one may take.
  counters:incr(failovers, -1)
  return false
end

-- "address:port" of a replica named "host:port", or nil when its host name resolves to nothing.
local function peer_of(server)
  local host, port = host_and_port(server)
  local address = resolver.address(host)
  return address and (address .. ":" .. port) or nil
end

-- access phase: pick the route, the backend and one of its replicas. A replica whose name no longer resolves is a
-- failed attempt, as nginx's own 502 for it was: the failover location decides what the request gets.
function M.route()
  if not routing then
    ngx.log(ngx.ERR, "migration: no routing loaded yet")
    return ngx.exit(ngx.HTTP_SERVICE_UNAVAILABLE)
  end
  local route = match_route(ngx.var.uri, ngx.req.get_method())
  local backend = choose_backend(route)
  ngx.var.migration_route = route.id
  ngx.var.migration_backend = backend
  local server = next_server(backend)
  ngx.var.migration_upstream = server
  if routing.failover then
    count_for_budget()
  end
  local peer = peer_of(server)
  if not peer then
    return ngx.exit(ngx.HTTP_BAD_GATEWAY)
  end
  ngx.var.migration_peer = peer
end

-- balancer phase (also of a retry on a fresh connection after a kept-alive one failed): the peer the router chose.
function M.balance()
  local peer = ngx.var.migration_peer
  local address, port = host_and_port(peer)
  local ok, err = balancer.set_current_peer(address, port)
  if not ok then
    ngx.log(ngx.ERR, "migration: cannot proxy to ", peer, ": ", err)
    return ngx.exit(ngx.ERROR)
  end
end

-- header filter: name the backend that answered and pin new sticky clients.
function M.decorate_response()
  local backend = ngx.var.migration_backend
  if routing and backend and backend ~= "" then
    ngx.header[routing.servedByHeader] = backend
  end
  local cookie = ngx.var.migration_sticky_cookie
  if cookie and cookie ~= "" then
    local existing = ngx.header["Set-Cookie"]
    if existing == nil then
      ngx.header["Set-Cookie"] = cookie
    elseif type(existing) == "table" then
      table.insert(existing, cookie)
      ngx.header["Set-Cookie"] = existing
    else
      ngx.header["Set-Cookie"] = { existing, cookie }
    end
  end
end

-- The index of the first bucket whose upper bound holds `seconds`; one past the bounds is +Inf.
local function bucket_of(seconds)
  for i, bound in ipairs(latency_bounds) do
    if seconds <= bound then
      return i
    end
  end
  return #latency_bounds + 1
end

-- The upstream times nginx recorded for this request, one per connection tried, in order ("0.004, 0.002" within one
-- proxy_pass, " : " after the redirect to the failover location); false for one without a time ("-").
local function upstream_timings()
  local timings = {}
  for timing in string.gmatch(ngx.var.upstream_response_time or "", "[^%s,:]+") do
    timings[#timings + 1] = tonumber(timing) or false
  end
  return timings
end

-- How long the backend took to answer, as nginx saw it: from connecting to it until the response's last byte
-- (the sum over the connections tried from `first` on). Both backends are timed alike, as Traefik times them: an app's
-- own histogram would leave out the time a request waits for a gunicorn thread but count the time it waits in an
-- event loop. It leaves out nginx's own wait for DNS, which re-resolves a replica's name when its cached address
-- expires: that falls on a larger share of the requests of the backend with less traffic, and would be held against
-- it. A request that never reached a backend has no upstream time: its whole time in nginx counts.
local function backend_seconds(timings, first)
  local total, found = 0, false
  for i, seconds in ipairs(timings) do
    if i >= first and seconds then
      total, found = total + seconds, true
    end
  end
  if found then
    return total
  end
  return tonumber(ngx.var.request_time) or 0
end

-- One answer of a backend, by route and status, timed by route and backend; on the metrics page after the next flush.
local function count_answer(route, backend, status, seconds)
  local counts = pending_of(route, backend)
  counts.requests[status] = (counts.requests[status] or 0) + 1
  local bucket = bucket_of(seconds)
  counts.buckets[bucket] = (counts.buckets[bucket] or 0) + 1
  counts.seconds = counts.seconds + seconds
end

-- The status nginx produced for the attempt that failed. $status is not set yet in the failover location ("000"), but
-- the upstream module kept the attempt's last status; a backend whose name did not resolve left none, and nginx
-- answers those 502.
local function failed_status()
  return tonumber(string.match(ngx.var.upstream_status or "", "(%d+)$")) or ngx.HTTP_BAD_GATEWAY
end

-- The peer ("address:port") of a server that accepts a connection now, else nil: a failover target that is gone (its
-- port closed, its name no longer resolving once its stack is destroyed) is passed over, so that the one retry is not
-- spent on it.
local function accepting_peer(server)
  local peer = peer_of(server)
  if not peer then
    return nil
  end
  local address, port = host_and_port(peer)
  local socket = ngx.socket.tcp()
  socket:settimeout(connect_timeout_ms)
  if not socket:connect(address, port) then
    return nil
  end
  socket:close()
  return peer
end

local function replica_after(servers, server)
  for i, candidate in ipairs(servers) do
    if candidate == server then
      return servers[i % #servers + 1]
    end
  end
  return servers[1]
end

local function route_by_id(id)
  for _, route in ipairs(routing.routes) do
    if route.id == id then
      return route
    end
  end
  return nil
end

-- Where a failed request is retried: the next replica of the same backend, so that a request dealt to a backend is
-- answered by it while it has a live replica, else, where the routing says so (otherBackendFallback: on a route
-- FastAPI has a share of, never at 0%), the other backend. Returns the backend, the server and its peer, or nothing
-- when no candidate accepts.
local function failover_target(route, backend, failed_server)
  local candidates = {}
  local own = routing.backends[backend] or {}
  if #own > 1 then
    candidates[#candidates + 1] = { backend, replica_after(own, failed_server) }
  end
  local other = OTHER_BACKEND[backend]
  if route and route.otherBackendFallback and routing.backends[other] then
    candidates[#candidates + 1] = { other, next_server(other) }
  end
  for _, candidate in ipairs(candidates) do
    local peer = accepting_peer(candidate[2])
    if peer then
      return candidate[1], candidate[2], peer
    end
  end
  return nil
end

-- Whether no byte of the request left nginx: its attempts never connected (refused, or timed out connecting to an
-- address that stopped answering), or there was none (a name that resolves to nothing). Such a request reached no app.
local function never_sent()
  for bytes in string.gmatch(ngx.var.upstream_bytes_sent or "", "%d+") do
    if tonumber(bytes) > 0 then
      return false
    end
  end
  return true
end

-- access phase of the failover location, where nginx sends a request it got no answer for (its own 502 or 504):
-- retry it once on another replica, or answer with the failed attempt's status. Only a request that may be sent twice
-- is retried: one of the methods the routing names (no body, no effect), or any request that never left nginx (a POST
-- dealt to a backend that just died is not lost). Never a request forced with the override header (testers must see
-- the real backend), and only within the retry budget.
function M.fail_over()
  local route, backend = ngx.var.migration_route, ngx.var.migration_backend
  local status = failed_status()
  local failover = routing.failover
  if not failover or forced_backend() or not (contains(failover.methods, ngx.req.get_method()) or never_sent()) then
    return ngx.exit(status)
  end
  local target_backend, target_server, target_peer =
    failover_target(route_by_id(route), backend, ngx.var.migration_upstream)
  if not target_backend then
    return ngx.exit(status)
  end
  local metrics = ngx.shared.migration_metrics
  if not take_from_budget(failover.budget) then
    metrics:incr(key("refused", route, backend), 1, 0)
    return ngx.exit(status)
  end
  -- The failed attempt counts as an answer of the backend that failed, as the gates see it; the log phase counts the
  -- retry's answer without the failed attempt's timings.
  local timings = upstream_timings()
  count_answer(route, backend, status, backend_seconds(timings, 1))
  metrics:incr(key("failovers", route, backend, target_backend), 1, 0)
  ngx.var.migration_timings_before_failover = tostring(#timings)
  ngx.var.migration_failed_over_from = backend
  ngx.var.migration_backend = target_backend
  ngx.var.migration_upstream = target_server
  ngx.var.migration_peer = target_peer
end

-- log phase: count the request's answer by route, backend and status, and time it by route and backend. The answer
-- of a request failed over to the other backend is not counted as that backend's: it served what the weights gave the
-- one that failed (counted there, failed, and in the failovers), and Flask's own figures stay apart from its backup work.
function M.count()
  local route = ngx.var.migration_route
  if not route or route == "" then
    return
  end
  local from = ngx.var.migration_failed_over_from
  if from ~= "" and from ~= ngx.var.migration_backend then
    return
  end
  local earlier = tonumber(ngx.var.migration_timings_before_failover) or 0
  count_answer(route, ngx.var.migration_backend, ngx.var.status, backend_seconds(upstream_timings(), earlier + 1))
end

-- The labels of a shared-dictionary key, after its kind.
local function labels_of(name)
  local labels = {}
  for label in string.gmatch(name, "[^\t]+") do
    labels[#labels + 1] = label
  end
  return table.remove(labels, 1), labels
end

local function say_counter(name, help, label_names, series)
  ngx.say("# HELP ", name, " ", help)
  ngx.say("# TYPE ", name, " counter")
  for _, sample in ipairs(series) do
    local pairs_text = {}
    for i, label_name in ipairs(label_names) do
      pairs_text[i] = string.format('%s="%s"', label_name, sample.labels[i])
    end
    ngx.say(string.format("%s{%s} %d", name, table.concat(pairs_text, ","), sample.value))
  end
end

local function say_histogram(metrics, series)
  local counts = {} -- per route and backend, the count of each bucket
  for _, sample in ipairs(series) do
    local route, backend, bucket = unpack(sample.labels)
    local labels = key(route, backend)
    counts[labels] = counts[labels] or {}
    counts[labels][tonumber(bucket)] = sample.value
  end
  ngx.say("# HELP migration_ingress_request_duration_seconds Time the backend took to answer, as the ingress saw it, by route and backend.")
  ngx.say("# TYPE migration_ingress_request_duration_seconds histogram")
  for labels, buckets in pairs(counts) do
    local route, backend = string.match(labels, "^([^\t]*)\t([^\t]*)$")
    local cumulative = 0
    for i = 1, #latency_bounds + 1 do
      cumulative = cumulative + (buckets[i] or 0)
      local le = latency_bounds[i] and string.format("%g", latency_bounds[i]) or "+Inf"
      ngx.say(string.format('migration_ingress_request_duration_seconds_bucket{route="%s",backend="%s",le="%s"} %d',
        route, backend, le, cumulative))
    end
    ngx.say(string.format('migration_ingress_request_duration_seconds_sum{route="%s",backend="%s"} %.6f',
      route, backend, metrics:get(key("seconds", route, backend)) or 0))
    ngx.say(string.format('migration_ingress_request_duration_seconds_count{route="%s",backend="%s"} %d',
      route, backend, cumulative))
  end
end

function M.metrics()
  local metrics = ngx.shared.migration_metrics
  local series = { requests = {}, bucket = {}, failovers = {}, refused = {} }
  for _, name in ipairs(metrics:get_keys(0)) do
    local kind, labels = labels_of(name)
    if series[kind] then
      table.insert(series[kind], { labels = labels, value = metrics:get(name) or 0 })
    end
  end
  ngx.header["Content-Type"] = "text/plain; version=0.0.4"
  say_counter("migration_ingress_requests_total",
    "Answers through the ingress by route, backend and status. A request that failed over counts twice: its failed "
      .. "attempt under the backend that failed, with the ingress's own 502 or 504, and its answer under the one that served it.",
    { "route", "backend", "code" }, series.requests)
  say_histogram(metrics, series.bucket)
  say_counter("migration_ingress_failovers_total",
    "Requests retried once after the ingress got no answer from the backend picked, by route, the backend that failed "
      .. "and the backend retried on (the same one for another replica).",
    { "route", "from", "to" }, series.failovers)
  say_counter("migration_ingress_failovers_refused_total",
    "Failovers the retry budget refused, by route and the backend that failed: those requests got its error.",
    { "route", "from" }, series.refused)
end

return M
