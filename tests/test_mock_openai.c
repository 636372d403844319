/* test_mock_openai.c -- the mock's OpenAI Chat Completions and Azure
 * replies against the shapes of protocols.md §1-2: non-streamed bodies,
 * SSE chunk sequence (role chunk, content, finish, usage only with
 * include_usage, [DONE]), obfuscation, reasoning deltas, headers, errors. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include "harness/util/tokens.h"

static char base[160];
static const char *const bearer[] = { "Authorization: Bearer sk-test", NULL };

static void url(char *out, size_t n, const char *path)
{
    snprintf(out, n, "%s%s", base, path);
}

static void check_usage(const cJSON *u, const char *text)
{
    CHECK(u != NULL);
    double p = jnum(u, "prompt_tokens"), c = jnum(u, "completion_tokens");
    CHECK(p > 0);
    CHECK(c >= 1);
    CHECK_INT_EQ(jnum(u, "total_tokens"), p + c);
    CHECK(jget(u, "prompt_tokens_details.cached_tokens") != NULL);
    CHECK(jget(u, "completion_tokens_details.reasoning_tokens") != NULL);
    if (text)
        CHECK_INT_EQ(c - jnum(u, "completion_tokens_details.reasoning_tokens"),
                     token_estimate(text, strlen(text)));
}

static void test_plain(void)
{
    char u[256];
    url(u, sizeof(u), "/v1/chat/completions");
    struct http_reply r;
    http_post(u, bearer, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"system\",\"content\":"
                         "\"Be terse.\"},{\"role\":\"user\",\"content\":\"Say hi to the world\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    char h[128];
    CHECK(http_header(&r, "content-type", h, sizeof(h)) && strstr(h, "application/json"));
    CHECK(http_header(&r, "x-request-id", h, sizeof(h)) && strncmp(h, "req_", 4) == 0);
    CHECK(http_header(&r, "x-ratelimit-remaining-requests", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "x-ratelimit-reset-requests", h, sizeof(h)) &&
          h[strlen(h) - 1] == 's');   /* Go duration: ...s or ...ms */
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(j != NULL);
    CHECK_STR_EQ(jstr(j, "object"), "chat.completion");
    CHECK(jstr(j, "id") && strncmp(jstr(j, "id"), "chatcmpl-", 9) == 0);
    CHECK(jnum(j, "created") > 1.7e9);
    CHECK_STR_EQ(jstr(j, "model"), "mock-fast");
    CHECK_STR_EQ(jstr(j, "choices.0.message.role"), "assistant");
    const char *text = jstr(j, "choices.0.message.content");
    CHECK(text && *text);
    CHECK(cJSON_IsNull(jget(j, "choices.0.message.refusal")));
    CHECK(cJSON_IsNull(jget(j, "choices.0.logprobs")));
    CHECK_STR_EQ(jstr(j, "choices.0.finish_reason"), "stop");
    check_usage(jget(j, "usage"), text);
    CHECK_INT_EQ(jnum(j, "usage.prompt_tokens"),
                 token_estimate("Be terse.", 9) + token_estimate("Say hi to the world", 19));
    cJSON_Delete(j);
    http_reply_free(&r);

    /* max_tokens ends the answer with "length"; stop ends it early. */
    http_post(u, bearer, "{\"model\":\"mock-strong\",\"messages\":[{\"role\":\"user\",\"content\":"
                         "\"Tell me a story\"}],\"max_completion_tokens\":5}", &r);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "choices.0.finish_reason"), "length");
    CHECK(jnum(j, "usage.completion_tokens") <= 5);
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_stream(int include_usage, int obfuscation)
{
    char u[256], body[512];
    url(u, sizeof(u), "/v1/chat/completions");
    snprintf(body, sizeof(body),
             "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Stream it\"}],"
             "\"stream\":true,\"stream_options\":{\"include_usage\":%s,\"include_obfuscation\":%s}}",
             include_usage ? "true" : "false", obfuscation ? "true" : "false");
    struct http_reply r;
    http_post(u, bearer, body, &r);
    CHECK_INT_EQ(r.status, 200);
    char h[128];
    CHECK(http_header(&r, "content-type", h, sizeof(h)) && strstr(h, "text/event-stream"));
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(!ev.unterminated);
    CHECK(ev.n >= 4);
    CHECK_STR_EQ(ev.v[ev.n - 1].data, "[DONE]");
    /* Every chunk has the same id and created. */
    cJSON *first = sse_json(&ev, 0);
    CHECK_STR_EQ(jstr(first, "object"), "chat.completion.chunk");
    CHECK_STR_EQ(jstr(first, "choices.0.delta.role"), "assistant");
    CHECK_STR_EQ(jstr(first, "choices.0.delta.content"), "");
    CHECK(cJSON_IsNull(jget(first, "choices.0.finish_reason")));
    struct buf text = BUF_INIT;
    size_t last_chunk = include_usage ? ev.n - 3 : ev.n - 2;   /* the finish chunk */
    for (size_t i = 0; i + 1 < ev.n; i++) {
        cJSON *c = sse_json(&ev, i);
        CHECK(c != NULL);
        CHECK_STR_EQ(jstr(c, "id"), jstr(first, "id"));
        CHECK_INT_EQ(jnum(c, "created"), jnum(first, "created"));
        const cJSON *usage = cJSON_GetObjectItemCaseSensitive(c, "usage");
        if (include_usage && i == ev.n - 2) {
            CHECK_INT_EQ(cJSON_GetArraySize(jget(c, "choices")), 0);
            check_usage(usage, NULL);
            CHECK_INT_EQ(jnum(usage, "completion_tokens"), token_estimate(text.ptr, text.len));
            CHECK(!cJSON_GetObjectItemCaseSensitive(c, "obfuscation"));
        } else {
            if (include_usage)
                CHECK(cJSON_IsNull(usage));
            else
                CHECK(usage == NULL);
            CHECK((cJSON_GetObjectItemCaseSensitive(c, "obfuscation") != NULL) == obfuscation);
            const char *t = jstr(c, "choices.0.delta.content");
            if (i > 0 && i < last_chunk) {
                CHECK(t && *t);
                CHECK(cJSON_IsNull(jget(c, "choices.0.finish_reason")));
            }
            if (i > 0 && t)
                buf_adds(&text, t);
            if (i == last_chunk) {
                CHECK_INT_EQ(cJSON_GetArraySize(jget(c, "choices.0.delta")), 0);
                CHECK_STR_EQ(jstr(c, "choices.0.finish_reason"), "stop");
            }
        }
        cJSON_Delete(c);
    }
    CHECK(text.len > 0);
    buf_release(&text);
    cJSON_Delete(first);
    sse_list_free(&ev);
    http_reply_free(&r);
}

static void test_reasoning(void)
{
    char u[256];
    url(u, sizeof(u), "/v1/chat/completions");
    struct http_reply r;
    http_post(u, bearer, "{\"model\":\"mock-reasoner\",\"messages\":[{\"role\":\"user\",\"content\":"
                         "\"Think about the weather\"}],\"stream\":true,"
                         "\"stream_options\":{\"include_usage\":true}}", &r);
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    int seen_content = 0, reasoning_after_content = 0, reasoning = 0;
    for (size_t i = 1; i + 1 < ev.n; i++) {
        cJSON *c = sse_json(&ev, i);
        if (jstr(c, "choices.0.delta.reasoning_content")) {
            reasoning++;
            reasoning_after_content |= seen_content;
        }
        const char *t = jstr(c, "choices.0.delta.content");
        if (t && *t)
            seen_content = 1;
        if (i == ev.n - 2)
            CHECK(jnum(c, "usage.completion_tokens_details.reasoning_tokens") > 0);
        cJSON_Delete(c);
    }
    CHECK(reasoning > 3);
    CHECK(seen_content);
    CHECK(!reasoning_after_content);
    sse_list_free(&ev);
    http_reply_free(&r);

    http_post(u, bearer, "{\"model\":\"mock-reasoner\",\"messages\":[{\"role\":\"user\",\"content\":"
                         "\"Think about the weather\"}]}", &r);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(jstr(j, "choices.0.message.reasoning_content") != NULL);
    CHECK(jnum(j, "usage.completion_tokens_details.reasoning_tokens") > 0);
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_errors(void)
{
    char u[256];
    url(u, sizeof(u), "/v1/chat/completions");
    struct http_reply r;
    const char *ok = "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"x y z\"}]}";
    http_post(u, NULL, ok, &r);
    CHECK_INT_EQ(r.status, 401);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "error.type"), "invalid_request_error");
    CHECK(jget(j, "error.param") && jget(j, "error.code") && jget(j, "error.message"));
    cJSON_Delete(j);
    http_reply_free(&r);

    http_post(u, bearer, "{\"model\":\"gpt-nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", &r);
    CHECK_INT_EQ(r.status, 404);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "error.code"), "model_not_found");
    cJSON_Delete(j);
    http_reply_free(&r);

    http_post(u, bearer, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                         "\"stream_options\":{\"include_usage\":true}}", &r);
    CHECK_INT_EQ(r.status, 400);
    http_reply_free(&r);

    http_post(u, bearer, "{\"model\":\"mock-fast\",\"messages\":[]}", &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_CONTAINS(r.body.ptr, "too short");
    http_reply_free(&r);

    http_post(u, bearer, "{not json", &r);
    CHECK_INT_EQ(r.status, 400);
    http_reply_free(&r);

    url(u, sizeof(u), "/v1/nothing");
    http_post(u, bearer, ok, &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(r.body.ptr, "Invalid URL");
    http_reply_free(&r);

    url(u, sizeof(u), "/v1/models");
    http_req(u, bearer, NULL, &r, 0);
    CHECK_INT_EQ(r.status, 200);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "object"), "list");
    const char *names[] = { "mock-strong", "mock-fast", "mock-specialist", "mock-flaky", "mock-reasoner" };
    for (size_t i = 0; i < 5; i++)
        CHECK_CONTAINS(r.body.ptr, names[i]);
    CHECK_STR_EQ(jstr(j, "data.0.object"), "model");
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_azure(void)
{
    char u[256];
    const char *const key[] = { "api-key: azure-test", NULL };
    const char *body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello Azure\"}],"
                       "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    url(u, sizeof(u), "/openai/deployments/mock-strong/chat/completions?api-version=2024-10-21");
    struct http_reply r;
    http_post(u, key, body, &r);
    CHECK_INT_EQ(r.status, 200);
    char h[128];
    CHECK(http_header(&r, "apim-request-id", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "x-ratelimit-remaining-requests", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "x-ratelimit-limit-requests", h, sizeof(h)) == NULL);
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(ev.n >= 5);
    cJSON *c = sse_json(&ev, 0);
    CHECK_INT_EQ(cJSON_GetArraySize(jget(c, "choices")), 0);
    CHECK_STR_EQ(jstr(c, "id"), "");
    CHECK_INT_EQ(jnum(c, "created"), 0);
    CHECK(jget(c, "prompt_filter_results.0.content_filter_results.hate") != NULL);
    cJSON_Delete(c);
    c = sse_json(&ev, 2);
    CHECK(jget(c, "choices.0.content_filter_results") != NULL);
    CHECK(jstr(c, "choices.0.delta.content") != NULL);
    CHECK_STR_EQ(jstr(c, "model"), "mock-strong");
    CHECK(!cJSON_GetObjectItemCaseSensitive(c, "obfuscation"));
    cJSON_Delete(c);
    c = sse_json(&ev, ev.n - 2);
    CHECK(jnum(c, "usage.completion_tokens") > 0);
    cJSON_Delete(c);
    CHECK_STR_EQ(ev.v[ev.n - 1].data, "[DONE]");
    sse_list_free(&ev);
    http_reply_free(&r);

    /* Non-streamed, v1 form with a bearer key. */
    url(u, sizeof(u), "/openai/v1/chat/completions");
    http_post(u, bearer, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(jget(j, "prompt_filter_results") != NULL);
    CHECK(jstr(j, "choices.0.message.content") != NULL);
    cJSON_Delete(j);
    http_reply_free(&r);

    /* No key; no api-version; unknown deployment. */
    url(u, sizeof(u), "/openai/deployments/mock-strong/chat/completions?api-version=2024-10-21");
    http_post(u, NULL, body, &r);
    CHECK_INT_EQ(r.status, 401);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "error.code"), "401");
    cJSON_Delete(j);
    http_reply_free(&r);
    url(u, sizeof(u), "/openai/deployments/mock-strong/chat/completions");
    http_post(u, key, body, &r);
    CHECK_INT_EQ(r.status, 404);
    http_reply_free(&r);
    url(u, sizeof(u), "/openai/deployments/nope/chat/completions?api-version=2024-10-21");
    http_post(u, key, body, &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(r.body.ptr, "DeploymentNotFound");
    http_reply_free(&r);

    /* A 429 carries code "429" as a string and retry-after. */
    const char *const key429[] = { "api-key: k", "x-mock-fault: http_429", NULL };
    url(u, sizeof(u), "/openai/deployments/mock-strong/chat/completions?api-version=2024-10-21");
    http_post(u, key429, body, &r);
    CHECK_INT_EQ(r.status, 429);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "error.code"), "429");
    cJSON_Delete(j);
    CHECK(http_header(&r, "retry-after", h, sizeof(h)) != NULL);
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", NULL };
    if (mock_start(&m, extra) < 0) {
        fprintf(stderr, "cannot start the mock\n");
        return 1;
    }
    snprintf(base, sizeof(base), "%s", m.base_url);
    test_plain();
    test_stream(0, 1);
    test_stream(1, 1);
    test_stream(1, 0);
    test_reasoning();
    test_errors();
    test_azure();
    CHECK_INT_EQ(mock_stop_status(&m), 0);
    curl_global_cleanup();
    return check_done();
}
