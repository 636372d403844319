/* tgi.c -- Hugging Face Text Generation Inference: /generate,
 * /generate_stream and the compat POST / (protocols.md §4).
 *
 *   validation: temperature must be > 0, top_p in (0, 1), top_k and
 *           max_new_tokens > 0, stop an array -- the first three as JSON
 *           422 {"error","error_type":"validation"}, a wrong shape as a
 *           plain-text 422 (axum's JSON extractor), as TGI does.
 *   stream: one `data:` event per piece, generated_text (and details, only
 *           with parameters.details) on the last event, no [DONE]. Errors
 *           after the extractor are in-band events with HTTP 200.
 *   headers: x-compute-*, x-*-time (ms), x-prompt-tokens,
 *           x-generated-tokens on the non-streamed reply.
 * Served model: /tgi/{model}/... or, at the root, the profile's
 * default_model. No reasoning field: TGI returns raw text. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/jsonv.h"
#include "harness/util/xalloc.h"

static int validation(struct exchange *x, const char *what)
{
    return mock_reject(x, MERR_INVALID, "Input validation error: %s", what);
}

static int parse_generate(struct exchange *x)
{
    const cJSON *b = x->body;
    if (!cJSON_IsObject(b))
        return mock_reject(x, MERR_BAD_REQUEST, "invalid type: expected struct GenerateRequest");
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(b, "inputs");
    if (!cJSON_IsString(inputs))
        return mock_reject(x, MERR_BAD_REQUEST, inputs ? "inputs: invalid type: expected a string"
                                                       : "missing field `inputs`");
    if (x->route == RT_TGI_COMPAT)
        x->ask.stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "stream"));
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "parameters");
    if (p && !cJSON_IsObject(p) && !cJSON_IsNull(p))
        return mock_reject(x, MERR_BAD_REQUEST, "parameters: invalid type: expected struct GenerateParameters");
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(p, "stop");
    if (stop && !cJSON_IsArray(stop) && !cJSON_IsNull(stop))
        return mock_reject(x, MERR_BAD_REQUEST, "parameters.stop: invalid type: expected a sequence");
    if (!*inputs->valuestring)
        return validation(x, "`inputs` cannot be empty");
    const cJSON *v;
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(p, "temperature")) && v->valuedouble <= 0)
        return validation(x, "`temperature` must be strictly positive");
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(p, "top_p")) &&
        (v->valuedouble <= 0 || v->valuedouble >= 1))
        return validation(x, "`top_p` must be > 0.0 and < 1.0");
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(p, "top_k")) && v->valuedouble <= 0)
        return validation(x, "`top_k` must be strictly positive");
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(p, "max_new_tokens"))) {
        if (v->valuedouble <= 0)
            return validation(x, "`max_new_tokens` must be strictly positive");
        x->ask.max_tokens = json_long_or(v, -1);
    }
    if (x->ask.stream && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "decoder_input_details")))
        return validation(x, "`decoder_input_details` == true is not supported when streaming tokens");
    for (const cJSON *s = cJSON_IsArray(stop) ? stop->child : NULL; s; s = s->next) {
        if (x->ask.n_stop == 4)
            return validation(x, "`stop` supports up to 4 stop sequences. Given: 5");
        if (cJSON_IsString(s) && *s->valuestring)
            x->ask.stop[x->ask.n_stop++] = xstrdup(s->valuestring);
    }
    x->ask.details = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "details"));
    x->ask.return_full_text = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "return_full_text"));
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(p, "seed")))
        x->ask.seed = json_long_or(v, -1);
    mock_add_content(x, inputs);
    return 0;
}

static void tgi_json_error(struct buf *out, const char *msg, const char *type)
{
    buf_adds(out, "{\"error\":");
    mock_json_str(out, msg, (size_t)-1);
    buf_adds(out, ",\"error_type\":");
    mock_json_str(out, type, (size_t)-1);
    buf_adds(out, "}");
}

static void tgi_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                      struct buf *out, const char **ctype)
{
    *ctype = "application/json";
    const char *text = msg, *type = "validation";
    switch (kind) {
    case MERR_AUTH:           /* TGI's auth layer: empty body */
        *status = 401;
        *ctype = "text/plain";
        return;
    case MERR_BAD_JSON:
        *status = 400;
        *ctype = "text/plain; charset=utf-8";
        buf_addf(out, "Failed to parse the request body as JSON: %s", msg);
        return;
    case MERR_BAD_REQUEST:
        *status = 422;
        *ctype = "text/plain; charset=utf-8";
        buf_addf(out, "Failed to deserialize the JSON body into the target type: %s", msg);
        return;
    case MERR_UNSUPPORTED_MEDIA:
        *status = 415;
        *ctype = "text/plain; charset=utf-8";
        buf_adds(out, msg);
        return;
    case MERR_NOT_FOUND:
        *status = 404;
        *ctype = "text/plain; charset=utf-8";
        return;
    case MERR_INVALID: *status = 422; break;
    case MERR_RATE_LIMIT:
    case MERR_QUEUE_FULL: *status = 429; text = "Model is overloaded"; type = "overloaded"; break;
    case MERR_SERVER: *status = 500; text = "Incomplete generation"; type = "incomplete_generation"; break;
    default: *status = 503; text = "Service Unavailable"; type = "unavailable"; break;
    }
    if (x->ask.stream) {   /* the stream handler answers 200 and an error event */
        *status = 200;
        *ctype = "text/event-stream";
        buf_adds(out, "data: ");
        tgi_json_error(out, text, type);
        buf_adds(out, "\n\n");
        return;
    }
    tgi_json_error(out, text, type);
}

static const char *finish_reason(const struct exchange *x)
{
    return x->gen.finish == FIN_LENGTH ? "length"
         : x->gen.finish == FIN_STOP_SEQ ? "stop_sequence" : "eos_token";
}

static void tgi_headers(struct exchange *x, struct evkeyvalq *h)
{
    char v[64];
    evhttp_add_header(h, "x-compute-type", "gpu+optimized");
    snprintf(v, sizeof(v), "%zu", x->ask.prompt.len);
    evhttp_add_header(h, "x-compute-characters", v);
    if (x->ask.stream) {
        evhttp_add_header(h, "X-Accel-Buffering", "no");
        return;
    }
    if (!x->t_admit)
        return;
    size_t out = mock_out_tokens(x);
    double infer = x->gen.n_pieces ? x->gen.pieces[x->gen.n_pieces - 1].at_ms : x->gen.ttft_ms;
    double total = infer + x->gen.queue_ms;
    snprintf(v, sizeof(v), "%.3f", total / 1e3);
    evhttp_add_header(h, "x-compute-time", v);
    snprintf(v, sizeof(v), "%.0f", total);
    evhttp_add_header(h, "x-total-time", v);
    evhttp_add_header(h, "x-validation-time", "0");
    snprintf(v, sizeof(v), "%.0f", x->gen.queue_ms);
    evhttp_add_header(h, "x-queue-time", v);
    snprintf(v, sizeof(v), "%.0f", infer);
    evhttp_add_header(h, "x-inference-time", v);
    snprintf(v, sizeof(v), "%.0f", out ? infer / (double)out : 0.0);
    evhttp_add_header(h, "x-time-per-token", v);
    snprintf(v, sizeof(v), "%zu", x->ask.in_tokens);
    evhttp_add_header(h, "x-prompt-tokens", v);
    snprintf(v, sizeof(v), "%zu", out);
    evhttp_add_header(h, "x-generated-tokens", v);
}

/* Token id and logprob: stable functions of the text. */
static void token_json(struct buf *b, const char *t, size_t n)
{
    uint64_t h = hash64(t, n, 0x746f6b);
    buf_addf(b, "{\"id\":%llu,\"text\":", (unsigned long long)(h % 32000 + 3));
    mock_json_str(b, t, n);
    buf_addf(b, ",\"logprob\":%.4f,\"special\":false}", -(double)(h >> 40 & 0xffff) / 30000.0);
}

static void generated_text(const struct exchange *x, struct buf *b)
{
    if (!x->ask.return_full_text) {
        mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
        return;
    }
    struct buf t = BUF_INIT;
    buf_add(&t, x->ask.prompt.ptr, x->ask.prompt.len);
    buf_add(&t, x->gen.answer.ptr, x->gen.answer.len);
    mock_json_str(b, t.ptr, t.len);
    buf_release(&t);
}

static void seed_json(const struct exchange *x, struct buf *b)
{
    if (x->ask.seed >= 0)
        buf_addf(b, "%lld", x->ask.seed);
    else
        buf_adds(b, "null");
}

static void tgi_body(struct exchange *x, struct buf *b)
{
    buf_adds(b, "{\"generated_text\":");
    generated_text(x, b);
    if (x->ask.details) {
        buf_addf(b, ",\"details\":{\"finish_reason\":\"%s\",\"generated_tokens\":%zu,\"seed\":",
                 finish_reason(x), mock_out_tokens(x));
        seed_json(x, b);
        buf_adds(b, ",\"prefill\":[],\"tokens\":[");
        for (size_t i = 0; i < x->gen.n_pieces; i++) {
            size_t n;
            const char *t = mock_piece_text(x, i, &n);
            if (i)
                buf_addc(b, ',');
            token_json(b, t, n);
        }
        buf_adds(b, "]}");
    }
    buf_adds(b, "}");
}

static void last_fields(const struct exchange *x, struct buf *b)
{
    buf_adds(b, ",\"generated_text\":");
    generated_text(x, b);
    buf_adds(b, ",\"details\":");
    if (x->ask.details) {
        buf_addf(b, "{\"finish_reason\":\"%s\",\"generated_tokens\":%zu,\"seed\":",
                 finish_reason(x), mock_out_tokens(x));
        seed_json(x, b);
        buf_addf(b, ",\"input_length\":%zu}", x->ask.in_tokens);
    } else {
        buf_adds(b, "null");
    }
    buf_adds(b, "}\n\n");
}

static void tgi_piece(struct exchange *x, size_t i, struct buf *b)
{
    size_t n;
    const char *t = mock_piece_text(x, i, &n);
    buf_addf(b, "data: {\"index\":%zu,\"token\":", i + 1);
    token_json(b, t, n);
    if (i + 1 < x->gen.n_pieces)
        buf_adds(b, ",\"generated_text\":null,\"details\":null}\n\n");
    else
        last_fields(x, b);
}

static void tgi_close(struct exchange *x, struct buf *b)
{
    if (x->gen.n_pieces)
        return;   /* the last piece carried the end */
    buf_adds(b, "data: {\"index\":1,\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":0.0,"
                "\"special\":true}");
    last_fields(x, b);
}

static void tgi_stream_error(struct exchange *x, struct buf *b)
{
    (void)x;
    buf_adds(b, "data: ");
    tgi_json_error(b, "Request failed during generation: Server error: CUDA error: an illegal "
                      "memory access was encountered", "generation");
    buf_adds(b, "\n\n");
}

const struct mock_proto mock_proto_tgi = {
    .name = "tgi", .stream_ctype = "text/event-stream", .frame_end = "\n\n",
    .id_prefix = "", .request_id_prefix = "", .reasoning = 0,
    .parse = parse_generate, .error = tgi_error, .headers = tgi_headers, .body = tgi_body,
    .open = NULL, .piece = tgi_piece, .close = tgi_close, .stream_error = tgi_stream_error,
};
