#!/usr/bin/env bash
# Benchmark for `ghcr-doctor explain`: generates a synthetic GitHub Actions log of about
# 100 MB (timestamps, ANSI colours, buildx and npm output, a few registry errors, one line of
# several MiB), runs the release binary on it and prints the wall time and peak memory; then
# the worst case (every line the same error) and the same kind of log without timestamps.
#
#   bench/explain.sh            # ~100 MB
#   SIZE_MB=500 bench/explain.sh
#
# Not a test: timings depend on the machine. Record results in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb="${SIZE_MB:-100}"
work="${BENCH_DIR:-target/bench}"
log="$work/explain-${size_mb}mb.log"
mkdir -p "$work"

# generate PATH stamped|plain: the synthetic log, each line with the runner's timestamp or
# (a local shell's output, a paste) without any.
generate() {
  python3 - "$1" "$size_mb" "$2" <<'PY'
import random, sys
path, size_mb, stamped = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "stamped"
target = size_mb * 1024 * 1024
random.seed(7)
ordinary = [
    "\x1b[36;1m#12 [build 4/9] RUN npm ci --omit=dev\x1b[0m",
    "#12 3.214 added 812 packages, and audited 813 packages in 3s",
    "#14 sha256:3b1f0d5c7e9a2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d 12.58MB / 48.12MB 1.2s",
    "test registry::tests::unauthorized_returns_401 ... ok",
    "   Compiling serde_json v1.0.128",
    "warning: unused variable: `denied`",
    "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
    "cp: cannot stat 'dist/extra': No such file or directory",
    "##[group]Run actions/checkout@v4",
    "##[endgroup]",
    "Downloading https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
    "ok  \tgithub.com/octo-org/app/internal/store\t0.412s",
]
errors = [
    "#12 ERROR: failed to push ghcr.io/octo-org/app:main: denied: installation not allowed to Write organization package",
    "Error response from daemon: Head \"https://ghcr.io/v2/octo-org/base/manifests/1.2\": denied: denied",
    "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
    "Error: writing blob: initiating layer upload to /v2/team/app/blobs/uploads/ in 127.0.0.1:5000: errors:\\ndenied: requested access to the resource is denied\\nunauthorized: authentication required\\n",
]
with open(path, "w", newline="\n") as f:
    if stamped:
        f.write("2024-05-14T08:21:00.0000000Z ##[group]GITHUB_TOKEN Permissions\n")
        f.write("2024-05-14T08:21:00.0000000Z Packages: read\n")
        f.write("2024-05-14T08:21:00.0000000Z ##[endgroup]\n")
    written, n = 0, 0
    while written < target:
        n += 1
        if n % 50000 == 0:
            line = random.choice(errors)
        elif n == 100001:
            line = "x" * (8 * 1024 * 1024)
        else:
            line = random.choice(ordinary)
        if stamped:
            s = "2024-05-14T08:%02d:%02d.%07dZ %s\n" % (n // 3600 % 60, n // 60 % 60, n % 10000000, line)
        else:
            s = line + "\n"
        f.write(s)
        written += len(s)
PY
}

if [ ! -s "$log" ]; then
  generate "$log" stamped
fi

cargo build --release --quiet
bin=target/release/ghcr-doctor
bytes=$(stat -c %s "$log")
echo "input: $log ($((bytes / 1024 / 1024)) MiB, $(wc -l <"$log") lines)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$bin" explain --format json "$log" >"$work/explain.json" 2>"$work/time.txt" || true
  grep -E "Elapsed \(wall clock\)|Maximum resident set size|User time|System time" "$work/time.txt"
else
  start=$(date +%s.%N)
  "$bin" explain --format json "$log" >"$work/explain.json"
  end=$(date +%s.%N)
  echo "wall: $(echo "$end - $start" | bc) s (install GNU time for peak memory)"
fi
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('findings:', [(f['cause'], f['evidence']['count']) for f in d['findings']])" "$work/explain.json"

# The worst case: every line is the same registry error (a retry loop), so every line goes
# through cleaning and confirmation.
worst="$work/explain-worst-${size_mb}mb.log"
if [ ! -s "$worst" ]; then
  python3 - "$worst" "$size_mb" <<'PY'
import sys
path, size_mb = sys.argv[1], int(sys.argv[2])
line = "2024-05-14T08:21:00.1234567Z #12 ERROR: failed to push ghcr.io/octo-org/app:main: denied: installation not allowed to Write organization package\n"
with open(path, "w") as f:
    f.write(line * (size_mb * 1024 * 1024 // len(line)))
PY
fi
echo "worst case: $worst (every line an error)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$bin" explain --format json "$worst" >/dev/null 2>"$work/time-worst.txt" || true
  grep -E "Elapsed \(wall clock\)|Maximum resident set size|User time" "$work/time-worst.txt"
fi

# The log without timestamps (a local shell's output, a paste): the same lines, about the same
# size, none marked by a tool's prefix, so the frame reader looks at the break after every
# long line for a message a terminal or a page wrapped.
plain="$work/explain-plain-${size_mb}mb.log"
if [ ! -s "$plain" ]; then
  generate "$plain" plain
fi
bytes=$(stat -c %s "$plain")
echo "without timestamps: $plain ($((bytes / 1024 / 1024)) MiB, $(wc -l <"$plain") lines)"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$bin" explain --format json "$plain" >"$work/explain-plain.json" 2>"$work/time-plain.txt" || true
  grep -E "Elapsed \(wall clock\)|Maximum resident set size|User time|System time" "$work/time-plain.txt"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('findings:', [(f['cause'], f['evidence']['count']) for f in d['findings']])" "$work/explain-plain.json"
fi
