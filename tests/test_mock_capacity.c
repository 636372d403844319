/* test_mock_capacity.c -- capacity and FIFO queueing: with more requests at
 * once than a model's capacity, the later ones wait for a slot (a service
 * time per round), in arrival order; past queue_limit the mock answers
 * 429 at once. Waits are read from the mock's ground-truth log, and only
 * lower bounds are asserted (a timer never fires early), so a loaded
 * machine cannot make this test flaky. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static size_t read_log(const char *path, cJSON **out, size_t max)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    char line[1 << 16];
    while (f && n < max && fgets(line, sizeof(line), f))
        out[n++] = cJSON_Parse(line);
    if (f)
        fclose(f);
    return n;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("capacity");
    char prof[600], log[600];
    snprintf(prof, sizeof(prof), "%s/cap.json", dir);
    snprintf(log, sizeof(log), "%s/truth.jsonl", dir);
    FILE *f = fopen(prof, "w");
    fputs("{\"models\":[{\"name\":\"cap2\",\"capacity\":2,\"latency\":{\"ttft_ms\":250,"
          "\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,\"itl_ms\":0}},"
          "{\"name\":\"cap1\",\"capacity\":1,\"queue_limit\":1,\"latency\":{\"ttft_ms\":300,"
          "\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,\"itl_ms\":0}}]}", f);
    fclose(f);
    struct mock_proc m;
    char *extra[] = { "--no-corpus", "--profile", prof, "--log", log, NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    char u[256];
    snprintf(u, sizeof(u), "%s/v1/chat/completions", m.base_url);
    const char *const hdrs[] = { "Authorization: Bearer k", NULL };

    /* Six at once into capacity 2: three rounds of 250 ms. */
    enum { N = 6 };
    char *urls[N], *bodies[N];
    struct http_reply r[N];
    for (int i = 0; i < N; i++) {
        urls[i] = u;
        bodies[i] = malloc(200);
        snprintf(bodies[i], 200, "{\"model\":\"cap2\",\"max_tokens\":3,\"stream\":%s,\"messages\":"
                 "[{\"role\":\"user\",\"content\":\"request %d\"}]}", i % 2 ? "true" : "false", i);
    }
    http_post_many(N, urls, hdrs, bodies, r, 10000);
    double total[N];
    for (int i = 0; i < N; i++) {
        CHECK_INT_EQ(r[i].status, 200);
        total[i] = r[i].total_ms;
        http_reply_free(&r[i]);
    }
    qsort(total, N, sizeof(double), cmp_double);
    CHECK_MSG(total[2] >= 490 && total[4] >= 740, "rounds: %.0f %.0f %.0f ms", total[0], total[2],
              total[4]);

    /* Capacity 1, queue limit 1: of three at once, one is refused. */
    for (int i = 0; i < 3; i++)
        snprintf(bodies[i], 200, "{\"model\":\"cap1\",\"messages\":[{\"role\":\"user\",\"content\":"
                 "\"q %d\"}],\"max_tokens\":2}", i);
    http_post_many(3, urls, hdrs, bodies, r, 10000);
    int refused = 0, ok = 0;
    for (int i = 0; i < 3; i++) {
        refused += r[i].status == 429;
        ok += r[i].status == 200;
        if (r[i].status == 429) {
            char h[32];
            CHECK(http_header(&r[i], "retry-after", h, sizeof(h)) != NULL);
            CHECK(r[i].total_ms < 250);   /* refused at once, not after waiting */
        }
        http_reply_free(&r[i]);
    }
    CHECK_INT_EQ(refused, 1);
    CHECK_INT_EQ(ok, 2);
    for (int i = 0; i < N; i++)
        free(bodies[i]);
    CHECK_INT_EQ(mock_stop_status(&m), 0);

    /* The log: queue waits of the first batch grow a service time per round. */
    cJSON *lines[64];
    size_t n = read_log(log, lines, 64);
    CHECK_INT_EQ(n, N + 3);
    double q[N];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(jstr(lines[i], "model"), "cap2") == 0 && k < N) {
            q[k++] = jnum(lines[i], "queue_ms");
            CHECK_NEAR(jnum(lines[i], "planned_ttft_ms"), 250, 1e-6);
            CHECK_NEAR(jnum(lines[i], "intended_ttft_ms"),
                       jnum(lines[i], "queue_ms") + 250, 1e-3);
        }
    }
    CHECK_INT_EQ(k, N);
    qsort(q, N, sizeof(double), cmp_double);
    CHECK_MSG(q[2] >= 245 && q[3] >= 245 && q[4] >= 495 && q[5] >= 495,
              "queue waits %.0f %.0f %.0f %.0f %.0f %.0f", q[0], q[1], q[2], q[3], q[4], q[5]);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(lines[i]);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
