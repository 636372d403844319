/* interrupt.h -- Ctrl-C for the request loops of `assay run` and
 * `assay load`.
 *
 * While caught, SIGINT and SIGTERM only count (wrk's handler() sets a
 * flag, STYLE.md 7) and write one byte to the loop's wake fd, so that a
 * wait in transport_poll ends at once. The loop reads the count after each
 * wait and decides what it means: the first stops issuing, the second
 * aborts what is in flight. SIGPIPE stays ignored after release: a peer
 * closing its socket is a record status, never a reason to die.
 *
 * The count and the fd are process-wide, as signal dispositions are: one
 * loop catches at a time. */
#ifndef ASSAY_INTERRUPT_H
#define ASSAY_INTERRUPT_H

/* Counts from 0 and wakes wake_fd (-1: none) on each signal; keeps the
 * previous handlers for interrupt_release. */
void interrupt_catch(int wake_fd);
/* Signals since interrupt_catch. */
int  interrupt_count(void);
/* The previous SIGINT and SIGTERM handlers back; no more waking. */
void interrupt_release(void);

#endif
