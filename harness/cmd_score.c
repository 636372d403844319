/* cmd_score.c -- `assay score`. Placeholder until issue 4 (scorers) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_score(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay score ...\n\nNot built yet: issue 4 (scorers).\n");
        return EXIT_OK;
    }
    return cli_not_built("score", "issue 4 (scorers)");
}
