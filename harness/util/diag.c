/* diag.c -- see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
    if (!src)
        src = "";
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void diag_init(struct diag *d)
{
    memset(d, 0, sizeof(*d));
}

void diag_clear(struct diag *d)
{
    FILE *echo = d->echo;
    diag_init(d);
    d->echo = echo;
}



void diag_at(struct diag *d, const char *file, long line, const char *path)
{
    if (!d)
        return;
    copy(d->at_file, sizeof(d->at_file), file);
    d->at_line = line;
    copy(d->at_path, sizeof(d->at_path), path);
}

static void format_parts(const char *file, long line, long col, const char *path,
                         const char *msg, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
#define PART(...) do { \
        if (used < n) { \
            int w = snprintf(out + used, n - used, __VA_ARGS__); \
            if (w > 0) used += (size_t)w; \
        } } while (0)
    if (file && *file) {
        PART("%s", file);
        if (line > 0)
            PART(":%ld", line);
        PART(": ");
    }
    if (col > 0)
        PART("column %ld: ", col);
    if (path && *path)
        PART("%s: ", path);
    PART("%s", msg);
#undef PART
}

static int vfail(struct diag *d, const char *file, long line, long col, const char *path,
                 const char *fmt, va_list ap)
{
    if (!d)
        return -1;
    char msg[sizeof(d->msg)];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    d->count++;
    if (d->echo) {
        char line_buf[2048];
        format_parts(file, line, col, path, msg, line_buf, sizeof(line_buf));
        fprintf(d->echo, "assay: error: %s\n", line_buf);
    }
    if (!d->set) {
        copy(d->file, sizeof(d->file), file);
        d->line = line;
        d->col = col;
        copy(d->path, sizeof(d->path), path);
        copy(d->msg, sizeof(d->msg), msg);
        d->set = 1;
    }
    return -1;
}

int diag_fail(struct diag *d, const char *fmt, ...)
{
    if (!d)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(d, d->at_file, d->at_line, 0, d->at_path, fmt, ap);
    va_end(ap);
    return r;
}

int diag_fail_at(struct diag *d, const char *file, long line, const char *path,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(d, file, line, 0, path, fmt, ap);
    va_end(ap);
    return r;
}

int diag_fail_pos(struct diag *d, const char *file, long line, long col, const char *path,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfail(d, file, line, col, path, fmt, ap);
    va_end(ap);
    return r;
}

void diag_format(const struct diag *d, char *out, size_t n)
{
    format_parts(d->file, d->line, d->col, d->path, d->msg, out, n);
}

void diag_print(const struct diag *d, FILE *f)
{
    if (d->echo == f || !d->set)
        return;
    char line[2048];
    diag_format(d, line, sizeof(line));
    fprintf(f, "assay: error: %s\n", line);
}
