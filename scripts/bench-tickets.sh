#!/usr/bin/env bash
# Benchmarks the support-tickets service on the local infrastructure and prints figures
# (services/support-tickets/bench/tickets-bench.mjs says what each one measures), for one tenant
# of TICKETS tickets (default 100 000) of which OPEN are open (default 10 000):
#  1. the time to recalculate the open tickets' SLA deadlines after a calendar change;
#  2. the breach scan: the SLA scheduler announcing every warning and breach due in that backlog,
#     and an idle pass;
#  3. the ticket queue (open, by priority, first page) p50/p99 over gRPC, READS reads (default 200).
# The tickets are seeded in bulk with the service's own domain and store code into
# crm_support_tickets_bench_<TICKETS>, which is kept: later runs reuse it (RESEED=1 seeds again).
#   TICKETS=100000 OPEN=10000 READS=200 scripts/bench-tickets.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --filter=@crm/support-tickets... --output-logs=errors-only >&2

export TICKETS="${TICKETS:-100000}" OPEN="${OPEN:-10000}"
export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
export MONGODB_DATABASE="crm_support_tickets_bench_${TICKETS}"
BENCH_GRPC_PORT="${BENCH_GRPC_PORT:-50073}"
BENCH_OPS_PORT="${BENCH_OPS_PORT:-9473}"
service=""
finish() {
  [ -n "$service" ] && kill "$service" 2>/dev/null
  wait 2>/dev/null
}
trap finish EXIT

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd services/support-tickets && node --max-old-space-size=2048 bench/tickets-bench.mjs store)

log "starting the support-tickets service on $MONGODB_DATABASE (its scheduler asleep: nothing is due any more)"
(cd services/support-tickets && GRPC_PORT=$BENCH_GRPC_PORT OPS_PORT=$BENCH_OPS_PORT REDIS_KEY_PREFIX="$MONGODB_DATABASE:" \
  CONSUMER_GROUP="$MONGODB_DATABASE" CONSUMER_START=new LOG_LEVEL=warn \
  exec node "${SERVICE_NODE_FLAGS[@]}" --require @crm/kit/telemetry dist/main.js) >>"$DATA/logs/support-tickets-bench.log" 2>&1 &
service=$!
for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null || die "the support-tickets service did not start (see $DATA/logs/support-tickets-bench.log)"
(cd services/support-tickets && SUPPORT_TICKETS_ADDRESS="127.0.0.1:$BENCH_GRPC_PORT" node bench/tickets-bench.mjs queue)
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
