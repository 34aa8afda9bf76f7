#!/usr/bin/env bash
# Benchmark of scripts/install.sh: a fake release (the built binary as
# ghcr-doctor-<target>.tar.gz plus SHA256SUMS) served from a loopback HTTP server, installed
# RUNS times into a fresh directory each; prints each wall time and the best.
#
# Usage: bench/install.sh [RUNS]   (default 5)
# Needs: python3 (the HTTP server), curl, tar, gzip, sha256sum.
# BIN=path/to/ghcr-doctor packs that binary (default: target/release/ghcr-doctor when built,
# else the debug build, which is about four times larger than a release binary).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}

if [ -z "${BIN:-}" ]; then
  if [ -x target/release/ghcr-doctor ]; then
    BIN=target/release/ghcr-doctor
  else
    cargo build --quiet --bin ghcr-doctor
    BIN=target/debug/ghcr-doctor
  fi
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  *) echo "bench/install.sh: run it on Linux or macOS" >&2; exit 2 ;;
esac

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/assets" "$work/stage"
cp "$BIN" "$work/stage/ghcr-doctor"
asset="ghcr-doctor-$target.tar.gz"
tar -cf - -C "$work/stage" ghcr-doctor | gzip -9 >"$work/assets/$asset"
(cd "$work/assets" && sha256sum "$asset" >SHA256SUMS)
size=$(wc -c <"$work/assets/$asset")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/assets" "$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

echo "binary: $BIN ($(wc -c <"$BIN") bytes), asset: $asset ($size bytes), $(nproc) cores"
best=
for i in $(seq "$RUNS"); do
  t0=$(date +%s%3N)
  GHCR_DOCTOR_VERSION=v0.0.0 GHCR_DOCTOR_DOWNLOAD_URL="http://127.0.0.1:$port" \
    GHCR_DOCTOR_INSTALL_DIR="$work/bin$i" bash scripts/install.sh >/dev/null 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s%3N)
  ms=$((t1 - t0))
  echo "run $i: $ms ms"
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "best: $best ms"
