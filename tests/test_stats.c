/* test_stats.c -- reports/stats against values computed by hand (the
 * arithmetic is in the comments) and bootstrap reproducibility. */
#include "check.h"

#include "reports/stats.h"

static void test_percentiles(void)
{
    double a[] = { 4, 1, 3, 2 };
    /* sorted 1 2 3 4; p50: h = 1.5 -> 2 + 0.5 = 2.5; p95: h = 2.85 -> 3.85 */
    CHECK_NEAR(stats_percentile(a, 4, 0.5), 2.5, 1e-12);
    CHECK_NEAR(stats_percentile(a, 4, 0.95), 3.85, 1e-12);
    CHECK_NEAR(stats_percentile(a, 4, 0.0), 1, 0);
    CHECK_NEAR(stats_percentile(a, 4, 1.0), 4, 0);
    CHECK_NEAR(a[0], 4, 0);   /* input untouched */
    double b[] = { 10, 20, 30, 40, 50 };
    /* p90: h = 3.6 -> 40 + 0.6 * 10 = 46 */
    CHECK_NEAR(stats_percentile(b, 5, 0.9), 46, 1e-12);
    double one[] = { 7 };
    CHECK_NEAR(stats_percentile(one, 1, 0.99), 7, 0);
    CHECK(isnan(stats_percentile(one, 0, 0.5)));
    CHECK_NEAR(stats_mean(b, 5), 30, 0);
    /* sd: deviations -20 -10 0 10 20, squares sum 1000, /4 = 250 */
    CHECK_NEAR(stats_sd(b, 5), sqrt(250), 1e-12);
}

static void test_wilson(void)
{
    /* 8 of 10 at 95%: z = 1.959964, centre = (0.8 + z^2/20) / (1 + z^2/10)
     * = 0.716728, half = z sqrt(0.016 + z^2/400) / (1 + z^2/10) = 0.226535 */
    struct interval w = stats_wilson(8, 10, 0.95);
    CHECK_NEAR(w.lo, 0.490162, 1e-6);
    CHECK_NEAR(w.hi, 0.943318, 1e-6);
    /* 0 of 20: lower bound 0, upper z^2/(n + z^2) = 3.8415/23.8415 = 0.161125 */
    w = stats_wilson(0, 20, 0.95);
    CHECK_NEAR(w.lo, 0, 1e-12);
    CHECK_NEAR(w.hi, 0.161125, 1e-6);
    w = stats_wilson(0, 0, 0.95);
    CHECK(isnan(w.lo));
}

static void test_mcnemar_holm(void)
{
    /* b = 1, c = 9: 2 * P(X <= 1), X ~ Bin(10, 1/2) = 2 * 11/1024 */
    CHECK_NEAR(stats_mcnemar_exact(1, 9), 22.0 / 1024, 1e-12);
    CHECK_NEAR(stats_mcnemar_exact(9, 1), 22.0 / 1024, 1e-12);
    CHECK_NEAR(stats_mcnemar_exact(5, 5), 1.0, 1e-12);
    CHECK_NEAR(stats_mcnemar_exact(0, 0), 1.0, 0);
    /* large n stays finite: 2 * P(X <= 400), n = 1000, far below 1e-9 */
    CHECK(stats_mcnemar_exact(400, 600) < 1e-9);

    /* Holm: sorted 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04,
     * raised to 0.06 for monotonicity) */
    double p[] = { 0.01, 0.04, 0.03 };
    stats_holm(p, 3);
    CHECK_NEAR(p[0], 0.03, 1e-12);
    CHECK_NEAR(p[1], 0.06, 1e-12);
    CHECK_NEAR(p[2], 0.06, 1e-12);
}

static void test_quantile_and_size(void)
{
    CHECK_NEAR(stats_normal_quantile(0.975), 1.959963984540054, 1e-12);
    CHECK_NEAR(stats_normal_quantile(0.5), 0, 1e-15);
    CHECK_NEAR(stats_normal_quantile(0.001), -3.090232306167813, 1e-12);
    /* sd 10, delta 2, alpha 0.05, power 0.8: (2.801585 * 5)^2 = 196.22 -> 197 */
    CHECK_INT_EQ(stats_sample_size(10, 2, 0.05, 0.8), 197);
    CHECK(stats_sample_size(INFINITY, 2, 0.05, 0.8) == SIZE_MAX);
    CHECK(stats_sample_size(1e300, 1e-300, 0.05, 0.8) == SIZE_MAX);
}

static void test_bootstrap(void)
{
    double x[50];
    for (int i = 0; i < 50; i++)
        x[i] = (i * 37) % 11;
    struct interval a = stats_bootstrap_mean(x, 50, 0.95, 2000, 7);
    struct interval b = stats_bootstrap_mean(x, 50, 0.95, 2000, 7);
    CHECK(a.lo == b.lo && a.hi == b.hi);                 /* same seed, same interval */
    struct interval c = stats_bootstrap_mean(x, 50, 0.95, 2000, 8);
    CHECK(a.lo != c.lo || a.hi != c.hi);                 /* another seed differs */
    double m = stats_mean(x, 50);
    CHECK(a.lo < m && m < a.hi);
    /* Width near 2 * 1.96 * sd / sqrt(n). */
    double expect = 2 * 1.96 * stats_sd(x, 50) / sqrt(50);
    CHECK_NEAR(a.hi - a.lo, expect, 0.15 * expect);

    double k[] = { 3, 3, 3, 3 };
    struct interval constant = stats_bootstrap_mean(k, 4, 0.95, 500, 1);
    CHECK_NEAR(constant.lo, 3, 0);
    CHECK_NEAR(constant.hi, 3, 0);

    struct interval p95 = stats_bootstrap_percentile(x, 50, 0.95, 0.95, 1000, 3);
    CHECK(p95.lo <= stats_percentile(x, 50, 0.95) && stats_percentile(x, 50, 0.95) <= p95.hi);

    /* Paired: b = a - 1 exactly -> difference 1, interval [1, 1], p = 0. */
    double pa[20], pb[20];
    for (int i = 0; i < 20; i++) {
        pa[i] = i;
        pb[i] = i - 1;
    }
    struct paired_result pr = stats_paired_bootstrap(pa, pb, 20, 0.95, 1000, 5);
    CHECK_NEAR(pr.mean_diff, 1, 1e-12);
    CHECK_NEAR(pr.ci.lo, 1, 1e-12);
    CHECK_NEAR(pr.p_value, 0, 0);
    /* Identical systems: difference 0, p = 1. */
    pr = stats_paired_bootstrap(pa, pa, 20, 0.95, 1000, 5);
    CHECK_NEAR(pr.mean_diff, 0, 0);
    CHECK_NEAR(pr.p_value, 1, 0);
}

static void test_percentile_ci(void)
{
    double x[100];
    for (int i = 0; i < 100; i++)
        x[i] = i + 1;   /* 1..100 */
    /* p95, n = 100: np = 95, half = 1.96 sqrt(4.75) = 4.27 -> ranks
     * floor(90.73) = 90 and ceil(99.27) + 1 = 101 -> clamped to 100 */
    struct interval iv = stats_percentile_ci_sorted(x, 100, 0.95, 0.95);
    CHECK_NEAR(iv.lo, 90, 0);
    CHECK_NEAR(iv.hi, 100, 0);
    /* p50: np = 50, half = 1.96 * 5 = 9.8 -> ranks 40 and 61 */
    iv = stats_percentile_ci_sorted(x, 100, 0.5, 0.95);
    CHECK_NEAR(iv.lo, 40, 0);
    CHECK_NEAR(iv.hi, 61, 0);
    /* Few samples: the interval spans the data. */
    iv = stats_percentile_ci_sorted(x, 5, 0.95, 0.95);
    CHECK_NEAR(iv.hi, 5, 0);
}

int main(void)
{
    test_percentile_ci();
    test_percentiles();
    test_wilson();
    test_mcnemar_holm();
    test_quantile_and_size();
    test_bootstrap();
    return check_done();
}
