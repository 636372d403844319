/* results.c -- appending, syncing and reading results.jsonl; see results.h. */
#define _GNU_SOURCE
#include "results.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct results_sync {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int fd;
    int stop;
    int dirty;          /* written since the last fsync */
    int err;            /* errno of a failed fsync, 0 if none */
};

static void *sync_main(void *arg)
{
    struct results_sync *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        if (s->dirty && !s->stop) {
            s->dirty = 0;
            pthread_mutex_unlock(&s->mu);
            int rc = fdatasync(s->fd);
            int e = errno;
            pthread_mutex_lock(&s->mu);
            if (rc < 0 && !s->err)
                s->err = e;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int write_all(int fd, const struct iovec *iov, int n)
{
    struct iovec v[4];
    memcpy(v, iov, (size_t)n * sizeof(*v));
    int i = 0;
    while (i < n) {
        ssize_t w = writev(fd, v + i, n - i);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (i < n && (size_t)w >= v[i].iov_len) {
            w -= (ssize_t)v[i].iov_len;
            i++;
        }
        if (i < n) {
            v[i].iov_base = (char *)v[i].iov_base + w;
            v[i].iov_len -= (size_t)w;
        }
    }
    return 0;
}

int results_open(struct results_writer *w, const char *dir, struct diag *d)
{
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    if (file_mkdirs(dir, d) < 0)
        return -1;
    w->path = xasprintf("%s/results.jsonl", dir);
    w->fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd < 0)
        return diag_fail_at(d, w->path, 0, NULL, "cannot open for appending: %s", strerror(errno));
    /* A torn last line (crash mid-write) must not swallow the next record. */
    struct stat st;
    if (fstat(w->fd, &st) == 0 && st.st_size > 0) {
        int rfd = open(w->path, O_RDONLY | O_CLOEXEC);
        char last = '\n';
        if (rfd >= 0) {
            if (pread(rfd, &last, 1, st.st_size - 1) != 1)
                last = '\n';
            close(rfd);
        }
        if (last != '\n') {
            struct iovec v = { (void *)"\n", 1 };
            if (write_all(w->fd, &v, 1) < 0)
                return diag_fail_at(d, w->path, 0, NULL, "cannot write: %s", strerror(errno));
        }
    }
    w->sync = xcalloc(1, sizeof(*w->sync));
    w->sync->fd = w->fd;
    pthread_mutex_init(&w->sync->mu, NULL);
    pthread_cond_init(&w->sync->cv, NULL);
    if (pthread_create(&w->sync->thread, NULL, sync_main, w->sync) != 0) {
        pthread_mutex_destroy(&w->sync->mu);
        pthread_cond_destroy(&w->sync->cv);
        free(w->sync);
        w->sync = NULL;   /* then close() is the only sync */
    }
    return 0;
}

int results_append(struct results_writer *w, const char *line, size_t n, struct diag *d)
{
    struct iovec v[2] = { { (void *)line, n }, { (void *)"\n", 1 } };
    if (write_all(w->fd, v, 2) < 0)
        return diag_fail_at(d, w->path, 0, NULL, "cannot write a record: %s", strerror(errno));
    w->written++;
    if (w->sync) {
        pthread_mutex_lock(&w->sync->mu);
        w->sync->dirty = 1;
        int e = w->sync->err;
        pthread_mutex_unlock(&w->sync->mu);
        if (e)
            return diag_fail_at(d, w->path, 0, NULL, "cannot sync: %s", strerror(e));
    }
    return 0;
}

int results_close(struct results_writer *w, struct diag *d)
{
    int rc = 0;
    if (w->sync) {
        pthread_mutex_lock(&w->sync->mu);
        w->sync->stop = 1;
        pthread_cond_signal(&w->sync->cv);
        pthread_mutex_unlock(&w->sync->mu);
        pthread_join(w->sync->thread, NULL);
        if (w->sync->err)
            rc = diag_fail_at(d, w->path, 0, NULL, "cannot sync: %s", strerror(w->sync->err));
        pthread_mutex_destroy(&w->sync->mu);
        pthread_cond_destroy(&w->sync->cv);
        free(w->sync);
        w->sync = NULL;
    }
    if (w->fd >= 0) {
        if (fsync(w->fd) < 0 && rc == 0)
            rc = diag_fail_at(d, w->path, 0, NULL, "cannot sync: %s", strerror(errno));
        if (close(w->fd) < 0 && rc == 0)
            rc = diag_fail_at(d, w->path, 0, NULL, "cannot close: %s", strerror(errno));
    }
    free(w->path);
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    return rc;
}

int results_read(const char *path, results_fn *fn, void *ud, FILE *warn, long *skipped,
                 struct diag *d)
{
    if (skipped)
        *skipped = 0;
    if (!file_exists(path))
        return 0;
    struct buf b;
    buf_init(&b, 0);
    if (file_read(path, &b, 0, d) < 0) {
        buf_release(&b);
        return -1;
    }
    long line = 0;
    size_t pos = 0;
    int rc = 0;
    while (pos < b.len && rc == 0) {
        line++;
        const char *start = b.ptr + pos;
        const char *nl = memchr(start, '\n', b.len - pos);
        size_t len = nl ? (size_t)(nl - start) : b.len - pos;
        pos += len + (nl ? 1 : 0);
        if (len == 0)
            continue;
        cJSON *rec = cJSON_ParseWithLength(start, len);
        if (!cJSON_IsObject(rec)) {
            cJSON_Delete(rec);
            if (skipped)
                (*skipped)++;
            if (warn)
                fprintf(warn, "assay: warning: %s:%ld: %s line skipped (not a JSON record)\n",
                        path, line, nl ? "a" : "the torn last");
            continue;
        }
        rc = fn(rec, line, ud, d);
    }
    buf_release(&b);
    return rc;
}

void results_key_of(const char *suite, const char *item, const char *backend, long repeat,
                    struct buf *out)
{
    buf_reset(out);
    buf_addf(out, "%s\x1f%s\x1f%s\x1f%ld", suite, item, backend, repeat);
}

int results_key(const cJSON *rec, struct buf *out)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(rec, "suite");
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(rec, "item");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(rec, "backend");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(rec, "repeat");
    if (!cJSON_IsString(s) || !cJSON_IsString(i) || !cJSON_IsString(b) || !cJSON_IsNumber(r))
        return -1;
    results_key_of(s->valuestring, i->valuestring, b->valuestring, json_long_or(r, -1), out);
    return 0;
}
