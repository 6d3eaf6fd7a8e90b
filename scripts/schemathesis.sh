#!/usr/bin/env bash
# Runs Schemathesis (pinned, from PyPI) from a virtual environment under .tools/, made on first use:
#   bash scripts/schemathesis.sh run http://127.0.0.1:8080/openapi.json --max-examples 10 ...
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_schemathesis
exec "$TOOLS/schemathesis/bin/st" "$@"
