/* xalloc.h -- allocation that never returns NULL.
 *
 * Out of memory is not a condition assay tries to survive: these print a
 * message naming the size and abort (git's xmalloc, redis's zmalloc).
 * Records are flushed per request, so nothing finished is lost. */
#ifndef ASSAY_XALLOC_H
#define ASSAY_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);   /* copies at most n bytes, NUL-terminates */
/* Returns owned printf-formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *cap elements of elem bytes) so it holds at least need. */
void xgrow(void **arr, size_t *cap, size_t need, size_t elem);
#define XGROW(arr, cap, need) xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
