/* sse.c -- incremental Server-Sent Events parser.
 *
 * Follows the WHATWG "parsing an event stream" rules as protocols.md
 * section 7 restates them:
 *   - one leading U+FEFF BOM is dropped, even when split across reads;
 *   - lines end with CRLF, LF or a lone CR; a CR at the end of one read and
 *     an LF at the start of the next are one line ending (pending_cr);
 *   - an empty line dispatches the pending event; a line starting with ':'
 *     is a comment (keep-alives); "name:value" drops one leading space of
 *     the value; a line without ':' is a field name with an empty value;
 *   - data lines are joined with '\n'; an event with no data line is not
 *     dispatched; the type defaults to "message"; id (unless it holds NUL)
 *     and retry (digits only) are kept;
 *   - at end of stream a pending line is processed and pending data is
 *     dispatched as a final event, flagged (lenient: some proxies drop the
 *     last blank line).
 * Lines that arrive whole within one read are parsed in place; only a line
 * split across reads is copied, and never past max_line bytes. */
#include "sse.h"
#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct sse {
    sse_event_fn *fn;
    void *ud;
    size_t max_line;
    struct buf line;      /* a line split across reads */
    struct buf data;      /* data lines of the pending event, '\n'-joined */
    struct buf event;     /* event type of the pending event */
    struct buf last_id;
    long retry_ms;
    int have_data;        /* at least one data line since the last dispatch */
    int pending_cr;       /* the last byte fed was CR: skip one LF */
    int bom_pos;          /* BOM bytes matched so far at stream start; 3 = done */
    int stopped;          /* 1 or -1 once the callback stopped or failed */
    int unterminated;
};

static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

struct sse *sse_new(size_t max_line, sse_event_fn *fn, void *ud)
{
    struct sse *p = xcalloc(1, sizeof(*p));
    p->max_line = max_line ? max_line : 1 << 20;
    buf_init(&p->line, p->max_line);
    buf_init(&p->data, p->max_line + 1);
    buf_init(&p->event, 256);
    buf_init(&p->last_id, 256);
    sse_reset(p, fn, ud);
    return p;
}

void sse_reset(struct sse *p, sse_event_fn *fn, void *ud)
{
    p->fn = fn;
    p->ud = ud;
    buf_reset(&p->line);
    buf_reset(&p->data);
    buf_reset(&p->event);
    buf_reset(&p->last_id);
    p->retry_ms = -1;
    p->have_data = 0;
    p->pending_cr = 0;
    p->bom_pos = 0;
    p->stopped = 0;
    p->unterminated = 0;
}

void sse_free(struct sse *p)
{
    if (!p)
        return;
    buf_release(&p->line);
    buf_release(&p->data);
    buf_release(&p->event);
    buf_release(&p->last_id);
    free(p);
}

static int dispatch(struct sse *p, struct diag *d)
{
    if (!p->have_data) {
        buf_reset(&p->event);
        return 0;
    }
    buf_truncate(&p->data, p->data.len - 1);   /* the trailing '\n' */
    const char *type = p->event.len ? p->event.ptr : "message";
    int rc = p->fn(type, p->data.ptr, p->data.len, p->ud, d);
    buf_reset(&p->data);
    buf_reset(&p->event);
    p->have_data = 0;
    return rc;
}

static int field_is(const char *name, size_t n, const char *lit)
{
    size_t len = strlen(lit);
    return n == len && memcmp(name, lit, len) == 0;
}

static int process_line(struct sse *p, const char *l, size_t n, struct diag *d)
{
    if (n == 0)
        return dispatch(p, d);
    if (l[0] == ':')
        return 0;
    const char *colon = memchr(l, ':', n);
    size_t name_len = colon ? (size_t)(colon - l) : n;
    const char *value = colon ? colon + 1 : l + n;
    size_t vlen = (size_t)(l + n - value);
    if (vlen && value[0] == ' ') {
        value++;
        vlen--;
    }
    if (field_is(l, name_len, "data")) {
        if (buf_add(&p->data, value, vlen) < 0 || buf_addc(&p->data, '\n') < 0)
            return diag_fail(d, "SSE event data longer than %zu bytes", p->max_line);
        p->have_data = 1;
    } else if (field_is(l, name_len, "event")) {
        buf_reset(&p->event);
        if (buf_add(&p->event, value, vlen) < 0)
            return diag_fail(d, "SSE event type longer than 255 bytes");
    } else if (field_is(l, name_len, "id")) {
        if (!memchr(value, '\0', vlen)) {
            buf_reset(&p->last_id);
            buf_add(&p->last_id, value, vlen < 255 ? vlen : 255);
        }
    } else if (field_is(l, name_len, "retry")) {
        size_t i = 0;
        while (i < vlen && value[i] >= '0' && value[i] <= '9')
            i++;
        if (i == vlen && vlen > 0 && vlen < 10)
            p->retry_ms = strtol(value, NULL, 10);
    }
    return 0;
}

int sse_feed(struct sse *p, const char *bytes, size_t n, struct diag *d)
{
    if (p->stopped)
        return p->stopped;
    size_t i = 0;
    /* Drop one BOM at the very start, even if it arrives a byte at a time. */
    while (p->bom_pos < 3 && i < n) {
        if ((unsigned char)bytes[i] == bom[p->bom_pos]) {
            p->bom_pos++;
            i++;
            continue;
        }
        /* Not a BOM after all: the bytes matched so far were line bytes. */
        if (p->bom_pos > 0 && buf_add(&p->line, bom, (size_t)p->bom_pos) < 0)
            return p->stopped = diag_fail(d, "SSE line longer than %zu bytes", p->max_line);
        p->bom_pos = 3;
    }
    while (i < n) {
        if (p->pending_cr) {
            p->pending_cr = 0;
            if (bytes[i] == '\n') {
                i++;
                continue;
            }
        }
        size_t j = i;
        while (j < n && bytes[j] != '\n' && bytes[j] != '\r')
            j++;
        if (j == n) {
            if (buf_add(&p->line, bytes + i, n - i) < 0)
                return p->stopped = diag_fail(d, "SSE line longer than %zu bytes", p->max_line);
            break;
        }
        int rc;
        if (p->line.len == 0) {
            if (j - i > p->max_line)
                return p->stopped = diag_fail(d, "SSE line longer than %zu bytes", p->max_line);
            rc = process_line(p, bytes + i, j - i, d);
        } else {
            if (buf_add(&p->line, bytes + i, j - i) < 0)
                return p->stopped = diag_fail(d, "SSE line longer than %zu bytes", p->max_line);
            rc = process_line(p, p->line.ptr, p->line.len, d);
            buf_reset(&p->line);
        }
        if (bytes[j] == '\r')
            p->pending_cr = 1;
        i = j + 1;
        if (rc != 0)
            return p->stopped = rc;
    }
    return 0;
}

int sse_finish(struct sse *p, struct diag *d)
{
    if (p->stopped)
        return p->stopped;
    /* A stream that was only part of a BOM: those bytes were a line. */
    if (p->bom_pos > 0 && p->bom_pos < 3) {
        buf_add(&p->line, bom, (size_t)p->bom_pos);
        p->bom_pos = 3;
    }
    int rc = 0;
    if (p->line.len) {
        rc = process_line(p, p->line.ptr, p->line.len, d);
        buf_reset(&p->line);
    }
    if (rc == 0 && p->have_data) {
        p->unterminated = 1;
        rc = dispatch(p, d);
    }
    if (rc != 0)
        p->stopped = rc;
    return rc;
}

int sse_unterminated(const struct sse *p)
{
    return p->unterminated;
}

long sse_retry_ms(const struct sse *p)
{
    return p->retry_ms;
}

const char *sse_last_id(const struct sse *p)
{
    return p->last_id.ptr;
}
