-- Host names to IPv4 addresses, for the nginx flavour's balancer.
--
-- nginx keeps connections to the replicas alive only through an upstream block, and an upstream block whose peers the
-- Lua router chooses (balancer_by_lua) takes IP addresses, never names. nginx's own resolver is not open to Lua, and
-- Debian packages no Lua DNS client (no lua-resty-dns), so this asks the DNS server the ingress is given (Docker's
-- embedded one) with one A query over a non-blocking UDP socket, and keeps each answer a short while.
local M = {}

-- How long an address is kept: what nginx's own resolver kept them before (valid=10s). A replica that comes back under
-- a new address is reached again within this time; until then, failover covers it.
local KEEP_SECONDS = 10
-- How soon a name is asked about again when it has no address, or its DNS server gave no readable answer: a backend
-- deployed after the ingress (Flask, by the legacy stack) must be reached as soon as it runs, not up to KEEP_SECONDS
-- later, when requests forced to it with the override header (which never fail over) would still get 502.
local RETRY_SECONDS = 1
local QUERY_TIMEOUT_MS = 1000
local TYPE_A, CLASS_IN = 1, 1

local server_host, server_port = nil, 53
local answers = {} -- host name -> { address = "10.0.0.5" or false, expires = ngx.now() seconds }

-- `server` is "address" or "address:port" (as nginx's resolver directive takes it); nil when every backend is an IP.
function M.configure(server)
  if not server then
    return
  end
  local host, port = string.match(server, "^([^:]+):(%d+)$")
  server_host, server_port = host or server, tonumber(port) or 53
end

local function is_ipv4(host)
  return string.match(host, "^%d+%.%d+%.%d+%.%d+$") ~= nil
end

local function u16(value)
  return string.char(math.floor(value / 256) % 256, value % 256)
end

local function query_packet(id, name)
  local labels = {}
  for label in string.gmatch(name, "[^.]+") do
    labels[#labels + 1] = string.char(#label) .. label
  end
  -- id, flags (recursion desired), one question, no other records; the name; type A, class IN
  return u16(id) .. u16(0x0100) .. u16(1) .. u16(0) .. u16(0) .. u16(0)
    .. table.concat(labels) .. "\0" .. u16(TYPE_A) .. u16(CLASS_IN)
end

local function read_u16(packet, at)
  local high, low = string.byte(packet, at, at + 1)
  return high * 256 + low
end

-- The position just past the name that starts at `at`: labels up to a zero byte, or a two-byte compression pointer.
local function skip_name(packet, at)
  while true do
    local length = string.byte(packet, at)
    if not length then
      return nil
    end
    if length >= 0xC0 then
      return at + 2
    end
    if length == 0 then
      return at + 1
    end
    at = at + 1 + length
  end
end

-- The first A record of an answer to query `id`: the address; false and why for a name that does not exist or has no
-- A record; nil for an answer that cannot be read.
local function first_address(packet, id)
  if #packet < 12 or read_u16(packet, 1) ~= id then
    return nil
  end
  local rcode = read_u16(packet, 3) % 16
  if rcode == 3 then
    return false, "no such name" -- what Docker answers for the replicas of a destroyed stack
  end
  if rcode ~= 0 then
    return nil
  end
  local at = skip_name(packet, 13)
  if not at then
    return nil
  end
  at = at + 4 -- the question's type and class
  for _ = 1, read_u16(packet, 7) do
    at = skip_name(packet, at)
    if not at or at + 10 > #packet then
      return nil
    end
    local record_type, length = read_u16(packet, at), read_u16(packet, at + 8)
    at = at + 10
    if at + length - 1 > #packet then
      return nil
    end
    if record_type == TYPE_A and length == 4 then
      return table.concat({ string.byte(packet, at, at + 3) }, ".")
    end
    at = at + length
  end
  return false, "no A record"
end

-- One A query: the address; false and why when the name has none; nil and why when no readable answer came.
local function ask(name)
  local socket = ngx.socket.udp()
  socket:settimeout(QUERY_TIMEOUT_MS)
  local ok, err = socket:setpeername(server_host, server_port)
  if not ok then
    return nil, err
  end
  local id = math.random(0, 65535)
  ok, err = socket:send(query_packet(id, name))
  if not ok then
    socket:close()
    return nil, err
  end
  local packet
  packet, err = socket:receive()
  socket:close()
  if not packet then
    return nil, err
  end
  local address, why = first_address(packet, id)
  if address == nil then
    return nil, "an answer that could not be read"
  end
  return address, why
end

-- Asks the DNS server about `host` and keeps the answer; returns the address, or nil.
local function look_up(host, answer)
  if not server_host then
    return nil
  end
  local now = ngx.now()
  local address, why = ask(host)
  local keep = KEEP_SECONDS
  if address == nil then
    ngx.log(ngx.WARN, "migration: cannot resolve ", host, ": ", tostring(why))
    -- A DNS server that did not answer says nothing about the replica: keep what was known, and ask again soon.
    address, keep = answer and answer.address or false, RETRY_SECONDS
  elseif not address then
    keep = RETRY_SECONDS
    -- Once per change: a decommissioned Flask stays in the routing as the backup, and is asked about all along.
    if not (answer and answer.address == false) then
      ngx.log(ngx.WARN, "migration: ", host, " has no address (", why, ")")
    end
  end
  answers[host] = { address = address, expires = now + keep }
  return address or nil
end

-- The IPv4 address of `host`, or nil when it has none (or none could be learned and none was known). Asks the DNS
-- server when no answer is kept, so it is called only where nginx lets Lua wait on a socket (the access phase, timers),
-- never from the balancer.
function M.address(host)
  if is_ipv4(host) then
    return host
  end
  local answer = answers[host]
  if answer and answer.expires > ngx.now() then
    return answer.address or nil
  end
  return look_up(host, answer)
end

-- Asks again about `host` when its answer expires within `margin` seconds: called from a timer, so that a request
-- seldom waits on the DNS server.
function M.refresh(host, margin)
  local answer = answers[host]
  if is_ipv4(host) or (answer and answer.expires - ngx.now() > margin) then
    return
  end
  look_up(host, answer)
end

return M
