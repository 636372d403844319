/* test_cache_entry.c -- a cache entry read back: what cache_put wrote
 * comes back byte for byte, and a damaged entry (any numbers in its
 * header line, lengths that do not add up, no header line) is a miss,
 * never a crash or a huge read. The damaged shapes are those fuzz_cache
 * found (negative and out-of-range lengths, a length that wraps the sum). */
#include "check.h"
#include "harness/cache.h"
#include "support/proc.h"
#include "harness/util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY "cd00000000000000000000000000000000000000000000000000000000000001"

static void write_entry(const char *dir, const char *bytes, size_t n)
{
    char *path = xasprintf("%s/cd/%s.bin", dir, KEY);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
    free(path);
}

static int hit(const char *dir, const char *bytes)
{
    write_entry(dir, bytes, strlen(bytes));
    struct cache_entry e;
    int rc = cache_get(dir, KEY, &e);
    if (rc)
        cache_entry_release(&e);
    return rc;
}

int main(void)
{
    char *dir = test_tmpdir("cache-entry");
    struct diag d;
    diag_init(&d);
    const char *hdr = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
    const char body[] = "data: {\"x\":1}\n\n\0data: [DONE]\n\n";
    CHECK_INT_EQ(cache_put(dir, KEY, 200, "text/event-stream", hdr, strlen(hdr), body,
                           sizeof(body) - 1, &d), 0);
    struct cache_entry e;
    CHECK_INT_EQ(cache_get(dir, KEY, &e), 1);
    CHECK_INT_EQ(e.status, 200);
    CHECK_STR_EQ(e.content_type, "text/event-stream");
    CHECK_INT_EQ(e.headers.len, strlen(hdr));
    CHECK(e.body.len == sizeof(body) - 1 && memcmp(e.body.ptr, body, e.body.len) == 0);
    cache_entry_release(&e);

    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":1,\"body_len\":2}\nabc"), 1);
    /* lengths that do not add up, are negative, fractional or beyond any size */
    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":1,\"body_len\":1}\nabc"), 0);
    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":-5,\"body_len\":1e30}\nabc"), 0);
    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":1.5,\"body_len\":1.5}\nabc"), 0);
    /* 2^64 - 2048 + 2051 wraps to 3 in size_t: must not be read as 3 bytes */
    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":18446744073709549568,"
                          "\"body_len\":2051}\nabc"), 0);
    CHECK_INT_EQ(hit(dir, "{\"status\":1e300,\"content_type\":\"x\",\"headers_len\":0,\"body_len\":3}\nabc"), 0);
    CHECK_INT_EQ(hit(dir, "{\"status\":200,\"content_type\":\"x\",\"headers_len\":0,\"body_len\":3}"), 0);
    CHECK_INT_EQ(hit(dir, ""), 0);
    free(dir);
    return check_done();
}
