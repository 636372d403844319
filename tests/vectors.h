/* vectors.h -- test support for ../shared/metric-vectors (header only):
 * loading an expected-value file and a JSONL corpus the way its
 * `conventions` say (hyps in file order; refs[k][i] = item i's k-th
 * reference, NULL when the item has fewer), and comparing numbers the way
 * the README asks (floats within 1e-9, integers exactly), reporting the
 * run id and item id of every mismatch.
 *
 * Tests using it call require_shared() first (skip without ../shared). */
#ifndef ASSAY_TEST_VECTORS_H
#define ASSAY_TEST_VECTORS_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness/util/jsonv.h"
#include "support/proc.h"

#define VEC_EPS 1e-9

struct vitem {
    const char *id;
    const char *hyp;
    const char **refs;   /* max_refs entries, NULL-padded */
    size_t nrefs;        /* this item's own references */
};

struct vcorpus {
    cJSON *root;         /* owns every string below */
    struct vitem *items;
    size_t n;
    size_t max_refs;
    int nrefs_sig;       /* references per segment, -1 if it varies */
};

/* Parses ../shared/metric-vectors/NAME; exits the test on failure. */
static inline cJSON *vec_load_json(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/metric-vectors/%s", require_shared(), name);
    struct diag d;
    diag_init(&d);
    cJSON *root = json_load_file(path, &d);
    if (!root) {
        diag_print(&d, stderr);
        exit(1);
    }
    return root;
}

static inline int vec_corpus_item(cJSON *obj, long line, void *ud, struct diag *d)
{
    (void)line;
    (void)d;
    cJSON *arr = ud;
    cJSON_AddItemToArray(arr, obj);
    return 0;
}

/* Loads a corpus. hyp_key/refs_key: "hyp"/"refs" (or "prediction"/"answers"). */
static inline void vec_load_corpus(const char *name, const char *hyp_key, const char *refs_key,
                                   struct vcorpus *c)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/metric-vectors/%s", require_shared(), name);
    memset(c, 0, sizeof(*c));
    c->root = cJSON_CreateArray();
    struct diag d;
    diag_init(&d);
    if (jsonl_read(path, vec_corpus_item, c->root, &d) < 0) {
        diag_print(&d, stderr);
        exit(1);
    }
    c->n = (size_t)cJSON_GetArraySize(c->root);
    c->items = calloc(c->n ? c->n : 1, sizeof(*c->items));
    size_t i = 0;
    const cJSON *obj;
    cJSON_ArrayForEach(obj, c->root) {
        const cJSON *refs = cJSON_GetObjectItemCaseSensitive(obj, refs_key);
        size_t k = (size_t)cJSON_GetArraySize(refs);
        if (k > c->max_refs)
            c->max_refs = k;
        c->items[i].nrefs = k;
        i++;
    }
    c->nrefs_sig = c->n ? (int)c->items[0].nrefs : 0;
    i = 0;
    cJSON_ArrayForEach(obj, c->root) {
        struct vitem *it = &c->items[i++];
        it->id = cJSON_GetObjectItemCaseSensitive(obj, "id")->valuestring;
        it->hyp = cJSON_GetObjectItemCaseSensitive(obj, hyp_key)->valuestring;
        it->refs = calloc(c->max_refs + 1, sizeof(*it->refs));
        size_t k = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(obj, refs_key))
            it->refs[k++] = r->valuestring;
        if ((int)it->nrefs != c->nrefs_sig)
            c->nrefs_sig = -1;
    }
}

static inline void vec_free_corpus(struct vcorpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].refs);
    free(c->items);
    cJSON_Delete(c->root);
}

/* ===== comparisons: each reports "run ... item ...: field" ===== */

static int vec_mismatches;

static inline void vec_fail(const char *run, const char *item, const char *field, const char *fmt,
                            ...) __attribute__((format(printf, 4, 5)));
static inline void vec_fail(const char *run, const char *item, const char *field, const char *fmt,
                            ...)
{
    check_count_++;
    check_failures_++;
    if (++vec_mismatches > 40)
        return;   /* the first ones are what matters */
    fprintf(stderr, "MISMATCH run %s item %s: %s: ", run, item ? item : "(corpus)", field);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static inline double vec_num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static inline void vec_float(const char *run, const char *item, const char *field, double got,
                             double want)
{
    check_count_++;
    if (!(fabs(got - want) <= VEC_EPS))
        vec_fail(run, item, field, "got %.17g, expected %.17g", got, want);
}

static inline void vec_int(const char *run, const char *item, const char *field, double got,
                           double want)
{
    check_count_++;
    if (got != want)
        vec_fail(run, item, field, "got %.17g, expected %.17g (exactly)", got, want);
}

static inline void vec_str(const char *run, const char *item, const char *field, const char *got,
                           const char *want)
{
    check_count_++;
    if (!got || !want || strcmp(got, want) != 0)
        vec_fail(run, item, field, "got \"%s\", expected \"%s\"", got ? got : "(null)",
                 want ? want : "(null)");
}

/* Element i of an array member, as a number. */
static inline double vec_at(const cJSON *obj, const char *key, int i)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    const cJSON *v = cJSON_GetArrayItem(a, i);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static inline int vec_bool(const cJSON *obj, const char *key, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

static inline const char *vec_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Every key of run["options"] must be in known (NULL-terminated): a new
 * option in a later vector set fails loudly instead of being ignored. */
static inline int vec_options_known(const char *run, const cJSON *options, const char *const *known)
{
    const cJSON *o;
    int ok = 1;
    cJSON_ArrayForEach(o, options) {
        int found = 0;
        for (size_t i = 0; known[i]; i++)
            found |= strcmp(o->string, known[i]) == 0;
        if (!found) {
            vec_fail(run, NULL, "options", "unknown option \"%s\"", o->string);
            ok = 0;
        }
    }
    return ok;
}

#endif
