/* test_load_interrupt.c -- Ctrl-C during a load step.
 *
 * A step of 30 s at 20 req/s against a model that takes 300 ms; SIGINT
 * after about a second. The generator stops issuing at once, lets the
 * requests in flight finish (they are written), writes run.json with the
 * interrupted step marked (and not taken as a knee), and exits 130. Every
 * request the mock saw has its record, and nothing was sent after the
 * interrupt. A second run gets two SIGINTs: the requests in flight are
 * aborted and still recorded. */
#include "load_support.h"
#include "support/proc.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void one(struct ls_env *e, const char *name, int signals)
{
    char *out = ls_path(e, name);
    char *args[] = { "load", e->cfg, "--backend", "slow", "--rate", "20", "--duration", "30s",
                     "--synthetic", "8:4", "--out", out, "-q", NULL };
    char runlog[1300];
    snprintf(runlog, sizeof(runlog), "%s/results.jsonl", out);
    long before = rs_count_lines(e->log);
    pid_t pid = rs_spawn(e->dir, args);
    /* wait for some requests to have finished, then interrupt */
    CHECK_INT_EQ(rs_wait_lines(runlog, 5, 20000), 0);
    kill(pid, SIGINT);
    if (signals > 1) {
        usleep(20000);
        kill(pid, SIGINT);
    }
    CHECK_INT_EQ(rs_wait(pid), 130);

    struct rs_lines l = rs_read_jsonl(runlog);
    CHECK_MSG(l.n >= 5 && l.n < 100, "%zu records", l.n);
    long aborted = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *st = ls_str(l.v[i], "status");
        CHECK(st != NULL);
        if (st && strcmp(st, "aborted") == 0)
            aborted++;
        else if (st)
            CHECK_STR_EQ(st, "ok");
    }
    if (signals > 1)
        CHECK_MSG(aborted > 0, "a second interrupt aborted nothing");
    else
        CHECK_INT_EQ(aborted, 0);
    /* every request the mock received is recorded (the ones cut by an
     * abort too), and none was sent after the interrupt */
    rs_wait_lines(e->log, before + (long)l.n, 3000);   /* the mock logs a cut exchange late */
    long seen = rs_count_lines(e->log) - before;
    CHECK_MSG(seen == (long)l.n, "mock saw %ld, %zu records", seen, l.n);

    char rj[1300];
    snprintf(rj, sizeof(rj), "%s/run.json", out);
    cJSON *run = ls_json(rj);
    CHECK(cJSON_IsTrue(ls_at(run, "summary.interrupted")));
    CHECK(cJSON_IsTrue(ls_at(run, "load.steps.0.interrupted")));
    CHECK(cJSON_IsFalse(ls_at(run, "load.steps.0.pass")));
    CHECK(cJSON_IsFalse(ls_at(run, "load.knee.found")));
    CHECK_INT_EQ(ls_num(run, "load.steps.0.requests"), l.n);
    CHECK_INT_EQ(ls_num(run, "summary.written"), l.n);
    cJSON_Delete(run);
    rs_lines_free(&l);
    free(out);
}

int main(void)
{
    struct ls_env e;
    if (ls_start(&e, "load-interrupt",
                 "{\"models\":[{\"name\":\"slow\",\"output_tokens\":1000,\"latency\":{"
                 "\"ttft_ms\":300,\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,\"itl_ms\":0}}]}",
                 "slow", "slow", "") < 0)
        return 1;
    one(&e, "once", 1);
    one(&e, "twice", 2);
    ls_stop(&e);
    return check_done();
}
