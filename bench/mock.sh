#!/bin/sh
# mock.sh -- is `assay mock` fast enough never to be the bottleneck?
#
# 1. wrk against the non-streamed OpenAI endpoint, zero delay: requests/s.
# 2. 2,000 concurrent streaming connections (wrk -c 2000), each a realistic
#    stream: TTFT 200 ms, 50 tokens 20 ms apart (~1.2 s per request).
#    Ideal throughput is 2000 / 1.2 s; the mock must keep up with it.
# For each, the CPU the mock used (utime + stime from /proc/PID/stat) per
# second of wall time and per request; for the streams, how late the mock
# wrote the first token and the last one to the socket against its own plan (from its
# ground-truth log), i.e. whether it kept its schedule under that load. The mock is one thread; wrk gets one
# thread too, so on a 2-core machine each has a core.
#
#   sh bench/mock.sh            (DURATION=10 seconds per run by default)
set -eu
cd "$(dirname "$0")/.."
ASSAY_DEPS_EXTRA=wrk sh scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build}
BUILD_DIR=$BUILD_DIR sh scripts/build.sh >/dev/null
ASSAY=$BUILD_DIR/assay
DURATION=${DURATION:-10}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tck=$(getconf CLK_TCK)
tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

start_mock() {   # extra flags...
    rm -f "$tmp/out"
    "$ASSAY" mock --port 0 "$@" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    i=0
    until grep -q "listening on" "$tmp/out" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -gt 200 ] && { cat "$tmp/err" >&2; exit 1; }
        sleep 0.05
    done
    base=$(sed -n 's/.*listening on //p' "$tmp/out")
}
stop_mock() {
    kill "$pid"
    wait "$pid" || true
    pid=""
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {   # title, wrk connections, url, then MOCK_BODY is in the environment
    title=$1 conns=$2 url=$3
    t0=$(ticks "$pid")
    wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 30s --latency -s bench/mock.lua "$url" >"$tmp/wrk"
    t1=$(ticks "$pid")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk")
    reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk")
    errs=$(awk '/Non-2xx|Socket errors/ {print}' "$tmp/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
    cpu=$(awk -v a="$t0" -v b="$t1" -v t="$tck" 'BEGIN {printf "%.2f", (b - a) / t}')
    echo "== $title"
    echo "   requests/s: $rps   ($reqs requests in ${DURATION}s, latency p50 $p50 p99 $p99)"
    awk -v c="$cpu" -v d="$DURATION" -v n="$reqs" 'BEGIN {
        printf "   mock CPU:   %.2f s = %.0f%% of one core; %.1f us per request\n", c, 100 * c / d, 1e6 * c / n }'
    [ -n "$errs" ] && echo "   wrk: $errs"
    echo
}

echo "assay mock benchmark: $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), ${DURATION}s per run"
echo
start_mock --zero-delay
unset MOCK_BODY || true
run "non-streamed /v1/chat/completions, zero delay, 64 connections" 64 "$base/v1/chat/completions"
MOCK_BODY='{"model":"mock-fast","max_tokens":32,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Benchmark the mock, please."}]}' \
    run "streamed /v1/chat/completions (32 tokens), zero delay, 64 connections" 64 "$base/v1/chat/completions"
stop_mock

cat >"$tmp/stream.json" <<'JSON'
{"models":[{"name":"bench-stream","capacity":0,"output_tokens":400,
  "latency":{"ttft_ms":200,"per_input_token_ms":0,"ttft_jitter_ms":0,"itl_ms":20,"itl_jitter":0}}]}
JSON
start_mock --profile "$tmp/stream.json" --no-corpus --log "$tmp/truth.jsonl"
MOCK_BODY='{"model":"bench-stream","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Benchmark the mock, please."}]}' \
    run "2,000 concurrent streams: TTFT 200 ms + 50 tokens x 20 ms (ideal ~1,670 req/s after the first 1.2 s)" 2000 "$base/v1/chat/completions"
stop_mock
# Lateness against the plan, over the requests that completed.
awk '
function num(s, key,   m) {
    if (match(s, "\"" key "\":-?[0-9.]+")) { m = substr(s, RSTART, RLENGTH); sub(/.*:/, "", m); return m + 0 }
    return 0
}
/"status":200/ && /"client_gone":false/ {
    ms = substr($0, index($0, "\"ms\":{"))
    printf "%.3f %.3f\n", num(ms, "first_token") - num($0, "intended_ttft_ms"), num(ms, "end") - num($0, "intended_end_ms")
}' "$tmp/truth.jsonl" >"$tmp/late"
n=$(wc -l <"$tmp/late")
pct() {   # column, fraction
    cut -d" " -f"$1" "$tmp/late" | sort -n | awk -v p="$2" -v n="$n" 'NR == int(p * (n - 1)) + 1 {print; exit}'
}
[ "$n" -gt 0 ] && echo "   mock schedule ($n streams): first token late by p50 $(pct 1 0.5) ms, p99 $(pct 1 0.99) ms; last token p50 $(pct 2 0.5) ms, p99 $(pct 2 0.99) ms"
