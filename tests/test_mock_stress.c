/* test_mock_stress.c -- the stream stress options a client's parsers are
 * tested with (protocols.md §7.4, §8.4 item 9): CRLF and CR-only line
 * endings, keep-alive comments between events, a BOM, writes split into
 * small pieces -- each carries exactly the bytes of the plain stream --
 * and TGI's keep-alive comment during a long silence. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

static char base[160];

static size_t writes;
static size_t count_cb(char *p, size_t size, size_t n, void *ud)
{
    struct http_reply *r = ud;
    writes++;
    buf_add(&r->body, p, size * n);
    return size * n;
}

static void fetch(const char *path, const char *body, const char *opt, const char *opt2,
                  struct http_reply *r)
{
    char u[300];
    snprintf(u, sizeof(u), "%s%s", base, path);
    const char *hdrs[7] = { "Authorization: Bearer k", "x-api-key: k", "anthropic-version: 2023-06-01",
                            "x-mock-nonce: 5", opt, opt2, NULL };
    struct curl_slist *list = NULL;
    CURL *h = http_easy(u, hdrs, body, r, &list, 20000);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count_cb);
    writes = 0;
    http_finish(h, r, curl_easy_perform(h));
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
}

/* Blanks "created":N so replies a second apart still compare equal. */
static void unstamp(struct buf *b)
{
    for (char *p = b->ptr; (p = strstr(p, "\"created\":")) != NULL;)
        for (p += 10; *p >= '0' && *p <= '9'; p++)
            *p = '0';
}

static void normalise(struct buf *b, int strip_comments)
{
    struct buf o = BUF_INIT;
    for (size_t i = 0; i < b->len; i++) {
        if (b->ptr[i] == '\r') {
            buf_addc(&o, '\n');
            if (i + 1 < b->len && b->ptr[i + 1] == '\n')
                i++;
        } else {
            buf_addc(&o, b->ptr[i]);
        }
    }
    if (strip_comments) {
        const char *c = ": keep-alive\n\n";
        char *p;
        while ((p = strstr(o.ptr, c)) != NULL) {
            memmove(p, p + strlen(c), o.len - (size_t)(p - o.ptr) - strlen(c) + 1);
            o.len -= strlen(c);
        }
    }
    buf_release(b);
    *b = o;
}

static void check_route(const char *path, const char *body)
{
    struct http_reply plain, r;
    fetch(path, body, NULL, NULL, &plain);
    CHECK_INT_EQ(plain.status, 200);
    unstamp(&plain.body);
    CHECK(plain.body.len > 100);

    fetch(path, body, "x-mock-eol: crlf", NULL, &r);
    unstamp(&r.body);
    int bare = 0;
    for (size_t i = 0; i < r.body.len; i++)
        bare |= r.body.ptr[i] == '\n' && (i == 0 || r.body.ptr[i - 1] != '\r');
    CHECK(!bare);
    normalise(&r.body, 0);
    CHECK_STR_EQ(r.body.ptr, plain.body.ptr);
    http_reply_free(&r);

    fetch(path, body, "x-mock-eol: cr", NULL, &r);
    unstamp(&r.body);
    CHECK(memchr(r.body.ptr, '\n', r.body.len) == NULL);
    normalise(&r.body, 0);
    CHECK_STR_EQ(r.body.ptr, plain.body.ptr);
    http_reply_free(&r);

    fetch(path, body, "x-mock-comments: true", "x-mock-bom: true", &r);
    unstamp(&r.body);
    CHECK(r.body.len > 3 && memcmp(r.body.ptr, "\xEF\xBB\xBF", 3) == 0);
    CHECK_CONTAINS(r.body.ptr, ": keep-alive\n\n");
    buf_drop_front(&r.body, 3);
    normalise(&r.body, 1);
    CHECK_STR_EQ(r.body.ptr, plain.body.ptr);
    http_reply_free(&r);

    fetch(path, body, "x-mock-split: 7", NULL, &r);
    unstamp(&r.body);
    CHECK_INT_EQ(r.rc, CURLE_OK);
    CHECK_STR_EQ(r.body.ptr, plain.body.ptr);
    CHECK_MSG(writes > 3, "%zu writes", writes);
    http_reply_free(&r);
    http_reply_free(&plain);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("stress");
    char prof[600];
    snprintf(prof, sizeof(prof), "%s/p.json", dir);
    FILE *f = fopen(prof, "w");
    fputs("{\"models\":[{\"name\":\"staller\",\"latency\":{\"ttft_ms\":1,\"itl_ms\":1},"
          "\"faults\":{\"stall\":1,\"stall_s\":15.6}}]}", f);
    fclose(f);
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--no-corpus", "--profile", "default", "--profile", prof, NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    snprintf(base, sizeof(base), "%s", m.base_url);
    check_route("/v1/chat/completions",
                "{\"model\":\"mock-fast\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                "\"messages\":[{\"role\":\"user\",\"content\":\"stress the parser\"}]}");
    check_route("/v1/messages", "{\"model\":\"mock-reasoner\",\"max_tokens\":60,\"stream\":true,"
                                "\"messages\":[{\"role\":\"user\",\"content\":\"stress the parser\"}]}");
    check_route("/generate_stream", "{\"inputs\":\"stress the parser\",\"parameters\":{\"details\":true}}");

    /* NDJSON keeps its "\n": the SSE-only options do not apply. */
    struct http_reply r;
    fetch("/api/chat", "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"x y\"}]}",
          "x-mock-eol: cr", NULL, &r);
    CHECK(memchr(r.body.ptr, '\r', r.body.len) == NULL);
    http_reply_free(&r);

    /* TGI: a stalled stream gets axum's ":\n\n" keep-alive after 15 s. */
    char u[300];
    snprintf(u, sizeof(u), "%s/tgi/staller/generate_stream", m.base_url);
    const char *const auth[] = { "Authorization: Bearer k", NULL };
    http_req(u, auth, "{\"inputs\":\"stall the stream now please\"}", &r, 30000);
    CHECK(r.rc == CURLE_PARTIAL_FILE || r.rc == CURLE_RECV_ERROR);
    CHECK_CONTAINS(r.body.ptr, "}\n\n:\n\n");
    CHECK(r.total_ms > 15000);
    http_reply_free(&r);

    CHECK_INT_EQ(mock_stop_status(&m), 0);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
