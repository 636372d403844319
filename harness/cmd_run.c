/* cmd_run.c -- `assay run`: flags into struct run_opts, then the engine
 * (harness/run.c). */
#include "cli.h"
#include "harness/shard.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: assay run CONFIG [--suite S]... [--backend B]... [--out DIR]\n"
            "                 [--concurrency N] [--repeat K] [--seed N] [--cache DIR]\n"
            "                 [--shard I/N] [--max-cost USD]\n"
            "                 [--dry-run] [--progress auto|bar|lines|off] [--quiet]\n"
            "       assay run [CONFIG] --resume DIR\n"
            "\n"
            "Runs every item of the configured suites against every backend, K times,\n"
            "and writes one record per request to DIR/results.jsonl as each ends\n"
            "(docs/records.md), plus DIR/run.json. The config is checked in full before\n"
            "any request: every problem is reported with its file and JSON path\n"
            "(docs/config.md). Progress goes to stderr.\n"
            "\n"
            "options:\n"
            "  --suite S          run only suite S (a name in suites/ or a path); repeatable\n"
            "  --backend B        run only backend B of the config; repeatable\n"
            "  --out DIR          the run folder (default: run.out, else runs/<run id>)\n"
            "  --concurrency N    requests in flight at most (default: run.concurrency)\n"
            "  --repeat K         repeats of every item (default: run.repeats)\n"
            "  --seed N           seed of retry jitter (default: run.seed)\n"
            "  --resume DIR       complete DIR: run what is missing or ended in a retryable\n"
            "                     failure, never what succeeded (the config defaults to the\n"
            "                     copy in DIR/run.json)\n"
            "  --cache DIR        reuse answers to identical requests from DIR and store new\n"
            "                     ones; hits are recorded \"cached\": true, without timing\n"
            "  --shard I/N        run only shard I of N (0-based): a deterministic slice\n"
            "                     of the plan; join the folders with assay merge\n"
            "                     (docs/sharding.md)\n"
            "  --max-cost USD     spending cap of DIR (default: run.max_cost_usd): no request\n"
            "                     is sent that could take what DIR cost past it; the rest\n"
            "                     waits for --resume with a higher cap (docs/config.md)\n"
            "  --dry-run          print the plan per suite x backend and the most it could\n"
            "                     cost under the pricing, then exit\n"
            "  --progress MODE    auto (a bar on a terminal, else a line every 5 s), bar,\n"
            "                     lines or off\n"
            "  -q, --quiet        same as --progress off\n"
            "\n"
            "Ctrl-C stops issuing and lets the requests in flight finish; a second\n"
            "Ctrl-C aborts them. Either way DIR is consistent and --resume completes it.\n"
            "\n"
            "exit: 0 the plan ran (failed requests are records), 1 every request failed\n"
            "      or the spending cap stopped the run, 2 bad input or an I/O error,\n"
            "      130 interrupted\n"
            "\n"
            "examples:\n"
            "  assay run examples/demo.json --dry-run\n"
            "  assay run examples/demo.json --out runs/demo --concurrency 32\n"
            "  assay run examples/demo.json --suite summarization --backend strong --repeat 3\n"
            "  assay run --resume runs/demo\n");
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "suite", required_argument, NULL, 's' },
        { "backend", required_argument, NULL, 'b' },
        { "out", required_argument, NULL, 'o' },
        { "concurrency", required_argument, NULL, 'c' },
        { "repeat", required_argument, NULL, 'r' },
        { "seed", required_argument, NULL, 'S' },
        { "resume", required_argument, NULL, 'R' },
        { "cache", required_argument, NULL, 'C' },
        { "shard", required_argument, NULL, 'H' },
        { "max-cost", required_argument, NULL, 'M' },
        { "dry-run", no_argument, NULL, 'n' },
        { "progress", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct run_opts o;
    memset(&o, 0, sizeof(o));
    char **suites = xcalloc((size_t)argc + 1, sizeof(char *));
    char **backends = xcalloc((size_t)argc + 1, sizeof(char *));
    int rc = -1, c;
    while (rc < 0 && (c = cli_getopt(argc, argv, "run", "hq", longopts)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            rc = EXIT_OK;
            break;
        case 's':
            suites[o.nsuites++] = optarg;
            break;
        case 'b':
            backends[o.nbackends++] = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'c':
            if (cli_parse_long("run", "--concurrency", optarg, 1, 100000, &o.concurrency) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'r':
            if (cli_parse_long("run", "--repeat", optarg, 1, 1000000, &o.repeats) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'S':
            if (cli_parse_seed("run", optarg, &o.seed) < 0)
                rc = EXIT_BAD_INPUT;
            o.has_seed = 1;
            break;
        case 'H': {
            struct diag d;
            diag_init(&d);
            if (shard_parse(optarg, &o.shard, &d) < 0)
                rc = cli_usage_error("run", "%s", d.msg);
            break;
        }
        case 'R':
            o.resume = optarg;
            break;
        case 'M':
            if (cli_parse_double("run", "--max-cost", optarg, 0, 1e12, &o.max_cost_usd) < 0)
                rc = EXIT_BAD_INPUT;
            break;
        case 'C':
            o.cache_dir = optarg;
            break;
        case 'n':
            o.dry_run = 1;
            break;
        case 'p':
            if (cli_parse_progress("run", optarg, &o.progress) < 0)
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
        if (cli_one_operand("run", argc, argv, &o.config) < 0)
            rc = EXIT_BAD_INPUT;
        else if (!o.config && !o.resume)
            rc = cli_usage_error("run", "missing the config file");
        else if (o.resume && o.out)
            rc = cli_usage_error("run", "--resume DIR writes to DIR; --out cannot be given too");
    }
    if (rc < 0) {
        o.suites = o.nsuites ? suites : NULL;
        o.backends = o.nbackends ? backends : NULL;
        rc = run_execute(&o);
    }
    free(suites);
    free(backends);
    return rc;
}
