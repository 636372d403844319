/* test_run_judge.c -- LLM-as-judge through the run engine: for every ok
 * answer the suite's judge scorer sends one request to the judge backend
 * (a judge_only backend, not itself run), the record keeps the judge's
 * attempts, usage and cost apart from the judged backend's, and the
 * scorer's member of "scores" comes from the judge's reply (a score, or
 * "parsed": false with the reason). A judge naming an unknown backend is
 * an input error before any request. */
#include "run_support.h"

int main(void)
{
    char *dir = test_tmpdir("run-judge");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/judge_suite.json");
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\",\n"
             "  \"pricing\": {\"input_per_mtok\": 1, \"output_per_mtok\": 2}},\n"
             " {\"name\": \"judge\", \"type\": \"anthropic\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\",\n"
             "  \"judge_only\": true, \"pricing\": {\"input_per_mtok\": 100, \"output_per_mtok\": 200}}],\n"
             " \"judge\": {\"backend\": \"judge\", \"max_tokens\": 50},\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 8}}\n", suite);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/out", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    struct rs_lines recs = rs_records(out);
    CHECK_INT_EQ(recs.n, 4);   /* the judge_only backend is not planned */
    for (size_t i = 0; i < recs.n; i++) {
        const cJSON *r = recs.v[i];
        CHECK_STR_EQ(rs_str(r, "backend"), "fast");
        CHECK_STR_EQ(rs_str(r, "status"), "ok");
        const cJSON *j = rs_obj(r, "judge");
        CHECK(cJSON_IsObject(j));
        CHECK_STR_EQ(rs_str(j, "backend"), "judge");
        const cJSON *q = cJSON_GetArrayItem(rs_obj(j, "requests"), 0);
        CHECK_STR_EQ(rs_str(q, "scorer"), "faithful");
        CHECK_STR_EQ(rs_str(q, "status"), "ok");
        CHECK_INT_EQ(cJSON_GetArraySize(rs_obj(q, "attempts")), 1);
        CHECK(rs_num(rs_obj(q, "usage"), "input") > 0);
        /* The judge's cost is its own, at its own prices. */
        double judge_usd = rs_num(rs_obj(q, "cost"), "usd");
        double own_usd = rs_num(rs_obj(r, "cost"), "usd");
        CHECK(judge_usd > 0 && own_usd > 0 && judge_usd > 10 * own_usd);
        CHECK_NEAR(rs_num(j, "usd"), judge_usd, 1e-12);
        const cJSON *f = rs_obj(rs_obj(r, "scores"), "faithful");
        CHECK(cJSON_IsObject(f));
        CHECK(cJSON_IsNumber(rs_obj(f, "score")) || cJSON_IsFalse(rs_obj(f, "parsed")));
        CHECK(cJSON_IsString(rs_obj(f, "reason")) || cJSON_IsNumber(rs_obj(f, "score")));
        CHECK(cJSON_IsObject(rs_obj(rs_obj(r, "scores"), "rouge")));
    }
    /* The mock saw the 4 answers and the 4 judge requests. */
    CHECK_INT_EQ(rs_count_lines(log), 8);
    rs_lines_free(&recs);

    /* A judge backend the config does not have. */
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [{\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\"}],\n"
             " \"run\": {\"suites\": [\"%s\"]}}\n", suite);
    char *cpath2 = rs_write(dir, "config2.json", cfg);
    run_assay(&pr, "run", cpath2, "--out", out, NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "judge_suite.json: scorers[1].options.backend: no backend named \"judge\"");
    proc_result_free(&pr);
    mock_stop(&m);
    free(cpath);
    free(cpath2);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
