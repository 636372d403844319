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
trap 'stop_mock; rm -rf "$WORK"' EXIT INT TERM

# start_mock ARGS...: starts `assay mock --port 0 ARGS`, sets MOCK_URL.
start_mock() {
    # Removed first: the shell truncates it in the child, which may run
    # after the wait loop below has read a previous mock's URL.
    rm -f "$WORK/mock.url"
    "$ASSAY" mock --port 0 "$@" >"$WORK/mock.url" 2>"$WORK/mock.err" &
    MOCK_PID=$!
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
    MOCK_API_KEY=bench
    export MOCK_URL MOCK_API_KEY
}

# cpu_of PID: user+system seconds a finished child used is not available
# after wait; run_timed CMD... prints "wall user sys" (s) of the command.
run_timed() {
    python3 - "$@" <<'PY'
import os, resource, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode not in (0,):
    sys.stderr.write(p.stderr.decode(errors="replace"))
    sys.exit(p.returncode)
print(f"{wall:.4f} {ru.ru_utime:.4f} {ru.ru_stime:.4f}")
PY
}
