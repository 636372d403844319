/* test_run_cli.c -- `assay run` and `assay rescore` at the command line:
 * every kind of bad input exits 2 with the message naming the file and
 * JSON path (all problems of a config at once), before any request and
 * without creating the run folder; --help; --dry-run's plan and cost. */
#include "run_support.h"

static void expect_bad(const char *dir, const char *name, const char *config, const char *msg,
                       const char *extra)
{
    char *path = rs_write(dir, name, config);
    char out[4096];
    snprintf(out, sizeof(out), "%s/never-%s", dir, name);
    struct proc_result pr;
    if (extra)
        run_assay(&pr, "run", path, "--out", out, extra, NULL);
    else
        run_assay(&pr, "run", path, "--out", out, NULL);
    CHECK_MSG(pr.status == 2, "%s: exit %d", name, pr.status);
    CHECK_MSG(strstr(pr.err, msg) != NULL, "%s:\n  expected: %s\n  got: %s", name, msg, pr.err);
    CHECK_MSG(access(out, F_OK) != 0, "%s: the run folder was created", name);
    proc_result_free(&pr);
    free(path);
}

int main(void)
{
    char *dir = test_tmpdir("run-cli");
    char *suite = rs_data("run/suite.json");
    unsetenv("ASSAY_TEST_NOPE");
    setenv("ASSAY_TEST_URL", "http://127.0.0.1:9", 1);
    char cfg[4096];
#define GOOD_BACKEND "{\"name\": \"a\", \"type\": \"ollama\", \"model\": \"m\", \"base_url\": \"${ASSAY_TEST_URL}\"}"

    snprintf(cfg, sizeof(cfg), "{\"backends\": [" GOOD_BACKEND "], \"run\": {\"suites\": [\"%s\"], \"concurency\": 4}}", suite);
    expect_bad(dir, "unknown-key.json", cfg,
               "unknown-key.json: run.concurency: unknown key (did you mean \"concurrency\"?)", NULL);
    snprintf(cfg, sizeof(cfg), "{\"backends\": [{\"name\": \"a\", \"type\": \"ollama\", \"model\": 3}], \"run\": {\"suites\": [\"%s\"]}}", suite);
    expect_bad(dir, "wrong-type.json", cfg, "wrong-type.json: backends[0].model: expected a string, got 3", NULL);
    snprintf(cfg, sizeof(cfg), "{\"backends\": [{\"name\": \"a\", \"type\": \"openai\", \"model\": \"m\", \"api_key_env\": \"ASSAY_TEST_NOPE\"}], \"run\": {\"suites\": [\"%s\"]}}", suite);
    expect_bad(dir, "no-env.json", cfg,
               "no-env.json: backends[0].api_key_env: environment variable ASSAY_TEST_NOPE is not set", NULL);
    snprintf(cfg, sizeof(cfg), "{\"backends\": [{\"name\": \"a\", \"type\": \"vllm\", \"model\": \"m\"}], \"run\": {\"suites\": [\"%s\"]}}", suite);
    expect_bad(dir, "bad-type.json", cfg, "bad-type.json: backends[0].type: unknown backend type \"vllm\"", NULL);
    /* A suite whose dataset cannot be read. */
    char *bad_suite = rs_write(dir, "bad-suite.json",
        "{\"name\": \"x\", \"task\": \"summarization\", \"dataset\": {\"path\": \"missing.jsonl\"},"
        " \"prompt\": {\"user\": \"{{document}}\"}, \"scorers\": []}");
    snprintf(cfg, sizeof(cfg), "{\"backends\": [" GOOD_BACKEND "], \"run\": {\"suites\": [\"%s\"]}}", bad_suite);
    expect_bad(dir, "bad-dataset.json", cfg, "missing.jsonl", NULL);
    snprintf(cfg, sizeof(cfg), "{\"backends\": [" GOOD_BACKEND "], \"run\": {\"suites\": [\"no-such-suite\"]}}");
    expect_bad(dir, "no-suite.json", cfg, "no-such-suite.json", NULL);
    snprintf(cfg, sizeof(cfg), "{\"backends\": [" GOOD_BACKEND "], \"run\": {\"suites\": [\"%s\"]}}", suite);
    expect_bad(dir, "bad-backend-flag.json", cfg, "--backend zz: no backend of that name", "--backend=zz");
    /* Every problem at once. */
    snprintf(cfg, sizeof(cfg), "{\"backends\": [{\"name\": \"a\", \"type\": \"opnai\", \"model\": \"m\", \"limits\": {\"rpm\": 1}}], \"run\": {\"repeats\": 0}}");
    char *p = rs_write(dir, "many.json", cfg);
    struct proc_result pr;
    run_assay(&pr, "run", p, NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "many.json: backends[0].type: unknown backend type \"opnai\"");
    CHECK_CONTAINS(pr.err, "many.json: backends[0].limits.rpm: unknown key");
    CHECK_CONTAINS(pr.err, "many.json: run.repeats: expected an integer from 1 to 1000000, got 0");
    proc_result_free(&pr);
    free(p);

    /* Flags. */
    run_assay(&pr, "run", "--help", NULL);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_CONTAINS(pr.out, "usage: assay run CONFIG");
    proc_result_free(&pr);
    run_assay(&pr, "run", "x.json", "--concurrency", "0", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "--concurrency: expected an integer from 1 to 100000, got '0'");
    proc_result_free(&pr);
    run_assay(&pr, "run", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "missing the config file");
    proc_result_free(&pr);
    run_assay(&pr, "rescore", "/nonexistent/run", NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "/nonexistent/run/run.json");
    proc_result_free(&pr);

    /* --dry-run: counts and the most it could cost. */
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [" GOOD_BACKEND ",\n"
             " {\"name\": \"b\", \"type\": \"ollama\", \"model\": \"m\", \"base_url\": \"${ASSAY_TEST_URL}\",\n"
             "  \"pricing\": {\"input_per_mtok\": 1000, \"output_per_mtok\": 2000, \"per_request\": 0.5}}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"repeats\": 3}}", suite);
    p = rs_write(dir, "dry.json", cfg);
    run_assay(&pr, "run", p, "--dry-run", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    CHECK_CONTAINS(pr.out, "plan: 24 requests = 1 suite x 2 backends x 3 repeats");
    CHECK_CONTAINS(pr.out, "unpriced");
    /* b: 12 requests x 60 max tokens x 2000/M = 1.44, + 12 x 0.5 = 6, + input. */
    const char *row = strstr(pr.out, "runtest              b ");
    CHECK(row != NULL);
    if (row) {
        double req, in, outt, usd;
        CHECK_INT_EQ(sscanf(row, "runtest b %lf %lf %lf %lf", &req, &in, &outt, &usd), 4);
        CHECK_NEAR(req, 12, 0);
        CHECK_NEAR(outt, 720, 0);
        CHECK_NEAR(usd, 1.44 + 6 + in * 1000 / 1e6, 1e-3);
    }
    proc_result_free(&pr);
    /* A bad integer flag stops before the config is used, whatever follows. */
    const char *bad_ints[][2] = { { "--concurrency", "abc" }, { "--repeat", "0" },
                                  { "--seed", "-1" } };
    for (size_t i = 0; i < sizeof(bad_ints) / sizeof(bad_ints[0]); i++) {
        run_assay(&pr, "run", p, "--dry-run", bad_ints[i][0], bad_ints[i][1], NULL);
        CHECK_MSG(pr.status == 2, "%s %s: exit %d", bad_ints[i][0], bad_ints[i][1], pr.status);
        CHECK_CONTAINS(pr.err, "expected an integer from");
        CHECK_MSG(!strstr(pr.out, "plan:"), "%s %s: ran anyway:\n%s", bad_ints[i][0],
                  bad_ints[i][1], pr.out);
        proc_result_free(&pr);
    }
    free(p);
    free(bad_suite);
    free(suite);
    free(dir);
    return check_done();
}
