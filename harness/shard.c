/* shard.c -- see shard.h. The hash input joins the fields with a 0x1f
 * separator, so ("a b", "c") and ("a", "b c") differ. */
#include "shard.h"

#include "harness/util/rng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shard_parse(const char *text, struct shard *out, struct diag *d)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(text, &end, 10);
    if (end == text || *end != '/' || errno)
        return diag_fail(d, "--shard: expected INDEX/COUNT such as 0/4, got \"%s\"", text);
    const char *rest = end + 1;
    unsigned long n = strtoul(rest, &end, 10);
    if (end == rest || *end || errno || n == 0 || n > 100000)
        return diag_fail(d, "--shard: expected INDEX/COUNT such as 0/4, got \"%s\"", text);
    if (i >= n)
        return diag_fail(d, "--shard: index %lu out of range for %lu shards (indexes are 0..%lu)",
                         i, n, n - 1);
    out->index = (uint32_t)i;
    out->count = (uint32_t)n;
    return 0;
}

uint32_t shard_of(const char *suite, const char *item, const char *backend, int repeat,
                  uint32_t count)
{
    if (count <= 1)
        return 0;
    char key[1024];
    int n = snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%d", suite, item, backend, repeat);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(key))
        n = (int)sizeof(key) - 1;
    return (uint32_t)(hash64(key, (uint64_t)n, 0x5eed) % count);
}

int shard_contains(const struct shard *s, const char *suite, const char *item,
                   const char *backend, int repeat)
{
    return s->count <= 1 || shard_of(suite, item, backend, repeat, s->count) == s->index;
}
