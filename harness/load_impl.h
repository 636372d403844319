/* load_impl.h -- internal to the load generator: the state load.c (the
 * engine) and load_report.c (a step's figures, the knee, the table and
 * run.json) share. Not for other modules: they use load.h.
 *
 * Ownership: struct load owns everything it points to except its options
 * and the backend (borrowed from its config); load.c frees it. */
#ifndef ASSAY_LOAD_IMPL_H
#define ASSAY_LOAD_IMPL_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>

#include "config.h"
#include "load.h"
#include "load_cost.h"
#include "plan.h"
#include "progress.h"
#include "results.h"
#include "transport.h"
#include "harness/backends/backend.h"
#include "harness/util/clock.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#define LOOP_STALL_MS 50.0          /* a loop round longer than this flags the client */

struct lprompt {                 /* one prepared request body */
    struct http_req req;
    const char *suite;           /* borrowed */
    const char *item;            /* borrowed (suite item) or owned_item */
    char *owned_item;
    double est_in;               /* estimated input tokens */
};

struct req {                     /* one request of the run */
    mono_ns intended;
    uint32_t prompt;
    uint32_t seq;                /* within its step and phase: the record's repeat */
    uint32_t step;
    uint8_t warmup;
    struct req *next;            /* backlog and free list */
};

struct dvec {
    double *v;
    size_t n, cap;
};

static inline void dvec_add(struct dvec *d, double x)
{
    if (d->n == d->cap)
        XGROW(d->v, d->cap, d->n + 1);
    d->v[d->n++] = x;
}

struct pcts {
    size_t n;
    double mean, p50, p90, p95, p99, max;
};

struct step {
    int index;
    int bisect;                  /* added by bisection */
    double level;                /* req/s or concurrency */
    int interrupted;
    /* measured requests */
    long sent, ok, failed, http_429, timeouts, good, warmup_sent, capped;
    long in_flight_max, backlog_max;
    mono_ns first_intended, last_intended, first_done, last_done;
    double in_tokens, out_tokens, cached_in;   /* sums over ok requests */
    double usd;                  /* sum of record costs over ok requests */
    struct dvec ttft, ttft_svc, e2e, e2e_svc, tpot, lag;
    struct dvec e2e_at;          /* intended send (ms since start) of each e2e value */
    struct dvec itl;             /* reservoir of gaps */
    uint64_t itl_seen;
    /* figures */
    double offered_rps, achieved_rps, out_tok_s, goodput_rps, error_rate, rate_429;
    double duration_s;
    struct pcts p_ttft, p_ttft_svc, p_e2e, p_e2e_svc, p_itl, p_tpot, p_lag;
    int pass;
    char why[320];
    int client_bottleneck;
};

struct load {
    const struct load_opts *o;
    struct config cfg;
    struct plan plan;
    int have_plan;
    const struct backend_conf *b;
    struct lprompt *prompts;
    size_t nprompts;
    size_t *order;               /* prompts in the run's order (seeded permutation) */
    uint64_t next_prompt;
    uint64_t seed;
    char run_id[40], started_at[40];
    mono_ns mono0;
    int64_t wall0;
    char *out;
    struct transport *t;         /* spreads transfers over several connection caches itself */
    mono_ns loop_returned;       /* when the last wait ended */
    double loop_busy_max_ms;     /* longest time the loop spent away from its wait */
    struct curl_slist *hdrs;
    struct results_writer w, ww;
    int w_open, ww_open;
    struct load_prices prices;
    struct rng itl_rng;
    struct step *steps;
    size_t nsteps, steps_cap;
    long cap;                    /* max in flight */
    long in_flight;
    struct req *backlog, *backlog_tail, *free_reqs;
    long backlog_n;
    mono_ns *freed;              /* closed loop: when slots freed, not yet refilled */
    size_t nfreed, freed_cap;
    long written, warmup_written, ok_total;
    int stopping, aborted, fatal;
    struct diag fatal_diag;
    struct progress prog;
    int header_printed;
    double bottleneck_ms;
};

static inline double ms_of(mono_ns d) { return (double)d / 1e6; }
static inline double round3(double v) { return round(v * 1000.0) / 1000.0; }
static inline int is_rate(const struct load *L) { return L->o->mode == LOAD_RATE; }

static inline void null_or_string(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

/* === load_report.c === */

/* A step's figures from its samples, and whether it passes (rule:
 * docs/load.md). Sorts the samples. */
void load_finish_step(struct load *L, struct step *st);
/* The knee among the steps run so far: the highest passing level below
 * the lowest failing one. *lo_i: that step (-1: none passed); *hi_i: the
 * lowest failing step above it (-1: none failed). */
void load_find_knee(const struct load *L, long *lo_i, long *hi_i);
/* One row of the table on stdout (the header before the first). */
void load_print_step(struct load *L, const struct step *st);
/* The final line: the knee and the cost there. */
void load_print_knee(const struct load *L);
/* OUT/run.json, atomically; final adds ended_at and the summary. */
int  load_write_run_json(struct load *L, int final, struct diag *d);

#endif
