#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what is missing (Debian's chromium,
# the e2e npm packages, the Garage object store), then runs the Rust tests, the object-storage
# tests against Garage, builds the example binaries and runs the browser tests against them.
# Any failure fails the script.
#
#   bash scripts/test.sh
#
# Honours CARGO_TARGET_DIR; the browser tests find the binaries in $EXAMPLE_BIN_DIR
# (default: $CARGO_TARGET_DIR/debug, else target/debug).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

if [[ ! -x /usr/bin/chromium ]]; then
  echo "==> installing chromium (Debian packages)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver </dev/null
fi

echo "==> npm ci (e2e)"
npm ci --prefix e2e --no-audit --no-fund

echo "==> vendored Dropzone.js files"
bash scripts/fetch-dropzone-assets.sh --check

echo "==> cargo test"
cargo test --workspace

# A real S3-compatible engine (Garage, 3 nodes on 127.0.0.1; built once into a cache, about 9
# minutes the first time), kept up until the script ends, whatever the outcome.
echo "==> object storage tests (Garage)"
# (Assigned first: a failing `up` inside `eval "$(…)"` would not stop the script.)
exports="$(bash scripts/object-store.sh up)"
eval "$exports"
trap 'bash scripts/object-store.sh down' EXIT
DROPZONE_REQUIRE_S3=1 cargo test -p dropzone-runtime --features s3 --test object_store

echo "==> cargo build (binaries and examples the browser tests start)"
cargo build --workspace --bins --examples

export EXAMPLE_BIN_DIR="${EXAMPLE_BIN_DIR:-${CARGO_TARGET_DIR:-target}/debug}"
echo "==> browser tests (binaries from $EXAMPLE_BIN_DIR)"
node --test e2e/
