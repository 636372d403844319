/* server.c -- the mock's event loop: routes, auth, models, queueing and
 * the timed sending of every reply (see exchange.h for the split of work).
 *
 * One libevent base runs everything: evhttp for the connections, one timer
 * per exchange for its next part, signals for a clean stop. Life of a
 * request:
 *
 *   arrive -> route -> auth -> parse (protocol) -> model -> nonce, rng
 *          -> cold start? -> fault that is a status? -> rate budget?
 *          -> plan the text -> slot free? admit : queue (or 429 when full)
 *   admit  -> plan the times -> stream: headers + preamble now, one timer
 *             per due piece;  non-stream: one timer at the end
 *   finish -> free the slot (admit the next in line) -> ground-truth line
 *
 * Times are planned from admission as absolute offsets, so a late timer
 * never shifts the pieces after it. A client that goes away is noticed by
 * evhttp (close callback): its exchange ends at once and frees its slot.
 *
 * Per-request randomness: the rng of an exchange is seeded from (--seed,
 * model, hash of the request body, nonce); the nonce is the x-mock-nonce
 * header if given, else how many times this model has seen this exact body
 * before. The answer text is seeded from (--seed, model, prompt text) only,
 * so repeats of a prompt say the same thing while their timings and faults
 * differ. */
#define _GNU_SOURCE
#include "mock.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <math.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include "exchange.h"
#include "gtlog.h"
#include "harness/util/jsonw.h"
#include "harness/util/tokens.h"
#include "harness/util/xalloc.h"
#include "quality.h"
#include "tls.h"

/* Per simulated model: slots, queue, budgets, caches. */
struct model_rt {
    const struct mock_model *m;
    long busy;                   /* exchanges holding a slot */
    long queued;
    struct exchange *q_head, *q_tail;
    struct sim_window window;
    mono_ns load_start;          /* cold start began (0 = not yet) */
    struct u64map prefixes;      /* prompt-cache: message-prefix hashes seen */
};

struct mock_server {
    const struct mock_opts *o;
    struct mock_profile *prof;
    struct corpus *corpus;
    struct event_base *base;
    struct evhttp *http;
    SSL_CTX *ssl;
    struct model_rt *rt;
    struct u64map seen;          /* (model, body) -> times seen: the default nonce */
    struct exchange *live;
    FILE *log;
    uint64_t served;
    struct evbuffer *scratch;    /* for handing chunks to evhttp */
    struct buf out;              /* the reply or stream part being built (reused:
                                    no allocation and regrowth per part) */
};

enum phase { PH_STREAM, PH_BODY, PH_STALL, PH_DROP };

static void finish(struct exchange *x);
static void finish_at(struct exchange *x, mono_ns end);
static void on_tick(evutil_socket_t fd, short what, void *arg);
static void admit(struct exchange *x);

/* === small helpers shared with the protocol files ======================== */

const char *mock_header(const struct exchange *x, const char *name)
{
    if (!x->req)
        return NULL;
    return evhttp_find_header(evhttp_request_get_input_headers(x->req), name);
}

void mock_json_str(struct buf *b, const char *s, size_t n)
{
    json_escape(b, s, n == (size_t)-1 ? strlen(s) : n);
}

const char *mock_piece_text(const struct exchange *x, size_t i, size_t *len)
{
    const struct mock_piece *p = &x->gen.pieces[i];
    *len = p->len;
    return (p->reasoning ? x->gen.reasoning.ptr : x->gen.answer.ptr) + p->off;
}

size_t mock_out_tokens(const struct exchange *x)
{
    return x->gen.answer_tokens + x->gen.reasoning_tokens;
}

size_t mock_uncached_tokens(const struct exchange *x)
{
    return x->ask.in_tokens - x->gen.cached_tokens;
}

size_t mock_add_content(struct exchange *x, const cJSON *content)
{
    size_t t = 0;
    if (cJSON_IsString(content)) {
        if (x->ask.prompt.len)
            buf_addc(&x->ask.prompt, '\n');
        buf_adds(&x->ask.prompt, content->valuestring);
        t = token_estimate(content->valuestring, strlen(content->valuestring));
    } else if (cJSON_IsArray(content)) {
        for (const cJSON *part = content->child; part; part = part->next) {
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
            if (cJSON_IsString(text))
                t += mock_add_content(x, text);
        }
        return t;
    }
    x->ask.in_tokens += t;
    return t;
}

void mock_mark_prefix(struct exchange *x)
{
    struct mock_ask *a = &x->ask;
    if (a->n_prefix >= sizeof(a->prefix_hash) / sizeof(a->prefix_hash[0]))
        return;
    a->prefix_hash[a->n_prefix] = hash64(a->prompt.ptr, a->prompt.len, 0x70726566);
    a->prefix_tokens[a->n_prefix] = a->in_tokens;
    a->n_prefix++;
}

void mock_random_alnum(struct exchange *x, char *out, size_t n)
{
    static const char an[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++)
        out[i] = an[rng_below(&x->rng, sizeof(an) - 1)];
    out[n] = '\0';
}

double mock_retry_after_s(const struct exchange *x)
{
    return x->model ? x->model->retry_after_s : 1;
}

void mock_rfc3339_nano(int64_t wall_ns, char *out, size_t n)
{
    time_t s = (time_t)(wall_ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char date[32];
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%09lldZ", date, (long long)(wall_ns % 1000000000));
}

static void add_header(struct evkeyvalq *h, const char *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_header(struct evkeyvalq *h, const char *k, const char *fmt, ...)
{
    char v[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    evhttp_add_header(h, k, v);
}

void mock_ratelimit_openai(struct exchange *x, struct evkeyvalq *h, int limit_and_reset)
{
    const struct mock_model *m = x->model;
    if (!m || !x->rt || (!m->rpm && !m->tpm))
        return;
    struct sim_window *w = &x->rt->window;
    mono_ns now = clock_mono_ns();
    char d[32];
    if (m->rpm) {
        if (limit_and_reset)
            add_header(h, "x-ratelimit-limit-requests", "%ld", m->rpm);
        add_header(h, "x-ratelimit-remaining-requests", "%ld",
                   w->requests < m->rpm ? m->rpm - w->requests : 0);
        if (limit_and_reset) {
            sim_go_duration(sim_window_reset_s(w, now), d, sizeof(d));
            evhttp_add_header(h, "x-ratelimit-reset-requests", d);
        }
    }
    if (m->tpm) {
        if (limit_and_reset)
            add_header(h, "x-ratelimit-limit-tokens", "%ld", m->tpm);
        add_header(h, "x-ratelimit-remaining-tokens", "%ld",
                   w->tokens < m->tpm ? m->tpm - w->tokens : 0);
        if (limit_and_reset) {
            /* Tokens refill continuously: the time until the used part is back. */
            double used = (double)(w->tokens < m->tpm ? w->tokens : m->tpm) / (double)m->tpm;
            sim_go_duration(used * 60 < sim_window_reset_s(w, now) ? used * 60
                                                                   : sim_window_reset_s(w, now),
                            d, sizeof(d));
            evhttp_add_header(h, "x-ratelimit-reset-tokens", d);
        }
    }
}

void mock_ratelimit_anthropic(struct exchange *x, struct evkeyvalq *h)
{
    const struct mock_model *m = x->model;
    if (!m || !x->rt || (!m->rpm && !m->tpm))
        return;
    struct sim_window *w = &x->rt->window;
    mono_ns now = clock_mono_ns();
    int64_t reset_wall = clock_wall_ns() + (int64_t)(sim_window_reset_s(w, now) * 1e9);
    char reset[40];
    time_t s = (time_t)(reset_wall / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(reset, sizeof(reset), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (m->rpm) {
        add_header(h, "anthropic-ratelimit-requests-limit", "%ld", m->rpm);
        add_header(h, "anthropic-ratelimit-requests-remaining", "%ld",
                   w->requests < m->rpm ? m->rpm - w->requests : 0);
        evhttp_add_header(h, "anthropic-ratelimit-requests-reset", reset);
    }
    if (m->tpm) {
        long left = w->tokens < m->tpm ? m->tpm - w->tokens : 0;
        static const char *const kinds[] = { "tokens", "input-tokens", "output-tokens" };
        for (int k = 0; k < 3; k++) {
            char name[64];
            snprintf(name, sizeof(name), "anthropic-ratelimit-%s-limit", kinds[k]);
            add_header(h, name, "%ld", m->tpm);
            snprintf(name, sizeof(name), "anthropic-ratelimit-%s-remaining", kinds[k]);
            add_header(h, name, "%ld", left);
            snprintf(name, sizeof(name), "anthropic-ratelimit-%s-reset", kinds[k]);
            evhttp_add_header(h, name, reset);
        }
    }
}

/* === sending ================================================================ */

static void set_common_headers(struct exchange *x, const char *ctype)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
    evhttp_add_header(h, "Content-Type", ctype);
    if (x->proto->headers)
        x->proto->headers(x, h);
}

static void send_whole(struct exchange *x, int status, const char *ctype, const char *body,
                       size_t n)
{
    if (!x->req)
        return;
    x->status = status;
    if (x->evcon) {
        set_common_headers(x, ctype);
        struct evbuffer *eb = evbuffer_new();
        evbuffer_add(eb, body, n);
        evhttp_send_reply(x->req, status, NULL, eb);
        evbuffer_free(eb);
    } else {
        evhttp_request_free(x->req);
    }
    x->req = NULL;
}

int mock_reject(struct exchange *x, enum mock_err kind, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    int status = 500;
    const char *ctype = "application/json";
    struct buf out = BUF_INIT;
    x->proto->error(x, kind, msg, &status, &out, &ctype);
    if (x->req && (status == 429 || status == 503 || status == 529)) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
        double ra = kind == MERR_LOADING ? 0 : mock_retry_after_s(x);
        if (kind == MERR_RATE_LIMIT && x->model && x->model->enforce_limits && x->rt &&
            !x->fault) {
            double reset = sim_window_reset_s(&x->rt->window, clock_mono_ns());
            if (reset > ra)
                ra = reset;
        }
        if (ra > 0) {
            add_header(h, "retry-after", "%lld", (long long)ceil(ra));
            if (x->proto == &mock_proto_openai || x->proto == &mock_proto_azure)
                add_header(h, "retry-after-ms", "%lld", (long long)llround(ra * 1000));
        }
    }
    send_whole(x, status, ctype, out.ptr, out.len);
    buf_release(&out);
    return -1;
}

/* Hands what evhttp queued on x's connection to the socket now rather
 * than at the loop's next turn, and returns the time just before the
 * write. Why: libevent writes a bufferevent's output when epoll next says
 * the socket is writable, i.e. after every other callback of this turn;
 * with two thousand streams whose parts fall due together, the last part
 * of a turn left tens of milliseconds after its time, and the log's send
 * time was when the part was queued, not when it left. Writing here also
 * spares the epoll_ctl pair per part (with the changelist, the write
 * interest added and dropped within one turn costs no system call).
 *
 * Only between evhttp_send_reply_start and _end: there evhttp waits for no
 * write callback (a drained buffer triggers none). Not behind TLS (the
 * output buffer holds plaintext there); if the socket takes only part,
 * libevent writes the rest as before. */
static mono_ns flush_now(struct exchange *x)
{
    mono_ns t = clock_mono_ns();
    struct bufferevent *bev = x->evcon ? evhttp_connection_get_bufferevent(x->evcon) : NULL;
    if (!bev || x->srv->ssl)
        return t;
    struct evbuffer *out = bufferevent_get_output(bev);
    /* A socket bufferevent freezes the front of its output so that only it
     * drains it; this write is its own, so thaw for the write. */
    evbuffer_unfreeze(out, 1);
    evbuffer_write(out, bufferevent_getfd(bev));
    evbuffer_freeze(out, 1);
    if (evbuffer_get_length(out) == 0)
        bufferevent_disable(bev, EV_WRITE);
    return t;
}

/* Sends n stream bytes; returns when they were handed to the socket. */
static mono_ns write_chunk(struct exchange *x, const char *p, size_t n)
{
    if (x->req && x->evcon && n) {
        /* evhttp moves the bytes out, so one scratch buffer serves all. */
        struct evbuffer *eb = x->srv->scratch;
        evbuffer_add(eb, p, n);
        evhttp_send_reply_chunk(x->req, eb);
        evbuffer_drain(eb, evbuffer_get_length(eb));
        return flush_now(x);
    }
    return clock_mono_ns();
}

static void on_drain(evutil_socket_t fd, short what, void *arg);

/* Sends stream bytes, applying the stress options: line endings, comments
 * and split writes (each piece of at most `split` bytes leaves on its own,
 * after the previous one has left). Returns when the bytes were handed to
 * the socket (split writes: when they were queued). */
static mono_ns send_chunk(struct exchange *x, struct buf *out)
{
    mono_ns sent = 0;
    if (!out->len)
        return clock_mono_ns();
    struct buf t = BUF_INIT;
    const struct buf *src = out;
    if (x->comments || x->eol) {
        size_t skip = 0;
        if (out->len >= 3 && memcmp(out->ptr, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;   /* the BOM stays first */
        buf_add(&t, out->ptr, skip);
        if (x->comments)
            buf_adds(&t, ": keep-alive\n\n");
        buf_add(&t, out->ptr + skip, out->len - skip);
        if (x->eol) {
            struct buf e = BUF_INIT;
            for (size_t i = 0; i < t.len; i++) {
                if (t.ptr[i] == '\n')
                    buf_adds(&e, x->eol == 1 ? "\r\n" : "\r");
                else
                    buf_addc(&e, t.ptr[i]);
            }
            buf_release(&t);
            t = e;
        }
        src = &t;
    }
    if (x->split) {
        buf_add(&x->pending, src->ptr, src->len);
        if (!x->drain)
            x->drain = evtimer_new(x->srv->base, on_drain, x);
        sent = clock_mono_ns();
        if (!evtimer_pending(x->drain, NULL))
            on_drain(-1, 0, x);
    } else {
        sent = x->last_write = write_chunk(x, src->ptr, src->len);
    }
    buf_release(&t);
    buf_reset(out);
    return sent;
}

static void end_stream(struct exchange *x)
{
    if (x->req) {
        if (x->evcon)
            evhttp_send_reply_end(x->req);
        else
            evhttp_request_free(x->req);
        x->req = NULL;
    }
}

/* Ends a stream and the exchange, once split writes have all left. The
 * log's end is when the last bytes were handed to the socket (last_write,
 * read before the write): stamped after it, a mock descheduled in between
 * would log an end later than the client could see it. */
static void complete(struct exchange *x)
{
    if (x->pending_off < x->pending.len) {
        x->end_pending = 1;
        return;
    }
    end_stream(x);
    finish_at(x, x->last_write);
}

/* Closes the connection with a reset (SO_LINGER 0), as a crashed upstream
 * or a proxy cutting the stream would. */
static void abort_connection(struct exchange *x)
{
    struct evhttp_connection *c = x->evcon;
    if (c) {
        struct bufferevent *bev = evhttp_connection_get_bufferevent(c);
        evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
        if (fd >= 0) {
            struct linger l = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        evhttp_connection_set_closecb(c, NULL, NULL);
        x->evcon = NULL;
        x->req = NULL;      /* freed with the connection */
        evhttp_connection_free(c);
    }
    finish(x);
}

/* Whether everything handed to libevent has left for the socket. */
static int output_flushed(const struct exchange *x)
{
    if (!x->evcon)
        return 1;
    if (x->pending_off < x->pending.len)
        return 0;
    struct bufferevent *bev = evhttp_connection_get_bufferevent(x->evcon);
    return !bev || evbuffer_get_length(bufferevent_get_output(bev)) == 0;
}

/* libevent measures a timeout from its cached loop time, which is older
 * than now inside a callback: refresh it so a part is never sent early. */
static void arm(struct exchange *x, double at_ms_from_admit)
{
    event_base_update_cache_time(x->srv->base);
    mono_ns due = x->t_admit + (mono_ns)(at_ms_from_admit * 1e6);
    mono_ns now = clock_mono_ns();
    mono_ns wait = due > now ? due - now : 0;
    struct timeval tv = { (time_t)(wait / 1000000000), (suseconds_t)(wait % 1000000000 / 1000) };
    evtimer_add(x->timer, &tv);
}

static void arm_in(struct exchange *x, double ms)
{
    event_base_update_cache_time(x->srv->base);
    struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)fmod(ms * 1000, 1e6) };
    evtimer_add(x->timer, &tv);
}

static void on_drain(evutil_socket_t fd, short what, void *arg)
{
    struct exchange *x = arg;
    (void)fd;
    (void)what;
    if (x->pending_off < x->pending.len && x->req && x->evcon) {
        struct bufferevent *bev = evhttp_connection_get_bufferevent(x->evcon);
        if (!bev || evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
            size_t n = x->pending.len - x->pending_off;
            if (n > x->split)
                n = x->split;
            x->last_write = write_chunk(x, x->pending.ptr + x->pending_off, n);
            x->pending_off += n;
        }
    }
    if (x->pending_off < x->pending.len && x->req && x->evcon) {
        struct timeval tv = { 0, 200 };
        evtimer_add(x->drain, &tv);
        return;
    }
    buf_reset(&x->pending);
    x->pending_off = 0;
    if (x->end_pending) {
        x->end_pending = 0;
        end_stream(x);
        finish_at(x, x->last_write);
    }
}

/* === planning ============================================================== */

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Splits text into pieces: leading whitespace + a word; space-less scripts
 * in groups of at most 3 code points. */
static void split_pieces(struct mock_gen *g, const struct buf *text, int reasoning, size_t *cap)
{
    size_t i = 0, n = text->len;
    const char *s = text->ptr;
    while (i < n) {
        size_t start = i;
        while (i < n && is_space(s[i]))
            i++;
        size_t cps = 0;
        while (i < n && !is_space(s[i])) {
            unsigned char c = (unsigned char)s[i];
            size_t l = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (c >= 0x80 && cps >= 3)
                break;
            if (c >= 0x80)
                cps++;
            i += l;
        }
        if (i > n)
            i = n;
        if (i == start)
            break;
        XGROW(g->pieces, *cap, g->n_pieces + 1);
        size_t t = token_estimate(s + start, i - start);
        g->pieces[g->n_pieces++] = (struct mock_piece){
            .off = (uint32_t)start, .len = (uint32_t)(i - start),
            .tokens = (uint32_t)(t ? t : 1), .reasoning = (uint8_t)reasoning,
        };
    }
}

static void plan_text(struct exchange *x)
{
    struct mock_server *s = x->srv;
    struct mock_gen *g = &x->gen;
    const struct mock_model *m = x->model;
    const char *prompt = x->ask.prompt.ptr;
    size_t plen = x->ask.prompt.len;

    g->item = corpus_find(s->corpus, prompt, plen);
    struct rng tr;
    rng_seed(&tr, hash64(prompt, plen, s->o->seed ^ hash64(m->name, strlen(m->name), 0)));
    const char *family = g->item ? g->item->family : x->ask.task;
    double level = profile_quality(m, family);
    if (g->item && g->item->gold)
        quality_degrade_json(g->item->gold, level, &tr, &g->answer);
    else if (g->item && g->item->reference)
        quality_degrade_text(g->item->reference, level, &tr, &g->answer);
    else
        quality_generic(&tr, sim_generic_tokens(m, &tr), &g->answer);
    if (m->reasoning_tokens && x->ask.think && x->proto->reasoning)
        quality_reasoning(&tr, prompt, plen, (size_t)m->reasoning_tokens, &g->reasoning);

    /* Stop sequences end the answer where they first occur. */
    g->finish = FIN_STOP;
    size_t cut = g->answer.len;
    for (size_t i = 0; i < x->ask.n_stop; i++) {
        const char *hit = memmem(g->answer.ptr, g->answer.len, x->ask.stop[i],
                                 strlen(x->ask.stop[i]));
        if (hit && (size_t)(hit - g->answer.ptr) < cut) {
            cut = (size_t)(hit - g->answer.ptr);
            g->finish = FIN_STOP_SEQ;
            g->stop_seq = x->ask.stop[i];
        }
    }
    buf_truncate(&g->answer, cut);

    size_t cap = 0;
    split_pieces(g, &g->reasoning, 1, &cap);
    split_pieces(g, &g->answer, 0, &cap);
    /* max tokens bounds reasoning and answer together, as
     * max_completion_tokens does. */
    if (x->ask.max_tokens >= 0) {
        size_t used = 0, k = 0;
        for (; k < g->n_pieces; k++) {
            if (used + g->pieces[k].tokens > (size_t)x->ask.max_tokens)
                break;
            used += g->pieces[k].tokens;
        }
        if (k < g->n_pieces) {
            g->n_pieces = k;
            g->finish = FIN_LENGTH;
            g->stop_seq = NULL;
            size_t rlen = 0, alen = 0;
            for (size_t i = 0; i < k; i++) {
                struct mock_piece *p = &g->pieces[i];
                if (p->reasoning)
                    rlen = p->off + p->len;
                else
                    alen = p->off + p->len;
            }
            buf_truncate(&g->reasoning, rlen);
            buf_truncate(&g->answer, alen);
        }
    }
    g->reasoning_tokens = g->reasoning.len ? token_estimate(g->reasoning.ptr, g->reasoning.len) : 0;
    g->answer_tokens = g->answer.len ? token_estimate(g->answer.ptr, g->answer.len) : 0;

    /* Prompt cache: the longest message prefix seen before is cached. */
    if (m->prompt_cache) {
        for (size_t i = x->ask.n_prefix; i-- > 0;) {
            if (u64map_get(&x->rt->prefixes, x->ask.prefix_hash[i])) {
                g->cached_tokens = x->ask.prefix_tokens[i];
                break;
            }
        }
        for (size_t i = 0; i < x->ask.n_prefix; i++)
            u64map_bump(&x->rt->prefixes, x->ask.prefix_hash[i]);
    }
}

static void plan_times(struct exchange *x)
{
    struct mock_gen *g = &x->gen;
    g->ttft_ms = g->load_ms + sim_ttft_ms(x->model, mock_uncached_tokens(x), &x->rng);
    double t = g->ttft_ms;
    for (size_t i = 0; i < g->n_pieces; i++) {
        if (i > 0)
            t += sim_gap_ms(x->model, g->pieces[i].tokens, &x->rng);
        g->pieces[i].at_ms = t;
    }
    /* Where a stream fault strikes: after at least one piece. */
    x->fault_at = g->n_pieces > 1 ? 1 + (size_t)rng_below(&x->rng, g->n_pieces - 1) : g->n_pieces;
}

static double end_ms(const struct exchange *x)
{
    return x->gen.n_pieces ? x->gen.pieces[x->gen.n_pieces - 1].at_ms : x->gen.ttft_ms;
}

/* === queueing =============================================================== */

static void queue_remove(struct exchange *x)
{
    struct model_rt *rt = x->rt;
    struct exchange **pp = &rt->q_head, *prev = NULL;
    while (*pp && *pp != x) {
        prev = *pp;
        pp = &(*pp)->q_next;
    }
    if (!*pp)
        return;
    x->queued = 0;
    *pp = x->q_next;
    if (rt->q_tail == x)
        rt->q_tail = prev;
    x->q_next = NULL;
    rt->queued--;
}

static void admit_next(struct model_rt *rt)
{
    while (rt->q_head && (!rt->m->capacity || rt->busy < rt->m->capacity)) {
        struct exchange *x = rt->q_head;
        rt->q_head = x->q_next;
        if (!rt->q_head)
            rt->q_tail = NULL;
        x->q_next = NULL;
        x->queued = 0;
        rt->queued--;
        admit(x);
    }
}

/* === the exchange =========================================================== */

static void on_conn_close(struct evhttp_connection *c, void *arg)
{
    struct exchange *x = arg;
    (void)c;
    x->evcon = NULL;    /* libevent detached x->req from the connection */
    x->gone = 1;
    finish(x);
}

static struct exchange *exchange_new(struct mock_server *s, struct evhttp_request *req)
{
    struct exchange *x = xcalloc(1, sizeof(*x));
    x->srv = s;
    x->req = req;
    x->evcon = evhttp_request_get_connection(req);
    x->t_arrive = clock_mono_ns();
    x->wall_arrive_ns = clock_wall_ns();
    x->created = (int64_t)(x->wall_arrive_ns / 1000000000);
    buf_init(&x->raw, 0);
    buf_init(&x->ask.prompt, 0);
    buf_init(&x->gen.reasoning, 0);
    buf_init(&x->gen.answer, 0);
    buf_init(&x->pending, 0);
    x->ask.max_tokens = -1;
    x->ask.obfuscation = 1;
    x->ask.think = 1;
    x->ask.seed = -1;
    rng_seed(&x->rng, s->o->seed ^ (0x9e3779b97f4a7c15ULL * (s->served + 1)));
    x->live_next = s->live;
    if (s->live)
        s->live->live_prev = x;
    s->live = x;
    if (x->evcon)
        evhttp_connection_set_closecb(x->evcon, on_conn_close, x);
    return x;
}

static void exchange_free(struct exchange *x)
{
    struct mock_server *s = x->srv;
    if (x->live_prev)
        x->live_prev->live_next = x->live_next;
    else
        s->live = x->live_next;
    if (x->live_next)
        x->live_next->live_prev = x->live_prev;
    if (x->timer)
        event_free(x->timer);
    if (x->drain)
        event_free(x->drain);
    buf_release(&x->pending);
    free(x->url_model);
    free(x->route_name);
    buf_release(&x->raw);
    cJSON_Delete(x->body);
    free(x->ask.model);
    buf_release(&x->ask.prompt);
    for (size_t i = 0; i < x->ask.n_stop; i++)
        free(x->ask.stop[i]);
    buf_release(&x->gen.reasoning);
    buf_release(&x->gen.answer);
    free(x->gen.pieces);
    free(x);
}

/* Ends the exchange: logs it and frees it. end: when it ended, 0 = now. */
static void finish_at(struct exchange *x, mono_ns end)
{
    if (x->done)
        return;
    x->done = 1;
    struct mock_server *s = x->srv;
    x->t_end = end ? end : clock_mono_ns();
    if (x->timer)
        evtimer_del(x->timer);
    if (x->drain)
        evtimer_del(x->drain);
    if (x->evcon)
        evhttp_connection_set_closecb(x->evcon, NULL, NULL);
    if (x->req && !x->evcon) {
        /* The client left before the reply ended: the request is ours. */
        evhttp_request_free(x->req);
        x->req = NULL;
    }
    if (x->queued)
        queue_remove(x);
    if (s->log)
        gtlog_write(s->log, x);
    if (s->o->verbose)
        fprintf(stderr, "assay mock: %s %s %s -> %d%s%s (%.1f ms)\n", x->proto ? x->proto->name : "-",
                x->route_name ? x->route_name : "?", x->model ? x->model->name : "-", x->status,
                x->fault ? " fault " : "", x->fault ? mock_fault_names[x->fault] : "",
                (double)(x->t_end - x->t_arrive) / 1e6);
    s->served++;
    struct model_rt *rt = x->holds_slot ? x->rt : NULL;
    if (rt) {
        x->holds_slot = 0;
        rt->busy--;
    }
    exchange_free(x);
    if (rt)
        admit_next(rt);
}

static void finish(struct exchange *x)
{
    finish_at(x, 0);
}

static void admit(struct exchange *x)
{
    struct mock_server *s = x->srv;
    x->t_admit = clock_mono_ns();
    x->gen.queue_ms = (double)(x->t_admit - x->t_arrive) / 1e6;
    x->holds_slot = 1;
    x->rt->busy++;
    if (x->rt->load_start && x->model->cold_start_s > 0) {
        double left = x->model->cold_start_s * 1e3 -
                      (double)(x->t_admit - x->rt->load_start) / 1e6;
        x->gen.load_ms = left > 0 ? left : 0;
    }
    plan_times(x);
    x->timer = evtimer_new(s->base, on_tick, x);
    if (!x->ask.stream) {
        x->phase = PH_BODY;
        arm(x, end_ms(x));
        return;
    }
    x->phase = PH_STREAM;
    x->status = 200;
    x->stream_started = 1;
    set_common_headers(x, x->proto->stream_ctype);
    struct evkeyvalq *h = evhttp_request_get_output_headers(x->req);
    evhttp_add_header(h, "Cache-Control", "no-cache");
    evhttp_send_reply_start(x->req, 200, "OK");
    x->t_headers = clock_mono_ns();
    struct buf *out = &s->out;
    buf_reset(out);
    if (x->bom)
        buf_adds(out, "\xEF\xBB\xBF");
    if (x->proto->open)
        x->proto->open(x, out);
    if (out->len)
        send_chunk(x, out);
    else
        flush_now(x);   /* the headers alone */
    if (x->gen.n_pieces)
        arm(x, x->gen.pieces[0].at_ms);
    else
        arm(x, x->gen.ttft_ms);
}

/* The next wake-up of a stall: its end, or (TGI streams) the next
 * keep-alive 15 s on. */
static void arm_stall(struct exchange *x)
{
    double left_ms = (double)(x->stall_end - clock_mono_ns()) / 1e6;
    if (left_ms < 0)
        left_ms = 0;
    if (x->proto == &mock_proto_tgi && x->stream_started && left_ms > 15000)
        left_ms = 15000;
    arm_in(x, left_ms);
}

/* A stream fault strikes (everything due before it has been sent). */
static void break_stream(struct exchange *x)
{
    switch (x->fault) {
    case FAULT_DROP:   /* once what was sent has left, reset */
        x->phase = PH_DROP;
        if (output_flushed(x))
            abort_connection(x);
        else
            arm_in(x, 1);
        return;
    case FAULT_STALL:
        x->phase = PH_STALL;
        x->stall_end = clock_mono_ns() + (mono_ns)(x->model->stall_s * 1e9);
        arm_stall(x);
        return;
    default: {          /* stream_error; status faults never get here */
        struct buf e = BUF_INIT;
        x->proto->stream_error(x, &e);
        send_chunk(x, &e);
        buf_release(&e);
        complete(x);
        return;
    }
    }
}

static void mark_sent(struct mock_gen *g, size_t from, size_t to, mono_ns t)
{
    for (size_t i = from; i < to; i++)
        g->pieces[i].sent = t;
}

/* The timer of an exchange: its next part is due. */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct exchange *x = arg;
    (void)fd;
    (void)what;
    if (!x->req || !x->evcon) {
        finish(x);
        return;
    }
    switch (x->phase) {
    case PH_STALL:
        if (x->proto == &mock_proto_tgi && x->stream_started && clock_mono_ns() < x->stall_end) {
            /* axum's keep-alive: a comment after 15 s of silence */
            struct buf ka = BUF_INIT;
            buf_adds(&ka, ":\n\n");
            send_chunk(x, &ka);
            buf_release(&ka);
            arm_stall(x);
            return;
        }
        abort_connection(x);   /* the stall is over: give up on the client */
        return;
    case PH_DROP:
        if (x->phase == PH_DROP && !output_flushed(x)) {
            arm_in(x, 1);
            return;
        }
        abort_connection(x);
        return;
    case PH_BODY: {
        if (clock_mono_ns() < x->t_admit + (mono_ns)(end_ms(x) * 1e6)) {
            arm(x, end_ms(x));   /* woken early */
            return;
        }
        switch (x->fault) {
        case FAULT_DROP:
            abort_connection(x);
            return;
        case FAULT_STALL:
            x->phase = PH_STALL;
            x->stall_end = clock_mono_ns() + (mono_ns)(x->model->stall_s * 1e9);
            arm_stall(x);
            return;
        case FAULT_STREAM_ERROR:   /* no stream to break: a late 500 */
            mock_reject(x, MERR_SERVER, "the server had an error while processing the request");
            finish(x);
            return;
        default:
            break;
        }
        struct buf *out = &x->srv->out;
        buf_reset(out);
        x->proto->body(x, out);
        if (x->fault == FAULT_MALFORMED)
            buf_truncate(out, out->len * 3 / 5);
        x->t_headers = clock_mono_ns();
        for (size_t i = 0; i < x->gen.n_pieces; i++)
            x->gen.pieces[i].sent = x->t_headers;
        send_whole(x, 200, "application/json", out->ptr, out->len);
        finish(x);
        return;
    }
    default:
        break;
    }

    /* Streaming: send every piece that is due; their send time is when
     * the write that carries them was handed to the socket. */
    struct buf *out = &x->srv->out;
    buf_reset(out);
    mono_ns now = clock_mono_ns();
    struct mock_gen *g = &x->gen;
    size_t first = x->next;
    while (x->next < g->n_pieces &&
           x->t_admit + (mono_ns)(g->pieces[x->next].at_ms * 1e6) <= now) {
        /* The first answer piece after reasoning leaves in a write of its
         * own, so its time in the log is exactly the answer's TTFT. */
        if (out->len && x->next > 0 && !g->pieces[x->next].reasoning &&
            g->pieces[x->next - 1].reasoning)
            break;
        if (x->fault && x->next == x->fault_at && x->fault != FAULT_MALFORMED) {
            mark_sent(g, first, x->next, send_chunk(x, out));
            break_stream(x);
            return;
        }
        size_t mark = out->len;
        x->proto->piece(x, x->next, out);
        if (x->fault == FAULT_MALFORMED && x->next == x->fault_at) {
            /* Cut the event's JSON short but keep its framing. */
            size_t fe = strlen(x->proto->frame_end), len = out->len - mark;
            buf_truncate(out, mark + (len > fe ? (len - fe) * 3 / 5 : 0));
            buf_adds(out, x->proto->frame_end);
        }
        x->next++;
    }
    if (x->next < g->n_pieces) {
        mark_sent(g, first, x->next, send_chunk(x, out));
        arm(x, g->pieces[x->next].at_ms);
        return;
    }
    if (x->fault && x->fault_at >= g->n_pieces && x->fault != FAULT_MALFORMED) {
        /* A one-piece answer: the fault strikes after it. */
        mark_sent(g, first, x->next, send_chunk(x, out));
        break_stream(x);
        return;
    }
    if (x->proto->close)
        x->proto->close(x, out);
    mark_sent(g, first, x->next, send_chunk(x, out));
    complete(x);
}

/* === routes ================================================================= */

/* Auth: any non-empty key in the protocol's header. */
static int has_key(const struct exchange *x)
{
    const char *auth = mock_header(x, "Authorization");
    int bearer = auth && strncasecmp(auth, "Bearer ", 7) == 0 && auth[7];
    if (x->proto == &mock_proto_azure) {
        const char *k = mock_header(x, "api-key");
        return bearer || (k && *k);
    }
    if (x->proto == &mock_proto_anthropic) {
        const char *k = mock_header(x, "x-api-key");
        return bearer || (k && *k);
    }
    if (x->proto == &mock_proto_ollama)
        return 1;   /* a local Ollama has no auth */
    return bearer;
}

static void reply_models(struct exchange *x, int ollama)
{
    struct mock_profile *p = x->srv->prof;
    struct buf b = BUF_INIT;
    buf_adds(&b, ollama ? "{\"models\":[" : "{\"object\":\"list\",\"data\":[");
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            buf_addc(&b, ',');
        if (ollama) {
            buf_adds(&b, "{\"name\":");
            mock_json_str(&b, p->models[i].name, (size_t)-1);
            buf_adds(&b, ",\"model\":");
            mock_json_str(&b, p->models[i].name, (size_t)-1);
            buf_adds(&b, ",\"modified_at\":\"2026-01-01T00:00:00Z\",\"size\":0,"
                         "\"digest\":\"\",\"details\":{\"family\":\"mock\"}}");
        } else {
            buf_adds(&b, "{\"id\":");
            mock_json_str(&b, p->models[i].name, (size_t)-1);
            buf_adds(&b, ",\"object\":\"model\",\"created\":1767225600,\"owned_by\":\"assay-mock\"}");
        }
    }
    buf_adds(&b, "]}");
    send_whole(x, 200, "application/json", b.ptr, b.len);
    buf_release(&b);
}

static void reply_tgi_info(struct exchange *x)
{
    const struct mock_model *m = x->model;
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"model_id\":");
    mock_json_str(&b, m->name, (size_t)-1);
    buf_addf(&b, ",\"model_sha\":null,\"model_pipeline_tag\":\"text-generation\","
                 "\"max_concurrent_requests\":%ld,\"max_best_of\":2,\"max_stop_sequences\":4,"
                 "\"max_input_tokens\":32767,\"max_total_tokens\":32768,\"validation_workers\":2,"
                 "\"max_client_batch_size\":4,\"router\":\"text-generation-router\","
                 "\"version\":\"3.1.2-mock\",\"sha\":null,\"docker_label\":null}",
             m->capacity ? m->capacity + m->queue_limit : 128);
    send_whole(x, 200, "application/json", b.ptr, b.len);
    buf_release(&b);
}

/* Splits "/a/b/c" matching: returns the rest after prefix, or NULL. */
static const char *after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static char *decoded(const char *s, size_t n)
{
    char *raw = xstrndup(s, n);
    char *d = evhttp_uridecode(raw, 0, NULL);
    free(raw);
    if (!d)
        return xstrndup(s, n);
    char *out = xstrdup(d);
    free(d);
    return out;
}

/* Finds proto and route for method + path; url_model gets a model named in
 * the path. Returns 0, or -1 (unknown path), or -2 (wrong method). */
static int match_route(struct exchange *x, const char *path, int post)
{
    const char *rest;
    x->route_name = xstrdup(path);
#define ROUTE(p, r, need_post) do { x->proto = &(p); x->route = (r); \
        return post == (need_post) ? 0 : -2; } while (0)
    if (strcmp(path, "/v1/chat/completions") == 0)
        ROUTE(mock_proto_openai, RT_CHAT, 1);
    if (strcmp(path, "/v1/models") == 0)
        ROUTE(mock_proto_openai, RT_MODELS, 0);
    if (strcmp(path, "/v1/messages") == 0)
        ROUTE(mock_proto_anthropic, RT_MESSAGES, 1);
    if (strcmp(path, "/api/chat") == 0)
        ROUTE(mock_proto_ollama, RT_OLLAMA_CHAT, 1);
    if (strcmp(path, "/api/tags") == 0)
        ROUTE(mock_proto_ollama, RT_OLLAMA_TAGS, 0);
    if (strcmp(path, "/openai/v1/chat/completions") == 0)
        ROUTE(mock_proto_azure, RT_CHAT, 1);
    if (strcmp(path, "/openai/v1/models") == 0 || strcmp(path, "/openai/models") == 0)
        ROUTE(mock_proto_azure, RT_MODELS, 0);
    if ((rest = after(path, "/openai/deployments/")) != NULL) {
        const char *slash = strchr(rest, '/');
        if (slash && slash > rest && strcmp(slash, "/chat/completions") == 0) {
            x->url_model = decoded(rest, (size_t)(slash - rest));
            ROUTE(mock_proto_azure, RT_CHAT, 1);
        }
        return -1;
    }
    /* HF: /models/{id} and /hf-inference/models/{id}; ids contain '/'. */
    if ((rest = after(path, "/hf-inference/models/")) != NULL || (rest = after(path, "/models/")) != NULL) {
        const char *chat = strstr(rest, "/v1/chat/completions");
        if (chat && chat[strlen("/v1/chat/completions")] == '\0' && chat > rest) {
            x->url_model = decoded(rest, (size_t)(chat - rest));
            ROUTE(mock_proto_openai, RT_CHAT, 1);
        }
        if (!*rest)
            return -1;
        x->url_model = decoded(rest, strlen(rest));
        ROUTE(mock_proto_hf_task, RT_HF_TASK, 1);
    }
    /* TGI: at the root (default model) or under /tgi/{model}. */
    const char *tgi = path;
    if ((rest = after(path, "/tgi/")) != NULL) {
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        if (!n)
            return -1;
        x->url_model = decoded(rest, n);
        tgi = slash ? slash : "/";
    }
    if (strcmp(tgi, "/generate") == 0)
        ROUTE(mock_proto_tgi, RT_TGI_GENERATE, 1);
    if (strcmp(tgi, "/generate_stream") == 0)
        ROUTE(mock_proto_tgi, RT_TGI_STREAM, 1);
    if (strcmp(tgi, "/info") == 0)
        ROUTE(mock_proto_tgi, RT_TGI_INFO, 0);
    if (strcmp(tgi, "/health") == 0 || strcmp(tgi, "/ping") == 0) {
        x->proto = &mock_proto_tgi;
        x->route = RT_HEALTH;
        return 0;
    }
    if (strcmp(tgi, "/v1/chat/completions") == 0 && x->url_model)
        ROUTE(mock_proto_openai, RT_CHAT, 1);
    if (strcmp(tgi, "/") == 0) {
        x->proto = &mock_proto_tgi;
        x->route = post ? RT_TGI_COMPAT : RT_HEALTH;
        return 0;
    }
#undef ROUTE
    return -1;
}

static const struct mock_model *pick_model(struct exchange *x, const char **name)
{
    struct mock_server *s = x->srv;
    *name = x->url_model ? x->url_model : x->ask.model;
    if (!*name) {
        if (x->proto == &mock_proto_tgi) {
            const struct mock_model *m = profile_default_model(s->prof);
            *name = m ? m->name : "";
            return m;
        }
        *name = "";
        return NULL;
    }
    /* TGI's chat route takes "tgi" for the served model. */
    if (x->url_model && x->ask.model && strcmp(x->ask.model, "tgi") == 0)
        return profile_find(s->prof, x->url_model);
    return profile_find(s->prof, *name);
}

static void make_ids(struct exchange *x)
{
    char tag[25];
    mock_random_alnum(x, tag, 24);
    snprintf(x->id, sizeof(x->id), "%s%s", x->proto->id_prefix, tag);
    mock_random_alnum(x, tag, 24);
    snprintf(x->request_id, sizeof(x->request_id), "%s%s", x->proto->request_id_prefix, tag);
}

static uint64_t parse_u64(const char *s, int *ok)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    *ok = !errno && end != s && *end == '\0';
    return v;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct mock_server *s = arg;
    struct exchange *x = exchange_new(s, req);
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (!path || !*path)
        path = "/";
    x->proto = &mock_proto_openai;   /* error shape until the route says otherwise */
    int r = match_route(x, path, cmd == EVHTTP_REQ_POST);
    if (r == 0)
        make_ids(x);   /* provisional, for errors before the request's own seed */
    if (r == -1 || r == -2) {
        char msg[300];
        snprintf(msg, sizeof(msg), "Invalid URL (%s %.200s)",
                 cmd == EVHTTP_REQ_POST ? "POST" : cmd == EVHTTP_REQ_GET ? "GET" : "?", path);
        struct buf b = BUF_INIT;
        buf_adds(&b, "{\"error\":{\"message\":");
        mock_json_str(&b, msg, (size_t)-1);
        buf_adds(&b, ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        x->proto = &mock_proto_openai;
        send_whole(x, r == -1 ? 404 : 405, "application/json", b.ptr, b.len);
        buf_release(&b);
        finish(x);
        return;
    }
    if (x->route == RT_HEALTH) {
        send_whole(x, 200, "application/json", "", 0);
        finish(x);
        return;
    }
    if (x->route == RT_OLLAMA_TAGS) {
        reply_models(x, 1);
        finish(x);
        return;
    }
    if (x->route == RT_TGI_INFO) {
        const char *unused;
        x->model = pick_model(x, &unused);
        if (!x->model)
            mock_reject(x, MERR_NOT_FOUND, "unknown model");
        else
            reply_tgi_info(x);
        finish(x);
        return;
    }
    if (!has_key(x)) {
        mock_reject(x, MERR_AUTH, "missing API key");
        finish(x);
        return;
    }
    if (x->route == RT_MODELS) {
        reply_models(x, 0);
        finish(x);
        return;
    }
    if (x->proto == &mock_proto_azure && x->url_model) {
        const char *q = evhttp_uri_get_query(uri);
        struct evkeyvalq kv;
        TAILQ_INIT(&kv);
        const char *ver = NULL;
        if (q && evhttp_parse_query_str(q, &kv) == 0)
            ver = evhttp_find_header(&kv, "api-version");
        int ok = ver && *ver;
        evhttp_clear_headers(&kv);
        if (!ok) {
            mock_reject(x, MERR_NOT_FOUND, "Resource not found");
            finish(x);
            return;
        }
    }

    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    buf_add(&x->raw, evbuffer_pullup(in, (ev_ssize_t)n), n);
    if (x->proto == &mock_proto_tgi) {
        const char *ct = mock_header(x, "Content-Type");
        if (!ct || !strstr(ct, "json")) {
            mock_reject(x, MERR_UNSUPPORTED_MEDIA, "Expected request with `Content-Type: application/json`");
            finish(x);
            return;
        }
    }
    x->body = cJSON_ParseWithLength(x->raw.ptr, x->raw.len);
    if (!x->body) {
        mock_reject(x, MERR_BAD_JSON, "the body of the request is not valid JSON");
        finish(x);
        return;
    }
    if (x->route == RT_TGI_STREAM)
        x->ask.stream = 1;
    if (x->proto->parse(x) < 0) {
        finish(x);
        return;
    }
    const char *name;
    x->model = pick_model(x, &name);
    if (!x->model) {
        if (!*name)
            mock_reject(x, MERR_BAD_REQUEST, "you must provide a model parameter");
        else
            mock_reject(x, MERR_NOT_FOUND, "The model `%s` does not exist", name);
        finish(x);
        return;
    }
    x->rt = &s->rt[x->model - s->prof->models];

    /* Seeds: see the top of this file. */
    uint64_t mh = hash64(x->model->name, strlen(x->model->name), 0);
    uint64_t bh = hash64(x->raw.ptr, x->raw.len, mh);
    const char *nonce = mock_header(x, "x-mock-nonce");
    int ok = 0;
    if (nonce)
        x->nonce = parse_u64(nonce, &ok);
    if (!ok)
        x->nonce = u64map_bump(&s->seen, bh);
    uint64_t seed[3] = { s->o->seed, bh, x->nonce };
    rng_seed(&x->rng, hash64(seed, sizeof(seed), mh));
    make_ids(x);
    x->fault = sim_pick_fault(x->model, &x->rng);
    /* Stream stress options (SSE protocols; split and BOM for every stream). */
    int sse = strcmp(x->proto->frame_end, "\n\n") == 0;
    const char *v;
    if (sse && (v = mock_header(x, "x-mock-eol")) != NULL)
        x->eol = strcasecmp(v, "crlf") == 0 ? 1 : strcasecmp(v, "cr") == 0 ? 2 : 0;
    if (sse && (v = mock_header(x, "x-mock-comments")) != NULL)
        x->comments = strcasecmp(v, "true") == 0;
    if ((v = mock_header(x, "x-mock-bom")) != NULL)
        x->bom = sse && strcasecmp(v, "true") == 0;
    if ((v = mock_header(x, "x-mock-split")) != NULL) {
        int ok_split;
        uint64_t bytes = parse_u64(v, &ok_split);
        x->split = ok_split && bytes > 0 && bytes < 1000000 ? (size_t)bytes : 0;
    }
    const char *forced = mock_header(x, "x-mock-fault");
    if (forced) {
        int f = mock_fault_parse(forced);
        if (f >= 0) {
            x->fault = (enum mock_fault)f;
            x->fault_forced = 1;
        }
    }

    /* Cold start: loading begins with the first request to the model. */
    if (x->model->cold_start_s > 0) {
        mono_ns now = clock_mono_ns();
        if (!x->rt->load_start)
            x->rt->load_start = now;
        double left = x->model->cold_start_s - (double)(now - x->rt->load_start) / 1e9;
        const char *wait = mock_header(x, "x-wait-for-model");
        if (left > 0 && x->proto == &mock_proto_hf_task && !(wait && strcasecmp(wait, "true") == 0)) {
            x->gen.load_ms = left * 1e3;
            mock_reject(x, MERR_LOADING, "Model %s is currently loading", x->model->name);
            finish(x);
            return;
        }
    }

    switch (x->fault) {
    case FAULT_429:
        mock_reject(x, MERR_RATE_LIMIT, "Rate limit reached for requests");
        finish(x);
        return;
    case FAULT_500:
        mock_reject(x, MERR_SERVER, "The server had an error while processing your request.");
        finish(x);
        return;
    case FAULT_503:
        mock_reject(x, MERR_UNAVAILABLE, "The server is overloaded or not ready yet.");
        finish(x);
        return;
    default:
        break;
    }

    plan_text(x);

    struct model_rt *rt = x->rt;
    const struct mock_model *m = x->model;
    sim_window_roll(&rt->window, clock_mono_ns());
    long cost = (long)(x->ask.in_tokens + mock_out_tokens(x));
    if (m->enforce_limits && ((m->rpm && rt->window.requests + 1 > m->rpm) ||
                              (m->tpm && rt->window.tokens + cost > m->tpm))) {
        mock_reject(x, MERR_RATE_LIMIT, "Rate limit reached for %s",
                    m->rpm && rt->window.requests + 1 > m->rpm ? "requests" : "tokens");
        finish(x);
        return;
    }
    rt->window.requests++;
    rt->window.tokens += cost;

    if (m->capacity && rt->busy >= m->capacity) {
        if (m->queue_limit && rt->queued >= m->queue_limit) {
            mock_reject(x, MERR_QUEUE_FULL, "too many requests waiting");
            finish(x);
            return;
        }
        if (rt->q_tail)
            rt->q_tail->q_next = x;
        else
            rt->q_head = x;
        rt->q_tail = x;
        rt->queued++;
        x->queued = 1;
        return;
    }
    admit(x);
}

/* === the loop =============================================================== */

/* evhttp notices a client that leaves only when it next writes to it; an
 * exchange that is queued, waiting for its non-streamed reply or stalled
 * writes nothing, so a sweep peeks at those sockets: EOF or a reset means
 * the client is gone and its slot (or place in line) is freed. (Behind TLS
 * a close_notify is data, so there the exchange ends when it next writes.) */
static int peer_gone(const struct exchange *x)
{
    struct bufferevent *bev = x->evcon ? evhttp_connection_get_bufferevent(x->evcon) : NULL;
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd < 0)
        return 0;
    char c;
    ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct mock_server *s = arg;
    (void)fd;
    (void)what;
    struct exchange *next;
    for (struct exchange *x = s->live; x; x = next) {
        next = x->live_next;
        if (x->done || !x->evcon || !(x->queued || x->phase == PH_BODY || x->phase == PH_STALL))
            continue;
        if (!peer_gone(x))
            continue;
        struct evhttp_connection *c = x->evcon;
        evhttp_connection_set_closecb(c, NULL, NULL);
        x->evcon = NULL;
        x->req = NULL;      /* freed with the connection */
        x->gone = 1;
        evhttp_connection_free(c);
        finish(x);
    }
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct mock_server *s = arg;
    (void)sig;
    (void)what;
    event_base_loopbreak(s->base);
}

static struct bufferevent *tls_bevcb(struct event_base *base, void *arg)
{
    struct mock_server *s = arg;
    SSL *ssl = SSL_new(s->ssl);
    return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE);
}

/* evhttp_bind_socket listens with a backlog of 128: two thousand clients
 * connecting at once overflow it, and the dropped SYNs come back a second
 * later (the SYN retransmit timeout), which is a second of TTFT the mock
 * did not plan. So the listener is ours, with the largest backlog the
 * kernel allows (net.core.somaxconn caps it). */
static struct evhttp_bound_socket *listen_on(struct mock_server *s, const char *host, int port)
{
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    struct evutil_addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_PASSIVE;
    if (evutil_getaddrinfo(host, service, &hints, &ai) != 0 || !ai) {
        errno = EADDRNOTAVAIL;
        return NULL;
    }
    struct evconnlistener *l = evconnlistener_new_bind(
        s->base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
        65535, ai->ai_addr, (int)ai->ai_addrlen);
    evutil_freeaddrinfo(ai);
    if (!l)
        return NULL;
    struct evhttp_bound_socket *bound = evhttp_bind_listener(s->http, l);
    if (!bound)
        evconnlistener_free(l);
    return bound;
}

int mock_serve(const struct mock_opts *o, struct mock_profile *p, struct corpus *c,
               mock_listen_fn *on_listen, void *ud, struct diag *d)
{
    struct mock_server s;
    memset(&s, 0, sizeof(s));
    s.o = o;
    s.prof = p;
    s.corpus = c;
    int rc = -1;
    struct event *sig_term = NULL, *sig_int = NULL, *sweep = NULL;
    struct event_config *cfg = event_config_new();
    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
    /* Write interest added and dropped within one turn (flush_now) then
     * costs no epoll_ctl; the changelist's caveat (dup'd descriptors) does
     * not apply to evhttp's sockets. */
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    s.base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!s.base) {
        diag_fail(d, "cannot start the event loop");
        return -1;
    }
    if (o->log_path && !(s.log = gtlog_open(o->log_path, d)))
        goto out;
    if (o->tls && !(s.ssl = mock_tls_ctx(o->cert, o->key, o->cert_out, d)))
        goto out;
    s.rt = xcalloc(p->n ? p->n : 1, sizeof(*s.rt));
    for (size_t i = 0; i < p->n; i++)
        s.rt[i].m = &p->models[i];

    s.scratch = evbuffer_new();
    buf_init(&s.out, 0);
    s.http = evhttp_new(s.base);
    evhttp_set_gencb(s.http, on_request, &s);
    evhttp_set_max_body_size(s.http, 64 << 20);
    evhttp_set_timeout(s.http, 86400);   /* queues and stalls are ours to time */
    evhttp_set_allowed_methods(s.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
    if (s.ssl)
        evhttp_set_bevcb(s.http, tls_bevcb, &s);
    const char *host = o->host ? o->host : "127.0.0.1";
    struct evhttp_bound_socket *bound = listen_on(&s, host, o->port);
    if (!bound) {
        diag_fail(d, "cannot listen on %s:%d: %s", host, o->port, strerror(errno));
        goto out;
    }
    /* Each part must leave at once, not wait for Nagle's algorithm to
     * batch it (40 ms stalls against a delayed ACK); Linux passes the
     * option on to accepted sockets. */
    int one = 1;
    setsockopt(evhttp_bound_socket_get_fd(bound), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int port = o->port;
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    sig_term = evsignal_new(s.base, SIGTERM, on_signal, &s);
    sig_int = evsignal_new(s.base, SIGINT, on_signal, &s);
    event_add(sig_term, NULL);
    event_add(sig_int, NULL);
    sweep = event_new(s.base, -1, EV_PERSIST, on_sweep, &s);
    struct timeval every = { 0, 200000 };
    event_add(sweep, &every);

    char url[300];
    int v6 = strchr(host, ':') != NULL;
    snprintf(url, sizeof(url), "%s://%s%s%s:%d", s.ssl ? "https" : "http", v6 ? "[" : "", host,
             v6 ? "]" : "", port);
    if (on_listen)
        on_listen(url, ud);
    event_base_dispatch(s.base);
    rc = 0;
out:
    /* Exchanges first: freeing evhttp frees their requests. */
    while (s.live) {
        struct exchange *x = s.live;
        if (x->evcon)
            evhttp_connection_set_closecb(x->evcon, NULL, NULL);
        x->evcon = NULL;
        x->req = NULL;
        if (x->holds_slot) {
            x->holds_slot = 0;
            x->rt->busy--;
        }
        x->rt = NULL;
        x->done = 1;
        if (s.log)
            gtlog_write(s.log, x);
        exchange_free(x);
    }
    if (s.http)
        evhttp_free(s.http);
    if (s.scratch)
        evbuffer_free(s.scratch);
    buf_release(&s.out);
    if (sig_term)
        event_free(sig_term);
    if (sig_int)
        event_free(sig_int);
    if (sweep)
        event_free(sweep);
    for (size_t i = 0; s.rt && i < p->n; i++)
        u64map_release(&s.rt[i].prefixes);
    free(s.rt);
    u64map_release(&s.seen);
    if (s.log && fclose(s.log) != 0 && rc == 0)
        rc = diag_fail(d, "%s: cannot write the log: %s", o->log_path, strerror(errno));
    if (s.ssl)
        SSL_CTX_free(s.ssl);
    event_base_free(s.base);
    return rc;
}
