/* sched.c -- concurrency, rate limits and retry timing; see sched.h.
 *
 * Retry policy (protocols.md 1.5, 6.5; AWS "full jitter"): the delay
 * before a retry is what the server asked for (retry-after-ms,
 * retry-after, rate-limit reset headers, hf-inference estimated_time),
 * else uniform(0, min(cap_ms, base_ms * 2^n)) from the run's seeded RNG.
 * The caller decides whether to retry at all (retryable, attempts left,
 * and a server wait no longer than max_wait_ms).
 *
 * Intended start time of a job (the client self-check): when it became
 * ready (queued at run start, or its retry wait ended), or, if it then had
 * to wait for a free slot or a rate-limit token, when that slot freed
 * (the last byte of the request that held it) or that token came. The
 * difference to the actual start is time the client itself lost. */
#include "sched.h"
#include "harness/util/rng.h"
#include "harness/util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct waiting {
    mono_ns wake;
    size_t job;
};

struct bucket {
    double rate_per_ns;     /* 0 = no limit */
    double capacity;
    double level;
    mono_ns last;
};

struct sbackend {
    size_t *queue;          /* FIFO of jobs */
    size_t qhead, qlen, qcap;
    mono_ns *ready;         /* ready_at per queued job, parallel to queue */
    struct waiting *heap;   /* retries, min-heap on wake */
    size_t nheap, heap_cap;
    long inflight;
    double limit;           /* 0 = only the global limit */
    double max_limit;
    double min_limit;
    int adaptive;
    mono_ns last_decrease;
    long rate_limited;
    struct bucket rpm, tpm;
    mono_ns freed_at;       /* a slot freed while jobs were blocked on it */
    int blocked;            /* a job waited for a slot since the last free */
    mono_ns token_at;       /* when a blocked job's tokens are there */
};

struct sched {
    struct sbackend *b;
    size_t nb;
    long global_limit;
    long inflight;
    int blocked;            /* a job waited for a global slot */
    mono_ns freed_at;
    size_t cursor;          /* round robin */
    struct retry_conf retries;
    struct rng rng;
    sched_cost_fn *cost;
    void *ud;
};

struct sched *sched_new(size_t nbackends, long global_limit, const struct retry_conf *retries,
                        uint64_t seed, sched_cost_fn *cost, void *ud)
{
    struct sched *s = xcalloc(1, sizeof(*s));
    s->b = xcalloc(nbackends ? nbackends : 1, sizeof(*s->b));
    s->nb = nbackends;
    s->global_limit = global_limit > 0 ? global_limit : 1;
    s->retries = *retries;
    rng_seed(&s->rng, seed ^ 0x5eed5c4edULL);
    s->cost = cost;
    s->ud = ud;
    return s;
}

void sched_free(struct sched *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nb; i++) {
        free(s->b[i].queue);
        free(s->b[i].ready);
        free(s->b[i].heap);
    }
    free(s->b);
    free(s);
}

static void bucket_init(struct bucket *k, double per_minute)
{
    memset(k, 0, sizeof(*k));
    if (per_minute <= 0)
        return;
    k->rate_per_ns = per_minute / 60e9;
    k->capacity = per_minute / 60.0 < 1 ? 1 : per_minute / 60.0;
    k->level = k->capacity;
}

static void bucket_refill(struct bucket *k, mono_ns now)
{
    if (!k->rate_per_ns)
        return;
    if (k->last && now > k->last) {
        k->level += (double)(now - k->last) * k->rate_per_ns;
        if (k->level > k->capacity)
            k->level = k->capacity;
    }
    k->last = now;
}

/* Tokens needed before a job of this cost may start: a cost above the
 * capacity waits for a full bucket and then drives the level negative. */
static double bucket_need(const struct bucket *k, double cost)
{
    return cost < k->capacity ? cost : k->capacity;
}

/* When the bucket will hold `need`, or now if it does. */
static mono_ns bucket_ready_at(const struct bucket *k, double need, mono_ns now)
{
    if (!k->rate_per_ns || k->level >= need)
        return now;
    return now + (mono_ns)ceil((need - k->level) / k->rate_per_ns);
}

void sched_backend(struct sched *s, size_t b, const struct limits *l, int adaptive)
{
    struct sbackend *sb = &s->b[b];
    sb->limit = (double)l->max_concurrent;
    sb->adaptive = adaptive;
    sb->max_limit = l->max_concurrent ? (double)l->max_concurrent : (double)s->global_limit;
    if (adaptive && !sb->limit)
        sb->limit = sb->max_limit;
    sb->min_limit = sb->limit;
    bucket_init(&sb->rpm, l->requests_per_minute);
    bucket_init(&sb->tpm, l->tokens_per_minute);
}

void sched_push(struct sched *s, size_t b, size_t job, mono_ns ready_at)
{
    struct sbackend *sb = &s->b[b];
    if (sb->qhead + sb->qlen == sb->qcap) {
        if (sb->qhead > 0) {
            memmove(sb->queue, sb->queue + sb->qhead, sb->qlen * sizeof(*sb->queue));
            memmove(sb->ready, sb->ready + sb->qhead, sb->qlen * sizeof(*sb->ready));
            sb->qhead = 0;
        }
        if (sb->qlen == sb->qcap) {
            size_t cap = sb->qcap;
            XGROW(sb->queue, sb->qcap, sb->qlen + 1);
            XGROW(sb->ready, cap, sb->qlen + 1);
        }
    }
    sb->queue[sb->qhead + sb->qlen] = job;
    sb->ready[sb->qhead + sb->qlen] = ready_at;
    sb->qlen++;
}

static void heap_push(struct sbackend *sb, mono_ns wake, size_t job)
{
    if (sb->nheap == sb->heap_cap)
        XGROW(sb->heap, sb->heap_cap, sb->nheap + 1);
    size_t i = sb->nheap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (sb->heap[parent].wake <= wake)
            break;
        sb->heap[i] = sb->heap[parent];
        i = parent;
    }
    sb->heap[i].wake = wake;
    sb->heap[i].job = job;
}

static struct waiting heap_pop(struct sbackend *sb)
{
    struct waiting top = sb->heap[0];
    struct waiting last = sb->heap[--sb->nheap];
    size_t n = sb->nheap, i = 0;
    if (n == 0)
        return top;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        mono_ns mw = last.wake;
        if (l < n && sb->heap[l].wake < mw) {
            m = l;
            mw = sb->heap[l].wake;
        }
        if (r < n && sb->heap[r].wake < mw)
            m = r;
        if (m == i)
            break;
        sb->heap[i] = sb->heap[m];
        i = m;
    }
    sb->heap[i] = last;
    return top;
}

void sched_retry(struct sched *s, size_t b, size_t job, mono_ns wake_at)
{
    heap_push(&s->b[b], wake_at, job);
}

static int slot_free(const struct sbackend *sb)
{
    return !sb->limit || sb->inflight < (long)floor(sb->limit);
}

int sched_next(struct sched *s, mono_ns now, size_t *job, size_t *b, mono_ns *intended)
{
    if (s->inflight >= s->global_limit) {
        for (size_t i = 0; i < s->nb; i++)
            if (s->b[i].qlen || (s->b[i].nheap && s->b[i].heap[0].wake <= now))
                s->blocked = 1;
        return 0;
    }
    for (size_t k = 0; k < s->nb; k++) {
        size_t bi = (s->cursor + k) % s->nb;
        struct sbackend *sb = &s->b[bi];
        int retry = sb->nheap && sb->heap[0].wake <= now;
        if (!retry && !sb->qlen)
            continue;
        if (!slot_free(sb)) {
            sb->blocked = 1;
            continue;
        }
        size_t j = retry ? sb->heap[0].job : sb->queue[sb->qhead];
        mono_ns ready = retry ? sb->heap[0].wake : sb->ready[sb->qhead];
        double cost = s->cost && sb->tpm.rate_per_ns ? s->cost(s->ud, j) : 0;
        bucket_refill(&sb->rpm, now);
        bucket_refill(&sb->tpm, now);
        mono_ns r1 = bucket_ready_at(&sb->rpm, 1, now);
        mono_ns r2 = bucket_ready_at(&sb->tpm, bucket_need(&sb->tpm, cost), now);
        if (r1 > now || r2 > now) {
            mono_ns at = r1 > r2 ? r1 : r2;
            if (!sb->token_at || at > sb->token_at)
                sb->token_at = at;
            continue;
        }
        if (retry)
            heap_pop(sb);
        else {
            sb->qhead++;
            sb->qlen--;
        }
        if (sb->rpm.rate_per_ns)
            sb->rpm.level -= 1;
        if (sb->tpm.rate_per_ns)
            sb->tpm.level -= cost;
        mono_ns when = ready;
        if (s->freed_at > when)
            when = s->freed_at;
        if (sb->freed_at > when)
            when = sb->freed_at;
        if (sb->token_at > when && sb->token_at <= now)
            when = sb->token_at;
        sb->token_at = 0;
        sb->inflight++;
        s->inflight++;
        s->cursor = (bi + 1) % s->nb;
        *job = j;
        *b = bi;
        *intended = when < now ? when : now;
        return 1;
    }
    return 0;
}

void sched_finished(struct sched *s, size_t b, mono_ns freed_at, double est_tokens,
                    double actual_tokens, int rate_limited, int ok)
{
    struct sbackend *sb = &s->b[b];
    sb->inflight--;
    s->inflight--;
    if (s->blocked) {
        s->blocked = 0;
        s->freed_at = freed_at;
    }
    if (sb->blocked) {
        sb->blocked = 0;
        sb->freed_at = freed_at;
    }
    if (sb->tpm.rate_per_ns && actual_tokens >= 0)
        sb->tpm.level -= actual_tokens - est_tokens;
    if (rate_limited) {
        sb->rate_limited++;
        if (sb->adaptive && freed_at - sb->last_decrease > 1000000000LL) {
            sb->limit = sb->limit / 2 < 1 ? 1 : sb->limit / 2;
            sb->last_decrease = freed_at;
            if (sb->limit < sb->min_limit)
                sb->min_limit = sb->limit;
        }
    } else if (ok && sb->adaptive) {
        sb->limit += 1.0 / sb->limit;
        if (sb->limit > sb->max_limit)
            sb->limit = sb->max_limit;
    }
}

mono_ns sched_next_wake(const struct sched *s, mono_ns now)
{
    mono_ns best = 0;
    for (size_t i = 0; i < s->nb; i++) {
        const struct sbackend *sb = &s->b[i];
        mono_ns w = 0;
        if (sb->nheap && sb->heap[0].wake > now)
            w = sb->heap[0].wake;
        if (sb->token_at > now && (!w || sb->token_at < w))
            w = sb->token_at;
        if (w && (!best || w < best))
            best = w;
    }
    return best;
}

size_t sched_waiting(const struct sched *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nb; i++)
        n += s->b[i].qlen + s->b[i].nheap;
    return n;
}

size_t sched_drop_all(struct sched *s)
{
    size_t n = sched_waiting(s);
    for (size_t i = 0; i < s->nb; i++) {
        s->b[i].qhead = s->b[i].qlen = 0;
        s->b[i].nheap = 0;
        s->b[i].token_at = 0;
    }
    return n;
}

mono_ns sched_backoff(struct sched *s, int attempt, double server_ms)
{
    if (server_ms >= 0)
        return (mono_ns)(server_ms * 1e6);
    double bound = (double)s->retries.base_ms;
    for (int i = 2; i < attempt && bound < (double)s->retries.cap_ms; i++)
        bound *= 2;
    if (bound > (double)s->retries.cap_ms)
        bound = (double)s->retries.cap_ms;
    return (mono_ns)(rng_uniform(&s->rng) * bound * 1e6);
}

void sched_stats(const struct sched *s, size_t b, struct sched_stats *out)
{
    const struct sbackend *sb = &s->b[b];
    out->rate_limited = sb->rate_limited;
    out->limit_now = sb->limit;
    out->limit_min = sb->min_limit;
}
