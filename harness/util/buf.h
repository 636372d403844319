/* buf.h -- growable byte buffer with a cap (git's strbuf + curl's dynbuf).
 *
 * Invariants a caller may rely on: ptr is never NULL after buf_init, the
 * bytes are always NUL-terminated (ptr[len] == 0), len is the truth (the
 * contents may hold NULs), and len never exceeds max: an append that would
 * pass it fails with -1 and leaves the buffer unchanged. max = 0 means
 * "no cap". Bytes from outside (SSE lines, bodies) always get a cap. */
#ifndef ASSAY_BUF_H
#define ASSAY_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *ptr;
    size_t len;   /* bytes held, excluding the terminating NUL */
    size_t cap;   /* bytes allocated, including room for the NUL */
    size_t max;   /* most bytes the buffer may hold; 0 = unlimited */
};

#define BUF_INIT { buf_empty_string, 0, 0, 0 }
extern char buf_empty_string[];

void  buf_init(struct buf *b, size_t max);
int   buf_add(struct buf *b, const void *p, size_t n);   /* -1 past max */
int   buf_adds(struct buf *b, const char *s);
int   buf_addc(struct buf *b, char c);
int   buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int   buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void  buf_reset(struct buf *b);                          /* len = 0, keeps memory */
void  buf_truncate(struct buf *b, size_t len);
void  buf_drop_front(struct buf *b, size_t n);           /* a line was consumed */
char *buf_take(struct buf *b, size_t *len);              /* caller owns the bytes; b is re-initialised */
void  buf_release(struct buf *b);                        /* frees; b is re-initialised */

#endif
