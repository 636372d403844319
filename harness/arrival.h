/* arrival.h -- when the requests of one load step are meant to be sent.
 *
 * Open loop (docs/load.md): the send times are fixed in advance by the
 * process, never by the replies. FIXED spaces them evenly, 1/rate apart,
 * the k-th (from 0) at exactly k/rate seconds (computed from k, so no
 * rounding drift accumulates). POISSON draws independent exponential gaps
 * of mean 1/rate from harness/util/rng.h, the first one after a gap too,
 * so a seeded step is reproducible on any machine.
 *
 * Closed loop (concurrency mode) has no schedule: a request is due when
 * another ends (harness/load.c).
 *
 * Times are nanosecond offsets from the step's start. Nothing allocates. */
#ifndef ASSAY_ARRIVAL_H
#define ASSAY_ARRIVAL_H

#include <stdint.h>

#include "harness/util/rng.h"

enum arrival_kind { ARRIVAL_FIXED, ARRIVAL_POISSON };

struct arrival {
    enum arrival_kind kind;
    double rate;          /* requests per second, > 0 */
    struct rng rng;       /* POISSON's gaps */
    double t_s;           /* POISSON: offset of the last arrival handed out, seconds */
    int64_t n;            /* arrivals handed out so far */
};

void arrival_init(struct arrival *a, enum arrival_kind kind, double rate, uint64_t seed);
/* Offset of the next arrival from the step's start, in ns (non-decreasing). */
int64_t arrival_next(struct arrival *a);
/* Arrivals a step of duration_s seconds holds at this rate when fixed
 * (k/rate < duration_s for k = 0..n-1); a Poisson step's count is random
 * with this mean. */
int64_t arrival_fixed_count(double rate, double duration_s);

#endif
