#!/usr/bin/env bash
# Runs every check and test against real infrastructure, installing what is missing:
# proto lint and freshness, build, lint, type check, then all jest projects.
# Ends with one line: `N passed, N failed`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Infrastructure this run starts, it also stops; what was already running (dev.sh) stays up.
started_infra=false
finish() {
  local status=$?
  [ "$started_infra" = true ] && bash scripts/infra.sh stop >/dev/null 2>&1
  # Whatever fails before the tests run, the run still ends with its one-line summary.
  [ $status -ne 0 ] && [ ! -f "$DATA/jest-report.json" ] && echo "0 passed, 1 failed"
  exit $status
}
trap finish EXIT
rm -f "$DATA/jest-report.json"

ensure_deps
# Standard gRPC clients: the tests check that grpcurl and grpc-health-probe work from reflection alone.
ensure_go_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4
ensure_go_tool grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe@v0.4.61
# The chart's tests: helm, kubeconform and the Kubernetes and CRD schemas it validates against.
ensure_chart_tools
# The reference page is checked in a real browser, the API against its document by Schemathesis.
ensure_chromium
ensure_schemathesis
infra_running || started_infra=true
bash scripts/infra.sh start >/dev/null
source "$DATA/infra.env"

log "proto: lint and generated-code freshness"
bash scripts/generate-proto.sh --check

log "build, lint, type check"
pnpm exec turbo run build lint typecheck --output-logs=errors-only

log "tests"
report="$DATA/jest-report.json"
set +e
pnpm exec jest --ci --json --outputFile="$report" "$@"
status=$?
node scripts/drop-test-state.mjs || log "could not drop the tests' databases, consumers and keys"
set -e
if [ -f "$report" ]; then
  node -e '
    const r = require(process.argv[1]);
    // Suites that failed to run count as failures too.
    const broken = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + broken} failed`);
  ' "$report"
else
  echo "0 passed, 1 failed"
fi
exit $status
