/* results.h -- the results store of a run folder (docs/records.md).
 *
 * Writer: results.jsonl is opened for appending; each record is one
 * write() of the whole line, checked, so a finished request is in the
 * file (the kernel's) before the run does anything else, and survives a
 * kill -9. A helper thread fsyncs the file once a second while records are
 * written, and results_close syncs the rest (a power cut loses at most
 * the last second; records.md) -- never the event loop, whose reads must
 * not wait for a disk. If the file ends in a torn line (a
 * crash mid-write), a newline is written first so the fragment stays a
 * line of its own that readers skip.
 *
 * Reader: every line that parses, in order, to a callback; a line that
 * does not parse is skipped with a warning (records.md: the last record
 * per key wins, which the caller applies with results_key). */
#ifndef ASSAY_RESULTS_H
#define ASSAY_RESULTS_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"

struct results_sync;   /* the sync thread */

struct results_writer {
    int fd;
    char *path;
    long written;
    struct results_sync *sync;
};

/* Creates dir if needed and opens dir/results.jsonl for appending. */
int  results_open(struct results_writer *w, const char *dir, struct diag *d);
/* Appends one record (line without its '\n'). */
int  results_append(struct results_writer *w, const char *line, size_t n, struct diag *d);
int  results_close(struct results_writer *w, struct diag *d);

/* Calls fn for each record of path (fn takes ownership of rec and returns
 * 0 to go on, -1 to stop). Unparseable lines are counted in *skipped and
 * reported on warn (may be NULL). A missing file is no records. */
typedef int results_fn(cJSON *rec, long line, void *ud, struct diag *d);
int  results_read(const char *path, results_fn *fn, void *ud, FILE *warn, long *skipped,
                  struct diag *d);

/* The record key "suite\x1fitem\x1fbackend\x1frepeat" into out (reset first);
 * -1 if rec lacks one of them. */
int  results_key(const cJSON *rec, struct buf *out);
void results_key_of(const char *suite, const char *item, const char *backend, long repeat,
                    struct buf *out);

#endif
