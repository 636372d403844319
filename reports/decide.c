/* decide.c -- see decide.h and docs/choose.md.
 *
 * Order of checks (the first failure is the headline reason, all are
 * kept): required attributes, error rate, quality floors in the order
 * given, p95, p99, TTFT p95, cost per 1,000 requests, monthly cost.
 * Ranking: cheapest = lowest cost per 1,000; fastest = lowest p95;
 * quality = highest relative quality (each suite's primary metric divided
 * by the best backend's, averaged); weighted = w_q * relative quality +
 * w_c * (cheapest cost / cost) + w_l * (lowest p95 / p95). Ties go to
 * higher relative quality, then lower p95, then the name. */
#include "decide.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void constraints_init(struct constraints *c)
{
    memset(c, 0, sizeof(*c));
    c->max_p95_ms = c->max_p99_ms = c->max_ttft_p95_ms = NAN;
    c->max_error_rate = c->max_cost_per_1k = c->max_monthly_usd = NAN;
    c->objective = OBJ_CHEAPEST;
    c->w_quality = 1;
    c->w_cost = 1;
    c->w_latency = 1;
    c->utilisation = 0.5;
    c->peak_factor = 1;
}

void constraints_release(struct constraints *c)
{
    free(c->floors);
    free(c->attrs);
    free(c->mix);
    free(c->knees);
    memset(c, 0, sizeof(*c));
}

void fmt_thousands(double v, int decimals, char *out, size_t n)
{
    if (isnan(v)) {
        snprintf(out, n, "n/a");
        return;
    }
    char raw[64];
    snprintf(raw, sizeof(raw), "%.*f", decimals, fabs(v));
    const char *dot = strchr(raw, '.');
    size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
    char buf[128];
    size_t k = 0;
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        buf[k++] = '-';
    for (size_t i = 0; i < intlen; i++) {
        buf[k++] = raw[i];
        size_t left = intlen - i - 1;
        if (left && left % 3 == 0)
            buf[k++] = ',';
    }
    snprintf(buf + k, sizeof(buf) - k, "%s", dot ? dot : "");
    snprintf(out, n, "%s", buf);
}

static void fmt_value(double v, char *out, size_t n)
{
    /* Quality values: 3 significant decimals below 10, else 2. */
    if (isnan(v))
        snprintf(out, n, "n/a");
    else if (fabs(v) < 10)
        snprintf(out, n, "%.3f", v);
    else
        snprintf(out, n, "%.2f", v);
}

static void fmt_usd(double v, char *out, size_t n)
{
    char num[64];
    if (isnan(v)) {
        snprintf(out, n, "n/a");
        return;
    }
    fmt_thousands(v, v >= 100 ? 0 : (v >= 1 ? 2 : 4), num, sizeof(num));
    size_t len = strlen(num);
    if (n < 2)
        return;
    if (len + 2 > n)
        len = n - 2;
    out[0] = '$';
    memcpy(out + 1, num, len);
    out[len + 1] = '\0';
}

static void add_violation(struct candidate *c, const char *what, double measured, double limit,
                          int upper, const char *text)
{
    c->viol = xrealloc(c->viol, (c->nviol + 1) * sizeof(*c->viol));
    struct violation *v = &c->viol[c->nviol++];
    snprintf(v->what, sizeof(v->what), "%s", what);
    v->measured = measured;
    v->limit = limit;
    v->upper = upper;
    snprintf(v->text, sizeof(v->text), "%s", text);
}

static void check_upper_ms(struct candidate *c, const char *what, double measured, double limit)
{
    if (isnan(limit))
        return;
    char m[64], l[64], text[256];
    fmt_thousands(measured, 0, m, sizeof(m));
    fmt_thousands(limit, 0, l, sizeof(l));
    if (isnan(measured)) {
        snprintf(text, sizeof(text), "%s unknown (no successful requests) vs limit %s ms", what, l);
        add_violation(c, what, INFINITY, limit, 1, text);
    } else if (measured > limit) {
        snprintf(text, sizeof(text), "%s %s ms > %s ms", what, m, l);
        add_violation(c, what, measured, limit, 1, text);
    }
}

static void check_upper_usd(struct candidate *c, const char *what, double measured, double limit)
{
    if (isnan(limit))
        return;
    char m[64], l[64], text[256];
    fmt_usd(measured, m, sizeof(m));
    fmt_usd(limit, l, sizeof(l));
    if (isnan(measured)) {
        snprintf(text, sizeof(text), "%s unknown vs limit %s", what, l);
        add_violation(c, what, INFINITY, limit, 1, text);
    } else if (measured > limit) {
        snprintf(text, sizeof(text), "%s %s > %s", what, m, l);
        add_violation(c, what, measured, limit, 1, text);
    }
}

static const char *attr_text(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsTrue(v))
        return "true";
    if (cJSON_IsFalse(v))
        return "false";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%g", v->valuedouble);
        return buf;
    }
    return NULL;
}

struct pricing decide_pricing(const struct run *r, const struct constraints *c,
                              const char *backend)
{
    struct pricing p;
    memset(&p, 0, sizeof(p));
    p.cached_input_per_mtok = -1;
    struct diag d;
    diag_init(&d);
    if (c->pricing && pricing_file_get(c->pricing, backend, &p, &d) == 0 && p.set)
        return p;
    const cJSON *b = run_backend(r, backend);
    const cJSON *pj = cJSON_GetObjectItemCaseSensitive(b, "pricing");
    if (cJSON_IsObject(pj))
        pricing_parse(pj, "run.json", "pricing", &p, &d);
    return p;
}

/* Cost per request of backend b for suite group g (or pooled), with the
 * per-hour part amortised. */
static const struct load_knee *knee_of(const struct constraints *c, const char *backend)
{
    for (size_t i = 0; i < c->nknees; i++)
        if (strcmp(c->knees[i].backend, backend) == 0)
            return &c->knees[i];
    return NULL;
}

/* Average demand of the monthly volume times the peak factor, req/s. */
static double demand_rps(const struct constraints *c)
{
    return c->monthly_requests / (30.0 * 24 * 3600) * (c->peak_factor > 0 ? c->peak_factor : 1);
}

static double request_cost(const struct group *g, const struct group *pooled,
                           const struct pricing *p, const struct constraints *c,
                           const char **note)
{
    double per_req = isnan(g->cost_per_request) ? 0 : g->cost_per_request;
    if (p->per_hour <= 0) {
        *note = p->set ? "per token/request, from reported usage" : "no price configured (cost 0)";
        return per_req;
    }
    /* A load run's knee is the rate one instance sustains within the SLO:
     * a better capacity figure than the evaluation run's throughput. */
    const struct load_knee *k = knee_of(c, g->backend);
    if (k && k->found && k->knee_rps > 0 && c->monthly_requests > 0) {
        double instances = ceil(demand_rps(c) / k->knee_rps);
        if (instances < 1)
            instances = 1;
        *note = "per hour: instances for the monthly volume at the load run's knee (the rate "
                "that met its SLO), 720 h/month";
        return per_req + instances * p->per_hour * 720.0 / c->monthly_requests;
    }
    double tput = pooled->throughput_rps;
    if (!(tput > 0)) {
        *note = "per hour, but no throughput measured";
        return NAN;
    }
    if (c->monthly_requests > 0) {
        double demand = c->monthly_requests / (30.0 * 24 * 3600);
        double instances = ceil(demand / tput);
        if (instances < 1)
            instances = 1;
        *note = "per hour: instances for the monthly volume at the measured throughput, 720 h/month";
        return per_req + instances * p->per_hour * 720.0 / c->monthly_requests;
    }
    *note = "per hour at the stated utilisation of the measured throughput";
    return per_req + cost_hourly_per_request(p->per_hour, tput, c->utilisation);
}

double decide_request_cost(const struct run *r, const struct aggregate *a,
                           const struct constraints *c, const struct group *g, const char **note)
{
    struct pricing p = decide_pricing(r, c, g->backend);
    const struct group *pooled = aggregate_find(a, g->backend, "*", "");
    *note = NULL;
    return request_cost(g, pooled ? pooled : g, &p, c, note);
}

static double share_of(const struct constraints *c, const char *suite, double dflt)
{
    for (size_t i = 0; i < c->nmix; i++)
        if (strcmp(c->mix[i].suite, suite) == 0)
            return c->mix[i].weight;
    return c->nmix ? 0 : dflt;
}

static int dominates(const struct decision *dc, const struct candidate *a,
                     const struct candidate *b)
{
    int strict = 0;
    for (size_t s = 0; s < dc->nsuites; s++) {
        double qa = a->quality[s], qb = b->quality[s];
        if (isnan(qb))
            continue;
        if (isnan(qa))
            return 0;
        int better = dc->higher_is_better[s] ? qa > qb : qa < qb;
        int worse = dc->higher_is_better[s] ? qa < qb : qa > qb;
        if (worse)
            return 0;
        strict |= better;
    }
    double ca = isnan(a->cost_per_1k) ? INFINITY : a->cost_per_1k;
    double cb = isnan(b->cost_per_1k) ? INFINITY : b->cost_per_1k;
    double la = isnan(a->p95_ms) ? INFINITY : a->p95_ms;
    double lb = isnan(b->p95_ms) ? INFINITY : b->p95_ms;
    if (ca > cb || la > lb)
        return 0;
    strict |= ca < cb || la < lb;
    return strict;
}

static const struct decision *sort_ctx;

static int cmp_rank(const void *pa, const void *pb)
{
    const struct candidate *a = &sort_ctx->c[*(const size_t *)pa];
    const struct candidate *b = &sort_ctx->c[*(const size_t *)pb];
    if (a->objective != b->objective)
        return a->objective > b->objective ? -1 : 1;
    if (a->rel_quality != b->rel_quality)
        return a->rel_quality > b->rel_quality ? -1 : 1;
    double la = isnan(a->p95_ms) ? INFINITY : a->p95_ms;
    double lb = isnan(b->p95_ms) ? INFINITY : b->p95_ms;
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a->backend, b->backend);
}

static const char *objective_name(enum objective o)
{
    switch (o) {
    case OBJ_FASTEST: return "fastest (lowest p95 latency)";
    case OBJ_QUALITY: return "best quality (relative quality over suites)";
    case OBJ_WEIGHTED: return "weighted (quality, cost, latency)";
    default: return "cheapest (lowest cost per 1,000 requests)";
    }
}

/* Position of name in run.json's backends (array) or suites (object), or
 * a large number when absent: lists follow the config, not the order in
 * which requests happened to finish. */
static size_t config_rank(const cJSON *list, const char *name)
{
    size_t i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        const char *n = cJSON_IsObject(list) ? it->string
                                             : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        if (n && strcmp(n, name) == 0)
            return i;
        i++;
    }
    return (size_t)-1;
}

static void order_as_configured(const struct run *r, struct decision *dc, double *suite_requests)
{
    const cJSON *backends = cJSON_GetObjectItemCaseSensitive(r->meta, "backends");
    const cJSON *suites = cJSON_GetObjectItemCaseSensitive(r->meta, "suites");
    /* Insertion sorts: a handful of backends and suites; stable for ties. */
    for (size_t i = 1; i < dc->n; i++)
        for (size_t j = i; j > 0 && config_rank(backends, dc->c[j - 1].backend) >
                                        config_rank(backends, dc->c[j].backend); j--) {
            struct candidate t = dc->c[j];
            dc->c[j] = dc->c[j - 1];
            dc->c[j - 1] = t;
        }
    for (size_t i = 1; i < dc->nsuites; i++)
        for (size_t j = i; j > 0 && config_rank(suites, dc->suites[j - 1]) >
                                        config_rank(suites, dc->suites[j]); j--) {
            const char *ts = dc->suites[j];
            const char *tp = dc->primary[j];
            int th = dc->higher_is_better[j];
            double tr = suite_requests[j];
            dc->suites[j] = dc->suites[j - 1];
            dc->primary[j] = dc->primary[j - 1];
            dc->higher_is_better[j] = dc->higher_is_better[j - 1];
            suite_requests[j] = suite_requests[j - 1];
            dc->suites[j - 1] = ts;
            dc->primary[j - 1] = tp;
            dc->higher_is_better[j - 1] = th;
            suite_requests[j - 1] = tr;
        }
}

int decide(const struct run *r, const struct aggregate *a, const struct constraints *c,
           struct decision *dc, struct diag *d)
{
    memset(dc, 0, sizeof(*dc));
    dc->objective_name = objective_name(c->objective);
    /* Suites and backends in first-seen order (arrays sized by a.n, the
     * most there can be). */
    dc->suites = xcalloc(a->n + 1, sizeof(*dc->suites));
    dc->primary = xcalloc(a->n + 1, sizeof(*dc->primary));
    dc->higher_is_better = xcalloc(a->n + 1, sizeof(*dc->higher_is_better));
    dc->c = xcalloc(a->n + 1, sizeof(*dc->c));
    double *suite_requests = xcalloc(a->n + 1, sizeof(double));
    for (size_t i = 0; i < a->n; i++) {
        const struct group *g = &a->groups[i];
        if (g->slice[0])
            continue;
        if (strcmp(g->suite, "*") == 0) {
            dc->c[dc->n++].backend = g->backend;
            continue;
        }
        size_t s;
        for (s = 0; s < dc->nsuites; s++)
            if (strcmp(dc->suites[s], g->suite) == 0)
                break;
        if (s == dc->nsuites) {
            dc->suites[s] = g->suite;
            dc->primary[s] = g->primary;
            dc->higher_is_better[s] = g->higher_is_better;
            dc->nsuites++;
        }
        suite_requests[s] += (double)g->planned;
    }
    order_as_configured(r, dc, suite_requests);
    for (size_t f = 0; f < c->nfloors; f++) {
        size_t s;
        for (s = 0; s < dc->nsuites; s++)
            if (strcmp(dc->suites[s], c->floors[f].suite) == 0)
                break;
        if (s == dc->nsuites && !c->floors[f].from_flag) {
            dc->notes = xrealloc(dc->notes, (dc->nnotes + 1) * sizeof(*dc->notes));
            dc->notes[dc->nnotes++] = xasprintf("the quality floor for %s is not checked: "
                                                "the run has no such suite", c->floors[f].suite);
            continue;
        }
        if (s == dc->nsuites) {
            free(suite_requests);
            return diag_fail(d, "--min-quality %s: the run has no suite of that name",
                             c->floors[f].suite);
        }
        if (!dc->primary[s]) {
            free(suite_requests);
            return diag_fail(d, "--min-quality %s: the suite has no primary metric in run.json",
                             c->floors[f].suite);
        }
    }
    double total_requests = 0, total_share = 0;
    for (size_t s = 0; s < dc->nsuites; s++)
        total_requests += suite_requests[s];
    double *share = xcalloc(dc->nsuites + 1, sizeof(double));
    for (size_t s = 0; s < dc->nsuites; s++) {
        share[s] = share_of(c, dc->suites[s], total_requests > 0 ? suite_requests[s] / total_requests : 0);
        total_share += share[s];
    }
    for (size_t s = 0; s < dc->nsuites && total_share > 0; s++)
        share[s] /= total_share;
    free(suite_requests);

    /* Figures and violations per backend. */
    double *best = xcalloc(dc->nsuites + 1, sizeof(double));
    for (size_t s = 0; s < dc->nsuites; s++)
        best[s] = NAN;
    for (size_t i = 0; i < dc->n; i++) {
        struct candidate *cd = &dc->c[i];
        const struct group *pooled = aggregate_find(a, cd->backend, "*", "");
        cd->p95_ms = pooled->e2e.p95;
        cd->p99_ms = pooled->e2e.p99;
        cd->ttft_p95_ms = pooled->ttft.p95;
        cd->error_rate = pooled->error_rate;
        cd->quality = xcalloc(dc->nsuites + 1, sizeof(double));
        cd->quality_lo = xcalloc(dc->nsuites + 1, sizeof(double));
        cd->quality_hi = xcalloc(dc->nsuites + 1, sizeof(double));
        struct pricing p = decide_pricing(r, c, cd->backend);
        double cost = 0, covered = 0;
        for (size_t s = 0; s < dc->nsuites; s++) {
            cd->quality[s] = cd->quality_lo[s] = cd->quality_hi[s] = NAN;
            const struct group *g = aggregate_find(a, cd->backend, dc->suites[s], "");
            if (!g)
                continue;
            const struct metric_agg *m = dc->primary[s] ? group_metric(g, dc->primary[s]) : NULL;
            if (m) {
                cd->quality[s] = m->mean;
                cd->quality_lo[s] = m->ci.lo;
                cd->quality_hi[s] = m->ci.hi;
                if (isnan(best[s]) || (dc->higher_is_better[s] ? m->mean > best[s] : m->mean < best[s]))
                    best[s] = m->mean;
            }
            cost += share[s] * request_cost(g, pooled, &p, c, &cd->cost_note);
            covered += share[s];
        }
        if (!cd->cost_note)
            cd->cost_note = "no price configured (cost 0)";
        cd->cost_per_1k = covered > 0 ? cost / covered * 1000.0 : NAN;
        cd->monthly_usd = c->monthly_requests > 0 ? cd->cost_per_1k / 1000.0 * c->monthly_requests : NAN;

        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(run_backend(r, cd->backend), "attributes");
        for (size_t k = 0; k < c->nattrs; k++) {
            char buf[64], what[96], text[512];
            const char *have = attr_text(cJSON_GetObjectItemCaseSensitive(attrs, c->attrs[k].key),
                                         buf, sizeof(buf));
            if (have && strcmp(have, c->attrs[k].value) == 0)
                continue;
            snprintf(what, sizeof(what), "attribute:%s", c->attrs[k].key);
            snprintf(text, sizeof(text), "%s is %s%s%s, required %s", c->attrs[k].key,
                     have ? "\"" : "", have ? have : "not set", have ? "\"" : "", c->attrs[k].value);
            add_violation(cd, what, NAN, NAN, 0, text);
        }
        if (!isnan(c->max_error_rate) && !(cd->error_rate <= c->max_error_rate)) {
            char text[256];
            snprintf(text, sizeof(text), "error rate %.1f%% > %.1f%%", 100 * cd->error_rate,
                     100 * c->max_error_rate);
            add_violation(cd, "error rate", cd->error_rate, c->max_error_rate, 1, text);
        }
        for (size_t f = 0; f < c->nfloors; f++) {
            size_t s;
            for (s = 0; s < dc->nsuites; s++)
                if (strcmp(dc->suites[s], c->floors[f].suite) == 0)
                    break;
            if (s == dc->nsuites)
                continue;   /* a config floor for a suite the run lacks (noted) */
            int hib = dc->higher_is_better[s];
            double v = c->use_lower_bound ? (hib ? cd->quality_lo[s] : cd->quality_hi[s])
                                          : cd->quality[s];
            int ok = !isnan(v) && (hib ? v >= c->floors[f].min : v <= c->floors[f].min);
            if (ok)
                continue;
            char what[128], text[512], mv[32], lv[32];
            fmt_value(v, mv, sizeof(mv));
            fmt_value(c->floors[f].min, lv, sizeof(lv));
            snprintf(what, sizeof(what), "quality:%s", dc->suites[s]);
            if (isnan(v))
                snprintf(text, sizeof(text), "%s: no %s results", dc->suites[s], dc->primary[s]);
            else
                snprintf(text, sizeof(text), "%s %s%s %s %s %s", dc->suites[s], dc->primary[s],
                         c->use_lower_bound ? (hib ? " (CI lower bound)" : " (CI upper bound)") : "",
                         mv, hib ? "<" : ">", lv);
            add_violation(cd, what, isnan(v) ? (hib ? -INFINITY : INFINITY) : v,
                          c->floors[f].min, !hib, text);
        }
        const struct load_knee *kn = knee_of(c, cd->backend);
        if (kn && c->monthly_requests > 0 && p.per_hour <= 0) {
            double want = demand_rps(c);
            char text[512];
            if (!kn->found) {
                snprintf(text, sizeof(text), "load: no tested rate met the load SLO (%s)", kn->slo);
                add_violation(cd, "load capacity", INFINITY, 0, 1, text);
            } else if (want > kn->knee_rps) {
                snprintf(text, sizeof(text), "load: demand %.3g req/s > knee %.3g req/s under "
                         "the load SLO (%s)", want, kn->knee_rps, kn->slo);
                add_violation(cd, "load capacity", want, kn->knee_rps, 1, text);
            }
        }
        check_upper_ms(cd, "p95", cd->p95_ms, c->max_p95_ms);
        check_upper_ms(cd, "p99", cd->p99_ms, c->max_p99_ms);
        check_upper_ms(cd, "TTFT p95", cd->ttft_p95_ms, c->max_ttft_p95_ms);
        check_upper_usd(cd, "cost per 1k", cd->cost_per_1k, c->max_cost_per_1k);
        check_upper_usd(cd, "monthly cost", cd->monthly_usd, c->max_monthly_usd);
        cd->feasible = cd->nviol == 0;
    }

    /* Relative quality and the objective. */
    double min_cost = INFINITY, min_p95 = INFINITY;
    for (size_t i = 0; i < dc->n; i++) {
        struct candidate *cd = &dc->c[i];
        double sum = 0;
        size_t k = 0;
        for (size_t s = 0; s < dc->nsuites; s++) {
            if (isnan(best[s]))
                continue;
            double q = cd->quality[s], rel;
            if (isnan(q))
                rel = 0;
            else if (dc->higher_is_better[s])
                rel = best[s] > 0 ? q / best[s] : (q == best[s]);
            else
                rel = q > 0 ? best[s] / q : 1;
            sum += rel;
            k++;
        }
        cd->rel_quality = k ? sum / (double)k : NAN;
        if (!isnan(cd->cost_per_1k))
            min_cost = fmin(min_cost, cd->cost_per_1k);
        if (!isnan(cd->p95_ms))
            min_p95 = fmin(min_p95, cd->p95_ms);
    }
    for (size_t i = 0; i < dc->n; i++) {
        struct candidate *cd = &dc->c[i];
        double cost = isnan(cd->cost_per_1k) ? INFINITY : cd->cost_per_1k;
        double p95 = isnan(cd->p95_ms) ? INFINITY : cd->p95_ms;
        double relq = isnan(cd->rel_quality) ? 0 : cd->rel_quality;
        switch (c->objective) {
        case OBJ_FASTEST: cd->objective = -p95; break;
        case OBJ_QUALITY: cd->objective = relq; break;
        case OBJ_WEIGHTED:
            cd->objective = c->w_quality * relq +
                            c->w_cost * (cost > 0 ? min_cost / cost : 1) +
                            c->w_latency * (p95 > 0 ? min_p95 / p95 : 1);
            break;
        default: cd->objective = -cost; break;
        }
    }
    dc->ranked = xcalloc(dc->n + 1, sizeof(size_t));
    for (size_t i = 0; i < dc->n; i++)
        if (dc->c[i].feasible)
            dc->ranked[dc->nranked++] = i;
    sort_ctx = dc;
    qsort(dc->ranked, dc->nranked, sizeof(size_t), cmp_rank);
    sort_ctx = NULL;

    for (size_t i = 0; i < dc->n; i++) {
        dc->c[i].pareto = 1;
        for (size_t j = 0; j < dc->n; j++)
            if (j != i && dominates(dc, &dc->c[j], &dc->c[i])) {
                dc->c[i].pareto = 0;
                break;
            }
    }

    /* Hybrid: per suite, the best backend meeting the per-suite
     * constraints (attributes, error rate, that suite's floor, latency). */
    dc->routes = xcalloc(dc->nsuites + 1, sizeof(*dc->routes));
    dc->hybrid_feasible = dc->nsuites > 0;
    double hybrid_cost = 0;
    for (size_t s = 0; s < dc->nsuites; s++) {
        struct route *rt = &dc->routes[s];
        rt->suite = dc->suites[s];
        rt->share = share[s];
        rt->quality = rt->cost_per_1k = rt->p95_ms = NAN;
        double best_obj = -INFINITY, best_relq = -INFINITY;
        for (size_t i = 0; i < dc->n; i++) {
            const struct candidate *cd = &dc->c[i];
            const struct group *g = aggregate_find(a, cd->backend, dc->suites[s], "");
            if (!g)
                continue;
            int ok = 1;
            for (size_t v = 0; v < cd->nviol && ok; v++)
                if (strncmp(cd->viol[v].what, "attribute:", 10) == 0)
                    ok = 0;
            if (!isnan(c->max_error_rate) && !(g->error_rate <= c->max_error_rate))
                ok = 0;
            for (size_t f = 0; f < c->nfloors && ok; f++) {
                if (strcmp(c->floors[f].suite, dc->suites[s]) != 0)
                    continue;
                int hib = dc->higher_is_better[s];
                double v = c->use_lower_bound ? (hib ? cd->quality_lo[s] : cd->quality_hi[s])
                                              : cd->quality[s];
                ok = !isnan(v) && (hib ? v >= c->floors[f].min : v <= c->floors[f].min);
            }
            if (!isnan(c->max_p95_ms) && !(g->e2e.p95 <= c->max_p95_ms))
                ok = 0;
            if (!isnan(c->max_p99_ms) && !(g->e2e.p99 <= c->max_p99_ms))
                ok = 0;
            if (!isnan(c->max_ttft_p95_ms) && !(g->ttft.p95 <= c->max_ttft_p95_ms))
                ok = 0;
            if (!ok)
                continue;
            struct pricing p = decide_pricing(r, c, cd->backend);
            const char *note;
            double cost = request_cost(g, aggregate_find(a, cd->backend, "*", ""), &p, c, &note) * 1000;
            double q = cd->quality[s];
            double relq = isnan(q) || isnan(best[s]) ? 0
                          : (dc->higher_is_better[s] ? (best[s] > 0 ? q / best[s] : 1)
                                                     : (q > 0 ? best[s] / q : 1));
            double obj;
            switch (c->objective) {
            case OBJ_FASTEST: obj = -g->e2e.p95; break;
            case OBJ_QUALITY: obj = relq; break;
            case OBJ_WEIGHTED:
                obj = c->w_quality * relq + c->w_cost * (cost > 0 ? min_cost / cost : 1) +
                      c->w_latency * (g->e2e.p95 > 0 ? min_p95 / g->e2e.p95 : 1);
                break;
            default: obj = isnan(cost) ? -INFINITY : -cost; break;
            }
            if (obj > best_obj || (obj == best_obj && relq > best_relq)) {
                best_obj = obj;
                best_relq = relq;
                rt->backend = cd->backend;
                rt->quality = q;
                rt->cost_per_1k = cost;
                rt->p95_ms = g->e2e.p95;
            }
        }
        if (!rt->backend)
            dc->hybrid_feasible = 0;
        else
            hybrid_cost += share[s] * rt->cost_per_1k;
    }
    dc->hybrid_cost_per_1k = dc->hybrid_feasible ? hybrid_cost : NAN;
    dc->hybrid_monthly_usd = (dc->hybrid_feasible && c->monthly_requests > 0)
                                 ? hybrid_cost / 1000.0 * c->monthly_requests : NAN;
    if (dc->hybrid_feasible && ((!isnan(c->max_cost_per_1k) && hybrid_cost > c->max_cost_per_1k) ||
                                (!isnan(c->max_monthly_usd) && dc->hybrid_monthly_usd > c->max_monthly_usd)))
        dc->hybrid_feasible = 0;
    if (dc->hybrid_feasible) {
        int mixed = 0;
        for (size_t s = 1; s < dc->nsuites; s++)
            mixed |= strcmp(dc->routes[s].backend, dc->routes[0].backend) != 0;
        const struct candidate *single = dc->nranked ? &dc->c[dc->ranked[0]] : NULL;
        dc->hybrid_beats_single = mixed && (!single ||
            (c->objective == OBJ_CHEAPEST ? hybrid_cost < single->cost_per_1k - 1e-12 : 1));
    }

    /* Relaxations: a backend that fails exactly one constraint is admitted
     * by relaxing that constraint to its measured value; keep the smallest
     * relaxation per constraint. */
    for (size_t i = 0; i < dc->n; i++) {
        const struct candidate *cd = &dc->c[i];
        if (cd->nviol != 1)
            continue;
        const struct violation *v = &cd->viol[0];
        if (isnan(v->limit) || isinf(v->measured))
            continue;
        size_t k;
        for (k = 0; k < dc->nrelax; k++)
            if (strcmp(dc->relax[k].what, v->what) == 0)
                break;
        char text[512], m[64], l[64];
        if (strcmp(v->what, "load capacity") == 0) {
            double volume = v->limit * 30.0 * 24 * 3600 / (c->peak_factor > 0 ? c->peak_factor : 1);
            fmt_thousands(volume, 0, m, sizeof(m));
            fmt_thousands(c->monthly_requests, 0, l, sizeof(l));
            snprintf(text, sizeof(text), "lower the monthly volume to %s requests (from %s)", m, l);
        } else if (strcmp(v->what, "error rate") == 0) {
            snprintf(text, sizeof(text), "raise max error rate to %.1f%% (from %.1f%%)",
                     100 * v->measured, 100 * v->limit);
        } else if (strncmp(v->what, "quality:", 8) == 0) {
            fmt_value(v->measured, m, sizeof(m));
            fmt_value(v->limit, l, sizeof(l));
            snprintf(text, sizeof(text), "%s the %s floor to %s (from %s)",
                     v->upper ? "raise" : "lower", v->what + 8, m, l);
        } else if (strstr(v->what, "cost")) {
            fmt_usd(v->measured, m, sizeof(m));
            fmt_usd(v->limit, l, sizeof(l));
            snprintf(text, sizeof(text), "raise max %s to %s (from %s)", v->what, m, l);
        } else {
            fmt_thousands(v->measured, 0, m, sizeof(m));
            fmt_thousands(v->limit, 0, l, sizeof(l));
            snprintf(text, sizeof(text), "raise max %s to %s ms (from %s ms)", v->what, m, l);
        }
        /* Keep the smallest relaxation of each constraint. */
        if (k < dc->nrelax) {
            double pm = dc->relax[k].measured;
            if (v->upper ? v->measured >= pm : v->measured <= pm)
                continue;
        } else {
            dc->relax = xrealloc(dc->relax, (dc->nrelax + 1) * sizeof(*dc->relax));
            k = dc->nrelax++;
        }
        snprintf(dc->relax[k].text, sizeof(dc->relax[k].text), "%s", text);
        snprintf(dc->relax[k].what, sizeof(dc->relax[k].what), "%s", v->what);
        dc->relax[k].measured = v->measured;
        dc->relax[k].admits = cd->backend;
    }
    free(best);
    free(share);
    return 0;
}

void decision_release(struct decision *dc)
{
    for (size_t i = 0; i < dc->n; i++) {
        free(dc->c[i].viol);
        free(dc->c[i].quality);
        free(dc->c[i].quality_lo);
        free(dc->c[i].quality_hi);
    }
    free(dc->c);
    free(dc->suites);
    free(dc->primary);
    free(dc->higher_is_better);
    free(dc->ranked);
    free(dc->routes);
    free(dc->relax);
    for (size_t i = 0; i < dc->nnotes; i++)
        free(dc->notes[i]);
    free(dc->notes);
    memset(dc, 0, sizeof(*dc));
}

/* === rendering ============================================================ */

/* Names come from run folders, which may be written by hand: in Markdown
 * they are escaped (a rotating set of buffers, enough for one fprintf). */
static const char *nm(const char *name, int md)
{
    static char bufs[8][512];
    static unsigned next;
    if (!md || !name)
        return name;
    char *out = bufs[next++ % 8];
    size_t k = 0;
    for (const char *p = name; *p && k + 6 < sizeof(bufs[0]); p++) {
        if (*p == '<') { memcpy(out + k, "&lt;", 4); k += 4; continue; }
        if (*p == '>') { memcpy(out + k, "&gt;", 4); k += 4; continue; }
        if (*p == '&') { memcpy(out + k, "&amp;", 5); k += 5; continue; }
        if (strchr("\\`*_[]|#", *p))
            out[k++] = '\\';
        out[k++] = *p;
    }
    out[k] = '\0';
    return out;
}

static void print_constraints(const struct constraints *c, const struct decision *dc, int md,
                              FILE *f)
{
    int any = 0;
    char a[64], b[64];
#define SEP() fputs(any++ ? "; " : "", f)
    for (size_t i = 0; i < c->nfloors; i++) {
        size_t s;
        for (s = 0; s < dc->nsuites; s++)
            if (strcmp(dc->suites[s], c->floors[i].suite) == 0)
                break;
        int hib = s < dc->nsuites ? dc->higher_is_better[s] : 1;
        fmt_value(c->floors[i].min, a, sizeof(a));
        SEP();
        fprintf(f, "%s %s %s %s%s", nm(c->floors[i].suite, md),
                s < dc->nsuites && dc->primary[s] ? dc->primary[s] : "quality", hib ? ">=" : "<=", a,
                c->use_lower_bound ? " (on the CI bound)" : "");
    }
    if (!isnan(c->max_p95_ms)) {
        fmt_thousands(c->max_p95_ms, 0, a, sizeof(a));
        SEP();
        fprintf(f, "p95 <= %s ms", a);
    }
    if (!isnan(c->max_p99_ms)) {
        fmt_thousands(c->max_p99_ms, 0, a, sizeof(a));
        SEP();
        fprintf(f, "p99 <= %s ms", a);
    }
    if (!isnan(c->max_ttft_p95_ms)) {
        fmt_thousands(c->max_ttft_p95_ms, 0, a, sizeof(a));
        SEP();
        fprintf(f, "TTFT p95 <= %s ms", a);
    }
    if (!isnan(c->max_error_rate)) {
        SEP();
        fprintf(f, "error rate <= %.1f%%", 100 * c->max_error_rate);
    }
    if (!isnan(c->max_cost_per_1k)) {
        fmt_usd(c->max_cost_per_1k, a, sizeof(a));
        SEP();
        fprintf(f, "cost per 1k <= %s", a);
    }
    if (!isnan(c->max_monthly_usd)) {
        fmt_usd(c->max_monthly_usd, a, sizeof(a));
        fmt_thousands(c->monthly_requests, 0, b, sizeof(b));
        SEP();
        fprintf(f, "monthly cost <= %s at %s requests", a, b);
    }
    for (size_t i = 0; i < c->nattrs; i++) {
        SEP();
        fprintf(f, "%s = %s", nm(c->attrs[i].key, md), nm(c->attrs[i].value, md));
    }
    if (!any)
        fputs("none", f);
#undef SEP
    fputc('\n', f);
}

static void print_figures(const struct decision *dc, const struct candidate *cd, int md,
                          FILE *f)
{
    char cost[64], p95[64];
    fmt_usd(cd->cost_per_1k, cost, sizeof(cost));
    fmt_thousands(cd->p95_ms, 0, p95, sizeof(p95));
    fprintf(f, "%s per 1k, p95 %s ms, errors %.1f%%", cost, p95, 100 * cd->error_rate);
    for (size_t s = 0; s < dc->nsuites; s++) {
        char q[32];
        fmt_value(cd->quality[s], q, sizeof(q));
        fprintf(f, ", %s %s", nm(dc->suites[s], md), q);
    }
}

void decision_print(const struct decision *dc, const struct constraints *c, int md, FILE *f)
{
    const char *h = md ? "### " : "";
    const char *bullet = md ? "- " : "  ";
    fprintf(f, "%sDecision\n\n", md ? "## " : "");
    fprintf(f, "%sObjective: %s\n", md ? "- " : "", dc->objective_name);
    fprintf(f, "%sConstraints: ", md ? "- " : "");
    print_constraints(c, dc, md, f);
    fputc('\n', f);
    if (dc->nranked) {
        const struct candidate *best = &dc->c[dc->ranked[0]];
        fprintf(f, "%s%s%s%s: ", md ? "**" : "", "Recommended: ", nm(best->backend, md), md ? "**" : "");
        print_figures(dc, best, md, f);
        fprintf(f, "\n%sWhy: it meets every constraint and ranks first of %zu feasible backend%s by the objective",
                md ? "\n" : "", dc->nranked, dc->nranked == 1 ? "" : "s");
        if (dc->nranked > 1) {
            const struct candidate *next = &dc->c[dc->ranked[1]];
            fprintf(f, "; next is %s (", nm(next->backend, md));
            print_figures(dc, next, md, f);
            fputc(')', f);
        }
        fputc('.', f);
        fprintf(f, "\n\n%sFeasible backends, best first\n\n", h);
        for (size_t k = 0; k < dc->nranked; k++) {
            const struct candidate *cd = &dc->c[dc->ranked[k]];
            fprintf(f, "%s%zu. %s: ", md ? "" : "  ", k + 1, nm(cd->backend, md));
            print_figures(dc, cd, md, f);
            fputc('\n', f);
        }
    } else {
        fprintf(f, "%sNo backend meets every constraint.%s\n", md ? "**" : "", md ? "**" : "");
    }
    fprintf(f, "\n%sPareto set (quality per suite, cost, p95; no backend is better on all)\n\n", h);
    fputs(bullet, f);
    int first = 1;
    for (size_t i = 0; i < dc->n; i++)
        if (dc->c[i].pareto) {
            fprintf(f, "%s%s", first ? "" : ", ", nm(dc->c[i].backend, md));
            first = 0;
        }
    fputc('\n', f);
    int excluded = 0;
    for (size_t i = 0; i < dc->n; i++)
        excluded += !dc->c[i].feasible;
    if (excluded) {
        fprintf(f, "\n%sExcluded\n\n", h);
        for (size_t i = 0; i < dc->n; i++) {
            const struct candidate *cd = &dc->c[i];
            if (cd->feasible)
                continue;
            fprintf(f, "%s%s: %s", bullet, nm(cd->backend, md), cd->viol[0].text);
            if (cd->nviol > 1)
                fprintf(f, " (and %zu more: ", cd->nviol - 1);
            for (size_t v = 1; v < cd->nviol; v++)
                fprintf(f, "%s%s", v > 1 ? "; " : "", cd->viol[v].text);
            fprintf(f, "%s\n", cd->nviol > 1 ? ")" : "");
        }
    }
    fprintf(f, "\n%sHybrid routing (best backend per suite under the same constraints)\n\n", h);
    for (size_t s = 0; s < dc->nsuites; s++) {
        const struct route *rt = &dc->routes[s];
        if (!rt->backend) {
            fprintf(f, "%s%s: no backend qualifies\n", bullet, nm(rt->suite, md));
            continue;
        }
        char q[32], cost[64];
        fmt_value(rt->quality, q, sizeof(q));
        fmt_usd(rt->cost_per_1k, cost, sizeof(cost));
        fprintf(f, "%s%s -> %s (traffic %.0f%%, quality %s, %s per 1k)\n", bullet, nm(rt->suite, md),
                nm(rt->backend, md), 100 * rt->share, q, cost);
    }
    if (dc->hybrid_feasible) {
        char cost[64];
        fmt_usd(dc->hybrid_cost_per_1k, cost, sizeof(cost));
        fprintf(f, "%sBlended: %s per 1k", bullet, cost);
        if (!isnan(dc->hybrid_monthly_usd)) {
            char m[64];
            fmt_usd(dc->hybrid_monthly_usd, m, sizeof(m));
            fprintf(f, ", %s per month", m);
        }
        if (dc->nranked) {
            char single[64];
            fmt_usd(dc->c[dc->ranked[0]].cost_per_1k, single, sizeof(single));
            fprintf(f, " (best single backend %s: %s per 1k)", nm(dc->c[dc->ranked[0]].backend, md),
                    single);
        }
        fprintf(f, "%s\n", dc->hybrid_beats_single ? "; routing per suite is the better answer" : "");
    } else {
        fprintf(f, "%sNo routing meets every constraint.\n", bullet);
    }
    fprintf(f, "\n%sWhat would change the answer\n\n", h);
    if (!dc->nrelax)
        fprintf(f, "%sNo single relaxation admits another backend.\n", bullet);
    for (size_t k = 0; k < dc->nrelax; k++)
        fprintf(f, "%s%s would admit %s\n", bullet, dc->relax[k].text, nm(dc->relax[k].admits, md));
    for (size_t i = 0; i < dc->nnotes; i++)
        fprintf(f, "\nNote: %s.\n", dc->notes[i]);
    for (size_t i = 0; i < dc->n; i++)
        if (dc->c[i].cost_note && strstr(dc->c[i].cost_note, "per hour"))
            fprintf(f, "\nCost of %s: %s.\n", nm(dc->c[i].backend, md), dc->c[i].cost_note);
}

static cJSON *num_or_null(double v)
{
    return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

cJSON *decision_to_json(const struct decision *dc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "objective", dc->objective_name);
    cJSON_AddItemToObject(o, "recommended", dc->nranked
                          ? cJSON_CreateString(dc->c[dc->ranked[0]].backend) : cJSON_CreateNull());
    cJSON *ranked = cJSON_AddArrayToObject(o, "ranked");
    for (size_t k = 0; k < dc->nranked; k++)
        cJSON_AddItemToArray(ranked, cJSON_CreateString(dc->c[dc->ranked[k]].backend));
    cJSON *cands = cJSON_AddArrayToObject(o, "backends");
    for (size_t i = 0; i < dc->n; i++) {
        const struct candidate *cd = &dc->c[i];
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "name", cd->backend);
        cJSON_AddBoolToObject(b, "feasible", cd->feasible);
        cJSON_AddBoolToObject(b, "pareto", cd->pareto);
        cJSON_AddItemToObject(b, "p95_ms", num_or_null(cd->p95_ms));
        cJSON_AddItemToObject(b, "p99_ms", num_or_null(cd->p99_ms));
        cJSON_AddItemToObject(b, "ttft_p95_ms", num_or_null(cd->ttft_p95_ms));
        cJSON_AddItemToObject(b, "error_rate", num_or_null(cd->error_rate));
        cJSON_AddItemToObject(b, "cost_per_1k", num_or_null(cd->cost_per_1k));
        cJSON_AddItemToObject(b, "monthly_usd", num_or_null(cd->monthly_usd));
        cJSON_AddStringToObject(b, "cost_note", cd->cost_note ? cd->cost_note : "");
        cJSON_AddItemToObject(b, "relative_quality", num_or_null(cd->rel_quality));
        cJSON *q = cJSON_AddObjectToObject(b, "quality");
        for (size_t s = 0; s < dc->nsuites; s++) {
            cJSON *qs = cJSON_AddObjectToObject(q, dc->suites[s]);
            cJSON_AddItemToObject(qs, "mean", num_or_null(cd->quality[s]));
            cJSON_AddItemToObject(qs, "ci_low", num_or_null(cd->quality_lo[s]));
            cJSON_AddItemToObject(qs, "ci_high", num_or_null(cd->quality_hi[s]));
        }
        cJSON *v = cJSON_AddArrayToObject(b, "violations");
        for (size_t k = 0; k < cd->nviol; k++) {
            cJSON *vv = cJSON_CreateObject();
            cJSON_AddStringToObject(vv, "constraint", cd->viol[k].what);
            cJSON_AddItemToObject(vv, "measured", num_or_null(cd->viol[k].measured));
            cJSON_AddItemToObject(vv, "limit", num_or_null(cd->viol[k].limit));
            cJSON_AddStringToObject(vv, "text", cd->viol[k].text);
            cJSON_AddItemToArray(v, vv);
        }
        cJSON_AddItemToArray(cands, b);
    }
    cJSON *h = cJSON_AddObjectToObject(o, "hybrid");
    cJSON_AddBoolToObject(h, "feasible", dc->hybrid_feasible);
    cJSON_AddBoolToObject(h, "beats_single", dc->hybrid_beats_single);
    cJSON_AddItemToObject(h, "cost_per_1k", num_or_null(dc->hybrid_cost_per_1k));
    cJSON_AddItemToObject(h, "monthly_usd", num_or_null(dc->hybrid_monthly_usd));
    cJSON *routes = cJSON_AddArrayToObject(h, "routes");
    for (size_t s = 0; s < dc->nsuites; s++) {
        cJSON *rt = cJSON_CreateObject();
        cJSON_AddStringToObject(rt, "suite", dc->routes[s].suite);
        cJSON_AddItemToObject(rt, "backend", dc->routes[s].backend
                              ? cJSON_CreateString(dc->routes[s].backend) : cJSON_CreateNull());
        cJSON_AddItemToObject(rt, "share", num_or_null(dc->routes[s].share));
        cJSON_AddItemToObject(rt, "quality", num_or_null(dc->routes[s].quality));
        cJSON_AddItemToObject(rt, "cost_per_1k", num_or_null(dc->routes[s].cost_per_1k));
        cJSON_AddItemToArray(routes, rt);
    }
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (size_t i = 0; i < dc->nnotes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(dc->notes[i]));
    cJSON *rl = cJSON_AddArrayToObject(o, "relaxations");
    for (size_t k = 0; k < dc->nrelax; k++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "change", dc->relax[k].text);
        cJSON_AddStringToObject(x, "admits", dc->relax[k].admits);
        cJSON_AddItemToArray(rl, x);
    }
    return o;
}

/* === constraints from flags and config ===================================== */

static int split_eq(const char *arg, char *key, size_t kn, const char **val)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= kn)
        return -1;
    snprintf(key, kn, "%.*s", (int)(eq - arg), arg);
    *val = eq + 1;
    return 0;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || isnan(v))
        return -1;
    *out = v;
    return 0;
}

int constraints_add_floor(struct constraints *c, const char *arg, struct diag *d)
{
    char suite[96];
    const char *val;
    double v;
    if (split_eq(arg, suite, sizeof(suite), &val) < 0 || parse_number(val, &v) < 0)
        return diag_fail(d, "--min-quality: expected SUITE=NUMBER, got \"%s\"", arg);
    c->floors = xrealloc(c->floors, (c->nfloors + 1) * sizeof(*c->floors));
    snprintf(c->floors[c->nfloors].suite, sizeof(c->floors[0].suite), "%s", suite);
    c->floors[c->nfloors].from_flag = 1;
    c->floors[c->nfloors++].min = v;
    return 0;
}

int constraints_add_attr(struct constraints *c, const char *arg, struct diag *d)
{
    char key[64];
    const char *val;
    if (split_eq(arg, key, sizeof(key), &val) < 0 || strlen(val) >= sizeof(c->attrs[0].value))
        return diag_fail(d, "--require: expected ATTRIBUTE=VALUE, got \"%s\"", arg);
    c->attrs = xrealloc(c->attrs, (c->nattrs + 1) * sizeof(*c->attrs));
    snprintf(c->attrs[c->nattrs].key, sizeof(c->attrs[0].key), "%s", key);
    snprintf(c->attrs[c->nattrs++].value, sizeof(c->attrs[0].value), "%s", val);
    return 0;
}

int constraints_add_mix(struct constraints *c, const char *arg, struct diag *d)
{
    char suite[96];
    const char *val;
    double v;
    if (split_eq(arg, suite, sizeof(suite), &val) < 0 || parse_number(val, &v) < 0 || v < 0)
        return diag_fail(d, "--mix: expected SUITE=WEIGHT (a number >= 0), got \"%s\"", arg);
    c->mix = xrealloc(c->mix, (c->nmix + 1) * sizeof(*c->mix));
    snprintf(c->mix[c->nmix].suite, sizeof(c->mix[0].suite), "%s", suite);
    c->mix[c->nmix++].weight = v;
    return 0;
}

int constraints_set_objective(struct constraints *c, const char *name, struct diag *d)
{
    if (strcmp(name, "cheapest") == 0)
        c->objective = OBJ_CHEAPEST;
    else if (strcmp(name, "fastest") == 0)
        c->objective = OBJ_FASTEST;
    else if (strcmp(name, "quality") == 0)
        c->objective = OBJ_QUALITY;
    else if (strcmp(name, "weighted") == 0)
        c->objective = OBJ_WEIGHTED;
    else
        return diag_fail(d, "objective: expected cheapest, fastest, quality or weighted, got \"%s\"",
                         name);
    return 0;
}

int constraints_add_load(struct constraints *c, const char *dir, struct diag *d)
{
    char *path = xasprintf("%s/run.json", dir);
    cJSON *meta = json_load_file(path, d);
    if (!meta) {
        free(path);
        return -1;
    }
    const cJSON *load = cJSON_GetObjectItemCaseSensitive(meta, "load");
    const char *backend = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(load, "backend"));
    const cJSON *knee = cJSON_GetObjectItemCaseSensitive(load, "knee");
    int rc = 0;
    if (!cJSON_IsObject(load) || !backend || !cJSON_IsObject(knee)) {
        rc = diag_fail_at(d, path, 0, "load", "missing: not a folder written by assay load");
    } else {
        c->knees = xrealloc(c->knees, (c->nknees + 1) * sizeof(*c->knees));
        struct load_knee *k = &c->knees[c->nknees++];
        memset(k, 0, sizeof(*k));
        snprintf(k->backend, sizeof(k->backend), "%s", backend);
        k->found = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(knee, "found"));
        const cJSON *rps = cJSON_GetObjectItemCaseSensitive(knee, "rate_rps");
        k->knee_rps = cJSON_IsNumber(rps) ? rps->valuedouble : 0;
        /* The SLO as "ttft p95 <= 500 ms, ..." from its JSON. */
        const cJSON *slo = cJSON_GetObjectItemCaseSensitive(load, "slo"), *it;
        size_t used = 0;
        cJSON_ArrayForEach(it, slo) {
            char val[64];
            if (cJSON_IsNumber(it))
                snprintf(val, sizeof(val), "%g", it->valuedouble);
            else if (cJSON_IsString(it))
                snprintf(val, sizeof(val), "%s", it->valuestring);
            else
                continue;
            int w = snprintf(k->slo + used, sizeof(k->slo) - used, "%s%s %s", used ? ", " : "",
                             it->string, val);
            if (w < 0 || (size_t)w >= sizeof(k->slo) - used)
                break;
            used += (size_t)w;
        }
        if (!used)
            snprintf(k->slo, sizeof(k->slo), "as run");
    }
    cJSON_Delete(meta);
    free(path);
    return rc;
}

int constraints_from_json(const cJSON *obj, const char *file, const char *path,
                          struct constraints *c, struct diag *d)
{
    static const char *const keys[] = {
        "min_quality", "use_lower_bound", "max_p95_ms", "max_p99_ms", "max_ttft_p95_ms",
        "max_error_rate", "max_cost_per_1k", "max_monthly_usd", "monthly_requests", "require",
        "objective", "weights", "mix", "utilisation", "peak_factor", NULL,
    };
    if (!cJSON_IsObject(obj))
        return diag_fail_at(d, file, 0, path, "expected an object");
    int rc = jv_known_keys(obj, keys, file, path, d);
    const cJSON *mq = NULL, *req = NULL, *w = NULL, *mix = NULL;
    rc |= jv_object(obj, "min_quality", file, path, 0, &mq, d);
    const cJSON *it;
    char sub[256];
    cJSON_ArrayForEach(it, mq) {
        jpath_key(sub, sizeof(sub), path, "min_quality");
        jpath_key(sub, sizeof(sub), sub, it->string);
        if (!cJSON_IsNumber(it)) {
            rc = diag_fail_at(d, file, 0, sub, "expected a number, got %s", json_kind(it));
            continue;
        }
        c->floors = xrealloc(c->floors, (c->nfloors + 1) * sizeof(*c->floors));
        snprintf(c->floors[c->nfloors].suite, sizeof(c->floors[0].suite), "%s", it->string);
        c->floors[c->nfloors].from_flag = 0;
        c->floors[c->nfloors++].min = it->valuedouble;
    }
    rc |= jv_bool(obj, "use_lower_bound", file, path, 0, &c->use_lower_bound, d);
    rc |= jv_number(obj, "max_p95_ms", file, path, 0, 0, DBL_MAX, &c->max_p95_ms, d);
    rc |= jv_number(obj, "max_p99_ms", file, path, 0, 0, DBL_MAX, &c->max_p99_ms, d);
    rc |= jv_number(obj, "max_ttft_p95_ms", file, path, 0, 0, DBL_MAX, &c->max_ttft_p95_ms, d);
    rc |= jv_number(obj, "max_error_rate", file, path, 0, 0, 1, &c->max_error_rate, d);
    rc |= jv_number(obj, "max_cost_per_1k", file, path, 0, 0, DBL_MAX, &c->max_cost_per_1k, d);
    rc |= jv_number(obj, "max_monthly_usd", file, path, 0, 0, DBL_MAX, &c->max_monthly_usd, d);
    rc |= jv_number(obj, "monthly_requests", file, path, 0, 0, DBL_MAX, &c->monthly_requests, d);
    rc |= jv_number(obj, "utilisation", file, path, 0, 1e-6, 1, &c->utilisation, d);
    rc |= jv_number(obj, "peak_factor", file, path, 0, 1, 1000, &c->peak_factor, d);
    rc |= jv_object(obj, "require", file, path, 0, &req, d);
    cJSON_ArrayForEach(it, req) {
        char buf[64];
        const char *v = attr_text(it, buf, sizeof(buf));
        jpath_key(sub, sizeof(sub), path, "require");
        jpath_key(sub, sizeof(sub), sub, it->string);
        if (!v) {
            rc = diag_fail_at(d, file, 0, sub, "expected a string, number or boolean, got %s",
                              json_kind(it));
            continue;
        }
        c->attrs = xrealloc(c->attrs, (c->nattrs + 1) * sizeof(*c->attrs));
        snprintf(c->attrs[c->nattrs].key, sizeof(c->attrs[0].key), "%s", it->string);
        snprintf(c->attrs[c->nattrs++].value, sizeof(c->attrs[0].value), "%s", v);
    }
    const char *objective = NULL;
    rc |= jv_string(obj, "objective", file, path, 0, &objective, d);
    if (objective) {
        jpath_key(sub, sizeof(sub), path, "objective");
        struct diag od;
        diag_init(&od);
        if (constraints_set_objective(c, objective, &od) < 0)
            rc = diag_fail_at(d, file, 0, sub, "%s", od.msg);
    }
    rc |= jv_object(obj, "weights", file, path, 0, &w, d);
    if (w) {
        static const char *const wkeys[] = { "quality", "cost", "latency", NULL };
        jpath_key(sub, sizeof(sub), path, "weights");
        rc |= jv_known_keys(w, wkeys, file, sub, d);
        rc |= jv_number(w, "quality", file, sub, 0, 0, DBL_MAX, &c->w_quality, d);
        rc |= jv_number(w, "cost", file, sub, 0, 0, DBL_MAX, &c->w_cost, d);
        rc |= jv_number(w, "latency", file, sub, 0, 0, DBL_MAX, &c->w_latency, d);
    }
    rc |= jv_object(obj, "mix", file, path, 0, &mix, d);
    cJSON_ArrayForEach(it, mix) {
        jpath_key(sub, sizeof(sub), path, "mix");
        jpath_key(sub, sizeof(sub), sub, it->string);
        if (!cJSON_IsNumber(it) || it->valuedouble < 0) {
            rc = diag_fail_at(d, file, 0, sub, "expected a weight >= 0");
            continue;
        }
        c->mix = xrealloc(c->mix, (c->nmix + 1) * sizeof(*c->mix));
        snprintf(c->mix[c->nmix].suite, sizeof(c->mix[0].suite), "%s", it->string);
        c->mix[c->nmix++].weight = it->valuedouble;
    }
    return rc ? -1 : 0;
}
