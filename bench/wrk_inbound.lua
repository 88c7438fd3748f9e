-- wrk script for bench/inbound_whatsapp.py: POST pre-signed Twilio webhooks, each once.
--
--   wrk -t T -c C -d Ds -s bench/wrk_inbound.lua URL -- MESSAGES_FILE T
--
-- MESSAGES_FILE holds one webhook a line: the X-Twilio-Signature, a tab, the form body
-- (urlencoded). Thread k of T sends lines k, k+T, k+2T, ... in turn; should a thread run out
-- it starts over and counts a wrap (the bench reports them: a repeat is a duplicate the bot
-- answers from its ledger, cheaper than a new message). At the end one line is printed:
-- WRKJSON {...} with the requests, the duration and the latency percentiles in microseconds.

local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    local path, every = args[1], tonumber(args[2])
    messages = {}
    wraps = 0
    local i = 0
    for line in io.lines(path) do
        if i % every == id then
            local signature, body = line:match("^([^\t]*)\t(.*)$")
            messages[#messages + 1] = wrk.format("POST", nil, {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["X-Twilio-Signature"] = signature,
            }, body)
        end
        i = i + 1
    end
    position = 0
end

function request()
    position = position + 1
    if position > #messages then
        position = 1
        wraps = wraps + 1
    end
    return messages[position]
end

function done(summary, latency, requests)
    local wrapped = 0
    for _, thread in ipairs(threads) do
        wrapped = wrapped + thread:get("wraps")
    end
    local e = summary.errors
    io.write(string.format(
        'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
        '"status": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "wraps": %d}\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        e.status, e.connect, e.read, e.write, e.timeout, wrapped))
end
