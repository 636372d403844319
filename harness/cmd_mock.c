/* cmd_mock.c -- `assay mock`. Placeholder until issue 2 (mock provider) lands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_mock(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: assay mock ...\n\nNot built yet: issue 2 (mock provider).\n");
        return EXIT_OK;
    }
    return cli_not_built("mock", "issue 2 (mock provider)");
}
