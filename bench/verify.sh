#!/usr/bin/env bash
# Benchmark of `ghcr-doctor verify` behind a delaying proxy, side by side with
# `skopeo inspect` and with `skopeo copy` to a directory (the "pull it to verify" way). The
# registry uses token auth (as ghcr.io does), so every tool pays the ping and the token
# exchange.
#
# Usage: bench/verify.sh [RTT_MS=100] [LAYERS_PER_PLATFORM=50] [LAYER_KIB=64] [RUNS=3]
#
# Starts Debian's docker-registry in token mode on a free loopback port with
# bench/token_server.py as its realm, pushes a 2-platform OCI index (LAYERS_PER_PLATFORM
# layers each) with skopeo, then puts bench/delay_proxy.py in front of the registry and of
# the token server (it holds every request RTT ms) and times each tool through it. For each
# tool it prints the median wall time, the requests seen by the proxies, and the sequential
# round trips: the wall time added by the RTT (compared with proxies that add no delay),
# divided by the RTT. The realm's address is fixed in the registry's configuration, so the
# token proxy is restarted with the delay of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
RTT=${1:-100}
LAYERS=${2:-50}
KIB=${3:-64}
RUNS=${4:-3}

for tool in docker-registry skopeo python3 openssl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see scripts/test)" >&2; exit 2; }
done
cargo build --quiet
BIN=target/debug/ghcr-doctor

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
REG_PORT=$(free_port)
PROXY_PORT=$(free_port)
ZERO_PORT=$(free_port)
TOK_PORT=$(free_port)
PTOK_PORT=$(free_port)
SERVICE=bench-registry ISSUER=bench-issuer USER=bench PASS=bench-pass
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2>/dev/null
openssl req -new -x509 -key "$WORK/key.pem" -subj /CN=bench-token -days 1 -out "$WORK/cert.pem" 2>/dev/null
python3 bench/token_server.py "$TOK_PORT" "$WORK/key.pem" "$WORK/cert.pem" $SERVICE $ISSUER $USER $PASS &
PIDS+=($!)
cat > "$WORK/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/storage
http:
  addr: 127.0.0.1:$REG_PORT
  secret: bench-only
auth:
  token: {realm: "http://127.0.0.1:$PTOK_PORT/token", service: $SERVICE, issuer: $ISSUER, rootcertbundle: $WORK/cert.pem}
YML
env $(env | grep -o '^REGISTRY_[^=]*' | sed 's/^/-u /') docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
PIDS+=($!)

LOG="$WORK/requests.log"
TOKEN_PROXY=
# token_proxy DELAY_MS LOG: (re)starts the proxy in front of the token server.
token_proxy() {
  if [ -n "$TOKEN_PROXY" ]; then kill "$TOKEN_PROXY" 2>/dev/null || true; wait "$TOKEN_PROXY" 2>/dev/null || true; fi
  python3 bench/delay_proxy.py --delay-ms "$1" --log "$2" "$PTOK_PORT=127.0.0.1:$TOK_PORT" &
  TOKEN_PROXY=$!
  PIDS+=($TOKEN_PROXY)
  wait_port "$PTOK_PORT"
}
token_proxy 0 /dev/null
wait_port "$TOK_PORT"; wait_port "$REG_PORT"

DIGEST=$(python3 bench/make_layout.py "$WORK/layout" "$LAYERS" "$KIB")
skopeo copy --quiet --all --dest-tls-verify=false --dest-creds "$USER:$PASS" "oci:$WORK/layout:v1" \
  "docker://127.0.0.1:$REG_PORT/bench/app:v1" >/dev/null

python3 bench/delay_proxy.py --delay-ms "$RTT" --log "$LOG" "$PROXY_PORT=127.0.0.1:$REG_PORT" &
PIDS+=($!)
python3 bench/delay_proxy.py --delay-ms 0 --log /dev/null "$ZERO_PORT=127.0.0.1:$REG_PORT" &
PIDS+=($!)
wait_port "$PROXY_PORT"; wait_port "$ZERO_PORT"
: > "$LOG"
export GHCR_USERNAME=$USER GHCR_TOKEN=$PASS

echo "image: 2 platforms x $LAYERS layers of $KIB KiB (index $DIGEST); median of $RUNS runs"
echo "round trips = (wall at RTT ${RTT} ms - wall at RTT 0) / RTT: the sequential round trips"
echo "steps = ghcr-doctor's own count of sequential round trips (JSON stats.sequential_steps)"
printf '%-46s %9s %9s %9s %7s %6s\n' "tool" "RTT 0 ms" "RTT $RTT ms" "requests" "trips" "steps"
# median_ms PORT CMD...: the median wall time (ms) of RUNS runs; IMAGE_HOST is substituted.
median_ms() {
  local port=$1; shift
  local times=() start end args=()
  for a in "$@"; do args+=("${a//IMAGE_HOST/127.0.0.1:$port}"); done
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/pulled"
    start=$(date +%s%N)
    "${args[@]}" >"$WORK/out" 2>&1 || { echo "failed: ${args[*]}" >&2; cat "$WORK/out" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
measure() {
  local name=$1; shift
  local zero slow before after
  token_proxy 0 /dev/null
  zero=$(median_ms "$ZERO_PORT" "$@")
  token_proxy "$RTT" "$LOG"
  before=$(wc -l < "$LOG")
  slow=$(median_ms "$PROXY_PORT" "$@")
  after=$(wc -l < "$LOG")
  steps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"]["sequential_steps"])' \
    "$WORK/out" 2>/dev/null || echo -)
  printf '%-46s %9d %9d %9d %7.1f %6s\n' "$name" "$zero" "$slow" "$(( (after - before) / RUNS ))" \
    "$(python3 -c "print(($slow - $zero) / $RTT)")" "$steps"
}
IMAGE="IMAGE_HOST/bench/app:v1"
measure "ghcr-doctor verify (HEAD, the defaults)" \
  "$BIN" verify --plain-http --format json --expect-digest "$DIGEST" \
  --platform linux/amd64,linux/arm64 "$IMAGE"
measure "ghcr-doctor verify --concurrency 16" \
  "$BIN" verify --plain-http --format json --concurrency 16 --expect-digest "$DIGEST" \
  --platform linux/amd64,linux/arm64 "$IMAGE"
measure "ghcr-doctor verify --pull (download + sha256)" \
  "$BIN" verify --plain-http --format json --pull "$IMAGE"
measure "skopeo inspect (one platform, no blob check)" \
  skopeo inspect --tls-verify=false --creds "$USER:$PASS" "docker://$IMAGE"
measure "skopeo inspect --raw (root manifest only)" \
  skopeo inspect --raw --tls-verify=false --creds "$USER:$PASS" "docker://$IMAGE"
measure "skopeo copy --all to dir: (pull to verify)" \
  skopeo copy --quiet --all --src-tls-verify=false --src-creds "$USER:$PASS" "docker://$IMAGE" "dir:$WORK/pulled"
