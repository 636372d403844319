/* cache.c -- see cache.h. Entry format: one JSON line of metadata
 * {"v":1,"status":200,"content_type":"...","headers_len":N,"body_len":M},
 * then the raw header bytes, then the raw body bytes. */
#define _GNU_SOURCE
#include "cache.h"
#include "harness/util/fileio.h"
#include "harness/util/xalloc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int secret_header(const char *line)
{
    static const char *const words[] = { "auth", "key", "token", "secret", "cookie", NULL };
    const char *colon = strchr(line, ':');
    size_t n = colon ? (size_t)(colon - line) : strlen(line);
    char name[128];
    if (n >= sizeof(name))
        n = sizeof(name) - 1;
    memcpy(name, line, n);
    name[n] = '\0';
    for (size_t i = 0; words[i]; i++)
        if (strcasestr(name, words[i]))
            return 1;
    return 0;
}

void cache_key(const char *url, const char *body, size_t body_len,
               const struct curl_slist *headers, char key[SHA256_HEX_LEN + 1])
{
    struct buf b;
    buf_init(&b, 0);
    buf_addf(&b, "POST %s\n", url);
    for (const struct curl_slist *h = headers; h; h = h->next)
        if (!secret_header(h->data))
            buf_addf(&b, "%s\n", h->data);
    buf_addc(&b, '\n');
    buf_add(&b, body, body_len);
    sha256_hex(b.ptr, b.len, key);
    buf_release(&b);
}

static char *entry_path(const char *dir, const char *key)
{
    return xasprintf("%s/%.2s/%s.bin", dir, key, key);
}

int cache_get(const char *dir, const char *key, struct cache_entry *e)
{
    memset(e, 0, sizeof(*e));
    buf_init(&e->headers, 0);
    buf_init(&e->body, 0);
    char *path = entry_path(dir, key);
    struct buf raw;
    buf_init(&raw, 0);
    struct diag d;
    diag_init(&d);
    int hit = 0;
    if (file_exists(path) && file_read(path, &raw, 0, &d) == 0) {
        const char *nl = memchr(raw.ptr, '\n', raw.len);
        cJSON *meta = nl ? cJSON_ParseWithLength(raw.ptr, (size_t)(nl - raw.ptr)) : NULL;
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(meta, "status");
        const cJSON *ct = cJSON_GetObjectItemCaseSensitive(meta, "content_type");
        const cJSON *hl = cJSON_GetObjectItemCaseSensitive(meta, "headers_len");
        const cJSON *bl = cJSON_GetObjectItemCaseSensitive(meta, "body_len");
        size_t off = nl ? (size_t)(nl - raw.ptr) + 1 : 0;
        double room = (double)(raw.len - off);
        /* A damaged entry may hold any numbers: range-check them before
         * converting (out-of-range conversions are undefined, and a huge
         * length would wrap the sum below). */
        if (cJSON_IsNumber(st) && cJSON_IsString(ct) && cJSON_IsNumber(hl) && cJSON_IsNumber(bl) &&
            st->valuedouble >= 100 && st->valuedouble < 1000 && hl->valuedouble >= 0 &&
            hl->valuedouble <= room && bl->valuedouble >= 0 && bl->valuedouble <= room) {
            size_t h = (size_t)hl->valuedouble, bo = (size_t)bl->valuedouble;
            if (off + h + bo == raw.len) {
                e->status = (long)st->valuedouble;
                snprintf(e->content_type, sizeof(e->content_type), "%s", ct->valuestring);
                buf_add(&e->headers, raw.ptr + off, h);
                buf_add(&e->body, raw.ptr + off + h, bo);
                hit = 1;
            }
        }
        cJSON_Delete(meta);
    }
    buf_release(&raw);
    free(path);
    if (!hit)
        cache_entry_release(e);
    return hit;
}

int cache_put(const char *dir, const char *key, long status, const char *content_type,
              const char *headers, size_t headers_len, const char *body, size_t body_len,
              struct diag *d)
{
    char *sub = xasprintf("%s/%.2s", dir, key);
    int rc = file_mkdirs(sub, d);
    free(sub);
    if (rc < 0)
        return -1;
    cJSON *meta = cJSON_CreateObject();
    cJSON_AddNumberToObject(meta, "v", 1);
    cJSON_AddNumberToObject(meta, "status", (double)status);
    cJSON_AddStringToObject(meta, "content_type", content_type ? content_type : "");
    cJSON_AddNumberToObject(meta, "headers_len", (double)headers_len);
    cJSON_AddNumberToObject(meta, "body_len", (double)body_len);
    char *m = cJSON_PrintUnformatted(meta);
    cJSON_Delete(meta);
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, m);
    buf_addc(&b, '\n');
    buf_add(&b, headers, headers_len);
    buf_add(&b, body, body_len);
    cJSON_free(m);
    char *path = entry_path(dir, key);
    rc = file_write_atomic(path, b.ptr, b.len, d);
    free(path);
    buf_release(&b);
    return rc;
}

void cache_entry_release(struct cache_entry *e)
{
    buf_release(&e->headers);
    buf_release(&e->body);
}
