/* gtlog.c -- see gtlog.h. Times are CLOCK_MONOTONIC nanoseconds (the
 * clock a client on the same host compares with) plus offsets in
 * milliseconds from the request's arrival. A line is written when the
 * exchange ends, and flushed, so a killed mock loses no finished line. */
#include "gtlog.h"

#include <errno.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/buf.h"
#include "harness/util/jsonw.h"

FILE *gtlog_open(const char *path, struct diag *d)
{
    FILE *f = fopen(path, "a");
    if (!f) {
        diag_fail_at(d, path, 0, NULL, "cannot open the log: %s", strerror(errno));
        return NULL;
    }
    return f;
}

static double ms_since(mono_ns t, mono_ns from)
{
    return t ? (double)(t - from) / 1e6 : -1;
}

static const char *finish_name(enum mock_finish f)
{
    return f == FIN_LENGTH ? "length" : f == FIN_STOP_SEQ ? "stop_sequence" : "stop";
}

/* ,"key": then the value (keys are literals without escapes). */
static void key(struct buf *b, const char *k)
{
    buf_addc(b, ',');
    buf_addc(b, '"');
    buf_adds(b, k);
    buf_add(b, "\":", 2);
}

static void key_int(struct buf *b, const char *k, long long v)
{
    key(b, k);
    json_int(b, v);
}

static void key_ms(struct buf *b, const char *k, double v)
{
    key(b, k);
    json_fixed3(b, v);
}

static void key_str(struct buf *b, const char *k, const char *v)
{
    key(b, k);
    if (v)
        json_escape(b, v, strlen(v));
    else
        buf_add(b, "null", 4);
}

static void key_bool(struct buf *b, const char *k, int v)
{
    key(b, k);
    buf_adds(b, v ? "true" : "false");
}

/* Written without printf: at two thousand streams a line per exchange
 * was a fifth of the mock's work (a %.3f per piece). Milliseconds have
 * at most 3 decimals, trailing zeros dropped (json_fixed3). */
void gtlog_write(FILE *f, const struct exchange *x)
{
    struct buf b = BUF_INIT;
    char wall[40];
    mock_rfc3339_nano(x->wall_arrive_ns, wall, sizeof(wall));
    const struct mock_gen *g = &x->gen;
    mono_ns first = 0, first_answer = 0;
    size_t sent = 0;
    for (size_t i = 0; i < g->n_pieces; i++) {
        if (!g->pieces[i].sent)
            continue;
        sent++;
        if (!first)
            first = g->pieces[i].sent;
        if (!first_answer && !g->pieces[i].reasoning)
            first_answer = g->pieces[i].sent;
    }
    buf_adds(&b, "{\"arrived\":");
    json_escape(&b, wall, strlen(wall));
    key_str(&b, "request_id", x->request_id);
    key_str(&b, "protocol", x->proto ? x->proto->name : "");
    key_str(&b, "route", x->route_name ? x->route_name : "");
    key_str(&b, "model", x->model ? x->model->name : NULL);
    key_bool(&b, "stream", x->ask.stream);
    key_int(&b, "status", x->status);
    key_str(&b, "fault", mock_fault_names[x->fault]);
    key_bool(&b, "fault_forced", x->fault_forced);
    key(&b, "nonce");
    buf_addf(&b, "%llu", (unsigned long long)x->nonce);
    key_str(&b, "item", g->item ? g->item->id : NULL);
    key_bool(&b, "client_gone", x->gone);
    key_int(&b, "in_tokens", (long long)x->ask.in_tokens);
    key_int(&b, "cached_tokens", (long long)g->cached_tokens);
    key_int(&b, "out_tokens", (long long)mock_out_tokens(x));
    key_int(&b, "reasoning_tokens", (long long)g->reasoning_tokens);
    key_str(&b, "finish", finish_name(g->finish));
    double last = g->n_pieces ? g->pieces[g->n_pieces - 1].at_ms : g->ttft_ms;
    key_ms(&b, "queue_ms", x->t_admit ? g->queue_ms : 0.0);
    key_ms(&b, "load_ms", g->load_ms);
    key_ms(&b, "planned_ttft_ms", x->t_admit ? g->ttft_ms : 0.0);
    key_ms(&b, "intended_ttft_ms", x->t_admit ? g->queue_ms + g->ttft_ms : 0.0);
    key_ms(&b, "intended_end_ms", x->t_admit ? g->queue_ms + last : 0.0);
    key(&b, "mono_ns");
    buf_adds(&b, "{\"arrived\":");
    json_int(&b, (long long)x->t_arrive);
    key_int(&b, "admitted", (long long)x->t_admit);
    key_int(&b, "headers", (long long)x->t_headers);
    key_int(&b, "first_token", (long long)first);
    key_int(&b, "first_answer_token", (long long)first_answer);
    key_int(&b, "end", (long long)x->t_end);
    buf_adds(&b, "}");
    key(&b, "ms");
    buf_adds(&b, "{\"headers\":");
    json_fixed3(&b, ms_since(x->t_headers, x->t_arrive));
    key_ms(&b, "first_token", ms_since(first, x->t_arrive));
    key_ms(&b, "first_answer_token", ms_since(first_answer, x->t_arrive));
    key_ms(&b, "end", ms_since(x->t_end, x->t_arrive));
    buf_adds(&b, "}");
    key_int(&b, "pieces", (long long)g->n_pieces);
    key_int(&b, "pieces_sent", (long long)sent);
    key(&b, "sent_ms");
    buf_addc(&b, '[');
    int comma = 0;
    for (size_t i = 0; i < g->n_pieces; i++) {
        if (!g->pieces[i].sent)
            continue;
        if (comma)
            buf_addc(&b, ',');
        json_fixed3(&b, ms_since(g->pieces[i].sent, x->t_arrive));
        comma = 1;
    }
    buf_adds(&b, "]}\n");
    fwrite(b.ptr, 1, b.len, f);
    fflush(f);
    buf_release(&b);
}
