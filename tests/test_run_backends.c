/* test_run_backends.c -- `assay run` against the mock with every adapter,
 * streaming and not: each request ends ok with text, usage read from the
 * provider's own fields (an estimate flagged as such where the protocol
 * has none), a normalised finish reason, TTFT and inter-token gaps only
 * where the answer streams; the counts agree with the mock's ground-truth
 * log; planned == written; no key anywhere in the run folder. */
#include "run_support.h"

static const char *config =
    "{\"backends\": [\n"
    " {\"name\": \"openai-s\", \"type\": \"openai\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"openai-n\", \"type\": \"openai\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false},\n"
    " {\"name\": \"compat-s\", \"type\": \"openai-compatible\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"compat-n\", \"type\": \"openai-compatible\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false},\n"
    " {\"name\": \"azure-dep\", \"type\": \"azure-openai\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"api_version\": \"2024-10-21\"},\n"
    " {\"name\": \"azure-v1\", \"type\": \"azure-openai\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false},\n"
    " {\"name\": \"router\", \"type\": \"hf-router\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"tgi-s\", \"type\": \"hf-tgi\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/tgi/mock-fast\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"tgi-n\", \"type\": \"hf-tgi\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/tgi/mock-fast\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false},\n"
    " {\"name\": \"tgi-chat\", \"type\": \"hf-tgi\", \"api\": \"chat\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"pipe\", \"type\": \"hf-inference\", \"task\": \"summarization\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"claude-s\", \"type\": \"anthropic\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"},\n"
    " {\"name\": \"claude-n\", \"type\": \"anthropic\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false},\n"
    " {\"name\": \"ollama-s\", \"type\": \"ollama\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\"},\n"
    " {\"name\": \"ollama-n\", \"type\": \"ollama\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"stream\": false},\n"
    " {\"name\": \"reasoner\", \"type\": \"openai-compatible\", \"model\": \"mock-reasoner\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"}\n"
    "],\n"
    " \"run\": {\"suites\": [\"SUITE\"], \"concurrency\": 16}}\n";

#define NBACKENDS 16
#define NITEMS 4

static int is_stream(const char *b)
{
    return !strstr(b, "-n") && strcmp(b, "pipe") != 0 && strcmp(b, "azure-v1") != 0;
}

int main(void)
{
    char *dir = test_tmpdir("run-backends");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[8192];
    const char *at = strstr(config, "SUITE");
    snprintf(cfg, sizeof(cfg), "%.*s%s%s", (int)(at - config), config, suite, at + 5);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "exit %d: %s", pr.status, pr.err);
    CHECK_CONTAINS(pr.out, "results: ");
    proc_result_free(&pr);
    mock_stop(&m);

    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, NBACKENDS * NITEMS);   /* planned == written */
    struct rs_lines truth = rs_read_jsonl(log);
    CHECK_INT_EQ(truth.n, NBACKENDS * NITEMS);  /* one request each: nothing retried */
    int joined = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        CHECK(r != NULL);
        if (!r)
            continue;
        const char *b = rs_str(r, "backend");
        CHECK_MSG(strcmp(rs_str(r, "status"), "ok") == 0, "%s: %s: %s", b, rs_str(r, "status"),
                  rs_str(r, "error") ? rs_str(r, "error") : "");
        CHECK_INT_EQ(rs_num(r, "http_status"), 200);
        CHECK_MSG(rs_str(r, "output") && strlen(rs_str(r, "output")) > 0, "%s: empty output", b);
        const cJSON *u = rs_obj(r, "usage");
        CHECK_MSG(cJSON_IsObject(u), "%s: no usage", b);
        const char *src = rs_str(u, "source");
        if (strcmp(b, "pipe") == 0)
            CHECK_STR_EQ(src, "estimated");   /* task pipelines report no usage */
        else
            CHECK_MSG(src && strcmp(src, "reported") == 0, "%s: usage %s", b, src);
        CHECK_MSG(rs_num(u, "output") > 0 && rs_num(u, "input") > 0, "%s: token counts", b);
        const char *fin = rs_str(r, "finish_reason");
        if (strcmp(b, "pipe") != 0)
            CHECK_MSG(fin && (!strcmp(fin, "stop") || !strcmp(fin, "length") ||
                              !strcmp(fin, "stop_sequence")), "%s: finish %s", b, fin ? fin : "null");
        const cJSON *t = rs_obj(r, "timing");
        CHECK(cJSON_IsObject(t));
        CHECK(rs_num(t, "e2e_ms") > 0);
        if (is_stream(b)) {
            CHECK_MSG(rs_num(t, "ttft_ms") > 0, "%s: no ttft_ms", b);
            CHECK_MSG(rs_num(t, "ttft_ms") <= rs_num(t, "e2e_ms"), "%s: ttft > e2e", b);
            CHECK_MSG(cJSON_IsObject(rs_obj(t, "itl_ms")), "%s: no itl_ms", b);
        } else {
            CHECK_MSG(rs_obj(t, "ttft_ms") == NULL, "%s: ttft_ms on a non-streamed answer", b);
        }
        if (strcmp(b, "reasoner") == 0) {
            CHECK_MSG(rs_num(t, "ttft_any_ms") < rs_num(t, "ttft_ms"),
                      "reasoning must stop only the any-token clock");
            CHECK(rs_num(u, "reasoning") > 0);
        }
        CHECK(cJSON_IsObject(rs_obj(rs_obj(r, "scores"), "rouge")));
        CHECK_INT_EQ(cJSON_GetArraySize(rs_obj(r, "attempts")), 1);
        /* Reported counts are the provider's own (the mock's log). */
        const char *rid = rs_str(r, "request_id");
        for (size_t k = 0; rid && k < truth.n; k++) {
            const char *tid = rs_str(truth.v[k], "request_id");
            if (tid && strcmp(tid, rid) == 0) {
                joined++;
                if (strcmp(src, "reported") == 0)
                    CHECK_MSG(rs_num(u, "output") == rs_num(truth.v[k], "out_tokens"),
                              "%s: output %g, mock sent %g", b, rs_num(u, "output"),
                              rs_num(truth.v[k], "out_tokens"));
            }
        }
    }
    CHECK_MSG(joined >= 10 * NITEMS, "only %d records matched the mock's log by request id", joined);

    /* No key in the run folder; the env var name is there. */
    char path[8192];
    snprintf(path, sizeof(path), "%.4000s/run.json", out);
    char *runjson = rs_slurp(path);
    snprintf(path, sizeof(path), "%.4000s/results.jsonl", out);
    char *results = rs_slurp(path);
    CHECK(runjson && !strstr(runjson, "sk-test-key-never-recorded"));
    CHECK(results && !strstr(results, "sk-test-key-never-recorded"));
    CHECK_CONTAINS(runjson, "\"api_key_env\":\t\"MOCK_KEY\"");
    CHECK_CONTAINS(runjson, "\"client_bottleneck\"");
    free(runjson);
    free(results);
    rs_lines_free(&recs);
    rs_lines_free(&truth);
    free(log);
    free(suite);
    free(cpath);
    free(dir);
    return check_done();
}
