/* anthropic.c -- Anthropic Messages (protocols.md §6).
 *
 *   stream: event: message_start (usage: input side, output_tokens 1)
 *           -> content_block_start (thinking if the model reasons, else
 *           text) -> ping -> content_block_delta per piece (thinking_delta,
 *           then signature_delta, content_block_stop, a text block) ->
 *           content_block_stop -> message_delta (stop_reason, cumulative
 *           output_tokens) -> message_stop. No [DONE].
 *   usage:  input_tokens excludes cached input (cache_read_input_tokens).
 *   errors: {"type":"error","error":{"type","message"},"request_id"};
 *           overload is 529; mid-stream an `event: error` with HTTP 200. */
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

static int parse_messages(struct exchange *x)
{
    const cJSON *b = x->body;
    if (!mock_header(x, "anthropic-version"))
        return mock_reject(x, MERR_BAD_REQUEST, "anthropic-version: header is required");
    if (!cJSON_IsObject(b))
        return mock_reject(x, MERR_BAD_REQUEST, "request body must be a JSON object");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(b, "model");
    if (!cJSON_IsString(model))
        return mock_reject(x, MERR_BAD_REQUEST, "model: Field required");
    x->ask.model = xstrdup(model->valuestring);
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(b, "max_tokens");
    if (!cJSON_IsNumber(mt))
        return mock_reject(x, MERR_BAD_REQUEST, "max_tokens: Field required");
    if (mt->valuedouble < 1)
        return mock_reject(x, MERR_BAD_REQUEST, "max_tokens: Input should be greater than or equal to 1");
    x->ask.max_tokens = json_long_or(mt, -1);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "temperature");
    if (cJSON_IsNumber(t) && (t->valuedouble < 0 || t->valuedouble > 1))
        return mock_reject(x, MERR_BAD_REQUEST, "temperature: range: 0..1");
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(b, "system");
    if (sys) {
        mock_add_content(x, sys);
        mock_mark_prefix(x);
    }
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(b, "messages");
    if (!cJSON_IsArray(msgs) || !msgs->child)
        return mock_reject(x, MERR_BAD_REQUEST, "messages: Field required");
    int i = 0;
    for (const cJSON *m = msgs->child; m; m = m->next, i++) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        if (!cJSON_IsString(role) || (strcmp(role->valuestring, "user") != 0 &&
                                      strcmp(role->valuestring, "assistant") != 0))
            return mock_reject(x, MERR_BAD_REQUEST,
                               "messages.%d.role: Input should be 'user' or 'assistant'", i);
        mock_add_content(x, cJSON_GetObjectItemCaseSensitive(m, "content"));
        if (m->next)
            mock_mark_prefix(x);
    }
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(b, "stop_sequences");
    for (const cJSON *s = cJSON_IsArray(stop) ? stop->child : NULL; s && x->ask.n_stop < 4;
         s = s->next)
        if (cJSON_IsString(s) && *s->valuestring)
            x->ask.stop[x->ask.n_stop++] = xstrdup(s->valuestring);
    x->ask.stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "stream"));
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(b, "thinking");
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(th, "type");
    if (cJSON_IsString(tt) && strcmp(tt->valuestring, "disabled") == 0)
        x->ask.think = 0;
    return 0;
}

static void error_body(const struct exchange *x, struct buf *b, const char *type, const char *msg)
{
    buf_adds(b, "{\"type\":\"error\",\"error\":{\"type\":");
    mock_json_str(b, type, (size_t)-1);
    buf_adds(b, ",\"message\":");
    mock_json_str(b, msg, (size_t)-1);
    buf_adds(b, "},\"request_id\":");
    mock_json_str(b, x->request_id, (size_t)-1);
    buf_adds(b, "}");
}

static void anthropic_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                            struct buf *out, const char **ctype)
{
    char text[600];
    *ctype = "application/json";
    switch (kind) {
    case MERR_AUTH:
        *status = 401;
        error_body(x, out, "authentication_error", "x-api-key header is required");
        return;
    case MERR_NOT_FOUND:
        *status = 404;
        snprintf(text, sizeof(text), "model: %s", x->ask.model ? x->ask.model : "");
        error_body(x, out, "not_found_error", text);
        return;
    case MERR_RATE_LIMIT:
    case MERR_QUEUE_FULL:
        *status = 429;
        error_body(x, out, "rate_limit_error",
                   "This request would exceed the rate limit for your organization. Please "
                   "reduce the prompt length or the maximum tokens requested, or try again later.");
        return;
    case MERR_SERVER:
        *status = 500;
        error_body(x, out, "api_error", "Internal server error");
        return;
    case MERR_UNAVAILABLE:
    case MERR_LOADING:
        *status = 529;
        error_body(x, out, "overloaded_error", "Overloaded");
        return;
    case MERR_BAD_JSON:
        *status = 400;
        error_body(x, out, "invalid_request_error", "The request body is not valid JSON.");
        return;
    default:
        *status = 400;
        error_body(x, out, "invalid_request_error", msg);
        return;
    }
}

static void anthropic_headers(struct exchange *x, struct evkeyvalq *h)
{
    evhttp_add_header(h, "request-id", x->request_id);
    evhttp_add_header(h, "anthropic-organization-id", "00000000-0000-4000-8000-00000000a55a");
    mock_ratelimit_anthropic(x, h);
}

static const char *stop_reason(const struct exchange *x)
{
    return x->gen.finish == FIN_LENGTH ? "max_tokens"
         : x->gen.finish == FIN_STOP_SEQ ? "stop_sequence" : "end_turn";
}

static void stop_sequence(const struct exchange *x, struct buf *b)
{
    if (x->gen.finish == FIN_STOP_SEQ && x->gen.stop_seq)
        mock_json_str(b, x->gen.stop_seq, (size_t)-1);
    else
        buf_adds(b, "null");
}

static void usage_fields(const struct exchange *x, struct buf *b, size_t out_tokens)
{
    buf_addf(b, "{\"input_tokens\":%zu,\"cache_creation_input_tokens\":0,"
                "\"cache_read_input_tokens\":%zu,\"output_tokens\":%zu",
             mock_uncached_tokens(x), x->gen.cached_tokens, out_tokens);
}

/* A deterministic stand-in for the signature of a thinking block. */
static void signature(const struct exchange *x, char *out, size_t n)
{
    snprintf(out, n, "mock%016llx", (unsigned long long)hash64(x->gen.reasoning.ptr,
                                                                x->gen.reasoning.len, 7));
}

static void anthropic_body(struct exchange *x, struct buf *b)
{
    buf_adds(b, "{\"id\":");
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    mock_json_str(b, x->model->name, (size_t)-1);
    buf_adds(b, ",\"content\":[");
    if (x->gen.reasoning.len) {
        char sig[40];
        signature(x, sig, sizeof(sig));
        buf_adds(b, "{\"type\":\"thinking\",\"thinking\":");
        mock_json_str(b, x->gen.reasoning.ptr, x->gen.reasoning.len);
        buf_addf(b, ",\"signature\":\"%s\"},", sig);
    }
    buf_adds(b, "{\"type\":\"text\",\"text\":");
    mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
    buf_addf(b, "}],\"stop_reason\":\"%s\",\"stop_sequence\":", stop_reason(x));
    stop_sequence(x, b);
    buf_adds(b, ",\"usage\":");
    usage_fields(x, b, mock_out_tokens(x));
    if (x->gen.reasoning_tokens)
        buf_addf(b, ",\"output_tokens_details\":{\"thinking_tokens\":%zu}", x->gen.reasoning_tokens);
    buf_adds(b, ",\"service_tier\":\"standard\"}}");
}

static void event(struct buf *b, const char *name)
{
    buf_addf(b, "event: %s\ndata: ", name);
}

static void block_start(struct buf *b, int index, int thinking)
{
    event(b, "content_block_start");
    if (thinking)
        buf_addf(b, "{\"type\":\"content_block_start\",\"index\":%d,\"content_block\":"
                    "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n", index);
    else
        buf_addf(b, "{\"type\":\"content_block_start\",\"index\":%d,\"content_block\":"
                    "{\"type\":\"text\",\"text\":\"\"}}\n\n", index);
}

static void block_stop(struct buf *b, int index)
{
    event(b, "content_block_stop");
    buf_addf(b, "{\"type\":\"content_block_stop\",\"index\":%d}\n\n", index);
}

static void end_thinking(const struct exchange *x, struct buf *b)
{
    char sig[40];
    signature(x, sig, sizeof(sig));
    event(b, "content_block_delta");
    buf_addf(b, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                "{\"type\":\"signature_delta\",\"signature\":\"%s\"}}\n\n", sig);
    block_stop(b, 0);
}

static void anthropic_open(struct exchange *x, struct buf *b)
{
    event(b, "message_start");
    buf_adds(b, "{\"type\":\"message_start\",\"message\":{\"id\":");
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":");
    mock_json_str(b, x->model->name, (size_t)-1);
    buf_adds(b, ",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":");
    usage_fields(x, b, 1);
    buf_adds(b, ",\"service_tier\":\"standard\"}}}\n\n");
    block_start(b, 0, x->gen.reasoning.len > 0);
    buf_adds(b, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
}

static void anthropic_piece(struct exchange *x, size_t i, struct buf *b)
{
    size_t n;
    const char *t = mock_piece_text(x, i, &n);
    const struct mock_piece *p = &x->gen.pieces[i];
    int has_thinking = x->gen.reasoning.len > 0;
    if (has_thinking && !p->reasoning && (i == 0 || x->gen.pieces[i - 1].reasoning)) {
        end_thinking(x, b);
        block_start(b, 1, 0);
    }
    event(b, "content_block_delta");
    buf_addf(b, "{\"type\":\"content_block_delta\",\"index\":%d,\"delta\":{\"type\":\"%s\",\"%s\":",
             has_thinking && !p->reasoning ? 1 : 0, p->reasoning ? "thinking_delta" : "text_delta",
             p->reasoning ? "thinking" : "text");
    mock_json_str(b, t, n);
    buf_adds(b, "}}\n\n");
}

static void anthropic_close(struct exchange *x, struct buf *b)
{
    size_t n = x->gen.n_pieces;
    int has_thinking = x->gen.reasoning.len > 0;
    int answered = n && !x->gen.pieces[n - 1].reasoning;
    if (has_thinking && !answered) {
        end_thinking(x, b);
    } else {
        block_stop(b, has_thinking ? 1 : 0);
    }
    event(b, "message_delta");
    buf_addf(b, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\",\"stop_sequence\":",
             stop_reason(x));
    stop_sequence(x, b);
    buf_addf(b, "},\"usage\":{\"output_tokens\":%zu}}\n\n", mock_out_tokens(x));
    event(b, "message_stop");
    buf_adds(b, "{\"type\":\"message_stop\"}\n\n");
}

static void anthropic_stream_error(struct exchange *x, struct buf *b)
{
    (void)x;
    event(b, "error");
    buf_adds(b, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
}

const struct mock_proto mock_proto_anthropic = {
    .name = "anthropic", .stream_ctype = "text/event-stream; charset=utf-8", .frame_end = "\n\n",
    .id_prefix = "msg_01", .request_id_prefix = "req_011C", .reasoning = 1,
    .parse = parse_messages, .error = anthropic_error, .headers = anthropic_headers,
    .body = anthropic_body, .open = anthropic_open, .piece = anthropic_piece,
    .close = anthropic_close, .stream_error = anthropic_stream_error,
};
