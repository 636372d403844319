/* load_cost.h -- cost figures of a load run through reports/cost.h's model:
 * the cost of one request (records) and a per-hour endpoint's cost per
 * request at a measured rate (the knee).
 *
 * A unit of its own because harness/config.h and reports/cost.h each
 * define a struct pricing: this one sees only the latter, and load.c
 * passes prices as plain numbers. */
#ifndef ASSAY_LOAD_COST_H
#define ASSAY_LOAD_COST_H

struct load_prices {
    int set;
    double input_per_mtok, cached_input_per_mtok, output_per_mtok, per_request, per_hour;
};

struct load_request_cost {
    double usd, input_usd, output_usd, request_usd;
    const char *basis;       /* "per_token", "per_request", "per_hour", "none" (static) */
};

/* Tokens -1 = unknown (counted as 0). A per-hour price gives 0 here (it
 * is amortised over the rate: records.md). */
void load_request_cost(const struct load_prices *p, long in, long cached_in, long out,
                       struct load_request_cost *c);
/* USD per 1,000 requests of a per-hour endpoint fully used at req_per_s
 * (NAN if the rate is not positive). */
double load_hourly_per_1k(double per_hour, double req_per_s);

#endif
