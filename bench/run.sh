#!/usr/bin/env bash
# The benchmark suite, one command, release builds, loopback only:
#
#   bash bench/run.sh
#
# Prints one `name: value unit` line per figure, then the targets as ratios to the ceilings
# measured in the same run. Takes about 6-10 minutes on 2 cores.
#
# Two places are written to:
# - RAM rows (`ram.*`, the targets): an upload folder on a tmpfs this script mounts (needs
#   root, or a tmpfs already mounted at $BENCH_RAM_DIR) and unmounts at the end. They measure
#   the server's own cost, apart from the shared disk.
# - disk rows (`disk.*`): $BENCH_DIR (default: $CARGO_TARGET_DIR/bench-run, else
#   target/bench-run), needs ~2.2 GiB free. Each starts with the page cache's writeback
#   drained (`sync`, then `Dirty:` + `Writeback:` in /proc/meminfo under 32 MiB, at most 60 s).
# Every upload row is measured 3 times on a fresh server process: the throughput printed is
# the median, the peak RSS the highest of the 3.
#
# Environment: BENCH_DIR, BENCH_RAM_DIR (see above), BENCH_BIG (bytes of the "1 GiB" upload,
# default 1073741824), BENCH_RUNS (default 3), BENCH_DISK=0 to skip the disk rows, BENCH_RAW=1
# to also show loadgen's and criterion's own output, BENCH_S3=1 for the object-storage rows,
# BENCH_S3_QUICKACK=0 to run them without quickack (see s3_rows).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
WORK="${BENCH_DIR:-$TARGET/bench-run}"
RAM="${BENCH_RAM_DIR:-$WORK/ram}"
BIG="${BENCH_BIG:-1073741824}"
RUNS="${BENCH_RUNS:-3}"
MIB=1048576
BIN="$TARGET/release"
FIGURES="$(mktemp)"
SAMPLES="$(mktemp)"
SERVER_PID=""
SERVER_ADDR=""
DISCARD_PID=""
MOUNTED=""
# Every tool run is bounded: loadgen by its own count/time limits, and by this.
STEP_TIMEOUT=400

say() { echo "$*" >&2; }

stop_pid() { # pid
  if [[ -n "$1" ]]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

cleanup() {
  stop_server
  stop_pid "$DISCARD_PID"
  rm -rf "$RAM/uploads" "$WORK/uploads" 2>/dev/null || true
  [[ -n "$MOUNTED" ]] && umount "$RAM" 2>/dev/null
  rm -rf "$WORK" "$FIGURES" "$SAMPLES"
}
trap cleanup EXIT

# Prints figure lines and keeps them for the checks.
record() { tee -a "$FIGURES"; }

fig() { printf '%s: %s %s\n' "$1" "$2" "$3" | record; }

# The value of figure $1.
value() { awk -v n="$1:" '$1 == n { v = $2 } END { print v }' "$FIGURES"; }

# median / max of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
maximum() { sort -g | tail -1; }

# Waits (at most 60 s) until the page cache holds under 32 MiB not yet on disk, so that a disk
# row does not pay for an earlier row's writes (or deletions: the disk may be mounted `discard`).
drain_writeback() {
  sync
  local kib=0
  for _ in $(seq 1 600); do
    kib="$(awk '/^(Dirty|Writeback):/ { s += $2 } END { print s }' /proc/meminfo)"
    (( kib < 32768 )) && return 0
    sleep 0.1
  done
  say "   (writeback still at $((kib / 1024)) MiB after 60 s; other processes are writing)"
}

# fresh_dir <dir>: an empty upload folder <dir>/uploads.
fresh_dir() { rm -rf "$1/uploads"; mkdir -p "$1/uploads"; }

# start_server <binary> <dir> [env…]: starts it on a fresh <dir>/uploads, waits for its
# `listening: ADDR` line (at most 20 s), sets SERVER_PID and SERVER_ADDR.
start_server() {
  local exe="$1" dir="$2"; shift 2
  fresh_dir "$dir"
  local log="$WORK/server.log"
  : >"$log" # emptied here, not by the background redirection, which may come too late
  env "$@" UPLOAD_DIR="$dir/uploads" ADDR=127.0.0.1:0 "$exe" >"$log" 2>&1 &
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

# CPU seconds (user + system) process $1 has used so far. Less sensitive than throughput to
# other processes on a shared machine: it is what the server itself spent.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# The server's peak resident set (VmHWM) in MiB.
peak_rss() { awk '/^VmHWM:/ { printf "%.2f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# Regular files in <dir>/uploads (hidden part files excluded).
stored_files() { find "$1/uploads" -maxdepth 1 -type f ! -name '.*' | wc -l; }

loadgen() {
  local out
  out="$(timeout "$STEP_TIMEOUT" "$BIN/loadgen" "$@")" || { say "loadgen $1 failed: $out"; exit 1; }
  [[ -n "${BENCH_RAW:-}" ]] && say "$out"
  printf '%s\n' "$out"
}

# The value of figure $1 in loadgen output on stdin.
pick() { awk -v n="$1:" '$1 == n { print $2 }'; }

# measure <name> <ram|disk> <route> <env> <loadgen args…>: $RUNS uploads, each on a fresh
# server process; records the median throughput (MB/s and, for many small requests, req/s),
# the highest peak RSS and the files saved by the last run.
measure() {
  local name="$1" where="$2" route="$3" env="$4"; shift 4
  local dir="$RAM"; [[ "$where" == disk ]] && dir="$WORK"
  : >"$SAMPLES"
  for run in $(seq 1 "$RUNS"); do
    start_server "$BIN/bench-server" "$dir" $env
    [[ "$where" == disk ]] && drain_writeback
    local out
    out="$(loadgen "$@" url="http://$SERVER_ADDR$route" label=x)"
    printf 'tp %s\nrps %s\ncpu %s\nrss %s\nok %s\nother %s\nerr %s\nfiles %s\n' \
      "$(pick x.throughput <<<"$out")" "$(pick x.requests_per_s <<<"$out")" "$(cpu_s "$SERVER_PID")" "$(peak_rss)" \
      "$(pick x.responses_2xx <<<"$out")" "$(pick x.responses_other <<<"$out")" \
      "$(pick x.transport_errors <<<"$out")" "$(stored_files "$dir")" >>"$SAMPLES"
    say "   run $run: $(pick x.throughput <<<"$out") MB/s, peak RSS $(peak_rss) MiB"
    stop_server
    fresh_dir "$dir"
  done
  col() { awk -v k="$1" '$1 == k && $2 != "" { print $2 }' "$SAMPLES"; }
  fig "$name.throughput" "$(col tp | median)" MB/s
  [[ -n "$(col rps)" ]] && fig "$name.requests_per_s" "$(col rps | median)" req/s
  fig "$name.server_cpu" "$(col cpu | median)" s
  fig "$name.peak_rss" "$(col rss | maximum)" MiB
  if [[ -n "$(col ok)" ]]; then
    fig "$name.responses_2xx" "$(col ok | tail -1)" responses
    fig "$name.responses_other" "$(col other | tail -1)" responses
    fig "$name.transport_errors" "$(col err | tail -1)" errors
    fig "$name.files_saved" "$(col files | tail -1)" files
  fi
  return 0
}

# ceiling <name> <loadgen args…>: $RUNS runs against the discarding server; median.
ceiling() {
  local name="$1"; shift
  : >"$SAMPLES"
  for _ in $(seq 1 "$RUNS"); do
    local out before
    before="$(cpu_s "$DISCARD_PID")"
    out="$(loadgen "$@" url="http://$DISCARD_ADDR/" label=x)"
    printf 'tp %s\nrps %s\ncpu %s\n' "$(pick x.throughput <<<"$out")" "$(pick x.requests_per_s <<<"$out")" \
      "$(awk -v a="$(cpu_s "$DISCARD_PID")" -v b="$before" 'BEGIN { printf "%.2f", a - b }')" >>"$SAMPLES"
  done
  fig "$name.throughput" "$(awk '$1 == "tp" { print $2 }' "$SAMPLES" | median)" MB/s
  fig "$name.requests_per_s" "$(awk '$1 == "rps" { print $2 }' "$SAMPLES" | median)" req/s
  fig "$name.server_cpu" "$(awk '$1 == "cpu" { print $2 }' "$SAMPLES" | median)" s
}

say "==> building (release)"
cargo build --release -q -p dropzone-bench --bins ${BENCH_S3:+--features s3}
# With the same features as the build above: `cargo bench` relinks the bins too.
cargo bench -q -p dropzone-bench ${BENCH_S3:+--features s3} --bench render --no-run 2>/dev/null
mkdir -p "$WORK" "$RAM"
if ! mountpoint -q "$RAM"; then
  # 1 GiB upload + its chunk part file never coexist, but the small-upload rows store up to
  # a few hundred thousand 10 KiB files: room for both.
  mount -t tmpfs -o size=4g,mode=0700 dropzone-bench "$RAM" \
    || { say "cannot mount a tmpfs on $RAM (run as root, or mount one there and set BENCH_RAM_DIR)"; exit 1; }
  MOUNTED=1
fi
fig load.before "$(cut -d' ' -f1 /proc/loadavg)" "(1-min load average)"

say "==> ceilings: the HTTP stack discarding the same bodies; writing the same bytes to the tmpfs"
: >"$WORK/discard.log"
"$BIN/loadgen" discard addr=127.0.0.1:0 >"$WORK/discard.log" 2>&1 &
DISCARD_PID=$!
for _ in $(seq 1 100); do
  DISCARD_ADDR="$(sed -n 's/^listening: //p' "$WORK/discard.log" | head -1)"
  [[ -n "$DISCARD_ADDR" ]] && break
  sleep 0.1
done
[[ -n "$DISCARD_ADDR" ]] || { say "loadgen discard did not start"; cat "$WORK/discard.log" >&2; exit 1; }
ceiling ceiling.http_upload upload size="$BIG" concurrency=1 requests=1 seconds=120
ceiling ceiling.http_small_10k upload size=10240 concurrency=16 requests=400000 seconds=4
stop_pid "$DISCARD_PID"; DISCARD_PID=""
: >"$SAMPLES"
for _ in $(seq 1 "$RUNS"); do
  fresh_dir "$RAM"
  loadgen disk dir="$RAM/uploads" size="$BIG" | pick ceiling.disk_write >>"$SAMPLES"
done
fresh_dir "$RAM"
fig ceiling.ram_write "$(median <"$SAMPLES")" MB/s
# Every stored file is hashed (sha256) as it streams in, on one core: a third ceiling.
: >"$SAMPLES"
for _ in $(seq 1 "$RUNS"); do
  loadgen sha256 size="$BIG" | pick ceiling.sha256 >>"$SAMPLES"
done
fig ceiling.sha256 "$(median <"$SAMPLES")" MB/s

say "==> page render, in-process (criterion)"
cargo bench -q -p dropzone-bench ${BENCH_S3:+--features s3} --bench render -- --output-format bencher 2>/dev/null \
  | awk '/^test / { gsub(",", "", $5); printf "%s: %.1f ns\n", $2, $5 }' | record

say "==> page render over HTTP, concurrency 32"
start_server "$BIN/bench-server" "$RAM"
loadgen get url="http://$SERVER_ADDR/" concurrency=32 requests=100000 seconds=8 label=http_page \
  | grep -E '^http_page\.(requests_per_s|p50|p99|responses_2xx):' | record
stop_server

say "==> RAM: 10 KiB uploads, concurrency 16 (the same load as ceiling.http_small_10k)"
measure ram.small_10k ram /small "" upload size=10240 concurrency=16 requests=400000 seconds=4
say "==> RAM: one 1 MiB upload (the RSS baseline)"
measure ram.single_1m ram /big "" upload size=$MIB concurrency=1 requests=1 seconds=60
say "==> RAM: one $((BIG / MIB)) MiB upload"
measure ram.single_1g ram /big "" upload size="$BIG" concurrency=1 requests=1 seconds=300
for chunk in 2 10; do
  say "==> RAM: the same in $chunk MiB chunks, one after another (Dropzone.js's default)"
  measure "ram.chunked_${chunk}m" ram "/chunked$chunk" "" chunked size="$BIG" chunk=$((chunk * MIB)) parallel=1
done
say "==> RAM: 2 MiB chunks, 2 in flight (parallel_chunk_uploads with parallel_uploads = 2)"
measure ram.chunked_2m_parallel2 ram /chunked2 "" chunked size="$BIG" chunk=$((2 * MIB)) parallel=2

# Object storage (BENCH_S3=1): the 3-node Garage cluster of scripts/object-store.sh, in a
# subshell so that its variables and its `down` stay there. One upload of BENCH_S3_SIZE bytes
# (default: the same as BENCH_BIG) through the server into the bucket, against `object_store`
# alone putting the same bytes into the same bucket (the ceiling). Each stored object is
# deleted after its run: Garage keeps 3 replicas of every byte.
#
# Garage 2.5.0 sets no TCP_NODELAY on its sockets (its source has no `nodelay`), so on
# loopback a small answer, to the client or between its nodes, can wait for the peer's
# delayed ACK: 40 ms. With curl, 18 of 20 small PUTs took 45 ms, and 0 of 20 once the
# loopback routes had `quickack`. That wait costs every chunk request (which asks the store
# a few small things) and hardly the ceiling (large parts back to back), so it measures the
# engine's sockets, not this code. The S3 rows therefore run with `quickack` on the loopback
# routes (root only; restored after). BENCH_S3_QUICKACK=0 measures without.
loopback_quickack() {
  local route
  for dst in 127.0.0.0/8 127.0.0.1; do
    route="$(ip route show table local "$dst" | grep '^local ' | head -1 | sed 's/ quickack [0-9]*//')"
    [[ -n "$route" ]] || return 1
    # shellcheck disable=SC2086 # the route's words
    ip route change $route table local ${1:+quickack 1} 2>/dev/null || return 1
  done
}
s3_rows() (
  exports="$(bash scripts/object-store.sh up)"
  eval "$exports"
  quickack=""
  if [[ "${BENCH_S3_QUICKACK:-1}" == 1 ]] && loopback_quickack on; then
    quickack=1
    say "   (loopback routes with quickack for the S3 rows; see bench/run.sh)"
  else
    say "   (S3 rows without quickack: Garage's delayed-ACK waits are counted)"
  fi
  trap 'bash scripts/object-store.sh down; [[ -n "$quickack" ]] && loopback_quickack' EXIT
  local size="${BENCH_S3_SIZE:-$BIG}" base="$DROPZONE_STORAGE"
  : >"$SAMPLES"
  for _ in $(seq 1 "$RUNS"); do
    timeout "$STEP_TIMEOUT" "$BIN/object-store-ceiling" raw size="$size" part=5242880 concurrency=2 >"$WORK/ceiling.out"
    pick ceiling.object_store.throughput <"$WORK/ceiling.out" >>"$SAMPLES"
    pick ceiling.object_store.peak_rss <"$WORK/ceiling.out" >>"$WORK/ceiling.rss"
  done
  fig ceiling.object_store.throughput "$(median <"$SAMPLES")" MB/s
  fig ceiling.object_store.peak_rss "$(maximum <"$WORK/ceiling.rss")" MiB
  say "==> object storage: one $((size / MIB)) MiB upload through the server into Garage"
  measure s3.single_upload ram /big "DROPZONE_STORAGE=$base/bench-rows" \
    upload size="$size" concurrency=1 requests=1 seconds=300
  DROPZONE_STORAGE="$base/bench-rows" timeout "$STEP_TIMEOUT" "$BIN/object-store-ceiling" clean
  # Chunked (10 MiB chunks, one at a time): each chunk a part of one multipart upload, the
  # assembled object read back once (sha256, content check) and copied to its stored name.
  say "==> object storage: the same bytes chunked by 10 MiB through the server into Garage"
  measure s3.chunked_10m ram /chunked10 "DROPZONE_STORAGE=$base/bench-rows" \
    chunked size="$size" chunk=$((10 * MIB)) parallel=1
  DROPZONE_STORAGE="$base/bench-rows" timeout "$STEP_TIMEOUT" "$BIN/object-store-ceiling" clean
)
if [[ -n "${BENCH_S3:-}" ]]; then
  say "==> object storage ceiling: object_store alone into Garage"
  s3_rows
fi

if [[ "${BENCH_DISK:-1}" != 0 ]]; then
  say "==> disk ceiling: sequential write (fsync), writeback drained first"
  : >"$SAMPLES"
  for _ in $(seq 1 "$RUNS"); do
    fresh_dir "$WORK"; drain_writeback
    loadgen disk dir="$WORK/uploads" size="$BIG" | pick ceiling.disk_write >>"$SAMPLES"
  done
  fig ceiling.disk_write "$(median <"$SAMPLES")" MB/s
  for durable in 0 1; do
    suffix=""; [[ $durable == 1 ]] && suffix="_durable"
    say "==> disk: one $((BIG / MIB)) MiB upload, durable=$durable"
    measure "disk.single_1g$suffix" disk /big "DURABLE=$durable" upload size="$BIG" concurrency=1 requests=1 seconds=300
    for chunk in 2 10; do
      say "==> disk: the same in $chunk MiB chunks, durable=$durable"
      measure "disk.chunked_${chunk}m$suffix" disk "/chunked$chunk" "DURABLE=$durable" \
        chunked size="$BIG" chunk=$((chunk * MIB)) parallel=1
    done
  done
fi
fig load.after "$(cut -d' ' -f1 /proc/loadavg)" "(1-min load average)"

# ---------------------------------------------------------------------------------------
say "==> targets"
check() { # name value target-text met(0/1)
  local verdict=MISSED; [[ "$4" == 1 ]] && verdict=MET
  printf '%s: %s (%s) %s\n' "$1" "$2" "$3" "$verdict"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print 0 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }' && echo 1 || echo 0; }

http="$(value ceiling.http_upload.throughput)"
for s in ram.single_1g ram.chunked_10m ram.chunked_2m; do
  r="$(ratio "$(value $s.throughput)" "$http")"
  want=85; [[ $s == ram.chunked_2m ]] && want=0 # 2 MiB chunks: reported, no target
  if [[ $want == 0 ]]; then
    printf 'ratio.%s.vs_http_ceiling: %s %%\n' "$s" "$r"
  else
    check "target.$s.vs_http_ceiling" "$r %" ">= $want %" "$(ge "$r" $want)"
  fi
done
# Writing 1 GiB into the tmpfs alone, or hashing it, can cost more than receiving it: an
# upload does all three (on different threads), so the lowest of the three ceilings says what
# any upload could reach (no target).
lower="$(awk -v a="$http" -v b="$(value ceiling.ram_write)" -v c="$(value ceiling.sha256)" \
  'BEGIN { m = a; if (b < m) m = b; if (c < m) m = c; print m }')"
for c in ceiling.ram_write ceiling.sha256; do
  printf 'ratio.%s.vs_http_ceiling: %s %%\n' "$c" "$(ratio "$(value $c)" "$http")"
done
for s in ram.single_1g ram.chunked_10m; do
  printf 'ratio.%s.vs_lowest_ceiling: %s %%\n' "$s" "$(ratio "$(value $s.throughput)" "$lower")"
done
r="$(ratio "$(value ram.small_10k.requests_per_s)" "$(value ceiling.http_small_10k.requests_per_s)")"
check target.ram.small_10k.vs_small_ceiling "$r %" ">= 30 %" "$(ge "$r" 30)"
# Server CPU per byte or request, relative to the discarding server's: what the upload path
# itself costs, less disturbed by other processes than throughput (no target). Small rows run
# 4 s each, so CPU per request is CPU / req/s over the same time.
for s in ram.single_1g ram.chunked_10m; do
  printf 'cpu.%s.vs_http_ceiling: %s x\n' "$s" \
    "$(awk -v a="$(value $s.server_cpu)" -v b="$(value ceiling.http_upload.server_cpu)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
done
printf 'cpu.ram.small_10k.per_request_vs_ceiling: %s x\n' \
  "$(awk -v a="$(value ram.small_10k.server_cpu)" -v n="$(value ram.small_10k.requests_per_s)" \
        -v b="$(value ceiling.http_small_10k.server_cpu)" -v m="$(value ceiling.http_small_10k.requests_per_s)" \
        'BEGIN { if (b > 0 && n > 0 && m > 0) printf "%.2f", (a / n) / (b / m); else print "n/a" }')"
for s in $(awk -F'[: ]' '$1 ~ /\.peak_rss$/ { sub(/\.peak_rss$/, "", $1); print $1 }' "$FIGURES"); do
  [[ $s == ceiling.* ]] && continue # the ceilings are measured, not held to a target
  limit=16; [[ $s == *parallel2* ]] && limit=12; [[ $s == s3.* ]] && limit=24
  rss="$(value $s.peak_rss)"
  check "target.$s.peak_rss" "$rss MiB" "<= $limit MiB" "$(le "$rss" $limit)"
done
if [[ -n "${BENCH_S3:-}" ]]; then
  for s in s3.single_upload s3.chunked_10m; do
    r="$(ratio "$(value $s.throughput)" "$(value ceiling.object_store.throughput)")"
    check "target.$s.vs_object_store_ceiling" "$r %" ">= 80 %" "$(ge "$r" 80)"
  done
fi
saved="$(value ram.small_10k.files_saved)"; ok2xx="$(value ram.small_10k.responses_2xx)"
same=0; [[ "${saved%.*}" == "${ok2xx%.*}" ]] && same=1
check target.ram.small_10k.files_saved "${saved%.*} files for ${ok2xx%.*} 2xx responses" "equal" "$same"
if [[ "${BENCH_DISK:-1}" != 0 ]]; then
  for d in "" _durable; do
    for c in 2 10; do
      r="$(ratio "$(value disk.chunked_${c}m$d.throughput)" "$(value disk.single_1g$d.throughput)")"
      printf 'ratio.disk.chunked_%sm%s.vs_single%s: %s %%\n' "$c" "$d" "$d" "$r"
    done
    r="$(ratio "$(value disk.single_1g$d.throughput)" "$(value ceiling.disk_write)")"
    printf 'ratio.disk.single_1g%s.vs_disk_ceiling: %s %%\n' "$d" "$r"
  done
fi
