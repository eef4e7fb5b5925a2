-- mixed.lua: wrk script of the load test (tests/load/run). It drives every
-- service of one `secmock serve` at once from a request table.
--
-- The table (LOAD_TABLE, written by tests/load/run) is one line per entry,
-- fields separated by a tab:
--   target <name> <host> <port> <threads>   a service and how many wrk threads drive it
--   req <name> <method> <path> <body> <h1> <h2> ...
-- where a body of "-" means none and each header is "Name: value". Each wrk
-- thread is given one target in setup (its connections go to that listener)
-- and cycles through that target's requests in table order. A thread stops
-- after LOAD_QUOTA answers, so the run sends a known number of requests
-- rather than running for a time, and appends its target's name to
-- LOAD_OUT.done. done() writes, to LOAD_OUT, one line per
-- target: the name, then "status=count" pairs and "errors=n" (socket errors).

local threads = {}
local targets = {}

local function split(line)
    local f = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
        f[#f + 1] = field
    end
    return f
end

local function read_table(path)
    local ts, reqs = {}, {}
    for line in io.lines(path) do
        local f = split(line)
        if f[1] == "target" then
            ts[#ts + 1] = {name = f[2], host = f[3], port = f[4], threads = tonumber(f[5])}
        elseif f[1] == "req" then
            reqs[#reqs + 1] = f
        end
    end
    return ts, reqs
end

function setup(thread)
    if #targets == 0 then
        targets = read_table(os.getenv("LOAD_TABLE"))
        -- expand targets into one slot per thread, in order
        local slots = {}
        for _, t in ipairs(targets) do
            for _ = 1, t.threads do
                slots[#slots + 1] = t
            end
        end
        targets.slots = slots
    end
    local t = targets.slots[#threads + 1]
    if t == nil then
        error("more wrk threads than the table's targets ask for")
    end
    thread.addr = wrk.lookup(t.host, t.port)[1]
    thread:set("target", t.name)
    threads[#threads + 1] = thread
end

local requests = {}
local next_req = 1
local quota = 0
local answers = 0
local counts = {}

function init(args)
    local name = wrk.thread:get("target")
    local _, reqs = read_table(os.getenv("LOAD_TABLE"))
    for _, f in ipairs(reqs) do
        if f[2] == name then
            local headers = {}
            for i = 6, #f do
                local k, v = f[i]:match("^([^:]+): (.*)$")
                if k then
                    headers[k] = v
                end
            end
            local body = f[5]
            if body == "-" then
                body = nil
            end
            requests[#requests + 1] = wrk.format(f[3], f[4], headers, body)
        end
    end
    if #requests == 0 then
        error("no requests for target " .. name)
    end
    quota = tonumber(os.getenv("LOAD_QUOTA"))
end

function request()
    local r = requests[next_req]
    next_req = next_req % #requests + 1
    return r
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
    answers = answers + 1
    if answers == quota then
        wrk.thread:set("counts", counts)
        wrk.thread:stop()
        -- wrk's main thread sleeps for -d whatever its threads do: tell the driver, which
        -- interrupts it (SIGINT) once every thread has written its line
        local f = assert(io.open(os.getenv("LOAD_OUT") .. ".done", "a"))
        f:write(wrk.thread:get("target") .. "\n")
        f:close()
    end
end

function done(summary, latency, requests)
    local out = assert(io.open(os.getenv("LOAD_OUT"), "w"))
    local byname = {}
    local order = {}
    for _, t in ipairs(threads) do
        local name = t:get("target")
        if byname[name] == nil then
            byname[name] = {}
            order[#order + 1] = name
        end
        local c = t:get("counts") or {}
        for status, n in pairs(c) do
            byname[name][status] = (byname[name][status] or 0) + n
        end
    end
    for _, name in ipairs(order) do
        local line = name
        for status, n in pairs(byname[name]) do
            line = line .. " " .. status .. "=" .. n
        end
        out:write(line .. "\n")
    end
    local e = summary.errors
    out:write(string.format("errors connect=%d read=%d write=%d status=%d timeout=%d\n", e.connect,
        e.read, e.write, e.status, e.timeout))
    out:write(string.format("summary requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        latency.max))
    out:close()
end
