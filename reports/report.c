/* report.c -- see report.h. Builds the tables in one pass over the
 * aggregate's groups per table; every number shown comes from the
 * aggregate, the decision engine's cost rule or pairwise.c, so the
 * report, `assay choose` and `assay compare` cannot disagree. */
#include "report.h"

#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"
#include "version.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* === prices ================================================================ */

static const char *basis_of(const struct pricing *p, int recorded)
{
    if (p->per_hour > 0)
        return "per hour";
    int tokens = p->input_per_mtok > 0 || p->output_per_mtok > 0 || p->cached_input_per_mtok > 0;
    if (tokens && p->per_request > 0)
        return "per token + request";
    if (tokens)
        return "per token";
    if (p->per_request > 0)
        return "per request";
    return recorded ? "recorded" : "none";
}

/* The record's judge total (docs/records.md: judge.usd). */
static double judge_cost(const struct rec *x)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(x->json, "judge");
    const cJSON *usd = cJSON_GetObjectItemCaseSensitive(j, "usd");
    return cJSON_IsNumber(usd) ? usd->valuedouble : 0;
}

static void compute_costs(struct report *rp)
{
    const struct aggregate *a = rp->agg;
    const struct constraints *c = rp->cons;
    rp->cost = xcalloc(a->n + 1, sizeof(*rp->cost));
    for (size_t i = 0; i < a->n; i++) {
        const struct group *g = &a->groups[i];
        struct group_cost *gc = &rp->cost[i];
        struct pricing p = decide_pricing(rp->run, c, g->backend);
        double per_req = decide_request_cost(rp->run, a, c, g, &gc->note);
        gc->priced = p.set || g->cost_total > 0;
        gc->basis = basis_of(&p, g->cost_total > 0);
        gc->per_request = gc->priced ? per_req : NAN;
        gc->per_1k = gc->per_request * 1000;
        gc->run_usd = gc->per_request * (double)g->planned;
        gc->monthly_usd = c->monthly_requests > 0 ? gc->per_request * c->monthly_requests : NAN;
        gc->quality_per_usd = (g->higher_is_better && gc->per_request > 0)
                                  ? g->quality / gc->per_request : NAN;
        const struct metric_agg *pm = g->primary ? group_metric(g, g->primary) : NULL;
        gc->cost_per_pass = (pm && pm->is_pass && pm->passes) ? gc->run_usd / (double)pm->passes
                                                              : NAN;
    }
    /* Judge costs, from the records (the aggregate does not keep them). */
    for (size_t k = 0; k < rp->run->n; k++) {
        const struct rec *x = &rp->run->recs[k];
        double usd = judge_cost(x);
        if (usd == 0)
            continue;
        for (size_t i = 0; i < a->n; i++) {
            const struct group *g = &a->groups[i];
            if (!g->slice[0] && strcmp(g->backend, x->backend) == 0 &&
                (strcmp(g->suite, x->suite) == 0 || strcmp(g->suite, "*") == 0))
                rp->cost[i].judge_usd += usd;
        }
    }
}

/* === helpers =============================================================== */

static void add_note(struct report *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct report *rp, const char *fmt, ...)
{
    va_list ap;
    struct buf b;
    buf_init(&b, 0);
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    rp->notes = xrealloc(rp->notes, (rp->nnotes + 1) * sizeof(*rp->notes));
    rp->notes[rp->nnotes++] = buf_take(&b, NULL);
}

static struct table *new_table(struct report *rp, const char *key, const char *title,
                               const struct table_col *cols, size_t ncols, size_t nkey)
{
    rp->tables = xrealloc(rp->tables, (rp->ntables + 1) * sizeof(*rp->tables));
    struct table *t = &rp->tables[rp->ntables++];
    table_init(t, key, title, cols, ncols, nkey);
    return t;
}

static size_t group_index(const struct report *rp, const struct group *g)
{
    return (size_t)(g - rp->agg->groups);
}

static void add_unique(const char ***list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0)
            return;
    (*list)[(*n)++] = s;
}

/* Calls fn for each (suite, backend) group in report order, then each
 * backend's pooled group when pooled is set. */
typedef void row_fn(struct report *rp, struct table *t, const struct group *g, const char *label);

static void each_group(struct report *rp, struct table *t, int pooled, row_fn *fn)
{
    for (size_t s = 0; s < rp->nsuites; s++)
        for (size_t b = 0; b < rp->nbackends; b++) {
            const struct group *g = aggregate_find(rp->agg, rp->backends[b], rp->suites[s], "");
            if (g)
                fn(rp, t, g, rp->suites[s]);
        }
    if (!pooled)
        return;
    for (size_t b = 0; b < rp->nbackends; b++) {
        const struct group *g = aggregate_find(rp->agg, rp->backends[b], "*", "");
        if (g)
            fn(rp, t, g, REPORT_ALL);
    }
}

static void key_cells(struct table *t, const struct group *g, const char *label)
{
    table_add_row(t);
    table_set_text(t, 0, label);
    table_set_text(t, 1, g->backend);
}

/* === tables ================================================================ */

enum { S_SUITE, S_BACKEND, S_REQ, S_QUALITY, S_ERR, S_P95, S_TTFT, S_COST1K, S_MONTHLY };

static void summary_row(struct report *rp, struct table *t, const struct group *g,
                        const char *label)
{
    const struct group_cost *gc = &rp->cost[group_index(rp, g)];
    const struct metric_agg *pm = g->primary ? group_metric(g, g->primary) : NULL;
    key_cells(t, g, label);
    table_set_num(t, S_REQ, (double)g->planned);
    if (pm)
        table_set_ci(t, S_QUALITY, pm->mean, pm->ci.lo, pm->ci.hi);
    table_set_num(t, S_ERR, g->error_rate);
    table_set_num(t, S_P95, g->e2e.p95);
    table_set_num(t, S_TTFT, g->ttft.p95);
    table_set_num(t, S_COST1K, gc->per_1k);
    if (rp->cons->monthly_requests > 0)
        table_set_num(t, S_MONTHLY, gc->monthly_usd);
}

static void build_summary(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "requests", "requests", FMT_INT, 0 },
        { "quality", "quality [95% CI]", FMT_QUALITY, 1 },
        { "error_rate", "errors", FMT_PCT, 0 },
        { "e2e_p95_ms", "p95 ms", FMT_MS, 0 },
        { "ttft_p95_ms", "TTFT p95", FMT_MS, 0 },
        { "cost_per_1k_usd", "cost/1k", FMT_USD, 0 },
        { "monthly_usd", "monthly", FMT_USD, 0 },
    };
    size_t n = sizeof(cols) / sizeof(cols[0]) - !(rp->cons->monthly_requests > 0);
    struct table *t = new_table(rp, "summary", "Summary per suite and backend", cols, n, 2);
    each_group(rp, t, 0, summary_row);
    table_note(t, "quality: the suite's primary metric (listed above), mean over items with "
                  "failed requests scored as the suite defines; errors: failed / planned "
                  "requests; p95 and TTFT p95: milliseconds, successful non-cached requests; "
                  "cost/1k: USD per 1,000 requests (per-hour prices amortised).");
    if (rp->cons->monthly_requests > 0) {
        char v[64];
        fmt_thousands(rp->cons->monthly_requests, 0, v, sizeof(v));
        table_note(t, "monthly: projected cost of %s requests a month at this suite's cost.", v);
    }
}

enum { Q_SUITE, Q_BACKEND, Q_METRIC, Q_PRIMARY, Q_KIND, Q_N, Q_FAILED, Q_MEAN };

static void quality_rows(struct report *rp, struct table *t, const struct group *g,
                         const char *label)
{
    for (size_t j = 0; j < g->nmetrics; j++) {
        const struct metric_agg *m = &g->metrics[j];
        key_cells(t, g, label);
        table_set_text(t, Q_METRIC, m->name);
        table_set_text(t, Q_PRIMARY, g->primary && strcmp(g->primary, m->name) == 0 ? "yes" : "");
        table_set_text(t, Q_KIND, m->is_pass ? "pass rate" : "mean");
        table_set_num(t, Q_N, (double)m->n);
        table_set_num(t, Q_FAILED, (double)m->failed_scored);
        table_set_ci(t, Q_MEAN, m->mean, m->ci.lo, m->ci.hi);
    }
}

static void build_quality(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "metric", "metric", FMT_TEXT, 0 },
        { "primary", "primary", FMT_TEXT, 0 },
        { "kind", "kind", FMT_TEXT, 0 },
        { "n", "n", FMT_INT, 0 },
        { "failed_scored", "failed", FMT_INT, 0 },
        { "value", "value [95% CI]", FMT_QUALITY, 1 },
    };
    struct table *t = new_table(rp, "quality", "Quality metrics", cols,
                                sizeof(cols) / sizeof(cols[0]), 2);
    each_group(rp, t, 0, quality_rows);
    char lv[16];
    snprintf(lv, sizeof(lv), "%g%%", 100 * rp->agg->opt.level);
    table_note(t, "n: values averaged; failed scored: failed requests given the suite's failure "
                  "score (0 unless the suite says otherwise; excluded for lower-is-better "
                  "metrics). Intervals (%s): bootstrap of the mean (%d resamples, seed %llu) for "
                  "numbers, Wilson for pass rates.", lv, rp->agg->opt.resamples,
               (unsigned long long)rp->agg->opt.seed);
}

enum { R_SUITE, R_BACKEND, R_PLANNED, R_OK, R_FAILED, R_ERR, R_TIMEOUT, R_429, R_RETRIED,
       R_CACHED };

static void reliability_row(struct report *rp, struct table *t, const struct group *g,
                            const char *label)
{
    key_cells(t, g, label);
    table_set_num(t, R_PLANNED, (double)g->planned);
    table_set_num(t, R_OK, (double)g->ok);
    table_set_num(t, R_FAILED, (double)g->failed);
    table_set_ci(t, R_ERR, g->error_rate, g->error_ci.lo, g->error_ci.hi);
    double n = g->planned ? (double)g->planned : NAN;
    table_set_num(t, R_TIMEOUT, (double)g->timeouts / n);
    table_set_num(t, R_429, (double)g->rate_limited / n);
    table_set_num(t, R_RETRIED, (double)g->retried);
    table_set_num(t, R_CACHED, (double)g->cached);
}

static void build_reliability(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "planned", "planned", FMT_INT, 0 },
        { "ok", "ok", FMT_INT, 0 },
        { "failed", "failed", FMT_INT, 0 },
        { "error_rate", "error rate [95% CI]", FMT_PCT, 1 },
        { "timeout_rate", "timeouts", FMT_PCT, 0 },
        { "rate_limited_rate", "got 429", FMT_PCT, 0 },
        { "retried", "retried", FMT_INT, 0 },
        { "cached", "cached", FMT_INT, 0 },
    };
    struct table *t = new_table(rp, "reliability", "Requests and errors", cols,
                                sizeof(cols) / sizeof(cols[0]), 2);
    each_group(rp, t, 1, reliability_row);
    table_note(t, "failed: final status other than ok (every planned request counts); error "
                  "rate interval: Wilson; timeouts: share of requests that ended in a timeout; "
                  "got 429: share of requests with at least one rate-limited attempt; "
                  "retried: more than one attempt; cached: served from the cache, never counted "
                  "in latency.");
}

/* Tail percentiles of a handful of requests are barely estimates: says
 * so under a table whose column ncol counts each row's requests. */
static void note_small_rows(struct table *t, size_t ncol, const char *tails)
{
    size_t small = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        double n = table_cell(t, r, ncol)->v;
        small += n > 0 && n < 20;
    }
    if (small)
        table_note(t, "%zu row%s rest%s on fewer than 20 requests: read %s as rough.", small,
                   small == 1 ? "" : "s", small == 1 ? "s" : "", tails);
}

enum { L_SUITE, L_BACKEND, L_N, L_P50, L_P90, L_P95, L_P99, L_MEAN, L_MAX };

static const struct dist *dist_pick(const struct group *g, const char *key)
{
    if (strcmp(key, "latency_ttft") == 0)
        return &g->ttft;
    if (strcmp(key, "latency_itl") == 0)
        return &g->itl;
    return &g->e2e;
}

static void latency_row(struct report *rp, struct table *t, const struct group *g,
                        const char *label)
{
    const struct dist *x = dist_pick(g, t->key);
    key_cells(t, g, label);
    table_set_num(t, L_N, (double)x->n);
    table_set_num(t, L_P50, x->p50);
    table_set_num(t, L_P90, x->p90);
    table_set_ci(t, L_P95, x->p95, x->p95_ci.lo, x->p95_ci.hi);
    table_set_num(t, L_P99, x->p99);
    table_set_num(t, L_MEAN, x->mean);
    table_set_num(t, L_MAX, x->max);
}

static void build_latency(struct report *rp, const char *key, const char *title, const char *what)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "n", "n", FMT_INT, 0 },
        { "p50_ms", "p50", FMT_MS, 0 },
        { "p90_ms", "p90", FMT_MS, 0 },
        { "p95_ms", "p95 [95% CI]", FMT_MS, 1 },
        { "p99_ms", "p99", FMT_MS, 0 },
        { "mean_ms", "mean", FMT_MS, 0 },
        { "max_ms", "max", FMT_MS, 0 },
    };
    struct table *t = new_table(rp, key, title, cols, sizeof(cols) / sizeof(cols[0]), 2);
    each_group(rp, t, 1, latency_row);
    table_note(t, "%s Milliseconds, over successful, non-cached requests only. Percentiles "
                  "interpolate linearly between closest ranks (type 7); the p95 interval comes "
                  "from order statistics, so few requests give a wide one.", what);
    note_small_rows(t, L_N, "p95 and p99");
}

/* Why a breakdown: E2E and TTFT mix what the network and connection
 * setup cost with what the server took. A backend whose p50 first byte is
 * mostly TCP and TLS handshakes is slow because connections are not kept
 * (or the concurrency outruns the pool), not because the model is; a
 * version column shows whether HTTP/2 multiplexing was in play. */
enum { PH_SUITE, PH_BACKEND, PH_N, PH_NEW, PH_SHARE, PH_CONNECT, PH_TLS, PH_FB50, PH_FB95,
       PH_VERSION };

static void phases_row(struct report *rp, struct table *t, const struct group *g,
                       const char *label)
{
    (void)rp;
    const struct phases *p = &g->phases;
    key_cells(t, g, label);
    table_set_num(t, PH_N, (double)p->n);
    table_set_num(t, PH_NEW, (double)p->new_conns);
    table_set_num(t, PH_SHARE, p->n ? (double)p->new_conns / (double)p->n : NAN);
    table_set_num(t, PH_CONNECT, p->connect.p50);
    table_set_num(t, PH_TLS, p->tls.p50);
    table_set_num(t, PH_FB50, p->first_byte.p50);
    table_set_ci(t, PH_FB95, p->first_byte.p95, p->first_byte.p95_ci.lo, p->first_byte.p95_ci.hi);
    table_set_text(t, PH_VERSION, p->versions[0] ? p->versions : NULL);
}

static void build_phases(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "n", "n", FMT_INT, 0 },
        { "new_connections", "new conn", FMT_INT, 0 },
        { "new_connection_share", "share", FMT_PCT, 0 },
        { "connect_p50_ms", "connect p50", FMT_MS, 0 },
        { "tls_p50_ms", "TLS p50", FMT_MS, 0 },
        { "first_byte_p50_ms", "1st byte p50", FMT_MS, 0 },
        { "first_byte_p95_ms", "1st byte p95 [95% CI]", FMT_MS, 1 },
        { "http_version", "HTTP", FMT_TEXT, 0 },
    };
    struct table *t = new_table(rp, "latency_phases", "Latency breakdown (ms)", cols,
                                sizeof(cols) / sizeof(cols[0]), 2);
    each_group(rp, t, 1, phases_row);
    table_note(t, "libcurl's phase timings, over successful non-cached requests whose records "
                  "carry them. new conn: requests that opened a connection (TCP connect or TLS "
                  "time above 0; a reused connection has neither); share: of n. connect p50 and "
                  "TLS p50: over those new connections only (TLS: the ones that did a "
                  "handshake; \"-\" over plain HTTP); 1st byte: from the start of the attempt "
                  "to the first response byte, all n, DNS and connection setup included: on a "
                  "reused connection it is one round trip plus the server's time to answer. "
                  "HTTP: the versions libcurl negotiated (\"1.1+2\": both were seen).");
    note_small_rows(t, PH_N, "1st byte p95");
    size_t untimed = 0;
    for (size_t b = 0; b < rp->nbackends; b++) {
        const struct group *g = aggregate_find(rp->agg, rp->backends[b], "*", "");
        untimed += g ? g->phases.untimed : 0;
    }
    if (untimed)
        table_note(t, "%zu successful request%s without phase timings (records from an older "
                      "assay, or a summary file) left out.", untimed, untimed == 1 ? "" : "s");
}

enum { T_SUITE, T_BACKEND, T_N, T_TPS50, T_TPSMEAN, T_IN, T_OUT, T_INTOT, T_OUTTOT, T_USAGE,
       T_RPS };

static void throughput_row(struct report *rp, struct table *t, const struct group *g,
                           const char *label)
{
    key_cells(t, g, label);
    table_set_num(t, T_N, (double)g->tps.n);
    table_set_num(t, T_TPS50, g->tps.p50);
    table_set_num(t, T_TPSMEAN, g->tps.mean);
    table_set_num(t, T_IN, g->in_tokens_mean);
    table_set_num(t, T_OUT, g->out_tokens_mean);
    table_set_num(t, T_INTOT, (double)g->in_tokens_total);
    table_set_num(t, T_OUTTOT, (double)g->out_tokens_total);
    table_set_text(t, T_USAGE, g->usage_estimated ? "estimated" : "reported");
    table_set_num(t, T_RPS, g->throughput_rps);
}

static void build_throughput(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "n", "n", FMT_INT, 0 },
        { "output_tokens_per_s_p50", "tok/s p50", FMT_NUM1, 0 },
        { "output_tokens_per_s_mean", "tok/s mean", FMT_NUM1, 0 },
        { "input_tokens_mean", "in tok/req", FMT_NUM1, 0 },
        { "output_tokens_mean", "out tok/req", FMT_NUM1, 0 },
        { "input_tokens_total", "in tok total", FMT_INT, 0 },
        { "output_tokens_total", "out tok total", FMT_INT, 0 },
        { "usage_source", "usage", FMT_TEXT, 0 },
        { "requests_per_s", "req/s", FMT_NUM1, 0 },
    };
    struct table *t = new_table(rp, "throughput", "Throughput and tokens", cols,
                                sizeof(cols) / sizeof(cols[0]), 2);
    each_group(rp, t, 1, throughput_row);
    table_note(t, "tok/s: output tokens per second of generation per request (after the first "
                  "token when streaming), successful non-cached requests; tokens per request: "
                  "mean over requests with usage; usage \"estimated\" when any count was "
                  "estimated rather than reported; req/s: successful requests over the span of "
                  "the group's requests, as the run's concurrency allowed.");
}

enum { C_SUITE, C_BACKEND, C_BASIS, C_REQ, C_1K, C_RUN, C_MONTHLY, C_JUDGE, C_QPD, C_CPP };

static void cost_row(struct report *rp, struct table *t, const struct group *g, const char *label)
{
    const struct group_cost *gc = &rp->cost[group_index(rp, g)];
    key_cells(t, g, label);
    table_set_text(t, C_BASIS, gc->basis);
    table_set_num(t, C_REQ, gc->per_request);
    table_set_num(t, C_1K, gc->per_1k);
    table_set_num(t, C_RUN, gc->run_usd);
    /* Optional columns shift the later ones left: find them by key. */
    for (size_t c = C_MONTHLY; c < t->ncols; c++) {
        const char *k = t->cols[c].key;
        double v = strcmp(k, "monthly_usd") == 0 ? gc->monthly_usd
                 : strcmp(k, "judge_usd") == 0 ? gc->judge_usd
                 : strcmp(k, "quality_per_usd") == 0 ? gc->quality_per_usd : gc->cost_per_pass;
        table_set_num(t, c, v);
    }
}

static void build_cost(struct report *rp)
{
    static const struct table_col all[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "basis", "pricing", FMT_TEXT, 0 },
        { "cost_per_request_usd", "per req", FMT_USD, 0 },
        { "cost_per_1k_usd", "per 1k", FMT_USD, 0 },
        { "cost_run_usd", "this run", FMT_USD, 0 },
        { "monthly_usd", "monthly", FMT_USD, 0 },
        { "judge_usd", "judge", FMT_USD, 0 },
        { "quality_per_usd", "quality/$", FMT_SIG3, 0 },
        { "cost_per_pass_usd", "per pass", FMT_USD, 0 },
    };
    int judged = 0;
    for (size_t i = 0; i < rp->agg->n; i++)
        judged |= rp->cost[i].judge_usd > 0;
    struct table_col cols[sizeof(all) / sizeof(all[0])];
    size_t n = 0;
    for (size_t c = 0; c < sizeof(all) / sizeof(all[0]); c++) {
        if ((c == C_MONTHLY && !(rp->cons->monthly_requests > 0)) || (c == C_JUDGE && !judged))
            continue;
        cols[n++] = all[c];
    }
    struct table *t = new_table(rp, "cost", "Cost (USD)", cols, n, 2);
    each_group(rp, t, 1, cost_row);
    table_note(t, "Per request: the recorded cost (usage times the token and request prices; "
                  "reasoning tokens billed as output) averaged over planned requests, plus for "
                  "per-hour endpoints the hourly price amortised by the measured throughput");
    if (rp->cons->monthly_requests > 0) {
        char v[64];
        fmt_thousands(rp->cons->monthly_requests, 0, v, sizeof(v));
        table_note(t, "(instances for %s requests a month, 720 h each).", v);
    } else {
        table_note(t, "at %.0f%% utilisation (--utilisation).", 100 * rp->cons->utilisation);
    }
    table_note(t, "This run: what the suite as run cost.%s quality/$: the primary metric per USD "
                  "per request; per pass: cost per passing item (pass-rate metrics). No price "
                  "known: \"-\".", judged ? " Judge: LLM-as-judge cost, kept apart from the "
                                            "backend's." : "");
    /* Where the prices came from, and how old they are. */
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < rp->nbackends; i++) {
        struct pricing p = decide_pricing(rp->run, rp->cons, rp->backends[i]);
        if (p.set && p.as_of[0])
            buf_addf(&b, "%s%s %s", b.len ? ", " : "", rp->backends[i], p.as_of);
    }
    if (b.len)
        table_note(t, "Prices as of: %s%s%s.", b.ptr, rp->opt.pricing_path ? "; pricing file " : "",
                   rp->opt.pricing_path ? rp->opt.pricing_path : "");
    else if (rp->opt.pricing_path)
        table_note(t, "Prices from %s.", rp->opt.pricing_path);
    buf_release(&b);
}

enum { P_SUITE, P_METRIC, P_A, P_B, P_N, P_MA, P_MB, P_DIFF, P_TEST, P_P, P_PH, P_VERDICT };

static void build_pairwise(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "metric", "metric", FMT_TEXT, 0 },
        { "a", "A", FMT_TEXT, 0 },
        { "b", "B", FMT_TEXT, 0 },
        { "n", "items", FMT_INT, 0 },
        { "mean_a", "mean A", FMT_QUALITY, 0 },
        { "mean_b", "mean B", FMT_QUALITY, 0 },
        { "diff", "A - B [95% CI]", FMT_DIFF, 1 },
        { "test", "test", FMT_TEXT, 0 },
        { "p", "p", FMT_P, 0 },
        { "p_holm", "p (Holm)", FMT_P, 0 },
        { "verdict", "verdict", FMT_TEXT, 0 },
    };
    struct table *t = new_table(rp, "pairwise", "Pairwise comparison on the same items", cols,
                                sizeof(cols) / sizeof(cols[0]), 4);
    for (size_t i = 0; i < rp->pw.n; i++) {
        const struct pair_cmp *c = &rp->pw.c[i];
        if (!c->b)
            continue;
        table_add_row(t);
        table_set_text(t, P_SUITE, c->suite);
        table_set_text(t, P_METRIC, c->metric);
        table_set_text(t, P_A, c->a);
        table_set_text(t, P_B, c->b);
        table_set_num(t, P_N, (double)c->n);
        table_set_num(t, P_MA, c->mean_a);
        table_set_num(t, P_MB, c->mean_b);
        table_set_ci(t, P_DIFF, c->diff, c->diff_ci.lo, c->diff_ci.hi);
        table_set_text(t, P_TEST, c->test);
        table_set_num(t, P_P, c->p);
        table_set_num(t, P_PH, c->p_holm);
        char v[256];
        if (c->n == 0)
            snprintf(v, sizeof(v), "no shared items");
        else if (c->winner)
            snprintf(v, sizeof(v), "%s better", c->winner > 0 ? c->a : c->b);
        else
            snprintf(v, sizeof(v), "no significant difference");
        table_set_text(t, P_VERDICT, v);
    }
    table_note(t, "Each suite's primary metric on the items both backends answered (mean over "
                  "repeats per item). Test: McNemar's exact test for pass/fail with one outcome "
                  "per item, else a paired bootstrap of the mean difference; p-values "
                  "Holm-adjusted across the pairs of a suite; a backend is called better only "
                  "when the adjusted p is below %g.", rp->pw.alpha);
}

enum { N_SUITE, N_METRIC, N_PAIR, N_ITEMS, N_SD, N_DELTA, N_NEEDED, N_VERDICT };

static void build_sample_size(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "metric", "metric", FMT_TEXT, 0 },
        { "pair", "pair", FMT_TEXT, 0 },
        { "items", "items now", FMT_INT, 0 },
        { "sd_diff", "sd of diff", FMT_SIG3, 0 },
        { "delta", "to detect", FMT_SIG3, 0 },
        { "items_needed", "items needed", FMT_INT, 0 },
        { "verdict", "verdict", FMT_TEXT, 0 },
    };
    struct table *t = new_table(rp, "sample_size",
                                "Sample size: items needed to detect a difference", cols,
                                sizeof(cols) / sizeof(cols[0]), 3);
    for (size_t i = 0; i < rp->pw.n; i++) {
        const struct pair_cmp *c = &rp->pw.c[i];
        char pair[256], v[128];
        if (c->b)
            snprintf(pair, sizeof(pair), "%s vs %s", c->a, c->b);
        else
            snprintf(pair, sizeof(pair), "%s (only backend)", c->a);
        table_add_row(t);
        table_set_text(t, N_SUITE, c->suite);
        table_set_text(t, N_METRIC, c->metric);
        table_set_text(t, N_PAIR, pair);
        table_set_num(t, N_ITEMS, (double)c->n);
        table_set_num(t, N_SD, c->sd_diff);
        table_set_num(t, N_DELTA, c->delta);
        if (c->needed) {
            table_set_num(t, N_NEEDED, (double)c->needed);
            if (c->n >= c->needed)
                snprintf(v, sizeof(v), "enough");
            else {
                char more[32];
                fmt_thousands((double)(c->needed - c->n), 0, more, sizeof(more));
                snprintf(v, sizeof(v), "%s more items", more);
            }
            table_set_text(t, N_VERDICT, v);
        } else {
            table_set_text(t, N_VERDICT, c->beyond ? "beyond any practical item count"
                                                   : "too few items to estimate");
        }
    }
    table_note(t, "From the spread of the paired differences observed in this run: items needed "
                  "so that a true difference of \"to detect\" is found with power %g at "
                  "two-sided alpha %g (normal approximation). Default differences: 0.05 for pass "
                  "rates, 2 points for 0-100 metrics (chrF, BLEU), 0.02 otherwise; change with "
                  "--detect. A suite run on one backend assumes a second one of the same spread.",
               rp->pw.power, rp->pw.alpha);
}

enum { SL_SUITE, SL_SLICE, SL_BACKEND, SL_REQ, SL_QUALITY, SL_ERR, SL_P95, SL_COST };

static void build_slices(struct report *rp)
{
    static const struct table_col cols[] = {
        { "suite", "suite", FMT_TEXT, 0 },
        { "slice", "slice", FMT_TEXT, 0 },
        { "backend", "backend", FMT_TEXT, 0 },
        { "requests", "requests", FMT_INT, 0 },
        { "quality", "quality [95% CI]", FMT_QUALITY, 1 },
        { "error_rate", "errors", FMT_PCT, 0 },
        { "e2e_p95_ms", "p95 ms", FMT_MS, 0 },
        { "cost_per_1k_usd", "cost/1k req", FMT_USD, 0 },
    };
    char title[160];
    snprintf(title, sizeof(title), "Slices by tag \"%s\"", rp->agg->opt.slice_tag);
    struct table *t = new_table(rp, "slices", title, cols, sizeof(cols) / sizeof(cols[0]), 3);
    const struct aggregate *a = rp->agg;
    for (size_t s = 0; s < rp->nsuites; s++) {
        /* slice values of this suite, first-seen order */
        const char **slices = xcalloc(a->n + 1, sizeof(*slices));
        size_t nsl = 0;
        for (size_t i = 0; i < a->n; i++)
            if (a->groups[i].slice[0] && strcmp(a->groups[i].suite, rp->suites[s]) == 0)
                add_unique(&slices, &nsl, a->groups[i].slice);
        for (size_t k = 0; k < nsl; k++)
            for (size_t b = 0; b < rp->nbackends; b++) {
                const struct group *g =
                    aggregate_find(a, rp->backends[b], rp->suites[s], slices[k]);
                if (!g)
                    continue;
                const struct metric_agg *pm = g->primary ? group_metric(g, g->primary) : NULL;
                table_add_row(t);
                table_set_text(t, SL_SUITE, rp->suites[s]);
                table_set_text(t, SL_SLICE, strchr(g->slice, '=') + 1);
                table_set_text(t, SL_BACKEND, g->backend);
                table_set_num(t, SL_REQ, (double)g->planned);
                if (pm)
                    table_set_ci(t, SL_QUALITY, pm->mean, pm->ci.lo, pm->ci.hi);
                table_set_num(t, SL_ERR, g->error_rate);
                table_set_num(t, SL_P95, g->e2e.p95);
                table_set_num(t, SL_COST, rp->cost[group_index(rp, g)].per_1k);
            }
        free(slices);
    }
    table_note(t, "Items without the tag are in no slice. Quality on the suite's primary metric; "
                  "slices are small, so read the intervals before the means.");
}

/* === build ================================================================= */

static void collect_notes(struct report *rp)
{
    const struct run *r = rp->run;
    if (!r->meta)
        add_note(rp, "No run.json in the folder: suites have no primary metric, failure rule "
                     "or prices beyond what the records carry.");
    if (r->torn)
        add_note(rp, "Skipped a torn last line in results.jsonl (a run killed mid-write); "
                     "`assay run --resume` re-runs it.");
    if (r->superseded)
        add_note(rp, "%zu record%s superseded by a later record of the same key (a resumed or "
                     "retried run): the last one counts.", r->superseded,
                 r->superseded == 1 ? " was" : "s were");
    if (rp->opt.pricing_path)
        add_note(rp, "Prices from %s replace the run's for the backends it names: %zu record%s "
                     "re-priced from their usage.", rp->opt.pricing_path, rp->opt.repriced,
                 rp->opt.repriced == 1 ? "" : "s");
    const cJSON *plan = cJSON_GetObjectItemCaseSensitive(r->meta, "plan");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(plan, "requests");
    if (cJSON_IsNumber(req) && (double)r->n < req->valuedouble)
        add_note(rp, "Incomplete run: %zu of %.0f planned requests have a record "
                     "(`assay run --resume` completes it).", r->n, req->valuedouble);
    for (size_t b = 0; b < rp->nbackends; b++) {
        const struct group *g = aggregate_find(rp->agg, rp->backends[b], "*", "");
        if (g && g->usage_estimated)
            add_note(rp, "%s: token usage was estimated for some requests (the provider "
                         "reported none), so its token costs are estimates.", g->backend);
        if (g && g->cached)
            add_note(rp, "%s: %zu cached response%s excluded from latency.", g->backend,
                     g->cached, g->cached == 1 ? "" : "s");
        if (g && g->planned && g->ok == 0)
            add_note(rp, "%s: no successful request, so no latency or quality beyond the "
                         "failure score.", g->backend);
    }
}

static char *capture_decision(const struct report *rp, int md)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return xstrdup("");
    decision_print(rp->dc, rp->cons, md, f);
    fclose(f);
    if (!md)
        return text;
    /* The engine prints backend names as they are; in Markdown, which
     * passes HTML through, a name must not become a tag. Its own markup
     * uses no < > &, so escaping those everywhere is safe. */
    struct buf b;
    buf_init(&b, 0);
    for (const char *p = text; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '&')
            buf_addc(&b, '\\');
        buf_addc(&b, *p);
    }
    free(text);
    return buf_take(&b, NULL);
}

/* Puts the names in the order run.json lists them (the config's order,
 * stable from run to run) instead of the order requests happened to
 * finish; names run.json does not list keep their order, after. */
static void order_like_config(const struct run *r, const char *key, const char **names, size_t n)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r->meta, key), *it;
    size_t placed = 0;
    cJSON_ArrayForEach(it, list) {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
        const char *name = cJSON_IsObject(list) ? it->string
                         : cJSON_IsString(nm) ? nm->valuestring : NULL;
        for (size_t i = placed; name && i < n; i++)
            if (strcmp(names[i], name) == 0) {
                const char *keep = names[i];
                memmove(&names[placed + 1], &names[placed], (i - placed) * sizeof(*names));
                names[placed++] = keep;
                break;
            }
    }
}

int report_build(struct report *rp, const struct run *r, const struct aggregate *a,
                 const struct constraints *c, const struct decision *dc,
                 const struct report_options *o, struct diag *d)
{
    memset(rp, 0, sizeof(*rp));
    rp->run = r;
    rp->agg = a;
    rp->cons = c;
    rp->dc = dc;
    if (o)
        rp->opt = *o;
    rp->suites = xcalloc(a->n + 1, sizeof(*rp->suites));
    rp->backends = xcalloc(a->n + 1, sizeof(*rp->backends));
    for (size_t i = 0; i < a->n; i++) {
        const struct group *g = &a->groups[i];
        if (g->slice[0])
            continue;
        if (strcmp(g->suite, "*") == 0)
            add_unique(&rp->backends, &rp->nbackends, g->backend);
        else
            add_unique(&rp->suites, &rp->nsuites, g->suite);
    }
    order_like_config(r, "backends", rp->backends, rp->nbackends);
    order_like_config(r, "suites", rp->suites, rp->nsuites);
    compute_costs(rp);
    struct pairwise_options po = {
        a->opt.level, rp->opt.alpha, rp->opt.power, a->opt.resamples, a->opt.seed,
        rp->opt.detect, rp->opt.ndetect, rp->backends, rp->nbackends,
    };
    if (pairwise_run(a, &po, &rp->pw, d) < 0)
        return -1;
    build_summary(rp);
    build_quality(rp);
    build_reliability(rp);
    build_latency(rp, "latency_e2e", "End-to-end latency (ms)",
                  "From handing the request to the transport to its last byte.");
    build_latency(rp, "latency_ttft", "Time to first token (ms)",
                  "To the first chunk carrying answer text (streaming requests).");
    build_latency(rp, "latency_itl", "Inter-token latency (ms)",
                  "Each request's mean gap between text chunks; percentiles over requests.");
    build_phases(rp);
    build_throughput(rp);
    build_cost(rp);
    build_pairwise(rp);
    build_sample_size(rp);
    if (a->opt.slice_tag)
        build_slices(rp);
    collect_notes(rp);
    rp->decision_text = capture_decision(rp, 0);
    rp->decision_md = capture_decision(rp, 1);
    return 0;
}

void report_release(struct report *rp)
{
    for (size_t i = 0; i < rp->ntables; i++)
        table_release(&rp->tables[i]);
    free(rp->tables);
    for (size_t i = 0; i < rp->nnotes; i++)
        free(rp->notes[i]);
    free(rp->notes);
    free(rp->cost);
    free(rp->suites);
    free(rp->backends);
    free(rp->decision_text);
    free(rp->decision_md);
    pairwise_release(&rp->pw);
    memset(rp, 0, sizeof(*rp));
}

const struct table *report_table(const struct report *rp, const char *key)
{
    for (size_t i = 0; i < rp->ntables; i++)
        if (strcmp(rp->tables[i].key, key) == 0)
            return &rp->tables[i];
    return NULL;
}

/* === renderings ============================================================ */

static const char *meta_str(const struct run *r, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->meta, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void report_facts(const struct report *rp, report_fact_fn *fn, void *ud)
{
    const struct run *r = rp->run;
    struct buf b;
    buf_init(&b, 0);
    const char *id = meta_str(r, "run_id");
    fn(ud, "run", id ? id : "(no run.json)");
    fn(ud, "folder", r->dir);
    if (meta_str(r, "config_file"))
        fn(ud, "config", meta_str(r, "config_file"));
    if (meta_str(r, "started_at")) {
        buf_addf(&b, "%s", meta_str(r, "started_at"));
        if (meta_str(r, "ended_at"))
            buf_addf(&b, " to %s", meta_str(r, "ended_at"));
        fn(ud, "when", b.ptr);
    }
    buf_reset(&b);
    buf_addf(&b, "%zu records", r->n);
    const cJSON *plan = cJSON_GetObjectItemCaseSensitive(r->meta, "plan");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(plan, "requests");
    if (cJSON_IsNumber(req))
        buf_addf(&b, " of %.0f planned", req->valuedouble);
    fn(ud, "requests", b.ptr);
    buf_reset(&b);
    for (size_t i = 0; i < rp->nbackends; i++) {
        const cJSON *be = run_backend(r, rp->backends[i]);
        const cJSON *model = cJSON_GetObjectItemCaseSensitive(be, "model");
        buf_addf(&b, "%s%s", i ? ", " : "", rp->backends[i]);
        if (cJSON_IsString(model))
            buf_addf(&b, " (%s)", model->valuestring);
    }
    fn(ud, "backends", b.ptr);
    buf_reset(&b);
    for (size_t i = 0; i < rp->nsuites; i++) {
        const struct group *g = NULL;
        for (size_t k = 0; k < rp->nbackends && !g; k++)
            g = aggregate_find(rp->agg, rp->backends[k], rp->suites[i], "");
        buf_addf(&b, "%s%s", i ? ", " : "", rp->suites[i]);
        if (g && g->primary)
            buf_addf(&b, " (%s, %s is better)", g->primary,
                     g->higher_is_better ? "higher" : "lower");
    }
    fn(ud, "suites", b.ptr);
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(r->meta, "summary");
    const cJSON *budget = cJSON_GetObjectItemCaseSensitive(summary, "budget");
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(budget, "max_cost_usd");
    const cJSON *spent = cJSON_GetObjectItemCaseSensitive(budget, "spent_usd");
    if (cJSON_IsNumber(cap) && cJSON_IsNumber(spent)) {
        buf_reset(&b);
        buf_addf(&b, "$%.4f spent of a $%.4f cap%s", spent->valuedouble, cap->valuedouble,
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(budget, "stopped"))
                     ? " (the cap stopped the run: not every planned request was sent)" : "");
        fn(ud, "spending", b.ptr);
    }
    buf_release(&b);
}

struct fact_out {
    struct buf *out;
    int md;
    size_t width;
};

static void fact_line(void *ud, const char *label, const char *value)
{
    struct fact_out *fo = ud;
    if (fo->md) {
        buf_addf(fo->out, "- **%s**: ", label);
        md_escape(fo->out, value);   /* values come from run.json */
        buf_addc(fo->out, '\n');
    } else {
        char first[32];
        snprintf(first, sizeof(first), "%-9s ", label);
        text_wrap(fo->out, value, fo->width, first, "          ");
    }
}

void report_render_term(const struct report *rp, size_t width, struct buf *out)
{
    struct fact_out fo = { out, 0, width };
    buf_adds(out, "assay report\n\n");
    report_facts(rp, fact_line, &fo);
    buf_addc(out, '\n');
    for (size_t i = 0; i < rp->nnotes; i++)
        text_wrap(out, rp->notes[i], width, "note: ", "      ");
    if (rp->nnotes)
        buf_addc(out, '\n');
    for (size_t i = 0; i < rp->ntables; i++)
        table_render_term(&rp->tables[i], width, out);
    /* The decision engine prints long lines; wrap each, keeping its
     * indentation and indenting the continuation a little more. */
    for (const char *line = rp->decision_text; *line;) {
        size_t len = strcspn(line, "\n");
        char *copy = xstrndup(line, len);
        size_t lead = strspn(copy, " ");
        if (len <= width || lead > 16) {
            buf_add(out, copy, len);
            buf_addc(out, '\n');
        } else {
            char first[20], rest[24];
            snprintf(first, sizeof(first), "%*s", (int)lead, "");
            snprintf(rest, sizeof(rest), "%*s", (int)lead + 4, "");
            text_wrap(out, copy + lead, width, first, rest);
        }
        free(copy);
        line += len + (line[len] == '\n');
    }
}

void report_render_md(const struct report *rp, struct buf *out)
{
    struct fact_out fo = { out, 1, 0 };
    buf_adds(out, "# assay report\n\n");
    report_facts(rp, fact_line, &fo);
    buf_addc(out, '\n');
    for (size_t i = 0; i < rp->nnotes; i++) {
        buf_adds(out, "> **Note:** ");
        md_escape(out, rp->notes[i]);
        buf_adds(out, "\n>\n");
    }
    if (rp->nnotes) {
        buf_truncate(out, out->len - 2);   /* drop the last ">\n" */
        buf_addc(out, '\n');
    }
    buf_adds(out, rp->decision_md);
    buf_adds(out, "\n## Tables\n\n");
    for (size_t i = 0; i < rp->ntables; i++)
        table_render_md(&rp->tables[i], out);
}

static void fact_json(void *ud, const char *label, const char *value)
{
    cJSON_AddStringToObject((cJSON *)ud, label, value);
}

cJSON *constraints_to_json(const struct constraints *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *mq = cJSON_AddObjectToObject(o, "min_quality");
    for (size_t i = 0; i < c->nfloors; i++)
        cJSON_AddNumberToObject(mq, c->floors[i].suite, c->floors[i].min);
    cJSON_AddBoolToObject(o, "use_lower_bound", c->use_lower_bound);
    cJSON_AddItemToObject(o, "max_p95_ms", json_num(c->max_p95_ms));
    cJSON_AddItemToObject(o, "max_p99_ms", json_num(c->max_p99_ms));
    cJSON_AddItemToObject(o, "max_ttft_p95_ms", json_num(c->max_ttft_p95_ms));
    cJSON_AddItemToObject(o, "max_error_rate", json_num(c->max_error_rate));
    cJSON_AddItemToObject(o, "max_cost_per_1k", json_num(c->max_cost_per_1k));
    cJSON_AddItemToObject(o, "max_monthly_usd", json_num(c->max_monthly_usd));
    cJSON_AddItemToObject(o, "monthly_requests",
                          c->monthly_requests > 0 ? cJSON_CreateNumber(c->monthly_requests)
                                                  : cJSON_CreateNull());
    cJSON *req = cJSON_AddObjectToObject(o, "require");
    for (size_t i = 0; i < c->nattrs; i++)
        cJSON_AddStringToObject(req, c->attrs[i].key, c->attrs[i].value);
    static const char *const names[] = { "cheapest", "fastest", "quality", "weighted" };
    cJSON_AddStringToObject(o, "objective", names[c->objective]);
    cJSON *w = cJSON_AddObjectToObject(o, "weights");
    cJSON_AddNumberToObject(w, "quality", c->w_quality);
    cJSON_AddNumberToObject(w, "cost", c->w_cost);
    cJSON_AddNumberToObject(w, "latency", c->w_latency);
    cJSON *mix = cJSON_AddObjectToObject(o, "mix");
    for (size_t i = 0; i < c->nmix; i++)
        cJSON_AddNumberToObject(mix, c->mix[i].suite, c->mix[i].weight);
    cJSON_AddNumberToObject(o, "utilisation", c->utilisation);
    return o;
}

cJSON *report_to_json(const struct report *rp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "schema", 1);
    cJSON_AddStringToObject(o, "generator", "assay report " ASSAY_VERSION);
    cJSON *run = cJSON_AddObjectToObject(o, "run");
    report_facts(rp, fact_json, run);
    cJSON_AddNumberToObject(run, "records", (double)rp->run->n);
    cJSON_AddNumberToObject(run, "superseded", (double)rp->run->superseded);
    cJSON_AddNumberToObject(run, "torn", (double)rp->run->torn);
    cJSON *opt = cJSON_AddObjectToObject(o, "options");
    cJSON_AddNumberToObject(opt, "level", rp->agg->opt.level);
    cJSON_AddNumberToObject(opt, "resamples", rp->agg->opt.resamples);
    cJSON_AddNumberToObject(opt, "seed", (double)rp->agg->opt.seed);
    cJSON_AddItemToObject(opt, "slice", rp->agg->opt.slice_tag
                          ? cJSON_CreateString(rp->agg->opt.slice_tag) : cJSON_CreateNull());
    cJSON_AddNumberToObject(opt, "alpha", rp->pw.alpha);
    cJSON_AddNumberToObject(opt, "power", rp->pw.power);
    cJSON_AddItemToObject(opt, "pricing_file", rp->opt.pricing_path
                          ? cJSON_CreateString(rp->opt.pricing_path) : cJSON_CreateNull());
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (size_t i = 0; i < rp->nnotes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(rp->notes[i]));
    cJSON *tables = cJSON_AddObjectToObject(o, "tables");
    for (size_t i = 0; i < rp->ntables; i++)
        cJSON_AddItemToObject(tables, rp->tables[i].key, table_to_json(&rp->tables[i]));
    cJSON_AddItemToObject(o, "decision", decision_to_json(rp->dc));
    cJSON_AddItemToObject(o, "constraints", constraints_to_json(rp->cons));
    return o;
}

int report_write_csv(const struct report *rp, const char *dir, struct diag *d)
{
    struct buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < rp->ntables; i++) {
        buf_reset(&b);
        table_render_csv(&rp->tables[i], &b);
        char *path = xasprintf("%s/%s.csv", dir, rp->tables[i].key);
        int rc = file_write_atomic(path, b.ptr, b.len, d);
        free(path);
        if (rc < 0) {
            buf_release(&b);
            return -1;
        }
    }
    buf_release(&b);
    return 0;
}
