#!/bin/sh
# demo.sh -- the README's first command: install dependencies, build, start
# the built-in mock provider on a free loopback port, run the bundled
# suites against its simulated models (examples/demo.json), and say where
# the results are. Everything is offline.
#
#   sh scripts/demo.sh [extra `assay run` flags, e.g. --suite summarization]
#
# The config takes the mock's address from MOCK_URL (a ${MOCK_URL}
# substitution, docs/config.md) and a key from MOCK_API_KEY (any value:
# the mock checks that one is sent, as the real services do).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
BUILD_DIR=build sh scripts/build.sh

out="runs/demo-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p runs
mocklog="$out.mock.log"
./build/assay mock --port 0 >"$out.mock.url" 2>"$mocklog" &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; rm -f "$out.mock.url"' EXIT INT TERM

# The mock prints one line once it listens: "assay mock: listening on URL".
i=0
while ! grep -q "listening on" "$out.mock.url" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$mock_pid" 2>/dev/null; then
        echo "demo: the mock did not start:" >&2
        cat "$mocklog" >&2
        exit 1
    fi
    sleep 0.1
done
MOCK_URL=$(sed -n 's/.*listening on //p' "$out.mock.url" | head -n 1)
MOCK_API_KEY=demo-key-not-secret
export MOCK_URL MOCK_API_KEY
echo "demo: mock providers at $MOCK_URL (models mock-strong, mock-fast, mock-specialist, mock-flaky)"
echo "demo: the plan and the most it could cost:"
./build/assay run examples/demo.json --dry-run "$@"
echo
echo "demo: running it (Ctrl-C stops cleanly; 'assay run --resume $out' completes it)"
status=0
./build/assay run examples/demo.json --out "$out" "$@" || status=$?
echo
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    exit "$status"
fi
echo "demo: results in $out/results.jsonl (one record per request), run details in $out/run.json"
echo
echo "demo: the report (tables, plots, HTML) from the records alone:"
./build/assay report "$out"
echo
echo "demo: the decision under the config's constraints (examples/demo.json \"decision\"):"
choose=0
./build/assay choose "$out" || choose=$?
echo
echo "demo: report written to $out/report/ (report.html, report.md, CSV, JSON, plots)"
echo "demo: try other constraints, e.g.: ./build/assay choose $out --max-p95-ms 2000"
[ "$choose" -le 1 ] || exit "$choose"
exit 0
