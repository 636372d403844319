/* run.c -- the run engine (DESIGN.md data flow: plan -> scheduler ->
 * transport -> scorers -> results.jsonl).
 *
 * One thread, one loop (STYLE.md 7):
 *   start every job the scheduler allows now -> transport_poll(bounded by
 *   the next timer) -> for each finished attempt: retry later, or score,
 *   write and flush the record -> check signals -> progress.
 * A record is written the moment its request ends and before any other
 * request is issued (the done callback runs before the next refill).
 *
 * Jobs are plan entries. A job's request (URL, body) is built once, when
 * it first starts, and reused by its retries and for the cache key. A
 * retry waits on a timer in the scheduler, never in a sleep.
 *
 * Stopping: the first SIGINT/SIGTERM stops issuing; jobs waiting for a
 * retry are written with their last (retryable) failure; in-flight
 * requests finish and are written. A second one aborts them (written as
 * "aborted", retryable). Anything never started has no record. Resume
 * runs exactly what has no record or whose last record is a retryable
 * failure, never what succeeded or was refused. */
#define _GNU_SOURCE
#include "run.h"
#include "backends/backend.h"
#include "cache.h"
#include "config.h"
#include "interrupt.h"
#include "plan.h"
#include "results.h"
#include "runmeta.h"
#include "sched.h"
#include "transport.h"
#include "harness/util/fileio.h"
#include "harness/util/jsonv.h"
#include "harness/util/jsonw.h"
#include "harness/util/rng.h"
#include "harness/util/strmap.h"
#include "harness/util/tokens.h"
#include "harness/util/xalloc.h"
#include "scorers/judge.h"
#include "scorers/scorer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_RUN_OK = 0, EXIT_ALL_FAILED = 1, EXIT_BUDGET = 1, EXIT_INPUT = 2,
       EXIT_INTERRUPTED = 130 };
/* The spending cap reserves each request's worst case: max_tokens of
 * output (this many when the request sets none) and the input estimate
 * (harness/util/tokens.h) times this margin, as a provider's tokenizer
 * may count more than the estimate. */
#define BUDGET_UNBOUNDED_OUT 4096.0
#define BUDGET_INPUT_MARGIN 1.5

enum job_state { J_QUEUED, J_RUNNING, J_WAITING, J_DONE, J_SKIPPED };

struct attempt_rec {
    enum rstatus status;
    long http_status;
    char *error;               /* owned, or NULL */
    double retry_after_ms;     /* -1 = none */
    double start_ms, duration_ms;
};

/* What an xfer's ud points at: the job's own request, or one judge request. */
enum ticket_kind { T_MAIN, T_JUDGE };
struct ticket {
    enum ticket_kind kind;
    size_t job;
};

/* One judge request (LLM-as-judge) for one scorer of one record. */
struct judge_req {
    struct ticket t;            /* kind T_JUDGE */
    size_t scorer;              /* index in the suite's scorers */
    const struct backend_conf *backend;
    struct curl_slist *headers; /* borrowed from the run */
    struct http_req req;
    int nattempts;
    struct attempt_rec *att;
    struct xfer *x;             /* the finished attempt, kept for the record */
    mono_ns wake;               /* waiting to retry until then; 0 = not waiting */
    int done;
};

struct job {
    struct ticket t;           /* kind T_MAIN */
    uint8_t state;
    uint8_t nattempts;
    struct attempt_rec *att;   /* max_attempts of them, allocated on first start */
    struct http_req req;       /* built on first start */
    int built;
    double est_in;             /* estimated input tokens of the rendered prompt */
    double est_cost;           /* est_in + max output tokens (tpm bucket) */
    double max_out;            /* output tokens at most (BUDGET_UNBOUNDED_OUT if unset) */
    double reserved_usd;       /* held against the spending cap until written */
    mono_ns intended;          /* of the attempt now running */
    int64_t first_wall_ns;
    struct xfer *held;         /* the ok answer, held while its judges run */
    int held_cached;
    struct judge_req *judges;  /* one per judge scorer of the suite */
    size_t njudges, judges_left;
};

struct run {
    struct config cfg;
    struct plan plan;
    const struct run_opts *o;
    char *out;
    char run_id[40];
    char started_at[40];
    mono_ns mono0;
    int64_t wall0;
    struct transport *t;
    struct sched *s;
    struct results_writer w;
    struct curl_slist **hdrs;  /* per plan backend */
    struct curl_slist **judge_hdrs;   /* per config backend, built on demand */
    struct judge_req **jwait;  /* judge requests waiting to retry */
    size_t njwait, jwait_cap;
    void ***scorer_state;      /* per suite, per scorer */
    struct job *jobs;
    long max_attempts;
    struct buf line;           /* the record being written */
    struct buf key;
    struct progress prog;
    /* counters of this process */
    long written, ok, failed, cached, retries;
    long *by_status;           /* per enum rstatus */
    double *lags;              /* send lag (ms) of each first attempt */
    size_t nlags, lags_cap;
    int stopping;              /* no new requests */
    double cap_usd;            /* spending cap of the run folder, 0 = none */
    double spent_usd;          /* what its records cost (resumed ones included) */
    double reserved_usd;       /* worst case of the requests started, not yet written */
    int budget_stopped;        /* the cap stopped the run */
    int aborted;
    int fatal;                 /* a write failed */
    struct diag fatal_diag;
    size_t prebuild_at;        /* next plan entry to build ahead of time */
    long built_ahead;          /* built, not yet started */
    long window;               /* how many to keep built ahead */
    long resumed_done;         /* plan entries already done on disk */
    long resumed_ok;
    cJSON *resume_run_json;    /* run.json of the folder being resumed, or NULL */
    struct shard shard;        /* the slice of the plan this run holds */
};

static double ms_since0(const struct run *r, mono_ns t)
{
    return (double)(t - r->mono0) / 1e6;
}

/* === small helpers ======================================================== */

/* Numbers of run.json's summary as raw JSON text, the way records print
 * them (jsonw_fixed3: milliseconds to the microsecond). */
static void add_fixed3(cJSON *o, const char *k, double v)
{
    struct buf t = BUF_INIT;
    struct jsonw w;
    jsonw_init(&w, &t);
    jsonw_fixed3(&w, v);
    cJSON_AddRawToObject(o, k, t.ptr);
    buf_release(&t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, size_t n, double p)
{
    if (!n)
        return 0;
    size_t k = (size_t)ceil(p * (double)n);
    if (k < 1)
        k = 1;
    return v[k - 1];
}

static const char *request_id(const struct xfer *x, char *out, size_t n)
{
    struct http_resp resp = { x->http_status, "", x->resp_headers.ptr, x->resp_headers.len,
                              NULL, 0 };
    static const char *const names[] = { "x-request-id", "request-id", "apim-request-id",
                                         "x-amzn-trace-id", NULL };
    for (size_t i = 0; names[i]; i++)
        if (http_header(&resp, names[i], out, n) && *out)
            return out;
    return NULL;
}

/* === records ==============================================================
 *
 * A record is written straight into r->line with jsonw (no cJSON tree:
 * building, printing and freeing one was most of the client's CPU per
 * request). Keys come in docs/records.md's order; the text is what
 * cJSON_PrintUnformatted printed for the same record. */

static void add_timing(struct run *r, struct jsonw *w, const struct job *j, const struct xfer *x,
                       long out_tokens)
{
    jsonw_key(w, "timing");
    jsonw_obj(w);
    double intended = ms_since0(r, j->intended), start = ms_since0(r, x->t_start);
    jsonw_key(w, "intended_start_ms");
    jsonw_fixed3(w, intended);
    jsonw_key(w, "start_ms");
    jsonw_fixed3(w, start);
    jsonw_key(w, "send_lag_ms");
    jsonw_fixed3(w, start - intended);
    const struct reply *rp = &x->reply;
    double e2e = (double)(x->t_last_byte - x->t_start) / 1e6;
    double ttft = -1;
    if (x->stream && rp->t_first_text) {
        ttft = (double)(rp->t_first_text - x->t_start) / 1e6;
        jsonw_key(w, "ttft_ms");
        jsonw_fixed3(w, ttft);
    }
    if (x->stream && rp->t_first_any) {
        jsonw_key(w, "ttft_any_ms");
        jsonw_fixed3(w, (double)(rp->t_first_any - x->t_start) / 1e6);
    }
    jsonw_key(w, "e2e_ms");
    jsonw_fixed3(w, e2e);
    if (x->stream && rp->ngaps) {
        double *g = xmalloc(rp->ngaps * sizeof(double));
        memcpy(g, rp->gaps_ms, rp->ngaps * sizeof(double));
        qsort(g, rp->ngaps, sizeof(double), cmp_double);
        double sum = 0;
        for (size_t i = 0; i < rp->ngaps; i++)
            sum += g[i];
        jsonw_key(w, "itl_ms");
        jsonw_obj(w);
        jsonw_key(w, "count");
        jsonw_int(w, (long long)rp->ngaps);
        jsonw_key(w, "mean");
        jsonw_fixed3(w, sum / (double)rp->ngaps);
        jsonw_key(w, "p50");
        jsonw_fixed3(w, pct(g, rp->ngaps, 0.50));
        jsonw_key(w, "p95");
        jsonw_fixed3(w, pct(g, rp->ngaps, 0.95));
        jsonw_key(w, "max");
        jsonw_fixed3(w, g[rp->ngaps - 1]);
        jsonw_obj_end(w);
        free(g);
    }
    if (ttft >= 0 && out_tokens > 1) {
        jsonw_key(w, "tpot_ms");
        jsonw_fixed3(w, (e2e - ttft) / (double)(out_tokens - 1));
    }
    if (out_tokens > 0) {
        double span = ttft >= 0 ? e2e - ttft : e2e;
        if (span > 0) {
            jsonw_key(w, "output_tokens_per_s");
            jsonw_fixed3(w, (double)out_tokens / (span / 1e3));
        }
    }
    const struct { const char *key; double v; } phases[] = {
        { "dns_ms", x->dns_ms }, { "connect_ms", x->connect_ms },
        { "tls_ms", x->tls_ms }, { "first_byte_ms", x->first_byte_ms },
    };
    for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
        if (phases[i].v >= 0) {
            jsonw_key(w, phases[i].key);
            jsonw_fixed3(w, phases[i].v);
        }
    }
    jsonw_obj_end(w);
}

/* A money amount: 12 significant digits are more than any price has. */
static void add_usd(struct jsonw *w, const char *k, double v)
{
    jsonw_key(w, k);
    jsonw_sig(w, v, 12);
}

/* Writes "cost"; returns the USD amount (0 when unpriced). */
static double add_cost(struct jsonw *w, const struct backend_conf *b, long in, long out,
                       long cached, int have_usage)
{
    const struct pricing *p = &b->pricing;
    jsonw_key(w, "cost");
    if (!p->set || !have_usage) {
        jsonw_null(w);
        return 0;
    }
    double c = cached > 0 ? (double)cached : 0;
    double fresh = (double)in - c;
    if (fresh < 0)
        fresh = 0;
    double in_usd = (fresh * p->input_per_mtok + c * p->cached_input_per_mtok) / 1e6;
    double out_usd = (double)out * p->output_per_mtok / 1e6;
    const char *basis = p->per_hour > 0 ? "per_hour"
                        : (p->input_per_mtok == 0 && p->output_per_mtok == 0 && p->per_request > 0)
                            ? "per_request" : "per_token";
    if (p->per_hour > 0) {
        in_usd = out_usd = 0;   /* amortised over the run's throughput by the report */
    }
    double req_usd = p->per_hour > 0 ? 0 : p->per_request;
    jsonw_obj(w);
    add_usd(w, "usd", in_usd + out_usd + req_usd);
    add_usd(w, "input_usd", in_usd);
    add_usd(w, "output_usd", out_usd);
    add_usd(w, "request_usd", req_usd);
    jsonw_key(w, "basis");
    jsonw_str(w, basis);
    jsonw_obj_end(w);
    return in_usd + out_usd + req_usd;
}

/* The scores of one answer, one member per scorer but the judges (which
 * judge_fill_scores fills from the judge's reply). */
static cJSON *score(struct run *r, size_t entry, const char *hyp)
{
    const struct plan_entry *e = &r->plan.e[entry];
    const struct suite *s = &r->plan.suites[e->suite];
    const struct item *it = &s->data.items[e->item];
    cJSON *scores = cJSON_CreateObject();
    struct score_item si = { hyp, it->refs, it->nrefs, it->gold, it->obj };
    for (size_t k = 0; k < s->nscorers; k++) {
        const struct scorer_spec *sp = &s->scorers[k];
        if (sp->ops && strcmp(sp->ops->type, "judge") == 0)
            continue;   /* filled from the judge's reply (judge_fill_scores) */
        cJSON *out = cJSON_CreateObject();
        struct diag d;
        diag_init(&d);
        if (!sp->ops || sp->ops->score(r->scorer_state[e->suite][k], &si, out, &d) < 0) {
            cJSON_Delete(out);
            out = cJSON_CreateObject();
            cJSON_AddStringToObject(out, "error", d.set ? d.msg : "scorer failed");
        }
        cJSON_AddItemToObject(scores, sp->name, out);
    }
    return scores;
}

static void add_attempts(struct jsonw *w, const struct attempt_rec *att, int n)
{
    jsonw_key(w, "attempts");
    jsonw_arr(w);
    for (int a = 0; a < n; a++) {
        const struct attempt_rec *ar = &att[a];
        jsonw_obj(w);
        jsonw_key(w, "status");
        jsonw_str(w, rstatus_name(ar->status));
        jsonw_key(w, "http_status");
        if (ar->http_status)
            jsonw_int(w, ar->http_status);
        else
            jsonw_null(w);
        jsonw_key(w, "error");
        jsonw_str(w, ar->error);
        jsonw_key(w, "retry_after_ms");
        if (ar->retry_after_ms >= 0)
            jsonw_fixed3(w, ar->retry_after_ms);
        else
            jsonw_null(w);
        jsonw_key(w, "start_ms");
        jsonw_fixed3(w, ar->start_ms);
        jsonw_key(w, "duration_ms");
        jsonw_fixed3(w, ar->duration_ms);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
}

/* The judge's part of a record: its requests, usage and cost apart from
 * the judged backend's; each judge scorer's member goes into scores. */
/* Writes "judge"; returns what the judge requests cost. */
static double add_judges(struct run *r, const struct job *j, struct jsonw *w, cJSON *scores)
{
    const struct plan_entry *e = &r->plan.e[j->t.job];
    const struct suite *s = &r->plan.suites[e->suite];
    jsonw_key(w, "judge");
    jsonw_obj(w);
    jsonw_key(w, "backend");
    jsonw_str(w, j->judges[0].backend->name);
    jsonw_key(w, "requests");
    jsonw_arr(w);
    double usd = 0;
    for (size_t i = 0; i < j->njudges; i++) {
        const struct judge_req *q = &j->judges[i];
        const struct scorer_spec *sp = &s->scorers[q->scorer];
        const struct reply *rp = q->x ? &q->x->reply : NULL;
        enum rstatus st = !rp ? ST_TRANSPORT_ERROR : rp->failed ? rp->fail_status : ST_OK;
        jsonw_obj(w);
        jsonw_key(w, "scorer");
        jsonw_str(w, sp->name);
        jsonw_key(w, "backend");
        jsonw_str(w, q->backend->name);
        jsonw_key(w, "status");
        jsonw_str(w, rstatus_name(st));
        jsonw_key(w, "http_status");
        if (q->x && q->x->http_status)
            jsonw_int(w, q->x->http_status);
        else
            jsonw_null(w);
        jsonw_key(w, "error");
        if (st != ST_OK)
            jsonw_str(w, rp ? rp->error : "not sent");
        else
            jsonw_null(w);
        add_attempts(w, q->att, q->nattempts);
        if (rp && (st == ST_OK || rp->usage_seen)) {
            long in = rp->usage.input >= 0 ? rp->usage.input : 0;
            long out = rp->usage.output >= 0 ? rp->usage.output
                                             : (long)token_estimate(rp->text.ptr, rp->text.len);
            jsonw_key(w, "usage");
            jsonw_obj(w);
            jsonw_key(w, "input");
            jsonw_int(w, in);
            jsonw_key(w, "output");
            jsonw_int(w, out);
            jsonw_key(w, "source");
            jsonw_str(w, rp->usage.input >= 0 && rp->usage.output >= 0 ? "reported" : "estimated");
            jsonw_obj_end(w);
            usd += add_cost(w, q->backend, in, out, rp->usage.cached_input, 1);
            jsonw_key(w, "output");
            jsonw_str(w, rp->text.ptr);
        } else {
            jsonw_key(w, "usage");
            jsonw_null(w);
            jsonw_key(w, "cost");
            jsonw_null(w);
            jsonw_key(w, "output");
            jsonw_null(w);
        }
        jsonw_obj_end(w);
        cJSON *member = cJSON_CreateObject();
        if (st == ST_OK) {
            judge_fill_scores(r->scorer_state[e->suite][q->scorer], rp->text.ptr, rp->text.len,
                              member);
        } else {
            cJSON_AddBoolToObject(member, "parsed", 0);
            char why[600];
            snprintf(why, sizeof(why), "judge request failed: %s", rp ? rp->error : "not sent");
            cJSON_AddStringToObject(member, "reason", why);
        }
        cJSON_AddItemToObject(scores, sp->name, member);
    }
    jsonw_arr_end(w);
    add_usd(w, "usd", usd);
    jsonw_obj_end(w);
    return usd;
}

static void key_str(struct jsonw *w, const char *k, const char *v)
{
    jsonw_key(w, k);
    jsonw_str(w, v);
}

/* Builds and writes the record of job j. x is the last attempt (NULL if
 * none ran); cached: served from the cache (x holds the replay). */
static void write_record(struct run *r, size_t ji, const struct xfer *x, int cached)
{
    struct job *j = &r->jobs[ji];
    const struct plan_entry *e = &r->plan.e[ji];
    const struct suite *s = &r->plan.suites[e->suite];
    const struct item *it = &s->data.items[e->item];
    const struct backend_conf *b = r->plan.backends[e->backend];
    const struct reply *rp = x ? &x->reply : NULL;
    enum rstatus st = !rp ? ST_TRANSPORT_ERROR : rp->failed ? rp->fail_status : ST_OK;
    int retryable = rp ? (rp->failed ? rp->retryable : 0) : 1;
    if (st == ST_OK && rp->finish && strcmp(rp->finish, "filtered") == 0) {
        st = ST_REFUSED;   /* the provider filtered the answer */
        retryable = 0;
    }

    buf_reset(&r->line);
    struct jsonw jw, *w = &jw;
    jsonw_init(w, &r->line);
    jsonw_obj(w);
    jsonw_key(w, "schema");
    jsonw_int(w, 1);
    key_str(w, "run_id", r->run_id);
    key_str(w, "suite", s->name);
    key_str(w, "item", it->id);
    key_str(w, "backend", b->name);
    jsonw_key(w, "repeat");
    jsonw_int(w, e->repeat);
    jsonw_key(w, "step");
    jsonw_null(w);
    key_str(w, "status", rstatus_name(st));
    jsonw_key(w, "retryable");
    jsonw_bool(w, retryable);
    jsonw_key(w, "http_status");
    if (x && x->http_status)
        jsonw_int(w, x->http_status);
    else
        jsonw_null(w);
    key_str(w, "http_version", x && !cached && x->http_status ? x->http_version : NULL);
    jsonw_key(w, "error");
    if (st != ST_OK)
        jsonw_str(w, rp ? rp->error : "no attempt was made");
    else
        jsonw_null(w);
    add_attempts(w, j->att, j->nattempts);
    jsonw_key(w, "cached");
    jsonw_bool(w, cached);
    char wall[40];
    clock_format_rfc3339(j->first_wall_ns ? j->first_wall_ns : clock_wall_ns(), wall, sizeof(wall));
    key_str(w, "started_at", wall);
    char rid[128];
    key_str(w, "request_id", x && !cached ? request_id(x, rid, sizeof(rid)) : NULL);

    /* Usage: reported, else the documented estimate. */
    long in = rp ? rp->usage.input : -1, out = rp ? rp->usage.output : -1;
    double usd = 0;   /* what the record cost, judges included */
    int estimated = 0;
    if (rp && in < 0) {
        in = (long)j->est_in;
        estimated = 1;
    }
    if (rp && out < 0) {
        out = (long)token_estimate(rp->text.ptr, rp->text.len);
        estimated = 1;
    }
    if (x && !cached && (x->http_status >= 200 && x->http_status < 300))
        add_timing(r, w, j, x, out);
    jsonw_key(w, "usage");
    if (rp && (st == ST_OK || rp->usage_seen)) {
        jsonw_obj(w);
        jsonw_key(w, "input");
        jsonw_int(w, in);
        jsonw_key(w, "output");
        jsonw_int(w, out);
        jsonw_key(w, "cached_input");
        if (rp->usage.cached_input >= 0)
            jsonw_int(w, rp->usage.cached_input);
        else
            jsonw_null(w);
        jsonw_key(w, "reasoning");
        if (rp->usage.reasoning >= 0)
            jsonw_int(w, rp->usage.reasoning);
        else
            jsonw_null(w);
        key_str(w, "source", estimated ? "estimated" : "reported");
        jsonw_obj_end(w);
        usd = add_cost(w, b, in, out, rp->usage.cached_input, 1);
    } else {
        jsonw_null(w);
        jsonw_key(w, "cost");
        jsonw_null(w);
    }
    key_str(w, "finish_reason", rp ? rp->finish : NULL);
    key_str(w, "output", rp && (st == ST_OK || rp->text.len) ? rp->text.ptr : NULL);
    if (st == ST_OK) {
        /* With judges, "judge" comes before "scores" (the judges add their
         * members to scores while being written). */
        cJSON *scores = score(r, ji, rp->text.ptr);
        if (j->njudges)
            usd += add_judges(r, j, w, scores);
        jsonw_key(w, "scores");
        jsonw_cjson(w, scores);
        cJSON_Delete(scores);
    } else {
        jsonw_key(w, "scores");
        jsonw_null(w);
    }
    if (!(st == ST_OK && j->njudges)) {
        jsonw_key(w, "judge");
        jsonw_null(w);
    }
    jsonw_obj_end(w);

    if (!r->fatal && results_append(&r->w, r->line.ptr, r->line.len, &r->fatal_diag) < 0) {
        r->fatal = 1;
        r->stopping = 1;
    }

    if (!cached)
        r->spent_usd += usd;
    r->reserved_usd -= j->reserved_usd;
    j->reserved_usd = 0;
    r->written++;
    r->by_status[st]++;
    if (st == ST_OK)
        r->ok++;
    else
        r->failed++;
    if (cached)
        r->cached++;
    r->prog.done++;
    if (st == ST_OK)
        r->prog.ok++;
    else
        r->prog.failed++;
    j->state = J_DONE;
    for (int a = 0; a < j->nattempts; a++) {
        free(j->att[a].error);
        j->att[a].error = NULL;
    }
    free(j->att);
    j->att = NULL;
    free(j->req.url);
    j->req.url = NULL;
    buf_release(&j->req.body);
    j->built = 0;
    for (size_t i = 0; i < j->njudges; i++) {
        struct judge_req *q = &j->judges[i];
        for (int a = 0; a < q->nattempts; a++)
            free(q->att[a].error);
        free(q->att);
        free(q->req.url);
        buf_release(&q->req.body);
        if (q->x)
            transport_put(r->t, q->x);
    }
    free(j->judges);
    j->judges = NULL;
    j->njudges = 0;
}

/* === starting requests ==================================================== */

static double job_cost(void *ud, size_t ji)
{
    struct run *r = ud;
    return r->jobs[ji].built ? r->jobs[ji].est_cost : 0;
}

static int build_job(struct run *r, size_t ji, struct diag *d)
{
    struct job *j = &r->jobs[ji];
    const struct plan_entry *e = &r->plan.e[ji];
    const struct suite *s = &r->plan.suites[e->suite];
    const struct backend_conf *b = r->plan.backends[e->backend];
    struct prompt p;
    if (suite_render(s, &s->data.items[e->item], b->name, b->type, &p, d) < 0)
        return -1;
    gen_fill_defaults(&p.gen, &b->params);
    if (p.gen.has_seed)
        p.gen.seed += e->repeat;   /* repeats are independent samples */
    buf_init(&j->req.body, 0);
    int rc = b->ops->build(b, &p, &j->req, d);
    double in = 0;
    if (p.raw) {
        in = (double)token_estimate(p.raw, strlen(p.raw));
    } else {
        if (p.system)
            in += (double)token_estimate(p.system, strlen(p.system));
        for (size_t i = 0; i < p.nmsgs; i++)
            in += (double)token_estimate(p.msgs[i].content, strlen(p.msgs[i].content));
    }
    j->est_in = in;
    j->est_cost = in + (gen_has_max_tokens(&p.gen) ? (double)p.gen.max_tokens : 256);
    j->max_out = gen_has_max_tokens(&p.gen) ? (double)p.gen.max_tokens : BUDGET_UNBOUNDED_OUT;
    prompt_release(&p);
    if (rc == 0) {
        j->built = 1;
        j->att = xcalloc((size_t)r->max_attempts, sizeof(*j->att));
    }
    return rc;
}

static void attempt_begin(struct run *r, struct attempt_rec *att, int *n, const struct xfer *x)
{
    struct attempt_rec *a = &att[(*n)++];
    memset(a, 0, sizeof(*a));
    a->retry_after_ms = -1;
    a->start_ms = ms_since0(r, x->t_start);
}

static void begin_attempt(struct run *r, size_t ji, struct xfer *x)
{
    struct job *j = &r->jobs[ji];
    int n = j->nattempts;
    attempt_begin(r, j->att, &n, x);
    j->nattempts = (uint8_t)n;
    if (!j->first_wall_ns)
        j->first_wall_ns = r->wall0 + (x->t_start - r->mono0);
}

static void attempt_end(struct attempt_rec *a, const struct xfer *x)
{
    const struct reply *rp = &x->reply;
    a->status = rp->failed ? rp->fail_status : ST_OK;
    a->http_status = x->http_status;
    a->error = rp->failed ? xstrdup(rp->error) : NULL;
    a->retry_after_ms = rp->failed ? rp->retry_after_ms : -1;
    a->duration_ms = (double)((x->t_done ? x->t_done : x->t_last_byte) - x->t_start) / 1e6;
}

static void finish_job_slot(struct run *r, size_t ji, const struct xfer *x, int ok)
{
    const struct plan_entry *e = &r->plan.e[ji];
    const struct reply *rp = &x->reply;
    double actual = rp->usage.input >= 0 && rp->usage.output >= 0
                        ? (double)(rp->usage.input + rp->usage.output) : -1;
    sched_finished(r->s, e->backend, x->t_last_byte ? x->t_last_byte : x->t_done,
                   r->jobs[ji].est_cost, actual, x->http_status == 429, ok);
}

static void on_done(struct xfer *x, void *ud);
static int start_judges(struct run *r, size_t ji, struct xfer *x, int cached);

/* What a judge is shown as the question: the raw prompt, or the last
 * message of the prompt the judged backend was asked. */
static const char *judge_question(const struct prompt *asked)
{
    return asked->raw ? asked->raw : asked->nmsgs ? asked->msgs[asked->nmsgs - 1].content : "";
}

/* The generation parameters of a judge request to jb: the config's judge
 * max_tokens and temperature, then jb's defaults; temperature 0 if still
 * unset (a judge should be as repeatable as it can). */
static void judge_params(const struct run *r, const struct backend_conf *jb, struct prompt *jp)
{
    const cJSON *jo = r->cfg.judge.options;
    const cJSON *mt = jo ? cJSON_GetObjectItemCaseSensitive(jo, "max_tokens") : NULL;
    const cJSON *tt = jo ? cJSON_GetObjectItemCaseSensitive(jo, "temperature") : NULL;
    if (cJSON_IsNumber(mt))
        jp->gen.max_tokens = (long)mt->valuedouble;
    if (cJSON_IsNumber(tt))
        jp->gen.temperature = tt->valuedouble;
    gen_fill_defaults(&jp->gen, &jb->params);
    if (!gen_has_temperature(&jp->gen))
        jp->gen.temperature = 0;
}

static int try_cache(struct run *r, size_t ji, struct xfer *x, const char *key)
{
    struct cache_entry ce;
    if (!cache_get(r->o->cache_dir, key, &ce))
        return 0;
    transport_replay(x, ce.status, ce.content_type, ce.headers.ptr, ce.headers.len, ce.body.ptr,
                     ce.body.len);
    cache_entry_release(&ce);
    if (x->reply.failed)
        return 0;   /* a stored answer that no longer parses: ask again */
    return 1;
}

/* Builds up to budget requests ahead of their turn (in plan order, which
 * is close to the order they start in), so that rendering and JSON
 * printing happen while the loop would wait anyway, not between a free
 * slot and the next send. */
static void prebuild(struct run *r, long budget, mono_ns deadline)
{
    while (budget > 0 && r->built_ahead < r->window && r->prebuild_at < r->plan.n &&
           (!deadline || clock_mono_ns() < deadline)) {
        size_t ji = r->prebuild_at++;
        struct job *j = &r->jobs[ji];
        if (j->state != J_QUEUED || j->built)
            continue;
        struct diag d;
        diag_init(&d);
        if (build_job(r, ji, &d) == 0) {
            r->built_ahead++;
            budget--;
        }
    }
}

/* The most a request of in_tokens (estimated) and at most out_tokens can
 * cost at prices p (see BUDGET_*); 0 without a per-token or per-request
 * price (per-hour prices are not per request). */
static double worst_case_usd(const struct pricing *p, double in_tokens, double out_tokens)
{
    if (!p->set || p->per_hour > 0)
        return 0;
    return (in_tokens * BUDGET_INPUT_MARGIN * p->input_per_mtok +
            out_tokens * p->output_per_mtok) / 1e6 + p->per_request;
}

/* The most the judge requests of job ji could cost: each judge's prompt
 * rendered with an empty answer, plus the answer at its max_tokens, as
 * input; the judge's max_tokens as output. */
static double judges_worst_usd(const struct run *r, size_t ji)
{
    const struct job *j = &r->jobs[ji];
    const struct plan_entry *e = &r->plan.e[ji];
    const struct suite *s = &r->plan.suites[e->suite];
    const struct item *it = &s->data.items[e->item];
    const struct backend_conf *b = r->plan.backends[e->backend];
    double usd = 0;
    struct prompt asked;
    int rendered = -1;
    for (size_t k = 0; k < s->nscorers; k++) {
        if (!s->scorers[k].ops || strcmp(s->scorers[k].ops->type, "judge") != 0)
            continue;
        const struct judge_rubric *rub = r->scorer_state[e->suite][k];
        const struct backend_conf *jb = config_backend(&r->cfg, judge_rubric_backend(rub));
        if (!jb)
            continue;
        struct diag d;
        diag_init(&d);
        if (rendered < 0)
            rendered = suite_render(s, it, b->name, b->type, &asked, &d) == 0;
        const char *input = rendered ? judge_question(&asked) : "";
        struct buf text;
        buf_init(&text, 0);
        double in = j->max_out;   /* the answer, at its longest */
        if (judge_render_rubric(rub, input, "", it->nrefs ? it->refs[0] : NULL, &text, &d) == 0)
            in += (double)token_estimate(text.ptr, text.len);
        buf_release(&text);
        struct prompt jp;
        prompt_init(&jp);
        judge_params(r, jb, &jp);
        double out = gen_has_max_tokens(&jp.gen) ? (double)jp.gen.max_tokens : BUDGET_UNBOUNDED_OUT;
        prompt_release(&jp);
        usd += worst_case_usd(&jb->pricing, in, out);
    }
    if (rendered > 0)
        prompt_release(&asked);
    return usd;
}

/* The most job ji could cost, its judge requests included. */
static double worst_usd(const struct run *r, size_t ji)
{
    const struct job *j = &r->jobs[ji];
    const struct pricing *p = &r->plan.backends[r->plan.e[ji].backend]->pricing;
    return worst_case_usd(p, j->est_in, j->max_out) + judges_worst_usd(r, ji);
}

/* Whether job ji fits under the spending cap with everything in flight at
 * its worst; if it does, its worst case is held until its record is
 * written. If not, the run stops issuing, as after a Ctrl-C. */
static int within_budget(struct run *r, size_t ji)
{
    struct job *j = &r->jobs[ji];
    if (r->cap_usd <= 0 || j->nattempts > 0)
        return 1;   /* a retry is covered by what its first attempt holds */
    double worst = worst_usd(r, ji);
    if (r->spent_usd + r->reserved_usd + worst <= r->cap_usd) {
        j->reserved_usd = worst;
        r->reserved_usd += worst;
        return 1;
    }
    r->stopping = 1;
    r->budget_stopped = 1;
    sched_drop_all(r->s);
    progress_end(&r->prog);
    fprintf(stderr, "assay: spending cap: $%.4f spent and $%.4f held by %ld request%s in flight; "
                    "the next could cost $%.4f more than the cap of $%.4f allows: no more "
                    "requests are sent\n", r->spent_usd, r->reserved_usd, transport_active(r->t),
            transport_active(r->t) == 1 ? "" : "s", worst, r->cap_usd);
    return 0;
}

static void start_job(struct run *r, size_t ji, size_t bi, mono_ns intended)
{
    struct job *j = &r->jobs[ji];
    const struct backend_conf *b = r->plan.backends[bi];
    j->intended = intended;
    if (j->built && j->nattempts == 0 && j->state == J_QUEUED)
        r->built_ahead--;
    if (!j->built) {
        struct diag d;
        diag_init(&d);
        if (build_job(r, ji, &d) < 0) {
            /* Cannot happen for a suite that loaded; recorded, not fatal. */
            struct xfer *x = transport_get(r->t);
            x->backend = b;
            reply_fail(&x->reply, ST_PARSE_ERROR, 0, "cannot build the request: %s", d.msg);
            sched_finished(r->s, bi, clock_mono_ns(), 0, -1, 0, 0);
            write_record(r, ji, x, 0);
            transport_put(r->t, x);
            return;
        }
    }
    struct xfer *x = transport_get(r->t);
    x->backend = b;
    x->headers = r->hdrs[bi];
    x->url = j->req.url;
    x->body = j->req.body.ptr;
    x->body_len = j->req.body.len;
    x->stream = j->req.stream;
    x->ud = &j->t;
    if (r->o->cache_dir) {
        char key[SHA256_HEX_LEN + 1];
        cache_key(x->url, x->body, x->body_len, x->headers, key);
        if (j->nattempts == 0 && try_cache(r, ji, x, key)) {
            j->first_wall_ns = clock_wall_ns();
            sched_finished(r->s, bi, clock_mono_ns(), j->est_cost, -1, 0, 1);
            if (start_judges(r, ji, x, 1))
                return;
            write_record(r, ji, x, 1);
            transport_put(r->t, x);
            return;
        }
        reply_reset(&x->reply);
        x->keep_raw = 1;
    }
    if (!within_budget(r, ji)) {
        transport_put(r->t, x);
        return;   /* not sent: --resume runs it */
    }
    j->state = J_RUNNING;
    if (transport_start(r->t, x) < 0) {
        begin_attempt(r, ji, x);
        x->t_done = x->t_last_byte = clock_mono_ns();
        on_done(x, r);
        return;
    }
    begin_attempt(r, ji, x);
    if (j->nattempts == 1) {
        if (r->nlags == r->lags_cap)
            XGROW(r->lags, r->lags_cap, r->nlags + 1);
        r->lags[r->nlags++] = (double)(x->t_start - intended) / 1e6;
    }
}

/* === the judge ============================================================ */

static struct curl_slist *judge_headers(struct run *r, const struct backend_conf *b)
{
    size_t i = (size_t)(b - r->cfg.backends);
    if (!r->judge_hdrs[i])
        r->judge_hdrs[i] = transport_headers(b);
    return r->judge_hdrs[i];
}

static void judge_start(struct run *r, struct judge_req *q);

/* The judged record is written once its last judge request is done. */
static void judge_finished(struct run *r, struct judge_req *q, struct xfer *x)
{
    struct job *j = &r->jobs[q->t.job];
    q->x = x;
    q->done = 1;
    q->wake = 0;
    if (--j->judges_left == 0) {
        struct xfer *held = j->held;
        j->held = NULL;
        write_record(r, q->t.job, held, j->held_cached);
        transport_put(r->t, held);
    }
}

static void judge_fail(struct run *r, struct judge_req *q, const char *fmt, const char *what)
{
    struct xfer *x = transport_get(r->t);
    x->backend = q->backend;
    reply_fail(&x->reply, ST_TRANSPORT_ERROR, 1, fmt, what);
    judge_finished(r, q, x);
}

static void on_judge_done(struct run *r, struct xfer *x, struct judge_req *q)
{
    attempt_end(&q->att[q->nattempts - 1], x);
    const struct reply *rp = &x->reply;
    if (rp->failed && rp->retryable && !r->stopping && q->nattempts < r->max_attempts &&
        (rp->retry_after_ms < 0 || rp->retry_after_ms <= (double)r->cfg.run.retries.max_wait_ms)) {
        q->wake = (x->t_done ? x->t_done : clock_mono_ns()) +
                  sched_backoff(r->s, q->nattempts + 1, rp->retry_after_ms);
        if (r->njwait == r->jwait_cap)
            XGROW(r->jwait, r->jwait_cap, r->njwait + 1);
        r->jwait[r->njwait++] = q;
        transport_put(r->t, x);
        return;
    }
    judge_finished(r, q, x);
}

static void judge_start(struct run *r, struct judge_req *q)
{
    struct xfer *x = transport_get(r->t);
    x->backend = q->backend;
    x->headers = q->headers;
    x->url = q->req.url;
    x->body = q->req.body.ptr;
    x->body_len = q->req.body.len;
    x->stream = q->req.stream;
    x->ud = &q->t;
    int rc = transport_start(r->t, x);
    attempt_begin(r, q->att, &q->nattempts, x);
    if (rc < 0) {
        x->t_done = x->t_last_byte = clock_mono_ns();
        on_judge_done(r, x, q);
    }
}

/* Starts the judge requests of job ji, whose ok answer is x; 1 if there
 * are any (x is then held until they are done), 0 if the suite has none. */
static int start_judges(struct run *r, size_t ji, struct xfer *x, int cached)
{
    struct job *j = &r->jobs[ji];
    const struct plan_entry *e = &r->plan.e[ji];
    const struct suite *s = &r->plan.suites[e->suite];
    size_t n = 0;
    for (size_t k = 0; k < s->nscorers; k++)
        n += s->scorers[k].ops && strcmp(s->scorers[k].ops->type, "judge") == 0;
    if (!n)
        return 0;
    const struct item *it = &s->data.items[e->item];
    const struct backend_conf *b = r->plan.backends[e->backend];
    struct prompt asked;
    struct diag d;
    diag_init(&d);
    const char *input = NULL;
    if (suite_render(s, it, b->name, b->type, &asked, &d) == 0)
        input = judge_question(&asked);
    j->judges = xcalloc(n, sizeof(*j->judges));
    j->njudges = j->judges_left = n;
    j->held = x;
    j->held_cached = cached;
    size_t i = 0;
    for (size_t k = 0; k < s->nscorers; k++) {
        if (!s->scorers[k].ops || strcmp(s->scorers[k].ops->type, "judge") != 0)
            continue;
        struct judge_req *q = &j->judges[i++];
        q->t.kind = T_JUDGE;
        q->t.job = ji;
        q->scorer = k;
        const struct judge_rubric *rub = r->scorer_state[e->suite][k];
        q->backend = config_backend(&r->cfg, judge_rubric_backend(rub));
        q->headers = judge_headers(r, q->backend);
        q->att = xcalloc((size_t)r->max_attempts, sizeof(*q->att));
        buf_init(&q->req.body, 0);
    }
    for (i = 0; i < n; i++) {
        struct judge_req *q = &j->judges[i];
        const struct judge_rubric *rub = r->scorer_state[e->suite][q->scorer];
        struct buf text;
        buf_init(&text, 0);
        diag_init(&d);
        if (!input || judge_render_rubric(rub, input, x->reply.text.ptr,
                                          it->nrefs ? it->refs[0] : NULL, &text, &d) < 0) {
            buf_release(&text);
            judge_fail(r, q, "cannot render the judge prompt: %s", d.set ? d.msg : "no input");
            continue;
        }
        struct prompt jp;
        prompt_init(&jp);
        jp.msgs = xcalloc(1, sizeof(*jp.msgs));
        jp.msgs[0].role = "user";
        jp.msgs[0].content = buf_take(&text, NULL);
        jp.nmsgs = 1;
        judge_params(r, q->backend, &jp);
        diag_init(&d);
        int rc = q->backend->ops->build(q->backend, &jp, &q->req, &d);
        prompt_release(&jp);
        if (rc < 0)
            judge_fail(r, q, "cannot build the judge request: %s", d.msg);
        else
            judge_start(r, q);
    }
    if (input)
        prompt_release(&asked);
    return 1;
}

/* Judge retries whose wait is over; the earliest wait still running. */
static mono_ns judge_wakeups(struct run *r, mono_ns now)
{
    mono_ns next = 0;
    size_t k = 0;
    for (size_t i = 0; i < r->njwait; i++) {
        struct judge_req *q = r->jwait[i];
        if (r->stopping) {
            judge_fail(r, q, "%s", q->att[q->nattempts - 1].error ? q->att[q->nattempts - 1].error
                                                                    : "interrupted");
        } else if (q->wake <= now) {
            q->wake = 0;
            judge_start(r, q);
        } else {
            r->jwait[k++] = q;
            if (!next || q->wake < next)
                next = q->wake;
        }
    }
    r->njwait = k;
    return next;
}

static void start_ready(struct run *r)
{
    size_t ji, bi;
    mono_ns intended;
    while (!r->stopping && sched_next(r->s, clock_mono_ns(), &ji, &bi, &intended)) {
        if (r->jobs[ji].state == J_WAITING)
            r->prog.retrying--;
        start_job(r, ji, bi, intended);
    }
}

/* === finishing requests =================================================== */

static void on_done(struct xfer *x, void *ud)
{
    struct run *r = ud;
    struct ticket *tk = x->ud;
    if (tk->kind == T_JUDGE) {
        on_judge_done(r, x, (struct judge_req *)tk);
        return;
    }
    size_t ji = tk->job;
    struct job *j = &r->jobs[ji];
    const struct plan_entry *e = &r->plan.e[ji];
    const struct reply *rp = &x->reply;
    attempt_end(&j->att[j->nattempts - 1], x);
    int ok = !rp->failed;
    finish_job_slot(r, ji, x, ok);
    if (!ok && rp->retryable && !r->stopping && j->nattempts < r->max_attempts &&
        (rp->retry_after_ms < 0 || rp->retry_after_ms <= (double)r->cfg.run.retries.max_wait_ms)) {
        mono_ns wait = sched_backoff(r->s, j->nattempts + 1, rp->retry_after_ms);
        mono_ns base = x->t_done ? x->t_done : clock_mono_ns();
        sched_retry(r->s, e->backend, ji, base + wait);
        j->state = J_WAITING;
        r->retries++;
        r->prog.retrying++;
        transport_put(r->t, x);
        return;
    }
    if (ok && r->o->cache_dir && x->keep_raw && !(rp->finish && !strcmp(rp->finish, "filtered"))) {
        char key[SHA256_HEX_LEN + 1];
        cache_key(x->url, x->body, x->body_len, x->headers, key);
        const char *ct = NULL;
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
        struct diag d;
        diag_init(&d);
        if (cache_put(r->o->cache_dir, key, x->http_status, ct, x->resp_headers.ptr,
                      x->resp_headers.len, x->raw.ptr, x->raw.len, &d) < 0) {
            progress_end(&r->prog);
            fprintf(stderr, "assay: warning: cache: %s\n", d.msg);
        }
    }
    if (ok && start_judges(r, ji, x, 0))
        return;   /* written when the judges are done */
    write_record(r, ji, x, 0);
    transport_put(r->t, x);
}

/* Jobs waiting for a retry when the run stops: their last failure is
 * their record (retryable, so --resume asks again). */
static void write_waiting(struct run *r, struct xfer *scratch)
{
    for (size_t ji = 0; ji < r->plan.n; ji++) {
        struct job *j = &r->jobs[ji];
        if (j->state != J_WAITING)
            continue;
        const struct attempt_rec *a = &j->att[j->nattempts - 1];
        reply_reset(&scratch->reply);
        scratch->backend = r->plan.backends[r->plan.e[ji].backend];
        scratch->http_status = a->http_status;
        scratch->t_start = scratch->t_last_byte = scratch->t_done = 0;
        buf_reset(&scratch->resp_headers);
        reply_fail(&scratch->reply, a->status, 1, "%s", a->error ? a->error : "interrupted");
        r->prog.retrying--;
        write_record(r, ji, scratch, 0);
    }
}

/* === run.json ============================================================= */

static int write_run_json(struct run *r, int final, const cJSON *summary, struct diag *d)
{
    cJSON *o = runmeta_head(r->run_id, NULL, &r->cfg, r->started_at);
    if (r->resume_run_json) {
        cJSON *prev = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "resumed_at");
        cJSON *arr = prev ? cJSON_Duplicate(prev, 1) : cJSON_CreateArray();
        char now[40];
        clock_format_rfc3339(r->wall0, now, sizeof(now));
        cJSON_AddItemToArray(arr, cJSON_CreateString(now));
        cJSON_AddItemToObject(o, "resumed_at", arr);
    }
    if (final)
        runmeta_add_ended_at(o);
    /* Records' *_ms times are from this origin (the last session's), so
     * they can be joined with a server-side log on the same host. */
    cJSON *clk = cJSON_AddObjectToObject(o, "clock");
    cJSON_AddNumberToObject(clk, "monotonic_origin_ns", (double)r->mono0);
    cJSON *shard = cJSON_AddObjectToObject(o, "shard");
    cJSON_AddNumberToObject(shard, "index", r->shard.index);
    cJSON_AddNumberToObject(shard, "count", r->shard.count);
    cJSON *plan = cJSON_AddObjectToObject(o, "plan");
    cJSON_AddNumberToObject(plan, "requests", (double)r->plan.n);
    /* Counted from the plan's entries: a shard holds a slice of each suite. */
    cJSON *ps = cJSON_AddObjectToObject(plan, "suites");
    for (size_t i = 0; i < r->plan.nsuites; i++)
        cJSON_AddNumberToObject(ps, r->plan.suites[i].name, 0);
    for (size_t i = 0; i < r->plan.n; i++) {
        cJSON *cnt = cJSON_GetObjectItemCaseSensitive(ps, r->plan.suites[r->plan.e[i].suite].name);
        cJSON_SetNumberValue(cnt, cnt->valuedouble + 1);
    }
    cJSON *pb = cJSON_AddArrayToObject(plan, "backends");
    for (size_t i = 0; i < r->plan.nbackends; i++)
        cJSON_AddItemToArray(pb, cJSON_CreateString(r->plan.backends[i]->name));
    cJSON_AddNumberToObject(plan, "repeats", (double)r->plan.repeats);
    cJSON *su = cJSON_AddObjectToObject(o, "suites");
    for (size_t i = 0; i < r->plan.nsuites; i++)
        cJSON_AddItemToObject(su, r->plan.suites[i].name, runmeta_suite_json(&r->plan.suites[i]));
    cJSON *ba = cJSON_AddArrayToObject(o, "backends");
    for (size_t i = 0; i < r->cfg.nbackends; i++)
        cJSON_AddItemToArray(ba, runmeta_backend_json(&r->cfg.backends[i]));
    cJSON_AddItemToObject(o, "config", cJSON_Duplicate(r->cfg.written, 1));
    if (summary)
        cJSON_AddItemToObject(o, "summary", cJSON_Duplicate(summary, 1));
    return runmeta_write(r->out, o, d);
}

/* === resume =============================================================== */

struct resume_ctx {
    struct strmap last;     /* key -> (void*)(status code + 1), last record wins */
    struct buf key;
    double spent_usd;       /* what every record but the cached ones cost */
};

/* cost.usd + judge.usd of a record (0 for a cache hit: nothing was paid). */
static double record_usd(const cJSON *rec)
{
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "cached")))
        return 0;
    double usd = 0;
    static const char *const parts[] = { "cost", "judge" };
    for (size_t i = 0; i < 2; i++) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(rec, parts[i]);
        const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "usd") : NULL;
        if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0)
            usd += v->valuedouble;
    }
    return usd;
}

/* 1 done ok, 2 final failure, 3 retryable failure. */
static int resume_on_record(cJSON *rec, long line, void *ud, struct diag *d)
{
    struct resume_ctx *c = ud;
    if (results_key(rec, &c->key) == 0) {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec, "status");
        const cJSON *re = cJSON_GetObjectItemCaseSensitive(rec, "retryable");
        long v = 3;
        if (cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0)
            v = 1;
        else if (cJSON_IsBool(re))
            v = cJSON_IsTrue(re) ? 3 : 2;
        else if (cJSON_IsString(st) && strcmp(st->valuestring, "refused") == 0)
            v = 2;
        strmap_put(&c->last, c->key.ptr, c->key.len, (void *)v);
    }
    c->spent_usd += record_usd(rec);
    cJSON_Delete(rec);
    (void)line;
    (void)d;
    return 0;
}

/* === the run ============================================================== */

static int setup_scorers(struct run *r, struct diag *d)
{
    r->scorer_state = xcalloc(r->plan.nsuites, sizeof(void **));
    for (size_t i = 0; i < r->plan.nsuites; i++) {
        const struct suite *s = &r->plan.suites[i];
        r->scorer_state[i] = xcalloc(s->nscorers ? s->nscorers : 1, sizeof(void *));
        for (size_t k = 0; k < s->nscorers; k++) {
            const struct scorer_spec *sp = &s->scorers[k];
            if (!sp->ops)
                continue;
            char path[64];
            snprintf(path, sizeof(path), "scorers[%zu].options", k);
            r->scorer_state[i][k] = sp->ops->configure(sp->options, s->file, path, d);
            if (!r->scorer_state[i][k])
                return -1;
            if (strcmp(sp->ops->type, "judge") == 0) {
                const char *jb = judge_rubric_backend(r->scorer_state[i][k]);
                char jpath[96];
                snprintf(jpath, sizeof(jpath), "scorers[%zu].options.backend", k);
                if (!jb || !config_backend(&r->cfg, jb))
                    return diag_fail_at(d, s->file, 0, jpath,
                                        "no backend named \"%s\" in %s (the judge must be one "
                                        "of the config's backends)", jb ? jb : "", r->cfg.file);
            }
        }
    }
    return 0;
}

static void release_scorers(struct run *r)
{
    if (!r->scorer_state)
        return;
    for (size_t i = 0; i < r->plan.nsuites; i++) {
        const struct suite *s = &r->plan.suites[i];
        for (size_t k = 0; k < s->nscorers; k++)
            if (s->scorers[k].ops && r->scorer_state[i][k])
                s->scorers[k].ops->release(r->scorer_state[i][k]);
        free(r->scorer_state[i]);
    }
    free(r->scorer_state);
    r->scorer_state = NULL;
}

static cJSON *summary_json(struct run *r, double *p95_lag, double *busy, int *bottleneck)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "planned", (double)r->plan.n);
    cJSON_AddNumberToObject(s, "written", (double)(r->written + r->resumed_done));
    cJSON_AddNumberToObject(s, "written_this_session", (double)r->written);
    cJSON_AddNumberToObject(s, "ok", (double)(r->ok + r->resumed_ok));
    cJSON_AddNumberToObject(s, "failed", (double)(r->written + r->resumed_done - r->ok -
                                                  r->resumed_ok));
    cJSON_AddNumberToObject(s, "cached", (double)r->cached);
    cJSON_AddNumberToObject(s, "retries", (double)r->retries);
    cJSON *bs = cJSON_AddObjectToObject(s, "by_status");
    for (int st = ST_OK; st <= ST_ABORTED; st++)
        if (r->by_status[st])
            cJSON_AddNumberToObject(bs, rstatus_name((enum rstatus)st), (double)r->by_status[st]);
    cJSON *rl = cJSON_AddObjectToObject(s, "rate_limited");
    for (size_t b = 0; b < r->plan.nbackends; b++) {
        struct sched_stats st;
        sched_stats(r->s, b, &st);
        cJSON *o = cJSON_AddObjectToObject(rl, r->plan.backends[b]->name);
        cJSON_AddNumberToObject(o, "http_429", (double)st.rate_limited);
        if (r->cfg.run.adaptive_concurrency) {
            add_fixed3(o, "concurrency_now", (st.limit_now));
            add_fixed3(o, "concurrency_min", (st.limit_min));
        }
    }
    double *lags = xmalloc((r->nlags ? r->nlags : 1) * sizeof(double));
    if (r->nlags)
        memcpy(lags, r->lags, r->nlags * sizeof(double));
    qsort(lags, r->nlags, sizeof(double), cmp_double);
    *p95_lag = pct(lags, r->nlags, 0.95);
    double maxlag = r->nlags ? lags[r->nlags - 1] : 0;
    free(lags);
    *busy = transport_max_busy_ms(r->t);
    double stalled = transport_stalled_ms(r->t);
    double wall_ms = (double)(clock_mono_ns() - r->mono0) / 1e6;
    /* A stall or two (the machine, a page fault) is noise; stalls that
     * add up to 1 % of the run distort its numbers. */
    *bottleneck = *p95_lag > r->cfg.run.bottleneck_lag_ms || stalled > 0.01 * wall_ms;
    cJSON *sc = cJSON_AddObjectToObject(s, "self_check");
    add_fixed3(sc, "send_lag_p95_ms", (*p95_lag));
    add_fixed3(sc, "send_lag_max_ms", (maxlag));
    add_fixed3(sc, "loop_busy_max_ms", (*busy));
    add_fixed3(sc, "loop_stalled_ms", stalled);
    cJSON_AddNumberToObject(sc, "threshold_ms", r->cfg.run.bottleneck_lag_ms);
    cJSON_AddBoolToObject(s, "client_bottleneck", *bottleneck);
    cJSON_AddBoolToObject(s, "interrupted", r->stopping && !r->fatal && !r->budget_stopped);
    if (r->cap_usd > 0) {
        cJSON *bu = cJSON_AddObjectToObject(s, "budget");
        cJSON_AddNumberToObject(bu, "max_cost_usd", r->cap_usd);
        cJSON_AddNumberToObject(bu, "spent_usd", r->spent_usd);
        cJSON_AddBoolToObject(bu, "stopped", r->budget_stopped);
    }
    return s;
}

static void run_free(struct run *r)
{
    if (r->jobs) {
        for (size_t i = 0; i < r->plan.n; i++) {
            struct job *j = &r->jobs[i];
            if (j->att) {
                for (int a = 0; a < j->nattempts; a++)
                    free(j->att[a].error);
                free(j->att);
            }
            free(j->req.url);
            buf_release(&j->req.body);
        }
        free(r->jobs);
    }
    if (r->hdrs) {
        for (size_t i = 0; i < r->plan.nbackends; i++)
            curl_slist_free_all(r->hdrs[i]);
        free(r->hdrs);
    }
    if (r->judge_hdrs) {
        for (size_t i = 0; i < r->cfg.nbackends; i++)
            curl_slist_free_all(r->judge_hdrs[i]);
        free(r->judge_hdrs);
    }
    free(r->jwait);
    release_scorers(r);
    transport_free(r->t);
    sched_free(r->s);
    plan_release(&r->plan);
    config_release(&r->cfg);
    buf_release(&r->line);
    buf_release(&r->key);
    free(r->by_status);
    free(r->lags);
    free(r->out);
    cJSON_Delete(r->resume_run_json);
}

/* The shard to run: --shard, or the resumed folder's; a resume under
 * another --shard than the folder's is refused. */
static int resolve_shard(struct run *r, struct shard *out, struct diag *d)
{
    const struct run_opts *o = r->o;
    struct shard had = { 0, 1 };
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "shard");
    const cJSON *idx = cJSON_GetObjectItemCaseSensitive(sh, "index");
    const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(sh, "count");
    if (cJSON_IsNumber(idx) && cJSON_IsNumber(cnt) && cnt->valuedouble >= 1 &&
        idx->valuedouble >= 0 && idx->valuedouble < cnt->valuedouble) {
        had.index = (uint32_t)idx->valuedouble;
        had.count = (uint32_t)cnt->valuedouble;
    }
    if (o->shard.count == 0) {
        *out = had;
        return 0;
    }
    if (o->resume && (had.index != o->shard.index || had.count != o->shard.count))
        return diag_fail_at(d, o->resume, 0, "run.json: shard",
                            "this folder holds shard %u/%u, not %u/%u", had.index, had.count,
                            o->shard.index, o->shard.count);
    *out = o->shard;
    return 0;
}

/* Loads the config: the file given, else the copy in OUT/run.json. */
static int load_config(struct run *r, struct diag *d)
{
    const struct run_opts *o = r->o;
    if (o->resume) {
        char *path = xasprintf("%s/run.json", o->resume);
        r->resume_run_json = json_load_file(path, d);
        free(path);
        if (!r->resume_run_json)
            return -1;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "run_id");
        const cJSON *sa = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "started_at");
        if (cJSON_IsString(id))
            snprintf(r->run_id, sizeof(r->run_id), "%s", id->valuestring);
        if (cJSON_IsString(sa))
            snprintf(r->started_at, sizeof(r->started_at), "%s", sa->valuestring);
    }
    if (o->config)
        return config_load(o->config, &r->cfg, d);
    const cJSON *cf = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "config");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "config_file");
    if (!cJSON_IsObject(cf))
        return diag_fail_at(d, o->resume, 0, "config", "run.json holds no config; "
                                                       "give the config file too");
    char *text = cJSON_PrintUnformatted(cf);
    char *fname = cJSON_IsString(file) ? xstrdup(file->valuestring) : xstrdup("run.json");
    char *slash = strrchr(fname, '/');
    char *dir = slash ? xstrndup(fname, (size_t)(slash - fname)) : xstrdup("");
    int rc = config_parse(text, strlen(text), fname, dir, &r->cfg, d);
    free(dir);
    free(fname);
    cJSON_free(text);
    return rc;
}

static void print_summary(struct run *r, double lag, double busy, int bottleneck)
{
    progress_end(&r->prog);
    long total_written = r->written + r->resumed_done;
    fprintf(stderr, "assay: %s%ld of %ld requests recorded (%ld ok, %ld failed",
            r->budget_stopped ? "stopped by the spending cap: "
            : r->stopping && !r->fatal ? "interrupted: " : "", total_written, (long)r->plan.n,
            r->ok + r->resumed_ok, total_written - r->ok - r->resumed_ok);
    if (r->cached)
        fprintf(stderr, ", %ld from the cache", r->cached);
    if (r->resumed_done)
        fprintf(stderr, ", %ld from before the resume", r->resumed_done);
    fprintf(stderr, ", %ld retries)\n", r->retries);
    for (int st = ST_HTTP_ERROR; st <= ST_ABORTED; st++)
        if (r->by_status[st])
            fprintf(stderr, "assay:   %ld %s\n", r->by_status[st], rstatus_name((enum rstatus)st));
    for (size_t b = 0; b < r->plan.nbackends; b++) {
        struct sched_stats st;
        sched_stats(r->s, b, &st);
        if (st.rate_limited)
            fprintf(stderr, "assay:   backend %s: %ld rate-limited answers (429)%s\n",
                    r->plan.backends[b]->name, st.rate_limited,
                    r->cfg.run.adaptive_concurrency ? ", adaptive concurrency lowered" : "");
    }
    if (bottleneck)
        fprintf(stderr, "assay: warning: the client may have been the bottleneck: send lag p95 "
                        "%.2f ms (threshold %.2f ms), event loop stalled %.0f ms in all (longest "
                        "%.1f ms); latencies may be inflated\n", lag, r->cfg.run.bottleneck_lag_ms,
                transport_stalled_ms(r->t), busy);
    if (r->budget_stopped)
        fprintf(stderr, "assay: $%.4f spent of the $%.4f cap; finish it with a higher cap: "
                        "assay run --resume %s --max-cost USD\n", r->spent_usd, r->cap_usd, r->out);
    else if (r->stopping && !r->fatal)
        fprintf(stderr, "assay: finish it with: assay run --resume %s\n", r->out);
    printf("results: %s/results.jsonl\n", r->out);
}

int run_execute(const struct run_opts *o)
{
    struct run R;
    struct run *r = &R;
    memset(r, 0, sizeof(*r));
    r->o = o;
    buf_init(&r->line, 0);
    buf_init(&r->key, 0);
    struct diag d;
    diag_init(&d);
    d.echo = stderr;   /* every config and suite problem, not only the first */
    if (load_config(r, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    struct plan_filter f = { o->suites, o->nsuites, o->backends, o->nbackends, o->repeats,
                             { 0, 1 } };
    if (resolve_shard(r, &f.shard, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    r->shard = f.shard;
    for (size_t i = 0; i < r->cfg.nbackends; i++)
        limits_apply_shard(&r->cfg.backends[i].limits, f.shard.count);
    if (plan_build(&r->plan, &r->cfg, &f, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    r->cap_usd = o->max_cost_usd > 0 ? o->max_cost_usd : r->cfg.run.max_cost_usd;
    if (o->dry_run) {
        plan_print(&r->plan, stdout);
        if (r->cap_usd > 0)
            printf("spending cap: %.4f USD (no request is sent that could take the run past it; "
                   "docs/config.md)\n", r->cap_usd);
        run_free(r);
        return EXIT_RUN_OK;
    }
    d.echo = NULL;
    diag_init(&d);
    if (setup_scorers(r, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    if (!r->run_id[0])
        runmeta_new_id(r->run_id, sizeof(r->run_id));
    r->mono0 = clock_mono_ns();
    r->wall0 = clock_wall_ns();
    if (!r->started_at[0])
        clock_format_rfc3339(r->wall0, r->started_at, sizeof(r->started_at));
    r->out = o->resume ? xstrdup(o->resume)
             : o->out ? xstrdup(o->out)
             : r->cfg.run.out ? xstrdup(r->cfg.run.out)
             : xasprintf("runs/%s", r->run_id);
    if (!o->resume && file_exists(r->out)) {
        char *res = xasprintf("%s/results.jsonl", r->out);
        int has = file_exists(res);
        free(res);
        if (has) {
            fprintf(stderr, "assay: error: %s already holds a run; use --resume %s to complete "
                            "it, or another --out\n", r->out, r->out);
            run_free(r);
            return EXIT_INPUT;
        }
    }
    long conc = o->concurrency > 0 ? o->concurrency : r->cfg.run.concurrency;
    r->max_attempts = r->cfg.run.retries.max_attempts;
    r->jobs = xcalloc(r->plan.n ? r->plan.n : 1, sizeof(*r->jobs));
    for (size_t i = 0; i < r->plan.n; i++) {
        r->jobs[i].t.kind = T_MAIN;
        r->jobs[i].t.job = i;
    }
    r->judge_hdrs = xcalloc(r->cfg.nbackends + 1, sizeof(*r->judge_hdrs));
    r->by_status = xcalloc(ST_ABORTED + 1, sizeof(long));

    /* Resume: what is already done stays done. */
    if (o->resume) {
        struct resume_ctx rc;
        strmap_init(&rc.last);
        buf_init(&rc.key, 0);
        char *path = xasprintf("%s/results.jsonl", r->out);
        long skipped = 0;
        if (results_read(path, resume_on_record, &rc, stderr, &skipped, &d) < 0) {
            diag_print(&d, stderr);
            free(path);
            strmap_release(&rc.last);
            buf_release(&rc.key);
            run_free(r);
            return EXIT_INPUT;
        }
        free(path);
        r->spent_usd = rc.spent_usd;
        for (size_t i = 0; i < r->plan.n; i++) {
            plan_key(&r->plan, i, &r->key);
            long v = (long)strmap_get(&rc.last, r->key.ptr, r->key.len);
            if (v == 1 || v == 2) {
                r->jobs[i].state = J_SKIPPED;
                r->resumed_done++;
                if (v == 1)
                    r->resumed_ok++;
            }
        }
        strmap_release(&rc.last);
        buf_release(&rc.key);
    }

    if (results_open(&r->w, r->out, &d) < 0 || write_run_json(r, 0, NULL, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    file_raise_open_limit();
    r->t = transport_new(conc, on_done, r);
    uint64_t seed = o->has_seed ? o->seed : r->cfg.run.seed;
    r->s = sched_new(r->plan.nbackends, conc, &r->cfg.run.retries, seed, job_cost, r);
    r->hdrs = xcalloc(r->plan.nbackends, sizeof(*r->hdrs));
    for (size_t b = 0; b < r->plan.nbackends; b++) {
        r->hdrs[b] = transport_headers(r->plan.backends[b]);
        sched_backend(r->s, b, &r->plan.backends[b]->limits, r->cfg.run.adaptive_concurrency);
    }
    r->window = 2 * conc;
    prebuild(r, r->window, 0);
    r->mono0 = clock_mono_ns();   /* the run starts when the first requests are ready */
    for (size_t i = 0; i < r->plan.n; i++)
        if (r->jobs[i].state != J_SKIPPED)
            sched_push(r->s, r->plan.e[i].backend, i, r->mono0);
    progress_init(&r->prog, stderr, o->progress, (long)r->plan.n, r->resumed_done);

    interrupt_catch(transport_wake_fd(r->t));

    int seen_interrupts = 0;
    struct xfer *scratch = NULL;
    for (;;) {
        start_ready(r);
        if (!r->stopping)   /* at most 0.5 ms a round: reads must not wait */
            prebuild(r, r->window, clock_mono_ns() + 500000);
        mono_ns now = clock_mono_ns();
        mono_ns jwake = r->njwait ? judge_wakeups(r, now) : 0;
        long active = transport_active(r->t);
        if (active == 0 && r->njwait == 0 && (r->stopping || sched_waiting(r->s) == 0))
            break;
        mono_ns wake = sched_next_wake(r->s, now);
        if (jwake && (!wake || jwake < wake))
            wake = jwake;
        long timeout = 200;
        if (wake) {
            long ms = (long)((wake - now + 999999) / 1000000);
            if (ms < timeout)
                timeout = ms;
        }
        transport_poll(r->t, timeout);
        if (interrupt_count() != seen_interrupts) {
            seen_interrupts = interrupt_count();
            if (!r->stopping) {
                r->stopping = 1;
                progress_end(&r->prog);
                fprintf(stderr, "assay: interrupted: finishing %ld request%s in flight (interrupt "
                                "again to abort them)\n", transport_active(r->t),
                        transport_active(r->t) == 1 ? "" : "s");
                sched_drop_all(r->s);
                scratch = transport_get(r->t);
                write_waiting(r, scratch);
            } else if (!r->aborted) {
                r->aborted = 1;
                progress_end(&r->prog);
                fprintf(stderr, "assay: aborting the requests in flight\n");
                transport_abort_all(r->t, ST_ABORTED, "aborted by a second interrupt");
            }
        }
        if (r->fatal && !r->aborted) {
            r->aborted = 1;
            sched_drop_all(r->s);
            transport_abort_all(r->t, ST_ABORTED, "aborted: results could not be written");
        }
        progress_tick(&r->prog, 0);
    }
    if (!scratch && r->stopping) {
        scratch = transport_get(r->t);
        write_waiting(r, scratch);
    }
    if (scratch)
        transport_put(r->t, scratch);
    interrupt_release();

    double lag = 0, busy = 0;
    int bottleneck = 0;
    cJSON *summary = summary_json(r, &lag, &busy, &bottleneck);
    int rc = EXIT_RUN_OK;
    if (results_close(&r->w, &d) < 0 || r->fatal) {
        diag_print(r->fatal ? &r->fatal_diag : &d, stderr);
        rc = EXIT_INPUT;
    } else if (write_run_json(r, 1, summary, &d) < 0) {
        diag_print(&d, stderr);
        rc = EXIT_INPUT;
    }
    cJSON_Delete(summary);
    print_summary(r, lag, busy, bottleneck);
    if (rc == EXIT_RUN_OK && r->budget_stopped)
        rc = EXIT_BUDGET;
    else if (rc == EXIT_RUN_OK && r->stopping)
        rc = EXIT_INTERRUPTED;
    else if (rc == EXIT_RUN_OK && r->plan.n && r->ok + r->resumed_ok == 0)
        rc = EXIT_ALL_FAILED;
    run_free(r);
    return rc;
}

/* === rescore ============================================================== */

struct rescore_ctx {
    struct run *r;
    struct strmap suites;      /* name -> suite index + 1 */
    struct strmap last;        /* key -> record (cJSON *), last wins */
    char **order;              /* keys in first-seen order */
    size_t norder, order_cap;
    long rescored, unknown;
};

static int rescore_on_record(cJSON *rec, long line, void *ud, struct diag *d)
{
    struct rescore_ctx *c = ud;
    struct buf key;
    buf_init(&key, 0);
    (void)line;
    (void)d;
    if (results_key(rec, &key) < 0) {
        buf_release(&key);
        cJSON_Delete(rec);
        return 0;
    }
    cJSON *prev = strmap_put(&c->last, key.ptr, key.len, rec);
    if (prev)
        cJSON_Delete(prev);
    else {
        if (c->norder == c->order_cap)
            XGROW(c->order, c->order_cap, c->norder + 1);
        c->order[c->norder++] = buf_take(&key, NULL);
    }
    buf_release(&key);
    return 0;
}

int run_rescore(const char *dir, int quiet)
{
    struct run R;
    struct run *r = &R;
    memset(r, 0, sizeof(*r));
    struct run_opts o;
    memset(&o, 0, sizeof(o));
    o.resume = dir;
    r->o = &o;
    buf_init(&r->line, 0);
    buf_init(&r->key, 0);
    struct diag d;
    diag_init(&d);
    d.echo = stderr;
    if (load_config(r, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    /* The suites the run used, as run.json lists them. */
    const cJSON *su = cJSON_GetObjectItemCaseSensitive(r->resume_run_json, "suites");
    size_t ns = (size_t)cJSON_GetArraySize(su), k = 0;
    char **names = xcalloc(ns + 1, sizeof(char *));
    const cJSON *it;
    cJSON_ArrayForEach(it, su) {
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(it, "file");
        names[k++] = xstrdup(cJSON_IsString(file) && *file->valuestring ? file->valuestring
                                                                        : it->string);
    }
    struct plan_filter f = { ns ? names : NULL, ns, NULL, 0, 1, { 0, 1 } };
    int prc = plan_build(&r->plan, &r->cfg, &f, &d);
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(names);
    d.echo = NULL;
    if (prc < 0 || setup_scorers(r, &d) < 0) {
        diag_print(&d, stderr);
        run_free(r);
        return EXIT_INPUT;
    }
    struct rescore_ctx c;
    memset(&c, 0, sizeof(c));
    c.r = r;
    strmap_init(&c.suites);
    strmap_init(&c.last);
    for (size_t i = 0; i < r->plan.nsuites; i++)
        strmap_put(&c.suites, r->plan.suites[i].name, strlen(r->plan.suites[i].name),
                   (void *)(i + 1));
    char *path = xasprintf("%s/results.jsonl", dir);
    long skipped = 0;
    int rc = results_read(path, rescore_on_record, &c, stderr, &skipped, &d);
    struct buf out;
    buf_init(&out, 0);
    for (size_t i = 0; rc == 0 && i < c.norder; i++) {
        cJSON *rec = strmap_get(&c.last, c.order[i], strlen(c.order[i]));
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec, "status");
        const cJSON *suite = cJSON_GetObjectItemCaseSensitive(rec, "suite");
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(rec, "item");
        const cJSON *output = cJSON_GetObjectItemCaseSensitive(rec, "output");
        size_t si = (size_t)strmap_get(&c.suites, suite->valuestring, strlen(suite->valuestring));
        if (cJSON_IsString(st) && strcmp(st->valuestring, "ok") == 0 && si &&
            cJSON_IsString(item) && cJSON_IsString(output)) {
            const struct suite *s = &r->plan.suites[si - 1];
            const struct item *its = dataset_find(&s->data, item->valuestring);
            if (its) {
                /* score() works on plan entries: use a one-entry view. */
                struct plan_entry e = { (uint32_t)(si - 1), (uint32_t)(its - s->data.items), 0, 0 };
                struct plan_entry *saved = r->plan.e;
                r->plan.e = &e;
                cJSON *scores = score(r, 0, output->valuestring);
                r->plan.e = saved;
                cJSON_ReplaceItemInObjectCaseSensitive(rec, "scores", scores);
                c.rescored++;
            } else {
                c.unknown++;
            }
        }
        char *text = cJSON_PrintUnformatted(rec);
        buf_adds(&out, text);
        buf_addc(&out, '\n');
        cJSON_free(text);
    }
    if (rc == 0)
        rc = file_write_atomic(path, out.ptr, out.len, &d);
    if (rc < 0)
        diag_print(&d, stderr);
    else if (!quiet)
        printf("rescored %ld record%s in %s%s\n", c.rescored, c.rescored == 1 ? "" : "s", path,
               c.unknown ? " (some items are no longer in their suite: kept as they were)" : "");
    buf_release(&out);
    for (size_t i = 0; i < c.norder; i++) {
        cJSON_Delete(strmap_get(&c.last, c.order[i], strlen(c.order[i])));
        free(c.order[i]);
    }
    free(c.order);
    strmap_release(&c.last);
    strmap_release(&c.suites);
    free(path);
    run_free(r);
    return rc < 0 ? EXIT_INPUT : EXIT_RUN_OK;
}
