#!/usr/bin/env bash
# Benchmarks the interactions service's timelines on the local infrastructure and prints figures
# (services/interactions/bench/interactions-bench.mjs says what each one measures):
#  1. ingest: the rate at which the timeline consumers store a burst of ENTRIES (default 10 000)
#     interaction.logged events about one contact and ENTRIES/5 contact.created events, published
#     as the producers would, and each event's publish-to-timeline time in that burst;
#  2. latency: publish-to-timeline p50/p99 of LATENCY_EVENTS (default 2 000) events published at
#     half the burst rate;
#  3. reads: the timeline of the contact with ENTRIES entries, the first page and page DEEP_PAGE
#     (default 150) by its cursor, p50/p99 over READS (default 200) reads each.
# The service runs as a process on a fresh database, dropped at the end.
#   ENTRIES=10000 LATENCY_EVENTS=2000 READS=200 DEEP_PAGE=150 scripts/bench-interactions.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --filter=@crm/interactions... --output-logs=errors-only >&2

export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
export MONGODB_DATABASE="crm_interactions_bench_$(date +%s)"
BENCH_GRPC_PORT="${BENCH_GRPC_PORT:-50076}"
BENCH_OPS_PORT="${BENCH_OPS_PORT:-9476}"
service=""
finish() {
  [ -n "$service" ] && kill "$service" 2>/dev/null
  wait 2>/dev/null
  (cd services/interactions && node -e '
    const mongoose = require("mongoose");
    mongoose.createConnection(process.env.MONGODB_URL, { dbName: process.env.MONGODB_DATABASE }).asPromise()
      .then((c) => c.dropDatabase().finally(() => c.close()));') || true
}
trap finish EXIT

log "starting the interactions service on $MONGODB_DATABASE"
(cd services/interactions && GRPC_PORT=$BENCH_GRPC_PORT OPS_PORT=$BENCH_OPS_PORT REDIS_KEY_PREFIX="$MONGODB_DATABASE:" \
  CONSUMER_GROUP="$MONGODB_DATABASE" CONSUMER_START=new LOG_LEVEL=warn \
  exec node "${SERVICE_NODE_FLAGS[@]}" --require @crm/kit/telemetry dist/main.js) >>"$DATA/logs/interactions-bench.log" 2>&1 &
service=$!
for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null || die "the interactions service did not start (see $DATA/logs/interactions-bench.log)"

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd services/interactions && INTERACTIONS_ADDRESS="127.0.0.1:$BENCH_GRPC_PORT" node bench/interactions-bench.mjs)
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
