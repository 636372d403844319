/* decide_args.h -- the decision's command-line flags, shared by `assay
 * choose` and `assay report` (which embeds the decision), so both accept
 * the same constraints with the same precedence: the run's config
 * "decision" section (run.json), then --config FILE's section, then flags
 * (scalar limits replace, floors and attributes add, --mix replaces).
 *
 * A command appends decide_options[] to its own getopt_long table
 * (decide_options_merge), hands every option it does not know itself to
 * decide_args_take, and after loading the run calls decide_args_apply.
 * Nothing here prints: errors come back in a struct diag. */
#ifndef ASSAY_DECIDE_ARGS_H
#define ASSAY_DECIDE_ARGS_H

#include <getopt.h>

#include "reports/decide.h"

/* getopt values of the decision flags: DECIDE_OPT_BASE and up, so a
 * command keeps its own values below it. */
#define DECIDE_OPT_BASE 1000

extern const struct option decide_options[];   /* terminated by a zero row */
/* Usage lines describing every decision flag (for a command's --help). */
extern const char decide_usage[];

struct decide_args {
    struct constraints flags;       /* limits given as flags (NAN = not given) */
    const char *config_path;        /* --config, borrowed from argv */
    const char *pricing_path;       /* --pricing, borrowed from argv */
    int lower_bound;                /* -1 not given, else 0/1 */
    int objective_set, weights_set;
    double utilisation;             /* NAN = not given */
    const char **loads;             /* --load folders (borrowed from argv), owned array */
    size_t nloads;
    double peak_factor;             /* NAN = not given */
};

void decide_args_init(struct decide_args *a);
void decide_args_release(struct decide_args *a);

/* Returns owned: own (zero-terminated) followed by decide_options[]. */
struct option *decide_options_merge(const struct option *own);

/* One getopt result: 1 if opt is a decision flag and its value is good,
 * 0 if opt is not a decision flag, -1 (with a diag naming the flag) if
 * the value is bad. */
int decide_args_take(struct decide_args *a, int opt, const char *arg, struct diag *d);

/* Builds the constraints for run r into c (constraints_init'ed by the
 * caller): run.json's section, --config's, then the flags. Loads
 * --pricing into *pf (returns owned, NULL without the flag), points
 * c->pricing at it and re-prices r by it (run_reprice; the count in
 * *repriced when not NULL), so choose and report cost alike. */
int decide_args_apply(const struct decide_args *a, struct run *r, struct constraints *c,
                      struct pricing_file **pf, size_t *repriced, struct diag *d);

/* Re-prices every record of a backend the pricing file names from the
 * record's usage (cost_of_request); per-hour prices are amortised later
 * by the decision engine. Returns how many records changed. */
size_t run_reprice(struct run *r, const struct pricing_file *pf);

#endif
