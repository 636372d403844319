/* backend.h -- what every adapter provides, and the reply it fills.
 *
 * An adapter turns one prompt into one HTTP request of its provider's
 * protocol, and the provider's answer (a whole body, or stream events the
 * transport hands it one by one) into a struct reply: the answer text,
 * token usage, the finish reason, and timestamps of the text-bearing
 * events. Wire formats: ../shared/protocols.md, one section per backend.
 *
 * To add a backend: write backends/NAME.c defining
 * `const struct backend_ops backend_NAME`, add one line to backend_table[]
 * in backends/registry.c, document it in docs/config.md and add
 * tests/test_backend_NAME.c against the mock. OpenAI-style servers reuse
 * backends/openai_family.h and only say what differs.
 *
 * Errors: an HTTP error answer is classified in one place (backend.c,
 * protocols.md 8.3): retryable (408, 409, 429, 5xx, 529, 503 loading) or
 * final (400, 401, 402, 403, 404, 422, insufficient quota), honouring
 * x-should-retry. In-stream errors are the adapter's to classify. */
#ifndef ASSAY_BACKEND_H
#define ASSAY_BACKEND_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/config.h"
#include "harness/suite.h"
#include "harness/util/buf.h"
#include "harness/util/clock.h"
#include "harness/util/diag.h"

enum framing { FRAMING_NONE, FRAMING_SSE, FRAMING_NDJSON };

/* Record statuses (docs/records.md). */
enum rstatus { ST_OK, ST_HTTP_ERROR, ST_TIMEOUT, ST_TRANSPORT_ERROR, ST_PARSE_ERROR,
               ST_REFUSED, ST_ABORTED };
const char *rstatus_name(enum rstatus s);

/* The prompt an adapter is given is suite.h's struct prompt (rendered for
 * this backend, overrides applied), with the backend's default generation
 * parameters already filled in where the suite left them unset
 * (gen_fill_defaults). Borrowed for the duration of build(). These say
 * which fields are set (suite.h: -1 / NAN = unset): */
static inline int gen_has_max_tokens(const struct gen_params *g) { return g->max_tokens >= 0; }
static inline int gen_has_temperature(const struct gen_params *g) { return g->temperature == g->temperature; }
static inline int gen_has_top_p(const struct gen_params *g) { return g->top_p == g->top_p; }
static inline int gen_has_stop(const struct gen_params *g) { return g->has_stop && g->nstop > 0; }
/* Fills the members of g left unset with those of dflt (stop strings are
 * copied: g owns its strings, as suite.h's prompt does). */
void gen_fill_defaults(struct gen_params *g, const struct gen_params *dflt);
/* The schema the answer must follow, or NULL (RESPONSE_JSON_SCHEMA only). */
static inline const cJSON *prompt_schema(const struct prompt *p)
{
    return p->response == RESPONSE_JSON_SCHEMA ? p->schema : NULL;
}

struct http_req {
    char *url;                    /* owned */
    struct buf body;              /* JSON */
    int stream;                   /* the streaming form was asked for */
};

/* A response as the transport saw it; everything borrowed. */
struct http_resp {
    long status;
    const char *content_type;     /* "" if none */
    const char *headers;          /* raw header lines, "Name: value\r\n"... */
    size_t headers_len;
    const char *body;
    size_t body_len;
};

/* Copies the value of header name (case-insensitive, last one wins) into
 * out; returns 1 if present. */
int http_header(const struct http_resp *r, const char *name, char *out, size_t n);

struct usage {
    long input, output, cached_input, reasoning;   /* -1 = not reported */
};

/* What a request produced. Adapters fill it through the reply_* helpers;
 * the transport sets now (the arrival time of the bytes being parsed). */
struct reply {
    struct buf text;              /* the answer (reasoning excluded) */
    size_t reasoning_bytes;
    struct usage usage;
    int usage_seen;               /* the provider reported usage */
    char finish_raw[48];          /* as the provider said it */
    const char *finish;           /* normalised (protocols.md 8.1), static, or NULL */
    int done;                     /* the protocol's end of answer was seen */
    /* A failure found in the answer (HTTP error body, in-stream error): */
    int failed;
    enum rstatus fail_status;
    int retryable;
    long fail_http;               /* HTTP status the error carries, 0 if none */
    double retry_after_ms;        /* delay the server asked for, -1 if none */
    char error[512];
    /* Timing, CLOCK_MONOTONIC ns; 0 = not yet. */
    mono_ns now;
    mono_ns t_first_any;          /* first generated token of any kind */
    mono_ns t_first_text;         /* first answer text */
    mono_ns t_last_text;
    double *gaps_ms;              /* between successive text-bearing events */
    size_t ngaps, gaps_cap;
    long text_events;
    int astate;                   /* adapter scratch (e.g. current block kind) */
};

void reply_init(struct reply *r);
void reply_reset(struct reply *r);     /* for the next attempt; keeps memory */
void reply_release(struct reply *r);
/* Answer text arrived at r->now (n = 0 is not a token and stops no clock). */
void reply_text(struct reply *r, const char *s, size_t n);
/* Reasoning text arrived (counts for ttft_any only). */
void reply_reasoning(struct reply *r, size_t n);
/* Sets the raw and normalised finish reason. */
void reply_finish(struct reply *r, const char *raw);
/* Records a failure (first one wins); returns 0 so adapters can
 * `return reply_fail(...)` from an event handler that should go on. */
int  reply_fail(struct reply *r, enum rstatus st, int retryable, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Normalises a provider finish reason: stop, stop_sequence, length, tool,
 * filtered, context, other (protocols.md 8.1). */
const char *finish_normalise(const char *raw);

/* Classifies an HTTP error answer into r (failed, status, retryable,
 * error text from any of the providers' error shapes, retry delay from
 * headers or an hf-inference estimated_time). */
void classify_http(const struct http_resp *resp, struct reply *r);
/* The delay the server asked for in ms (retry-after-ms, retry-after in
 * seconds or an HTTP date, x-ratelimit-reset-*, anthropic-ratelimit-*-reset),
 * or -1. */
double retry_after_from_headers(const struct http_resp *resp);
/* Parses a Go-style duration ("6m0s", "7.66s", "20ms", "1h") to ms, -1 if bad. */
double parse_go_duration_ms(const char *s);

struct backend_ops {
    const char *type;             /* config "type" */
    enum framing framing;         /* of the streaming form; NONE = does not stream */
    const char *default_base_url; /* NULL = base_url is required */
    const char *default_key_env;  /* NULL = no key unless api_key_env is given */
    /* MUST: headers every request of this backend carries besides
     * Content-Type, Accept and Expect (auth, versions); add() copies. */
    void (*headers)(const struct backend_conf *b,
                    void (*add)(void *ud, const char *line), void *ud);
    /* MUST: URL and JSON body of one request. */
    int (*build)(const struct backend_conf *b, const struct prompt *p, struct http_req *out,
                 struct diag *d);
    /* MUST: a whole 2xx answer into r (headers too: TGI reports token
     * counts there). -1 with d = not the expected shape. */
    int (*parse_body)(struct reply *r, const struct http_resp *resp, struct diag *d);
    /* MAY (NULL if framing is NONE): one SSE event (type = event name) or
     * NDJSON line (type = NULL). 0 go on, 1 the answer is complete, -1
     * the event does not parse (d says why). */
    int (*on_event)(struct reply *r, const char *type, const char *data, size_t n,
                    struct diag *d);
};

/* The registry: NULL if no adapter has that type. */
const struct backend_ops *backend_find(const char *type);
extern const struct backend_ops *const backend_table[];

/* Shared request-building helpers for adapters. */
/* Adds the system prompt and messages as an OpenAI-style "messages" array. */
void prompt_add_messages(cJSON *body, const struct prompt *p, int system_as_message);
/* The text a single-input API takes: p->raw, else system + "\n\n" +
 * the last message. Returns owned. */
char *prompt_flat_input(const struct prompt *p);
/* Deep-merges into obj: the backend's extra_body, then the suite's
 * backend_params for this item (objects merge member by member, anything
 * else replaces). */
void body_merge_extra(cJSON *obj, const struct backend_conf *b, const struct prompt *p);
/* Deep-merges src into dst (dst owned by the caller). */
void json_merge(cJSON *dst, const cJSON *src);
/* Prints body into out->body (unformatted). */
void body_print(cJSON *body, struct http_req *out);
/* The last step of every build_request: merges the extra parameters into
 * body, prints it into out, sets out's URL (takes the owned string) and
 * stream flag, and frees body. */
void request_finish(cJSON *body, const struct backend_conf *b, const struct prompt *p,
                    char *url, struct http_req *out);
/* A member of obj as a long (json_long_or), dflt when obj or it is absent. */
long json_member_long(const cJSON *obj, const char *key, long dflt);

#endif
