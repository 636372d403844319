/* test_mock_hf.c -- the mock's Hugging Face task pipelines against
 * protocols.md §5.2: list-wrapped summary_text / translation_text, model
 * by URL path (ids with '/', /hf-inference/ prefix), 503 "is currently
 * loading" with estimated_time on a cold start, x-wait-for-model: true,
 * {"error":"..."} shapes, and OpenAI chat under a model path. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

static char base[160];
static const char *const auth[] = { "Authorization: Bearer hf_test", NULL };

static void post(const char *path, const char *const *h, const char *body, struct http_reply *r)
{
    char u[256];
    snprintf(u, sizeof(u), "%s%s", base, path);
    http_post(u, h, body, r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char dir_tmpl[] = "hfXXXXXX";
    char *dir = test_tmpdir("hf");
    (void)dir_tmpl;
    char prof[600];
    snprintf(prof, sizeof(prof), "%s/p.json", dir);
    FILE *f = fopen(prof, "w");
    fputs("{\"models\":[{\"name\":\"facebook/bart-large-cnn\",\"pipeline\":\"summarization\","
          "\"latency\":{\"ttft_ms\":5,\"itl_ms\":1}},"
          "{\"name\":\"cold\",\"cold_start_s\":1.5,\"aliases\":[\"org/cold-model\"],"
          "\"latency\":{\"ttft_ms\":5,\"itl_ms\":1}}]}", f);
    fclose(f);
    struct mock_proc m;
    char *extra[] = { "--no-corpus", "--profile", prof, "--profile", "default", NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(base, sizeof(base), "%s", m.base_url);
    struct http_reply r;

    post("/models/facebook/bart-large-cnn", auth, "{\"inputs\":\"A long article about things.\"}", &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(cJSON_IsArray(j));
    CHECK(jstr(j, "0.summary_text") && *jstr(j, "0.summary_text"));
    cJSON_Delete(j);
    http_reply_free(&r);

    post("/hf-inference/models/mock-fast", auth,
         "{\"inputs\":\"My name is Sarah\",\"parameters\":{\"src_lang\":\"en_XX\",\"tgt_lang\":\"fr_XX\"}}", &r);
    CHECK_INT_EQ(r.status, 200);
    j = cJSON_Parse(r.body.ptr);
    CHECK(jstr(j, "0.translation_text") != NULL);
    cJSON_Delete(j);
    char h[64];
    CHECK(http_header(&r, "x-request-id", h, sizeof(h)) != NULL);
    http_reply_free(&r);

    /* Cold start: 503 with estimated_time, then x-wait-for-model waits. */
    post("/models/org/cold-model", auth, "{\"inputs\":\"Summarise this please.\"}", &r);
    CHECK_INT_EQ(r.status, 503);
    j = cJSON_Parse(r.body.ptr);
    CHECK_CONTAINS(jstr(j, "error"), "is currently loading");
    CHECK(jnum(j, "estimated_time") > 0 && jnum(j, "estimated_time") <= 1.5);
    cJSON_Delete(j);
    http_reply_free(&r);
    const char *const wait[] = { "Authorization: Bearer hf_test", "x-wait-for-model: true", NULL };
    post("/models/org/cold-model", wait, "{\"inputs\":\"Summarise this please.\"}", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK(r.total_ms > 500);   /* it waited for the load */
    CHECK_CONTAINS(r.body.ptr, "summary_text");
    http_reply_free(&r);
    post("/models/org/cold-model", auth, "{\"inputs\":\"Summarise this please.\"}", &r);
    CHECK_INT_EQ(r.status, 200);   /* loaded now */
    http_reply_free(&r);

    post("/models/nobody/none", auth, "{\"inputs\":\"x y\"}", &r);
    CHECK_INT_EQ(r.status, 404);
    CHECK_CONTAINS(r.body.ptr, "{\"error\":");
    http_reply_free(&r);
    post("/models/mock-fast", NULL, "{\"inputs\":\"x y\"}", &r);
    CHECK_INT_EQ(r.status, 401);
    http_reply_free(&r);
    post("/models/mock-fast", auth, "{\"parameters\":{}}", &r);
    CHECK_INT_EQ(r.status, 400);
    http_reply_free(&r);

    post("/models/mock-fast/v1/chat/completions", auth,
         "{\"model\":\"tgi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", &r);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body.ptr, "\"object\":\"chat.completion\"");
    http_reply_free(&r);

    CHECK_INT_EQ(mock_stop_status(&m), 0);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
