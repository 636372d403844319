/* cmd_report.c -- `assay report DIR`: tables, plots and the decision from
 * a run folder, never calling a provider.
 *
 * Reads DIR (runfolder.h), re-prices it when --pricing is given, builds
 * the aggregate, the decision (the same constraints and precedence as
 * `assay choose`, decide_args.h) and the report (report.h), then writes
 * the formats asked for into the report folder (DIR/report by default):
 * report.md, report.html, one CSV per table, report.json and plots/.
 * The terminal rendering goes to stdout. Exit 0 when written (an
 * unfeasible decision is reported, not failed: `assay choose` is the
 * gate), 2 on bad input or when a file cannot be written. */
#include "cli.h"

#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"
#include "reports/decide_args.h"
#include "reports/html.h"
#include "reports/plot.h"
#include "reports/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_head[] =
    "usage: assay report DIR [options]\n"
    "\n"
    "Tables, plots and the decision from a run folder, as terminal text,\n"
    "Markdown, HTML (one self-contained file), CSV and JSON. Never calls a\n"
    "provider. By default writes DIR/report/ and prints the tables.\n"
    "\n"
    "output:\n"
    "  --format LIST             any of term,md,html,csv,json (default: all)\n"
    "  --out DIR                 report folder (default: RUN/report)\n"
    "  --plots / --no-plots      draw plots with gnuplot (default: on)\n"
    "  --width N                 terminal table width (default 100)\n"
    "figures:\n"
    "  --slice TAG               also break quality down by this record tag\n"
    "  --seed N                  bootstrap seed (default 1)\n"
    "  --resamples B             bootstrap resamples (default 1000)\n"
    "  --level X                 interval level (default 0.95)\n"
    "  --alpha X                 significance level of pairwise tests (default 0.05)\n"
    "  --power X                 power for sample-size advice (default 0.8)\n"
    "  --detect KEY=DELTA        difference to detect for a suite or metric (repeatable)\n"
    "\n";
static const char usage_tail[] =
    "\n"
    "exit codes: 0 written, 2 bad input or a file could not be written\n"
    "\n"
    "examples:\n"
    "  assay report runs/demo\n"
    "  assay report runs/demo --format md --out /tmp/r && cat /tmp/r/report.md\n"
    "  assay report runs/demo --slice domain --monthly-requests 2000000\n"
    "  assay report runs/demo --max-p95-ms 2000 --min-quality summarization=0.3\n";

enum fmt_bits { F_TERM = 1, F_MD = 2, F_HTML = 4, F_CSV = 8, F_JSON = 16 };

static int parse_formats(const char *list, unsigned *out)
{
    *out = 0;
    char *copy = xstrdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        static const struct { const char *name; unsigned bit; } names[] = {
            { "term", F_TERM }, { "text", F_TERM }, { "md", F_MD }, { "markdown", F_MD },
            { "html", F_HTML }, { "csv", F_CSV }, { "json", F_JSON },
        };
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcmp(tok, names[i].name) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0])) {
            cli_usage_error("report", "--format: unknown format \"%s\" (expected term, md, html, "
                            "csv or json)", tok);
            free(copy);
            return -1;
        }
        *out |= names[i].bit;
    }
    free(copy);
    if (!*out) {
        cli_usage_error("report", "--format: expected a list such as md,html");
        return -1;
    }
    return 0;
}

static int number(const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || isnan(v) || v < lo || v > hi) {
        cli_usage_error("report", "%s: expected a number in [%g, %g], got \"%s\"", flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int add_detect(struct detect **list, size_t *n, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *end;
    double v = eq ? strtod(eq + 1, &end) : 0;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof((*list)->key) || end == eq + 1 || *end ||
        !(v > 0)) {
        cli_usage_error("report", "--detect: expected SUITE=DELTA or METRIC=DELTA with DELTA > 0, "
                        "got \"%s\"", arg);
        return -1;
    }
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    snprintf((*list)[*n].key, sizeof((*list)[*n].key), "%.*s", (int)(eq - arg), arg);
    (*list)[*n].delta = v;
    (*n)++;
    return 0;
}

static int write_file(const char *dir, const char *name, const struct buf *b, struct diag *d)
{
    char *path = xasprintf("%s/%s", dir, name);
    int rc = file_write_atomic(path, b->ptr, b->len, d);
    free(path);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    enum { O_FORMAT = 256, O_OUT, O_PLOTS, O_NOPLOTS, O_SLICE, O_SEED, O_RESAMPLES, O_LEVEL,
           O_ALPHA, O_POWER, O_DETECT, O_WIDTH, O_HELP };
    static const struct option own[] = {
        { "format", required_argument, 0, O_FORMAT },
        { "out", required_argument, 0, O_OUT },
        { "plots", no_argument, 0, O_PLOTS },
        { "no-plots", no_argument, 0, O_NOPLOTS },
        { "slice", required_argument, 0, O_SLICE },
        { "seed", required_argument, 0, O_SEED },
        { "resamples", required_argument, 0, O_RESAMPLES },
        { "level", required_argument, 0, O_LEVEL },
        { "alpha", required_argument, 0, O_ALPHA },
        { "power", required_argument, 0, O_POWER },
        { "detect", required_argument, 0, O_DETECT },
        { "width", required_argument, 0, O_WIDTH },
        { "help", no_argument, 0, O_HELP },
        { 0, 0, 0, 0 },
    };
    struct option *opts = decide_options_merge(own);
    struct decide_args args;
    decide_args_init(&args);
    struct detect *detect = NULL;
    size_t ndetect = 0;
    unsigned formats = F_TERM | F_MD | F_HTML | F_CSV | F_JSON;
    const char *out_dir = NULL, *slice = NULL;
    int plots = 1, bad = 0;
    double seed = 1, resamples = 1000, level = 0.95, alpha = 0.05, power = 0.8, width = 100;
    struct diag d;
    diag_init(&d);
    int c;
    while (!bad && (c = cli_getopt(argc, argv, "report", "h", opts)) != -1) {
        switch (c) {
        case 'h':
        case O_HELP:
            fputs(usage_head, stdout);
            fputs(decide_usage, stdout);
            fputs(usage_tail, stdout);
            free(opts);
            free(detect);
            decide_args_release(&args);
            return EXIT_OK;
        case O_FORMAT: bad = parse_formats(optarg, &formats); break;
        case O_OUT: out_dir = optarg; break;
        case O_PLOTS: plots = 1; break;
        case O_NOPLOTS: plots = 0; break;
        case O_SLICE:
            slice = optarg;
            if (!*slice)
                bad = cli_usage_error("report", "--slice: expected a tag name");
            break;
        case O_SEED: bad = number("--seed", optarg, 1, 1e15, &seed); break;
        case O_RESAMPLES: bad = number("--resamples", optarg, 10, 1e6, &resamples); break;
        case O_LEVEL: bad = number("--level", optarg, 0.5, 0.999, &level); break;
        case O_ALPHA: bad = number("--alpha", optarg, 1e-6, 0.5, &alpha); break;
        case O_POWER: bad = number("--power", optarg, 0.5, 0.999, &power); break;
        case O_WIDTH: bad = number("--width", optarg, 40, 10000, &width); break;
        case O_DETECT: bad = add_detect(&detect, &ndetect, optarg); break;
        default:
            if (decide_args_take(&args, c, optarg, &d) <= 0) {
                if (d.set)
                    cli_usage_error("report", "%s", d.msg);
                bad = -1;
            }
            break;
        }
    }
    free(opts);
    if (!bad && optind != argc - 1)
        bad = cli_usage_error("report", optind >= argc ? "missing the run folder"
                                                       : "expected one run folder");
    if (bad) {
        free(detect);
        decide_args_release(&args);
        return EXIT_BAD_INPUT;
    }

    const char *run_dir = argv[optind];
    char *report_dir = out_dir ? xstrdup(out_dir) : xasprintf("%s/report", run_dir);
    struct run r;
    struct aggregate a;
    struct decision dc;
    struct constraints cons;
    struct report rp;
    struct plot_set ps;
    struct pricing_file *pf = NULL;
    struct buf b;
    memset(&r, 0, sizeof(r));
    memset(&a, 0, sizeof(a));
    memset(&dc, 0, sizeof(dc));
    memset(&rp, 0, sizeof(rp));
    memset(&ps, 0, sizeof(ps));
    buf_init(&b, 0);
    constraints_init(&cons);
    int rc = EXIT_BAD_INPUT, have_plots = 0;
    size_t repriced = 0;
    if (run_load(run_dir, 0, &r, &d) < 0 ||
        decide_args_apply(&args, &r, &cons, &pf, &repriced, &d) < 0)
        goto out;
    if (r.n == 0) {
        diag_fail_at(&d, run_dir, 0, NULL, "results.jsonl holds no record: nothing to report");
        goto out;
    }
    struct agg_options ao = { level, (int)resamples, (uint64_t)seed, slice };
    struct report_options ro = { alpha, power, detect, ndetect, args.pricing_path, repriced };
    if (aggregate_run(&r, &ao, &a, &d) < 0 || decide(&r, &a, &cons, &dc, &d) < 0 ||
        report_build(&rp, &r, &a, &cons, &dc, &ro, &d) < 0)
        goto out;
    if (slice && !report_table(&rp, "slices")->nrows)
        fprintf(stderr, "assay report: warning: no record has the tag \"%s\"\n", slice);

    unsigned files = formats & ~(unsigned)F_TERM;
    if (files && file_mkdirs(report_dir, &d) < 0)
        goto out;
    if ((formats & F_CSV) && report_write_csv(&rp, report_dir, &d) < 0)
        goto out;
    if (formats & F_JSON) {
        cJSON *j = report_to_json(&rp);
        char *s = cJSON_Print(j);
        buf_reset(&b);
        buf_adds(&b, s);
        buf_addc(&b, '\n');
        free(s);
        cJSON_Delete(j);
        if (write_file(report_dir, "report.json", &b, &d) < 0)
            goto out;
    }
    /* Plots first: the HTML inlines them, the Markdown links their PNGs. */
    if (plots && (formats & (F_HTML | F_MD))) {
        char *plot_dir = xasprintf("%s/plots", report_dir);
        int prc = plots_make(&rp, plot_dir, &ps, &d);
        free(plot_dir);
        if (prc < 0)
            goto out;
        have_plots = 1;
        if (ps.skipped)
            fprintf(stderr, "assay report: plots skipped: %s\n", ps.why);
        else if (ps.why[0])
            fprintf(stderr, "assay report: warning: %s\n", ps.why);
    }
    if (formats & F_MD) {
        buf_reset(&b);
        report_render_md(&rp, &b);
        if (have_plots)
            plots_render_md(&ps, "plots", &b);
        if (write_file(report_dir, "report.md", &b, &d) < 0)
            goto out;
    }
    if (formats & F_HTML) {
        buf_reset(&b);
        html_render(&rp, have_plots ? &ps : NULL, &b);
        if (write_file(report_dir, "report.html", &b, &d) < 0)
            goto out;
    }
    if (formats & F_TERM) {
        buf_reset(&b);
        report_render_term(&rp, (size_t)width, &b);
        fwrite(b.ptr, 1, b.len, stdout);
    }
    if (files)
        fprintf(stderr, "assay report: wrote %s/%s%s%s%s%s\n", report_dir,
                (formats & F_MD) ? " report.md" : "", (formats & F_HTML) ? " report.html" : "",
                (formats & F_JSON) ? " report.json" : "", (formats & F_CSV) ? " *.csv" : "",
                have_plots && ps.drawn ? " plots/" : "");
    rc = EXIT_OK;
    goto out_quiet;
out:
    diag_print(&d, stderr);
out_quiet:
    buf_release(&b);
    plots_release(&ps);
    report_release(&rp);
    decision_release(&dc);
    aggregate_release(&a);
    if (r.dir)
        run_release(&r);
    pricing_file_free(pf);
    constraints_release(&cons);
    decide_args_release(&args);
    free(detect);
    free(report_dir);
    return rc;
}
