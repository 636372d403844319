/* report.h -- everything `assay report` says about a run, built once and
 * rendered as terminal text, Markdown, CSV files and JSON (html.h adds
 * the HTML page, plot.h the plots).
 *
 * report_build turns a run, its aggregate and its decision into tables
 * (table.h): summary, quality, reliability, latency (E2E, TTFT, ITL, and a
 * breakdown into connection setup and first byte),
 * throughput and tokens, cost, pairwise comparisons, sample sizes and,
 * with a slice tag, per-slice quality. Rows go suite by suite, backends
 * within, both in run.json's (the config's) order, then one "(all)" row
 * per backend pooling its suites where a figure can be pooled (latency,
 * errors, tokens, cost). Costs come from
 * the decision engine's rule (decide_request_cost): recorded cost plus
 * the amortised per-hour price. docs/reports.md defines every figure.
 *
 * The report borrows the run, aggregate, constraints and decision: they
 * must outlive it. It owns its tables, notes and rendered decision. */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/buf.h"
#include "reports/decide.h"
#include "reports/pairwise.h"
#include "reports/table.h"

#define REPORT_ALL "(all)"   /* suite label of a backend's pooled row */

struct report_options {
    double alpha, power;               /* pairwise tests and sample size; 0.05, 0.8 */
    const struct detect *detect;       /* differences to detect (borrowed) */
    size_t ndetect;
    const char *pricing_path;          /* named in the report, or NULL */
    size_t repriced;                   /* records the pricing file re-priced */
};

/* Per aggregate group (same index as aggregate.groups). */
struct group_cost {
    int priced;                 /* a price is known (config, pricing file or recorded cost) */
    const char *basis;          /* "per token", "per request", "per token + request",
                                   "per hour", "recorded", "none" */
    const char *note;           /* the decision engine's cost rule, borrowed */
    double per_request, per_1k; /* USD, amortised */
    double run_usd;             /* per_request * requests: this group as run */
    double monthly_usd;         /* per_request * --monthly-requests; NAN without it */
    double judge_usd;           /* LLM-as-judge cost, kept apart; 0 if none */
    double quality_per_usd;     /* primary quality / per_request */
    double cost_per_pass;       /* per_request * requests / passing items (pass-rate primaries) */
};

struct report {
    const struct run *run;
    const struct aggregate *agg;
    const struct constraints *cons;
    const struct decision *dc;
    struct report_options opt;
    const char **suites, **backends;   /* first-seen order, borrowed from the run */
    size_t nsuites, nbackends;
    struct group_cost *cost;
    struct pairwise pw;
    struct table *tables;
    size_t ntables;
    char **notes;                       /* caveats a reader must see (owned) */
    size_t nnotes;
    char *decision_text, *decision_md;  /* decision_print renderings (owned) */
};

int  report_build(struct report *rp, const struct run *r, const struct aggregate *a,
                  const struct constraints *c, const struct decision *dc,
                  const struct report_options *o, struct diag *d);
void report_release(struct report *rp);

const struct table *report_table(const struct report *rp, const char *key);   /* or NULL */

/* The run's facts as label/value pairs (run id, folder, config, dates,
 * requests, backends, suites), shared by every rendering. */
typedef void report_fact_fn(void *ud, const char *label, const char *value);
void report_facts(const struct report *rp, report_fact_fn *fn, void *ud);

/* The run in a few lines (id, config, dates, backends, suites) and the
 * notes; then every table; then the decision. Appended to out. */
void report_render_term(const struct report *rp, size_t width, struct buf *out);
void report_render_md(const struct report *rp, struct buf *out);
/* Returns owned: {"schema","generator","run","options","notes","tables",
 * "decision","constraints"} (docs/reports.md). */
cJSON *report_to_json(const struct report *rp);
/* Writes DIR/KEY.csv for every table. */
int report_write_csv(const struct report *rp, const char *dir, struct diag *d);

/* The constraints as JSON (returns owned). */
cJSON *constraints_to_json(const struct constraints *c);

#endif
