/* arrival.c -- see arrival.h. */
#include "arrival.h"

#include <math.h>

void arrival_init(struct arrival *a, enum arrival_kind kind, double rate, uint64_t seed)
{
    a->kind = kind;
    a->rate = rate;
    rng_seed(&a->rng, seed);
    a->t_s = 0;
    a->n = 0;
}

int64_t arrival_next(struct arrival *a)
{
    int64_t k = a->n++;
    if (a->kind == ARRIVAL_FIXED)
        return (int64_t)llround((double)k * 1e9 / a->rate);
    a->t_s += rng_exponential(&a->rng, a->rate);
    return (int64_t)llround(a->t_s * 1e9);
}

int64_t arrival_fixed_count(double rate, double duration_s)
{
    /* The k with k/rate < duration_s: ceil(rate * duration_s), but an
     * exact product (10/s for 2 s = 20) must not gain an extra arrival
     * from floating-point fuzz. */
    double x = rate * duration_s;
    double r = nearbyint(x);
    if (fabs(x - r) < 1e-9 * (r > 1 ? r : 1))
        return (int64_t)r;
    return (int64_t)ceil(x);
}
