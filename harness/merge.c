/* merge.c -- see merge.h. The merged results.jsonl holds the de-duplicated
 * records of each input (last record per key wins within a shard, as for
 * any run folder), shard by shard in index order. */
#include "merge.h"

#include "harness/shard.h"
#include "harness/util/buf.h"
#include "harness/util/clock.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/strmap.h"
#include "harness/util/xalloc.h"
#include "reports/runfolder.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *meta_str(const cJSON *meta, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int meta_shard(const cJSON *meta, struct shard *s)
{
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(meta, "shard");
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(sh, "index");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(sh, "count");
    long index = cJSON_IsNumber(i) ? json_long_or(i, -1) : 0;
    long count = cJSON_IsNumber(n) ? json_long_or(n, -1) : 1;
    if (count < 1 || count > UINT32_MAX || index < 0 || index >= count)
        return -1;
    s->index = (uint32_t)index;
    s->count = (uint32_t)count;
    return 0;
}

static double meta_num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int merge_runs(const char *const *dirs, size_t n, const char *out_dir, int force,
               struct merge_result *res, struct diag *d)
{
    memset(res, 0, sizeof(*res));
    if (n == 0)
        return diag_fail(d, "nothing to merge: give the shard folders");
    struct run *runs = xcalloc(n, sizeof(*runs));
    struct shard *shards = xcalloc(n, sizeof(*shards));
    size_t *order = xcalloc(n, sizeof(*order));
    struct strmap keys;
    strmap_init(&keys);
    struct buf out, key;   /* key: a record's key; names may be of any length */
    buf_init(&out, 0);
    buf_init(&key, 0);
    cJSON *meta = NULL;
    int rc = -1;

    for (size_t i = 0; i < n; i++) {
        if (run_load(dirs[i], 1, &runs[i], d) < 0)
            goto done;
        const char *hash = meta_str(runs[i].meta, "config_hash");
        if (!hash) {
            diag_fail_at(d, dirs[i], 0, "run.json: config_hash",
                         "missing: not a folder written by assay run");
            goto done;
        }
        if (meta_shard(runs[i].meta, &shards[i]) < 0) {
            diag_fail_at(d, dirs[i], 0, "run.json: shard", "expected {\"index\": i, \"count\": N} with i < N");
            goto done;
        }
        if (i > 0) {
            if (strcmp(hash, meta_str(runs[0].meta, "config_hash")) != 0) {
                diag_fail(d, "%s and %s come from different configs (config_hash %.12s... vs "
                          "%.12s...): shards of one run share one config",
                          dirs[0], dirs[i], meta_str(runs[0].meta, "config_hash"), hash);
                goto done;
            }
            if (shards[i].count != shards[0].count) {
                diag_fail(d, "%s is shard %u/%u but %s is shard %u/%u: shard counts differ", dirs[i],
                          shards[i].index, shards[i].count, dirs[0], shards[0].index, shards[0].count);
                goto done;
            }
            for (size_t j = 0; j < i; j++)
                if (shards[j].index == shards[i].index) {
                    diag_fail(d, "%s and %s are both shard %u/%u: overlapping shards", dirs[j],
                              dirs[i], shards[i].index, shards[i].count);
                    goto done;
                }
        }
    }
    /* Inputs in shard order. */
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && shards[order[j - 1]].index > shards[order[j]].index; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        for (size_t k = 0; k < runs[i].n; k++) {
            const struct rec *x = &runs[i].recs[k];
            if (!shard_contains(&shards[i], x->suite, x->item, x->backend, x->repeat)) {
                diag_fail_at(d, dirs[i], x->line, "results.jsonl",
                             "record %s/%s/%s/%d does not belong to shard %u/%u", x->suite, x->item,
                             x->backend, x->repeat, shards[i].index, shards[i].count);
                goto done;
            }
            buf_reset(&key);
            buf_adds(&key, x->suite);
            buf_addc(&key, '\0');
            buf_adds(&key, x->item);
            buf_addc(&key, '\0');
            buf_adds(&key, x->backend);
            buf_addf(&key, "%c%d%c%d", 0, x->repeat, 0, x->step);
            const char *prev = strmap_get(&keys, key.ptr, key.len);
            if (prev) {
                diag_fail(d, "request %s/%s/%s/%d is in both %s and %s: overlapping inputs", x->suite,
                          x->item, x->backend, x->repeat, prev, dirs[i]);
                goto done;
            }
            strmap_put(&keys, key.ptr, key.len, (void *)dirs[i]);
            char *line = cJSON_PrintUnformatted(x->json);
            buf_adds(&out, line);
            buf_addc(&out, '\n');
            free(line);
            res->records++;
        }
    }

    /* run.json: the first shard's, with the shard facts of the merge. */
    meta = cJSON_Duplicate(runs[order[0]].meta, 1);
    res->shard_count = shards[0].count;
    res->shards_present = n;
    res->missing = shards[0].count - n;
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "shard");
    cJSON *sh = cJSON_AddObjectToObject(meta, "shard");
    cJSON_AddNumberToObject(sh, "count", shards[0].count);
    cJSON *merged = cJSON_AddArrayToObject(sh, "merged");
    cJSON *missing = cJSON_AddArrayToObject(sh, "missing");
    for (uint32_t s = 0; s < shards[0].count; s++) {
        int have = 0;
        for (size_t i = 0; i < n; i++)
            have |= shards[i].index == s;
        cJSON_AddItemToArray(have ? merged : missing, cJSON_CreateNumber(s));
    }
    /* Earliest start, latest end, summed plan and summary counts. */
    const char *start = NULL, *end = NULL;
    double planned = 0;
    cJSON *sum = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++) {
        const char *s = meta_str(runs[i].meta, "started_at"), *e = meta_str(runs[i].meta, "ended_at");
        if (s && (!start || strcmp(s, start) < 0))
            start = s;
        if (e && (!end || strcmp(e, end) > 0))
            end = e;
        planned += meta_num(cJSON_GetObjectItemCaseSensitive(runs[i].meta, "plan"), "requests");
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(runs[i].meta, "summary"), *it;
        cJSON_ArrayForEach(it, rs) {
            if (!cJSON_IsNumber(it))
                continue;
            cJSON *acc = cJSON_GetObjectItemCaseSensitive(sum, it->string);
            if (acc)
                cJSON_SetNumberValue(acc, acc->valuedouble + it->valuedouble);
            else
                cJSON_AddNumberToObject(sum, it->string, it->valuedouble);
        }
    }
    if (start)
        cJSON_ReplaceItemInObjectCaseSensitive(meta, "started_at", cJSON_CreateString(start));
    if (end)
        cJSON_ReplaceItemInObjectCaseSensitive(meta, "ended_at", cJSON_CreateString(end));
    cJSON *plan = cJSON_GetObjectItemCaseSensitive(meta, "plan");
    if (cJSON_IsObject(plan))
        cJSON_ReplaceItemInObjectCaseSensitive(plan, "requests", cJSON_CreateNumber(planned));
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "summary");
    cJSON_AddItemToObject(meta, "summary", sum);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "merged_from");
    cJSON *from = cJSON_AddArrayToObject(meta, "merged_from");
    for (size_t oi = 0; oi < n; oi++)
        cJSON_AddItemToArray(from, cJSON_CreateString(dirs[order[oi]]));

    if (file_mkdirs(out_dir, d) < 0)
        goto done;
    char *results = xasprintf("%s/results.jsonl", out_dir);
    if (!force && file_exists(results)) {
        diag_fail_at(d, results, 0, NULL, "exists: merge into a new folder (or --force)");
        free(results);
        goto done;
    }
    char *text = cJSON_Print(meta);
    char *meta_path = xasprintf("%s/run.json", out_dir);
    size_t tlen = strlen(text);
    text = xrealloc(text, tlen + 2);
    memcpy(text + tlen, "\n", 2);
    rc = file_write_atomic(results, out.ptr, out.len, d);
    if (rc == 0)
        rc = file_write_atomic(meta_path, text, tlen + 1, d);
    free(text);
    free(meta_path);
    free(results);
done:
    cJSON_Delete(meta);
    for (size_t i = 0; i < n; i++)
        if (runs[i].dir)   /* run_load sets dir first, even when it fails */
            run_release(&runs[i]);
    free(runs);
    free(shards);
    free(order);
    strmap_release(&keys);
    buf_release(&out);
    buf_release(&key);
    return rc;
}
