/* load.c -- the load generator behind `assay load` (docs/load.md).
 *
 * One thread, one libcurl multi loop (harness/transport.h), as the run
 * engine; what differs is who decides when a request starts:
 *
 *   open loop (--rate):  the arrival process (harness/arrival.h) fixes
 *     every request's intended send time in advance. The loop starts each
 *     one when its time comes, whatever is still in flight, and waits in
 *     transport_poll only until the next intended time. Nothing about a
 *     reply can delay a send, except the max-in-flight safety cap: a
 *     request that finds the cap full waits in a FIFO, keeps its intended
 *     time (its latency includes the wait), and the step reports it.
 *   closed loop (--concurrency C): C requests in flight; a request is due
 *     the moment another ends (its intended time), and starts right after.
 *
 * Latency is measured from the intended send time (no coordinated
 * omission: Gil Tene's term for a load generator that lets a slow server
 * slow its sending, so the queue it builds is never measured); the service
 * time from the actual send (transport's t_start) is kept beside it, and
 * their difference per request is the send lag, the client's own check.
 *
 * A step = warm-up (sent, written to OUT/warmup/, not counted) + measured
 * part (--duration or --requests), then a drain: the next step starts
 * only when every request of this one has ended, so a queue built at one
 * rate never pollutes the next. No retries: a failure is a data point.
 *
 * After the sweep, the knee is the highest passing level below the lowest
 * failing one (rule in docs/load.md); --bisect adds steps between the two
 * until they are within 5% (1 for concurrency). A step's figures, the knee
 * and what is shown and written about them: load_report.c. */
#define _GNU_SOURCE
#include "load_impl.h"
#include "arrival.h"
#include "interrupt.h"
#include "runmeta.h"
#include "harness/util/fileio.h"
#include "harness/util/tokens.h"
#include "reports/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum { EXIT_LOAD_OK = 0, EXIT_NO_KNEE = 1, EXIT_INPUT = 2, EXIT_INTERRUPTED = 130 };

#define ITL_RESERVOIR (1u << 18)    /* gaps kept per step for its ITL percentiles */
#define SYNTH_POOL 256              /* distinct synthetic prompts */
#define BISECT_PRECISION 0.05       /* stop when (hi - lo) / lo is at most this */

/* === prompts ============================================================== */

/* Short words are one token each by the documented estimate (tokens.h),
 * so n of them make an n-token prompt. */
static const char *const synth_words[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by",
    "on", "not", "he", "this", "are", "or", "his", "from", "at", "but", "have", "an", "they",
    "one", "you", "were", "her", "all", "she", "when", "can", "we", "what", "up", "who", "said",
    "each", "word", "time", "how", "long", "down", "day", "did", "get", "come", "made", "may",
    "part", "over", "new", "take", "only", "work", "know", "year", "live", "back", "give",
    "most", "very", "good", "man", "say", "help", "line", "turn", "move", "boy", "old", "too",
    "same", "tell", "does", "set", "want", "air", "well", "also", "play", "end", "put", "home",
    "read", "hand", "port", "add", "even", "land", "here", "must", "big", "high", "such", "act",
    "why", "ask", "men", "went", "kind", "off", "need", "try", "us", "near", "self", "head",
    "own", "page", "grow", "food", "sun", "four", "keep", "eye", "last", "let", "tree", "farm",
    "hard", "draw", "left", "late", "run", "real", "life", "few", "open", "seem", "next", "got",
    "walk", "ease", "both", "mark", "mile", "car", "feet", "care", "girl", "ever", "red",
    "list", "feel", "talk", "bird", "soon", "body", "dog", "pose", "song", "door", "wind",
    "ship", "area", "half", "rock", "fire", "told", "knew", "pass", "top", "king", "best",
    "hour", "true", "five", "step", "hold", "west", "sea", "town", "fine", "fly", "ten", "map",
    "rain", "rule", "pull", "cold",
};

static void prompt_free(struct lprompt *p)
{
    free(p->req.url);
    buf_release(&p->req.body);
    free(p->owned_item);
}

static int build_prompt(struct load *L, struct prompt *pr, struct lprompt *out, struct diag *d)
{
    gen_fill_defaults(&pr->gen, &L->b->params);
    buf_init(&out->req.body, 0);
    double in = 0;
    if (pr->raw) {
        in = (double)token_estimate(pr->raw, strlen(pr->raw));
    } else {
        if (pr->system)
            in += (double)token_estimate(pr->system, strlen(pr->system));
        for (size_t i = 0; i < pr->nmsgs; i++)
            in += (double)token_estimate(pr->msgs[i].content, strlen(pr->msgs[i].content));
    }
    out->est_in = in;
    return L->b->ops->build(L->b, pr, &out->req, d);
}

static int synth_prompts(struct load *L, struct diag *d)
{
    const struct load_opts *o = L->o;
    L->nprompts = SYNTH_POOL;
    L->prompts = xcalloc(L->nprompts, sizeof(*L->prompts));
    struct rng r;
    rng_seed(&r, hash64("synthetic", 9, L->seed));
    size_t nw = sizeof(synth_words) / sizeof(synth_words[0]);
    for (size_t i = 0; i < L->nprompts; i++) {
        struct buf text = BUF_INIT;
        for (long k = 0; k < o->synth_in; k++) {
            if (k)
                buf_addc(&text, ' ');
            buf_adds(&text, synth_words[rng_below(&r, nw)]);
        }
        struct prompt pr;
        prompt_init(&pr);
        pr.msgs = xcalloc(1, sizeof(*pr.msgs));
        pr.msgs[0].role = "user";
        pr.msgs[0].content = xstrdup(text.ptr);
        pr.nmsgs = 1;
        pr.user = pr.msgs[0].content;
        pr.raw = buf_take(&text, NULL);
        pr.gen.max_tokens = o->synth_out;
        struct lprompt *lp = &L->prompts[i];
        lp->suite = "synthetic";
        lp->owned_item = xasprintf("synthetic-%ldx%ld-%03zu", o->synth_in, o->synth_out, i);
        lp->item = lp->owned_item;
        int rc = build_prompt(L, &pr, lp, d);
        prompt_release(&pr);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int suite_prompts(struct load *L, struct diag *d)
{
    L->nprompts = L->plan.n;
    L->prompts = xcalloc(L->nprompts ? L->nprompts : 1, sizeof(*L->prompts));
    for (size_t i = 0; i < L->plan.n; i++) {
        const struct plan_entry *e = &L->plan.e[i];
        const struct suite *s = &L->plan.suites[e->suite];
        const struct item *it = &s->data.items[e->item];
        struct prompt pr;
        if (suite_render(s, it, L->b->name, L->b->type, &pr, d) < 0)
            return -1;
        struct lprompt *lp = &L->prompts[i];
        lp->suite = s->name;
        lp->item = it->id;
        int rc = build_prompt(L, &pr, lp, d);
        prompt_release(&pr);
        if (rc < 0)
            return diag_fail(d, "suite %s, item %s: cannot build the request for backend %s",
                             s->name, it->id, L->b->name);
    }
    if (L->nprompts == 0)
        return diag_fail(d, "the suites hold no items to send");
    return 0;
}

/* The order prompts are sent in: a permutation drawn from the seed, then
 * the same again (request k uses order[k % n]). */
static void shuffle_prompts(struct load *L)
{
    L->order = xcalloc(L->nprompts, sizeof(size_t));
    for (size_t i = 0; i < L->nprompts; i++)
        L->order[i] = i;
    struct rng r;
    rng_seed(&r, hash64("order", 5, L->seed));
    for (size_t i = L->nprompts; i > 1; i--) {
        size_t j = (size_t)rng_below(&r, i);
        size_t t = L->order[i - 1];
        L->order[i - 1] = L->order[j];
        L->order[j] = t;
    }
}

/* === records ============================================================== */

static const char *request_id(const struct xfer *x, char *out, size_t n)
{
    struct http_resp resp = { x->http_status, "", x->resp_headers.ptr, x->resp_headers.len,
                              NULL, 0 };
    static const char *const names[] = { "x-request-id", "request-id", "apim-request-id", NULL };
    for (size_t i = 0; names[i]; i++)
        if (http_header(&resp, names[i], out, n) && *out)
            return out;
    return NULL;
}

/* What one finished request measured. */
struct meas {
    enum rstatus st;
    double intended_ms, start_ms, lag_ms;
    double ttft, ttft_svc, ttft_any, e2e, e2e_svc;   /* -1 = not measured */
    double itl_p95, tpot;                            /* -1 = not measured */
    long in, out, cached;
    int estimated;
    double usd;
};

static void measure(const struct load *L, const struct req *q, const struct xfer *x,
                    const struct lprompt *lp, struct meas *m)
{
    const struct reply *rp = &x->reply;
    m->st = rp->failed ? rp->fail_status : ST_OK;
    if (m->st == ST_OK && rp->finish && strcmp(rp->finish, "filtered") == 0)
        m->st = ST_REFUSED;
    mono_ns start = x->t_start ? x->t_start : q->intended;
    mono_ns end = x->t_last_byte ? x->t_last_byte : x->t_done;
    m->intended_ms = ms_of(q->intended - L->mono0);
    m->start_ms = ms_of(start - L->mono0);
    m->lag_ms = ms_of(start - q->intended);
    m->ttft = m->ttft_svc = m->ttft_any = m->itl_p95 = m->tpot = -1;
    m->e2e = ms_of(end - q->intended);
    m->e2e_svc = ms_of(end - start);
    if (x->stream && rp->t_first_text) {
        m->ttft = ms_of(rp->t_first_text - q->intended);
        m->ttft_svc = ms_of(rp->t_first_text - start);
    }
    if (x->stream && rp->t_first_any)
        m->ttft_any = ms_of(rp->t_first_any - q->intended);
    m->in = rp->usage.input;
    m->out = rp->usage.output;
    m->cached = rp->usage.cached_input;
    m->estimated = 0;
    if (m->in < 0) {
        m->in = (long)lp->est_in;
        m->estimated = 1;
    }
    if (m->out < 0) {
        m->out = (long)token_estimate(rp->text.ptr, rp->text.len);
        m->estimated = 1;
    }
    if (m->ttft_svc >= 0 && m->out > 1)
        m->tpot = (m->e2e_svc - m->ttft_svc) / (double)(m->out - 1);
}

static void add_pcts_obj(cJSON *parent, const char *key, const double *sorted, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    cJSON_AddNumberToObject(o, "count", (double)n);
    cJSON_AddNumberToObject(o, "mean", round3(sum / (double)n));
    cJSON_AddNumberToObject(o, "p50", round3(stats_percentile_sorted(sorted, n, 0.50)));
    cJSON_AddNumberToObject(o, "p95", round3(stats_percentile_sorted(sorted, n, 0.95)));
    cJSON_AddNumberToObject(o, "max", round3(sorted[n - 1]));
}

static void write_record(struct load *L, const struct req *q, const struct xfer *x,
                         const struct lprompt *lp, struct meas *m)
{
    const struct reply *rp = &x->reply;
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddNumberToObject(rec, "schema", 1);
    cJSON_AddStringToObject(rec, "run_id", L->run_id);
    cJSON_AddStringToObject(rec, "suite", lp->suite);
    cJSON_AddStringToObject(rec, "item", lp->item);
    cJSON_AddStringToObject(rec, "backend", L->b->name);
    cJSON_AddNumberToObject(rec, "repeat", q->seq);
    cJSON_AddNumberToObject(rec, "step", q->step);
    cJSON_AddBoolToObject(rec, "warmup", q->warmup);
    cJSON_AddStringToObject(rec, "status", rstatus_name(m->st));
    cJSON_AddBoolToObject(rec, "retryable", m->st != ST_OK && rp->retryable);
    if (x->http_status)
        cJSON_AddNumberToObject(rec, "http_status", (double)x->http_status);
    else
        cJSON_AddNullToObject(rec, "http_status");
    null_or_string(rec, "http_version", x->http_status ? x->http_version : NULL);
    null_or_string(rec, "error", m->st == ST_OK ? NULL : rp->failed ? rp->error : "filtered");
    cJSON *atts = cJSON_AddArrayToObject(rec, "attempts");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "status", rstatus_name(m->st));
    if (x->http_status)
        cJSON_AddNumberToObject(a, "http_status", (double)x->http_status);
    else
        cJSON_AddNullToObject(a, "http_status");
    null_or_string(a, "error", rp->failed ? rp->error : NULL);
    if (rp->failed && rp->retry_after_ms >= 0)
        cJSON_AddNumberToObject(a, "retry_after_ms", round3(rp->retry_after_ms));
    else
        cJSON_AddNullToObject(a, "retry_after_ms");
    cJSON_AddNumberToObject(a, "start_ms", round3(m->start_ms));
    cJSON_AddNumberToObject(a, "duration_ms", round3(m->e2e_svc));
    cJSON_AddItemToArray(atts, a);
    cJSON_AddBoolToObject(rec, "cached", 0);
    char wall[40];
    clock_format_rfc3339(L->wall0 + ((x->t_start ? x->t_start : q->intended) - L->mono0), wall,
                         sizeof(wall));
    cJSON_AddStringToObject(rec, "started_at", wall);
    char rid[128];
    null_or_string(rec, "request_id", request_id(x, rid, sizeof(rid)));

    cJSON *t = cJSON_AddObjectToObject(rec, "timing");
    cJSON_AddNumberToObject(t, "intended_start_ms", round3(m->intended_ms));
    cJSON_AddNumberToObject(t, "start_ms", round3(m->start_ms));
    cJSON_AddNumberToObject(t, "send_lag_ms", round3(m->lag_ms));
    int answered = x->http_status >= 200 && x->http_status < 300;
    if (m->ttft >= 0) {
        cJSON_AddNumberToObject(t, "ttft_ms", round3(m->ttft));
        cJSON_AddNumberToObject(t, "service_ttft_ms", round3(m->ttft_svc));
    }
    if (m->ttft_any >= 0)
        cJSON_AddNumberToObject(t, "ttft_any_ms", round3(m->ttft_any));
    cJSON_AddNumberToObject(t, "e2e_ms", round3(m->e2e));
    cJSON_AddNumberToObject(t, "service_e2e_ms", round3(m->e2e_svc));
    if (x->stream && rp->ngaps) {
        double *g = xmalloc(rp->ngaps * sizeof(double));
        memcpy(g, rp->gaps_ms, rp->ngaps * sizeof(double));
        stats_sort(g, rp->ngaps);
        m->itl_p95 = stats_percentile_sorted(g, rp->ngaps, 0.95);
        add_pcts_obj(t, "itl_ms", g, rp->ngaps);
        free(g);
    }
    if (m->tpot >= 0)
        cJSON_AddNumberToObject(t, "tpot_ms", round3(m->tpot));
    if (answered && m->out > 0) {
        double span = m->ttft_svc >= 0 ? m->e2e_svc - m->ttft_svc : m->e2e_svc;
        if (span > 0)
            cJSON_AddNumberToObject(t, "output_tokens_per_s", round3((double)m->out / (span / 1e3)));
    }
    if (answered) {
        if (x->dns_ms >= 0)
            cJSON_AddNumberToObject(t, "dns_ms", round3(x->dns_ms));
        if (x->connect_ms >= 0)
            cJSON_AddNumberToObject(t, "connect_ms", round3(x->connect_ms));
        if (x->tls_ms >= 0)
            cJSON_AddNumberToObject(t, "tls_ms", round3(x->tls_ms));
        if (x->first_byte_ms >= 0)
            cJSON_AddNumberToObject(t, "first_byte_ms", round3(x->first_byte_ms));
    }

    m->usd = 0;
    if (m->st == ST_OK || rp->usage_seen) {
        cJSON *u = cJSON_AddObjectToObject(rec, "usage");
        cJSON_AddNumberToObject(u, "input", (double)m->in);
        cJSON_AddNumberToObject(u, "output", (double)m->out);
        if (m->cached >= 0)
            cJSON_AddNumberToObject(u, "cached_input", (double)m->cached);
        else
            cJSON_AddNullToObject(u, "cached_input");
        if (rp->usage.reasoning >= 0)
            cJSON_AddNumberToObject(u, "reasoning", (double)rp->usage.reasoning);
        else
            cJSON_AddNullToObject(u, "reasoning");
        cJSON_AddStringToObject(u, "source", m->estimated ? "estimated" : "reported");
        if (L->prices.set) {
            struct load_request_cost c;
            load_request_cost(&L->prices, m->in, m->cached, m->out, &c);
            cJSON *co = cJSON_AddObjectToObject(rec, "cost");
            cJSON_AddNumberToObject(co, "usd", c.usd);
            cJSON_AddNumberToObject(co, "input_usd", c.input_usd);
            cJSON_AddNumberToObject(co, "output_usd", c.output_usd);
            cJSON_AddNumberToObject(co, "request_usd", c.request_usd);
            cJSON_AddStringToObject(co, "basis", c.basis);
            m->usd = c.usd;
        } else {
            cJSON_AddNullToObject(rec, "cost");
        }
    } else {
        cJSON_AddNullToObject(rec, "usage");
        cJSON_AddNullToObject(rec, "cost");
    }
    null_or_string(rec, "finish_reason", rp->finish);
    null_or_string(rec, "output", m->st == ST_OK || rp->text.len ? rp->text.ptr : NULL);
    cJSON_AddNullToObject(rec, "scores");   /* load mode measures speed; `assay run` scores */
    cJSON_AddNullToObject(rec, "judge");

    char *text = cJSON_PrintUnformatted(rec);
    cJSON_Delete(rec);
    struct results_writer *w = q->warmup ? &L->ww : &L->w;
    if (!L->fatal && results_append(w, text, strlen(text), &L->fatal_diag) < 0) {
        L->fatal = 1;
        L->stopping = 1;
    }
    cJSON_free(text);
    if (q->warmup)
        L->warmup_written++;
    else
        L->written++;
}

/* === one request ========================================================== */

static int meets_slo(const struct slo *s, const struct meas *m)
{
    if (m->st != ST_OK)
        return 0;
    if (!isnan(s->ttft_ms) && !(m->ttft >= 0 && m->ttft <= s->ttft_ms))
        return 0;
    if (!isnan(s->itl_ms) && m->itl_p95 > s->itl_ms)
        return 0;
    if (!isnan(s->tpot_ms) && m->tpot > s->tpot_ms)
        return 0;
    if (!isnan(s->e2e_ms) && m->e2e > s->e2e_ms)
        return 0;
    return 1;
}

static void count(struct load *L, struct step *st, const struct xfer *x, const struct meas *m)
{
    const struct reply *rp = &x->reply;
    if (x->http_status == 429 || rp->fail_http == 429)
        st->http_429++;
    if (m->st == ST_TIMEOUT)
        st->timeouts++;
    if (m->st != ST_OK) {
        st->failed++;
        return;
    }
    st->ok++;
    L->ok_total++;
    mono_ns done = x->t_last_byte ? x->t_last_byte : x->t_done;
    if (!st->first_done || done < st->first_done)
        st->first_done = done;
    if (done > st->last_done)
        st->last_done = done;
    st->in_tokens += (double)m->in;
    st->out_tokens += (double)m->out;
    st->cached_in += m->cached > 0 ? (double)m->cached : 0;
    st->usd += m->usd;
    if (m->ttft >= 0) {
        dvec_add(&st->ttft, m->ttft);
        dvec_add(&st->ttft_svc, m->ttft_svc);
    }
    dvec_add(&st->e2e, m->e2e);
    dvec_add(&st->e2e_at, m->intended_ms);
    dvec_add(&st->e2e_svc, m->e2e_svc);
    if (m->tpot >= 0)
        dvec_add(&st->tpot, m->tpot);
    for (size_t i = 0; x->stream && i < rp->ngaps; i++) {
        /* Algorithm R: every gap of the step has the same chance to be kept. */
        uint64_t seen = st->itl_seen++;
        if (st->itl.n < ITL_RESERVOIR) {
            dvec_add(&st->itl, rp->gaps_ms[i]);
        } else {
            uint64_t j = rng_below(&L->itl_rng, seen + 1);
            if (j < ITL_RESERVOIR)
                st->itl.v[j] = rp->gaps_ms[i];
        }
    }
    if (meets_slo(&L->o->slo, m))
        st->good++;
}

static struct req *req_new(struct load *L)
{
    struct req *q = L->free_reqs;
    if (q)
        L->free_reqs = q->next;
    else
        q = xmalloc(sizeof(*q));
    memset(q, 0, sizeof(*q));
    return q;
}

static void req_free(struct load *L, struct req *q)
{
    q->next = L->free_reqs;
    L->free_reqs = q;
}

static void on_done(struct xfer *x, void *ud)
{
    struct load *L = ud;
    struct req *q = x->ud;
    const struct lprompt *lp = &L->prompts[q->prompt];
    struct step *st = &L->steps[q->step];
    struct meas m;
    measure(L, q, x, lp, &m);
    write_record(L, q, x, lp, &m);
    if (!q->warmup)
        count(L, st, x, &m);
    L->in_flight--;
    if (L->o->mode == LOAD_CONCURRENCY) {
        if (L->nfreed == L->freed_cap)
            XGROW(L->freed, L->freed_cap, L->nfreed + 1);
        L->freed[L->nfreed++] = x->t_done ? x->t_done : clock_mono_ns();
    }
    L->prog.done++;
    if (m.st == ST_OK)
        L->prog.ok++;
    else
        L->prog.failed++;
    transport_put(L->t, x);
    req_free(L, q);
}

/* Starts q now; a request libcurl refuses is recorded as failed. */
static void start_req(struct load *L, struct req *q)
{
    struct step *st = &L->steps[q->step];
    const struct lprompt *lp = &L->prompts[q->prompt];
    struct xfer *x = transport_get(L->t);
    x->backend = L->b;
    x->headers = L->hdrs;
    x->url = lp->req.url;
    x->body = lp->req.body.ptr;
    x->body_len = lp->req.body.len;
    x->stream = lp->req.stream;
    x->ud = q;
    L->in_flight++;
    if (L->in_flight > st->in_flight_max)
        st->in_flight_max = L->in_flight;
    int rc = transport_start(L->t, x);
    if (!q->warmup)
        dvec_add(&st->lag, ms_of(x->t_start - q->intended));
    if (rc < 0) {
        x->t_done = x->t_last_byte = clock_mono_ns();
        on_done(x, L);
    }
}

/* A request is due at intended: start it, or queue it behind the cap. */
static void issue(struct load *L, struct step *st, mono_ns intended, int warmup, uint32_t seq)
{
    struct req *q = req_new(L);
    q->intended = intended;
    q->prompt = (uint32_t)L->order[L->next_prompt++ % L->nprompts];
    q->seq = seq;
    q->step = (uint32_t)st->index;
    q->warmup = (uint8_t)warmup;
    if (warmup) {
        st->warmup_sent++;
    } else {
        if (!st->sent)
            st->first_intended = intended;
        st->last_intended = intended;
        st->sent++;
    }
    if (L->in_flight < L->cap && !L->backlog) {
        start_req(L, q);
        return;
    }
    if (!warmup)
        st->capped++;
    if (L->backlog_tail)
        L->backlog_tail->next = q;
    else
        L->backlog = q;
    L->backlog_tail = q;
    if (++L->backlog_n > st->backlog_max)
        st->backlog_max = L->backlog_n;
}

static void drain_backlog(struct load *L)
{
    while (L->backlog && L->in_flight < L->cap) {
        struct req *q = L->backlog;
        L->backlog = q->next;
        if (!L->backlog)
            L->backlog_tail = NULL;
        L->backlog_n--;
        q->next = NULL;
        start_req(L, q);
    }
}

/* Requests never started when a run is stopped: recorded as aborted. */
static void abort_backlog(struct load *L)
{
    while (L->backlog) {
        struct req *q = L->backlog;
        L->backlog = q->next;
        L->backlog_n--;
        struct xfer *x = transport_get(L->t);
        x->backend = L->b;
        x->ud = q;
        x->stream = L->prompts[q->prompt].req.stream;
        reply_fail(&x->reply, ST_ABORTED, 1, "never sent: the run was interrupted");
        x->t_done = clock_mono_ns();
        L->in_flight++;
        on_done(x, L);
    }
    L->backlog_tail = NULL;
}

/* === one step ============================================================= */

/* Waits at most timeout_ms for the transport to have work, and moves it
 * on; the time between two calls is the load loop's own busy time. */
static void poll_all(struct load *L, long timeout_ms)
{
    mono_ns entered = clock_mono_ns();
    if (L->loop_returned && ms_of(entered - L->loop_returned) > L->loop_busy_max_ms)
        L->loop_busy_max_ms = ms_of(entered - L->loop_returned);
    transport_poll(L->t, timeout_ms);
    L->loop_returned = clock_mono_ns();
}

static void check_signals(struct load *L, int *seen)
{
    if (interrupt_count() != *seen) {
        *seen = interrupt_count();
        progress_end(&L->prog);
        if (!L->stopping) {
            L->stopping = 1;
            fprintf(stderr, "assay: interrupted: finishing %ld request%s in flight (interrupt "
                            "again to abort them)\n", L->in_flight, L->in_flight == 1 ? "" : "s");
        } else if (!L->aborted) {
            L->aborted = 1;
            fprintf(stderr, "assay: aborting the requests in flight\n");
            abort_backlog(L);
            transport_abort_all(L->t, ST_ABORTED, "aborted by a second interrupt");
        }
    }
    if (L->fatal && !L->aborted) {
        L->aborted = 1;
        abort_backlog(L);
        transport_abort_all(L->t, ST_ABORTED, "aborted: results could not be written");
    }
}

static struct step *new_step(struct load *L, double level, int bisect)
{
    if (L->nsteps == L->steps_cap)
        XGROW(L->steps, L->steps_cap, L->nsteps + 1);
    struct step *st = &L->steps[L->nsteps];
    memset(st, 0, sizeof(*st));
    st->index = (int)L->nsteps++;
    st->level = level;
    st->bisect = bisect;
    return st;
}

static long expected_requests(const struct load *L, const struct step *st)
{
    const struct load_opts *o = L->o;
    if (!is_rate(L))
        return o->requests > 0 ? o->requests : 0;
    return (long)arrival_fixed_count(st->level, o->warmup_s) +
           (o->requests > 0 ? o->requests : (long)arrival_fixed_count(st->level, o->duration_s));
}

static void run_step(struct load *L, struct step *st, int *seen)
{
    const struct load_opts *o = L->o;
    int64_t warm_ns = (int64_t)llround(o->warmup_s * 1e9);
    int64_t meas_ns = o->requests > 0 ? INT64_MAX : (int64_t)llround(o->duration_s * 1e9);
    uint32_t seq_warm = 0, seq = 0;
    int issuing = 1;
    progress_init(&L->prog, stderr, o->progress, expected_requests(L, st), 0);
    mono_ns t0 = clock_mono_ns();

    if (is_rate(L)) {
        struct arrival a;
        uint64_t key[2] = { L->seed, (uint64_t)st->index };
        arrival_init(&a, o->poisson ? ARRIVAL_POISSON : ARRIVAL_FIXED, st->level,
                     hash64(key, sizeof(key), 0x61727269));
        int64_t next = arrival_next(&a);
        for (;;) {
            mono_ns now = clock_mono_ns();
            while (issuing && !L->stopping && t0 + next <= now) {
                if (next < warm_ns) {
                    issue(L, st, t0 + next, 1, seq_warm++);
                } else if (o->requests > 0 ? (long)seq < o->requests
                                           : next - warm_ns < meas_ns) {
                    issue(L, st, t0 + next, 0, seq++);
                } else {
                    issuing = 0;
                    break;
                }
                next = arrival_next(&a);
            }
            if (L->stopping)
                issuing = 0;
            drain_backlog(L);
            if (!issuing && L->in_flight == 0 && !L->backlog)
                break;
            long timeout = 200;
            if (issuing) {
                /* Round up: a send is never early, at most the poll's
                 * millisecond late (docs/load.md, send lag). */
                mono_ns wait = t0 + next - clock_mono_ns();
                timeout = wait <= 0 ? 0 : (long)((wait + 999999) / 1000000);
            }
            poll_all(L, timeout);
            check_signals(L, seen);
            progress_tick(&L->prog, 0);
        }
    } else {
        long c = (long)st->level;
        L->nfreed = 0;
        for (long i = 0; i < c; i++) {
            if (warm_ns > 0)
                issue(L, st, t0, 1, seq_warm++);
            else
                issue(L, st, t0, 0, seq++);
        }
        for (;;) {
            /* Each slot freed is refilled at once: due when it freed. */
            for (size_t i = 0; i < L->nfreed && issuing && !L->stopping; i++) {
                mono_ns due = L->freed[i];
                if (due - t0 < warm_ns)
                    issue(L, st, due, 1, seq_warm++);
                else if (o->requests > 0 ? (long)seq < o->requests
                                         : due - t0 - warm_ns < meas_ns)
                    issue(L, st, due, 0, seq++);
                else
                    issuing = 0;
            }
            L->nfreed = 0;
            if (L->stopping)
                issuing = 0;
            drain_backlog(L);
            if (!issuing && L->in_flight == 0 && !L->backlog)
                break;
            poll_all(L, 200);
            check_signals(L, seen);
            progress_tick(&L->prog, 0);
        }
    }
    progress_end(&L->prog);
    st->interrupted = L->stopping;
}

/* === the run ============================================================== */

static void load_free(struct load *L)
{
    for (size_t i = 0; i < L->nprompts && L->prompts; i++)
        prompt_free(&L->prompts[i]);
    free(L->prompts);
    free(L->order);
    for (size_t i = 0; i < L->nsteps; i++) {
        struct step *st = &L->steps[i];
        free(st->ttft.v);
        free(st->ttft_svc.v);
        free(st->e2e.v);
        free(st->e2e_at.v);
        free(st->e2e_svc.v);
        free(st->tpot.v);
        free(st->lag.v);
        free(st->itl.v);
    }
    free(L->steps);
    while (L->free_reqs) {
        struct req *q = L->free_reqs;
        L->free_reqs = q->next;
        free(q);
    }
    free(L->freed);
    curl_slist_free_all(L->hdrs);
    transport_free(L->t);
    if (L->have_plan)
        plan_release(&L->plan);
    config_release(&L->cfg);
    free(L->out);
}

/* Checks what the flags ask of this backend; prints and returns -1. */
static int check_backend(struct load *L)
{
    const struct load_opts *o = L->o;
    const struct slo *s = &o->slo;
    if (!L->b->stream && (!isnan(s->ttft_ms) || !isnan(s->itl_ms) || !isnan(s->tpot_ms))) {
        fprintf(stderr, "assay load: --slo %s needs a streaming backend; backend %s does not "
                        "stream (set \"stream\": true in %s, or use e2e)\n",
                !isnan(s->ttft_ms) ? "ttft" : !isnan(s->itl_ms) ? "itl" : "tpot", L->b->name,
                L->cfg.file);
        return -1;
    }
    if (L->b->limits.max_concurrent || L->b->limits.requests_per_minute ||
        L->b->limits.tokens_per_minute)
        fprintf(stderr, "assay load: note: backend %s's limits are not applied in load mode: "
                        "the offered load is the experiment\n", L->b->name);
    return 0;
}

static int prepare(struct load *L, struct diag *d)
{
    const struct load_opts *o = L->o;
    d->echo = stderr;
    if (config_load(o->config, &L->cfg, d) < 0)
        return -1;
    L->b = config_backend(&L->cfg, o->backend);
    if (!L->b) {
        char known[512] = "";
        for (size_t i = 0; i < L->cfg.nbackends; i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
                     L->cfg.backends[i].name);
        }
        return diag_fail(d, "--backend %s: no backend of that name in %s (known: %s)",
                         o->backend, L->cfg.file, known);
    }
    L->seed = o->has_seed ? o->seed : L->cfg.run.seed;
    if (L->cfg.run.max_cost_usd > 0)
        fprintf(stderr, "assay load: warning: run.max_cost_usd caps assay run only; a load "
                        "sweep sends what its rates and durations ask for (docs/load.md)\n");
    if (o->synth_out > 0)
        return synth_prompts(L, d);
    if (!o->suites && L->cfg.run.nsuites == 0)
        return diag_fail(d, "no prompts to send: pass --suite S or --synthetic IN:OUT (%s "
                            "lists no run.suites)", L->cfg.file);
    char *bn[1] = { (char *)o->backend };
    struct plan_filter f = { .suites = o->suites, .nsuites = o->nsuites, .backends = bn,
                             .nbackends = 1, .repeats = 1 };
    L->have_plan = 1;   /* released even when half built */
    if (plan_build(&L->plan, &L->cfg, &f, d) < 0)
        return -1;
    d->echo = NULL;
    return suite_prompts(L, d);
}

/* Runs the sweep, then bisection between the knee and the first failure. */
static void run_steps(struct load *L, int *seen)
{
    const struct load_opts *o = L->o;
    for (size_t i = 0; i < o->nlevels && !L->stopping; i++) {
        struct step *st = new_step(L, o->levels[i], 0);
        if (o->progress != PROGRESS_OFF)
            fprintf(stderr, "assay load: step %d: %s %.4g%s for %s%s\n", st->index,
                    is_rate(L) ? "rate" : "concurrency", st->level, is_rate(L) ? " req/s" : "",
                    o->requests > 0 ? "a count of requests" : "a duration",
                    o->warmup_s > 0 ? " after a warm-up" : "");
        run_step(L, st, seen);
        load_finish_step(L, st);
        load_print_step(L, st);
    }
    for (int k = 0; k < o->bisect && !L->stopping; k++) {
        long lo, hi;
        load_find_knee(L, &lo, &hi);
        if (lo < 0 || hi < 0)
            break;
        double a = L->steps[lo].level, b = L->steps[hi].level, mid;
        if (is_rate(L)) {
            if ((b - a) / a <= BISECT_PRECISION)
                break;
            mid = (a + b) / 2;
        } else {
            if (b - a <= 1)
                break;
            mid = floor((a + b) / 2);
        }
        struct step *st = new_step(L, mid, 1);
        if (o->progress != PROGRESS_OFF)
            fprintf(stderr, "assay load: step %d (bisection between %.4g and %.4g): %.4g\n",
                    st->index, a, b, mid);
        run_step(L, st, seen);
        load_finish_step(L, st);
        load_print_step(L, st);
    }
}

int load_execute(const struct load_opts *o)
{
    struct load LL;
    struct load *L = &LL;
    memset(L, 0, sizeof(*L));
    L->o = o;
    struct diag d;
    diag_init(&d);
    if (prepare(L, &d) < 0) {
        diag_print(&d, stderr);
        load_free(L);
        return EXIT_INPUT;
    }
    if (check_backend(L) < 0) {
        load_free(L);
        return EXIT_INPUT;
    }
    const struct pricing *pr = &L->b->pricing;
    L->prices = (struct load_prices){ pr->set, pr->input_per_mtok, pr->cached_input_per_mtok,
                                      pr->output_per_mtok, pr->per_request, pr->per_hour };
    L->bottleneck_ms = L->cfg.run.bottleneck_lag_ms;
    shuffle_prompts(L);
    rng_seed(&L->itl_rng, hash64("itl", 3, L->seed));
    runmeta_new_id(L->run_id, sizeof(L->run_id));
    L->out = o->out ? xstrdup(o->out)
             : L->cfg.run.out ? xstrdup(L->cfg.run.out)
             : xasprintf("runs/%s", L->run_id);
    char *res = xasprintf("%s/results.jsonl", L->out);
    int exists = file_exists(res);
    free(res);
    if (exists) {
        fprintf(stderr, "assay: error: %s already holds a run; choose another --out\n", L->out);
        load_free(L);
        return EXIT_INPUT;
    }
    file_raise_open_limit();
    struct rlimit rl;
    L->cap = o->max_in_flight > 0 ? o->max_in_flight : LOAD_DEFAULT_MAX_IN_FLIGHT;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)L->cap + 64 > rl.rlim_cur) {
        long fit = (long)rl.rlim_cur - 64;
        if (o->max_in_flight > 0 || !is_rate(L)) {
            fprintf(stderr, "assay load: error: %ld requests in flight need more open files "
                            "than the limit allows (%ld); raise it (ulimit -n) or lower the "
                            "level\n", L->cap, (long)rl.rlim_cur);
            load_free(L);
            return EXIT_INPUT;
        }
        L->cap = fit > 1 ? fit : 1;
    }
    for (size_t i = 0; !is_rate(L) && i < o->nlevels; i++)
        if (o->levels[i] > (double)L->cap) {
            fprintf(stderr, "assay load: --concurrency %.0f is above --max-in-flight %ld\n",
                    o->levels[i], L->cap);
            load_free(L);
            return EXIT_INPUT;
        }
    L->t = transport_new(L->cap, on_done, L);
    L->hdrs = transport_headers(L->b);

    L->mono0 = clock_mono_ns();
    L->wall0 = clock_wall_ns();
    clock_format_rfc3339(L->wall0, L->started_at, sizeof(L->started_at));
    char *wdir = xasprintf("%s/warmup", L->out);
    int rc = results_open(&L->w, L->out, &d);
    if (rc == 0)
        L->w_open = 1;
    if (rc == 0 && o->warmup_s > 0) {
        rc = results_open(&L->ww, wdir, &d);
        if (rc == 0)
            L->ww_open = 1;
    }
    free(wdir);
    if (rc < 0 || load_write_run_json(L, 0, &d) < 0) {
        diag_print(&d, stderr);
        if (L->w_open)
            results_close(&L->w, &d);
        if (L->ww_open)
            results_close(&L->ww, &d);
        load_free(L);
        return EXIT_INPUT;
    }

    interrupt_catch(transport_wake_fd(L->t));

    int seen = 0;
    run_steps(L, &seen);

    interrupt_release();

    rc = EXIT_LOAD_OK;
    struct diag cd;
    diag_init(&cd);
    int close_rc = results_close(&L->w, &cd);
    if (L->ww_open && results_close(&L->ww, &cd) < 0)
        close_rc = -1;
    if (L->fatal || close_rc < 0) {
        diag_print(L->fatal ? &L->fatal_diag : &cd, stderr);
        rc = EXIT_INPUT;
    } else if (load_write_run_json(L, 1, &d) < 0) {
        diag_print(&d, stderr);
        rc = EXIT_INPUT;
    }
    load_print_knee(L);
    if (L->loop_busy_max_ms > LOOP_STALL_MS)
        fprintf(stderr, "assay load: warning: the event loop stalled for %.1f ms once; "
                        "latencies near that time may be inflated\n", L->loop_busy_max_ms);
    printf("results: %s/results.jsonl, steps and knee: %s/run.json (load)\n", L->out, L->out);
    long lo, hi;
    load_find_knee(L, &lo, &hi);
    if (rc == EXIT_LOAD_OK && L->stopping)
        rc = EXIT_INTERRUPTED;
    else if (rc == EXIT_LOAD_OK && lo < 0)
        rc = EXIT_NO_KNEE;
    load_free(L);
    return rc;
}
