#!/usr/bin/env bash
# The render benchmark of an older revision and of the working tree, back to back in one run:
#
#   bash bench/compare-render.sh [REV]      (REV defaults to HEAD~1)
#
# Builds REV's bench from a `git archive` copy (sharing the target directory, so only the
# workspace crates are compiled twice), runs both with criterion's bencher output, and prints
# each figure before and after with the ratio before/after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REV="${1:-HEAD~1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
BASE="$CARGO_TARGET_DIR/render-base"
rm -rf "$BASE"
mkdir -p "$BASE"
git archive "$REV" | tar -x -C "$BASE"
BEFORE="$(mktemp)"
AFTER="$(mktemp)"
trap 'rm -rf "$BASE" "$BEFORE" "$AFTER"' EXIT
run() { # run <dir> <output file>
  (cd "$1" && cargo bench -q -p dropzone-bench --bench render -- --output-format bencher 2>/dev/null) \
    | awk '$1 == "test" { print $2, $5 }' >"$2"
}
run "$BASE" "$BEFORE"
run "$PWD" "$AFTER"
echo "figure: before_ns after_ns before/after  ($REV -> working tree)"
awk 'NR == FNR { gsub(",", "", $2); before[$1] = $2; next }
     { gsub(",", "", $2); b = before[$1]
       if (b == "") printf "%s: - %s -\n", $1, $2
       else printf "%s: %s %s %.1fx\n", $1, b, $2, b / $2 }' "$BEFORE" "$AFTER"
