/* cmd_rescore.c -- `assay rescore DIR`: recompute the scores of a run
 * folder from its stored outputs (harness/run.c); no provider is called. */
#include "cli.h"
#include "run.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: assay rescore DIR [--quiet]\n"
            "\n"
            "Recomputes the scores of every ok record in DIR/results.jsonl from its stored\n"
            "output, with the suites and scorers DIR/run.json names (as they are now: use\n"
            "it after a scorer fix or a changed suite option). No provider is called.\n"
            "The file is rewritten atomically, one record per key (the last one).\n"
            "\n"
            "exit: 0 done, 2 bad input (no run folder, unreadable suite)\n"
            "\n"
            "example:\n"
            "  assay rescore runs/demo && assay report runs/demo\n");
}

int cmd_rescore(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int quiet = 0, c;
    while ((c = cli_getopt(argc, argv, "rescore", "hq", longopts)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case 'q':
            quiet = 1;
            break;
        default:
            return EXIT_BAD_INPUT;
        }
    }
    if (optind >= argc)
        return cli_usage_error("rescore", "missing the run folder");
    if (optind + 1 < argc)
        return cli_usage_error("rescore", "unexpected argument '%s'", argv[optind + 1]);
    return run_rescore(argv[optind], quiet);
}
