/* fuzz_backends.c -- every adapter's reading of a provider's answer, on
 * any bytes, the way the transport hands them over (transport.c):
 *
 *   byte 0   the adapter (index into backend_table)
 *   byte 1   low 2 bits: 0/1 a whole 2xx body (parse_body), 2 a stream
 *            (the adapter's SSE or NDJSON framing, chunks of
 *            (byte 1 >> 2) % 23 + 1 bytes, into on_event), 3 an HTTP
 *            error answer (classify_http, status from byte 1)
 *   rest     body or stream; for parse_body and errors, raw header lines
 *            ("Name: value\r\n"...) may come first, ended by "\r\n\r\n"
 *
 * No crash, no read past the buffer, no leak; a parse failure always says
 * why, and a failed reply always carries an error text. The answer text
 * then goes through token_estimate, as the run engine does when a
 * provider reports no usage. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/backends/backend.h"
#include "harness/ndjson.h"
#include "harness/sse.h"
#include "harness/util/tokens.h"

struct feed {
    const struct backend_ops *ops;
    struct reply *r;
};

static int on_sse(const char *type, const char *data, size_t n, void *ud, struct diag *d)
{
    struct feed *f = ud;
    int rc = f->ops->on_event(f->r, type, data, n, d);
    if (rc < 0 && !d->set)
        abort();
    return rc;
}

static int on_line(const char *line, size_t n, void *ud, struct diag *d)
{
    struct feed *f = ud;
    int rc = f->ops->on_event(f->r, NULL, line, n, d);
    if (rc < 0 && !d->set)
        abort();
    return rc;
}

static void stream(const struct backend_ops *ops, struct reply *r, const char *p, size_t n,
                   size_t step)
{
    struct feed f = { ops, r };
    struct diag d;
    diag_init(&d);
    struct sse *sse = NULL;
    struct ndjson *nd = NULL;
    if (ops->framing == FRAMING_NDJSON)
        nd = ndjson_new(1u << 16, on_line, &f);
    else
        sse = sse_new(1u << 16, on_sse, &f);
    int rc = 0;
    for (size_t at = 0; at < n && rc == 0; at += step) {
        size_t len = n - at < step ? n - at : step;
        r->now += 1000000;   /* 1 ms per read: inter-token gaps are recorded */
        rc = nd ? ndjson_feed(nd, p + at, len, &d) : sse_feed(sse, p + at, len, &d);
    }
    if (rc == 0)
        rc = nd ? ndjson_finish(nd, &d) : sse_finish(sse, &d);
    if (rc < 0 && !d.set)
        abort();
    ndjson_free(nd);
    sse_free(sse);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t nbackends = 0;
    while (backend_table[nbackends])
        nbackends++;
    if (size < 2)
        return 0;
    const struct backend_ops *ops = backend_table[data[0] % nbackends];
    unsigned mode = data[1] & 3;
    size_t step = (size_t)(data[1] >> 2) % 23 + 1;
    /* An exact-size heap copy so ASan sees any over-read. */
    size_t n = size - 2;
    char *buf = malloc(n ? n : 1);
    memcpy(buf, data + 2, n);

    const char *headers = "", *body = buf;
    size_t headers_len = 0, body_len = n;
    const char *end = memmem(buf, n, "\r\n\r\n", 4);
    if (mode != 2 && end) {
        headers = buf;
        headers_len = (size_t)(end - buf) + 2;
        body = end + 4;
        body_len = n - (size_t)(body - buf);
    }

    struct reply r;
    reply_init(&r);
    r.now = 1000000000;
    if (mode == 2 && ops->on_event) {
        stream(ops, &r, buf, n, step);
    } else if (mode == 3) {
        static const long statuses[] = { 400, 401, 403, 404, 408, 409, 422, 429,
                                         500, 502, 503, 529, 402, 418, 504, 599 };
        struct http_resp resp = { statuses[(data[1] >> 2) % 16], "application/json",
                                  headers, headers_len, body, body_len };
        classify_http(&resp, &r);
        if (!r.failed)
            abort();   /* an error answer is always a failure */
    } else {
        struct http_resp resp = { 200, "application/json", headers, headers_len, body,
                                  body_len };
        struct diag d;
        diag_init(&d);
        if (ops->parse_body(&r, &resp, &d) < 0 && !d.set)
            abort();
        (void)retry_after_from_headers(&resp);
    }
    if (r.failed && !r.error[0])
        abort();
    if (r.finish_raw[0] && !r.finish)
        abort();
    (void)token_estimate(r.text.ptr ? r.text.ptr : "", r.text.len);
    reply_release(&r);
    free(buf);
    return 0;
}
