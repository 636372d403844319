/* test_run_budget.c -- the spending cap (run.max_cost_usd, --max-cost):
 * with four requests in flight, the run stops sending before what its
 * records cost could pass the cap (never after: each request's worst case
 * is held while it runs), exits 1 saying so, keeps every finished record,
 * and `--resume --max-cost` with a higher cap completes the plan without
 * asking any finished request again (the mock's log). With an LLM judge,
 * answers and judges together stay within the cap. Bad cap values are
 * input errors (exit 2) naming the flag or JSON path. */
#include "run_support.h"

#include <math.h>

static double sum_cost(const struct rs_lines *recs)
{
    double usd = 0;
    for (size_t i = 0; i < recs->n; i++)
        usd += rs_num(rs_obj(recs->v[i], "cost"), "usd");
    return usd;
}

int main(void)
{
    char *dir = test_tmpdir("run-budget");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[8192];
    /* $1 per thousand tokens: a request (~40 tokens in, at most 60 out)
     * costs about $0.07 and is held at its worst, about $0.12. */
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [{\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\",\n"
             "  \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\",\n"
             "  \"pricing\": {\"input_per_mtok\": 1000, \"output_per_mtok\": 1000}}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 4, \"repeats\": 10, \"max_cost_usd\": 1.0}}\n",
             suite);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096];
    snprintf(out, sizeof(out), "%s/out", dir);

    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out, "--progress", "off", NULL);
    CHECK_INT_EQ(pr.status, 1);
    CHECK_CONTAINS(pr.err, "spending cap");
    CHECK_CONTAINS(pr.err, "--max-cost");
    proc_result_free(&pr);

    struct rs_lines recs = rs_records(out);
    CHECK_MSG(recs.n >= 4 && recs.n < 40, "%zu records", recs.n);
    double spent = sum_cost(&recs);
    CHECK_MSG(spent <= 1.0, "spent $%.4f past the $1 cap", spent);
    CHECK_MSG(spent > 0.5, "stopped early: $%.4f of $1", spent);
    for (size_t i = 0; i < recs.n; i++)
        CHECK_STR_EQ(rs_str(recs.v[i], "status"), "ok");
    char rjpath[4200];
    snprintf(rjpath, sizeof(rjpath), "%s/run.json", out);
    char *rj = rs_slurp(rjpath);
    cJSON *run = cJSON_Parse(rj);
    const cJSON *budget = rs_obj(rs_obj(run, "summary"), "budget");
    CHECK(cJSON_IsTrue(rs_obj(budget, "stopped")));
    CHECK_NEAR(rs_num(budget, "max_cost_usd"), 1.0, 1e-12);
    CHECK_NEAR(rs_num(budget, "spent_usd"), spent, 1e-9);
    CHECK(cJSON_IsFalse(rs_obj(rs_obj(run, "summary"), "interrupted")));
    cJSON_Delete(run);
    free(rj);
    run_assay(&pr, "report", out, "--no-plots", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    CHECK_CONTAINS(pr.out, "spent of a $1.0000 cap (the cap stopped the run");
    proc_result_free(&pr);
    long first = (long)recs.n;
    CHECK_INT_EQ(rs_count_lines(log), first);   /* nothing sent that was not recorded */
    rs_lines_free(&recs);

    /* The same cap again: what the first run held for requests in flight
     * may leave room for one or two more, sent one at a time; the folder
     * still costs at most the cap, and the run says it stopped. */
    run_assay(&pr, "run", "--resume", out, "--progress", "off", NULL);
    CHECK_INT_EQ(pr.status, 1);
    CHECK_CONTAINS(pr.err, "spending cap");
    proc_result_free(&pr);
    recs = rs_records(out);
    CHECK_MSG(sum_cost(&recs) <= 1.0, "spent $%.4f past the $1 cap", sum_cost(&recs));
    CHECK_INT_EQ(rs_count_lines(log), (long)recs.n);
    CHECK_MSG((long)recs.n >= first && (long)recs.n < 40, "%zu records", recs.n);
    rs_lines_free(&recs);

    /* A higher cap completes the plan; finished requests are not asked again. */
    run_assay(&pr, "run", "--resume", out, "--max-cost", "100", "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    recs = rs_records(out);
    CHECK_INT_EQ(recs.n, 40);
    CHECK_INT_EQ(rs_count_lines(log), 40);
    CHECK(sum_cost(&recs) <= 100);
    rs_lines_free(&recs);

    /* Bad caps. */
    run_assay(&pr, "run", cpath, "--max-cost", "nan", "--dry-run", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "--max-cost");
    proc_result_free(&pr);
    run_assay(&pr, "run", cpath, "--max-cost", "-1", "--dry-run", NULL);
    CHECK_INT_EQ(pr.status, 2);
    proc_result_free(&pr);
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [{\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\",\n"
             "  \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"max_cost_usd\": \"ten dollars\"}}\n",
             suite);
    char *bad = rs_write(dir, "bad.json", cfg);
    run_assay(&pr, "run", bad, "--dry-run", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "run.max_cost_usd");
    proc_result_free(&pr);

    /* With an LLM judge: each request holds its judge's worst case too
     * (the judge prompt with the answer at its longest), so answers and
     * judges together stay within the cap. */
    char *jsuite = rs_data("run/judge_suite.json");
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\",\n"
             "  \"pricing\": {\"input_per_mtok\": 100, \"output_per_mtok\": 100}},\n"
             " {\"name\": \"judge\", \"type\": \"anthropic\", \"model\": \"mock-strong\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\",\n"
             "  \"judge_only\": true, \"pricing\": {\"input_per_mtok\": 1000, \"output_per_mtok\": 1000}}],\n"
             " \"judge\": {\"backend\": \"judge\", \"max_tokens\": 50},\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 4, \"repeats\": 10, \"max_cost_usd\": 2.0}}\n",
             jsuite);
    char *jpath = rs_write(dir, "judged.json", cfg);
    char jout[4200];
    snprintf(jout, sizeof(jout), "%s/judged", dir);
    run_assay(&pr, "run", jpath, "--out", jout, "--progress", "off", NULL);
    CHECK_INT_EQ(pr.status, 1);
    CHECK_CONTAINS(pr.err, "spending cap");
    proc_result_free(&pr);
    recs = rs_records(jout);
    double with_judges = 0;
    for (size_t i = 0; i < recs.n; i++) {
        CHECK(cJSON_IsObject(rs_obj(recs.v[i], "judge")));
        with_judges += rs_num(rs_obj(recs.v[i], "cost"), "usd") +
                       rs_num(rs_obj(recs.v[i], "judge"), "usd");
    }
    CHECK_MSG(recs.n >= 4 && recs.n < 40, "%zu judged records", recs.n);
    CHECK_MSG(with_judges <= 2.0, "answers and judges cost $%.4f past the $2 cap", with_judges);
    CHECK_MSG(with_judges > 0.5, "stopped early: $%.4f of $2", with_judges);
    rs_lines_free(&recs);

    mock_stop(&m);
    free(jpath);
    free(jsuite);
    free(bad);
    free(cpath);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
