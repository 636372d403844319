/* plan.c -- building the plan and --dry-run's estimate; see plan.h. */
#define _GNU_SOURCE
#include "plan.h"
#include "backends/backend.h"
#include "results.h"
#include "harness/util/tokens.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* A name is looked up in the suites folder; anything with a '/' or ending
 * in .json is a path (already resolved against the config's folder). */
static char *suite_path(const char *name)
{
    if (strchr(name, '/') || (strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".json") == 0))
        return xstrdup(name);
    return xasprintf("%s/%s.json", suites_default_dir(), name);
}

static int wanted(char **list, size_t n, const char *name)
{
    if (!list)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

int plan_build(struct plan *p, const struct config *c, const struct plan_filter *f,
               struct diag *d)
{
    memset(p, 0, sizeof(*p));
    int before = d->count;
    char **names = f->suites ? f->suites : c->run.suites;
    size_t nnames = f->suites ? f->nsuites : c->run.nsuites;
    if (nnames == 0)
        return diag_fail_at(d, c->file, 0, "run.suites",
                            "no suites to run: list them here or pass --suite");
    /* Backends: --backend names must exist; by default every planned one. */
    for (size_t i = 0; f->backends && i < f->nbackends; i++)
        if (!config_backend(c, f->backends[i]))
            diag_fail_at(d, NULL, 0, NULL, "--backend %s: no backend of that name in %s",
                         f->backends[i], c->file);
    p->backends = xcalloc(c->nbackends + 1, sizeof(*p->backends));
    for (size_t i = 0; i < c->nbackends; i++) {
        const struct backend_conf *b = &c->backends[i];
        if (f->backends ? wanted(f->backends, f->nbackends, b->name) : !b->judge_only)
            p->backends[p->nbackends++] = b;
    }
    if (p->nbackends == 0 && d->count == before)
        diag_fail_at(d, c->file, 0, "backends", "no backend to run (all are judge_only)");
    p->suites = xcalloc(nnames, sizeof(*p->suites));
    for (size_t i = 0; i < nnames; i++) {
        char *path = suite_path(names[i]);
        struct suite *s = &p->suites[p->nsuites];
        if (suite_load(path, 0, s, d) == 0) {
            for (size_t k = 0; k < p->nsuites; k++)
                if (strcmp(p->suites[k].name, s->name) == 0)
                    diag_fail_at(d, path, 0, "name", "suite \"%s\" is listed twice", s->name);
            p->nsuites++;
        }
        free(path);
    }
    if (d->count > before)
        return -1;
    p->repeats = f->repeats > 0 ? f->repeats : c->run.repeats;
    size_t total = 0;
    for (size_t s = 0; s < p->nsuites; s++)
        total += p->suites[s].data.n;
    total *= p->nbackends * (size_t)p->repeats;
    p->e = xcalloc(total ? total : 1, sizeof(*p->e));
    for (long r = 0; r < p->repeats; r++)
        for (size_t s = 0; s < p->nsuites; s++)
            for (size_t it = 0; it < p->suites[s].data.n; it++)
                for (size_t b = 0; b < p->nbackends; b++) {
                    if (!shard_contains(&f->shard, p->suites[s].name,
                                        p->suites[s].data.items[it].id, p->backends[b]->name,
                                        (int)r))
                        continue;
                    struct plan_entry *e = &p->e[p->n++];
                    e->suite = (uint32_t)s;
                    e->item = (uint32_t)it;
                    e->backend = (uint32_t)b;
                    e->repeat = (uint32_t)r;
                }
    return 0;
}

void plan_release(struct plan *p)
{
    for (size_t i = 0; i < p->nsuites; i++)
        suite_release(&p->suites[i]);
    free(p->suites);
    free(p->backends);
    free(p->e);
    memset(p, 0, sizeof(*p));
}

void plan_key(const struct plan *p, size_t i, struct buf *out)
{
    const struct plan_entry *e = &p->e[i];
    const struct suite *s = &p->suites[e->suite];
    results_key_of(s->name, s->data.items[e->item].id, p->backends[e->backend]->name,
                   (long)e->repeat, out);
}

static double prompt_tokens(const struct prompt *pr)
{
    double t = 0;
    if (pr->raw)
        return (double)token_estimate(pr->raw, strlen(pr->raw));
    if (pr->system)
        t += (double)token_estimate(pr->system, strlen(pr->system));
    for (size_t i = 0; i < pr->nmsgs; i++)
        t += (double)token_estimate(pr->msgs[i].content, strlen(pr->msgs[i].content)) + 4;
    return t;
}

double plan_input_tokens(const struct plan *p, size_t i)
{
    const struct plan_entry *e = &p->e[i];
    const struct suite *s = &p->suites[e->suite];
    const struct backend_conf *b = p->backends[e->backend];
    struct prompt pr;
    struct diag d;
    diag_init(&d);
    double t = 0;
    if (suite_render(s, &s->data.items[e->item], b->name, b->type, &pr, &d) == 0)
        t = prompt_tokens(&pr);
    prompt_release(&pr);
    return t;
}

void plan_print(const struct plan *p, FILE *out)
{
    fprintf(out, "plan: %zu requests = %zu suite%s x %zu backend%s x %ld repeat%s\n", p->n,
            p->nsuites, p->nsuites == 1 ? "" : "s", p->nbackends, p->nbackends == 1 ? "" : "s",
            p->repeats, p->repeats == 1 ? "" : "s");
    fprintf(out, "\n%-20s %-20s %9s %12s %12s %12s\n", "suite", "backend", "requests",
            "input tok", "max output", "max USD");
    double grand = 0;
    int per_hour = 0, unpriced = 0, unbounded = 0;
    for (size_t s = 0; s < p->nsuites; s++) {
        const struct suite *su = &p->suites[s];
        for (size_t b = 0; b < p->nbackends; b++) {
            const struct backend_conf *bc = p->backends[b];
            double in = 0, outtok = 0;
            int bounded = 1;
            for (size_t it = 0; it < su->data.n; it++) {
                struct prompt pr;
                struct diag d;
                diag_init(&d);
                if (suite_render(su, &su->data.items[it], bc->name, bc->type, &pr, &d) == 0) {
                    gen_fill_defaults(&pr.gen, &bc->params);
                    in += prompt_tokens(&pr);
                    if (gen_has_max_tokens(&pr.gen))
                        outtok += (double)pr.gen.max_tokens;
                    else
                        bounded = 0;
                }
                prompt_release(&pr);
            }
            in *= (double)p->repeats;
            outtok *= (double)p->repeats;
            double n = (double)su->data.n * (double)p->repeats;
            const struct pricing *pc = &bc->pricing;
            char usd[32];
            if (!pc->set) {
                snprintf(usd, sizeof(usd), "unpriced");
                unpriced = 1;
            } else {
                double cost = in * pc->input_per_mtok / 1e6 + outtok * pc->output_per_mtok / 1e6 +
                              n * pc->per_request;
                grand += cost;
                snprintf(usd, sizeof(usd), "%.4f%s", cost, bounded ? "" : "+");
                if (pc->per_hour > 0)
                    per_hour = 1;
            }
            if (!bounded)
                unbounded = 1;
            fprintf(out, "%-20s %-20s %9.0f %12.0f %12.0f %12s\n", su->name, bc->name, n, in,
                    outtok, usd);
        }
    }
    fprintf(out, "\nat most %.4f USD for the priced backends", grand);
    fprintf(out, " (input tokens are estimates: docs/records.md)\n");
    if (unbounded)
        fprintf(out, "'+': some prompts set no max_tokens, so their output is not bounded\n");
    if (per_hour)
        fprintf(out, "per-hour prices are not included: they depend on how long the run takes\n");
    if (unpriced)
        fprintf(out, "unpriced: the backend has no pricing in the config\n");
}
