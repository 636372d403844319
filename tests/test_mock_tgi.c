/* test_mock_tgi.c -- the mock's TGI routes against protocols.md §4:
 * /generate (details only when asked, timing and token headers),
 * /generate_stream (no [DONE], generated_text on the last event, errors
 * in-band with 200), validation 422s, plain-text 415/422 from the JSON
 * extractor, /info, /health, the /tgi/{model}/ prefix and compat POST /. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include "harness/util/tokens.h"

static char base[160];
static const char *const auth[] = { "Authorization: Bearer hf_test", NULL };

static void post(const char *path, const char *const *h, const char *body, struct http_reply *r)
{
    char u[256];
    snprintf(u, sizeof(u), "%s%s", base, path);
    http_post(u, h, body, r);
}

static void test_generate(void)
{
    struct http_reply r;
    post("/generate", auth, "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":30}}", &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    const char *text = jstr(j, "generated_text");
    CHECK(text && *text);
    CHECK(jget(j, "details") == NULL);
    char h[64];
    CHECK(http_header(&r, "x-generated-tokens", h, sizeof(h)) &&
          atoi(h) == (int)token_estimate(text, strlen(text)));
    CHECK(http_header(&r, "x-prompt-tokens", h, sizeof(h)) && atoi(h) == (int)token_estimate("What is deep learning?", 22));
    CHECK(http_header(&r, "x-inference-time", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "x-queue-time", h, sizeof(h)) != NULL);
    CHECK(http_header(&r, "x-compute-type", h, sizeof(h)) != NULL);
    cJSON_Delete(j);
    http_reply_free(&r);

    post("/generate", auth, "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":4,"
                            "\"details\":true,\"seed\":42}}", &r);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "details.finish_reason"), "length");
    CHECK(jnum(j, "details.generated_tokens") <= 4);
    CHECK_INT_EQ(jnum(j, "details.seed"), 42);
    CHECK(cJSON_IsArray(jget(j, "details.prefill")));
    CHECK(jnum(j, "details.tokens.0.id") >= 0);
    CHECK(jstr(j, "details.tokens.0.text") != NULL);
    CHECK(cJSON_IsFalse(jget(j, "details.tokens.0.special")));
    cJSON_Delete(j);
    http_reply_free(&r);
}

static void test_stream(void)
{
    struct http_reply r;
    post("/generate_stream", auth, "{\"inputs\":\"Stream me\",\"parameters\":{\"details\":true}}", &r);
    CHECK_INT_EQ(r.status, 200);
    struct sse_list ev;
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(ev.n >= 2);
    struct buf text = BUF_INIT;
    for (size_t i = 0; i < ev.n; i++) {
        CHECK(strcmp(ev.v[i].data, "[DONE]") != 0);
        cJSON *e = sse_json(&ev, i);
        CHECK_INT_EQ(jnum(e, "index"), i + 1);
        buf_adds(&text, jstr(e, "token.text"));
        if (i + 1 < ev.n) {
            CHECK(cJSON_IsNull(jget(e, "generated_text")));
            CHECK(cJSON_IsNull(jget(e, "details")));
        } else {
            CHECK_STR_EQ(jstr(e, "generated_text"), text.ptr);
            CHECK_STR_EQ(jstr(e, "details.finish_reason"), "eos_token");
            CHECK_INT_EQ(jnum(e, "details.generated_tokens"), token_estimate(text.ptr, text.len));
            CHECK_INT_EQ(jnum(e, "details.input_length"), token_estimate("Stream me", 9));
        }
        cJSON_Delete(e);
    }
    buf_release(&text);
    sse_list_free(&ev);
    http_reply_free(&r);

    /* Without details: the last event still has generated_text, details null. */
    post("/generate_stream", auth, "{\"inputs\":\"Stream me\"}", &r);
    sse_split(r.body.ptr, r.body.len, &ev);
    cJSON *e = sse_json(&ev, ev.n - 1);
    CHECK(jstr(e, "generated_text") != NULL);
    CHECK(cJSON_IsNull(jget(e, "details")));
    cJSON_Delete(e);
    sse_list_free(&ev);
    http_reply_free(&r);

    /* Validation errors on the stream route: HTTP 200 and an error event. */
    post("/generate_stream", auth, "{\"inputs\":\"x y\",\"parameters\":{\"temperature\":0}}", &r);
    CHECK_INT_EQ(r.status, 200);
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK_INT_EQ(ev.n, 1);
    e = sse_json(&ev, 0);
    CHECK_STR_EQ(jstr(e, "error_type"), "validation");
    cJSON_Delete(e);
    sse_list_free(&ev);
    http_reply_free(&r);
}

static void test_validation(void)
{
    struct http_reply r;
    post("/generate", auth, "{\"inputs\":\"x y\",\"parameters\":{\"temperature\":0}}", &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_CONTAINS(r.body.ptr, "`temperature` must be strictly positive");
    CHECK_CONTAINS(r.body.ptr, "\"error_type\":\"validation\"");
    http_reply_free(&r);
    post("/generate", auth, "{\"inputs\":\"x y\",\"parameters\":{\"top_p\":1.0}}", &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_CONTAINS(r.body.ptr, "`top_p` must be > 0.0 and < 1.0");
    http_reply_free(&r);
    post("/generate", auth, "{\"inputs\":\"x y\",\"parameters\":{\"stop\":\"\\n\"}}", &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_CONTAINS(r.body.ptr, "Failed to deserialize the JSON body");
    char h[64];
    CHECK(http_header(&r, "content-type", h, sizeof(h)) && strncmp(h, "text/plain", 10) == 0);
    http_reply_free(&r);
    post("/generate", auth, "{\"parameters\":{}}", &r);
    CHECK_INT_EQ(r.status, 422);
    CHECK_CONTAINS(r.body.ptr, "missing field `inputs`");
    http_reply_free(&r);
    const char *const text_ct[] = { "Authorization: Bearer k", "Content-Type: text/plain", NULL };
    post("/generate", text_ct, "{\"inputs\":\"x\"}", &r);
    CHECK_INT_EQ(r.status, 415);
    http_reply_free(&r);
    post("/generate", NULL, "{\"inputs\":\"x\"}", &r);
    CHECK_INT_EQ(r.status, 401);
    CHECK_INT_EQ(r.body.len, 0);
    http_reply_free(&r);
    post("/generate", auth, "{\"inputs\":", &r);
    CHECK_INT_EQ(r.status, 400);
    CHECK_CONTAINS(r.body.ptr, "Failed to parse the request body as JSON");
    http_reply_free(&r);
}

static void test_routes(void)
{
    struct http_reply r;
    char u[256];
    snprintf(u, sizeof(u), "%s/info", base);
    http_req(u, NULL, NULL, &r, 0);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "model_id"), "mock-fast");   /* the profile's default_model */
    CHECK(jnum(j, "max_total_tokens") > 0);
    cJSON_Delete(j);
    http_reply_free(&r);
    snprintf(u, sizeof(u), "%s/tgi/mock-strong/info", base);
    http_req(u, NULL, NULL, &r, 0);
    j = cJSON_Parse(r.body.ptr);
    CHECK_STR_EQ(jstr(j, "model_id"), "mock-strong");
    cJSON_Delete(j);
    http_reply_free(&r);
    snprintf(u, sizeof(u), "%s/health", base);
    http_req(u, NULL, NULL, &r, 0);
    CHECK_INT_EQ(r.status, 200);
    http_reply_free(&r);

    post("/tgi/mock-strong/generate", auth, "{\"inputs\":\"hello strong\"}", &r);
    CHECK_INT_EQ(r.status, 200);
    http_reply_free(&r);
    post("/tgi/nope/generate", auth, "{\"inputs\":\"hello\"}", &r);
    CHECK_INT_EQ(r.status, 404);
    http_reply_free(&r);
    /* compat: POST / with "stream" */
    post("/", auth, "{\"inputs\":\"compat\",\"stream\":true}", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body.ptr, "data: {\"index\":1,");
    http_reply_free(&r);
    post("/", auth, "{\"inputs\":\"compat\"}", &r);
    CHECK_CONTAINS(r.body.ptr, "{\"generated_text\":");
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(base, sizeof(base), "%s", m.base_url);
    test_generate();
    test_stream();
    test_validation();
    test_routes();
    CHECK_INT_EQ(mock_stop_status(&m), 0);
    curl_global_cleanup();
    return check_done();
}
