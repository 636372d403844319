/* runfolder.c -- see runfolder.h. Records are parsed with cJSON and
 * de-duplicated by (suite, item, backend, repeat, step) in a strmap; a
 * later record replaces an earlier one in place, so order stays the order
 * in which keys first appeared (the plan order of the original run). */
#include "runfolder.h"

#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/strmap.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static double num_or_nan(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static long long_or_neg(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return json_long_or(v, -1);
}

static const char *str_or(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

static int fill_rec(struct rec *x, cJSON *json, const char *file, long line, struct diag *d)
{
    memset(x, 0, sizeof(*x));
    x->json = json;
    x->line = line;
    const char *need[] = { "suite", "item", "backend", "status" };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, need[i]);
        if (!cJSON_IsString(v))
            return diag_fail_at(d, file, line, need[i], "expected a string, got %s",
                                json_kind(v));
    }
    x->suite = str_or(json, "suite", "");
    x->item = str_or(json, "item", "");
    x->backend = str_or(json, "backend", "");
    x->status = str_or(json, "status", "");
    x->ok = strcmp(x->status, "ok") == 0;
    long rep = long_or_neg(json, "repeat");
    x->repeat = rep < 0 ? 0 : (int)rep;
    long step = long_or_neg(json, "step");
    x->step = (int)step;
    long hs = long_or_neg(json, "http_status");
    x->http_status = hs < 0 ? 0 : (int)hs;
    x->http_version = str_or(json, "http_version", NULL);
    const cJSON *att = cJSON_GetObjectItemCaseSensitive(json, "attempts");
    x->attempts = cJSON_IsArray(att) ? cJSON_GetArraySize(att) : 1;
    x->cached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "cached"));

    const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "timing");
    x->ttft_ms = num_or_nan(t, "ttft_ms");
    x->ttft_any_ms = num_or_nan(t, "ttft_any_ms");
    x->e2e_ms = num_or_nan(t, "e2e_ms");
    x->tpot_ms = num_or_nan(t, "tpot_ms");
    x->tokens_per_s = num_or_nan(t, "output_tokens_per_s");
    x->intended_start_ms = num_or_nan(t, "intended_start_ms");
    x->start_ms = num_or_nan(t, "start_ms");
    x->send_lag_ms = num_or_nan(t, "send_lag_ms");
    x->itl_mean_ms = num_or_nan(cJSON_GetObjectItemCaseSensitive(t, "itl_ms"), "mean");
    x->dns_ms = num_or_nan(t, "dns_ms");
    x->connect_ms = num_or_nan(t, "connect_ms");
    x->tls_ms = num_or_nan(t, "tls_ms");
    x->first_byte_ms = num_or_nan(t, "first_byte_ms");

    const cJSON *u = cJSON_GetObjectItemCaseSensitive(json, "usage");
    x->in_tokens = long_or_neg(u, "input");
    x->out_tokens = long_or_neg(u, "output");
    x->cached_tokens = long_or_neg(u, "cached_input");
    x->reasoning_tokens = long_or_neg(u, "reasoning");
    x->usage_estimated = strcmp(str_or(u, "source", "reported"), "estimated") == 0;
    x->cost_usd = num_or_nan(cJSON_GetObjectItemCaseSensitive(json, "cost"), "usd");
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(json, "scores");
    x->scores = cJSON_IsObject(sc) ? sc : NULL;
    return 0;
}

static size_t make_key(char *out, size_t n, const struct rec *x)
{
    int w = snprintf(out, n, "%s%c%s%c%s%c%d%c%d", x->suite, 0, x->item, 0, x->backend, 0,
                     x->repeat, 0, x->step);
    return w < 0 ? 0 : ((size_t)w < n ? (size_t)w : n - 1);
}

/* Adds a record, replacing an earlier one with the same key in place. */
static void add_record(struct run *r, struct strmap *keys, size_t *cap, const struct rec *x)
{
    char key[1024];
    size_t klen = make_key(key, sizeof(key), x);
    void *slot = strmap_get(keys, key, klen);
    if (slot) {
        size_t idx = (size_t)(uintptr_t)slot - 1;
        cJSON_Delete(r->recs[idx].json);
        r->recs[idx] = *x;
        r->superseded++;
        return;
    }
    XGROW(r->recs, *cap, r->n + 1);
    r->recs[r->n++] = *x;
    strmap_put(keys, key, klen, (void *)(uintptr_t)r->n);
}

/* A summary file (summary_write): {"kind": "assay-summary", "meta": run.json,
 * "records": [slim records]}. */
static int load_summary(const char *path, struct run *r, struct diag *d)
{
    cJSON *root = json_load_file(path, d);
    if (!root)
        return -1;
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    cJSON *records = cJSON_GetObjectItemCaseSensitive(root, "records");
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "assay-summary") != 0 ||
        !cJSON_IsArray(records)) {
        cJSON_Delete(root);
        return diag_fail_at(d, path, 0, NULL, "not a run folder nor an assay summary file "
                            "(expected a directory with run.json, or {\"kind\": \"assay-summary\"})");
    }
    r->meta = cJSON_DetachItemFromObjectCaseSensitive(root, "meta");
    struct strmap keys;
    strmap_init(&keys);
    size_t cap = 0;
    int rc = 0;
    long i = 0;
    while (records->child) {
        cJSON *json = cJSON_DetachItemViaPointer(records, records->child);
        char where[64];
        snprintf(where, sizeof(where), "records[%ld]", i++);
        struct rec x;
        if (!cJSON_IsObject(json) || fill_rec(&x, json, path, 0, d) < 0) {
            if (!d || !d->set)
                diag_fail_at(d, path, 0, where, "expected a record object");
            cJSON_Delete(json);
            rc = -1;
            break;
        }
        add_record(r, &keys, &cap, &x);
    }
    strmap_release(&keys);
    cJSON_Delete(root);
    return rc;
}

int run_load(const char *dir, int require_meta, struct run *r, struct diag *d)
{
    memset(r, 0, sizeof(*r));
    r->dir = xstrdup(dir);
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode))
        return load_summary(dir, r, d);
    char *meta_path = xasprintf("%s/run.json", dir);
    if (file_exists(meta_path)) {
        r->meta = json_load_file(meta_path, d);
        if (!r->meta) {
            free(meta_path);
            return -1;
        }
    } else if (require_meta) {
        diag_fail_at(d, meta_path, 0, NULL, "missing: not a run folder (expected run.json)");
        free(meta_path);
        return -1;
    }
    free(meta_path);

    char *path = xasprintf("%s/results.jsonl", dir);
    struct buf b;
    buf_init(&b, 0);
    if (file_read(path, &b, 0, d) < 0) {
        buf_release(&b);
        free(path);
        return -1;
    }
    struct strmap keys;
    strmap_init(&keys);
    size_t cap = 0, pos = 0;
    long line = 0;
    int rc = 0;
    while (pos < b.len) {
        line++;
        const char *start = b.ptr + pos;
        const char *nl = memchr(start, '\n', b.len - pos);
        size_t len = nl ? (size_t)(nl - start) : b.len - pos;
        pos += len + (nl ? 1 : 0);
        if (len == 0)
            continue;
        struct diag pd;
        diag_init(&pd);
        cJSON *json = json_parse_located(start, len, path, line, &pd);
        if (!json) {
            if (!nl) {   /* the last line, cut short by a crash */
                r->torn++;
                break;
            }
            rc = diag_fail_pos(d, path, pd.line, pd.col, NULL, "unreadable record: %s", pd.msg);
            break;
        }
        struct rec x;
        if (fill_rec(&x, json, path, line, d) < 0) {
            cJSON_Delete(json);
            rc = -1;
            break;
        }
        add_record(r, &keys, &cap, &x);
    }
    strmap_release(&keys);
    buf_release(&b);
    free(path);
    return rc;
}

void run_release(struct run *r)
{
    for (size_t i = 0; i < r->n; i++)
        cJSON_Delete(r->recs[i].json);
    free(r->recs);
    cJSON_Delete(r->meta);
    free(r->dir);
    memset(r, 0, sizeof(*r));
}

int rec_score(const struct rec *x, const char *metric, double *out)
{
    if (!x->scores)
        return 0;
    const char *dot = strchr(metric, '.');
    const cJSON *v;
    if (dot) {
        char inst[128];
        snprintf(inst, sizeof(inst), "%.*s", (int)(dot - metric), metric);
        v = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(x->scores, inst), dot + 1);
    } else {
        v = cJSON_GetObjectItemCaseSensitive(x->scores, metric);
    }
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 1;
    }
    if (cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1.0 : 0.0;
        return 1;
    }
    return 0;
}

static const cJSON *named(const cJSON *arr_or_obj, const char *name)
{
    if (cJSON_IsObject(arr_or_obj))
        return cJSON_GetObjectItemCaseSensitive(arr_or_obj, name);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr_or_obj) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return it;
    }
    return NULL;
}

const cJSON *run_backend(const struct run *r, const char *name)
{
    return r->meta ? named(cJSON_GetObjectItemCaseSensitive(r->meta, "backends"), name) : NULL;
}

const cJSON *run_suite(const struct run *r, const char *name)
{
    return r->meta ? named(cJSON_GetObjectItemCaseSensitive(r->meta, "suites"), name) : NULL;
}
