#!/usr/bin/env bash
# Benchmarks the contacts service on the local infrastructure and prints figures:
#  1. import: a streamed CSV import of IMPORT_ROWS rows (default 2 000) into a fresh database,
#     dropped afterwards (IMPORT_ROWS=0 skips it);
#  2. seed: ROWS contacts (default 100 000) of one tenant in database crm_contacts_bench_<ROWS>,
#     built in bulk by the service's own import, domain and store code (seed-contacts.mjs). A
#     database already seeded for ROWS is reused, so a second run takes minutes; RESEED=1 seeds
#     it again, SEED=import fills it through the CSV import instead (about 4 minutes at 100 000);
#  3. reads of that tenant: get by id (uncached, cached), search, and filtered lists (tags,
#     owner, country, relationship type, lastInteractionAt range), first page and pages deep
#     in the cursor.
#   ROWS=100000 SEARCHES=100 GETS=3000 WARMUP_GETS=1000 LISTS=30 DEEP_PAGES=40 scripts/bench-contacts.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --filter=@crm/contacts... --output-logs=errors-only >&2

export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
ROWS="${ROWS:-100000}"
IMPORT_ROWS="${IMPORT_ROWS:-2000}"
SEED="${SEED:-bulk}"
BENCH_GRPC_PORT="${BENCH_GRPC_PORT:-50071}"
BENCH_OPS_PORT="${BENCH_OPS_PORT:-9471}"
export TENANT="bench"
service=""
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; wait 2>/dev/null' EXIT

start_service() { # database
  (cd services/contacts && GRPC_PORT=$BENCH_GRPC_PORT OPS_PORT=$BENCH_OPS_PORT MONGODB_DATABASE=$1 REDIS_KEY_PREFIX=$1 \
    CONSUMER_GROUP=contacts-bench LOG_LEVEL=warn exec node --require @crm/kit/telemetry dist/main.js) >>"$DATA/logs/contacts-bench.log" 2>&1 &
  service=$!
  for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$BENCH_OPS_PORT/readyz" >/dev/null 2>&1 && return; sleep 0.5; done
  die "the contacts service did not start (see $DATA/logs/contacts-bench.log)"
}
stop_service() {
  kill "$service" 2>/dev/null || true
  wait "$service" 2>/dev/null || true
  service=""
}
bench() { # phase [NAME=value...]
  local phase="$1"; shift
  (cd services/contacts && env CONTACTS_ADDRESS="127.0.0.1:$BENCH_GRPC_PORT" MONGODB_DATABASE="$database" CACHE_PREFIX="$database" BENCH_PHASE="$phase" "$@" node bench/contacts-bench.mjs)
}

if [ "$IMPORT_ROWS" != 0 ]; then
  database="crm_contacts_bench_import_$(date +%s)"
  log "import benchmark: $IMPORT_ROWS rows into $database"
  start_service "$database"
  bench import ROWS="$IMPORT_ROWS" TENANT="bench_import"
  stop_service
  (cd services/contacts && node -e '
    const mongoose = require("mongoose");
    mongoose.createConnection(process.env.MONGODB_URL, { dbName: process.argv[1] }).asPromise()
      .then((c) => c.dropDatabase().finally(() => c.close()));' "$database")
fi

database="crm_contacts_bench_$ROWS"
if [ "$SEED" = import ]; then
  database="crm_contacts_bench_import_$ROWS"
  log "filling $database through the CSV import ($ROWS rows)"
  start_service "$database"
  bench import ROWS="$ROWS"
  stop_service
else
  log "seeding $database ($ROWS contacts, kept for later runs)"
  (cd services/contacts && MONGODB_DATABASE="$database" ROWS="$ROWS" node bench/seed-contacts.mjs)
fi

log "read benchmark on $database"
start_service "$database"
bench read
