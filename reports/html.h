/* html.h -- the report as one self-contained HTML page: inline CSS and
 * SVG, no script, no request to any network, readable printed.
 *
 * Order: the run's facts, the decision (headline, then the engine's full
 * text with the constraints used), notes, every table, every plot (or
 * why plots were skipped). Every string that comes from records, run.json
 * or flags is escaped; the SVG comes from gnuplot, which escapes its text,
 * with ids prefixed per plot (plot_inline_svg). */
#ifndef ASSAY_HTML_H
#define ASSAY_HTML_H

#include "harness/util/buf.h"
#include "reports/plot.h"
#include "reports/report.h"

/* Appends the page to out. plots may be NULL (plots not requested). */
void html_render(const struct report *rp, const struct plot_set *plots, struct buf *out);

/* Appends s with & < > " ' escaped and control characters other than
 * tab and newline replaced by U+FFFD. */
void html_escape(struct buf *out, const char *s);

#endif
