/* sse.h -- incremental Server-Sent Events parser (WHATWG framing).
 *
 * Feed bytes in any split; the callback runs once per complete event, in
 * the same sse_feed call that saw its terminating blank line (so the
 * caller's timestamp of that read is the event's arrival time). Never
 * holds more than max_line bytes of one line, nor more than max_line bytes
 * of one event's data. Wire rules: protocols.md section 7.
 *
 * The callback gets the event type ("message" when none was given) and
 * the data (NUL-terminated, n bytes, may hold NULs); both are borrowed for
 * the call. It returns 0 to go on, 1 to stop (the rest of the stream is
 * ignored, sse_feed returns 1), -1 on error (sse_feed returns -1; the
 * callback fills the diag). */
#ifndef ASSAY_SSE_H
#define ASSAY_SSE_H

#include <stddef.h>

#include "harness/util/diag.h"

struct sse;   /* opaque */
typedef int sse_event_fn(const char *type, const char *data, size_t n, void *ud,
                         struct diag *d);

/* Returns an owned parser; free with sse_free. */
struct sse *sse_new(size_t max_line, sse_event_fn *fn, void *ud);
/* Forgets all state (for the next response), keeping the memory. */
void sse_reset(struct sse *p, sse_event_fn *fn, void *ud);
/* 0 go on, 1 the callback stopped the stream, -1 error (line too long,
 * callback error). After 1 or -1, further feeds are ignored. */
int  sse_feed(struct sse *p, const char *bytes, size_t n, struct diag *d);
/* End of stream. A pending unterminated line is processed and a pending
 * event dispatched (lenient; see sse_unterminated). Same returns. */
int  sse_finish(struct sse *p, struct diag *d);
/* 1 if sse_finish had to dispatch an event that had no final blank line. */
int  sse_unterminated(const struct sse *p);
/* The last "retry:" value in ms, or -1; last "id:", or "". */
long sse_retry_ms(const struct sse *p);
const char *sse_last_id(const struct sse *p);
void sse_free(struct sse *p);

#endif
