#!/usr/bin/env bash
# Benchmarks the contacts service on the local infrastructure: seeds ROWS contacts (default
# 100 000) through the streamed CSV import, then times a segment stream, gets (uncached and
# cached) and searches. Prints figures; takes a while at 100 000 rows on FerretDB.
#   ROWS=100000 SEARCHES=30 GETS=1000 scripts/bench-contacts.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --filter=@crm/contacts... --output-logs=errors-only >&2

export IDENTITY_SIGNING_KEY="bench-identity-key-of-sufficient-length-0000"
port=50071
# A database of its own per run, so that earlier runs do not weigh on this one's scans.
database="crm_contacts_bench_$(date +%s)"
log "benchmark database: $database"
(cd services/contacts && GRPC_PORT=$port OPS_PORT=9471 MONGODB_DATABASE=$database REDIS_KEY_PREFIX=$database \
  CONSUMER_GROUP=contacts-bench LOG_LEVEL=warn exec node --require @crm/kit/telemetry dist/main.js) >>"$DATA/logs/contacts-bench.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null' EXIT
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:9471/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:9471/readyz" >/dev/null || die "the contacts service did not start (see $DATA/logs/contacts-bench.log)"
cd services/contacts && CONTACTS_ADDRESS="127.0.0.1:$port" node bench/contacts-bench.mjs
