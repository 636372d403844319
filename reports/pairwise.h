/* pairwise.h -- which backend is better on a suite, claimed only when the
 * data supports it, and how many items a suite needs to tell.
 *
 * For every suite and every pair of backends run on it, the suite's
 * primary metric is compared on the items both answered (values averaged
 * per item over repeats; failures scored as the aggregate scored them):
 * McNemar's exact test for a pass/fail metric with one outcome per item,
 * else the paired bootstrap of the mean difference. p-values are
 * Holm-adjusted across the pairs of a suite; a winner is named only when
 * the adjusted p is below alpha. Sample size: from the standard deviation
 * of the paired differences, the items needed to detect a difference of
 * delta at two-sided alpha with the given power (stats_sample_size); a
 * suite with one backend uses sd * sqrt(2) (an independent second backend
 * of the same spread). docs/reports.md states every rule. */
#ifndef ASSAY_PAIRWISE_H
#define ASSAY_PAIRWISE_H

#include <stddef.h>
#include <stdint.h>

#include "reports/aggregate.h"

/* A difference to detect: key is a suite or a metric name. */
struct detect {
    char key[96];
    double delta;
};

struct pairwise_options {
    double level;            /* interval level, default 0.95 */
    double alpha, power;     /* default 0.05 and 0.8 */
    int resamples;           /* bootstrap resamples, default 1000 */
    uint64_t seed;           /* default 1 */
    const struct detect *detect;   /* borrowed overrides of the default delta */
    size_t ndetect;
    const char *const *order;      /* backends in the order pairs are formed (borrowed); */
    size_t norder;                 /* none: the order they first appear in the aggregate */
};

struct pair_cmp {
    const char *suite, *metric;    /* borrowed from the aggregate */
    const char *a, *b;             /* backends; b is NULL for a suite run on one backend */
    int is_pass, higher_is_better;
    size_t n;                      /* items both answered (or a's items when b is NULL) */
    size_t unmatched;              /* items only one of the two answered */
    double mean_a, mean_b;         /* over the paired items */
    double diff;                   /* mean of a - b */
    struct interval diff_ci;       /* paired bootstrap */
    const char *test;              /* "McNemar exact", "paired bootstrap", NULL when b is NULL */
    size_t only_a, only_b;         /* McNemar: items only a passed / only b passed */
    double p, p_holm;              /* NAN when b is NULL */
    int winner;                    /* 1: a is better, -1: b is better, 0: no claim */
    double sd_diff;                /* sd of the paired differences (estimated when b is NULL) */
    double delta;                  /* difference the sample size is for */
    size_t needed;                 /* items needed to detect delta; 0 if unknown */
    int beyond;                    /* spread so wide no practical item count would do */
};

struct pairwise {
    struct pair_cmp *c;
    size_t n;
    double alpha, power;
};

/* Default difference worth detecting for a metric: 0.05 for pass rates,
 * 2 points for metrics on a 0-100 scale (chrF, BLEU: any value above 1),
 * else 0.02 (ROUGE, F1). */
double pairwise_default_delta(const struct metric_agg *m);

int  pairwise_run(const struct aggregate *a, const struct pairwise_options *o,
                  struct pairwise *out, struct diag *d);
void pairwise_release(struct pairwise *p);

#endif
