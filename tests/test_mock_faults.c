/* test_mock_faults.c -- every fault kind of the mock, forced per request
 * (x-mock-fault) and drawn from profile rates: status faults in each
 * protocol's shape with Retry-After, a reset mid-stream, a malformed event,
 * a stall longer than the client's timeout (and the mock still serving
 * others meanwhile), in-band stream errors; the rates hold over many
 * requests; an enforced rate budget answers 429 with the headers counting
 * down. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

static char base[160];

static void url(char *out, size_t n, const char *path)
{
    snprintf(out, n, "%s%s", base, path);
}

static const char *chat(const char *model, int stream)
{
    static char b[400];
    snprintf(b, sizeof(b), "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
             "\"Tell me about faults in distributed systems\"}],\"stream\":%s}", model,
             stream ? "true" : "false");
    return b;
}

static void test_status_faults(void)
{
    char u[256], h[64];
    struct http_reply r;
    const char *kinds[] = { "http_429", "http_500", "http_503" };
    const int openai[] = { 429, 500, 503 }, anthropic[] = { 429, 500, 529 };
    for (int k = 0; k < 3; k++) {
        char fh[64];
        snprintf(fh, sizeof(fh), "x-mock-fault: %s", kinds[k]);
        const char *const oh[] = { "Authorization: Bearer k", fh, NULL };
        url(u, sizeof(u), "/v1/chat/completions");
        http_post(u, oh, chat("mock-fast", k == 1), &r);
        CHECK_INT_EQ(r.status, openai[k]);
        cJSON *j = cJSON_Parse(r.body.ptr);
        CHECK(jstr(j, "error.message") != NULL);
        cJSON_Delete(j);
        CHECK((http_header(&r, "retry-after", h, sizeof(h)) != NULL) == (k != 1));
        if (k == 0)
            CHECK(http_header(&r, "retry-after-ms", h, sizeof(h)) && atoi(h) == 1000);
        http_reply_free(&r);

        const char *const ah[] = { "x-api-key: k", "anthropic-version: 2023-06-01", fh, NULL };
        url(u, sizeof(u), "/v1/messages");
        http_post(u, ah, "{\"model\":\"mock-fast\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
                         "\"content\":\"x\"}]}", &r);
        CHECK_INT_EQ(r.status, anthropic[k]);
        CHECK_CONTAINS(r.body.ptr, "\"type\":\"error\"");
        http_reply_free(&r);

        url(u, sizeof(u), "/generate");
        http_post(u, oh, "{\"inputs\":\"x y z\"}", &r);
        CHECK_INT_EQ(r.status, openai[k]);
        CHECK_CONTAINS(r.body.ptr, "\"error_type\":");
        http_reply_free(&r);
        /* TGI's stream route answers 200 and an error event. */
        url(u, sizeof(u), "/generate_stream");
        http_post(u, oh, "{\"inputs\":\"x y z\"}", &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK(strncmp(r.body.ptr, "data: {\"error\":", 15) == 0);
        http_reply_free(&r);

        const char *const plain[] = { fh, NULL };
        url(u, sizeof(u), "/api/chat");
        http_post(u, plain, "{\"model\":\"mock-fast\",\"messages\":[]}", &r);
        CHECK_INT_EQ(r.status, openai[k]);
        CHECK(strncmp(r.body.ptr, "{\"error\":\"", 10) == 0);
        http_reply_free(&r);

        url(u, sizeof(u), "/models/mock-fast");
        http_post(u, oh, "{\"inputs\":\"x y z\"}", &r);
        CHECK_INT_EQ(r.status, openai[k]);
        http_reply_free(&r);
    }
}

static void test_stream_faults(void)
{
    char u[256];
    struct http_reply r;
    struct sse_list ev;
    url(u, sizeof(u), "/v1/chat/completions");

    /* drop: some events arrive, then the connection is reset. */
    const char *const drop[] = { "Authorization: Bearer k", "x-mock-fault: drop", NULL };
    http_post(u, drop, chat("mock-fast", 1), &r);
    CHECK(r.rc == CURLE_PARTIAL_FILE || r.rc == CURLE_RECV_ERROR);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body.ptr, "\"delta\":{\"content\":");
    CHECK(!strstr(r.body.ptr, "[DONE]"));
    http_reply_free(&r);
    http_post(u, drop, chat("mock-fast", 0), &r);
    CHECK(r.rc == CURLE_GOT_NOTHING || r.rc == CURLE_RECV_ERROR);
    http_reply_free(&r);

    /* malformed: exactly one event is not JSON; the stream still ends. */
    const char *const bad[] = { "Authorization: Bearer k", "x-mock-fault: malformed", NULL };
    http_post(u, bad, chat("mock-fast", 1), &r);
    CHECK_INT_EQ(r.rc, CURLE_OK);
    sse_split(r.body.ptr, r.body.len, &ev);
    int broken = 0;
    for (size_t i = 0; i + 1 < ev.n; i++) {
        cJSON *j = sse_json(&ev, i);
        broken += j == NULL;
        cJSON_Delete(j);
    }
    CHECK_INT_EQ(broken, 1);
    CHECK_STR_EQ(ev.v[ev.n - 1].data, "[DONE]");
    sse_list_free(&ev);
    http_reply_free(&r);
    http_post(u, bad, chat("mock-fast", 0), &r);
    CHECK_INT_EQ(r.status, 200);
    cJSON *j = cJSON_Parse(r.body.ptr);
    CHECK(j == NULL);
    CHECK(strncmp(r.body.ptr, "{\"id\":\"chatcmpl-", 16) == 0);
    http_reply_free(&r);

    /* stream_error: an error data event, no [DONE]. */
    const char *const se[] = { "Authorization: Bearer k", "x-mock-fault: stream_error", NULL };
    http_post(u, se, chat("mock-fast", 1), &r);
    CHECK_INT_EQ(r.status, 200);
    sse_split(r.body.ptr, r.body.len, &ev);
    CHECK(ev.n >= 2);
    j = sse_json(&ev, ev.n - 1);
    CHECK_STR_EQ(jstr(j, "error.type"), "server_error");
    cJSON_Delete(j);
    sse_list_free(&ev);
    http_reply_free(&r);
    url(u, sizeof(u), "/generate_stream");
    http_post(u, se, "{\"inputs\":\"some input text here\"}", &r);
    sse_split(r.body.ptr, r.body.len, &ev);
    j = sse_json(&ev, ev.n - 1);
    CHECK_STR_EQ(jstr(j, "error_type"), "generation");
    cJSON_Delete(j);
    sse_list_free(&ev);
    http_reply_free(&r);

    /* stall: headers and a first event, then silence past the timeout,
     * while the mock keeps answering other clients. */
    url(u, sizeof(u), "/v1/chat/completions");
    const char *const stall[] = { "Authorization: Bearer k", "x-mock-fault: stall", NULL };
    char *urls[2] = { u, u };
    char *bodies[2];
    bodies[0] = strdup(chat("mock-fast", 1));
    bodies[1] = strdup(chat("mock-fast", 0));
    struct http_reply rs[2];
    http_post_many(2, urls, stall, bodies, rs, 800);
    CHECK_INT_EQ(rs[0].status, 200);   /* the stream had begun */
    CHECK_CONTAINS(rs[0].body.ptr, "\"role\":\"assistant\"");
    CHECK_INT_EQ(rs[1].body.len, 0);
    for (int i = 0; i < 2; i++) {
        CHECK_INT_EQ(rs[i].rc, CURLE_OPERATION_TIMEDOUT);
        http_reply_free(&rs[i]);
    }
    free(bodies[0]);
    free(bodies[1]);
    const char *const ok[] = { "Authorization: Bearer k", NULL };
    http_post(u, ok, chat("mock-fast", 0), &r);
    CHECK_INT_EQ(r.status, 200);
    http_reply_free(&r);
}

/* Profile rates: a model per fault kind at rate 1, and one at 0.3. */
static void test_rates(void)
{
    char u[256];
    struct http_reply r;
    url(u, sizeof(u), "/v1/chat/completions");
    const char *const ok[] = { "Authorization: Bearer k", NULL };
    http_post(u, ok, chat("always-http_429", 0), &r);
    CHECK_INT_EQ(r.status, 429);
    http_reply_free(&r);
    http_post(u, ok, chat("always-http_500", 0), &r);
    CHECK_INT_EQ(r.status, 500);
    http_reply_free(&r);
    http_post(u, ok, chat("always-http_503", 0), &r);
    CHECK_INT_EQ(r.status, 503);
    http_reply_free(&r);
    http_post(u, ok, chat("always-drop", 1), &r);
    CHECK(r.rc != CURLE_OK);
    http_reply_free(&r);
    http_post(u, ok, chat("always-malformed", 1), &r);
    CHECK_INT_EQ(r.rc, CURLE_OK);
    CHECK_CONTAINS(r.body.ptr, "[DONE]");
    http_reply_free(&r);
    http_post(u, ok, chat("always-stream_error", 1), &r);
    CHECK_CONTAINS(r.body.ptr, "\"server_error\"");
    http_reply_free(&r);
    /* stall_s 0.3: the stall ends by dropping the connection. */
    http_post(u, ok, chat("always-stall", 1), &r);
    CHECK(r.rc == CURLE_PARTIAL_FILE || r.rc == CURLE_RECV_ERROR);
    CHECK(r.total_ms >= 250);
    http_reply_free(&r);

    int fails = 0, n = 200;
    for (int i = 0; i < n; i++) {
        http_post(u, ok, chat("sometimes-500", 0), &r);
        fails += r.status == 500;
        CHECK(r.status == 200 || r.status == 500);
        http_reply_free(&r);
    }
    CHECK_MSG(fails > 35 && fails < 85, "%d of %d failed at rate 0.3", fails, n);
}

static void test_budget(void)
{
    char u[256], h[64];
    struct http_reply r;
    url(u, sizeof(u), "/v1/chat/completions");
    const char *const ok[] = { "Authorization: Bearer k", NULL };
    for (int i = 0; i < 3; i++) {
        http_post(u, ok, chat("budget", 0), &r);
        CHECK_INT_EQ(r.status, 200);
        CHECK(http_header(&r, "x-ratelimit-remaining-requests", h, sizeof(h)) && atoi(h) == 2 - i);
        CHECK(http_header(&r, "x-ratelimit-limit-requests", h, sizeof(h)) && atoi(h) == 3);
        http_reply_free(&r);
    }
    http_post(u, ok, chat("budget", 0), &r);
    CHECK_INT_EQ(r.status, 429);
    CHECK(http_header(&r, "retry-after", h, sizeof(h)) && atoi(h) > 1 && atoi(h) <= 60);
    CHECK(http_header(&r, "x-ratelimit-remaining-requests", h, sizeof(h)) && atoi(h) == 0);
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("faults");
    char prof[600];
    snprintf(prof, sizeof(prof), "%s/faults.json", dir);
    FILE *f = fopen(prof, "w");
    fputs("{\"models\":[", f);
    const char *kinds[] = { "http_429", "http_500", "http_503", "drop", "malformed", "stall",
                            "stream_error" };
    for (int k = 0; k < 7; k++)
        fprintf(f, "{\"name\":\"always-%s\",\"latency\":{\"ttft_ms\":5,\"itl_ms\":1},"
                   "\"faults\":{\"%s\":1,\"stall_s\":0.3}},", kinds[k], kinds[k]);
    fputs("{\"name\":\"sometimes-500\",\"faults\":{\"http_500\":0.3}},"
          "{\"name\":\"budget\",\"rate_limits\":{\"requests_per_minute\":3,\"enforce\":true}}]}", f);
    fclose(f);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", "--profile", "default", "--profile", prof, NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(base, sizeof(base), "%s", m.base_url);
    test_status_faults();
    test_stream_faults();
    test_rates();
    test_budget();
    CHECK_INT_EQ(mock_stop_status(&m), 0);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
