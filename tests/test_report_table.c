/* test_report_table.c -- the table module on its own: how values read,
 * RFC 4180 CSV, the Markdown shape, the JSON keys, and the terminal
 * layout (split into blocks at the width, values never cut, wide
 * characters aligned). */
#include "check.h"

#include "harness/util/buf.h"
#include "reports/table.h"

#include <math.h>

static void test_format(void)
{
    static const struct {
        enum cell_fmt fmt;
        double v;
        const char *want;
    } rows[] = {
        { FMT_INT, 1284, "1,284" },
        { FMT_INT, 1234567, "1,234,567" },
        { FMT_MS, 22.64, "22.6" },
        { FMT_MS, 1834.2, "1,834" },
        { FMT_QUALITY, 0.4712, "0.471" },
        { FMT_QUALITY, 47.123, "47.12" },
        { FMT_DIFF, 0.031, "+0.031" },
        { FMT_DIFF, -2.5, "-2.500" },
        { FMT_PCT, 0.041, "4.1%" },
        { FMT_PCT, 0, "0.0%" },
        { FMT_USD, 0, "$0" },
        { FMT_USD, 0.00267, "$0.00267" },
        { FMT_USD, 0.000110, "$0.000110" },
        { FMT_USD, 0.5, "$0.500" },
        { FMT_USD, 2.671, "$2.67" },
        { FMT_USD, 1234.4, "$1,234" },
        { FMT_NUM1, 1234.56, "1,234.6" },
        { FMT_SIG3, 17634, "17,634" },
        { FMT_SIG3, 4.5678, "4.57" },
        { FMT_SIG3, 0.012345, "0.0123" },
        { FMT_P, 0.0004, "<0.001" },
        { FMT_P, 0.0342, "0.034" },
        { FMT_INT, NAN, "-" },
        { FMT_USD, INFINITY, "-" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[64];
        table_format_value(rows[i].fmt, rows[i].v, out, sizeof(out));
        CHECK_STR_EQ(out, rows[i].want);
    }
}

static const struct table_col COLS[] = {
    { "name", "name", FMT_TEXT, 0 },
    { "n", "n", FMT_INT, 0 },
    { "quality", "quality [95% CI]", FMT_QUALITY, 1 },
    { "cost", "cost", FMT_USD, 0 },
};

static void make(struct table *t)
{
    table_init(t, "demo", "Demo | table", COLS, 4, 1);
    table_add_row(t);
    table_set_text(t, 0, "plain");
    table_set_num(t, 1, 30);
    table_set_ci(t, 2, 0.5, 0.45, 0.55);
    table_set_num(t, 3, 0.002);
    table_add_row(t);
    table_set_text(t, 0, "a,b \"quoted\"\nline|pipe");
    table_set_num(t, 1, 1234);
    /* quality and cost missing */
    table_note(t, "first sentence.");
    table_note(t, "second sentence.");
}

static void test_interval_decimals(void)
{
    static const struct table_col cols[] = { { "d", "d", FMT_DIFF, 1 }, { "ms", "ms", FMT_MS, 1 } };
    struct table t;
    table_init(&t, "x", "X", cols, 2, 0);
    table_add_row(&t);
    table_set_ci(&t, 0, 14.12, 7.262, 22.34);
    table_set_ci(&t, 1, 1834, 95.5, 2101);
    struct buf b;
    buf_init(&b, 0);
    table_cell_text(&t, 0, 0, &b);
    CHECK_STR_EQ(b.ptr, "+14.12 [+7.26, +22.34]");
    buf_reset(&b);
    table_cell_text(&t, 0, 1, &b);
    CHECK_STR_EQ(b.ptr, "1,834 [96, 2,101]");
    buf_release(&b);
    table_release(&t);
}

static void test_csv(void)
{
    struct table t;
    make(&t);
    struct buf b;
    buf_init(&b, 0);
    table_render_csv(&t, &b);
    CHECK_STR_EQ(b.ptr,
                 "name,n,quality,quality_ci_low,quality_ci_high,cost\r\n"
                 "plain,30,0.5,0.45,0.55,0.002\r\n"
                 "\"a,b \"\"quoted\"\"\nline|pipe\",1234,,,,\r\n");
    buf_reset(&b);
    csv_field(&b, "cr\ronly");
    CHECK_STR_EQ(b.ptr, "\"cr\ronly\"");
    buf_reset(&b);
    csv_field(&b, "");
    CHECK_STR_EQ(b.ptr, "");
    buf_release(&b);
    table_release(&t);
}

/* Unescaped '|' in a Markdown line. */
static int md_cells(const char *line, size_t n)
{
    int pipes = 0;
    for (size_t i = 0; i < n; i++)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
            pipes++;
    return pipes - 1;
}

static void test_markdown(void)
{
    struct table t;
    make(&t);
    struct buf b;
    buf_init(&b, 0);
    table_render_md(&t, &b);
    CHECK(strncmp(b.ptr, "### Demo \\| table\n\n", 19) == 0);
    CHECK_CONTAINS(b.ptr, "| name | n | quality [95% CI] | cost |\n|:---|---:|---:|---:|\n");
    CHECK_CONTAINS(b.ptr, "| plain | 30 | 0.500 [0.450, 0.550] | $0.00200 |\n");
    /* newline flattened, pipe and quote-free markup escaped */
    CHECK_CONTAINS(b.ptr, "| a,b \"quoted\" line\\|pipe | 1,234 | - | - |\n");
    CHECK_CONTAINS(b.ptr, "\nfirst sentence. second sentence.\n");
    /* every table line has one cell per column */
    int lines = 0;
    for (const char *p = b.ptr; *p;) {
        size_t n = strcspn(p, "\n");
        if (n && p[0] == '|') {
            lines++;
            CHECK_INT_EQ(md_cells(p, n), 4);
            CHECK(p[n - 1] == '|');
        }
        p += n + (p[n] == '\n');
    }
    CHECK_INT_EQ(lines, 4);    /* header, separator, two rows */
    buf_release(&b);
    table_release(&t);
}

static void test_json(void)
{
    struct table t;
    make(&t);
    cJSON *j = table_to_json(&t);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "key")->valuestring, "demo");
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    CHECK_INT_EQ(cJSON_GetArraySize(rows), 2);
    cJSON *r0 = cJSON_GetArrayItem(rows, 0), *r1 = cJSON_GetArrayItem(rows, 1);
    CHECK_NEAR(cJSON_GetObjectItem(r0, "quality")->valuedouble, 0.5, 0);
    CHECK_NEAR(cJSON_GetObjectItem(r0, "quality_ci_low")->valuedouble, 0.45, 0);
    CHECK_NEAR(cJSON_GetObjectItem(r0, "quality_ci_high")->valuedouble, 0.55, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(r1, "quality")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(r1, "cost")));
    CHECK_STR_EQ(cJSON_GetObjectItem(r1, "name")->valuestring, "a,b \"quoted\"\nline|pipe");
    cJSON *cols = cJSON_GetObjectItem(j, "columns");
    CHECK_INT_EQ(cJSON_GetArraySize(cols), 4);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cols, 2), "interval")));
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "note")->valuestring, "first sentence. second sentence.");
    cJSON_Delete(j);
    table_release(&t);
}

static size_t longest_line(const char *s)
{
    size_t best = 0;
    while (*s) {
        size_t n = strcspn(s, "\n");
        if (n > best)
            best = n;
        s += n + (s[n] == '\n');
    }
    return best;
}

static void test_terminal(void)
{
    /* A wide table: key column + 12 numbers of ~9 characters. */
    static const char *const keys[] = { "c01", "c02", "c03", "c04", "c05", "c06",
                                        "c07", "c08", "c09", "c10", "c11", "c12" };
    struct table_col cols[13] = { { "backend", "backend", FMT_TEXT, 0 } };
    for (size_t i = 0; i < 12; i++)
        cols[i + 1] = (struct table_col){ keys[i], keys[i], FMT_INT, 0 };
    struct table t;
    table_init(&t, "wide", "Wide", cols, 13, 1);
    for (int r = 0; r < 3; r++) {
        table_add_row(&t);
        table_set_text(&t, 0, r == 2 ? "\xe7\xbf\xbb\xe8\xa8\xb3" : "strong"); /* 翻訳: 4 columns */
        for (size_t c = 1; c < 13; c++)
            table_set_num(&t, c, 1000000.0 * (double)c + r);
    }
    struct buf b;
    buf_init(&b, 0);
    table_render_term(&t, 60, &b);
    CHECK(longest_line(b.ptr) <= 60);
    CHECK_CONTAINS(b.ptr, "(continued)");
    /* every value is there, whole */
    for (size_t c = 1; c < 13; c++) {
        char v[64];
        table_format_value(FMT_INT, 1000000.0 * (double)c + 2, v, sizeof(v));
        CHECK_CONTAINS(b.ptr, v);
    }
    /* the key column opens every block: 3 blocks of header + rule + 3 rows */
    size_t blocks = 0;
    for (const char *p = b.ptr; (p = strstr(p, "backend")); p++)
        blocks++;
    CHECK(blocks >= 2);
    /* CJK name padded by display width: its row is as wide as the others
     * in columns (bytes differ by 2: 6 bytes shown in 4 columns) */
    const char *cjk = strstr(b.ptr, "\xe7\xbf\xbb");
    const char *strong = strstr(b.ptr, "strong");
    CHECK(cjk && strong);
    if (cjk && strong)
        CHECK_INT_EQ(strcspn(cjk, "\n"), strcspn(strong, "\n") + 2);
    /* a width smaller than one column still shows it whole */
    buf_reset(&b);
    table_render_term(&t, 10, &b);
    CHECK_CONTAINS(b.ptr, "12,000,002");
    /* control characters in text cannot reach the terminal */
    table_add_row(&t);
    table_set_text(&t, 0, "evil\x1b[2Jname");
    buf_reset(&b);
    table_render_term(&t, 100, &b);
    CHECK(!strchr(b.ptr, '\x1b'));
    CHECK_CONTAINS(b.ptr, "evil?[2Jname");
    buf_release(&b);
    table_release(&t);
}

static void test_wrap(void)
{
    struct buf b;
    buf_init(&b, 0);
    text_wrap(&b, "one two three four five six seven eight nine ten", 20, "note: ", "      ");
    CHECK_STR_EQ(b.ptr, "note: one two three\n      four five six\n      seven eight\n      nine ten\n");
    buf_reset(&b);
    text_wrap(&b, "averyveryverylongwordthatdoesnotfit x", 10, "", "");
    CHECK_STR_EQ(b.ptr, "averyveryverylongwordthatdoesnotfit\nx\n");
    buf_release(&b);
}

int main(void)
{
    test_format();
    test_interval_decimals();
    test_csv();
    test_markdown();
    test_json();
    test_terminal();
    test_wrap();
    return check_done();
}
