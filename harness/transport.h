/* transport.h -- one libcurl multi loop that drives every request of a run.
 *
 * A struct xfer is one HTTP attempt: the caller takes one from the
 * transport's pool, points it at a backend, URL and body (borrowed until
 * the attempt is done), starts it, and gets it back in the done callback
 * with the reply filled: answer text, usage, finish reason, clocks, the
 * HTTP status and, on failure, the record status, whether it is worth
 * retrying and the error text. Then it gives the xfer back.
 *
 * Clocks (CLOCK_MONOTONIC): t_start when the attempt is handed to libcurl;
 * every read is timestamped before it is parsed; the reply's TTFT/ITL
 * clocks are the timestamps of the reads that completed text-bearing
 * events. Timeouts: connect and total by libcurl; first token (no
 * generated token of any kind within first_token_ms) and idle (a stream
 * silent for idle_ms) by a sweep; each is recorded as status "timeout".
 *
 * Waiting is transport_poll's timeout (the caller passes its next timer);
 * a byte written to transport_wake_fd() (async-signal-safe) ends a wait.
 * The loop is libcurl's multi socket interface over epoll (transport.c
 * says why), so a round costs what is ready, not what is in flight. */
#ifndef ASSAY_TRANSPORT_H
#define ASSAY_TRANSPORT_H

#include <curl/curl.h>
#include <stddef.h>

#include "harness/backends/backend.h"
#include "harness/util/buf.h"
#include "harness/util/clock.h"

struct transport;
struct shard;
struct sse;
struct ndjson;

struct xfer {
    /* Set by the caller before transport_start (borrowed until done). */
    const struct backend_conf *backend;
    const struct curl_slist *headers;   /* from transport_headers() */
    const char *url;
    const char *body;
    size_t body_len;
    int stream;                         /* the streaming form was asked for */
    int keep_raw;                       /* keep the raw answer bytes in raw (cache) */
    void *ud;                           /* the caller's */

    /* Results, valid in the done callback. */
    struct reply reply;                 /* failed == 0 means status ok */
    long http_status;                   /* 0 if no response */
    const char *http_version;           /* "1.1", "2", "3"; NULL if no response */
    mono_ns t_start, t_first_byte, t_last_byte, t_done;
    double dns_ms, connect_ms, tls_ms, first_byte_ms;   /* libcurl phases, -1 unknown */
    int lenient_eof;                    /* the stream ended without its last blank line */
    struct buf resp_headers;            /* raw header lines of the last response */
    struct buf raw;                     /* with keep_raw: the answer bytes as received */

    /* Private to the transport. */
    struct transport *t;
    struct shard *shard;                /* the multi handle it runs on, for life */
    struct xfer_setup {                 /* what the easy handle's options were set for */
        const struct backend_conf *backend;
        long connect_ms, total_ms;
        const char *ca_file;
        int insecure, https;
    } setup;
    CURL *easy;
    struct sse *sse;
    struct ndjson *nd;
    struct buf body_in;                 /* whole body (non-stream answers, errors) */
    int mode;                           /* 0 undecided, 1 stream, 2 body */
    int answer_done;                    /* the adapter said the answer is complete */
    int cut;                            /* stopped by us: timeout, abort, parse error */
    int sock;                           /* the socket libcurl reads it from, -1 unknown */
    struct diag parse_diag;
    char curl_err[CURL_ERROR_SIZE];
    struct xfer *prev, *next;           /* active list */
};

typedef void xfer_done_fn(struct xfer *x, void *ud);

/* max_active: the most attempts at once (sizes the connection cache). */
struct transport *transport_new(long max_active, xfer_done_fn *done, void *ud);
void transport_free(struct transport *t);   /* aborts nothing: call when idle */

/* Header list for every request of b: Content-Type, Accept, an empty
 * Expect, the adapter's (auth, versions) and the config's. Owned by the
 * caller (curl_slist_free_all). */
struct curl_slist *transport_headers(const struct backend_conf *b);

/* A ready xfer (reply reset); give it back with transport_put. */
struct xfer *transport_get(struct transport *t);
void transport_put(struct transport *t, struct xfer *x);
/* Starts x now (t_start = now). -1 if libcurl refused (x->reply says why;
 * the done callback is not called). */
int  transport_start(struct transport *t, struct xfer *x);
/* Waits at most timeout_ms for activity, moves every transfer on, calls
 * the done callback for each finished one, cuts timed-out ones. Returns
 * the number finished. */
int  transport_poll(struct transport *t, long timeout_ms);
/* Ends every active attempt now with status (e.g. ST_ABORTED) and message;
 * done callbacks run before this returns. */
void transport_abort_all(struct transport *t, enum rstatus status, const char *msg);
long transport_active(const struct transport *t);
/* Processes a stored answer (the cache) as if it had just arrived, without
 * the network: fills x's results exactly as a live answer would (its
 * clocks mean nothing). The done callback is not called. */
void transport_replay(struct xfer *x, long status, const char *content_type,
                      const char *headers, size_t headers_len, const char *body,
                      size_t body_len);
/* Write end of the wake pipe (for signal handlers). */
int  transport_wake_fd(const struct transport *t);
/* Longest time the loop spent away from epoll_wait in one round
 * (ms), and how many rounds; the starvation check of the run summary. */
double transport_max_busy_ms(const struct transport *t);
/* Total time of the rounds that kept the loop away more than 50 ms. */
double transport_stalled_ms(const struct transport *t);

#endif
