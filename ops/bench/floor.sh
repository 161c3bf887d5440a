#!/usr/bin/env bash
# The RSS floor of what the gateway is built from (issue 12): the idle resident memory of the bare .NET runtime, of a
# bare Akka.NET cluster member (remoting, cluster, Distributed Data, one sharded region: ops/bench/IdleFloor), of YARP
# 2.3 behind ASP.NET Core (ops/bench/YarpBaseline, after one proxied request) and of the gateway node (run.sh's bench
# config, after one proxied request). Each process alone on CPU 1, SETTLE seconds after it is ready, ROUNDS interleaved
# rounds; the table gives medians, and "Akka + YARP - runtime": what one process holding both bare frameworks would
# need, before any code of the gateway's own.
#
#   bash ops/bench/floor.sh
#   ROUNDS=3 SETTLE=15 SKIP_BUILD=1 bash ops/bench/floor.sh
#
# Environment (all optional): ROUNDS=3, SETTLE=15, SKIP_BUILD=1 (reuse the Release builds), KEEP_RUNDIR=1,
# GATEWAY_DLL (another build of Gateway.Node.dll), LOCK=/tmp/gateway-bench.lock (each process runs under flock on it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"
ROUNDS=${ROUNDS:-3}
SETTLE=${SETTLE:-15}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
READY_TIMEOUT=${READY_TIMEOUT:-90}
LOCK=${LOCK:-/tmp/gateway-bench.lock}
LOAD_CPU=0
PROXY_CPU=1

FLOOR_DLL="$BENCH_DIR/IdleFloor/bin/Release/net10.0/IdleFloor.dll"
YARP_DLL="$BENCH_DIR/YarpBaseline/bin/Release/net10.0/YarpBaseline.dll"
GATEWAY_DLL=${GATEWAY_DLL:-$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll}

log() { printf '[floor %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in ROUNDS SETTLE READY_TIMEOUT; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"; done
(( ROUNDS >= 1 )) || die "ROUNDS must be at least 1"
(( $(nproc --all) >= 2 )) || die "needs at least 2 CPUs"
for tool in nginx curl taskset ss flock; do command -v "$tool" >/dev/null || die "$tool not found (run ops/bench/run.sh once: it installs nginx)"; done

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
bench_init floor

if [[ $SKIP_BUILD != 1 ]]; then
  for p in "$BENCH_DIR/IdleFloor/IdleFloor.csproj" "$BENCH_DIR/YarpBaseline/YarpBaseline.csproj" "$ROOT/Gateway.Node/Gateway.Node.csproj"; do
    log "building $(basename "$p" .csproj) (Release)"
    dotnet build -c Release --nologo -v:q --disable-build-servers "$p" >"$RUNDIR/build.log" 2>&1 || { tail -n 30 "$RUNDIR/build.log" >&2; die "build failed"; }
  done
fi
for f in "$FLOOR_DLL" "$YARP_DLL" "$GATEWAY_DLL"; do [[ -f $f ]] || die "missing $f (build it or unset SKIP_BUILD)"; done

start_nginx_upstream
wait_for_200 nginx "http://127.0.0.1:$NGINX_PORT/ping" "$NGINX_PID" "$RUNDIR/nginx-error.log"

# Waits until FILE holds TEXT (the process printed it), failing if PID died (wait_for_line NAME FILE TEXT PID).
wait_for_line() {
  local deadline=$(( SECONDS + READY_TIMEOUT ))
  while (( SECONDS < deadline )); do
    grep -q "$3" "$2" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || { tail -n 20 "$2" >&2; die "$1 exited before it was ready"; }
    sleep 0.2
  done
  die "$1 not ready within ${READY_TIMEOUT}s"
}

# kB of RSS: total, then anonymous data, the runtime's executable region, .dll images, .so images (lib.sh's smaps_split).
rss_split() {
  local split
  read -r -a split <<<"$(smaps_split "/proc/$1/smaps")"
  echo "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status") ${split[0]} ${split[1]} ${split[2]} ${split[3]}"
}

# Starts process $1 (runtime, akka, yarp, gateway) for round $2, reads its RSS once it is ready and settled, stops it.
measure() {
  local name=$1 round=$2 out="$RUNDIR/$1-$2.log" pid port admin remote
  case $name in
    runtime)
      taskset -c "$PROXY_CPU" dotnet "$FLOOR_DLL" --runtime-only >"$out" 2>&1 &
      pid=$!; STARTED_PIDS+=("$pid"); wait_for_line "$name" "$out" "runtime up" "$pid";;
    akka)
      port=$(pick_port)
      taskset -c "$PROXY_CPU" dotnet "$FLOOR_DLL" "$port" "$port" >"$out" 2>&1 &
      pid=$!; STARTED_PIDS+=("$pid"); wait_for_line "$name" "$out" "floor node on $port up" "$pid";;
    yarp)
      port=$(pick_port)
      taskset -c "$PROXY_CPU" dotnet "$YARP_DLL" --urls "http://127.0.0.1:$port" --destination "http://127.0.0.1:$NGINX_PORT" >"$out" 2>&1 &
      pid=$!; STARTED_PIDS+=("$pid"); wait_for_200 "$name" "http://127.0.0.1:$port/ping" "$pid" "$out";;
    gateway)
      port=$(pick_port); admin=$(pick_port); remote=$(pick_port)
      bench_gateway_conf "$RUNDIR/$name-$round.conf" "$port" "$admin" cached
      GATEWAY_DATA_DIR="$RUNDIR/data-$round" GATEWAY_PORT_REMOTE=$remote GATEWAY_OPS_PORT=0 \
        taskset -c "$PROXY_CPU" dotnet "$GATEWAY_DLL" --config "$RUNDIR/$name-$round.conf" >"$out" 2>&1 &
      pid=$!; STARTED_PIDS+=("$pid")
      wait_for_200 "$name /readyz" "http://127.0.0.1:$admin/readyz" "$pid" "$out"
      wait_for_200 "$name proxying" "http://127.0.0.1:$port/ping" "$pid" "$out";;
  esac
  sleep "$SETTLE"
  echo "$name $round $(rss_split "$pid")" >>"$RUNDIR/results"
  # Only the reading matters: no graceful stop (the bare Akka member would take its 15 s to leave its cluster of one).
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  log "$name (round $round): $(awk -v n="$name" -v r="$round" '$1 == n && $2 == r { printf "%.0f MB", $3 / 1024 }' "$RUNDIR/results")"
}

NAMES=(runtime akka yarp gateway)
: >"$RUNDIR/results"
for r in $(seq "$ROUNDS"); do
  for n in "${NAMES[@]}"; do
    exec {lockfd}>"$LOCK"; flock "$lockfd"
    measure "$n" "$r"
    flock -u "$lockfd"; exec {lockfd}>&-
  done
done

# Median (MB) of field $2 (3 = total, 4 anon, 5 executable, 6 .dll, 7 .so) over the rounds of process $1.
med() {
  awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$RUNDIR/results" | sort -n \
    | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", m / 1024 }'
}
label() {
  case $1 in
    runtime) echo "bare .NET runtime (console, idle)";;
    akka) echo "bare Akka.NET cluster member (IdleFloor)";;
    yarp) echo "YARP 2.3 on ASP.NET Core (YarpBaseline)";;
    gateway) echo "gateway node (run.sh's bench config)";;
  esac
}
{
  echo "| process | idle RSS MB | anonymous | JIT code and stubs | .dll images | .so images |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for n in "${NAMES[@]}"; do echo "| $(label "$n") | $(med "$n" 3) | $(med "$n" 4) | $(med "$n" 5) | $(med "$n" 6) | $(med "$n" 7) |"; done
  echo "| Akka + YARP - runtime (both frameworks in one process, nothing of ours) | $(( $(med akka 3) + $(med yarp 3) - $(med runtime 3) )) | | | | |"
  echo
  echo "Medians of $ROUNDS interleaved rounds, each read ${SETTLE} s after the process was ready; every process alone on CPU $PROXY_CPU; $(nproc --all) vCPU, .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')."
} | tee "$RUNDIR/table.md"
SUCCESS=1
