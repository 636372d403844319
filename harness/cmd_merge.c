/* cmd_merge.c -- `assay merge DIR... --out DIR`: join shard folders. */
#include "cli.h"

#include "harness/merge.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: assay merge SHARD_DIR... --out DIR [--force]\n"
    "\n"
    "Joins the run folders of `assay run --shard i/N` into one run folder that\n"
    "report, choose and compare read like any other. Refuses folders from\n"
    "different configs, different shard counts, the same shard twice or\n"
    "overlapping requests. Missing shards are allowed and listed in\n"
    "run.json (shard.missing); merge again when they arrive.\n"
    "\n"
    "options:\n"
    "  --out DIR    the merged run folder (must not hold results yet)\n"
    "  --force      overwrite DIR's results\n"
    "\n"
    "example:\n"
    "  assay merge runs/shard-0 runs/shard-1 runs/shard-2 --out runs/all\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' },
        { "force", no_argument, 0, 'f' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *out = NULL;
    int force = 0, c;
    while ((c = cli_getopt(argc, argv, "merge", "o:fh", opts)) != -1) {
        switch (c) {
        case 'h': fputs(usage, stdout); return EXIT_OK;
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        default: return EXIT_BAD_INPUT;
        }
    }
    if (!out)
        return cli_usage_error("merge", "--out DIR is required");
    if (optind >= argc)
        return cli_usage_error("merge", "give the shard folders to merge");
    struct diag d;
    diag_init(&d);
    struct merge_result res;
    if (merge_runs((const char *const *)argv + optind, (size_t)(argc - optind), out, force, &res,
                   &d) < 0) {
        diag_print(&d, stderr);
        return EXIT_BAD_INPUT;
    }
    printf("merged %zu records from %zu of %zu shards into %s\n", res.records, res.shards_present,
           res.shard_count, out);
    if (res.missing)
        fprintf(stderr, "assay merge: warning: %zu shard%s missing (see %s/run.json shard.missing)\n",
                res.missing, res.missing == 1 ? " is" : "s are", out);
    return EXIT_OK;
}
