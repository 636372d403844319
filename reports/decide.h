/* decide.h -- the decision engine behind `assay choose`: which backend,
 * or which backend per suite, meets the constraints, ranked by an
 * objective, with the reason every other backend was excluded and what
 * relaxation would change the answer. Reads only a run (runfolder.h) and
 * its aggregate (aggregate.h); docs/choose.md states every rule.
 *
 * Figures per backend pool all its suites (latency percentiles, error
 * rate, cost per 1,000 requests in the run's traffic mix); quality is per
 * suite on the suite's primary metric. Per-hour (dedicated) prices are
 * amortised by the throughput the run measured: with a monthly volume the
 * number of instances needed is computed, else a stated utilisation is
 * assumed. */
#ifndef ASSAY_DECIDE_H
#define ASSAY_DECIDE_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "reports/aggregate.h"
#include "reports/cost.h"

enum objective { OBJ_CHEAPEST, OBJ_FASTEST, OBJ_QUALITY, OBJ_WEIGHTED };

struct quality_floor {
    char suite[96];
    double min;              /* on the suite's primary metric (max for lower-is-better) */
    int from_flag;           /* given on the command line: a suite the run lacks is an
                                error (a typo); from a config section it is skipped (a
                                run of some of the config's suites) */
};

struct attr_req {
    char key[64];
    char value[128];         /* compared as text; JSON true/false/numbers as printed */
};

struct suite_share {
    char suite[96];
    double weight;
};

/* What `assay load` found for a backend (its run.json "load" section): the
 * highest rate that met the load run's SLO. */
struct load_knee {
    char backend[96];
    int found;               /* some step met the SLO */
    double knee_rps;         /* requests/s at the knee */
    char slo[160];           /* the SLO, as text, for messages */
};

struct constraints {
    struct quality_floor *floors;
    size_t nfloors;
    int use_lower_bound;     /* compare the CI bound instead of the mean */
    double max_p95_ms, max_p99_ms, max_ttft_p95_ms;   /* NAN = no limit */
    double max_error_rate;                            /* NAN = no limit */
    double max_cost_per_1k, max_monthly_usd;          /* NAN = no limit */
    double monthly_requests;                          /* 0 = not given */
    struct attr_req *attrs;
    size_t nattrs;
    struct suite_share *mix;  /* traffic shares per suite; none = the run's own mix */
    size_t nmix;
    enum objective objective;
    double w_quality, w_cost, w_latency;              /* OBJ_WEIGHTED */
    double utilisation;      /* per-hour backends without a monthly volume; default 0.5 */
    const struct pricing_file *pricing;               /* overrides run.json prices, or NULL */
    struct load_knee *knees;  /* from load runs (--load DIR), or none */
    size_t nknees;
    double peak_factor;       /* peak / average demand for load capacity; default 1 */
};

/* Reads a load run folder's knee (DIR/run.json "load") and adds it to c. */
int constraints_add_load(struct constraints *c, const char *dir, struct diag *d);

void constraints_init(struct constraints *c);   /* no limits, cheapest, utilisation 0.5 */
void constraints_release(struct constraints *c);
/* Reads a config's "decision" section (docs/choose.md) into c, on top of
 * what c already holds. */
int  constraints_from_json(const cJSON *obj, const char *file, const char *path,
                           struct constraints *c, struct diag *d);
/* Parses "SUITE=X" / "KEY=VALUE" flag values; 0 or -1 with a diag. */
int  constraints_add_floor(struct constraints *c, const char *arg, struct diag *d);
int  constraints_add_attr(struct constraints *c, const char *arg, struct diag *d);
int  constraints_add_mix(struct constraints *c, const char *arg, struct diag *d);
int  constraints_set_objective(struct constraints *c, const char *name, struct diag *d);

struct violation {
    char what[64];           /* "p95", "quality:summarization", "error rate", "attribute:region" */
    double measured, limit;  /* NAN for attributes */
    int upper;               /* 1: measured must be <= limit; 0: >= limit */
    char text[512];          /* "p95 3,210 ms > 2,000 ms" */
};

struct candidate {
    const char *backend;                   /* borrowed from the run */
    int feasible;
    int pareto;
    struct violation *viol;                /* every failed constraint, in check order */
    size_t nviol;
    double p95_ms, p99_ms, ttft_p95_ms, error_rate;
    double cost_per_1k, monthly_usd;       /* NAN when unknown */
    const char *cost_note;                 /* how the cost was obtained */
    double *quality, *quality_lo, *quality_hi;   /* per decision suite, NAN if absent */
    double rel_quality;                    /* mean over suites of value / best value */
    double objective;                      /* higher is better */
};

struct route {
    const char *suite;
    const char *backend;                   /* NULL if no backend qualifies for the suite */
    double share, quality, cost_per_1k, p95_ms;
};

struct relaxation {
    char what[64];           /* the constraint, as in struct violation */
    double measured;         /* the value it would have to move to */
    char text[512];          /* "raise max p95 to 3,210 ms (from 2,000 ms)" */
    const char *admits;      /* the backend it would admit */
};

struct decision {
    const char **suites;     /* suites of the run, borrowed */
    const char **primary;    /* primary metric per suite, borrowed (may be NULL) */
    int *higher_is_better;
    size_t nsuites;
    struct candidate *c;
    size_t n;
    size_t *ranked;          /* feasible candidates, best first */
    size_t nranked;
    struct route *routes;    /* hybrid: one per suite */
    int hybrid_feasible;
    double hybrid_cost_per_1k, hybrid_monthly_usd;
    int hybrid_beats_single;
    struct relaxation *relax;
    size_t nrelax;
    const char *objective_name;
    char **notes;            /* what was skipped and why (owned) */
    size_t nnotes;
};

int  decide(const struct run *r, const struct aggregate *a, const struct constraints *c,
            struct decision *out, struct diag *d);
void decision_release(struct decision *dc);

/* The prices used for a backend: the pricing file's entry if c has a
 * file naming it, else run.json's backends[].pricing (set = 0 if none). */
struct pricing decide_pricing(const struct run *r, const struct constraints *c,
                              const char *backend);
/* Cost per request of one aggregate group (any suite or slice) by the
 * rules above: recorded cost plus the amortised per-hour price; *note
 * says which rule applied (borrowed static text). */
double decide_request_cost(const struct run *r, const struct aggregate *a,
                           const struct constraints *c, const struct group *g, const char **note);

/* Renderings: terminal/Markdown text and JSON (returns owned cJSON). */
void   decision_print(const struct decision *dc, const struct constraints *c, int markdown,
                      FILE *f);
cJSON *decision_to_json(const struct decision *dc);

/* "3,210" style formatting used in every message. */
void fmt_thousands(double v, int decimals, char *out, size_t n);

#endif
