#!/usr/bin/env bash
# Ejection propagation (issue 4): 3 gateway nodes on loopback; UPSTREAMS upstreams, each with a dead endpoint (nothing
# listens) and a live one (nginx). For each upstream in turn, requests to node 1 trip the dead endpoint's breaker there;
# the trip is announced through cluster pub-sub and opens the endpoint on nodes 2 and 3. Prints, per sample:
#   announce: the other node's own log line "ejected by <node 1> N ms earlier" (publish on node 1 -> open on the other
#             node; both clocks are this machine's clock)
#   visible:  time from node 1's /metrics showing the endpoint open to the other node's /metrics showing it (polled
#             every 5 ms, so it includes the polling and one HTTP round trip per poll)
# and the median and max of each over all samples.
#
#   bash ops/bench/ejection.sh         # UPSTREAMS=10 SKIP_BUILD=0 KEEP_RUNDIR=0 (1 keeps configs and node logs)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
UPSTREAMS=${UPSTREAMS:-10}
RUN=$(mktemp -d /tmp/gateway-ejection.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; [[ ${KEEP_RUNDIR:-0} == 1 ]] && log "kept $RUN" || rm -rf "$RUN"; }
trap cleanup EXIT
log() { printf '[ejection %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
[[ ${SKIP_BUILD:-0} == 1 ]] || dotnet build -c Release "$ROOT/Gateway.Node/Gateway.Node.csproj" -v quiet --nologo >/dev/null

UP=$(free_port); DEAD=$(free_port)
sed -e "s#@PORT@#$UP#g" -e "s#@RUNDIR@#$RUN#g" "$ROOT/ops/bench/nginx.conf.template" >"$RUN/nginx.conf"
nginx -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" >"$RUN/nginx.out" 2>&1 & PIDS+=($!)

{
  echo "gateway {"
  echo "  logging.level = Warning"
  echo "  upstreams = ["
  for k in $(seq "$UPSTREAMS"); do
    echo "    { name = u$k, endpoints = [ \"http://127.0.0.1:$DEAD\", \"http://127.0.0.1:$UP\" ], circuit-breaker { consecutive-failures = 2, base-ejection = 10m } }"
  done
  echo "  ]"
  echo "  routes = ["
  for k in $(seq "$UPSTREAMS"); do echo "    { id = r$k, path = \"/u$k/{**rest}\", upstream = u$k }"; done
  echo "  ]"
  echo "}"
} >"$RUN/gateway.conf"

R0=$(free_port); SEEDS="[\"akka.tcp://gateway@127.0.0.1:$R0\"]"
declare -a INGRESS ADMIN
for i in 0 1 2; do
  INGRESS[$i]=$(free_port); ADMIN[$i]=$(free_port)
  remote=$R0; [[ $i -gt 0 ]] && remote=$(free_port)
  GATEWAY_DATA_DIR="$RUN/data$i" GATEWAY_OPS_PORT=0 dotnet "$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll" --config "$RUN/gateway.conf" \
    --set gateway.ingress.hostname=127.0.0.1 --set gateway.ingress.port="${INGRESS[$i]}" --set gateway.admin.port="${ADMIN[$i]}" \
    --set akka.remote.dot-netty.tcp.port="$remote" --set "akka.cluster.seed-nodes=$SEEDS" >"$RUN/node$i.log" 2>&1 & PIDS+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:${ADMIN[$i]}/readyz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:${ADMIN[$i]}/readyz" >/dev/null || { log "node $i not ready"; cat "$RUN/node$i.log"; exit 1; }
done
# Subscriptions to the ejection topic reach the other nodes by pub-sub gossip; let membership and it settle.
sleep 5
log "3 nodes ready; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$UPSTREAMS" "$DEAD" "$RUN" "${INGRESS[0]}" "${ADMIN[@]}" <<'PY'
import re, statistics, sys, time, urllib.request
upstreams, dead, run, ingress0 = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
admins = sys.argv[5:8]
def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r: return r.read().decode()
visible = []
for k in range(1, upstreams + 1):
    line = f'gateway_endpoint_breaker_state{{upstream="u{k}",endpoint="http://127.0.0.1:{dead}"}} 1'
    for i in range(6):  # round robin: every other request meets the dead endpoint; 2 failures in a row trip it
        urllib.request.urlopen(f"http://127.0.0.1:{ingress0}/u{k}/x{i}", timeout=10).read()
    deadline = time.monotonic() + 5
    while line not in metrics(admins[0]):
        if time.monotonic() > deadline: sys.exit(f"u{k}: node 1 did not open the dead endpoint")
        time.sleep(0.005)
    t0 = time.monotonic()
    pending = {1, 2}
    while pending:
        for n in list(pending):
            if line in metrics(admins[n]):
                visible.append((time.monotonic() - t0) * 1000); pending.discard(n)
        if time.monotonic() - t0 > 5: sys.exit(f"u{k}: nodes {pending} did not open the endpoint within 5 s")
        time.sleep(0.005)
announce = []
for n in (1, 2):
    for l in open(f"{run}/node{n}.log", errors="replace"):
        m = re.search(r"ejected by \S+ (\d+) ms earlier", l)
        if m: announce.append(float(m.group(1)))
def show(name, xs):
    xs = sorted(xs)
    print(f"{name}: n={len(xs)} median {statistics.median(xs):.1f} ms, max {xs[-1]:.1f} ms  (all: {' '.join(f'{x:.0f}' for x in xs)})")
show("announce (publish on node 1 -> open on node 2/3, from their logs)", announce)
show("visible  (node 1 /metrics open -> node 2/3 /metrics open, 5 ms polling)", visible)
PY
