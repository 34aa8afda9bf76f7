#!/usr/bin/env bash
# Benchmark of `ghcr-doctor workflow`: generates N workflow files (default 1,000, cycling
# through the fixture workflows) into a temporary `.github/workflows`, runs the release
# binary on the folder three times and prints each wall time and the best.
# Goal: 1,000 files in under 1 s. Results are recorded in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

n="${N:-1000}"
cargo build --release --quiet
bin="target/release/ghcr-doctor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dir="$tmp/.github/workflows"
mkdir -p "$dir"
fixtures=(tests/fixtures/workflows/*.yml)
for ((i = 0; i < n; i++)); do
  f="${fixtures[i % ${#fixtures[@]}]}"
  cp "$f" "$dir/$(printf '%04d' "$i")-$(basename "$f")"
done
bytes="$(cat "$dir"/*.yml | wc -c)"
lines="$(cat "$dir"/*.yml | wc -l)"

best=""
for run in 1 2 3; do
  start="$(date +%s%N)"
  status=0
  "$bin" --format json workflow "$dir" >"$tmp/out.json" || status=$?
  end="$(date +%s%N)"
  # Exit 1 is expected (the fixtures contain failures); 2 means the tool could not run.
  if [ "$status" -gt 1 ]; then
    echo "ghcr-doctor exited $status" >&2
    exit "$status"
  fi
  ms=$(((end - start) / 1000000))
  echo "run $run: ${ms} ms"
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best="$ms"; fi
done
findings="$(grep -c '"check"' "$tmp/out.json" || true)"
echo "workflow: $n files, $lines lines, $bytes bytes, $findings findings; best of 3: ${best} ms"
