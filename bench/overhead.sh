#!/bin/sh
# overhead.sh -- how much the client costs: N non-streaming requests at
# concurrency 64 against the mock at zero delay. Prints assay run's
# requests/s next to wrk's on the same endpoint with the same body (wrk
# does no parsing, scoring or recording: it is the ceiling), and assay's
# CPU time per request (getrusage of the child: user + system).
# Aims (issue 3): >= half of wrk's requests/s; <= 150 us CPU per request.
#
#   sh bench/overhead.sh [N]        (default 20000)
. "$(dirname "$0")/lib.sh"
N=${1:-20000}
ITEMS=4
REPEATS=$(( (N + ITEMS - 1) / ITEMS ))
N=$((REPEATS * ITEMS))
start_mock --zero-delay --no-corpus

cat >"$WORK/config.json" <<JSON
{"backends": [{"name": "fast", "type": "openai-compatible", "model": "mock-fast",
               "base_url": "\${MOCK_URL}/v1", "api_key_env": "MOCK_API_KEY", "stream": false,
               "pricing": {"input_per_mtok": 0.15, "output_per_mtok": 0.6}}],
 "run": {"suites": ["$PWD/tests/data/run/suite.json"], "concurrency": 64, "repeats": $REPEATS}}
JSON
# The body assay sends for the first item, for wrk.
python3 - "$WORK/body.json" <<'PY'
import json, sys
doc = "The city council approved a new budget on Monday. Spending on parks rises by 4 percent while road repairs stay flat."
body = {"model": "mock-fast", "messages": [{"role": "system", "content": "Summarise in one sentence."},
        {"role": "user", "content": doc}], "max_tokens": 60, "temperature": 0, "stream": False}
open(sys.argv[1], "w").write(json.dumps(body, separators=(",", ":")))
PY
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$WORK/body.json", "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
LUA

echo "overhead: $N non-streaming requests, concurrency 64, mock at zero delay ($MOCK_URL)"
mock_cpu() { awk '{print $14 + $15}' "/proc/$MOCK_PID/stat"; }
if command -v wrk >/dev/null 2>&1; then
    C0=$(mock_cpu)
    wrk -t2 -c64 -d10s -s "$WORK/post.lua" "$MOCK_URL/v1/chat/completions" >"$WORK/wrk.txt"
    C1=$(mock_cpu)
    WRK_RPS=$(sed -n 's/^Requests\/sec: *//p' "$WORK/wrk.txt")
    WRK_N=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.txt")
    echo "  mock CPU under wrk:   $(( (C1 - C0) * 10000 / WRK_N )) us per request"
else
    echo "overhead: wrk is not installed (Debian package wrk): no reference figure" >&2
    WRK_RPS=0
fi
C0=$(mock_cpu)
set -- $(run_timed "$ASSAY" run "$WORK/config.json" --out "$WORK/out" --progress off)
C1=$(mock_cpu)
echo "  mock CPU under assay: $(( (C1 - C0) * 10000 / N )) us per request"
WALL=$1 USER=$2 SYS=$3
python3 - "$N" "$WALL" "$USER" "$SYS" "$WRK_RPS" "$WORK/out/results.jsonl" <<'PY'
import json, sys
n, wall, user, sys_, wrk = int(sys.argv[1]), *map(float, sys.argv[2:6])
recs = [json.loads(l) for l in open(sys.argv[6])]
ok = sum(r["status"] == "ok" for r in recs)
scored = sum(1 for r in recs if r.get("scores") and "rouge" in r["scores"])
rps = n / wall
cpu_us = (user + sys_) / n * 1e6
print(f"  wrk:        {wrk:10.0f} req/s (no parsing, scoring or recording)")
print(f"  assay run:  {rps:10.0f} req/s  wall {wall:.2f} s, {len(recs)} records, {ok} ok, {scored} scored")
if wrk > 0:
    print(f"  ratio:      {rps / wrk:10.2f} of wrk (aim >= 0.50)")
print(f"  client CPU: {cpu_us:10.1f} us per request (user {user:.2f} s + sys {sys_:.2f} s; aim <= 150)")
if len(recs) != n or ok != n:
    print("  FAIL: not every request was recorded ok")
    sys.exit(1)
PY
