/* test_load_faults.c -- failures under load are data, counted right.
 *
 * A mock model answers with every fault kind (429, 500, 503, dropped
 * connection, malformed event, in-band error, stalled stream) at known
 * rates. Load mode does not retry, so each request's record must say what
 * the mock's log says happened to it (joined by request id): an HTTP
 * fault is an http_error with that status, a stall is cut by the idle
 * timeout, a drop or a broken event is a transport or parse error. The
 * step's error and 429 rates are those counts over the requests sent, the
 * error bound decides the step, and nothing is lost: one record per
 * request, every request in the log. This also drives the transport's
 * socket-interface loop (transport_new_epoll) through every failure path. */
#include "load_support.h"
#include "support/proc.h"

#include <stdlib.h>

enum { N = 160 };

static const char *const kinds[8] = { "none", "http_429", "http_500", "http_503", "drop",
                                      "malformed", "stall", "stream_error" };

int main(void)
{
    struct ls_env e;
    if (ls_start(&e, "load-faults",
                 "{\"models\":[{\"name\":\"faulty\",\"output_tokens\":1000,"
                 "\"latency\":{\"ttft_ms\":20,\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,"
                 "\"itl_ms\":5,\"itl_jitter\":0},"
                 "\"faults\":{\"http_429\":0.1,\"http_500\":0.05,\"http_503\":0.05,"
                 "\"drop\":0.05,\"malformed\":0.05,\"stall\":0.05,\"stream_error\":0.05,"
                 "\"retry_after_s\":1,\"stall_s\":30}}]}",
                 "faulty", "faulty", "\"timeouts\":{\"idle_ms\":300}") < 0)
        return 1;
    const char *cfg = e.cfg, *log = e.log;
    char *out = ls_path(&e, "out");
    struct proc_result p;
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "faulty", "--rate", "80", "--requests",
                           "160", "--synthetic", "8:8", "--slo", "errors=60%", "--out", out, "-q",
                           NULL), 0);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    proc_result_free(&p);
    /* the mock's log is written when an exchange ends; a stalled one ends
     * when the client's idle timeout closes it, before the client moves on */
    struct rs_lines g = rs_read_jsonl(log);
    char rp[1300];
    snprintf(rp, sizeof(rp), "%s/results.jsonl", out);
    struct rs_lines l = rs_read_jsonl(rp);
    CHECK_INT_EQ(l.n, N);
    CHECK_INT_EQ(g.n, N);

    long failed = 0, n429 = 0, seen_fault[8] = { 0 }, matched = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *status = ls_str(l.v[i], "status");
        const char *id = ls_str(l.v[i], "request_id");
        CHECK(status != NULL);
        if (!status)
            continue;
        failed += strcmp(status, "ok") != 0;
        n429 += ls_num(l.v[i], "http_status") == 429;
        /* one attempt, never retried */
        CHECK_INT_EQ(cJSON_GetArraySize(ls_at(l.v[i], "attempts")), 1);
        const cJSON *truth = NULL;
        for (size_t k = 0; id && k < g.n && !truth; k++)
            if (ls_str(g.v[k], "request_id") && strcmp(ls_str(g.v[k], "request_id"), id) == 0)
                truth = g.v[k];
        if (!truth) {
            /* a request the mock dropped before its headers has no id */
            CHECK_MSG(strcmp(status, "transport_error") == 0, "no log line for a %s record",
                      status);
            continue;
        }
        matched++;
        const char *fault = ls_str(truth, "fault");
        if (!fault)
            continue;
        const char *want = strcmp(fault, "none") == 0            ? "ok"
                           : strcmp(fault, "http_429") == 0      ? "http_error"
                           : strcmp(fault, "http_500") == 0      ? "http_error"
                           : strcmp(fault, "http_503") == 0      ? "http_error"
                           : strcmp(fault, "stall") == 0         ? "timeout"
                           : strcmp(fault, "drop") == 0          ? "transport_error"
                           : strcmp(fault, "malformed") == 0     ? "parse_error"
                           : strcmp(fault, "stream_error") == 0  ? NULL
                                                                 : "?";
        if (want)
            CHECK_MSG(strcmp(status, want) == 0, "fault %s recorded as %s", fault, status);
        else
            CHECK_MSG(strcmp(status, "ok") != 0, "in-band error recorded as ok");
        if (strncmp(fault, "http_", 5) == 0)
            CHECK_INT_EQ(ls_num(l.v[i], "http_status"), ls_num(truth, "status"));
        for (int k = 0; k < 8; k++)
            if (strcmp(fault, kinds[k]) == 0)
                seen_fault[k]++;
    }
    CHECK_MSG(matched >= N - seen_fault[4], "%ld of %d records matched the log", matched, N);
    for (int k = 0; k < 8; k++)
        CHECK_MSG(seen_fault[k] > 0, "fault %s never drawn: the test proves nothing for it",
                  kinds[k]);

    char rj[1300];
    snprintf(rj, sizeof(rj), "%s/run.json", out);
    cJSON *run = ls_json(rj);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.requests"), N);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.failed"), failed);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.ok"), N - failed);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.http_429"), n429);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.timeouts"), seen_fault[6]);
    CHECK_NEAR(ls_num(run, "load.steps.0.error_rate"), (double)failed / N, 1e-3);
    CHECK_NEAR(ls_num(run, "load.steps.0.rate_429"), (double)n429 / N, 1e-3);
    /* the error bound decides: 60% allowed, about 40% failed */
    CHECK(cJSON_IsTrue(ls_at(run, "load.steps.0.pass")));
    cJSON_Delete(run);

    /* and with the default bound (1%) the same step fails on errors */
    char *out2 = ls_path(&e, "strict");
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "faulty", "--rate", "80", "--requests",
                           "80", "--synthetic", "8:8", "--out", out2, "-q", NULL), 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_CONTAINS(p.out, "FAIL: errors ");
    CHECK_CONTAINS(p.out, "> 1.0%");
    proc_result_free(&p);

    rs_lines_free(&l);
    rs_lines_free(&g);
    free(out);
    free(out2);
    ls_stop(&e);
    return check_done();
}
