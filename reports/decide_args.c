/* decide_args.c -- see decide_args.h and docs/choose.md. The flags are
 * collected apart from the config sections and applied last, so a flag
 * always wins whatever order the sources are read in. */
#include "decide_args.h"

#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    O_MINQ = DECIDE_OPT_BASE, O_LB, O_P95, O_P99, O_TTFT, O_ERR, O_COST, O_MONTHLY, O_VOLUME,
    O_REQUIRE, O_OBJ, O_WEIGHTS, O_MIX, O_UTIL, O_PRICING, O_CONFIG, O_LOAD, O_PEAK,
};

const struct option decide_options[] = {
    { "min-quality", required_argument, 0, O_MINQ },
    { "lower-bound", no_argument, 0, O_LB },
    { "max-p95-ms", required_argument, 0, O_P95 },
    { "max-p99-ms", required_argument, 0, O_P99 },
    { "max-ttft-p95-ms", required_argument, 0, O_TTFT },
    { "max-error-rate", required_argument, 0, O_ERR },
    { "max-cost-per-1k", required_argument, 0, O_COST },
    { "max-monthly-usd", required_argument, 0, O_MONTHLY },
    { "monthly-requests", required_argument, 0, O_VOLUME },
    { "require", required_argument, 0, O_REQUIRE },
    { "objective", required_argument, 0, O_OBJ },
    { "weights", required_argument, 0, O_WEIGHTS },
    { "mix", required_argument, 0, O_MIX },
    { "utilisation", required_argument, 0, O_UTIL },
    { "pricing", required_argument, 0, O_PRICING },
    { "config", required_argument, 0, O_CONFIG },
    { "load", required_argument, 0, O_LOAD },
    { "peak-factor", required_argument, 0, O_PEAK },
    { 0, 0, 0, 0 },
};

const char decide_usage[] =
    "constraints (also from the config's \"decision\" section; docs/choose.md):\n"
    "  --min-quality SUITE=X     floor on the suite's primary metric (repeatable)\n"
    "  --lower-bound             compare the 95% CI bound, not the mean, with floors\n"
    "  --max-p95-ms N            end-to-end latency p95 ceiling\n"
    "  --max-p99-ms N            end-to-end latency p99 ceiling\n"
    "  --max-ttft-p95-ms N       time-to-first-token p95 ceiling\n"
    "  --max-error-rate X        e.g. 0.05 or 5%\n"
    "  --max-cost-per-1k X       USD per 1,000 requests in the traffic mix\n"
    "  --max-monthly-usd X       with --monthly-requests\n"
    "  --monthly-requests N      traffic volume for monthly cost and dedicated sizing\n"
    "  --load DIR                an `assay load` folder: its knee sizes the backend for the\n"
    "                            monthly volume under its SLO (repeatable, one per backend)\n"
    "  --peak-factor X           peak / average traffic for --load capacity (default 1)\n"
    "  --require ATTR=VALUE      backend attribute, e.g. hosting=self-hosted (repeatable)\n"
    "choice:\n"
    "  --objective NAME          cheapest (default), fastest, quality, weighted\n"
    "  --weights Q,C,L           weights for --objective weighted (default 1,1,1)\n"
    "  --mix SUITE=W             traffic share per suite (default: the run's own mix)\n"
    "  --utilisation U           assumed utilisation of per-hour endpoints (default 0.5)\n"
    "  --pricing FILE            prices overriding the run's (docs/pricing.md)\n"
    "  --config FILE             read its \"decision\" section\n";

void decide_args_init(struct decide_args *a)
{
    memset(a, 0, sizeof(*a));
    constraints_init(&a->flags);
    a->lower_bound = -1;
    a->utilisation = NAN;
    a->peak_factor = NAN;
}

void decide_args_release(struct decide_args *a)
{
    free(a->loads);
    constraints_release(&a->flags);
}

struct option *decide_options_merge(const struct option *own)
{
    size_t n = 0, m = 0;
    while (own[n].name)
        n++;
    while (decide_options[m].name)
        m++;
    struct option *all = xcalloc(n + m + 1, sizeof(*all));
    memcpy(all, own, n * sizeof(*all));
    memcpy(all + n, decide_options, m * sizeof(*all));
    return all;
}

static int number_arg(const char *flag, const char *s, int percent_ok, double *out,
                      struct diag *d)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (percent_ok && end != s && *end == '%' && !end[1]) {
        v /= 100;
        end++;
    }
    if (end == s || *end || errno || isnan(v) || v < 0)
        return diag_fail(d, "%s: expected a number >= 0, got \"%s\"", flag, s);
    *out = v;
    return 0;
}

int decide_args_take(struct decide_args *a, int opt, const char *arg, struct diag *d)
{
    struct constraints *f = &a->flags;
    int rc = 0;
    switch (opt) {
    case O_MINQ: rc = constraints_add_floor(f, arg, d); break;
    case O_REQUIRE: rc = constraints_add_attr(f, arg, d); break;
    case O_MIX: rc = constraints_add_mix(f, arg, d); break;
    case O_OBJ:
        rc = constraints_set_objective(f, arg, d);
        a->objective_set = 1;
        break;
    case O_LB: a->lower_bound = 1; break;
    case O_P95: rc = number_arg("--max-p95-ms", arg, 0, &f->max_p95_ms, d); break;
    case O_P99: rc = number_arg("--max-p99-ms", arg, 0, &f->max_p99_ms, d); break;
    case O_TTFT: rc = number_arg("--max-ttft-p95-ms", arg, 0, &f->max_ttft_p95_ms, d); break;
    case O_ERR: rc = number_arg("--max-error-rate", arg, 1, &f->max_error_rate, d); break;
    case O_COST: rc = number_arg("--max-cost-per-1k", arg, 0, &f->max_cost_per_1k, d); break;
    case O_MONTHLY: rc = number_arg("--max-monthly-usd", arg, 0, &f->max_monthly_usd, d); break;
    case O_VOLUME: rc = number_arg("--monthly-requests", arg, 0, &f->monthly_requests, d); break;
    case O_UTIL:
        rc = number_arg("--utilisation", arg, 1, &a->utilisation, d);
        if (!rc && (a->utilisation <= 0 || a->utilisation > 1))
            rc = diag_fail(d, "--utilisation: expected a value in (0, 1], got \"%s\"", arg);
        break;
    case O_WEIGHTS:
        if (sscanf(arg, "%lf,%lf,%lf", &f->w_quality, &f->w_cost, &f->w_latency) != 3)
            rc = diag_fail(d, "--weights: expected Q,C,L, got \"%s\"", arg);
        a->weights_set = 1;
        break;
    case O_LOAD:
        a->loads = xrealloc(a->loads, (a->nloads + 1) * sizeof(*a->loads));
        a->loads[a->nloads++] = arg;
        break;
    case O_PEAK:
        rc = number_arg("--peak-factor", arg, 0, &a->peak_factor, d);
        if (!rc && a->peak_factor < 1)
            rc = diag_fail(d, "--peak-factor: expected a number >= 1, got \"%s\"", arg);
        break;
    case O_PRICING: a->pricing_path = arg; break;
    case O_CONFIG: a->config_path = arg; break;
    default: return 0;
    }
    return rc < 0 ? -1 : 1;
}

size_t run_reprice(struct run *r, const struct pricing_file *pf)
{
    size_t changed = 0;
    if (!pf)
        return 0;
    for (size_t i = 0; i < r->n; i++) {
        struct rec *x = &r->recs[i];
        struct pricing p;
        struct diag d;
        diag_init(&d);
        if (pricing_file_get(pf, x->backend, &p, &d) < 0 || !p.set)
            continue;
        struct cost c = cost_of_request(&p, x->in_tokens, x->cached_tokens, x->out_tokens);
        x->cost_usd = c.usd;
        changed++;
    }
    return changed;
}

int decide_args_apply(const struct decide_args *a, struct run *r, struct constraints *c,
                      struct pricing_file **pf, size_t *repriced, struct diag *d)
{
    const struct constraints *f = &a->flags;
    *pf = NULL;
    const cJSON *section = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(r->meta, "config"), "decision");
    if (section && constraints_from_json(section, "run.json", "config.decision", c, d) < 0)
        return -1;
    if (a->config_path) {
        cJSON *config = json_load_file(a->config_path, d);
        if (!config)
            return -1;
        section = cJSON_GetObjectItemCaseSensitive(config, "decision");
        int rc = section ? constraints_from_json(section, a->config_path, "decision", c, d)
                         : diag_fail_at(d, a->config_path, 0, "decision",
                                        "missing: the config has no decision section");
        cJSON_Delete(config);
        if (rc < 0)
            return -1;
    }
#define TAKE(x) if (!isnan(f->x)) c->x = f->x
    TAKE(max_p95_ms);
    TAKE(max_p99_ms);
    TAKE(max_ttft_p95_ms);
    TAKE(max_error_rate);
    TAKE(max_cost_per_1k);
    TAKE(max_monthly_usd);
#undef TAKE
    if (f->monthly_requests > 0)
        c->monthly_requests = f->monthly_requests;
    if (!isnan(a->utilisation))
        c->utilisation = a->utilisation;
    if (a->lower_bound >= 0)
        c->use_lower_bound = a->lower_bound;
    if (f->nfloors) {
        c->floors = xrealloc(c->floors, (c->nfloors + f->nfloors) * sizeof(*c->floors));
        memcpy(c->floors + c->nfloors, f->floors, f->nfloors * sizeof(*f->floors));
        c->nfloors += f->nfloors;
    }
    if (f->nattrs) {
        c->attrs = xrealloc(c->attrs, (c->nattrs + f->nattrs) * sizeof(*c->attrs));
        memcpy(c->attrs + c->nattrs, f->attrs, f->nattrs * sizeof(*f->attrs));
        c->nattrs += f->nattrs;
    }
    if (f->nmix) {
        c->mix = xrealloc(c->mix, f->nmix * sizeof(*c->mix));
        memcpy(c->mix, f->mix, f->nmix * sizeof(*f->mix));
        c->nmix = f->nmix;
    }
    if (a->objective_set)
        c->objective = f->objective;
    if (a->weights_set) {
        c->w_quality = f->w_quality;
        c->w_cost = f->w_cost;
        c->w_latency = f->w_latency;
    }
    if (!isnan(a->peak_factor))
        c->peak_factor = a->peak_factor;
    for (size_t i = 0; i < a->nloads; i++)
        if (constraints_add_load(c, a->loads[i], d) < 0)
            return -1;
    if (!isnan(c->max_monthly_usd) && !(c->monthly_requests > 0))
        return diag_fail(d, "--max-monthly-usd needs --monthly-requests");
    if (a->pricing_path) {
        *pf = pricing_file_load(a->pricing_path, d);
        if (!*pf)
            return -1;
        c->pricing = *pf;
        size_t n = run_reprice(r, *pf);
        if (repriced)
            *repriced = n;
    }
    return 0;
}
