# lib.sh -- shared by the bench scripts: build once, start the mock on a
# free loopback port (MOCK_URL), stop it on exit. Sourced, not run.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x build/assay ]; then
    BUILD_DIR=build sh scripts/build.sh >/dev/null
fi
ASSAY=$PWD/build/assay
WORK=$(mktemp -d "${TMPDIR:-/tmp}/assay-bench.XXXXXX")
MOCK_PID=
stop_mock() {
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=
    fi
}
trap 'stop_mock; [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT INT TERM

# start_mock ARGS...: starts `assay mock --port 0 ARGS`, sets MOCK_URL.
start_mock() {
    # Removed first: the shell truncates it in the child, which may run
    # after the wait loop below has read a previous mock's URL.
    rm -f "$WORK/mock.url"
    "$ASSAY" mock --port 0 "$@" >"$WORK/mock.url" 2>"$WORK/mock.err" &
    MOCK_PID=$!
    export MOCK_PID
    i=0
    while ! grep -q "listening on" "$WORK/mock.url" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt 200 ]; then
            echo "bench: the mock did not start" >&2
            cat "$WORK/mock.err" >&2
            exit 1
        fi
        sleep 0.05
    done
    MOCK_URL=$(sed -n 's/.*listening on //p' "$WORK/mock.url")
    MOCK_PORT=${MOCK_URL##*:}
    MOCK_API_KEY=bench
    export MOCK_URL MOCK_API_KEY
}

# closed_conns PORT: TCP connections of PORT now in TIME-WAIT (one per
# connection closed cleanly in the last minute): the difference around a
# run is how many connections it opened and closed.
closed_conns() { ss -Htan state time-wait "( dport = :$1 or sport = :$1 )" 2>/dev/null | wc -l; }

# run_timed CMD... runs the command (its output to $RUN_OUT if set, else
# discarded) and prints, in seconds:
#   wall  user  sys  mock  busy  total
# user + sys: the CPU the command used (getrusage, all its threads); mock:
# the CPU the mock (MOCK_PID) used meanwhile; busy / total: the machine's
# busy and total CPU time meanwhile, all cores (/proc/stat; busy counts
# user, nice, system, irq, softirq and steal: whatever kept a core from
# the client and the mock).
run_timed() {
    python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
tck = os.sysconf("SC_CLK_TCK")
mock = os.environ.get("MOCK_PID", "")
def machine():
    f = [int(v) for v in open("/proc/stat").readline().split()[1:9]]
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / tck, sum(f) / tck
def mock_s():
    if not mock:
        return 0.0
    f = open(f"/proc/{mock}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck
m0, c0 = machine(), mock_s()
t0 = time.monotonic()
out = open(os.environ["RUN_OUT"], "wb") if os.environ.get("RUN_OUT") else subprocess.DEVNULL
p = subprocess.run(sys.argv[1:], stdout=out, stderr=subprocess.PIPE)
wall = time.monotonic() - t0
m1, c1 = machine(), mock_s()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode not in (0,):
    sys.stderr.write(p.stderr.decode(errors="replace"))
    sys.exit(p.returncode)
print(f"{wall:.4f} {ru.ru_utime:.4f} {ru.ru_stime:.4f} {c1 - c0:.2f} {m1[0] - m0[0]:.2f} {m1[1] - m0[1]:.2f}")
PY
}

# cpu_line WALL USER SYS MOCK BUSY TOTAL (run_timed's output): who used the
# machine during the run.
cpu_line() {
    awk -v wall="$1" -v u="$2" -v s="$3" -v m="$4" -v busy="$5" -v total="$6" \
        -v cores="$(nproc)" 'BEGIN { c = u + s
        others = busy - c - m; if (others < 0) others = 0   # clock ticks (1/CLK_TCK s) round
        printf "  CPU during the run: client %.0f%% of a core, mock %.0f%%; machine %.0f%% of %d cores busy, others (not client or mock) %.0f%% of it\n",
            100 * c / wall, 100 * m / wall, 100 * busy / total, cores, 100 * others / total }'
}
