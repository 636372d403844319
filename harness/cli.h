/* cli.h -- the assay command line: exit codes, the subcommand table and
 * helpers every cmd_*.c shares.
 *
 * Adding a subcommand: write harness/cmd_NAME.c defining
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is "NAME"; it answers
 * --help on stdout with exit 0), declare it below and add one row to
 * cmds[] in cli.c. A cmd_* function only parses flags and calls into the
 * harness/, scorers/ and reports/ libraries; it is the only place that
 * turns a struct diag into output and an exit code. */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "harness/progress.h"

enum exit_code {
    EXIT_OK = 0,           /* success */
    EXIT_CHECK_FAILED = 1, /* a check failed: regression, constraint unmet, test failed */
    EXIT_BAD_INPUT = 2,    /* bad input: config, dataset, suite, flag; message names it */
};

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;   /* one line for `assay help` */
};

int assay_main(int argc, char **argv);

/* The table, for `assay help` and tests. NULL-name terminated. */
extern const struct cmd cli_cmds[];

/* Runs getopt_long with messages in assay's shape: an unknown flag or a
 * missing value prints "assay CMD: unknown flag '--x'" (or "... needs a
 * value") with a pointer to --help, and returns -2; otherwise what
 * getopt_long returns. shortopts need not start with ':'. */
int cli_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
               const struct option *longopts);

/* Prints "assay CMD: <msg>" and "Try 'assay CMD --help'." to stderr;
 * returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Flag values that several subcommands take, read alike in each. A bad
 * value prints the usage error naming cmd and the flag and returns -1;
 * a good one is stored in *out and 0 returned. */
int cli_parse_long(const char *cmd, const char *flag, const char *v, long min, long max,
                   long *out);
/* A finite decimal number from min to max. */
int cli_parse_double(const char *cmd, const char *flag, const char *v, double min, double max,
                     double *out);
int cli_parse_seed(const char *cmd, const char *v, uint64_t *out);   /* --seed: 0 to 2^63-1 */
int cli_parse_progress(const char *cmd, const char *v, enum progress_mode *out);
/* After the flags: the one operand (CONFIG, DIR) into *out, which stays
 * as it was when there is none; a second operand is a usage error. */
int cli_one_operand(const char *cmd, int argc, char **argv, const char **out);

/* For subcommands whose issue has not landed: says so plainly; exit 2. */
int cli_not_built(const char *cmd, const char *what);

/* Flushes and checks stdout (a full disk is an error, git's run_builtin). */
int cli_finish_stdout(int rc);

int cmd_run(int argc, char **argv);
int cmd_rescore(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_suites(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_choose(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_mock(int argc, char **argv);

#endif
