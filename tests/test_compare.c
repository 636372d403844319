/* test_compare.c -- the regression gate: exit codes, which changes count
 * (worse than the threshold AND significant), JUnit XML validity and
 * counts, summaries as baselines. Runs the real binary on crafted runs. */
#include "check.h"
#include "support/proc.h"

#include "harness/util/buf.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#include <stdio.h>

/* Writes a run: 40 items of suite "sum" on backend "A"; quality of item i
 * is base_q(i) + shift (+ noise), latency 100 * lat_factor ms (+ spread). */
static char *make_run(const char *tag, double shift, double noise, double lat_factor,
                      int fail_every)
{
    char *dir = test_tmpdir(tag);
    char *path = xasprintf("%s/run.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"schema\":1,\"suites\":{\"sum\":{\"primary_metric\":\"rouge.f\","
          "\"higher_is_better\":true}},\"backends\":[{\"name\":\"A\"}]}\n", f);
    fclose(f);
    free(path);
    struct rng r;
    rng_seed(&r, 99);
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 40; i++) {
        double q = 0.3 + 0.01 * (i % 20) + shift + noise * (rng_uniform(&r) - 0.5);
        double e2e = (100 + 5 * (i % 10)) * lat_factor;
        int failed = fail_every && i % fail_every == 0;
        buf_addf(&b, "{\"suite\":\"sum\",\"item\":\"it%02d\",\"backend\":\"A\",\"repeat\":0,"
                     "\"status\":\"%s\",\"timing\":{\"e2e_ms\":%g},\"cost\":{\"usd\":0.001},"
                     "\"scores\":{\"rouge\":{\"f\":%.6f},\"len\":{\"pass\":%s}}}\n",
                 i, failed ? "http_error" : "ok", e2e, q, i % 3 ? "true" : "false");
    }
    path = xasprintf("%s/results.jsonl", dir);
    f = fopen(path, "w");
    fputs(b.ptr, f);
    fclose(f);
    free(path);
    buf_release(&b);
    return dir;
}

/* Minimal XML well-formedness: every tag closed in order, attributes
 * quoted, no raw '<' or '&' outside markup except entities. */
static int xml_well_formed(const char *s)
{
    const char *stack[64];
    size_t lens[64];
    int depth = 0;
    if (strncmp(s, "<?xml", 5) == 0)
        s = strstr(s, "?>") + 2;
    while (*s) {
        if (*s == '&') {
            if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) &&
                strncmp(s, "&quot;", 6) && strncmp(s, "&apos;", 6))
                return 0;
            s++;
            continue;
        }
        if (*s != '<') {
            s++;
            continue;
        }
        int closing = s[1] == '/';
        const char *name = s + 1 + closing;
        size_t nlen = strcspn(name, " />\n");
        const char *end = strchr(s, '>');
        if (!end)
            return 0;
        /* attributes: quotes balanced, no '<' inside the tag */
        int quotes = 0;
        for (const char *p = s + 1; p < end; p++) {
            if (*p == '"')
                quotes++;
            if (*p == '<')
                return 0;
        }
        if (quotes % 2)
            return 0;
        int self = end[-1] == '/';
        if (closing) {
            if (depth == 0 || lens[depth - 1] != nlen || strncmp(stack[depth - 1], name, nlen))
                return 0;
            depth--;
        } else if (!self) {
            if (depth == 64)
                return 0;
            stack[depth] = name;
            lens[depth++] = nlen;
        }
        s = end + 1;
    }
    return depth == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xstrdup("");
    struct buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    return buf_take(&b, NULL);
}

int main(void)
{
    char *base = make_run("cmp-base", 0, 0.02, 1.0, 0);
    char *same = make_run("cmp-same", 0, 0.02, 1.0, 0);
    char *drop = make_run("cmp-drop", -0.10, 0.02, 1.0, 0);
    char *tiny = make_run("cmp-tiny", -0.001, 0.2, 1.0, 0);
    char *slow = make_run("cmp-slow", 0, 0.02, 1.5, 0);
    char *flaky = make_run("cmp-flaky", 0, 0.02, 1.0, 3);
    struct proc_result r;

    run_assay(&r, "compare", base, same, NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "0 regressions");
    proc_result_free(&r);

    /* A consistent 0.1 drop of the primary metric: a regression. */
    char *junit = xasprintf("%s/junit.xml", drop);
    char *md = xasprintf("%s/summary.md", drop);
    run_assay(&r, "compare", base, drop, "--junit", junit, "--markdown", md, NULL);
    CHECK_INT_EQ(r.status, 1);
    CHECK_CONTAINS(r.out, "quality rouge.f");
    CHECK_CONTAINS(r.out, "REGRESSION");
    proc_result_free(&r);
    char *xml = slurp(junit);
    CHECK(xml_well_formed(xml));
    CHECK_CONTAINS(xml, "<testsuites name=\"assay compare\" tests=\"5\" failures=\"1\">");
    CHECK_CONTAINS(xml, "<testsuite name=\"sum/A\" tests=\"5\" failures=\"1\">");
    CHECK_CONTAINS(xml, "<testcase classname=\"sum.A\" name=\"quality rouge.f\" time=\"0\">\n"
                        "      <failure message=\"quality rouge.f: ");
    free(xml);
    char *mdtext = slurp(md);
    CHECK_CONTAINS(mdtext, "| sum | A | quality rouge.f |");
    CHECK_CONTAINS(mdtext, "**REGRESSION**");
    free(mdtext);

    /* Allowing a drop of 0.2 passes the same data. */
    run_assay(&r, "compare", base, drop, "--max-drop", "primary=0.2", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* Noise without a real change is not a regression. */
    run_assay(&r, "compare", base, tiny, NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* 50% slower: the p95 check fails; turning it off passes. */
    run_assay(&r, "compare", base, slow, NULL);
    CHECK_INT_EQ(r.status, 1);
    CHECK_CONTAINS(r.out, "latency p95");
    proc_result_free(&r);
    run_assay(&r, "compare", base, slow, "--max-p95-increase", "off", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);
    run_assay(&r, "compare", base, slow, "--max-p95-increase", "60%", NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* A third of the requests failing: error rate (and quality, failures
     * scoring 0) regress. */
    run_assay(&r, "compare", base, flaky, NULL);
    CHECK_INT_EQ(r.status, 1);
    CHECK_CONTAINS(r.out, "error rate");
    proc_result_free(&r);

    /* A summary saved from a run serves as the baseline with the same verdicts. */
    char *summary = xasprintf("%s/baseline.json", base);
    run_assay(&r, "compare", base, base, "--save-summary", summary, NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);
    run_assay(&r, "compare", summary, drop, NULL);
    CHECK_INT_EQ(r.status, 1);
    proc_result_free(&r);
    run_assay(&r, "compare", summary, same, NULL);
    CHECK_INT_EQ(r.status, 0);
    proc_result_free(&r);

    /* Bad input. */
    run_assay(&r, "compare", "/nonexistent", same, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "/nonexistent/results.jsonl: cannot open");
    proc_result_free(&r);
    run_assay(&r, "compare", base, same, "--max-drop", "rouge.f", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "--max-drop: expected METRIC=NUMBER");
    proc_result_free(&r);
    run_assay(&r, "compare", base, NULL);
    CHECK_INT_EQ(r.status, 2);
    proc_result_free(&r);

    free(summary);
    free(junit);
    free(md);
    free(base);
    free(same);
    free(drop);
    free(tiny);
    free(slow);
    free(flaky);
    return check_done();
}
