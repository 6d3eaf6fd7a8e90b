#!/usr/bin/env bash
# Checks the FerretDB patch: builds it (as infra.sh does), starts the binary twice on spare ports,
# with pushdown and with --test-disable-pushdown (the handler alone, as unpatched FerretDB
# answers), runs the same writes and random queries on both and compares every result.
#   CHECK_PORT=27131 SEED=1 N=400 Q=400 scripts/check-ferretdb.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bin="$(bash "$ROOT/scripts/infra.sh" ferretdb-bin)"
port="${CHECK_PORT:-27131}"
dir="$DATA/ferretdb-check"
rm -rf "$dir" && mkdir -p "$dir/a" "$dir/b"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"' EXIT
start() { # name port flags...
  local name="$1" p="$2"; shift 2
  "$bin" --handler=sqlite --sqlite-url="file:$dir/$name/" --state-dir="$dir/$name" --listen-addr="127.0.0.1:$p" \
    --debug-addr=- --telemetry=disable --log-level=warn "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
}
start a "$port"
start b "$((port + 1))" --test-disable-pushdown
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port" && exec 4<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null && break; sleep 0.2; done
A="mongodb://127.0.0.1:$port" B="mongodb://127.0.0.1:$((port + 1))" node "$ROOT/scripts/ferretdb-check.mjs"
