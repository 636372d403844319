/* sim.h -- the arithmetic of the simulation: latencies, faults, rate-limit
 * windows, Go-style durations, and a small counting hash map (occurrence
 * counts and prompt-prefix caches). No I/O; server.c drives it. */
#ifndef ASSAY_MOCK_SIM_H
#define ASSAY_MOCK_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "harness/util/clock.h"
#include "harness/util/rng.h"
#include "profile.h"

/* Intended time to first token for this many uncached input tokens. */
double sim_ttft_ms(const struct mock_model *m, size_t uncached_in, struct rng *r);
/* Gap before a chunk of `tokens` tokens. */
double sim_gap_ms(const struct mock_model *m, size_t tokens, struct rng *r);
/* Length of an answer to an unknown prompt. */
size_t sim_generic_tokens(const struct mock_model *m, struct rng *r);
/* One draw against the model's fault rates. */
enum mock_fault sim_pick_fault(const struct mock_model *m, struct rng *r);

/* Go's time.Duration.String() at millisecond precision: "20ms", "7.66s",
 * "6m0s", "1h0m0s" (OpenAI's x-ratelimit-reset-*). */
void sim_go_duration(double seconds, char *out, size_t n);

/* A fixed one-minute window of a model's request and token budget. */
struct sim_window {
    mono_ns start;
    long requests, tokens;
};
void sim_window_roll(struct sim_window *w, mono_ns now);   /* starts a new window if due */
double sim_window_reset_s(const struct sim_window *w, mono_ns now);

/* uint64 -> count, open addressing; key 0 is remapped internally. */
struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
};
/* Returns the count before this call and increments it. */
uint32_t u64map_bump(struct u64map *m, uint64_t key);
uint32_t u64map_get(const struct u64map *m, uint64_t key);
void     u64map_release(struct u64map *m);

#endif
