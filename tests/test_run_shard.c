/* test_run_shard.c -- runs across machines: N shards run as N processes
 * against the mock and merged give exactly the records of one unsharded
 * run (same requests, outputs and scores); a resume under another shard is
 * refused; the per-shard rate-limit share is validated. */
#include "run_support.h"

static const char *CONFIG =
    "{\"backends\": ["
    " {\"name\": \"strong\", \"type\": \"openai-compatible\", \"model\": \"mock-strong\","
    "  \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\","
    "  \"limits\": {\"requests_per_minute\": 6000, \"shard_share\": \"auto\"}},"
    " {\"name\": \"fast\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\","
    "  \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\", \"stream\": false}],"
    " \"run\": {\"suites\": [\"%s\"], \"repeats\": 2, \"concurrency\": 8}}";

static char *key_of(const cJSON *r)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s|%s|%s|%d", rs_str(r, "suite"), rs_str(r, "item"),
             rs_str(r, "backend"), (int)rs_num(r, "repeat"));
    return strdup(buf);
}

static const cJSON *find(const struct rs_lines *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++) {
        char *k = key_of(l->v[i]);
        int same = strcmp(k, key) == 0;
        free(k);
        if (same)
            return l->v[i];
    }
    return NULL;
}

static int run_quiet(char *const args[])
{
    struct proc_result r;
    run_assayv(&r, args);
    int st = r.status;
    if (st != 0)
        fprintf(stderr, "assay failed (%d): %s\n", st, r.err);
    proc_result_free(&r);
    return st;
}

int main(void)
{
    char *dir = test_tmpdir("shard-run");
    char *suite = rs_data("run/suite.json");
    char cfgtext[2048];
    snprintf(cfgtext, sizeof(cfgtext), CONFIG, suite);
    char *cfg = rs_write(dir, "config.json", cfgtext);
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;

    char whole[4096], sh[3][4096], merged[4096];
    snprintf(whole, sizeof(whole), "%s/whole", dir);
    snprintf(merged, sizeof(merged), "%s/merged", dir);
    char *a1[] = { "run", cfg, "--out", whole, "--quiet", NULL };
    CHECK_INT_EQ(run_quiet(a1), 0);

    /* Three shards, run at the same time as separate processes. */
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        snprintf(sh[i], sizeof(sh[i]), "%s/shard-%d", dir, i);
        char spec[16];
        snprintf(spec, sizeof(spec), "%d/3", i);
        char *args[] = { "run", cfg, "--shard", spec, "--out", sh[i], "--quiet", NULL };
        pids[i] = rs_spawn(dir, args);
    }
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(rs_wait(pids[i]), 0);
    size_t in_shards = 0;
    for (int i = 0; i < 3; i++) {
        struct rs_lines l = rs_records(sh[i]);
        in_shards += l.n;
        CHECK_MSG(l.n > 0, "shard %d is empty", i);
        rs_lines_free(&l);
        char path[4200];
        snprintf(path, sizeof(path), "%s/run.json", sh[i]);
        char *text = rs_slurp(path);
        cJSON *meta = cJSON_Parse(text);
        const cJSON *s = rs_obj(meta, "shard");
        CHECK_INT_EQ((int)rs_num(s, "index"), i);
        CHECK_INT_EQ((int)rs_num(s, "count"), 3);
        cJSON_Delete(meta);
        free(text);
    }
    CHECK_INT_EQ(in_shards, 16);

    char *a2[] = { "merge", sh[0], sh[1], sh[2], "--out", merged, NULL };
    CHECK_INT_EQ(run_quiet(a2), 0);

    struct rs_lines w = rs_records(whole), g = rs_records(merged);
    CHECK_INT_EQ(w.n, 16);
    CHECK_INT_EQ(g.n, 16);
    for (size_t i = 0; i < w.n; i++) {
        char *k = key_of(w.v[i]);
        const cJSON *other = find(&g, k);
        CHECK_MSG(other != NULL, "%s missing from the merged run", k);
        if (other) {
            CHECK_STR_EQ(rs_str(other, "status"), rs_str(w.v[i], "status"));
            CHECK_STR_EQ(rs_str(other, "output"), rs_str(w.v[i], "output"));
            char *s1 = cJSON_PrintUnformatted(rs_obj(w.v[i], "scores"));
            char *s2 = cJSON_PrintUnformatted(rs_obj(other, "scores"));
            CHECK_STR_EQ(s2, s1);
            free(s1);
            free(s2);
        }
        free(k);
    }
    rs_lines_free(&w);
    rs_lines_free(&g);

    /* The merged folder reads like any run. */
    struct proc_result r;
    run_assay(&r, "report", merged, "--format", "json", "--no-plots", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* Resuming a shard under another --shard is refused. */
    run_assay(&r, "run", "--resume", sh[1], "--shard", "2/3", "--quiet", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "this folder holds shard 1/3, not 2/3");
    proc_result_free(&r);
    /* ... and resuming it as itself finds nothing left to do. */
    run_assay(&r, "run", "--resume", sh[1], "--quiet", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* Flag and config errors. */
    run_assay(&r, "run", cfg, "--shard", "3/3", "--dry-run", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "index 3 out of range for 3 shards");
    proc_result_free(&r);
    char bad[2048];
    snprintf(bad, sizeof(bad), CONFIG, suite);
    char *p = strstr(bad, "\"auto\"");
    memcpy(p, "  1.5 ", 6);
    char *badcfg = rs_write(dir, "bad.json", bad);
    run_assay(&r, "run", badcfg, "--dry-run", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "backends[0].limits.shard_share: expected \"auto\" or a number in (0, 1], got 1.5");
    proc_result_free(&r);

    mock_stop(&m);
    free(badcfg);
    free(log);
    free(cfg);
    free(suite);
    free(dir);
    return check_done();
}
