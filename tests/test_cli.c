/* test_cli.c -- the subcommand dispatch: help, version, unknown commands
 * and flags, and the exit codes DESIGN.md promises. Runs the real binary. */
#include "check.h"
#include "support/proc.h"

#include "harness/cli.h"

int main(void)
{
    struct proc_result r;

    run_assay(&r, "--help", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "usage: assay <command>");
    for (const struct cmd *c = cli_cmds; c->name; c++)
        CHECK_CONTAINS(r.out, c->name);
    proc_result_free(&r);

    run_assay(&r, "--version", NULL);
    CHECK_INT_EQ(r.status, 0);
    CHECK_CONTAINS(r.out, "assay 0.");
    proc_result_free(&r);

    run_assay(&r, NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "usage:");
    proc_result_free(&r);

    run_assay(&r, "frobnicate", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown command 'frobnicate'");
    proc_result_free(&r);

    run_assay(&r, "--frob", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown flag '--frob'");
    proc_result_free(&r);

    run_assay(&r, "help", "nosuch", NULL);
    CHECK_INT_EQ(r.status, 2);
    CHECK_CONTAINS(r.err, "unknown command 'nosuch'");
    proc_result_free(&r);

    /* Every subcommand answers --help on stdout with exit 0, and
     * `assay help CMD` says the same. */
    for (const struct cmd *c = cli_cmds; c->name; c++) {
        struct proc_result a, b;
        run_assay(&a, c->name, "--help", NULL);
        CHECK_MSG(a.status == 0, "%s --help exited %d: %s", c->name, a.status, a.err);
        CHECK_MSG(a.out_len > 0, "%s --help printed nothing", c->name);
        CHECK_CONTAINS(a.out, c->name);
        run_assay(&b, "help", c->name, NULL);
        CHECK_INT_EQ(b.status, 0);
        CHECK_STR_EQ(b.out, a.out);
        proc_result_free(&a);
        proc_result_free(&b);

        /* An unknown flag names the flag and exits 2. */
        run_assay(&a, c->name, "--no-such-flag", NULL);
        CHECK_MSG(a.status == 2, "%s --no-such-flag exited %d", c->name, a.status);
        CHECK_MSG(strstr(a.err, "--no-such-flag") || strstr(a.err, "not built yet"),
                  "%s: message does not name the flag: %s", c->name, a.err);
        proc_result_free(&a);
    }

    /* A full stdout is an error, not a silent truncation. */
    char *argv[] = { "/bin/sh", "-c", "\"$ASSAY_BIN\" --help > /dev/full", NULL };
    proc_run(argv, NULL, 30, &r);
    CHECK_MSG(r.status != 0, "writing to /dev/full must fail");
    CHECK_CONTAINS(r.err, "cannot write to standard output");
    proc_result_free(&r);

    return check_done();
}
