/* rng.h -- small seeded pseudo-random generator (xoshiro256**, seeded by
 * splitmix64) and the distributions assay needs.
 *
 * Deterministic for a seed on every platform: the mock's latencies and
 * degradations, bootstrap resampling, retry jitter and sharding all use it
 * so that a run with the same seed is reproducible. Not for secrets. */
#ifndef ASSAY_RNG_H
#define ASSAY_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void     rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double   rng_uniform(struct rng *r);                 /* [0, 1) */
uint64_t rng_below(struct rng *r, uint64_t n);       /* [0, n), unbiased; n > 0 */
double   rng_normal(struct rng *r);                  /* mean 0, sd 1 */
double   rng_lognormal(struct rng *r, double mu, double sigma);
double   rng_exponential(struct rng *r, double rate);/* mean 1/rate */

/* Stable 64-bit hash of bytes (FNV-1a then a splitmix64 finaliser); used to
 * derive per-item seeds and shard assignment, so it must never change. */
uint64_t hash64(const void *p, uint64_t n, uint64_t seed);

#endif
