/* test_backend_azure_openai.c -- Azure: the two URL forms, the api-key
 * header, the leading filter chunk with choices:[] and choices without a
 * delta (never a token, never a crash), 429 with code "429", 400
 * content_filter with type null. Also the openai-compatible and hf-router
 * adapters' URL, auth and max-tokens field. */
#include "backend_canned.h"
#include "check.h"

#include <stdlib.h>

struct hdrs {
    char lines[4][128];
    int n;
};

static void add_header(void *ud, const char *line)
{
    struct hdrs *h = ud;
    snprintf(h->lines[h->n++], sizeof(h->lines[0]), "%s", line);
}

static char *build(const char *type, const char *base, const char *api_version, char **body)
{
    struct backend_conf b = canned_backend(type, base);
    b.api_version = (char *)api_version;
    struct message msgs[] = { { "user", (char *)"hi" } };
    struct prompt p = canned_prompt(NULL, msgs, 1);
    p.gen.max_tokens = 5;
    struct http_req req = { 0 };
    buf_init(&req.body, 0);
    struct diag d;
    diag_init(&d);
    b.ops->build(&b, &p, &req, &d);
    *body = buf_take(&req.body, NULL);
    return req.url;
}

int main(void)
{
    char *body;
    char *url = build("azure-openai", "https://res.openai.azure.com", "2024-10-21", &body);
    CHECK_STR_EQ(url, "https://res.openai.azure.com/openai/deployments/m-1/chat/completions?api-version=2024-10-21");
    CHECK_CONTAINS(body, "\"max_completion_tokens\":5");
    free(url);
    free(body);
    url = build("azure-openai", "https://res.openai.azure.com", NULL, &body);
    CHECK_STR_EQ(url, "https://res.openai.azure.com/openai/v1/chat/completions");
    free(url);
    free(body);
    url = build("openai-compatible", "http://127.0.0.1:8000/v1", NULL, &body);
    CHECK_STR_EQ(url, "http://127.0.0.1:8000/v1/chat/completions");
    CHECK_CONTAINS(body, "\"max_tokens\":5");
    free(url);
    free(body);
    url = build("hf-router", "https://router.huggingface.co/v1", NULL, &body);
    CHECK_STR_EQ(url, "https://router.huggingface.co/v1/chat/completions");
    CHECK_CONTAINS(body, "\"max_tokens\":5");
    free(url);
    free(body);

    struct backend_conf b = canned_backend("azure-openai", "https://x");
    b.api_key = (char *)"az-key";
    struct hdrs h = { { { 0 } }, 0 };
    b.ops->headers(&b, add_header, &h);
    CHECK_INT_EQ(h.n, 1);
    CHECK_STR_EQ(h.lines[0], "api-key: az-key");
    b = canned_backend("hf-router", "https://x");
    b.api_key = (char *)"hf_abc";
    h.n = 0;
    b.ops->headers(&b, add_header, &h);
    CHECK_STR_EQ(h.lines[0], "Authorization: Bearer hf_abc");
    b = canned_backend("openai-compatible", "http://x");
    h.n = 0;
    b.ops->headers(&b, add_header, &h);
    CHECK_INT_EQ(h.n, 0);   /* no key configured: no header */

    const struct backend_ops *ops = backend_find("azure-openai");
    struct reply r;
    reply_init(&r);
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(canned_stream(ops,
        "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n"
        "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"created\":1741570283,\"id\":\"chatcmpl-A1\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}\n\n"
        "data: {\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"created\":1741570283,\"id\":\"chatcmpl-A1\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}\n\n"
        "data: {\"choices\":[{\"content_filter_offsets\":{\"check_offset\":0,\"start_offset\":0,\"end_offset\":2},\"content_filter_results\":{},\"finish_reason\":null,\"index\":0}],\"id\":\"\",\"object\":\"\",\"created\":0}\n\n"
        "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"content_filter\",\"index\":0}],\"id\":\"chatcmpl-A1\"}\n\n"
        "data: [DONE]\n\n", 64, &r, &d), 1);
    CHECK_STR_EQ(r.text.ptr, "Hi");
    CHECK_INT_EQ(r.text_events, 1);
    CHECK_STR_EQ(r.finish, "filtered");
    CHECK_INT_EQ(r.usage_seen, 0);
    reply_reset(&r);
    canned_error(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation have exceeded token rate limit. Please retry after 45 seconds.\"}}",
                 "retry-after: 45\r\n", &r);
    CHECK_INT_EQ(r.retryable, 1);
    CHECK_NEAR(r.retry_after_ms, 45000, 0);
    reply_reset(&r);
    canned_error(400, "{\"error\":{\"message\":\"The response was filtered\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}", NULL, &r);
    CHECK_INT_EQ(r.retryable, 0);
    CHECK_INT_EQ(r.fail_status, ST_REFUSED);
    CHECK_STR_EQ(r.error, "HTTP 400: The response was filtered");
    reply_release(&r);
    return check_done();
}
