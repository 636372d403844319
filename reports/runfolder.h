/* runfolder.h -- a run folder read back: run.json and the records of
 * results.jsonl, the last record per key winning (docs/records.md).
 *
 * Everything after a run (report, choose, compare, rescore, merge) starts
 * here. A torn last line (a run killed mid-write) is skipped with a
 * warning counted in `torn`; any other bad line is an error naming file
 * and line. The run owns every record and string; callers borrow. */
#ifndef ASSAY_RUNFOLDER_H
#define ASSAY_RUNFOLDER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/diag.h"

struct rec {
    const char *suite, *item, *backend;   /* borrowed from json */
    int repeat;
    int step;                   /* -1 when null (not load mode) */
    const char *status;         /* "ok", "http_error", ... */
    int ok;                     /* status == "ok" */
    int http_status;            /* 0 when null */
    int attempts;
    int cached;
    /* timing, NAN when absent */
    double ttft_ms, ttft_any_ms, e2e_ms, tpot_ms, tokens_per_s, itl_mean_ms, intended_start_ms,
           start_ms, send_lag_ms;
    /* libcurl's phases (docs/records.md), NAN when absent (older runs):
     * connect and tls are 0 on a reused connection */
    double dns_ms, connect_ms, tls_ms, first_byte_ms;
    const char *http_version;   /* "1.1", "2", ...; NULL when null or absent */
    /* usage, -1 when absent or null */
    long in_tokens, out_tokens, cached_tokens, reasoning_tokens;
    int usage_estimated;
    double cost_usd;            /* NAN when absent */
    const cJSON *scores;        /* the record's "scores" object, or NULL */
    cJSON *json;                /* the whole record (owned by the run) */
    long line;                  /* line in results.jsonl */
};

struct run {
    char *dir;
    cJSON *meta;                /* run.json, or NULL if absent */
    struct rec *recs;           /* unique keys, in first-seen order */
    size_t n;
    size_t superseded;          /* records replaced by a later one of the same key */
    size_t torn;                /* unparseable last line skipped */
};

/* Loads DIR/run.json (optional unless require_meta) and DIR/results.jsonl;
 * or, when DIR is a file, a summary written by summary_write (compare.h). */
int  run_load(const char *dir, int require_meta, struct run *r, struct diag *d);
void run_release(struct run *r);

/* Looks up a score: "rouge.rougeLsum" = scores.rouge.rougeLsum; returns 1
 * and *out for a number, 1 and 0/1 for a boolean, 0 if absent. */
int rec_score(const struct rec *x, const char *metric, double *out);

/* From run.json: the backend object named `name` (NULL if absent), and
 * the suite object (primary_metric, higher_is_better, task). */
const cJSON *run_backend(const struct run *r, const char *name);
const cJSON *run_suite(const struct run *r, const char *name);

#endif
