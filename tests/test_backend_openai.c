/* test_backend_openai.c -- the OpenAI adapter and the Chat Completions
 * family it shares: request fields, the protocols.md 1.2/1.3 examples and
 * the variants of vLLM, llama.cpp, Groq and Azure, in-stream errors, every
 * split of the stream, and HTTP error classification (8.3). */
#include "backend_canned.h"
#include "check.h"

#include <cjson/cJSON.h>

static const char *openai_stream =
    "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"r4N7vQ2m\"}\n\n"
    ": keep-alive\n\n"
    "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"p9K3xT6w\"}\n\n"
    "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"\"}\n\n"
    "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":3,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n"
    "data: [DONE]\n\n";

static void stream_every_split(void)
{
    const struct backend_ops *ops = backend_find("openai");
    size_t n = strlen(openai_stream);
    for (size_t step = 1; step <= n; step += (step < 64 ? 1 : 97)) {
        struct reply r;
        reply_init(&r);
        struct diag d;
        diag_init(&d);
        int rc = canned_stream(ops, openai_stream, step, &r, &d);
        CHECK_MSG(rc == 1, "step %zu: rc %d (%s)", step, rc, d.msg);
        CHECK_STR_EQ(r.text.ptr, "Hello there");
        CHECK_INT_EQ(r.done, 1);
        CHECK_INT_EQ(r.usage.input, 9);
        CHECK_INT_EQ(r.usage.output, 2);
        CHECK_INT_EQ(r.usage.cached_input, 3);
        CHECK_INT_EQ(r.usage.reasoning, 0);
        CHECK_STR_EQ(r.finish, "stop");
        CHECK_INT_EQ(r.text_events, 2);
        CHECK_INT_EQ(r.ngaps, 1);
        CHECK_INT_EQ(r.failed, 0);
        reply_release(&r);
    }
    /* Whole-stream feed with one event per read: the role chunk (read 0)
     * does not stop the clock; "Hello" (the read holding its blank line)
     * does. Split right after each event to know the read index. */
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    /* step of 1 byte: the clock is the index of the byte ending the event */
    canned_stream(ops, openai_stream, 1, &r, &d);
    const char *hello_end = strstr(openai_stream, "\"Hello\"");
    hello_end = strstr(hello_end, "\n\n") + 1;
    long long expect = CANNED_T0 + (long long)(hello_end - openai_stream) * 1000000;
    CHECK_INT_EQ(r.t_first_text, expect);
    CHECK_INT_EQ(r.t_first_any, expect);
    reply_release(&r);
}

static void request_fields(void)
{
    struct backend_conf b = canned_backend("openai", "https://api.openai.com/v1");
    b.api_key = (char *)"sk-x";
    struct message msgs[] = { { "user", (char *)"Say hi" } };
    cJSON *schema = cJSON_Parse("{\"type\":\"object\"}");
    struct prompt p = canned_prompt("You are terse.", msgs, 1);
    p.response = RESPONSE_JSON_SCHEMA;
    p.schema = schema;
    p.response_name = (char *)"ex";
    p.gen.max_tokens = 16;
    p.gen.temperature = 0;
    p.gen.top_p = 1;
    char *stop[] = { "\n\n" };
    p.gen.has_stop = 1;
    p.gen.stop = stop;
    p.gen.nstop = 1;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(b.ops->build(&b, &p, &req, &d), 0);
    CHECK_STR_EQ(req.url, "https://api.openai.com/v1/chat/completions");
    CHECK_STR_EQ(req.body.ptr,
                 "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                 "{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_completion_tokens\":16,"
                 "\"temperature\":0,\"top_p\":1,\"stop\":[\"\\n\\n\"],\"response_format\":{\"type\":"
                 "\"json_schema\",\"json_schema\":{\"name\":\"ex\",\"schema\":{\"type\":\"object\"}}},"
                 "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    free(req.url);
    buf_release(&req.body);
    /* Non-streaming: no stream_options (vLLM answers 400 to it). */
    b.stream = 0;
    buf_init(&req.body, 0);
    b.ops->build(&b, &p, &req, &d);
    CHECK(strstr(req.body.ptr, "stream_options") == NULL);
    CHECK_CONTAINS(req.body.ptr, "\"stream\":false");
    free(req.url);
    buf_release(&req.body);
    /* extra_body wins over built fields. */
    b.extra_body = cJSON_Parse("{\"temperature\":1,\"service_tier\":\"flex\"}");
    buf_init(&req.body, 0);
    b.ops->build(&b, &p, &req, &d);
    CHECK_CONTAINS(req.body.ptr, "\"temperature\":1");
    CHECK_CONTAINS(req.body.ptr, "\"service_tier\":\"flex\"");
    free(req.url);
    buf_release(&req.body);
    cJSON_Delete(b.extra_body);
    cJSON_Delete(schema);
}

static void body_and_variants(void)
{
    const struct backend_ops *ops = backend_find("openai");
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(canned_body(ops,
        "{\"id\":\"chatcmpl-B9\",\"object\":\"chat.completion\",\"created\":1741570283,\"model\":\"gpt-4o\","
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi.\",\"refusal\":null,"
        "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"length\"}],"
        "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":2,\"total_tokens\":21,"
        "\"completion_tokens_details\":{\"reasoning_tokens\":1}}}", NULL, &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, "Hi.");
    CHECK_STR_EQ(r.finish, "length");
    CHECK_INT_EQ(r.usage.input, 19);
    CHECK_INT_EQ(r.usage.cached_input, -1);   /* no details: not reported, not 0 */
    CHECK_INT_EQ(r.usage.reasoning, 1);

    /* Counts no long can hold are not reported, not undefined behaviour
     * (found by fuzz_backends). */
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops,
        "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":1e300,\"completion_tokens\":-1e30,\"total_tokens\":3}}",
        NULL, &r, &d), 0);
    CHECK_INT_EQ(r.usage.input, -1);
    CHECK_INT_EQ(r.usage.output, -1);

    /* vLLM: last text and finish_reason in one chunk, stop_reason names
     * the stop string; reasoning field; no [DONE] needed for the text. */
    reply_reset(&r);
    canned_stream(ops,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"think\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\",\"stop_reason\":\"\\n\"}]}\n\n"
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":14,\"completion_tokens\":2}}\n\n"
        "data: [DONE]\n\n", 0, &r, &d);
    CHECK_STR_EQ(r.text.ptr, "Hi!");
    CHECK_STR_EQ(r.finish, "stop_sequence");
    CHECK_INT_EQ(r.reasoning_bytes, 5);
    CHECK_INT_EQ(r.usage.output, 2);

    /* Reasoning first: the any-token clock stops before the answer clock. */
    reply_reset(&r);
    canned_stream(ops,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\n", 60, &r, &d);
    CHECK(r.t_first_any < r.t_first_text);

    /* llama.cpp: role chunk with content null, timings.cache_n. */
    reply_reset(&r);
    canned_stream(ops,
        "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n"
        "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        "data: {\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}]}\n\n"
        "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2,\"prompt_tokens\":12,\"total_tokens\":14},"
        "\"timings\":{\"cache_n\":5,\"prompt_n\":7}}\n\n"
        "data: [DONE]\n\n", 7, &r, &d);
    CHECK_STR_EQ(r.text.ptr, "Hi");
    CHECK_INT_EQ(r.usage.cached_input, 5);
    CHECK_INT_EQ(r.text_events, 1);

    /* Groq: usage under x_groq only. */
    reply_reset(&r);
    canned_stream(ops,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"A\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        "\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"queue_time\":null,\"prompt_tokens\":23,\"completion_tokens\":19}}}\n\n"
        "data: [DONE]\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.usage.input, 23);
    CHECK_INT_EQ(r.usage.output, 19);
    CHECK_INT_EQ(r.usage_seen, 1);

    /* In-stream error with HTTP 200 (OpenAI shape): terminal, retryable. */
    reply_reset(&r);
    int rc = canned_stream(ops,
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n"
        "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
        "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"
        "data: [DONE]\n\n", 0, &r, &d);
    CHECK_INT_EQ(rc, 1);
    CHECK_INT_EQ(r.failed, 1);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_INT_EQ(r.done, 0);
    CHECK_STR_EQ(r.error, "in-stream error server_error: The server had an error while "
                          "processing your request.");
    /* vLLM in-stream error with an integer code 400: final. */
    reply_reset(&r);
    canned_stream(ops, "data: {\"error\":{\"message\":\"bad\",\"type\":\"BadRequestError\","
                       "\"param\":null,\"code\":400}}\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_INT_EQ(r.fail_status, ST_REFUSED);

    /* A malformed chunk is a parse error naming the bytes. */
    reply_reset(&r);
    diag_init(&d);
    rc = canned_stream(ops, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"
                            "data: {\"choices\":[{\"ind\n\n", 0, &r, &d);
    CHECK_INT_EQ(rc, -1);
    CHECK_STR_EQ(d.msg, "stream event is not valid JSON: \"{\"choices\":[{\"ind\"");
    reply_release(&r);
}

static void errors(void)
{
    struct reply r;
    reply_init(&r);
    canned_error(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o. Please try again in 18.642s.\","
                      "\"type\":\"tokens\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
                 "HTTP/1.1 429 Too Many Requests\r\nretry-after: 20\r\nretry-after-ms: 1500\r\n", &r);
    CHECK_INT_EQ(r.failed, 1);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_INT_EQ(r.fail_status, ST_HTTP_ERROR);
    CHECK_INT_EQ(r.fail_http, 429);
    CHECK_NEAR(r.retry_after_ms, 1500, 0);   /* retry-after-ms wins */
    CHECK_STR_EQ(r.error, "HTTP 429: Rate limit reached for gpt-4o. Please try again in 18.642s.");

    reply_reset(&r);
    canned_error(429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
                      "\"param\":null,\"code\":\"insufficient_quota\"}}", "retry-after: 2\r\n", &r);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_INT_EQ(r.fail_status, ST_REFUSED);
    CHECK_NEAR(r.retry_after_ms, 2000, 0);

    static const struct { long status; int retryable; } grid[] = {
        { 400, 0 }, { 401, 0 }, { 402, 0 }, { 403, 0 }, { 404, 0 }, { 408, 1 }, { 409, 1 },
        { 413, 0 }, { 415, 0 }, { 422, 0 }, { 424, 0 }, { 429, 1 }, { 500, 1 }, { 501, 0 },
        { 502, 1 }, { 503, 1 }, { 504, 1 }, { 529, 1 },
    };
    for (size_t i = 0; i < sizeof(grid) / sizeof(grid[0]); i++) {
        reply_reset(&r);
        canned_error(grid[i].status, "", NULL, &r);
        CHECK_MSG(r.retryable == grid[i].retryable, "status %ld", grid[i].status);
    }
    /* x-should-retry overrides the status rule. */
    reply_reset(&r);
    canned_error(500, "{}", "x-should-retry: false\r\n", &r);
    CHECK_INT_EQ(r.retryable, 0);
    /* Plain-text bodies (axum rejections) become the message, one line. */
    reply_reset(&r);
    struct http_resp resp = { 415, "text/plain", "", 0,
                              "Expected request with `Content-Type: application/json`\n", 55 };
    classify_http(&resp, &r);
    CHECK_STR_EQ(r.error, "HTTP 415: Expected request with `Content-Type: application/json`");
    /* Empty body (TGI 401): the reason phrase. */
    reply_reset(&r);
    canned_error(401, "", NULL, &r);
    CHECK_STR_EQ(r.error, "HTTP 401: Unauthorized");
    /* Rate-limit reset headers when no retry-after: the exhausted limit. */
    reply_reset(&r);
    canned_error(429, "{}", "x-ratelimit-remaining-requests: 0\r\nx-ratelimit-reset-requests: 1.5s\r\n"
                            "x-ratelimit-remaining-tokens: 100\r\nx-ratelimit-reset-tokens: 6m0s\r\n", &r);
    CHECK_NEAR(r.retry_after_ms, 1500, 1e-9);
    reply_release(&r);

    CHECK_NEAR(parse_go_duration_ms("6m0s"), 360000, 1e-9);
    CHECK_NEAR(parse_go_duration_ms("7.66s"), 7660, 1e-9);
    CHECK_NEAR(parse_go_duration_ms("20ms"), 20, 1e-9);
    CHECK_NEAR(parse_go_duration_ms("1h2m"), 3720000, 1e-9);
    CHECK(parse_go_duration_ms("soon") < 0);
    CHECK(parse_go_duration_ms("") < 0);
    /* strtod alone accepts these; Go durations do not (found by fuzz_args) */
    CHECK(parse_go_duration_ms("nans") < 0);
    CHECK(parse_go_duration_ms("infs") < 0);
    CHECK(parse_go_duration_ms("1e999s") < 0);
    CHECK(parse_go_duration_ms(" 1s") < 0);
    CHECK(parse_go_duration_ms("+1s") < 0);
    CHECK(parse_go_duration_ms("-1s") < 0);
    CHECK_NEAR(parse_go_duration_ms(".5s"), 500, 1e-9);

    CHECK_STR_EQ(finish_normalise("end_turn"), "stop");
    CHECK_STR_EQ(finish_normalise("max_tokens"), "length");
    CHECK_STR_EQ(finish_normalise("tool_calls"), "tool");
    CHECK_STR_EQ(finish_normalise("content_filter"), "filtered");
    CHECK_STR_EQ(finish_normalise("eos_token"), "stop");
    CHECK_STR_EQ(finish_normalise("pause_turn"), "other");
    CHECK(finish_normalise("") == NULL);
}

int main(void)
{
    stream_every_split();
    request_fields();
    body_and_variants();
    errors();
    return check_done();
}
