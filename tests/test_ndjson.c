/* test_ndjson.c -- the NDJSON splitter: every split point, CRLF, blank
 * lines, the unterminated last line, the line cap. */
#include "check.h"
#include "harness/ndjson.h"
#include "harness/util/buf.h"

#include <string.h>

struct got {
    struct buf out;
    int lines;
};

static int on_line(const char *line, size_t n, void *ud, struct diag *d)
{
    struct got *g = ud;
    CHECK_INT_EQ(strlen(line), n);   /* NUL-terminated, no NULs here */
    if (g->lines)
        buf_addc(&g->out, '|');
    buf_add(&g->out, line, n);
    g->lines++;
    return 0;
}

static char *parse_cut(const char *in, size_t n, size_t cut, int *unterm)
{
    struct got g = { BUF_INIT, 0 };
    buf_init(&g.out, 0);
    struct diag d;
    diag_init(&d);
    struct ndjson *p = ndjson_new(256, on_line, &g);
    CHECK_INT_EQ(ndjson_feed(p, in, cut, &d), 0);
    CHECK_INT_EQ(ndjson_feed(p, in + cut, n - cut, &d), 0);
    CHECK_INT_EQ(ndjson_finish(p, &d), 0);
    *unterm = ndjson_unterminated(p);
    ndjson_free(p);
    return buf_take(&g.out, NULL);
}

static void vector(const char *in, const char *expect, int unterm)
{
    size_t n = strlen(in);
    for (size_t cut = 0; cut <= n; cut++) {
        int u;
        char *got = parse_cut(in, n, cut, &u);
        CHECK_MSG(strcmp(got, expect) == 0, "\"%s\" cut %zu: got \"%s\"", in, cut, got);
        CHECK_MSG(u == unterm, "\"%s\" cut %zu: unterminated %d", in, cut, u);
        free(got);
    }
}

int main(void)
{
    vector("{\"a\":1}\n{\"b\":2}\n", "{\"a\":1}|{\"b\":2}", 0);
    vector("{\"a\":1}\r\n{\"b\":2}\r\n", "{\"a\":1}|{\"b\":2}", 0);
    vector("\n\n{\"a\":1}\n  \n\t\n{\"b\":2}\n", "{\"a\":1}|{\"b\":2}", 0);
    vector("{\"a\":1}\n{\"done\":true}", "{\"a\":1}|{\"done\":true}", 1);
    vector("{\"a\":\"x\\ry\"}\n", "{\"a\":\"x\\ry\"}", 0);
    vector("", "", 0);
    vector("   ", "", 0);

    struct got g = { BUF_INIT, 0 };
    buf_init(&g.out, 0);
    struct diag d;
    diag_init(&d);
    struct ndjson *p = ndjson_new(8, on_line, &g);
    CHECK_INT_EQ(ndjson_feed(p, "123456789\n", 10, &d), -1);
    CHECK_CONTAINS(d.msg, "NDJSON line longer than 8 bytes");
    ndjson_reset(p, on_line, &g);
    diag_init(&d);
    CHECK_INT_EQ(ndjson_feed(p, "12345678\r\n", 10, &d), 0);   /* CR does not count */
    CHECK_INT_EQ(ndjson_feed(p, "1234", 4, &d), 0);
    CHECK_INT_EQ(ndjson_feed(p, "567890", 6, &d), -1);   /* 10 > 8 + CR */
    ndjson_free(p);
    buf_release(&g.out);
    return check_done();
}
