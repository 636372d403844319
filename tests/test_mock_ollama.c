/* test_mock_ollama.c -- the mock's Ollama /api/chat against protocols.md
 * §3.3.2: NDJSON lines, message.thinking before content, the done:true
 * object with ns durations and omitted zero fields, non-stream reply,
 * {"error":"..."} shapes, 503 when the queue is full, /api/tags. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include "harness/util/tokens.h"

static char base[160];

static size_t lines(const char *s, cJSON **out, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        const char *nl = strchr(s, '\n');
        if (!nl)
            break;
        char *line = strndup(s, (size_t)(nl - s));
        out[n++] = cJSON_Parse(line);
        free(line);
        s = nl + 1;
    }
    return n;
}

static void test_stream(void)
{
    char u[256];
    snprintf(u, sizeof(u), "%s/api/chat", base);
    struct http_reply r;
    http_post(u, NULL, "{\"model\":\"mock-reasoner\",\"messages\":[{\"role\":\"user\",\"content\":"
                       "\"why is the sky blue?\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    char h[64];
    CHECK(http_header(&r, "content-type", h, sizeof(h)) && strcmp(h, "application/x-ndjson") == 0);
    CHECK(r.body.len > 0 && r.body.ptr[r.body.len - 1] == '\n');
    cJSON *l[1000];
    size_t n = lines(r.body.ptr, l, 1000);
    CHECK(n > 3);
    struct buf text = BUF_INIT, think = BUF_INIT;
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(l[i] != NULL);
        CHECK(cJSON_IsFalse(jget(l[i], "done")));
        CHECK_STR_EQ(jstr(l[i], "model"), "mock-reasoner");
        CHECK(jstr(l[i], "created_at") && strchr(jstr(l[i], "created_at"), 'T'));
        CHECK_STR_EQ(jstr(l[i], "message.role"), "assistant");
        const char *t = jstr(l[i], "message.thinking");
        if (t) {
            CHECK(text.len == 0);   /* thinking comes first */
            buf_adds(&think, t);
        }
        buf_adds(&text, jstr(l[i], "message.content"));
    }
    cJSON *d = l[n - 1];
    CHECK(cJSON_IsTrue(jget(d, "done")));
    CHECK_STR_EQ(jstr(d, "done_reason"), "stop");
    CHECK_STR_EQ(jstr(d, "message.content"), "");
    CHECK(jnum(d, "total_duration") > 0);
    CHECK(jnum(d, "eval_duration") > 0);
    CHECK(jnum(d, "prompt_eval_duration") > 0);
    CHECK(jget(d, "load_duration") == NULL);   /* zero: omitted */
    CHECK_INT_EQ(jnum(d, "prompt_eval_count"), token_estimate("why is the sky blue?", 20));
    CHECK_INT_EQ(jnum(d, "eval_count"), token_estimate(text.ptr, text.len) + token_estimate(think.ptr, think.len));
    CHECK(think.len > 0);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(l[i]);
    buf_release(&text);
    buf_release(&think);
    http_reply_free(&r);

    /* think:false, stream:false, num_predict, ":latest" tag. */
    http_post(u, NULL, "{\"model\":\"mock-reasoner:latest\",\"stream\":false,\"think\":false,"
                       "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
                       "\"options\":{\"num_predict\":3}}", &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(cJSON_IsTrue(jget(j, "done")));
    CHECK(jget(j, "message.thinking") == NULL);
    CHECK_STR_EQ(jstr(j, "done_reason"), "length");
    CHECK(jnum(j, "eval_count") <= 3);
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_errors(void)
{
    char u[256];
    snprintf(u, sizeof(u), "%s/api/chat", base);
    struct http_reply r;
    http_post(u, NULL, "{\"model\":\"llama9\",\"messages\":[]}", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_STR_EQ(r.body.ptr, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}");
    http_reply_free(&r);
    http_post(u, NULL, "{\"messages\":[]}", &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_CONTAINS(r.body.ptr, "model is required");
    http_reply_free(&r);
    const char *const se[] = { "x-mock-fault: stream_error", NULL };
    http_post(u, se, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"a b c d\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    const char *last = r.body.ptr + r.body.len - 1;
    while (last > r.body.ptr && last[-1] != '\n')
        last--;
    CHECK(strncmp(last, "{\"error\":\"", 10) == 0);
    http_reply_free(&r);

    snprintf(u, sizeof(u), "%s/api/tags", base);
    http_req(u, NULL, NULL, &r, 0);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "models.0.name"), "mock-strong");
    cJSON_Delete(j);
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    struct mock_proc m;
    char *extra[] = { "--no-corpus", NULL };   /* real latencies: durations are non-zero */
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(base, sizeof(base), "%s", m.base_url);
    test_stream();
    test_errors();
    CHECK_INT_EQ(mock_stop_status(&m), 0);
    curl_global_cleanup();
    return check_done();
}
