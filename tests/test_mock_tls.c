/* test_mock_tls.c -- `assay mock --tls`: HTTPS with a certificate made at
 * start, written with --cert-out; a client that trusts it gets answers, a
 * client that does not is refused at the handshake. With --cert/--key the
 * mock serves the given pair. */
#include "check.h"
#include "mock_http.h"
#include "support/proc.h"

#include <unistd.h>

static CURLcode get(const char *url, const char *ca, struct http_reply *r)
{
    struct curl_slist *list = NULL;
    const char *const hdrs[] = { "Authorization: Bearer k", NULL };
    CURL *h = http_easy(url, hdrs, "{\"model\":\"mock-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"tls\"}]}",
                        r, &list, 10000);
    if (ca)
        curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    http_finish(h, r, curl_easy_perform(h));
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    return r->rc;
}

static void check_server(const char *base, const char *ca)
{
    char u[300];
    snprintf(u, sizeof(u), "%s/v1/chat/completions", base);
    CHECK(strncmp(base, "https://127.0.0.1:", 18) == 0);
    struct http_reply r;
    CHECK_INT_EQ(get(u, ca, &r), CURLE_OK);
    CHECK_INT_EQ(r.status, 200);
    CHECK_CONTAINS(r.body.ptr, "chat.completion");
    http_reply_free(&r);
    CURLcode rc = get(u, NULL, &r);   /* the system store does not know it */
    CHECK_MSG(rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE, "rc %d", rc);
    CHECK_INT_EQ(r.status, 0);
    http_reply_free(&r);
    /* localhost is in the certificate too. */
    char lh[300];
    snprintf(lh, sizeof(lh), "https://localhost:%s/v1/chat/completions", strrchr(base, ':') + 1);
    CHECK_INT_EQ(get(lh, ca, &r), CURLE_OK);
    http_reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    char *dir = test_tmpdir("tls");
    char ca[600];
    snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
    struct mock_proc m;
    char *extra[] = { "--tls", "--cert-out", ca, "--zero-delay", "--no-corpus", NULL };
    if (mock_start(&m, extra) < 0)
        return 1;
    check_server(m.base_url, ca);
    CHECK_INT_EQ(mock_stop_status(&m), 0);

    /* A given pair: made here with the openssl tool when it is installed. */
    if (access("/usr/bin/openssl", X_OK) == 0) {
        char cert[600], key[600], cmd[2000];
        snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
        snprintf(key, sizeof(key), "%s/key.pem", dir);
        snprintf(cmd, sizeof(cmd), "/usr/bin/openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                 "-nodes -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
                 "-keyout %s -out %s 2>/dev/null", key, cert);
        CHECK_INT_EQ(system(cmd), 0);
        char *extra2[] = { "--cert", cert, "--key", key, "--zero-delay", "--no-corpus", NULL };
        CHECK_INT_EQ(mock_start(&m, extra2), 0);
        check_server(m.base_url, cert);
        CHECK_INT_EQ(mock_stop_status(&m), 0);
    }

    struct proc_result pr;
    run_assay(&pr, "mock", "--port", "0", "--cert", ca, "--key", ca, "--no-corpus", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "TLS");
    proc_result_free(&pr);
    free(dir);
    curl_global_cleanup();
    return check_done();
}
