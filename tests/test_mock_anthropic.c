/* test_mock_anthropic.c -- the mock's Anthropic Messages replies against
 * protocols.md §6: event: lines in order, ping, thinking then text blocks,
 * cumulative message_delta usage, cached input outside input_tokens,
 * request-id and anthropic-ratelimit-* headers, errors and 529. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include "harness/util/tokens.h"

static char url[200];
static const char *const hdrs[] = { "x-api-key: sk-ant-test", "anthropic-version: 2023-06-01", NULL };

static void test_body(void)
{
    struct http_reply r;
    http_post(url, hdrs, "{\"model\":\"mock-strong\",\"max_tokens\":200,\"system\":\"Be terse.\","
                         "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi to Anthropic\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    char h[128];
    CHECK(http_header(&r, "request-id", h, sizeof(h)) && strncmp(h, "req_", 4) == 0);
    CHECK(http_header(&r, "anthropic-ratelimit-requests-remaining", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "anthropic-ratelimit-requests-reset", h, sizeof(h)) &&
          strlen(h) == 20 && h[10] == 'T' && h[19] == 'Z');   /* RFC 3339 */
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "type"), "message");
    CHECK_STR_EQ(jstr(j, "role"), "assistant");
    CHECK(jstr(j, "id") && strncmp(jstr(j, "id"), "msg_", 4) == 0);
    CHECK_STR_EQ(jstr(j, "content.0.type"), "text");
    const char *text = jstr(j, "content.0.text");
    CHECK(text && *text);
    CHECK_STR_EQ(jstr(j, "stop_reason"), "end_turn");
    CHECK(cJSON_IsNull(jget(j, "stop_sequence")));
    CHECK_INT_EQ(jnum(j, "usage.input_tokens"),
                 token_estimate("Be terse.", 9) + token_estimate("Say hi to Anthropic", 19));
    CHECK_INT_EQ(jnum(j, "usage.output_tokens"), token_estimate(text, strlen(text)));
    CHECK_INT_EQ(jnum(j, "usage.cache_read_input_tokens"), 0);
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_stream(const char *model)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"model\":\"%s\",\"max_tokens\":400,\"stream\":true,"
             "\"messages\":[{\"role\":\"user\",\"content\":\"Stream to Anthropic please\"}]}", model);
    struct http_reply r;
    http_post(url, hdrs, body, &r);
    CHECK_INT_EQ(r.status, 200);
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(!ev.unterminated);
    CHECK(ev.n >= 7);
    /* Every event's type line equals its JSON type. */
    for (size_t i = 0; i < ev.n; i++) {
        cJSON *e = sse_json(&ev, i);
        CHECK_STR_EQ(jstr(e, "type"), ev.v[i].type);
        cJSON_Delete(e);
    }
    CHECK_STR_EQ(ev.v[0].type, "message_start");
    CHECK_STR_EQ(ev.v[1].type, "content_block_start");
    CHECK_STR_EQ(ev.v[2].type, "ping");
    CHECK_STR_EQ(ev.v[2].data, "{\"type\": \"ping\"}");
    CHECK_STR_EQ(ev.v[ev.n - 1].type, "message_stop");
    CHECK_STR_EQ(ev.v[ev.n - 2].type, "message_delta");
    CHECK_STR_EQ(ev.v[ev.n - 3].type, "content_block_stop");
    cJSON *start = sse_json(&ev, 0);
    CHECK_INT_EQ(jnum(start, "message.usage.output_tokens"), 1);
    CHECK(jnum(start, "message.usage.input_tokens") > 0);
    CHECK(cJSON_IsNull(jget(start, "message.stop_reason")));
    cJSON_Delete(start);
    struct buf text = BUF_INIT, thinking = BUF_INIT;
    int text_index = -1, think_done = 0, think_after_text = 0;
    for (size_t i = 3; i + 2 < ev.n; i++) {
        cJSON *e = sse_json(&ev, i);
        const char *dt = jstr(e, "delta.type");
        if (dt && strcmp(dt, "text_delta") == 0) {
            buf_adds(&text, jstr(e, "delta.text"));
            text_index = (int)jnum(e, "index");
        } else if (dt && strcmp(dt, "thinking_delta") == 0) {
            buf_adds(&thinking, jstr(e, "delta.thinking"));
            think_after_text |= text.len > 0;
            CHECK_INT_EQ(jnum(e, "index"), 0);
        } else if (dt && strcmp(dt, "signature_delta") == 0) {
            think_done = 1;
        }
        cJSON_Delete(e);
    }
    CHECK(text.len > 0);
    CHECK(!think_after_text);
    cJSON *md = sse_json(&ev, ev.n - 2);
    CHECK_STR_EQ(jstr(md, "delta.stop_reason"), "end_turn");
    CHECK_INT_EQ(jnum(md, "usage.output_tokens"),
                 token_estimate(text.ptr, text.len) +
                 (thinking.len ? token_estimate(thinking.ptr, thinking.len) : 0));
    cJSON_Delete(md);
    if (strcmp(model, "mock-reasoner") == 0) {
        CHECK(thinking.len > 0);
        CHECK(think_done);
        CHECK_INT_EQ(text_index, 1);
    } else {
        CHECK_INT_EQ(thinking.len, 0);
        CHECK_INT_EQ(text_index, 0);
    }
    buf_release(&text);
    buf_release(&thinking);
    sse_list_free(&ev);
    http_reply_free(&r);
}

static void test_errors(void)
{
    struct http_reply r;
    const char *body = "{\"model\":\"mock-fast\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    const char *const nokey[] = { "anthropic-version: 2023-06-01", NULL };
    http_post(url, nokey, body, &r);
    CHECK_INT_EQ(r.status, 401);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "type"), "error");
    CHECK_STR_EQ(jstr(j, "error.type"), "authentication_error");
    CHECK(jstr(j, "request_id") != NULL);
    cJSON_Delete(j);
    http_reply_free(&r);

    const char *const nover[] = { "x-api-key: k", NULL };
    http_post(url, nover, body, &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_CONTAINS(r.body.ptr, "anthropic-version");
    http_reply_free(&r);

    http_post(url, hdrs, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_CONTAINS(r.body.ptr, "max_tokens");
    http_reply_free(&r);

    http_post(url, hdrs, "{\"model\":\"claude-nope\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(r.body.ptr, "not_found_error");
    http_reply_free(&r);

    const char *const f503[] = { "x-api-key: k", "anthropic-version: 2023-06-01", "x-mock-fault: http_503", NULL };
    http_post(url, f503, body, &r);
    CHECK_INT_EQ(r.status, 529);
    CHECK_CONTAINS(r.body.ptr, "overloaded_error");
    http_reply_free(&r);

    const char *const f429[] = { "x-api-key: k", "anthropic-version: 2023-06-01", "x-mock-fault: http_429", NULL };
    http_post(url, f429, body, &r);
    CHECK_INT_EQ(r.status, 429);
    char h[64];
    CHECK(http_header(&r, "retry-after", h, sizeof(h)) != NULL);
    CHECK_CONTAINS(r.body.ptr, "rate_limit_error");
    http_reply_free(&r);

    /* In-band error after the stream began: HTTP 200 and event: error. */
    const char *const fse[] = { "x-api-key: k", "anthropic-version: 2023-06-01", "x-mock-fault: stream_error", NULL };
    http_post(url, fse, "{\"model\":\"mock-fast\",\"max_tokens\":100,\"stream\":true,"
                        "\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(ev.n > 0 && strcmp(ev.v[ev.n - 1].type, "error") == 0);
    CHECK_CONTAINS(ev.n ? ev.v[ev.n - 1].data : "", "overloaded_error");
    sse_list_free(&ev);
    http_reply_free(&r);
}

static void test_cache(void)
{
    /* mock-fast caches repeated message prefixes: the second request with
     * the same system prompt reports it as cache_read_input_tokens. */
    const char *a = "{\"model\":\"mock-fast\",\"max_tokens\":20,\"system\":\"A long shared system "
                    "prompt that a cache would keep between calls.\",\"messages\":[{\"role\":"
                    "\"user\",\"content\":\"first question\"}]}";
    const char *b = "{\"model\":\"mock-fast\",\"max_tokens\":20,\"system\":\"A long shared system "
                    "prompt that a cache would keep between calls.\",\"messages\":[{\"role\":"
                    "\"user\",\"content\":\"second question\"}]}";
    struct http_reply r;
    http_post(url, hdrs, a, &r);
    cJSON *j = cJSON_Parse(r.body.ptr);
    double in1 = jnum(j, "usage.input_tokens");
    CHECK_INT_EQ(jnum(j, "usage.cache_read_input_tokens"), 0);
    cJSON_Delete(j);
    http_reply_free(&r);
    http_post(url, hdrs, b, &r);
    j = cJSON_Parse(r.body.ptr);
    const char *sys = "A long shared system prompt that a cache would keep between calls.";
    CHECK_INT_EQ(jnum(j, "usage.cache_read_input_tokens"), token_estimate(sys, strlen(sys)));
    CHECK(jnum(j, "usage.input_tokens") < in1);
    cJSON_Delete(j);
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(url, sizeof(url), "%s/v1/messages", m.base_url);
    test_body();
    test_stream("mock-fast");
    test_stream("mock-reasoner");
    test_errors();
    test_cache();
    CHECK_INT_EQ(mock_stop_status(&m), 0);
    curl_global_cleanup();
    return check_done();
}
