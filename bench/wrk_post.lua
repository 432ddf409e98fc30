-- wrk script of `make bench`: POST one JSON body with the bench's API key, then print the
-- run's figures as one JSON line (prefixed BENCH_JSON) for bench/wrk_runner.py to read.
-- Usage: wrk -s bench/wrk_post.lua <url> -- <body.json> <api key>

function init(args)
   local file = assert(io.open(args[1], "rb"))
   wrk.method = "POST"
   wrk.body = file:read("*a")
   file:close()
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["x-api-key"] = args[2]
end

function done(summary, latency, requests)
   local errors = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "seconds": %.6f, "requests_per_second": %.3f, '
         .. '"p50_ms": %.4f, "p90_ms": %.4f, "p99_ms": %.4f, "max_ms": %.4f, '
         .. '"non_2xx": %d, "socket_errors": %d}\n',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
