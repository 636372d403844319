/* fuzz_runfolder.c -- a run folder read back, and everything `assay
 * report`, `choose` and `compare` then do with it, from any bytes. The
 * input is up to three parts separated by NUL bytes (JSON text holds
 * none): run.json, results.jsonl, a pricing file. With one part only it
 * is results.jsonl (no run.json), or, if it names "assay-summary", a
 * summary file (summary_write's format). Also read
 * by the run engine's own reader (results_read, used by resume and
 * rescore).
 *
 * A run that loads is re-priced, aggregated, decided (run.json's
 * decision section included), reported (terminal, Markdown, JSON, HTML),
 * compared with itself, and written as a summary that must read back
 * with the same records. No crash, no leak, no UB, a diag on every
 * failure. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/results.h"
#include "harness/util/xalloc.h"
#include "reports/compare.h"
#include "reports/decide_args.h"
#include "reports/html.h"
#include "reports/report.h"

static char *dir;   /* a scratch folder, made once */

static void put(const char *name, const char *text, size_t n)
{
    char *path = xasprintf("%s/%s", dir, name);
    if (!text) {
        unlink(path);
    } else {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0)
            abort();
    }
    free(path);
}

static int count_record(cJSON *rec, long line, void *ud, struct diag *d)
{
    (*(size_t *)ud)++;
    cJSON_Delete(rec);
    return 0;
}

static void report_on(struct run *r, const char *pricing_path)
{
    struct diag d;
    diag_init(&d);
    struct decide_args args;
    decide_args_init(&args);
    args.pricing_path = pricing_path;
    struct constraints cons;
    constraints_init(&cons);
    struct pricing_file *pf = NULL;
    struct aggregate a;
    struct decision dc;
    struct report rp;
    memset(&a, 0, sizeof(a));
    memset(&dc, 0, sizeof(dc));
    memset(&rp, 0, sizeof(rp));
    size_t repriced = 0;
    if (decide_args_apply(&args, r, &cons, &pf, &repriced, &d) < 0) {
        if (!d.set)
            abort();
        goto out;
    }
    struct agg_options ao = { 0.95, 20, 1, "domain" };
    struct report_options ro = { 0.05, 0.8, NULL, 0, pricing_path, repriced };
    if (aggregate_run(r, &ao, &a, &d) < 0 || decide(r, &a, &cons, &dc, &d) < 0 ||
        report_build(&rp, r, &a, &cons, &dc, &ro, &d) < 0) {
        if (!d.set)
            abort();
        goto out;
    }
    struct buf b;
    buf_init(&b, 0);
    report_render_term(&rp, 100, &b);
    report_render_md(&rp, &b);
    html_render(&rp, NULL, &b);
    cJSON *j = report_to_json(&rp);
    char *s = cJSON_Print(j);
    free(s);
    cJSON_Delete(j);
    buf_release(&b);
out:
    report_release(&rp);
    decision_release(&dc);
    aggregate_release(&a);
    pricing_file_free(pf);
    constraints_release(&cons);
    decide_args_release(&args);
}

static void compare_with_itself(const struct run *r)
{
    struct compare_options o;
    compare_options_init(&o);
    o.resamples = 20;
    struct comparison c;
    struct diag d;
    diag_init(&d);
    if (compare_runs(r, r, &o, &c, &d) == 0) {
        FILE *devnull = fopen("/dev/null", "w");
        compare_print(&c, 1, devnull);
        fclose(devnull);
        comparison_release(&c);
    } else if (!d.set) {
        abort();
    }
    compare_options_release(&o);
}

static void summary_round_trip(const struct run *r)
{
    char *path = xasprintf("%s/summary.json", dir);
    struct diag d;
    diag_init(&d);
    if (summary_write(r, path, &d) < 0)
        abort();   /* a run that loaded can always be summarised */
    struct run back;
    if (run_load(path, 0, &back, &d) < 0 || back.n != r->n)
        abort();
    run_release(&back);
    unlink(path);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir) {
        char tmpl[] = "/tmp/assay-fuzz-run-XXXXXX";
        if (!mkdtemp(tmpl))
            abort();
        dir = xstrdup(tmpl);
    }
    const char *p = (const char *)data, *end = p + size;
    const char *part[3] = { NULL, NULL, NULL };
    size_t len[3] = { 0, 0, 0 }, nparts = 0;
    while (nparts < 3) {
        const char *nul = nparts < 2 ? memchr(p, '\0', (size_t)(end - p)) : NULL;
        part[nparts] = p;
        len[nparts] = nul ? (size_t)(nul - p) : (size_t)(end - p);
        nparts++;
        if (!nul)
            break;
        p = nul + 1;
    }
    const char *meta = nparts > 1 ? part[0] : NULL;
    const char *results = nparts > 1 ? part[1] : part[0];
    size_t meta_len = nparts > 1 ? len[0] : 0, results_len = nparts > 1 ? len[1] : len[0];
    const char *pricing = nparts > 2 ? part[2] : NULL;

    int summary = !meta && memmem(results, results_len, "assay-summary", 13) != NULL;
    put("run.json", meta, meta_len);
    put("results.jsonl", summary ? NULL : results, results_len);
    put("pricing.json", pricing, len[2]);
    put("summary-in.json", summary ? results : NULL, results_len);
    char *pricing_path = pricing ? xasprintf("%s/pricing.json", dir) : NULL;

    if (!summary) {
        char *rpath = xasprintf("%s/results.jsonl", dir);
        size_t n = 0;
        long skipped = 0;
        struct diag d;
        diag_init(&d);
        if (results_read(rpath, count_record, &n, NULL, &skipped, &d) < 0 && !d.set)
            abort();
        free(rpath);
    }

    char *src = summary ? xasprintf("%s/summary-in.json", dir) : xstrdup(dir);
    struct run r;
    struct diag d;
    diag_init(&d);
    if (run_load(src, 0, &r, &d) < 0) {
        if (!d.set)
            abort();
    } else if (r.n) {
        summary_round_trip(&r);
        compare_with_itself(&r);
        report_on(&r, pricing_path);
    }
    if (r.dir)
        run_release(&r);
    free(src);
    free(pricing_path);
    return 0;
}
