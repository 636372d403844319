/* ndjson.c -- incremental NDJSON line splitter; see ndjson.h.
 * Every line is gathered in one capped buffer (at most max_line bytes) so
 * the callback gets it NUL-terminated; Ollama lines are short. */
#include "ndjson.h"
#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct ndjson {
    ndjson_line_fn *fn;
    void *ud;
    size_t max_line;
    struct buf line;     /* a line split across reads */
    int stopped;
    int unterminated;
};

struct ndjson *ndjson_new(size_t max_line, ndjson_line_fn *fn, void *ud)
{
    struct ndjson *p = xcalloc(1, sizeof(*p));
    p->max_line = max_line ? max_line : 1 << 20;
    buf_init(&p->line, p->max_line + 1);   /* + the CR dropped before LF */
    ndjson_reset(p, fn, ud);
    return p;
}

void ndjson_reset(struct ndjson *p, ndjson_line_fn *fn, void *ud)
{
    p->fn = fn;
    p->ud = ud;
    buf_reset(&p->line);
    p->stopped = 0;
    p->unterminated = 0;
}

void ndjson_free(struct ndjson *p)
{
    if (!p)
        return;
    buf_release(&p->line);
    free(p);
}

/* Delivers the line held in p->line (NUL-terminated by buf). */
static int deliver(struct ndjson *p, struct diag *d)
{
    if (p->line.len && p->line.ptr[p->line.len - 1] == '\r')
        buf_truncate(&p->line, p->line.len - 1);
    if (p->line.len > p->max_line)
        return diag_fail(d, "NDJSON line longer than %zu bytes", p->max_line);
    size_t i = 0;
    while (i < p->line.len && (p->line.ptr[i] == ' ' || p->line.ptr[i] == '\t' ||
                               p->line.ptr[i] == '\r'))
        i++;
    if (i == p->line.len)
        return 0;
    return p->fn(p->line.ptr, p->line.len, p->ud, d);
}

int ndjson_feed(struct ndjson *p, const char *bytes, size_t n, struct diag *d)
{
    if (p->stopped)
        return p->stopped;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(bytes + i, '\n', n - i);
        if (!nl) {
            if (buf_add(&p->line, bytes + i, n - i) < 0)
                return p->stopped = diag_fail(d, "NDJSON line longer than %zu bytes", p->max_line);
            break;
        }
        size_t j = (size_t)(nl - bytes);
        int rc;
        if (buf_add(&p->line, bytes + i, j - i) < 0)
            return p->stopped = diag_fail(d, "NDJSON line longer than %zu bytes", p->max_line);
        rc = deliver(p, d);
        buf_reset(&p->line);
        i = j + 1;
        if (rc != 0)
            return p->stopped = rc;
    }
    return 0;
}

int ndjson_finish(struct ndjson *p, struct diag *d)
{
    if (p->stopped)
        return p->stopped;
    int rc = 0;
    if (p->line.len) {
        size_t k = 0;
        while (k < p->line.len && (p->line.ptr[k] == ' ' || p->line.ptr[k] == '\t' ||
                                   p->line.ptr[k] == '\r'))
            k++;
        if (k < p->line.len)
            p->unterminated = 1;
        rc = deliver(p, d);
        buf_reset(&p->line);
    }
    if (rc != 0)
        p->stopped = rc;
    return rc;
}

int ndjson_unterminated(const struct ndjson *p)
{
    return p->unterminated;
}
