#!/bin/sh
# concurrency.sh -- does the client keep its concurrency? 5,000 streaming
# requests at concurrency 64 against a simulated model with a fixed 200 ms
# TTFT and 50 tokens 20 ms apart (no jitter, no capacity limit). Ideal wall
# time = N / concurrency x per-request time, the per-request time being
# what the mock actually took (its ground-truth log, arrival to last
# byte). Aim (issue 3): within 2 % of the ideal.
#
#   sh bench/concurrency.sh [N]     (default 5000)
. "$(dirname "$0")/lib.sh"
N=${1:-5000}
ITEMS=4
REPEATS=$(( (N + ITEMS - 1) / ITEMS ))
N=$((REPEATS * ITEMS))
cat >"$WORK/profile.json" <<'JSON'
{"models": [{"name": "bench-steady", "quality": {"default": 0.8},
  "latency": {"ttft_ms": 200, "per_input_token_ms": 0, "ttft_jitter_ms": 0, "itl_ms": 20, "itl_jitter": 0},
  "output_tokens": 50, "capacity": 0}]}
JSON
start_mock --profile "$WORK/profile.json" --no-corpus --log "$WORK/truth.jsonl"
cat >"$WORK/config.json" <<JSON
{"backends": [{"name": "steady", "type": "openai-compatible", "model": "bench-steady",
               "base_url": "\${MOCK_URL}/v1", "api_key_env": "MOCK_API_KEY",
               "params": {"max_tokens": 50}}],
 "run": {"suites": ["$PWD/tests/data/run/suite.json"], "concurrency": 64, "repeats": $REPEATS}}
JSON
# The suite asks for at most 60 tokens; the model's answers are 50 long.
echo "concurrency: $N streaming requests at concurrency 64 (200 ms TTFT, 50 tokens x 20 ms; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
T=$(run_timed "$ASSAY" run "$WORK/config.json" --out "$WORK/out" --progress off)
set -- $T
WALL=$1
cpu_line $T
python3 - "$N" "$WALL" "$WORK/out/results.jsonl" "$WORK/truth.jsonl" <<'PY'
import json, statistics, sys
n, wall = int(sys.argv[1]), float(sys.argv[2])
recs = [json.loads(l) for l in open(sys.argv[3])]
truth = [json.loads(l) for l in open(sys.argv[4])]
ok = sum(r["status"] == "ok" for r in recs)
per = statistics.mean(t["ms"]["end"] for t in truth) / 1e3
ideal = n / 64 * per
e2e = statistics.mean(r["timing"]["e2e_ms"] for r in recs if r["status"] == "ok") / 1e3
lag = sorted(r["timing"]["send_lag_ms"] for r in recs if r.get("timing"))
run = json.load(open(sys.argv[3].replace("results.jsonl", "run.json")))
print(f"  per request (mock, arrival to end): {per * 1e3:8.1f} ms   (client e2e mean {e2e * 1e3:.1f} ms)")
print(f"  ideal wall  N/64 x per-request:     {ideal:8.2f} s")
print(f"  assay run wall:                     {wall:8.2f} s   ({(wall / ideal - 1) * 100:+.2f} % vs ideal; aim within 2 %)")
print(f"  records {len(recs)}, ok {ok}; send lag p50 {lag[len(lag) // 2]:.3f} ms, p99 {lag[int(len(lag) * 0.99)]:.3f} ms;"
      f" client bottleneck flagged: {run['summary']['client_bottleneck']}")
if len(recs) != n or ok != n:
    print("  FAIL: not every request was recorded ok"); sys.exit(1)
PY
