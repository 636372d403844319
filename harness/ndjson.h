/* ndjson.h -- incremental newline-delimited JSON splitter (Ollama's native
 * stream, protocols.md 3.3.2 and 7.2 rule 4).
 *
 * Feed bytes in any split; the callback runs once per complete line, in
 * the ndjson_feed call that saw its '\n'. Lines are split on '\n' only; one
 * CR before the LF is dropped; blank (whitespace-only) lines are skipped.
 * A line is delivered NUL-terminated and borrowed for the call; it is not
 * parsed here (the adapter parses its JSON). Never holds more than
 * max_line bytes. Callback returns: 0 go on, 1 stop, -1 error (as sse.h). */
#ifndef ASSAY_NDJSON_H
#define ASSAY_NDJSON_H

#include <stddef.h>

#include "harness/util/diag.h"

struct ndjson;   /* opaque */
typedef int ndjson_line_fn(const char *line, size_t n, void *ud, struct diag *d);

struct ndjson *ndjson_new(size_t max_line, ndjson_line_fn *fn, void *ud);
void ndjson_reset(struct ndjson *p, ndjson_line_fn *fn, void *ud);
/* 0 go on, 1 stopped by the callback, -1 error. */
int  ndjson_feed(struct ndjson *p, const char *bytes, size_t n, struct diag *d);
/* End of stream: a last line without '\n' is delivered and flagged. */
int  ndjson_finish(struct ndjson *p, struct diag *d);
int  ndjson_unterminated(const struct ndjson *p);
void ndjson_free(struct ndjson *p);

#endif
