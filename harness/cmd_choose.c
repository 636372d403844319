/* cmd_choose.c -- `assay choose`. Placeholder until issue 6 (decision engine) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_choose(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay choose ...\n\nNot built yet: issue 6 (decision engine).\n");
        return EXIT_OK;
    }
    return cli_not_built("choose", "issue 6 (decision engine)");
}
