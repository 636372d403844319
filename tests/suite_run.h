/* suite_run.h -- for the suite tests that run suites end to end: start the
 * mock on suites it should answer, run `assay run` with a strong and a
 * weak simulated model, and average each backend's primary metric. */
#ifndef ASSAY_TEST_SUITE_RUN_H
#define ASSAY_TEST_SUITE_RUN_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support/proc.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

/* How many items the mock's corpus holds when pointed at suites_dir
 * (its --check summary: "assay mock: N models, M corpus items"). */
static inline long sr_mock_corpus(const char *suites_dir)
{
    struct proc_result r;
    run_assay(&r, "mock", "--check", "--suites", suites_dir, NULL);
    long items = -1;
    const char *p = strstr(r.out, " models, ");
    if (r.status == 0 && p)
        items = strtol(p + 9, NULL, 10);
    proc_result_free(&r);
    return items;
}

struct sr_score {
    char suite[64];
    char backend[32];
    double sum;
    size_t n, failed;
};

struct sr_result {
    struct sr_score v[32];
    size_t n;
};

static inline struct sr_score *sr_slot(struct sr_result *res, const char *suite, const char *backend)
{
    for (size_t i = 0; i < res->n; i++)
        if (!strcmp(res->v[i].suite, suite) && !strcmp(res->v[i].backend, backend))
            return &res->v[i];
    if (res->n == 32)
        return NULL;
    struct sr_score *s = &res->v[res->n++];
    memset(s, 0, sizeof(*s));
    snprintf(s->suite, sizeof(s->suite), "%s", suite);
    snprintf(s->backend, sizeof(s->backend), "%s", backend);
    return s;
}

/* The mean of each (suite, backend)'s primary metric ("scorer.key", from
 * run.json) over the ok records of out/results.jsonl. */
static inline int sr_read(const char *out, struct sr_result *res)
{
    memset(res, 0, sizeof(*res));
    char *path = xasprintf("%s/run.json", out);
    cJSON *run = json_load_file(path, NULL);
    free(path);
    path = xasprintf("%s/results.jsonl", out);
    struct buf b;
    buf_init(&b, 0);
    struct diag d;
    diag_init(&d);
    int rc = file_read(path, &b, 0, &d);
    free(path);
    if (!run || rc < 0) {
        cJSON_Delete(run);
        buf_release(&b);
        return -1;
    }
    const cJSON *suites = cJSON_GetObjectItem(run, "suites");
    char *save;
    for (char *line = strtok_r(b.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        cJSON *rec = cJSON_Parse(line);
        const char *suite = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "suite"));
        const char *backend = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "backend"));
        struct sr_score *s = suite && backend ? sr_slot(res, suite, backend) : NULL;
        const char *pm = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(suites, suite ? suite : ""),
                                                                  "primary_metric"));
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "status"));
        if (s && pm && status && !strcmp(status, "ok")) {
            char scorer[64];
            snprintf(scorer, sizeof(scorer), "%.*s", (int)strcspn(pm, "."), pm);
            const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "scores"), scorer),
                                                 pm + strlen(scorer) + (pm[strlen(scorer)] == '.'));
            if (cJSON_IsNumber(v)) {
                s->sum += v->valuedouble;
                s->n++;
            } else {
                s->failed++;
            }
        } else if (s) {
            s->failed++;
        }
        cJSON_Delete(rec);
    }
    buf_release(&b);
    cJSON_Delete(run);
    return 0;
}

static inline double sr_mean(struct sr_result *res, const char *suite, const char *backend)
{
    struct sr_score *s = sr_slot(res, suite, backend);
    return s && s->n ? s->sum / (double)s->n : -1;
}

/* Starts the mock (no delays) answering suites_dir, writes a config with
 * one backend per name=model pair into dir, runs the given suites (paths
 * or names), and reads the means. Returns 0 if the run completed. */
static inline int sr_run(const char *dir, const char *suites_dir, const char *const *suites,
                         const char *const *backends, struct sr_result *res)
{
    struct mock_proc m;
    char *extra[] = { "--zero-delay", "--suites", (char *)suites_dir, NULL };
    if (mock_start(&m, extra) < 0) {
        fprintf(stderr, "cannot start the mock\n");
        return -1;
    }
    struct buf cfg;
    buf_init(&cfg, 0);
    buf_adds(&cfg, "{\"backends\": [");
    for (size_t i = 0; backends[i]; i += 2)
        buf_addf(&cfg, "%s\n {\"name\": \"%s\", \"type\": \"openai-compatible\", \"model\": \"%s\", "
                       "\"base_url\": \"%s/v1\", \"api_key_env\": \"ASSAY_MOCK_KEY\"}",
                 i ? "," : "", backends[i], backends[i + 1], m.base_url);
    buf_adds(&cfg, "],\n \"run\": {\"concurrency\": 16, \"suites\": [");
    for (size_t i = 0; suites[i]; i++)
        buf_addf(&cfg, "%s\"%s\"", i ? ", " : "", suites[i]);
    buf_adds(&cfg, "]}}\n");
    char *cfg_path = xasprintf("%s/run.json", dir);
    char *out = xasprintf("%s/out", dir);
    struct diag d;
    diag_init(&d);
    file_write_atomic(cfg_path, cfg.ptr, cfg.len, &d);
    buf_release(&cfg);
    setenv("ASSAY_MOCK_KEY", "mock", 1);
    struct proc_result r;
    run_assay(&r, "run", cfg_path, "--out", out, "--quiet", NULL);
    CHECK_MSG(r.status == 0, "assay run exited %d: %s", r.status, r.err);
    int rc = r.status == 0 ? sr_read(out, res) : -1;
    proc_result_free(&r);
    mock_stop(&m);
    free(cfg_path);
    free(out);
    return rc;
}

#endif
