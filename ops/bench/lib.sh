# Shared by the load scripts in ops/bench (run.sh, alloc.sh, coldstart.sh, memory.sh): the run directory, the
# processes a script starts (each stopped by PID when it exits), free ports, readiness polling and the bench gateway's
# config.
# Sourcing it only defines functions; call them (bench_init NAME first) after defining log and die and setting
# BENCH_DIR, LOAD_CPU, KEEP_RUNDIR and READY_TIMEOUT.

# The environment the shipped image and systemd unit give a node, as "VAR=value VAR2=value" (ops/bench/shipped.env).
shipped_env() { grep -v '^#' "$BENCH_DIR/shipped.env" | xargs; }

# Creates RUNDIR (/tmp/gateway-NAME.XXXXXX) and sets the traps that stop every started process on exit. A script adds
# each PID it starts to STARTED_PIDS and sets SUCCESS=1 at its end (the run directory is then removed unless KEEP_RUNDIR=1).
bench_init() {
  RUNDIR=$(mktemp -d "/tmp/gateway-$1.XXXXXX")
  STARTED_PIDS=()
  SUCCESS=0
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# SIGTERM, up to 15 s to exit (a draining gateway), then SIGKILL.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  if [[ $SUCCESS == 1 && $KEEP_RUNDIR != 1 ]]; then rm -rf "$RUNDIR"; else log "configs and process logs kept in $RUNDIR"; fi
}

# A free TCP port on 127.0.0.1 that this run has not handed out yet, below the kernel's ephemeral range
# (net.ipv4.ip_local_port_range, 32768-60999 by default): a port picked inside it could be taken as the source port of
# an outgoing connection (a node's warm-up makes thousands) before the node binds it, as happened once to a node whose
# ingress opens ~20 s after the pick.
PICKED_PORTS=()
pick_port() {
  local port low
  low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  (( low > 20000 + 2000 )) || low=32768
  for _ in $(seq 200); do
    port=$(( 20000 + RANDOM % (low - 20000) ))
    [[ " ${PICKED_PORTS[*]} " == *" $port "* ]] && continue
    if [[ -z $(ss -Htan "( sport = :$port )" 2>/dev/null) ]]; then PICKED_PORTS+=("$port"); echo "$port"; return 0; fi
  done
  die "no free port found on 127.0.0.1"
}

# The nginx upstream (nginx.conf.template: 200 {"message":"pong"} on every path, one worker) on a free port, pinned to
# LOAD_CPU with the load generator; sets NGINX_PORT and NGINX_PID. The caller waits for it to answer.
start_nginx_upstream() {
  NGINX_PORT=$(pick_port)
  sed -e "s#@PORT@#$NGINX_PORT#g" -e "s#@RUNDIR@#$RUNDIR#g" "$BENCH_DIR/nginx.conf.template" >"$RUNDIR/nginx.conf"
  taskset -c "$LOAD_CPU" nginx -p "$RUNDIR" -e "$RUNDIR/nginx-error.log" -c "$RUNDIR/nginx.conf" >"$RUNDIR/nginx.out" 2>&1 &
  NGINX_PID=$!
  STARTED_PIDS+=("$NGINX_PID")
}

# Polls URL until it answers 200, for at most READY_TIMEOUT seconds; fails early if PID died (wait_for_200 NAME URL PID LOG).
wait_for_200() {
  local name=$1 url=$2 pid=$3 logfile=$4 deadline code
  deadline=$(( SECONDS + READY_TIMEOUT ))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      die "$name did not start"
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ $code == 200 ]] && return 0
    sleep 0.5
  done
  log "$name not ready after ${READY_TIMEOUT}s ($url last answered '${code:-nothing}'); last lines of $logfile:"
  tail -n 30 "$logfile" >&2 || true
  die "$name not ready"
}

# Writes the bench gateway's config to FILE (bench_gateway_conf FILE INGRESS_PORT ADMIN_PORT [OPTION...]): ingress and
# admin on 127.0.0.1, logging at Warning, one upstream "bench" on the nginx upstream (NGINX_PORT) and the catch-all
# route "all". Options:
#   node=HOCON      more HOCON inside gateway { } (e.g. an access log)
#   policies=NAME   every policy of policies.sh (sourced by the caller) on the catch-all route and its upstream, the
#                   access log to RUNDIR/access-NAME.log
#   cached          a second route, /cached/{**rest} to the same upstream with the prefix stripped and the response
#                   cache on (nginx sends no Cache-Control, so the route gives its responses an hour)
bench_gateway_conf() {
  local file=$1 ingress=$2 admin=$3 opt node="" upstream="" route="" cached=""
  shift 3
  for opt in "$@"; do
    case $opt in
      node=*) node+="${opt#node=}"$'\n';;
      policies=*)
        node+="$(policies_node_hocon "${opt#policies=}")"$'\n'
        upstream=", $POLICIES_UPSTREAM_HOCON"
        route=", $POLICIES_ROUTE_HOCON";;
      cached) cached='{ id = cached, path = "/cached/{**rest}", upstream = bench, rewrite { strip-prefix = "/cached" }
      cache { default-ttl = 1h } }';;
      *) die "bench_gateway_conf: unknown option '$opt'";;
    esac
  done
  cat >"$file" <<EOF
gateway {
  ingress { hostname = "127.0.0.1", port = $ingress }
  admin { hostname = "127.0.0.1", port = $admin }
  logging { level = Warning }
  $node
  upstreams = [ { name = bench, endpoints = [ { url = "http://127.0.0.1:$NGINX_PORT" } ]$upstream } ]
  routes = [
    { id = all, path = "/{**rest}", upstream = bench$route }
    $cached
  ]
}
EOF
}

# Prints "anon executable dll so otherfile" (kB of RSS) from an smaps file (/proc/PID/smaps or a copy of it).
smaps_split() {
  awk '
    /^[0-9a-f]+-[0-9a-f]+ / { perms = $2; path = ""; for (i = 6; i <= NF; i++) path = path (i > 6 ? " " : "") $i; next }
    $1 == "Rss:" {
      # Executable memory the runtime allocates (JIT code, stubs, precode): the W^X double mapping, or anonymous
      # executable mappings when W^X is off.
      if (path ~ /doublemapper/ || ((path == "" || path ~ /^\[anon/) && perms ~ /x/)) c = "dm"
      else if (path == "" || path ~ /^\[/) c = "anon"
      else if (path ~ /\.dll$/) c = "dll"
      else if (path ~ /\.so(\.[0-9.]+)?$/) c = "so"
      else c = "other"
      s[c] += $2
    }
    END { printf "%d %d %d %d %d\n", s["anon"], s["dm"], s["dll"], s["so"], s["other"] }' "$1"
}
