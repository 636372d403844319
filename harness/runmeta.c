/* runmeta.c -- see runmeta.h. Field order is part of the output (the
 * files are diffed and read by people), so each builder adds its keys in
 * the order docs/records.md lists them. */
#define _GNU_SOURCE
#include "runmeta.h"
#include "version.h"
#include "harness/util/buf.h"
#include "harness/util/clock.h"
#include "harness/util/fileio.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void runmeta_new_id(char *out, size_t n)
{
    int64_t wall = clock_wall_ns();
    time_t secs = (time_t)(wall / 1000000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char ts[32];
    strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
    /* Two runs started in the same second differ by the pid or the ns. */
    uint64_t salt[2] = { (uint64_t)wall, (uint64_t)getpid() };
    snprintf(out, n, "%s-%04x", ts, (unsigned)(hash64(salt, sizeof(salt), 7) & 0xffff));
}

static void add_string_or_null(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

cJSON *runmeta_head(const char *run_id, const char *mode, const struct config *cfg,
                    const char *started_at)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "schema", 1);
    cJSON_AddStringToObject(o, "run_id", run_id);
    if (mode)
        cJSON_AddStringToObject(o, "mode", mode);
    cJSON *tool = cJSON_AddObjectToObject(o, "tool");
    cJSON_AddStringToObject(tool, "name", "assay");
    cJSON_AddStringToObject(tool, "version", ASSAY_VERSION);
    cJSON_AddStringToObject(tool, "libcurl", curl_version_info(CURLVERSION_NOW)->version);
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    cJSON_AddStringToObject(o, "host", host);
    cJSON_AddStringToObject(o, "config_file", cfg->file);
    cJSON_AddStringToObject(o, "config_hash", cfg->hash);
    cJSON_AddStringToObject(o, "started_at", started_at);
    return o;
}

void runmeta_add_ended_at(cJSON *o)
{
    char end[40];
    clock_format_rfc3339(clock_wall_ns(), end, sizeof(end));
    cJSON_AddStringToObject(o, "ended_at", end);
}

cJSON *runmeta_suite_json(const struct suite *s)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "task", s->task ? s->task : "");
    cJSON_AddStringToObject(x, "file", s->file ? s->file : "");
    add_string_or_null(x, "primary_metric", s->primary_metric);
    cJSON_AddBoolToObject(x, "higher_is_better", s->higher_is_better);
    cJSON_AddNumberToObject(x, "items", (double)s->data.n);
    return x;
}

cJSON *runmeta_pricing_json(const struct pricing *p)
{
    if (!p->set)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "input_per_mtok", p->input_per_mtok);
    cJSON_AddNumberToObject(o, "cached_input_per_mtok", p->cached_input_per_mtok);
    cJSON_AddNumberToObject(o, "output_per_mtok", p->output_per_mtok);
    cJSON_AddNumberToObject(o, "per_request", p->per_request);
    cJSON_AddNumberToObject(o, "per_hour", p->per_hour);
    add_string_or_null(o, "as_of", p->as_of[0] ? p->as_of : NULL);
    return o;
}

cJSON *runmeta_backend_json(const struct backend_conf *b)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "name", b->name);
    cJSON_AddStringToObject(x, "type", b->type);
    cJSON_AddStringToObject(x, "model", b->model);
    cJSON_AddStringToObject(x, "base_url", b->base_url);
    add_string_or_null(x, "api_key_env", b->api_key_env);
    cJSON_AddBoolToObject(x, "stream", b->stream);
    cJSON_AddItemToObject(x, "pricing", runmeta_pricing_json(&b->pricing));
    cJSON_AddItemToObject(x, "attributes", b->attributes ? cJSON_Duplicate(b->attributes, 1)
                                                         : cJSON_CreateObject());
    return x;
}

int runmeta_write(const char *dir, cJSON *o, struct diag *d)
{
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    struct buf out = BUF_INIT;
    buf_adds(&out, text);
    buf_addc(&out, '\n');
    cJSON_free(text);
    char *path = xasprintf("%s/run.json", dir);
    int rc = file_write_atomic(path, out.ptr, out.len, d);
    free(path);
    buf_release(&out);
    return rc;
}
