/* aggregate.h -- per backend x suite (and per tag slice) figures from a
 * run: quality with confidence intervals, pass rates, error rates,
 * latency percentiles with intervals, tokens and cost.
 *
 * Rules (docs/reports.md): only successful, non-cached requests count
 * toward latency; every planned request counts toward the error rate; a
 * failed request scores the suite's failure score (0 by default for
 * higher-is-better metrics; excluded for lower-is-better ones) and the
 * group says how many were so scored. Intervals: bootstrap for means
 * (seeded per group and metric, so reordering records changes nothing),
 * Wilson for rates, order statistics for percentiles. */
#ifndef ASSAY_AGGREGATE_H
#define ASSAY_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "reports/runfolder.h"
#include "reports/stats.h"

struct agg_options {
    double level;          /* confidence level, default 0.95 */
    int resamples;         /* bootstrap resamples, default 1000 */
    uint64_t seed;         /* default 1 */
    const char *slice_tag; /* also group by this record tag (e.g. "domain"), or NULL */
};

struct dist {
    size_t n;
    double mean, min, max, p50, p90, p95, p99;
    struct interval p50_ci, p95_ci, p99_ci;
};

/* Where a group's latency goes (libcurl's phases), over successful
 * non-cached requests whose records carry connect_ms and tls_ms. A
 * request opened a new connection when either is > 0 (both are 0 on a
 * reused one). */
struct phases {
    size_t n;              /* requests counted */
    size_t new_conns;      /* of which opened a connection */
    size_t untimed;        /* successful non-cached requests without phases */
    struct dist connect;   /* TCP connect, new connections only */
    struct dist tls;       /* TLS handshake, new connections that did one */
    struct dist first_byte;/* to the first response byte, all n */
    char versions[32];     /* HTTP versions seen, "1.1+2"; "" if none recorded */
};

struct metric_agg {
    char name[96];         /* "rouge.rougeLsum", "length.pass" */
    int is_pass;           /* boolean scores: mean is the pass rate */
    size_t n;              /* values averaged (incl. failure scores) */
    size_t failed_scored;  /* of which failed requests given the failure score */
    size_t passes;         /* is_pass: count of true */
    double mean;
    struct interval ci;    /* bootstrap for numbers, Wilson for pass rates */
    double *values;        /* per-record values in record order (owned), for pairing */
    const char **items;    /* item id of each value (borrowed), for pairing */
};

struct group {
    const char *backend, *suite;   /* borrowed from the run */
    char slice[128];               /* "" for all items, else "tag=value" */
    size_t planned, ok, failed, timeouts, cached, rate_limited, retried;
    double error_rate;
    struct interval error_ci;
    struct metric_agg *metrics;
    size_t nmetrics;
    const char *primary;           /* primary metric name (borrowed), or NULL */
    int higher_is_better;
    struct dist e2e, ttft, itl, tps;
    struct phases phases;
    double in_tokens_mean, out_tokens_mean;
    long in_tokens_total, out_tokens_total;
    int usage_estimated;           /* some usage was estimated */
    double cost_total, cost_per_request, cost_per_1k;
    double throughput_rps;         /* ok requests / time span of the group's requests */
    double quality;                /* primary metric mean, NAN if none */
    double quality_per_dollar;     /* quality / cost per request */
    double cost_per_pass;          /* cost_total / passing items, when primary is a pass rate or a threshold */
};

struct aggregate {
    struct group *groups;
    size_t n;
    struct agg_options opt;
};

int  aggregate_run(const struct run *r, const struct agg_options *o, struct aggregate *out,
                   struct diag *d);
void aggregate_release(struct aggregate *a);

/* The group for (backend, suite, slice "" = all), or NULL. Suite "*"
 * pools every suite of a backend (latency, errors, tokens, cost and
 * throughput; no quality metrics: they differ per suite). */
const struct group *aggregate_find(const struct aggregate *a, const char *backend,
                                   const char *suite, const char *slice);
const struct metric_agg *group_metric(const struct group *g, const char *name);

#endif
