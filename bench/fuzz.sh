#!/usr/bin/env bash
# Runs every fuzz target listed in fuzz/Cargo.toml for SECONDS each (default 60), one after
# another, starting from the committed seeds (fuzz/seeds/<target>/) plus the corpus grown
# by earlier runs (fuzz/corpus/<target>/, git-ignored), and prints one line per target:
# executions, coverage, corpus size and crashes.
#
#   bench/fuzz.sh          # 60 s per target
#   bench/fuzz.sh 300      # 5 min per target
#   SANITIZER=none bench/fuzz.sh   # without AddressSanitizer (faster; default: address)
#   TARGETS="explain workflow" bench/fuzz.sh 180   # only these targets
#
# Needs only stable Rust: cargo-fuzz is installed if missing, and RUSTC_BOOTSTRAP=1 lets the
# stable compiler accept the nightly flags cargo-fuzz passes (sanitizer included). The first
# build takes several minutes; later runs reuse fuzz/target.
#
# A crash stops that target's run; its input is kept in fuzz/artifacts/<target>/ and
# `cargo fuzz run <target> <file>` replays it. The exit status is 1 if any target crashed.
# Record runs and fixed crashes in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
sanitizer="${SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1
export PATH="$HOME/.cargo/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

targets="${TARGETS:-$(cargo fuzz list)}"
logs=target/fuzz-logs
mkdir -p "$logs"

echo "building: $(echo $targets) (sanitizer: $sanitizer)" >&2
cargo fuzz build -s "$sanitizer" >&2

printf '%-10s %8s %12s %8s %8s %8s %s\n' target seconds runs cov ft corpus crashes
# seconds: how long the target ran (less than asked when it crashed); cov, ft: libFuzzer's
# covered edges and features; corpus: inputs kept in fuzz/corpus/<target>.
failed=0
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  before=$(ls "artifacts/$t" | wc -l)
  log="$logs/$t.log"
  status=0
  start=$(date +%s)
  # New inputs go to the first folder (corpus/<t>); the seeds are only read.
  cargo fuzz run -s "$sanitizer" "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(ls "corpus/$t" | wc -l)
  after=$(ls "artifacts/$t" | wc -l)
  crashes=$((after - before))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes="error (exit $status, see fuzz/$log)"
  fi
  [ "$status" -ne 0 ] && failed=1
  printf '%-10s %8s %12s %8s %8s %8s %s\n' "$t" "$elapsed" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes"
  if [ "$status" -ne 0 ]; then
    ls -t "artifacts/$t" | head -n 1 | sed "s|^|  input: fuzz/artifacts/$t/|"
  fi
done
exit "$failed"
