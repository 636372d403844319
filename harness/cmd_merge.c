/* cmd_merge.c -- `assay merge`. Placeholder until issue 7 (runs across many machines) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_merge(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay merge ...\n\nNot built yet: issue 7 (runs across many machines).\n");
        return EXIT_OK;
    }
    return cli_not_built("merge", "issue 7 (runs across many machines)");
}
