/* test_load_omission.c -- no coordinated omission.
 *
 * A mock model serves 2 requests at a time, each in 100 ms: 20 req/s at
 * most. The client offers 40 req/s, so a queue must build somewhere and
 * grow by 20 requests a second. The test puts it in two places:
 *
 *   A. in the client: --max-in-flight 2 holds requests back, exactly what
 *      a closed-loop generator does. The mock never queues (its log says
 *      so) and the service time from the actual send stays 100 ms -- the
 *      figure a coordinated-omission tool would report -- while latency
 *      from the intended send grows with the queue, request after request,
 *      as theory says (request k waits about k/40 s).
 *   B. in the server: no cap, the mock queues; the service time grows and
 *      the intended-time latency with it; the send lag stays small.
 *
 * Either way the queue is in the reported latency. Only lower bounds are
 * asserted on anything a slow machine could stretch (a timer never fires
 * early), and ratios between early and late requests of one run. */
#include "load_support.h"
#include "support/proc.h"

#include <stdlib.h>

enum { N = 60 };

struct rec {
    double lag, e2e, svc;
};

static int by_repeat(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return ls_num(x, "repeat") < ls_num(y, "repeat") ? -1 : ls_num(x, "repeat") > ls_num(y, "repeat");
}

/* Reads OUT's records into r (by repeat); returns how many were ok. */
static size_t read_records(const char *out, struct rec *r)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/results.jsonl", out);
    struct rs_lines l = rs_read_jsonl(path);
    CHECK_INT_EQ(l.n, N);
    qsort(l.v, l.n, sizeof(cJSON *), by_repeat);
    size_t ok = 0;
    for (size_t i = 0; i < l.n && i < N; i++) {
        CHECK_INT_EQ(ls_num(l.v[i], "repeat"), i);
        CHECK_INT_EQ(ls_num(l.v[i], "step"), 0);
        ok += ls_str(l.v[i], "status") && strcmp(ls_str(l.v[i], "status"), "ok") == 0;
        r[i].lag = ls_num(l.v[i], "timing.send_lag_ms");
        r[i].e2e = ls_num(l.v[i], "timing.e2e_ms");
        r[i].svc = ls_num(l.v[i], "timing.service_e2e_ms");
        /* latency from the intended time = send lag + service time */
        CHECK_MSG(fabs(r[i].e2e - (r[i].lag + r[i].svc)) < 0.01, "record %zu: %g != %g + %g", i,
                  r[i].e2e, r[i].lag, r[i].svc);
    }
    rs_lines_free(&l);
    return ok;
}

/* Largest queue wait the mock logged from line `from` on, ms. */
static double mock_max_queue_ms(const char *log, size_t from, size_t *lines)
{
    struct rs_lines l = rs_read_jsonl(log);
    double m = 0;
    for (size_t i = from; i < l.n; i++)
        m = fmax(m, ls_num(l.v[i], "queue_ms"));
    *lines = l.n;
    rs_lines_free(&l);
    return m;
}

int main(void)
{
    struct ls_env e;
    if (ls_start(&e, "load-omission",
                 "{\"models\":[{\"name\":\"cap2\",\"capacity\":2,\"output_tokens\":1000,"
                 "\"latency\":{\"ttft_ms\":100,\"per_input_token_ms\":0,\"ttft_jitter_ms\":0,"
                 "\"itl_ms\":0}}]}", "slow", "cap2", "") < 0)
        return 1;
    const char *cfg = e.cfg, *log = e.log;
    char *outa = ls_path(&e, "client-queue"), *outb = ls_path(&e, "server-queue");
    struct rec r[N];
    const size_t tenth = N / 10;

    /* A: the queue is in the client (the cap plays the closed-loop tool). */
    struct proc_result p;
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "slow", "--rate", "40", "--requests", "60",
                           "--max-in-flight", "2", "--synthetic", "8:4", "--out", outa, "-q",
                           NULL), 0);
    CHECK_MSG(p.status == 0 || p.status == 1, "exit %d: %s", p.status, p.err);
    CHECK_CONTAINS(p.out, "waited for the max-in-flight cap (2)");
    proc_result_free(&p);
    CHECK_INT_EQ(read_records(outa, r), N);
    double e2e[N], svc[N];
    for (size_t i = 0; i < N; i++) {
        e2e[i] = r[i].e2e;
        svc[i] = r[i].svc;
    }
    double first_e2e = ls_median(e2e, 0, tenth);
    double last_e2e = ls_median(e2e, N - tenth, N);
    double first_svc = ls_median(svc, 0, tenth), last_svc = ls_median(svc, N - tenth, N);
    /* The last tenth (k about 57) was meant to leave at k/40 s and could
     * not leave before k/20 s: it waited at least about 1.3 s. */
    CHECK_MSG(last_e2e >= 1200, "latency from the intended time did not grow: last %.0f ms", last_e2e);
    CHECK_MSG(last_e2e >= 5 * first_e2e, "first %.0f ms, last %.0f ms", first_e2e, last_e2e);
    /* it grows request after request (the queue), not in one jump */
    CHECK_MSG(ls_median(e2e, N / 2 - 3, N / 2 + 3) > 2 * first_e2e &&
              ls_median(e2e, N / 2 - 3, N / 2 + 3) < last_e2e, "middle %.0f ms",
              ls_median(e2e, N / 2 - 3, N / 2 + 3));
    /* while the service time does not grow: the mock never saw a queue */
    CHECK_MSG(first_svc >= 100 && last_svc >= 100, "service %.0f / %.0f ms", first_svc, last_svc);
    CHECK_MSG(last_svc < 1.5 * first_svc, "service time grew: %.0f -> %.0f ms", first_svc, last_svc);
    size_t lines = 0;
    double q = mock_max_queue_ms(log, 0, &lines);
    CHECK_INT_EQ(lines, N);
    /* (a slot frees just after the last byte leaves the mock, so the next
     * request may wait a moment for it: tiny next to the client's queue) */
    CHECK_MSG(q < 100 && q < last_e2e / 10, "the mock queued a request for %.1f ms: the cap "
              "did not hold", q);
    char rj[1300];
    snprintf(rj, sizeof(rj), "%s/run.json", outa);
    cJSON *run = ls_json(rj);
    CHECK(ls_num(run, "load.steps.0.capped") > 0);
    CHECK_INT_EQ(ls_num(run, "load.steps.0.in_flight_max"), 2);
    /* the step's summary tells the same story */
    CHECK(ls_num(run, "load.steps.0.e2e_ms.p95") >= 1200);
    CHECK(ls_num(run, "load.steps.0.service_e2e_ms.p95") < 1.5 * ls_num(run, "load.steps.0.service_e2e_ms.p50"));
    cJSON_Delete(run);

    /* B: no cap, the queue is in the server; it shows all the same. */
    CHECK_INT_EQ(run_assay(&p, "load", cfg, "--backend", "slow", "--rate", "40", "--requests", "60",
                           "--synthetic", "8:4", "--out", outb, "-q", NULL), 0);
    CHECK_MSG(p.status == 0 || p.status == 1, "exit %d: %s", p.status, p.err);
    proc_result_free(&p);
    CHECK_INT_EQ(read_records(outb, r), N);
    for (size_t i = 0; i < N; i++) {
        e2e[i] = r[i].e2e;
        svc[i] = r[i].svc;
    }
    last_e2e = ls_median(e2e, N - tenth, N);
    last_svc = ls_median(svc, N - tenth, N);
    first_e2e = ls_median(e2e, 0, tenth);
    CHECK_MSG(last_e2e >= 1200 && last_e2e >= 5 * first_e2e, "first %.0f ms, last %.0f ms",
              first_e2e, last_e2e);
    CHECK_MSG(last_svc >= 1200, "service time did not show the server's queue: %.0f ms", last_svc);
    q = mock_max_queue_ms(log, N, &lines);
    CHECK_INT_EQ(lines, 2 * N);
    CHECK_MSG(q >= 1000, "the mock's queue: %.0f ms", q);
    double lag[N];
    for (size_t i = 0; i < N; i++)
        lag[i] = r[i].lag;
    /* the client kept to its schedule (generous: a loaded machine) */
    CHECK_MSG(ls_median(lag, 0, N) < 50, "median send lag %.1f ms", ls_median(lag, 0, N));

    free(outa);
    free(outb);
    ls_stop(&e);
    return check_done();
}
