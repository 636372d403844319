/* csv.c -- see csv.h. One pass over the bytes with a small state machine
 * (field start, unquoted, quoted, after the closing quote); each record's
 * fields are collected in one reused buffer and handed to the callback. */
#include "csv.h"

#include "harness/util/buf.h"
#include "harness/util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct rec_builder {
    struct buf text;      /* all fields of the record, each NUL-terminated */
    size_t *starts;       /* offsets of the fields in text */
    long *lines, *cols;
    size_t n, cap;
    int quoted;           /* the record has a quoted field (so it is not an empty line) */
    char **ptrs;
    size_t *lens;
    size_t ptr_cap;
};

static void field_begin(struct rec_builder *r, long line, long col)
{
    if (r->n + 1 > r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->starts = xrealloc(r->starts, r->cap * sizeof(*r->starts));
        r->lines = xrealloc(r->lines, r->cap * sizeof(*r->lines));
        r->cols = xrealloc(r->cols, r->cap * sizeof(*r->cols));
    }
    r->starts[r->n] = r->text.len;
    r->lines[r->n] = line;
    r->cols[r->n] = col;
    r->n++;
}

static void field_end(struct rec_builder *r)
{
    buf_addc(&r->text, '\0');
}

static int record_emit(struct rec_builder *r, long line, csv_record_fn *fn, void *ud,
                       struct diag *d)
{
    /* An empty line is one empty field: skip it. */
    if (r->n == 1 && r->text.len == 1 && !r->quoted)
        return 0;
    if (r->ptr_cap < r->n) {
        r->ptr_cap = r->n;
        r->ptrs = xrealloc(r->ptrs, r->n * sizeof(*r->ptrs));
        r->lens = xrealloc(r->lens, r->n * sizeof(*r->lens));
    }
    for (size_t i = 0; i < r->n; i++) {
        r->ptrs[i] = r->text.ptr + r->starts[i];
        size_t end = i + 1 < r->n ? r->starts[i + 1] - 1 : r->text.len - 1;
        r->lens[i] = end - r->starts[i];
    }
    struct csv_record rec = { r->ptrs, r->lens, r->lines, r->cols, r->n, line };
    return fn(&rec, ud, d);
}

static void builder_reset(struct rec_builder *r)
{
    buf_reset(&r->text);
    r->n = 0;
    r->quoted = 0;
}

static void builder_release(struct rec_builder *r)
{
    buf_release(&r->text);
    free(r->starts);
    free(r->lines);
    free(r->cols);
    free(r->ptrs);
    free(r->lens);
}

int csv_parse(const char *text, size_t n, char sep, int quoting, const char *file,
              csv_record_fn *fn, void *ud, struct diag *d)
{
    struct rec_builder r;
    memset(&r, 0, sizeof(r));
    buf_init(&r.text, 0);
    size_t i = 0;
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    long line = 1, col = 1, rec_line = 1;
    long qline = 0, qcol = 0;          /* where the open quote is */
    enum { START, UNQUOTED, QUOTED, AFTER_QUOTE } st = START;
    int rc = 0;

#define ADVANCE(c) do { \
        if ((c) == '\n') { \
            line++; \
            col = 1; \
        } else if (((unsigned char)(c) & 0xC0) != 0x80) { \
            col++; \
        } \
        i++; \
    } while (0)

    while (i < n) {
        char c = text[i];
        if (c == '\0') {
            rc = diag_fail_pos(d, file, line, col, NULL, "NUL byte in CSV text");
            goto out;
        }
        int eol = c == '\n' || (c == '\r' && i + 1 < n && text[i + 1] == '\n');
        switch (st) {
        case START:
            if (r.n == 0)
                rec_line = line;
            field_begin(&r, line, col);
            if (quoting && c == '"') {
                qline = line;
                qcol = col;
                r.quoted = 1;
                st = QUOTED;
                ADVANCE(c);
                continue;
            }
            st = UNQUOTED;
            continue;   /* look at c again as part of the field */
        case UNQUOTED:
            if (c == sep) {
                field_end(&r);
                st = START;
                ADVANCE(c);
                if (i >= n || text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
                    /* "a," at the end of a record: a last, empty field */
                    field_begin(&r, line, col);
                    st = UNQUOTED;
                }
                continue;
            }
            if (eol) {
                field_end(&r);
                if (c == '\r')
                    ADVANCE(c);
                ADVANCE('\n');
                if (record_emit(&r, rec_line, fn, ud, d) < 0) {
                    rc = -1;
                    goto out;
                }
                builder_reset(&r);
                st = START;
                continue;
            }
            buf_addc(&r.text, c);
            ADVANCE(c);
            continue;
        case QUOTED:
            if (c == '"') {
                if (i + 1 < n && text[i + 1] == '"') {
                    buf_addc(&r.text, '"');
                    ADVANCE(c);
                    ADVANCE(c);
                    continue;
                }
                st = AFTER_QUOTE;
                ADVANCE(c);
                continue;
            }
            buf_addc(&r.text, c);
            ADVANCE(c);
            continue;
        case AFTER_QUOTE:
            if (c == sep || eol) {
                st = UNQUOTED;   /* the separator or line end closes the field */
                continue;
            }
            rc = diag_fail_pos(d, file, line, col, NULL,
                               "unexpected character after the closing quote of a field "
                               "(quotes inside a quoted field are written \"\")");
            goto out;
        }
    }
    if (st == QUOTED) {
        rc = diag_fail_pos(d, file, qline, qcol, NULL,
                           "unterminated quoted field (it opens here)");
        goto out;
    }
    if (st != START) {
        field_end(&r);
        if (record_emit(&r, rec_line, fn, ud, d) < 0)
            rc = -1;
    }
#undef ADVANCE
out:
    builder_release(&r);
    return rc;
}
