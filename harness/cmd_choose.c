/* cmd_choose.c -- `assay choose DIR`: the decision under constraints.
 * Constraints come from the run's config "decision" section (run.json),
 * then from --config FILE's section, then from flags (later wins / adds).
 * Exit 0 with a recommendation (a single backend or a per-suite routing),
 * 1 when nothing is feasible, 2 on bad input. */
#include "cli.h"

#include "harness/util/jsonv.h"
#include "reports/aggregate.h"
#include "reports/decide.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: assay choose DIR [options]\n"
    "\n"
    "Picks the backend (or one backend per suite) that meets the constraints,\n"
    "ranked by an objective, from a run folder. Never calls a provider.\n"
    "\n"
    "constraints (also from the config's \"decision\" section; docs/choose.md):\n"
    "  --min-quality SUITE=X     floor on the suite's primary metric (repeatable)\n"
    "  --lower-bound             compare the 95% CI bound, not the mean, with floors\n"
    "  --max-p95-ms N            end-to-end latency p95 ceiling\n"
    "  --max-p99-ms N            end-to-end latency p99 ceiling\n"
    "  --max-ttft-p95-ms N       time-to-first-token p95 ceiling\n"
    "  --max-error-rate X        e.g. 0.05 or 5%\n"
    "  --max-cost-per-1k X       USD per 1,000 requests in the traffic mix\n"
    "  --max-monthly-usd X       with --monthly-requests\n"
    "  --monthly-requests N      traffic volume for monthly cost and dedicated sizing\n"
    "  --require ATTR=VALUE      backend attribute, e.g. hosting=self-hosted (repeatable)\n"
    "choice:\n"
    "  --objective NAME          cheapest (default), fastest, quality, weighted\n"
    "  --weights Q,C,L           weights for --objective weighted (default 1,1,1)\n"
    "  --mix SUITE=W             traffic share per suite (default: the run's own mix)\n"
    "  --utilisation U           assumed utilisation of per-hour endpoints (default 0.5)\n"
    "  --pricing FILE            prices overriding the run's (docs/pricing.md)\n"
    "  --config FILE             read its \"decision\" section\n"
    "  --format text|md|json     output (default text)\n"
    "\n"
    "exit codes: 0 a recommendation, 1 nothing feasible, 2 bad input\n"
    "\n"
    "examples:\n"
    "  assay choose runs/demo --max-p95-ms 2000 --min-quality summarization=0.3\n"
    "  assay choose runs/demo --require hosting=self-hosted --objective quality\n"
    "  assay choose runs/demo --monthly-requests 2000000 --max-monthly-usd 5000 --format md\n";

static int number_arg(const char *flag, const char *s, int percent_ok, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (percent_ok && end != s && *end == '%' && !end[1]) {
        v /= 100;
        end++;
    }
    if (end == s || *end || errno || isnan(v) || v < 0)
        return cli_usage_error("choose", "%s: expected a number >= 0, got \"%s\"", flag, s);
    *out = v;
    return 0;
}

int cmd_choose(int argc, char **argv)
{
    enum { O_MINQ = 256, O_LB, O_P95, O_P99, O_TTFT, O_ERR, O_COST, O_MONTHLY, O_VOLUME,
           O_REQUIRE, O_OBJ, O_WEIGHTS, O_MIX, O_UTIL, O_PRICING, O_CONFIG, O_FORMAT, O_HELP };
    static const struct option opts[] = {
        { "min-quality", required_argument, 0, O_MINQ },
        { "lower-bound", no_argument, 0, O_LB },
        { "max-p95-ms", required_argument, 0, O_P95 },
        { "max-p99-ms", required_argument, 0, O_P99 },
        { "max-ttft-p95-ms", required_argument, 0, O_TTFT },
        { "max-error-rate", required_argument, 0, O_ERR },
        { "max-cost-per-1k", required_argument, 0, O_COST },
        { "max-monthly-usd", required_argument, 0, O_MONTHLY },
        { "monthly-requests", required_argument, 0, O_VOLUME },
        { "require", required_argument, 0, O_REQUIRE },
        { "objective", required_argument, 0, O_OBJ },
        { "weights", required_argument, 0, O_WEIGHTS },
        { "mix", required_argument, 0, O_MIX },
        { "utilisation", required_argument, 0, O_UTIL },
        { "pricing", required_argument, 0, O_PRICING },
        { "config", required_argument, 0, O_CONFIG },
        { "format", required_argument, 0, O_FORMAT },
        { "help", no_argument, 0, O_HELP },
        { 0, 0, 0, 0 },
    };
    /* Flags are applied after the config sections, so collect them first. */
    struct constraints flags;
    constraints_init(&flags);
    const char *pricing_path = NULL, *config_path = NULL, *format = "text";
    int lower_bound = -1, objective_set = 0, rc = EXIT_BAD_INPUT;
    double util = NAN;
    struct diag d;
    diag_init(&d);
    int c;
    while ((c = cli_getopt(argc, argv, "choose", "h", opts)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h':
        case O_HELP:
            fputs(usage, stdout);
            constraints_release(&flags);
            return EXIT_OK;
        case O_MINQ: bad = constraints_add_floor(&flags, optarg, &d); break;
        case O_REQUIRE: bad = constraints_add_attr(&flags, optarg, &d); break;
        case O_MIX: bad = constraints_add_mix(&flags, optarg, &d); break;
        case O_OBJ:
            bad = constraints_set_objective(&flags, optarg, &d);
            objective_set = 1;
            break;
        case O_LB: lower_bound = 1; break;
        case O_P95: bad = number_arg("--max-p95-ms", optarg, 0, &flags.max_p95_ms); break;
        case O_P99: bad = number_arg("--max-p99-ms", optarg, 0, &flags.max_p99_ms); break;
        case O_TTFT: bad = number_arg("--max-ttft-p95-ms", optarg, 0, &flags.max_ttft_p95_ms); break;
        case O_ERR: bad = number_arg("--max-error-rate", optarg, 1, &flags.max_error_rate); break;
        case O_COST: bad = number_arg("--max-cost-per-1k", optarg, 0, &flags.max_cost_per_1k); break;
        case O_MONTHLY: bad = number_arg("--max-monthly-usd", optarg, 0, &flags.max_monthly_usd); break;
        case O_VOLUME: bad = number_arg("--monthly-requests", optarg, 0, &flags.monthly_requests); break;
        case O_UTIL:
            bad = number_arg("--utilisation", optarg, 1, &util);
            if (!bad && (util <= 0 || util > 1))
                bad = cli_usage_error("choose", "--utilisation: expected a value in (0, 1], got \"%s\"", optarg);
            break;
        case O_WEIGHTS:
            if (sscanf(optarg, "%lf,%lf,%lf", &flags.w_quality, &flags.w_cost, &flags.w_latency) != 3)
                bad = cli_usage_error("choose", "--weights: expected Q,C,L, got \"%s\"", optarg);
            break;
        case O_PRICING: pricing_path = optarg; break;
        case O_CONFIG: config_path = optarg; break;
        case O_FORMAT: format = optarg; break;
        default: bad = -1; break;
        }
        if (bad) {
            if (d.set)
                cli_usage_error("choose", "%s", d.msg);
            constraints_release(&flags);
            return EXIT_BAD_INPUT;
        }
    }
    if (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json")) {
        constraints_release(&flags);
        return cli_usage_error("choose", "--format: expected text, md or json, got \"%s\"", format);
    }
    if (optind != argc - 1) {
        constraints_release(&flags);
        return cli_usage_error("choose", optind >= argc ? "missing the run folder"
                                                        : "expected one run folder");
    }

    struct run r;
    struct aggregate a;
    struct decision dc;
    struct constraints cons;
    struct pricing_file *pf = NULL;
    cJSON *config = NULL;
    memset(&a, 0, sizeof(a));
    memset(&dc, 0, sizeof(dc));
    constraints_init(&cons);
    d.echo = stderr;
    if (run_load(argv[optind], 1, &r, &d) < 0)
        goto out;
    const cJSON *section = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(r.meta, "config"), "decision");
    if (section && constraints_from_json(section, "run.json", "config.decision", &cons, &d) < 0)
        goto out;
    if (config_path) {
        config = json_load_file(config_path, &d);
        if (!config)
            goto out;
        section = cJSON_GetObjectItemCaseSensitive(config, "decision");
        if (!section) {
            diag_fail_at(&d, config_path, 0, "decision", "missing: the config has no decision section");
            goto out;
        }
        if (constraints_from_json(section, config_path, "decision", &cons, &d) < 0)
            goto out;
    }
    /* Flags: scalar limits replace, lists add. */
#define TAKE(f) if (!isnan(flags.f)) cons.f = flags.f
    TAKE(max_p95_ms);
    TAKE(max_p99_ms);
    TAKE(max_ttft_p95_ms);
    TAKE(max_error_rate);
    TAKE(max_cost_per_1k);
    TAKE(max_monthly_usd);
#undef TAKE
    if (flags.monthly_requests > 0)
        cons.monthly_requests = flags.monthly_requests;
    if (!isnan(util))
        cons.utilisation = util;
    if (lower_bound >= 0)
        cons.use_lower_bound = lower_bound;
    for (size_t i = 0; i < flags.nfloors; i++) {
        char arg[256];
        snprintf(arg, sizeof(arg), "%s=%.17g", flags.floors[i].suite, flags.floors[i].min);
        constraints_add_floor(&cons, arg, &d);
    }
    for (size_t i = 0; i < flags.nattrs; i++) {
        char arg[256];
        snprintf(arg, sizeof(arg), "%s=%s", flags.attrs[i].key, flags.attrs[i].value);
        constraints_add_attr(&cons, arg, &d);
    }
    if (flags.nmix) {
        free(cons.mix);
        cons.mix = flags.mix;
        cons.nmix = flags.nmix;
        flags.mix = NULL;
        flags.nmix = 0;
    }
    if (objective_set)
        cons.objective = flags.objective;
    if (flags.w_quality != 1 || flags.w_cost != 1 || flags.w_latency != 1) {
        cons.w_quality = flags.w_quality;
        cons.w_cost = flags.w_cost;
        cons.w_latency = flags.w_latency;
    }
    if (!isnan(cons.max_monthly_usd) && !(cons.monthly_requests > 0)) {
        cli_usage_error("choose", "--max-monthly-usd needs --monthly-requests");
        goto out_quiet;
    }
    if (pricing_path) {
        pf = pricing_file_load(pricing_path, &d);
        if (!pf)
            goto out;
        cons.pricing = pf;
    }
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
    cJSON_Delete(config);
    constraints_release(&cons);
    constraints_release(&flags);
    return rc;
}
