/* gtlog.h -- the mock's ground-truth log (--log FILE): one JSON line per
 * request with what was intended and when each part was actually handed to
 * the socket, so a client's timing accuracy can be measured. Format:
 * docs/mock.md. */
#ifndef ASSAY_MOCK_GTLOG_H
#define ASSAY_MOCK_GTLOG_H

#include <stdio.h>

#include "harness/util/diag.h"

struct exchange;

FILE *gtlog_open(const char *path, struct diag *d);   /* appends; line-buffered */
void  gtlog_write(FILE *f, const struct exchange *x);

#endif
