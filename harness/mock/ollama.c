/* ollama.c -- Ollama's native /api/chat (protocols.md §3.3.2).
 *
 * NDJSON (application/x-ndjson), one object per line, `stream` true unless
 * the request says false. Reasoning goes in message.thinking (off with
 * "think": false). The final object has done:true, done_reason and the
 * metrics in nanoseconds -- total, load, prompt_eval and eval durations and
 * counts -- each omitted when zero, as Go's omitempty does. Durations are
 * the planned ones (deterministic). Errors are {"error":"..."}; a full
 * queue is 503 "server busy"; mid-stream an {"error":...} line with HTTP
 * 200. No auth, like a local Ollama. */
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

static int parse_chat(struct exchange *x)
{
    const cJSON *b = x->body;
    if (!cJSON_IsObject(b))
        return mock_reject(x, MERR_BAD_REQUEST, "json: cannot unmarshal into Go value of type api.ChatRequest");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(b, "model");
    if (!cJSON_IsString(model) || !*model->valuestring)
        return mock_reject(x, MERR_BAD_REQUEST, "model is required");
    x->ask.model = xstrdup(model->valuestring);
    size_t n = strlen(x->ask.model);
    if (n > 7 && strcmp(x->ask.model + n - 7, ":latest") == 0)
        x->ask.model[n - 7] = '\0';
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(b, "messages");
    for (const cJSON *m = cJSON_IsArray(msgs) ? msgs->child : NULL; m; m = m->next) {
        mock_add_content(x, cJSON_GetObjectItemCaseSensitive(m, "content"));
        if (m->next)
            mock_mark_prefix(x);
    }
    const cJSON *stream = cJSON_GetObjectItemCaseSensitive(b, "stream");
    x->ask.stream = !cJSON_IsFalse(stream);
    if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(b, "think")))
        x->ask.think = 0;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, "options");
    const cJSON *np = cJSON_GetObjectItemCaseSensitive(o, "num_predict");
    if (cJSON_IsNumber(np) && np->valuedouble >= 0)
        x->ask.max_tokens = json_long_or(np, -1);
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(o, "stop");
    for (const cJSON *s = cJSON_IsArray(stop) ? stop->child : NULL; s && x->ask.n_stop < 4; s = s->next)
        if (cJSON_IsString(s) && *s->valuestring)
            x->ask.stop[x->ask.n_stop++] = xstrdup(s->valuestring);
    return 0;
}

static void error_line(struct buf *out, const char *msg)
{
    buf_adds(out, "{\"error\":");
    mock_json_str(out, msg, (size_t)-1);
    buf_adds(out, "}");
}

static void ollama_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                         struct buf *out, const char **ctype)
{
    char text[400];
    *ctype = "application/json; charset=utf-8";
    switch (kind) {
    case MERR_NOT_FOUND:
        *status = 404;
        snprintf(text, sizeof(text), "model \"%s\" not found, try pulling it first",
                 x->ask.model ? x->ask.model : "");
        error_line(out, text);
        return;
    case MERR_RATE_LIMIT:
        *status = 429;
        error_line(out, "too many requests");
        return;
    case MERR_QUEUE_FULL:
    case MERR_UNAVAILABLE:
    case MERR_LOADING:
        *status = 503;
        error_line(out, "server busy, please try again.  maximum pending requests exceeded");
        return;
    case MERR_SERVER:
        *status = 500;
        error_line(out, "an error was encountered while running the model");
        return;
    case MERR_AUTH:
        *status = 401;
        error_line(out, "unauthorized");
        return;
    default:
        *status = 400;
        error_line(out, msg);
        return;
    }
}

static void head(const struct exchange *x, struct buf *b)
{
    char at[48];
    mock_rfc3339_nano(clock_wall_ns(), at, sizeof(at));
    buf_adds(b, "{\"model\":");
    mock_json_str(b, x->model->name, (size_t)-1);
    buf_addf(b, ",\"created_at\":\"%s\",\"message\":{\"role\":\"assistant\",\"content\":", at);
}

static void metrics(const struct exchange *x, struct buf *b)
{
    const struct mock_gen *g = &x->gen;
    double end = g->n_pieces ? g->pieces[g->n_pieces - 1].at_ms : g->ttft_ms;
    long long total = (long long)(end * 1e6), load = (long long)(g->load_ms * 1e6);
    long long prompt = (long long)((g->ttft_ms - g->load_ms) * 1e6);
    long long eval = (long long)((end - g->ttft_ms) * 1e6);
    buf_addf(b, ",\"done\":true,\"done_reason\":\"%s\"",
             g->finish == FIN_LENGTH ? "length" : "stop");
    /* omitempty: zero values are left out */
    if (total > 0)
        buf_addf(b, ",\"total_duration\":%lld", total);
    if (load > 0)
        buf_addf(b, ",\"load_duration\":%lld", load);
    if (x->ask.in_tokens)
        buf_addf(b, ",\"prompt_eval_count\":%zu", x->ask.in_tokens);
    if (prompt > 0)
        buf_addf(b, ",\"prompt_eval_duration\":%lld", prompt);
    if (mock_out_tokens(x))
        buf_addf(b, ",\"eval_count\":%zu", mock_out_tokens(x));
    if (eval > 0)
        buf_addf(b, ",\"eval_duration\":%lld", eval);
    buf_adds(b, "}");
}

static void ollama_body(struct exchange *x, struct buf *b)
{
    head(x, b);
    mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
    if (x->gen.reasoning.len) {
        buf_adds(b, ",\"thinking\":");
        mock_json_str(b, x->gen.reasoning.ptr, x->gen.reasoning.len);
    }
    buf_adds(b, "}");
    metrics(x, b);
}

static void ollama_piece(struct exchange *x, size_t i, struct buf *b)
{
    size_t n;
    const char *t = mock_piece_text(x, i, &n);
    head(x, b);
    if (x->gen.pieces[i].reasoning) {
        buf_adds(b, "\"\",\"thinking\":");
        mock_json_str(b, t, n);
    } else {
        mock_json_str(b, t, n);
    }
    buf_adds(b, "},\"done\":false}\n");
}

static void ollama_close(struct exchange *x, struct buf *b)
{
    head(x, b);
    buf_adds(b, "\"\"}");
    metrics(x, b);
    buf_addc(b, '\n');
}

static void ollama_stream_error(struct exchange *x, struct buf *b)
{
    (void)x;
    error_line(b, "an error was encountered while running the model");
    buf_addc(b, '\n');
}

const struct mock_proto mock_proto_ollama = {
    .name = "ollama", .stream_ctype = "application/x-ndjson", .frame_end = "\n",
    .id_prefix = "", .request_id_prefix = "", .reasoning = 1,
    .parse = parse_chat, .error = ollama_error, .body = ollama_body, .piece = ollama_piece,
    .close = ollama_close, .stream_error = ollama_stream_error,
};
