/* plan.h -- what a run asks: every suite item x backend x repeat, in a
 * fixed order.
 *
 * The order is repeat, then suite (as configured), then item (dataset
 * order), then backend (as configured): the same item is asked of every
 * backend close together in time (a fair comparison when a provider's
 * load drifts), and a stopped run has whole repeats first. It depends only
 * on the config and the suites, never on timing, so a shard i/N can take a
 * deterministic slice of it. Suites are loaded (and checked, datasets and
 * scorers included) by plan_build, before any request. */
#ifndef ASSAY_PLAN_H
#define ASSAY_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/config.h"
#include "harness/shard.h"
#include "harness/suite.h"

struct plan_entry {
    uint32_t suite;     /* index into plan.suites */
    uint32_t item;      /* index into that suite's items */
    uint32_t backend;   /* index into plan.backends */
    uint32_t repeat;
};

struct plan {
    struct suite *suites;         /* owned, loaded */
    size_t nsuites;
    const struct backend_conf **backends;   /* borrowed from the config, planned order */
    size_t nbackends;
    long repeats;
    struct plan_entry *e;
    size_t n;
};

struct plan_filter {
    char **suites;                /* --suite (names), or NULL = the config's */
    size_t nsuites;
    char **backends;              /* --backend, or NULL = every backend not judge_only */
    size_t nbackends;
    long repeats;                 /* 0 = the config's */
    struct shard shard;           /* count 0 or 1 = the whole plan */
};

/* Loads the suites and builds the plan. Every problem is reported through
 * d (echo mode prints them all). */
int  plan_build(struct plan *p, const struct config *c, const struct plan_filter *f,
                struct diag *d);
void plan_release(struct plan *p);

/* Record key of entry i (results.h format) into out. */
void plan_key(const struct plan *p, size_t i, struct buf *out);

/* Estimated input tokens of entry i's rendered prompt for its backend. */
double plan_input_tokens(const struct plan *p, size_t i);

/* Prints the counts per suite x backend and the most the run could cost
 * under the pricing (max output tokens x output price + estimated input
 * x input price + per-request), for --dry-run. */
void plan_print(const struct plan *p, FILE *out);

#endif
