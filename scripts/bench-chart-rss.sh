#!/usr/bin/env bash
# The memory the chart asks for, against what the processes use: starts the gateway and every
# registered service with the chart's NODE_OPTIONS (from `helm template` of the default values),
# prints each one's RSS when idle and its peak under a mixed load through the gateway (lists on
# every service, contact creates), beside the chart's memory request and limit.
#   LOAD_SECONDS=30 CONCURRENCY=16 bash scripts/bench-chart-rss.sh
# Use your own infrastructure ports (MONGO_PORT, NATS_PORT, NATS_MONITOR_PORT, REDIS_PORT) on a
# shared machine. Figures are inflated when other work shares the cores.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_deps
ensure_chart_tools
bash scripts/infra.sh start >/dev/null
source "$DATA/infra.env"
pnpm exec turbo run build --output-logs=errors-only >/dev/null
node scripts/chart/measure-rss.mjs
