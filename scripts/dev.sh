#!/usr/bin/env bash
# Starts the whole platform locally: installs what is missing, starts the infrastructure, builds,
# runs every registered service (packages/registry/services.json) and then the gateway, seeds demo
# data on first start, prints the URLs. Ctrl-C stops everything, infrastructure included (unless
# it was already running when dev.sh started: then it is left to whoever started it).
# A second platform beside this one: PORT_OFFSET=200 moves every registered port (and
# GATEWAY_PORT's default) by 200; give it other infrastructure ports too (scripts/infra.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_deps
started_infra=false
infra_running || started_infra=true
bash "$ROOT/scripts/infra.sh" start >/dev/null
source "$DATA/infra.env"

log "building"
(cd "$ROOT" && pnpm exec turbo run build --output-logs=errors-only >/dev/null)

# Development secrets; a real installation sets its own (see charts/).
export AUTH_JWT_SECRET="${AUTH_JWT_SECRET:-local-development-jwt-secret-0123456789}"
export IDENTITY_SIGNING_KEY="${IDENTITY_SIGNING_KEY:-local-development-identity-key-0123456789}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
PORT_OFFSET="${PORT_OFFSET:-0}"
LOGS="$DATA/logs"
PIDS=()

stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Each process drains within its grace period; one still running after 20 s is killed, so
  # that no stale process keeps a port for the next start.
  for _ in $(seq 1 200); do
    local running=false
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && running=true; done
    $running || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "$started_infra" = true ]; then bash "$ROOT/scripts/infra.sh" stop; else log "infrastructure left running (it was running before)"; fi
}
# Ctrl-C or SIGTERM: a requested stop, which ends the script here.
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

run() { # name ops-port main-port dir env...
  local name="$1" ops="$2" main="$3" dir="$4" flags=("${SERVICE_NODE_FLAGS[@]}"); shift 4
  [ "$name" = gateway ] && flags=("${GATEWAY_NODE_FLAGS[@]}")
  # Another platform (or a stale process) on these ports would answer for this one.
  for port in "$ops" "$main"; do port_open "$port" && die "port $port is taken by another process; stop it first"; done
  (cd "$ROOT/$dir" && exec env "$@" node "${flags[@]}" --require @crm/kit/telemetry dist/main.js) >>"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$ops/readyz" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 30 "$LOGS/$name.log" >&2; die "$name did not become ready"; }
    kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -n 30 "$LOGS/$name.log" >&2; die "$name exited"; }
    sleep 0.3
  done
  log "$name ready (log: $LOGS/$name.log)"
}

# The registry, checked by its loader: a "gateway <port> <ops>" line, then "<name> <grpc> <ops> <address variable>" per service.
mapfile -t REGISTRY < <(node -e '
  const { gateway, services } = require(process.argv[1]).loadRegistry();
  console.log(`gateway ${gateway.port} ${gateway.opsPort}`);
  for (const s of services) console.log(`${s.name} ${s.grpcPort} ${s.opsPort} ${s.addressEnv}`);
' "$ROOT/packages/registry")
[ "${#REGISTRY[@]}" -gt 1 ] || die "could not read the service registry (packages/registry/services.json)"
read -r _ gateway_port gateway_ops <<<"${REGISTRY[0]}"
GATEWAY_PORT="${GATEWAY_PORT:-$((gateway_port + PORT_OFFSET))}"
GATEWAY_OPS=$((gateway_ops + PORT_OFFSET))
# Every service's address, given to the gateway and to each service (the consent service asks
# every one of them for its part of an access request).
ADDRESSES=()
for entry in "${REGISTRY[@]:1}"; do
  read -r name grpc ops address_env <<<"$entry"
  ADDRESSES+=("$address_env=127.0.0.1:$((grpc + PORT_OFFSET))")
done
METRICS="http://127.0.0.1:$GATEWAY_OPS/metrics (gateway)"
for entry in "${REGISTRY[@]:1}"; do
  read -r name grpc ops address_env <<<"$entry"
  grpc=$((grpc + PORT_OFFSET)) ops=$((ops + PORT_OFFSET))
  run "$name" "$ops" "$grpc" "services/$name" SERVICE_NAME="$name" GRPC_PORT="$grpc" OPS_PORT="$ops" "${ADDRESSES[@]}"
  METRICS+=", http://127.0.0.1:$ops/metrics ($name)"
done
run gateway "$GATEWAY_OPS" "$GATEWAY_PORT" gateway SERVICE_NAME=gateway PORT="$GATEWAY_PORT" OPS_PORT="$GATEWAY_OPS" "${ADDRESSES[@]}"

TOKEN="$(cd "$ROOT/gateway" && node dist/dev-token.js demo admin)"
API="http://127.0.0.1:$GATEWAY_PORT"
if [ ! -f "$DATA/seeded" ]; then
  bash "$ROOT/scripts/seed.sh" "$API" "$TOKEN" && touch "$DATA/seeded"
fi

cat <<MSG

  CRM platform is running.
    API:        $API/v1
    Reference:  $API/docs   (OpenAPI: $API/openapi.json)
    Metrics:    $METRICS

  For the README's tour, paste:
    export API=$API TOKEN=$TOKEN

  Try it:
    curl -s -H "Authorization: Bearer $TOKEN" "$API/v1/contacts?limit=5&orderBy=familyName"

  Press Ctrl-C to stop everything.
MSG
wait -n "${PIDS[@]}" || true
# Only reached when a process ended on its own: a stop requested with Ctrl-C exits in its trap.
log "a process exited; see $LOGS"
exit 1
