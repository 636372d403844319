/* plot.h -- the report's plots, drawn by gnuplot run as an external
 * program on a generated script.
 *
 * plots_make writes DIR/NAME.dat data files and DIR/plots.gp, runs
 * `gnuplot plots.gp` (stdin /dev/null, output in DIR/gnuplot.log) and
 * reads back each DIR/NAME.svg (DIR/NAME.png is drawn alongside with the
 * pngcairo terminal). Plots: per suite, quality against cost per 1,000
 * requests and against p95 latency with the Pareto frontier marked, and
 * quality bars with interval whiskers; per backend, the end-to-end
 * latency CDF and the TTFT distribution. gnuplot missing or failing is
 * not an error: the set says it was skipped and why, and the report is
 * still written. The program is "gnuplot" from PATH unless
 * $ASSAY_GNUPLOT names another. */
#ifndef ASSAY_PLOT_H
#define ASSAY_PLOT_H

#include <stddef.h>

#include "harness/util/diag.h"
#include "reports/report.h"

struct plot {
    char name[96];         /* file stem in the plot folder */
    char title[256];
    char caption[512];     /* what the plot shows and how to read it */
    char *svg;             /* inline-ready SVG (prolog stripped, ids prefixed); owned,
                              NULL if not drawn */
};

struct plot_set {
    struct plot *p;
    size_t n;
    size_t drawn;          /* plots whose SVG was produced */
    int skipped;           /* gnuplot missing or failed: see why */
    char why[1024];
    char program[200];     /* the gnuplot used */
};

/* Writes the data and script into dir (created if missing) and runs
 * gnuplot. -1 only when the files cannot be written. */
int  plots_make(const struct report *rp, const char *dir, struct plot_set *out, struct diag *d);
void plots_release(struct plot_set *ps);

/* Appends a Markdown "Plots" section: each drawn plot as an image link
 * to its PNG (rel_dir/NAME.png, relative to the Markdown file) with its
 * caption, or the reason plots were skipped. */
void plots_render_md(const struct plot_set *ps, const char *rel_dir, struct buf *out);

/* Returns owned: svg from its "<svg" on, every id and reference to one
 * prefixed with prefix, so several plots can live in one HTML page. */
char *plot_inline_svg(const char *svg, const char *prefix);

#endif
