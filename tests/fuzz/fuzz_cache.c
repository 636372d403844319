/* fuzz_cache.c -- a response-cache entry read back from any bytes (a
 * damaged or hand-edited file under --cache DIR): cache_get either
 * misses or returns a status, content type, headers and body that fit in
 * the file. No crash, no over-read, no leak, no UB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/cache.h"
#include "harness/util/xalloc.h"

#define KEY "ab00000000000000000000000000000000000000000000000000000000000000"

static char *dir, *path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir) {
        char tmpl[] = "/tmp/assay-fuzz-cache-XXXXXX";
        if (!mkdtemp(tmpl))
            abort();
        dir = xstrdup(tmpl);
        char *sub = xasprintf("%s/ab", dir);
        if (mkdir(sub, 0700) < 0)
            abort();
        free(sub);
        path = xasprintf("%s/ab/%s.bin", dir, KEY);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    struct cache_entry e;
    if (cache_get(dir, KEY, &e)) {
        if (e.headers.len + e.body.len > size || strlen(e.content_type) >= sizeof(e.content_type))
            abort();
        cache_entry_release(&e);
    }
    return 0;
}
