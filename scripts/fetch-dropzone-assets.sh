#!/usr/bin/env bash
# Vendors the Dropzone.js files that dropzone-runtime embeds (include_bytes!) and serves.
#
#   bash scripts/fetch-dropzone-assets.sh          # npm pack, extract, verify, copy into place
#   bash scripts/fetch-dropzone-assets.sh --check  # verify the committed files only (no network)
#
# The files must be byte-exact copies of the npm tarballs: the SRI values in
# dropzone-runtime/src/assets.rs and the hashes in SHA256SUMS are computed from those bytes.
# Anything that does not match SHA256SUMS is refused (exit 1) and nothing is overwritten.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/dropzone-runtime/assets/dropzone"
sums="$dest/SHA256SUMS"

# version | path inside the package | name under assets/dropzone/<version>/
files=(
  "5.9.3|dist/min/dropzone.min.js|dropzone.min.js"
  "5.9.3|dist/min/dropzone.min.css|dropzone.min.css"
  "5.9.3|LICENSE|LICENSE"
  "6.3.5|dist/dropzone-min.js|dropzone-min.js"
  "6.3.5|dist/dropzone.css|dropzone.css"
  "6.3.5|LICENSE|LICENSE"
)

check() { # $1 = directory laid out like $dest
  (cd "$1" && sha256sum --strict --check --quiet "$sums")
}

if [[ "${1:-}" == "--check" ]]; then
  for entry in "${files[@]}"; do
    IFS='|' read -r version _ name <<<"$entry"
    [[ -f "$dest/$version/$name" ]] || { echo "missing: $dest/$version/$name" >&2; exit 1; }
  done
  if check "$dest"; then
    echo "dropzone assets: OK ($(grep -c . "$sums") files match SHA256SUMS)"
    exit 0
  fi
  echo "dropzone assets: MISMATCH against $sums" >&2
  exit 1
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--check]" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for version in 5.9.3 6.3.5; do
  mkdir -p "$work/pkg/$version" "$work/out/$version"
  (cd "$work/pkg/$version" && npm pack --silent "dropzone@$version" >/dev/null)
  tar -xzf "$work/pkg/$version/dropzone-$version.tgz" -C "$work/pkg/$version"
done

for entry in "${files[@]}"; do
  IFS='|' read -r version path name <<<"$entry"
  cp "$work/pkg/$version/package/$path" "$work/out/$version/$name"
done

if ! check "$work/out"; then
  echo "dropzone assets: downloaded files do not match $sums; nothing copied" >&2
  exit 1
fi

for entry in "${files[@]}"; do
  IFS='|' read -r version _ name <<<"$entry"
  mkdir -p "$dest/$version"
  cp "$work/out/$version/$name" "$dest/$version/$name"
done
echo "dropzone assets: fetched and verified into $dest"
