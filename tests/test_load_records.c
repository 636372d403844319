/* test_load_records.c -- what a load run writes, checked against the
 * mock's ground-truth log.
 *
 *   - fixed rate through the engine: per step exactly rate x duration
 *     measured requests, intended send times exactly 1/rate apart;
 *     warm-up requests in OUT/warmup/, never in the step;
 *   - records: the results contract (records.md) with `step` set and
 *     (suite, item, backend, repeat, step) unique; every request is one
 *     line of the mock's log (by request id), sent no earlier than
 *     intended, and the client never sees a token before the mock sent it;
 *   - Poisson through the engine: a count within bounds, and the same
 *     seed gives the same schedule;
 *   - concurrency mode: never more than C in flight (records and the
 *     mock's log), each request due when another ended;
 *   - suite prompts: items of the suite, in a seeded order;
 *   - `assay report` reads the folder. */
#include "load_support.h"
#include "support/proc.h"

#include <stdint.h>
#include <stdlib.h>

static struct ls_env e;
static const char *cfg, *logpath;

static struct rs_lines records(const char *out, const char *sub)
{
    char p[1400];
    snprintf(p, sizeof(p), "%s/%sresults.jsonl", out, sub);
    return rs_read_jsonl(p);
}

static cJSON *run_json(const char *out)
{
    char p[1400];
    snprintf(p, sizeof(p), "%s/run.json", out);
    return ls_json(p);
}

static int by_intended(const void *a, const void *b)
{
    double x = ls_num(*(const cJSON *const *)a, "timing.intended_start_ms");
    double y = ls_num(*(const cJSON *const *)b, "timing.intended_start_ms");
    return x < y ? -1 : x > y;
}

static void fixed_rate_and_truth(void)
{
    char *out = ls_path(&e, "fixed");
    struct proc_result p;
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "fast", "--rate", "50,20", "--duration",
                           "1s", "--warmup", "400ms", "--synthetic", "16:8", "--out", out, "-q",
                           NULL), 0);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK_CONTAINS(p.out, "knee: 50 req/s");
    proc_result_free(&p);

    cJSON *run = run_json(out);
    CHECK_STR_EQ(ls_str(run, "mode"), "load");
    CHECK_STR_EQ(ls_str(run, "load.arrival"), "fixed");
    CHECK_INT_EQ(ls_num(run, "load.steps.0.requests"), 50);
    CHECK_INT_EQ(ls_num(run, "load.steps.1.requests"), 20);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.warmup_requests"), 20);
    CHECK_INT_EQ(ls_num(run, "load.steps.1.warmup_requests"), 8);
    CHECK_NEAR(ls_num(run, "load.steps.0.offered_rps"), 50, 1e-6);
    CHECK_NEAR(ls_num(run, "load.steps.0.duration_s"), 1, 1e-6);
    CHECK_INT_EQ(ls_num(run, "summary.written"), 70);
    CHECK_STR_EQ(ls_str(run, "backends.0.name"), "fast");
    CHECK(ls_at(run, "suites.synthetic") != NULL);
    double mono0 = ls_num(run, "load.clock.mono0_ns");

    struct rs_lines l = records(out, "");
    CHECK_INT_EQ(l.n, 70);
    qsort(l.v, l.n, sizeof(cJSON *), by_intended);
    /* per step: repeat 0..n-1, spacing exactly 1/rate */
    int seen[2][64] = { { 0 } };
    double prev[2] = { -1, -1 };
    for (size_t i = 0; i < l.n; i++) {
        const cJSON *r = l.v[i];
        int step = (int)ls_num(r, "step");
        int rep = (int)ls_num(r, "repeat");
        CHECK(step == 0 || step == 1);
        if (step < 0 || step > 1 || rep < 0 || rep >= 64)
            continue;
        CHECK_MSG(!seen[step][rep]++, "step %d repeat %d twice", step, rep);
        CHECK(cJSON_IsFalse(ls_at(r, "warmup")));
        CHECK_STR_EQ(ls_str(r, "status"), "ok");
        CHECK_STR_EQ(ls_str(r, "suite"), "synthetic");
        CHECK_STR_EQ(ls_str(r, "backend"), "fast");
        CHECK(ls_num(r, "schema") == 1);
        CHECK(ls_at(r, "scores") && cJSON_IsNull(ls_at(r, "scores")));
        CHECK(ls_num(r, "usage.input") == 16);   /* 16 one-token words */
        CHECK(ls_num(r, "usage.output") <= 8);
        CHECK(ls_num(r, "timing.send_lag_ms") >= 0);
        CHECK(ls_num(r, "timing.ttft_ms") >= ls_num(r, "timing.service_ttft_ms"));
        double t = ls_num(r, "timing.intended_start_ms");
        if (prev[step] >= 0)
            CHECK_NEAR(t - prev[step], step == 0 ? 20.0 : 50.0, 0.0021);
        prev[step] = t;
    }
    for (int k = 0; k < 50; k++)
        CHECK(seen[0][k] == 1 && (k >= 20 || seen[1][k] == 1));

    /* warm-up: its own file, flagged, the same schedule before the step */
    struct rs_lines w = records(out, "warmup/");
    CHECK_INT_EQ(w.n, 28);
    for (size_t i = 0; i < w.n; i++)
        CHECK(cJSON_IsTrue(ls_at(w.v[i], "warmup")));

    /* ground truth: every request (warm-up too) is one line of the log */
    struct rs_lines g = rs_read_jsonl(logpath);
    CHECK_INT_EQ(g.n, 98);
    size_t matched = 0;
    for (size_t i = 0; i < l.n; i++) {
        const char *id = ls_str(l.v[i], "request_id");
        for (size_t k = 0; id && k < g.n; k++) {
            if (!ls_str(g.v[k], "request_id") || strcmp(ls_str(g.v[k], "request_id"), id))
                continue;
            matched++;
            /* same clock (CLOCK_MONOTONIC): the mock received it after it
             * was meant to leave and after it left */
            double intended_ns = mono0 + ls_num(l.v[i], "timing.intended_start_ms") * 1e6;
            double start_ns = mono0 + ls_num(l.v[i], "timing.start_ms") * 1e6;
            double arrived = ls_num(g.v[k], "mono_ns.arrived");
            CHECK_MSG(arrived >= intended_ns - 2e3 && arrived >= start_ns - 2e3,
                      "arrived %.0f before intended %.0f / start %.0f", arrived, intended_ns,
                      start_ns);
            /* the client cannot see the first token before the mock sent it */
            double mock_first = ls_num(g.v[k], "mono_ns.first_answer_token");
            double client_first = start_ns + ls_num(l.v[i], "timing.service_ttft_ms") * 1e6;
            CHECK_MSG(client_first >= mock_first - 2e3, "client ttft before the mock sent: %.0f < %.0f",
                      client_first, mock_first);
            CHECK(ls_num(g.v[k], "out_tokens") == ls_num(l.v[i], "usage.output"));
            break;
        }
    }
    CHECK_INT_EQ(matched, l.n);
    rs_lines_free(&g);
    rs_lines_free(&w);
    rs_lines_free(&l);
    cJSON_Delete(run);

    /* assay report reads a load folder */
    CHECK_INT_EQ(run_assay(&p, "report", out, NULL), 0);
    CHECK_MSG(p.status == 0, "report exit %d: %s", p.status, p.err);
    CHECK_CONTAINS(p.out, "synthetic");
    proc_result_free(&p);
    free(out);
}

static void poisson_schedule(void)
{
    double gaps[2][400];
    size_t n[2] = { 0, 0 };
    for (int run = 0; run < 2; run++) {
        char name[32];
        snprintf(name, sizeof(name), "poisson%d", run);
        char *out = ls_path(&e, name);
        struct proc_result p;
        CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "fast", "--rate", "200", "--poisson",
                               "--duration", "1s", "--synthetic", "8:2", "--seed", "3", "--out",
                               out, "-q", NULL), 0);
        CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
        proc_result_free(&p);
        struct rs_lines l = records(out, "");
        /* Poisson(200): sd 14.1; five of them */
        CHECK_MSG(l.n >= 130 && l.n <= 270, "%zu arrivals in 1 s at 200/s", l.n);
        qsort(l.v, l.n, sizeof(cJSON *), by_intended);
        for (size_t i = 1; i < l.n && n[run] < 400; i++)
            gaps[run][n[run]++] = ls_num(l.v[i], "timing.intended_start_ms") -
                                  ls_num(l.v[i - 1], "timing.intended_start_ms");
        cJSON *rj = run_json(out);
        CHECK_STR_EQ(ls_str(rj, "load.arrival"), "poisson");
        CHECK_INT_EQ(ls_num(rj, "load.steps.0.requests"), l.n);
        cJSON_Delete(rj);
        rs_lines_free(&l);
        free(out);
    }
    CHECK_INT_EQ(n[0], n[1]);
    int same = 1;
    for (size_t i = 0; i < n[0] && i < n[1]; i++)
        same &= fabs(gaps[0][i] - gaps[1][i]) < 0.0021;
    CHECK_MSG(same, "the same seed gave another schedule");
}

static void closed_loop(void)
{
    char *out = ls_path(&e, "closed");
    struct proc_result p;
    struct rs_lines g0 = rs_read_jsonl(logpath);
    size_t before = g0.n;
    rs_lines_free(&g0);
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "fast", "--concurrency", "3",
                           "--requests", "30", "--synthetic", "8:4", "--out", out, "-q", NULL), 0);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    CHECK_CONTAINS(p.out, "knee: 3 in flight");
    proc_result_free(&p);
    struct rs_lines l = records(out, "");
    CHECK_INT_EQ(l.n, 30);
    /* at most 3 at once, by the client's clocks */
    int max_overlap = 0;
    for (size_t i = 0; i < l.n; i++) {
        double s = ls_num(l.v[i], "timing.start_ms");
        int over = 0;
        for (size_t k = 0; k < l.n; k++) {
            double ks = ls_num(l.v[k], "timing.start_ms");
            double ke = ks + ls_num(l.v[k], "timing.service_e2e_ms");
            over += ks <= s && s < ke;
        }
        max_overlap = over > max_overlap ? over : max_overlap;
    }
    CHECK_MSG(max_overlap <= 3 && max_overlap >= 2, "%d in flight at once", max_overlap);
    /* a request after the first three is due when another ended (its last
     * byte, give or take the moment libcurl takes to call it done) */
    qsort(l.v, l.n, sizeof(cJSON *), by_intended);
    size_t due_at_end = 0, later = 0;
    for (size_t i = 3; i < l.n; i++) {
        double due = ls_num(l.v[i], "timing.intended_start_ms");
        later++;
        for (size_t k = 0; k < l.n; k++) {
            double end = ls_num(l.v[k], "timing.start_ms") + ls_num(l.v[k], "timing.service_e2e_ms");
            if (k != i && due >= end - 0.01 && due - end < 20.0) {
                due_at_end++;
                break;
            }
        }
    }
    CHECK_INT_EQ(later, 27);
    CHECK_INT_EQ(due_at_end, later);
    /* by the mock's clocks too */
    struct rs_lines g = rs_read_jsonl(logpath);
    int most = 0;
    for (size_t i = before; i < g.n; i++) {
        double a = ls_num(g.v[i], "mono_ns.arrived");
        int over = 0;
        for (size_t k = before; k < g.n; k++)
            over += ls_num(g.v[k], "mono_ns.arrived") <= a && a < ls_num(g.v[k], "mono_ns.end");
        most = over > most ? over : most;
    }
    CHECK_MSG(most <= 3, "the mock saw %d at once", most);
    rs_lines_free(&g);
    cJSON *rj = run_json(out);
    CHECK_STR_EQ(ls_str(rj, "load.mode"), "concurrency");
    CHECK_INT_EQ(ls_num(rj, "load.steps.0.concurrency"), 3);
    CHECK_INT_EQ(ls_num(rj, "load.steps.0.in_flight_max"), 3);
    cJSON_Delete(rj);
    rs_lines_free(&l);
    free(out);
}

static void suite_prompts(void)
{
    char *out = ls_path(&e, "suite");
    struct proc_result p;
    char suite[1200];
    snprintf(suite, sizeof(suite), "%s/tests/data/mini_suite.json", assay_src());
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "fast", "--rate", "40", "--requests", "12",
                           "--suite", suite, "--seed", "9", "--out", out, "-q", NULL), 0);
    CHECK_MSG(p.status == 0, "exit %d: %s", p.status, p.err);
    proc_result_free(&p);
    struct rs_lines l = records(out, "");
    CHECK_INT_EQ(l.n, 12);
    qsort(l.v, l.n, sizeof(cJSON *), by_intended);
    /* five items, each sent before any is sent again (a permutation,
     * repeated): requests k and k+5 carry the same item */
    for (size_t i = 0; i < l.n; i++) {
        CHECK_STR_EQ(ls_str(l.v[i], "suite"), "mini");
        if (i + 5 < l.n)
            CHECK_STR_EQ(ls_str(l.v[i], "item"), ls_str(l.v[i + 5], "item"));
    }
    int distinct = 0;
    for (size_t i = 0; i < 5; i++) {
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            dup |= strcmp(ls_str(l.v[i], "item"), ls_str(l.v[k], "item")) == 0;
        distinct += !dup;
    }
    CHECK_INT_EQ(distinct, 5);
    cJSON *rj = run_json(out);
    CHECK(ls_at(rj, "suites.mini") != NULL);
    CHECK_STR_EQ(ls_str(rj, "load.prompts.source"), "suites");
    cJSON_Delete(rj);
    rs_lines_free(&l);
    free(out);
}

int main(void)
{
    if (ls_start(&e, "load-records", NULL, "fast", "mock-fast",
                 "\"pricing\":{\"input_per_mtok\":1,\"output_per_mtok\":2}") < 0)
        return 1;
    cfg = e.cfg;
    logpath = e.log;
    fixed_rate_and_truth();
    poisson_schedule();
    closed_loop();
    suite_prompts();
    ls_stop(&e);
    return check_done();
}
