/* transport.c -- the libcurl multi loop (curl's 10-at-a-time.c shape,
 * driven by curl_multi_socket_action over epoll: curl's hiperfifo.c).
 *
 * Why the socket interface rather than curl_multi_poll: with poll, every
 * round rebuilds the descriptor set and walks every transfer, O(in flight)
 * per round; with two thousand streams each ticking, the loop falls behind
 * and the clocks with it. Here libcurl says which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION) and when it needs a timeout
 * (CURLMOPT_TIMERFUNCTION); epoll says which are ready, and only those are
 * handed back to libcurl: O(ready) per round.
 *
 * Each xfer owns one easy handle for its whole life (a pool sized by the
 * caller's concurrency), so buffers and TLS sessions are reused; the
 * multi handle's connection cache keeps connections alive between
 * requests, and HTTP/2 is used where the server offers it (ALPN).
 *
 * Transfers are spread over several multi handles (shards) of at most
 * SHARD_XFERS xfers each, all on the one epoll set. Why: libcurl 7.88
 * walks every connection to the host for each new transfer (looking for
 * one to reuse) and every cached connection when a transfer is removed:
 * O(connections) per request, so two thousand streams cost four million
 * steps (cache misses) at start and at the end, a 300 ms stall of the
 * loop. A shard bounds each walk; an xfer stays in its shard, so its
 * connections are reused as before.
 *
 * Callbacks only move state: the header callback keeps the raw lines of
 * the last response; the write callback takes the time first, then either
 * feeds the stream parser (2xx answer to a streaming request, not JSON)
 * or gathers the body (non-stream answers and errors). Everything else
 * (classification, parsing a whole body) happens at CURLMSG_DONE.
 *
 * Receive times are the kernel's, not the loop's: every socket gets
 * SO_TIMESTAMPNS, and before a readable socket is handed to libcurl a
 * MSG_PEEK | MSG_TRUNC over everything waiting (nothing is copied) reads
 * the receive timestamp of the newest of those bytes. The write callback
 * uses that time. Reading the clock in the callback instead measured when
 * the loop got round to the socket: with thousands of streams, after every
 * other socket of a round and any work done in between, and after any time
 * the process was not scheduled at all (tens of milliseconds on a loaded
 * machine). The newest, not the oldest: every byte libcurl reads then
 * arrived no later than the time given, so a time is never early (a token
 * queued behind older bytes would otherwise get their time). Bytes that
 * arrive between the peek and libcurl's read would be early: when the
 * write callback comes more than RX_TRUST_NS after the peek (the process
 * was descheduled in between), the clock is used instead.
 *
 * What a failure becomes (docs/records.md statuses):
 *   HTTP error answer      -> classify_http (http_error retryable / refused)
 *   in-band error          -> the adapter's classification
 *   malformed answer       -> parse_error, retryable
 *   stream ended early     -> transport_error, retryable
 *   connect/total/first-token/idle timeout -> timeout, retryable
 *   reset, refused, recv   -> transport_error, retryable
 *   DNS, TLS verification, bad URL -> transport_error, final */
#define _GNU_SOURCE
#include "transport.h"
#include "version.h"
#include "harness/ndjson.h"
#include "harness/sse.h"
#include "harness/util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE (4u << 20)          /* one SSE line / NDJSON line */
#define MAX_BODY (64u << 20)         /* a whole 2xx body */
#define MAX_ERROR_BODY (256u << 10)  /* an error body is kept up to this much */
#define MAX_HEADERS (64u << 10)
#define SWEEP_NS 100000000LL         /* timeout sweep every 100 ms: O(in flight), and
                                        first-token/idle timeouts need no finer grain */
#define SHARD_XFERS 64               /* xfers per multi handle (see the top) */
#define WAKE_TAG UINT32_MAX          /* epoll tag of the wake pipe */
#define RX_TRUST_NS 100000LL         /* peek -> write callback: longer, and bytes may have come since */

/* One multi handle and what libcurl told it. An epoll event carries the
 * shard's index (high 32 bits) and the socket (low 32 bits). */
struct shard {
    struct transport *t;
    CURLM *multi;
    uint32_t index;
    long nxfers;                     /* xfers created in this shard */
    mono_ns curl_deadline;           /* when libcurl wants a timeout call; 0 = none */
};

struct transport {
    struct shard *shards;
    size_t nshards;
    xfer_done_fn *done;
    void *ud;
    struct xfer *active;             /* doubly linked */
    long nactive;
    struct xfer **free;              /* pool */
    size_t nfree, free_cap;
    int wake[2];
    int epfd;
    mono_ns last_sweep;
    mono_ns poll_returned;           /* when the last poll returned; 0 before */
    double max_busy_ms;
    double stalled_ms;               /* summed rounds that kept the loop away > 50 ms */
    int rx_fd;                       /* the socket libcurl is being handed, -1 = none */
    mono_ns rx_at;                   /* receive time of its newest waiting byte, 0 = unknown */
    mono_ns rx_peeked;               /* when that was read */
    int64_t wall_to_mono;            /* this round's CLOCK_MONOTONIC - CLOCK_REALTIME */
};

static int on_sse_event(const char *type, const char *data, size_t n, void *ud, struct diag *d)
{
    struct xfer *x = ud;
    return x->backend->ops->on_event(&x->reply, type, data, n, d);
}

static int on_ndjson_line(const char *line, size_t n, void *ud, struct diag *d)
{
    struct xfer *x = ud;
    return x->backend->ops->on_event(&x->reply, NULL, line, n, d);
}

/* libcurl: watch (or stop watching) socket s. What is registered is kept
 * with the socket (curl_multi_assign), so an unchanged interest costs no
 * system call. */
static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct shard *sh = userp;
    struct transport *t = sh->t;
    /* libcurl calls this for each transfer that starts to use a socket
     * (a reused connection too): the transfer's socket, for its receive
     * times. */
    struct xfer *x = NULL;
    if (easy && curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x) == CURLE_OK && x)
        x->sock = what == CURL_POLL_REMOVE ? (x->sock == s ? -1 : x->sock) : s;
    intptr_t had = (intptr_t)socketp;   /* 0 = not registered, else 0x100 | events */
    if (what == CURL_POLL_REMOVE) {
        if (had)
            epoll_ctl(t->epfd, EPOLL_CTL_DEL, s, NULL);
        curl_multi_assign(sh->multi, s, NULL);
        return 0;
    }
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (had && (uint32_t)(had & 0xff) == events)
        return 0;
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.u64 = (uint64_t)sh->index << 32 | (uint32_t)s;
    if (epoll_ctl(t->epfd, had ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev) < 0 && errno == ENOENT)
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, s, &ev);
    curl_multi_assign(sh->multi, s, (void *)(intptr_t)(0x100 | events));
    return 0;
}

/* libcurl: a new socket; ask for receive timestamps on it. */
static int on_sockopt(void *ud, curl_socket_t s, curlsocktype purpose)
{
    (void)ud;
    int one = 1;
    if (purpose == CURLSOCKTYPE_IPCXN)
        setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
    return CURL_SOCKOPT_OK;   /* without timestamps, reads are timed by the clock */
}

/* CLOCK_MONOTONIC - CLOCK_REALTIME now (receive timestamps are realtime).
 * The realtime reading is bracketed by two monotonic ones and the
 * tightest of three tries kept: a preemption between two plain readings
 * would shift every receive time of the round by its length (tens of
 * microseconds on a busy machine, enough to put a token before the
 * server sent it). */
static int64_t wall_to_mono_now(void)
{
    int64_t best = 0, best_width = INT64_MAX;
    for (int i = 0; i < 3 && best_width > 1000; i++) {
        mono_ns before = clock_mono_ns();
        int64_t wall = clock_wall_ns();
        mono_ns after = clock_mono_ns();
        if (after - before < best_width) {
            best_width = after - before;
            best = before + (after - before) / 2 - wall;
        }
    }
    return best;
}

/* The kernel's receive time (CLOCK_MONOTONIC) of the newest byte waiting
 * on s (of its first 256 KiB), or 0 if there are none or no timestamp
 * came with them. MSG_TRUNC: TCP walks every queued packet, each updating
 * the timestamp, without copying the bytes (the buffer's pages are never
 * touched; it is real only so that a socket ignoring the flag is safe). */
static mono_ns newest_waiting(const struct transport *t, int s)
{
    static char scratch[256 << 10];
    char ctl[CMSG_SPACE(sizeof(struct timespec))];
    struct iovec v = { scratch, sizeof(scratch) };
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof(ctl);
    if (recvmsg(s, &m, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT) <= 0)
        return 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            return (mono_ns)ts.tv_sec * 1000000000 + ts.tv_nsec + t->wall_to_mono;
        }
    }
    return 0;
}

/* libcurl: call curl_multi_socket_action(TIMEOUT) in timeout_ms (-1: never). */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct shard *sh = userp;
    (void)multi;
    sh->curl_deadline = timeout_ms < 0 ? 0 : clock_mono_ns() + timeout_ms * 1000000LL;
    return 0;
}

struct transport *transport_new(long max_active, xfer_done_fn *done, void *ud)
{
    struct transport *t = xcalloc(1, sizeof(*t));
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->rx_fd = -1;
    t->done = done;
    t->ud = ud;
    if (max_active < 1)
        max_active = 1;
    t->nshards = (size_t)((max_active + SHARD_XFERS - 1) / SHARD_XFERS);
    t->shards = xcalloc(t->nshards, sizeof(*t->shards));
    for (size_t i = 0; i < t->nshards; i++) {
        struct shard *sh = &t->shards[i];
        sh->t = t;
        sh->index = (uint32_t)i;
        sh->multi = curl_multi_init();
        curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
        curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
        long per = max_active < SHARD_XFERS ? max_active : SHARD_XFERS;
        curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS, per * 2 + 16);
        curl_multi_setopt(sh->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    }
    if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        t->wake[0] = t->wake[1] = -1;
    } else {
        struct epoll_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.events = EPOLLIN;
        ev.data.u64 = (uint64_t)WAKE_TAG << 32 | (uint32_t)t->wake[0];
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->wake[0], &ev);
    }
    return t;
}

static void xfer_free(struct xfer *x)
{
    curl_easy_cleanup(x->easy);
    reply_release(&x->reply);
    sse_free(x->sse);
    ndjson_free(x->nd);
    buf_release(&x->body_in);
    buf_release(&x->resp_headers);
    buf_release(&x->raw);
    free(x);
}

void transport_free(struct transport *t)
{
    if (!t)
        return;
    while (t->active) {
        struct xfer *x = t->active;
        curl_multi_remove_handle(x->shard->multi, x->easy);
        t->active = x->next;
        xfer_free(x);
    }
    for (size_t i = 0; i < t->nfree; i++)
        xfer_free(t->free[i]);
    free(t->free);
    for (size_t i = 0; i < t->nshards; i++)
        curl_multi_cleanup(t->shards[i].multi);
    free(t->shards);
    if (t->wake[0] >= 0) {
        close(t->wake[0]);
        close(t->wake[1]);
    }
    if (t->epfd >= 0)
        close(t->epfd);
    free(t);
}

static void add_line(void *ud, const char *line)
{
    struct curl_slist **list = ud;
    *list = curl_slist_append(*list, line);
}

struct curl_slist *transport_headers(const struct backend_conf *b)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, b->stream ? (b->ops->framing == FRAMING_NDJSON
                                              ? "Accept: application/x-ndjson"
                                              : "Accept: text/event-stream")
                                       : "Accept: application/json");
    /* No "Expect: 100-continue" wait may leak into TTFT (protocols.md 0.1). */
    h = curl_slist_append(h, "Expect:");
    b->ops->headers(b, add_line, &h);
    for (size_t i = 0; i < b->nheaders; i++) {
        char *line = xasprintf("%s: %s", b->headers[i].name, b->headers[i].value);
        h = curl_slist_append(h, line);
        free(line);
    }
    return h;
}

struct xfer *transport_get(struct transport *t)
{
    struct xfer *x;
    if (t->nfree) {
        x = t->free[--t->nfree];
    } else {
        x = xcalloc(1, sizeof(*x));
        x->t = t;
        struct shard *least = &t->shards[0];   /* the xfer's shard for life */
        for (size_t i = 1; i < t->nshards; i++)
            if (t->shards[i].nxfers < least->nxfers)
                least = &t->shards[i];
        x->shard = least;
        least->nxfers++;
        x->easy = curl_easy_init();
        reply_init(&x->reply);
        buf_init(&x->body_in, MAX_BODY);
        buf_init(&x->resp_headers, MAX_HEADERS);
        buf_init(&x->raw, MAX_BODY);
    }
    buf_reset(&x->raw);
    x->keep_raw = 0;
    reply_reset(&x->reply);
    buf_reset(&x->body_in);
    buf_reset(&x->resp_headers);
    x->backend = NULL;
    x->headers = NULL;
    x->url = x->body = NULL;
    x->body_len = 0;
    x->stream = 0;
    x->ud = NULL;
    x->http_status = 0;
    x->t_start = x->t_first_byte = x->t_last_byte = x->t_done = 0;
    x->dns_ms = x->connect_ms = x->tls_ms = x->first_byte_ms = -1;
    x->http_version = NULL;
    x->lenient_eof = 0;
    x->mode = 0;
    x->answer_done = 0;
    x->cut = 0;
    x->curl_err[0] = '\0';
    diag_init(&x->parse_diag);
    return x;
}

void transport_put(struct transport *t, struct xfer *x)
{
    if (t->nfree == t->free_cap)
        XGROW(t->free, t->free_cap, t->nfree + 1);
    t->free[t->nfree++] = x;
}

/* === callbacks ============================================================= */

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
        buf_reset(&x->resp_headers);   /* a new response (after 100, a redirect) */
    buf_add(&x->resp_headers, p, len);  /* past the cap: later headers dropped */
    return len;
}

static void decide_mode_for(struct xfer *x, long status, const char *ct)
{
    x->http_status = status;
    int json = ct && strcasestr(ct, "application/json");
    if (x->stream && status >= 200 && status < 300 && !json &&
        x->backend->ops->framing != FRAMING_NONE) {
        x->mode = 1;
        if (x->backend->ops->framing == FRAMING_NDJSON) {
            if (!x->nd)
                x->nd = ndjson_new(MAX_LINE, on_ndjson_line, x);
            else
                ndjson_reset(x->nd, on_ndjson_line, x);
        } else {
            if (!x->sse)
                x->sse = sse_new(MAX_LINE, on_sse_event, x);
            else
                sse_reset(x->sse, on_sse_event, x);
        }
    } else {
        x->mode = 2;
        x->body_in.max = status >= 200 && status < 300 ? MAX_BODY : MAX_ERROR_BODY;
    }
}

static void decide_mode(struct xfer *x)
{
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    const char *ct = NULL;
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
    decide_mode_for(x, status, ct);
}

/* Bytes of the answer arrived at now (the mode is decided). */
static size_t take_bytes(struct xfer *x, mono_ns now, const char *p, size_t len)
{
    if (!x->t_first_byte)
        x->t_first_byte = now;
    x->t_last_byte = now;
    if (x->keep_raw && buf_add(&x->raw, p, len) < 0)
        x->keep_raw = 0;   /* too big to cache: not cached */
    if (x->mode == 2) {
        if (buf_add(&x->body_in, p, len) < 0 && x->http_status >= 200 && x->http_status < 300) {
            reply_fail(&x->reply, ST_PARSE_ERROR, 0, "answer body larger than %u bytes",
                       MAX_BODY);
            x->cut = 1;
            return CURL_WRITEFUNC_ERROR;
        }
        return len;   /* an error body is kept up to its cap */
    }
    if (x->answer_done)
        return len;   /* trailing bytes after the end of the answer */
    x->reply.now = now;
    int ndj = x->backend->ops->framing == FRAMING_NDJSON;
    int rc = ndj ? ndjson_feed(x->nd, p, len, &x->parse_diag)
                 : sse_feed(x->sse, p, len, &x->parse_diag);
    if (rc == 1) {
        x->answer_done = 1;
    } else if (rc < 0) {
        reply_fail(&x->reply, ST_PARSE_ERROR, 1, "%s", x->parse_diag.msg);
        x->cut = 1;
        return CURL_WRITEFUNC_ERROR;
    }
    return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    mono_ns now = clock_mono_ns();   /* before any parsing */
    struct xfer *x = ud;
    const struct transport *t = x->t;
    if (x->sock >= 0 && x->sock == t->rx_fd && now - t->rx_peeked <= RX_TRUST_NS) {
        mono_ns rx = t->rx_at;   /* when the kernel had these bytes (transport_poll) */
        if (rx && rx <= now && rx >= x->t_start)
            now = rx;
    }
    if (!x->mode)
        decide_mode(x);
    return take_bytes(x, now, p, size * n);
}

/* === start ================================================================= */

/* What the options every request to backend b shares depend on. */
static struct xfer_setup setup_of(const struct backend_conf *b, int https)
{
    struct xfer_setup k;
    k.backend = b;
    k.connect_ms = b->timeouts.connect_ms;
    k.total_ms = b->timeouts.total_ms;
    k.ca_file = b->tls_ca_file;
    k.insecure = b->tls_insecure;
    k.https = https;
    return k;
}

/* The options every request to backend b shares. */
static void setup_easy(struct xfer *x, const struct backend_conf *b, int https)
{
    CURL *e = x->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, on_sockopt);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->curl_err);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    if (https)
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);   /* wait to multiplex on h2 */
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, b->timeouts.connect_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, b->timeouts.total_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "assay/" ASSAY_VERSION);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (b->tls_insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (b->tls_ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, b->tls_ca_file);
    x->setup = setup_of(b, https);
}

int transport_start(struct transport *t, struct xfer *x)
{
    const struct backend_conf *b = x->backend;
    CURL *e = x->easy;
    /* libcurl keeps a handle's options between transfers: an xfer that
     * last went to the same backend only needs this request's own (a
     * reset and twenty options were a tenth of a request's setup). */
    int https = strncmp(x->url, "https:", 6) == 0;
    struct xfer_setup want = setup_of(b, https), *had = &x->setup;
    if (had->backend != b || had->connect_ms != want.connect_ms ||
        had->total_ms != want.total_ms || had->ca_file != want.ca_file ||
        had->insecure != want.insecure || had->https != https)
        setup_easy(x, b, https);
    curl_easy_setopt(e, CURLOPT_URL, x->url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    x->t = t;
    x->sock = -1;
    x->t_start = clock_mono_ns();
    CURLMcode mc = curl_multi_add_handle(x->shard->multi, e);
    if (mc != CURLM_OK) {
        reply_fail(&x->reply, ST_TRANSPORT_ERROR, 1, "cannot start the request: %s",
                   curl_multi_strerror(mc));
        return -1;
    }
    x->prev = NULL;
    x->next = t->active;
    if (t->active)
        t->active->prev = x;
    t->active = x;
    t->nactive++;
    return 0;
}

/* === completion ============================================================ */

static void unlink_active(struct transport *t, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        t->active = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
    t->nactive--;
}

static double us_to_ms(curl_off_t us)
{
    return (double)us / 1e3;
}

static void phase_timings(struct xfer *x)
{
    curl_off_t dns = 0, conn = 0, app = 0, first = 0;
    curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
    curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
    curl_easy_getinfo(x->easy, CURLINFO_APPCONNECT_TIME_T, &app);
    curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
    x->dns_ms = us_to_ms(dns);
    x->connect_ms = conn >= dns ? us_to_ms(conn - dns) : 0;
    x->tls_ms = app > conn ? us_to_ms(app - conn) : 0;
    x->first_byte_ms = first > 0 ? us_to_ms(first) : -1;
    long v = 0;
    curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &v);
    x->http_version = v == CURL_HTTP_VERSION_1_0 ? "1.0" : v == CURL_HTTP_VERSION_1_1 ? "1.1"
                    : v == CURL_HTTP_VERSION_2_0 ? "2" : v == CURL_HTTP_VERSION_3 ? "3" : NULL;
}

static int final_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_SSL_ENGINE_NOTFOUND:
        return 1;
    default:
        return 0;
    }
}

/* Classifies a finished attempt into x->reply. ct: the response's
 * content type (NULL = ask libcurl). */
static void conclude(struct xfer *x, CURLcode rc, const char *ct_given)
{
    struct reply *r = &x->reply;
    if (!ct_given) {
        if (!x->mode && rc == CURLE_OK)
            decide_mode(x);   /* an empty body: no write callback ran */
        if (!x->http_status)
            curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->http_status);
        phase_timings(x);
    }
    if (r->failed && x->cut)
        return;   /* our own cut (parse error, timeout, abort) says it best */
    if (rc != CURLE_OK) {
        const char *what = x->curl_err[0] ? x->curl_err : curl_easy_strerror(rc);
        if (rc == CURLE_OPERATION_TIMEDOUT) {
            curl_off_t conn = 0;
            curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
            if (conn == 0)
                reply_fail(r, ST_TIMEOUT, 1, "connect timeout: no connection after %ld ms",
                           x->backend->timeouts.connect_ms);
            else
                reply_fail(r, ST_TIMEOUT, 1, "total timeout: no complete answer after %ld ms",
                           x->backend->timeouts.total_ms);
        } else if (r->failed) {
            /* an in-band error already explains a connection closed after it */
        } else {
            reply_fail(r, ST_TRANSPORT_ERROR, !final_curl_error(rc), "%s", what);
        }
        return;
    }
    if (x->mode == 2) {
        char ct[128] = "";
        const char *cts = ct_given;
        if (!cts)
            curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &cts);
        if (cts)
            snprintf(ct, sizeof(ct), "%s", cts);
        struct http_resp resp = { x->http_status, ct, x->resp_headers.ptr, x->resp_headers.len,
                                  x->body_in.ptr, x->body_in.len };
        if (x->http_status < 200 || x->http_status >= 300) {
            classify_http(&resp, r);
            return;
        }
        r->now = x->t_last_byte ? x->t_last_byte : clock_mono_ns();
        struct diag d;
        diag_init(&d);
        if (x->backend->ops->parse_body(r, &resp, &d) < 0)
            reply_fail(r, ST_PARSE_ERROR, 1, "%s", d.msg);
        return;
    }
    /* A stream that ended by itself. */
    if (!x->answer_done) {
        r->now = x->t_last_byte;
        int ndj = x->backend->ops->framing == FRAMING_NDJSON;
        int frc = ndj ? ndjson_finish(x->nd, &x->parse_diag) : sse_finish(x->sse, &x->parse_diag);
        x->lenient_eof = ndj ? ndjson_unterminated(x->nd) : sse_unterminated(x->sse);
        if (frc < 0) {
            reply_fail(r, ST_PARSE_ERROR, 1, "%s", x->parse_diag.msg);
            return;
        }
    }
    if (!r->failed && !r->done) {
        if (r->finish)
            r->done = 1;   /* finish seen, end marker missing: lenient */
        else
            reply_fail(r, ST_TRANSPORT_ERROR, 1,
                       "stream ended before the end of the answer (%zu bytes of text)",
                       r->text.len);
    }
}

static void finish_xfer(struct transport *t, struct xfer *x, CURLcode rc)
{
    curl_multi_remove_handle(x->shard->multi, x->easy);
    unlink_active(t, x);
    x->t_done = clock_mono_ns();
    if (!x->t_last_byte)
        x->t_last_byte = x->t_done;
    conclude(x, rc, NULL);
    t->done(x, t->ud);
}

static void cut(struct transport *t, struct xfer *x, enum rstatus st, int retryable,
                const char *msg)
{
    x->reply.failed = 0;   /* the cut is the reason, whatever was parsed before */
    reply_fail(&x->reply, st, retryable, "%s", msg);
    x->cut = 1;
    finish_xfer(t, x, CURLE_ABORTED_BY_CALLBACK);
}

static void sweep(struct transport *t, mono_ns now)
{
    struct xfer *x = t->active;
    while (x) {
        struct xfer *next = x->next;
        const struct timeouts *to = &x->backend->timeouts;
        char msg[128];
        if (x->stream && !x->reply.t_first_any && !x->answer_done &&
            now - x->t_start > to->first_token_ms * 1000000LL &&
            !(x->mode == 2 && x->t_first_byte)) {
            snprintf(msg, sizeof(msg), "first-token timeout: no token after %ld ms",
                     to->first_token_ms);
            cut(t, x, ST_TIMEOUT, 1, msg);
        } else if (x->mode == 1 && !x->answer_done && x->t_last_byte &&
                   now - x->t_last_byte > to->idle_ms * 1000000LL) {
            snprintf(msg, sizeof(msg), "stream stalled: no data for %ld ms", to->idle_ms);
            cut(t, x, ST_TIMEOUT, 1, msg);
        }
        x = next;
    }
}

void transport_replay(struct xfer *x, long status, const char *content_type,
                      const char *headers, size_t headers_len, const char *body, size_t body_len)
{
    mono_ns now = clock_mono_ns();
    x->t_start = now;
    buf_reset(&x->resp_headers);
    buf_add(&x->resp_headers, headers, headers_len);
    decide_mode_for(x, status, content_type);
    size_t taken = body_len ? take_bytes(x, now, body, body_len) : 0;
    x->t_done = clock_mono_ns();
    if (!x->t_last_byte)
        x->t_last_byte = x->t_done;
    conclude(x, taken == body_len ? CURLE_OK : CURLE_WRITE_ERROR, content_type);
}

static int collect_done(struct transport *t, struct shard *sh)
{
    int finished = 0;
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(sh->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        finish_xfer(t, x, m->data.result);
        finished++;
    }
    return finished;
}

/* The earliest time a shard's libcurl wants a timeout call; 0 = none. */
static mono_ns curl_due_first(const struct transport *t)
{
    mono_ns first = 0;
    for (size_t i = 0; i < t->nshards; i++) {
        mono_ns due = t->shards[i].curl_deadline;
        if (due && (!first || due < first))
            first = due;
    }
    return first;
}

int transport_poll(struct transport *t, long timeout_ms)
{
    mono_ns entered = clock_mono_ns();
    if (t->poll_returned) {
        double busy = (double)(entered - t->poll_returned) / 1e6;
        if (busy > t->max_busy_ms)
            t->max_busy_ms = busy;
        if (busy > 50.0)
            t->stalled_ms += busy;
    }
    if (timeout_ms < 0)
        timeout_ms = 0;
    if (t->nactive && timeout_ms > SWEEP_NS / 1000000)
        timeout_ms = SWEEP_NS / 1000000;
    mono_ns due = curl_due_first(t);
    if (due) {
        mono_ns left = due - entered;
        long ms = left <= 0 ? 0 : (long)((left + 999999) / 1000000);
        if (ms < timeout_ms)
            timeout_ms = ms;
    }
    struct epoll_event ev[256];
    int n = epoll_wait(t->epfd, ev, 256, (int)timeout_ms);
    t->poll_returned = clock_mono_ns();
    t->wall_to_mono = wall_to_mono_now();
    int running = 0;
    for (int i = 0; i < n; i++) {
        uint32_t tag = (uint32_t)(ev[i].data.u64 >> 32);
        int fd = (int)(uint32_t)ev[i].data.u64;
        if (tag == WAKE_TAG) {
            char drain[64];
            while (read(t->wake[0], drain, sizeof(drain)) > 0)
                ;
            continue;
        }
        int flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                    (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        if (flags == CURL_CSELECT_IN) {
            t->rx_fd = fd;
            t->rx_peeked = clock_mono_ns();
            t->rx_at = newest_waiting(t, fd);
        }
        curl_multi_socket_action(t->shards[tag].multi, fd, flags, &running);
        t->rx_fd = -1;
    }
    mono_ns now = clock_mono_ns();
    for (size_t i = 0; i < t->nshards; i++) {
        struct shard *sh = &t->shards[i];
        if (sh->curl_deadline && now >= sh->curl_deadline) {
            sh->curl_deadline = 0;
            curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
    }
    int finished = 0;
    for (size_t i = 0; i < t->nshards; i++)
        finished += collect_done(t, &t->shards[i]);
    now = clock_mono_ns();
    if (t->nactive && now - t->last_sweep >= SWEEP_NS) {
        t->last_sweep = now;
        sweep(t, now);
    }
    return finished;
}

void transport_abort_all(struct transport *t, enum rstatus status, const char *msg)
{
    while (t->active)
        cut(t, t->active, status, 1, msg);
}

long transport_active(const struct transport *t)
{
    return t->nactive;
}

int transport_wake_fd(const struct transport *t)
{
    return t->wake[1];
}

double transport_max_busy_ms(const struct transport *t)
{
    return t->max_busy_ms;
}

double transport_stalled_ms(const struct transport *t)
{
    return t->stalled_ms;
}
