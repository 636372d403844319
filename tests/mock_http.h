/* mock_http.h -- test-only HTTP client for the mock's tests (libcurl easy
 * and multi), plus a small SSE splitter. Header-only: each test_mock_*.c
 * includes it once.
 *
 *   struct http_reply r;
 *   http_post(url, hdrs, body, &r);   -> r.status, r.headers, r.body
 *   sse_events(r.body, &ev)            -> ev.n events with type and data
 *
 * The SSE splitter follows the WHATWG rules the mock needs (LF line
 * endings, one or more data: lines, event:, comments); it is not the
 * product's parser. */
#ifndef ASSAY_TEST_MOCK_HTTP_H
#define ASSAY_TEST_MOCK_HTTP_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>

#include "harness/util/buf.h"
#include "support/proc.h"

/* Stops the mock with SIGTERM and returns its exit status (0 = clean; under
 * the sanitizer build a leak makes it non-zero). */
static inline int mock_stop_status(struct mock_proc *m)
{
    if (m->pid <= 0)
        return -1;
    kill(m->pid, SIGTERM);
    int st = 0;
    if (waitpid(m->pid, &st, 0) != m->pid)
        return -1;
    m->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct http_reply {
    long status;
    CURLcode rc;             /* CURLE_OK unless the transfer failed */
    char err[CURL_ERROR_SIZE];
    struct buf headers;      /* raw header lines, lower-cased names kept as sent */
    struct buf body;
    double first_byte_ms;    /* first body byte, from the start */
    double total_ms;
    struct timespec start;
};

static inline double mh_ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static inline size_t mh_body_cb(char *p, size_t size, size_t n, void *ud)
{
    struct http_reply *r = ud;
    if (!r->body.len && r->first_byte_ms < 0)
        r->first_byte_ms = mh_ms_since(&r->start);
    buf_add(&r->body, p, size * n);
    return size * n;
}

static inline size_t mh_header_cb(char *p, size_t size, size_t n, void *ud)
{
    struct http_reply *r = ud;
    buf_add(&r->headers, p, size * n);
    return size * n;
}

static inline void http_reply_init(struct http_reply *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->headers, 0);
    buf_init(&r->body, 0);
    r->first_byte_ms = -1;
}

static inline void http_reply_free(struct http_reply *r)
{
    buf_release(&r->headers);
    buf_release(&r->body);
}

/* A configured easy handle; hdrs is NULL-terminated ("Name: value"). */
static inline CURL *http_easy(const char *url, const char *const *hdrs, const char *body,
                       struct http_reply *r, struct curl_slist **list, long timeout_ms)
{
    CURL *h = curl_easy_init();
    http_reply_init(r);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mh_body_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, mh_header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->err);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 30000L);
    *list = curl_slist_append(NULL, "Expect:");
    int has_ct = 0;
    for (size_t i = 0; hdrs && hdrs[i]; i++) {
        *list = curl_slist_append(*list, hdrs[i]);
        has_ct |= strncasecmp(hdrs[i], "content-type:", 13) == 0;
    }
    if (body) {
        if (!has_ct)
            *list = curl_slist_append(*list, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *list);
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    return h;
}

static inline void http_finish(CURL *h, struct http_reply *r, CURLcode rc)
{
    r->rc = rc;
    r->total_ms = mh_ms_since(&r->start);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
}

/* POST (body != NULL) or GET; timeout_ms 0 = 30 s. Returns r->rc. */
static inline CURLcode http_req(const char *url, const char *const *hdrs, const char *body,
                         struct http_reply *r, long timeout_ms)
{
    struct curl_slist *list = NULL;
    CURL *h = http_easy(url, hdrs, body, r, &list, timeout_ms);
    http_finish(h, r, curl_easy_perform(h));
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    return r->rc;
}

static inline CURLcode http_post(const char *url, const char *const *hdrs, const char *body,
                          struct http_reply *r)
{
    return http_req(url, hdrs, body, r, 0);
}

/* Runs n POSTs at once (curl multi); all share hdrs. */
static inline void http_post_many(size_t n, char *const *urls, const char *const *hdrs,
                           char *const *bodies, struct http_reply *r, long timeout_ms)
{
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
    CURL **hs = calloc(n, sizeof(CURL *));
    struct curl_slist **lists = calloc(n, sizeof(struct curl_slist *));
    for (size_t i = 0; i < n; i++) {
        hs[i] = http_easy(urls[i], hdrs, bodies[i], &r[i], &lists[i], timeout_ms);
        curl_easy_setopt(hs[i], CURLOPT_PRIVATE, (char *)&r[i]);
        curl_easy_setopt(hs[i], CURLOPT_FRESH_CONNECT, 1L);
        curl_multi_add_handle(m, hs[i]);
    }
    int running = 1;
    while (running) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            char *p;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
            http_finish(msg->easy_handle, (struct http_reply *)p, msg->data.result);
        }
        if (running)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        curl_multi_remove_handle(m, hs[i]);
        curl_easy_cleanup(hs[i]);
        curl_slist_free_all(lists[i]);
    }
    free(hs);
    free(lists);
    curl_multi_cleanup(m);
}

/* The value of response header name (case-insensitive), copied into out;
 * returns out or NULL. */
static inline const char *http_header(const struct http_reply *r, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    const char *p = r->headers.ptr;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(out, n, "%.*s", (int)(eol - v), v);
            return out;
        }
        p = eol + 2;
    }
    return NULL;
}

/* --- SSE ------------------------------------------------------------------ */

struct sse_event {
    char type[64];
    char *data;     /* owned */
};

struct sse_list {
    struct sse_event *v;
    size_t n;
    int unterminated;   /* bytes after the last blank line */
};

static inline void sse_list_free(struct sse_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].data);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static inline void sse_split(const char *s, size_t n, struct sse_list *out)
{
    memset(out, 0, sizeof(*out));
    struct buf data = BUF_INIT;
    char type[64] = "";
    int have = 0;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        if (!nl) {
            out->unterminated = 1;
            break;
        }
        size_t len = (size_t)(nl - (s + i));
        const char *line = s + i;
        i += len + 1;
        if (len == 0) {
            if (have) {
                out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
                snprintf(out->v[out->n].type, sizeof(out->v[0].type), "%s", *type ? type : "message");
                out->v[out->n].data = strndup(data.ptr, data.len ? data.len - 1 : 0);
                out->n++;
            }
            buf_reset(&data);
            type[0] = '\0';
            have = 0;
            continue;
        }
        if (line[0] == ':')
            continue;
        const char *colon = memchr(line, ':', len);
        size_t klen = colon ? (size_t)(colon - line) : len;
        const char *v = colon ? colon + 1 : line + len;
        if (v < line + len && *v == ' ')
            v++;
        size_t vlen = (size_t)(line + len - v);
        if (klen == 4 && strncmp(line, "data", 4) == 0) {
            buf_add(&data, v, vlen);
            buf_addc(&data, '\n');
            have = 1;
        } else if (klen == 5 && strncmp(line, "event", 5) == 0) {
            snprintf(type, sizeof(type), "%.*s", (int)vlen, v);
        }
    }
    if (have || i < n)
        out->unterminated = 1;
    buf_release(&data);
}

/* Parses event i's data as JSON (owned), or NULL. */
static inline cJSON *sse_json(const struct sse_list *l, size_t i)
{
    return i < l->n ? cJSON_Parse(l->v[i].data) : NULL;
}

/* Concatenates a string member found by path "a.b.c" (numbers index arrays). */
static inline const cJSON *jget(const cJSON *v, const char *path)
{
    char key[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        if (cJSON_IsArray(v) && key[0] >= '0' && key[0] <= '9')
            v = cJSON_GetArrayItem(v, atoi(key));
        else
            v = cJSON_GetObjectItemCaseSensitive(v, key);
        path += n;
        if (*path == '.')
            path++;
    }
    return v;
}

static inline const char *jstr(const cJSON *v, const char *path)
{
    const cJSON *x = jget(v, path);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

static inline double jnum(const cJSON *v, const char *path)
{
    const cJSON *x = jget(v, path);
    return cJSON_IsNumber(x) ? x->valuedouble : -1;
}

#endif
