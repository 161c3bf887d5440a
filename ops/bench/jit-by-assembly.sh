#!/usr/bin/env bash
# Which assemblies the node's JIT output comes from (issue 12): the runtime's own memory for compiled code (the
# "doublemapper" region in memory.sh's breakdown) grows with the number of methods compiled, so this says which
# libraries cost the most of it.
#
#   bash ops/bench/jit-by-assembly.sh
#   GATEWAY_DLL=/path/to/other/Gateway.Node.dll bash ops/bench/jit-by-assembly.sh    # another build, same config
#
# Starts the Release node as memory.sh does (its bench config: one upstream on a local nginx, a catch-all route and a
# cached route), with a runtime event trace of the loader and JIT events (EventPipe to a file, set through DOTNET_*
# variables: no tool attaches); waits until it is ready and has proxied one request, lets it settle SETTLE seconds,
# stops it (the trace is written at exit) and prints the methods compiled and their native code size by assembly
# (ops/bench/JitByAssembly). The trace's buffers add to the node's memory: read RSS from memory.sh, not from this run.
#
# Environment (all optional): SETTLE=15, TOP=30 (rows), GATEWAY_DLL, SKIP_BUILD=1, KEEP_RUNDIR=1, READY_TIMEOUT=90.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"
SETTLE=${SETTLE:-15}
TOP=${TOP:-30}
GATEWAY_DLL=${GATEWAY_DLL:-$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll}
TOOL_DLL="$BENCH_DIR/JitByAssembly/bin/Release/net10.0/JitByAssembly.dll"
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
READY_TIMEOUT=${READY_TIMEOUT:-90}
LOAD_CPU=0

log() { printf '[jit-by-assembly %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for v in SETTLE TOP READY_TIMEOUT; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"; done
for tool in nginx curl taskset ss; do command -v "$tool" >/dev/null || die "$tool not found (run ops/bench/run.sh once: it installs nginx)"; done

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
bench_init jit-by-assembly

if [[ $SKIP_BUILD != 1 ]]; then
  log "building Gateway.Node and JitByAssembly (Release)"
  for project in "$ROOT/Gateway.Node/Gateway.Node.csproj" "$BENCH_DIR/JitByAssembly/JitByAssembly.csproj"; do
    dotnet build -c Release --nologo -v:q --disable-build-servers "$project" >"$RUNDIR/build.log" 2>&1 \
      || { tail -n 40 "$RUNDIR/build.log" >&2; die "build of $project failed"; }
  done
fi
[[ -f $GATEWAY_DLL && -f $TOOL_DLL ]] || die "missing $GATEWAY_DLL or $TOOL_DLL (build them or unset SKIP_BUILD)"

start_nginx_upstream
wait_for_200 nginx "http://127.0.0.1:$NGINX_PORT/ping" "$NGINX_PID" "$RUNDIR/nginx-error.log"
ingress=$(pick_port); admin=$(pick_port); remote=$(pick_port)
bench_gateway_conf "$RUNDIR/node.conf" "$ingress" "$admin" cached
trace="$RUNDIR/node.nettrace"
(
  export GATEWAY_DATA_DIR="$RUNDIR/data" GATEWAY_PORT_REMOTE=$remote GATEWAY_OPS_PORT=0
  # Loader (0x8) and JIT (0x10) keywords, verbose: the method load events carry the module and the code size.
  export DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath="$trace" DOTNET_EventPipeConfig='Microsoft-Windows-DotNETRuntime:0x18:5'
  exec dotnet "$GATEWAY_DLL" --config "$RUNDIR/node.conf"
) >"$RUNDIR/node.log" 2>&1 &
pid=$!
STARTED_PIDS+=("$pid")
wait_for_200 "gateway /readyz" "http://127.0.0.1:$admin/readyz" "$pid" "$RUNDIR/node.log"
wait_for_200 "gateway proxying" "http://127.0.0.1:$ingress/ping" "$pid" "$RUNDIR/node.log"
sleep "$SETTLE"
methods=$(curl -s --max-time 5 "http://127.0.0.1:$admin/metrics" | awk '/^system_runtime_dotnet_jit_compiled_methods / { print $2 }')
stop_pid "$pid"
[[ -s $trace ]] || die "the node wrote no trace ($trace)"

echo "JIT-compiled methods by assembly: $GATEWAY_DLL, $SETTLE s after ready, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "(the node's own count at that time: ${methods:-unread}; the trace also holds what ran while it stopped)"
echo
dotnet "$TOOL_DLL" "$trace" "$TOP"
SUCCESS=1
