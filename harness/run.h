/* run.h -- the run engine: a plan executed through the scheduler and the
 * transport, each finished request scored and written before the next
 * one is issued (docs/records.md), resumable, interruptible.
 *
 * run_execute returns an exit code (cli.h): 0 the plan ran (requests that
 * failed are records, not errors), 1 every request failed, 2 bad input or
 * an I/O error (message printed), 130 interrupted (OUT is consistent:
 * `--resume OUT` completes it). */
#ifndef ASSAY_RUN_H
#define ASSAY_RUN_H

#include <stdint.h>

#include "harness/progress.h"
#include "harness/shard.h"

struct run_opts {
    const char *config;        /* config file, or NULL with resume (run.json's copy) */
    char **suites;             /* --suite, or NULL */
    size_t nsuites;
    char **backends;           /* --backend, or NULL */
    size_t nbackends;
    const char *out;           /* --out, or NULL (config run.out, else runs/<run id>) */
    long concurrency;          /* 0 = the config's */
    long repeats;              /* 0 = the config's */
    const char *resume;        /* --resume OUT, or NULL */
    int dry_run;
    const char *cache_dir;     /* --cache, or NULL */
    int has_seed;
    uint64_t seed;
    enum progress_mode progress;
    struct shard shard;        /* --shard I/N; count 0 = not given */
    double max_cost_usd;       /* --max-cost, 0 = the config's run.max_cost_usd */
};

int run_execute(const struct run_opts *o);

/* `assay rescore DIR`: recomputes every record's scores from its stored
 * output with the suites of run.json; no provider is called. */
int run_rescore(const char *dir, int quiet);

#endif
