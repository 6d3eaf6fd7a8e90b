#!/usr/bin/env bash
# Local infrastructure: MongoDB-protocol storage, NATS with JetStream, Redis.
#   scripts/infra.sh start|stop|status|env|ferretdb-bin (builds FerretDB if needed, prints its path)
# Idempotent: a second start while running is harmless; stop leaves no process behind.
# Storage, in order of preference: MONGODB_URL given by the user; a `mongod` on the PATH;
# FerretDB 1.24 on SQLite, built from the Go module proxy on first use.
# Ports: MONGO_PORT, NATS_PORT, NATS_MONITOR_PORT, REDIS_PORT. Data lives under .data/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MONGO_PORT="${MONGO_PORT:-27018}"
NATS_PORT="${NATS_PORT:-4223}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8223}"
REDIS_PORT="${REDIS_PORT:-6380}"
# v1.24.1 is refused by the Go module proxy ("This module version is not available"); v1.24.0 is served.
FERRETDB_VERSION="v1.24.0"
NATS_VERSION="v2.15.2"

RUN="$DATA/run"
LOGS="$DATA/logs"
mkdir -p "$RUN" "$LOGS"

pid_alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

wait_until() { # name seconds command...
  local name="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      die "$name did not become ready within ${seconds}s (log: $LOGS/$name.log)"
    fi
    pid_alive "$name" || { tail -n 20 "$LOGS/$name.log" >&2 || true; die "$name exited during start-up"; }
    sleep 0.2
  done
}

launch() { # name port-variable command...
  local name="$1" port_var="$2"; shift 2
  local port="${!port_var}"
  if pid_alive "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 1; fi
  port_open "$port" && die "port $port is taken by another process; set $port_var to a free one"
  nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# FerretDB is built from its module source as served by the Go module proxy. `go install
# pkg@version` cannot be used: the proxy refuses the module's version list, which it reads, and
# the published source lacks the build/version/version.txt that FerretDB's own build generates.
FERRETDB_PATCH="$ROOT/scripts/patches/ferretdb-$FERRETDB_VERSION-sqlite-pushdown.patch"
# FerretDB's wire protocol module, built from its source with a patch of its own (a `replace`).
WIRE_MODULE="github.com/FerretDB/wire@v0.0.7"
WIRE_PATCH="$ROOT/scripts/patches/ferretdb-wire-v0.0.7-release.patch"
# The binary's name carries the patches' checksum, so a changed patch rebuilds it.
FERRETDB_BIN="$TOOLS/bin/ferretdb-$FERRETDB_VERSION-$(cat "$FERRETDB_PATCH" "$WIRE_PATCH" | cksum | cut -d' ' -f1)"

module_dir() { # module@version: downloads it into Go's module cache, prints its folder
  local dir
  dir="$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || return 1
  [ -d "$dir" ] && echo "$dir"
}

install_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && return
  command -v go >/dev/null || die "Go is needed to build FerretDB $FERRETDB_VERSION"
  log "building FerretDB $FERRETDB_VERSION (first run only, about two minutes)"
  # A build folder of its own: several checkouts may share .tools and build different patches.
  local cached wire build src
  cached="$(module_dir "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")" || die "could not download FerretDB $FERRETDB_VERSION"
  wire="$(module_dir "$WIRE_MODULE")" || die "could not download $WIRE_MODULE"
  build="$(mktemp -d)" && src="$build/ferretdb"
  mkdir -p "$TOOLS/bin" && cp -r "$cached" "$src" && cp -r "$wire" "$build/wire" && chmod -R u+w "$build"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  command -v patch >/dev/null || apt_install patch
  patch -s -d "$src" -p1 <"$FERRETDB_PATCH" || die "could not apply $FERRETDB_PATCH"
  patch -s -d "$build/wire" -p1 <"$WIRE_PATCH" || die "could not apply $WIRE_PATCH"
  (cd "$src" && go mod edit -replace "${WIRE_MODULE%@*}=../wire") || die "could not point FerretDB at the patched wire module"
  # Built under a temporary name and moved into place, so that a concurrent start never runs half a file.
  (cd "$src" && GOFLAGS=-buildvcs=false go build -o "$build/ferretdb.bin" ./cmd/ferretdb) \
    || die "could not build FerretDB $FERRETDB_VERSION"
  mv "$build/ferretdb.bin" "$FERRETDB_BIN"
  rm -rf "$build"
}

apt_install() { # package
  [ "$(id -u)" = 0 ] || die "$1 is missing; install Debian's $1 package"
  log "installing $1 from Debian packages"
  apt-get update -qq >/dev/null && apt-get install -y -qq "$1" >/dev/null || die "apt-get install $1 failed"
}

install_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
}

start_storage() {
  if [ -n "${MONGODB_URL:-}" ]; then log "storage: using MONGODB_URL"; return; fi
  if command -v mongod >/dev/null; then
    mkdir -p "$DATA/mongod"
    launch storage MONGO_PORT mongod --dbpath "$DATA/mongod" --bind_ip 127.0.0.1 --port "$MONGO_PORT" || return 0
  else
    install_ferretdb
    mkdir -p "$DATA/ferretdb"
    # WAL with synchronous=normal: a commit waits for the log write, not for an fsync (SQLite's
    # recommended setting for WAL; a power cut may lose the last commits, never corrupt the file).
    # GOGC=400: Go's collector (marking and sweeping: about an eighth of FerretDB's CPU under
    # writes, pprof) runs a quarter as often; the heap grows to ~160 MiB under an import. The
    # first 30 000 rows of an import went from 225 to 258 rows/s (FERRETDB_GOGC sets another value).
    # SQLite's page cache and mmap were tried larger (64 MiB per connection, reads through mmap):
    # imports were no faster (20 000 rows: 317-328 rows/s against 353 without; 100 000 rows: 271
    # and 318 with both, 286 with the cache, about 275 with mmap, 280 without) and FerretDB's
    # resident memory grew by 250 MiB (the cache) or to 2 GiB (mapped pages).
    GOGC="${FERRETDB_GOGC:-400}" launch storage MONGO_PORT "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$DATA/ferretdb/?_pragma=synchronous(normal)" \
      --state-dir="$DATA/ferretdb" --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr=- \
      --telemetry=disable --log-level=warn || return 0
  fi
  wait_until storage 60 port_open "$MONGO_PORT"
}

start_nats() {
  ensure_go_tool nats-server "github.com/nats-io/nats-server/v2@$NATS_VERSION"
  mkdir -p "$DATA/nats"
  launch nats NATS_PORT nats-server --jetstream --store_dir "$DATA/nats" -a 127.0.0.1 -p "$NATS_PORT" \
    -m "$NATS_MONITOR_PORT" || return 0
  wait_until nats 30 curl -fsS "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true"
}

start_redis() {
  install_redis
  mkdir -p "$DATA/redis"
  launch redis REDIS_PORT redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DATA/redis" \
    --appendonly yes --save "" --daemonize no || return 0
  wait_until redis 120 redis_answers
}

# PONG, not only an answer: while Redis reloads its append-only file it answers every command,
# ping included, with a LOADING error (and redis-cli exits 0 on it).
redis_answers() {
  [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

write_env() {
  cat >"$DATA/infra.env" <<ENV
export MONGODB_URL="${MONGODB_URL:-mongodb://127.0.0.1:$MONGO_PORT}"
export NATS_URL="nats://127.0.0.1:$NATS_PORT"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
ENV
}

stop_one() {
  local name="$1"
  pid_alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
  local pid; pid="$(cat "$RUN/$name.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
  log "$name stopped"
}

case "${1:-}" in
  start)
    start_storage; start_nats; start_redis; write_env
    log "infrastructure ready ($DATA/infra.env)"; cat "$DATA/infra.env" ;;
  stop) stop_one redis; stop_one nats; stop_one storage ;;
  status)
    for name in storage nats redis; do
      if pid_alive "$name"; then echo "$name: running (pid $(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; fi
    done ;;
  env) write_env; cat "$DATA/infra.env" ;;
  ferretdb-bin) install_ferretdb; echo "$FERRETDB_BIN" ;;
  *) echo "usage: $0 start|stop|status|env|ferretdb-bin" >&2; exit 2 ;;
esac
