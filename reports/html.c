/* html.c -- see html.h. The stylesheet is written for a screen and for
 * paper: tables scroll sideways on a narrow screen and shrink when
 * printed, figures and table rows never split across pages, and the
 * navigation is hidden in print. */
#include "html.h"

#include "version.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char css[] =
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;"
    "max-width:1180px;padding:1.5em;color:#1d1d1f;line-height:1.45}\n"
    "h1{margin:0 0 .3em;font-size:1.7em}h2{margin-top:1.8em;border-bottom:2px solid #e3e3e8;"
    "padding-bottom:.2em;font-size:1.3em}h3{font-size:1.05em;margin:1.4em 0 .4em}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.6em 0}\n"
    "dl.facts dt{font-weight:600;color:#555}dl.facts dd{margin:0}\n"
    "nav{margin:1em 0;padding:.6em 1em;background:#f5f5f7;border-radius:6px;font-size:.92em;"
    "display:flex;flex-wrap:wrap;gap:.2em 1.2em}\n"
    ".verdict{font-size:1.2em;padding:.7em 1em;border-left:5px solid #2e7d32;background:#eef7ee}\n"
    ".verdict.none{border-color:#c62828;background:#fdecea}\n"
    "pre.decision{white-space:pre-wrap;background:#fafafa;border:1px solid #e3e3e8;"
    "padding:.8em 1em;font-size:.88em;border-radius:6px}\n"
    ".notes li{margin:.2em 0}.skipped{color:#8a4b00;background:#fff4e5;padding:.5em 1em}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:.86em;margin:.3em 0;"
    "font-variant-numeric:tabular-nums}\n"
    "th,td{padding:.25em .6em;border-bottom:1px solid #e3e3e8;text-align:left;white-space:nowrap}\n"
    "th{background:#f5f5f7;border-bottom:2px solid #c7c7cc}td.num,th.num{text-align:right}\n"
    "tbody tr:nth-child(even){background:#fbfbfd}\n"
    "p.note{font-size:.82em;color:#555;max-width:60em}\n"
    "figure{margin:1.2em 0;break-inside:avoid}figure svg{max-width:100%;height:auto;"
    "border:1px solid #e3e3e8}figcaption{font-size:.85em;color:#444;max-width:60em}\n"
    "footer{margin-top:3em;font-size:.8em;color:#777}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}"
    "table{font-size:7.5pt}th,td{padding:.1em .35em}tr{break-inside:avoid}"
    "h2{break-after:avoid}.scroll{overflow:visible}a{color:inherit;text-decoration:none}}\n";

void html_escape(struct buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': buf_adds(out, "&amp;"); break;
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&#39;"); break;
        default:
            if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
                buf_adds(out, "\xEF\xBF\xBD");
            else
                buf_addc(out, (char)*p);
        }
    }
}

static void table_html(const struct table *t, struct buf *out)
{
    buf_addf(out, "<h3 id=\"t-%s\">", t->key);
    html_escape(out, t->title);
    buf_addf(out, "</h3>\n<div class=\"scroll\"><table class=\"report\" data-table=\"%s\">\n"
                  "<thead><tr>", t->key);
    for (size_t c = 0; c < t->ncols; c++) {
        buf_adds(out, t->cols[c].fmt == FMT_TEXT ? "<th>" : "<th class=\"num\">");
        html_escape(out, t->cols[c].title);
        buf_adds(out, "</th>");
    }
    buf_adds(out, "</tr></thead>\n<tbody>\n");
    struct buf cell;
    buf_init(&cell, 0);
    for (size_t r = 0; r < t->nrows; r++) {
        buf_adds(out, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            buf_reset(&cell);
            table_cell_text(t, r, c, &cell);
            buf_adds(out, t->cols[c].fmt == FMT_TEXT ? "<td>" : "<td class=\"num\">");
            html_escape(out, cell.ptr);
            buf_adds(out, "</td>");
        }
        buf_adds(out, "</tr>\n");
    }
    if (t->nrows == 0)
        buf_addf(out, "<tr><td colspan=\"%zu\">(no rows)</td></tr>\n", t->ncols);
    buf_release(&cell);
    buf_adds(out, "</tbody></table></div>\n");
    if (t->note) {
        buf_adds(out, "<p class=\"note\">");
        html_escape(out, t->note);
        buf_adds(out, "</p>\n");
    }
}

static void fact_html(void *ud, const char *label, const char *value)
{
    struct buf *out = ud;
    buf_adds(out, "<dt>");
    html_escape(out, label);
    buf_adds(out, "</dt><dd>");
    html_escape(out, value);
    buf_adds(out, "</dd>\n");
}

/* "suite → backend, ..." of the per-suite routing. */
static void routes_html(const struct decision *dc, struct buf *out)
{
    for (size_t s = 0; s < dc->nsuites; s++) {
        if (s)
            buf_adds(out, ", ");
        html_escape(out, dc->routes[s].suite);
        buf_adds(out, " &rarr; <strong>");
        html_escape(out, dc->routes[s].backend);
        buf_adds(out, "</strong>");
    }
}

static void decision_html(const struct report *rp, struct buf *out)
{
    const struct decision *dc = rp->dc;
    buf_adds(out, "<section id=\"decision\">\n<h2>Decision</h2>\n");
    if (dc->nranked) {
        buf_adds(out, "<p class=\"verdict\" id=\"recommendation\">Recommended: <strong>");
        html_escape(out, dc->c[dc->ranked[0]].backend);
        buf_adds(out, "</strong>");
        if (dc->hybrid_beats_single) {
            char hybrid[64], single[64];
            table_format_value(FMT_USD, dc->hybrid_cost_per_1k, hybrid, sizeof(hybrid));
            table_format_value(FMT_USD, dc->c[dc->ranked[0]].cost_per_1k, single, sizeof(single));
            buf_adds(out, "<br>Cheaper, routing per suite: ");
            routes_html(dc, out);
            buf_addf(out, " (%s instead of %s per 1,000 requests)", hybrid, single);
        }
        buf_adds(out, "</p>\n");
    } else if (dc->hybrid_feasible) {
        buf_adds(out, "<p class=\"verdict\" id=\"recommendation\">No single backend meets every "
                      "constraint; route per suite: ");
        routes_html(dc, out);
        buf_adds(out, "</p>\n");
    } else {
        buf_adds(out, "<p class=\"verdict none\" id=\"recommendation\">No backend meets every "
                      "constraint (the reasons are below).</p>\n");
    }
    /* The engine's text opens with its own "Decision" heading: the
     * section has one already. */
    const char *text = rp->decision_text;
    if (strncmp(text, "Decision\n\n", 10) == 0)
        text += 10;
    buf_adds(out, "<pre class=\"decision\">");
    html_escape(out, text);
    buf_adds(out, "</pre>\n</section>\n");
}

static void plots_html(const struct plot_set *ps, struct buf *out)
{
    buf_adds(out, "<section id=\"plots\">\n<h2>Plots</h2>\n");
    if (!ps) {
        buf_adds(out, "<p class=\"skipped\">Plots were not requested (--no-plots).</p>\n");
    } else if (ps->skipped || ps->n == 0) {
        buf_adds(out, "<p class=\"skipped\" id=\"plots-skipped\">Plots were skipped: ");
        html_escape(out, ps->n == 0 ? "nothing to plot (no successful requests)" : ps->why);
        buf_adds(out, ". The tables above hold every figure.</p>\n");
    } else if (ps->why[0]) {
        buf_adds(out, "<p class=\"skipped\">Some plots are missing: ");
        html_escape(out, ps->why);
        buf_adds(out, ".</p>\n");
    }
    for (size_t i = 0; ps && i < ps->n; i++) {
        const struct plot *p = &ps->p[i];
        if (!p->svg)
            continue;
        buf_addf(out, "<figure id=\"plot-%s\" class=\"plot\">\n", p->name);
        buf_adds(out, p->svg);   /* gnuplot's SVG: escaped by gnuplot, ids prefixed */
        buf_adds(out, "\n<figcaption><strong>");
        html_escape(out, p->title);
        buf_adds(out, ".</strong> ");
        html_escape(out, p->caption);
        buf_adds(out, "</figcaption>\n</figure>\n");
    }
    buf_adds(out, "</section>\n");
}

void html_render(const struct report *rp, const struct plot_set *plots, struct buf *out)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(rp->run->meta, "run_id");
    buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>assay report");
    if (cJSON_IsString(id)) {
        buf_adds(out, ": ");
        html_escape(out, id->valuestring);
    }
    buf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
                  "<h1>assay report</h1>\n", css);
    buf_adds(out, "<dl class=\"facts\">\n");
    report_facts(rp, fact_html, out);
    buf_adds(out, "</dl>\n");
    buf_adds(out, "</header>\n<nav><a href=\"#decision\">Decision</a>");
    if (rp->nnotes)
        buf_adds(out, "<a href=\"#notes\">Notes</a>");
    for (size_t i = 0; i < rp->ntables; i++) {
        buf_addf(out, "<a href=\"#t-%s\">", rp->tables[i].key);
        html_escape(out, rp->tables[i].title);
        buf_adds(out, "</a>");
    }
    buf_adds(out, "<a href=\"#plots\">Plots</a></nav>\n");
    decision_html(rp, out);
    if (rp->nnotes) {
        buf_adds(out, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"notes\">\n");
        for (size_t i = 0; i < rp->nnotes; i++) {
            buf_adds(out, "<li>");
            html_escape(out, rp->notes[i]);
            buf_adds(out, "</li>\n");
        }
        buf_adds(out, "</ul>\n</section>\n");
    }
    buf_adds(out, "<section id=\"tables\">\n<h2>Tables</h2>\n");
    for (size_t i = 0; i < rp->ntables; i++)
        table_html(&rp->tables[i], out);
    buf_adds(out, "</section>\n");
    plots_html(plots, out);
    buf_adds(out, "<footer>Written by assay " ASSAY_VERSION " (assay report). Every figure is "
                  "recomputable from the run folder's results.jsonl; docs/reports.md defines "
                  "them.</footer>\n</body>\n</html>\n");
}
