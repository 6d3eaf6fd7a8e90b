#!/usr/bin/env bash
# Benchmarks the consent service on the whole platform (every registered service and the gateway,
# started as the tests start them, on the local infrastructure) and prints figures:
#  1. seed: SUBJECTS consents (default 100 000) recorded over gRPC in batches of 1000;
#  2. the batch check of all SUBJECTS at once, cold (the service's Redis keys flushed) and warm,
#     in subjects per second (CHECK_RUNS runs each, default 3; the median);
#  3. the erasure saga's completion time across every registered service (ERASURES runs, default 5).
# Its databases are dropped afterwards. About three minutes on two busy cores.
#   SUBJECTS=100000 CHECK_RUNS=3 ERASURES=5 scripts/bench-consent.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --output-logs=errors-only >&2
NPROC="$(nproc)" node services/consent/bench/consent-bench.mjs
