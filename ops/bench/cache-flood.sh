#!/usr/bin/env bash
# Miss-path flood: wrk sends /item?id=<unique> to a cached catch-all route, so every request is a new cache key
# (an L1 miss, one L2 ask, a store in L1 and L2). Reports the gateway's RSS before and after the run, its peak, what
# /admin/cache says, and the requests per second. The point: RSS growth stays within l1-size-limit + l2.size-limit
# plus a fixed overhead, however many keys arrive (README, "Response caching").
#
# Environment (all optional):
#   DURATION=40          seconds of wrk load
#   CONNECTIONS=64       wrk connections (one wrk thread)
#   L1_LIMIT=16MiB L2_LIMIT=16MiB   gateway.cache.l1-size-limit and gateway.cache.l2.size-limit
#   MAX_ENTRIES=""       if set, gateway.cache.l1-max-entries and l2.max-entries
#   WARMUP=5             seconds of the same flood before "before" is read (JIT, pools, first compactions)
#   GATEWAY_DLL=...      the gateway to run (default: this checkout's Release build)
#   SKIP_BUILD=1         do not build
#   KEEP_RUNDIR=1        keep the temp dir with configs and logs
# Machine setup as in shared/BENCH.md: nginx and wrk on CPU 0, the gateway on CPU 1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"
DURATION=${DURATION:-40}
CONNECTIONS=${CONNECTIONS:-64}
L1_LIMIT=${L1_LIMIT:-16MiB}
L2_LIMIT=${L2_LIMIT:-16MiB}
MAX_ENTRIES=${MAX_ENTRIES:-}
WARMUP=${WARMUP:-5}
GATEWAY_DLL=${GATEWAY_DLL:-$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
READY_TIMEOUT=60

log() { printf '[flood %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in wrk nginx curl taskset ss; do command -v $tool >/dev/null || die "$tool not found (apt-get install wrk nginx curl util-linux iproute2)"; done
[[ $DURATION =~ ^[0-9]+$ && $CONNECTIONS =~ ^[0-9]+$ && $WARMUP =~ ^[0-9]+$ ]] || die "DURATION, CONNECTIONS and WARMUP must be integers"

RUNDIR=$(mktemp -d /tmp/gateway-flood.XXXXXX)
declare -a STARTED=()
cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $KEEP_RUNDIR == 1 ]]; then log "kept $RUNDIR"; else rm -rf "$RUNDIR"; fi
}
trap cleanup EXIT

# pick_port (free ports below the kernel's ephemeral range) and wait_for_200 (bounded, with the log's tail on failure).
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

# Resident set of a process in MB (kB / 1024), and its peak.
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

if [[ $SKIP_BUILD != 1 && $GATEWAY_DLL == "$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll" ]]; then
  log "building Gateway.Node (Release)"
  dotnet build -c Release --nologo -v:q --disable-build-servers "$ROOT/Gateway.Node/Gateway.Node.csproj" >"$RUNDIR/build.log" 2>&1 \
    || { tail -n 30 "$RUNDIR/build.log" >&2; die "build failed"; }
fi
[[ -f $GATEWAY_DLL ]] || die "no gateway at $GATEWAY_DLL"

nginx_port=$(pick_port)
sed -e "s#@PORT@#$nginx_port#g" -e "s#@RUNDIR@#$RUNDIR#g" "$BENCH_DIR/nginx.conf.template" >"$RUNDIR/nginx.conf"
taskset -c 0 nginx -p "$RUNDIR" -e "$RUNDIR/nginx-error.log" -c "$RUNDIR/nginx.conf" >"$RUNDIR/nginx.out" 2>&1 &
STARTED+=($!)
wait_for_200 nginx "http://127.0.0.1:$nginx_port/" "${STARTED[-1]}" "$RUNDIR/nginx-error.log"

ingress=$(pick_port)
admin=$(pick_port)
entries=""
[[ -n $MAX_ENTRIES ]] && entries="l1-max-entries = $MAX_ENTRIES
    l2.max-entries = $MAX_ENTRIES"
cat >"$RUNDIR/gateway.conf" <<CONF
gateway {
  ingress { hostname = "127.0.0.1", port = $ingress }
  admin { hostname = "127.0.0.1", port = $admin }
  logging { level = Warning }
  cache {
    l1-size-limit = $L1_LIMIT
    l2.size-limit = $L2_LIMIT
    $entries
  }
  upstreams = [ { name = bench, endpoints = [ { url = "http://127.0.0.1:$nginx_port" } ] } ]
  # nginx sends no Cache-Control: the route gives every response an hour, so every unique key is stored.
  routes = [ { id = items, path = "/{**rest}", upstream = bench, cache { default-ttl = 1h } } ]
}
CONF
GATEWAY_DATA_DIR="$RUNDIR/data" GATEWAY_PORT_REMOTE=$(pick_port) GATEWAY_OPS_PORT=0 \
  taskset -c 1 dotnet "$GATEWAY_DLL" --config "$RUNDIR/gateway.conf" >"$RUNDIR/gateway.log" 2>&1 &
gw=$!
STARTED+=($gw)
wait_for_200 "gateway /readyz" "http://127.0.0.1:$admin/readyz" "$gw" "$RUNDIR/gateway.log"
wait_for_200 "gateway proxying" "http://127.0.0.1:$ingress/item?id=probe" "$gw" "$RUNDIR/gateway.log"
x_cache() { curl -s -D - -o /dev/null "http://127.0.0.1:$ingress/item?id=$1" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }'; }
hit=""
for i in $(seq 20); do
  x_cache "probe-$i" >/dev/null
  if [[ $(x_cache "probe-$i") == HIT ]]; then hit=1; break; fi
  sleep 0.5
done
[[ -n $hit ]] || die "the cached route does not store (a second GET is never X-Cache: HIT)"

log "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores; gateway pid $gw on CPU 1"
idle=$(rss_mb $gw)
log "RSS idle: ${idle} MB; warming up ${WARMUP}s with the same flood"
if (( WARMUP > 0 )); then
  taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s -s "$BENCH_DIR/unique-keys.lua" "http://127.0.0.1:$ingress" >"$RUNDIR/warmup.txt" 2>&1
  sleep 2
fi
before=$(rss_mb $gw)
log "RSS before: ${before} MB; flooding ${DURATION}s with unique keys"
taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s "$BENCH_DIR/unique-keys.lua" "http://127.0.0.1:$ingress" >"$RUNDIR/wrk.txt" 2>&1 &
wrk_pid=$!
samples=()
while kill -0 $wrk_pid 2>/dev/null; do
  sleep 5
  kill -0 $gw 2>/dev/null || die "the gateway died during the flood; see $RUNDIR/gateway.log"
  samples+=("$(rss_mb $gw)")
done
wait $wrk_pid || die "wrk failed: $(cat "$RUNDIR/wrk.txt")"
after=$(rss_mb $gw)
peak=$(hwm_mb $gw)
stats=$(curl -s "http://127.0.0.1:$admin/admin/cache" || echo "?")
served=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$ingress/item?id=after-the-flood" || true)
rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RUNDIR/wrk.txt")
total=$(awk '/requests in/ { print $1 }' "$RUNDIR/wrk.txt")
errors=$(grep -E "Non-2xx|Socket errors" "$RUNDIR/wrk.txt" | tr '\n' ' ' || true)

echo
echo "Cache miss-path flood: $DURATION s, $CONNECTIONS connections, unique /item?id= keys; l1-size-limit=$L1_LIMIT, l2.size-limit=$L2_LIMIT${MAX_ENTRIES:+, max-entries=$MAX_ENTRIES}"
echo "gateway: $GATEWAY_DLL"
echo "requests: $total, ${rps} req/s ${errors:+($errors)}"
echo "RSS idle ${idle} MB, before ${before} MB, after ${after} MB (growth $(( after - before )) MB), peak (VmHWM) ${peak} MB"
echo "RSS every 5 s: ${samples[*]} MB"
echo "/admin/cache after: $stats"
echo "a new request after the flood: HTTP $served"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
