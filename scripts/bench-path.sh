#!/usr/bin/env bash
# The request-path benchmark: what the gateway hop costs, CPU and memory per process, event latency.
# Starts the infrastructure (if it is not running), contacts, the gateway and two single-process
# express + mongoose baselines (deploy/bench/path/baseline.mjs, without and with a Redis cache) on
# free ports, with a database of their own; seeds, then measures every target in interleaved
# rounds with k6 (deploy/bench/path/run.mjs) and prints one table. Stops what it started.
#   ROUNDS=10 DURATION=4s VUS=8 CONTACTS=2000 SOAK=50000 EVENT_RATE=500 scripts/bench-path.sh
#   PROFILE=1 also writes CPU profiles and, on SIGUSR2, heap snapshots of contacts and the gateway.
#   SERVICE_NODE_FLAGS="…" / GATEWAY_NODE_FLAGS="…" replace scripts/lib.sh's V8 flags of contacts / the gateway.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
ensure_go_tool k6 go.k6.io/k6@v1.8.1
started_infra=false
infra_running || started_infra=true
bash "$ROOT/scripts/infra.sh" start >/dev/null
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm exec turbo run build --filter=@crm/contacts... --filter=@crm/gateway... --output-logs=errors-only >&2

run="$(date +%s)"
work="$DATA/bench-path/$run"
mkdir -p "$work"
export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
export AUTH_JWT_SECRET="bench-jwt-secret-of-sufficient-length-00000000"
database="crm_path_bench_$run"
tenant="bench"
profile_flags=()
[ "${PROFILE:-}" = 1 ] && profile_flags=(--cpu-prof --cpu-prof-dir="$work/profiles" --heapsnapshot-signal=SIGUSR2 --diagnostic-dir="$work/profiles")
read -r grpc_port contacts_ops gateway_port gateway_ops < <(node -e '
  const net = require("node:net");
  Promise.all([0, 1, 2, 3].map(() => new Promise((resolve) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); })))
    .then((ports) => console.log(ports.join(" ")));')

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ "$started_infra" = true ] && bash "$ROOT/scripts/infra.sh" stop >/dev/null 2>&1
  true
}
trap stop_all EXIT

start() { # name dir ops-port env... -- command...
  local name="$1" dir="$2" ops="$3"; shift 3
  (cd "$ROOT/$dir" && exec env "$@") >>"$work/$name.log" 2>&1 &
  pids+=($!)
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$ops/readyz" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] && kill -0 "${pids[-1]}" 2>/dev/null || { tail -n 30 "$work/$name.log" >&2; die "$name did not start"; }
    sleep 0.3
  done
}
start contacts services/contacts "$contacts_ops" SERVICE_NAME=contacts GRPC_PORT="$grpc_port" OPS_PORT="$contacts_ops" \
  MONGODB_DATABASE="$database" REDIS_KEY_PREFIX="$database" CONSUMER_GROUP="$database" \
  node "${SERVICE_NODE_FLAGS[@]}" "${profile_flags[@]}" --require @crm/kit/telemetry dist/main.js
contacts_pid=${pids[-1]}
# Rate limits stay on (each request still takes its token in Redis), high enough for the load.
start gateway gateway "$gateway_ops" SERVICE_NAME=gateway PORT="$gateway_port" OPS_PORT="$gateway_ops" CONTACTS_ADDRESS="127.0.0.1:$grpc_port" \
  MONGODB_DATABASE="${database}_gateway" REDIS_KEY_PREFIX="${database}_gateway:" CONSUMER_GROUP="${database}_gateway" RATE_LIMIT_PER_MINUTE=1000000000 \
  node "${GATEWAY_NODE_FLAGS[@]}" "${profile_flags[@]}" --require @crm/kit/telemetry dist/main.js
gateway_pid=${pids[-1]}

baseline() { # name cache: starts one, leaves its port in $port
  (cd "$ROOT/deploy/bench/path" && exec env PORT=0 MONGODB_DATABASE="$database" TENANT="$tenant" CACHE="$2" node baseline.mjs) >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '"port"' "$work/$1.log" 2>/dev/null && break; sleep 0.2; done
  port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/$1.log" | head -n 1)"
}
baseline baseline none
baseline_port="$port" baseline_pid=${pids[-1]}
baseline baseline-cached redis
baseline_cached_port="$port" baseline_cached_pid=${pids[-1]}
[ -n "$baseline_port" ] && [ -n "$baseline_cached_port" ] || die "a baseline did not start (see $work)"

log "contacts :$grpc_port, gateway :$gateway_port, baselines :$baseline_port :$baseline_cached_port; logs and results in $work"
process_pids="gateway=$gateway_pid,contacts=$contacts_pid,baseline=$baseline_pid,base-cache=$baseline_cached_pid"
for name in redis storage nats; do # infrastructure started here or by infra.sh before (not a MONGODB_URL)
  [ -f "$DATA/run/$name.pid" ] && kill -0 "$(cat "$DATA/run/$name.pid")" 2>/dev/null && process_pids+=",$name=$(cat "$DATA/run/$name.pid")"
done
token="$(cd gateway && node dist/dev-token.js "$tenant" admin)"
cd deploy/bench/path
K6="$TOOLS/bin/k6" WORK="$work" MONGODB_DATABASE="$database" RUN="$run" TENANT="$tenant" TOKEN="$token" PROTO_ROOT="$ROOT/proto" \
  GATEWAY_URL="http://127.0.0.1:$gateway_port" CONTACTS_ADDRESS="127.0.0.1:$grpc_port" \
  BASELINE_URL="http://127.0.0.1:$baseline_port" BASELINE_CACHED_URL="http://127.0.0.1:$baseline_cached_port" \
  PIDS="$process_pids" \
  node run.mjs | tee "$work/table.txt"
