/* test_run_tls.c -- TLS against the mock's HTTPS (--tls): certificates are
 * verified by default, so a self-signed server is refused (a final
 * transport_error, not retried); trusting its certificate with tls.ca_file
 * works, as does tls.insecure; the TLS handshake shows in the phase
 * timings of a new connection. */
#include "run_support.h"

int main(void)
{
    char *dir = test_tmpdir("run-tls");
    char cert[4096];
    snprintf(cert, sizeof(cert), "%s/mock-ca.pem", dir);
    char *extra[] = { "--tls", "--cert-out", cert, NULL };
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, extra) < 0)
        return 1;
    CHECK(strncmp(m.base_url, "https://", 8) == 0);
    char *suite = rs_data("run/suite.json");
    char cfg[8192];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"verified\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
             " {\"name\": \"trusted\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\", \"tls\": {\"ca_file\": \"%s\"}},\n"
             " {\"name\": \"insecure\", \"type\": \"anthropic\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"tls\": {\"insecure\": true}}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 4, \"retries\": {\"max_attempts\": 3}}}\n",
             cert, suite);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    mock_stop(&m);
    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, 12);
    int tls_seen = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        const char *b = rs_str(r, "backend");
        if (!strcmp(b, "verified")) {
            CHECK_STR_EQ(rs_str(r, "status"), "transport_error");
            CHECK(cJSON_IsFalse(rs_obj(r, "retryable")));
            CHECK_INT_EQ(cJSON_GetArraySize(rs_obj(r, "attempts")), 1);   /* final: not retried */
            CHECK_CONTAINS(rs_str(r, "error"), "certificate");
        } else {
            CHECK_MSG(!strcmp(rs_str(r, "status"), "ok"), "%s: %s", b, rs_str(r, "error"));
            CHECK_STR_EQ(rs_str(r, "http_version"), "1.1");   /* the mock offers no h2 */
            tls_seen += rs_num(rs_obj(r, "timing"), "tls_ms") > 0;
        }
    }
    CHECK_MSG(tls_seen >= 2, "no TLS handshake time on new connections");
    CHECK_INT_EQ(rs_count_lines(log), 8);   /* the refused ones never reached HTTP */
    rs_lines_free(&recs);
    free(cpath);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
