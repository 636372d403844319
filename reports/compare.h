/* compare.h -- the regression gate behind `assay compare BASELINE CURRENT`.
 *
 * Items are matched by (suite, item id, backend); repeats of an item are
 * averaged first. For each suite x backend present in both runs the gate
 * checks every quality metric (paired bootstrap of the mean difference;
 * McNemar's exact test for pass/fail metrics), p95 latency (relative
 * change, bootstrap over each run's samples), cost per request (relative,
 * paired) and the error rate (absolute, McNemar). p-values are corrected
 * with Holm over all checks. A check is a regression only when the change
 * is worse than its threshold AND significant (adjusted p < 1 - level);
 * docs/compare.md. */
#ifndef ASSAY_COMPARE_H
#define ASSAY_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "reports/runfolder.h"
#include "reports/stats.h"

struct metric_threshold {
    char metric[128];        /* "rouge.rougeLsum", "primary" (each suite's primary), or "*" */
    double max_drop;         /* allowed worsening, in the metric's units */
};

struct compare_options {
    struct metric_threshold *th;
    size_t nth;
    double max_p95_increase;     /* relative (0.2 = +20%); NAN = not checked */
    double max_cost_increase;    /* relative; NAN = not checked */
    double max_error_increase;   /* absolute (0.02 = +2 points); NAN = not checked */
    double level;                /* 0.95 */
    int resamples;               /* 2000 */
    uint64_t seed;
};

/* Defaults: primary metric may not drop significantly at all, other
 * metrics are reported but not gated, p95 +20%, cost +10%, errors +2
 * points. */
void compare_options_init(struct compare_options *o);
void compare_options_release(struct compare_options *o);
int  compare_add_threshold(struct compare_options *o, const char *arg, struct diag *d);

struct check {
    char suite[96], backend[96];
    char name[160];              /* "quality rouge.rougeLsum", "latency p95", "cost per request", "error rate" */
    int gated;                   /* has a threshold */
    size_t n;                    /* paired items (latency: samples of the smaller run) */
    double baseline, current;
    double change;               /* quality: current - baseline (absolute); latency, cost: relative */
    struct interval ci;          /* of change */
    double p, p_adjusted;
    double threshold;            /* allowed worsening */
    int higher_is_better;
    int regression, improvement;
    char detail[512];
};

struct comparison {
    struct check *checks;
    size_t n;
    size_t regressions;
    size_t unmatched;            /* suite x backend groups present in only one run */
    char **notes;                /* what could not be compared, and why */
    size_t nnotes;
};

int  compare_runs(const struct run *base, const struct run *cur, const struct compare_options *o,
                  struct comparison *out, struct diag *d);
void comparison_release(struct comparison *c);

void compare_print(const struct comparison *c, int markdown, FILE *f);
/* JUnit XML: one test case per suite x backend x check. */
int  compare_write_junit(const struct comparison *c, const char *path, struct diag *d);

/* A small, committable baseline: the slim records of a run (scores,
 * status, latency, cost; no outputs) plus the suite and backend metadata.
 * run_load() reads it back as a run. */
int  summary_write(const struct run *r, const char *path, struct diag *d);

#endif
