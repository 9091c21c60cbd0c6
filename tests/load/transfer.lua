-- wrk script of `make bench` (scripts/bench.sh): each request POSTs one two-leg transfer to the
-- {L}/transactions/json URL given to wrk, and every answer that is not 201 is counted and reported.
-- It creates nothing (bench.sh creates and funds the accounts) and judges nothing (no thresholds).
--
-- Environment (set by bench.sh):
--   BENCH_MODE        random: source and destination are two distinct random accounts 1..N
--                     hot:    source is a random account 1..N, destination is always account 0
--   BENCH_ACCOUNTS    N (aliases <prefix>1 .. <prefix>N exist, and <prefix>0 is the hot account)
--   BENCH_PREFIX      alias prefix (default "@bench-")
--   BENCH_ASSET       asset code (default USD)
--   BENCH_AMOUNT      amount of each transfer, a decimal string (default 0.01)
--   BENCH_IDEMPOTENCY 1: every request carries its own X-Idempotency key (default 0: no key)
--   BENCH_LABEL       name of this run, printed in the result line and part of idempotency keys
--
-- done() prints one line "BENCH_RESULT key=value ..." that bench.sh parses, and at most one
-- "BENCH_SAMPLE <status> <body>" line with the first non-201 answer seen.

local mode = os.getenv("BENCH_MODE") or "random"
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "200")
local prefix = os.getenv("BENCH_PREFIX") or "@bench-"
local asset = os.getenv("BENCH_ASSET") or "USD"
local amount = os.getenv("BENCH_AMOUNT") or "0.01"
local idempotency = os.getenv("BENCH_IDEMPOTENCY") == "1"
local label = os.getenv("BENCH_LABEL") or mode

if mode ~= "random" and mode ~= "hot" then
   error("BENCH_MODE must be random or hot, not " .. mode)
end
if not accounts or accounts < 2 then
   error("BENCH_ACCOUNTS must be at least 2")
end

-- The body around the two aliases; only the aliases change from one request to the next.
local amount_obj = '"amount":{"asset":"' .. asset .. '","value":"' .. amount .. '"}'
local body_head = '{"description":"bench","send":{"asset":"' .. asset .. '","value":"' .. amount ..
   '","source":{"from":[{"accountAlias":"' .. prefix
local body_mid = '",' .. amount_obj .. '}]},"distribute":{"to":[{"accountAlias":"' .. prefix
local body_tail = '",' .. amount_obj .. '}]}}}'

-- ---- setup / done environment (not the running threads) --------------------------------------

local threads = {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

-- ---- running threads ----------------------------------------------------------------------------

local headers = { ["Content-Type"] = "application/json" }
local counter = 0

function init(args)
   -- tid is set by setup() before init() runs; each thread draws its own sequence.
   math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
   ok = 0
   non201 = 0
   statuses = {}
   sample = ""
end

function request()
   local src = math.random(1, accounts)
   local dst
   if mode == "hot" then
      dst = 0
   else
      dst = math.random(1, accounts - 1)
      if dst >= src then
         dst = dst + 1
      end
   end
   if idempotency then
      counter = counter + 1
      headers["X-Idempotency"] = "bench-" .. label .. "-" .. (tid or 0) .. "-" .. counter
   end
   return wrk.format("POST", nil, headers, body_head .. src .. body_mid .. dst .. body_tail)
end

function response(status, resp_headers, body)
   if status == 201 then
      ok = ok + 1
      return
   end
   non201 = non201 + 1
   local k = tostring(status)
   statuses[k] = (statuses[k] or 0) + 1
   if sample == "" then
      sample = k .. " " .. string.sub(body or "", 1, 400)
   end
end

function done(summary, latency, requests)
   local total_ok, total_bad, by_status, first = 0, 0, {}, ""
   for _, t in ipairs(threads) do
      total_ok = total_ok + (t:get("ok") or 0)
      total_bad = total_bad + (t:get("non201") or 0)
      for k, v in pairs(t:get("statuses") or {}) do
         by_status[k] = (by_status[k] or 0) + v
      end
      local s = t:get("sample") or ""
      if first == "" then
         first = s
      end
   end
   local parts = {}
   for k, v in pairs(by_status) do
      table.insert(parts, k .. ":" .. v)
   end
   table.sort(parts)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCH_RESULT label=%s mode=%s duration_s=%.3f requests=%d ok=%d non201=%d statuses=%s " ..
      "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d tps=%.1f " ..
      "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f\n",
      label, mode, secs, summary.requests, total_ok, total_bad,
      #parts > 0 and table.concat(parts, ",") or "-",
      e.connect, e.read, e.write, e.timeout, secs > 0 and total_ok / secs or 0,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
   if first ~= "" then
      io.write("BENCH_SAMPLE " .. string.gsub(first, "\n", " ") .. "\n")
   end
end
