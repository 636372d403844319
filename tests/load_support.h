/* load_support.h -- helpers for the load-mode tests: write a file into a
 * test folder, read JSON and JSONL back, reach a number by a dotted path,
 * medians of a slice. Tests only; everything aborts on I/O errors. */
#ifndef ASSAY_TEST_LOAD_SUPPORT_H
#define ASSAY_TEST_LOAD_SUPPORT_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "harness/util/fileio.h"

static inline char *ls_write(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

struct ls_lines {
    cJSON **v;
    size_t n;
};

/* Every line of a JSONL file, parsed (a line that does not parse is NULL). */
static inline struct ls_lines ls_jsonl(const char *path)
{
    struct ls_lines l = { NULL, 0 };
    struct buf b = BUF_INIT;
    struct diag d;
    diag_init(&d);
    if (file_read(path, &b, 0, &d) < 0)
        return l;
    size_t cap = 0;
    char *p = b.ptr;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p) {
            if (l.n == cap) {
                cap = cap ? cap * 2 : 64;
                l.v = realloc(l.v, cap * sizeof(*l.v));
            }
            l.v[l.n++] = cJSON_Parse(p);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    buf_release(&b);
    return l;
}

static inline void ls_lines_free(struct ls_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        cJSON_Delete(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static inline cJSON *ls_json(const char *path)
{
    struct buf b = BUF_INIT;
    struct diag d;
    diag_init(&d);
    if (file_read(path, &b, 0, &d) < 0)
        return NULL;
    cJSON *j = cJSON_Parse(b.ptr);
    buf_release(&b);
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
