-- Routing decisions for the nginx flavour of the migration ingress.
--
-- nginx itself never learns the weights: they live in a JSON routing file that every worker polls, so a weight change
-- is a file swap, never a reload (a reload closes idle keep-alive connections and fails requests sent on them).
local cjson = require("cjson.safe")

local M = {}

local routing = nil       -- this worker's decoded routing document
local routing_text = nil  -- its raw text, to skip decoding when the file did not change
local dealt = {}          -- requests dealt per route and weight, for an exact weighted split
local cursor = {}         -- round-robin position per backend
local latency_bounds = {} -- upper bounds, in seconds, of the latency histogram's buckets (without +Inf)

local function read_file(path)
  local file = io.open(path, "rb")
  if not file then
    return nil
  end
  local text = file:read("*a")
  file:close()
  return text
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

function M.start(path, interval, bounds)
  latency_bounds = bounds
  load_routing(path)
  local ok, err = ngx.timer.every(interval, function(premature)
    if not premature then
      load_routing(path)
    end
  end)
  if not ok then
    ngx.log(ngx.ERR, "migration: cannot schedule routing reloads: ", err)
  end
end

local function allows_method(route, method)
  if not route.methods then
    return true
  end
  for _, allowed in ipairs(route.methods) do
    if allowed == method then
      return true
    end
  end
  return false
end

-- First match wins, in the order of the migration map; the last route is the catch-all default.
local function match_route(uri, method)
  for _, route in ipairs(routing.routes) do
    if string.sub(uri, 1, #route.pathPrefix) == route.pathPrefix and allows_method(route, method) then
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

local function choose_backend(route)
  local forced = ngx.var[routing.overrideHeaderVariable]
  if forced and routing.backends[forced] then
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
  ngx.ctx.sticky_cookie = route.stickyCookie .. "=" .. dealt_backend .. "; Path=/; HttpOnly; SameSite=Lax"
  return dealt_backend
end

-- access phase: pick the route, the backend and one of its replicas.
function M.route()
  if not routing then
    ngx.log(ngx.ERR, "migration: no routing loaded yet")
    return ngx.exit(ngx.HTTP_SERVICE_UNAVAILABLE)
  end
  local route = match_route(ngx.var.uri, ngx.req.get_method())
  local backend = choose_backend(route)
  ngx.var.migration_route = route.id
  ngx.var.migration_backend = backend
  ngx.var.migration_upstream = next_server(backend)
end

-- header filter: name the backend that answered and pin new sticky clients.
function M.decorate_response()
  local backend = ngx.var.migration_backend
  if routing and backend and backend ~= "" then
    ngx.header[routing.servedByHeader] = backend
  end
  local cookie = ngx.ctx.sticky_cookie
  if cookie then
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

-- Shared-dictionary keys: "requests", "bucket" and "seconds" series, their labels separated by tabs.
local function key(...)
  return table.concat({ ... }, "\t")
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

-- How long the backend took to answer, as nginx saw it: from connecting to it until the response's last byte
-- (the sum over the backends tried, "0.004, 0.002"). Both backends are timed alike, as Traefik times them: an app's
-- own histogram would leave out the time a request waits for a gunicorn thread but count the time it waits in an
-- event loop. It leaves out nginx's own wait for DNS, which re-resolves a replica's name when its cached address
-- expires: that falls on a larger share of the requests of the backend with less traffic, and would be held against
-- it. A request that never reached a backend has no upstream time: its whole time in nginx counts.
local function backend_seconds()
  local total, found = 0, false
  for seconds in string.gmatch(ngx.var.upstream_response_time or "", "[%d.]+") do
    total, found = total + tonumber(seconds), true
  end
  if found then
    return total
  end
  return tonumber(ngx.var.request_time) or 0
end

-- log phase: count every request by route, backend and status, and time it by route and backend.
function M.count()
  local route = ngx.var.migration_route
  if not route or route == "" then
    return
  end
  local backend = ngx.var.migration_backend
  local metrics = ngx.shared.migration_metrics
  metrics:incr(key("requests", route, backend, ngx.var.status), 1, 0)
  local seconds = backend_seconds()
  metrics:incr(key("bucket", route, backend, bucket_of(seconds)), 1, 0)
  metrics:incr(key("seconds", route, backend), seconds, 0)
end

local function say_histogram(metrics, series)
  ngx.say("# HELP migration_ingress_request_duration_seconds Time the backend took to answer, as the ingress saw it, by route and backend.")
  ngx.say("# TYPE migration_ingress_request_duration_seconds histogram")
  for labels, counts in pairs(series) do
    local route, backend = string.match(labels, "^([^\t]*)\t([^\t]*)$")
    local cumulative = 0
    for i = 1, #latency_bounds + 1 do
      cumulative = cumulative + (counts[i] or 0)
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
  local histograms = {}
  ngx.header["Content-Type"] = "text/plain; version=0.0.4"
  ngx.say("# HELP migration_ingress_requests_total Requests answered through the ingress by route, backend and status.")
  ngx.say("# TYPE migration_ingress_requests_total counter")
  for _, name in ipairs(metrics:get_keys(0)) do
    local kind, route, backend, last = string.match(name, "^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if kind == "requests" then
      ngx.say(string.format('migration_ingress_requests_total{route="%s",backend="%s",code="%s"} %d',
        route, backend, last, metrics:get(name) or 0))
    elseif kind == "bucket" then
      local labels = key(route, backend)
      histograms[labels] = histograms[labels] or {}
      histograms[labels][tonumber(last)] = metrics:get(name) or 0
    end
  end
  say_histogram(metrics, histograms)
end

return M
