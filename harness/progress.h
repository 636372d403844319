/* progress.h -- run progress on stderr: a live bar on a terminal (done/
 * total, ok/failed/retrying, requests/s, ETA) redrawn at most ten times a
 * second, or a plain line every few seconds otherwise (CI logs). Never
 * on stdout, never more often than that, so it costs the loop nothing. */
#ifndef ASSAY_PROGRESS_H
#define ASSAY_PROGRESS_H

#include <stdio.h>

#include "harness/util/clock.h"

enum progress_mode { PROGRESS_AUTO, PROGRESS_BAR, PROGRESS_LINES, PROGRESS_OFF };

struct progress {
    FILE *f;
    int bar;                /* 1 = live bar, 0 = plain lines, -1 = off */
    long total, done, ok, failed, retrying, cached;
    mono_ns start, last_draw;
    long done_at_start;     /* already done when this process started (resume) */
    int drawn;              /* a bar is on screen (needs a newline before other output) */
};

void progress_init(struct progress *p, FILE *f, enum progress_mode mode, long total,
                   long already_done);
/* Redraws if it is time (force: now). */
void progress_tick(struct progress *p, int force);
/* Ends the bar line (before printing anything else, and at the end). */
void progress_end(struct progress *p);

#endif
