/* table.h -- one table, four renderings: aligned terminal text, Markdown,
 * CSV (RFC 4180) and JSON.
 *
 * A table holds raw values (numbers with optional interval, or text) and
 * each column says how its values read to a person (fmt). Terminal and
 * Markdown show the formatted text ("1,834", "$0.00267", "4.1%",
 * "0.471 [0.442, 0.501]"); CSV and JSON carry the raw numbers under the
 * column's stable key, an interval column adding KEY_ci_low and
 * KEY_ci_high. Missing values read "-" to a person, "" in CSV and null in
 * JSON. The terminal rendering never cuts a value: a table wider than the
 * given width is split into column blocks, each repeating the first nkey
 * columns. Column keys and titles are borrowed (string literals); cell
 * text is copied. */
#ifndef ASSAY_TABLE_H
#define ASSAY_TABLE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "harness/util/buf.h"

enum cell_fmt {
    FMT_TEXT,      /* left-aligned text */
    FMT_INT,       /* 1,284 */
    FMT_MS,        /* milliseconds: 22.6 below 100, else 1,834 */
    FMT_QUALITY,   /* 0.471 below 10 in magnitude, else 47.12 */
    FMT_DIFF,      /* signed quality difference: +0.031 */
    FMT_PCT,       /* a 0..1 rate shown as 4.1% (raw stays 0.041) */
    FMT_USD,       /* $1,234 / $2.67 / $0.00267 (three significant digits below $1) */
    FMT_NUM1,      /* one decimal with thousands: 1,234.5 */
    FMT_SIG3,      /* three significant digits, thousands above 100: 17,600 */
    FMT_P,         /* p-value: 0.034, <0.001 */
};

struct table_col {
    const char *key;     /* stable machine name: CSV header, JSON member */
    const char *title;   /* what a person reads */
    enum cell_fmt fmt;
    int ci;              /* values carry an interval */
};

struct table_cell {
    char *text;          /* FMT_TEXT value (owned), NULL if missing */
    double v, lo, hi;    /* numbers: NAN when missing */
};

struct table {
    const char *key;     /* "latency_e2e": CSV file name and JSON member */
    char title[160];
    char *note;          /* owned, printed under the table; may be NULL */
    struct table_col *cols;
    size_t ncols, nkey;  /* first nkey columns identify a row */
    struct table_cell *cells;   /* nrows * ncols */
    size_t nrows, cap;
};

/* cols is copied (its strings are borrowed). */
void table_init(struct table *t, const char *key, const char *title,
                const struct table_col *cols, size_t ncols, size_t nkey);
void table_release(struct table *t);
void table_note(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends an empty row (every value missing); setters fill the last row. */
void table_add_row(struct table *t);
void table_set_text(struct table *t, size_t col, const char *s);    /* NULL = missing */
void table_set_num(struct table *t, size_t col, double v);
void table_set_ci(struct table *t, size_t col, double v, double lo, double hi);
const struct table_cell *table_cell(const struct table *t, size_t row, size_t col);

/* A cell as a person reads it ("0.471 [0.442, 0.501]", "-"), appended. */
void table_cell_text(const struct table *t, size_t row, size_t col, struct buf *out);
/* A value as a person reads it (no interval). */
void table_format_value(enum cell_fmt fmt, double v, char *out, size_t n);

/* Renderings append to out. */
void table_render_term(const struct table *t, size_t width, struct buf *out);
void table_render_md(const struct table *t, struct buf *out);
void table_render_csv(const struct table *t, struct buf *out);
/* Appends s word-wrapped to width terminal columns, the first line
 * starting with first and the others with rest; never breaks a word;
 * control characters shown as '?'. Ends with a newline. */
void text_wrap(struct buf *out, const char *s, size_t width, const char *first, const char *rest);
/* Appends s for Markdown: what Markdown or the HTML it allows would
 * read as markup is backslash-escaped, newlines become spaces. */
void md_escape(struct buf *out, const char *s);
/* Appends one RFC 4180 field (quoted when it holds , " CR or LF). */
void csv_field(struct buf *out, const char *s);
/* Returns owned: a JSON number, or null for NAN and infinities. */
cJSON *json_num(double v);
/* Returns owned {"key","title","columns":[{key,title}],"rows":[{...}],"note"}. */
cJSON *table_to_json(const struct table *t);

#endif
