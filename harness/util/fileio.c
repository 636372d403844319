/* fileio.c -- see fileio.h. */
#include "fileio.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(const char *path, struct buf *out, size_t max, struct diag *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return diag_fail_at(d, path, 0, NULL, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return diag_fail_at(d, path, 0, NULL, "is a directory, expected a file");
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            return diag_fail_at(d, path, 0, NULL, "cannot read: %s", strerror(e));
        }
        if (n == 0)
            break;
        if ((max && out->len + (size_t)n > max) || buf_add(out, chunk, (size_t)n) < 0) {
            close(fd);
            return diag_fail_at(d, path, 0, NULL, "file is larger than %zu bytes", max);
        }
    }
    close(fd);
    if (out->cap == 0)
        buf_add(out, "", 0);   /* make ptr owned even for an empty file */
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t n, struct diag *d)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return diag_fail_at(d, path, 0, NULL, "cannot create: %s", strerror(e));
    }
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return diag_fail_at(d, path, 0, NULL, "cannot write: %s", strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return diag_fail_at(d, path, 0, NULL, "cannot write: %s", strerror(e));
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return diag_fail_at(d, path, 0, NULL, "cannot rename into place: %s", strerror(e));
    }
    free(tmp);
    return 0;
}

int file_mkdirs(const char *path, struct diag *d)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            int e = errno;
            diag_fail_at(d, p, 0, NULL, "cannot create directory: %s", strerror(e));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int r = 0;
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
        r = diag_fail_at(d, p, 0, NULL, "cannot create directory: %s", strerror(errno));
    free(p);
    return r;
}

int file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

void file_raise_open_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}
