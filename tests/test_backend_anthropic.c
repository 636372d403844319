/* test_backend_anthropic.c -- Messages API: request shape (system
 * top-level, max_tokens always, stop_sequences, headers), the SDK fixture
 * stream of protocols.md 6.3 at every split, thinking, usage with cache
 * fields, in-stream error events, whole bodies. */
#include "backend_canned.h"
#include "check.h"

#include <stdlib.h>

static const char *fixture =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_4Q\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-3-opus-latest\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":11,\"cache_read_input_tokens\":4,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" there\"}}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":6}}\n\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n\n";

struct hdrs {
    char lines[4][128];
    int n;
};

static void add_header(void *ud, const char *line)
{
    struct hdrs *h = ud;
    snprintf(h->lines[h->n++], sizeof(h->lines[0]), "%s", line);
}

int main(void)
{
    const struct backend_ops *ops = backend_find("anthropic");
    size_t n = strlen(fixture);
    for (size_t step = 1; step <= n; step += step < 40 ? 1 : 113) {
        struct reply r;
        reply_init(&r);
        struct diag d;
        diag_init(&d);
        CHECK_INT_EQ(canned_stream(ops, fixture, step, &r, &d), 1);
        CHECK_STR_EQ(r.text.ptr, "Hello there");
        CHECK_STR_EQ(r.finish, "stop");
        CHECK_STR_EQ(r.finish_raw, "end_turn");
        CHECK_INT_EQ(r.usage.input, 17);        /* 11 + 4 + 2 */
        CHECK_INT_EQ(r.usage.cached_input, 4);
        CHECK_INT_EQ(r.usage.output, 6);        /* cumulative, last message_delta */
        CHECK_INT_EQ(r.done, 1);
        CHECK_INT_EQ(r.text_events, 2);
        reply_release(&r);
    }

    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    /* Thinking first, then text: two clocks. */
    canned_stream(ops,
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"4\"}}\n\n"
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":9,\"output_tokens_details\":{\"thinking_tokens\":8}}}\n\n"
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", 100, &r, &d);
    CHECK(r.t_first_any > 0 && r.t_first_any < r.t_first_text);
    CHECK_STR_EQ(r.text.ptr, "4");
    CHECK_STR_EQ(r.finish, "length");
    CHECK_INT_EQ(r.usage.reasoning, 8);
    CHECK_INT_EQ(r.reasoning_bytes, 6);

    /* Event name only in the event: line (no JSON type) still works. */
    reply_reset(&r);
    canned_stream(ops, "event: message_stop\ndata: {}\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.done, 1);

    /* In-stream overload: retryable; invalid request: final. */
    reply_reset(&r);
    CHECK_INT_EQ(canned_stream(ops, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", 0, &r, &d), 1);
    CHECK_INT_EQ(r.failed, 1);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_STR_EQ(r.error, "in-stream error overloaded_error: Overloaded");
    reply_reset(&r);
    canned_stream(ops, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}\n\n", 0, &r, &d);
    CHECK_INT_EQ(r.retryable, 0);

    /* Whole body. */
    reply_reset(&r);
    CHECK_INT_EQ(canned_body(ops,
        "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
        "\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\"},{\"type\":\"text\",\"text\":\"Hi!\"}],"
        "\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\\n\","
        "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":4}}",
        NULL, &r, &d), 0);
    CHECK_STR_EQ(r.text.ptr, "Hi!");
    CHECK_STR_EQ(r.finish, "stop_sequence");
    CHECK_INT_EQ(r.usage.input, 12);
    CHECK_INT_EQ(r.usage.cached_input, 0);
    CHECK_INT_EQ(r.usage.output, 4);
    /* 529 overloaded: retryable; the error text from the Anthropic shape. */
    reply_reset(&r);
    canned_error(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_1\"}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_STR_EQ(r.error, "HTTP 529: Overloaded");
    /* Spend limit: final even though 429. */
    reply_reset(&r);
    canned_error(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"limit\","
                      "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 0);
    reply_release(&r);

    /* Request: headers and body. */
    struct backend_conf b = canned_backend("anthropic", "https://api.anthropic.com");
    b.api_key = (char *)"k-1";
    struct hdrs h = { { { 0 } }, 0 };
    ops->headers(&b, add_header, &h);
    CHECK_INT_EQ(h.n, 2);
    CHECK_STR_EQ(h.lines[0], "x-api-key: k-1");
    CHECK_STR_EQ(h.lines[1], "anthropic-version: 2023-06-01");
    struct message msgs[] = { { "user", (char *)"Q1" }, { "assistant", (char *)"A1" }, { "user", (char *)"Q2" } };
    struct prompt p = canned_prompt("Be terse.", msgs, 3);
    char *stop[] = { "END" };
    p.gen.has_stop = 1;
    p.gen.stop = stop;
    p.gen.nstop = 1;
    p.gen.temperature = 0;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    CHECK_INT_EQ(ops->build(&b, &p, &req, &d), 0);
    CHECK_STR_EQ(req.url, "https://api.anthropic.com/v1/messages");
    CHECK_STR_EQ(req.body.ptr,
                 "{\"model\":\"m-1\",\"max_tokens\":1024,\"system\":\"Be terse.\",\"messages\":["
                 "{\"role\":\"user\",\"content\":\"Q1\"},{\"role\":\"assistant\",\"content\":\"A1\"},"
                 "{\"role\":\"user\",\"content\":\"Q2\"}],\"temperature\":0,\"stop_sequences\":[\"END\"],"
                 "\"stream\":true}");
    free(req.url);
    buf_release(&req.body);
    return check_done();
}
