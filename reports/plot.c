/* plot.c -- see plot.h.
 *
 * One script draws every plot twice: `set terminal svg` (for the HTML
 * page, which inlines it) then `set terminal pngcairo` + `replot` (a
 * picture to paste elsewhere). Both terminals ship in Debian's
 * gnuplot-nox. Terminals are `noenhanced` so backend names with _ ^ { }
 * print as written. Strings from records reach gnuplot in two places, and
 * both are made inert: script strings are single-quoted with ' doubled
 * (gnuplot's rule), data-file labels are double-quoted with " and \
 * replaced. gnuplot stops at the first error in a script, so each
 * expected SVG is checked on its own and stale ones are removed first. */
#include "plot.h"

#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SVG_TERM "set terminal svg size 760,440 noenhanced font 'sans,12' background '#ffffff'\n"
#define PNG_TERM \
    "set terminal pngcairo size 1140,660 noenhanced font 'sans,12' background '#ffffff'\n"

struct point {
    double x, y, lo, hi;
    const char *label;
    int frontier;
};

/* === quoting =============================================================== */

static void gp_string(struct buf *b, const char *s)
{
    buf_addc(b, '\'');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            buf_adds(b, "''");
        else
            buf_addc(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
    }
    buf_addc(b, '\'');
}

static void dat_label(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        buf_addc(b, *p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f ? '_' : (char)*p);
    buf_addc(b, '"');
}

/* A file stem from a suite name: [A-Za-z0-9_-], unique in the set. */
static void stem(const struct plot_set *ps, const char *kind, const char *name, char *out, size_t n)
{
    char clean[48];
    size_t k = 0;
    for (const char *p = name; *p && k < sizeof(clean) - 1; p++)
        clean[k++] = (strchr("-_", *p) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9')) ? *p : '_';
    clean[k] = '\0';
    snprintf(out, n, "%s%s%s", kind, k ? "_" : "", clean);
    for (int dup = 2;; dup++) {
        int taken = 0;
        for (size_t i = 0; i < ps->n && !taken; i++)
            taken = strcmp(ps->p[i].name, out) == 0;
        if (!taken)
            return;
        snprintf(out, n, "%s%s%s-%d", kind, k ? "_" : "", clean, dup);
    }
}

/* === script pieces ========================================================= */

struct ctx {
    const struct report *rp;
    const char *dir;
    struct plot_set *ps;
    struct buf script;
    struct diag *d;
    size_t cap;
};

/* Registers a plot, writes its data file and opens it in the script
 * (reset, SVG output, title); NULL with the diag filled if the data
 * cannot be written. */
static struct plot *open_plot(struct ctx *c, const char *name, const char *title,
                              const char *caption, const struct buf *data)
{
    char *path = xasprintf("%s/%s.dat", c->dir, name);
    int rc = file_write_atomic(path, data->ptr, data->len, c->d);
    free(path);
    if (rc < 0)
        return NULL;
    XGROW(c->ps->p, c->cap, c->ps->n + 1);
    struct plot *p = &c->ps->p[c->ps->n++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    snprintf(p->title, sizeof(p->title), "%s", title);
    snprintf(p->caption, sizeof(p->caption), "%s", caption);
    struct buf *s = &c->script;
    buf_addf(s, "\n# --- %s\nreset\n" SVG_TERM "set output '%s.svg'\nset title ", p->name, p->name);
    gp_string(s, p->title);
    buf_adds(s, "\nset grid lc rgb '#dddddd'\nset border lc rgb '#555555'\n");
    return p;
}

/* Ends it: the same plot again as PNG. */
static void end(struct ctx *c, const struct plot *p)
{
    buf_addf(&c->script, PNG_TERM "set output '%s.png'\nreplot\nunset output\n", p->name);
}

static void mark_frontier(struct point *pt, size_t n, int higher_is_better)
{
    /* Sort by x (cost or latency, lower is better), better y first on
     * ties; a point is on the frontier when its y beats every point
     * before it. Insertion sort: a handful of backends. */
    for (size_t i = 1; i < n; i++) {
        struct point v = pt[i];
        size_t j = i;
        while (j > 0 && (pt[j - 1].x > v.x ||
                         (pt[j - 1].x == v.x && (higher_is_better ? pt[j - 1].y < v.y
                                                                  : pt[j - 1].y > v.y)))) {
            pt[j] = pt[j - 1];
            j--;
        }
        pt[j] = v;
    }
    double best = NAN;
    for (size_t i = 0; i < n; i++) {
        int better = isnan(best) || (higher_is_better ? pt[i].y > best : pt[i].y < best);
        pt[i].frontier = better;
        if (better)
            best = pt[i].y;
    }
}

/* Quality of every backend of a suite against x (cost or p95). */
static int tradeoff_plot(struct ctx *c, const char *suite, int by_cost)
{
    const struct report *rp = c->rp;
    struct point *pt = xcalloc(rp->nbackends + 1, sizeof(*pt));
    size_t n = 0, missing = 0;
    const char *metric = NULL;
    int hib = 1;
    for (size_t b = 0; b < rp->nbackends; b++) {
        const struct group *g = aggregate_find(rp->agg, rp->backends[b], suite, "");
        if (!g || !g->primary || isnan(g->quality))
            continue;
        metric = g->primary;
        hib = g->higher_is_better;
        double x = by_cost ? rp->cost[g - rp->agg->groups].per_1k : g->e2e.p95;
        if (isnan(x)) {
            missing++;
            continue;
        }
        const struct metric_agg *m = group_metric(g, g->primary);
        pt[n].x = x;
        pt[n].y = g->quality;
        pt[n].lo = m && !isnan(m->ci.lo) ? m->ci.lo : g->quality;
        pt[n].hi = m && !isnan(m->ci.hi) ? m->ci.hi : g->quality;
        pt[n].label = g->backend;
        n++;
    }
    if (n == 0) {
        free(pt);
        return 0;
    }
    mark_frontier(pt, n, hib);
    char name[96], title[256], caption[512];
    stem(c->ps, by_cost ? "quality_cost" : "quality_latency", suite, name, sizeof(name));
    snprintf(title, sizeof(title), "%s: %s vs %s", suite, metric,
             by_cost ? "cost per 1,000 requests" : "p95 latency");
    snprintf(caption, sizeof(caption),
             "Each point is a backend on suite %s: %s (%s is better, with its interval) against "
             "%s. The line joins the Pareto frontier: backends that no other backend beats on "
             "both.%s",
             suite, metric, hib ? "higher" : "lower",
             by_cost ? "USD per 1,000 requests (per-hour prices amortised)"
                     : "end-to-end p95 latency of the suite's successful requests",
             missing ? (by_cost ? " Backends without a known price are left out."
                                : " Backends without successful requests are left out.") : "");
    struct buf data;
    buf_init(&data, 0);
    buf_adds(&data, "# x y y_low y_high label\n");
    for (size_t i = 0; i < n; i++) {
        buf_addf(&data, "%.10g %.10g %.10g %.10g ", pt[i].x, pt[i].y, pt[i].lo, pt[i].hi);
        dat_label(&data, pt[i].label);
        buf_addc(&data, '\n');
    }
    buf_adds(&data, "\n\n# frontier\n");
    for (size_t i = 0; i < n; i++)
        if (pt[i].frontier)
            buf_addf(&data, "%.10g %.10g\n", pt[i].x, pt[i].y);
    struct plot *p = open_plot(c, name, title, caption, &data);
    buf_release(&data);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, pt[i].x);
        hi = fmax(hi, pt[i].x);
    }
    free(pt);
    if (!p)
        return -1;
    struct buf *s = &c->script;
    buf_addf(s, "set xlabel '%s'\n", by_cost ? "USD per 1,000 requests" : "p95 latency (ms)");
    buf_adds(s, "set ylabel ");
    char yl[160];
    snprintf(yl, sizeof(yl), "%s (%s is better)", metric, hib ? "higher" : "lower");
    gp_string(s, yl);
    buf_adds(s, "\nset key bottom right box opaque\n");
    /* Costs spanning orders of magnitude read better on a log axis;
     * otherwise start at zero so distances compare honestly. */
    if (lo > 0 && hi / lo > 20)
        buf_adds(s, "set logscale x\nset offsets graph 0.08, graph 0.25, graph 0.1, graph 0.1\n");
    else if (lo >= 0)
        buf_adds(s, "set xrange [0:*]\nset offsets 0, graph 0.25, graph 0.1, graph 0.1\n");
    else
        buf_adds(s, "set offsets graph 0.08, graph 0.25, graph 0.1, graph 0.1\n");
    buf_addf(s, "plot '%s.dat' index 0 using 1:2:3:4 with yerrorbars pt 7 ps 1.4 lc rgb '#1f77b4' "
                "title 'backend (%g%% interval)', \\\n"
                "     '' index 0 using 1:2:5 with labels offset char 1,0.6 left notitle, \\\n"
                "     '' index 1 using 1:2 with linespoints lw 2 dt 2 pt 6 ps 2.4 lc rgb '#d62728' "
                "title 'Pareto frontier'\n", name, 100 * rp->agg->opt.level);
    end(c, p);
    return 0;
}

static int quality_bars(struct ctx *c, const char *suite)
{
    const struct report *rp = c->rp;
    struct buf data;
    buf_init(&data, 0);
    size_t n = 0;
    const char *metric = NULL;
    int hib = 1;
    double lo = INFINITY;
    for (size_t b = 0; b < rp->nbackends; b++) {
        const struct group *g = aggregate_find(rp->agg, rp->backends[b], suite, "");
        const struct metric_agg *m = g && g->primary ? group_metric(g, g->primary) : NULL;
        if (!m || isnan(m->mean))
            continue;
        metric = m->name;
        hib = g->higher_is_better;
        double ql = isnan(m->ci.lo) ? m->mean : m->ci.lo, qh = isnan(m->ci.hi) ? m->mean : m->ci.hi;
        lo = fmin(lo, ql);
        buf_addf(&data, "%zu %.10g %.10g %.10g ", ++n, m->mean, ql, qh);
        dat_label(&data, g->backend);
        buf_addc(&data, '\n');
    }
    if (n == 0) {
        buf_release(&data);
        return 0;
    }
    char name[96], title[256], caption[512];
    stem(c->ps, "quality", suite, name, sizeof(name));
    snprintf(title, sizeof(title), "%s: %s by backend", suite, metric);
    snprintf(caption, sizeof(caption),
             "Mean %s per backend on suite %s (%s is better), failed requests scored as the "
             "suite defines; whiskers are the %g%% interval (bootstrap, Wilson for pass rates). "
             "Overlapping whiskers are not a test: see the pairwise table.",
             metric, suite, hib ? "higher" : "lower", 100 * rp->agg->opt.level);
    struct plot *p = open_plot(c, name, title, caption, &data);
    buf_release(&data);
    if (!p)
        return -1;
    struct buf *s = &c->script;
    buf_adds(s, "set ylabel ");
    gp_string(s, metric);
    buf_addf(s, "\nset style fill solid 0.55 border lc rgb '#1f4e79'\nset boxwidth 0.6\n"
                "set xrange [0.4:%zu.6]\nset xtics nomirror\nset key below\n", n);
    if (lo >= 0)
        buf_adds(s, "set yrange [0:*]\n");
    buf_addf(s, "plot '%s.dat' using 1:2:xticlabels(5) with boxes lc rgb '#6baed6' "
                "title 'mean', \\\n"
                "     '' using 1:2:3:4 with yerrorbars lc rgb '#000000' pt 7 ps 0.5 "
                "title '%g%% interval'\n",
             name, 100 * rp->agg->opt.level);
    end(c, p);
    return 0;
}

/* Successful, non-cached samples of one backend (all suites), sorted. */
static double *samples(const struct run *r, const char *backend, int ttft, size_t *n)
{
    double *v = xcalloc(r->n + 1, sizeof(double));
    *n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct rec *x = &r->recs[i];
        double s = ttft ? x->ttft_ms : x->e2e_ms;
        if (x->ok && !x->cached && !isnan(s) && strcmp(x->backend, backend) == 0)
            v[(*n)++] = s;
    }
    stats_sort(v, *n);
    return v;
}

static int latency_cdf(struct ctx *c)
{
    const struct report *rp = c->rp;
    struct buf data, cmd;
    buf_init(&data, 0);
    buf_init(&cmd, 0);
    size_t blocks = 0;
    for (size_t b = 0; b < rp->nbackends; b++) {
        size_t n;
        double *v = samples(rp->run, rp->backends[b], 0, &n);
        if (n) {
            buf_addf(&data, "%s# %zu\n", blocks ? "\n\n" : "", blocks);
            /* At most ~2,000 steps per curve: enough for the eye. */
            size_t step = n > 2000 ? n / 2000 : 1;
            for (size_t i = 0; i < n; i += step)
                buf_addf(&data, "%.10g %.10g\n", v[i], (double)(i + 1) / (double)n);
            if ((n - 1) % step)
                buf_addf(&data, "%.10g 1\n", v[n - 1]);
            buf_addf(&cmd, "%s'latency_cdf.dat' index %zu using 1:2 with steps lw 2 title ",
                     blocks ? ", \\\n     " : "", blocks);
            gp_string(&cmd, rp->backends[b]);
            blocks++;
        }
        free(v);
    }
    int rc = 0;
    if (blocks) {
        struct plot *p = open_plot(c, "latency_cdf", "End-to-end latency CDF by backend",
                                   "Share of each backend's successful, non-cached requests (all "
                                   "suites) that finished within a given time. The dashed line is "
                                   "p95: where a curve crosses it is that backend's p95. Further "
                                   "left is faster; a long flat tail is a latency outlier problem.",
                                   &data);
        rc = p ? 0 : -1;
        if (p) {
            struct buf *s = &c->script;
            buf_adds(s, "set xlabel 'end-to-end latency (ms)'\nset ylabel 'share of requests'\n"
                        "set yrange [0:1.02]\nset key bottom right box opaque\n"
                        "set arrow from graph 0, first 0.95 to graph 1, first 0.95 nohead "
                        "dt 2 lc rgb '#888888'\n"
                        "plot ");
            buf_add(s, cmd.ptr, cmd.len);
            buf_addc(s, '\n');
            end(c, p);
        }
    }
    buf_release(&data);
    buf_release(&cmd);
    return rc;
}

static int ttft_dist(struct ctx *c)
{
    const struct report *rp = c->rp;
    struct buf data;
    buf_init(&data, 0);
    size_t k = 0;
    for (size_t b = 0; b < rp->nbackends; b++) {
        size_t n;
        double *v = samples(rp->run, rp->backends[b], 1, &n);
        if (n) {
            buf_addf(&data, "%zu %.10g %.10g %.10g %.10g %.10g ", ++k,
                     stats_percentile_sorted(v, n, 0.05), stats_percentile_sorted(v, n, 0.25),
                     stats_percentile_sorted(v, n, 0.50), stats_percentile_sorted(v, n, 0.75),
                     stats_percentile_sorted(v, n, 0.95));
            dat_label(&data, rp->backends[b]);
            buf_addc(&data, '\n');
        }
        free(v);
    }
    int rc = 0;
    if (k) {
        struct plot *p = open_plot(c, "ttft", "Time to first token by backend",
                                   "Distribution of time to first token over each backend's "
                                   "successful, non-cached streaming requests (all suites): the "
                                   "box spans p25 to p75 with the median marked, whiskers reach p5 "
                                   "and p95.", &data);
        rc = p ? 0 : -1;
        if (p) {
            struct buf *s = &c->script;
            buf_addf(s, "set ylabel 'time to first token (ms)'\nset xrange [0.4:%zu.6]\n"
                        "set yrange [0:*]\nset boxwidth 0.5\nset style fill solid 0.35\n"
                        "set key top left box opaque\nset xtics nomirror\n"
                        "plot 'ttft.dat' using 1:3:2:6:5:xticlabels(7) with candlesticks "
                        "whiskerbars 0.5 lc rgb '#2ca02c' title 'p5, p25-p75, p95', \\\n"
                        "     '' using 1:4:4:4:4 with candlesticks lw 3 lc rgb '#000000' "
                        "title 'median'\n", k);
            end(c, p);
        }
    }
    buf_release(&data);
    return rc;
}

/* === running gnuplot ======================================================= */

static void log_excerpt(const char *path, char *out, size_t n)
{
    struct buf b;
    struct diag d;
    buf_init(&b, 0);
    diag_init(&d);
    out[0] = '\0';
    if (file_read(path, &b, 1 << 20, &d) == 0) {
        /* The first non-blank lines, joined: gnuplot names the line and
         * the problem there. */
        size_t k = 0;
        for (size_t i = 0; i < b.len && k + 1 < n; i++) {
            char ch = b.ptr[i];
            if (ch == '\n' || ch == '\r' || ch == '\t')
                ch = ' ';
            if (ch == ' ' && (k == 0 || out[k - 1] == ' '))
                continue;
            out[k++] = ch;
        }
        out[k] = '\0';
    }
    buf_release(&b);
}

static void run_gnuplot(struct plot_set *ps, const char *dir)
{
    char *script = xasprintf("%s/plots.gp", dir), *log = xasprintf("%s/gnuplot.log", dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = { ps->program, script, NULL };
    pid_t pid;
    int rc = posix_spawnp(&pid, ps->program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        snprintf(ps->why, sizeof(ps->why), "%s could not be started (%s)%s", ps->program,
                 strerror(rc),
                 rc == ENOENT ? ": install gnuplot (Debian package gnuplot-nox)" : "");
    } else {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
            snprintf(ps->why, sizeof(ps->why), "%s could not be started: install gnuplot "
                     "(Debian package gnuplot-nox)", ps->program);
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            char excerpt[300];
            log_excerpt(log, excerpt, sizeof(excerpt));
            if (WIFEXITED(status))
                snprintf(ps->why, sizeof(ps->why), "%s failed (exit %d): %s", ps->program,
                         WEXITSTATUS(status), excerpt[0] ? excerpt : "no message");
            else
                snprintf(ps->why, sizeof(ps->why), "%s was killed by signal %d", ps->program,
                         WTERMSIG(status));
        }
    }
    free(script);
    free(log);
}

char *plot_inline_svg(const char *svg, const char *prefix)
{
    const char *p = strstr(svg, "<svg");
    struct buf b;
    buf_init(&b, 0);
    if (!p)
        return buf_take(&b, NULL);
    static const char *const refs[] = { " id='", " id=\"", "href='#", "href=\"#", "url(#" };
    int in_tag = 0;
    while (*p) {
        if (*p == '<')
            in_tag = 1;
        else if (*p == '>')
            in_tag = 0;
        size_t hit = 0;
        if (in_tag)
            for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]) && !hit; i++)
                if (strncmp(p, refs[i], strlen(refs[i])) == 0)
                    hit = strlen(refs[i]);
        if (hit) {
            buf_add(&b, p, hit);
            buf_adds(&b, prefix);
            p += hit;
        } else {
            buf_addc(&b, *p++);
        }
    }
    return buf_take(&b, NULL);
}

static void read_svgs(struct plot_set *ps, const char *dir)
{
    for (size_t i = 0; i < ps->n; i++) {
        struct plot *p = &ps->p[i];
        char *path = xasprintf("%s/%s.svg", dir, p->name);
        struct buf b;
        struct diag d;
        buf_init(&b, 0);
        diag_init(&d);
        if (file_read(path, &b, 64 << 20, &d) == 0 && strstr(b.ptr, "</svg>")) {
            char prefix[128];
            snprintf(prefix, sizeof(prefix), "%s-", p->name);
            p->svg = plot_inline_svg(b.ptr, prefix);
            ps->drawn++;
        }
        buf_release(&b);
        free(path);
    }
}

int plots_make(const struct report *rp, const char *dir, struct plot_set *out, struct diag *d)
{
    memset(out, 0, sizeof(*out));
    const char *prog = getenv("ASSAY_GNUPLOT");
    snprintf(out->program, sizeof(out->program), "%s", prog && *prog ? prog : "gnuplot");
    if (file_mkdirs(dir, d) < 0)
        return -1;
    struct ctx c = { rp, dir, out, BUF_INIT, d, 0 };
    buf_init(&c.script, 0);
    buf_adds(&c.script, "# plots.gp -- written by assay report; run: gnuplot plots.gp\n"
                        "set encoding utf8\ncd ");
    gp_string(&c.script, dir);
    buf_addc(&c.script, '\n');
    int rc = 0;
    for (size_t s = 0; s < rp->nsuites && rc == 0; s++) {
        rc |= tradeoff_plot(&c, rp->suites[s], 1);
        rc |= tradeoff_plot(&c, rp->suites[s], 0);
        rc |= quality_bars(&c, rp->suites[s]);
    }
    if (rc == 0)
        rc = latency_cdf(&c);
    if (rc == 0)
        rc = ttft_dist(&c);
    char *path = xasprintf("%s/plots.gp", dir);
    if (rc == 0)
        rc = file_write_atomic(path, c.script.ptr, c.script.len, d);
    free(path);
    buf_release(&c.script);
    if (rc < 0)
        return -1;
    /* Stale pictures from an earlier report must not pass for new ones. */
    for (size_t i = 0; i < out->n; i++) {
        char *svg = xasprintf("%s/%s.svg", dir, out->p[i].name);
        char *png = xasprintf("%s/%s.png", dir, out->p[i].name);
        unlink(svg);
        unlink(png);
        free(svg);
        free(png);
    }
    if (out->n == 0)
        return 0;
    run_gnuplot(out, dir);
    read_svgs(out, dir);
    if (out->drawn == 0) {
        out->skipped = 1;
        if (!out->why[0])
            snprintf(out->why, sizeof(out->why), "%s drew nothing (see gnuplot.log)", out->program);
    } else if (out->drawn < out->n && !out->why[0]) {
        snprintf(out->why, sizeof(out->why), "%zu of %zu plots were not drawn (see gnuplot.log)",
                 out->n - out->drawn, out->n);
    }
    return 0;
}

void plots_render_md(const struct plot_set *ps, const char *rel_dir, struct buf *out)
{
    buf_adds(out, "## Plots\n\n");
    if (ps->skipped || ps->n == 0) {
        buf_adds(out, "Plots were skipped: ");
        md_escape(out, ps->n == 0 ? "nothing to plot (no successful requests)" : ps->why);
        buf_adds(out, ".\n\n");
        return;
    }
    for (size_t i = 0; i < ps->n; i++) {
        const struct plot *p = &ps->p[i];
        if (!p->svg)
            continue;
        buf_adds(out, "![");
        md_escape(out, p->title);
        buf_addf(out, "](%s/%s.png)\n\n", rel_dir, p->name);   /* names are [A-Za-z0-9_-] */
        md_escape(out, p->caption);
        buf_adds(out, "\n\n");
    }
}

void plots_release(struct plot_set *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->p[i].svg);
    free(ps->p);
    memset(ps, 0, sizeof(*ps));
}
