#!/usr/bin/env bash
# Benchmark of `ghcr-doctor check`: the real registry (distribution, token auth) behind a
# loopback proxy that delays every request by D ms; `check` on 1, 10 and 50 images, side by
# side with `skopeo inspect` doing the read part for the same images, in the same run.
#
# Usage: bench/check.sh [D_MS]   (default 50)
# Needs: docker-registry, skopeo, openssl, python3, GNU time. Prints a Markdown table:
# wall time, wall time / D (how many round trips the run waited on in sequence), the
# request count (seen by the proxy) and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-50}
read -r -a SIZES <<<"${BENCH_SIZES:-1 10 50}"
for tool in docker-registry skopeo openssl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y docker-registry skopeo openssl time)" >&2; exit 2; }
done

cargo build --quiet --bin ghcr-doctor
BIN=target/debug/ghcr-doctor

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

SERVICE=bench-registry ISSUER=bench-issuer USER=bench PASS=bench-pass
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
openssl req -new -x509 -key "$work/key.pem" -subj /CN=bench-token -days 1 -out "$work/cert.pem" 2>/dev/null

TOK=$(free_port); REG=$(free_port); PTOK=$(free_port); PREG=$(free_port)
python3 bench/token_server.py "$TOK" "$work/key.pem" "$work/cert.pem" $SERVICE $ISSUER $USER $PASS &
pids+=($!)
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: 127.0.0.1:$REG, secret: bench}
auth:
  token: {realm: "http://127.0.0.1:$PTOK/token", service: $SERVICE, issuer: $ISSUER, rootcertbundle: $work/cert.pem}
YML
env -u REGISTRY_AUTH_FILE docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
pids+=($!)
python3 bench/delay_proxy.py --delay-ms "$D" --log "$work/requests.log" "$PREG=127.0.0.1:$REG" "$PTOK=127.0.0.1:$TOK" &
pids+=($!)
wait_port "$TOK"; wait_port "$REG"; wait_port "$PREG"; wait_port "$PTOK"
touch "$work/requests.log"

python3 bench/push_images.py "http://127.0.0.1:$REG" "http://127.0.0.1:$TOK/token" $SERVICE $USER $PASS 50 >/dev/null

count() { wc -l <"$work/requests.log"; }
now_ms() { date +%s%3N; }

echo "D = ${D} ms; registry: distribution $(docker-registry --version 2>/dev/null | awk '{print $3}'), token auth; $(nproc) cores"
echo
echo "| tool | images | wall ms | wall / D | requests | peak RSS KiB |"
echo "|---|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
  images=()
  for i in $(seq 0 $((n - 1))); do images+=("127.0.0.1:$PREG/bench/img$i:v1"); done

  # ghcr-doctor check: pull and push probes of every image.
  before=$(count); t0=$(now_ms)
  printf '%s' "$PASS" | /usr/bin/time -f %M -o "$work/rss" \
    "$BIN" --format json check --password-stdin --username $USER "${images[@]}" >"$work/check.json" || true
  t1=$(now_ms); after=$(count)
  ok=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("ok" if d["ok"] else "FAILED")' "$work/check.json")
  [ "$ok" = ok ] || { echo "check failed:" >&2; cat "$work/check.json" >&2; exit 1; }
  wall=$((t1 - t0))
  echo "| ghcr-doctor check | $n | $wall | $(python3 -c "print(round($wall/$D,1))") | $((after - before)) | $(cat "$work/rss") |"

  # skopeo inspect, one image after the other (the read part only: no push probe).
  before=$(count); t0=$(now_ms); peak=0
  for img in "${images[@]}"; do
    /usr/bin/time -f %M -o "$work/rss" skopeo inspect --tls-verify=false --creds "$USER:$PASS" "docker://$img" >/dev/null
    r=$(cat "$work/rss"); [ "$r" -gt "$peak" ] && peak=$r
  done
  t1=$(now_ms); after=$(count); wall=$((t1 - t0))
  echo "| skopeo inspect, sequential | $n | $wall | $(python3 -c "print(round($wall/$D,1))") | $((after - before)) | $peak |"

  # skopeo inspect, all images at once (peak RSS is per process).
  before=$(count); t0=$(now_ms)
  printf '%s\n' "${images[@]}" | xargs -P 50 -I{} /usr/bin/time -f %M -a -o "$work/rss-par-$n" \
    skopeo inspect --tls-verify=false --creds "$USER:$PASS" "docker://{}" >/dev/null
  t1=$(now_ms); after=$(count); wall=$((t1 - t0))
  peak=$(sort -n "$work/rss-par-$n" | tail -1)
  echo "| skopeo inspect, $n processes at once | $n | $wall | $(python3 -c "print(round($wall/$D,1))") | $((after - before)) | $peak |"
done
