#!/usr/bin/env bash
# The gateway's public-API features under load: a cached read through authentication and the Redis
# rate limit, a replayed Idempotency-Key, the customer 360 (composed, then cached), webhook delivery
# latency (event published -> receiver), and the gateway's RSS after it. Starts the infrastructure
# if it is not running, contacts and the gateway on free ports with databases of their own; stops
# what it started. Prints figures (deploy/bench/gateway/run.mjs), asserts nothing.
#   DURATION_MS=10000 CLIENTS=8 CONTACTS=200 EVENTS=300 scripts/bench-gateway.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_deps
started_infra=false
infra_running || started_infra=true
bash "$ROOT/scripts/infra.sh" start >/dev/null
set -a && source "$DATA/infra.env" && set +a
trap '[ "$started_infra" = true ] && bash "$ROOT/scripts/infra.sh" stop >/dev/null 2>&1; true' EXIT
cd "$ROOT"
pnpm exec turbo run build --filter=@crm/contacts... --filter=@crm/gateway... --filter=@crm/testing... --output-logs=errors-only >&2
cd deploy/bench && TEST_LOG_LEVEL=warn node gateway/run.mjs
