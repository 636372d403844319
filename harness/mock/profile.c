/* profile.c -- see profile.h. The loader is strict: unknown keys (with a
 * "did you mean"), wrong types and out-of-range numbers are errors naming
 * the profile and the JSON path, so a typo never silently does nothing. */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"
#include "mock_embedded.h"   /* generated: mock_default_profile_json */

const char *const mock_fault_names[FAULT__COUNT] = {
    "none", "http_429", "http_500", "http_503", "drop", "malformed", "stall", "stream_error",
};

int mock_fault_parse(const char *name)
{
    for (int i = 0; i < FAULT__COUNT; i++)
        if (strcmp(mock_fault_names[i], name) == 0)
            return i;
    return -1;
}

void profile_init(struct mock_profile *p)
{
    memset(p, 0, sizeof(*p));
}

const char *profile_builtin(const char *name)
{
    if (strcmp(name, "default") == 0)
        return mock_default_profile_json;
    return NULL;
}

static void model_defaults(struct mock_model *m)
{
    memset(m, 0, sizeof(*m));
    m->quality_default = 0.7;
    m->ttft_ms = 200;
    m->per_input_token_ms = 0.05;
    m->ttft_jitter_ms = 20;
    m->ttft_jitter_sigma = 0.5;
    m->itl_ms = 20;
    m->itl_jitter = 0.2;
    m->output_tokens = 80;
    m->capacity = 0;
    m->queue_limit = 0;
    m->retry_after_s = 1;
    m->stall_s = 3600;
    m->reasoning_field = xstrdup("reasoning_content");
    m->pipeline = xstrdup("auto");
}

static void model_release(struct mock_model *m)
{
    free(m->name);
    for (size_t i = 0; i < m->n_aliases; i++)
        free(m->aliases[i]);
    free(m->aliases);
    free(m->description);
    for (size_t i = 0; i < m->n_quality; i++)
        free(m->quality[i].family);
    free(m->quality);
    free(m->reasoning_field);
    free(m->pipeline);
}

static int num(const cJSON *o, const char *key, const char *file, const char *path,
               double min, double max, double *out, struct diag *d)
{
    return jv_number(o, key, file, path, 0, min, max, out, d);
}

static int load_quality(struct mock_model *m, const cJSON *q, const char *file,
                        const char *path, struct diag *d)
{
    if (cJSON_IsNumber(q)) {
        if (q->valuedouble < 0 || q->valuedouble > 1)
            return diag_fail_at(d, file, 0, path, "expected a number from 0 to 1, got %g",
                                q->valuedouble);
        m->quality_default = q->valuedouble;
        return 0;
    }
    if (!cJSON_IsObject(q))
        return diag_fail_at(d, file, 0, path,
                            "expected a number or an object of task family -> level, got %s",
                            json_kind(q));
    int rc = 0;
    for (const cJSON *it = q->child; it; it = it->next) {
        double v;
        if (jv_number(q, it->string, file, path, 1, 0, 1, &v, d) < 0) {
            rc = -1;
            continue;
        }
        if (strcmp(it->string, "default") == 0) {
            m->quality_default = v;
            continue;
        }
        m->quality = xrealloc(m->quality, (m->n_quality + 1) * sizeof(*m->quality));
        m->quality[m->n_quality].family = xstrdup(it->string);
        m->quality[m->n_quality].level = v;
        m->n_quality++;
    }
    return rc;
}

static int load_model(struct mock_model *m, const cJSON *o, const char *file, const char *path,
                      struct diag *d)
{
    static const char *const keys[] = {
        "name", "aliases", "description", "quality", "latency", "output_tokens", "capacity",
        "queue_limit", "reasoning", "faults", "rate_limits", "prompt_cache", "cold_start_s",
        "pipeline", NULL,
    };
    static const char *const lat_keys[] = {
        "ttft_ms", "per_input_token_ms", "ttft_jitter_ms", "ttft_jitter_sigma", "itl_ms",
        "itl_jitter", NULL,
    };
    static const char *const rsn_keys[] = { "tokens", "field", NULL };
    static const char *const rl_keys[] = {
        "requests_per_minute", "tokens_per_minute", "enforce", NULL,
    };
    char sub[256];
    int rc = 0;
    if (!cJSON_IsObject(o))
        return diag_fail_at(d, file, 0, path, "expected an object, got %s", json_kind(o));
    if (jv_known_keys(o, keys, file, path, d) < 0)
        rc = -1;

    const char *s;
    if (jv_string(o, "name", file, path, 1, &s, d) < 0)
        return -1;
    if (!*s) {
        jpath_key(sub, sizeof(sub), path, "name");
        return diag_fail_at(d, file, 0, sub, "expected a non-empty model name");
    }
    m->name = xstrdup(s);
    const cJSON *arr = NULL;
    if (jv_array(o, "aliases", file, path, 0, &arr, d) < 0) {
        rc = -1;
    } else if (arr) {
        jpath_key(sub, sizeof(sub), path, "aliases");
        size_t i = 0;
        for (const cJSON *it = arr->child; it; it = it->next, i++) {
            if (!cJSON_IsString(it) || !*it->valuestring) {
                char ip[256];
                jpath_index(ip, sizeof(ip), sub, i);
                rc = diag_fail_at(d, file, 0, ip, "expected a non-empty string, got %s",
                                  json_kind(it));
                continue;
            }
            m->aliases = xrealloc(m->aliases, (m->n_aliases + 1) * sizeof(char *));
            m->aliases[m->n_aliases++] = xstrdup(it->valuestring);
        }
    }
    s = NULL;
    if (jv_string(o, "description", file, path, 0, &s, d) < 0)
        rc = -1;
    else if (s)
        m->description = xstrdup(s);

    const cJSON *q = cJSON_GetObjectItemCaseSensitive(o, "quality");
    if (q) {
        jpath_key(sub, sizeof(sub), path, "quality");
        if (load_quality(m, q, file, sub, d) < 0)
            rc = -1;
    }

    const cJSON *lat = NULL;
    if (jv_object(o, "latency", file, path, 0, &lat, d) < 0) {
        rc = -1;
    } else if (lat) {
        jpath_key(sub, sizeof(sub), path, "latency");
        if (jv_known_keys(lat, lat_keys, file, sub, d) < 0)
            rc = -1;
        if (num(lat, "ttft_ms", file, sub, 0, 3.6e6, &m->ttft_ms, d) < 0 ||
            num(lat, "per_input_token_ms", file, sub, 0, 1e4, &m->per_input_token_ms, d) < 0 ||
            num(lat, "ttft_jitter_ms", file, sub, 0, 3.6e6, &m->ttft_jitter_ms, d) < 0 ||
            num(lat, "ttft_jitter_sigma", file, sub, 0, 5, &m->ttft_jitter_sigma, d) < 0 ||
            num(lat, "itl_ms", file, sub, 0, 6e4, &m->itl_ms, d) < 0 ||
            num(lat, "itl_jitter", file, sub, 0, 5, &m->itl_jitter, d) < 0)
            rc = -1;
    }
    if (num(o, "output_tokens", file, path, 1, 1e5, &m->output_tokens, d) < 0 ||
        jv_int(o, "capacity", file, path, 0, 0, 1000000, &m->capacity, d) < 0 ||
        jv_int(o, "queue_limit", file, path, 0, 0, 10000000, &m->queue_limit, d) < 0 ||
        num(o, "cold_start_s", file, path, 0, 3600, &m->cold_start_s, d) < 0 ||
        jv_bool(o, "prompt_cache", file, path, 0, &m->prompt_cache, d) < 0)
        rc = -1;

    s = NULL;
    if (jv_string(o, "pipeline", file, path, 0, &s, d) < 0) {
        rc = -1;
    } else if (s) {
        static const char *const pipes[] = { "auto", "summarization", "translation",
                                             "text-generation", NULL };
        int ok = 0;
        for (int i = 0; pipes[i]; i++)
            ok |= strcmp(pipes[i], s) == 0;
        if (!ok) {
            jpath_key(sub, sizeof(sub), path, "pipeline");
            rc = diag_fail_at(d, file, 0, sub,
                              "expected auto, summarization, translation or text-generation, "
                              "got \"%s\"", s);
        } else {
            free(m->pipeline);
            m->pipeline = xstrdup(s);
        }
    }

    const cJSON *rsn = NULL;
    if (jv_object(o, "reasoning", file, path, 0, &rsn, d) < 0) {
        rc = -1;
    } else if (rsn) {
        jpath_key(sub, sizeof(sub), path, "reasoning");
        if (jv_known_keys(rsn, rsn_keys, file, sub, d) < 0 ||
            jv_int(rsn, "tokens", file, sub, 0, 0, 100000, &m->reasoning_tokens, d) < 0)
            rc = -1;
        s = NULL;
        if (jv_string(rsn, "field", file, sub, 0, &s, d) < 0) {
            rc = -1;
        } else if (s) {
            if (strcmp(s, "reasoning_content") != 0 && strcmp(s, "reasoning") != 0) {
                char fp[256];
                jpath_key(fp, sizeof(fp), sub, "field");
                rc = diag_fail_at(d, file, 0, fp,
                                  "expected \"reasoning_content\" or \"reasoning\", got \"%s\"", s);
            } else {
                free(m->reasoning_field);
                m->reasoning_field = xstrdup(s);
            }
        }
    }

    const cJSON *f = NULL;
    if (jv_object(o, "faults", file, path, 0, &f, d) < 0) {
        rc = -1;
    } else if (f) {
        jpath_key(sub, sizeof(sub), path, "faults");
        static const char *const fkeys[] = { "http_429", "http_500", "http_503", "drop",
                                             "malformed", "stall", "stream_error",
                                             "retry_after_s", "stall_s", NULL };
        if (jv_known_keys(f, fkeys, file, sub, d) < 0)
            rc = -1;
        double total = 0;
        for (int k = 1; k < FAULT__COUNT; k++) {
            if (num(f, mock_fault_names[k], file, sub, 0, 1, &m->fault_rate[k], d) < 0)
                rc = -1;
            total += m->fault_rate[k];
        }
        if (total > 1.0 + 1e-9)
            rc = diag_fail_at(d, file, 0, sub, "fault rates add up to %g; at most 1", total);
        if (num(f, "retry_after_s", file, sub, 0, 86400, &m->retry_after_s, d) < 0 ||
            num(f, "stall_s", file, sub, 0, 86400, &m->stall_s, d) < 0)
            rc = -1;
    }

    const cJSON *rl = NULL;
    if (jv_object(o, "rate_limits", file, path, 0, &rl, d) < 0) {
        rc = -1;
    } else if (rl) {
        jpath_key(sub, sizeof(sub), path, "rate_limits");
        if (jv_known_keys(rl, rl_keys, file, sub, d) < 0 ||
            jv_int(rl, "requests_per_minute", file, sub, 0, 0, 1000000000, &m->rpm, d) < 0 ||
            jv_int(rl, "tokens_per_minute", file, sub, 0, 0, 1000000000000L, &m->tpm, d) < 0 ||
            jv_bool(rl, "enforce", file, sub, 0, &m->enforce_limits, d) < 0)
            rc = -1;
    }
    return rc;
}

static int name_taken(const struct mock_profile *p, const char *name)
{
    return profile_find(p, name) != NULL;
}

int profile_load_text(struct mock_profile *p, const char *text, size_t n, const char *file,
                      struct diag *d)
{
    cJSON *root = json_parse_located(text, n, file, 1, d);
    if (!root)
        return -1;
    int rc = 0;
    static const char *const keys[] = { "default_model", "models", "description", NULL };
    if (!cJSON_IsObject(root)) {
        rc = diag_fail_at(d, file, 0, "", "expected an object with \"models\", got %s",
                          json_kind(root));
        goto out;
    }
    if (jv_known_keys(root, keys, file, "", d) < 0)
        rc = -1;
    const char *s = NULL;
    if (jv_string(root, "description", file, "", 0, &s, d) < 0)
        rc = -1;
    s = NULL;
    if (jv_string(root, "default_model", file, "", 0, &s, d) < 0) {
        rc = -1;
    }
    const char *default_model = s;
    const cJSON *models = NULL;
    if (jv_array(root, "models", file, "", 1, &models, d) < 0) {
        rc = -1;
        goto out;
    }
    if (!models->child) {
        rc = diag_fail_at(d, file, 0, "models", "expected at least one model");
        goto out;
    }
    size_t i = 0;
    for (const cJSON *it = models->child; it; it = it->next, i++) {
        char path[256];
        jpath_index(path, sizeof(path), "models", i);
        struct mock_model m;
        model_defaults(&m);
        if (load_model(&m, it, file, path, d) < 0) {
            model_release(&m);
            rc = -1;
            continue;
        }
        const char *clash = name_taken(p, m.name) ? m.name : NULL;
        for (size_t a = 0; !clash && a < m.n_aliases; a++)
            if (name_taken(p, m.aliases[a]) || strcmp(m.aliases[a], m.name) == 0)
                clash = m.aliases[a];
        if (clash) {
            char np[256];
            jpath_key(np, sizeof(np), path, "name");
            rc = diag_fail_at(d, file, 0, np, "model name \"%s\" is already defined", clash);
            model_release(&m);
            continue;
        }
        p->models = xrealloc(p->models, (p->n + 1) * sizeof(*p->models));
        p->models[p->n++] = m;
    }
    if (rc == 0 && default_model) {
        if (!profile_find(p, default_model))
            rc = diag_fail_at(d, file, 0, "default_model", "no model named \"%s\" in the profile",
                              default_model);
        else {
            free(p->default_model);
            p->default_model = xstrdup(default_model);
        }
    }
out:
    cJSON_Delete(root);
    return rc;
}

int profile_load(struct mock_profile *p, const char *spec, struct diag *d)
{
    FILE *f = fopen(spec, "rb");
    if (f) {
        fclose(f);
        struct buf b = BUF_INIT;
        if (file_read(spec, &b, 64 << 20, d) < 0) {
            buf_release(&b);
            return -1;
        }
        int rc = profile_load_text(p, b.ptr, b.len, spec, d);
        buf_release(&b);
        return rc;
    }
    const char *text = profile_builtin(spec);
    if (text) {
        char name[64];
        snprintf(name, sizeof(name), "<built-in profile %s>", spec);
        return profile_load_text(p, text, strlen(text), name, d);
    }
    return diag_fail_at(d, spec, 0, NULL,
                        "no such profile file (and no built-in profile of that name; "
                        "built-in: default)");
}

const struct mock_model *profile_find(const struct mock_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct mock_model *m = &p->models[i];
        if (strcmp(m->name, name) == 0)
            return m;
        for (size_t a = 0; a < m->n_aliases; a++)
            if (strcmp(m->aliases[a], name) == 0)
                return m;
    }
    return NULL;
}

const struct mock_model *profile_default_model(const struct mock_profile *p)
{
    if (p->default_model)
        return profile_find(p, p->default_model);
    return p->n ? &p->models[0] : NULL;
}

double profile_quality(const struct mock_model *m, const char *family)
{
    if (family)
        for (size_t i = 0; i < m->n_quality; i++)
            if (strcmp(m->quality[i].family, family) == 0)
                return m->quality[i].level;
    return m->quality_default;
}

void profile_zero_delay(struct mock_profile *p)
{
    for (size_t i = 0; i < p->n; i++) {
        struct mock_model *m = &p->models[i];
        m->ttft_ms = m->per_input_token_ms = m->ttft_jitter_ms = 0;
        m->itl_ms = 0;
        m->cold_start_s = 0;
    }
}

void profile_release(struct mock_profile *p)
{
    for (size_t i = 0; i < p->n; i++)
        model_release(&p->models[i]);
    free(p->models);
    free(p->default_model);
    profile_init(p);
}
