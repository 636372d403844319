/* report_fixture.h -- realistic run folders for the report tests, written
 * the way the run engine writes them (docs/records.md).
 *
 * Four backends with known characters over three suites:
 *   strong    high quality, slow (median 1.8 s), per-token prices, a few
 *             429s retried to success, one record superseded by a re-run
 *   fast      cheap and quick (median 0.45 s), lower quality, cached hits
 *   flaky     middling quality, 10% of requests fail (timeouts, 500s,
 *             429s given up), usage estimated
 *   selfhost  a dedicated endpoint priced per hour, EU, open weights
 * Suites: summarization (rouge.rougeLsum, 0..1, plus a length pass),
 * extraction (json.pass primary, a pass rate, plus json.f1) and translation
 * (chrf.score, 0..100). Items carry a "domain" tag (news, legal, chat).
 * Latencies are lognormal around each backend's median; everything is
 * drawn from a seeded rng, so a fixture is the same on every machine.
 * Phase timings take no draws: every eighth item opens a connection
 * (connect 1.2 ms, TLS 8.5 ms; selfhost speaks plain HTTP/1.1, the
 * others HTTP/2 over TLS), the rest reuse one; the first byte comes at
 * 90% of TTFT.
 * Header-only (static functions) so each test includes what it uses. */
#ifndef ASSAY_REPORT_FIXTURE_H
#define ASSAY_REPORT_FIXTURE_H

#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"
#include "reports/decide_args.h"
#include "reports/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each test uses some of these. */
#define FX_UNUSED __attribute__((unused))

struct fx_backend {
    const char *name, *model;
    double quality;        /* 0..1 skill */
    double median_ms, ttft_frac;
    double fail_rate;      /* final failures */
    double retry_rate;     /* 429 then ok */
    double in_price, out_price, per_hour;
    const char *attrs;
    int estimated;         /* usage estimated */
};

FX_UNUSED static const struct fx_backend fx_backends[] = {
    { "strong", "mock-strong", 0.82, 1800, 0.22, 0.00, 0.10, 2.5, 10.0, 0,
      "{\"hosting\":\"managed\",\"region\":\"us\",\"open_weights\":false}", 0 },
    { "fast", "mock-fast", 0.62, 450, 0.25, 0.01, 0.02, 0.15, 0.6, 0,
      "{\"hosting\":\"managed\",\"region\":\"us\",\"open_weights\":false}", 0 },
    { "flaky", "mock-flaky", 0.70, 900, 0.30, 0.10, 0.05, 0.5, 1.5, 0,
      "{\"hosting\":\"managed\",\"region\":\"eu\",\"open_weights\":true}", 1 },
    { "selfhost", "mock-local", 0.66, 1100, 0.20, 0.01, 0.00, 0, 0, 2.4,
      "{\"hosting\":\"self-hosted\",\"region\":\"eu\",\"open_weights\":true}", 0 },
};
#define FX_NBACKENDS (sizeof(fx_backends) / sizeof(fx_backends[0]))

FX_UNUSED static const char *const fx_suites[] = { "summarization", "extraction", "translation" };
FX_UNUSED static const char *const fx_domains[] = { "news", "legal", "chat" };

struct fx_options {
    int items;          /* per suite; default 30 */
    int torn;           /* end results.jsonl with a torn line */
    uint64_t seed;      /* default 7 */
    size_t nbackends;   /* default all */
};

FX_UNUSED static void fx_write(const char *dir, const char *name, const char *text, size_t n)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    free(path);
}

FX_UNUSED static void fx_run_json(struct buf *b, const struct fx_options *o)
{
    buf_addf(b, "{\"schema\":1,\"run_id\":\"20261126T223138Z-fx01\",\"tool\":{\"name\":\"assay\","
                "\"version\":\"0.1.0\"},\"config_file\":\"examples/demo.json\","
                "\"started_at\":\"2026-11-26T22:31:38.000Z\",\"ended_at\":\"2026-11-26T22:33:02.412Z\","
                "\"plan\":{\"requests\":%zu,\"repeats\":1},\"suites\":{"
                "\"summarization\":{\"task\":\"summarization\",\"primary_metric\":\"rouge.rougeLsum\","
                "\"higher_is_better\":true,\"items\":%d},"
                "\"extraction\":{\"task\":\"extraction\",\"primary_metric\":\"json.pass\","
                "\"higher_is_better\":true,\"items\":%d},"
                "\"translation\":{\"task\":\"translation\",\"primary_metric\":\"chrf.score\","
                "\"higher_is_better\":true,\"items\":%d}},\"backends\":[",
             (size_t)o->items * 3 * o->nbackends, o->items, o->items, o->items);
    for (size_t i = 0; i < o->nbackends; i++) {
        const struct fx_backend *x = &fx_backends[i];
        buf_addf(b, "%s{\"name\":\"%s\",\"type\":\"openai-compatible\",\"model\":\"%s\","
                    "\"pricing\":{\"input_per_mtok\":%g,\"output_per_mtok\":%g,\"per_hour\":%g,"
                    "\"as_of\":\"2026-11-01\"},\"attributes\":%s}",
                 i ? "," : "", x->name, x->model, x->in_price, x->out_price, x->per_hour, x->attrs);
    }
    buf_adds(b, "],\"config\":{}}\n");
}

FX_UNUSED static double fx_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

FX_UNUSED static void fx_record(struct buf *b, struct rng *r, const struct fx_backend *x, int suite,
                      int item, double *clock_ms, int force_fail, int cached)
{
    /* Item difficulty is shared by every backend (same seed per item), so
     * paired comparisons see correlated values, as real items do. */
    struct rng ir;
    rng_seed(&ir, 1000 + (uint64_t)suite * 100 + (uint64_t)item);
    double difficulty = rng_normal(&ir) * 0.08;
    int fail = force_fail || rng_uniform(r) < x->fail_rate;
    int retried = !fail && rng_uniform(r) < x->retry_rate;
    const char *status = "ok";
    int http = 200;
    if (fail) {
        double u = rng_uniform(r);
        status = u < 0.4 ? "timeout" : u < 0.8 ? "http_error" : "transport_error";
        http = strcmp(status, "http_error") == 0 ? (u < 0.6 ? 500 : 429) : 0;
    }
    double e2e = rng_lognormal(r, log(x->median_ms), 0.35);
    double ttft = e2e * x->ttft_frac * (0.8 + 0.4 * rng_uniform(r));
    long in = 300 + 40 * (item % 7) + suite * 120, out = 40 + (long)(rng_uniform(r) * 80);
    char http_text[16];
    snprintf(http_text, sizeof(http_text), "%d", http);
    const char *http_json = fail ? (http ? http_text : "null") : "200";
    double start = *clock_ms;
    *clock_ms += 25 + rng_uniform(r) * 10;
    buf_addf(b, "{\"schema\":1,\"run_id\":\"20261126T223138Z-fx01\",\"suite\":\"%s\","
                "\"item\":\"%s-%03d\",\"backend\":\"%s\",\"repeat\":0,\"step\":null,"
                "\"status\":\"%s\",\"http_status\":%s,\"error\":%s,\"attempts\":[",
             fx_suites[suite], fx_suites[suite], item, x->name, status, http_json,
             fail ? "\"failed\"" : "null");
    if (retried)
        buf_addf(b, "{\"status\":\"http_error\",\"http_status\":429,\"error\":\"rate limited\","
                    "\"retry_after_ms\":1000,\"start_ms\":%.1f,\"duration_ms\":40.1},", start);
    buf_addf(b, "{\"status\":\"%s\",\"http_status\":%s,\"start_ms\":%.1f,\"duration_ms\":%.1f}],",
             status, http_json,
             start + (retried ? 1040 : 0), fail ? 30000.0 : e2e);
    buf_addf(b, "\"cached\":%s,\"tags\":{\"domain\":\"%s\"},\"started_at\":\"2026-11-26T22:31:40Z\",",
             cached ? "true" : "false", fx_domains[item % 3]);
    if (fail) {
        buf_adds(b, "\"timing\":{},\"usage\":null,\"cost\":{\"usd\":0,\"basis\":\"per_token\"},"
                    "\"finish_reason\":null,\"output\":\"\",\"scores\":{},\"judge\":null}\n");
        return;
    }
    int plain = x->per_hour > 0, fresh = item % 8 == 0;
    buf_addf(b, "\"http_version\":\"%s\",", plain ? "1.1" : "2");
    double cost = (x->in_price * (double)in + x->out_price * (double)out) / 1e6;
    double itl = (e2e - ttft) / (double)(out > 1 ? out - 1 : 1);
    buf_addf(b, "\"timing\":{\"intended_start_ms\":%.1f,\"start_ms\":%.1f,\"send_lag_ms\":0.1,"
                "\"ttft_ms\":%.2f,\"e2e_ms\":%.2f,\"itl_ms\":{\"count\":%ld,\"mean\":%.2f},"
                "\"tpot_ms\":%.2f,\"output_tokens_per_s\":%.2f,\"dns_ms\":0,"
                "\"connect_ms\":%g,\"tls_ms\":%g,\"first_byte_ms\":%.2f},",
             start, start + (retried ? 1040 : 0), ttft, e2e, out - 1, itl, itl,
             (double)out / ((e2e - ttft) / 1000.0), fresh ? 1.2 : 0, fresh && !plain ? 8.5 : 0,
             ttft * 0.9);
    buf_addf(b, "\"usage\":{\"input\":%ld,\"output\":%ld,\"cached_input\":null,\"reasoning\":null,"
                "\"source\":\"%s\"},\"cost\":{\"usd\":%.10g,\"basis\":\"%s\"},"
                "\"finish_reason\":\"stop\",\"output\":\"...\",\"scores\":{",
             in, out, x->estimated ? "estimated" : "reported", cost,
             x->per_hour > 0 ? "per_hour" : "per_token");
    double q = fx_clamp(x->quality + difficulty + rng_normal(r) * 0.06, 0, 1);
    if (suite == 0)
        buf_addf(b, "\"rouge\":{\"rouge1\":%.4f,\"rouge2\":%.4f,\"rougeL\":%.4f,\"rougeLsum\":%.4f},"
                    "\"length\":{\"pass\":%s,\"reason\":\"words\"}",
                 fx_clamp(q * 0.7, 0, 1), fx_clamp(q * 0.35, 0, 1), fx_clamp(q * 0.55, 0, 1),
                 fx_clamp(q * 0.6, 0, 1), rng_uniform(r) < 0.9 ? "true" : "false");
    else if (suite == 1)
        buf_addf(b, "\"json\":{\"pass\":%s,\"f1\":%.4f,\"reason\":\"fields\"}",
                 rng_uniform(r) < q + 0.1 ? "true" : "false", q);
    else
        buf_addf(b, "\"chrf\":{\"score\":%.2f}", fx_clamp(q * 75 + rng_normal(r) * 3, 0, 100));
    buf_adds(b, "},\"judge\":null}\n");
}

/* Writes a run folder; returns its path (owned). */
FX_UNUSED static char *fx_make_run(const char *dir, const struct fx_options *opt)
{
    struct fx_options o = *opt;
    if (o.items <= 0)
        o.items = 30;
    if (!o.seed)
        o.seed = 7;
    if (!o.nbackends || o.nbackends > FX_NBACKENDS)
        o.nbackends = FX_NBACKENDS;
    struct buf b;
    buf_init(&b, 0);
    fx_run_json(&b, &o);
    fx_write(dir, "run.json", b.ptr, b.len);
    buf_reset(&b);
    struct rng r;
    rng_seed(&r, o.seed);
    double clock_ms[FX_NBACKENDS] = { 0 };
    for (int s = 0; s < 3; s++)
        for (int i = 0; i < o.items; i++)
            for (size_t k = 0; k < o.nbackends; k++) {
                const struct fx_backend *x = &fx_backends[k];
                int cached = strcmp(x->name, "fast") == 0 && i % 10 == 3;
                /* strong's item 5 of each suite fails first and is re-run */
                int refail = strcmp(x->name, "strong") == 0 && i == 5;
                fx_record(&b, &r, x, s, i, &clock_ms[k], refail, cached);
                if (refail)
                    fx_record(&b, &r, x, s, i, &clock_ms[k], 0, 0);
            }
    if (o.torn)
        buf_adds(&b, "{\"schema\":1,\"suite\":\"summarization\",\"item\":\"summ");
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    return xstrdup(dir);
}

/* === reading back ========================================================= */

/* A file's bytes (owned), NULL if unreadable. */
FX_UNUSED static char *fx_slurp(const char *path)
{
    struct buf b;
    struct diag d;
    buf_init(&b, 0);
    diag_init(&d);
    if (file_read(path, &b, 0, &d) < 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_take(&b, NULL);
}

/* A run folder loaded, aggregated, decided and reported, as cmd_report
 * does it (no constraints but a monthly volume; optional pricing file). */
struct fx_report {
    struct run r;
    struct aggregate a;
    struct constraints c;
    struct decision dc;
    struct report rp;
    struct pricing_file *pf;
};

FX_UNUSED static int fx_report_build(struct fx_report *x, const char *dir, double monthly,
                                     const char *pricing)
{
    struct diag d;
    diag_init(&d);
    memset(x, 0, sizeof(*x));
    constraints_init(&x->c);
    x->c.monthly_requests = monthly;
    if (run_load(dir, 0, &x->r, &d) < 0)
        goto fail;
    if (pricing) {
        x->pf = pricing_file_load(pricing, &d);
        if (!x->pf)
            goto fail;
        x->c.pricing = x->pf;
    }
    struct agg_options ao = { 0.95, 500, 1, NULL };
    struct report_options ro = { 0.05, 0.8, NULL, 0, pricing, run_reprice(&x->r, x->pf) };
    if (aggregate_run(&x->r, &ao, &x->a, &d) < 0 || decide(&x->r, &x->a, &x->c, &x->dc, &d) < 0 ||
        report_build(&x->rp, &x->r, &x->a, &x->c, &x->dc, &ro, &d) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "report of %s failed: %s\n", dir, d.msg);
    return -1;
}

FX_UNUSED static void fx_report_release(struct fx_report *x)
{
    report_release(&x->rp);
    decision_release(&x->dc);
    aggregate_release(&x->a);
    if (x->r.dir)
        run_release(&x->r);
    pricing_file_free(x->pf);
    constraints_release(&x->c);
}

#endif
