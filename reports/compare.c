/* compare.c -- see compare.h and docs/compare.md. */
#include "compare.h"

#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/rng.h"
#include "harness/util/strmap.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void compare_options_init(struct compare_options *o)
{
    memset(o, 0, sizeof(*o));
    o->th = xcalloc(1, sizeof(*o->th));
    snprintf(o->th[0].metric, sizeof(o->th[0].metric), "primary");
    o->th[0].max_drop = 0;
    o->nth = 1;
    o->max_p95_increase = 0.20;
    o->max_cost_increase = 0.10;
    o->max_error_increase = 0.02;
    o->level = 0.95;
    o->resamples = 2000;
    o->seed = 1;
}

void compare_options_release(struct compare_options *o)
{
    free(o->th);
    memset(o, 0, sizeof(*o));
}

int compare_add_threshold(struct compare_options *o, const char *arg, struct diag *d)
{
    const char *eq = strchr(arg, '=');
    char *end = NULL;
    double v = eq ? strtod(eq + 1, &end) : NAN;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(o->th[0].metric) || !end ||
        end == eq + 1 || *end || !(v >= 0))
        return diag_fail(d, "--max-drop: expected METRIC=NUMBER (>= 0), got \"%s\"", arg);
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
    for (size_t i = 0; i < o->nth; i++)
        if (strcmp(o->th[i].metric, name) == 0) {
            o->th[i].max_drop = v;
            return 0;
        }
    o->th = xrealloc(o->th, (o->nth + 1) * sizeof(*o->th));
    snprintf(o->th[o->nth].metric, sizeof(o->th[0].metric), "%s", name);
    o->th[o->nth++].max_drop = v;
    return 0;
}

/* --- per-item values ------------------------------------------------------ */

struct item_vals {          /* one item of one group in one run */
    double fail_sum;        /* failed records */
    double cost_sum;
    size_t cost_n;
    size_t n;               /* records (repeats) */
    cJSON *metric_sum;      /* {"metric": [sum, count]} */
};

struct side {
    struct strmap items;    /* item id -> struct item_vals * */
    double *e2e;            /* ok, non-cached e2e samples */
    size_t ne2e, cap;
};

static int metric_lower_is_better(const char *metric)
{
    /* TER is an error rate; everything else assay scores is higher-better. */
    return strncmp(metric, "ter.", 4) == 0 || strcmp(metric, "ter") == 0;
}

static void side_add(struct side *s, const struct rec *x, int failure_zero)
{
    struct item_vals *v = strmap_get(&s->items, x->item, strlen(x->item));
    if (!v) {
        v = xcalloc(1, sizeof(*v));
        v->metric_sum = cJSON_CreateObject();
        strmap_put(&s->items, x->item, strlen(x->item), v);
    }
    v->n++;
    v->fail_sum += x->ok ? 0 : 1;
    if (!isnan(x->cost_usd)) {
        v->cost_sum += x->cost_usd;
        v->cost_n++;
    }
    if (x->ok && !x->cached && !isnan(x->e2e_ms)) {
        XGROW(s->e2e, s->cap, s->ne2e + 1);
        s->e2e[s->ne2e++] = x->e2e_ms;
    }
    if (!x->ok) {
        /* Failures score like the report scores them: 0 (false) for every
         * metric the item has elsewhere; marked for completion below. */
        if (failure_zero)
            cJSON_AddNumberToObject(v->metric_sum, "\x01" "failed", 1);
        return;
    }
    const cJSON *inst, *val;
    cJSON_ArrayForEach(inst, x->scores) {
        cJSON_ArrayForEach(val, inst) {
            if (!cJSON_IsNumber(val) && !cJSON_IsBool(val))
                continue;
            char name[160];
            snprintf(name, sizeof(name), "%s.%s", inst->string, val->string);
            double num = cJSON_IsNumber(val) ? val->valuedouble : (cJSON_IsTrue(val) ? 1 : 0);
            cJSON *acc = cJSON_GetObjectItemCaseSensitive(v->metric_sum, name);
            if (!acc) {
                acc = cJSON_CreateArray();
                cJSON_AddItemToArray(acc, cJSON_CreateNumber(0));
                cJSON_AddItemToArray(acc, cJSON_CreateNumber(0));
                cJSON_AddItemToArray(acc, cJSON_CreateBool(cJSON_IsBool(val)));
                cJSON_AddItemToObject(v->metric_sum, name, acc);
            }
            cJSON_SetNumberValue(acc->child, acc->child->valuedouble + num);
            cJSON_SetNumberValue(acc->child->next, acc->child->next->valuedouble + 1);
        }
    }
}

/* Mean of metric for an item: ok repeats' values, plus failed repeats
 * scored 0 when failures are scored; NAN if no value. */
static double item_metric(const struct item_vals *v, const char *metric, int failures_scored)
{
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(v->metric_sum, metric);
    double sum = acc ? acc->child->valuedouble : 0, n = acc ? acc->child->next->valuedouble : 0;
    if (failures_scored && !metric_lower_is_better(metric))
        n += v->fail_sum;   /* failed repeats count as 0 */
    return n > 0 ? sum / n : NAN;
}

static void side_release(struct side *s)
{
    for (size_t i = 0; i < s->items.cap; i++)
        if (s->items.slots[i].key) {
            struct item_vals *v = s->items.slots[i].value;
            cJSON_Delete(v->metric_sum);
            free(v);
        }
    strmap_release(&s->items);
    free(s->e2e);
}

/* --- checks ---------------------------------------------------------------- */

static struct check *new_check(struct comparison *c, const char *suite, const char *backend,
                               const char *name)
{
    c->checks = xrealloc(c->checks, (c->n + 1) * sizeof(*c->checks));
    struct check *k = &c->checks[c->n++];
    memset(k, 0, sizeof(*k));
    snprintf(k->suite, sizeof(k->suite), "%s", suite);
    snprintf(k->backend, sizeof(k->backend), "%s", backend);
    snprintf(k->name, sizeof(k->name), "%s", name);
    k->threshold = NAN;
    k->p_adjusted = NAN;
    return k;
}

static void add_note(struct comparison *c, const char *fmt, const char *a, const char *b)
{
    c->notes = xrealloc(c->notes, (c->nnotes + 1) * sizeof(*c->notes));
    c->notes[c->nnotes++] = xasprintf(fmt, a, b);
}

static int threshold_for(const struct compare_options *o, const char *metric, int is_primary,
                         double *out)
{
    for (size_t i = 0; i < o->nth; i++)
        if (strcmp(o->th[i].metric, metric) == 0) {
            *out = o->th[i].max_drop;
            return 1;
        }
    for (size_t i = 0; is_primary && i < o->nth; i++)
        if (strcmp(o->th[i].metric, "primary") == 0) {
            *out = o->th[i].max_drop;
            return 1;
        }
    for (size_t i = 0; i < o->nth; i++)
        if (strcmp(o->th[i].metric, "*") == 0) {
            *out = o->th[i].max_drop;
            return 1;
        }
    return 0;
}

static uint64_t seed_of(uint64_t base, const struct check *k)
{
    char key[512];
    int n = snprintf(key, sizeof(key), "%s|%s|%s", k->suite, k->backend, k->name);
    return hash64(key, n > 0 ? (uint64_t)n : 0, base);
}

/* Relative change of p95 between two independent samples, by bootstrap. */
static void latency_check(struct check *k, const struct side *b, const struct side *c,
                          const struct compare_options *o)
{
    k->n = b->ne2e < c->ne2e ? b->ne2e : c->ne2e;
    k->baseline = stats_percentile(b->e2e, b->ne2e, 0.95);
    k->current = stats_percentile(c->e2e, c->ne2e, 0.95);
    k->change = k->current / k->baseline - 1;
    struct rng r;
    rng_seed(&r, seed_of(o->seed, k));
    double *rb = xmalloc(b->ne2e * sizeof(double)), *rc = xmalloc(c->ne2e * sizeof(double));
    double *ratio = xmalloc((size_t)o->resamples * sizeof(double));
    size_t up = 0, down = 0;
    for (int i = 0; i < o->resamples; i++) {
        for (size_t j = 0; j < b->ne2e; j++)
            rb[j] = b->e2e[rng_below(&r, b->ne2e)];
        for (size_t j = 0; j < c->ne2e; j++)
            rc[j] = c->e2e[rng_below(&r, c->ne2e)];
        stats_sort(rb, b->ne2e);
        stats_sort(rc, c->ne2e);
        ratio[i] = stats_percentile_sorted(rc, c->ne2e, 0.95) /
                   stats_percentile_sorted(rb, b->ne2e, 0.95) - 1;
        up += ratio[i] >= 0;
        down += ratio[i] <= 0;
    }
    stats_sort(ratio, (size_t)o->resamples);
    k->ci.lo = stats_percentile_sorted(ratio, (size_t)o->resamples, (1 - o->level) / 2);
    k->ci.hi = stats_percentile_sorted(ratio, (size_t)o->resamples, (1 + o->level) / 2);
    k->p = fmin(1, 2.0 * (double)(up < down ? up : down) / o->resamples);
    free(rb);
    free(rc);
    free(ratio);
}

static void compare_group(const struct run *base, const struct run *cur, const char *suite,
                          const char *backend, const struct compare_options *o,
                          struct comparison *out)
{
    const cJSON *sm = run_suite(cur, suite);
    const cJSON *pm = cJSON_GetObjectItemCaseSensitive(sm, "primary_metric");
    const cJSON *hb = cJSON_GetObjectItemCaseSensitive(sm, "higher_is_better");
    const char *primary = cJSON_IsString(pm) ? pm->valuestring : "";
    int primary_hib = cJSON_IsBool(hb) ? cJSON_IsTrue(hb) : 1;

    struct side sb, sc;
    memset(&sb, 0, sizeof(sb));
    memset(&sc, 0, sizeof(sc));
    strmap_init(&sb.items);
    strmap_init(&sc.items);
    for (size_t i = 0; i < base->n; i++)
        if (!strcmp(base->recs[i].suite, suite) && !strcmp(base->recs[i].backend, backend))
            side_add(&sb, &base->recs[i], 1);
    for (size_t i = 0; i < cur->n; i++)
        if (!strcmp(cur->recs[i].suite, suite) && !strcmp(cur->recs[i].backend, backend))
            side_add(&sc, &cur->recs[i], 1);

    /* Paired items, in the current run's order of first appearance. */
    const char **items = xcalloc(sc.items.len + 1, sizeof(char *));
    size_t nitems = 0;
    for (size_t i = 0; i < cur->n; i++) {
        const struct rec *x = &cur->recs[i];
        if (strcmp(x->suite, suite) || strcmp(x->backend, backend))
            continue;
        if (!strmap_has(&sb.items, x->item, strlen(x->item)))
            continue;
        size_t j;
        for (j = 0; j < nitems; j++)
            if (strcmp(items[j], x->item) == 0)
                break;
        if (j == nitems)
            items[nitems++] = x->item;
    }
    if (nitems == 0) {
        add_note(out, "%s / %s: no item in common between the runs", suite, backend);
        goto done;
    }
    if (nitems < sc.items.len || nitems < sb.items.len)
        add_note(out, "%s / %s: only items present in both runs are compared", suite, backend);

    /* Metric names: every name seen on either side, current first. */
    struct strmap names;
    strmap_init(&names);
    for (int side = 0; side < 2; side++) {
        const struct side *s = side ? &sb : &sc;
        for (size_t i = 0; i < s->items.cap; i++) {
            if (!s->items.slots[i].key)
                continue;
            const struct item_vals *v = s->items.slots[i].value;
            const cJSON *m;
            cJSON_ArrayForEach(m, v->metric_sum) {
                if (m->string[0] == '\x01' || strmap_has(&names, m->string, strlen(m->string)))
                    continue;
                strmap_put(&names, m->string, strlen(m->string),
                           (void *)(uintptr_t)(cJSON_IsTrue(m->child->next->next) ? 2 : 1));
            }
        }
    }
    double *vb = xmalloc(nitems * sizeof(double)), *vc = xmalloc(nitems * sizeof(double));
    /* Sorted names keep the output stable. */
    const char **sorted = xcalloc(names.len + 1, sizeof(char *));
    size_t nsorted = 0;
    for (size_t i = 0; i < names.cap; i++)
        if (names.slots[i].key)
            sorted[nsorted++] = names.slots[i].key;
    for (size_t i = 1; i < nsorted; i++)
        for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
            const char *t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    for (size_t mi = 0; mi < nsorted; mi++) {
        const char *metric = sorted[mi];
        int is_pass = (uintptr_t)strmap_get(&names, metric, strlen(metric)) == 2;
        int is_primary = strcmp(metric, primary) == 0;
        int hib = is_primary ? primary_hib : !metric_lower_is_better(metric);
        size_t n = 0, only_b = 0, only_c = 0;
        for (size_t i = 0; i < nitems; i++) {
            const struct item_vals *ib = strmap_get(&sb.items, items[i], strlen(items[i]));
            const struct item_vals *ic = strmap_get(&sc.items, items[i], strlen(items[i]));
            double b = item_metric(ib, metric, 1), c = item_metric(ic, metric, 1);
            if (isnan(b) || isnan(c))
                continue;
            vb[n] = b;
            vc[n] = c;
            if (is_pass) {
                only_b += b >= 0.5 && c < 0.5;
                only_c += c >= 0.5 && b < 0.5;
            }
            n++;
        }
        if (n == 0)
            continue;
        char cname[160];
        snprintf(cname, sizeof(cname), "quality %s", metric);
        struct check *k = new_check(out, suite, backend, cname);
        k->higher_is_better = hib;
        k->n = n;
        k->baseline = stats_mean(vb, n);
        k->current = stats_mean(vc, n);
        struct paired_result pr = stats_paired_bootstrap(vc, vb, n, o->level, o->resamples,
                                                         seed_of(o->seed, k));
        k->change = pr.mean_diff;
        k->ci = pr.ci;
        k->p = is_pass ? stats_mcnemar_exact(only_b, only_c) : pr.p_value;
        k->gated = threshold_for(o, metric, is_primary, &k->threshold);
    }
    free(sorted);
    strmap_release(&names);

    /* Cost per request, paired, relative to the baseline mean. */
    if (!isnan(o->max_cost_increase)) {
        size_t n = 0;
        for (size_t i = 0; i < nitems; i++) {
            const struct item_vals *ib = strmap_get(&sb.items, items[i], strlen(items[i]));
            const struct item_vals *ic = strmap_get(&sc.items, items[i], strlen(items[i]));
            if (!ib->cost_n || !ic->cost_n)
                continue;
            vb[n] = ib->cost_sum / (double)ib->cost_n;
            vc[n] = ic->cost_sum / (double)ic->cost_n;
            n++;
        }
        double mb = n ? stats_mean(vb, n) : 0;
        if (n && mb > 0) {
            struct check *k = new_check(out, suite, backend, "cost per request");
            k->n = n;
            k->baseline = mb;
            k->current = stats_mean(vc, n);
            struct paired_result pr = stats_paired_bootstrap(vc, vb, n, o->level, o->resamples,
                                                             seed_of(o->seed, k));
            k->change = pr.mean_diff / mb;
            k->ci.lo = pr.ci.lo / mb;
            k->ci.hi = pr.ci.hi / mb;
            k->p = pr.p_value;
            k->gated = 1;
            k->threshold = o->max_cost_increase;
        }
    }

    /* Error rate, paired: McNemar when every item ran once. */
    if (!isnan(o->max_error_increase)) {
        size_t only_b = 0, only_c = 0;
        int binary = 1;
        for (size_t i = 0; i < nitems; i++) {
            const struct item_vals *ib = strmap_get(&sb.items, items[i], strlen(items[i]));
            const struct item_vals *ic = strmap_get(&sc.items, items[i], strlen(items[i]));
            vb[i] = ib->fail_sum / (double)ib->n;
            vc[i] = ic->fail_sum / (double)ic->n;
            binary &= ib->n == 1 && ic->n == 1;
            only_b += vb[i] > vc[i];
            only_c += vc[i] > vb[i];
        }
        struct check *k = new_check(out, suite, backend, "error rate");
        k->n = nitems;
        k->baseline = stats_mean(vb, nitems);
        k->current = stats_mean(vc, nitems);
        struct paired_result pr = stats_paired_bootstrap(vc, vb, nitems, o->level, o->resamples,
                                                         seed_of(o->seed, k));
        k->change = pr.mean_diff;
        k->ci = pr.ci;
        k->p = binary ? stats_mcnemar_exact(only_b, only_c) : pr.p_value;
        k->gated = 1;
        k->threshold = o->max_error_increase;
    }

    if (!isnan(o->max_p95_increase)) {
        if (sb.ne2e >= 2 && sc.ne2e >= 2) {
            struct check *k = new_check(out, suite, backend, "latency p95");
            latency_check(k, &sb, &sc, o);
            k->gated = 1;
            k->threshold = o->max_p95_increase;
        } else {
            add_note(out, "%s / %s: too few successful requests to compare latency", suite, backend);
        }
    }
    free(vb);
    free(vc);
done:
    free(items);
    side_release(&sb);
    side_release(&sc);
}

int compare_runs(const struct run *base, const struct run *cur, const struct compare_options *o,
                 struct comparison *out, struct diag *d)
{
    (void)d;
    memset(out, 0, sizeof(*out));
    struct strmap seen;
    strmap_init(&seen);
    struct buf key;   /* suite NUL backend: names from records may be of any length */
    buf_init(&key, 0);
    for (int pass = 0; pass < 2; pass++) {
        const struct run *r = pass ? base : cur, *other = pass ? cur : base;
        for (size_t i = 0; i < r->n; i++) {
            buf_reset(&key);
            buf_adds(&key, r->recs[i].suite);
            buf_addc(&key, '\0');
            buf_adds(&key, r->recs[i].backend);
            if (strmap_has(&seen, key.ptr, key.len))
                continue;
            strmap_put(&seen, key.ptr, key.len, (void *)1);
            int in_other = 0;
            for (size_t j = 0; j < other->n && !in_other; j++)
                in_other = !strcmp(other->recs[j].suite, r->recs[i].suite) &&
                           !strcmp(other->recs[j].backend, r->recs[i].backend);
            if (!in_other) {
                out->unmatched++;
                add_note(out, pass ? "%s / %s: only in the baseline (not compared)"
                                   : "%s / %s: only in the current run (not compared)",
                         r->recs[i].suite, r->recs[i].backend);
                continue;
            }
            if (pass == 0)
                compare_group(base, cur, r->recs[i].suite, r->recs[i].backend, o, out);
        }
    }
    buf_release(&key);
    strmap_release(&seen);

    /* Holm over the gated checks, then the verdicts. */
    double *p = xcalloc(out->n + 1, sizeof(double));
    size_t m = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->checks[i].gated)
            p[m++] = out->checks[i].p;
    stats_holm(p, m);
    m = 0;
    double alpha = 1 - o->level;
    for (size_t i = 0; i < out->n; i++) {
        struct check *k = &out->checks[i];
        k->p_adjusted = k->gated ? p[m++] : k->p;
        int quality = strncmp(k->name, "quality ", 8) == 0;
        /* worse > 0 means the current run is worse */
        double worse = quality ? (k->higher_is_better ? -k->change : k->change) : k->change;
        int significant = k->p_adjusted < alpha;
        k->regression = k->gated && significant && worse > k->threshold;
        k->improvement = significant && worse < 0;
        out->regressions += k->regression;
        const char *unit = quality ? "" : "%";
        double scale = quality ? 1 : 100;
        snprintf(k->detail, sizeof(k->detail),
                 "%s: %.4g -> %.4g, change %+.4g%s (95%% CI %+.4g%s to %+.4g%s), p = %.3g "
                 "(Holm-adjusted %.3g), n = %zu%s",
                 k->name, k->baseline, k->current, scale * k->change, unit, scale * k->ci.lo, unit,
                 scale * k->ci.hi, unit, k->p, k->p_adjusted, k->n,
                 k->gated ? "" : " (not gated)");
    }
    free(p);
    return 0;
}

void comparison_release(struct comparison *c)
{
    free(c->checks);
    for (size_t i = 0; i < c->nnotes; i++)
        free(c->notes[i]);
    free(c->notes);
    memset(c, 0, sizeof(*c));
}

static const char *verdict(const struct check *k)
{
    return k->regression ? "REGRESSION" : (k->improvement ? "improved" : "ok");
}

void compare_print(const struct comparison *c, int md, FILE *f)
{
    if (md) {
        fprintf(f, "## assay compare: %s\n\n", c->regressions ? "regression" : "no regression");
        fprintf(f, "| suite | backend | check | baseline | current | change (95%% CI) | adj. p | verdict |\n");
        fprintf(f, "|---|---|---|---:|---:|---|---:|---|\n");
    } else {
        fprintf(f, "%-14s %-12s %-24s %9s %9s %26s %7s  %s\n", "suite", "backend", "check",
                "baseline", "current", "change (95% CI)", "adj. p", "verdict");
    }
    for (size_t i = 0; i < c->n; i++) {
        const struct check *k = &c->checks[i];
        int quality = strncmp(k->name, "quality ", 8) == 0;
        char change[96];
        if (quality)
            snprintf(change, sizeof(change), "%+.4f [%+.4f, %+.4f]", k->change, k->ci.lo, k->ci.hi);
        else
            snprintf(change, sizeof(change), "%+.1f%% [%+.1f%%, %+.1f%%]", 100 * k->change,
                     100 * k->ci.lo, 100 * k->ci.hi);
        const char *v = verdict(k);
        if (md)
            fprintf(f, "| %s | %s | %s | %.4g | %.4g | %s | %.3g | %s%s%s |\n", k->suite, k->backend,
                    k->name, k->baseline, k->current, change, k->p_adjusted,
                    k->regression ? "**" : "", v, k->regression ? "**" : "");
        else
            fprintf(f, "%-14.14s %-12.12s %-24.24s %9.4g %9.4g %26s %7.2g  %s%s\n", k->suite,
                    k->backend, k->name, k->baseline, k->current, change, k->p_adjusted, v,
                    k->gated ? "" : " (not gated)");
    }
    if (c->nnotes) {
        fputc('\n', f);
        for (size_t i = 0; i < c->nnotes; i++)
            fprintf(f, "%s%s\n", md ? "- " : "note: ", c->notes[i]);
    }
    fprintf(f, "\n%s%zu regression%s in %zu checks%s\n", md ? "**" : "", c->regressions,
            c->regressions == 1 ? "" : "s", c->n, md ? "**" : "");
}

static void xml_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&apos;"); break;
        default:
            /* XML 1.0 forbids most control characters even escaped. */
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n' || *s == '\r')
                buf_addc(b, *s);
            break;
        }
    }
}

int compare_write_junit(const struct comparison *c, const char *path, struct diag *d)
{
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_addf(&b, "<testsuites name=\"assay compare\" tests=\"%zu\" failures=\"%zu\">\n", c->n,
             c->regressions);
    /* One <testsuite> per suite x backend, in order of appearance. */
    for (size_t i = 0; i < c->n; i++) {
        const struct check *k = &c->checks[i];
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(c->checks[j].suite, k->suite) && !strcmp(c->checks[j].backend, k->backend))
                first = 0;
        if (!first)
            continue;
        size_t tests = 0, failures = 0;
        for (size_t j = i; j < c->n; j++)
            if (!strcmp(c->checks[j].suite, k->suite) && !strcmp(c->checks[j].backend, k->backend)) {
                tests++;
                failures += c->checks[j].regression;
            }
        buf_adds(&b, "  <testsuite name=\"");
        xml_escape(&b, k->suite);
        buf_adds(&b, "/");
        xml_escape(&b, k->backend);
        buf_addf(&b, "\" tests=\"%zu\" failures=\"%zu\">\n", tests, failures);
        for (size_t j = i; j < c->n; j++) {
            const struct check *t = &c->checks[j];
            if (strcmp(t->suite, k->suite) || strcmp(t->backend, k->backend))
                continue;
            buf_adds(&b, "    <testcase classname=\"");
            xml_escape(&b, t->suite);
            buf_adds(&b, ".");
            xml_escape(&b, t->backend);
            buf_adds(&b, "\" name=\"");
            xml_escape(&b, t->name);
            buf_adds(&b, "\" time=\"0\">");
            if (t->regression) {
                buf_adds(&b, "\n      <failure message=\"");
                xml_escape(&b, t->detail);
                buf_adds(&b, "\" type=\"regression\">");
                xml_escape(&b, t->detail);
                buf_adds(&b, "</failure>\n    ");
            } else {
                buf_adds(&b, "<system-out>");
                xml_escape(&b, t->detail);
                buf_adds(&b, "</system-out>");
            }
            buf_adds(&b, "</testcase>\n");
        }
        buf_adds(&b, "  </testsuite>\n");
    }
    buf_adds(&b, "</testsuites>\n");
    int rc = file_write_atomic(path, b.ptr, b.len, d);
    buf_release(&b);
    return rc;
}

int summary_write(const struct run *r, const char *path, struct diag *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "schema", 1);
    cJSON_AddStringToObject(root, "kind", "assay-summary");
    cJSON *meta = cJSON_CreateObject();
    static const char *const keep[] = { "run_id", "tool", "started_at", "suites", "backends", NULL };
    for (size_t i = 0; keep[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->meta, keep[i]);
        if (v)
            cJSON_AddItemToObject(meta, keep[i], cJSON_Duplicate(v, 1));
    }
    cJSON_AddItemToObject(root, "meta", meta);
    cJSON *recs = cJSON_AddArrayToObject(root, "records");
    for (size_t i = 0; i < r->n; i++) {
        const struct rec *x = &r->recs[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "suite", x->suite);
        cJSON_AddStringToObject(o, "item", x->item);
        cJSON_AddStringToObject(o, "backend", x->backend);
        cJSON_AddNumberToObject(o, "repeat", x->repeat);
        cJSON_AddStringToObject(o, "status", x->status);
        if (x->cached)
            cJSON_AddBoolToObject(o, "cached", 1);
        cJSON *t = cJSON_AddObjectToObject(o, "timing");
        if (!isnan(x->e2e_ms))
            cJSON_AddNumberToObject(t, "e2e_ms", x->e2e_ms);
        if (!isnan(x->ttft_ms))
            cJSON_AddNumberToObject(t, "ttft_ms", x->ttft_ms);
        if (!isnan(x->cost_usd))
            cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "cost"), "usd", x->cost_usd);
        cJSON *sc = cJSON_AddObjectToObject(o, "scores");
        const cJSON *inst, *val;
        cJSON_ArrayForEach(inst, x->scores) {
            cJSON *io = NULL;
            cJSON_ArrayForEach(val, inst) {
                if (!cJSON_IsNumber(val) && !cJSON_IsBool(val))
                    continue;
                if (!io)
                    io = cJSON_AddObjectToObject(sc, inst->string);
                cJSON_AddItemToObject(io, val->string, cJSON_Duplicate(val, 0));
            }
        }
        cJSON_AddItemToArray(recs, o);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len] = '\n';
    text[len + 1] = '\0';
    int rc = file_write_atomic(path, text, len + 1, d);
    free(text);
    return rc;
}
