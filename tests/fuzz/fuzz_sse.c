/* fuzz_sse.c -- the SSE parser: any bytes in any split, no crash, no read
 * past the buffer; the first input byte chooses where to split. */
#include <stdint.h>
#include <stdlib.h>

#include "harness/sse.h"

static int on_event(const char *type, const char *data, size_t n, void *ud, struct diag *d)
{
    size_t *count = ud;
    volatile char sink = 0;
    for (size_t i = 0; i < n; i++)
        sink ^= data[i];
    (void)sink;
    (void)type;
    (*count)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    data++;
    size--;
    size_t count = 0;
    struct diag d;
    diag_init(&d);
    struct sse *p = sse_new(256, on_event, &count);
    for (size_t at = 0; at < size; at += step) {
        size_t n = size - at < step ? size - at : step;
        if (sse_feed(p, (const char *)data + at, n, &d) != 0)
            break;
    }
    sse_finish(p, &d);
    sse_free(p);
    return 0;
}
