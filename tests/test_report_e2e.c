/* test_report_e2e.c -- end to end: `assay mock` (default profile) on
 * loopback, `assay run` of twelve bundled extraction items against
 * mock-strong (high quality, expensive) and mock-fast (weaker, cheap),
 * then `assay report`. The report's claims must follow from the
 * profile's known character: strong is significantly better on the same
 * items; with a quality floor strong is recommended, without one the
 * cheaper fast is. The latency breakdown must match the transport: no
 * more new connections than the concurrency, HTTP/1.1 as the mock speaks. The mock learns the items from a corpus file written
 * from the same dataset lines, and runs without simulated delays (the
 * claims checked here are about quality and cost). */
#include "check.h"
#include "report_fixture.h"
#include "support/proc.h"

#include "harness/util/jsonv.h"

#define ITEMS 12
#define CONCURRENCY 16

/* Writes suites/extraction.json (the bundled suite on a 12-item subset)
 * and the mock's corpus for those items. */
static void write_suite(const char *dir)
{
    char *src = xasprintf("%s/datasets/extraction.jsonl", assay_src());
    char *text = fx_slurp(src);
    if (!text)
        CHECK_SKIP("bundled dataset %s not found", src);
    struct buf subset, corpus;
    buf_init(&subset, 0);
    buf_init(&corpus, 0);
    const char *p = text;
    for (int i = 0; i < ITEMS && *p; i++) {
        size_t n = strcspn(p, "\n");
        buf_add(&subset, p, n);
        buf_addc(&subset, '\n');
        cJSON *item = cJSON_ParseWithLength(p, n);
        CHECK(item != NULL);
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "id", cJSON_GetObjectItem(item, "id")->valuestring);
        cJSON_AddStringToObject(c, "family", "extraction");
        cJSON *inputs = cJSON_AddArrayToObject(c, "inputs");
        cJSON_AddItemToArray(inputs, cJSON_Duplicate(cJSON_GetObjectItem(item, "document"), 1));
        cJSON_AddItemToObject(c, "gold", cJSON_Duplicate(cJSON_GetObjectItem(item, "gold"), 1));
        char *line = cJSON_PrintUnformatted(c);
        buf_addf(&corpus, "%s\n", line);
        free(line);
        cJSON_Delete(c);
        cJSON_Delete(item);
        p += n + (p[n] == '\n');
    }
    fx_write(dir, "items.jsonl", subset.ptr, subset.len);
    fx_write(dir, "corpus.jsonl", corpus.ptr, corpus.len);
    buf_release(&subset);
    buf_release(&corpus);
    free(text);
    free(src);

    struct diag d;
    diag_init(&d);
    char *suite_src = xasprintf("%s/suites/extraction.json", assay_src());
    cJSON *suite = json_load_file(suite_src, &d);
    CHECK_MSG(suite != NULL, "%s", d.msg);
    char *items = xasprintf("%s/items.jsonl", dir);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(suite, "dataset"), "path", cJSON_CreateString(items));
    char *s = cJSON_Print(suite);
    fx_write(dir, "extraction.json", s, strlen(s));
    free(s);
    free(items);
    cJSON_Delete(suite);
    free(suite_src);
}

static cJSON *report_json(const char *run, const char *out, const char *floor)
{
    struct proc_result pr;
    char *args[12];
    int n = 0;
    args[n++] = "report";
    args[n++] = (char *)run;
    args[n++] = "--format";
    args[n++] = "json";
    args[n++] = "--out";
    args[n++] = (char *)out;
    if (floor) {
        args[n++] = "--min-quality";
        args[n++] = (char *)floor;
    }
    args[n] = NULL;
    CHECK_INT_EQ(run_assayv(&pr, args), 0);
    CHECK_MSG(pr.status == 0, "report exit %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    char *path = xasprintf("%s/report.json", out);
    char *text = fx_slurp(path);
    free(path);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    CHECK(j != NULL);
    return j;
}

static const char *recommended(const cJSON *j)
{
    const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "decision"), "recommended");
    return cJSON_IsString(r) ? r->valuestring : "(none)";
}

int main(void)
{
    char *dir = test_tmpdir("report-e2e");
    write_suite(dir);
    char *corpus = xasprintf("%s/corpus.jsonl", dir);
    /* Latency is not what this test is about: no simulated delays. */
    char *const extra[] = { "--corpus", corpus, "--seed", "1", "--zero-delay", NULL };
    struct mock_proc m;
    if (mock_start(&m, extra) < 0) {
        CHECK_MSG(0, "mock did not start");
        return check_done();
    }
    setenv("ASSAY_E2E_KEY", "mock-key", 1);
    struct buf cfg;
    buf_init(&cfg, 0);
    buf_addf(&cfg, "{\"backends\":["
                   "{\"name\":\"strong\",\"type\":\"openai-compatible\",\"model\":\"mock-strong\","
                   "\"base_url\":\"%s/v1\",\"api_key_env\":\"ASSAY_E2E_KEY\",\"pricing\":"
                   "{\"input_per_mtok\":2.5,\"output_per_mtok\":10,\"as_of\":\"2026-11-01\"}},"
                   "{\"name\":\"fast\",\"type\":\"openai-compatible\",\"model\":\"mock-fast\","
                   "\"base_url\":\"%s/v1\",\"api_key_env\":\"ASSAY_E2E_KEY\",\"pricing\":"
                   "{\"input_per_mtok\":0.15,\"output_per_mtok\":0.6,\"as_of\":\"2026-11-01\"}}],"
                   "\"run\":{\"concurrency\":%d}}\n", m.base_url, m.base_url, CONCURRENCY);
    fx_write(dir, "config.json", cfg.ptr, cfg.len);
    buf_release(&cfg);

    char *config = xasprintf("%s/config.json", dir), *suite = xasprintf("%s/extraction.json", dir);
    char *run = xasprintf("%s/run", dir);
    struct proc_result pr;
    CHECK_INT_EQ(run_assay(&pr, "run", config, "--suite", suite, "--out", run, "--progress", "off",
                           NULL), 0);
    CHECK_MSG(pr.status == 0, "run exit %d: %s", pr.status, pr.err);
    proc_result_free(&pr);
    mock_stop(&m);

    /* No floor: the cheapest backend wins. */
    char *out = xasprintf("%s/r1", dir);
    cJSON *j = report_json(run, out, NULL);
    CHECK_STR_EQ(recommended(j), "fast");
    /* strong is significantly better on the same items */
    const cJSON *rows = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "tables"),
                                                                "pairwise"), "rows");
    CHECK_INT_EQ(cJSON_GetArraySize(rows), 1);
    const cJSON *row = cJSON_GetArrayItem(rows, 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(row, "verdict")->valuestring, "strong better");
    CHECK_INT_EQ(cJSON_GetObjectItem(row, "n")->valueint, ITEMS);
    CHECK(cJSON_GetObjectItem(row, "diff_ci_low")->valuedouble > 0);
    /* every request answered, costs follow the prices */
    const cJSON *sum = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "tables"),
                                                               "summary"), "rows");
    double cost[2] = { 0, 0 }, quality[2] = { 0, 0 };
    const cJSON *r;
    cJSON_ArrayForEach(r, sum) {
        int k = strcmp(cJSON_GetObjectItem(r, "backend")->valuestring, "strong") == 0;
        CHECK_INT_EQ(cJSON_GetObjectItem(r, "requests")->valueint, ITEMS);
        cost[k] = cJSON_GetObjectItem(r, "cost_per_1k_usd")->valuedouble;
        quality[k] = cJSON_GetObjectItem(r, "quality")->valuedouble;
    }
    CHECK(cost[1] > 5 * cost[0]);
    CHECK(quality[1] > quality[0]);
    /* The latency breakdown from libcurl's phases: the run opens at most
     * one connection per concurrent request (the pool keeps them), the
     * mock speaks plain HTTP/1.1, and every request reached a first byte. */
    const cJSON *ph = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "tables"),
                                                              "latency_phases"), "rows");
    CHECK_INT_EQ(cJSON_GetArraySize(ph), 4);                  /* 2 backends + 2 pooled */
    double opened = 0;
    cJSON_ArrayForEach(r, ph) {
        double n = cJSON_GetObjectItem(r, "n")->valuedouble;
        double fresh = cJSON_GetObjectItem(r, "new_connections")->valuedouble;
        CHECK_NEAR(n, ITEMS, 0);
        CHECK_MSG(fresh <= CONCURRENCY, "%g new connections at concurrency %d", fresh,
                  CONCURRENCY);
        CHECK_STR_EQ(cJSON_GetObjectItem(r, "http_version")->valuestring, "1.1");
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(r, "tls_p50_ms")));
        CHECK(cJSON_GetObjectItem(r, "first_byte_p50_ms")->valuedouble > 0);
        if (fresh > 0)
            CHECK(cJSON_GetObjectItem(r, "connect_p50_ms")->valuedouble > 0);
        if (strcmp(cJSON_GetObjectItem(r, "suite")->valuestring, "(all)") == 0)
            opened += fresh;
    }
    CHECK(opened >= 1 && opened <= CONCURRENCY);
    cJSON_Delete(j);
    free(out);

    /* A floor only strong meets: strong is recommended, fast excluded. */
    out = xasprintf("%s/r2", dir);
    j = report_json(run, out, "extraction=0.85");
    CHECK_STR_EQ(recommended(j), "strong");
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItem(cJSON_GetObjectItem(j, "decision"), "backends"))
        if (strcmp(cJSON_GetObjectItem(b, "name")->valuestring, "fast") == 0)
            CHECK(cJSON_IsFalse(cJSON_GetObjectItem(b, "feasible")));
    cJSON_Delete(j);
    free(out);

    free(run);
    free(suite);
    free(config);
    free(corpus);
    free(dir);
    return check_done();
}
