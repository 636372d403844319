/* shard.h -- deterministic slices of a plan for runs across machines.
 *
 * A request belongs to shard hash64(suite, item, backend, repeat) mod N:
 * every request is in exactly one shard, and the assignment does not
 * depend on the order of suites, backends or items in the config, so
 * shards computed on different machines from the same config agree. */
#ifndef ASSAY_SHARD_H
#define ASSAY_SHARD_H

#include <stdint.h>

#include "harness/util/diag.h"

struct shard {
    uint32_t index;   /* 0-based */
    uint32_t count;   /* 1 = not sharded */
};

/* Parses "i/N" with 0 <= i < N: 0-based, like Kubernetes'
 * JOB_COMPLETION_INDEX and a Slurm array declared as 0-(N-1). */
int shard_parse(const char *text, struct shard *out, struct diag *d);
uint32_t shard_of(const char *suite, const char *item, const char *backend, int repeat,
                  uint32_t count);
int shard_contains(const struct shard *s, const char *suite, const char *item,
                   const char *backend, int repeat);

#endif
