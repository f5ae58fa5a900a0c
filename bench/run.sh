#!/usr/bin/env bash
# The benchmark suite, one command, release builds, loopback only:
#
#   bash bench/run.sh
#
# Prints one `name: value unit` line per figure, then the targets as ratios to the ceilings
# measured in the same run. Takes about 3-6 minutes; needs ~2.2 GiB free on the disk that
# holds $BENCH_DIR (default: $CARGO_TARGET_DIR/bench-run, else target/bench-run), which is
# where the uploads AND the disk ceiling are written, and which is emptied between steps.
#
# Environment: BENCH_DIR (see above), BENCH_BIG (bytes of the "1 GiB" upload, default
# 1073741824), BENCH_RAW=1 to also show loadgen's and criterion's own output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
WORK="${BENCH_DIR:-$TARGET/bench-run}"
BIG="${BENCH_BIG:-1073741824}"
MIB=1048576
BIN="$TARGET/release"
FIGURES="$(mktemp)"
SERVER_PID=""
SERVER_ADDR=""

cleanup() {
  stop_server
  rm -rf "$WORK" "$FIGURES"
}
trap cleanup EXIT

say() { echo "$*" >&2; }

# Prints figure lines and keeps them for the checks.
record() { tee -a "$FIGURES"; }

fig() { printf '%s: %s %s\n' "$1" "$2" "$3" | record; }

# The value of figure $1.
value() { awk -v n="$1:" '$1 == n { v = $2 } END { print v }' "$FIGURES"; }

fresh_dir() {
  rm -rf "$WORK/uploads"
  mkdir -p "$WORK/uploads"
  sync # the last step's dirty pages must not be written back during the next one
}

# start_server <binary> [env…]: starts it with a fresh upload folder, waits for its
# `listening: ADDR` line (at most 20 s), sets SERVER_PID and SERVER_ADDR.
start_server() {
  local exe="$1"; shift
  fresh_dir
  local log="$WORK/server.log"
  env "$@" UPLOAD_DIR="$WORK/uploads" ADDR=127.0.0.1:0 "$exe" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    SERVER_ADDR="$(sed -n 's/^listening: //p' "$log" | head -1)"
    [[ -n "$SERVER_ADDR" ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  say "server $exe did not start:"; cat "$log" >&2
  exit 1
}

# The server's peak resident set (VmHWM) in MiB.
peak_rss() {
  awk '/^VmHWM:/ { printf "%.2f", $2 / 1024 }' "/proc/$SERVER_PID/status"
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# Regular files in the upload folder (hidden part files excluded).
stored_files() { find "$WORK/uploads" -maxdepth 1 -type f ! -name '.*' | wc -l; }

loadgen() {
  local out
  out="$("$BIN/loadgen" "$@")" || { say "loadgen $1 failed: $out"; exit 1; }
  [[ -n "${BENCH_RAW:-}" ]] && say "$out"
  printf '%s\n' "$out"
}

# One upload measurement on a fresh server process: name, route, extra env, loadgen args.
one_upload() {
  local name="$1" route="$2" env="$3"; shift 3
  start_server "$BIN/bench-server" $env
  loadgen "$@" url="http://$SERVER_ADDR$route" label="$name" | grep -E "^$name\.(throughput|responses_2xx|seconds):" | record
  fig "$name.peak_rss" "$(peak_rss)" MiB
  fig "$name.files_saved" "$(stored_files)" files
  stop_server
  fresh_dir
}

say "==> building (release)"
cargo build --release -q -p dropzone-bench --bins
cargo bench -q -p dropzone-bench --bench render --no-run 2>/dev/null
mkdir -p "$WORK"

say "==> ceilings: sequential disk write (fsync) and the HTTP stack discarding the same body"
fresh_dir
loadgen disk dir="$WORK/uploads" size="$BIG" | record
"$BIN/loadgen" discard addr=127.0.0.1:0 >"$WORK/discard.log" 2>&1 &
DISCARD_PID=$!
for _ in $(seq 1 100); do
  DISCARD_ADDR="$(sed -n 's/^listening: //p' "$WORK/discard.log" | head -1)"
  [[ -n "$DISCARD_ADDR" ]] && break
  sleep 0.1
done
loadgen upload url="http://$DISCARD_ADDR/" size="$BIG" concurrency=1 requests=1 seconds=120 \
  label=ceiling.http_upload | grep -E '^ceiling\.http_upload\.throughput:' | record
kill "$DISCARD_PID"; wait "$DISCARD_PID" 2>/dev/null || true

say "==> page render, in-process (criterion)"
cargo bench -q -p dropzone-bench --bench render -- --output-format bencher 2>/dev/null \
  | awk '/^test / { gsub(",", "", $5); printf "%s: %.1f ns\n", $2, $5 }' | record

say "==> page render over HTTP, concurrency 32"
start_server "$BIN/bench-server"
loadgen get url="http://$SERVER_ADDR/" concurrency=32 requests=100000 seconds=8 label=http_page \
  | grep -E '^http_page\.(requests_per_s|p50|p99|responses_2xx):' | record
stop_server

say "==> 10 KiB uploads, concurrency 16"
start_server "$BIN/bench-server"
loadgen upload url="http://$SERVER_ADDR/small" size=10240 concurrency=16 requests=20000 seconds=10 \
  label=small_10k | grep -E '^small_10k\.(requests_per_s|p50|p99|responses_2xx|responses_other|transport_errors):' | record
fig small_10k.files_saved "$(stored_files)" files
stop_server

say "==> one 1 MiB upload (the RSS baseline)"
one_upload single_1m /big "" upload size=$MIB concurrency=1 requests=1 seconds=60

for durable in 0 1; do
  suffix=""; [[ $durable == 1 ]] && suffix="_durable"
  say "==> one $((BIG / MIB)) MiB upload, durable=$durable"
  one_upload "single_1g$suffix" /big "DURABLE=$durable" upload size="$BIG" concurrency=1 requests=1 seconds=300
  for chunk in 2 10; do
    say "==> the same in $chunk MiB chunks, one after another (Dropzone.js's default), durable=$durable"
    one_upload "chunked_${chunk}m$suffix" "/chunked$chunk" "DURABLE=$durable" \
      chunked size="$BIG" chunk=$((chunk * MIB)) parallel=1
  done
done
say "==> 2 MiB chunks, 2 in flight (parallel_chunk_uploads with parallel_uploads = 2)"
one_upload chunked_2m_parallel2 /chunked2 "" chunked size="$BIG" chunk=$((2 * MIB)) parallel=2

# ---------------------------------------------------------------------------------------
say "==> targets"
check() { # name value target-text met(0/1)
  local verdict=MISSED; [[ "$4" == 1 ]] && verdict=MET
  printf '%s: %s (%s) %s\n' "$1" "$2" "$3" "$verdict"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print 0 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }' && echo 1 || echo 0; }

disk="$(value ceiling.disk_write)"; http="$(value ceiling.http_upload.throughput)"
lower="$(awk -v a="$disk" -v b="$http" 'BEGIN { print (a < b ? a : b) }')"
fig ceiling.lower "$lower" MB/s
for s in single_1g single_1g_durable; do
  r="$(ratio "$(value $s.throughput)" "$lower")"
  check "target.$s.vs_lower_ceiling" "$r %" ">= 80 %" "$(ge "$r" 80)"
done
for d in "" _durable; do
  for c in 2 10; do
    r="$(ratio "$(value chunked_${c}m$d.throughput)" "$(value single_1g$d.throughput)")"
    check "target.chunked_${c}m$d.vs_single$d" "$r %" ">= 70 %" "$(ge "$r" 70)"
  done
done
r="$(ratio "$(value chunked_2m_parallel2.throughput)" "$(value single_1g.throughput)")"
check "target.chunked_2m_parallel2.vs_single" "$r %" ">= 70 %" "$(ge "$r" 70)"
base="$(value single_1m.peak_rss)"
for s in single_1g single_1g_durable chunked_2m chunked_10m chunked_2m_durable chunked_10m_durable \
  chunked_2m_parallel2; do
  rss="$(value $s.peak_rss)"
  delta="$(awk -v a="$rss" -v b="$base" 'BEGIN { printf "%.2f", a - b }')"
  ok=0; [[ "$(le "$rss" 16)" == 1 && "$(le "$delta" 4)" == 1 ]] && ok=1
  check "target.$s.peak_rss" "$rss MiB, +$delta MiB over 1 MiB upload" "<= 16 MiB and <= +4 MiB" "$ok"
done
saved="$(value small_10k.files_saved)"; ok2xx="$(value small_10k.responses_2xx)"
same=0; [[ "${saved%.*}" == "${ok2xx%.*}" ]] && same=1
check target.small_10k.files_saved "${saved%.*} files for ${ok2xx%.*} 2xx responses" "equal" "$same"
