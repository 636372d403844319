/* test_arrival.c -- arrival processes over seeded runs.
 *
 * Fixed rate: the k-th arrival at exactly k/rate, counts per duration
 * exact. Poisson: count in a window, mean and variance of the gaps, the
 * memoryless tail and the dispersion of counts per window, each within
 * five standard errors of the theory (the draws are seeded, so this is
 * deterministic; five standard errors is wide enough for every seed and
 * narrow enough that a wrong rate or a wrong distribution fails: a 2%
 * rate error already moves the mean by more than that). */
#include "check.h"
#include "harness/arrival.h"

#include <math.h>
#include <stdint.h>

static void fixed_rate(void)
{
    static const double rates[] = { 1, 3, 7.5, 10, 333, 1000, 2500 };
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
        struct arrival a;
        arrival_init(&a, ARRIVAL_FIXED, rates[r], 1);
        int64_t prev = -1;
        for (int64_t k = 0; k < 100000; k++) {
            int64_t t = arrival_next(&a);
            /* exactly k/rate, to the nanosecond (no drift after 1e5 arrivals) */
            CHECK_MSG(llabs(t - llround((double)k * 1e9 / rates[r])) <= 0, "rate %g k %lld: %lld",
                      rates[r], (long long)k, (long long)t);
            if (prev >= 0) {
                double gap = (double)(t - prev);
                if (fabs(gap - 1e9 / rates[r]) > 1.0) {
                    CHECK_MSG(0, "rate %g: gap %g ns at k %lld", rates[r], gap, (long long)k);
                    break;
                }
            }
            prev = t;
        }
    }
    /* Counts: what a duration holds. */
    CHECK_INT_EQ(arrival_fixed_count(10, 2), 20);
    CHECK_INT_EQ(arrival_fixed_count(0.1, 3), 1);     /* arrival at 0 only */
    CHECK_INT_EQ(arrival_fixed_count(3, 1), 3);
    CHECK_INT_EQ(arrival_fixed_count(7.5, 1), 8);     /* 0 .. 7/7.5 s */
    CHECK_INT_EQ(arrival_fixed_count(1000, 0.0015), 2);
    CHECK_INT_EQ(arrival_fixed_count(0.3, 10), 3);    /* 0, 3.33, 6.67 s */
    /* and they agree with the process itself */
    static const double durs[] = { 0.5, 1, 2.25, 10 };
    for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++)
        for (size_t d = 0; d < 4; d++) {
            struct arrival a;
            arrival_init(&a, ARRIVAL_FIXED, rates[r], 1);
            int64_t n = 0;
            while (arrival_next(&a) < (int64_t)llround(durs[d] * 1e9))
                n++;
            CHECK_MSG(n == arrival_fixed_count(rates[r], durs[d]), "rate %g for %g s: %lld vs %lld",
                      rates[r], durs[d], (long long)n,
                      (long long)arrival_fixed_count(rates[r], durs[d]));
        }
}

static void poisson(double rate, uint64_t seed)
{
    enum { N = 200000 };
    struct arrival a;
    arrival_init(&a, ARRIVAL_POISSON, rate, seed);
    double sum = 0, sumsq = 0, prev = 0;
    long tail = 0;
    double *t = malloc(N * sizeof(double));
    for (long i = 0; i < N; i++) {
        int64_t ns = arrival_next(&a);
        double s = (double)ns / 1e9;
        double gap = s - prev;
        CHECK(gap >= 0);
        sum += gap;
        sumsq += gap * gap;
        if (gap > 2.0 / rate)
            tail++;
        t[i] = s;
        prev = s;
    }
    double mean = sum / N, var = sumsq / N - mean * mean;
    double mu = 1 / rate, sd_mean = mu / sqrt(N);
    /* exponential: variance 1/rate^2, and the sample variance has sd
     * sqrt((mu4 - sigma^4) / n) = sqrt(8 / n) / rate^2 */
    double sd_var = sqrt(8.0 / N) / (rate * rate);
    CHECK_MSG(fabs(mean - mu) < 5 * sd_mean, "rate %g seed %llu: mean gap %g vs %g", rate,
              (unsigned long long)seed, mean, mu);
    CHECK_MSG(fabs(var - mu * mu) < 5 * sd_var, "rate %g seed %llu: gap variance %g vs %g", rate,
              (unsigned long long)seed, var, mu * mu);
    /* memoryless tail: P(gap > 2/rate) = e^-2 */
    double p = exp(-2), sd_p = sqrt(p * (1 - p) / N);
    CHECK_MSG(fabs((double)tail / N - p) < 5 * sd_p, "rate %g: tail share %g vs %g", rate,
              (double)tail / N, p);
    /* Counts in windows of 10 expected arrivals: mean 10, variance 10
     * (index of dispersion 1; evenly spaced arrivals would give 0). */
    double w = 10.0 / rate, horizon = t[N - 1];
    long nwin = (long)(horizon / w) - 1;
    long *cnt = calloc((size_t)nwin, sizeof(long));
    for (long i = 0; i < N; i++) {
        long k = (long)(t[i] / w);
        if (k < nwin)
            cnt[k]++;
    }
    double cs = 0, css = 0;
    for (long k = 0; k < nwin; k++) {
        cs += (double)cnt[k];
        css += (double)cnt[k] * (double)cnt[k];
    }
    double cm = cs / (double)nwin, cv = css / (double)nwin - cm * cm;
    CHECK_MSG(fabs(cm - 10) < 5 * sqrt(10.0 / (double)nwin), "window count mean %g", cm);
    /* the dispersion index of Poisson counts has sd about sqrt(2 / nwin) */
    CHECK_MSG(fabs(cv / cm - 1) < 5 * sqrt(2.0 / (double)nwin), "dispersion %g", cv / cm);
    /* Arrivals in [0, T) for T = 1000 expected: Poisson(1000), sd 31.6. */
    long in_t = 0;
    for (long i = 0; i < N && t[i] < 1000.0 / rate; i++)
        in_t++;
    CHECK_MSG(labs(in_t - 1000) < 5 * 32, "count in 1000/rate s: %ld", in_t);
    free(cnt);
    free(t);
}

static void determinism(void)
{
    struct arrival a, b, c;
    arrival_init(&a, ARRIVAL_POISSON, 50, 7);
    arrival_init(&b, ARRIVAL_POISSON, 50, 7);
    arrival_init(&c, ARRIVAL_POISSON, 50, 8);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        int64_t x = arrival_next(&a), y = arrival_next(&b), z = arrival_next(&c);
        same &= x == y;
        differ |= x != z;
    }
    CHECK(same);
    CHECK(differ);
    /* the first Poisson arrival comes after a gap, not at 0 */
    arrival_init(&a, ARRIVAL_POISSON, 50, 7);
    CHECK(arrival_next(&a) > 0);
    arrival_init(&a, ARRIVAL_FIXED, 50, 7);
    CHECK_INT_EQ(arrival_next(&a), 0);
}

int main(void)
{
    fixed_rate();
    static const double rates[] = { 0.5, 10, 1000 };
    for (size_t r = 0; r < 3; r++)
        for (uint64_t seed = 1; seed <= 3; seed++)
            poisson(rates[r], seed);
    determinism();
    return check_done();
}
