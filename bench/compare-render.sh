#!/usr/bin/env bash
# The render benchmark of an older revision and of the working tree, back to back in one run:
#
#   bash bench/compare-render.sh [REV]      (REV defaults to HEAD~1)
#
# Builds REV's bench from a `git archive` copy in a target directory of its own (seeded once
# with a copy of this tree's release artifacts, so mostly the workspace crates are compiled:
# the two trees' crates have the same names and paths relative to their workspaces, so in one
# target directory each build would take the other's artifacts as fresh), runs both with
# criterion's bencher output, and prints each figure before and after with the ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REV="${1:-HEAD~1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
BASE="$CARGO_TARGET_DIR/render-base"
BASE_TARGET="$CARGO_TARGET_DIR/render-base-target"
rm -rf "$BASE"
mkdir -p "$BASE" "$BASE_TARGET"
git archive "$REV" | tar -x -C "$BASE"
# Newer than anything built, so the workspace crates of REV are always rebuilt.
find "$BASE" -type f -exec touch {} +
if [[ ! -d "$BASE_TARGET/release" && -d "$CARGO_TARGET_DIR/release" ]]; then
  cp -a "$CARGO_TARGET_DIR/release" "$BASE_TARGET/"
fi
BEFORE="$(mktemp)"
AFTER="$(mktemp)"
trap 'rm -rf "$BASE" "$BEFORE" "$AFTER"' EXIT
run() { # run <dir> <target dir> <output file>
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -q -p dropzone-bench --bench render -- --output-format bencher 2>/dev/null) \
    | awk '$1 == "test" { print $2, $5 }' >"$3"
}
run "$BASE" "$BASE_TARGET" "$BEFORE"
run "$PWD" "$CARGO_TARGET_DIR" "$AFTER"
echo "figure: before_ns after_ns before/after  ($REV -> working tree)"
awk 'NR == FNR { gsub(",", "", $2); before[$1] = $2; next }
     { gsub(",", "", $2); b = before[$1]
       if (b == "") printf "%s: - %s -\n", $1, $2
       else printf "%s: %s %s %.1fx\n", $1, b, $2, b / $2 }' "$BEFORE" "$AFTER"
