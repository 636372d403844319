/* cmd_report.c -- `assay report`. Placeholder until issue 6 (reports) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_report(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay report ...\n\nNot built yet: issue 6 (reports).\n");
        return EXIT_OK;
    }
    return cli_not_built("report", "issue 6 (reports)");
}
