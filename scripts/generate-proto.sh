#!/usr/bin/env bash
# Regenerates packages/proto from proto/: TypeScript (ts-proto, through buf's local plugin
# runner) and the descriptor set that servers use for reflection. Reproducible: same inputs,
# same bytes. `--check` fails when the committed output is stale.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/packages/proto"
BUF=node_modules/.bin/buf
$BUF lint ../../proto
# grpc/ holds the standard health service: served by grpc-health-check, described by reflection, no TypeScript needed.
$BUF generate ../../proto --template buf.gen.yaml --exclude-path ../../proto/grpc
$BUF build ../../proto --as-file-descriptor-set -o src/descriptors.binpb
if [ "${1:-}" = "--check" ]; then
  if ! git -C "$ROOT" diff --exit-code --stat -- packages/proto/src \
     || [ -n "$(git -C "$ROOT" ls-files --others --exclude-standard -- packages/proto/src)" ]; then
    die "generated code in packages/proto is out of date: run scripts/generate-proto.sh and commit"
  fi
  log "generated code is up to date"
fi
