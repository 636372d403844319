/* test_load_knee.c -- the knee lands where the capacity says.
 *
 * The mock model serves 4 requests at a time, each in exactly 100 ms
 * (no jitter, every token at once): 40 req/s at most. Below that a fixed
 * rate meets no queue (e2e about 100 ms); above it the queue grows by
 * (rate - 40) requests a second, so with 3-second steps and e2e <= 200 ms
 * the last requests of a step at rate r wait about (r - 40) * 2.85 / 40 s
 * and the knee is near 41.4 req/s. Stated tolerance: the knee is within
 * [0.8, 1.1] x capacity. The upper bound is hard (the mock cannot serve
 * faster than its timers allow, and at 44 req/s the p95 request waits
 * 0.28 s); the lower one leaves room for a loaded machine whose timers
 * run late.
 *
 * Also: bisection steps are added between the last pass and the first
 * failure and reported as such; the step summary, the stdout table and
 * final line agree with run.json; the per-hour cost at the knee is
 * per_hour / (3600 x knee) x 1000. */
#include "harness/arrival.h"
#include "load_support.h"
#include "support/proc.h"

#include <stdlib.h>

int main(void)
{
    struct ls_env e;
    if (ls_start(&e, "load-knee",
                 "{\"models\":[{\"name\":\"cap4\",\"capacity\":4,\"output_tokens\":1000,"
                 "\"latency\":{\"ttft_ms\":100,\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,"
                 "\"itl_ms\":0}}]}", "dedicated", "cap4", "\"pricing\":{\"per_hour\":3.6}") < 0)
        return 1;
    const char *cfg = e.cfg;
    char *out = ls_path(&e, "out");

    struct proc_result p;
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "dedicated", "--rate", "10,20,30,40,50,60",
                           "--duration", "3s", "--synthetic", "8:4", "--slo", "e2e=200ms",
                           "--bisect", "--out", out, "-q", NULL), 0);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    char rj[1300];
    snprintf(rj, sizeof(rj), "%s/run.json", out);
    cJSON *run = ls_json(rj);
    CHECK(run != NULL);
    const double capacity = 40;
    CHECK(cJSON_IsTrue(ls_at(run, "load.knee.found")));
    CHECK(cJSON_IsTrue(ls_at(run, "load.knee.bounded")));
    double knee = ls_num(run, "load.knee.rate");
    CHECK_MSG(knee >= 0.8 * capacity && knee <= 1.1 * capacity, "knee %g req/s, capacity %g", knee,
              capacity);

    /* the sweep: every step at or below 30 passes, 50 and 60 fail */
    const cJSON *steps = ls_at(run, "load.steps");
    int nsweep = 0, nbisect = 0;
    const cJSON *st;
    double last_pass = 0, first_fail = INFINITY;   /* of the sweep */
    cJSON_ArrayForEach(st, steps) {
        const char *kind = ls_str(st, "kind");
        if (kind && strcmp(kind, "sweep") == 0) {
            if (cJSON_IsTrue(ls_at(st, "pass")) && ls_num(st, "rate") < first_fail)
                last_pass = ls_num(st, "rate");
            else if (!cJSON_IsTrue(ls_at(st, "pass")) && ls_num(st, "rate") < first_fail)
                first_fail = ls_num(st, "rate");
        }
    }
    CHECK_MSG(last_pass >= 30 && first_fail <= 50, "sweep: last pass %g, first failure %g",
              last_pass, first_fail);
    cJSON_ArrayForEach(st, steps) {
        double rate = ls_num(st, "rate");
        int pass = cJSON_IsTrue(ls_at(st, "pass"));
        const char *kind = ls_str(st, "kind");
        if (kind && strcmp(kind, "sweep") == 0) {
            CHECK_INT_EQ(ls_num(st, "step"), nsweep);
            nsweep++;
        } else {
            nbisect++;
            CHECK_MSG(rate > last_pass && rate < first_fail, "bisection step at %g, outside "
                      "(%g, %g)", rate, last_pass, first_fail);
        }
        if (rate <= 30)
            CHECK_MSG(pass, "rate %g failed: %s", rate, ls_str(st, "fail_reasons"));
        if (rate >= 50) {
            CHECK_MSG(!pass, "rate %g passed", rate);
            CHECK_CONTAINS(ls_str(st, "fail_reasons"), "e2e p95");
        }
        /* a fixed rate's offered rate is the rate; no request failed */
        CHECK_NEAR(ls_num(st, "offered_rps"), rate, 1e-3 * rate);
        CHECK_INT_EQ(ls_num(st, "requests"), arrival_fixed_count(rate, 3));
        CHECK_INT_EQ(ls_num(st, "failed"), 0);
        /* past capacity the mock delivers about its capacity, not more */
        if (rate >= 50)
            CHECK_MSG(ls_num(st, "achieved_rps") <= 1.05 * capacity, "achieved %g at %g",
                      ls_num(st, "achieved_rps"), rate);
        /* goodput never exceeds what was achieved */
        CHECK(ls_num(st, "goodput_rps") <= ls_num(st, "achieved_rps") + 1e-9);
        if (pass && rate <= 30)
            CHECK_NEAR(ls_num(st, "achieved_rps"), rate, 0.1 * rate);
    }
    CHECK_INT_EQ(nsweep, 6);
    CHECK_MSG(nbisect >= 2 && nbisect <= 6, "%d bisection steps", nbisect);
    /* bisection narrowed the bracket to 5% */
    double hi = ls_num(run, "load.knee.first_failing_level");
    CHECK_MSG(hi > knee && (hi - knee) / knee <= 0.05 + 1e-9, "knee %g, first failing %g", knee, hi);

    /* cost at the knee: 3.6 $/h / (3600 s * knee req/s) * 1000 = 1000 / knee m$ */
    CHECK_STR_EQ(ls_str(run, "load.cost_at_knee.basis"), "per_hour");
    CHECK_NEAR(ls_num(run, "load.cost_at_knee.per_1k_requests_usd"), 1.0 / knee, 1e-9);
    CHECK_NEAR(ls_num(run, "load.cost_at_knee.usd_per_hour_at_knee"), 3.6, 1e-9);

    /* the terminal says the same */
    char line[256];
    snprintf(line, sizeof(line), "knee: %.4g req/s", knee);
    CHECK_CONTAINS(p.out, line);
    CHECK_CONTAINS(p.out, "per 1,000 requests (per-hour endpoint fully used)");
    CHECK_CONTAINS(p.out, "FAIL: e2e p95");
    CHECK_CONTAINS(p.out, "ttft p50/p95");
    proc_result_free(&p);

    /* records: one per measured request, keys unique per step */
    char rp[1300];
    snprintf(rp, sizeof(rp), "%s/results.jsonl", out);
    struct rs_lines l = rs_read_jsonl(rp);
    double total = 0;
    cJSON_ArrayForEach(st, steps)
        total += ls_num(st, "requests");
    CHECK_INT_EQ(l.n, (long)total);
    rs_lines_free(&l);

    /* no knee when nothing passes: exit 1 and a plain message */
    char *out2 = ls_path(&e, "none");
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "dedicated", "--rate", "60",
                           "--requests", "60", "--synthetic", "8:4", "--slo", "e2e=150ms",
                           "--out", out2, "-q", NULL), 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_CONTAINS(p.out, "knee: none: no rate met the SLO");
    proc_result_free(&p);

    cJSON_Delete(run);
    free(out);
    free(out2);
    ls_stop(&e);
    return check_done();
}
