/* sim.c -- see sim.h. Distributions: the TTFT jitter is an additive
 * lognormal with median ttft_jitter_ms (a right tail, as real queues and
 * prefills have); the inter-token factor is lognormal with mean 1, so
 * itl_ms stays the mean gap per token. */
#include "sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/xalloc.h"

double sim_ttft_ms(const struct mock_model *m, size_t uncached_in, struct rng *r)
{
    double t = m->ttft_ms + m->per_input_token_ms * (double)uncached_in;
    double z = rng_normal(r);   /* drawn even at zero jitter: same stream either way */
    if (m->ttft_jitter_ms > 0)
        t += m->ttft_jitter_ms * exp(m->ttft_jitter_sigma * z);
    return t;
}

double sim_gap_ms(const struct mock_model *m, size_t tokens, struct rng *r)
{
    double z = rng_normal(r);
    if (m->itl_ms <= 0)
        return 0;
    double s = m->itl_jitter;
    return m->itl_ms * (double)(tokens ? tokens : 1) * exp(s * z - s * s / 2);
}

size_t sim_generic_tokens(const struct mock_model *m, struct rng *r)
{
    double t = m->output_tokens * exp(0.3 * rng_normal(r));
    return t < 1 ? 1 : (size_t)t;
}

enum mock_fault sim_pick_fault(const struct mock_model *m, struct rng *r)
{
    double x = rng_uniform(r), acc = 0;
    for (int k = 1; k < FAULT__COUNT; k++) {
        acc += m->fault_rate[k];
        if (x < acc)
            return (enum mock_fault)k;
    }
    return FAULT_NONE;
}

void sim_go_duration(double seconds, char *out, size_t n)
{
    long long ms = llround(seconds * 1000);
    if (ms <= 0) {
        snprintf(out, n, "0s");
        return;
    }
    if (ms < 1000) {
        snprintf(out, n, "%lldms", ms);
        return;
    }
    long long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
    char sec[32];
    if (frac) {
        snprintf(sec, sizeof(sec), "%lld.%03lld", s, frac);
        size_t l = strlen(sec);
        while (sec[l - 1] == '0')
            sec[--l] = '\0';
    } else {
        snprintf(sec, sizeof(sec), "%lld", s);
    }
    if (h)
        snprintf(out, n, "%lldh%lldm%ss", h, m, sec);
    else if (m)
        snprintf(out, n, "%lldm%ss", m, sec);
    else
        snprintf(out, n, "%ss", sec);
}

void sim_window_roll(struct sim_window *w, mono_ns now)
{
    if (w->start == 0 || now - w->start >= 60 * 1000000000LL) {
        w->start = now;
        w->requests = w->tokens = 0;
    }
}

double sim_window_reset_s(const struct sim_window *w, mono_ns now)
{
    double left = (double)(w->start + 60 * 1000000000LL - now) / 1e9;
    return left < 0 ? 0 : left;
}

static size_t slot_of(const struct u64map *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & mask;
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

uint32_t u64map_get(const struct u64map *m, uint64_t key)
{
    if (!m->cap)
        return 0;
    key = key ? key : 1;
    size_t i = slot_of(m, key);
    return m->keys[i] ? m->vals[i] : 0;
}

uint32_t u64map_bump(struct u64map *m, uint64_t key)
{
    key = key ? key : 1;
    if ((m->n + 1) * 2 > m->cap) {
        struct u64map old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof(uint64_t));
        m->vals = xcalloc(m->cap, sizeof(uint32_t));
        for (size_t i = 0; i < old.cap; i++) {
            if (old.keys[i]) {
                size_t j = slot_of(m, old.keys[i]);
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
            }
        }
        free(old.keys);
        free(old.vals);
    }
    size_t i = slot_of(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->vals[i] = 0;
        m->n++;
    }
    return m->vals[i]++;
}

void u64map_release(struct u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}
