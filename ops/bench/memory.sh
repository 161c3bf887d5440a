#!/usr/bin/env bash
# Memory of the gateway node (issue 12): where its RSS goes, idle and under load, and what each runtime lever does to it.
#
#   bash ops/bench/memory.sh                       # every lever below, one after the other, in one run
#   LEVERS="baseline wx-off" bash ops/bench/memory.sh
#
# For each lever it starts the Release node as run.sh does (its bench config: one upstream on a local nginx, a
# catch-all route and a cached route, logging at Warning; the node pinned to CPU 1, nginx and wrk to CPU 0), lets it
# settle, then reads the idle RSS and a breakdown of it; then puts WARMUP_CYCLES x (WARMUP_LOAD s load, WARMUP_IDLE s
# idle) and one measured DURATION s wrk -t1 -cCONNECTIONS load on /ping, and reads the peak RSS (VmHWM, which covers
# the warm-up too), the req/s of the measured load and the breakdown right after it. Then it stops that node.
# Each lever is an environment (DOTNET_* knobs) or a build (ReadyToRun) variant of the same commit.
#
# Breakdown (from /proc/PID/smaps): anonymous data (GC heap, native heaps, stacks), the runtime's executable memory
# (JIT code, stubs, precode: the W^X "doublemapper" memfd, or anonymous rwx mappings with W^X off; its RW view is
# mapped only while the runtime writes, so the code counts once in RSS), managed assemblies (.dll images), native
# libraries (.so), and the largest mapped files;
# smaps_rollup's Pss_Anon / Pss_File / Pss_Shmem; and the GC's own numbers from the node's /metrics
# (dotnet_gc_last_collection_memory_committed_size_bytes and _heap_size_bytes, from the runtime's System.Runtime meter).
#
# Environment (all optional):
#   LEVERS="baseline wx-off ..."   which levers, in this order (see lever_env below for the list and what each sets)
#   EXTRA_LEVERS="name|ENV=v ENV2=v|/path/Gateway.Node.dll;..."  more variants: a name, an environment and a build
#   ROUNDS=1                       passes over the levers (interleaved); the tables show the median of each number
#   SETTLE=20                      seconds between ready and the idle reading
#   DURATION=10 CONNECTIONS=64     the measured load
#   WARMUP_CYCLES=2 WARMUP_LOAD=3 WARMUP_IDLE=3
#   TOP_FILES=12                   how many of the largest mapped files to list (for the first lever)
#   SKIP_BUILD=1                   reuse the existing Release and ReadyToRun builds
#   KEEP_RUNDIR=1                  keep configs, logs and smaps copies
#   LOCK=/tmp/gateway-bench.lock   each lever (start to stop, about a minute) runs under flock on this file
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"

ALL_LEVERS="baseline shipped wx-off gen0-4m gen0-2m conserve-5 gc-nonconcurrent pgo-off tc-off tc-delay-0 tc-quickjit-off malloc-arenas-2 r2r r2r-wx-off"
LEVERS=${LEVERS:-$ALL_LEVERS}
EXTRA_LEVERS=${EXTRA_LEVERS:-}
ROUNDS=${ROUNDS:-1}
SETTLE=${SETTLE:-20}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP_CYCLES=${WARMUP_CYCLES:-2}
WARMUP_LOAD=${WARMUP_LOAD:-3}
WARMUP_IDLE=${WARMUP_IDLE:-3}
TOP_FILES=${TOP_FILES:-12}
READY_TIMEOUT=${READY_TIMEOUT:-90}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
LOCK=${LOCK:-/tmp/gateway-bench.lock}

LOAD_CPU=0   # nginx and wrk
PROXY_CPU=1  # the node

GATEWAY_PROJECT="$ROOT/Gateway.Node/Gateway.Node.csproj"
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll"
R2R_DIR="$ROOT/Gateway.Node/bin/Release/net10.0/linux-x64/publish-r2r"
R2R_DLL="$R2R_DIR/Gateway.Node.dll"

log() { printf '[memory %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

for v in ROUNDS SETTLE DURATION CONNECTIONS WARMUP_CYCLES WARMUP_LOAD WARMUP_IDLE TOP_FILES READY_TIMEOUT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
(( ROUNDS >= 1 && DURATION >= 1 )) || die "ROUNDS and DURATION must be at least 1"
(( $(nproc --all) >= 2 )) || die "needs at least 2 CPUs"
for tool in wrk nginx curl taskset ss flock; do command -v "$tool" >/dev/null || die "$tool not found (run ops/bench/run.sh once: it installs wrk and nginx)"; done

# Prints the environment assignments of lever $1 ("-" for none); fails for an unknown lever.
lever_env() {
  case $1 in
    baseline|r2r)     echo "-";;
    shipped)          shipped_env;;                            # the shipped image's and unit's environment
    wx-off|r2r-wx-off) echo "DOTNET_EnableWriteXorExecute=0";;     # JIT code mapped once (RWX) instead of twice
    gen0-4m)          echo "DOTNET_GCgen0size=0x400000";;          # gen0 budget 4 MiB (default: sized from the L3 cache)
    gen0-2m)          echo "DOTNET_GCgen0size=0x200000";;
    conserve-5)       echo "DOTNET_GCConserveMemory=5";;           # compacts more to keep the heap small (0-9)
    gc-nonconcurrent) echo "DOTNET_gcConcurrent=0";;               # no background GC thread and its structures
    pgo-off)          echo "DOTNET_TieredPGO=0";;                  # no instrumented tier, no PGO tables
    tc-off)           echo "DOTNET_TieredCompilation=0";;          # every method fully optimised once
    tc-delay-0)       echo "DOTNET_TC_CallCountingDelayMs=0";;     # tier up without waiting for a quiet 100 ms
    tc-quickjit-off)  echo "DOTNET_TC_QuickJit=0";;                # tiering for R2R code only, JIT'd methods optimised once
    malloc-arenas-2)  echo "MALLOC_ARENA_MAX=2";;                  # glibc: 2 malloc arenas instead of 8 per core
    *) return 1;;
  esac
}
lever_dll() { case $1 in r2r|r2r-*) echo "$R2R_DLL";; *) echo "$GATEWAY_DLL";; esac; }

declare -a NAMES=()
declare -A ENVS=() DLLS=()
for l in $LEVERS; do
  env=$(lever_env "$l") || die "unknown lever '$l' (known: $ALL_LEVERS)"
  NAMES+=("$l"); ENVS[$l]=$env; DLLS[$l]=$(lever_dll "$l")
done
if [[ -n $EXTRA_LEVERS ]]; then
  IFS=';' read -r -a extras <<<"$EXTRA_LEVERS"
  for e in "${extras[@]}"; do
    IFS='|' read -r name env dll <<<"$e"
    [[ -n $name && -n $dll ]] || die "EXTRA_LEVERS entry '$e' is not name|env|dll"
    NAMES+=("$name"); ENVS[$name]=${env:--}; DLLS[$name]=$dll
  done
fi
(( ${#NAMES[@]} > 0 )) || die "no levers"

# ---------------------------------------------------------------- processes and cleanup

bench_init memory

# ---------------------------------------------------------------- builds

needs_r2r() { local n; for n in "${NAMES[@]}"; do [[ ${DLLS[$n]} == "$R2R_DLL" ]] && return 0; done; return 1; }
if [[ $SKIP_BUILD != 1 ]]; then
  log "building Gateway.Node (Release)"
  dotnet build -c Release --nologo -v:q --disable-build-servers "$GATEWAY_PROJECT" >"$RUNDIR/build.log" 2>&1 \
    || { tail -n 40 "$RUNDIR/build.log" >&2; die "build failed"; }
  if needs_r2r; then
    log "publishing Gateway.Node with ReadyToRun (linux-x64, framework-dependent; takes minutes)"
    # Gateway.Node.csproj lists the large libraries that stay IL (PublishReadyToRunExclude).
    if ! dotnet publish "$GATEWAY_PROJECT" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        --nologo -v:q --disable-build-servers -o "$R2R_DIR" >"$RUNDIR/publish-r2r.log" 2>&1; then
      tail -n 20 "$RUNDIR/publish-r2r.log" >&2
      die "ReadyToRun publish failed (restore of the crossgen or runtime pack?): full log in $RUNDIR/publish-r2r.log"
    fi
  fi
fi
for n in "${NAMES[@]}"; do [[ -f ${DLLS[$n]} ]] || die "missing ${DLLS[$n]} for lever $n (build it or unset SKIP_BUILD)"; done

# ---------------------------------------------------------------- readings

kb_field() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null || echo 0; }

# The TOP_FILES mapped files with the most RSS in an smaps copy, as "kB name".
smaps_top_files() {
  awk '
    /^[0-9a-f]+-[0-9a-f]+ / { path = ""; for (i = 6; i <= NF; i++) path = path (i > 6 ? " " : "") $i; next }
    $1 == "Rss:" && path != "" && path !~ /^\[/ { n = split(path, p, "/"); s[p[n]] += $2 }
    END { for (f in s) print s[f], f }' "$1" | sort -rn | awk -v n="$TOP_FILES" 'NR <= n'   # no head: SIGPIPE + pipefail
}

# smaps_rollup's Rss Pss_Anon Pss_File Pss_Shmem (kB).
rollup() {
  awk '$1 == "Rss:" { r = $2 } $1 == "Pss_Anon:" { a = $2 } $1 == "Pss_File:" { f = $2 } $1 == "Pss_Shmem:" { s = $2 }
       END { printf "%d %d %d %d\n", r, a, f, s }' "/proc/$1/smaps_rollup"
}

# From the node's /metrics (the runtime's System.Runtime meter): "gc_committed_mb gc_heap_mb jitted_methods assemblies".
gc_numbers() {
  curl -s --max-time 5 "$1" | awk '
    /^system_runtime_dotnet_gc_last_collection_memory_committed_size / { c = $2 }
    /^system_runtime_dotnet_gc_last_collection_heap_size\{/ { h += $2 }
    /^system_runtime_dotnet_jit_compiled_methods / { j = $2 }
    /^system_runtime_dotnet_assembly_count / { a = $2 }
    END { printf "%.1f %.1f %s %s\n", c / 1048576, h / 1048576, (j == "" ? "-" : j), (a == "" ? "-" : a) }'
}

# One reading of PID: "rss_kb hwm_kb anon dm dll so other pss_anon pss_file pss_shmem gc_committed_mb gc_heap_mb jitted assemblies".
reading() {
  local pid=$1 metrics=$2 copy=$3 rss hwm split roll gc
  cp "/proc/$pid/smaps" "$copy"
  rss=$(kb_field "$pid" VmRSS); hwm=$(kb_field "$pid" VmHWM)
  split=$(smaps_split "$copy")
  read -r _ pa pf ps <<<"$(rollup "$pid")"
  gc=$(gc_numbers "$metrics")
  echo "$rss $hwm $split $pa $pf $ps $gc"
}

run_wrk() {
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 5s "$1" >"$3" 2>&1 || { cat "$3" >&2; die "wrk failed against $1"; }
}
rps_of() { awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }' "$1"; }

# ---------------------------------------------------------------- nginx (the upstream, one for the whole run)

start_nginx_upstream
wait_for_200 nginx "http://127.0.0.1:$NGINX_PORT/ping" "$NGINX_PID" "$RUNDIR/nginx-error.log"

# ---------------------------------------------------------------- one lever

# Starts the node for lever $1 (round $2), measures it, stops it; appends one line to RUNDIR/results.
measure_lever() {
  local name=$1 round=$2 env=${ENVS[$1]} dll=${DLLS[$1]} ingress admin remote tag pid idle peak rps i
  ingress=$(pick_port); admin=$(pick_port); remote=$(pick_port)
  tag="$name-$round"
  bench_gateway_conf "$RUNDIR/$tag.conf" "$ingress" "$admin" cached
  local -a envs=()
  if [[ $env != "-" ]]; then read -r -a envs <<<"$env"; fi
  (
    # shellcheck disable=SC2163
    for kv in "${envs[@]}"; do export "$kv"; done
    # Its own data dir (SQLite journal) and remoting port, the pbm host off: as run.sh starts it.
    export GATEWAY_DATA_DIR="$RUNDIR/data-$tag" GATEWAY_PORT_REMOTE=$remote GATEWAY_OPS_PORT=0
    exec taskset -c "$PROXY_CPU" dotnet "$dll" --config "$RUNDIR/$tag.conf"
  ) >"$RUNDIR/$tag.log" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  local url="http://127.0.0.1:$ingress/ping" metrics="http://127.0.0.1:$admin/metrics"
  wait_for_200 "$name /readyz" "http://127.0.0.1:$admin/readyz" "$pid" "$RUNDIR/$tag.log"
  wait_for_200 "$name proxying" "$url" "$pid" "$RUNDIR/$tag.log"
  sleep "$SETTLE"
  idle=$(reading "$pid" "$metrics" "$RUNDIR/smaps-$tag-idle")
  for i in $(seq "$WARMUP_CYCLES"); do run_wrk "$url" "$WARMUP_LOAD" "$RUNDIR/warmup-$tag-$i.txt"; sleep "$WARMUP_IDLE"; done
  run_wrk "$url" "$DURATION" "$RUNDIR/load-$tag.txt"
  peak=$(reading "$pid" "$metrics" "$RUNDIR/smaps-$tag-peak")
  rps=$(rps_of "$RUNDIR/load-$tag.txt")
  stop_pid "$pid"
  echo "$name $round $rps | $idle | $peak" >>"$RUNDIR/results"
  log "$name (round $round): idle RSS $(( ${idle%% *} / 1024 )) MB, peak $(( $(awk '{ print $2 }' <<<"$peak") / 1024 )) MB, $rps req/s"
}

# ================================================================= main

a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
idle_pct=$(( 100 * ((${b[4]} + ${b[5]}) - (${a[4]} + ${a[5]})) / ( $(( b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8] )) - $(( a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8] )) ) ))
LOAD_BEFORE="$(uptime | sed 's/.*load/load/'); cores ${idle_pct}% idle"
log "machine: $LOAD_BEFORE"
: >"$RUNDIR/results"
for r in $(seq "$ROUNDS"); do
  for n in "${NAMES[@]}"; do
    # The whole life of one node (about a minute) under the machine-wide lock: its start-up JIT would disturb another
    # helper's timing run, and the load must not share the cores with one.
    exec {lockfd}>"$LOCK"
    flock "$lockfd"
    measure_lever "$n" "$r"
    flock -u "$lockfd"
    exec {lockfd}>&-
  done
done
LOAD_AFTER="$(uptime | sed 's/.*load/load/')"

# ---------------------------------------------------------------- report

# Median over rounds of field $2 (1-based, within the part $3 = 1 rps, 2 idle, 3 peak) for lever $1.
med() {
  awk -v n="$1" -v f="$2" -v p="$3" -F' [|] ' '{ split($1, h, " ") } h[1] == n { split($p, x, " "); print (p == 1 ? h[3] : x[f]) }' "$RUNDIR/results" \
    | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mb() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.0f", k / 1024 }'; }

TABLE="$RUNDIR/table.md"
{
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'); $ROUNDS round(s), medians."
  echo
  echo "Levers (idle: ${SETTLE}s after ready; peak: VmHWM after $WARMUP_CYCLES x ${WARMUP_LOAD}s warm-up and ${DURATION}s of wrk -t1 -c$CONNECTIONS on /ping):"
  echo
  echo "| lever | environment | idle RSS MB | peak RSS MB | req/s | GC committed MB idle / after load | executable (JIT code, stubs) MB idle | anon data MB idle / after load |"
  echo "| --- | --- | ---: | ---: | ---: | --- | ---: | --- |"
  for n in "${NAMES[@]}"; do
    env=${ENVS[$n]}; [[ $env == "-" ]] && env=""
    [[ ${DLLS[$n]} == "$R2R_DLL" ]] && env="ReadyToRun publish${env:+; $env}"
    [[ ${DLLS[$n]} != "$R2R_DLL" && ${DLLS[$n]} != "$GATEWAY_DLL" ]] && env="${DLLS[$n]}${env:+; $env}"
    printf '| %s | %s | %s | %s | %s | %s / %s | %s | %s / %s |\n' "$n" "${env:-(none)}" \
      "$(mb "$(med "$n" 1 2)")" "$(mb "$(med "$n" 2 3)")" "$(med "$n" 0 1)" \
      "$(med "$n" 11 2)" "$(med "$n" 11 3)" "$(mb "$(med "$n" 4 2)")" "$(mb "$(med "$n" 3 2)")" "$(mb "$(med "$n" 3 3)")"
  done
  echo
  echo "RSS breakdown per lever, MB (from /proc/PID/smaps; first round), idle -> after load:"
  echo
  echo "| lever | RSS | anonymous data | executable: JIT code, stubs (doublemapper, or anon rwx with W^X off) | .dll images | .so libraries | other files | Pss_Anon / Pss_File / Pss_Shmem | GC committed / heap MB | JIT-compiled methods | assemblies loaded |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F' [|] ' '{ split($1, h, " ") } h[2] == 1 {
      split($2, i, " "); split($3, p, " ")
      printf "| %s | %.0f -> %.0f | %.0f -> %.0f | %.0f -> %.0f | %.0f -> %.0f | %.0f -> %.0f | %.0f -> %.0f | %.0f / %.0f / %.0f -> %.0f / %.0f / %.0f | %s / %s -> %s / %s | %s -> %s | %s |\n",
        h[1], i[1]/1024, p[1]/1024, i[3]/1024, p[3]/1024, i[4]/1024, p[4]/1024, i[5]/1024, p[5]/1024, i[6]/1024, p[6]/1024,
        i[7]/1024, p[7]/1024, i[8]/1024, i[9]/1024, i[10]/1024, p[8]/1024, p[9]/1024, p[10]/1024, i[11], i[12], p[11], p[12], i[13], p[13], i[14] }' "$RUNDIR/results"
  echo
  first=${NAMES[0]}
  echo "Largest mapped files of '$first' (RSS MB idle -> after load):"
  echo
  echo "| file | idle | after load |"
  echo "| --- | ---: | ---: |"
  smaps_top_files "$RUNDIR/smaps-$first-1-idle" | while read -r kb f; do
    after=$(awk -v want="$f" '
      /^[0-9a-f]+-[0-9a-f]+ / { path = ""; for (i = 6; i <= NF; i++) path = path (i > 6 ? " " : "") $i; next }
      $1 == "Rss:" && path != "" { n = split(path, p, "/"); if (p[n] == want) s += $2 }
      END { print s + 0 }' "$RUNDIR/smaps-$first-1-peak")
    printf '| %s | %.1f | %.1f |\n' "$f" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$(awk -v k="$after" 'BEGIN { print k / 1024 }')"
  done
  echo
  echo "Machine: before $LOAD_BEFORE; after $LOAD_AFTER; $(nproc --all) vCPU, .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'); node on CPU $PROXY_CPU, nginx and wrk on CPU $LOAD_CPU; workstation GC (1 core visible)."
} >"$TABLE"

echo
cat "$TABLE"
SUCCESS=1
