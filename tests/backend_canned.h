/* backend_canned.h -- test helpers: run an adapter on canned bytes (the
 * protocols.md examples) without a network: a whole body, or a stream fed
 * in reads of `step` bytes, each read 1 ms after the last (r->now), so
 * tests can check which event stopped which clock. */
#ifndef ASSAY_TEST_BACKEND_CANNED_H
#define ASSAY_TEST_BACKEND_CANNED_H

#include <math.h>
#include <string.h>

#include "harness/backends/backend.h"
#include "harness/ndjson.h"
#include "harness/sse.h"

#define CANNED_T0 1000000000LL   /* the clock at the first read */

struct canned_ud {
    const struct backend_ops *ops;
    struct reply *r;
};

static inline int canned_on_sse(const char *type, const char *data, size_t n, void *ud, struct diag *d)
{
    struct canned_ud *c = ud;
    return c->ops->on_event(c->r, type, data, n, d);
}

static inline int canned_on_line(const char *line, size_t n, void *ud, struct diag *d)
{
    struct canned_ud *c = ud;
    return c->ops->on_event(c->r, NULL, line, n, d);
}

/* Feeds stream through the adapter's framing; returns the last rc
 * (0 stream ended, 1 the adapter said the answer is complete, -1 error). */
static inline int canned_stream(const struct backend_ops *ops, const char *stream, size_t step,
                         struct reply *r, struct diag *d)
{
    struct canned_ud c = { ops, r };
    size_t n = strlen(stream);
    int rc = 0;
    if (step == 0)
        step = n ? n : 1;
    if (ops->framing == FRAMING_NDJSON) {
        struct ndjson *p = ndjson_new(1 << 16, canned_on_line, &c);
        for (size_t at = 0, k = 0; at < n && rc == 0; at += step, k++) {
            r->now = CANNED_T0 + (long long)k * 1000000;
            rc = ndjson_feed(p, stream + at, n - at < step ? n - at : step, d);
        }
        if (rc == 0)
            rc = ndjson_finish(p, d);
        ndjson_free(p);
    } else {
        struct sse *p = sse_new(1 << 16, canned_on_sse, &c);
        for (size_t at = 0, k = 0; at < n && rc == 0; at += step, k++) {
            r->now = CANNED_T0 + (long long)k * 1000000;
            rc = sse_feed(p, stream + at, n - at < step ? n - at : step, d);
        }
        if (rc == 0)
            rc = sse_finish(p, d);
        sse_free(p);
    }
    return rc;
}

static inline int canned_body(const struct backend_ops *ops, const char *body, const char *headers,
                       struct reply *r, struct diag *d)
{
    struct http_resp resp = { 200, "application/json", headers ? headers : "",
                              headers ? strlen(headers) : 0, body, strlen(body) };
    r->now = CANNED_T0;
    return ops->parse_body(r, &resp, d);
}

static inline void canned_error(long status, const char *body, const char *headers, struct reply *r)
{
    struct http_resp resp = { status, "application/json", headers ? headers : "",
                              headers ? strlen(headers) : 0, body, strlen(body) };
    classify_http(&resp, r);
}

/* A prompt with nothing set but the system text and the messages. */
static inline struct prompt canned_prompt(const char *system, struct message *msgs, size_t n)
{
    struct prompt p;
    memset(&p, 0, sizeof(p));
    p.system = (char *)system;
    p.msgs = msgs;
    p.nmsgs = n;
    p.gen.max_tokens = -1;
    p.gen.temperature = NAN;
    p.gen.top_p = NAN;
    return p;
}

/* A minimal backend of the given type for build() tests. */
static inline struct backend_conf canned_backend(const char *type, const char *base_url)
{
    struct backend_conf b;
    memset(&b, 0, sizeof(b));
    b.name = (char *)"t";
    b.type = (char *)type;
    b.ops = backend_find(type);
    b.model = (char *)"m-1";
    b.base_url = (char *)base_url;
    b.stream = b.ops && b.ops->framing != FRAMING_NONE;
    return b;
}

#endif
