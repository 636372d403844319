/* cmd_rescore.c -- `assay rescore`. Placeholder until issue 3 (run engine) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_rescore(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay rescore ...\n\nNot built yet: issue 3 (run engine).\n");
        return EXIT_OK;
    }
    return cli_not_built("rescore", "issue 3 (run engine)");
}
