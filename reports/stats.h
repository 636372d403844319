/* stats.h -- the statistics behind every number a report claims.
 *
 * Percentiles use linear interpolation between closest ranks (Hyndman and
 * Fan type 7, numpy's default): for sorted x[0..n-1] and p in [0,1],
 * h = (n-1)p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * Bootstrap intervals are percentile intervals over B resamples drawn with
 * harness/util/rng.h from a caller-given seed, so a report is reproducible.
 * Functions taking arrays borrow them; none keeps a pointer. */
#ifndef ASSAY_STATS_H
#define ASSAY_STATS_H

#include <stddef.h>
#include <stdint.h>

struct interval {
    double lo, hi;
};

double stats_mean(const double *x, size_t n);            /* NAN if n == 0 */
double stats_sd(const double *x, size_t n);              /* sample sd (n-1); NAN if n < 2 */
/* Percentile of already sorted data; NAN if n == 0. */
double stats_percentile_sorted(const double *sorted, size_t n, double p);
/* Sorts a copy; x untouched. */
double stats_percentile(const double *x, size_t n, double p);
void   stats_sort(double *x, size_t n);

/* 95%-style interval for the mean by bootstrap (level e.g. 0.95). */
struct interval stats_bootstrap_mean(const double *x, size_t n, double level, int resamples,
                                     uint64_t seed);
/* Interval for the p-th percentile by bootstrap. */
struct interval stats_bootstrap_percentile(const double *x, size_t n, double p, double level,
                                           int resamples, uint64_t seed);

/* Distribution-free interval for the p-th percentile of sorted data from
 * order statistics (normal approximation to the binomial): ranks
 * np -/+ z sqrt(np(1-p)), clamped to the data. Exact enough for n >= 20,
 * O(1), and honest about small samples (wide intervals). */
struct interval stats_percentile_ci_sorted(const double *sorted, size_t n, double p,
                                           double level);

/* Wilson score interval for k successes out of n. */
struct interval stats_wilson(size_t k, size_t n, double level);

/* Paired comparison of a and b over the same n items (a[i] and b[i] are
 * the same item): mean of a-b, its bootstrap interval, and a two-sided
 * bootstrap p-value (twice the share of resampled means on the far side of
 * zero, capped at 1). */
struct paired_result {
    double mean_diff;
    struct interval ci;
    double p_value;
    size_t n;
};
struct paired_result stats_paired_bootstrap(const double *a, const double *b, size_t n,
                                            double level, int resamples, uint64_t seed);

/* McNemar's exact test for paired pass/fail: only_a = items A passed and B
 * failed, only_b the reverse. Two-sided exact binomial p-value. */
double stats_mcnemar_exact(size_t only_a, size_t only_b);

/* Holm-Bonferroni: adjusts p[0..m-1] in place (step-down, monotone). */
void stats_holm(double *p, size_t m);

/* Standard normal quantile (inverse CDF), p in (0,1). */
double stats_normal_quantile(double p);

/* Items needed to detect a mean paired difference delta with the given
 * sd of differences, two-sided alpha and power (normal approximation:
 * n = ((z_{1-alpha/2} + z_power) * sd / delta)^2, rounded up); SIZE_MAX
 * when that is beyond counting (infinite spread). */
size_t stats_sample_size(double sd_diff, double delta, double alpha, double power);

#endif
