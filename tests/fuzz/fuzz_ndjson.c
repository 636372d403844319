/* fuzz_ndjson.c -- the NDJSON splitter and the Ollama line parser behind
 * it: any bytes in any split, no crash; the first byte chooses the split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ndjson.h"

static int on_line(const char *line, size_t n, void *ud, struct diag *d)
{
    size_t *count = ud;
    if (strlen(line) > n)
        abort();
    (*count)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 13 + 1;
    data++;
    size--;
    size_t count = 0;
    struct diag d;
    diag_init(&d);
    struct ndjson *p = ndjson_new(256, on_line, &count);
    for (size_t at = 0; at < size; at += step) {
        size_t n = size - at < step ? size - at : step;
        if (ndjson_feed(p, (const char *)data + at, n, &d) != 0)
            break;
    }
    ndjson_finish(p, &d);
    ndjson_free(p);
    return 0;
}
