/* load_cost.c -- see load_cost.h. */
#include "load_cost.h"

#include "reports/cost.h"

void load_request_cost(const struct load_prices *lp, long in, long cached_in, long out,
                       struct load_request_cost *c)
{
    struct pricing p = { lp->input_per_mtok, lp->cached_input_per_mtok, lp->output_per_mtok,
                         lp->per_request, lp->per_hour, "", lp->set };
    struct cost k = cost_of_request(&p, in, cached_in, out);
    c->basis = k.basis;
    if (lp->per_hour > 0) {
        c->usd = c->input_usd = c->output_usd = c->request_usd = 0;
        return;
    }
    c->usd = k.usd;
    c->input_usd = k.input_usd + k.cached_input_usd;
    c->output_usd = k.output_usd;
    c->request_usd = k.request_usd;
}

double load_hourly_per_1k(double per_hour, double req_per_s)
{
    /* The knee is the rate the endpoint sustains: utilisation 1 there. */
    return cost_hourly_per_request(per_hour, req_per_s, 1.0) * 1000.0;
}
