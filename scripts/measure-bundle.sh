#!/usr/bin/env bash
# Builds the release site, then prints the bytes (raw and gzip -9) of the wasm and JavaScript a
# module page loads. A figure, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release "$@"
pkg=target/site/pkg
total_raw=0; total_gz=0
printf '%-28s %10s %10s\n' file raw gzip
for f in "$pkg"/*.wasm "$pkg"/levelfield.js; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-28s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-28s %10d %10d\n' total "$total_raw" "$total_gz"
printf '(inline hydration script not counted; budget: 100 KB gzip)\n'
