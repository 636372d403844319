/* test_run_resume.c -- kill -9 in the middle of a run, then --resume:
 * the folder ends with exactly the full plan (one final record per key),
 * no request that had finished is asked again (checked against the
 * mock's ground-truth log: every request after the kill belongs to a
 * record written after it), a torn last line is survived, and resuming a
 * complete run asks nothing. */
#include "run_support.h"
#include "harness/results.h"
#include "harness/util/strmap.h"

#define NBACKENDS 2
#define NITEMS 4
#define REPEATS 6
#define PLANNED (NBACKENDS * NITEMS * REPEATS)

int main(void)
{
    char *dir = test_tmpdir("run-resume");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"strong\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
             " {\"name\": \"claude\", \"type\": \"anthropic\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\", \"api_key_env\": \"MOCK_KEY\"}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 6, \"repeats\": %d}}\n", suite, REPEATS);
    char *cpath = rs_write(dir, "config.json", cfg);
    char out[4096], results[4200];
    snprintf(out, sizeof(out), "%s/out", dir);
    snprintf(results, sizeof(results), "%s/results.jsonl", out);

    char *args[] = { "run", cpath, "--out", out, "--progress", "off", NULL };
    pid_t pid = rs_spawn(dir, args);
    CHECK(rs_wait_lines(results, 10, 60000) == 0);
    kill(pid, SIGKILL);
    CHECK_INT_EQ(rs_wait(pid), 128 + SIGKILL);
    usleep(300000);   /* the mock logs the requests the kill cut off */

    /* What survived the kill. */
    struct rs_lines before = rs_records(out);
    long nbefore = (long)before.n;
    CHECK(nbefore >= 10 && nbefore < PLANNED);
    struct strmap done;
    strmap_init(&done);
    struct buf key = BUF_INIT;
    buf_init(&key, 0);
    for (size_t i = 0; i < before.n; i++) {
        CHECK(before.v[i] != NULL);
        if (before.v[i] && results_key(before.v[i], &key) == 0)
            strmap_put(&done, key.ptr, key.len, (void *)1);
    }
    /* A torn line, as a crash in the middle of a write leaves. */
    FILE *f = fopen(results, "a");
    fputs("{\"schema\":1,\"run_id\":\"x\",\"suite\":\"runt", f);
    fclose(f);
    long log_before = rs_count_lines(log);

    struct proc_result pr;
    run_assay(&pr, "run", "--resume", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "resume: exit %d: %s", pr.status, pr.err);
    CHECK_CONTAINS(pr.err, "the torn last line skipped");
    proc_result_free(&pr);

    struct rs_lines after = rs_records(out);
    /* Exactly the plan: every key once, none twice, all ok. */
    struct strmap seen;
    strmap_init(&seen);
    long records = 0, appended_attempts = 0;
    for (size_t i = 0; i < after.n; i++) {
        if (!after.v[i])
            continue;   /* the torn fragment */
        records++;
        CHECK(results_key(after.v[i], &key) == 0);
        CHECK_MSG(!strmap_has(&seen, key.ptr, key.len), "key written twice: %s", key.ptr);
        strmap_put(&seen, key.ptr, key.len, (void *)1);
        CHECK_STR_EQ(rs_str(after.v[i], "status"), "ok");
        if (i >= before.n) {
            CHECK_MSG(!strmap_has(&done, key.ptr, key.len), "finished item asked again: %s", key.ptr);
            appended_attempts += cJSON_GetArraySize(rs_obj(after.v[i], "attempts"));
        }
    }
    CHECK_INT_EQ(records, PLANNED);
    CHECK_INT_EQ(seen.len, PLANNED);
    /* The mock saw exactly the attempts of the records written after the
     * kill: nothing else was asked. */
    CHECK_INT_EQ(rs_count_lines(log) - log_before, appended_attempts);
    /* run.json keeps the run id and says it was resumed. */
    char path[4200];
    snprintf(path, sizeof(path), "%s/run.json", out);
    char *rj = rs_slurp(path);
    CHECK_CONTAINS(rj, "\"resumed_at\"");
    CHECK_CONTAINS(rj, rs_str(before.v[0], "run_id"));
    free(rj);

    /* Resuming a complete run asks nothing. */
    long log_done = rs_count_lines(log);
    run_assay(&pr, "run", "--resume", out, "--progress", "off", NULL);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_CONTAINS(pr.err, "48 of 48 requests recorded");
    proc_result_free(&pr);
    CHECK_INT_EQ(rs_count_lines(log), log_done);
    /* A fresh run into a folder that holds one is refused. */
    run_assay(&pr, "run", cpath, "--out", out, NULL);
    CHECK_INT_EQ(pr.status, 2);
    CHECK_CONTAINS(pr.err, "already holds a run; use --resume");
    proc_result_free(&pr);

    mock_stop(&m);
    rs_lines_free(&before);
    rs_lines_free(&after);
    strmap_release(&done);
    strmap_release(&seen);
    buf_release(&key);
    free(cpath);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
