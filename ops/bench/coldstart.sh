#!/usr/bin/env bash
# Cold-start curve: req/s per 5 s slice for the first 60 s after a proxy's ingress opens, under continuous load, for
# the gateway (every policy on, see policies.sh) and the YARP baseline in the same run. Pinned like run.sh: the proxy
# alone on CPU 1, nginx and wrk on CPU 0. See ops/bench/README.md ("Cold start") and RESULTS.md.
#
# Each measured process is started fresh (a new data directory: no journal, no JIT state from an earlier run). A loop
# polls the ingress with curl every 20 ms; the gateway's ingress port stays closed until the node is ready, so the
# first answer is the moment the ingress opened. From then wrk runs back to back in SLICE-second slices (64 new
# connections each, a few ms apart) until DURATION seconds have passed.
#
# Environment (all optional):
#   VARIANTS="gateway"       gateway variants measured, each in its own fresh process, after YARP. For a variant V
#                            (letters, digits, _), ENV_V="K=V K2=V2" adds environment variables (e.g.
#                            ENV_tc0="DOTNET_TC_CallCountingDelayMs=0") and DLL_V=path runs another build of
#                            Gateway.Node.dll (e.g. a ReadyToRun publish); ARGS_V="--set k=v" adds arguments
#                            to its command line (e.g. ARGS_nowarm="--set gateway.warm-up.duration=0s").
#   SHIPPED_ENV=<shipped.env>
#                            the environment the shipped image and systemd unit give a node (ops/bench/shipped.env:
#                            ops/k8s/Dockerfile, ops/systemd/gateway@.service), set for every gateway variant before its ENV_V;
#                            SHIPPED_ENV= runs the bare `dotnet Gateway.Node.dll`. YARP runs with the runtime's defaults.
#   YARP=1                   measure the YARP baseline too (0: gateways only)
#   DURATION=60 SLICE=5      seconds of load after the ingress opens, and the length of one slice
#   STEADY=20                the last STEADY seconds are the steady rate each curve is compared with
#   CONNECTIONS=64           wrk connections (one thread)
#   URL_PATH=/ping           request path
#   READY_TIMEOUT=90         seconds a process may take to open its ingress
#   GAP=3                    idle seconds between two processes
#   R2R=1                    also publish Gateway.Node with ReadyToRun (dotnet publish -r linux-x64
#                            -p:PublishReadyToRun=true, to ops/bench/.r2r/; a plain build is never precompiled) and
#                            measure it as variant r2r (added to VARIANTS unless named there); with DLL_r2r set,
#                            that build is measured and nothing is published
#   SKIP_BUILD=1             reuse the existing Release builds (and the .r2r publish)
#   KEEP_RUNDIR=1            keep the temp dir with configs, process logs and raw wrk output
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR="$ROOT/ops/bench"
# shellcheck source=policies.sh
source "$BENCH_DIR/policies.sh"
# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

VARIANTS=${VARIANTS:-gateway}
YARP=${YARP:-1}
SHIPPED_ENV=${SHIPPED_ENV-$(shipped_env)}
DURATION=${DURATION:-60}
SLICE=${SLICE:-5}
STEADY=${STEADY:-20}
CONNECTIONS=${CONNECTIONS:-64}
URL_PATH=${URL_PATH:-/ping}
READY_TIMEOUT=${READY_TIMEOUT:-90}
GAP=${GAP:-3}
SKIP_BUILD=${SKIP_BUILD:-0}
R2R=${R2R:-0}
R2R_DIR="$BENCH_DIR/.r2r"
KEEP_RUNDIR=${KEEP_RUNDIR:-0}

LOAD_CPU=0
PROXY_CPU=1

YARP_PROJECT="$BENCH_DIR/YarpBaseline/YarpBaseline.csproj"
YARP_DLL="$BENCH_DIR/YarpBaseline/bin/Release/net10.0/YarpBaseline.dll"
GATEWAY_PROJECT="$ROOT/Gateway.Node/Gateway.Node.csproj"
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll"

log() { printf '[coldstart %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in DURATION SLICE STEADY CONNECTIONS READY_TIMEOUT GAP; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer, got '${!v}'"
done
(( SLICE >= 1 && DURATION >= SLICE && STEADY >= SLICE && STEADY <= DURATION )) || die "need 1 <= SLICE <= STEADY <= DURATION"
for v in $VARIANTS; do [[ $v =~ ^[A-Za-z0-9_]+$ ]] || die "variant name '$v' may hold only letters, digits and _"; done
(( $(nproc --all) >= 2 )) || die "needs at least 2 CPUs (load on CPU $LOAD_CPU, proxy on CPU $PROXY_CPU)"
for tool in wrk nginx curl taskset ss dotnet; do command -v "$tool" >/dev/null || die "$tool not found (run.sh installs wrk and nginx)"; done

SLICES=$(( DURATION / SLICE ))
STEADY_SLICES=$(( STEADY / SLICE ))
bench_init coldstart

now_ms() { date +%s%3N; }

# Polls URL every 20 ms (from CPU 0) until it answers 200; prints the milliseconds waited. Fails if PID dies.
wait_open() {
  local name=$1 url=$2 pid=$3 logfile=$4 start deadline
  start=$(now_ms)
  deadline=$(( start + READY_TIMEOUT * 1000 ))
  while (( $(now_ms) < deadline )); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "$name exited before its ingress opened"; }
    if [[ $(taskset -c "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true) == 200 ]]; then
      echo $(( $(now_ms) - start ))
      return 0
    fi
    sleep 0.02
  done
  tail -n 30 "$logfile" >&2
  die "$name did not open its ingress within ${READY_TIMEOUT}s"
}

# Runs SLICES wrk slices back to back against URL; writes one "req/s errors" line per slice to FILE.
curve() {
  local url=$1 file=$2 i out
  : >"$file"
  for i in $(seq "$SLICES"); do
    out="$file.slice-$i"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${SLICE}s" --timeout 5s "$url" >"$out" 2>&1 || true
    awk '/^Requests\/sec:/ { rps = $2 }
         /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
         /Non-2xx or 3xx responses:/ { errors += $NF }
         END { printf "%.0f %d\n", rps + 0, errors + 0 }' "$out" >>"$file"
  done
}

# Percent idle of CPU 0 and CPU 1 over one second, as "idle0 idle1".
core_idle() {
  local a b
  a=$(grep -E '^cpu[01] ' /proc/stat); sleep 1; b=$(grep -E '^cpu[01] ' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN {
    n = split(a, la, "\n"); split(b, lb, "\n")
    for (i = 1; i <= n; i++) {
      split(la[i], x, " "); split(lb[i], y, " "); total = 0
      for (k = 2; k <= 9; k++) total += y[k] - x[k]
      idle[i] = total > 0 ? 100 * ((y[5] - x[5]) + (y[6] - x[6])) / total : 0
    }
    printf "%.0f %.0f\n", idle[1], idle[2]
  }'
}

# ---------------------------------------------------------------- build and upstream

if [[ $SKIP_BUILD != 1 ]]; then
  if [[ $YARP == 1 ]]; then
    log "building YarpBaseline (Release)"
    dotnet build -c Release --nologo -v:q --disable-build-servers "$YARP_PROJECT" >"$RUNDIR/build-yarp.log" 2>&1 \
      || { tail -n 40 "$RUNDIR/build-yarp.log" >&2; die "build of YarpBaseline failed"; }
  fi
  log "building Gateway.Node (Release)"
  dotnet build -c Release --nologo -v:q --disable-build-servers "$GATEWAY_PROJECT" >"$RUNDIR/build-gateway.log" 2>&1 \
    || { tail -n 40 "$RUNDIR/build-gateway.log" >&2; die "build of Gateway.Node failed"; }
fi

if [[ $R2R == 1 ]]; then
  if [[ -z ${DLL_r2r:-} ]] && [[ $SKIP_BUILD != 1 || ! -f $R2R_DIR/Gateway.Node.dll ]]; then
    log "publishing Gateway.Node with ReadyToRun to $R2R_DIR (minutes: crossgen2 compiles every library)"
    dotnet publish "$GATEWAY_PROJECT" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$R2R_DIR" \
      --nologo -v:q --disable-build-servers >"$RUNDIR/publish-r2r.log" 2>&1 \
      || { tail -n 40 "$RUNDIR/publish-r2r.log" >&2; die "ReadyToRun publish failed"; }
  fi
  DLL_r2r=${DLL_r2r:-$R2R_DIR/Gateway.Node.dll}
  [[ " $VARIANTS " == *" r2r "* ]] || VARIANTS+=" r2r"
fi

start_nginx_upstream
wait_open nginx "http://127.0.0.1:$NGINX_PORT$URL_PATH" "$NGINX_PID" "$RUNDIR/nginx-error.log" >/dev/null

read -r IDLE0 IDLE1 <<<"$(core_idle)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "cores idle before start: CPU0 ${IDLE0}%, CPU1 ${IDLE1}%; load average $LOAD_BEFORE"

# ---------------------------------------------------------------- one cold start

declare -a COLUMNS=()
declare -A OPENED_MS=() LABEL=()

# Starts NAME with the command in the remaining arguments (pinned to the proxy CPU), waits for URL, measures the curve,
# stops the process.
measure() {
  local name=$1 url=$2; shift 2
  local pid opened
  log "$name: starting"
  "$@" >"$RUNDIR/$name.log" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  opened=$(wait_open "$name" "$url" "$pid" "$RUNDIR/$name.log")
  log "$name: ingress open ${opened} ms after start; measuring ${SLICES} x ${SLICE}s"
  curve "$url" "$RUNDIR/curve-$name.txt"
  stop_pid "$pid"
  COLUMNS+=("$name")
  OPENED_MS[$name]=$opened
  sleep "$GAP"
}

if [[ $YARP == 1 ]]; then
  [[ -f $YARP_DLL ]] || die "missing $YARP_DLL"
  port=$(pick_port)
  LABEL[yarp]="YARP 2.3"
  measure yarp "http://127.0.0.1:$port$URL_PATH" taskset -c "$PROXY_CPU" dotnet "$YARP_DLL" --urls "http://127.0.0.1:$port" \
    --destination "http://127.0.0.1:$NGINX_PORT"
fi

for v in $VARIANTS; do
  env_var="ENV_$v" dll_var="DLL_$v" args_var="ARGS_$v"
  dll=${!dll_var:-$GATEWAY_DLL}
  [[ -f $dll ]] || die "missing $dll (variant $v)"
  read -r -a extra_env <<<"$SHIPPED_ENV ${!env_var:-}"
  read -r -a extra_args <<<"${!args_var:-}"
  ingress=$(pick_port) admin=$(pick_port)
  bench_gateway_conf "$RUNDIR/$v.conf" "$ingress" "$admin" policies="$v"
  if [[ $v == gateway ]]; then LABEL[$v]="gateway"; else LABEL[$v]="gateway $v"; fi
  LABEL[$v]+="${!env_var:+ (${!env_var})}${!args_var:+ (${!args_var})}"
  measure "$v" "http://127.0.0.1:$ingress$URL_PATH" env "${extra_env[@]}" GATEWAY_DATA_DIR="$RUNDIR/data-$v" \
    GATEWAY_PORT_REMOTE="$(pick_port)" GATEWAY_OPS_PORT=0 taskset -c "$PROXY_CPU" dotnet "$dll" --config "$RUNDIR/$v.conf" "${extra_args[@]}"
done

# ---------------------------------------------------------------- report

# Steady rate of a curve: the mean of its last STEADY_SLICES slices. t90: end of the first slice at >= 90% of it.
summary() {
  awk -v n="$SLICES" -v s="$STEADY_SLICES" -v w="$SLICE" '{ r[NR] = $1; e += $2 } END {
    for (i = n - s + 1; i <= n; i++) steady += r[i]; steady /= s
    t90 = "-"; for (i = 1; i <= n; i++) if (r[i] >= 0.9 * steady) { t90 = i * w; break }
    first = 0; for (i = 1; i <= n && i * w <= 10; i++) first += r[i]; first /= (i - 1)
    printf "%.0f %s %.0f %d\n", steady, t90, (steady > 0 ? 100 * first / steady : 0), e
  }' "$RUNDIR/curve-$1.txt"
}

TABLE="$RUNDIR/table.md"
{
  echo "Cold start $(date -u '+%Y-%m-%d %H:%M UTC') on commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'): req/s per ${SLICE} s slice after the ingress opened."
  echo
  header="| seconds after open |" sep="| --- |"
  for c in "${COLUMNS[@]}"; do header+=" ${LABEL[$c]} |"; sep+=" ---: |"; done
  echo "$header"; echo "$sep"
  for i in $(seq "$SLICES"); do
    row="| $(( (i - 1) * SLICE ))–$(( i * SLICE )) |"
    for c in "${COLUMNS[@]}"; do row+=" $(sed -n "${i}p" "$RUNDIR/curve-$c.txt" | cut -d' ' -f1) |"; done
    echo "$row"
  done
  for what in "steady (mean of last ${STEADY} s)" "first slice at ≥ 90% of steady ends at (s)" "first 10 s, % of steady" "errors" "ingress opened after process start"; do
    row="| $what |"
    for c in "${COLUMNS[@]}"; do
      read -r steady t90 first errors <<<"$(summary "$c")"
      case $what in
        steady*) row+=" $steady |";;
        first\ slice*) row+=" $t90 |";;
        first\ 10*) row+=" $first % |";;
        errors) row+=" $errors |";;
        ingress*) row+=" $(awk -v m="${OPENED_MS[$c]}" 'BEGIN { printf "%.1f s", m / 1000 }') |";;
      esac
    done
    echo "$row"
  done
  echo
  echo "Env: cores idle before start CPU0 ${IDLE0}% / CPU1 ${IDLE1}%; load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg);" \
    "proxy on CPU $PROXY_CPU, nginx and wrk -t1 -c$CONNECTIONS on CPU $LOAD_CPU; path $URL_PATH; gateway: every policy on (ops/bench/policies.sh), environment of the shipped units: ${SHIPPED_ENV:-(none)};" \
    "$(nproc --all) vCPU, .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')."
  if (( IDLE0 < 90 || IDLE1 < 90 )); then
    echo
    echo "WARNING: cores were busy before the run (CPU0 ${IDLE0}% idle, CPU1 ${IDLE1}% idle): another process was using them."
  fi
} >"$TABLE"

echo
cat "$TABLE"
SUCCESS=1
