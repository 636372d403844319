/* test_dataset_csv.c -- the RFC 4180 reader under datasets: quoting,
 * doubled quotes, separators and newlines inside quotes, CRLF, BOM, empty
 * fields and lines, TSV, and the exact error messages with line and
 * column. Table-driven: input bytes -> records joined as text. */
#include "check.h"

#include "harness/csv.h"
#include "harness/util/buf.h"

#include <string.h>

/* Records as "[f1|f2]@line" joined by spaces; field starts as line:col. */
static int collect(const struct csv_record *rec, void *ud, struct diag *d)
{
    struct buf *b = ud;
    buf_addf(b, "%s[", b->len ? " " : "");
    for (size_t i = 0; i < rec->n; i++) {
        buf_addf(b, "%s", i ? "|" : "");
        buf_add(b, rec->fields[i], rec->lens[i]);
    }
    buf_addf(b, "]@%ld", rec->line);
    return 0;
}

static void expect(const char *in, size_t n, char sep, int quoting, const char *want)
{
    struct buf b;
    buf_init(&b, 0);
    struct diag d;
    diag_init(&d);
    int rc = csv_parse(in, n, sep, quoting, "t.csv", collect, &b, &d);
    CHECK_MSG(rc == 0, "input %s: %s", in, d.msg);
    CHECK_STR_EQ(b.ptr, want);
    buf_release(&b);
}

static void expect_error(const char *in, size_t n, const char *want)
{
    struct buf b;
    buf_init(&b, 0);
    struct diag d;
    diag_init(&d);
    int rc = csv_parse(in, n, ',', 1, "t.csv", collect, &b, &d);
    CHECK_INT_EQ(rc, -1);
    char line[1024];
    diag_format(&d, line, sizeof(line));
    CHECK_STR_EQ(line, want);
    buf_release(&b);
}

#define E(s, sep, q, want) expect(s, sizeof(s) - 1, sep, q, want)
#define ERR(s, want) expect_error(s, sizeof(s) - 1, want)

static int stop_at_second(const struct csv_record *rec, void *ud, struct diag *d)
{
    int *count = ud;
    if (++*count == 2)
        return diag_fail_at(d, "t.csv", rec->line, NULL, "stop");
    return 0;
}

static int positions(const struct csv_record *rec, void *ud, struct diag *d)
{
    struct buf *b = ud;
    for (size_t i = 0; i < rec->n; i++)
        buf_addf(b, "%ld:%ld ", rec->lines[i], rec->cols[i]);
    return 0;
}

int main(void)
{
    /* Plain, LF and CRLF, last line without a newline. */
    E("a,b\n1,2\n", ',', 1, "[a|b]@1 [1|2]@2");
    E("a,b\r\n1,2\r\n", ',', 1, "[a|b]@1 [1|2]@2");
    E("a,b\n1,2", ',', 1, "[a|b]@1 [1|2]@2");
    /* Empty fields anywhere, a trailing separator gives a last empty field. */
    E("a,,c\n,,\n1,2,\n", ',', 1, "[a||c]@1 [||]@2 [1|2|]@3");
    E("a,b,", ',', 1, "[a|b|]@1");
    /* Quoted: separators, doubled quotes, LF and CRLF inside are kept. */
    E("\"a,b\",\"say \"\"hi\"\"\"\n", ',', 1, "[a,b|say \"hi\"]@1");
    E("\"line1\nline2\",x\nnext,y\n", ',', 1, "[line1\nline2|x]@1 [next|y]@3");
    E("\"crlf\r\ninside\",x\r\n", ',', 1, "[crlf\r\ninside|x]@1");
    E("\"\",\"\"\n", ',', 1, "[|]@1");
    /* A lone quoted empty field is a record, an empty line is not. */
    E("a\n\n\"\"\n\nb\n", ',', 1, "[a]@1 []@3 [b]@5");
    E("\r\n\r\na\r\n", ',', 1, "[a]@3");
    /* A quote inside an unquoted field is literal (as Python's csv). */
    E("5\" screen,x\n", ',', 1, "[5\" screen|x]@1");
    /* A byte-order mark is skipped; UTF-8 passes through. */
    E("\xEF\xBB\xBFid,text\n1,Grüße ✓\n", ',', 1, "[id|text]@1 [1|Grüße ✓]@2");
    /* A lone CR is data. */
    E("a\rb,c\n", ',', 1, "[a\rb|c]@1");
    /* TSV: commas are data; quoting can be turned off. */
    E("a\tb,c\n\"x\ty\"\tz\n", '\t', 1, "[a|b,c]@1 [x\ty|z]@2");
    E("a\tb\n\"x\t\"y\n", '\t', 0, "[a|b]@1 [\"x|\"y]@2");
    E("", ',', 1, "");

    /* Errors: line and column (in characters) of the cause. */
    ERR("a,b\n1,\"open\n\nmore",
        "t.csv:2: column 3: unterminated quoted field (it opens here)");
    ERR("a,b\n\"x\"y,2\n",
        "t.csv:2: column 4: unexpected character after the closing quote of a field "
        "(quotes inside a quoted field are written \"\")");
    ERR("é,\"ü\" ,2\n",
        "t.csv:1: column 6: unexpected character after the closing quote of a field "
        "(quotes inside a quoted field are written \"\")");
    expect_error("a,b\n1,\0", 7, "t.csv:2: column 3: NUL byte in CSV text");

    /* The callback can stop the parse; its diag wins. */
    int count = 0;
    struct diag d;
    diag_init(&d);
    CHECK_INT_EQ(csv_parse("a\nb\nc\n", 6, ',', 1, "t.csv", stop_at_second, &count, &d), -1);
    CHECK_INT_EQ(count, 2);
    CHECK_STR_EQ(d.msg, "stop");

    /* Field start positions (multi-line fields move the next line). */
    struct buf b;
    buf_init(&b, 0);
    diag_init(&d);
    const char *in = "ab,\"c\nd\",e\nx,yé,z\n";
    CHECK_INT_EQ(csv_parse(in, strlen(in), ',', 1, "t.csv", positions, &b, &d), 0);
    CHECK_STR_EQ(b.ptr, "1:1 1:4 2:4 3:1 3:3 3:6 ");
    buf_release(&b);

    return check_done();
}
