# Sourced by run.sh (target gateway-policies) and coldstart.sh: the HOCON of a gateway whose one route has every policy
# on. Needs RUNDIR set; callers pass the three fragments to their gateway config (node, upstream, route).
#
# - rate limit: per client address (the default key), node scope, a million per second: checked on every request,
#   never reached by one wrk client (~30k req/s);
# - circuit breaker: written out with its defaults (every upstream has one; here it is explicit);
# - active health check: GET /ping on the upstream every 5 s (nginx answers 200 to every path);
# - metrics: always on (prometheus-net counters per route and upstream; nothing to switch);
# - access log: on, sampled at 1%, to a file in RUNDIR.
policies_node_hocon() {
  local name=$1
  echo "access-log { enabled = on, sample-rate = 0.01, path = \"$RUNDIR/access-$name.log\" }"
}
POLICIES_UPSTREAM_HOCON='circuit-breaker { consecutive-failures = 5, failure-ratio = 0.5, minimum-requests = 20, window = 10s }
                  health-check { path = "/ping", interval = 5s, timeout = 2s, healthy-threshold = 2, unhealthy-threshold = 3 }'
POLICIES_ROUTE_HOCON='rate-limit { key = client-ip, algorithm = token-bucket, limit = 1000000, period = 1s, scope = node }'
