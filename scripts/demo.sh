#!/bin/sh
# demo.sh -- the README's first command: install dependencies, build, and
# show what assay does offline. Until the run engine lands, the demo starts
# the built-in mock provider on a free port, sends one request per protocol
# with curl and shows the replies, then stops the mock.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
BUILD_DIR=build sh scripts/build.sh
command -v curl >/dev/null 2>&1 || ASSAY_DEPS_EXTRA=curl sh scripts/deps.sh

tmp=$(mktemp -d)
mock_pid=""
cleanup() {
    [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

./build/assay mock --port 0 --log "$tmp/truth.jsonl" >"$tmp/out" 2>"$tmp/err" &
mock_pid=$!
i=0
while ! grep -q "listening on" "$tmp/out" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$mock_pid" 2>/dev/null; then
        echo "demo: the mock did not start:" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    sleep 0.1
done
base=$(sed -n 's/.*listening on //p' "$tmp/out")
echo "== assay mock is $base (models: mock-strong, mock-fast, mock-specialist, mock-flaky, mock-reasoner)"

show() {   # title, then curl arguments
    title=$1
    shift
    echo
    echo "== $title"
    curl -sS -N --max-time 30 "$@"
    echo
}

show "OpenAI Chat Completions, streamed with usage (mock-fast)" \
    "$base/v1/chat/completions" -H "Authorization: Bearer demo" -H "Content-Type: application/json" \
    -d '{"model":"mock-fast","max_tokens":24,"stream":true,"stream_options":{"include_usage":true},
         "messages":[{"role":"user","content":"Say hello to the demo."}]}'
show "Azure OpenAI deployment URL (mock-strong)" \
    "$base/openai/deployments/mock-strong/chat/completions?api-version=2024-10-21" \
    -H "api-key: demo" -H "Content-Type: application/json" \
    -d '{"max_tokens":24,"messages":[{"role":"user","content":"Say hello to the demo."}]}'
show "Anthropic Messages, streamed, thinking first (mock-reasoner)" \
    "$base/v1/messages" -H "x-api-key: demo" -H "anthropic-version: 2023-06-01" \
    -H "Content-Type: application/json" \
    -d '{"model":"mock-reasoner","max_tokens":40,"stream":true,
         "messages":[{"role":"user","content":"Say hello to the demo."}]}'
show "TGI /generate_stream with details (default model)" \
    "$base/generate_stream" -H "Authorization: Bearer demo" -H "Content-Type: application/json" \
    -d '{"inputs":"Say hello to the demo.","parameters":{"max_new_tokens":12,"details":true}}'
show "Hugging Face translation pipeline (mock-strong)" \
    "$base/models/mock-strong" -H "Authorization: Bearer demo" -H "Content-Type: application/json" \
    -d '{"inputs":"The city council approved a budget of €4.2 million on Tuesday to renovate 12 primary schools before the start of the 2026 school year.","parameters":{"src_lang":"en","tgt_lang":"de"}}'
show "Ollama /api/chat NDJSON (mock-fast)" \
    "$base/api/chat" -H "Content-Type: application/json" \
    -d '{"model":"mock-fast","messages":[{"role":"user","content":"Say hello to the demo."}],
         "options":{"num_predict":8}}'

echo
echo "== ground truth the mock logged (--log): intended TTFT, and when the first token (or the whole
==   non-streamed body) was handed to the socket"
sed -e 's/.*"protocol":"\([^"]*\)".*"model":"\([^"]*\)".*"status":\([0-9]*\).*"intended_ttft_ms":\([0-9.]*\).*"first_token":\([-0-9.]*\),.*/  \1 \2: HTTP \3, intended TTFT \4 ms, sent at \5 ms/' \
    "$tmp/truth.jsonl"
echo
echo "assay: the mock answers the bundled suites' items (suites/, datasets/) with each model's"
echo "quality; 'assay run' against it arrives with the run engine. See docs/mock.md."
