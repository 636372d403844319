/* test_mock_determinism.c -- same seed and same requests give the same
 * bytes (only "created" and "created_at" timestamps vary), across every
 * protocol, streamed or not, including drawn faults and latencies (the
 * planned TTFTs in the ground-truth log); another seed gives other bytes;
 * x-mock-nonce makes a reply independent of what came before. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

struct call {
    const char *path;
    const char *hdr;      /* extra header or NULL */
    const char *body;
};

static const struct call calls[] = {
    { "/v1/chat/completions", NULL, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Determinism one\"}]}" },
    { "/v1/chat/completions", NULL, "{\"model\":\"mock-reasoner\",\"max_tokens\":40,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Determinism two\"}]}" },
    { "/v1/chat/completions", NULL, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Determinism one\"}]}" },
    { "/v1/messages", "x-api-key: k", "{\"model\":\"mock-strong\",\"max_tokens\":12,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Determinism three\"}]}" },
    { "/generate", NULL, "{\"inputs\":\"Determinism four\",\"parameters\":{\"details\":true,\"max_new_tokens\":12}}" },
    { "/generate_stream", NULL, "{\"inputs\":\"Determinism four\",\"parameters\":{\"max_new_tokens\":12}}" },
    { "/api/chat", NULL, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Determinism five\"}],\"options\":{\"num_predict\":12}}" },
    { "/models/mock-strong", NULL, "{\"inputs\":\"Determinism six, a document to summarise.\",\"parameters\":{\"max_new_tokens\":12}}" },
    { "/openai/deployments/mock-fast/chat/completions?api-version=1", "api-key: k", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Determinism seven\"}]}" },
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))
#define FLAKY 10

/* Blanks the digits of "created":N and the value of "created_at":"...". */
static void mask(struct buf *b)
{
    char *p = b->ptr;
    while ((p = strstr(p, "\"created")) != NULL) {
        p += 8;
        if (strncmp(p, "\":", 2) == 0) {
            for (p += 2; *p >= '0' && *p <= '9'; p++)
                *p = '0';
        } else if (strncmp(p, "_at\":\"", 6) == 0) {
            for (p += 6; *p && *p != '"'; p++)
                *p = 'T';
        }
    }
}

static void run(int seed, int zero, struct buf *out, const char *log)
{
    char s[32];
    snprintf(s, sizeof(s), "%d", seed);
    struct mock_proc m;
    char *extra[] = { "--seed", s, "--no-corpus", "--log", (char *)log,
                      zero ? "--zero-delay" : NULL, NULL };
    if (mock_start(&m, extra) < 0)
        exit(1);
    buf_init(out, 0);
    for (size_t i = 0; i < NCALLS + FLAKY; i++) {
        char u[300];
        const struct call *c = &calls[i < NCALLS ? i : 0];
        const char *hdrs[4] = { "Authorization: Bearer k", "anthropic-version: 2023-06-01", c->hdr, NULL };
        struct http_reply r;
        if (i < NCALLS) {
            snprintf(u, sizeof(u), "%s%s", m.base_url, c->path);
            http_post(u, hdrs, c->body, &r);
        } else {
            /* mock-flaky: its drawn faults must repeat too. */
            snprintf(u, sizeof(u), "%s/v1/chat/completions", m.base_url);
            char body[200];
            snprintf(body, sizeof(body), "{\"model\":\"mock-flaky\",\"max_tokens\":4,\"stream\":true,"
                     "\"messages\":[{\"role\":\"user\",\"content\":\"flaky %zu\"}]}", i % 7);
            http_req(u, hdrs, body, &r, 3000);
        }
        mask(&r.body);
        buf_addf(out, "#%zu %ld %d\n", i, r.status, r.rc == CURLE_OK);
        buf_add(out, r.body.ptr, r.body.len);
        http_reply_free(&r);
    }
    mock_stop(&m);
}

static void planned(const char *log, struct buf *out)
{
    FILE *f = fopen(log, "r");
    char line[1 << 16];
    buf_init(out, 0);
    while (f && fgets(line, sizeof(line), f)) {
        cJSON *j = cJSON_Parse(line);
        buf_addf(out, "%s %.6f %s\n", jstr(j, "model") ? jstr(j, "model") : "-",
                 jnum(j, "planned_ttft_ms"), jstr(j, "fault"));
        cJSON_Delete(j);
    }
    if (f)
        fclose(f);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("determinism");
    char l1[600], l2[600], l3[600];
    snprintf(l1, sizeof(l1), "%s/a.jsonl", dir);
    snprintf(l2, sizeof(l2), "%s/b.jsonl", dir);
    snprintf(l3, sizeof(l3), "%s/c.jsonl", dir);
    struct buf a, b, c;
    run(42, 0, &a, l1);
    run(42, 0, &b, l2);
    run(43, 1, &c, l3);   /* only its bytes matter: zero delay keeps it quick */
    CHECK(a.len > 1000);
    CHECK_MSG(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0, "same seed, different bytes");
    CHECK(a.len != c.len || memcmp(a.ptr, c.ptr, a.len) != 0);
    /* Repeats of one prompt say the same thing but are separate requests. */
    const char *one = strstr(a.ptr, "#0 ");
    const char *three = strstr(a.ptr, "#2 ");
    CHECK(one && three);
    CHECK_CONTAINS(a.ptr, "\"id\":\"chatcmpl-");
    struct buf pa, pb, pc;
    planned(l1, &pa);
    planned(l2, &pb);
    planned(l3, &pc);
    CHECK_INT_EQ(pa.len > 0, 1);
    CHECK_STR_EQ(pa.ptr, pb.ptr);
    /* Some flaky requests fail, the same ones in both runs. */
    CHECK_CONTAINS(a.ptr, "mock-flaky");
    buf_release(&a);
    buf_release(&b);
    buf_release(&c);
    buf_release(&pa);
    buf_release(&pb);
    buf_release(&pc);

    /* x-mock-nonce: the same nonce gives the same reply whatever came before. */
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    char u[300];
    snprintf(u, sizeof(u), "%s/v1/chat/completions", m.base_url);
    const char *const n1[] = { "Authorization: Bearer k", "x-mock-nonce: 7", NULL };
    const char *const plain[] = { "Authorization: Bearer k", NULL };
    const char *body = "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"nonce\"}]}";
    struct http_reply r1, r2, r3, r4;
    http_post(u, n1, body, &r1);
    http_post(u, plain, body, &r3);
    http_post(u, plain, body, &r4);
    http_post(u, n1, body, &r2);
    mask(&r1.body);
    mask(&r2.body);
    mask(&r3.body);
    mask(&r4.body);
    CHECK_STR_EQ(r1.body.ptr, r2.body.ptr);
    CHECK(strcmp(r3.body.ptr, r4.body.ptr) != 0);   /* repeats differ (ids) */
    cJSON *j3 = cJSON_Parse(r3.body.ptr), *j4 = cJSON_Parse(r4.body.ptr);
    CHECK_STR_EQ(jstr(j3, "choices.0.message.content"), jstr(j4, "choices.0.message.content"));
    cJSON_Delete(j3);
    cJSON_Delete(j4);
    http_reply_free(&r1);
    http_reply_free(&r2);
    http_reply_free(&r3);
    http_reply_free(&r4);
    mock_stop(&m);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
