/* profile.h -- the mock's simulated models, read from JSON profiles.
 *
 * A profile is {"default_model": NAME, "models": [MODEL...]}; several
 * profiles may be loaded one after the other (models accumulate; a name
 * seen twice is an error). Every field and its default is in docs/mock.md.
 * Errors name the profile and the JSON path (models[2].latency.itl_ms).
 * The built-in profiles ("default") are compiled into the binary. */
#ifndef ASSAY_MOCK_PROFILE_H
#define ASSAY_MOCK_PROFILE_H

#include <stddef.h>

#include "harness/util/diag.h"

/* Fault kinds, in the order their rates are drawn. */
enum mock_fault {
    FAULT_NONE,
    FAULT_429,          /* HTTP 429 with Retry-After */
    FAULT_500,          /* HTTP 500 */
    FAULT_503,          /* HTTP 503 (Anthropic: 529 overloaded) */
    FAULT_DROP,         /* connection reset mid-stream (or before a body) */
    FAULT_MALFORMED,    /* one broken SSE event / NDJSON line / truncated body */
    FAULT_STALL,        /* stop sending for stall_s, holding the connection */
    FAULT_STREAM_ERROR, /* the protocol's in-band error event, HTTP 200 */
    FAULT__COUNT
};
extern const char *const mock_fault_names[FAULT__COUNT];  /* "none", "http_429", ... */
int mock_fault_parse(const char *name);                   /* -1 if unknown */

struct mock_quality {
    char *family;      /* task family, e.g. "summarization" */
    double level;      /* 0 (useless) .. 1 (the reference verbatim) */
};

struct mock_model {
    char *name;
    char **aliases;
    size_t n_aliases;
    char *description;
    double quality_default;
    struct mock_quality *quality;
    size_t n_quality;
    /* latency: TTFT = ttft_ms + per_input_token_ms * uncached input tokens
     * + LogNormal(median ttft_jitter_ms, sigma ttft_jitter_sigma); a chunk
     * of t tokens follows the previous one after t * itl_ms * a mean-1
     * lognormal factor of sigma itl_jitter. */
    double ttft_ms, per_input_token_ms, ttft_jitter_ms, ttft_jitter_sigma;
    double itl_ms, itl_jitter;
    double output_tokens;      /* median length of an answer to an unknown prompt */
    long capacity;             /* requests generating at once; 0 = unlimited */
    long queue_limit;          /* waiting requests beyond which 429; 0 = unlimited */
    long reasoning_tokens;     /* 0 = not a reasoning model */
    char *reasoning_field;     /* OpenAI-style delta field: reasoning_content | reasoning */
    double fault_rate[FAULT__COUNT];
    double retry_after_s;      /* Retry-After on 429/503 */
    double stall_s;            /* how long a stall holds the connection */
    long rpm, tpm;             /* rate-limit budgets per minute; 0 = no headers */
    int enforce_limits;        /* 429 when a budget is spent */
    int prompt_cache;          /* repeated message prefixes count as cached input */
    double cold_start_s;       /* load time before the first answer */
    char *pipeline;            /* HF task route: auto|summarization|translation|text-generation */
};

struct mock_profile {
    struct mock_model *models;
    size_t n;
    char *default_model;       /* for routes without a model name (TGI); NULL = models[0] */
};

void profile_init(struct mock_profile *p);
/* Appends the models of one profile; name is used in messages. */
int  profile_load_text(struct mock_profile *p, const char *text, size_t n, const char *name,
                       struct diag *d);
/* spec is a file path, or the name of a built-in profile ("default"). */
int  profile_load(struct mock_profile *p, const char *spec, struct diag *d);
/* The JSON text of a built-in profile, or NULL. Borrowed, static. */
const char *profile_builtin(const char *name);
/* By name or alias; NULL if unknown. Borrowed. */
const struct mock_model *profile_find(const struct mock_profile *p, const char *name);
const struct mock_model *profile_default_model(const struct mock_profile *p);
double profile_quality(const struct mock_model *m, const char *family);
/* Every latency, jitter and cold start to 0 (benchmarks). */
void profile_zero_delay(struct mock_profile *p);
void profile_release(struct mock_profile *p);

#endif
