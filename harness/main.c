/* main.c -- the assay binary: everything is in the libraries; see cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
    return assay_main(argc, argv);
}
