/* stats.c -- see stats.h.
 *
 * Bootstrap: B resamples of n indices drawn uniformly with replacement
 * (rng_below), statistic per resample, then the (1-level)/2 and
 * (1+level)/2 percentiles of the B statistics with the same type-7 rule.
 * O(B n) time, O(B) memory for the mean; the percentile bootstrap needs a
 * sorted copy per resample, O(B n log n), fine for latency samples of a
 * few thousand. */
#include "stats.h"

#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_sort(double *x, size_t n)
{
    qsort(x, n, sizeof(*x), cmp_double);
}

double stats_mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

double stats_sd(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    double m = stats_mean(x, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}

double stats_percentile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    if (p <= 0)
        return sorted[0];
    if (p >= 1)
        return sorted[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double stats_percentile(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double *c = xmalloc(n * sizeof(*c));
    memcpy(c, x, n * sizeof(*c));
    stats_sort(c, n);
    double q = stats_percentile_sorted(c, n, p);
    free(c);
    return q;
}

static struct interval interval_of(double *stat, size_t b, double level)
{
    stats_sort(stat, b);
    struct interval iv = {
        stats_percentile_sorted(stat, b, (1 - level) / 2),
        stats_percentile_sorted(stat, b, (1 + level) / 2),
    };
    return iv;
}

struct interval stats_bootstrap_mean(const double *x, size_t n, double level, int resamples,
                                     uint64_t seed)
{
    struct interval none = { NAN, NAN };
    if (n == 0 || resamples <= 0)
        return none;
    struct rng r;
    rng_seed(&r, seed);
    double *stat = xmalloc((size_t)resamples * sizeof(*stat));
    for (int b = 0; b < resamples; b++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += x[rng_below(&r, n)];
        stat[b] = s / (double)n;
    }
    struct interval iv = interval_of(stat, (size_t)resamples, level);
    free(stat);
    return iv;
}

struct interval stats_bootstrap_percentile(const double *x, size_t n, double p, double level,
                                           int resamples, uint64_t seed)
{
    struct interval none = { NAN, NAN };
    if (n == 0 || resamples <= 0)
        return none;
    struct rng r;
    rng_seed(&r, seed);
    double *stat = xmalloc((size_t)resamples * sizeof(*stat));
    double *sample = xmalloc(n * sizeof(*sample));
    for (int b = 0; b < resamples; b++) {
        for (size_t i = 0; i < n; i++)
            sample[i] = x[rng_below(&r, n)];
        stats_sort(sample, n);
        stat[b] = stats_percentile_sorted(sample, n, p);
    }
    struct interval iv = interval_of(stat, (size_t)resamples, level);
    free(sample);
    free(stat);
    return iv;
}

struct interval stats_percentile_ci_sorted(const double *sorted, size_t n, double p,
                                           double level)
{
    struct interval none = { NAN, NAN };
    if (n == 0)
        return none;
    double z = stats_normal_quantile((1 + level) / 2);
    double np = (double)n * p, half = z * sqrt(np * (1 - p));
    /* 1-based ranks, converted to indices and clamped. */
    double lo_rank = floor(np - half), hi_rank = ceil(np + half) + 1;
    size_t lo = lo_rank < 1 ? 0 : (size_t)lo_rank - 1;
    size_t hi = hi_rank > (double)n ? n - 1 : (size_t)hi_rank - 1;
    struct interval iv = { sorted[lo], sorted[hi] };
    return iv;
}

struct interval stats_wilson(size_t k, size_t n, double level)
{
    struct interval none = { NAN, NAN };
    if (n == 0)
        return none;
    double z = stats_normal_quantile((1 + level) / 2);
    double phat = (double)k / (double)n, nn = (double)n;
    double denom = 1 + z * z / nn;
    double centre = (phat + z * z / (2 * nn)) / denom;
    double half = z * sqrt(phat * (1 - phat) / nn + z * z / (4 * nn * nn)) / denom;
    struct interval iv = { centre - half, centre + half };
    if (iv.lo < 0)
        iv.lo = 0;
    if (iv.hi > 1)
        iv.hi = 1;
    return iv;
}

struct paired_result stats_paired_bootstrap(const double *a, const double *b, size_t n,
                                            double level, int resamples, uint64_t seed)
{
    struct paired_result res = { NAN, { NAN, NAN }, NAN, n };
    if (n == 0 || resamples <= 0)
        return res;
    double *d = xmalloc(n * sizeof(*d));
    for (size_t i = 0; i < n; i++)
        d[i] = a[i] - b[i];
    res.mean_diff = stats_mean(d, n);
    struct rng r;
    rng_seed(&r, seed);
    double *stat = xmalloc((size_t)resamples * sizeof(*stat));
    size_t below = 0, above = 0;
    for (int k = 0; k < resamples; k++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += d[rng_below(&r, n)];
        stat[k] = s / (double)n;
        if (stat[k] <= 0)
            below++;
        if (stat[k] >= 0)
            above++;
    }
    res.ci = interval_of(stat, (size_t)resamples, level);
    double tail = (double)(below < above ? below : above) / (double)resamples;
    res.p_value = fmin(1.0, 2 * tail);
    free(stat);
    free(d);
    return res;
}

double stats_mcnemar_exact(size_t only_a, size_t only_b)
{
    size_t n = only_a + only_b;
    if (n == 0)
        return 1.0;
    size_t k = only_a < only_b ? only_a : only_b;
    /* P(X <= k) for X ~ Binomial(n, 1/2), summed in log space. */
    double lognf = lgamma((double)n + 1), sum = 0;
    for (size_t i = 0; i <= k; i++)
        sum += exp(lognf - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) - (double)n * M_LN2);
    return fmin(1.0, 2 * sum);
}

void stats_holm(double *p, size_t m)
{
    if (m == 0)
        return;
    size_t *order = xmalloc(m * sizeof(*order));
    for (size_t i = 0; i < m; i++)
        order[i] = i;
    /* Insertion sort by p ascending: m is the number of backend pairs. */
    for (size_t i = 1; i < m; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && p[order[j - 1]] > p[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    double running = 0;
    for (size_t r = 0; r < m; r++) {
        double adj = fmin(1.0, (double)(m - r) * p[order[r]]);
        if (adj < running)
            adj = running;   /* keep adjusted p-values monotone */
        running = adj;
        p[order[r]] = adj;
    }
    free(order);
}

double stats_normal_quantile(double p)
{
    /* Acklam's rational approximation, then one Halley step on erfc for
     * full double precision. */
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00 };
    if (p <= 0)
        return -INFINITY;
    if (p >= 1)
        return INFINITY;
    double q, x;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
        q = p - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = 0.5 * erfc(-x / M_SQRT2) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

size_t stats_sample_size(double sd_diff, double delta, double alpha, double power)
{
    if (!(delta > 0) || !(sd_diff >= 0))
        return 0;
    double z = stats_normal_quantile(1 - alpha / 2) + stats_normal_quantile(power);
    double n = ceil(pow(z * sd_diff / delta, 2));
    /* An infinite or huge spread must not overflow the cast. */
    if (!(n < (double)SIZE_MAX / 2))
        return SIZE_MAX;
    return (size_t)n;
}
