/* cost.h -- the cost model: prices, the cost of one request, and the
 * amortised cost of a dedicated (per-hour) endpoint.
 *
 * Prices are USD. Token prices are per million tokens: input (not cached),
 * cached input, output. Reasoning tokens are billed as output: providers
 * count them inside output/completion tokens (protocols.md §1.2, §6.2), so
 * they are not added twice. A per-request price adds to token prices. A
 * per-hour price is amortised by measured throughput and a stated
 * utilisation: cost/request = per_hour / (3600 * req_per_s * utilisation).
 *
 * Prices live in the config (backends[].pricing) or in a pricing file
 * (`{"as_of": "2026-11-01", "source": "...", "prices": {"BACKEND": {...}}}`)
 * so negotiated prices stay out of a shared config; docs/pricing.md. */
#ifndef ASSAY_COST_H
#define ASSAY_COST_H

#include <cjson/cJSON.h>

#include "harness/util/diag.h"

struct pricing {
    double input_per_mtok;          /* USD per 1M non-cached input tokens; 0 if unset */
    double cached_input_per_mtok;   /* USD per 1M cached input tokens; < 0 = same as input */
    double output_per_mtok;         /* USD per 1M output tokens (reasoning included) */
    double per_request;             /* USD per request */
    double per_hour;                /* USD per hour, dedicated endpoint; 0 if not */
    char as_of[32];                 /* date the prices were read, "" if unknown */
    int set;                        /* any price given */
};

struct cost {
    double usd;                     /* total for the request */
    double input_usd, cached_input_usd, output_usd, request_usd;
    const char *basis;              /* "per_token", "per_request", "per_hour", "none" */
};

/* Reads {"input_per_mtok":..,"cached_input_per_mtok":..,"output_per_mtok":..,
 * "per_request":..,"per_hour":..,"as_of":".."} (all optional, >= 0). */
int pricing_parse(const cJSON *obj, const char *file, const char *path, struct pricing *p,
                  struct diag *d);

/* Loads a pricing file; returns the "prices" object's entry for name
 * through *p (p->set = 0 if the file has none for it). */
struct pricing_file;
struct pricing_file *pricing_file_load(const char *path, struct diag *d);
int  pricing_file_get(const struct pricing_file *f, const char *name, struct pricing *p,
                      struct diag *d);
const char *pricing_file_as_of(const struct pricing_file *f);
void pricing_file_free(struct pricing_file *f);

/* Cost of one request from its token counts (-1 = unknown, counted as 0;
 * cached_in is part of in). Per-hour pricing gives 0 here (basis
 * "per_hour"): it is amortised over a run by cost_hourly_per_request. */
struct cost cost_of_request(const struct pricing *p, long in, long cached_in, long out);

/* Per-request cost of a dedicated endpoint at the measured throughput and
 * the assumed utilisation (0..1]; NAN if throughput is not positive. */
double cost_hourly_per_request(double per_hour, double req_per_s, double utilisation);

#endif
