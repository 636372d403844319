/* test_mock_log.c -- the ground-truth log (--log): one JSON line per
 * request with route, model, status, fault, token counts, the intended
 * TTFT and the CLOCK_MONOTONIC time each part was handed to the socket --
 * which a client on the same host can compare with its own clock: every
 * piece is sent before the client receives it. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include "harness/util/clock.h"

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("log");
    char log[600];
    snprintf(log, sizeof(log), "%s/truth.jsonl", dir);
    struct mock_proc m;
    char *extra[] = { "--no-corpus", "--log", log, NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    char u[300];
    snprintf(u, sizeof(u), "%s/v1/chat/completions", m.base_url);
    const char *const hdrs[] = { "Authorization: Bearer k", NULL };
    struct http_reply r;
    mono_ns before = clock_mono_ns();
    http_post(u, hdrs, "{\"model\":\"mock-fast\",\"stream\":true,\"max_tokens\":20,\"messages\":"
                       "[{\"role\":\"user\",\"content\":\"log me\"}]}", &r);
    mono_ns after = clock_mono_ns();
    CHECK_INT_EQ(r.status, 200);
    http_reply_free(&r);
    http_post(u, hdrs, "{\"model\":\"mock-reasoner\",\"max_tokens\":400,\"messages\":"
                       "[{\"role\":\"user\",\"content\":\"log me too\"}]}", &r);
    http_reply_free(&r);
    const char *const f[] = { "Authorization: Bearer k", "x-mock-fault: http_500", NULL };
    http_post(u, f, "{\"model\":\"mock-strong\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", &r);
    http_reply_free(&r);
    mock_stop(&m);

    FILE *fp = fopen(log, "r");
    CHECK(fp != NULL);
    char line[1 << 16];
    cJSON *l[3] = { 0 };
    int n = 0;
    while (fp && n < 3 && fgets(line, sizeof(line), fp))
        l[n++] = cJSON_Parse(line);
    if (fp)
        fclose(fp);
    CHECK_INT_EQ(n, 3);
    /* 1: a stream, 20 tokens at most. */
    CHECK_STR_EQ(jstr(l[0], "protocol"), "openai");
    CHECK_STR_EQ(jstr(l[0], "route"), "/v1/chat/completions");
    CHECK_STR_EQ(jstr(l[0], "model"), "mock-fast");
    CHECK(cJSON_IsTrue(jget(l[0], "stream")));
    CHECK_INT_EQ(jnum(l[0], "status"), 200);
    CHECK_STR_EQ(jstr(l[0], "fault"), "none");
    CHECK(jstr(l[0], "request_id") && strncmp(jstr(l[0], "request_id"), "req_", 4) == 0);
    CHECK(jnum(l[0], "out_tokens") <= 20 && jnum(l[0], "out_tokens") > 0);
    CHECK_STR_EQ(jstr(l[0], "finish"), "length");
    double arrived = jnum(l[0], "mono_ns.arrived"), headers = jnum(l[0], "mono_ns.headers");
    double first = jnum(l[0], "mono_ns.first_token"), end = jnum(l[0], "mono_ns.end");
    CHECK(arrived >= (double)before && end <= (double)after);
    CHECK(arrived <= headers && headers <= first && first <= end);
    CHECK(jnum(l[0], "intended_ttft_ms") > 0);
    /* The first token was sent no earlier than intended. */
    CHECK(jnum(l[0], "ms.first_token") >= jnum(l[0], "intended_ttft_ms") - 0.01);
    CHECK(jnum(l[0], "intended_end_ms") >= jnum(l[0], "intended_ttft_ms"));
    CHECK(jnum(l[0], "ms.end") >= jnum(l[0], "intended_end_ms") - 0.01);
    const cJSON *sent = jget(l[0], "sent_ms");
    CHECK_INT_EQ(cJSON_GetArraySize(sent), jnum(l[0], "pieces"));
    CHECK_INT_EQ(jnum(l[0], "pieces_sent"), jnum(l[0], "pieces"));
    double prev = 0;
    for (const cJSON *s = sent ? sent->child : NULL; s; s = s->next) {
        CHECK(s->valuedouble >= prev);
        prev = s->valuedouble;
    }
    /* 2: reasoning before the answer. */
    CHECK(jnum(l[1], "reasoning_tokens") > 0);
    CHECK(jnum(l[1], "mono_ns.first_answer_token") >= jnum(l[1], "mono_ns.first_token"));
    CHECK(cJSON_IsFalse(jget(l[1], "stream")));
    /* 3: a forced fault. */
    CHECK_INT_EQ(jnum(l[2], "status"), 500);
    CHECK_STR_EQ(jstr(l[2], "fault"), "http_500");
    CHECK(cJSON_IsTrue(jget(l[2], "fault_forced")));
    CHECK_INT_EQ(jnum(l[2], "pieces_sent"), 0);
    for (int i = 0; i < n; i++)
        cJSON_Delete(l[i]);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
