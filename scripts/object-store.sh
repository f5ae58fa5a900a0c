#!/usr/bin/env bash
# A real S3-compatible engine for the tests: a 3-node Garage cluster on 127.0.0.1.
#
#   eval "$(bash scripts/object-store.sh up)"   # build once (cached), start, print `export` lines
#   bash scripts/object-store.sh down           # stop every node by its recorded pid, remove data
#   bash scripts/object-store.sh start-node N   # restart node N (1-3) after a test killed it
#
# Garage (AGPL-3.0) is only ever run as a separate program, never linked or shipped. It is built
# from crates.io with `cargo install` into a cache the first time (about 9 minutes on 2 cores,
# at the lowest CPU priority) and reused afterwards. Only `export` lines go to stdout; all
# progress and logs go to stderr, so `eval` sees nothing else.
#
# Environment:
#   DZRS_CACHE_DIR    cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/dropzone-rs);
#                         Garage is installed under $DZRS_CACHE_DIR/garage-2.5.0/bin
#   DZRS_GARAGE_BIN   use this garage binary instead of building one
#   DZRS_GARAGE_DIR   state folder: configs, pids, logs, data (default ${TMPDIR:-/tmp}/dropzone-garage)
#   DZRS_GARAGE_PORT  first port (default 7600); node N uses PORT+10*(N-1) + 0 (S3), 1 (RPC), 3 (admin)
set -euo pipefail

GARAGE_VERSION=2.5.0
NODES=3
BUCKET=dropzone-test
PREFIX=uploads
KEY_NAME=dropzone-test
REGION=garage
CACHE="${DZRS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dropzone-rs}/garage-$GARAGE_VERSION"
STATE="${DZRS_GARAGE_DIR:-${TMPDIR:-/tmp}/dropzone-garage}"
PORT="${DZRS_GARAGE_PORT:-7600}"

say() { echo "object-store: $*" >&2; }
die() { say "error: $*"; exit 1; }

s3_port() { echo $((PORT + 10 * ($1 - 1))); }
rpc_port() { echo $((PORT + 10 * ($1 - 1) + 1)); }
admin_port() { echo $((PORT + 10 * ($1 - 1) + 3)); }

# The garage binary: the override, else the cached build, built now when missing.
garage_bin() {
  if [[ -n "${DZRS_GARAGE_BIN:-}" ]]; then
    [[ -x "$DZRS_GARAGE_BIN" ]] || die "DZRS_GARAGE_BIN=$DZRS_GARAGE_BIN is not an executable"
    echo "$DZRS_GARAGE_BIN"
    return
  fi
  local bin="$CACHE/bin/garage"
  if [[ ! -x "$bin" ]]; then
    mkdir -p "$CACHE"
    # One build at a time: a second `up` waits for the first one's binary instead of racing it.
    exec 9>"$CACHE/.build-lock"
    flock 9
    if [[ ! -x "$bin" ]]; then
      say "building garage $GARAGE_VERSION into $CACHE (once; about 9 minutes on 2 cores)"
      # The build folder is kept until the install succeeds so an interrupted build resumes;
      # CARGO_TARGET_DIR is the project's and must not receive garage's artefacts.
      env -u CARGO_TARGET_DIR nice -n 19 cargo install garage --version "$GARAGE_VERSION" --locked \
        --no-default-features --features lmdb,bundled-libs \
        --root "$CACHE" --target-dir "$CACHE/build" >&2
      rm -rf "$CACHE/build"
    fi
    exec 9>&-
  fi
  echo "$bin"
}

node_pid_file() { echo "$STATE/node$1.pid"; }

# The pid recorded for node $1 if that process is still this cluster's garage (a recycled pid
# belonging to something else is never signalled).
live_pid() {
  local f pid
  f="$(node_pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$STATE/node$1.toml" || return 1
  echo "$pid"
}

write_config() { # node secret
  local n="$1"
  mkdir -p "$STATE/node$n/meta" "$STATE/node$n/data"
  cat >"$STATE/node$n.toml" <<EOF
metadata_dir = "$STATE/node$n/meta"
data_dir = "$STATE/node$n/data"
db_engine = "lmdb"
replication_factor = 3
rpc_secret = "$2"
rpc_bind_addr = "127.0.0.1:$(rpc_port "$n")"
rpc_public_addr = "127.0.0.1:$(rpc_port "$n")"

[s3_api]
s3_region = "$REGION"
api_bind_addr = "127.0.0.1:$(s3_port "$n")"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$(admin_port "$n")"
EOF
}

start_node() { # node garage-binary
  local n="$1"
  RUST_LOG="${RUST_LOG:-garage=warn}" "$2" -c "$STATE/node$n.toml" server >>"$STATE/node$n.log" 2>&1 &
  echo $! >"$(node_pid_file "$n")"
}

stop_node() {
  local pid
  pid="$(live_pid "$1")" || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "node $1 (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
  kill -9 "$pid" 2>/dev/null || true
}

# retry <seconds> <command…>: runs the command until it succeeds, at most that long.
retry() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { "$@" >&2 || true; return 1; }
    sleep 0.3
  done
}

healthy() { curl -fsS "http://127.0.0.1:$(admin_port 1)/health" >/dev/null; }

failed_start() {
  say "start failed; the last lines of the setup and node logs:"
  tail -n 20 "$STATE"/setup.log "$STATE"/node*.log >&2 || true
  down
}

down() {
  for n in $(seq 1 $NODES); do stop_node "$n"; done
  rm -rf "$STATE"
  say "stopped; removed $STATE"
}

up() {
  local garage secret ids=() key_id secret_key
  garage="$(garage_bin)"
  if [[ -d "$STATE" ]]; then
    say "a previous cluster's state is in $STATE; stopping it first"
    down
  fi
  for n in $(seq 1 $NODES); do
    for p in "$(s3_port "$n")" "$(rpc_port "$n")" "$(admin_port "$n")"; do
      if ss -Hltn "sport = :$p" | grep -q .; then
        die "port $p on 127.0.0.1 is in use; set DZRS_GARAGE_PORT to another free range of 30 ports"
      fi
    done
  done
  mkdir -p "$STATE"
  secret="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  for n in $(seq 1 $NODES); do
    write_config "$n" "$secret"
    start_node "$n" "$garage"
  done
  # From here on, a failure (die, or a command failing under set -e) must not leave servers running.
  trap failed_start EXIT
  for n in $(seq 1 $NODES); do
    retry 30 "$garage" -c "$STATE/node$n.toml" node id -q || die "node $n did not start"
    ids+=("$("$garage" -c "$STATE/node$n.toml" node id -q 2>/dev/null)")
  done
  local g=("$garage" -c "$STATE/node1.toml")
  for n in $(seq 2 $NODES); do
    retry 30 "${g[@]}" node connect "${ids[$((n - 1))]}" || die "node 1 cannot reach node $n"
  done
  for n in $(seq 1 $NODES); do
    "${g[@]}" layout assign -z "dc$n" -c 10G "${ids[$((n - 1))]%@*}" >>"$STATE/setup.log" 2>&1
  done
  "${g[@]}" layout apply --version 1 >>"$STATE/setup.log" 2>&1
  # The layout takes a moment to reach every node; until then bucket creation is refused.
  retry 60 "${g[@]}" bucket create "$BUCKET" || die "bucket $BUCKET could not be created"
  "${g[@]}" key create "$KEY_NAME" >/dev/null
  "${g[@]}" bucket allow --read --write --owner "$BUCKET" --key "$KEY_NAME" >>"$STATE/setup.log" 2>&1
  key_id="$("${g[@]}" key info "$KEY_NAME" --key-id)"
  secret_key="$("${g[@]}" key info "$KEY_NAME" --secret-key)"
  [[ -n "$key_id" && -n "$secret_key" ]] || die "could not read key $KEY_NAME"
  retry 30 healthy || die "the cluster does not report healthy"
  trap - EXIT
  say "3 nodes up on 127.0.0.1 (S3 endpoint port $(s3_port 1)); state in $STATE"
  local endpoint="http://127.0.0.1:$(s3_port 1)"
  printf 'export %s=%q\n' \
    DROPZONE_STORAGE "s3://$BUCKET/$PREFIX" \
    AWS_ENDPOINT "$endpoint" \
    AWS_ENDPOINT_URL "$endpoint" \
    AWS_ACCESS_KEY_ID "$key_id" \
    AWS_SECRET_ACCESS_KEY "$secret_key" \
    AWS_REGION "$REGION" \
    AWS_ALLOW_HTTP true \
    DZRS_GARAGE_DIR "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  start-node)
    [[ "${2:-}" =~ ^[1-3]$ ]] || die "usage: $0 start-node 1|2|3"
    [[ -f "$STATE/node$2.toml" ]] || die "no cluster in $STATE (run up first)"
    if pid="$(live_pid "$2")"; then say "node $2 already runs (pid $pid)"; exit 0; fi
    start_node "$2" "$(garage_bin)"
    say "node $2 restarted (pid $(cat "$(node_pid_file "$2")"))"
    ;;
  *) die "usage: $0 up|down|start-node N" ;;
esac
