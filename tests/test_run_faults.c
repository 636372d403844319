/* test_run_faults.c -- every fault kind of the mock, forced per backend
 * (x-mock-fault header) with one attempt: the record's status, HTTP
 * status, retryable flag and error text are the ones the fault means, in
 * each protocol family. Then transient faults at a high rate with retries
 * on: every request ends ok, some after several attempts, each attempt
 * kept in the record. planned == written, always. */
#include "run_support.h"

struct expect {
    const char *fault;
    const char *proto;
    const char *status;
    long http;
    const char *error;        /* prefix of the record's error */
};

static const struct expect cases[] = {
    { "http_429", "oai", "http_error", 429, "HTTP 429: Rate limit reached" },
    { "http_429", "ant", "http_error", 429, "HTTP 429: This request would exceed the rate limit" },
    { "http_429", "oll", "http_error", 429, "HTTP 429: too many requests" },
    { "http_429", "tgi", "http_error", 200, "in-stream error overloaded: Model is overloaded" },
    { "http_500", "oai", "http_error", 500, "HTTP 500: The server had an error" },
    { "http_500", "ant", "http_error", 500, "HTTP 500: Internal server error" },
    { "http_500", "oll", "http_error", 500, "HTTP 500: an error was encountered" },
    { "http_503", "oai", "http_error", 503, "HTTP 503: " },
    { "http_503", "ant", "http_error", 529, "HTTP 529: Overloaded" },
    { "http_503", "oll", "http_error", 503, "HTTP 503: server busy" },
    { "drop", "oai", "transport_error", 200, "transfer closed with outstanding read data" },
    { "drop", "ant", "transport_error", 200, "transfer closed with outstanding read data" },
    { "drop", "oll", "transport_error", 200, "transfer closed with outstanding read data" },
    { "drop", "tgi", "transport_error", 200, "transfer closed with outstanding read data" },
    { "malformed", "oai", "parse_error", 200, "stream event is not valid JSON" },
    { "malformed", "ant", "parse_error", 200, "stream event is not valid JSON" },
    { "malformed", "oll", "parse_error", 200, "stream line is not valid JSON" },
    { "malformed", "tgi", "parse_error", 200, "stream event is not valid JSON" },
    { "stall", "oai", "timeout", 200, "stream stalled: no data for 300 ms" },
    { "stall", "ant", "timeout", 200, "stream stalled: no data for 300 ms" },
    { "stall", "oll", "timeout", 200, "stream stalled: no data for 300 ms" },
    { "stall", "tgi", "timeout", 200, "stream stalled: no data for 300 ms" },
    { "stream_error", "oai", "http_error", 200, "in-stream error server_error: " },
    { "stream_error", "ant", "http_error", 200, "in-stream error overloaded_error: Overloaded" },
    { "stream_error", "oll", "http_error", 200, "in-stream error: an error was encountered" },
    { "stream_error", "tgi", "http_error", 200, "in-stream error generation: " },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))
#define NITEMS 4

static void protocol(const char *proto, const char **type, const char **base)
{
    if (!strcmp(proto, "oai")) {
        *type = "openai-compatible";
        *base = "${MOCK_URL}/v1";
    } else if (!strcmp(proto, "ant")) {
        *type = "anthropic";
        *base = "${MOCK_URL}";
    } else if (!strcmp(proto, "oll")) {
        *type = "ollama";
        *base = "${MOCK_URL}";
    } else {
        *type = "hf-tgi";
        *base = "${MOCK_URL}/tgi/mock-fast";
    }
}

static void forced(const char *dir, const char *suite)
{
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        exit(1);
    struct buf cfg = BUF_INIT;
    buf_init(&cfg, 0);
    buf_adds(&cfg, "{\"backends\": [\n");
    for (size_t i = 0; i < NCASES; i++) {
        const char *type, *base;
        protocol(cases[i].proto, &type, &base);
        buf_addf(&cfg, "%s{\"name\": \"%s-%s\", \"type\": \"%s\", \"model\": \"mock-fast\", "
                       "\"base_url\": \"%s\", \"api_key_env\": \"MOCK_KEY\", "
                       "\"headers\": {\"x-mock-fault\": \"%s\"}, "
                       "\"timeouts\": {\"idle_ms\": 300, \"first_token_ms\": 5000}}\n",
                 i ? "," : "", cases[i].fault, cases[i].proto, type, base, cases[i].fault);
    }
    buf_addf(&cfg, "], \"run\": {\"suites\": [\"%s\"], \"concurrency\": 64, "
                   "\"retries\": {\"max_attempts\": 1}}}\n", suite);
    char *cpath = rs_write(dir, "forced.json", cfg.ptr);
    char out[4096];
    snprintf(out, sizeof(out), "%s/forced", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 1, "every request failed: exit 1, got %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    mock_stop(&m);
    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, NCASES * NITEMS);
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        const char *b = rs_str(r, "backend");
        const struct expect *e = NULL;
        for (size_t k = 0; k < NCASES; k++) {
            char name[64];
            snprintf(name, sizeof(name), "%s-%s", cases[k].fault, cases[k].proto);
            if (!strcmp(name, b))
                e = &cases[k];
        }
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK_MSG(!strcmp(rs_str(r, "status"), e->status), "%s: status %s", b, rs_str(r, "status"));
        CHECK_MSG(rs_num(r, "http_status") == e->http, "%s: http %g", b, rs_num(r, "http_status"));
        CHECK_MSG(cJSON_IsTrue(rs_obj(r, "retryable")), "%s: not retryable", b);
        const char *err = rs_str(r, "error");
        CHECK_MSG(err && !strncmp(err, e->error, strlen(e->error)), "%s: error \"%s\"", b,
                  err ? err : "");
        const cJSON *att = rs_obj(r, "attempts");
        CHECK_INT_EQ(cJSON_GetArraySize(att), 1);
        CHECK_STR_EQ(rs_str(cJSON_GetArrayItem(att, 0), "status"), e->status);
        CHECK(cJSON_IsNull(rs_obj(r, "scores")));
        if (!strcmp(e->fault, "http_429") && strcmp(e->proto, "tgi"))
            CHECK_MSG(rs_num(cJSON_GetArrayItem(att, 0), "retry_after_ms") == 1000,
                      "%s: Retry-After not kept", b);
    }
    rs_lines_free(&recs);
    buf_release(&cfg);
    free(cpath);
    free(log);
}

static const char *profile =
    "{\"models\": [{\"name\": \"mock-shaky\", \"quality\": {\"default\": 0.8},\n"
    "  \"latency\": {\"ttft_ms\": 5, \"itl_ms\": 1},\n"
    "  \"output_tokens\": 20,\n"
    "  \"faults\": {\"http_429\": 0.06, \"http_500\": 0.06, \"http_503\": 0.06, \"drop\": 0.05,\n"
    "             \"malformed\": 0.05, \"stall\": 0.03, \"stream_error\": 0.05,\n"
    "             \"retry_after_s\": 0.02, \"stall_s\": 30}}]}\n";

static void transient(const char *dir, const char *suite)
{
    char *prof = rs_write(dir, "shaky.json", profile);
    char *extra[] = { "--profile", prof, NULL };
    struct mock_proc m;
    char *log;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/transient-mock", dir);
    mkdir(sub, 0755);
    if (rs_mock(&m, sub, &log, extra) < 0)
        exit(1);
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"oai\", \"type\": \"openai-compatible\", \"model\": \"mock-shaky\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\", \"timeouts\": {\"idle_ms\": 300}},\n"
             " {\"name\": \"ant\", \"type\": \"anthropic\", \"model\": \"mock-shaky\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"timeouts\": {\"idle_ms\": 300}},\n"
             " {\"name\": \"oll\", \"type\": \"ollama\", \"model\": \"mock-shaky\", \"base_url\": \"${MOCK_URL}\", \"timeouts\": {\"idle_ms\": 300}},\n"
             " {\"name\": \"tgi\", \"type\": \"hf-tgi\", \"model\": \"mock-shaky\", \"base_url\": \"${MOCK_URL}/tgi/mock-shaky\", \"api_key_env\": \"MOCK_KEY\", \"timeouts\": {\"idle_ms\": 300}}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 16, \"repeats\": 6,\n"
             "         \"retries\": {\"max_attempts\": 12, \"base_ms\": 5, \"cap_ms\": 50}}}\n", suite);
    char *cpath = rs_write(dir, "transient.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/transient", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "exit %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    mock_stop(&m);
    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, 4 * NITEMS * 6);   /* planned == written */
    long attempts = 0, retried = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        CHECK_MSG(!strcmp(rs_str(r, "status"), "ok"), "%s: %s", rs_str(r, "backend"),
                  rs_str(r, "error"));
        const cJSON *att = rs_obj(r, "attempts");
        int n = cJSON_GetArraySize(att);
        attempts += n;
        if (n > 1) {
            retried++;
            /* Earlier attempts failed, the last one is the ok one. */
            CHECK(strcmp(rs_str(cJSON_GetArrayItem(att, 0), "status"), "ok") != 0);
            CHECK_STR_EQ(rs_str(cJSON_GetArrayItem(att, n - 1), "status"), "ok");
            CHECK(rs_num(cJSON_GetArrayItem(att, 1), "start_ms") >=
                  rs_num(cJSON_GetArrayItem(att, 0), "start_ms"));
        }
    }
    CHECK_MSG(retried >= 10, "only %ld requests needed a retry", retried);
    /* Every attempt reached the mock: the log has one line per attempt. */
    struct rs_lines truth = rs_read_jsonl(log);
    CHECK_MSG((long)truth.n == attempts, "mock saw %zu requests, records say %ld", truth.n, attempts);
    rs_lines_free(&truth);
    rs_lines_free(&recs);
    free(cpath);
    free(prof);
    free(log);
}

/* hf-inference: a cold model answers 503 with estimated_time; the run
 * waits that long (not its own backoff) and asks again. */
static void cold_start(const char *dir, const char *suite)
{
    struct mock_proc m;
    char *log;
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/cold-mock", dir);
    mkdir(sub, 0755);
    if (rs_mock(&m, sub, &log, NULL) < 0)
        exit(1);
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [{\"name\": \"pipe\", \"type\": \"hf-inference\", \"task\": \"summarization\",\n"
             "  \"model\": \"mock-specialist\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 1,\n"
             "         \"retries\": {\"max_attempts\": 3, \"base_ms\": 1, \"cap_ms\": 1}}}\n", suite);
    char *cpath = rs_write(dir, "cold.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/cold", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "exit %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    mock_stop(&m);
    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, NITEMS);
    int waited = 0;
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        CHECK_STR_EQ(rs_str(r, "status"), "ok");
        const cJSON *att = rs_obj(r, "attempts");
        if (cJSON_GetArraySize(att) < 2)
            continue;
        const cJSON *a0 = cJSON_GetArrayItem(att, 0), *a1 = cJSON_GetArrayItem(att, 1);
        CHECK_INT_EQ(rs_num(a0, "http_status"), 503);
        CHECK_CONTAINS(rs_str(a0, "error"), "is currently loading");
        double wait = rs_num(a0, "retry_after_ms");
        CHECK_MSG(wait > 100, "estimated_time not honoured: %g ms", wait);
        /* The next attempt came after the server's estimate, not after
         * the 1 ms backoff cap. */
        CHECK(rs_num(a1, "start_ms") >= rs_num(a0, "start_ms") + rs_num(a0, "duration_ms") + wait - 1);
        waited++;
    }
    CHECK_MSG(waited >= 1, "the cold start was never seen");
    rs_lines_free(&recs);
    free(cpath);
    free(log);
}

int main(void)
{
    char *dir = test_tmpdir("run-faults");
    char *suite = rs_data("run/suite.json");
    forced(dir, suite);
    transient(dir, suite);
    cold_start(dir, suite);
    free(suite);
    free(dir);
    return check_done();
}
