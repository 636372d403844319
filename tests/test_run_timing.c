/* test_run_timing.c -- the clocks against the mock's ground truth, joined
 * by request id. Causality: the client cannot see a token before the mock
 * sent it, so client TTFT >= the mock's first-answer offset from arrival,
 * and the error (client - mock) is small next to the TTFT itself (under
 * half of it plus 100 ms, loose enough for a loaded CI machine; a client
 * that stopped the clock at the first byte, the role chunk or the end of
 * the answer fails one side or the other). Every text piece the mock sent
 * is one text-bearing event (ITL count = pieces - 1); reasoning stops only
 * the any-token clock. No absolute timing bound: that is bench/accuracy.sh. */
#include "run_support.h"

int main(void)
{
    char *dir = test_tmpdir("run-timing");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
             " {\"name\": \"claude\", \"type\": \"anthropic\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"},\n"
             " {\"name\": \"reasoner\", \"type\": \"openai-compatible\", \"model\": \"mock-reasoner\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 12, \"repeats\": 2}}\n", suite);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    mock_stop(&m);
    struct rs_lines recs = rs_records(out), truth = rs_read_jsonl(log);
    CHECK_INT_EQ(recs.n, 24);
    int joined = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        const char *b = rs_str(r, "backend");
        const cJSON *t = rs_obj(r, "timing");
        const cJSON *g = NULL;
        for (size_t k = 0; k < truth.n && !g; k++)
            if (rs_str(truth.v[k], "request_id") && rs_str(r, "request_id") &&
                !strcmp(rs_str(truth.v[k], "request_id"), rs_str(r, "request_id")))
                g = truth.v[k];
        CHECK_MSG(g != NULL, "%s: no ground truth for %s", b, rs_str(r, "request_id"));
        if (!g)
            continue;
        joined++;
        const cJSON *ms = rs_obj(g, "ms");
        double mock_ttft = rs_num(ms, "first_answer_token");
        double mock_any = rs_num(ms, "first_token");
        double ttft = rs_num(t, "ttft_ms"), any = rs_num(t, "ttft_any_ms");
        CHECK_MSG(ttft >= mock_ttft, "%s: client TTFT %.3f ms before the mock sent it (%.3f)", b,
                  ttft, mock_ttft);
        CHECK_MSG(ttft - mock_ttft < 0.5 * mock_ttft + 100,
                  "%s: client TTFT %.3f ms vs sent at %.3f ms", b, ttft, mock_ttft);
        CHECK_MSG(any >= mock_any && any - mock_any < 0.5 * mock_any + 100,
                  "%s: ttft_any %.3f vs %.3f", b, any, mock_any);
        if (!strcmp(b, "reasoner"))
            CHECK_MSG(mock_any < mock_ttft && any < ttft, "reasoner: two clocks");
        else
            CHECK_NEAR(any, ttft, 1e-9);
        /* One event per piece the mock sent. A reasoning model's pieces
         * are partly reasoning (no ITL), and which ones cannot be told from
         * the log's send times when late timers fire together: there the
         * count is only bounded. */
        long pieces = (long)rs_num(g, "pieces_sent");
        double gaps = rs_num(rs_obj(t, "itl_ms"), "count");
        if (!strcmp(b, "reasoner"))
            CHECK_MSG(gaps > 0 && gaps < pieces - 1, "%s: %g gaps for %ld pieces", b, gaps, pieces);
        else
            CHECK_MSG(gaps == pieces - 1, "%s: %g gaps for %ld pieces", b, gaps, pieces);
        double e2e = rs_num(t, "e2e_ms"), mock_end = rs_num(ms, "end");
        CHECK_MSG(e2e >= mock_end - 0.5 && e2e - mock_end < 0.5 * mock_end + 100,
                  "%s: e2e %.3f vs mock end %.3f", b, e2e, mock_end);
        CHECK(rs_num(t, "send_lag_ms") >= 0);
        CHECK(rs_num(t, "start_ms") >= rs_num(t, "intended_start_ms"));
    }
    CHECK_INT_EQ(joined, 24);
    rs_lines_free(&recs);
    rs_lines_free(&truth);
    free(cpath);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
