#!/usr/bin/env bash
# Bytes allocated per proxied request under wrk, for one gateway build (issue 12).
#
# Starts nginx (CPU 0, the same upstream as run.sh) and, per target, one Release gateway pinned to CPU 1; warms it
# up with bursts of load and idle gaps (tiered JIT, see shared/BENCH.md), then for each round reads the process's
# total allocated bytes before and after a fixed wrk run and divides the difference by the requests wrk made. The
# total is .NET's System.Runtime counter dotnet.gc.heap.total_allocated (GC.GetTotalAllocatedBytes), which
# prometheus-net's meter adapter exports on the node's /metrics as system_runtime_dotnet_gc_heap_total_allocated.
# What the /metrics scrape itself allocates (two scrapes back to back) and what the idle node allocates per second
# (DURATION s without load, times each round's length) are measured and subtracted.
#
# Run it under the machine-wide lock: flock /tmp/gateway-bench.lock bash ops/bench/alloc.sh
#
# Environment (all optional):
#   TARGETS="plain policies"   plain: route /{**rest} without a policy; policies: the same route with a rate limit that
#                              is never reached, an active health check, the breaker, metrics and the access log
#                              sampled at 1% (to a file): policies.sh, the same as run.sh's gateway-policies
#   GATEWAY_DLL=...            the build to measure (default: this checkout's Release Gateway.Node.dll); for another
#                              commit: git worktree add /tmp/x SHA, build it there, point GATEWAY_DLL at its dll
#   ROUNDS=3 DURATION=10       measured rounds per target, seconds of wrk load each
#   WARMUP_CYCLES=4 WARMUP_LOAD=3 WARMUP_IDLE=5
#   CONNECTIONS=64 URL_PATH=/ping
#   TRACE_DIR=/tmp/x           after the measured rounds, one more wrk run of DURATION s under a profiler
#   TRACE_PROFILE=gc-verbose   gc-verbose: dotnet-trace's allocation sampling, saved as TRACE_DIR/TARGET.nettrace (read
#                              it with dotnet Gateway.Benchmarks.dll alloc-trace FILE REQUESTS);
#                              perf: CPU samples of the gateway process (perf record -e cpu-clock -g, managed symbols
#                              from DOTNET_PerfMapEnabled=1 with W^X off, which the node is then started with), saved as
#                              TRACE_DIR/TARGET.perf.data; the top functions by self and by inclusive CPU time go to
#                              TRACE_DIR/TARGET.top.txt and stdout. (dotnet-trace's own CPU sampling needs kernel
#                              user_events on Linux; its thread-time samples count blocked threads, so they are not
#                              a CPU profile.)
#   SKIP_BUILD=1               do not build this checkout's gateway (implied when GATEWAY_DLL is set)
#   KEEP_RUNDIR=1              keep configs, logs and raw wrk output
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"

TARGETS=${TARGETS:-"plain policies"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP_CYCLES=${WARMUP_CYCLES:-4}
WARMUP_LOAD=${WARMUP_LOAD:-3}
WARMUP_IDLE=${WARMUP_IDLE:-5}
CONNECTIONS=${CONNECTIONS:-64}
URL_PATH=${URL_PATH:-/ping}
READY_TIMEOUT=${READY_TIMEOUT:-60}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
if [[ -n ${GATEWAY_DLL:-} ]]; then SKIP_BUILD=1; fi
SKIP_BUILD=${SKIP_BUILD:-0}
TRACE_PROFILE=${TRACE_PROFILE:-gc-verbose}
GATEWAY_DLL=${GATEWAY_DLL:-$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll}

LOAD_CPU=0
PROXY_CPU=1

log() { printf '[alloc %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for t in $TARGETS; do
  case $t in plain|policies) ;; *) die "unknown target '$t' (use plain, policies)";; esac
done
for v in ROUNDS DURATION WARMUP_CYCLES WARMUP_LOAD WARMUP_IDLE CONNECTIONS READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
for tool in wrk nginx curl taskset ss; do command -v "$tool" >/dev/null || die "$tool not found (ops/bench/run.sh installs it)"; done

# shellcheck source=policies.sh
source "$BENCH_DIR/policies.sh"
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init alloc

# Total bytes the gateway process has allocated so far, from its /metrics.
allocated() {
  curl -s --max-time 5 "$1" | awk '
    /^system_runtime_dotnet_gc_heap_total_allocated[ {]/ { v = $NF }
    END { if (v == "") exit 1; printf "%.0f\n", v }'
}

# Total requests of one wrk output ("N requests in 10.00s, ...").
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }

run_wrk() {
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 5s "$1" >"$3" 2>&1 || { cat "$3" >&2; die "wrk failed against $1"; }
  if grep -q -E 'Non-2xx|Socket errors' "$3"; then cat "$3" >&2; die "wrk saw errors against $1"; fi
}

if [[ $SKIP_BUILD != 1 ]]; then
  log "building Gateway.Node (Release)"
  dotnet build -c Release --nologo -v:q --disable-build-servers "$ROOT/Gateway.Node/Gateway.Node.csproj" >"$RUNDIR/build.log" 2>&1 \
    || { tail -n 40 "$RUNDIR/build.log" >&2; die "build failed"; }
fi
[[ -f $GATEWAY_DLL ]] || die "missing $GATEWAY_DLL"

start_nginx_upstream
wait_for_200 nginx "http://127.0.0.1:$NGINX_PORT$URL_PATH" "$NGINX_PID" "$RUNDIR/nginx-error.log"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS="$RUNDIR/results.txt"
: >"$RESULTS"

for t in $TARGETS; do
  ingress=$(pick_port)
  admin=$(pick_port)
  options=()
  if [[ $t == policies ]]; then options=(policies=alloc); fi
  bench_gateway_conf "$RUNDIR/$t.conf" "$ingress" "$admin" "${options[@]}"
  # perf resolves JIT-compiled frames from /tmp/perf-PID.map only in anonymous memory: with W^X on, the runtime maps
  # its code from a memfd, which perf cannot read symbols for, so a profiled node runs with W^X off.
  perfmap=0 wx=1
  if [[ $TRACE_PROFILE == perf ]]; then perfmap=1 wx=0; fi
  DOTNET_PerfMapEnabled=$perfmap DOTNET_EnableWriteXorExecute=$wx GATEWAY_DATA_DIR="$RUNDIR/data-$t" GATEWAY_PORT_REMOTE=$(pick_port) GATEWAY_OPS_PORT=0 \
    taskset -c "$PROXY_CPU" dotnet "$GATEWAY_DLL" --config "$RUNDIR/$t.conf" >"$RUNDIR/$t.log" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  url="http://127.0.0.1:$ingress$URL_PATH"
  metrics="http://127.0.0.1:$admin/metrics"
  wait_for_200 "$t /readyz" "http://127.0.0.1:$admin/readyz" "$pid" "$RUNDIR/$t.log"
  wait_for_200 "$t proxying" "$url" "$pid" "$RUNDIR/$t.log"
  allocated "$metrics" >/dev/null || die "$metrics exports no system_runtime_dotnet_gc_heap_total_allocated"
  log "$t: gateway pid $pid on 127.0.0.1:$ingress; warming up $WARMUP_CYCLES x (${WARMUP_LOAD}s load, ${WARMUP_IDLE}s idle)"
  for i in $(seq "$WARMUP_CYCLES"); do
    run_wrk "$url" "$WARMUP_LOAD" "$RUNDIR/warmup-$t-$i.txt"
    sleep "$WARMUP_IDLE"
  done
  # What one scrape allocates, and what the node allocates while idle (cluster gossip, timers), per second: both are
  # subtracted from every round, so a loaded machine's lower request rate does not inflate bytes/request.
  s0=$(allocated "$metrics"); s1=$(allocated "$metrics"); s2=$(allocated "$metrics")
  scrape=$(( (s2 - s0) / 2 ))
  i0=$(allocated "$metrics"); ti0=$(date +%s%N)
  sleep "$DURATION"
  i1=$(allocated "$metrics"); ti1=$(date +%s%N)
  idle=$(awk -v d=$(( i1 - i0 - scrape )) -v ns=$(( ti1 - ti0 )) 'BEGIN { r = d / (ns / 1e9); printf "%.0f", r < 0 ? 0 : r }')
  log "$t: idle node allocates $idle bytes/s; a scrape $scrape bytes"
  for r in $(seq "$ROUNDS"); do
    a0=$(allocated "$metrics"); t0=$(date +%s%N)
    run_wrk "$url" "$DURATION" "$RUNDIR/round-$t-$r.txt"
    a1=$(allocated "$metrics"); t1=$(date +%s%N)
    n=$(wrk_requests "$RUNDIR/round-$t-$r.txt")
    per=$(awk -v d=$(( a1 - a0 - scrape )) -v idle="$idle" -v ns=$(( t1 - t0 )) -v n="$n" 'BEGIN { printf "%.0f", (d - idle * ns / 1e9) / n }')
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RUNDIR/round-$t-$r.txt")
    log "$t round $r/$ROUNDS: $n requests ($rps req/s), $(( a1 - a0 )) bytes allocated, $per bytes/request"
    echo "$t $per $rps $idle" >>"$RESULTS"
    sleep 2
  done
  if [[ -n ${TRACE_DIR:-} ]]; then
    mkdir -p "$TRACE_DIR"
    span=$(( DURATION + 4 ))
    if [[ $TRACE_PROFILE == perf ]]; then
      perf record -e cpu-clock -F "${PERF_FREQ:-999}" -g -p "$pid" -o "$TRACE_DIR/$t.perf.data" -- sleep "$span" >"$RUNDIR/trace-$t.log" 2>&1 &
    else
      trace_tool=${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}
      "$trace_tool" collect -p "$pid" --profile "$TRACE_PROFILE" --duration "$(printf '00:00:%02d:%02d' $(( span / 60 )) $(( span % 60 )))" -o "$TRACE_DIR/$t.nettrace" >"$RUNDIR/trace-$t.log" 2>&1 &
    fi
    tracer=$!
    STARTED_PIDS+=("$tracer")
    sleep 3
    run_wrk "$url" "$DURATION" "$RUNDIR/trace-$t.txt"
    wait "$tracer" || true   # it stops itself after its duration (a background job ignores SIGINT)
    log "$t: trace of $(wrk_requests "$RUNDIR/trace-$t.txt") requests ($(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$RUNDIR/trace-$t.txt") req/s) in $TRACE_DIR"
    if [[ $TRACE_PROFILE == perf ]]; then
      # Symbols of JIT-compiled code come from /tmp/perf-PID.map (DOTNET_PerfMapEnabled=1); the report reads it
      # while the node still runs. Frames below PERF_LIMIT % of the samples are left out.
      { echo "## $t: functions by self CPU time (exclusive), % of samples"
        perf report -i "$TRACE_DIR/$t.perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit "${PERF_LIMIT:-0.7}" 2>/dev/null | grep -E '^ +[0-9]'
        echo "## $t: functions by CPU time including callees (inclusive), % of samples"
        perf report -i "$TRACE_DIR/$t.perf.data" --stdio --children --sort sym -g none --percent-limit "${PERF_LIMIT_INCLUSIVE:-4}" 2>/dev/null | grep -E '^ +[0-9]'
      } >"$TRACE_DIR/$t.top.txt"
      cat "$TRACE_DIR/$t.top.txt"
    fi
  fi
  stop_pid "$pid"
done

echo
echo "Gateway: $GATEWAY_DLL"
echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $LOAD; wrk -t1 -c$CONNECTIONS ${DURATION}s x $ROUNDS rounds per target; scrape and idle allocation subtracted."
echo
echo "| target | bytes/request median (min–max) | req/s (median round) | idle node bytes/s |"
echo "| --- | --- | --- | --- |"
for t in $TARGETS; do
  awk -v t="$t" '$1 == t { print $2, $3, $4 }' "$RESULTS" | sort -n | awk -v t="$t" '
    { b[NR] = $1; r[NR] = $2; i = $3 }
    END { m = int((NR + 1) / 2); printf "| %s | %d (%d–%d) | %d | %d |\n", t, b[m], b[1], b[NR], r[m], i }'
done
SUCCESS=1
