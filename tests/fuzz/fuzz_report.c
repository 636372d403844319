/* fuzz_report.c -- the whole report on any run folder: records with odd
 * names, missing or extreme numbers, repeats, failures, no run.json. The
 * input is run.json, a line "---", then results.jsonl (no "---": records
 * only). Every rendering is built and the bytes are also fed to the SVG
 * inliner (it reads gnuplot's output). No crash, no leak, and a failure
 * always says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"
#include "reports/html.h"
#include "reports/plot.h"
#include "reports/report.h"

static char dir[64];

static void put(const char *name, const uint8_t *data, size_t n)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, n, f);
    fclose(f);
}

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/run.json", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/results.jsonl", dir);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/fuzz-report-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(cleanup);
    }
    char meta[128];
    snprintf(meta, sizeof(meta), "%s/run.json", dir);
    unlink(meta);
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 5 <= size && !sep; i++)
        if (memcmp(data + i, "\n---\n", 5) == 0)
            sep = data + i;
    if (sep) {
        put("run.json", data, (size_t)(sep - data));
        put("results.jsonl", sep + 5, size - (size_t)(sep - data) - 5);
    } else {
        put("results.jsonl", data, size);
    }

    char *text = xstrndup((const char *)data, size);
    free(plot_inline_svg(text, "f-"));
    free(text);

    struct run r;
    struct aggregate a;
    struct constraints c;
    struct decision dc;
    struct report rp;
    struct diag d;
    diag_init(&d);
    memset(&a, 0, sizeof(a));
    memset(&dc, 0, sizeof(dc));
    memset(&rp, 0, sizeof(rp));
    constraints_init(&c);
    c.monthly_requests = 1e6;
    struct agg_options ao = { 0.95, 20, 1, "domain" };
    struct report_options ro = { 0.05, 0.8, NULL, 0, NULL, 0 };
    if (run_load(dir, 0, &r, &d) == 0 && aggregate_run(&r, &ao, &a, &d) == 0 &&
        decide(&r, &a, &c, &dc, &d) == 0 && report_build(&rp, &r, &a, &c, &dc, &ro, &d) == 0) {
        struct buf b;
        buf_init(&b, 0);
        report_render_term(&rp, 100, &b);
        report_render_md(&rp, &b);
        html_render(&rp, NULL, &b);
        for (size_t i = 0; i < rp.ntables; i++)
            table_render_csv(&rp.tables[i], &b);
        cJSON *j = report_to_json(&rp);
        char *s = cJSON_PrintUnformatted(j);
        free(s);
        cJSON_Delete(j);
        buf_release(&b);
    } else if (!d.set) {
        abort();   /* a failure must say why */
    }
    report_release(&rp);
    decision_release(&dc);
    aggregate_release(&a);
    if (r.dir)
        run_release(&r);
    constraints_release(&c);
    return 0;
}
