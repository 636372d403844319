/* test_sse.c -- the SSE parser against the protocols.md 7.4 vectors and
 * WHATWG rules, each input fed at every split point (two reads), one byte
 * at a time, and whole. */
#include "check.h"
#include "harness/sse.h"
#include "harness/util/buf.h"

#include <string.h>

/* Events are collected as "type|data" lines joined by "\n--\n". */
struct got {
    struct buf out;
    int events;
    int stop_after;   /* return 1 after this many events (0 = never) */
};

static int on_event(const char *type, const char *data, size_t n, void *ud, struct diag *d)
{
    struct got *g = ud;
    if (g->events)
        buf_adds(&g->out, "\n--\n");
    buf_adds(&g->out, type);
    buf_addc(&g->out, '|');
    buf_add(&g->out, data, n);
    g->events++;
    return g->stop_after && g->events >= g->stop_after ? 1 : 0;
}

/* Parses in (len n) split as given by cuts (sorted offsets, ncuts of them);
 * returns owned "events" text; *unterminated set from the parser. */
static char *parse_split(const char *in, size_t n, const size_t *cuts, size_t ncuts,
                         int *unterminated, int *rc_out)
{
    struct got g = { BUF_INIT, 0, 0 };
    buf_init(&g.out, 0);
    struct diag d;
    diag_init(&d);
    struct sse *p = sse_new(1024, on_event, &g);
    size_t at = 0;
    int rc = 0;
    for (size_t k = 0; k <= ncuts && rc == 0; k++) {
        size_t end = k < ncuts ? cuts[k] : n;
        rc = sse_feed(p, in + at, end - at, &d);
        at = end;
    }
    if (rc == 0)
        rc = sse_finish(p, &d);
    *unterminated = sse_unterminated(p);
    *rc_out = rc;
    sse_free(p);
    return buf_take(&g.out, NULL);
}

/* Checks in gives expect whole, at every single split point, and byte by
 * byte; and that the unterminated flag is as expected. */
static void vector(const char *name, const char *in, size_t n, const char *expect, int unterm)
{
    int u, rc;
    char *got = parse_split(in, n, NULL, 0, &u, &rc);
    CHECK_MSG(strcmp(got, expect) == 0, "%s whole: got \"%s\"", name, got);
    CHECK_MSG(u == unterm, "%s whole: unterminated %d", name, u);
    CHECK_INT_EQ(rc, 0);
    free(got);
    for (size_t cut = 0; cut <= n; cut++) {
        got = parse_split(in, n, &cut, 1, &u, &rc);
        CHECK_MSG(strcmp(got, expect) == 0, "%s split at %zu: got \"%s\"", name, cut, got);
        CHECK_MSG(u == unterm, "%s split at %zu: unterminated %d", name, cut, u);
        free(got);
    }
    size_t *cuts = malloc((n + 1) * sizeof(*cuts));
    for (size_t i = 0; i < n; i++)
        cuts[i] = i + 1;
    got = parse_split(in, n, cuts, n ? n - 1 : 0, &u, &rc);
    CHECK_MSG(strcmp(got, expect) == 0, "%s byte by byte: got \"%s\"", name, got);
    free(got);
    free(cuts);
}

#define V(name, in, expect, unterm) vector(name, in, sizeof(in) - 1, expect, unterm)

int main(void)
{
    /* protocols.md 7.4 */
    V("7.4.1 CRLF", "data: {\"a\":1}\r\n\r\n", "message|{\"a\":1}", 0);
    {
        /* The exact split the document names. */
        const char in[] = "data: {\"a\":1}\r\n\r\n";
        size_t cuts[2] = { 9, 14 };   /* data: {"a" | :1}\r | \n\r\n */
        int u, rc;
        char *got = parse_split(in, sizeof(in) - 1, cuts, 2, &u, &rc);
        CHECK_STR_EQ(got, "message|{\"a\":1}");
        free(got);
    }
    V("7.4.2 keep-alive", ":\n\ndata: a\n\n:\n\ndata: b\n\n:\n\n", "message|a\n--\nmessage|b", 0);
    V("7.4.3 no space", "data:{\"a\":1}\n\n", "message|{\"a\":1}", 0);
    V("7.4.4 multi-line", "data: line1\ndata: line2\n\n", "message|line1\nline2", 0);
    V("7.4.5 event type", "event: ping\ndata: {\"type\": \"ping\"}\n\n", "ping|{\"type\": \"ping\"}", 0);
    V("7.4.6 CR only", "data: x\r\r", "message|x", 0);
    V("7.4.7 no final blank line", "data: a\n\ndata: [DONE]\n", "message|a\n--\nmessage|[DONE]", 1);
    V("7.4.8 BOM", "\xEF\xBB\xBF" "data: x\n\n", "message|x", 0);

    /* WHATWG details */
    V("two spaces keep one", "data:  x\n\n", "message| x", 0);
    V("field without colon", "data\n\n", "message|", 0);
    V("empty data line", "data:\ndata:\n\n", "message|\n", 0);
    V("no data, no event", "event: x\n\nid: 3\n\n", "", 0);
    V("event type resets", "event: a\ndata: 1\n\ndata: 2\n\n", "a|1\n--\nmessage|2", 0);
    V("unknown field ignored", "foo: bar\ndata: 1\n\n", "message|1", 0);
    V("comment inside event", "data: 1\n: hi\ndata: 2\n\n", "message|1\n2", 0);
    V("mixed endings", "data: a\r\n\rdata: b\n\r\n", "message|a\n--\nmessage|b", 0);
    V("BOM only once", "\xEF\xBB\xBF" "data: \xEF\xBB\xBFx\n\n", "message|\xEF\xBB\xBFx", 0);
    V("partial BOM is data", "\xEF\xBB" "data: x\n\ndata: y\n\n", "message|y", 0);
    V("unterminated line at EOF", "data: a", "message|a", 1);
    V("empty stream", "", "", 0);
    V("event name on its own line at EOF", "event: x\n", "", 0);
    V("OpenAI", "data: {\"choices\":[]}\n\ndata: [DONE]\n\n",
      "message|{\"choices\":[]}\n--\nmessage|[DONE]", 0);

    /* id and retry */
    {
        struct got g = { BUF_INIT, 0, 0 };
        buf_init(&g.out, 0);
        struct diag d;
        diag_init(&d);
        struct sse *p = sse_new(64, on_event, &g);
        const char in[] = "id: 7\nretry: 1500\ndata: x\n\nretry: 2x\nid: a\0b\n\n";
        CHECK_INT_EQ(sse_feed(p, in, sizeof(in) - 1, &d), 0);
        CHECK_STR_EQ(sse_last_id(p), "7");
        CHECK_INT_EQ(sse_retry_ms(p), 1500);
        sse_reset(p, on_event, &g);
        CHECK_INT_EQ(sse_retry_ms(p), -1);
        sse_free(p);
        buf_release(&g.out);
    }

    /* Line cap: a line longer than max_line is an error, whole or split. */
    {
        struct got g = { BUF_INIT, 0, 0 };
        buf_init(&g.out, 0);
        struct diag d;
        diag_init(&d);
        struct sse *p = sse_new(16, on_event, &g);
        CHECK_INT_EQ(sse_feed(p, "data: 0123456789abcdef\n\n", 24, &d), -1);
        CHECK_CONTAINS(d.msg, "SSE line longer than 16 bytes");
        CHECK_INT_EQ(sse_feed(p, "data: x\n\n", 9, &d), -1);   /* stays stopped */
        sse_reset(p, on_event, &g);
        diag_init(&d);
        CHECK_INT_EQ(sse_feed(p, "data: 01234", 11, &d), 0);
        CHECK_INT_EQ(sse_feed(p, "56789abcdef", 11, &d), -1);
        sse_reset(p, on_event, &g);
        diag_init(&d);
        /* Data joined over many short lines is capped too. */
        int rc = 0;
        for (int i = 0; i < 10 && rc == 0; i++)
            rc = sse_feed(p, "data: 0123\n", 11, &d);
        CHECK_INT_EQ(rc, -1);
        CHECK_CONTAINS(d.msg, "SSE event data longer than 16 bytes");
        sse_free(p);
        buf_release(&g.out);
    }

    /* The callback stops the stream: later events are not delivered. */
    {
        struct got g = { BUF_INIT, 0, 1 };
        buf_init(&g.out, 0);
        struct diag d;
        diag_init(&d);
        struct sse *p = sse_new(64, on_event, &g);
        CHECK_INT_EQ(sse_feed(p, "data: 1\n\ndata: 2\n\n", 18, &d), 1);
        CHECK_INT_EQ(sse_finish(p, &d), 1);
        CHECK_INT_EQ(g.events, 1);
        sse_free(p);
        buf_release(&g.out);
    }
    return check_done();
}
