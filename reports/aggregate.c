/* aggregate.c -- see aggregate.h. One pass assigns records to groups;
 * a second pass per group collects values, sorts latency samples and
 * computes intervals. */
#include "aggregate.h"

#include "harness/util/buf.h"
#include "harness/util/rng.h"
#include "harness/util/strmap.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct members {
    size_t *idx;
    size_t n, cap;
};

static const char *tag_value(const struct rec *x, const char *tag)
{
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(x->json, "tags");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(tags, tag);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static uint64_t seed_for(uint64_t base, const char *a, const char *b, const char *c)
{
    char key[512];
    int n = snprintf(key, sizeof(key), "%s|%s|%s", a, b, c);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1;   /* truncated */
    return hash64(key, len, base);
}

static void dist_of(double *v, size_t n, double level, struct dist *out)
{
    memset(out, 0, sizeof(*out));
    out->n = n;
    if (n == 0) {
        out->mean = out->min = out->max = out->p50 = out->p90 = out->p95 = out->p99 = NAN;
        out->p50_ci.lo = out->p50_ci.hi = out->p95_ci.lo = out->p95_ci.hi = NAN;
        out->p99_ci.lo = out->p99_ci.hi = NAN;
        return;
    }
    stats_sort(v, n);
    out->mean = stats_mean(v, n);
    out->min = v[0];
    out->max = v[n - 1];
    out->p50 = stats_percentile_sorted(v, n, 0.50);
    out->p90 = stats_percentile_sorted(v, n, 0.90);
    out->p95 = stats_percentile_sorted(v, n, 0.95);
    out->p99 = stats_percentile_sorted(v, n, 0.99);
    out->p50_ci = stats_percentile_ci_sorted(v, n, 0.50, level);
    out->p95_ci = stats_percentile_ci_sorted(v, n, 0.95, level);
    out->p99_ci = stats_percentile_ci_sorted(v, n, 0.99, level);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The phase breakdown (aggregate.h, struct phases). Versions are joined
 * in sorted order ("1.1" < "2" < "3" as strings), so "1.1+2" whatever
 * order the requests came in. */
static void fill_phases(const struct run *r, const struct members *m, double level,
                        struct phases *out)
{
    memset(out, 0, sizeof(*out));
    double *conn = xmalloc((m->n + 1) * sizeof(double)), *tls = xmalloc((m->n + 1) * sizeof(double));
    double *first = xmalloc((m->n + 1) * sizeof(double));
    size_t nconn = 0, ntls = 0, nfirst = 0, nver = 0;
    const char *ver[8];
    for (size_t k = 0; k < m->n; k++) {
        const struct rec *x = &r->recs[m->idx[k]];
        if (!x->ok || x->cached)
            continue;
        if (isnan(x->connect_ms) || isnan(x->tls_ms)) {
            out->untimed++;
            continue;
        }
        out->n++;
        if (x->connect_ms > 0 || x->tls_ms > 0) {
            out->new_conns++;
            conn[nconn++] = x->connect_ms;
            if (x->tls_ms > 0)   /* plain HTTP has no handshake to time */
                tls[ntls++] = x->tls_ms;
        }
        if (!isnan(x->first_byte_ms))
            first[nfirst++] = x->first_byte_ms;
        size_t v = 0;
        while (x->http_version && v < nver && strcmp(ver[v], x->http_version) != 0)
            v++;
        if (x->http_version && v == nver && nver < sizeof(ver) / sizeof(ver[0]))
            ver[nver++] = x->http_version;
    }
    dist_of(conn, nconn, level, &out->connect);
    dist_of(tls, ntls, level, &out->tls);
    dist_of(first, nfirst, level, &out->first_byte);
    free(conn);
    free(tls);
    free(first);
    qsort(ver, nver, sizeof(ver[0]), cmp_str);
    size_t len = 0;
    for (size_t v = 0; v < nver && len < sizeof(out->versions); v++) {
        int w = snprintf(out->versions + len, sizeof(out->versions) - len, "%s%s",
                         v ? "+" : "", ver[v]);
        len += w > 0 ? (size_t)w : 0;
    }
}

/* Collects the score names present in the group's records, in first-seen
 * order: "inst.key" for numbers and booleans. */
static void collect_metric_names(const struct run *r, const struct members *m, struct group *g)
{
    struct strmap seen;
    strmap_init(&seen);
    size_t cap = 0;
    for (size_t k = 0; k < m->n; k++) {
        const struct rec *x = &r->recs[m->idx[k]];
        if (!x->scores)
            continue;
        const cJSON *inst;
        cJSON_ArrayForEach(inst, x->scores) {
            const cJSON *val;
            cJSON_ArrayForEach(val, inst) {
                if (!cJSON_IsNumber(val) && !cJSON_IsBool(val))
                    continue;
                char name[96];
                int len = snprintf(name, sizeof(name), "%s.%s", inst->string, val->string);
                if (len <= 0 || (size_t)len >= sizeof(name) || strmap_has(&seen, name, (size_t)len))
                    continue;
                strmap_put(&seen, name, (size_t)len, (void *)1);
                XGROW(g->metrics, cap, g->nmetrics + 1);
                struct metric_agg *ma = &g->metrics[g->nmetrics++];
                memset(ma, 0, sizeof(*ma));
                snprintf(ma->name, sizeof(ma->name), "%s", name);
                ma->is_pass = cJSON_IsBool(val);
            }
        }
    }
    strmap_release(&seen);
}

static void suite_rules(const struct run *r, const char *suite, const char **primary,
                        int *higher, int *failure_mode, double *failure_score)
{
    const cJSON *s = run_suite(r, suite);
    const cJSON *pm = cJSON_GetObjectItemCaseSensitive(s, "primary_metric");
    const cJSON *hb = cJSON_GetObjectItemCaseSensitive(s, "higher_is_better");
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(s, "failure_score");
    *primary = cJSON_IsString(pm) ? pm->valuestring : NULL;
    *higher = cJSON_IsBool(hb) ? cJSON_IsTrue(hb) : 1;
    /* failure_mode: 1 = score failures as failure_score, 0 = exclude them */
    if (cJSON_IsNumber(fs)) {
        *failure_mode = 1;
        *failure_score = fs->valuedouble;
    } else if (cJSON_IsString(fs) && strcmp(fs->valuestring, "exclude") == 0) {
        *failure_mode = 0;
        *failure_score = 0;
    } else {
        *failure_mode = *higher;
        *failure_score = 0;
    }
}

static void fill_group(const struct run *r, const struct members *m, const struct agg_options *o,
                       struct group *g)
{
    int failure_mode;
    double failure_score;
    suite_rules(r, g->suite, &g->primary, &g->higher_is_better, &failure_mode, &failure_score);
    int pooled = strcmp(g->suite, "*") == 0;
    if (!pooled)
        collect_metric_names(r, m, g);
    double first_start = INFINITY, last_end = -INFINITY;
    size_t timed_ok = 0;

    double *e2e = xmalloc((m->n + 1) * sizeof(double)), *ttft = xmalloc((m->n + 1) * sizeof(double));
    double *itl = xmalloc((m->n + 1) * sizeof(double)), *tps = xmalloc((m->n + 1) * sizeof(double));
    size_t ne2e = 0, nttft = 0, nitl = 0, ntps = 0, nusage = 0;
    double in_sum = 0, out_sum = 0;
    for (size_t k = 0; k < m->n; k++) {
        const struct rec *x = &r->recs[m->idx[k]];
        g->planned++;
        if (x->ok)
            g->ok++;
        else
            g->failed++;
        if (strcmp(x->status, "timeout") == 0)
            g->timeouts++;
        if (x->cached)
            g->cached++;
        if (x->attempts > 1)
            g->retried++;
        const cJSON *att = cJSON_GetObjectItemCaseSensitive(x->json, "attempts"), *a;
        cJSON_ArrayForEach(a, att) {
            const cJSON *hs = cJSON_GetObjectItemCaseSensitive(a, "http_status");
            if (cJSON_IsNumber(hs) && hs->valueint == 429) {
                g->rate_limited++;
                break;
            }
        }
        if (!isnan(x->cost_usd))
            g->cost_total += x->cost_usd;
        if (x->in_tokens >= 0 || x->out_tokens >= 0) {
            nusage++;
            in_sum += x->in_tokens > 0 ? (double)x->in_tokens : 0;
            out_sum += x->out_tokens > 0 ? (double)x->out_tokens : 0;
            g->in_tokens_total += x->in_tokens > 0 ? x->in_tokens : 0;
            g->out_tokens_total += x->out_tokens > 0 ? x->out_tokens : 0;
            g->usage_estimated |= x->usage_estimated;
        }
        if (x->ok && !x->cached && !isnan(x->start_ms) && !isnan(x->e2e_ms)) {
            first_start = fmin(first_start, x->start_ms);
            last_end = fmax(last_end, x->start_ms + x->e2e_ms);
            timed_ok++;
        }
        if (x->ok && !x->cached) {
            if (!isnan(x->e2e_ms))
                e2e[ne2e++] = x->e2e_ms;
            if (!isnan(x->ttft_ms))
                ttft[nttft++] = x->ttft_ms;
            if (!isnan(x->itl_mean_ms))
                itl[nitl++] = x->itl_mean_ms;
            if (!isnan(x->tokens_per_s))
                tps[ntps++] = x->tokens_per_s;
        }
    }
    dist_of(e2e, ne2e, o->level, &g->e2e);
    dist_of(ttft, nttft, o->level, &g->ttft);
    dist_of(itl, nitl, o->level, &g->itl);
    dist_of(tps, ntps, o->level, &g->tps);
    fill_phases(r, m, o->level, &g->phases);
    free(e2e);
    free(ttft);
    free(itl);
    free(tps);
    g->in_tokens_mean = nusage ? in_sum / (double)nusage : NAN;
    g->out_tokens_mean = nusage ? out_sum / (double)nusage : NAN;
    g->error_rate = g->planned ? (double)g->failed / (double)g->planned : NAN;
    g->error_ci = stats_wilson(g->failed, g->planned, o->level);
    g->cost_per_request = g->planned ? g->cost_total / (double)g->planned : NAN;
    g->cost_per_1k = g->cost_per_request * 1000.0;
    g->throughput_rps = (timed_ok && last_end > first_start)
                            ? (double)timed_ok / ((last_end - first_start) / 1000.0) : NAN;

    for (size_t j = 0; j < g->nmetrics; j++) {
        struct metric_agg *ma = &g->metrics[j];
        ma->values = xmalloc((m->n + 1) * sizeof(double));
        ma->items = xmalloc((m->n + 1) * sizeof(char *));
        for (size_t k = 0; k < m->n; k++) {
            const struct rec *x = &r->recs[m->idx[k]];
            double v;
            if (x->ok && rec_score(x, ma->name, &v)) {
                /* scored normally */
            } else if (!x->ok && failure_mode) {
                v = ma->is_pass ? 0.0 : failure_score;
                ma->failed_scored++;
            } else {
                continue;
            }
            ma->items[ma->n] = x->item;
            ma->values[ma->n++] = v;
            if (ma->is_pass && v != 0)
                ma->passes++;
        }
        ma->mean = stats_mean(ma->values, ma->n);
        if (ma->is_pass)
            ma->ci = stats_wilson(ma->passes, ma->n, o->level);
        else
            ma->ci = stats_bootstrap_mean(ma->values, ma->n, o->level, o->resamples,
                                          seed_for(o->seed, g->backend, g->suite, ma->name));
    }
    const struct metric_agg *pm = g->primary ? group_metric(g, g->primary) : NULL;
    g->quality = pm ? pm->mean : NAN;
    g->quality_per_dollar = (pm && g->cost_per_request > 0) ? pm->mean / g->cost_per_request : NAN;
    g->cost_per_pass = (pm && pm->is_pass && pm->passes) ? g->cost_total / (double)pm->passes : NAN;
}

int aggregate_run(const struct run *r, const struct agg_options *o, struct aggregate *out,
                  struct diag *d)
{
    (void)d;
    memset(out, 0, sizeof(*out));
    out->opt.level = o && o->level > 0 ? o->level : 0.95;
    out->opt.resamples = o && o->resamples > 0 ? o->resamples : 1000;
    out->opt.seed = o && o->seed ? o->seed : 1;
    out->opt.slice_tag = o ? o->slice_tag : NULL;

    struct strmap index;
    strmap_init(&index);
    struct members *mem = NULL;
    size_t cap = 0, mcap = 0;
    struct buf key;   /* backend NUL suite NUL slice: names from records may be of any length */
    buf_init(&key, 0);
    for (size_t i = 0; i < r->n; i++) {
        const struct rec *x = &r->recs[i];
        for (int pass = 0; pass < 3; pass++) {
            char slice[128] = "";
            const char *suite = pass == 2 ? "*" : x->suite;
            if (pass == 1) {
                const char *v = out->opt.slice_tag ? tag_value(x, out->opt.slice_tag) : NULL;
                if (!v)
                    continue;
                snprintf(slice, sizeof(slice), "%s=%s", out->opt.slice_tag, v);
            }
            buf_reset(&key);
            buf_adds(&key, x->backend);
            buf_addc(&key, '\0');
            buf_adds(&key, suite);
            buf_addc(&key, '\0');
            buf_adds(&key, slice);
            size_t gi = (size_t)(uintptr_t)strmap_get(&index, key.ptr, key.len);
            if (!gi) {
                XGROW(out->groups, cap, out->n + 1);
                XGROW(mem, mcap, out->n + 1);
                struct group *g = &out->groups[out->n];
                memset(g, 0, sizeof(*g));
                g->backend = x->backend;
                g->suite = pass == 2 ? "*" : x->suite;
                snprintf(g->slice, sizeof(g->slice), "%s", slice);
                memset(&mem[out->n], 0, sizeof(mem[0]));
                out->n++;
                gi = out->n;
                strmap_put(&index, key.ptr, key.len, (void *)(uintptr_t)gi);
            }
            struct members *m = &mem[gi - 1];
            XGROW(m->idx, m->cap, m->n + 1);
            m->idx[m->n++] = i;
        }
    }
    buf_release(&key);
    strmap_release(&index);
    for (size_t gi = 0; gi < out->n; gi++) {
        fill_group(r, &mem[gi], &out->opt, &out->groups[gi]);
        free(mem[gi].idx);
    }
    free(mem);
    return 0;
}

void aggregate_release(struct aggregate *a)
{
    for (size_t i = 0; i < a->n; i++) {
        for (size_t j = 0; j < a->groups[i].nmetrics; j++) {
            free(a->groups[i].metrics[j].values);
            free(a->groups[i].metrics[j].items);
        }
        free(a->groups[i].metrics);
    }
    free(a->groups);
    memset(a, 0, sizeof(*a));
}

const struct group *aggregate_find(const struct aggregate *a, const char *backend,
                                   const char *suite, const char *slice)
{
    if (!slice)
        slice = "";
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->groups[i].backend, backend) == 0 &&
            strcmp(a->groups[i].suite, suite) == 0 && strcmp(a->groups[i].slice, slice) == 0)
            return &a->groups[i];
    return NULL;
}

const struct metric_agg *group_metric(const struct group *g, const char *name)
{
    for (size_t j = 0; j < g->nmetrics; j++)
        if (strcmp(g->metrics[j].name, name) == 0)
            return &g->metrics[j];
    return NULL;
}
