/* test_run_sched.c -- the scheduler on a fake clock: global and
 * per-backend concurrency, backends taken in turn, requests-per-minute and
 * tokens-per-minute buckets (and the wake time they give), retries in wake
 * order, full-jitter bounds and server-requested delays, adaptive
 * concurrency (halve on 429 at most once a second, +1/limit per success),
 * and the intended start time of a job that waited. */
#include "check.h"
#include "harness/sched.h"

#define MS 1000000LL
#define S 1000000000LL

static double cost_fn(void *ud, size_t job)
{
    (void)ud;
    return job >= 100 ? 1000 : 10;
}

int main(void)
{
    struct retry_conf rc = { 5, 100, 1000, 120000 };
    struct limits none = { 0, 0, 0, 0 };
    size_t job, b;
    mono_ns intended;

    /* Global limit 3, two backends, one limited to 1 at a time. */
    struct sched *s = sched_new(2, 3, &rc, 1, cost_fn, NULL);
    struct limits one = { 1, 0, 0, 0 };
    sched_backend(s, 0, &one, 0);
    sched_backend(s, 1, &none, 0);
    for (size_t i = 0; i < 4; i++) {
        sched_push(s, 0, i, 0);
        sched_push(s, 1, 10 + i, 0);
    }
    mono_ns t = 5 * S;
    CHECK(sched_next(s, t, &job, &b, &intended));
    CHECK_INT_EQ(job, 0);
    CHECK_INT_EQ(b, 0);
    CHECK_INT_EQ(intended, 0);   /* ready since 0, nothing blocked it */
    CHECK(sched_next(s, t, &job, &b, &intended));
    CHECK_INT_EQ(job, 10);       /* the other backend's turn */
    CHECK(sched_next(s, t, &job, &b, &intended));
    CHECK_INT_EQ(job, 11);       /* backend 0 is at its limit of 1 */
    CHECK(!sched_next(s, t, &job, &b, &intended));   /* global limit 3 */
    CHECK_INT_EQ(sched_waiting(s), 5);
    /* Backend 0's job ends at t+10ms (last byte); the loop starts the next
     * one at t+12ms: intended is when the slot freed. */
    sched_finished(s, 0, t + 10 * MS, 10, 10, 0, 1);
    CHECK(sched_next(s, t + 12 * MS, &job, &b, &intended));
    CHECK_INT_EQ(job, 1);
    CHECK_INT_EQ(intended, t + 10 * MS);
    sched_free(s);

    /* Retries come back in wake order, not before their time. */
    s = sched_new(1, 10, &rc, 1, NULL, NULL);
    sched_backend(s, 0, &none, 0);
    sched_retry(s, 0, 7, 300 * MS);
    sched_retry(s, 0, 5, 100 * MS);
    sched_retry(s, 0, 6, 200 * MS);
    CHECK(!sched_next(s, 50 * MS, &job, &b, &intended));
    CHECK_INT_EQ(sched_next_wake(s, 50 * MS), 100 * MS);
    CHECK(sched_next(s, 250 * MS, &job, &b, &intended));
    CHECK_INT_EQ(job, 5);
    CHECK_INT_EQ(intended, 100 * MS);   /* its wait ended at 100 ms */
    CHECK(sched_next(s, 250 * MS, &job, &b, &intended));
    CHECK_INT_EQ(job, 6);
    CHECK(!sched_next(s, 250 * MS, &job, &b, &intended));
    CHECK_INT_EQ(sched_drop_all(s), 1);
    CHECK_INT_EQ(sched_waiting(s), 0);

    /* Backoff: full jitter under min(cap, base * 2^n); the server's delay as given. */
    for (int attempt = 2; attempt <= 8; attempt++) {
        double bound = 100;
        for (int i = 2; i < attempt; i++)
            bound *= 2;
        if (bound > 1000)
            bound = 1000;
        double maxseen = 0;
        for (int k = 0; k < 2000; k++) {
            double d = (double)sched_backoff(s, attempt, -1) / MS;
            CHECK(d >= 0 && d <= bound);
            if (d > maxseen)
                maxseen = d;
        }
        CHECK_MSG(maxseen > 0.9 * bound, "attempt %d: jitter never near its bound", attempt);
    }
    CHECK_INT_EQ(sched_backoff(s, 2, 1500), 1500 * MS);
    CHECK_INT_EQ(sched_backoff(s, 2, 0), 0);
    sched_free(s);

    /* 60 requests per minute: one a second after the first. */
    s = sched_new(1, 100, &rc, 1, cost_fn, NULL);
    struct limits rpm = { 0, 60, 0, 0 };
    sched_backend(s, 0, &rpm, 0);
    for (size_t i = 0; i < 5; i++)
        sched_push(s, 0, i, 0);
    t = 10 * S;
    CHECK(sched_next(s, t, &job, &b, &intended));
    CHECK(!sched_next(s, t, &job, &b, &intended));
    CHECK_INT_EQ(sched_next_wake(s, t), t + S);
    CHECK(!sched_next(s, t + S / 2, &job, &b, &intended));
    CHECK(sched_next(s, t + S, &job, &b, &intended));
    CHECK_INT_EQ(intended, t + S);   /* its token came at t + 1 s */
    sched_free(s);

    /* 600 tokens per minute (10 a second, capacity 10): a job costing 10
     * waits for a full bucket; one costing 1000 waits for a full bucket and
     * then drives it negative; the correction comes when it ends. */
    s = sched_new(1, 100, &rc, 1, cost_fn, NULL);
    struct limits tpm = { 0, 0, 600, 0 };
    sched_backend(s, 0, &tpm, 0);
    sched_push(s, 0, 1, 0);
    sched_push(s, 0, 100, 0);
    sched_push(s, 0, 2, 0);
    t = 10 * S;
    CHECK(sched_next(s, t, &job, &b, &intended));
    CHECK_INT_EQ(job, 1);
    CHECK(!sched_next(s, t, &job, &b, &intended));
    CHECK(sched_next(s, t + S, &job, &b, &intended));
    CHECK_INT_EQ(job, 100);   /* level 10 -> -990 */
    CHECK(!sched_next(s, t + 50 * S, &job, &b, &intended));   /* still below 10 */
    /* It used only 10 tokens: 990 come back. */
    sched_finished(s, 0, t + 50 * S, 1000, 10, 0, 1);
    CHECK(sched_next(s, t + 50 * S, &job, &b, &intended));
    CHECK_INT_EQ(job, 2);
    sched_free(s);

    /* Adaptive concurrency: starts at max_concurrent, halves on a 429 at
     * most once a second, grows by 1/limit per success, never above max. */
    s = sched_new(1, 100, &rc, 1, NULL, NULL);
    struct limits lim = { 8, 0, 0, 0 };
    sched_backend(s, 0, &lim, 1);
    for (size_t i = 0; i < 100; i++)
        sched_push(s, 0, i, 0);
    size_t started = 0;
    while (sched_next(s, S, &job, &b, &intended))
        started++;
    CHECK_INT_EQ(started, 8);
    sched_finished(s, 0, 2 * S, 0, -1, 1, 0);
    sched_finished(s, 0, 2 * S + 10 * MS, 0, -1, 1, 0);   /* same burst: no second halving */
    struct sched_stats st;
    sched_stats(s, 0, &st);
    CHECK_INT_EQ(st.rate_limited, 2);
    CHECK_NEAR(st.limit_now, 4, 1e-9);
    CHECK_NEAR(st.limit_min, 4, 1e-9);
    sched_finished(s, 0, 4 * S, 0, -1, 1, 0);
    sched_stats(s, 0, &st);
    CHECK_NEAR(st.limit_now, 2, 1e-9);
    started = 0;
    while (sched_next(s, 5 * S, &job, &b, &intended))
        started++;
    CHECK_INT_EQ(started, 0);   /* 5 in flight > limit 2 */
    for (int k = 0; k < 5; k++)
        sched_finished(s, 0, 6 * S, 0, -1, 0, 1);
    sched_stats(s, 0, &st);
    CHECK(st.limit_now > 2 && st.limit_now < 5);
    for (int k = 0; k < 1000; k++) {
        if (sched_next(s, 7 * S, &job, &b, &intended))
            sched_finished(s, 0, 7 * S, 0, -1, 0, 1);
    }
    sched_stats(s, 0, &st);
    CHECK_NEAR(st.limit_now, 8, 1e-9);   /* back to the configured maximum, not above */
    sched_free(s);
    return check_done();
}
