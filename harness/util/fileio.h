/* fileio.h -- whole-file reads and crash-safe writes.
 *
 * file_read returns the bytes NUL-terminated (the caller owns them);
 * file_write_atomic writes to a temporary file in the same folder, fsyncs
 * and renames, so a reader never sees half a file. Errors name the path and
 * the system's reason. */
#ifndef ASSAY_FILEIO_H
#define ASSAY_FILEIO_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* Reads path into out (appends). max = 0: no limit. */
int file_read(const char *path, struct buf *out, size_t max, struct diag *d);
int file_write_atomic(const char *path, const void *data, size_t n, struct diag *d);
/* mkdir -p; 0 if it exists or was made. */
int file_mkdirs(const char *path, struct diag *d);
int file_exists(const char *path);
/* Raises this process's soft limit on open files to its hard limit (a
 * socket per request in flight is one open file); best effort. */
void file_raise_open_limit(void);

#endif
