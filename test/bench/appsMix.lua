-- The apps benchmark's requests (wrk): the contract's reads and writes, drawn at random in the given proportions, on
-- rows seeded beforehand, so that every one is a 2xx that touches the database. Every thread draws from the same seed,
-- so each app is sent the same sequence. Arguments after `--`: a run id (unique across runs and apps), the mix
-- ("getUser=6,createUser=2,..."), the seeded user ids and the seeded order ids (comma-separated).
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "wrkSummary.lua")

local threads_set_up = 0
function setup(thread)
  threads_set_up = threads_set_up + 1
  thread:set("thread_number", threads_set_up)
end

local JSON = { ["Content-Type"] = "application/json" }
local run_id, user_ids, order_ids, pages
local created = 0
local draws = {}

local function numbers(list)
  local values = {}
  for value in list:gmatch("%d+") do values[#values + 1] = tonumber(value) end
  return values
end

local function pick(values) return values[math.random(#values)] end

-- An address no other request of any run or app uses: the email is unique in the shared database.
local function unique_email()
  created = created + 1
  return string.format("bench-%s-%d-%d@bench.test", run_id, thread_number, created)
end

local REQUESTS = {
  getUser = function() return wrk.format("GET", "/api/users/" .. pick(user_ids)) end,
  listUsers = function() return wrk.format("GET", "/api/users?per_page=20&page=" .. math.random(pages)) end,
  getOrder = function() return wrk.format("GET", "/api/orders/" .. pick(order_ids)) end,
  listUserOrders = function() return wrk.format("GET", "/api/orders?user_id=" .. pick(user_ids)) end,
  createUser = function()
    return wrk.format("POST", "/api/users", JSON, string.format('{"email":"%s","name":"Bench"}', unique_email()))
  end,
  renameUser = function()
    return wrk.format("PATCH", "/api/users/" .. pick(user_ids), JSON, string.format('{"name":"Bench %d"}', math.random(1e6)))
  end,
  createOrder = function()
    return wrk.format("POST", "/api/orders", JSON,
      string.format('{"user_id":%d,"item":"Bench","quantity":1,"total_cents":100}', pick(user_ids)))
  end,
}

function init(args)
  run_id, user_ids, order_ids = args[1], numbers(args[3]), numbers(args[4])
  pages = math.max(1, math.floor(#user_ids / 20))
  for name, weight in args[2]:gmatch("(%w+)=(%d+)") do
    assert(REQUESTS[name], "appsMix.lua: no request named " .. name)
    for _ = 1, tonumber(weight) do draws[#draws + 1] = REQUESTS[name] end
  end
  math.randomseed(thread_number)
end

function request()
  return pick(draws)()
end
