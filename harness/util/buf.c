/* buf.c -- see buf.h. */
#include "buf.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty_string[1];

void buf_init(struct buf *b, size_t max)
{
    b->ptr = buf_empty_string;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static int buf_reserve(struct buf *b, size_t extra)
{
    if (b->max && (extra > b->max || b->len > b->max - extra))
        return -1;
    if (extra >= SIZE_MAX - b->len)
        return -1;   /* no buffer can hold it (a length read from damaged data) */
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;   /* doubling must not wrap to 0 */
    if (b->cap == 0) {
        b->ptr = xmalloc(ncap);
        b->ptr[0] = '\0';
    } else {
        b->ptr = xrealloc(b->ptr, ncap);
    }
    b->cap = ncap;
    return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    if (b->cap)
        b->ptr[b->len] = '\0';
    return 0;
}

int buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    /* One formatting pass in the common case: print into the room there
     * is, and only when it does not fit grow and print again (vsnprintf
     * is much of the cost of building replies and records). */
    size_t room = b->cap ? b->cap - b->len : 0;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, cp);
    va_end(cp);
    if (n < 0 || (b->max && ((size_t)n > b->max || b->len > b->max - (size_t)n))) {
        if (b->cap)
            b->ptr[b->len] = '\0';   /* past the cap: unchanged */
        return -1;
    }
    if ((size_t)n >= room) {
        if (buf_reserve(b, (size_t)n) < 0)
            return -1;
        vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
    return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return r;
}

void buf_reset(struct buf *b)
{
    buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    if (b->cap)
        b->ptr[len] = '\0';
}

void buf_drop_front(struct buf *b, size_t n)
{
    if (n >= b->len) {
        buf_reset(b);
        return;
    }
    memmove(b->ptr, b->ptr + n, b->len - n);
    b->len -= n;
    b->ptr[b->len] = '\0';
}

char *buf_take(struct buf *b, size_t *len)
{
    char *p;
    if (b->cap == 0)
        p = xstrdup("");
    else
        p = b->ptr;
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->ptr);
    buf_init(b, b->max);
}
