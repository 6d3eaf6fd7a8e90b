#!/usr/bin/env bash
# Regenerates packages/proto from proto/: TypeScript (ts-proto, through buf's local plugin
# runner) and the descriptor set that servers use for reflection. Reproducible: same inputs,
# same bytes. First lints, and refuses breaking changes (buf breaking, FILE rules: a removed or
# renumbered field, a renamed method or message...) against the protos of the last commit of
# main that this checkout contains (`git merge-base HEAD main`; PROTO_BASE=<git ref> names
# another), or, without git history, against the descriptor set generated last (committed).
# `--check` also fails when the generated code did not match proto/ (it is regenerated anyway).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/packages/proto"
BUF=node_modules/.bin/buf
$BUF lint ../../proto

# The protos to compare with: those of a git commit, or the committed descriptor set.
breaking_baseline() {
  local base="" ref
  if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    if [ -n "${PROTO_BASE:-}" ]; then
      base="$(git -C "$ROOT" rev-parse -q --verify "$PROTO_BASE^{commit}")" || die "PROTO_BASE=$PROTO_BASE is not a commit"
    else
      for ref in main origin/main; do
        base="$(git -C "$ROOT" merge-base HEAD "$ref" 2>/dev/null)" && break
      done
      [ -n "$base" ] || base="$(git -C "$ROOT" rev-parse -q --verify 'HEAD^{commit}')" || base=""
    fi
  fi
  if [ -n "$base" ] && git -C "$ROOT" cat-file -e "$base:proto" 2>/dev/null; then
    git -C "$ROOT" archive "$base" proto | tar -x -C "$BASELINE_DIR"
    echo "$BASELINE_DIR/proto|commit ${base:0:12}"
  else
    echo "src/descriptors.binpb|the committed descriptor set (no git history)"
  fi
}
BASELINE_DIR="$(mktemp -d)"
trap 'rm -rf "$BASELINE_DIR"' EXIT
IFS='|' read -r against described <<<"$(breaking_baseline)"
[ -n "$against" ] || die "could not read the protos to compare with"
$BUF breaking ../../proto --against "$against" \
  || die "breaking change to the protos against $described: fields, methods and messages once released are never removed, renumbered or renamed (add new ones; a new major version is a new package)"
log "protos: lint passed, no breaking change against $described"
# The generated files as they were, to tell whether they matched proto/ (`--check`).
fingerprint() { (cd src && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }
before="$(fingerprint)"
# grpc/ holds the standard health service: served by grpc-health-check, described by reflection, no TypeScript needed.
$BUF generate ../../proto --template buf.gen.yaml --exclude-path ../../proto/grpc
$BUF build ../../proto --as-file-descriptor-set -o src/descriptors.binpb
if [ "${1:-}" = "--check" ]; then
  [ "$(fingerprint)" = "$before" ] || die "generated code in packages/proto was out of date with proto/; it is regenerated now: review and commit it"
  log "generated code is up to date"
fi
