/* test_report_plot.c -- plots: the data and script written for gnuplot
 * (Pareto frontier, quoting of names), the SVG inlining, plots skipped
 * cleanly when gnuplot is missing (ASSAY_GNUPLOT pointing nowhere, and
 * the binary run with PATH stripped) or failing, and produced (SVG and
 * PNG) when gnuplot is installed. Without gnuplot the parts that need it
 * are skipped and the test exits 77 after the rest passed. */
#include "check.h"
#include "report_fixture.h"
#include "support/proc.h"

#include "reports/plot.h"

#include <unistd.h>

static int have_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *copy = xstrdup(path), *save = NULL;
    int found = 0;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", dir, name);
        found = access(p, X_OK) == 0;
        free(p);
    }
    free(copy);
    return found;
}

/* Suite "it's <q>" (a quote for gnuplot, markup for HTML) with three
 * backends: cheap (1 $/1k, 0.5), pricey (10 $/1k, 0.9) and dominated
 * (20 $/1k, 0.6), which the frontier must leave out. */
static char *frontier_run(void)
{
    char *dir = test_tmpdir("plot");
    const char *meta = "{\"schema\":1,\"suites\":{\"it's <q>\":{\"primary_metric\":\"m.f\","
                       "\"higher_is_better\":true}},\"backends\":[{\"name\":\"cheap\",\"pricing\":"
                       "{\"input_per_mtok\":1}},{\"name\":\"pri\\\"cey\",\"pricing\":{\"input_per_mtok\":1}},"
                       "{\"name\":\"dominated\",\"pricing\":{\"input_per_mtok\":1}}]}\n";
    fx_write(dir, "run.json", meta, strlen(meta));
    struct buf b;
    buf_init(&b, 0);
    static const struct { const char *name; double cost, q, e2e; } be[] = {
        { "cheap", 0.001, 0.5, 300 }, { "pri\\\"cey", 0.01, 0.9, 900 }, { "dominated", 0.02, 0.6, 1200 },
    };
    for (size_t k = 0; k < 3; k++)
        for (int i = 0; i < 20; i++)
            buf_addf(&b, "{\"suite\":\"it's <q>\",\"item\":\"i%d\",\"backend\":\"%s\",\"status\":\"ok\","
                         "\"timing\":{\"start_ms\":%d,\"e2e_ms\":%g,\"ttft_ms\":%g},"
                         "\"cost\":{\"usd\":%g},\"scores\":{\"m\":{\"f\":%g}}}\n",
                     i, be[k].name, i * 10, be[k].e2e + i, be[k].e2e / 5 + i, be[k].cost,
                     be[k].q + (i % 2 ? 0.01 : -0.01));
    fx_write(dir, "results.jsonl", b.ptr, b.len);
    buf_release(&b);
    return dir;
}

static const struct plot *find_plot(const struct plot_set *ps, const char *name)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].name, name) == 0)
            return &ps->p[i];
    return NULL;
}

static void test_inline_svg(void)
{
    const char *in = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg id='a' width='1'>"
                     "<use xlink:href='#a'/><g filter=\"url(#b)\" id=\"c\"><a href=\"#c\"/>"
                     "<text> id='x' href='#y' </text></g></svg>\n";
    char *out = plot_inline_svg(in, "p-");
    CHECK_STR_EQ(out, "<svg id='p-a' width='1'><use xlink:href='#p-a'/><g filter=\"url(#p-b)\" "
                      "id=\"p-c\"><a href=\"#p-c\"/><text> id='x' href='#y' </text></g></svg>\n");
    free(out);
    out = plot_inline_svg("not an svg", "p-");
    CHECK_STR_EQ(out, "");
    free(out);
}

/* Data and script are written whatever happens to gnuplot. */
static void test_missing_gnuplot(const char *dir, const struct report *rp)
{
    char *pdir = xasprintf("%s/plots-missing", dir);
    setenv("ASSAY_GNUPLOT", "/nonexistent/gnuplot", 1);
    struct plot_set ps;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(plots_make(rp, pdir, &ps, &d), 0);
    unsetenv("ASSAY_GNUPLOT");
    CHECK(ps.skipped);
    CHECK_INT_EQ(ps.drawn, 0);
    CHECK_CONTAINS(ps.why, "/nonexistent/gnuplot could not be started");
    CHECK_CONTAINS(ps.why, "gnuplot-nox");
    CHECK_INT_EQ(ps.n, 5);    /* cost, latency, bars for the suite; CDF; TTFT */
    CHECK(find_plot(&ps, "quality_cost_it_s__q_") != NULL);
    CHECK(find_plot(&ps, "latency_cdf") && find_plot(&ps, "ttft"));

    /* Frontier: cheap and pricey, never the dominated one. */
    char *path = xasprintf("%s/quality_cost_it_s__q_.dat", pdir);
    char *dat = fx_slurp(path);
    CHECK(dat != NULL);
    if (dat) {
        const char *front = strstr(dat, "# frontier\n");
        CHECK(front != NULL);
        if (front) {
            CHECK_CONTAINS(front, "\n1 0.5\n");
            CHECK_CONTAINS(front, "\n10 0.9\n");
            CHECK(!strstr(front, "\n20 "));
        }
        CHECK_CONTAINS(dat, "\"pri_cey\"");   /* quote in a data label replaced */
    }
    free(dat);
    free(path);
    path = xasprintf("%s/plots.gp", pdir);
    char *gp = fx_slurp(path);
    CHECK(gp && strstr(gp, "'it''s <q>: m.f vs cost per 1,000 requests'"));
    free(gp);
    free(path);
    plots_release(&ps);

    /* A gnuplot that fails: said so, with its exit code. */
    setenv("ASSAY_GNUPLOT", "false", 1);
    CHECK_INT_EQ(plots_make(rp, pdir, &ps, &d), 0);
    unsetenv("ASSAY_GNUPLOT");
    CHECK(ps.skipped);
    CHECK_CONTAINS(ps.why, "false failed (exit 1)");
    plots_release(&ps);
    free(pdir);
}

/* The command line with PATH stripped: no gnuplot anywhere. */
static void test_cli_without_path(const char *dir)
{
    char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "");
    setenv("PATH", "/nonexistent", 1);
    struct proc_result pr;
    CHECK_INT_EQ(run_assay(&pr, "report", dir, "--format", "html,md", NULL), 0);
    setenv("PATH", old, 1);
    free(old);
    CHECK_INT_EQ(pr.status, 0);
    CHECK_CONTAINS(pr.err, "plots skipped: gnuplot could not be started");
    proc_result_free(&pr);
    char *path = xasprintf("%s/report/report.html", dir);
    char *html = fx_slurp(path);
    CHECK(html && strstr(html, "Plots were skipped: gnuplot could not be started"));
    CHECK(html && !strstr(html, "<svg"));
    CHECK(html && strstr(html, "it&#39;s &lt;q&gt;"));
    free(html);
    free(path);
    path = xasprintf("%s/report/report.md", dir);
    char *md = fx_slurp(path);
    CHECK(md && strstr(md, "## Plots\n\nPlots were skipped: gnuplot could not be started"));
    free(md);
    free(path);
}

static void test_with_gnuplot(const char *dir, const struct report *rp)
{
    char *pdir = xasprintf("%s/plots-drawn", dir);
    struct plot_set ps;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(plots_make(rp, pdir, &ps, &d), 0);
    CHECK(!ps.skipped);
    CHECK_MSG(ps.drawn == ps.n, "%zu of %zu drawn: %s", ps.drawn, ps.n, ps.why);
    CHECK_STR_EQ(ps.why, "");
    for (size_t i = 0; i < ps.n; i++) {
        const struct plot *p = &ps.p[i];
        CHECK_MSG(p->svg && strncmp(p->svg, "<svg", 4) == 0, "%s", p->name);
        if (p->svg) {
            char prefix[128];
            snprintf(prefix, sizeof(prefix), "id=\"%s-gnuplot_canvas\"", p->name);
            CHECK_CONTAINS(p->svg, prefix);
            CHECK(!strstr(p->svg, "<script"));
        }
        char *png = xasprintf("%s/%s.png", pdir, p->name);
        struct buf b;
        buf_init(&b, 0);
        CHECK_MSG(file_read(png, &b, 0, &d) == 0 && b.len > 1000 &&
                  memcmp(b.ptr, "\x89PNG", 4) == 0, "%s", png);
        buf_release(&b);
        free(png);
    }
    /* names from records reach the picture escaped, as text */
    const struct plot *cost = find_plot(&ps, "quality_cost_it_s__q_");
    CHECK(cost && cost->svg && strstr(cost->svg, "it's &lt;q>"));
    CHECK(cost && cost->svg && strstr(cost->svg, ">cheap<"));
    struct buf md;
    buf_init(&md, 0);
    plots_render_md(&ps, "plots", &md);
    CHECK_CONTAINS(md.ptr, "![End-to-end latency CDF by backend](plots/latency_cdf.png)\n\n");
    CHECK_CONTAINS(md.ptr, "![it's \\<q\\>: m.f vs cost per 1,000 requests](plots/quality_cost_it_s__q_.png)");
    buf_release(&md);
    plots_release(&ps);
    free(pdir);
}

int main(void)
{
    test_inline_svg();
    char *dir = frontier_run();
    struct fx_report x;
    CHECK_INT_EQ(fx_report_build(&x, dir, 0, NULL), 0);
    test_missing_gnuplot(dir, &x.rp);
    test_cli_without_path(dir);
    int skipped = !have_program("gnuplot");
    if (!skipped)
        test_with_gnuplot(dir, &x.rp);
    fx_report_release(&x);
    free(dir);
    int rc = check_done();
    if (rc == 0 && skipped)
        CHECK_SKIP("gnuplot is not installed (Debian package gnuplot-nox): drawing not tested");
    return rc;
}
