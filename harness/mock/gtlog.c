/* gtlog.c -- see gtlog.h. Times are CLOCK_MONOTONIC nanoseconds (the
 * clock a client on the same host compares with) plus offsets in
 * milliseconds from the request's arrival. A line is written when the
 * exchange ends, and flushed, so a killed mock loses no finished line. */
#include "gtlog.h"

#include <errno.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/buf.h"

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
    mock_json_str(&b, wall, (size_t)-1);
    buf_addf(&b, ",\"request_id\":");
    mock_json_str(&b, x->request_id, (size_t)-1);
    buf_adds(&b, ",\"protocol\":");
    mock_json_str(&b, x->proto ? x->proto->name : "", (size_t)-1);
    buf_adds(&b, ",\"route\":");
    mock_json_str(&b, x->route_name ? x->route_name : "", (size_t)-1);
    buf_adds(&b, ",\"model\":");
    if (x->model)
        mock_json_str(&b, x->model->name, (size_t)-1);
    else
        buf_adds(&b, "null");
    buf_addf(&b, ",\"stream\":%s,\"status\":%d,\"fault\":\"%s\",\"fault_forced\":%s,"
                 "\"nonce\":%llu,\"item\":",
             x->ask.stream ? "true" : "false", x->status, mock_fault_names[x->fault],
             x->fault_forced ? "true" : "false", (unsigned long long)x->nonce);
    if (g->item)
        mock_json_str(&b, g->item->id, (size_t)-1);
    else
        buf_adds(&b, "null");
    buf_addf(&b, ",\"client_gone\":%s", x->gone ? "true" : "false");
    buf_addf(&b, ",\"in_tokens\":%zu,\"cached_tokens\":%zu,\"out_tokens\":%zu,"
                 "\"reasoning_tokens\":%zu,\"finish\":\"%s\"",
             x->ask.in_tokens, g->cached_tokens, mock_out_tokens(x), g->reasoning_tokens,
             finish_name(g->finish));
    double last = g->n_pieces ? g->pieces[g->n_pieces - 1].at_ms : g->ttft_ms;
    buf_addf(&b, ",\"queue_ms\":%.3f,\"load_ms\":%.3f,\"planned_ttft_ms\":%.3f,"
                 "\"intended_ttft_ms\":%.3f,\"intended_end_ms\":%.3f",
             x->t_admit ? g->queue_ms : 0.0, g->load_ms, x->t_admit ? g->ttft_ms : 0.0,
             x->t_admit ? g->queue_ms + g->ttft_ms : 0.0, x->t_admit ? g->queue_ms + last : 0.0);
    buf_addf(&b, ",\"mono_ns\":{\"arrived\":%lld,\"admitted\":%lld,\"headers\":%lld,"
                 "\"first_token\":%lld,\"first_answer_token\":%lld,\"end\":%lld}",
             (long long)x->t_arrive, (long long)x->t_admit, (long long)x->t_headers,
             (long long)first, (long long)first_answer, (long long)x->t_end);
    buf_addf(&b, ",\"ms\":{\"headers\":%.3f,\"first_token\":%.3f,\"first_answer_token\":%.3f,"
                 "\"end\":%.3f}",
             ms_since(x->t_headers, x->t_arrive), ms_since(first, x->t_arrive),
             ms_since(first_answer, x->t_arrive), ms_since(x->t_end, x->t_arrive));
    buf_addf(&b, ",\"pieces\":%zu,\"pieces_sent\":%zu,\"sent_ms\":[", g->n_pieces, sent);
    int comma = 0;
    for (size_t i = 0; i < g->n_pieces; i++) {
        if (!g->pieces[i].sent)
            continue;
        buf_addf(&b, "%s%.3f", comma ? "," : "", ms_since(g->pieces[i].sent, x->t_arrive));
        comma = 1;
    }
    buf_adds(&b, "]}\n");
    fwrite(b.ptr, 1, b.len, f);
    fflush(f);
    buf_release(&b);
}
