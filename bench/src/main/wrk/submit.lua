-- wrk script of bin/bench's HTTP phases: POST /api/messages (one message per request) or POST /api/messages/batch
-- (a JSON array of items) against A or the bench's HTTP bridge, which take the same requests.
--
--   wrk -t2 -c256 -d15s -s submit.lua http://127.0.0.1:PORT -- single|batch PAYLOAD_BYTES ITEMS ID_PREFIX
--
-- Every message has an id of its own (X-Ackcoord-Id, or the item's "id"): A answers 409 to an id still pending.
-- At the end it prints one line, "wrk-result {json}", that HttpPhase reads: requests, messages accepted (202 for a
-- single POST; the answer's "accepted" for a batch), refusals, wrk's error counts and its latency percentiles (µs).

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

-- Printable random characters: the payload is valid JSON text in a batch item and plain bytes in a single POST.
local function random_text(n)
  local chars = {}
  for i = 1, n do
    chars[i] = string.char(math.random(97, 122))
  end
  return table.concat(chars)
end

function init(args)
  mode = args[1]
  items = tonumber(args[3])
  prefix = args[4] .. "-" .. thread_no .. "-"
  math.randomseed(thread_no)
  -- A batch item's payload is a JSON string: its quotes count towards the payload's bytes.
  payload = mode == "batch" and random_text(math.max(0, tonumber(args[2]) - 2)) or random_text(tonumber(args[2]))
  sent = 0
  accepted = 0
  refused = 0
  single_headers = { ["Content-Type"] = "application/octet-stream" }
  batch_headers = { ["Content-Type"] = "application/json" }
end

function request()
  if mode == "single" then
    sent = sent + 1
    single_headers["X-Ackcoord-Id"] = prefix .. sent
    return wrk.format("POST", "/api/messages", single_headers, payload)
  end
  local parts = {}
  for i = 1, items do
    sent = sent + 1
    parts[i] = '{"id":"' .. prefix .. sent .. '","payload":"' .. payload .. '"}'
  end
  return wrk.format("POST", "/api/messages/batch", batch_headers, "[" .. table.concat(parts, ",") .. "]")
end

function response(status, headers, body)
  if mode == "single" then
    if status == 202 then
      accepted = accepted + 1
    else
      refused = refused + 1
    end
    return
  end
  local ok = status == 200 and tonumber(string.match(body, '"accepted":%s*(%d+)')) or 0
  accepted = accepted + ok
  refused = refused + items - ok
end

function done(summary, latency, requests)
  local total_accepted, total_refused = 0, 0
  for _, t in ipairs(threads) do
    total_accepted = total_accepted + t:get("accepted")
    total_refused = total_refused + t:get("refused")
  end
  local e = summary.errors
  io.write(string.format('wrk-result {"durationUs":%d,"requests":%d,"accepted":%d,"refused":%d,'
      .. '"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,'
      .. '"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d}\n',
      summary.duration, summary.requests, total_accepted, total_refused,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max))
end
