/* csv.h -- RFC 4180 records from CSV or TSV text.
 *
 * Fields are separated by sep (',' or '\t'); records end at LF or CRLF (the
 * last may lack one). With quoting on, a field that starts with '"' is
 * quoted: it may hold separators, CR, LF and doubled quotes (""), and the
 * closing quote must be followed by a separator or the end of the record.
 * A quote inside an unquoted field is kept as a literal character (as
 * Python's csv module and spreadsheets do). A UTF-8 byte-order mark at the
 * start is skipped, empty lines are skipped, a NUL byte is an error.
 *
 * Errors name file:line and the column (in characters) where it went wrong:
 *   data.csv:7: column 12: unterminated quoted field (it opens here) */
#ifndef ASSAY_CSV_H
#define ASSAY_CSV_H

#include <stddef.h>

#include "harness/util/diag.h"

struct csv_record {
    char **fields;    /* NUL-terminated field texts (unquoted, "" -> ") */
    size_t *lens;     /* their byte lengths (a field may contain NUL? never: rejected) */
    long *lines;      /* 1-based line where each field starts */
    long *cols;       /* 1-based column (characters) where each field starts */
    size_t n;
    long line;        /* line where the record starts */
};

/* Called once per record (the header row included). Everything in rec is
 * borrowed for the call. Return 0 to go on, -1 to stop (diag filled). */
typedef int csv_record_fn(const struct csv_record *rec, void *ud, struct diag *d);

int csv_parse(const char *text, size_t n, char sep, int quoting, const char *file,
              csv_record_fn *fn, void *ud, struct diag *d);

#endif
