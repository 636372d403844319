/* cmd_load.c -- `assay load`: flags into struct load_opts, then the load
 * generator (harness/load.c). Every flag is checked here, before the
 * config is read, so a bad one costs nothing. */
#include "cli.h"
#include "load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: assay load CONFIG --backend B (--rate R[,R...] [--poisson] |\n"
            "                  --concurrency C[,C...]) [--duration S | --requests N]\n"
            "                  [--warmup S] [--suite S]... [--synthetic IN:OUT]\n"
            "                  [--slo ttft=500ms,e2e=5s,...] [--bisect[=N]] [--out DIR]\n"
            "                  [--seed N] [--max-in-flight N] [--progress MODE] [--quiet]\n"
            "\n"
            "Latency under load against one backend, one step per level. With --rate the\n"
            "load is open loop: every request has an intended send time and is sent then,\n"
            "whatever is still in flight, and latency is measured from that time (a slow\n"
            "server cannot hide its queue); the service time from the actual send is kept\n"
            "too. With --concurrency, C requests are kept in flight (closed loop).\n"
            "Per step: achieved rate, output tokens/s, TTFT/ITL/E2E percentiles, error and\n"
            "429 rates, goodput against the SLO; then the knee (the highest level meeting\n"
            "the SLO) and the cost per 1,000 requests there. docs/load.md has every rule.\n"
            "\n"
            "options:\n"
            "  --backend B         the backend of the config to load (required)\n"
            "  --rate R,...        offered rates in requests/s, one step each, in order\n"
            "  --poisson           exponential gaps (a Poisson process) instead of even spacing\n"
            "  --concurrency C,... requests in flight, one step each (closed loop)\n"
            "  --duration S        measured time per step (30s, 2m, 500ms; default 30s)\n"
            "  --requests N        measured requests per step, instead of a duration\n"
            "  --warmup S          sent before each step's measured part at the same level,\n"
            "                      not counted (written to DIR/warmup/); default 0\n"
            "  --suite S           prompts from suite S (a name in suites/ or a path),\n"
            "                      in a seeded order; repeatable (default: the config's suites)\n"
            "  --synthetic IN:OUT  synthetic prompts of IN tokens asking for OUT (max_tokens)\n"
            "  --slo SPEC          limits: ttft, itl, tpot, e2e (e.g. 500ms, 2s) and errors\n"
            "                      (share or %%, default 1%%): ttft=500ms,e2e=5s,errors=0.5%%\n"
            "  --bisect[=N]        after the sweep, up to N more steps (default %d) between the\n"
            "                      knee and the first failing level, to 5%% (rates) or 1\n"
            "  --out DIR           the run folder (default: run.out, else runs/<run id>)\n"
            "  --seed N            seed of Poisson gaps and prompt order (default: run.seed)\n"
            "  --max-in-flight N   safety cap on requests in flight (default %d); a request\n"
            "                      finding it full waits and its latency includes the wait\n"
            "  --progress MODE     auto, bar, lines or off (stderr)\n"
            "  -q, --quiet         same as --progress off\n"
            "\n"
            "exit: 0 the steps ran and a knee was found, 1 no step met the SLO,\n"
            "      2 bad input or an I/O error, 130 interrupted (what ran is written)\n"
            "\n"
            "examples:\n"
            "  assay load examples/demo.json --backend fast --rate 5,10,20,40 --duration 20s \\\n"
            "       --synthetic 256:64 --slo ttft=500ms,e2e=4s --bisect\n"
            "  assay load examples/demo.json --backend specialist --rate 2,4,8 --poisson \\\n"
            "       --warmup 10s --suite summarization --slo e2e=3s\n"
            "  assay load examples/demo.json --backend fast --concurrency 1,4,16,64 --requests 200\n",
            LOAD_DEFAULT_BISECT, LOAD_DEFAULT_MAX_IN_FLIGHT);
}

#define BAD(...) cli_usage_error("load", __VA_ARGS__)

static int parse_seconds(const char *flag, const char *v, double *out)
{
    double ms;
    if (load_parse_duration(v, 1000, &ms) < 0) {
        BAD("%s: expected a duration such as 30s, 2m or 500ms, got '%s'", flag, v);
        return -1;
    }
    *out = ms / 1000;
    return 0;
}

static int parse_synthetic(const char *v, struct load_opts *o)
{
    char *end;
    long in = strtol(v, &end, 10);
    const char *p = end + 1;
    long out = end != v && *end == ':' ? strtol(p, &end, 10) : 0;
    if (in < 1 || in > 1000000 || end == p || *end || out < 1 || out > 1000000) {
        BAD("--synthetic: expected IN:OUT token counts from 1 to 1000000, such as 256:64, "
            "got '%s'", v);
        return -1;
    }
    o->synth_in = in;
    o->synth_out = out;
    return 0;
}

int cmd_load(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "backend", required_argument, NULL, 'b' },
        { "rate", required_argument, NULL, 'r' },
        { "poisson", no_argument, NULL, 'P' },
        { "concurrency", required_argument, NULL, 'c' },
        { "duration", required_argument, NULL, 'd' },
        { "requests", required_argument, NULL, 'n' },
        { "warmup", required_argument, NULL, 'w' },
        { "suite", required_argument, NULL, 's' },
        { "synthetic", required_argument, NULL, 'y' },
        { "slo", required_argument, NULL, 'L' },
        { "bisect", optional_argument, NULL, 'B' },
        { "out", required_argument, NULL, 'o' },
        { "seed", required_argument, NULL, 'S' },
        { "max-in-flight", required_argument, NULL, 'm' },
        { "progress", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct load_opts o;
    memset(&o, 0, sizeof(o));
    slo_init(&o.slo);
    char **suites = xcalloc((size_t)argc + 1, sizeof(char *));
    double *rates = NULL, *concs = NULL;
    size_t nrates = 0, nconcs = 0;
    int have_duration = 0, rc = -1, c;
    while (rc < 0 && (c = cli_getopt(argc, argv, "load", "hq", longopts)) != -1) {
        struct diag d;
        diag_init(&d);
        long v;
        switch (c) {
        case 'h':
            usage(stdout);
            rc = EXIT_OK;
            break;
        case 'b':
            o.backend = optarg;
            break;
        case 'r':
            free(rates);
            if (load_parse_levels(optarg, 0, 1e6, &rates, &nrates, &d) < 0)
                rc = BAD("--rate: %s", d.msg);
            break;
        case 'P':
            o.poisson = 1;
            break;
        case 'c':
            free(concs);
            if (load_parse_levels(optarg, 1, 1e6, &concs, &nconcs, &d) < 0)
                rc = BAD("--concurrency: %s", d.msg);
            break;
        case 'd':
            if (parse_seconds("--duration", optarg, &o.duration_s) < 0)
                rc = EXIT_BAD_INPUT;
            else if (!(o.duration_s > 0))
                rc = BAD("--duration: expected more than 0, got '%s'", optarg);
            have_duration = 1;
            break;
        case 'n':
            if (cli_parse_long("load", "--requests", optarg, 1, 100000000, &o.requests) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'w':
            if (parse_seconds("--warmup", optarg, &o.warmup_s) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 's':
            suites[o.nsuites++] = optarg;
            break;
        case 'y':
            if (parse_synthetic(optarg, &o) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'L':
            if (load_parse_slo(optarg, &o.slo, &d) < 0)
                rc = BAD("--slo: %s", d.msg);
            break;
        case 'B':
            o.bisect = LOAD_DEFAULT_BISECT;
            if (optarg && cli_parse_long("load", "--bisect", optarg, 0, 100, &v) < 0)
                rc = EXIT_BAD_INPUT;
            else if (optarg)
                o.bisect = (int)v;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'S':
            if (cli_parse_seed("load", optarg, &o.seed) < 0)
                rc = EXIT_BAD_INPUT;
            o.has_seed = 1;
            break;
        case 'm':
            if (cli_parse_long("load", "--max-in-flight", optarg, 1, 1000000,
                               &o.max_in_flight) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'p':
            if (cli_parse_progress("load", optarg, &o.progress) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'q':
            o.progress = PROGRESS_OFF;
            break;
        default:
            rc = EXIT_BAD_INPUT;
            break;
        }
    }
    if (rc < 0) {
        if (cli_one_operand("load", argc, argv, &o.config) < 0)
            rc = EXIT_BAD_INPUT;
        else if (!o.config)
            rc = BAD("missing the config file");
        else if (!o.backend)
            rc = BAD("missing --backend B: load mode runs against one backend");
        else if (nrates && nconcs)
            rc = BAD("give --rate or --concurrency, not both");
        else if (!nrates && !nconcs)
            rc = BAD("missing --rate R[,R...] (open loop) or --concurrency C[,C...] (closed "
                     "loop)");
        else if (o.poisson && !nrates)
            rc = BAD("--poisson shapes --rate arrivals; it has no meaning with "
                     "--concurrency");
        else if (have_duration && o.requests)
            rc = BAD("give --duration or --requests, not both");
        else if (o.nsuites && o.synth_out)
            rc = BAD("give --suite or --synthetic, not both");
    }
    if (rc < 0) {
        if (!have_duration && !o.requests)
            o.duration_s = 30;
        o.mode = nrates ? LOAD_RATE : LOAD_CONCURRENCY;
        o.levels = nrates ? rates : concs;
        o.nlevels = nrates ? nrates : nconcs;
        o.suites = o.nsuites ? suites : NULL;
        rc = load_execute(&o);
    }
    free(rates);
    free(concs);
    free(suites);
    return rc;
}
