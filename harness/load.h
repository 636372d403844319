/* load.h -- `assay load`: latency under load against one backend
 * (docs/load.md).
 *
 * A load run is a list of steps, one per offered rate (open loop: fixed or
 * Poisson arrivals, harness/arrival.h) or per concurrency (closed loop: C
 * requests in flight). Every request has an intended send time; latency is
 * measured from it, so a server that makes the client wait cannot hide its
 * queue (no coordinated omission), and the service time from the actual
 * send is kept beside it. The generator never waits for a reply before
 * sending the next request; only a max-in-flight safety cap can hold one
 * back, and each step says if it did.
 *
 * Each step reports achieved rate, output tokens/s, TTFT / ITL / E2E
 * percentiles, error and 429 rates and goodput against the SLO; the knee
 * is the highest level whose step meets the SLO (optionally refined by
 * bisection); the cost under load is priced at the knee. Records go to
 * OUT/results.jsonl as requests end (records.md, `step` set), warm-up
 * requests to OUT/warmup/results.jsonl, the steps, knee and cost to the
 * `load` section of OUT/run.json, and a table to stdout.
 *
 * load_execute returns an exit code (cli.h): 0 the steps ran, 1 no step
 * met the SLO, 2 bad input or an I/O error (message printed), 130
 * interrupted (what ran is written). */
#ifndef ASSAY_LOAD_H
#define ASSAY_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "harness/progress.h"
#include "harness/util/diag.h"

enum load_mode { LOAD_RATE, LOAD_CONCURRENCY };

/* Service-level objective: each limit is on one request (goodput) and on
 * a step's p95 (the knee); NAN = no limit. */
struct slo {
    double ttft_ms;          /* time to first token, from the intended send */
    double itl_ms;           /* inter-token gap (a request's own p95 gap) */
    double tpot_ms;          /* time per output token after the first */
    double e2e_ms;           /* end to end, from the intended send */
    double max_error_rate;   /* failed / sent in a step; default LOAD_MAX_ERROR_RATE */
};
#define LOAD_MAX_ERROR_RATE 0.01
/* A rate step must also deliver this share of what it offered. */
#define LOAD_MIN_ACHIEVED 0.9

void slo_init(struct slo *s);   /* no latency limits, the default error bound */

struct load_opts {
    const char *config;
    const char *backend;
    enum load_mode mode;
    const double *levels;    /* rates (req/s) or concurrencies, in sweep order (borrowed) */
    size_t nlevels;
    int poisson;             /* LOAD_RATE: exponential gaps instead of even spacing */
    double duration_s;       /* measured time per step, or 0 with requests */
    long requests;           /* measured requests per step, or 0 with duration_s */
    double warmup_s;         /* sent before each step's measured part, not counted */
    char **suites;           /* prompts from these suites (NULL: the config's) */
    size_t nsuites;
    long synth_in, synth_out;/* synthetic prompts when synth_out > 0 */
    struct slo slo;
    int bisect;              /* refine the knee with up to this many extra steps */
    const char *out;         /* NULL = run.out, else runs/<run id> */
    int has_seed;
    uint64_t seed;
    long max_in_flight;      /* 0 = LOAD_DEFAULT_MAX_IN_FLIGHT */
    enum progress_mode progress;
};
#define LOAD_DEFAULT_MAX_IN_FLIGHT 4096
#define LOAD_DEFAULT_BISECT 6

int load_execute(const struct load_opts *o);

/* === flag values (also fuzzed: tests/fuzz/fuzz_load_args.c) === */

/* "10,20,40" into *out (returns owned, *n values; each > 0, at most max;
 * integers only when integers is set). */
int load_parse_levels(const char *s, int integers, double max, double **out, size_t *n,
                      struct diag *d);
/* "ttft=500ms,e2e=5s,itl=50ms,tpot=40ms,errors=1%" into *out (on top of
 * what it holds). */
int load_parse_slo(const char *s, struct slo *out, struct diag *d);
/* A duration: a number with an optional unit us, ms, s, m (unit_ms is the
 * unit of a bare number: 1 for ms, 1000 for s). -1 if it does not parse
 * or is negative. */
int load_parse_duration(const char *s, double unit_ms, double *ms);

#endif
