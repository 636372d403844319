-- mock.lua -- wrk script for bench/mock.sh: POSTs one chat request.
-- MOCK_BODY (environment) overrides the body; the default is a short
-- non-streamed OpenAI request to mock-fast.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
wrk.body = os.getenv("MOCK_BODY") or
  '{"model":"mock-fast","max_tokens":32,"messages":[{"role":"user","content":"Benchmark the mock, please."}]}'

