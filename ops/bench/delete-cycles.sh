#!/usr/bin/env bash
# Deletes as strong as upserts, proved with thousands of cycles (issue 15, item 3).
#
#   ops/bench/delete-cycles.sh [CYCLES] [IDS]     (defaults: 2000 cycles over 25 route ids)
#
# Starts a 3-node local cluster with ops/cluster.sh (its own run directory and ports, GATEWAY_PORT_OFFSET default 600, so
# it runs beside a cluster on the default ports), then runs CYCLES admin writes: each a PUT or a DELETE (half each) of a
# route id drawn at random from IDS ids, sent to a node drawn at random, so put/delete/put sequences of one id hop
# between nodes. A model holds what the cluster must hold. After every answer, every node is checked at once:
#   - after a 2xx DELETE (or a 404 for an id the model says is absent): no node's admin read (GET /admin/routes/ID) or
#     ingress (GET /dc-ID/x) still serves the route; each node that does is a stale read (a lost delete if it lasts);
#   - after a 2xx PUT whose Gateway-Propagated header says n/n: every node's admin read and ingress serve it.
# Any other answer (5xx, a 2xx PUT with fewer than n/n propagated) is counted and the model takes what the owner says
# (a GET through the writing node). At the end, after GATEWAY_CYCLES_SETTLE seconds (default 10), every node's
# /admin/routes must equal the model: an id listed that the model deleted is a lost delete, one missing a lost put.
# Prints the counts and the duration; exits 1 when any check failed. GATEWAY_CYCLES_SEED fixes the random sequence.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CYCLES="${1:-2000}"
IDS="${2:-25}"
NODES=3
export GATEWAY_PORT_OFFSET="${GATEWAY_PORT_OFFSET:-600}"
export GATEWAY_RUN_DIR="${GATEWAY_RUN_DIR:-$(mktemp -d /tmp/gateway-cycles-XXXXXX)}"
CLUSTER="$ROOT/ops/cluster.sh"

trap "exit 130" INT TERM
cleanup() { "$CLUSTER" down "$NODES" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "machine: $(nproc) cores; $(uptime | sed 's/.*load/load/')"
"$CLUSTER" up "$NODES"

python3 - "$CYCLES" "$IDS" "$GATEWAY_PORT_OFFSET" "${GATEWAY_CYCLES_SETTLE:-10}" "${GATEWAY_CYCLES_SEED:-}" <<'PY'
import http.client, json, random, sys, time
cycles, ids, offset, settle, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
nodes = 3
admin = [offset + 8081 + 10 * i for i in range(nodes)]
ingress = [offset + 8080 + 10 * i for i in range(nodes)]
rng = random.Random(int(seed) if seed else None)

def call(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); c.close()
    return r.status, r.getheader("Gateway-Propagated"), data

def route(k): return f"dc-{k}"
def served(i, k):
    """(admin read shows it, ingress serves it) on node i."""
    a = call(admin[i], "GET", f"/admin/routes/{route(k)}")[0]
    g = call(ingress[i], "GET", f"/{route(k)}/x")[0]
    if a not in (200, 404): raise SystemExit(f"node {i}: admin read of {route(k)} answered {a}")
    return a == 200, g != 404

# The upstream first; a freshly started node may still answer 503 (not synced, or a write refused under load): retry.
deadline = time.time() + 60
while (status := call(admin[0], "PUT", "/admin/upstreams/dc-echo", {"endpoints": [f"http://127.0.0.1:{offset + 8085}"]})[0]) not in (200, 201):
    if time.time() > deadline: raise SystemExit(f"creating the upstream answered {status} for 60 s")
    time.sleep(1)
model = {}  # id -> present
counts = dict(put_ok=0, put_partial=0, delete_ok=0, delete_absent=0, refused=0, stale_after_delete=0, missing_after_put=0)
stale = []
started = time.time()
for n in range(cycles):
    k, i = rng.randrange(ids), rng.randrange(nodes)
    if rng.random() < 0.5:
        st, prop, body = call(admin[i], "PUT", f"/admin/routes/{route(k)}",
                              {"path": f"/{route(k)}/{{**rest}}", "upstream": "dc-echo", "timeout": f"{1 + n % 7}s"})
        if st in (200, 201):
            model[k] = True
            if prop == f"{nodes}/{nodes}":
                counts["put_ok"] += 1
                for j in range(nodes):
                    a, g = served(j, k)
                    if not (a and g):
                        counts["missing_after_put"] += 1; stale.append((n, "put", k, i, j, a, g))
            else: counts["put_partial"] += 1
        else:
            counts["refused"] += 1
            model[k] = call(admin[i], "GET", f"/admin/routes/{route(k)}")[0] == 200
    else:
        st, prop, body = call(admin[i], "DELETE", f"/admin/routes/{route(k)}")
        if st == 204 or (st == 404 and not model.get(k)):
            model[k] = False
            counts["delete_ok" if st == 204 else "delete_absent"] += 1
            for j in range(nodes):
                a, g = served(j, k)
                if a or g:
                    counts["stale_after_delete"] += 1; stale.append((n, "delete", k, i, j, a, g))
        else:
            counts["refused"] += 1; print(f"cycle {n}: DELETE {route(k)} on node {i} answered {st}: {body[:200]!r}")
            model[k] = call(admin[i], "GET", f"/admin/routes/{route(k)}")[0] == 200
    if (n + 1) % 250 == 0: print(f"  {n + 1} cycles, {time.time() - started:.0f} s", flush=True)
duration = time.time() - started
time.sleep(settle)
expected = sorted(route(k) for k, present in model.items() if present)
lost_deletes = lost_puts = 0
for j in range(nodes):
    st, _, body = call(admin[j], "GET", "/admin/routes")
    listed = sorted(r["id"] for r in json.loads(body) if r["id"].startswith("dc-")) if st == 200 else None
    if listed != expected:
        extra = sorted(set(listed or []) - set(expected)); missing = sorted(set(expected) - set(listed or []))
        lost_deletes += len(extra); lost_puts += len(missing)
        print(f"node {j}: /admin/routes ({st}) differs from the model: listed but deleted {extra}, missing {missing}")
    for k, present in model.items():
        if call(ingress[j], "GET", f"/{route(k)}/x")[0] != 404 and not present:
            lost_deletes += 1; print(f"node {j}: ingress still serves deleted {route(k)} {settle:.0f} s after the last cycle")
for s in stale[:20]: print("  stale: cycle %d %s %s via node %d, node %d: admin %s ingress %s" % (s[0], s[1], route(s[2]), s[3], s[4], s[5], s[6]))
print(f"{cycles} cycles over {ids} ids in {duration:.0f} s ({cycles / duration:.1f}/s): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
print(f"end state after {settle:.0f} s: {len(expected)} routes expected; lost deletes {lost_deletes}, lost puts {lost_puts}")
sys.exit(1 if lost_deletes or lost_puts or counts["stale_after_delete"] or counts["missing_after_put"] else 0)
PY
