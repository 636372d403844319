/* cmd_compare.c -- `assay compare BASELINE CURRENT`: the regression gate.
 * BASELINE is a run folder or a summary file (--save-summary writes one);
 * CURRENT a run folder. Exit 1 on a significant regression, 0 otherwise,
 * 2 on bad input. */
#include "cli.h"

#include "reports/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: assay compare BASELINE CURRENT [options]\n"
    "\n"
    "Regression gate between two runs. Items are matched by suite, item id and\n"
    "backend; a check fails only when the change is worse than its threshold\n"
    "AND statistically significant (paired bootstrap / McNemar, Holm-corrected).\n"
    "BASELINE may be a run folder or a summary file written by --save-summary.\n"
    "\n"
    "options:\n"
    "  --max-drop METRIC=X       allowed drop of a quality metric (repeatable);\n"
    "                            METRIC is \"rouge.rougeLsum\", \"primary\" (each\n"
    "                            suite's primary metric; default 0) or \"*\" (all)\n"
    "  --max-p95-increase X      relative, e.g. 0.2 or 20% (default 20%; \"off\")\n"
    "  --max-cost-increase X     relative cost per request (default 10%; \"off\")\n"
    "  --max-error-increase X    absolute error-rate points, e.g. 0.02 or 2% (default 2%; \"off\")\n"
    "  --level L                 confidence level (default 0.95)\n"
    "  --seed N                  bootstrap seed (default 1)\n"
    "  --junit FILE              write JUnit XML (one test case per suite x backend x check)\n"
    "  --markdown FILE           write a Markdown summary for a pull request\n"
    "  --save-summary FILE       write CURRENT as a small summary to commit as the next baseline\n"
    "  --format text|md          terminal output (default text)\n"
    "\n"
    "exit codes: 0 no regression, 1 regression, 2 bad input\n"
    "\n"
    "examples:\n"
    "  assay compare baseline.json runs/today --junit compare.xml\n"
    "  assay compare runs/v1 runs/v2 --max-drop primary=0.01 --max-p95-increase 10%\n";

static int rel_arg(const char *flag, const char *s, double *out)
{
    if (strcmp(s, "off") == 0) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '%' && !end[1]) {
        v /= 100;
        end++;
    }
    if (end == s || *end || errno || !(v >= 0))
        return cli_usage_error("compare", "%s: expected a number >= 0, a percentage or \"off\", got \"%s\"",
                               flag, s);
    *out = v;
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    enum { O_DROP = 256, O_P95, O_COST, O_ERR, O_LEVEL, O_SEED, O_JUNIT, O_MD, O_SAVE, O_FORMAT,
           O_HELP };
    static const struct option opts[] = {
        { "max-drop", required_argument, 0, O_DROP },
        { "max-p95-increase", required_argument, 0, O_P95 },
        { "max-cost-increase", required_argument, 0, O_COST },
        { "max-error-increase", required_argument, 0, O_ERR },
        { "level", required_argument, 0, O_LEVEL },
        { "seed", required_argument, 0, O_SEED },
        { "junit", required_argument, 0, O_JUNIT },
        { "markdown", required_argument, 0, O_MD },
        { "save-summary", required_argument, 0, O_SAVE },
        { "format", required_argument, 0, O_FORMAT },
        { "help", no_argument, 0, O_HELP },
        { 0, 0, 0, 0 },
    };
    struct compare_options o;
    compare_options_init(&o);
    const char *junit = NULL, *markdown = NULL, *save = NULL, *format = "text";
    struct diag d;
    diag_init(&d);
    int c, bad = 0;
    while (!bad && (c = cli_getopt(argc, argv, "compare", "h", opts)) != -1) {
        char *end;
        switch (c) {
        case 'h':
        case O_HELP:
            fputs(usage, stdout);
            compare_options_release(&o);
            return EXIT_OK;
        case O_DROP:
            if (compare_add_threshold(&o, optarg, &d) < 0)
                bad = cli_usage_error("compare", "%s", d.msg);
            break;
        case O_P95: bad = rel_arg("--max-p95-increase", optarg, &o.max_p95_increase); break;
        case O_COST: bad = rel_arg("--max-cost-increase", optarg, &o.max_cost_increase); break;
        case O_ERR: bad = rel_arg("--max-error-increase", optarg, &o.max_error_increase); break;
        case O_LEVEL:
            o.level = strtod(optarg, &end);
            if (end == optarg || *end || !(o.level > 0.5 && o.level < 1))
                bad = cli_usage_error("compare", "--level: expected a number in (0.5, 1), got \"%s\"", optarg);
            break;
        case O_SEED:
            o.seed = strtoull(optarg, &end, 10);
            if (end == optarg || *end)
                bad = cli_usage_error("compare", "--seed: expected an integer, got \"%s\"", optarg);
            break;
        case O_JUNIT: junit = optarg; break;
        case O_MD: markdown = optarg; break;
        case O_SAVE: save = optarg; break;
        case O_FORMAT:
            format = optarg;
            if (strcmp(format, "text") && strcmp(format, "md"))
                bad = cli_usage_error("compare", "--format: expected text or md, got \"%s\"", optarg);
            break;
        default: bad = 1; break;
        }
    }
    if (!bad && argc - optind != 2)
        bad = cli_usage_error("compare", "expected BASELINE and CURRENT, got %d argument%s",
                              argc - optind, argc - optind == 1 ? "" : "s");
    if (bad) {
        compare_options_release(&o);
        return EXIT_BAD_INPUT;
    }
    struct run base, cur;
    struct comparison cmp;
    memset(&base, 0, sizeof(base));
    memset(&cur, 0, sizeof(cur));
    memset(&cmp, 0, sizeof(cmp));
    int rc = EXIT_BAD_INPUT;
    if (run_load(argv[optind], 0, &base, &d) < 0 || run_load(argv[optind + 1], 1, &cur, &d) < 0)
        goto out;
    if (base.n == 0) {
        diag_fail_at(&d, argv[optind], 0, NULL, "the baseline has no records");
        goto out;
    }
    if (compare_runs(&base, &cur, &o, &cmp, &d) < 0)
        goto out;
    compare_print(&cmp, strcmp(format, "md") == 0, stdout);
    if (markdown) {
        FILE *f = fopen(markdown, "w");
        if (!f) {
            diag_fail_at(&d, markdown, 0, NULL, "cannot write: %s", strerror(errno));
            goto out;
        }
        compare_print(&cmp, 1, f);
        if (fclose(f) != 0) {
            diag_fail_at(&d, markdown, 0, NULL, "cannot write: %s", strerror(errno));
            goto out;
        }
    }
    if (junit && compare_write_junit(&cmp, junit, &d) < 0)
        goto out;
    if (save && summary_write(&cur, save, &d) < 0)
        goto out;
    rc = cmp.regressions ? EXIT_CHECK_FAILED : EXIT_OK;
out:
    if (rc == EXIT_BAD_INPUT)
        diag_print(&d, stderr);
    comparison_release(&cmp);
    run_release(&base);
    run_release(&cur);
    compare_options_release(&o);
    return rc;
}
