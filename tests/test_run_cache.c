/* test_run_cache.c -- --cache: a first run stores every ok answer; a
 * second run of the same plan into another folder is served entirely from
 * the cache (records "cached": true, no timing, same output and scores)
 * and the mock is not asked once; a changed request (another max_tokens)
 * misses. rescore recomputes the scores of the stored outputs. */
#include "run_support.h"
#include "harness/results.h"

/* The record of rs with the same key as rec. */
static const cJSON *same_key(const struct rs_lines *rs, const cJSON *rec)
{
    struct buf k1 = BUF_INIT, k2 = BUF_INIT;
    buf_init(&k1, 0);
    buf_init(&k2, 0);
    results_key(rec, &k1);
    const cJSON *found = NULL;
    for (size_t i = 0; i < rs->n && !found; i++)
        if (results_key(rs->v[i], &k2) == 0 && strcmp(k1.ptr, k2.ptr) == 0)
            found = rs->v[i];
    buf_release(&k1);
    buf_release(&k2);
    return found;
}

int main(void)
{
    char *dir = test_tmpdir("run-cache");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[4096];
    const char *fmt =
        "{\"backends\": [\n"
        " {\"name\": \"s\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"%s},\n"
        " {\"name\": \"n\", \"type\": \"anthropic\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false}],\n"
        " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 8}}\n";
    snprintf(cfg, sizeof(cfg), fmt, "", suite);
    char *cpath = rs_write(dir, "config.json", cfg);
    char cache[4096], out1[4096], out2[4096], out3[4096];
    snprintf(cache, sizeof(cache), "%s/cache", dir);
    snprintf(out1, sizeof(out1), "%s/one", dir);
    snprintf(out2, sizeof(out2), "%s/two", dir);
    snprintf(out3, sizeof(out3), "%s/three", dir);
    struct proc_result pr;
    run_assay(&pr, "run", cpath, "--out", out1, "--cache", cache, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    proc_result_free(&pr);
    long asked = rs_count_lines(log);
    CHECK_INT_EQ(asked, 8);
    run_assay(&pr, "run", cpath, "--out", out2, "--cache", cache, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    CHECK_CONTAINS(pr.err, "8 from the cache");
    proc_result_free(&pr);
    CHECK_INT_EQ(rs_count_lines(log), asked);   /* nothing asked */
    struct rs_lines a = rs_records(out1), b = rs_records(out2);
    CHECK_INT_EQ(b.n, 8);
    for (size_t i = 0; i < b.n; i++) {
        const cJSON *ai = same_key(&a, b.v[i]);
        CHECK(ai != NULL);
        if (!ai)
            continue;
        CHECK(cJSON_IsTrue(rs_obj(b.v[i], "cached")));
        CHECK(cJSON_IsFalse(rs_obj(ai, "cached")));
        CHECK(rs_obj(b.v[i], "timing") == NULL);   /* never in latency statistics */
        CHECK_STR_EQ(rs_str(b.v[i], "status"), "ok");
        CHECK_STR_EQ(rs_str(b.v[i], "output"), rs_str(ai, "output"));
        char *sa = cJSON_PrintUnformatted(rs_obj(ai, "scores"));
        char *sb = cJSON_PrintUnformatted(rs_obj(b.v[i], "scores"));
        CHECK_STR_EQ(sb, sa);
        free(sa);
        free(sb);
        CHECK(rs_num(rs_obj(b.v[i], "usage"), "output") == rs_num(rs_obj(ai, "usage"), "output"));
    }
    rs_lines_free(&b);
    /* A different request is a miss. */
    snprintf(cfg, sizeof(cfg), fmt, ", \"extra_body\": {\"top_k\": 5}", suite);
    char *cpath2 = rs_write(dir, "config2.json", cfg);
    run_assay(&pr, "run", cpath2, "--out", out3, "--cache", cache, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    CHECK_CONTAINS(pr.err, "4 from the cache");
    proc_result_free(&pr);
    CHECK_INT_EQ(rs_count_lines(log), asked + 4);

    /* rescore: damage the scores, recompute them from the outputs. */
    char path[4200];
    snprintf(path, sizeof(path), "%s/results.jsonl", out1);
    char *text = rs_slurp(path);
    for (char *p = strstr(text, "\"rougeLsum\":"); p; p = strstr(p + 1, "\"rougeLsum\":"))
        memcpy(p + 12, "9", 1);   /* every rougeLsum now starts with a 9 */
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    run_assay(&pr, "rescore", out1, NULL);
    CHECK_MSG(pr.status == 0, "%s", pr.err);
    CHECK_CONTAINS(pr.out, "rescored 8 records");
    proc_result_free(&pr);
    b = rs_records(out1);
    CHECK_INT_EQ(b.n, 8);
    for (size_t i = 0; i < b.n; i++) {
        const cJSON *ai = same_key(&a, b.v[i]);
        CHECK(ai != NULL);
        if (!ai)
            continue;
        char *sa = cJSON_PrintUnformatted(rs_obj(ai, "scores"));
        char *sb = cJSON_PrintUnformatted(rs_obj(b.v[i], "scores"));
        CHECK_STR_EQ(sb, sa);
        free(sa);
        free(sb);
    }
    CHECK_INT_EQ(rs_count_lines(log), asked + 4);   /* rescore asks no provider */
    rs_lines_free(&a);
    rs_lines_free(&b);
    mock_stop(&m);
    free(cpath);
    free(cpath2);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
