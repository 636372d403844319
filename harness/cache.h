/* cache.h -- opt-in response cache (--cache DIR) for re-running a run
 * without paying for answers already seen.
 *
 * The key is the sha256 of the exact request: method, URL, body, and the
 * headers that change the answer (content type, accept, API versions,
 * the config's extra headers) but never an auth header or key. The entry
 * is the raw response (status, content type, headers, body bytes exactly
 * as received, a stream included), so a hit is parsed by the same adapter
 * code as a live answer. Only answers that ended ok are stored. A hit is
 * recorded "cached": true and has no timing: it never enters latency
 * statistics. Entries are written atomically (fileio.h); a damaged entry
 * is a miss. Layout: DIR/ab/abcdef....bin. */
#ifndef ASSAY_CACHE_H
#define ASSAY_CACHE_H

#include <curl/curl.h>
#include <stddef.h>

#include "harness/util/buf.h"
#include "harness/util/diag.h"
#include "harness/util/sha256.h"

struct cache_entry {
    long status;
    char content_type[128];
    struct buf headers;     /* raw header lines */
    struct buf body;        /* raw bytes */
};

/* Key of a request into key (hex). Headers that carry secrets are left
 * out (Authorization, api-key, x-api-key, and any name holding "key",
 * "token", "secret", "auth" or "cookie"). */
void cache_key(const char *url, const char *body, size_t body_len,
               const struct curl_slist *headers, char key[SHA256_HEX_LEN + 1]);
/* 1 hit (e filled; release with cache_entry_release), 0 miss. */
int  cache_get(const char *dir, const char *key, struct cache_entry *e);
int  cache_put(const char *dir, const char *key, long status, const char *content_type,
               const char *headers, size_t headers_len, const char *body, size_t body_len,
               struct diag *d);
void cache_entry_release(struct cache_entry *e);

#endif
