/* test_decide.c -- the decision engine on crafted runs whose right answer
 * is known: exclusions with their reasons, ranking, ties, nothing
 * feasible, hybrid routing beating every single backend, relaxations,
 * attributes and per-hour pricing. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/buf.h"
#include "harness/util/xalloc.h"
#include "reports/decide.h"

#include <stdio.h>

struct spec {
    const char *name;
    double sum_q, ext_q;    /* quality per suite (constant over items) */
    double e2e_ms;          /* latency (constant) */
    double cost;            /* USD per request */
    const char *attrs;      /* JSON */
    const char *pricing;    /* JSON */
};

static char *make_run(const struct spec *s, size_t n)
{
    char *dir = test_tmpdir("decide");
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "{\"schema\":1,\"suites\":{\"sum\":{\"primary_metric\":\"rouge.f\","
                 "\"higher_is_better\":true},\"ext\":{\"primary_metric\":\"json.f1\","
                 "\"higher_is_better\":true}},\"backends\":[");
    for (size_t i = 0; i < n; i++)
        buf_addf(&b, "%s{\"name\":\"%s\",\"attributes\":%s,\"pricing\":%s}", i ? "," : "",
                 s[i].name, s[i].attrs, s[i].pricing);
    buf_adds(&b, "]}\n");
    char *path = xasprintf("%s/run.json", dir);
    FILE *f = fopen(path, "w");
    fputs(b.ptr, f);
    fclose(f);
    free(path);
    buf_reset(&b);
    for (size_t i = 0; i < n; i++)
        for (int suite = 0; suite < 2; suite++)
            for (int item = 0; item < 20; item++) {
                /* latency spread so percentiles are well defined: e2e +/- 1% */
                double e2e = s[i].e2e_ms * (0.99 + 0.001 * item);
                double start = item * 10.0;
                buf_addf(&b, "{\"suite\":\"%s\",\"item\":\"i%d\",\"backend\":\"%s\",\"repeat\":0,"
                             "\"status\":\"ok\",\"attempts\":[{}],\"timing\":{\"e2e_ms\":%g,"
                             "\"ttft_ms\":%g,\"start_ms\":%g},\"cost\":{\"usd\":%g},"
                             "\"scores\":{\"%s\":{\"%s\":%g}}}\n",
                         suite ? "ext" : "sum", item, s[i].name, e2e, e2e / 4, start, s[i].cost,
                         suite ? "json" : "rouge", suite ? "f1" : "f",
                         suite ? s[i].ext_q : s[i].sum_q);
            }
    path = xasprintf("%s/results.jsonl", dir);
    f = fopen(path, "w");
    fputs(b.ptr, f);
    fclose(f);
    free(path);
    buf_release(&b);
    return dir;
}

static void run_decide(const char *dir, const struct constraints *c, struct run *r,
                       struct aggregate *a, struct decision *dc)
{
    struct diag d;
    diag_init(&d);
    struct agg_options o = { 0.95, 200, 1, NULL };
    CHECK_INT_EQ(run_load(dir, 1, r, &d), 0);
    CHECK_INT_EQ(aggregate_run(r, &o, a, &d), 0);
    CHECK_INT_EQ(decide(r, a, c, dc, &d), 0);
}

static const struct candidate *cand(const struct decision *dc, const char *name)
{
    for (size_t i = 0; i < dc->n; i++)
        if (strcmp(dc->c[i].backend, name) == 0)
            return &dc->c[i];
    return NULL;
}

static const char *NOATTR = "{}";
static const char *PRICED = "{\"input_per_mtok\":1}";

static void test_hybrid_beats_singles(void)
{
    const struct spec s[] = {
        { "strong", 0.70, 0.90, 1500, 0.010, NOATTR, PRICED },
        { "fast", 0.55, 0.60, 400, 0.001, NOATTR, PRICED },
        { "special", 0.30, 0.95, 500, 0.002, NOATTR, PRICED },
    };
    char *dir = make_run(s, 3);
    struct constraints c;
    constraints_init(&c);
    struct quality_floor fl[2] = { { "sum", 0.5, 1 }, { "ext", 0.8, 1 } };
    c.floors = xmalloc(sizeof(fl));
    memcpy(c.floors, fl, sizeof(fl));
    c.nfloors = 2;
    c.max_p95_ms = 1000;
    struct run r;
    struct aggregate a;
    struct decision dc;
    run_decide(dir, &c, &r, &a, &dc);

    CHECK_INT_EQ(dc.nranked, 0);                       /* no single backend qualifies */
    const struct candidate *strong = cand(&dc, "strong");
    CHECK(strong && !strong->feasible);
    if (strong) {
        CHECK_INT_EQ(strong->nviol, 1);
        CHECK_STR_EQ(strong->viol[0].what, "p95");
        CHECK_CONTAINS(strong->viol[0].text, "p95 1,");
        CHECK_CONTAINS(strong->viol[0].text, "ms > 1,000 ms");
    }
    const struct candidate *fast = cand(&dc, "fast");
    CHECK(fast && fast->nviol == 1);
    if (fast)
        CHECK_STR_EQ(fast->viol[0].text, "ext json.f1 0.600 < 0.800");
    const struct candidate *special = cand(&dc, "special");
    CHECK(special && special->nviol == 1);
    if (special)
        CHECK_STR_EQ(special->viol[0].text, "sum rouge.f 0.300 < 0.500");

    /* Hybrid: summarization on fast, extraction on the specialist. */
    CHECK(dc.hybrid_feasible);
    CHECK(dc.hybrid_beats_single);
    CHECK_STR_EQ(dc.routes[0].suite, "sum");
    CHECK_STR_EQ(dc.routes[0].backend, "fast");
    CHECK_STR_EQ(dc.routes[1].backend, "special");
    /* equal traffic: (1.0 + 2.0) / 2 dollars per 1k */
    CHECK_NEAR(dc.hybrid_cost_per_1k, 1.5, 1e-9);

    /* Each excluded backend is admitted by one relaxation. */
    CHECK_INT_EQ(dc.nrelax, 3);
    int saw_p95 = 0, saw_floor = 0;
    for (size_t k = 0; k < dc.nrelax; k++) {
        if (strcmp(dc.relax[k].admits, "strong") == 0) {
            CHECK_CONTAINS(dc.relax[k].text, "raise max p95 to 1,");
            saw_p95 = 1;
        }
        if (strcmp(dc.relax[k].admits, "fast") == 0) {
            CHECK_STR_EQ(dc.relax[k].text, "lower the ext floor to 0.600 (from 0.800)");
            saw_floor = 1;
        }
    }
    CHECK(saw_p95 && saw_floor);

    /* Pareto: strong (best sum quality), fast (cheapest, fastest), special
     * (best ext) are all non-dominated. */
    CHECK(strong && strong->pareto && fast && fast->pareto && special && special->pareto);

    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    decision_print(&dc, &c, 0, mem);
    fclose(mem);
    CHECK_CONTAINS(text, "No backend meets every constraint.");
    CHECK_CONTAINS(text, "sum -> fast");
    CHECK_CONTAINS(text, "routing per suite is the better answer");
    free(text);
    cJSON *j = decision_to_json(&dc);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "recommended")));
    cJSON_Delete(j);

    decision_release(&dc);
    aggregate_release(&a);
    run_release(&r);
    constraints_release(&c);
    free(dir);
}

static void test_ranking_ties_attributes(void)
{
    const struct spec s[] = {
        { "b-twin", 0.6, 0.8, 500, 0.002, "{\"hosting\":\"managed\"}", PRICED },
        { "a-twin", 0.6, 0.8, 500, 0.002, "{\"hosting\":\"managed\"}", PRICED },
        { "local", 0.5, 0.7, 900, 0.000, "{\"hosting\":\"self-hosted\",\"open_weights\":true}",
          "{\"per_hour\":3.6}" },
        { "premium", 0.8, 0.9, 700, 0.020, "{\"hosting\":\"managed\"}", PRICED },
    };
    char *dir = make_run(s, 4);
    struct constraints c;
    constraints_init(&c);
    struct run r;
    struct aggregate a;
    struct decision dc;
    run_decide(dir, &c, &r, &a, &dc);
    /* Candidates follow the config's order, not completion order. */
    CHECK_STR_EQ(dc.c[0].backend, "b-twin");
    CHECK_STR_EQ(dc.c[3].backend, "premium");
    /* No constraints: all feasible. local's per-hour price: 20 requests
     * per suite, 40 in all, spanning ~190 ms + e2e... its throughput is
     * measured; at 50% utilisation it still costs more than $0 per 1k. */
    CHECK_INT_EQ(dc.nranked, 4);
    const struct candidate *local = cand(&dc, "local");
    CHECK(local && local->cost_per_1k > 0);
    /* Ties between the twins go to the name. */
    size_t ia = 0, ib = 0;
    for (size_t k = 0; k < dc.nranked; k++) {
        if (strcmp(dc.c[dc.ranked[k]].backend, "a-twin") == 0)
            ia = k;
        if (strcmp(dc.c[dc.ranked[k]].backend, "b-twin") == 0)
            ib = k;
    }
    CHECK(ia + 1 == ib);
    decision_release(&dc);
    aggregate_release(&a);

    /* Best quality objective: premium first. */
    c.objective = OBJ_QUALITY;
    struct diag d;
    diag_init(&d);
    struct agg_options o = { 0.95, 200, 1, NULL };
    aggregate_run(&r, &o, &a, &d);
    decide(&r, &a, &c, &dc, &d);
    CHECK_STR_EQ(dc.c[dc.ranked[0]].backend, "premium");
    decision_release(&dc);

    /* Fastest: the twins (500 ms) before premium (700) and local (900). */
    c.objective = OBJ_FASTEST;
    decide(&r, &a, &c, &dc, &d);
    CHECK_STR_EQ(dc.c[dc.ranked[0]].backend, "a-twin");
    CHECK_STR_EQ(dc.c[dc.ranked[3]].backend, "local");
    decision_release(&dc);

    /* Required attribute: only the self-hosted backend remains. */
    c.objective = OBJ_CHEAPEST;
    c.attrs = xcalloc(1, sizeof(*c.attrs));
    snprintf(c.attrs[0].key, sizeof(c.attrs[0].key), "open_weights");
    snprintf(c.attrs[0].value, sizeof(c.attrs[0].value), "true");
    c.nattrs = 1;
    decide(&r, &a, &c, &dc, &d);
    CHECK_INT_EQ(dc.nranked, 1);
    CHECK_STR_EQ(dc.c[dc.ranked[0]].backend, "local");
    const struct candidate *premium = cand(&dc, "premium");
    CHECK(premium && premium->nviol == 1);
    if (premium)
        CHECK_STR_EQ(premium->viol[0].text, "open_weights is not set, required true");
    decision_release(&dc);

    /* Monthly volume: local needs instances for 1,000,000 requests a month
     * (0.386 req/s): one instance at $3.6/h * 720 h = $2,592 -> $2.592/1k. */
    c.nattrs = 0;
    c.monthly_requests = 1e6;
    decide(&r, &a, &c, &dc, &d);
    local = cand(&dc, "local");
    CHECK(local != NULL);
    if (local) {
        CHECK_NEAR(local->cost_per_1k, 2.592, 1e-9);
        CHECK_NEAR(local->monthly_usd, 2592, 1e-6);
    }
    decision_release(&dc);

    aggregate_release(&a);
    run_release(&r);
    constraints_release(&c);
    free(dir);
}

static void test_cli(void)
{
    const struct spec s[] = {
        { "strong", 0.70, 0.90, 1500, 0.010, "{\"region\":\"eu\"}", PRICED },
        { "fast", 0.55, 0.60, 400, 0.001, "{\"region\":\"us\"}", PRICED },
    };
    char *dir = make_run(s, 2);
    struct proc_result r;

    /* Nothing feasible: exit 1, with every backend's reason. */
    run_assay(&r, "choose", dir, "--min-quality", "sum=0.6", "--max-p95-ms", "1000", NULL);
    CHECK_INT_EQ(r.status, 1);
    CHECK_CONTAINS(r.out, "No backend meets every constraint.");
    CHECK_CONTAINS(r.out, "strong: p95 1,");
    CHECK_CONTAINS(r.out, "fast: sum rouge.f 0.550 < 0.600");
    proc_result_free(&r);

    /* A recommendation: exit 0; JSON output parses and names it. */
    run_assay(&r, "choose", dir, "--require", "region=eu", "--format", "json", NULL);
    CHECK_INT_EQ(r.status, 0);
    cJSON *j = cJSON_Parse(r.out);
    CHECK(j != NULL);
    CHECK_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(j, "recommended")), "strong");
    cJSON_Delete(j);
    proc_result_free(&r);

    run_assay(&r, "choose", dir, "--max-error-rate", "5%", "--format", "md", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "**Recommended: fast**");
    CHECK_CONTAINS(r.out, "error rate <= 5.0%");
    proc_result_free(&r);

    /* Bad input: exit 2 naming the problem. */
    run_assay(&r, "choose", dir, "--min-quality", "sum", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "--min-quality: expected SUITE=NUMBER, got \"sum\"");
    proc_result_free(&r);
    run_assay(&r, "choose", dir, "--min-quality", "nosuch=1", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "the run has no suite of that name");
    proc_result_free(&r);
    /* A config's floor for a suite this run does not hold is skipped with a
     * note (a run of some of the config's suites), not an error. */
    char *conf = xasprintf("%s/decision.json", dir);
    FILE *cf = fopen(conf, "w");
    fputs("{\"decision\": {\"min_quality\": {\"sum\": 0.5, \"translation\": 50}}}", cf);
    fclose(cf);
    run_assay(&r, "choose", dir, "--config", conf, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "Note: the quality floor for translation is not checked: the run has no such suite.");
    proc_result_free(&r);
    free(conf);
    run_assay(&r, "choose", "/nonexistent/run", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "/nonexistent/run/run.json: missing: not a run folder");
    proc_result_free(&r);
    free(dir);
}

static void test_markdown_escapes_names(void)
{
    const struct spec s[] = {
        { "<i>odd_name</i>", 0.6, 0.8, 500, 0.002, NOATTR, PRICED },
    };
    char *dir = make_run(s, 1);
    struct constraints c;
    constraints_init(&c);
    struct run r;
    struct aggregate a;
    struct decision dc;
    run_decide(dir, &c, &r, &a, &dc);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    decision_print(&dc, &c, 1, mem);
    fclose(mem);
    CHECK_CONTAINS(text, "**Recommended: &lt;i&gt;odd\\_name&lt;/i&gt;**");
    CHECK(strstr(text, "<i>") == NULL);
    free(text);
    decision_release(&dc);
    aggregate_release(&a);
    run_release(&r);
    constraints_release(&c);
    free(dir);
}

/* A load run's knee: sizes a per-hour backend for the monthly volume and
 * excludes a per-token one whose knee is below the demand. */
static void write_load_run(const char *dir, const char *backend, double knee, int found)
{
    char *path = xasprintf("%s/run.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"load\":{\"backend\":\"%s\",\"slo\":{\"ttft_ms\":500,\"itl_ms\":null,"
               "\"max_error_rate\":0.01},\"knee\":{\"found\":%s,\"rate_rps\":%g}}}\n",
            backend, found ? "true" : "false", knee);
    fclose(f);
    free(path);
}

static void test_load_knees(void)
{
    const struct spec s[] = {
        { "api", 0.6, 0.8, 500, 0.002, NOATTR, PRICED },
        { "dedicated", 0.6, 0.8, 500, 0.0, NOATTR, "{\"per_hour\":10}" },
    };
    char *dir = make_run(s, 2);
    char *la = test_tmpdir("load-api"), *ld = test_tmpdir("load-ded");
    write_load_run(la, "api", 2.0, 1);
    write_load_run(ld, "dedicated", 1.5, 1);
    struct constraints c;
    constraints_init(&c);
    struct diag d;
    diag_init(&d);
    /* 25,920,000 requests / 30 days = 10 req/s on average. */
    c.monthly_requests = 25920000;
    CHECK_INT_EQ(constraints_add_load(&c, la, &d), 0);
    CHECK_INT_EQ(constraints_add_load(&c, ld, &d), 0);
    struct run r;
    struct aggregate a;
    struct decision dc;
    run_decide(dir, &c, &r, &a, &dc);
    const struct candidate *api = cand(&dc, "api"), *ded = cand(&dc, "dedicated");
    CHECK(api && !api->feasible);
    if (api) {
        CHECK_STR_EQ(api->viol[0].what, "load capacity");
        CHECK_CONTAINS(api->viol[0].text, "load: demand 10 req/s > knee 2 req/s under the load SLO (ttft_ms 500");
    }
    /* ceil(10 / 1.5) = 7 instances x $10 x 720 h = $50,400 a month. */
    CHECK(ded && ded->feasible);
    if (ded)
        CHECK_NEAR(ded->monthly_usd, 50400, 1e-6);
    int saw = 0;
    for (size_t k = 0; k < dc.nrelax; k++)
        if (strcmp(dc.relax[k].admits, "api") == 0) {
            CHECK_STR_EQ(dc.relax[k].text, "lower the monthly volume to 5,184,000 requests (from 25,920,000)");
            saw = 1;
        }
    CHECK(saw);
    decision_release(&dc);
    aggregate_release(&a);
    run_release(&r);
    /* A folder that is not a load run is refused by name. */
    diag_init(&d);
    CHECK_INT_EQ(constraints_add_load(&c, dir, &d), -1);
    CHECK_CONTAINS(d.msg, "not a folder written by assay load");
    constraints_release(&c);
    free(la);
    free(ld);
    free(dir);
}

int main(void)
{
    test_load_knees();
    test_markdown_escapes_names();
    test_cli();
    char buf[64];
    fmt_thousands(3210.4, 0, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "3,210");
    fmt_thousands(1234567.891, 2, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "1,234,567.89");
    fmt_thousands(-999, 0, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "-999");
    test_hybrid_beats_singles();
    test_ranking_ties_attributes();
    return check_done();
}
