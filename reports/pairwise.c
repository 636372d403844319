/* pairwise.c -- see pairwise.h. Per suite: collect the backends' groups
 * (no slice), reduce each backend's metric values to one value per item
 * (mean over repeats, remembering whether any item had more than one),
 * then compare every pair on the items both have, in the first backend's
 * item order so results do not depend on hash order. */
#include "pairwise.h"

#include "harness/util/rng.h"
#include "harness/util/strmap.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct per_item {
    const char **items;      /* first-seen order (borrowed) */
    double *value;           /* mean over repeats */
    size_t n;
    int repeated;            /* some item had more than one value */
    struct strmap index;     /* item -> position + 1 */
};

static void per_item_build(const struct metric_agg *m, struct per_item *p)
{
    memset(p, 0, sizeof(*p));
    strmap_init(&p->index);
    p->items = xcalloc(m->n + 1, sizeof(*p->items));
    p->value = xcalloc(m->n + 1, sizeof(*p->value));
    size_t *count = xcalloc(m->n + 1, sizeof(*count));
    for (size_t i = 0; i < m->n; i++) {
        size_t len = strlen(m->items[i]);
        size_t pos = (size_t)(uintptr_t)strmap_get(&p->index, m->items[i], len);
        if (!pos) {
            p->items[p->n] = m->items[i];
            pos = ++p->n;
            strmap_put(&p->index, m->items[i], len, (void *)(uintptr_t)pos);
        } else {
            p->repeated = 1;
        }
        p->value[pos - 1] += m->values[i];
        count[pos - 1]++;
    }
    for (size_t i = 0; i < p->n; i++)
        p->value[i] /= (double)count[i];
    free(count);
}

static void per_item_release(struct per_item *p)
{
    strmap_release(&p->index);
    free(p->items);
    free(p->value);
}

double pairwise_default_delta(const struct metric_agg *m)
{
    if (m->is_pass)
        return 0.05;
    for (size_t i = 0; i < m->n; i++)
        if (fabs(m->values[i]) > 1.0)
            return 2.0;
    return 0.02;
}

static double delta_for(const struct pairwise_options *o, const char *suite,
                        const struct metric_agg *m)
{
    for (size_t i = 0; i < o->ndetect; i++)
        if (strcmp(o->detect[i].key, suite) == 0 || strcmp(o->detect[i].key, m->name) == 0)
            return o->detect[i].delta;
    return pairwise_default_delta(m);
}

static uint64_t pair_seed(uint64_t base, const char *suite, const char *a, const char *b)
{
    char key[512];
    int n = snprintf(key, sizeof(key), "pair|%s|%s|%s", suite, a, b);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1;   /* truncated */
    return hash64(key, len, base);
}

static void compare_pair(const struct per_item *pa, const struct per_item *pb,
                         const struct pairwise_options *o, struct pair_cmp *c)
{
    double *x = xcalloc(pa->n + 1, sizeof(double)), *y = xcalloc(pa->n + 1, sizeof(double));
    size_t n = 0;
    for (size_t i = 0; i < pa->n; i++) {
        size_t pos = (size_t)(uintptr_t)strmap_get(&pb->index, pa->items[i], strlen(pa->items[i]));
        if (!pos)
            continue;
        x[n] = pa->value[i];
        y[n] = pb->value[pos - 1];
        n++;
    }
    c->n = n;
    c->unmatched = (pa->n - n) + (pb->n - n);
    c->mean_a = stats_mean(x, n);
    c->mean_b = stats_mean(y, n);
    struct paired_result pr = stats_paired_bootstrap(x, y, n, o->level, o->resamples,
                                                     pair_seed(o->seed, c->suite, c->a, c->b));
    c->diff = pr.mean_diff;
    c->diff_ci = pr.ci;
    double *dd = xcalloc(n + 1, sizeof(double));
    for (size_t i = 0; i < n; i++)
        dd[i] = x[i] - y[i];
    c->sd_diff = stats_sd(dd, n);
    free(dd);
    if (c->is_pass && !pa->repeated && !pb->repeated) {
        c->test = "McNemar exact";
        for (size_t i = 0; i < n; i++) {
            c->only_a += x[i] != 0 && y[i] == 0;
            c->only_b += x[i] == 0 && y[i] != 0;
        }
        c->p = n ? stats_mcnemar_exact(c->only_a, c->only_b) : NAN;
    } else {
        c->test = "paired bootstrap";
        c->p = pr.p_value;
    }
    free(x);
    free(y);
}

static void sample_size(const struct pairwise_options *o, struct pair_cmp *c)
{
    /* Past 1e6 spreads per difference the answer (over 10^12 items) is
     * "not with this metric", and the count would overflow. */
    if (!isfinite(c->sd_diff) || c->sd_diff / c->delta > 1e6) {
        c->needed = 0;
        c->beyond = !isnan(c->sd_diff);
        return;
    }
    c->needed = stats_sample_size(c->sd_diff, c->delta, o->alpha, o->power);
    /* A difference of zero spread still needs a handful of items to be
     * seen at all; never advise fewer than two. */
    if (!isnan(c->sd_diff) && c->needed < 2)
        c->needed = 2;
}

static size_t rank_of(const struct pairwise_options *o, const char *backend)
{
    for (size_t i = 0; i < o->norder; i++)
        if (strcmp(o->order[i], backend) == 0)
            return i;
    return o->norder;
}

int pairwise_run(const struct aggregate *a, const struct pairwise_options *opt,
                 struct pairwise *out, struct diag *d)
{
    (void)d;
    struct pairwise_options o = *opt;
    if (!(o.level > 0))
        o.level = 0.95;
    if (!(o.alpha > 0))
        o.alpha = 0.05;
    if (!(o.power > 0))
        o.power = 0.8;
    if (o.resamples <= 0)
        o.resamples = 1000;
    if (!o.seed)
        o.seed = 1;
    memset(out, 0, sizeof(*out));
    out->alpha = o.alpha;
    out->power = o.power;
    size_t cap = 0;
    const struct group **gs = xcalloc(a->n + 1, sizeof(*gs));
    const char **done = xcalloc(a->n + 1, sizeof(*done));
    size_t ndone = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct group *g0 = &a->groups[i];
        if (g0->slice[0] || strcmp(g0->suite, "*") == 0)
            continue;
        int seen = 0;
        for (size_t k = 0; k < ndone && !seen; k++)
            seen = strcmp(done[k], g0->suite) == 0;
        if (seen)
            continue;
        done[ndone++] = g0->suite;
        /* The suite's groups, and the metric to compare them on: the
         * primary metric, or the first one recorded without run.json. */
        size_t ng = 0;
        for (size_t j = i; j < a->n; j++)
            if (!a->groups[j].slice[0] && strcmp(a->groups[j].suite, g0->suite) == 0)
                gs[ng++] = &a->groups[j];
        /* Pairs in the caller's backend order (insertion sort: a few). */
        for (size_t k = 1; k < ng && o.norder; k++) {
            const struct group *v = gs[k];
            size_t rank = rank_of(&o, v->backend), j = k;
            while (j > 0 && rank_of(&o, gs[j - 1]->backend) > rank) {
                gs[j] = gs[j - 1];
                j--;
            }
            gs[j] = v;
        }
        const char *metric = g0->primary;
        if (!metric)
            for (size_t k = 0; k < ng && !metric; k++)
                if (gs[k]->nmetrics)
                    metric = gs[k]->metrics[0].name;
        if (!metric)
            continue;
        struct per_item *pi = xcalloc(ng + 1, sizeof(*pi));
        const struct metric_agg **ms = xcalloc(ng + 1, sizeof(*ms));
        for (size_t k = 0; k < ng; k++) {
            ms[k] = group_metric(gs[k], metric);
            if (ms[k])
                per_item_build(ms[k], &pi[k]);
        }
        size_t first = out->n, with = 0;
        for (size_t k = 0; k < ng; k++)
            with += ms[k] != NULL;
        for (size_t x = 0; x < ng; x++) {
            if (!ms[x])
                continue;
            /* Every later backend with the metric; alone, one row with
             * only the sample-size estimate (y == ng). */
            for (size_t y = with == 1 ? ng : x + 1; y <= ng; y++) {
                if (y == ng && with != 1)
                    break;
                if (y < ng && !ms[y])
                    continue;
                XGROW(out->c, cap, out->n + 1);
                struct pair_cmp *c = &out->c[out->n++];
                memset(c, 0, sizeof(*c));
                c->suite = g0->suite;
                c->metric = ms[x]->name;
                c->a = gs[x]->backend;
                c->is_pass = ms[x]->is_pass;
                c->higher_is_better = g0->higher_is_better;
                c->delta = delta_for(&o, g0->suite, ms[x]);
                c->p = c->p_holm = NAN;
                if (y == ng) {
                    c->n = pi[x].n;
                    c->mean_a = stats_mean(pi[x].value, pi[x].n);
                    c->mean_b = c->diff = NAN;
                    c->diff_ci.lo = c->diff_ci.hi = NAN;
                    c->sd_diff = stats_sd(pi[x].value, pi[x].n) * M_SQRT2;
                } else {
                    c->b = gs[y]->backend;
                    compare_pair(&pi[x], &pi[y], &o, c);
                }
                sample_size(&o, c);
            }
        }
        /* Holm across this suite's pairs, then the claims. */
        size_t m = out->n - first;
        double *p = xcalloc(m + 1, sizeof(double));
        size_t np = 0;
        for (size_t k = first; k < out->n; k++)
            if (out->c[k].b && !isnan(out->c[k].p))
                p[np++] = out->c[k].p;
        stats_holm(p, np);
        np = 0;
        for (size_t k = first; k < out->n; k++) {
            struct pair_cmp *c = &out->c[k];
            if (!c->b || isnan(c->p))
                continue;
            c->p_holm = p[np++];
            if (c->p_holm < o.alpha && c->diff != 0) {
                int a_higher = c->diff > 0;
                c->winner = (a_higher == (c->higher_is_better != 0)) ? 1 : -1;
            }
        }
        free(p);
        for (size_t k = 0; k < ng; k++)
            if (ms[k])
                per_item_release(&pi[k]);
        free(pi);
        free(ms);
    }
    free(gs);
    free(done);
    return 0;
}

void pairwise_release(struct pairwise *p)
{
    free(p->c);
    memset(p, 0, sizeof(*p));
}
