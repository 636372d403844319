/* config.h -- the run configuration (docs/config.md): backends, run
 * settings, judge, and sections later stages read (decision, pricing_file).
 *
 * config_load validates everything before any request is made and reports
 * every problem (one message per problem, file and JSON path, through the
 * diag's echo), then fails once. Strings may use ${VAR} or ${VAR:-default}
 * to take a value from the environment; API keys are only ever read from
 * the variable a backend names in api_key_env. The config as written
 * (before substitution, literal secrets in headers redacted) is kept for
 * run.json; keys never appear in it.
 *
 * Ownership: struct config owns everything it points to; config_release
 * frees it. Backends are read-only after loading. */
#ifndef ASSAY_CONFIG_H
#define ASSAY_CONFIG_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/suite.h"
#include "harness/util/diag.h"
#include "harness/util/sha256.h"

struct backend_ops;

struct pricing {
    int set;                       /* a pricing object was given */
    double input_per_mtok;         /* USD per million input tokens */
    double cached_input_per_mtok;  /* defaults to input_per_mtok */
    double output_per_mtok;
    double per_request;            /* USD per request */
    double per_hour;               /* USD per hour (dedicated endpoint) */
    char as_of[32];                /* date the prices were read, "" if not given */
};

struct limits {
    long max_concurrent;           /* 0 = only the global limit */
    double requests_per_minute;    /* 0 = no limit */
    double tokens_per_minute;      /* 0 = no limit */
    double shard_share;            /* share of the rate limits one shard of N uses:
                                      0 = "auto" (1/N), else in (0, 1] */
};

/* Scales l's requests/tokens per minute for one shard of count
 * (docs/sharding.md): the account's budget is shared by every shard. */
void limits_apply_shard(struct limits *l, unsigned count);

struct timeouts {
    long connect_ms, first_token_ms, total_ms, idle_ms;
};

struct header {
    char *name, *value;            /* value after ${VAR} substitution */
};

struct backend_conf {
    char *name;
    char *type;
    const struct backend_ops *ops;
    char *model;
    char *base_url;                /* without a trailing '/' */
    char *api_key_env;             /* NULL = no key */
    char *api_key;                 /* read from api_key_env; never printed or recorded */
    struct header *headers;
    size_t nheaders;
    struct gen_params params;      /* defaults under the suite's own (suite.h's unset rules) */
    cJSON *extra_body;             /* owned object merged into request bodies, or NULL */
    int stream;                    /* use the streaming form of the protocol */
    int judge_only;                /* used only as the judge, never planned */
    struct pricing pricing;
    cJSON *attributes;             /* owned copy, free-form, or NULL */
    struct limits limits;
    struct timeouts timeouts;
    int tls_insecure;
    char *tls_ca_file;
    /* Type-specific (NULL when not given): */
    char *api_version;             /* azure-openai: deployment URL form with ?api-version= */
    char *deployment;              /* azure-openai: defaults to model */
    char *task;                    /* hf-inference: summarization | translation */
    char *api;                     /* hf-tgi: "generate" (native, default) or "chat" */
    char *max_tokens_field;        /* openai family: overrides the field name sent */
    char *anthropic_version;       /* anthropic: default 2023-06-01 */
};

struct retry_conf {
    long max_attempts;             /* including the first */
    long base_ms;                  /* first backoff bound */
    long cap_ms;                   /* largest backoff bound */
    long max_wait_ms;              /* longest server-requested wait honoured in-run */
};

struct run_conf {
    char **suites;                 /* names or paths, as written */
    size_t nsuites;
    long repeats;
    uint64_t seed;
    long concurrency;
    char *out;                     /* NULL = runs/<run id> */
    struct retry_conf retries;
    int adaptive_concurrency;
    double bottleneck_lag_ms;      /* send lag (p95) that flags a client bottleneck */
    double max_cost_usd;           /* spending cap of the run folder; 0 = none */
};

struct judge_conf {
    char *backend;                 /* NULL = no judge */
    char *rubric;                  /* text, or NULL for the scorer's default */
    cJSON *options;                /* owned copy of the whole judge object */
};

struct config {
    char *file;                    /* as given */
    char *dir;                     /* folder of the file, for relative paths */
    cJSON *written;                /* the config as written (secrets redacted) */
    char hash[SHA256_HEX_LEN + 1]; /* sha256 of `written`, unformatted */
    struct backend_conf *backends;
    size_t nbackends;
    struct run_conf run;
    struct judge_conf judge;
    cJSON *decision;               /* owned copy, passed through, or NULL */
    char *pricing_file;            /* resolved path, or NULL */
};

/* Loads and validates path. Every problem is reported through d (set
 * d->echo to print them all); returns 0, or -1 after the last one. */
int  config_load(const char *path, struct config *c, struct diag *d);
/* Same from JSON text (file is the name used in messages; dir resolves
 * relative paths). */
int  config_parse(const char *text, size_t n, const char *file, const char *dir,
                  struct config *c, struct diag *d);
void config_release(struct config *c);

/* The backend named name, or NULL. */
const struct backend_conf *config_backend(const struct config *c, const char *name);
/* Resolves a path written in the config relative to its folder; owned. */
char *config_path(const struct config *c, const char *p);

#endif
