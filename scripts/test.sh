#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what is missing (Debian's chromium,
# the e2e npm packages), then runs the Rust tests, builds the example binaries and runs the
# browser tests against them. Any failure fails the script.
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

echo "==> cargo build (binaries and examples the browser tests start)"
cargo build --workspace --bins --examples

export EXAMPLE_BIN_DIR="${EXAMPLE_BIN_DIR:-${CARGO_TARGET_DIR:-target}/debug}"
echo "==> browser tests (binaries from $EXAMPLE_BIN_DIR)"
node --test e2e/
