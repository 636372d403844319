/* sched.h -- which request may start now: concurrency limits, rate limits,
 * retry waits, and the retry delay policy.
 *
 * Jobs are numbers the caller owns. Each backend has a queue (plan order)
 * and a set of jobs waiting to retry; sched_next hands out the next job
 * that may start now, taking backends in turn so one slow or limited
 * backend never holds the others back. It never sleeps: sched_next_wake
 * says when something blocked by time (a retry wait, a rate-limit token)
 * becomes possible, and the caller bounds its poll by it.
 *
 * Limits: a global concurrency; per backend max_concurrent, requests and
 * tokens per minute (token buckets holding one second's worth, refilled
 * continuously; a request's token cost is charged on start from an
 * estimate and corrected when it ends). Adaptive concurrency (AIMD): a 429
 * halves the backend's limit (at most once a second), each success adds
 * 1/limit, never above its configured maximum. */
#ifndef ASSAY_SCHED_H
#define ASSAY_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "harness/config.h"
#include "harness/util/clock.h"

struct sched;

/* cost(ud, job): estimated tokens of a job (input + max output), for the
 * tokens-per-minute bucket. */
typedef double sched_cost_fn(void *ud, size_t job);

struct sched *sched_new(size_t nbackends, long global_limit, const struct retry_conf *retries,
                        uint64_t seed, sched_cost_fn *cost, void *ud);
void sched_free(struct sched *s);
/* Limits of backend b (max_concurrent 0 = only the global limit). */
void sched_backend(struct sched *s, size_t b, const struct limits *l, int adaptive);

/* Queues job for backend b, ready from ready_at. */
void sched_push(struct sched *s, size_t b, size_t job, mono_ns ready_at);
/* Queues job to run again at wake_at (a retry). */
void sched_retry(struct sched *s, size_t b, size_t job, mono_ns wake_at);
/* The next job allowed to start at now: 1 and *job, *b, *intended (when
 * it could have started, had the client been instant), or 0. The job is
 * counted as in flight. */
int  sched_next(struct sched *s, mono_ns now, size_t *job, size_t *b, mono_ns *intended);
/* Job of backend b ended at freed_at (its last byte); est/actual tokens
 * correct the token bucket; rate_limited = it got a 429. */
void sched_finished(struct sched *s, size_t b, mono_ns freed_at, double est_tokens,
                    double actual_tokens, int rate_limited, int ok);
/* Earliest time a blocked job may become startable, or 0 if nothing is
 * waiting on time. */
mono_ns sched_next_wake(const struct sched *s, mono_ns now);
/* Jobs queued or waiting to retry (not in flight). */
size_t sched_waiting(const struct sched *s);
/* Drops every queued and waiting job (Ctrl-C); returns how many. */
size_t sched_drop_all(struct sched *s);

/* Delay before attempt number `attempt` (2 = first retry): the server's
 * requested delay if it gave one (server_ms >= 0), else full jitter
 * uniform(0, min(cap, base * 2^(attempt-2))). In ns. */
mono_ns sched_backoff(struct sched *s, int attempt, double server_ms);

struct sched_stats {
    long rate_limited;        /* 429 answers seen */
    double limit_now;         /* adaptive: current limit; else the fixed one (0 = none) */
    double limit_min;         /* adaptive: lowest limit reached */
};
void sched_stats(const struct sched *s, size_t b, struct sched_stats *out);

#endif
