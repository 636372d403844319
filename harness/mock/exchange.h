/* exchange.h -- internal to harness/mock: one request and its reply, and
 * the table of functions each protocol family provides.
 *
 * server.c owns the life of an exchange: route, auth, parse (through the
 * protocol), pick the model, plan the answer and its timing, queue for a
 * slot, then send the parts on timers. A protocol file (openai.c,
 * anthropic.c, tgi.c, hf_tasks.c, ollama.c) only turns a planned answer
 * into bytes: it never touches timers, sockets or the queue.
 *
 * Adding a protocol: write NAME.c defining `const struct mock_proto
 * mock_proto_NAME`, declare it below, add its routes to routes[] in
 * server.c and a test in tests/test_mock_NAME.c. */
#ifndef ASSAY_MOCK_EXCHANGE_H
#define ASSAY_MOCK_EXCHANGE_H

#include <cjson/cJSON.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stddef.h>
#include <stdint.h>

#include "corpus.h"
#include "harness/util/buf.h"
#include "harness/util/clock.h"
#include "harness/util/rng.h"
#include "profile.h"
#include "sim.h"

struct mock_server;
struct model_rt;

/* Errors a protocol renders in its own shape and status. */
enum mock_err {
    MERR_AUTH,          /* 401: no key */
    MERR_BAD_JSON,      /* 400: body is not JSON */
    MERR_BAD_REQUEST,   /* 400: JSON of the wrong shape */
    MERR_INVALID,       /* 422 (TGI validation); 400 elsewhere */
    MERR_NOT_FOUND,     /* 404: unknown model or deployment */
    MERR_RATE_LIMIT,    /* 429: rate limited (fault or budget spent) */
    MERR_QUEUE_FULL,    /* queue limit: 429 (Ollama: 503) */
    MERR_SERVER,        /* 500 */
    MERR_UNAVAILABLE,   /* 503 (Anthropic: 529 overloaded) */
    MERR_LOADING,       /* 503 model loading (HF task routes) */
    MERR_UNSUPPORTED_MEDIA, /* 415 (TGI: body without a JSON content type) */
};

enum mock_finish { FIN_STOP, FIN_LENGTH, FIN_STOP_SEQ };

/* What a path asks for (server.c's routes[]). */
enum mock_route {
    RT_CHAT, RT_MODELS, RT_MESSAGES, RT_TGI_GENERATE, RT_TGI_STREAM, RT_TGI_COMPAT, RT_TGI_INFO,
    RT_HEALTH, RT_HF_TASK, RT_OLLAMA_CHAT, RT_OLLAMA_TAGS,
};

/* One streamed event: a word (with its leading space) of the reasoning or
 * of the answer. */
struct mock_piece {
    uint32_t off, len;     /* into gen.reasoning or gen.answer */
    uint32_t tokens;       /* token_estimate of the piece, at least 1 */
    uint8_t reasoning;
    double at_ms;          /* planned send time, from admission */
    mono_ns sent;          /* when it was handed to libevent, 0 = not sent */
};

/* The request, normalised by the protocol's parse(). */
struct mock_ask {
    char *model;               /* model name asked for, or NULL (owned) */
    struct buf prompt;         /* every text of the request, '\n'-joined, for matching */
    size_t in_tokens;          /* token_estimate of the message texts */
    /* Prompt caching: hashes and token counts of growing message prefixes
     * (all messages but the last). */
    size_t n_prefix;
    uint64_t prefix_hash[16];
    size_t prefix_tokens[16];
    long max_tokens;           /* -1: no limit given */
    char *stop[4];             /* owned */
    size_t n_stop;
    int stream;
    int include_usage;         /* OpenAI stream_options.include_usage */
    int obfuscation;           /* OpenAI stream_options.include_obfuscation (default 1) */
    int details;               /* TGI parameters.details */
    int think;                 /* reasoning wanted (default 1) */
    int return_full_text;      /* TGI */
    long long seed;            /* TGI details.seed; -1 none */
    const char *task;          /* HF task route: summarization|translation|text-generation|NULL */
};

/* The planned answer. */
struct mock_gen {
    struct buf reasoning, answer;
    struct mock_piece *pieces;
    size_t n_pieces;
    size_t reasoning_tokens, answer_tokens, cached_tokens;
    enum mock_finish finish;
    const char *stop_seq;      /* the stop string that ended it (borrowed from ask) */
    double ttft_ms;            /* intended time from admission to the first piece */
    double load_ms;            /* cold-start wait included in ttft_ms */
    double queue_ms;           /* time spent waiting for a slot */
    const struct corpus_item *item;   /* the item found, or NULL */
};

struct exchange {
    struct mock_server *srv;
    struct evhttp_request *req;        /* NULL once freed */
    struct evhttp_connection *evcon;   /* NULL once the client is gone */
    const struct mock_proto *proto;
    enum mock_route route;
    char *route_name;                  /* the path, for the log (owned) */
    char *url_model;                   /* model named by the URL (owned) */
    const struct mock_model *model;
    struct model_rt *rt;
    struct buf raw;                    /* request body */
    cJSON *body;                       /* parsed request body (owned) */
    struct mock_ask ask;
    struct mock_gen gen;
    struct rng rng;                    /* per-request draws: timing, faults, ids */
    uint64_t nonce;
    char id[64];                       /* response id (chatcmpl-..., msg_...) */
    char request_id[64];               /* x-request-id / request-id value */
    int64_t created;                   /* unix seconds */
    enum mock_fault fault;
    int fault_forced;                  /* from x-mock-fault */
    size_t fault_at;                   /* piece index where a stream fault happens */
    int status;                        /* HTTP status sent */
    int stream_started;
    int phase;                         /* server.c's enum phase */
    int gone;                          /* the client closed the connection */
    int holds_slot;
    int queued;                        /* waiting for a slot */
    int done;
    mono_ns t_arrive, t_admit, t_headers, t_end;
    mono_ns last_write;              /* when stream bytes were last handed to the socket */
    int64_t wall_arrive_ns;
    size_t next;                       /* next piece to send */
    struct event *timer;
    /* Stream stress options (x-mock-eol, x-mock-comments, x-mock-split,
     * x-mock-bom): see docs/mock.md. */
    int eol;                           /* 0 "\n", 1 "\r\n", 2 "\r" */
    int comments;                      /* a ": keep-alive" comment before each write */
    int bom;
    size_t split;                      /* write at most this many bytes at a time; 0 = off */
    struct buf pending;                /* bytes waiting to be written in split pieces */
    size_t pending_off;
    struct event *drain;
    int end_pending;                   /* end the stream once pending is written */
    mono_ns stall_end;
    struct exchange *q_next;           /* its model's FIFO queue */
    struct exchange *live_prev, *live_next;
};

struct mock_proto {
    const char *name;                  /* "openai", "azure", ... (log, docs) */
    const char *stream_ctype;          /* Content-Type of a streamed reply */
    const char *frame_end;             /* "\n\n" (SSE) or "\n" (NDJSON) */
    const char *id_prefix;             /* response id: prefix + 24 random alphanumerics */
    const char *request_id_prefix;     /* request id header value, likewise */
    int reasoning;                     /* has a field for reasoning text */
    /* MUST: fill x->ask from x->body; on error call mock_reject and return -1. */
    int (*parse)(struct exchange *x);
    /* MUST: status, body and content type of an error. */
    void (*error)(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                  struct buf *out, const char **ctype);
    /* MAY: extra response headers (request id, rate limits, timing). */
    void (*headers)(struct exchange *x, struct evkeyvalq *h);
    /* MUST: the non-streamed reply body (application/json). */
    void (*body)(struct exchange *x, struct buf *out);
    /* MAY: bytes sent with the headers of a stream. */
    void (*open)(struct exchange *x, struct buf *out);
    /* MUST if the protocol streams: one event for piece i. */
    void (*piece)(struct exchange *x, size_t i, struct buf *out);
    /* MAY: the events after the last piece (finish, usage, [DONE]). */
    void (*close)(struct exchange *x, struct buf *out);
    /* MUST if the protocol streams: the in-band error event. */
    void (*stream_error)(struct exchange *x, struct buf *out);
};

extern const struct mock_proto mock_proto_openai;
extern const struct mock_proto mock_proto_azure;
extern const struct mock_proto mock_proto_anthropic;
extern const struct mock_proto mock_proto_tgi;
extern const struct mock_proto mock_proto_hf_task;
extern const struct mock_proto mock_proto_ollama;

/* --- helpers for protocol files (server.c) ------------------------------- */

/* Records an error to send instead of an answer; returns -1. */
int  mock_reject(struct exchange *x, enum mock_err kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A request header, or NULL. */
const char *mock_header(const struct exchange *x, const char *name);
/* Appends s (n bytes, or strlen if n == (size_t)-1) as a JSON string. */
void mock_json_str(struct buf *b, const char *s, size_t n);
/* The text of piece i (borrowed) and its length. */
const char *mock_piece_text(const struct exchange *x, size_t i, size_t *len);
/* Completion tokens: answer + reasoning. */
size_t mock_out_tokens(const struct exchange *x);
/* Uncached input tokens. */
size_t mock_uncached_tokens(const struct exchange *x);
/* Appends the text of a message "content" (string, or array of parts with
 * "text") to the prompt; returns its tokens. */
size_t mock_add_content(struct exchange *x, const cJSON *content);
/* Closes one message-prefix for prompt caching. */
void mock_mark_prefix(struct exchange *x);
/* Random alphanumerics from the request's rng (ids, obfuscation). */
void mock_random_alnum(struct exchange *x, char *out, size_t n);
/* Rate-limit headers in OpenAI style (x-ratelimit-*, Go durations;
 * limit_and_reset = 0 sends only the remaining counts, as Azure does) and
 * Anthropic style (anthropic-ratelimit-*, RFC 3339 resets). */
void mock_ratelimit_openai(struct exchange *x, struct evkeyvalq *h, int limit_and_reset);
void mock_ratelimit_anthropic(struct exchange *x, struct evkeyvalq *h);
/* Retry-After value in seconds for a 429/503 of this exchange. */
double mock_retry_after_s(const struct exchange *x);
/* RFC 3339 with nanoseconds, as Ollama's created_at. */
void mock_rfc3339_nano(int64_t wall_ns, char *out, size_t n);

#endif
