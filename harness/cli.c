/* cli.c -- subcommand dispatch (git's commands[] and run_builtin()).
 *
 * `assay CMD ARGS...` looks CMD up in cmds[], runs it with argv[0] = CMD,
 * then flushes stdout and checks that the write worked. Global flags are
 * only --help and --version; everything else belongs to a subcommand. */
#include "cli.h"
#include "version.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cmd cli_cmds[] = {
    { "run",     cmd_run,     "run suites against backends, one record per request" },
    { "rescore", cmd_rescore, "recompute scores of a run folder without calling providers" },
    { "merge",   cmd_merge,   "join shard run folders into one" },
    { "suites",  cmd_suites,  "list suites, or show one item's prompt as it would be sent" },
    { "report",  cmd_report,  "tables and plots from a run folder" },
    { "choose",  cmd_choose,  "pick backends (or one per suite) under constraints" },
    { "compare", cmd_compare, "regression gate between a baseline and a current run" },
    { "score",   cmd_score,   "score hypothesis files against references (BLEU, chrF, TER, ROUGE, SQuAD)" },
    { "load",    cmd_load,    "latency under load: rate or concurrency sweeps against one backend" },
    { "mock",    cmd_mock,    "built-in mock provider on loopback (every protocol, simulated models)" },
    { NULL, NULL, NULL },
};

static const struct cmd *find_cmd(const char *name)
{
    for (const struct cmd *c = cli_cmds; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void print_help(FILE *f)
{
    fprintf(f,
            "usage: assay <command> [options]\n"
            "       assay help <command>\n"
            "       assay --version\n"
            "\n"
            "assay benchmarks and evaluates LLM providers side by side: quality,\n"
            "latency and cost on the same items, and a decision under constraints.\n"
            "\n"
            "commands:\n");
    for (const struct cmd *c = cli_cmds; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->summary);
    fprintf(f,
            "\n"
            "exit codes: 0 success, 1 a check failed, 2 bad input\n"
            "\n"
            "examples (offline, against the built-in mock; sh scripts/demo.sh does all of it):\n"
            "  assay mock --port 8400 &\n"
            "  MOCK_API_KEY=any assay run examples/demo.json --out runs/demo\n"
            "  assay report runs/demo\n"
            "  assay choose runs/demo --max-p95-ms 2000 --min-quality summarization=0.8\n");
}

int cli_finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "assay: error: cannot write to standard output: %s\n", strerror(errno));
        return rc ? rc : EXIT_BAD_INPUT;
    }
    return rc;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "assay %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'assay %s --help'.\n", cmd);
    return EXIT_BAD_INPUT;
}

int cli_parse_long(const char *cmd, const char *flag, const char *v, long min, long max,
                   long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < min || x > max) {
        cli_usage_error(cmd, "%s: expected an integer from %ld to %ld, got '%s'", flag, min, max,
                        v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_parse_double(const char *cmd, const char *flag, const char *v, double min, double max,
                     double *out)
{
    char *end;
    double x = strtod(v, &end);
    /* digits first: strtod would also take "nan", "inf" and leading blanks */
    if (!(isdigit((unsigned char)v[0]) || (v[0] == '.' && isdigit((unsigned char)v[1]))) ||
        *end || !isfinite(x) || x < min || x > max) {
        cli_usage_error(cmd, "%s: expected a number from %g to %g, got '%s'", flag, min, max, v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_parse_seed(const char *cmd, const char *v, uint64_t *out)
{
    long x;
    if (cli_parse_long(cmd, "--seed", v, 0, 0x7fffffffffffffffL, &x) < 0)
        return -1;
    *out = (uint64_t)x;
    return 0;
}

int cli_parse_progress(const char *cmd, const char *v, enum progress_mode *out)
{
    static const char *const names[] = { [PROGRESS_AUTO] = "auto", [PROGRESS_BAR] = "bar",
                                         [PROGRESS_LINES] = "lines", [PROGRESS_OFF] = "off" };
    for (size_t m = 0; m < sizeof(names) / sizeof(names[0]); m++)
        if (strcmp(v, names[m]) == 0) {
            *out = (enum progress_mode)m;
            return 0;
        }
    cli_usage_error(cmd, "--progress: expected auto, bar, lines or off, got '%s'", v);
    return -1;
}

int cli_one_operand(const char *cmd, int argc, char **argv, const char **out)
{
    if (optind < argc)
        *out = argv[optind++];
    if (optind < argc) {
        cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    return 0;
}

int cli_not_built(const char *cmd, const char *what)
{
    fprintf(stderr, "assay %s: not built yet: %s\n", cmd, what);
    return EXIT_BAD_INPUT;
}

int cli_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
               const struct option *longopts)
{
    char opts[128];
    snprintf(opts, sizeof(opts), ":%s", shortopts[0] == ':' ? shortopts + 1 : shortopts);
    opterr = 0;
    int c = getopt_long(argc, argv, opts, longopts, NULL);
    if (c == '?' || c == ':') {
        /* A long flag is named by its argument (cut at '='); a short one,
         * possibly inside a bundle such as -xq, by optopt. */
        const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        char flag[64];
        if (strncmp(arg, "--", 2) == 0)
            snprintf(flag, sizeof(flag), "%.*s", (int)strcspn(arg, "="), arg);
        else
            snprintf(flag, sizeof(flag), "-%c", optopt ? optopt : '?');
        if (c == '?')
            cli_usage_error(cmd, "unknown flag '%s'", flag);
        else
            cli_usage_error(cmd, "flag '%s' needs a value", flag);
        return -2;
    }
    return c;
}

int assay_main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_help(stdout);
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("assay %s\n", ASSAY_VERSION);
        return cli_finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            return cli_finish_stdout(EXIT_OK);
        }
        const struct cmd *c = find_cmd(argv[2]);
        if (!c) {
            fprintf(stderr, "assay: unknown command '%s'; see 'assay --help'\n", argv[2]);
            return EXIT_BAD_INPUT;
        }
        char *hargv[] = { (char *)c->name, "--help", NULL };
        optind = 0;
        return cli_finish_stdout(c->fn(2, hargv));
    }
    if (name[0] == '-') {
        fprintf(stderr, "assay: unknown flag '%s'; see 'assay --help'\n", name);
        return EXIT_BAD_INPUT;
    }
    const struct cmd *c = find_cmd(name);
    if (!c) {
        fprintf(stderr, "assay: unknown command '%s'; see 'assay --help'\n", name);
        return EXIT_BAD_INPUT;
    }
    optind = 0;   /* glibc: 0 fully re-initialises getopt between uses */
    return cli_finish_stdout(c->fn(argc - 1, argv + 1));
}
