/* test_run_http2.c -- HTTP/2 against a real HTTP/2 server. The mock speaks
 * HTTP/1.1 only (libevent's evhttp), while hosted providers answer over
 * HTTP/2 negotiated by ALPN: here nghttpd (Debian: nghttp2-server) serves
 * an OpenAI reply and an OpenAI stream as files over TLS with a
 * certificate made for the test, and `assay run` must negotiate HTTP/2
 * (record's http_version "2"), read both answers exactly, stream with
 * timings, and reuse its connections. Skipped when nghttpd or openssl is
 * absent. */
#include "run_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static const char *find_tool(const char *const *candidates)
{
    for (size_t i = 0; candidates[i]; i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

/* A loopback port nothing listens on now. */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = -1;
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(s, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0)
        close(s);
    return port;
}

static int accepts(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

static char *mkdirs_write(const char *root, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fputs(text, f);
    fclose(f);
    return strdup(path);
}

#define ANSWER "Parks get four percent more; roads stay flat."

int main(void)
{
    static const char *const nghttpd_paths[] = { "/usr/sbin/nghttpd", "/usr/bin/nghttpd", NULL };
    static const char *const openssl_paths[] = { "/usr/bin/openssl", "/usr/local/bin/openssl", NULL };
    const char *nghttpd = find_tool(nghttpd_paths), *openssl = find_tool(openssl_paths);
    if (!nghttpd || !openssl) {
        printf("skipped: %s is not installed (Debian package %s)\n", nghttpd ? "openssl" : "nghttpd",
               nghttpd ? "openssl" : "nghttp2-server");
        return 77;
    }
    char *dir = test_tmpdir("run-http2");
    char key[4200], cert[4200], htdocs[4200], port_s[16];
    snprintf(key, sizeof(key), "%s/key.pem", dir);
    snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
    snprintf(htdocs, sizeof(htdocs), "%s/htdocs", dir);
    mkdir(htdocs, 0755);

    /* A certificate for 127.0.0.1, trusted through the backend's ca_file. */
    char *gen[] = { (char *)openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", NULL };
    struct proc_result pr;
    CHECK(proc_run(gen, NULL, 60, &pr) == 0);
    CHECK_MSG(pr.status == 0, "openssl: %s", pr.err);
    proc_result_free(&pr);

    /* The answers, as files at the paths the adapter posts to. */
    free(mkdirs_write(htdocs, "v1/chat/completions",
                      "{\"id\":\"chatcmpl-h2\",\"object\":\"chat.completion\",\"model\":\"h2-model\","
                      "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" ANSWER "\"},"
                      "\"finish_reason\":\"stop\"}],"
                      "\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":9,\"total_tokens\":40}}"));
    free(mkdirs_write(htdocs, "s/v1/chat/completions",
                      "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                      "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Parks get four percent more;\"},\"finish_reason\":null}]}\n\n"
                      "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" roads stay flat.\"},\"finish_reason\":\"stop\"}]}\n\n"
                      "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":9,\"total_tokens\":40}}\n\n"
                      "data: [DONE]\n\n"));

    int port = free_port();
    CHECK(port > 0);
    snprintf(port_s, sizeof(port_s), "%d", port);
    char *srv[] = { (char *)nghttpd, "--address=127.0.0.1", "-d", htdocs, port_s, key, cert, NULL };
    pid_t pid = rs_spawn_argv(dir, srv);
    int up = 0;
    for (int i = 0; i < 250 && !up; i++) {
        up = accepts(port);
        if (!up)
            usleep(20000);
    }
    CHECK_MSG(up, "nghttpd did not listen on %d", port);

    char *suite = rs_data("run/suite.json");
    char cfg[16384];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"h2\", \"type\": \"openai-compatible\", \"model\": \"h2-model\", \"base_url\": \"https://127.0.0.1:%d/v1\",\n"
             "  \"api_key_env\": \"MOCK_KEY\", \"stream\": false, \"tls\": {\"ca_file\": \"%s\"}},\n"
             " {\"name\": \"h2-stream\", \"type\": \"openai-compatible\", \"model\": \"h2-model\", \"base_url\": \"https://127.0.0.1:%d/s/v1\",\n"
             "  \"api_key_env\": \"MOCK_KEY\", \"stream\": true, \"tls\": {\"ca_file\": \"%s\"}}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 8, \"repeats\": 5}}\n",
             port, cert, port, cert, suite);
    setenv("MOCK_KEY", "sk-test-key-never-recorded", 1);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4300];
    snprintf(out, sizeof(out), "%s/out", dir);
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    kill(pid, SIGTERM);
    rs_wait(pid);

    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, 40);   /* 4 items x 5 repeats x 2 backends */
    int handshakes = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        const char *b = rs_str(r, "backend");
        CHECK_MSG(!strcmp(rs_str(r, "status"), "ok"), "%s: %s", b, rs_str(r, "error"));
        CHECK_STR_EQ(rs_str(r, "http_version"), "2");
        CHECK_STR_EQ(rs_str(r, "output"), ANSWER);
        CHECK_STR_EQ(rs_str(r, "finish_reason"), "stop");
        const cJSON *u = rs_obj(r, "usage");
        CHECK_INT_EQ((long)rs_num(u, "input"), 31);
        CHECK_INT_EQ((long)rs_num(u, "output"), 9);
        CHECK_STR_EQ(rs_str(u, "source"), "reported");
        const cJSON *t = rs_obj(r, "timing");
        if (!strcmp(b, "h2-stream")) {
            CHECK(rs_num(t, "ttft_ms") > 0);
            CHECK(rs_num(t, "ttft_ms") <= rs_num(t, "e2e_ms"));
            CHECK_INT_EQ((long)rs_num(rs_obj(t, "itl_ms"), "count"), 1);   /* two text chunks */
        } else {
            CHECK(rs_obj(t, "ttft_ms") == NULL);
        }
        handshakes += rs_num(t, "tls_ms") > 0;
    }
    /* Connections are reused: at most one TLS handshake per concurrent
     * slot, not one per request. */
    CHECK_MSG(handshakes >= 1 && handshakes <= 8, "%d TLS handshakes for 40 requests", handshakes);
    rs_lines_free(&recs);
    free(cpath);
    free(suite);
    free(dir);
    return check_done();
}
