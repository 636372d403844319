/* test_run_interrupt.c -- Ctrl-C (SIGINT to the child): the run stops
 * issuing, lets the requests in flight finish, writes them, exits 130 and
 * leaves a consistent folder (every line a record, no key twice, no
 * refused or aborted record) that --resume completes. A second SIGINT
 * aborts what is in flight: those records say "aborted", retryable. */
#include "run_support.h"
#include "harness/results.h"
#include "harness/util/strmap.h"

#define PLANNED (2 * 4 * 8)

static void check_consistent(const char *out, long *n, int allow_aborted)
{
    struct rs_lines recs = rs_records(out);
    struct strmap seen;
    strmap_init(&seen);
    struct buf key = BUF_INIT;
    buf_init(&key, 0);
    for (size_t i = 0; i < recs.n; i++) {
        CHECK_MSG(recs.v[i] != NULL, "line %zu is not a record", i + 1);
        if (!recs.v[i])
            continue;
        CHECK(results_key(recs.v[i], &key) == 0);
        CHECK_MSG(!strmap_has(&seen, key.ptr, key.len), "key twice: %s", key.ptr);
        strmap_put(&seen, key.ptr, key.len, (void *)1);
        const char *st = rs_str(recs.v[i], "status");
        CHECK_MSG(!strcmp(st, "ok") || (allow_aborted && !strcmp(st, "aborted")),
                  "status %s: %s", st, rs_str(recs.v[i], "error"));
        if (!strcmp(st, "aborted")) {
            CHECK(cJSON_IsTrue(rs_obj(recs.v[i], "retryable")));
            CHECK_STR_EQ(rs_str(recs.v[i], "error"), "aborted by a second interrupt");
        }
    }
    *n = (long)recs.n;
    rs_lines_free(&recs);
    strmap_release(&seen);
    buf_release(&key);
}

int main(void)
{
    char *dir = test_tmpdir("run-interrupt");
    struct mock_proc m;
    char *log;
    if (rs_mock(&m, dir, &log, NULL) < 0)
        return 1;
    char *suite = rs_data("run/suite.json");
    char cfg[4096];
    snprintf(cfg, sizeof(cfg),
             "{\"backends\": [\n"
             " {\"name\": \"a\", \"type\": \"openai-compatible\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}/v1\", \"api_key_env\": \"MOCK_KEY\"},\n"
             " {\"name\": \"b\", \"type\": \"ollama\", \"model\": \"mock-fast\", \"base_url\": \"${MOCK_URL}\"}],\n"
             " \"run\": {\"suites\": [\"%s\"], \"concurrency\": 4, \"repeats\": 8}}\n", suite);
    char *cpath = rs_write(dir, "config.json", cfg);

    /* One interrupt: in-flight requests finish and are written. */
    char out[4096], results[4200];
    snprintf(out, sizeof(out), "%s/once", dir);
    snprintf(results, sizeof(results), "%s/results.jsonl", out);
    char *args[] = { "run", cpath, "--out", out, "--progress", "off", NULL };
    pid_t pid = rs_spawn(dir, args);
    CHECK(rs_wait_lines(results, 6, 60000) == 0);
    long at_signal = rs_count_lines(log);
    kill(pid, SIGINT);
    CHECK_INT_EQ(rs_wait(pid), 130);
    long n = 0;
    check_consistent(out, &n, 0);
    CHECK(n >= 6 && n < PLANNED);
    /* Everything the mock was asked ended up in a record (none cut off). */
    usleep(200000);
    CHECK_INT_EQ(rs_count_lines(log), n);
    CHECK(rs_count_lines(log) >= at_signal);
    char path[4300];
    snprintf(path, sizeof(path), "%s/child.err", dir);
    char *err = rs_slurp(path);
    CHECK_CONTAINS(err, "interrupted: finishing");
    CHECK_CONTAINS(err, "assay run --resume");
    free(err);
    struct proc_result pr;
    run_assay(&pr, "run", "--resume", out, "--progress", "off", NULL);
    CHECK_MSG(pr.status == 0, "resume: %d %s", pr.status, pr.err);
    proc_result_free(&pr);
    check_consistent(out, &n, 0);
    CHECK_INT_EQ(n, PLANNED);

    /* Two interrupts: what is in flight is aborted and says so. */
    snprintf(out, sizeof(out), "%s/twice", dir);
    snprintf(results, sizeof(results), "%s/results.jsonl", out);
    char *args2[] = { "run", cpath, "--out", out, "--progress", "off", NULL };
    pid = rs_spawn(dir, args2);
    CHECK(rs_wait_lines(results, 3, 60000) == 0);
    kill(pid, SIGINT);
    usleep(20000);
    kill(pid, SIGINT);
    CHECK_INT_EQ(rs_wait(pid), 130);
    check_consistent(out, &n, 1);
    struct rs_lines recs = rs_records(out);
    long aborted = 0;
    for (size_t i = 0; i < recs.n; i++)
        aborted += recs.v[i] && !strcmp(rs_str(recs.v[i], "status"), "aborted");
    CHECK_MSG(aborted >= 1, "no request was aborted");
    rs_lines_free(&recs);
    run_assay(&pr, "run", "--resume", out, "--progress", "off", NULL);
    CHECK_INT_EQ(pr.status, 0);
    proc_result_free(&pr);
    /* Last record per key wins: the aborted keys are ok now. */
    recs = rs_records(out);
    struct strmap last;
    strmap_init(&last);
    struct buf key = BUF_INIT;
    buf_init(&key, 0);
    for (size_t i = 0; i < recs.n; i++)
        if (recs.v[i] && results_key(recs.v[i], &key) == 0)
            strmap_put(&last, key.ptr, key.len, recs.v[i]);
    CHECK_INT_EQ(last.len, PLANNED);
    for (size_t i = 0; i < last.cap; i++)
        if (last.slots[i].key)
            CHECK_STR_EQ(rs_str(last.slots[i].value, "status"), "ok");
    strmap_release(&last);
    buf_release(&key);
    rs_lines_free(&recs);

    mock_stop(&m);
    free(cpath);
    free(suite);
    free(log);
    free(dir);
    return check_done();
}
