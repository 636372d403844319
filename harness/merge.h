/* merge.h -- `assay merge`: join the run folders of shards into one.
 *
 * Refuses (exit 2) inputs from different configs (config_hash), different
 * shard counts, the same shard twice, a record in the wrong shard, or a
 * request present in two inputs. Missing shards are allowed and recorded
 * (run.json "missing_shards"), so a partial collection can be reported;
 * a later merge with every shard replaces it. docs/sharding.md. */
#ifndef ASSAY_MERGE_H
#define ASSAY_MERGE_H

#include <stddef.h>

#include "harness/util/diag.h"

struct merge_result {
    size_t records;
    size_t shards_present;
    size_t shard_count;
    size_t missing;           /* shards not among the inputs */
};

int merge_runs(const char *const *dirs, size_t n, const char *out_dir, int force,
               struct merge_result *res, struct diag *d);

#endif
