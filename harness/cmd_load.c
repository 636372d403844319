/* cmd_load.c -- `assay load`. Placeholder until issue 7 (load mode) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_load(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay load ...\n\nNot built yet: issue 7 (load mode).\n");
        return EXIT_OK;
    }
    return cli_not_built("load", "issue 7 (load mode)");
}
