/* test_aggregate.c -- run folder reading (last record wins, torn last
 * line) and per-group figures on a crafted run whose answers are known. */
#include "check.h"
#include "support/proc.h"

#include "reports/aggregate.h"
#include "reports/compare.h"
#include "reports/cost.h"

#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

#include <stdio.h>

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char *RUN_JSON =
    "{\"schema\":1,\"run_id\":\"t\",\"suites\":{\"sum\":{\"primary_metric\":\"rouge.f\","
    "\"higher_is_better\":true}},\"backends\":[{\"name\":\"A\",\"pricing\":{\"input_per_mtok\":1,"
    "\"output_per_mtok\":2}}]}\n";

/* Appends one record to b. */
static void record(struct buf *b, const char *item, const char *backend, const char *status, double e2e,
                    double f, int pass, int cached, double cost)
{
    char scores[256] = "{}";
    if (strcmp(status, "ok") == 0)
        snprintf(scores, sizeof(scores), "{\"rouge\":{\"f\":%g},\"len\":{\"pass\":%s,"
                 "\"reason\":\"x\"}}", f, pass ? "true" : "false");
    buf_addf(b, "{\"schema\":1,\"suite\":\"sum\",\"item\":\"%s\",\"backend\":\"%s\","
                     "\"repeat\":0,\"step\":null,\"status\":\"%s\",\"http_status\":200,"
                     "\"attempts\":[{\"status\":\"%s\",\"http_status\":%d}],\"cached\":%s,"
                     "\"tags\":{\"domain\":\"%s\"},"
                     "\"timing\":{\"e2e_ms\":%g,\"ttft_ms\":%g},"
                     "\"usage\":{\"input\":100,\"output\":10,\"source\":\"reported\"},"
                     "\"cost\":{\"usd\":%g},\"scores\":%s}\n",
                     item, backend, status, status, strcmp(status, "ok") ? 429 : 200,
                     cached ? "true" : "false", item[0] == 'n' ? "news" : "legal", e2e,
                     e2e / 2, cost, scores);
}

int main(void)
{
    char *dir = test_tmpdir("agg");
    write_file(dir, "run.json", RUN_JSON);
    struct buf b;
    buf_init(&b, 0);
    /* backend A: 4 items; n2 first fails then is re-run ok (last wins);
     * l2 fails for good; l1 is a cache hit. */
    record(&b, "n1", "A", "ok", 100, 0.5, 1, 0, 0.001);
    record(&b, "n2", "A", "http_error", 0, 0, 0, 0, 0);
    record(&b, "l1", "A", "ok", 300, 0.7, 0, 1, 0.001);
    record(&b, "l2", "A", "http_error", 0, 0, 0, 0, 0);
    record(&b, "n2", "A", "ok", 200, 0.9, 1, 0, 0.002);
    buf_adds(&b, "{\"schema\":1,\"suite\":\"sum\",\"ite");   /* torn last line */
    write_file(dir, "results.jsonl", b.ptr);
    buf_release(&b);

    struct run r;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(run_load(dir, 1, &r, &d), 0);
    CHECK_INT_EQ(r.n, 4);
    CHECK_INT_EQ(r.superseded, 1);
    CHECK_INT_EQ(r.torn, 1);
    CHECK_STR_EQ(r.recs[1].item, "n2");
    CHECK(r.recs[1].ok);   /* the later record replaced the failure in place */

    struct agg_options o = { 0.95, 1000, 1, "domain" };
    struct aggregate a;
    CHECK_INT_EQ(aggregate_run(&r, &o, &a, &d), 0);
    const struct group *g = aggregate_find(&a, "A", "sum", "");
    CHECK(g != NULL);
    if (g) {
        CHECK_INT_EQ(g->planned, 4);
        CHECK_INT_EQ(g->ok, 3);
        CHECK_INT_EQ(g->failed, 1);
        CHECK_INT_EQ(g->cached, 1);
        CHECK_INT_EQ(g->rate_limited, 1);
        CHECK_NEAR(g->error_rate, 0.25, 1e-12);
        /* latency: only n1 (100) and n2 (200): the cache hit and the
         * failure do not count */
        CHECK_INT_EQ(g->e2e.n, 2);
        CHECK_NEAR(g->e2e.p50, 150, 1e-12);
        CHECK_NEAR(g->ttft.mean, 75, 1e-12);
        /* quality: 0.5, 0.9, 0.7 and the failure scored 0 -> 2.1 / 4 */
        const struct metric_agg *f = group_metric(g, "rouge.f");
        CHECK(f != NULL);
        if (f) {
            CHECK_INT_EQ(f->n, 4);
            CHECK_INT_EQ(f->failed_scored, 1);
            CHECK_NEAR(f->mean, 0.525, 1e-12);
            CHECK(f->ci.lo <= f->mean && f->mean <= f->ci.hi);
        }
        CHECK_NEAR(g->quality, 0.525, 1e-12);
        const struct metric_agg *p = group_metric(g, "len.pass");
        CHECK(p && p->is_pass);
        if (p) {
            CHECK_INT_EQ(p->passes, 2);      /* n1, n2 pass; l1 fails; l2 failed request */
            CHECK_NEAR(p->mean, 0.5, 1e-12);
        }
        CHECK_NEAR(g->cost_total, 0.004, 1e-12);
        CHECK_NEAR(g->cost_per_1k, 1.0, 1e-9);
        CHECK_INT_EQ(g->in_tokens_total, 400);
    }
    const struct group *news = aggregate_find(&a, "A", "sum", "domain=news");
    CHECK(news && news->planned == 2 && news->ok == 2);
    aggregate_release(&a);
    run_release(&r);

    /* A bad line that is not the last is an error naming file and line. */
    write_file(dir, "results.jsonl", "{\"suite\":\"s\",\"item\":\"i\",\"backend\":\"b\","
                                     "\"status\":\"ok\"}\n{oops\n{\"suite\":\"s\"}\n");
    diag_init(&d);
    CHECK_INT_EQ(run_load(dir, 1, &r, &d), -1);
    CHECK_INT_EQ(d.line, 2);
    run_release(&r);

    /* Names of any length: two backends that share a 600-byte prefix are
     * two groups, and comparing the run reads no key past its end
     * (fuzz_runfolder found keys built in fixed buffers, their snprintf
     * length used unclamped). */
    char *lng = xmalloc(700);
    memset(lng, 'b', 699);
    lng[699] = '\0';
    buf_init(&b, 0);
    lng[698] = '1';
    record(&b, "n1", lng, "ok", 100, 0.5, 1, 0, 0.001);
    lng[698] = '2';
    record(&b, "n1", lng, "ok", 200, 0.6, 1, 0, 0.001);
    write_file(dir, "results.jsonl", b.ptr);
    buf_release(&b);
    diag_init(&d);
    CHECK_INT_EQ(run_load(dir, 1, &r, &d), 0);
    CHECK_INT_EQ(aggregate_run(&r, &o, &a, &d), 0);
    CHECK(aggregate_find(&a, lng, "sum", "") != NULL);
    lng[698] = '1';
    CHECK(aggregate_find(&a, lng, "sum", "") != NULL);
    CHECK_INT_EQ(a.n, 6);   /* per backend: the suite, the domain slice, all suites */
    struct compare_options co;
    compare_options_init(&co);
    struct comparison cmp;
    CHECK_INT_EQ(compare_runs(&r, &r, &co, &cmp, &d), 0);
    CHECK_INT_EQ(cmp.unmatched, 0);
    comparison_release(&cmp);
    compare_options_release(&co);
    aggregate_release(&a);
    run_release(&r);
    free(lng);

    /* Cost model: cached input at its own rate; reasoning is inside output. */
    struct pricing p = { 2.0, 0.5, 8.0, 0.001, 0, "", 1 };
    struct cost c = cost_of_request(&p, 1000, 400, 500);
    CHECK_NEAR(c.input_usd, 600 * 2.0 / 1e6, 1e-15);
    CHECK_NEAR(c.cached_input_usd, 400 * 0.5 / 1e6, 1e-15);
    CHECK_NEAR(c.output_usd, 500 * 8.0 / 1e6, 1e-15);
    CHECK_NEAR(c.usd, 0.0012 + 0.0002 + 0.004 + 0.001, 1e-15);
    CHECK_STR_EQ(c.basis, "per_token");
    /* $4/hour at 2 req/s and 50% utilisation: 4 / (3600 * 2 * 0.5) */
    CHECK_NEAR(cost_hourly_per_request(4, 2, 0.5), 4.0 / 3600, 1e-15);
    write_file(dir, "prices.json", "{\"as_of\":\"2026-11-01\",\"prices\":{\"A\":"
                                   "{\"input_per_mtok\":1,\"outptu_per_mtok\":2}}}");
    char path[1024];
    snprintf(path, sizeof(path), "%s/prices.json", dir);
    diag_init(&d);
    CHECK(pricing_file_load(path, &d) == NULL);
    CHECK_STR_EQ(d.path, "prices.A.outptu_per_mtok");
    free(dir);
    return check_done();
}
