/* diag.h -- where an error goes: file, line, JSON path and message.
 *
 * Library code never exits and never prints errors itself: it returns -1
 * and fills a struct diag (redis's anet err buffer, curl's failf). The first
 * error wins, so the root cause survives a cascade of failing callers. Only
 * the cmd_* functions turn a diag into output and an exit code.
 *
 * Validators that report every problem at once (config, suites) set `echo`:
 * each diag_fail then also prints its message there as it happens, and
 * `count` says how many there were.
 *
 *   assay: error: demo.json: backends[2].pricing.input: expected a number, got "0.5"
 *   assay: error: datasets/summarization.jsonl:41: column 17: unterminated string
 */
#ifndef ASSAY_DIAG_H
#define ASSAY_DIAG_H

#include <stdio.h>

struct diag {
    char file[512];   /* input file, "" if none */
    long line;        /* 1-based line in file, 0 if none */
    long col;         /* 1-based column, 0 if none */
    char path[256];   /* JSON path such as backends[2].pricing, "" if none */
    char msg[768];    /* what is wrong and what was expected */
    int set;          /* an error has been recorded */
    int count;        /* errors seen (diag_fail calls), set or not */
    FILE *echo;       /* if non-NULL, every error is printed here too */
    /* Location for the next diag_fail, set by diag_at. */
    char at_file[512];
    long at_line;
    char at_path[256];
};

void diag_init(struct diag *d);
void diag_clear(struct diag *d);

/* Sets the location used by later diag_fail calls (records no error). */
void diag_at(struct diag *d, const char *file, long line, const char *path);

/* Records an error (first wins) at the current location; returns -1. */
int diag_fail(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same with an explicit location, leaving the current one untouched. */
int diag_fail_at(struct diag *d, const char *file, long line, const char *path,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Same with a column too (parse errors know one). */
int diag_fail_pos(struct diag *d, const char *file, long line, long col, const char *path,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Formats "file:line: column C: path: msg" (parts omitted when unset). */
void diag_format(const struct diag *d, char *out, size_t n);
/* Prints "assay: error: <formatted>\n" to f, unless diag_fail already
 * echoed it there (d->echo == f). */
void diag_print(const struct diag *d, FILE *f);

#endif
