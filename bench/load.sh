#!/bin/sh
# load.sh -- can `assay load` offer 1,000 requests/s and hold 2,000 streams
# open on this machine without distorting what it measures?
#
# Two runs against `assay mock` on loopback, each with the mock's
# ground-truth log (--log: when each request arrived, when each part was
# handed to the socket, on the same CLOCK_MONOTONIC as the client):
#
#   rate     a zero-delay model (every latency 0, unlimited capacity) at
#            RATE req/s: the client's own overhead, nothing to hide behind
#   streams  a fixed-latency model (TTFT 500 ms, a token every 100 ms,
#            16 tokens: about 2 s a request) at RATE req/s: by Little's law
#            about 2 x RATE streams open at once
#
# Figures, per run, from the client's records joined to the mock's log by
# request id (ratios and differences measured in one run, so a faster or
# slower machine moves both sides):
#   achieved / offered        the rate the client really sent and completed
#   send lag                  intended send -> handed to libcurl (client)
#   intended -> mock arrival  the request's whole trip: lag + connection + write
#   client TTFT - mock TTFT   when the client saw the first answer token minus
#                             when the mock handed it to its socket: what the
#                             client adds to the TTFT it reports
#   client ITL - mock gap     the same for inter-token gaps (p50 per request)
#   mock TTFT - its plan      how late the mock itself was (its own log)
#   streams open              most requests in flight (client) and at once in
#                             the mock (from its log)
#   CPU                       client and mock CPU seconds per 1,000 requests,
#                             and the machine's load average
#
# The machine is shared: when run as root the client and the mock run at
# nice -10 (NICE=0 turns that off), so other work on the machine takes less
# of their cores; the load average printed says how busy it was.
#
#   sh bench/load.sh                (RATE=1000 DURATION=10 NICE=-10)
# Needs python3 (standard library) for the join.
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-1000}
DURATION=${DURATION:-10}
NICE=${NICE:--10}
[ "$(id -u)" -eq 0 ] || NICE=0

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME PROFILE_JSON SYNTHETIC WARMUP
run() {
    name=$1
    printf '%s\n' "$2" > "$WORK/$name.profile.json"
    rm -f "$WORK/mock.url"   # start_mock must not find the last mock's line
    start_mock --no-corpus --profile "$WORK/$name.profile.json" --log "$WORK/$name.truth.jsonl"
    renice -n "$NICE" -p "$MOCK_PID" >/dev/null
    cat > "$WORK/$name.config.json" <<EOF
{"backends": [{"name": "mock", "type": "openai-compatible", "model": "bench",
  "base_url": "$MOCK_URL/v1", "api_key_env": "MOCK_API_KEY", "stream": true}]}
EOF
    mock0=$(cpu_ticks "$MOCK_PID")
    load0=$(cut -d' ' -f1 /proc/loadavg)
    # (exit 1, "no step met the SLO", is a result here, not a failure)
    # shellcheck disable=SC2046
    set -- $(run_timed nice -n "$NICE" sh -c '"$@" || [ $? -eq 1 ]' sh \
        "$ASSAY" load "$WORK/$name.config.json" --backend mock --rate "$RATE" \
        --duration "${DURATION}s" --warmup "$4" --synthetic "$3" --out "$WORK/$name.out" --quiet)
    client_cpu=$(echo "$2 $3" | awk '{print $1 + $2}')
    mock1=$(cpu_ticks "$MOCK_PID")
    load1=$(cut -d' ' -f1 /proc/loadavg)
    stop_mock
    python3 - "$name" "$WORK/$name.out" "$WORK/$name.truth.jsonl" "$client_cpu" \
        "$((mock1 - mock0))" "$(getconf CLK_TCK)" "$load0" "$load1" <<'PY'
import json, sys
name, out, truth, client_cpu, mock_ticks, hz, load0, load1 = sys.argv[1:]
hz = float(hz)
run = json.load(open(out + "/run.json"))
L = run["load"]
step = L["steps"][0]
mono0 = L["clock"]["mono0_ns"]
recs = [json.loads(l) for l in open(out + "/results.jsonl") if l.strip()]
log = {}
for l in open(truth):
    if l.strip():
        j = json.loads(l)
        log[j["request_id"]] = j

def pct(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    h = (len(v) - 1) * p
    lo = int(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])

def row(label, v, unit="ms", fmt="%.2f"):
    if not v:
        print("  %-26s (none)" % label)
        return
    print("  %-26s p50 %s  p95 %s  p99 %s  max %s %s" % (label, fmt % pct(v, .5), fmt % pct(v, .95),
          fmt % pct(v, .99), fmt % max(v), unit))

lag, trip, dttft, ditl, mock_late = [], [], [], [], []
joined = 0
for r in recs:
    t = r.get("timing") or {}
    lag.append(t["send_lag_ms"])
    g = log.get(r.get("request_id"))
    if not g or r["status"] != "ok":
        continue
    joined += 1
    intended = mono0 + t["intended_start_ms"] * 1e6
    start = mono0 + t["start_ms"] * 1e6
    trip.append((g["mono_ns"]["arrived"] - intended) / 1e6)
    if "service_ttft_ms" in t and g["mono_ns"]["first_answer_token"]:
        seen = start + t["service_ttft_ms"] * 1e6
        dttft.append((seen - g["mono_ns"]["first_answer_token"]) / 1e6)
        mock_late.append(g["ms"]["first_answer_token"] - g["planned_ttft_ms"])
    sent = g.get("sent_ms") or []
    if len(sent) > 1 and "itl_ms" in t:
        gaps = sorted(b - a for a, b in zip(sent, sent[1:]))
        ditl.append(t["itl_ms"]["p50"] - gaps[len(gaps) // 2])

# the most exchanges the mock held at once (sweep over arrive/end)
ev = []
for g in log.values():
    ev.append((g["mono_ns"]["arrived"], 1))
    ev.append((g["mono_ns"]["end"] or g["mono_ns"]["arrived"], -1))
ev.sort()
cur = most = 0
for _, d in ev:
    cur += d
    most = max(most, cur)

n = step["requests"]
ok = step["ok"]
print("%s: %s req/s offered for %s s (+ %s s warm-up), %d requests, %d ok, %d joined to the mock's log"
      % (name, L["levels"][0], L["duration_s"], L["warmup_s"], n, ok, joined))
print("  %-26s %.1f req/s (%.3f of offered %.1f)" % ("achieved", step["achieved_rps"],
      step["achieved_rps"] / step["offered_rps"], step["offered_rps"]))
row("send lag", lag)
row("intended -> mock arrival", trip)
row("client TTFT - mock TTFT", dttft)
row("client ITL - mock gap", ditl)
row("mock TTFT - its plan", mock_late)
print("  %-26s client %d, mock %d at once" % ("streams open", step["in_flight_max"], most))
total = n + step["warmup_requests"]
print("  %-26s client %.3f s, mock %.3f s per 1,000 requests; load average %s -> %s"
      % ("CPU", float(client_cpu) / total * 1000, float(mock_ticks) / hz / total * 1000,
         load0, load1))
print("  %-26s client_bottleneck %s, loop stall max %.1f ms, capped %d"
      % ("self-check", run["summary"]["client_bottleneck"],
         run["summary"]["self_check"]["loop_busy_max_ms"], step["capped"]))
PY
}

echo "assay load benchmark: $("$ASSAY" --version | head -1), $(nproc) cores, $RATE req/s for ${DURATION} s, nice $NICE"
run rate '{"models":[{"name":"bench","output_tokens":1000,"latency":{"ttft_ms":0,
  "per_input_token_ms":0,"ttft_jitter_ms":0,"itl_ms":0}}]}' 16:8 2s
run streams '{"models":[{"name":"bench","output_tokens":1000,"latency":{"ttft_ms":500,
  "per_input_token_ms":0,"ttft_jitter_ms":0,"itl_ms":100,"itl_jitter":0}}]}' 16:16 3s
