#!/usr/bin/env bash
# Cluster rate-limit accuracy (issue 4): 3 gateway nodes on loopback, one route with a cluster-scope limit,
# paced load split 70/20/10 over the nodes. Prints admitted vs expected and the memory per limited key.
#
#   bash ops/bench/ratelimit.sh     # LIMIT=300 RPS=1000 DURATION=20 KEYS_ACC=100 KEYS_MEM=10000 MANY_RPS=2000 RESTART_DURATION=40
# ONLY_RESTART=1 runs phase (0) alone.
# Runs: (0) one key for RESTART_DURATION s while node 1 is stopped (SIGTERM) a quarter in and started again at half
# time: the admitted total over the whole run must stay within +-10% of LIMIT*RESTART_DURATION; (1) one key, limit LIMIT/s, load RPS/s; (2) KEYS_ACC keys of 10/s each under MANY_RPS/s (every key over its
# limit, so the admitted total must be KEYS_ACC*10/s); (3) KEYS_MEM keys touched, for the memory per key.
# This machine cannot generate 10,000 keys x 10/s (100k req/s), so accuracy over many keys uses KEYS_ACC keys.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIMIT=${LIMIT:-300}; RPS=${RPS:-1000}; DURATION=${DURATION:-20}; RESTART_DURATION=${RESTART_DURATION:-40}; ONLY_RESTART=${ONLY_RESTART:-0}; KEYS_ACC=${KEYS_ACC:-100}; KEYS_MEM=${KEYS_MEM:-10000}; MANY_RPS=${MANY_RPS:-2000}
RUN=$(mktemp -d /tmp/gateway-ratelimit.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$RUN"; }
trap cleanup EXIT
log() { printf '[ratelimit %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  dotnet build -c Release "$ROOT/Gateway.Node/Gateway.Node.csproj" -v quiet --nologo >/dev/null
  dotnet build -c Release "$ROOT/ops/bench/RateLimitLoad/RateLimitLoad.csproj" -v quiet --nologo >/dev/null
fi

UP=$(free_port)
sed -e "s#@PORT@#$UP#g" -e "s#@RUNDIR@#$RUN#g" "$ROOT/ops/bench/nginx.conf.template" >"$RUN/nginx.conf"
nginx -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" >"$RUN/nginx.out" 2>&1 & PIDS+=($!)

cat >"$RUN/gateway.conf" <<CONF
gateway {
  logging.level = Warning
  upstreams = [ { name = bench, endpoints = [ "http://127.0.0.1:$UP" ] } ]
  routes = [
    { id = one-key, path = "/one/{**rest}", upstream = bench, rate-limit { key = route, limit = $LIMIT, period = 1s, scope = cluster } }
    { id = many-keys, path = "/many/{**rest}", upstream = bench, rate-limit { key = "header:X-Api-Key", limit = 10, period = 1s, scope = cluster } }
  ]
}
CONF

R0=$(free_port); SEEDS="[\"akka.tcp://gateway@127.0.0.1:$R0\"]"
declare -a INGRESS ADMIN
declare -a REMOTE NODE_PID
start_node() {
  local i=$1
  GATEWAY_DATA_DIR="$RUN/data$i" dotnet "$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll" --config "$RUN/gateway.conf" \
    --set gateway.ingress.hostname=127.0.0.1 --set gateway.ingress.port="${INGRESS[$i]}" --set gateway.admin.port="${ADMIN[$i]}" \
    --set akka.remote.dot-netty.tcp.port="${REMOTE[$i]}" --set "akka.cluster.seed-nodes=$SEEDS" >>"$RUN/node$i.log" 2>&1 &
  NODE_PID[$i]=$!; PIDS+=($!)
}
for i in 0 1 2; do
  INGRESS[$i]=$(free_port); ADMIN[$i]=$(free_port)
  REMOTE[$i]=$R0; [[ $i -gt 0 ]] && REMOTE[$i]=$(free_port)
  start_node "$i"
done
for i in 0 1 2; do
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:${ADMIN[$i]}/readyz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:${ADMIN[$i]}/readyz" >/dev/null || { log "node $i not ready"; cat "$RUN/node$i.log"; exit 1; }
done
sleep 3
log "3 nodes ready (ingress ${INGRESS[*]})"

LOAD="dotnet $ROOT/ops/bench/RateLimitLoad/bin/Release/net10.0/RateLimitLoad.dll"
urls() { echo "http://127.0.0.1:${INGRESS[0]}/$1/x,http://127.0.0.1:${INGRESS[1]}/$1/x,http://127.0.0.1:${INGRESS[2]}/$1/x"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

log "restart: one key, limit $LIMIT/s, load $RPS/s split 40/40/20 for ${RESTART_DURATION}s; node 1 stopped at $((RESTART_DURATION / 4))s, started at $((RESTART_DURATION / 2))s"
$LOAD --urls "$(urls one)" --split 40,40,20 --rps "$RPS" --seconds "$RESTART_DURATION" --warmup 2 --keys 1 >"$RUN/restart.out" || true &
LOAD_PID=$!; PIDS+=($LOAD_PID)
T0=$(date +%s)
until_second() { while (( $(date +%s) < T0 + $1 )); do sleep 0.2; done; }
# The schedule is absolute from the load's start (2 s warm-up first), however long the drain takes on a busy machine.
until_second $((2 + RESTART_DURATION / 4))
kill -TERM "${NODE_PID[1]}"; log "node 1: SIGTERM"
while kill -0 "${NODE_PID[1]}" 2>/dev/null && (( $(date +%s) < T0 + 2 + RESTART_DURATION / 2 - 1 )); do sleep 0.2; done
kill -9 "${NODE_PID[1]}" 2>/dev/null && log "node 1 still draining: killed" || log "node 1 exited"
until_second $((2 + RESTART_DURATION / 2))
start_node 1; log "node 1 started again"
for _ in $(seq 240); do curl -sf "http://127.0.0.1:${ADMIN[1]}/readyz" >/dev/null && break; sleep 0.5; done
log "node 1 ready again at $(( $(date +%s) - T0 - 2 ))s of ${RESTART_DURATION}s"
wait "$LOAD_PID" || true
cat "$RUN/restart.out"
admitted=$(sed -n 's/^admitted=\([0-9]*\).*/\1/p' "$RUN/restart.out" | head -1)
expected=$((LIMIT * RESTART_DURATION))
echo "restart: admitted $admitted of expected $expected ($(python3 -c "print(f'{($admitted-$expected)/$expected*100:+.1f}%')")) with node 1 stopped and started mid-run"
[[ $ONLY_RESTART == 1 ]] && exit 0

log "one key: limit $LIMIT/s, load $RPS/s split 70/20/10 for ${DURATION}s after a 2 s warm-up"
ONE=$($LOAD --urls "$(urls one)" --split 70,20,10 --rps "$RPS" --seconds "$DURATION" --warmup 2 --keys 1)
echo "$ONE"
admitted=$(sed -n 's/^admitted=\([0-9]*\).*/\1/p' <<<"$ONE" | head -1)
expected=$((LIMIT * DURATION))
echo "one key: admitted $admitted of expected $expected ($(python3 -c "print(f'{($admitted-$expected)/$expected*100:+.1f}%')"))"

log "many keys: $KEYS_ACC keys of 10/s each, load $MANY_RPS/s split 70/20/10 for ${DURATION}s"
ACC=$($LOAD --urls "$(urls many)" --split 70,20,10 --rps "$MANY_RPS" --seconds "$DURATION" --warmup 2 --keys "$KEYS_ACC")
echo "$ACC"
admitted=$(sed -n 's/^admitted=\([0-9]*\).*/\1/p' <<<"$ACC" | head -1)
expected=$((KEYS_ACC * 10 * DURATION))
echo "$KEYS_ACC keys: admitted $admitted of expected $expected ($(python3 -c "print(f'{($admitted-$expected)/$expected*100:+.1f}%')"))"

before=$(( $(rss_kb "${NODE_PID[0]}") + $(rss_kb "${NODE_PID[1]}") + $(rss_kb "${NODE_PID[2]}") ))
log "memory: $KEYS_MEM keys, each touched on every node"
MEM=$($LOAD --urls "$(urls many)" --split 34,33,33 --rps 3000 --seconds $(( (KEYS_MEM * 3 + 2999) / 3000 + 2 )) --warmup 0 --keys "$KEYS_MEM")
echo "$MEM"
sleep 2
after=$(( $(rss_kb "${NODE_PID[0]}") + $(rss_kb "${NODE_PID[1]}") + $(rss_kb "${NODE_PID[2]}") ))
echo "memory: RSS of the 3 nodes grew by $(( after - before )) KB for $KEYS_MEM keys: $(python3 -c "print(f'{($after-$before)*1024/$KEYS_MEM/3:.0f}')") bytes per key per node (buckets, key strings, gossip report)"
