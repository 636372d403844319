/* clock.h -- monotonic and wall-clock time in nanoseconds.
 *
 * Every latency in assay is a difference of mono_ns values from
 * CLOCK_MONOTONIC (redis's monotime); wall time is only for records and
 * file names. */
#ifndef ASSAY_CLOCK_H
#define ASSAY_CLOCK_H

#include <stdint.h>
#include <time.h>

typedef int64_t mono_ns;

static inline mono_ns clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (mono_ns)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Formats a wall-clock time as RFC 3339 UTC with milliseconds
 * ("2026-11-26T22:31:38.123Z") into out (at least 32 bytes). */
void clock_format_rfc3339(int64_t wall_ns, char *out, size_t n);

#endif
