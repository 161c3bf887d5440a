#!/usr/bin/env bash
# A local gateway cluster on loopback: node i (from 0) listens on ingress 8080+10i, admin 8081+10i, Akka remote
# 4053+i, pbm 9110+i, sample echo upstream 8085+10i. Nodes 0-2 are the seeds; all share one SQLite journal.
#
#   ops/cluster.sh up [N]      start nodes 0..N-1 (default 3) that are not running; wait until each is Up and ready
#   ops/cluster.sh status [N]  each node's pid, member status (Up, Leaving, ...) and address, from its /readyz
#   ops/cluster.sh down [N]    drain every node (SIGTERM; kill -9 after GATEWAY_STOP_TIMEOUT seconds), highest first
#   ops/cluster.sh start I     start node I alone (e.g. after 'stop I', or a new node I = N to scale out)
#   ops/cluster.sh stop I      drain node I alone (SIGTERM) and wait for it to exit
#
# Environment: GATEWAY_RUN_DIR (pid files, logs, journal; default ops/.run), GATEWAY_NODE_DLL (default: the Release
# build of Gateway.Node, built when missing), GATEWAY_UP_TIMEOUT (seconds to wait for Up, default 90),
# GATEWAY_STOP_TIMEOUT (default 45: the drain timeout, 30 s, plus the leave), GATEWAY_PORT_OFFSET (added to every
# port above, default 0, to run a second local cluster beside the first), GATEWAY_BOOTSTRAP=on (no seed list: the nodes
# find each other by Akka.Management's Cluster.Bootstrap with config discovery, probing each node's contact point on
# port 8558+i; the first three form the cluster, later nodes join it the same way), GATEWAY_NODE_ARGS (more arguments
# for every node, e.g. "--set gateway.logging.level=Debug").
#
# Each node logs to RUN/node-I.log; a restarted node appends to it after a line marking the restart, so the log of a
# node that crashed survives its restart.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN="${GATEWAY_RUN_DIR:-$ROOT/ops/.run}"
DLL="${GATEWAY_NODE_DLL:-$ROOT/Gateway.Node/bin/Release/net10.0/Gateway.Node.dll}"
UP_TIMEOUT="${GATEWAY_UP_TIMEOUT:-90}"
STOP_TIMEOUT="${GATEWAY_STOP_TIMEOUT:-45}"
OFFSET="${GATEWAY_PORT_OFFSET:-0}"

ingress_port() { echo $((OFFSET + 8080 + 10 * $1)); }
admin_port() { echo $((OFFSET + 8081 + 10 * $1)); }
echo_port() { echo $((OFFSET + 8085 + 10 * $1)); }
remote_port() { echo $((OFFSET + 4053 + $1)); }
ops_port() { echo $((OFFSET + 9110 + $1)); }
management_port() { echo $((OFFSET + 8558 + $1)); }
# Bootstrap's config discovery: the management ports of nodes 0..max(2, I) (the three that form the cluster, and I).
bootstrap_args() {
  local i=$1 last=$(( $1 > 2 ? $1 : 2 )) endpoints="" j
  for j in $(seq 0 "$last"); do endpoints="$endpoints${endpoints:+,}\"127.0.0.1:$(management_port "$j")\""; done
  echo "--set gateway.cluster-bootstrap.enabled=on --set akka.management.http.hostname=127.0.0.1 --set akka.management.http.port=$(management_port "$i")"
  echo "--set akka.management.cluster.bootstrap.contact-point-discovery.discovery-method=config"
  echo "--set akka.management.cluster.bootstrap.contact-point-discovery.service-name=gateway"
  echo "--set akka.management.cluster.bootstrap.contact-point-discovery.port-name=management"
  echo "--set akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr=3"
  echo "--set akka.management.cluster.bootstrap.contact-point-discovery.stable-margin=1s"
  echo "--set akka.discovery.config.services.gateway.endpoints=[$endpoints]"
}
SEEDS="akka.tcp://gateway@127.0.0.1:$(remote_port 0),akka.tcp://gateway@127.0.0.1:$(remote_port 1),akka.tcp://gateway@127.0.0.1:$(remote_port 2)"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

pid_of() { cat "$RUN/node-$1.pid" 2>/dev/null || true; }
running() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Every node index with a pid file, or 0..N-1 when N is given.
nodes() {
  if [ -n "${1:-}" ]; then seq 0 $(($1 - 1)); return; fi
  ls "$RUN"/node-*.pid 2>/dev/null | sed 's/.*node-\([0-9]*\)\.pid/\1/' | sort -n || true
}

readyz() { curl -s --max-time 2 "http://127.0.0.1:$(admin_port "$1")/readyz" || true; }
field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"; }

start_node() {
  local i=$1
  if running "$i"; then echo "node $i: already running (pid $(pid_of "$i"))"; return; fi
  mkdir -p "$RUN/data"
  local seeds="${GATEWAY_SEEDS:-$SEEDS}" extra=()
  if [ "${GATEWAY_BOOTSTRAP:-off}" = on ]; then seeds=""; read -r -d '' -a extra < <(bootstrap_args "$i") || true; fi
  echo "===== node $i starting at $(date -u '+%Y-%m-%dT%H:%M:%SZ') (ops/cluster.sh) =====" >>"$RUN/node-$i.log"
  # shellcheck disable=SC2086 # GATEWAY_NODE_ARGS is a list of words
  GATEWAY_INGRESS_PORT=$(ingress_port "$i") GATEWAY_ADMIN_PORT=$(admin_port "$i") GATEWAY_PORT_REMOTE=$(remote_port "$i") \
  GATEWAY_OPS_PORT=$(ops_port "$i") GATEWAY_HOSTNAME=127.0.0.1 GATEWAY_SEEDS="$seeds" GATEWAY_DATA_DIR="$RUN/data" \
    nohup dotnet "$DLL" --config "$ROOT/hocon/cluster.local.conf" --set "gateway.sample.echo-port=$(echo_port "$i")" "${extra[@]}" \
    ${GATEWAY_NODE_ARGS:-} >>"$RUN/node-$i.log" 2>&1 </dev/null &
  echo $! >"$RUN/node-$i.pid"
  echo "node $i: started (pid $!, ingress $(ingress_port "$i"), admin $(admin_port "$i"), pbm $(ops_port "$i"), log $RUN/node-$i.log)"
}

wait_ready() {
  local i=$1 deadline=$((SECONDS + UP_TIMEOUT)) body
  while :; do
    body="$(readyz "$i")"
    if [ "$(field "$body" ready)" = true ]; then echo "node $i: $(field "$body" member) $(field "$body" address)"; return 0; fi
    if ! running "$i"; then echo "node $i: exited; last log lines:" >&2; tail -n 20 "$RUN/node-$i.log" >&2; return 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "node $i: not ready after ${UP_TIMEOUT}s: ${body:-no answer}" >&2; return 1; fi
    sleep 0.5
  done
}

stop_node() {
  local i=$1 pid deadline
  pid="$(pid_of "$i")"
  if ! running "$i"; then rm -f "$RUN/node-$i.pid"; echo "node $i: not running"; return; fi
  kill -TERM "$pid"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    echo "node $i: killed after ${STOP_TIMEOUT}s without exiting"
  else
    echo "node $i: drained and stopped"
  fi
  rm -f "$RUN/node-$i.pid"
}

ensure_built() {
  if [ ! -f "$DLL" ]; then
    echo "building Gateway.Node (Release)..."
    dotnet build "$ROOT/Gateway.Node" -c Release --nologo -v quiet >/dev/null
  fi
}

number() { [[ "${1:-}" =~ ^[0-9]+$ ]] || usage; }

command="${1:-}"
case "$command" in
  up)
    n="${2:-3}"; number "$n"; [ "$n" -ge 1 ] || usage
    ensure_built
    mkdir -p "$RUN"
    # The first seed first: the others join it as soon as it is Up.
    for i in $(seq 0 $((n - 1))); do start_node "$i"; done
    failed=0
    for i in $(seq 0 $((n - 1))); do wait_ready "$i" || failed=1; done
    exit $failed
    ;;
  start)
    number "${2:-}"; ensure_built; mkdir -p "$RUN"; start_node "$2"; wait_ready "$2"
    ;;
  stop)
    number "${2:-}"; stop_node "$2"
    ;;
  down)
    [ -z "${2:-}" ] || number "$2"
    for i in $(nodes "${2:-}" | sort -rn); do stop_node "$i"; done
    ;;
  status)
    [ -z "${2:-}" ] || number "$2"
    printf '%-5s %-8s %-9s %-6s %-9s %-8s %s\n' NODE PID MEMBER READY DRAINING MEMBERS ADDRESS
    for i in $(nodes "${2:-}"); do
      if running "$i"; then
        body="$(readyz "$i")"
        printf '%-5s %-8s %-9s %-6s %-9s %-8s %s\n' "$i" "$(pid_of "$i")" "$(field "$body" member)" "$(field "$body" ready)" \
          "$(field "$body" draining)" "$(field "$body" members)" "$(field "$body" address)"
      else
        printf '%-5s %-8s %-9s %-6s %-9s %-8s %s\n' "$i" - stopped - - - "akka.tcp://gateway@127.0.0.1:$(remote_port "$i")"
      fi
    done
    ;;
  *) usage ;;
esac
