/* load_support.h -- more helpers for the load-mode tests, on top of
 * run_support.h (files, JSONL, the mock): a value by dotted path
 * ("load.steps.0.e2e_ms.p95"), numbers as NAN when absent, medians. */
#ifndef ASSAY_TEST_LOAD_SUPPORT_H
#define ASSAY_TEST_LOAD_SUPPORT_H

#include <math.h>

#include "run_support.h"

/* A test's world: a fresh folder, the mock with its ground-truth log, and a
 * config whose one backend runs on it. */
struct ls_env {
    char *dir, *cfg, *log;     /* owned paths */
    struct mock_proc m;
};

/* Starts the mock serving profile (JSON text; NULL = the built-in models,
 * with their corpus) and writes DIR/cfg.json with backend `name`, model
 * `model`, streaming, plus `extra` (more members of the backend object,
 * "" for none). The key is run_support.h's MOCK_KEY. 0, or -1 if the
 * mock did not start. */
static inline int ls_start(struct ls_env *e, const char *prefix, const char *profile,
                           const char *name, const char *model, const char *extra)
{
    e->dir = test_tmpdir(prefix);
    char *prof = profile ? rs_write(e->dir, "profile.json", profile) : NULL;
    char *args[] = { "--no-corpus", "--profile", prof, NULL };
    if (rs_mock(&e->m, e->dir, &e->log, prof ? args : NULL) < 0)
        return -1;
    free(prof);
    size_t n = strlen(e->m.base_url) + strlen(name) + strlen(model) + strlen(extra) + 256;
    char *text = malloc(n);
    snprintf(text, n, "{\"backends\":[{\"name\":\"%s\",\"type\":\"openai-compatible\","
             "\"model\":\"%s\",\"base_url\":\"%s/v1\",\"api_key_env\":\"MOCK_KEY\","
             "\"stream\":true%s%s}]}", name, model, e->m.base_url, *extra ? "," : "", extra);
    e->cfg = rs_write(e->dir, "cfg.json", text);
    free(text);
    return 0;
}

static inline void ls_stop(struct ls_env *e)
{
    mock_stop(&e->m);
    free(e->cfg);
    free(e->log);
    free(e->dir);
}

/* DIR/name (owned). */
static inline char *ls_path(const struct ls_env *e, const char *name)
{
    size_t n = strlen(e->dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", e->dir, name);
    return p;
}

/* A whole JSON file, parsed (NULL if absent or not JSON). */
static inline cJSON *ls_json(const char *path)
{
    char *s = rs_slurp(path);
    cJSON *j = s ? cJSON_Parse(s) : NULL;
    free(s);
    return j;
}

/* The value at a dotted path ("load.steps.0.e2e_ms.p95"); NULL if absent. */
static inline const cJSON *ls_at(const cJSON *o, const char *path)
{
    char key[128];
    const char *p = path;
    while (o && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (cJSON_IsArray(o))
            o = cJSON_GetArrayItem(o, atoi(key));
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        p += n;
        if (*p == '.')
            p++;
    }
    return o;
}

static inline double ls_num(const cJSON *o, const char *path)
{
    const cJSON *v = ls_at(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static inline const char *ls_str(const cJSON *o, const char *path)
{
    const cJSON *v = ls_at(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline int ls_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of v[lo..hi) (sorts that slice of a copy). */
static inline double ls_median(const double *v, size_t lo, size_t hi)
{
    size_t n = hi - lo;
    double *c = malloc(n * sizeof(double));
    memcpy(c, v + lo, n * sizeof(double));
    qsort(c, n, sizeof(double), ls_cmp_double);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

#endif
