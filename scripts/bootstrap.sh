#!/usr/bin/env bash
# Installs what a fresh machine is missing: Node 24, pnpm, the workspace's dependencies.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_deps
log "node $(node --version), pnpm $(pnpm --version)"
