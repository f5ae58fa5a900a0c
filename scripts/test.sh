#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: checks the prerequisites (Rust 1.95, Node.js
# >= 20 with npm), installs what is missing (Debian's chromium, the e2e npm packages, the
# Garage object store), then runs the Rust tests, the object-storage tests against Garage,
# builds the example binaries and runs the browser tests against them.
# Any failure fails the script; a missing prerequisite fails it at once, saying what to do.
#
#   bash scripts/test.sh
#
# Honours CARGO_TARGET_DIR; the browser tests find the binaries in $EXAMPLE_BIN_DIR
# (default: $CARGO_TARGET_DIR/debug, else target/debug) and chromium at $CHROMIUM_BIN
# (default /usr/bin/chromium). README.md, "Setup", says what is installed where.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() {
  printf 'scripts/test.sh: %s\n' "$*" >&2
  exit 1
}

# Each phase is timed; the summary at the end gives the figures README.md quotes.
TIMES=()
phase() {
  local name=$1 t0=$SECONDS
  shift
  echo "==> $name"
  "$@"
  TIMES+=("$name: $((SECONDS - t0)) s")
}

# --- prerequisites: checked before anything runs, so a missing one costs seconds ---------

command -v cargo >/dev/null && command -v rustc >/dev/null ||
  fail "cargo/rustc not found: install Rust 1.95 (https://rustup.rs, then 'rustup toolchain install 1.95.0')"
rust_version=$(rustc --version | awk '{print $2}')
[[ $(printf '%s\n' 1.95.0 "${rust_version%%-*}" | sort -V | head -n1) == 1.95.0 ]] ||
  fail "Rust $rust_version is too old: the workspace needs 1.95 ('rustup update stable')"

command -v node >/dev/null ||
  fail "node not found: install Node.js 20 or newer with npm (Debian 12's own nodejs is 18, too old: use NodeSource's packages or nvm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || fail "Node.js $(node --version) is too old: the browser tests need 20 or newer"
command -v npm >/dev/null || fail "npm not found: install it with Node.js (Debian: the npm package, or NodeSource's nodejs)"

CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}
install_chromium() {
  command -v apt-get >/dev/null ||
    fail "$CHROMIUM_BIN is missing and apt-get is not available: install chromium yourself and set CHROMIUM_BIN=/path/to/chromium"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null ||
      fail "$CHROMIUM_BIN is missing; installing it needs root and sudo is not installed: as root, run 'apt-get install -y chromium', or set CHROMIUM_BIN"
    # Without a terminal sudo cannot ask for a password (CI): say so instead of hanging.
    if ! sudo -n true 2>/dev/null && [[ ! -t 0 ]]; then
      fail "$CHROMIUM_BIN is missing and sudo needs a password: run 'sudo apt-get install -y chromium chromium-driver' once, then this script again"
    fi
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver </dev/null
  [[ -x $CHROMIUM_BIN ]] ||
    fail "apt-get ran but $CHROMIUM_BIN is still missing (on Ubuntu, 'chromium' is a snap stub that does not work in containers): install a chromium or Chrome build and set CHROMIUM_BIN"
}
if [[ ! -x $CHROMIUM_BIN ]]; then
  [[ $CHROMIUM_BIN == /usr/bin/chromium ]] || fail "CHROMIUM_BIN=$CHROMIUM_BIN is not an executable file"
  phase "installing chromium (Debian packages)" install_chromium
fi
export CHROMIUM_BIN

# --- the suite ----------------------------------------------------------------------------

npm_ci() {
  npm ci --prefix e2e --no-audit --no-fund ||
    fail "npm ci failed: the npm registry must be reachable (e2e/package-lock.json pins playwright-core)"
}
phase "npm ci (e2e/node_modules)" npm_ci

phase "vendored Dropzone.js files" bash scripts/fetch-dropzone-assets.sh --check

phase "cargo test" cargo test --workspace

phase "cargo build (binaries and examples the browser tests start)" \
  cargo build --workspace --bins --examples

export EXAMPLE_BIN_DIR="${EXAMPLE_BIN_DIR:-${CARGO_TARGET_DIR:-target}/debug}"

# A real S3-compatible engine (Garage, 3 nodes on 127.0.0.1; built once into a cache, about 9
# minutes the first time), kept up until the script ends, whatever the outcome.
# In a subshell: the cluster's variables (DROPZONE_STORAGE=s3://…) must not reach the examples
# the other browser tests start later, and the cluster is down again before they run. The
# browser test of two instances over one bucket runs here, after the cargo tests.
object_store_tests() (
  # (Assigned first: a failing `up` inside `eval "$(…)"` would not stop the script.)
  exports="$(bash scripts/object-store.sh up)"
  eval "$exports"
  trap 'bash scripts/object-store.sh down' EXIT
  export DZRS_REQUIRE_S3=1
  cargo test -p dropzone-runtime --features s3 --test object_store --test object_store_upload --test object_store_routes --test object_store_chunked --test object_store_chunk_parts
  node --test e2e/cluster-s3.test.mjs
)
phase "object storage tests (Garage, with the two-instance browser test)" object_store_tests

phase "browser tests (binaries from $EXAMPLE_BIN_DIR)" node --test e2e/

echo "==> all passed in $SECONDS s"
printf '    %s\n' "${TIMES[@]}"
