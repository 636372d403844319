/* cmd_run.c -- `assay run`. Placeholder until issue 3 (run engine) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_run(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay run ...\n\nNot built yet: issue 3 (run engine).\n");
        return EXIT_OK;
    }
    return cli_not_built("run", "issue 3 (run engine)");
}
