/* config.c -- loading and validating the run configuration.
 *
 * Three passes over one parsed tree: (1) a copy as written, with literal
 * secrets in header values redacted, kept for run.json and hashed;
 * (2) ${VAR} / ${VAR:-default} substitution in every string; (3) typed
 * validation into struct config. Every problem is reported (diag echo
 * mode) with the file and the JSON path; the load fails once at the end,
 * so a user fixes a config in one round. Defaults live in the table of
 * docs/config.md and in the DEFAULT_* constants below. */
#define _GNU_SOURCE
#include "config.h"
#include "backends/backend.h"
#include "harness/util/buf.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DEFAULT_REPEATS 1
#define DEFAULT_CONCURRENCY 8
#define DEFAULT_MAX_ATTEMPTS 3
#define DEFAULT_BASE_MS 500
#define DEFAULT_CAP_MS 20000
#define DEFAULT_MAX_WAIT_MS 120000
#define DEFAULT_CONNECT_MS 10000
#define DEFAULT_FIRST_TOKEN_MS 120000
#define DEFAULT_TOTAL_MS 600000
#define DEFAULT_IDLE_MS 60000
#define DEFAULT_BOTTLENECK_LAG_MS 5.0

struct ctx {
    const char *file;
    const char *dir;
    struct diag *d;
};

/* === pass 1: the config as written, secrets redacted ====================== */

static int secret_header(const char *name)
{
    static const char *const words[] = { "auth", "key", "token", "secret", "cookie",
                                         "password", NULL };
    for (size_t i = 0; words[i]; i++)
        if (strcasestr(name, words[i]))
            return 1;
    return 0;
}

static void redact_headers(cJSON *root)
{
    cJSON *backends = cJSON_GetObjectItemCaseSensitive(root, "backends");
    cJSON *b;
    cJSON_ArrayForEach(b, backends) {
        cJSON *h = cJSON_GetObjectItemCaseSensitive(b, "headers");
        cJSON *it;
        cJSON_ArrayForEach(it, h) {
            if (cJSON_IsString(it) && it->string && secret_header(it->string) &&
                !strstr(it->valuestring, "${"))
                cJSON_SetValuestring(it, "<redacted>");
        }
    }
}

/* === pass 2: ${VAR} substitution ========================================== */

/* Returns the substituted string (owned), or NULL after reporting. */
static char *substitute(const char *s, const struct ctx *c, const char *path)
{
    if (!strstr(s, "${"))
        return NULL;   /* nothing to do: caller keeps s */
    struct buf out;
    buf_init(&out, 0);
    const char *p = s;
    while (*p) {
        const char *open = strstr(p, "${");
        if (!open) {
            buf_adds(&out, p);
            break;
        }
        buf_add(&out, p, (size_t)(open - p));
        const char *close = strchr(open, '}');
        if (!close) {
            diag_fail_at(c->d, c->file, 0, path, "unterminated ${ in \"%s\"", s);
            buf_release(&out);
            return xstrdup("");
        }
        char *expr = xstrndup(open + 2, (size_t)(close - open - 2));
        char *dflt = strstr(expr, ":-");
        if (dflt) {
            *dflt = '\0';
            dflt += 2;
        }
        int ok = expr[0] != '\0';
        for (char *q = expr; *q; q++)
            if (!(isalnum((unsigned char)*q) || *q == '_'))
                ok = 0;
        if (!ok) {
            diag_fail_at(c->d, c->file, 0, path, "bad variable name in \"${%s}\"", expr);
        } else {
            const char *v = getenv(expr);
            if (v && *v)
                buf_adds(&out, v);
            else if (dflt)
                buf_adds(&out, dflt);
            else
                diag_fail_at(c->d, c->file, 0, path,
                             "environment variable %s is not set (used as ${%s})", expr, expr);
        }
        free(expr);
        p = close + 1;
    }
    return buf_take(&out, NULL);
}

static void substitute_tree(cJSON *node, const struct ctx *c, const char *path)
{
    char child[256];
    if (cJSON_IsString(node)) {
        char *s = substitute(node->valuestring, c, path);
        if (s) {
            cJSON_SetValuestring(node, s);
            free(s);
        }
        return;
    }
    size_t i = 0;
    for (cJSON *it = node->child; it; it = it->next, i++) {
        if (cJSON_IsObject(node))
            jpath_key(child, sizeof(child), path, it->string);
        else
            jpath_index(child, sizeof(child), path, i);
        substitute_tree(it, c, child);
    }
}

/* === pass 3: validation =================================================== */

static int fail(const struct ctx *c, const char *parent, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const struct ctx *c, const char *parent, const char *key, const char *fmt, ...)
{
    char path[256], msg[512];
    if (key)
        jpath_key(path, sizeof(path), parent, key);
    else
        snprintf(path, sizeof(path), "%s", parent);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return diag_fail_at(c->d, c->file, 0, path, "%s", msg);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void gen_params_release(struct gen_params *g)
{
    for (size_t i = 0; i < g->nstop; i++)
        free(g->stop[i]);
    free(g->stop);
    memset(g, 0, sizeof(*g));
}

static void gen_params_unset(struct gen_params *g)
{
    memset(g, 0, sizeof(*g));
    g->max_tokens = -1;
    g->temperature = NAN;
    g->top_p = NAN;
}

static void parse_params(const cJSON *obj, const struct ctx *c, const char *path,
                         struct gen_params *g)
{
    static const char *const keys[] = { "max_tokens", "temperature", "top_p", "seed", "stop",
                                        NULL };
    jv_known_keys(obj, keys, c->file, path, c->d);
    jv_int(obj, "max_tokens", c->file, path, 0, 1, 10000000, &g->max_tokens, c->d);
    jv_number(obj, "temperature", c->file, path, 0, 0, 100, &g->temperature, c->d);
    jv_number(obj, "top_p", c->file, path, 0, 0, 1, &g->top_p, c->d);
    long seed = 0;
    if (cJSON_GetObjectItemCaseSensitive(obj, "seed") &&
        jv_int(obj, "seed", c->file, path, 0, 0, 9007199254740991L, &seed, c->d) == 0) {
        g->seed = seed;
        g->has_seed = 1;
    }
    const cJSON *stop = NULL;
    if (jv_array(obj, "stop", c->file, path, 0, &stop, c->d) == 0 && stop) {
        char spath[256];
        jpath_key(spath, sizeof(spath), path, "stop");
        g->has_stop = 1;
        size_t n = (size_t)cJSON_GetArraySize(stop);
        g->stop = xcalloc(n ? n : 1, sizeof(char *));
        size_t i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, stop) {
            char ipath[256];
            jpath_index(ipath, sizeof(ipath), spath, i++);
            if (!cJSON_IsString(it) || !*it->valuestring)
                diag_fail_at(c->d, c->file, 0, ipath, "expected a non-empty string");
            else
                g->stop[g->nstop++] = xstrdup(it->valuestring);
        }
    }
}

static int valid_date(const char *s)
{
    int y, m, dd;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && m >= 1 &&
           m <= 12 && dd >= 1 && dd <= 31;
}

static void parse_pricing(const cJSON *obj, const struct ctx *c, const char *path,
                          struct pricing *p)
{
    static const char *const keys[] = { "input_per_mtok", "cached_input_per_mtok",
                                        "output_per_mtok", "per_request", "per_hour", "as_of",
                                        NULL };
    jv_known_keys(obj, keys, c->file, path, c->d);
    p->set = 1;
    p->cached_input_per_mtok = -1;
    jv_number(obj, "input_per_mtok", c->file, path, 0, 0, 1e9, &p->input_per_mtok, c->d);
    jv_number(obj, "cached_input_per_mtok", c->file, path, 0, 0, 1e9, &p->cached_input_per_mtok,
              c->d);
    jv_number(obj, "output_per_mtok", c->file, path, 0, 0, 1e9, &p->output_per_mtok, c->d);
    jv_number(obj, "per_request", c->file, path, 0, 0, 1e9, &p->per_request, c->d);
    jv_number(obj, "per_hour", c->file, path, 0, 0, 1e9, &p->per_hour, c->d);
    if (p->cached_input_per_mtok < 0)
        p->cached_input_per_mtok = p->input_per_mtok;
    const char *asof = NULL;
    if (jv_string(obj, "as_of", c->file, path, 0, &asof, c->d) == 0 && asof) {
        if (!valid_date(asof))
            fail(c, path, "as_of", "expected a date YYYY-MM-DD, got \"%s\"", asof);
        else
            snprintf(p->as_of, sizeof(p->as_of), "%s", asof);
    }
}

static void parse_limits(const cJSON *obj, const struct ctx *c, const char *path,
                         struct limits *l)
{
    static const char *const keys[] = { "max_concurrent", "requests_per_minute",
                                        "tokens_per_minute", "shard_share", NULL };
    jv_known_keys(obj, keys, c->file, path, c->d);
    const cJSON *share = cJSON_GetObjectItemCaseSensitive(obj, "shard_share");
    if (share && !(cJSON_IsString(share) && strcmp(share->valuestring, "auto") == 0) &&
        !(cJSON_IsNumber(share) && share->valuedouble > 0 && share->valuedouble <= 1)) {
        char got[64];
        json_brief(share, got, sizeof(got));
        fail(c, path, "shard_share", "expected \"auto\" or a number in (0, 1], got %s", got);
    } else if (cJSON_IsNumber(share)) {
        l->shard_share = share->valuedouble;
    }
    jv_int(obj, "max_concurrent", c->file, path, 0, 1, 100000, &l->max_concurrent, c->d);
    jv_number(obj, "requests_per_minute", c->file, path, 0, 1e-3, 1e9, &l->requests_per_minute,
              c->d);
    jv_number(obj, "tokens_per_minute", c->file, path, 0, 1, 1e12, &l->tokens_per_minute, c->d);
}

void limits_apply_shard(struct limits *l, unsigned count)
{
    if (count <= 1)
        return;
    double share = l->shard_share > 0 ? l->shard_share : 1.0 / count;
    l->requests_per_minute *= share;
    l->tokens_per_minute *= share;
}

static void parse_timeouts(const cJSON *obj, const struct ctx *c, const char *path,
                           struct timeouts *t)
{
    static const char *const keys[] = { "connect_ms", "first_token_ms", "total_ms", "idle_ms",
                                        NULL };
    jv_known_keys(obj, keys, c->file, path, c->d);
    jv_int(obj, "connect_ms", c->file, path, 0, 1, 3600000, &t->connect_ms, c->d);
    jv_int(obj, "first_token_ms", c->file, path, 0, 1, 86400000, &t->first_token_ms, c->d);
    jv_int(obj, "total_ms", c->file, path, 0, 1, 86400000, &t->total_ms, c->d);
    jv_int(obj, "idle_ms", c->file, path, 0, 1, 86400000, &t->idle_ms, c->d);
}

static int readable_file(const char *path)
{
    return access(path, R_OK) == 0 && file_exists(path);
}

char *config_path(const struct config *c, const char *p)
{
    if (!p)
        return NULL;
    if (p[0] == '/' || !c->dir || !*c->dir)
        return xstrdup(p);
    return xasprintf("%s/%s", c->dir, p);
}

static char *resolve(const struct ctx *c, const char *p)
{
    if (p[0] == '/' || !c->dir || !*c->dir)
        return xstrdup(p);
    return xasprintf("%s/%s", c->dir, p);
}

static void list_types(char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; backend_table[i] && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "",
                                 backend_table[i]->type);
}

/* Type-specific keys: which types accept them. */
static const struct {
    const char *key;
    const char *types[6];
} type_keys[] = {
    { "api_version", { "azure-openai", NULL } },
    { "deployment", { "azure-openai", NULL } },
    { "task", { "hf-inference", NULL } },
    { "api", { "hf-tgi", NULL } },
    { "max_tokens_field", { "openai", "openai-compatible", "azure-openai", "hf-router",
                            "hf-tgi", NULL } },
    { "anthropic_version", { "anthropic", NULL } },
};

static void parse_backend(const cJSON *obj, const struct ctx *c, const char *path,
                          struct backend_conf *b)
{
    static const char *const keys[] = {
        "name", "type", "model", "base_url", "api_key_env", "headers", "params", "extra_body",
        "stream", "judge_only", "pricing", "attributes", "limits", "timeouts", "tls",
        "api_version", "deployment", "task", "api", "max_tokens_field", "anthropic_version",
        "description", NULL,
    };
    jv_known_keys(obj, keys, c->file, path, c->d);
    gen_params_unset(&b->params);
    const char *s = NULL;
    if (jv_string(obj, "name", c->file, path, 1, &s, c->d) == 0) {
        if (!*s || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789-_.") != strlen(s))
            fail(c, path, "name", "expected letters, digits, '-', '_' or '.', got \"%s\"", s);
        b->name = xstrdup(s);
    }
    if (jv_string(obj, "type", c->file, path, 1, &s, c->d) == 0) {
        b->type = xstrdup(s);
        b->ops = backend_find(s);
        if (!b->ops) {
            char known[256];
            list_types(known, sizeof(known));
            fail(c, path, "type", "unknown backend type \"%s\" (known: %s)", s, known);
        }
    }
    if (jv_string(obj, "model", c->file, path, 1, &s, c->d) == 0)
        b->model = xstrdup(s);

    /* Type-specific keys on the wrong type. */
    for (size_t k = 0; k < sizeof(type_keys) / sizeof(type_keys[0]); k++) {
        if (!cJSON_GetObjectItemCaseSensitive(obj, type_keys[k].key) || !b->type)
            continue;
        int ok = 0;
        for (size_t t = 0; type_keys[k].types[t]; t++)
            if (strcmp(type_keys[k].types[t], b->type) == 0)
                ok = 1;
        if (!ok)
            fail(c, path, type_keys[k].key, "not a setting of type \"%s\" (only of %s%s)",
                 b->type, type_keys[k].types[0], type_keys[k].types[1] ? " and others" : "");
    }

    s = NULL;
    jv_string(obj, "base_url", c->file, path, 0, &s, c->d);
    if (!s && b->ops)
        s = b->ops->default_base_url;
    if (!s) {
        if (b->ops)
            fail(c, path, "base_url", "missing, required for type \"%s\"", b->type);
    } else if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
        fail(c, path, "base_url", "expected an http:// or https:// URL, got \"%s\"", s);
    } else {
        b->base_url = xstrdup(s);
        size_t len = strlen(b->base_url);
        while (len > 8 && b->base_url[len - 1] == '/')
            b->base_url[--len] = '\0';
    }

    const cJSON *kenv = cJSON_GetObjectItemCaseSensitive(obj, "api_key_env");
    const char *env = NULL;
    if (kenv && !cJSON_IsNull(kenv)) {
        if (jv_string(obj, "api_key_env", c->file, path, 0, &env, c->d) < 0)
            env = NULL;
    } else if (!kenv && b->ops) {
        env = b->ops->default_key_env;
    }
    if (env) {
        b->api_key_env = xstrdup(env);
        const char *key = getenv(env);
        if (!key || !*key)
            fail(c, path, "api_key_env", "environment variable %s is not set%s", env,
                 kenv ? "" : " (the default for this type; set it, or name another "
                             "variable, or null for no key)");
        else
            b->api_key = xstrdup(key);
    }

    const cJSON *h = NULL;
    if (jv_object(obj, "headers", c->file, path, 0, &h, c->d) == 0 && h) {
        char hpath[256];
        jpath_key(hpath, sizeof(hpath), path, "headers");
        b->headers = xcalloc((size_t)cJSON_GetArraySize(h) + 1, sizeof(*b->headers));
        const cJSON *it;
        cJSON_ArrayForEach(it, h) {
            if (!cJSON_IsString(it)) {
                fail(c, hpath, it->string, "expected a string");
                continue;
            }
            if (!*it->string || strpbrk(it->string, ": \r\n") ||
                strpbrk(it->valuestring, "\r\n")) {
                fail(c, hpath, it->string, "not a valid header name or value");
                continue;
            }
            b->headers[b->nheaders].name = xstrdup(it->string);
            b->headers[b->nheaders].value = xstrdup(it->valuestring);
            b->nheaders++;
        }
    }

    const cJSON *o = NULL;
    char sub[256];
    if (jv_object(obj, "params", c->file, path, 0, &o, c->d) == 0 && o) {
        jpath_key(sub, sizeof(sub), path, "params");
        parse_params(o, c, sub, &b->params);
    }
    o = NULL;
    if (jv_object(obj, "extra_body", c->file, path, 0, &o, c->d) == 0 && o)
        b->extra_body = cJSON_Duplicate(o, 1);

    b->stream = b->ops && b->ops->framing != FRAMING_NONE;
    if (cJSON_GetObjectItemCaseSensitive(obj, "stream")) {
        int st = 0;
        if (jv_bool(obj, "stream", c->file, path, 0, &st, c->d) == 0) {
            if (st && b->ops && b->ops->framing == FRAMING_NONE)
                fail(c, path, "stream", "type \"%s\" does not stream", b->type);
            else
                b->stream = st;
        }
    }
    jv_bool(obj, "judge_only", c->file, path, 0, &b->judge_only, c->d);

    o = NULL;
    if (jv_object(obj, "pricing", c->file, path, 0, &o, c->d) == 0 && o) {
        jpath_key(sub, sizeof(sub), path, "pricing");
        parse_pricing(o, c, sub, &b->pricing);
    }
    o = NULL;
    if (jv_object(obj, "attributes", c->file, path, 0, &o, c->d) == 0 && o)
        b->attributes = cJSON_Duplicate(o, 1);
    o = NULL;
    if (jv_object(obj, "limits", c->file, path, 0, &o, c->d) == 0 && o) {
        jpath_key(sub, sizeof(sub), path, "limits");
        parse_limits(o, c, sub, &b->limits);
    }
    b->timeouts.connect_ms = DEFAULT_CONNECT_MS;
    b->timeouts.first_token_ms = DEFAULT_FIRST_TOKEN_MS;
    b->timeouts.total_ms = DEFAULT_TOTAL_MS;
    b->timeouts.idle_ms = DEFAULT_IDLE_MS;
    o = NULL;
    if (jv_object(obj, "timeouts", c->file, path, 0, &o, c->d) == 0 && o) {
        jpath_key(sub, sizeof(sub), path, "timeouts");
        parse_timeouts(o, c, sub, &b->timeouts);
    }
    o = NULL;
    if (jv_object(obj, "tls", c->file, path, 0, &o, c->d) == 0 && o) {
        static const char *const tkeys[] = { "insecure", "ca_file", NULL };
        jpath_key(sub, sizeof(sub), path, "tls");
        jv_known_keys(o, tkeys, c->file, sub, c->d);
        jv_bool(o, "insecure", c->file, sub, 0, &b->tls_insecure, c->d);
        s = NULL;
        if (jv_string(o, "ca_file", c->file, sub, 0, &s, c->d) == 0 && s) {
            b->tls_ca_file = resolve(c, s);
            if (!readable_file(b->tls_ca_file))
                fail(c, sub, "ca_file", "cannot read \"%s\"", b->tls_ca_file);
        }
    }

    s = NULL;
    if (jv_string(obj, "api_version", c->file, path, 0, &s, c->d) == 0)
        b->api_version = dup_or_null(s);
    s = NULL;
    if (jv_string(obj, "deployment", c->file, path, 0, &s, c->d) == 0)
        b->deployment = dup_or_null(s);
    s = NULL;
    if (jv_string(obj, "task", c->file, path, 0, &s, c->d) == 0 && s) {
        if (strcmp(s, "summarization") && strcmp(s, "translation") && strcmp(s, "text-generation"))
            fail(c, path, "task", "expected \"summarization\", \"translation\" or "
                                  "\"text-generation\", got \"%s\"", s);
        b->task = xstrdup(s);
    } else if (b->type && strcmp(b->type, "hf-inference") == 0 &&
               !cJSON_GetObjectItemCaseSensitive(obj, "task")) {
        fail(c, path, "task", "missing, required for type \"hf-inference\" "
                              "(summarization, translation or text-generation)");
    }
    s = NULL;
    if (jv_string(obj, "api", c->file, path, 0, &s, c->d) == 0 && s) {
        if (strcmp(s, "generate") && strcmp(s, "chat"))
            fail(c, path, "api", "expected \"generate\" or \"chat\", got \"%s\"", s);
        b->api = xstrdup(s);
    }
    s = NULL;
    if (jv_string(obj, "max_tokens_field", c->file, path, 0, &s, c->d) == 0 && s) {
        if (strcmp(s, "max_tokens") && strcmp(s, "max_completion_tokens"))
            fail(c, path, "max_tokens_field",
                 "expected \"max_tokens\" or \"max_completion_tokens\", got \"%s\"", s);
        b->max_tokens_field = xstrdup(s);
    }
    s = NULL;
    if (jv_string(obj, "anthropic_version", c->file, path, 0, &s, c->d) == 0)
        b->anthropic_version = dup_or_null(s);
    s = NULL;
    jv_string(obj, "description", c->file, path, 0, &s, c->d);
}

static void parse_run(const cJSON *obj, const struct ctx *c, struct run_conf *r)
{
    static const char *const keys[] = { "suites", "repeats", "seed", "concurrency", "out",
                                        "retries", "adaptive_concurrency", "bottleneck_lag_ms",
                                        "max_cost_usd", NULL };
    const char *path = "run";
    jv_known_keys(obj, keys, c->file, path, c->d);
    const cJSON *suites = NULL;
    if (jv_array(obj, "suites", c->file, path, 0, &suites, c->d) == 0 && suites) {
        size_t n = (size_t)cJSON_GetArraySize(suites), i = 0;
        r->suites = xcalloc(n + 1, sizeof(char *));
        const cJSON *it;
        cJSON_ArrayForEach(it, suites) {
            char ipath[256];
            jpath_index(ipath, sizeof(ipath), "run.suites", i++);
            if (!cJSON_IsString(it) || !*it->valuestring) {
                diag_fail_at(c->d, c->file, 0, ipath, "expected a suite name or path");
                continue;
            }
            const char *s = it->valuestring;
            if (strchr(s, '/') || strstr(s, ".json")) {
                char *p = resolve(c, s);
                if (!readable_file(p))
                    diag_fail_at(c->d, c->file, 0, ipath, "cannot read suite file \"%s\"", p);
                r->suites[r->nsuites++] = p;
            } else {
                r->suites[r->nsuites++] = xstrdup(s);
            }
        }
    }
    jv_int(obj, "repeats", c->file, path, 0, 1, 1000000, &r->repeats, c->d);
    long seed = 0;
    if (jv_int(obj, "seed", c->file, path, 0, 0, 9007199254740991L, &seed, c->d) == 0)
        r->seed = (uint64_t)seed;
    jv_int(obj, "concurrency", c->file, path, 0, 1, 100000, &r->concurrency, c->d);
    const char *out = NULL;
    if (jv_string(obj, "out", c->file, path, 0, &out, c->d) == 0 && out)
        r->out = resolve(c, out);
    const cJSON *rt = NULL;
    if (jv_object(obj, "retries", c->file, path, 0, &rt, c->d) == 0 && rt) {
        static const char *const rkeys[] = { "max_attempts", "base_ms", "cap_ms", "max_wait_ms",
                                             NULL };
        jv_known_keys(rt, rkeys, c->file, "run.retries", c->d);
        jv_int(rt, "max_attempts", c->file, "run.retries", 0, 1, 100, &r->retries.max_attempts,
               c->d);
        jv_int(rt, "base_ms", c->file, "run.retries", 0, 0, 3600000, &r->retries.base_ms, c->d);
        jv_int(rt, "cap_ms", c->file, "run.retries", 0, 0, 3600000, &r->retries.cap_ms, c->d);
        jv_int(rt, "max_wait_ms", c->file, "run.retries", 0, 0, 86400000,
               &r->retries.max_wait_ms, c->d);
    }
    jv_bool(obj, "adaptive_concurrency", c->file, path, 0, &r->adaptive_concurrency, c->d);
    jv_number(obj, "bottleneck_lag_ms", c->file, path, 0, 0, 1e6, &r->bottleneck_lag_ms, c->d);
    jv_number(obj, "max_cost_usd", c->file, path, 0, 0, 1e12, &r->max_cost_usd, c->d);
}

static void parse_judge(const cJSON *obj, const struct ctx *c, struct judge_conf *j)
{
    static const char *const keys[] = { "backend", "rubric", "rubric_file", "max_tokens",
                                        "temperature", NULL };
    jv_known_keys(obj, keys, c->file, "judge", c->d);
    const char *s = NULL;
    if (jv_string(obj, "backend", c->file, "judge", 1, &s, c->d) == 0)
        j->backend = xstrdup(s);
    s = NULL;
    if (jv_string(obj, "rubric", c->file, "judge", 0, &s, c->d) == 0 && s)
        j->rubric = xstrdup(s);
    s = NULL;
    if (jv_string(obj, "rubric_file", c->file, "judge", 0, &s, c->d) == 0 && s) {
        char *p = resolve(c, s);
        struct buf b;
        buf_init(&b, 1 << 20);
        struct diag fd;
        diag_init(&fd);
        if (j->rubric)
            fail(c, "judge", "rubric_file", "give rubric or rubric_file, not both");
        else if (file_read(p, &b, 1 << 20, &fd) < 0)
            fail(c, "judge", "rubric_file", "cannot read \"%s\": %s", p, fd.msg);
        else
            j->rubric = buf_take(&b, NULL);
        buf_release(&b);
        free(p);
    }
    long mt;
    jv_int(obj, "max_tokens", c->file, "judge", 0, 1, 1000000, &mt, c->d);
    double t;
    jv_number(obj, "temperature", c->file, "judge", 0, 0, 100, &t, c->d);
    j->options = cJSON_Duplicate(obj, 1);
}

int config_parse(const char *text, size_t n, const char *file, const char *dir,
                 struct config *cf, struct diag *d)
{
    memset(cf, 0, sizeof(*cf));
    cf->file = xstrdup(file);
    cf->dir = xstrdup(dir ? dir : "");
    int before = d->count;
    cJSON *root = json_parse_located(text, n, file, 1, d);
    if (!root)
        return -1;
    struct ctx c = { file, cf->dir, d };
    if (!cJSON_IsObject(root)) {
        diag_fail_at(d, file, 0, NULL, "expected a JSON object at the top, got %s",
                     json_kind(root));
        cJSON_Delete(root);
        return -1;
    }
    cf->written = cJSON_Duplicate(root, 1);
    redact_headers(cf->written);
    char *canon = cJSON_PrintUnformatted(cf->written);
    sha256_hex(canon, strlen(canon), cf->hash);
    cJSON_free(canon);

    substitute_tree(root, &c, "");

    static const char *const keys[] = { "backends", "run", "judge", "decision", "pricing_file",
                                        "description", "$schema", NULL };
    jv_known_keys(root, keys, file, "", d);

    cf->run.repeats = DEFAULT_REPEATS;
    cf->run.concurrency = DEFAULT_CONCURRENCY;
    cf->run.retries.max_attempts = DEFAULT_MAX_ATTEMPTS;
    cf->run.retries.base_ms = DEFAULT_BASE_MS;
    cf->run.retries.cap_ms = DEFAULT_CAP_MS;
    cf->run.retries.max_wait_ms = DEFAULT_MAX_WAIT_MS;
    cf->run.bottleneck_lag_ms = DEFAULT_BOTTLENECK_LAG_MS;

    const cJSON *backends = NULL;
    if (jv_array(root, "backends", file, "", 1, &backends, d) == 0) {
        size_t nb = (size_t)cJSON_GetArraySize(backends);
        if (nb == 0)
            diag_fail_at(d, file, 0, "backends", "expected at least one backend");
        cf->backends = xcalloc(nb + 1, sizeof(*cf->backends));
        const cJSON *it;
        cJSON_ArrayForEach(it, backends) {
            char path[64];
            jpath_index(path, sizeof(path), "backends", cf->nbackends);
            struct backend_conf *b = &cf->backends[cf->nbackends++];
            if (!cJSON_IsObject(it)) {
                diag_fail_at(d, file, 0, path, "expected an object, got %s", json_kind(it));
                continue;
            }
            parse_backend(it, &c, path, b);
            for (size_t k = 0; b->name && k + 1 < cf->nbackends; k++)
                if (cf->backends[k].name && strcmp(cf->backends[k].name, b->name) == 0)
                    fail(&c, path, "name", "\"%s\" is also the name of backends[%zu]", b->name,
                         k);
        }
    }
    const cJSON *o = NULL;
    if (jv_object(root, "run", file, "", 0, &o, d) == 0 && o)
        parse_run(o, &c, &cf->run);
    o = NULL;
    if (jv_object(root, "judge", file, "", 0, &o, d) == 0 && o) {
        parse_judge(o, &c, &cf->judge);
        if (cf->judge.backend && !config_backend(cf, cf->judge.backend))
            fail(&c, "judge", "backend", "no backend is named \"%s\"", cf->judge.backend);
    }
    o = NULL;
    if (jv_object(root, "decision", file, "", 0, &o, d) == 0 && o)
        cf->decision = cJSON_Duplicate(o, 1);
    const char *pf = NULL;
    if (jv_string(root, "pricing_file", file, "", 0, &pf, d) == 0 && pf) {
        cf->pricing_file = resolve(&c, pf);
        if (!readable_file(cf->pricing_file))
            fail(&c, "pricing_file", NULL, "cannot read \"%s\"", cf->pricing_file);
    }
    const char *desc = NULL;
    jv_string(root, "description", file, "", 0, &desc, d);
    cJSON_Delete(root);
    return d->count > before ? -1 : 0;
}

int config_load(const char *path, struct config *c, struct diag *d)
{
    struct buf b;
    buf_init(&b, 16u << 20);
    if (file_read(path, &b, 16u << 20, d) < 0) {
        memset(c, 0, sizeof(*c));
        buf_release(&b);
        return -1;
    }
    char *copy = xstrdup(path);
    char *dir = dirname(copy);
    int rc = config_parse(b.ptr, b.len, path, strcmp(dir, ".") == 0 ? "" : dir, c, d);
    free(copy);
    buf_release(&b);
    return rc;
}

const struct backend_conf *config_backend(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->nbackends; i++)
        if (c->backends[i].name && strcmp(c->backends[i].name, name) == 0)
            return &c->backends[i];
    return NULL;
}

static void backend_release(struct backend_conf *b)
{
    free(b->name);
    free(b->type);
    free(b->model);
    free(b->base_url);
    free(b->api_key_env);
    if (b->api_key) {
        memset(b->api_key, 0, strlen(b->api_key));
        free(b->api_key);
    }
    for (size_t i = 0; i < b->nheaders; i++) {
        free(b->headers[i].name);
        free(b->headers[i].value);
    }
    free(b->headers);
    gen_params_release(&b->params);
    cJSON_Delete(b->extra_body);
    cJSON_Delete(b->attributes);
    free(b->tls_ca_file);
    free(b->api_version);
    free(b->deployment);
    free(b->task);
    free(b->api);
    free(b->max_tokens_field);
    free(b->anthropic_version);
}

void config_release(struct config *c)
{
    free(c->file);
    free(c->dir);
    cJSON_Delete(c->written);
    for (size_t i = 0; i < c->nbackends; i++)
        backend_release(&c->backends[i]);
    free(c->backends);
    for (size_t i = 0; i < c->run.nsuites; i++)
        free(c->run.suites[i]);
    free(c->run.suites);
    free(c->run.out);
    free(c->judge.backend);
    free(c->judge.rubric);
    cJSON_Delete(c->judge.options);
    cJSON_Delete(c->decision);
    free(c->pricing_file);
    memset(c, 0, sizeof(*c));
}
