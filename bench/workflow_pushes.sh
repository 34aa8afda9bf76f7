#!/usr/bin/env bash
# Benchmark of `ghcr-doctor workflow` on one `run:` block of many pushes: generates a
# workflow whose single step runs N `docker push` lines (default 100,000), runs the release
# binary on it three times and prints each wall time and the best, then the same for N/10
# so the ratio shows whether the cost is linear (about 10) or quadratic (about 100).
# Goal: 100,000 lines in under 5 s, linear. Results are recorded in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

n="${N:-100000}"
cargo build --release --quiet
bin="target/release/ghcr-doctor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

generate() {
  local count="$1" file="$2"
  {
    printf 'on: push\npermissions:\n  packages: write\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n'
    seq 1 "$count" | sed 's/^/          docker push ghcr.io\/octo\/app:t/'
  } >"$file"
}

best_of_three() {
  local file="$1" best=""
  for run in 1 2 3; do
    local start end ms status=0
    start="$(date +%s%N)"
    "$bin" --format json workflow "$file" >"$tmp/out.json" || status=$?
    end="$(date +%s%N)"
    if [ "$status" -gt 1 ]; then
      echo "ghcr-doctor exited $status" >&2
      exit "$status"
    fi
    ms=$(((end - start) / 1000000))
    echo "  run $run: ${ms} ms" >&2
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best="$ms"; fi
  done
  echo "$best"
}

generate "$n" "$tmp/big.yml"
generate "$((n / 10))" "$tmp/small.yml"
echo "$n pushes ($(wc -c <"$tmp/big.yml") bytes):"
big="$(best_of_three "$tmp/big.yml")"
echo "$((n / 10)) pushes:"
small="$(best_of_three "$tmp/small.yml")"
echo "best: ${big} ms for $n lines, ${small} ms for $((n / 10)); ratio $(((big * 10) / (small > 0 ? small : 1)))/10 (10 is linear)"
