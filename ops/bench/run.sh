#!/usr/bin/env bash
# Load benchmark: nginx hit directly, through a minimal YARP proxy, and through the gateway.
# See ops/bench/README.md for what it measures and how to read the table; the machine facts it
# follows are in shared/BENCH.md (core pinning, JIT warm-up with idle gaps, interleaved rounds).
#
# Environment (all optional):
#   TARGETS="direct yarp gateway"  which targets to measure, in this order within a round; also
#                                  gateway-cached: the same gateway process, a cached route (hits)
#                                  gateway-log: a second gateway with the access log on (to a file)
#                                  gateway-alt: a second plain gateway with GATEWAY_ALT_ENV added to its
#                                  environment (and GATEWAY_ALT_DLL as its build), to compare a runtime
#                                  setting or another build with the gateway's in one run
#                                  gateway-policies: a gateway whose route has every policy on (rate limit
#                                  never reached, breaker, active health check, metrics, access log at 1%)
#   GATEWAY_ALT_ENV=""             gateway-alt's environment assignments, after GATEWAY_ENV (e.g. "DOTNET_TieredPGO=0")
#   GATEWAY_ALT_DLL=""             gateway-alt's Gateway.Node.dll (default: the one the other gateways run), e.g. a
#                                  copy of the build with another runtimeconfig.json
#   ACCESS_LOG_SAMPLE=1.0          sample rate of gateway-log's access log (0-1)
#   ROUNDS=5                       interleaved measured rounds per target
#   DURATION=10                    seconds of wrk load per round
#   GAP=3                          idle seconds between two measured runs
#   WARMUP_CYCLES=4                least warm-up cycles per .NET process (WARMUP_LOAD s load, WARMUP_IDLE s idle);
#   WARMUP_LOAD=3 WARMUP_IDLE=5    the warm-up goes on until the process's JIT is quiet: fewer than JIT_QUIET
#   JIT_QUIET=20                   methods compiled (tier-1 promotions included) over the last cycle, at most
#   WARMUP_MAX_CYCLES=30           WARMUP_MAX_CYCLES cycles. A process pinned to one CPU promotes hot code ~10x
#                                  later than one with more (the runtime's TC_DelaySingleProcMultiplier), so a
#                                  fixed warm-up measured some processes while they were still compiling.
#   CONNECTIONS=64                 wrk connections (one wrk thread)
#   URL_PATH=/ping                 request path sent to every target
#   READY_TIMEOUT=60               seconds to wait for each process to answer
#   GATEWAY_ARGS=""                extra arguments appended to the gateway command line
#   GATEWAY_ENV=<shipped.env>      environment assignments for the gateway processes only (e.g. "DOTNET_X=1 DOTNET_Y=2");
#                                  by default the shipped image's and unit's (ops/bench/shipped.env), GATEWAY_ENV= for
#                                  the runtime's defaults. YARP always runs with the runtime's defaults.
#   SKIP_BUILD=1                   reuse the existing Release builds
#   KEEP_RUNDIR=1                  keep the temp dir with configs and process logs
#   QUIET_WAIT=60                  seconds to wait for both cores to be >= 90% idle before starting
#   NOISE_LIMIT=10 RETRIES=2       a measured run during which other processes (or the host's steal)
#                                  took more than NOISE_LIMIT % of a core is redone up to RETRIES times
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"
# shellcheck source=policies.sh
source "$BENCH_DIR/policies.sh"
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

TARGETS=${TARGETS:-"direct yarp gateway"}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
GAP=${GAP:-3}
WARMUP_CYCLES=${WARMUP_CYCLES:-4}
WARMUP_LOAD=${WARMUP_LOAD:-3}
WARMUP_IDLE=${WARMUP_IDLE:-5}
JIT_QUIET=${JIT_QUIET:-20}
WARMUP_MAX_CYCLES=${WARMUP_MAX_CYCLES:-30}
CONNECTIONS=${CONNECTIONS:-64}
URL_PATH=${URL_PATH:-/ping}
ACCESS_LOG_SAMPLE=${ACCESS_LOG_SAMPLE:-1.0}
READY_TIMEOUT=${READY_TIMEOUT:-60}
GATEWAY_ARGS=${GATEWAY_ARGS:-}
GATEWAY_ALT_ENV=${GATEWAY_ALT_ENV:-}
GATEWAY_ALT_DLL=${GATEWAY_ALT_DLL:-}
GATEWAY_ENV=${GATEWAY_ENV-$(shipped_env)}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_RUNDIR=${KEEP_RUNDIR:-0}
QUIET_WAIT=${QUIET_WAIT:-60}
NOISE_LIMIT=${NOISE_LIMIT:-10}
RETRIES=${RETRIES:-2}

LOAD_CPU=0   # nginx and wrk
PROXY_CPU=1  # the proxy under test
CLK_TCK=$(getconf CLK_TCK)

YARP_PROJECT="$BENCH_DIR/YarpBaseline/YarpBaseline.csproj"
YARP_DLL="$BENCH_DIR/YarpBaseline/bin/Release/net10.0/YarpBaseline.dll"
GATEWAY_PROJECT="$ROOT/Gateway.Node/Gateway.Node.csproj"
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

has_target() { [[ " $TARGETS " == *" $1 "* ]]; }
# Both gateway targets are served by one gateway process.
needs_gateway() { has_target gateway || has_target gateway-cached; }
# Any target that runs Gateway.Node (gateway-log, gateway-alt and gateway-policies each run their own process).
needs_gateway_build() { needs_gateway || has_target gateway-log || has_target gateway-alt || has_target gateway-policies; }

for t in $TARGETS; do
  case $t in direct|yarp|gateway|gateway-log|gateway-alt|gateway-cached|gateway-policies) ;; *) die "unknown target '$t' in TARGETS (use direct, yarp, gateway, gateway-log, gateway-alt, gateway-cached, gateway-policies)";; esac
done
[[ -n ${TARGETS// /} ]] || die "TARGETS is empty"
for v in ROUNDS DURATION GAP WARMUP_CYCLES WARMUP_LOAD WARMUP_IDLE JIT_QUIET WARMUP_MAX_CYCLES CONNECTIONS READY_TIMEOUT QUIET_WAIT NOISE_LIMIT RETRIES; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
(( ROUNDS >= 1 && DURATION >= 1 )) || die "ROUNDS and DURATION must be at least 1"
(( $(nproc --all) >= 2 )) || die "needs at least 2 CPUs (load on CPU $LOAD_CPU, proxy on CPU $PROXY_CPU)"

# ---------------------------------------------------------------- processes and cleanup

bench_init bench

# ---------------------------------------------------------------- tools

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v ss >/dev/null || missing+=(iproute2)
  if (( ${#missing[@]} > 0 )); then
    log "installing ${missing[*]} with apt-get"
    (( EUID == 0 )) || die "need root to apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "dotnet SDK not found"
}

# ---------------------------------------------------------------- build

build() {
  local project=$1 name=$2
  log "building $name (Release)"
  # No build servers: they would linger on the cores after the build and disturb the measurement.
  if ! dotnet build -c Release --nologo -v:q --disable-build-servers "$project" >"$RUNDIR/build-$name.log" 2>&1; then
    tail -n 40 "$RUNDIR/build-$name.log" >&2
    if [[ $name == Gateway.Node ]]; then
      log "the gateway does not build in this checkout; TARGETS=\"direct yarp\" measures the baselines only"
    fi
    die "build of $name failed (full log: $RUNDIR/build-$name.log)"
  fi
}

# ---------------------------------------------------------------- measurements

# CPU ticks (user + system) used so far by PID and all its descendants.
tree_ticks() {
  local pid=$1 total=0 child stat
  if stat=$(cat "/proc/$pid/stat" 2>/dev/null); then
    stat=${stat##*) }   # drop "pid (comm) ", comm may hold spaces
    total=$(awk '{ print $12 + $13 }' <<<"$stat")
  fi
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do
    total=$(( total + $(tree_ticks "$child") ))
  done
  echo "$total"
}

# Ticks used so far by the processes this script pinned to CPU N (0: nginx, 1: the proxies).
our_ticks_on() {
  local cpu=$1 t total=0
  for t in "${!PID[@]}"; do
    if [[ $cpu == "$LOAD_CPU" && $t == direct ]] || [[ $cpu == "$PROXY_CPU" && $t != direct ]]; then
      total=$(( total + $(tree_ticks "${PID[$t]}") ))
    fi
  done
  echo "$total"
}

# Over one second, prints "idle0 idle1 other0 other1": percent idle of CPU 0 and 1, and the percent
# of each used by processes this script did not start (another build, the host, ...).
core_idle() {
  local a b o0a o1a o0b o1b
  o0a=$(our_ticks_on 0); o1a=$(our_ticks_on 1)
  a=$(grep -E '^cpu[01] ' /proc/stat)
  sleep 1
  b=$(grep -E '^cpu[01] ' /proc/stat)
  o0b=$(our_ticks_on 0); o1b=$(our_ticks_on 1)
  awk -v a="$a" -v b="$b" -v o0=$(( o0b - o0a )) -v o1=$(( o1b - o1a )) 'BEGIN {
    n = split(a, la, "\n"); split(b, lb, "\n"); ours[1] = o0; ours[2] = o1
    for (i = 1; i <= n; i++) {
      split(la[i], x, " "); split(lb[i], y, " ")
      total = 0
      for (k = 2; k <= 9; k++) total += y[k] - x[k]   # guest time is already in user
      idle = (y[5] - x[5]) + (y[6] - x[6])
      irq = (y[7] - x[7]) + (y[8] - x[8])   # charged to no process; mostly our own loopback traffic
      other = total - idle - irq - ours[i]
      if (other < 0) other = 0
      idlep[i] = total > 0 ? 100 * idle / total : 0
      otherp[i] = total > 0 ? 100 * other / total : 0
    }
    printf "%.0f %.0f %.0f %.0f\n", idlep[1], idlep[2], otherp[1], otherp[2]
  }'
}

# Prints "busy total ours": busy and total ticks of CPU 0 and 1 together, and the ticks used so far
# by the processes this script started and still runs. Busy is user + nice + system + steal: irq and
# softirq time (mostly the loopback traffic we generate) is charged to no process, so it is left out.
cpu_snapshot() {
  local ours
  ours=$(( $(our_ticks_on 0) + $(our_ticks_on 1) ))
  awk -v ours="$ours" '/^cpu[01] / {
    for (k = 2; k <= 9; k++) total += $k
    busy += $2 + $3 + $4 + $9
  } END { print busy, total, ours }' /proc/stat
}

# Runs wrk against URL for SECONDS, writes its output to FILE and the CPU ticks wrk used to FILE.ticks.
run_wrk() {
  local url=$1 seconds=$2 file=$3
  # The wrapper shell reads its own cutime + cstime after waiting for wrk: wrk's CPU ticks.
  # shellcheck disable=SC2016
  if ! taskset -c "$LOAD_CPU" bash -c '
      wrk -t1 -c"$1" -d"$2s" --timeout 5s --latency "$3" >"$4" 2>&1 || exit $?
      s=$(cat /proc/$$/stat); s=${s##*) }; set -- $s
      echo $(( ${14} + ${15} ))' _ "$CONNECTIONS" "$seconds" "$url" "$file" >"$file.ticks"; then
    cat "$file" >&2
    die "wrk failed against $url"
  fi
}

# One measured wrk run; prints the percent of one core that processes we did not start (or the
# host's steal) used while it ran. The CPU ticks the measured process (PID, with its children) used during the
# run go to FILE.cpu.
measure_run() {
  local url=$1 file=$2 pid=$3 b0 t0 o0 b1 t1 o1 wrk_ticks p0
  p0=$(tree_ticks "$pid")
  read -r b0 t0 o0 <<<"$(cpu_snapshot)"
  run_wrk "$url" "$DURATION" "$file"
  read -r b1 t1 o1 <<<"$(cpu_snapshot)"
  echo $(( $(tree_ticks "$pid") - p0 )) >"$file.cpu"
  wrk_ticks=$(cat "$file.ticks")
  awk -v busy=$(( b1 - b0 )) -v total=$(( t1 - t0 )) -v ours=$(( o1 - o0 + wrk_ticks )) 'BEGIN {
    other = busy - ours; if (other < 0) other = 0
    printf "%.0f\n", (total > 0 ? 200 * other / total : 0)
  }'
}

# Waits up to SECONDS for both cores to be at least 90% idle; leaves the last sample in IDLE0/IDLE1.
wait_quiet() {
  local deadline=$(( SECONDS + $1 ))
  while :; do
    read -r IDLE0 IDLE1 _ _ <<<"$(core_idle)"
    if (( IDLE0 >= 90 && IDLE1 >= 90 )) || (( SECONDS >= deadline )); then return 0; fi
    log "cores busy (CPU0 ${IDLE0}% idle, CPU1 ${IDLE1}% idle); waiting up to $(( deadline - SECONDS ))s more for them to quiet down"
    sleep 4
  done
}

# Prints "rps p50_ms p99_ms errors" from one wrk --latency output.
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/            { rps = $2 }
    $1 == "50%"                  { p50 = ms($2) }
    $1 == "99%"                  { p99 = ms($2) }
    /Socket errors:/             { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/  { errors += $NF }
    END {
      if (rps == "") exit 1
      printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors
    }' "$1"
}

# Sum of VmHWM (kB) over PID and all its descendants.
peak_rss_kb() {
  local pid=$1 total=0 hwm child
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
  total=$(( total + ${hwm:-0} ))
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do
    total=$(( total + $(peak_rss_kb "$child") ))
  done
  echo "$total"
}

# What GC the process runs with: env override, runtimeconfig setting, or the default.
gc_mode() {
  local dll=$1 cfg server
  if [[ -n ${DOTNET_gcServer:-} ]]; then
    echo "DOTNET_gcServer=$DOTNET_gcServer (1 core visible)"
    return
  fi
  cfg=${dll%.dll}.runtimeconfig.json
  server=$(grep -o '"System.GC.Server": *[a-z]*' "$cfg" 2>/dev/null | awk '{ print $NF }' || true)
  if [[ $server == true ]]; then
    echo "server requested in runtimeconfig (1 core visible: runtime uses workstation)"
  else
    echo "workstation (default, 1 core visible)"
  fi
}

# ---------------------------------------------------------------- start targets

declare -A URL=() PID=() ADMIN=()
NGINX_PORT=""

start_nginx() {
  start_nginx_upstream
  PID[direct]=$NGINX_PID
  URL[direct]="http://127.0.0.1:$NGINX_PORT$URL_PATH"
  wait_for_200 nginx "${URL[direct]}" "${PID[direct]}" "$RUNDIR/nginx-error.log"
  log "nginx upstream on 127.0.0.1:$NGINX_PORT (CPU $LOAD_CPU, pid ${PID[direct]})"
}

start_yarp() {
  local port
  port=$(pick_port)
  BENCH_JIT_FILE="$RUNDIR/yarp.jit" taskset -c "$PROXY_CPU" dotnet "$YARP_DLL" --urls "http://127.0.0.1:$port" \
    --destination "http://127.0.0.1:$NGINX_PORT" \
    >"$RUNDIR/yarp.log" 2>&1 &
  PID[yarp]=$!
  STARTED_PIDS+=("${PID[yarp]}")
  URL[yarp]="http://127.0.0.1:$port$URL_PATH"
  wait_for_200 yarp "${URL[yarp]}" "${PID[yarp]}" "$RUNDIR/yarp.log"
  log "YARP baseline on 127.0.0.1:$port (CPU $PROXY_CPU, pid ${PID[yarp]})"
}

# Starts a gateway node as target $1 with the config options $2... of bench_gateway_conf (lib.sh); every gateway also
# has the cached route (target gateway-cached).
start_gateway() {
  local t=$1 ingress admin
  shift
  ingress=$(pick_port)
  admin=$(pick_port)
  bench_gateway_conf "$RUNDIR/$t.conf" "$ingress" "$admin" cached "$@"
  local -a extra=()
  if [[ -n $GATEWAY_ARGS ]]; then read -r -a extra <<<"$GATEWAY_ARGS"; fi
  # Each gateway gets its own data dir (its SQLite journal) and remoting port so that two can run
  # side by side; the pbm host is off (idle, it would cost nothing, but two would share port 9110).
  local -a genv=() alt=()
  if [[ -n $GATEWAY_ENV ]]; then read -r -a genv <<<"$GATEWAY_ENV"; fi
  if [[ $t == gateway-alt && -n $GATEWAY_ALT_ENV ]]; then read -r -a alt <<<"$GATEWAY_ALT_ENV"; genv+=("${alt[@]}"); fi
  local dll=$GATEWAY_DLL
  if [[ $t == gateway-alt && -n $GATEWAY_ALT_DLL ]]; then dll=$GATEWAY_ALT_DLL; fi
  env "${genv[@]}" GATEWAY_DATA_DIR="$RUNDIR/data-$t" GATEWAY_PORT_REMOTE=$(pick_port) GATEWAY_OPS_PORT=0 taskset -c "$PROXY_CPU" dotnet "$dll" --config "$RUNDIR/$t.conf" "${extra[@]}" \
    >"$RUNDIR/$t.log" 2>&1 &
  PID[$t]=$!
  STARTED_PIDS+=("${PID[$t]}")
  URL[$t]="http://127.0.0.1:$ingress$URL_PATH"
  ADMIN[$t]="http://127.0.0.1:$admin"
  wait_for_200 "$t /readyz" "http://127.0.0.1:$admin/readyz" "${PID[$t]}" "$RUNDIR/$t.log"
  wait_for_200 "$t proxying" "${URL[$t]}" "${PID[$t]}" "$RUNDIR/$t.log"
  if [[ $t == gateway ]]; then
    # gateway-cached is this same process's cached route; measured only once it answers from the cache.
    URL[gateway-cached]="http://127.0.0.1:$ingress/cached$URL_PATH"
    wait_for_200 "gateway cached route" "${URL[gateway-cached]}" "${PID[$t]}" "$RUNDIR/$t.log"
    [[ $(curl -s -D - -o /dev/null "${URL[gateway-cached]}" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }') == HIT ]] \
      || die "the cached route does not answer X-Cache: HIT"
  fi
  if [[ $t == gateway-policies ]]; then
    # The rate limit is on (and not reached) when every answer carries its RateLimit-Limit header.
    curl -s -D - -o /dev/null "${URL[$t]}" | tr -d '\r' | grep -qi '^ratelimit-limit: 1000000' \
      || die "gateway-policies does not answer with RateLimit-Limit: its rate limit is not on"
  fi
  log "$t on 127.0.0.1:$ingress, admin 127.0.0.1:$admin (CPU $PROXY_CPU, pid ${PID[$t]})"
}

# Methods the JIT of target $1's process has compiled so far (tier-1 promotions included): YarpBaseline writes the
# count to a file once a second, the gateway exports it on /metrics.
jit_count() {
  local t=${1%-cached}
  case $t in
    yarp) cat "$RUNDIR/yarp.jit" 2>/dev/null || echo 0;;
    *) curl -s --max-time 5 "${ADMIN[$t]}/metrics" \
         | awk '/^system_runtime_dotnet_jit_compiled_methods[ {]/ { n = $NF } END { printf "%d\n", n + 0 }';;
  esac
}

# Tiered JIT promotes hot methods only when the core has idle moments (shared/BENCH.md), so each .NET process gets
# short bursts of load separated by idle time before it is measured, until its JIT has stopped compiling.
declare -A WARMUP_DONE=() JIT_AFTER_WARMUP=()
warm_up() {
  local t=$1 i=0 before after
  log "warming $t: at least $WARMUP_CYCLES x (${WARMUP_LOAD}s load, ${WARMUP_IDLE}s idle), until fewer than $JIT_QUIET methods JIT-compiled in a cycle"
  after=$(jit_count "$t")
  before=$after
  for i in $(seq "$WARMUP_MAX_CYCLES"); do
    before=$after
    run_wrk "${URL[$t]}" "$WARMUP_LOAD" "$RUNDIR/warmup-$t-$i.txt"
    sleep "$WARMUP_IDLE"
    after=$(jit_count "$t")
    log "  cycle $i: $(awk '/^Requests\/sec:/ { printf "%.0f req/s", $2 }' "$RUNDIR/warmup-$t-$i.txt"), $(( after - before )) methods compiled"
    # A count that went down was not read (a failed scrape reads as 0): not a quiet cycle.
    if (( i >= WARMUP_CYCLES && after >= before && after - before < JIT_QUIET )); then break; fi
  done
  WARMUP_DONE[$t]="$i cycles"
  (( after - before < JIT_QUIET )) || WARMUP_DONE[$t]+=" (JIT still compiling: $(( after - before )) in the last)"
  JIT_AFTER_WARMUP[$t]=$after
}

# ---------------------------------------------------------------- summary helpers

# Median, min and max of the numbers on stdin, printed as "median min max".
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    print m, v[1], v[NR]
  }'
}

column_of() { awk -v c="$2" '{ print $c }' "$RUNDIR/rounds-$1.txt"; }

# Median of the per-round ratios req/s of T / req/s of BASE: each round measures both within a minute of each
# other, so a slow spell of the shared host moves both sides of one ratio; "-" without BASE.
round_ratio() {
  local t=$1 base=$2
  if [[ ! -s $RUNDIR/rounds-$base.txt || $t == "$base" ]]; then echo "-"; return; fi
  paste -d' ' <(column_of "$t" 1) <(column_of "$base" 1) | awk '$2 > 0 { print $1 / $2 }' | stats \
    | awk '$1 != "-" { printf "%.2f (%.2f–%.2f)", $1, $2, $3 } $1 == "-" { print "-" }'
}

# ================================================================= main

ensure_tools

if needs_gateway_build && [[ ! -f $GATEWAY_PROJECT ]]; then
  die "gateway project not found at ${GATEWAY_PROJECT#"$ROOT"/}: it is not in this checkout yet. Run with TARGETS=\"direct yarp\" to measure the baselines only."
fi

if has_target yarp; then
  if [[ $SKIP_BUILD != 1 ]]; then build "$YARP_PROJECT" YarpBaseline; fi
  [[ -f $YARP_DLL ]] || die "missing $YARP_DLL (build it or unset SKIP_BUILD)"
fi
if needs_gateway_build; then
  if [[ $SKIP_BUILD != 1 ]]; then build "$GATEWAY_PROJECT" Gateway.Node; fi
  [[ -f $GATEWAY_DLL ]] || die "missing $GATEWAY_DLL (build it or unset SKIP_BUILD)"
  [[ -z $GATEWAY_ALT_DLL || -f $GATEWAY_ALT_DLL ]] || die "missing GATEWAY_ALT_DLL $GATEWAY_ALT_DLL"
fi

# Another build or test run on the machine would be measured along with the proxies: wait a
# bounded time for it to finish, then go on with a warning.
wait_quiet "$QUIET_WAIT"
START_IDLE0=$IDLE0 START_IDLE1=$IDLE1
log "cores idle before start: CPU0 ${START_IDLE0}%, CPU1 ${START_IDLE1}%"
BUSY_WARNING=""
if (( START_IDLE0 < 90 || START_IDLE1 < 90 )); then
  BUSY_WARNING="WARNING: cores were busy before the run (CPU0 ${START_IDLE0}% idle, CPU1 ${START_IDLE1}% idle): another process is using them, numbers are not comparable."
  log "$BUSY_WARNING"
  log "busiest processes:"
  ps -eo pid,pcpu,comm --sort=-pcpu | head -n 6 >&2
fi

# nginx is always needed: it is the upstream of both proxies.
start_nginx
if has_target yarp; then start_yarp; fi
if needs_gateway; then start_gateway gateway; fi
if has_target gateway-log; then
  start_gateway gateway-log "node=access-log { enabled = on, sample-rate = $ACCESS_LOG_SAMPLE, path = \"$RUNDIR/access.log\" }"
fi
if has_target gateway-alt; then start_gateway gateway-alt; fi
if has_target gateway-policies; then
  start_gateway gateway-policies policies=gateway-policies
fi

for t in $TARGETS; do
  if [[ $t != direct ]]; then warm_up "$t"; fi
  : >"$RUNDIR/rounds-$t.txt"
done

# Each run's share of a core taken by other processes is its noise; a noisy run is redone (after a
# bounded wait for quiet cores) so the median is not pulled by someone else's build.
MAX_NOISE=0 RETRIED=0 KEPT_NOISY=0
for r in $(seq "$ROUNDS"); do
  for t in $TARGETS; do
    file="$RUNDIR/round-$r-$t.txt"
    for attempt in $(seq 0 "$RETRIES"); do
      noise=$(measure_run "${URL[$t]}" "$file" "${PID[${t%-cached}]}")
      parse_wrk "$file" >"$file.parsed" || { cat "$file" >&2; die "could not parse wrk output"; }
      read -r rps p50 p99 errs <"$file.parsed"
      log "round $r/$ROUNDS $t: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, errors $errs, others ${noise}% of a core"
      if (( noise <= NOISE_LIMIT )); then break; fi
      if (( attempt == RETRIES )); then
        KEPT_NOISY=$(( KEPT_NOISY + 1 ))
        log "  still noisy after $RETRIES retries; keeping it"
        break
      fi
      RETRIED=$(( RETRIED + 1 ))
      log "  other processes were busy during the run; redoing it"
      wait_quiet 30
    done
    if (( noise > MAX_NOISE )); then MAX_NOISE=$noise; fi
    # CPU per request: the process's ticks over the requests wrk counted (µs of one core).
    cpu_us=$(awk -v ticks="$(cat "$file.cpu")" -v hz="$CLK_TCK" -v n="$(awk '/ requests in / { print $1 }' "$file")" \
      'BEGIN { printf "%.1f", (n > 0 ? ticks * 1e6 / hz / n : 0) }')
    echo "$rps $p50 $p99 $errs $noise $cpu_us" >>"$RUNDIR/rounds-$t.txt"
    sleep "$GAP"
  done
done

# ---------------------------------------------------------------- report

# Methods each process compiled during its measured rounds: near 0 when the warm-up really ended the tier-up.
JIT_NOTE=""
for t in $TARGETS; do
  [[ $t == direct ]] && continue
  JIT_NOTE+="$t ${WARMUP_DONE[$t]}, $(( $(jit_count "$t") - JIT_AFTER_WARMUP[$t] )) methods compiled during its rounds; "
done

declare -A MEDIAN_RPS=()
for t in $TARGETS; do
  read -r MEDIAN_RPS[$t] _ _ <<<"$(column_of "$t" 1 | stats)"
done

ratio() {
  local t=$1 base=$2
  if [[ -z ${MEDIAN_RPS[$base]:-} || $t == "$base" ]]; then echo "-"; return; fi
  awk -v a="${MEDIAN_RPS[$t]}" -v b="${MEDIAN_RPS[$base]}" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'
}

label() {
  case $1 in
    direct) echo "direct (nginx)";;
    yarp) echo "YARP 2.3 baseline";;
    gateway) echo "gateway";;
    gateway-cached) echo "gateway, cached route (L1 hits)";;
    gateway-log) echo "gateway, access log at $ACCESS_LOG_SAMPLE";;
    gateway-alt) echo "gateway with ${GATEWAY_ALT_ENV:-(no other environment)}${GATEWAY_ALT_DLL:+, build $GATEWAY_ALT_DLL}";;
    gateway-policies) echo "gateway, every policy on (rate limit, breaker, health check, metrics, access log 1%)";;
  esac
}

TABLE="$RUNDIR/table.md"
{
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')."
  echo
  echo "| target | req/s median (min–max) | p50 | p99 | errors | peak RSS | CPU per request | ratio to direct | ratio to YARP | ratio to YARP, per round: median (min–max) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for t in $TARGETS; do
    read -r rmed rmin rmax <<<"$(column_of "$t" 1 | stats)"
    read -r p50 _ _ <<<"$(column_of "$t" 2 | stats)"
    read -r p99 _ _ <<<"$(column_of "$t" 3 | stats)"
    errs=$(column_of "$t" 4 | awk '{ s += $1 } END { print s + 0 }')
    if [[ $t == direct ]]; then
      rss="-"
    else
      rss=$(awk -v k="$(peak_rss_kb "${PID[${t%-cached}]}")" 'BEGIN { printf "%.0f MB", k / 1024 }')
    fi
    read -r cpu _ _ <<<"$(column_of "$t" 6 | stats)"
    printf '| %s | %.0f (%.0f–%.0f) | %.2f ms | %.2f ms | %s | %s | %.0f µs | %s | %s | %s |\n' \
      "$(label "$t")" "$rmed" "$rmin" "$rmax" "$p50" "$p99" "$errs" "$rss" "$cpu" \
      "$(ratio "$t" direct)" "$(ratio "$t" yarp)" "$(round_ratio "$t" yarp)"
  done
  if has_target gateway && has_target gateway-log; then
    echo
    echo "Access log at $ACCESS_LOG_SAMPLE / gateway without it: $(ratio gateway-log gateway) of the requests per second."
  fi
  if has_target gateway && has_target gateway-policies; then
    echo
    echo "Every policy on / gateway without policies: $(ratio gateway-policies gateway) of the requests per second."
  fi
  if has_target gateway && has_target gateway-alt; then
    echo
    echo "$(label gateway-alt) / gateway: $(ratio gateway-alt gateway) of the requests per second."
  fi
  echo
  gc=""
  if has_target yarp; then
    # YarpBaseline prints the GC it really got; fall back to the configured mode if it did not.
    yarp_gc=$(grep -o 'YarpBaseline: [a-z]* GC, [0-9]* processor(s)' "$RUNDIR/yarp.log" | head -n 1 || true)
    gc+="YARP: ${yarp_gc#YarpBaseline: }${DOTNET_gcServer:+ (DOTNET_gcServer=$DOTNET_gcServer)}"
    [[ -n $yarp_gc ]] || gc+="$(gc_mode "$YARP_DLL")"
    gc+="; "
  fi
  if needs_gateway_build; then gc+="gateway: $(gc_mode "$GATEWAY_DLL"); "; fi
  if [[ -n $GATEWAY_ENV ]]; then gc+="gateway environment: $GATEWAY_ENV; "; fi
  echo "Env: cores idle before start CPU0 ${START_IDLE0}% / CPU1 ${START_IDLE1}% (other processes during kept runs: at most ${MAX_NOISE}% of a core; $RETRIED noisy runs redone);" \
    "GC ${gc:-n/a; }rounds $ROUNDS x ${DURATION}s interleaved ($TARGETS), gap ${GAP}s;" \
    "warm-up cycles of ${WARMUP_LOAD}s load and ${WARMUP_IDLE}s idle per .NET process until fewer than $JIT_QUIET methods were JIT-compiled in one (at least $WARMUP_CYCLES, at most $WARMUP_MAX_CYCLES): ${JIT_NOTE}" \
    "wrk -t1 -c$CONNECTIONS on CPU $LOAD_CPU with nginx, proxy on CPU $PROXY_CPU; path $URL_PATH;" \
    "$(nproc --all) vCPU, .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')."
  if [[ -n $BUSY_WARNING ]]; then printf '\n%s\n' "$BUSY_WARNING"; fi
  if (( KEPT_NOISY > 0 )); then
    printf '\nWARNING: %s measured runs kept although other processes used more than %s%% of a core (up to %s%%): the machine was busy; rerun before publishing.\n' "$KEPT_NOISY" "$NOISE_LIMIT" "$MAX_NOISE"
  fi
} >"$TABLE"

echo
cat "$TABLE"
SUCCESS=1
