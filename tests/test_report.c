/* test_report.c -- placeholder */
#include "check.h"
#include "report_fixture.h"
int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fixture") == 0) {
        struct fx_options o = { 0 };
        free(fx_make_run(argv[2], &o));
        return 0;
    }
    return check_done();
}
