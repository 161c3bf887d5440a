#!/usr/bin/env bash
# The cost of being a member: CPU an idle cluster node burns, and how fast a route change still reaches every node.
#
#   ops/bench/idle-cpu.sh [NODES] [SECONDS]     (defaults: 3 nodes, 30 s)
#
# Starts a local cluster with ops/cluster.sh (its own run directory and ports, GATEWAY_PORT_OFFSET default 500, so it
# runs beside a cluster on the default ports), lets it settle (GATEWAY_IDLE_SETTLE seconds, default 20: joins, JIT,
# shard allocation), then reads utime+stime of each node from /proc/PID/stat before and after SECONDS without traffic.
# Then it measures propagation: GATEWAY_PROPAGATION_ROUNDS (default 40) route creations through node 0's admin API,
# each timed from the PUT until every other node's ingress serves the route (polled every 2 ms), and prints p50/p99/max
# (after one untimed route that warms each ingress's forwarding path), the PUT's own answer time and the slowest rounds.
# Finally it stops the cluster. GATEWAY_IDLE_FLOOR=1 also starts, beside it and measured in the same window, a bare Akka.NET
# cluster of as many members (ops/bench/IdleFloor: remoting, cluster, DData, one sharded region, the gateway's Akka
# timings) to tell Akka's own cost of membership from the gateway's. Prints the machine load (uptime) and per-core idle time first: another busy process
# makes the numbers meaningless.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NODES="${1:-3}"
SECONDS_IDLE="${2:-30}"
SETTLE="${GATEWAY_IDLE_SETTLE:-20}"
ROUNDS="${GATEWAY_PROPAGATION_ROUNDS:-40}"
FLOOR="${GATEWAY_IDLE_FLOOR:-0}"
FLOOR_DLL="$ROOT/ops/bench/IdleFloor/bin/Release/net10.0/IdleFloor.dll"
declare -a floor_pids=()
export GATEWAY_PORT_OFFSET="${GATEWAY_PORT_OFFSET:-500}"
export GATEWAY_RUN_DIR="${GATEWAY_RUN_DIR:-$(mktemp -d /tmp/gateway-idle-XXXXXX)}"
TICKS="$(getconf CLK_TCK)"
CLUSTER="$ROOT/ops/cluster.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Per-thread CPU ticks of a process as "tid name ticks" lines (the name is the thread's comm, e.g. ".NET TP Worker").
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    [ -r "$t/stat" ] || continue
    # Fields after the ")" that closes the name (names hold spaces): utime and stime are the 12th and 13th.
    sed 's/.*) //' "$t/stat" 2>/dev/null | awk -v tid="${t##*/}" -v name="$(tr ' ' '_' < "$t/comm" 2>/dev/null)" '{ print tid, name, $12 + $13 }'
  done
}
idle_percent() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local idle=$(( (${b[4]} + ${b[5]}) - (${a[4]} + ${a[5]}) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + ${b[$i]} - ${a[$i]} )); done
  echo $(( 100 * idle / (total > 0 ? total : 1) ))
}

trap "exit 130" INT TERM
cleanup() {
  "$CLUSTER" down "$NODES" >/dev/null 2>&1 || true
  local p
  for p in "${floor_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "machine: $(nproc) cores; $(uptime | sed 's/.*load/load/'); cores idle before start: $(idle_percent)%"
"$CLUSTER" up "$NODES"
if [ "$FLOOR" = 1 ]; then
  [ -f "$FLOOR_DLL" ] || dotnet build "$ROOT/ops/bench/IdleFloor/IdleFloor.csproj" -c Release -v quiet --nologo >/dev/null
  floor_base=$(( 5100 + GATEWAY_PORT_OFFSET ))
  for i in $(seq 0 $((NODES - 1))); do
    dotnet "$FLOOR_DLL" $(( floor_base + i )) "$floor_base" >"$GATEWAY_RUN_DIR/floor-$i.log" 2>&1 &
    floor_pids+=($!)
  done
fi
echo "settling ${SETTLE}s..."
sleep "$SETTLE"

declare -a pids before
for i in $(seq 0 $((NODES - 1))); do
  pids[$i]="$(cat "$GATEWAY_RUN_DIR/node-$i.pid")"
  before[$i]="$(cpu_ticks "${pids[$i]}")"
  thread_ticks "${pids[$i]}" > "$GATEWAY_RUN_DIR/threads-before-$i"
done
declare -a floor_before=()
for p in "${floor_pids[@]}"; do floor_before+=("$(cpu_ticks "$p")"); done
echo "measuring ${SECONDS_IDLE}s idle (no traffic)..."
sleep "$SECONDS_IDLE"
total=0
for i in $(seq 0 $((NODES - 1))); do
  used=$(( $(cpu_ticks "${pids[$i]}") - ${before[$i]} ))
  total=$(( total + used ))
  rss="$(awk '/VmRSS/ { print $2 / 1024 " MB" }' "/proc/${pids[$i]}/status")"
  awk -v n="$i" -v t="$used" -v hz="$TICKS" -v s="$SECONDS_IDLE" -v rss="$rss" \
    'BEGIN { printf "node %s: %.2f CPU-s in %d s = %.2f%% of a core (RSS %s)\n", n, t / hz, s, 100 * t / hz / s, rss }'
done
awk -v t="$total" -v hz="$TICKS" -v s="$SECONDS_IDLE" -v n="$NODES" \
  'BEGIN { printf "idle mean: %.2f%% of a core per node\n", 100 * t / hz / s / n }'
if [ "${#floor_pids[@]}" -gt 0 ]; then
  floor_total=0
  for k in "${!floor_pids[@]}"; do floor_total=$(( floor_total + $(cpu_ticks "${floor_pids[$k]}") - ${floor_before[$k]} )); done
  awk -v t="$floor_total" -v hz="$TICKS" -v s="$SECONDS_IDLE" -v n="${#floor_pids[@]}" \
    'BEGIN { printf "bare Akka.NET member (IdleFloor), same window: %.2f%% of a core per node\n", 100 * t / hz / s / n }'
fi
# Where it goes: CPU by thread name, summed over the nodes (threads that started during the window count from zero).
for i in $(seq 0 $((NODES - 1))); do
  thread_ticks "${pids[$i]}" | awk 'NR == FNR { b[$1] = $3; next } { print $2, $3 - ($1 in b ? b[$1] : 0) }' \
    "$GATEWAY_RUN_DIR/threads-before-$i" -
done | awk -v hz="$TICKS" -v s="$SECONDS_IDLE" -v n="$NODES" '{ t[$1] += $2; c[$1]++ }
  END { for (k in t) if (t[k] > 0) printf "  %-24s %6.2f%% of a core per node (%d threads)\n", k, 100 * t[k] / hz / s / n, c[k] / n }' | sort -k2 -rn
echo "machine after: $(uptime | sed 's/.*load/load/')"

python3 - "$NODES" "$ROUNDS" "$GATEWAY_PORT_OFFSET" <<'PY'
import http.client, json, sys, time
nodes, rounds, offset = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
admin0, echo0 = offset + 8081, offset + 8085
ingress = [offset + 8080 + 10 * i for i in range(1, nodes)]

def call(port, method, path, body=None, header=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); c.close()
    return r.status if header is None else (r.status, r.getheader(header))

assert call(admin0, "PUT", "/admin/upstreams/idle-echo", {"endpoints": [f"http://127.0.0.1:{echo0}"]}) in (200, 201)
# One untimed round first: the first request a node's ingress forwards (client connection, JIT of the forwarding path)
# takes ~0.4 s on this machine and would be counted as propagation time.
assert call(admin0, "PUT", "/admin/routes/idle-warm", {"path": "/idle-warm/{**rest}", "upstream": "idle-echo"}) in (200, 201)
for port in ingress:
    deadline = time.perf_counter() + 10
    while call(port, "GET", "/idle-warm/x") == 404 and time.perf_counter() < deadline: time.sleep(0.01)
call(admin0, "DELETE", "/admin/routes/idle-warm")
times, answers = [], []
for k in range(rounds):
    start = time.perf_counter()
    status, propagated = call(admin0, "PUT", f"/admin/routes/idle-{k}", {"path": f"/idle-{k}/{{**rest}}", "upstream": "idle-echo"},
                              header="Gateway-Propagated")
    answered = (time.perf_counter() - start) * 1000
    assert status in (200, 201), status
    pending = set(ingress)
    while pending:
        for port in list(pending):
            if call(port, "GET", f"/idle-{k}/x") != 404: pending.discard(port)
        if time.perf_counter() - start > 10: raise SystemExit(f"route idle-{k} not served on {pending} after 10 s")
        time.sleep(0.002)
    times.append((time.perf_counter() - start) * 1000)
    answers.append((times[-1], answered, propagated, k))
    time.sleep(0.25)
for k in range(rounds): call(admin0, "DELETE", f"/admin/routes/idle-{k}")
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"propagation (PUT on node 0 until served by all {nodes - 1} others), {rounds} rounds: "
      f"p50 {pick(0.5):.0f} ms, p99 {pick(0.99):.0f} ms, max {times[-1]:.0f} ms")
answers.sort()
puts = sorted(a[1] for a in answers)
print(f"  of which the PUT's answer (it waits until every node serves the route): p50 {puts[len(puts) // 2]:.0f} ms, "
      f"max {puts[-1]:.0f} ms; slowest rounds (total / answer / Gateway-Propagated): "
      + ", ".join(f"idle-{k} {t:.0f}/{a:.0f} ms {p}" for t, a, p, k in reversed(answers[-3:])))
PY
