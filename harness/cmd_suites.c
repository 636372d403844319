/* cmd_suites.c -- `assay suites`. Placeholder until issue 5 (suites and datasets) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_suites(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay suites ...\n\nNot built yet: issue 5 (suites and datasets).\n");
        return EXIT_OK;
    }
    return cli_not_built("suites", "issue 5 (suites and datasets)");
}
