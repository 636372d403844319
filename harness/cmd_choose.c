/* cmd_choose.c -- `assay choose DIR`: the decision under constraints.
 * Constraints come from the run's config "decision" section (run.json),
 * then from --config FILE's section, then from flags (later wins / adds).
 * Exit 0 with a recommendation (a single backend or a per-suite routing),
 * 1 when nothing is feasible, 2 on bad input. */
#include "cli.h"

#include "harness/util/jsonv.h"
#include "reports/aggregate.h"
#include "reports/decide.h"
#include "reports/decide_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_head[] =
    "usage: assay choose DIR [options]\n"
    "\n"
    "Picks the backend (or one backend per suite) that meets the constraints,\n"
    "ranked by an objective, from a run folder. Never calls a provider.\n"
    "\n";
static const char usage_tail[] =
    "  --format text|md|json     output (default text)\n"
    "\n"
    "exit codes: 0 a recommendation, 1 nothing feasible, 2 bad input\n"
    "\n"
    "examples:\n"
    "  assay choose runs/demo --max-p95-ms 2000 --min-quality summarization=0.3\n"
    "  assay choose runs/demo --require hosting=self-hosted --objective quality\n"
    "  assay choose runs/demo --monthly-requests 2000000 --max-monthly-usd 5000 --format md\n";

int cmd_choose(int argc, char **argv)
{
    enum { O_FORMAT = 256, O_HELP };
    static const struct option own[] = {
        { "format", required_argument, 0, O_FORMAT },
        { "help", no_argument, 0, O_HELP },
        { 0, 0, 0, 0 },
    };
    struct option *opts = decide_options_merge(own);
    struct decide_args args;
    decide_args_init(&args);
    const char *format = "text";
    int rc = EXIT_BAD_INPUT;
    struct diag d;
    diag_init(&d);
    int c;
    while ((c = cli_getopt(argc, argv, "choose", "h", opts)) != -1) {
        if (c == 'h' || c == O_HELP) {
            fputs(usage_head, stdout);
            fputs(decide_usage, stdout);
            fputs(usage_tail, stdout);
            free(opts);
            decide_args_release(&args);
            return EXIT_OK;
        }
        if (c == O_FORMAT) {
            format = optarg;
            continue;
        }
        if (decide_args_take(&args, c, optarg, &d) <= 0) {
            if (d.set)
                cli_usage_error("choose", "%s", d.msg);
            free(opts);
            decide_args_release(&args);
            return EXIT_BAD_INPUT;
        }
    }
    free(opts);
    if (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json")) {
        decide_args_release(&args);
        return cli_usage_error("choose", "--format: expected text, md or json, got \"%s\"", format);
    }
    if (optind != argc - 1) {
        decide_args_release(&args);
        return cli_usage_error("choose", optind >= argc ? "missing the run folder"
                                                        : "expected one run folder");
    }

    struct run r;
    struct aggregate a;
    struct decision dc;
    struct constraints cons;
    struct pricing_file *pf = NULL;
    memset(&a, 0, sizeof(a));
    memset(&dc, 0, sizeof(dc));
    constraints_init(&cons);
    d.echo = stderr;
    if (run_load(argv[optind], 1, &r, &d) < 0 ||
        decide_args_apply(&args, &r, &cons, &pf, NULL, &d) < 0)
        goto out;
    struct agg_options ao = { 0.95, 1000, 1, NULL };
    if (aggregate_run(&r, &ao, &a, &d) < 0 || decide(&r, &a, &cons, &dc, &d) < 0)
        goto out;
    if (r.torn)
        fprintf(stderr, "assay choose: warning: skipped a torn last line in results.jsonl\n");
    if (strcmp(format, "json") == 0) {
        cJSON *j = decision_to_json(&dc);
        char *s = cJSON_Print(j);
        puts(s);
        free(s);
        cJSON_Delete(j);
    } else {
        decision_print(&dc, &cons, strcmp(format, "md") == 0, stdout);
    }
    rc = (dc.nranked || dc.hybrid_feasible) ? EXIT_OK : EXIT_CHECK_FAILED;
    goto out_quiet;
out:
    diag_print(&d, stderr);
out_quiet:
    decision_release(&dc);
    aggregate_release(&a);
    if (r.dir)
        run_release(&r);
    pricing_file_free(pf);
    constraints_release(&cons);
    decide_args_release(&args);
    return rc;
}
