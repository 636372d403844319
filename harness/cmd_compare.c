/* cmd_compare.c -- `assay compare`. Placeholder until issue 6 (regression gate) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_compare(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay compare ...\n\nNot built yet: issue 6 (regression gate).\n");
        return EXIT_OK;
    }
    return cli_not_built("compare", "issue 6 (regression gate)");
}
