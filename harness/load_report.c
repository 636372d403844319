/* load_report.c -- what a load run concludes and shows: a step's figures
 * from its samples (rates, percentiles, goodput) and whether it passes,
 * the knee, the cost there, the table on stdout and the `load` section of
 * run.json. Rules and field meanings: docs/load.md. */
#define _GNU_SOURCE
#include "load_impl.h"
#include "runmeta.h"
#include "reports/stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* === a step's figures ===================================================== */

static void pct_of(struct dvec *v, struct pcts *p)
{
    memset(p, 0, sizeof(*p));
    p->n = v->n;
    if (!v->n) {
        p->mean = p->p50 = p->p90 = p->p95 = p->p99 = p->max = NAN;
        return;
    }
    stats_sort(v->v, v->n);
    p->mean = stats_mean(v->v, v->n);
    p->p50 = stats_percentile_sorted(v->v, v->n, 0.50);
    p->p90 = stats_percentile_sorted(v->v, v->n, 0.90);
    p->p95 = stats_percentile_sorted(v->v, v->n, 0.95);
    p->p99 = stats_percentile_sorted(v->v, v->n, 0.99);
    p->max = v->v[v->n - 1];
}

static void fail_why(struct step *st, const char *fmt, ...)
{
    size_t used = strlen(st->why);
    if (used && used + 2 < sizeof(st->why)) {
        strcat(st->why, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->why + used, sizeof(st->why) - used, fmt, ap);
    va_end(ap);
    st->pass = 0;
}

/* The ordinary spread of the step's latencies: p90 - p10 of the latency
 * from the intended send over the first half of the step (by send time),
 * before a queue, if any, has grown much. */
static double early_spread_s(const struct step *st)
{
    double mid = ms_of(st->first_intended + (st->last_intended - st->first_intended) / 2);
    double *v = xmalloc((st->e2e.n ? st->e2e.n : 1) * sizeof(double));
    size_t n = 0;
    for (size_t i = 0; i < st->e2e.n; i++)
        if (st->e2e_at.v[i] <= mid)
            v[n++] = st->e2e.v[i];
    double spread = 0;
    if (n >= 2) {
        stats_sort(v, n);
        spread = stats_percentile_sorted(v, n, 0.9) - stats_percentile_sorted(v, n, 0.1);
    }
    free(v);
    return spread / 1e3;
}

void load_finish_step(struct load *L, struct step *st)
{
    const struct slo *s = &L->o->slo;
    double spread_s = st->e2e.n ? early_spread_s(st) : 0;
    pct_of(&st->ttft, &st->p_ttft);
    pct_of(&st->ttft_svc, &st->p_ttft_svc);
    pct_of(&st->e2e, &st->p_e2e);
    pct_of(&st->e2e_svc, &st->p_e2e_svc);
    pct_of(&st->itl, &st->p_itl);
    pct_of(&st->tpot, &st->p_tpot);
    pct_of(&st->lag, &st->p_lag);
    double span_int = ms_of(st->last_intended - st->first_intended) / 1e3;
    double span_done = ms_of(st->last_done - st->first_done) / 1e3;
    /* Offered: the rate the step's send times realised (exactly the rate
     * for fixed arrivals); achieved: the rate its successes completed at.
     * Both count intervals between events, so neither is biased by the
     * time a request takes (docs/load.md). */
    st->offered_rps = st->sent >= 2 && span_int > 0 ? (double)(st->sent - 1) / span_int
                      : is_rate(L) ? st->level : NAN;
    st->achieved_rps = st->ok >= 2 && span_done > 0 ? (double)(st->ok - 1) / span_done
                       : st->ok == 1 ? st->offered_rps : 0;
    st->duration_s = st->sent >= 2 ? span_int + 1.0 / st->offered_rps : 0;
    st->out_tok_s = st->ok ? st->achieved_rps * st->out_tokens / (double)st->ok : 0;
    st->goodput_rps = st->ok ? st->achieved_rps * (double)st->good / (double)st->ok : 0;
    st->error_rate = st->sent ? (double)st->failed / (double)st->sent : NAN;
    st->rate_429 = st->sent ? (double)st->http_429 / (double)st->sent : NAN;
    st->client_bottleneck = st->capped == 0 && st->p_lag.n && st->p_lag.p95 > L->bottleneck_ms;

    st->pass = 1;
    st->why[0] = '\0';
    if (st->interrupted)
        fail_why(st, "interrupted");
    if (st->ok == 0) {
        fail_why(st, "no request succeeded");
        return;
    }
    if (st->error_rate > s->max_error_rate)
        fail_why(st, "errors %.1f%% > %.1f%%", st->error_rate * 100, s->max_error_rate * 100);
    if (!isnan(s->ttft_ms) && !(st->p_ttft.p95 <= s->ttft_ms))
        fail_why(st, "ttft p95 %.0f ms > %.0f ms", st->p_ttft.p95, s->ttft_ms);
    if (!isnan(s->itl_ms) && st->p_itl.n && !(st->p_itl.p95 <= s->itl_ms))
        fail_why(st, "itl p95 %.1f ms > %.1f ms", st->p_itl.p95, s->itl_ms);
    if (!isnan(s->tpot_ms) && st->p_tpot.n && !(st->p_tpot.p95 <= s->tpot_ms))
        fail_why(st, "tpot p95 %.1f ms > %.1f ms", st->p_tpot.p95, s->tpot_ms);
    if (!isnan(s->e2e_ms) && !(st->p_e2e.p95 <= s->e2e_ms))
        fail_why(st, "e2e p95 %.0f ms > %.0f ms", st->p_e2e.p95, s->e2e_ms);
    /* Fell behind: delivered less than LOAD_MIN_ACHIEVED of the offer, by
     * more than the ordinary spread of latencies explains (the completions
     * of a short step spread out by that much without any queue). */
    if (is_rate(L) && st->achieved_rps < LOAD_MIN_ACHIEVED * st->offered_rps &&
        span_done - span_int > spread_s)
        fail_why(st, "achieved %.4g req/s < %.0f%% of %.4g offered", st->achieved_rps,
                 LOAD_MIN_ACHIEVED * 100, st->offered_rps);
}

void load_find_knee(const struct load *L, long *lo_i, long *hi_i)
{
    double lowest_fail = INFINITY;
    *hi_i = -1;
    for (size_t i = 0; i < L->nsteps; i++)
        if (!L->steps[i].pass && L->steps[i].level < lowest_fail) {
            lowest_fail = L->steps[i].level;
            *hi_i = (long)i;
        }
    *lo_i = -1;
    for (size_t i = 0; i < L->nsteps; i++) {
        const struct step *st = &L->steps[i];
        if (st->pass && st->level < lowest_fail &&
            (*lo_i < 0 || st->level > L->steps[*lo_i].level))
            *lo_i = (long)i;
    }
}

/* === the table ============================================================ */

static void fmt_ms(double v, char *out, size_t n)
{
    if (isnan(v))
        snprintf(out, n, "-");
    else if (v >= 10000)
        snprintf(out, n, "%.1fs", v / 1000);
    else if (v >= 100)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%.1f", v);
}

static void print_header(struct load *L)
{
    if (L->header_printed)
        return;
    L->header_printed = 1;
    printf("%-4s %9s %9s %6s %6s %6s %8s %15s %15s %8s %7s %7s %9s  %s\n", "step",
           is_rate(L) ? "offered/s" : "conc", "achiev/s", "sent", "err%", "429%", "tok/s",
           "ttft p50/p95", "e2e p50/p95", "svc e2e", "itl p95", "lag p95", "goodput/s",
           "SLO");
    printf("%-4s %9s %9s %6s %6s %6s %8s %15s %15s %8s %7s %7s %9s\n", "", "", "", "", "", "",
           "", "(ms, intended)", "(ms, intended)", "p95 ms", "ms", "ms", "");
}

void load_print_step(struct load *L, const struct step *st)
{
    print_header(L);
    char lvl[32], a[16], b[16], c[16], d[16], e[16], f[16], g[16], tt[40], ee[40], idx[16];
    if (is_rate(L))
        snprintf(lvl, sizeof(lvl), "%.4g", st->level);
    else
        snprintf(lvl, sizeof(lvl), "%.0f", st->level);
    fmt_ms(st->p_ttft.p50, a, sizeof(a));
    fmt_ms(st->p_ttft.p95, b, sizeof(b));
    fmt_ms(st->p_e2e.p50, c, sizeof(c));
    fmt_ms(st->p_e2e.p95, d, sizeof(d));
    fmt_ms(st->p_e2e_svc.p95, e, sizeof(e));
    fmt_ms(st->p_itl.p95, f, sizeof(f));
    fmt_ms(st->p_lag.p95, g, sizeof(g));
    snprintf(tt, sizeof(tt), "%s/%s", a, b);
    snprintf(ee, sizeof(ee), "%s/%s", c, d);
    snprintf(idx, sizeof(idx), "%d%s", st->index, st->bisect ? "b" : "");
    printf("%-4s %9s %9.4g %6ld %6.1f %6.1f %8.0f %15s %15s %8s %7s %7s %9.4g  %s%s%s\n", idx,
           lvl, st->achieved_rps, st->sent, st->sent ? st->error_rate * 100 : 0.0,
           st->sent ? st->rate_429 * 100 : 0.0, st->out_tok_s, tt, ee, e, f, g, st->goodput_rps,
           st->pass ? "pass" : "FAIL", st->pass ? "" : ": ", st->why);
    if (st->capped)
        printf("     note: %ld request%s waited for the max-in-flight cap (%ld); their latency "
               "includes the wait (--max-in-flight)\n", st->capped, st->capped == 1 ? "" : "s",
               L->cap);
    if (st->client_bottleneck)
        printf("     warning: send lag p95 %.2f ms > %.2f ms: the client may have been the "
               "bottleneck\n", st->p_lag.p95, L->bottleneck_ms);
    fflush(stdout);
}

/* === run.json ============================================================= */

static cJSON *pcts_json(const struct pcts *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)p->n);
    if (!p->n)
        return o;
    cJSON_AddNumberToObject(o, "mean", round3(p->mean));
    cJSON_AddNumberToObject(o, "p50", round3(p->p50));
    cJSON_AddNumberToObject(o, "p90", round3(p->p90));
    cJSON_AddNumberToObject(o, "p95", round3(p->p95));
    cJSON_AddNumberToObject(o, "p99", round3(p->p99));
    cJSON_AddNumberToObject(o, "max", round3(p->max));
    return o;
}

static void num_or_null(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, round3(v));
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *step_json(const struct load *L, const struct step *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "step", st->index);
    cJSON_AddStringToObject(o, "kind", st->bisect ? "bisect" : "sweep");
    if (is_rate(L))
        cJSON_AddNumberToObject(o, "rate", st->level);
    else
        cJSON_AddNumberToObject(o, "concurrency", st->level);
    cJSON_AddBoolToObject(o, "interrupted", st->interrupted);
    cJSON_AddNumberToObject(o, "warmup_requests", (double)st->warmup_sent);
    cJSON_AddNumberToObject(o, "requests", (double)st->sent);
    cJSON_AddNumberToObject(o, "ok", (double)st->ok);
    cJSON_AddNumberToObject(o, "failed", (double)st->failed);
    cJSON_AddNumberToObject(o, "timeouts", (double)st->timeouts);
    cJSON_AddNumberToObject(o, "http_429", (double)st->http_429);
    num_or_null(o, "duration_s", st->duration_s);
    num_or_null(o, "offered_rps", st->offered_rps);
    num_or_null(o, "achieved_rps", st->achieved_rps);
    num_or_null(o, "output_tokens_per_s", st->out_tok_s);
    num_or_null(o, "error_rate", st->error_rate);
    num_or_null(o, "rate_429", st->rate_429);
    cJSON_AddNumberToObject(o, "good", (double)st->good);
    num_or_null(o, "goodput_rps", st->goodput_rps);
    num_or_null(o, "slo_attainment", st->sent ? (double)st->good / (double)st->sent : NAN);
    num_or_null(o, "mean_input_tokens", st->ok ? st->in_tokens / (double)st->ok : NAN);
    num_or_null(o, "mean_output_tokens", st->ok ? st->out_tokens / (double)st->ok : NAN);
    cJSON_AddItemToObject(o, "ttft_ms", pcts_json(&st->p_ttft));
    cJSON_AddItemToObject(o, "service_ttft_ms", pcts_json(&st->p_ttft_svc));
    cJSON_AddItemToObject(o, "e2e_ms", pcts_json(&st->p_e2e));
    cJSON_AddItemToObject(o, "service_e2e_ms", pcts_json(&st->p_e2e_svc));
    cJSON_AddItemToObject(o, "itl_ms", pcts_json(&st->p_itl));
    cJSON_AddItemToObject(o, "tpot_ms", pcts_json(&st->p_tpot));
    cJSON_AddItemToObject(o, "send_lag_ms", pcts_json(&st->p_lag));
    cJSON_AddNumberToObject(o, "in_flight_max", (double)st->in_flight_max);
    cJSON_AddNumberToObject(o, "capped", (double)st->capped);
    cJSON_AddNumberToObject(o, "backlog_max", (double)st->backlog_max);
    cJSON_AddBoolToObject(o, "client_bottleneck", st->client_bottleneck);
    cJSON_AddBoolToObject(o, "pass", st->pass);
    null_or_string(o, "fail_reasons", st->pass ? NULL : st->why);
    return o;
}

static cJSON *slo_json(const struct slo *s)
{
    cJSON *o = cJSON_CreateObject();
    num_or_null(o, "ttft_ms", s->ttft_ms);
    num_or_null(o, "itl_ms", s->itl_ms);
    num_or_null(o, "tpot_ms", s->tpot_ms);
    num_or_null(o, "e2e_ms", s->e2e_ms);
    cJSON_AddNumberToObject(o, "max_error_rate", s->max_error_rate);
    return o;
}

/* The knee's rate: the offered level (rate mode) or what the closed loop
 * achieved (concurrency mode). */
static double knee_rate(const struct load *L, const struct step *k)
{
    return is_rate(L) ? k->level : k->achieved_rps;
}

static cJSON *cost_json(const struct load *L, const struct step *k)
{
    const struct load_prices *p = &L->prices;
    if (!p->set || !k)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    double rps = knee_rate(L, k);
    double per_1k, per_hour;
    if (p->per_hour > 0) {
        cJSON_AddStringToObject(o, "basis", "per_hour");
        per_1k = load_hourly_per_1k(p->per_hour, rps);
        per_hour = p->per_hour;
    } else {
        struct load_request_cost c;
        load_request_cost(p, 0, 0, 0, &c);
        cJSON_AddStringToObject(o, "basis", c.basis);
        per_1k = k->ok ? k->usd / (double)k->ok * 1000.0 : NAN;
        per_hour = per_1k / 1000.0 * rps * 3600.0;
    }
    num_or_null(o, "rate_rps", rps);
    if (isfinite(per_1k))   /* not rounded: fractions of a cent matter here */
        cJSON_AddNumberToObject(o, "per_1k_requests_usd", per_1k);
    else
        cJSON_AddNullToObject(o, "per_1k_requests_usd");
    num_or_null(o, "usd_per_hour_at_knee", per_hour);
    num_or_null(o, "usd_per_30_days_at_knee", per_hour * 24 * 30);
    num_or_null(o, "mean_input_tokens", k->ok ? k->in_tokens / (double)k->ok : NAN);
    num_or_null(o, "mean_output_tokens", k->ok ? k->out_tokens / (double)k->ok : NAN);
    cJSON_AddItemToObject(o, "pricing", runmeta_pricing_json(&L->b->pricing));
    return o;
}

static cJSON *load_json(const struct load *L)
{
    const struct load_opts *o = L->o;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "backend", L->b->name);
    cJSON_AddStringToObject(j, "mode", is_rate(L) ? "rate" : "concurrency");
    cJSON_AddStringToObject(j, "arrival", !is_rate(L) ? "closed" : o->poisson ? "poisson" : "fixed");
    cJSON *lv = cJSON_AddArrayToObject(j, "levels");
    for (size_t i = 0; i < o->nlevels; i++)
        cJSON_AddItemToArray(lv, cJSON_CreateNumber(o->levels[i]));
    num_or_null(j, "duration_s", o->requests > 0 ? NAN : o->duration_s);
    if (o->requests > 0)
        cJSON_AddNumberToObject(j, "requests_per_step", (double)o->requests);
    else
        cJSON_AddNullToObject(j, "requests_per_step");
    cJSON_AddNumberToObject(j, "warmup_s", o->warmup_s);
    cJSON *pr = cJSON_AddObjectToObject(j, "prompts");
    if (o->synth_out > 0) {
        cJSON_AddStringToObject(pr, "source", "synthetic");
        cJSON_AddNumberToObject(pr, "input_tokens", (double)o->synth_in);
        cJSON_AddNumberToObject(pr, "output_tokens", (double)o->synth_out);
    } else {
        cJSON_AddStringToObject(pr, "source", "suites");
    }
    cJSON_AddNumberToObject(pr, "distinct", (double)L->nprompts);
    cJSON_AddNumberToObject(j, "seed", (double)L->seed);
    cJSON_AddItemToObject(j, "slo", slo_json(&o->slo));
    cJSON_AddNumberToObject(j, "min_achieved_share", LOAD_MIN_ACHIEVED);
    cJSON_AddNumberToObject(j, "max_in_flight", (double)L->cap);
    cJSON *clk = cJSON_AddObjectToObject(j, "clock");
    cJSON_AddNumberToObject(clk, "mono0_ns", (double)L->mono0);
    cJSON_AddStringToObject(clk, "source", "CLOCK_MONOTONIC");
    cJSON *steps = cJSON_AddArrayToObject(j, "steps");
    for (size_t i = 0; i < L->nsteps; i++)
        cJSON_AddItemToArray(steps, step_json(L, &L->steps[i]));
    long lo, hi;
    load_find_knee(L, &lo, &hi);
    cJSON *k = cJSON_AddObjectToObject(j, "knee");
    cJSON_AddBoolToObject(k, "found", lo >= 0);
    const struct step *ks = lo >= 0 ? &L->steps[lo] : NULL;
    if (ks) {
        cJSON_AddNumberToObject(k, "step", ks->index);
        if (is_rate(L))
            cJSON_AddNumberToObject(k, "rate", ks->level);
        else
            cJSON_AddNumberToObject(k, "concurrency", ks->level);
        num_or_null(k, "rate_rps", knee_rate(L, ks));
        num_or_null(k, "achieved_rps", ks->achieved_rps);
        num_or_null(k, "goodput_rps", ks->goodput_rps);
        num_or_null(k, "ttft_p95_ms", ks->p_ttft.p95);
        num_or_null(k, "e2e_p95_ms", ks->p_e2e.p95);
    }
    cJSON_AddBoolToObject(k, "bounded", hi >= 0);
    if (hi >= 0) {
        cJSON_AddNumberToObject(k, "first_failing_step", L->steps[hi].index);
        cJSON_AddNumberToObject(k, "first_failing_level", L->steps[hi].level);
    }
    cJSON_AddStringToObject(k, "rule",
                            "highest level below the lowest failing one whose step passed: "
                            "p95 of each SLO metric within its limit, error rate within the "
                            "bound, and (rate mode) achieved >= 90% of offered");
    cJSON_AddItemToObject(j, "cost_at_knee", cost_json(L, ks));
    return j;
}

int load_write_run_json(struct load *L, int final, struct diag *d)
{
    cJSON *o = runmeta_head(L->run_id, "load", &L->cfg, L->started_at);
    if (final)
        runmeta_add_ended_at(o);
    cJSON *shard = cJSON_AddObjectToObject(o, "shard");
    cJSON_AddNumberToObject(shard, "index", 0);
    cJSON_AddNumberToObject(shard, "count", 1);
    cJSON *plan = cJSON_AddObjectToObject(o, "plan");
    cJSON_AddNumberToObject(plan, "requests", (double)L->written);
    cJSON *ps = cJSON_AddObjectToObject(plan, "suites");
    cJSON *su = cJSON_AddObjectToObject(o, "suites");
    if (L->have_plan) {
        for (size_t i = 0; i < L->plan.nsuites; i++) {
            const struct suite *s = &L->plan.suites[i];
            cJSON_AddNumberToObject(ps, s->name, (double)s->data.n);
            cJSON_AddItemToObject(su, s->name, runmeta_suite_json(s));
        }
    } else {
        cJSON_AddNumberToObject(ps, "synthetic", (double)L->nprompts);
        cJSON *x = cJSON_AddObjectToObject(su, "synthetic");
        cJSON_AddStringToObject(x, "task", "generic");
        cJSON_AddStringToObject(x, "file", "");
        cJSON_AddNullToObject(x, "primary_metric");
        cJSON_AddBoolToObject(x, "higher_is_better", 1);
        cJSON_AddNumberToObject(x, "items", (double)L->nprompts);
    }
    cJSON *pb = cJSON_AddArrayToObject(plan, "backends");
    cJSON_AddItemToArray(pb, cJSON_CreateString(L->b->name));
    cJSON_AddNumberToObject(plan, "repeats", 1);
    cJSON *ba = cJSON_AddArrayToObject(o, "backends");
    cJSON_AddItemToArray(ba, runmeta_backend_json(L->b));
    cJSON_AddItemToObject(o, "config", cJSON_Duplicate(L->cfg.written, 1));
    cJSON_AddItemToObject(o, "load", load_json(L));
    if (final) {
        cJSON *s = cJSON_AddObjectToObject(o, "summary");
        cJSON_AddNumberToObject(s, "written", (double)L->written);
        cJSON_AddNumberToObject(s, "warmup_written", (double)L->warmup_written);
        cJSON_AddNumberToObject(s, "ok", (double)L->ok_total);
        cJSON_AddNumberToObject(s, "failed", (double)(L->written - L->ok_total));
        int bottleneck = L->loop_busy_max_ms > LOOP_STALL_MS;
        for (size_t i = 0; i < L->nsteps; i++)
            bottleneck |= L->steps[i].client_bottleneck;
        cJSON *sc = cJSON_AddObjectToObject(s, "self_check");
        cJSON_AddNumberToObject(sc, "loop_busy_max_ms", round3(L->loop_busy_max_ms));
        cJSON_AddNumberToObject(sc, "threshold_ms", L->bottleneck_ms);
        cJSON_AddBoolToObject(s, "client_bottleneck", bottleneck);
        cJSON_AddBoolToObject(s, "interrupted", L->stopping && !L->fatal);
    }
    return runmeta_write(L->out, o, d);
}

/* === the final line ======================================================= */

void load_print_knee(const struct load *L)
{
    long lo, hi;
    load_find_knee(L, &lo, &hi);
    const char *unit = is_rate(L) ? " req/s" : "";
    const char *what = is_rate(L) ? "rate" : "concurrency";
    if (lo < 0) {
        printf("knee: none: no %s met the SLO", what);
        if (hi >= 0)
            printf(" (lowest, %.4g%s: %s)", L->steps[hi].level, unit, L->steps[hi].why);
        printf("; try lower levels\n");
        return;
    }
    const struct step *k = &L->steps[lo];
    printf("knee: %.4g%s", k->level, unit);
    if (!is_rate(L))
        printf(" in flight (%.4g req/s achieved)", k->achieved_rps);
    if (hi >= 0)
        printf(" (%s %.4g%s failed: %s)", what, L->steps[hi].level, unit, L->steps[hi].why);
    else
        printf(" (a lower bound: every %s met the SLO; try higher levels)", what);
    if (L->prices.set) {
        cJSON *c = cost_json(L, k);
        const cJSON *per_1k = cJSON_GetObjectItemCaseSensitive(c, "per_1k_requests_usd");
        if (cJSON_IsNumber(per_1k))
            printf("; cost at the knee: $%.4g per 1,000 requests (%s)", per_1k->valuedouble,
                   L->prices.per_hour > 0 ? "per-hour endpoint fully used" : "per-token prices");
        cJSON_Delete(c);
    }
    printf("\n");
}
