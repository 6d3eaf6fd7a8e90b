#!/usr/bin/env bash
# Benchmarks the sales-pipeline service on the local infrastructure and prints figures
# (services/sales-pipeline/bench/sales-bench.mjs says what each one measures):
#  1. seed: DEALS deals (default 50 000) in one pipeline and ORDERS orders (default 200 000) of one
#     tenant, with the customer values they make, in database crm_sales_pipeline_bench_<DEALS>_<ORDERS>,
#     built in bulk by the service's own domain and store code (bench/seed-sales.mjs). A database
#     already seeded for DEALS and ORDERS is reused; RESEED=1 seeds it again;
#  2. forecast p50/p99, board view p50/p99, order write rate, and the time for a lead's score to
#     reflect an interaction event p50/p99, against the service running on that database.
# The orders, leads and rules the run writes stay in the database (later runs add to them).
#   DEALS=50000 ORDERS=200000 FORECASTS=30 BOARDS=50 ORDER_WRITES=2000 CONCURRENCY=8 SCORE_EVENTS=300 scripts/bench-sales.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --filter=@crm/sales-pipeline... --output-logs=errors-only >&2

export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
export DEALS="${DEALS:-50000}" ORDERS="${ORDERS:-200000}" TENANT="${TENANT:-bench}"
export MONGODB_DATABASE="crm_sales_pipeline_bench_${DEALS}_${ORDERS}"
BENCH_GRPC_PORT="${BENCH_GRPC_PORT:-50072}"
BENCH_OPS_PORT="${BENCH_OPS_PORT:-9472}"
service=""
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; wait 2>/dev/null' EXIT

log "seeding $MONGODB_DATABASE ($DEALS deals, $ORDERS orders; kept for later runs)"
(cd services/sales-pipeline && node bench/seed-sales.mjs)

log "starting the sales-pipeline service on $MONGODB_DATABASE"
(cd services/sales-pipeline && GRPC_PORT=$BENCH_GRPC_PORT OPS_PORT=$BENCH_OPS_PORT REDIS_KEY_PREFIX="$MONGODB_DATABASE:" \
  CONSUMER_GROUP="$MONGODB_DATABASE" CONSUMER_START=new LOG_LEVEL=warn \
  exec node --require @crm/kit/telemetry dist/main.js) >>"$DATA/logs/sales-pipeline-bench.log" 2>&1 &
service=$!
for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null || die "the sales-pipeline service did not start (see $DATA/logs/sales-pipeline-bench.log)"

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd services/sales-pipeline && SALES_PIPELINE_ADDRESS="127.0.0.1:$BENCH_GRPC_PORT" node bench/sales-bench.mjs)
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
