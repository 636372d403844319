/* table.c -- see table.h.
 *
 * Terminal layout: every cell is formatted first; a column's width is the
 * widest of its title and its cells, measured in terminal columns
 * (utf8proc's character widths, so CJK names stay aligned). Columns are
 * separated by two spaces, text left-aligned, numbers right-aligned. When
 * the row is wider than the target width, the non-key columns are packed
 * greedily into blocks that fit beside the key columns, and each block is
 * printed as its own table under the same title ("(continued)"). Control
 * characters in text from records are shown as '?', so a backend name
 * cannot move the cursor. */
#include "table.h"

#include "harness/util/xalloc.h"
#include "reports/decide.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void table_init(struct table *t, const char *key, const char *title,
                const struct table_col *cols, size_t ncols, size_t nkey)
{
    memset(t, 0, sizeof(*t));
    t->key = key;
    snprintf(t->title, sizeof(t->title), "%s", title);
    t->cols = xmalloc(ncols * sizeof(*cols));
    memcpy(t->cols, cols, ncols * sizeof(*cols));
    t->ncols = ncols;
    t->nkey = nkey;
}

void table_release(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->cols);
    free(t->note);
    memset(t, 0, sizeof(*t));
}

void table_note(struct table *t, const char *fmt, ...)
{
    va_list ap;
    struct buf b;
    buf_init(&b, 0);
    if (t->note) {
        buf_adds(&b, t->note);
        buf_addc(&b, ' ');
        free(t->note);
    }
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    t->note = buf_take(&b, NULL);
}

void table_add_row(struct table *t)
{
    size_t need = (t->nrows + 1) * t->ncols;
    XGROW(t->cells, t->cap, need);
    for (size_t c = 0; c < t->ncols; c++) {
        struct table_cell *x = &t->cells[t->nrows * t->ncols + c];
        x->text = NULL;
        x->v = x->lo = x->hi = NAN;
    }
    t->nrows++;
}

static struct table_cell *last(struct table *t, size_t col)
{
    return &t->cells[(t->nrows - 1) * t->ncols + col];
}

void table_set_text(struct table *t, size_t col, const char *s)
{
    struct table_cell *x = last(t, col);
    free(x->text);
    x->text = s ? xstrdup(s) : NULL;
}

void table_set_num(struct table *t, size_t col, double v)
{
    last(t, col)->v = v;
}

void table_set_ci(struct table *t, size_t col, double v, double lo, double hi)
{
    struct table_cell *x = last(t, col);
    x->v = v;
    x->lo = lo;
    x->hi = hi;
}

const struct table_cell *table_cell(const struct table *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

/* === formatting ============================================================ */

/* As table_format_value, with the number of decimals chosen by the
 * magnitude of ref, so an interval reads like its value: 14.12 [7.26, 22.34]. */
static void format_like(enum cell_fmt fmt, double v, double ref, char *out, size_t n)
{
    if ((fmt == FMT_QUALITY || fmt == FMT_DIFF || fmt == FMT_MS) && !isnan(v) && !isinf(v) &&
        !isnan(ref)) {
        int small = fabs(ref) < (fmt == FMT_MS ? 100 : 10);
        if (fmt == FMT_MS)
            fmt_thousands(v, small ? 1 : 0, out, n);
        else
            snprintf(out, n, fmt == FMT_DIFF ? (small ? "%+.3f" : "%+.2f")
                                             : (small ? "%.3f" : "%.2f"), v);
        return;
    }
    table_format_value(fmt, v, out, n);
}

void table_format_value(enum cell_fmt fmt, double v, char *out, size_t n)
{
    if (isnan(v) || isinf(v)) {
        snprintf(out, n, "-");
        return;
    }
    char num[64];
    switch (fmt) {
    case FMT_INT:
        fmt_thousands(v, 0, out, n);
        break;
    case FMT_MS:
        fmt_thousands(v, fabs(v) < 100 ? 1 : 0, out, n);
        break;
    case FMT_QUALITY:
        snprintf(out, n, fabs(v) < 10 ? "%.3f" : "%.2f", v);
        break;
    case FMT_DIFF:
        snprintf(out, n, fabs(v) < 10 ? "%+.3f" : "%+.2f", v);
        break;
    case FMT_PCT:
        snprintf(out, n, "%.1f%%", 100 * v);
        break;
    case FMT_USD:
        if (v == 0) {
            snprintf(out, n, "$0");
        } else if (fabs(v) >= 100) {
            fmt_thousands(v, 0, num, sizeof(num));
            snprintf(out, n, "$%s", num);
        } else if (fabs(v) >= 1) {
            snprintf(out, n, "$%.2f", v);
        } else {
            /* three significant digits without an exponent: $0.00267 */
            int dec = (int)ceil(-log10(fabs(v))) + 2;
            if (dec > 12)
                dec = 12;
            snprintf(out, n, "$%.*f", dec, v);
        }
        break;
    case FMT_NUM1:
        fmt_thousands(v, 1, out, n);
        break;
    case FMT_SIG3:
        if (fabs(v) >= 100) {
            fmt_thousands(v, 0, out, n);
        } else {
            int dec = v == 0 ? 0 : 2 - (int)floor(log10(fabs(v)));
            snprintf(out, n, "%.*f", dec < 0 ? 0 : dec, v);
        }
        break;
    case FMT_P:
        if (v < 0.001)
            snprintf(out, n, "<0.001");
        else
            snprintf(out, n, "%.3f", v);
        break;
    case FMT_TEXT:
    default:
        snprintf(out, n, "%.17g", v);
        break;
    }
}

/* The display text of a cell into out (owned by the caller's buffer). */
static void cell_text(const struct table_col *col, const struct table_cell *x, struct buf *out)
{
    if (col->fmt == FMT_TEXT) {
        buf_adds(out, x->text ? x->text : "-");
        return;
    }
    char v[64];
    table_format_value(col->fmt, x->v, v, sizeof(v));
    buf_adds(out, v);
    if (col->ci && !isnan(x->v) && !isnan(x->lo) && !isnan(x->hi)) {
        char lo[64], hi[64];
        format_like(col->fmt, x->lo, x->v, lo, sizeof(lo));
        format_like(col->fmt, x->hi, x->v, hi, sizeof(hi));
        buf_addf(out, " [%s, %s]", lo, hi);
    }
}

void table_cell_text(const struct table *t, size_t row, size_t col, struct buf *out)
{
    cell_text(&t->cols[col], table_cell(t, row, col), out);
}

/* Terminal columns taken by s; control characters count one ('?'). */
static size_t display_width(const char *s)
{
    size_t w = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(s);
    while (len > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, len, &cp);
        if (k <= 0) {          /* invalid byte: shown as one replacement */
            w++;
            p++;
            len--;
            continue;
        }
        int cw = cp < 0x20 || cp == 0x7f ? 1 : utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        p += k;
        len -= k;
    }
    return w;
}

static void add_safe(struct buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        buf_addc(out, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
}

static void add_padded(struct buf *out, const char *s, size_t width, int right)
{
    size_t w = display_width(s);
    size_t pad = width > w ? width - w : 0;
    if (right)
        for (size_t i = 0; i < pad; i++)
            buf_addc(out, ' ');
    add_safe(out, s);
    if (!right)
        for (size_t i = 0; i < pad; i++)
            buf_addc(out, ' ');
}

/* === terminal ============================================================== */

void text_wrap(struct buf *out, const char *s, size_t width, const char *first, const char *rest)
{
    const char *prefix = first;
    size_t col = 0, line_words = 0;
    char word[1024];
    while (*s) {
        while (*s == ' ' || *s == '\n')
            s++;
        size_t n = strcspn(s, " \n");
        if (n == 0)
            break;
        snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), s);
        s += n;
        size_t w = display_width(word);
        if (line_words && col + 1 + w > width) {
            buf_addc(out, '\n');
            prefix = rest;
            line_words = 0;
        }
        if (!line_words) {
            buf_adds(out, prefix);
            col = display_width(prefix);
        } else {
            buf_addc(out, ' ');
            col++;
        }
        add_safe(out, word);
        col += w;
        line_words++;
    }
    buf_addc(out, '\n');
}

static void render_block(const struct table *t, char **text, const size_t *width,
                         const size_t *cols, size_t ncols, struct buf *out)
{
    for (size_t k = 0; k < ncols; k++) {
        size_t c = cols[k];
        if (k)
            buf_adds(out, "  ");
        int right = t->cols[c].fmt != FMT_TEXT;
        add_padded(out, t->cols[c].title, k + 1 == ncols && !right ? 0 : width[c], right);
    }
    buf_addc(out, '\n');
    for (size_t k = 0; k < ncols; k++) {
        if (k)
            buf_adds(out, "  ");
        for (size_t i = 0; i < width[cols[k]]; i++)
            buf_addc(out, '-');
    }
    buf_addc(out, '\n');
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t k = 0; k < ncols; k++) {
            size_t c = cols[k];
            if (k)
                buf_adds(out, "  ");
            int right = t->cols[c].fmt != FMT_TEXT;
            add_padded(out, text[r * t->ncols + c], k + 1 == ncols && !right ? 0 : width[c], right);
        }
        buf_addc(out, '\n');
    }
}

void table_render_term(const struct table *t, size_t width, struct buf *out)
{
    size_t n = t->nrows * t->ncols;
    char **text = xcalloc(n + 1, sizeof(*text));
    size_t *w = xcalloc(t->ncols + 1, sizeof(*w));
    for (size_t c = 0; c < t->ncols; c++)
        w[c] = display_width(t->cols[c].title);
    struct buf b;
    buf_init(&b, 0);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            buf_reset(&b);
            cell_text(&t->cols[c], table_cell(t, r, c), &b);
            text[r * t->ncols + c] = xstrdup(b.ptr);
            size_t cw = display_width(b.ptr);
            if (cw > w[c])
                w[c] = cw;
        }
    buf_release(&b);

    buf_addf(out, "%s\n\n", t->title);
    if (t->nrows == 0) {
        buf_adds(out, "  (no rows)\n");
    } else {
        size_t key_w = 0;
        for (size_t c = 0; c < t->nkey; c++)
            key_w += w[c] + (c ? 2 : 0);
        size_t *cols = xcalloc(t->ncols + 1, sizeof(*cols));
        size_t next = t->nkey, blocks = 0;
        do {
            size_t k = 0, used = key_w;
            for (size_t c = 0; c < t->nkey; c++)
                cols[k++] = c;
            /* At least one column per block, even one wider than the
             * width: values are never cut. */
            while (next < t->ncols && (k == t->nkey || used + 2 + w[next] <= width)) {
                used += (k ? 2 : 0) + w[next];
                cols[k++] = next++;
            }
            if (blocks++)
                buf_adds(out, "\n(continued)\n");
            render_block(t, text, w, cols, k, out);
        } while (next < t->ncols);
        free(cols);
    }
    if (t->note) {
        buf_addc(out, '\n');
        text_wrap(out, t->note, width, "", "");
    }
    buf_addc(out, '\n');
    for (size_t i = 0; i < n; i++)
        free(text[i]);
    free(text);
    free(w);
}

/* === Markdown ============================================================== */

void md_escape(struct buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            buf_addc(out, ' ');
        else if (*p < 0x20 || *p == 0x7f)
            buf_addc(out, '?');
        else if (strchr("\\`*_<>|&", *p))
            buf_addf(out, "\\%c", *p);
        else
            buf_addc(out, (char)*p);
    }
}

void table_render_md(const struct table *t, struct buf *out)
{
    buf_adds(out, "### ");
    md_escape(out, t->title);
    buf_adds(out, "\n\n");
    if (t->nrows == 0) {
        buf_adds(out, "(no rows)\n\n");
        return;
    }
    buf_addc(out, '|');
    for (size_t c = 0; c < t->ncols; c++) {
        buf_addc(out, ' ');
        md_escape(out, t->cols[c].title);
        buf_adds(out, " |");
    }
    buf_adds(out, "\n|");
    for (size_t c = 0; c < t->ncols; c++)
        buf_adds(out, t->cols[c].fmt == FMT_TEXT ? ":---|" : "---:|");
    buf_addc(out, '\n');
    struct buf b;
    buf_init(&b, 0);
    for (size_t r = 0; r < t->nrows; r++) {
        buf_addc(out, '|');
        for (size_t c = 0; c < t->ncols; c++) {
            buf_reset(&b);
            cell_text(&t->cols[c], table_cell(t, r, c), &b);
            buf_addc(out, ' ');
            md_escape(out, b.ptr);
            buf_adds(out, " |");
        }
        buf_addc(out, '\n');
    }
    buf_release(&b);
    if (t->note) {
        buf_addc(out, '\n');
        md_escape(out, t->note);
        buf_addc(out, '\n');
    }
    buf_addc(out, '\n');
}

/* === CSV =================================================================== */

void csv_field(struct buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_adds(out, s);
        return;
    }
    buf_addc(out, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_addc(out, '"');
        buf_addc(out, *p);
    }
    buf_addc(out, '"');
}

static void csv_num(struct buf *out, double v)
{
    if (!isnan(v) && !isinf(v))
        buf_addf(out, "%.12g", v);
}

void table_render_csv(const struct table *t, struct buf *out)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            buf_addc(out, ',');
        csv_field(out, t->cols[c].key);
        if (t->cols[c].ci)
            buf_addf(out, ",%s_ci_low,%s_ci_high", t->cols[c].key, t->cols[c].key);
    }
    buf_adds(out, "\r\n");
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct table_cell *x = table_cell(t, r, c);
            if (c)
                buf_addc(out, ',');
            if (t->cols[c].fmt == FMT_TEXT) {
                csv_field(out, x->text ? x->text : "");
                continue;
            }
            csv_num(out, x->v);
            if (t->cols[c].ci) {
                buf_addc(out, ',');
                csv_num(out, x->lo);
                buf_addc(out, ',');
                csv_num(out, x->hi);
            }
        }
        buf_adds(out, "\r\n");
    }
}

/* === JSON ================================================================== */

cJSON *json_num(double v)
{
    return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

cJSON *table_to_json(const struct table *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", t->key);
    cJSON_AddStringToObject(o, "title", t->title);
    cJSON *cols = cJSON_AddArrayToObject(o, "columns");
    for (size_t c = 0; c < t->ncols; c++) {
        cJSON *col = cJSON_CreateObject();
        cJSON_AddStringToObject(col, "key", t->cols[c].key);
        cJSON_AddStringToObject(col, "title", t->cols[c].title);
        cJSON_AddBoolToObject(col, "interval", t->cols[c].ci);
        cJSON_AddItemToArray(cols, col);
    }
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    char key[160];
    for (size_t r = 0; r < t->nrows; r++) {
        cJSON *row = cJSON_CreateObject();
        for (size_t c = 0; c < t->ncols; c++) {
            const struct table_cell *x = table_cell(t, r, c);
            if (t->cols[c].fmt == FMT_TEXT) {
                cJSON_AddItemToObject(row, t->cols[c].key,
                                      x->text ? cJSON_CreateString(x->text) : cJSON_CreateNull());
                continue;
            }
            cJSON_AddItemToObject(row, t->cols[c].key, json_num(x->v));
            if (t->cols[c].ci) {
                snprintf(key, sizeof(key), "%s_ci_low", t->cols[c].key);
                cJSON_AddItemToObject(row, key, json_num(x->lo));
                snprintf(key, sizeof(key), "%s_ci_high", t->cols[c].key);
                cJSON_AddItemToObject(row, key, json_num(x->hi));
            }
        }
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_AddItemToObject(o, "note", t->note ? cJSON_CreateString(t->note) : cJSON_CreateNull());
    return o;
}
