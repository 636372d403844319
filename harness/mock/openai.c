/* openai.c -- OpenAI Chat Completions and its Azure forms (protocols.md §1,
 * §2), byte for byte as the examples there:
 *
 *   stream:  role chunk {"role":"assistant","content":""} -> one chunk per
 *            piece -> finish chunk (delta {}) -> usage chunk (choices [],
 *            only with stream_options.include_usage) -> data: [DONE]
 *            "usage":null on every chunk only when include_usage is on;
 *            "obfuscation" (random padding) unless include_obfuscation is
 *            false. Reasoning pieces go in delta.<reasoning field>.
 *   Azure:   a leading filter chunk (choices [], id "", created 0),
 *            content_filter_results on every choice, keys in Azure's
 *            (sorted) order, no obfuscation, its own error shapes
 *            (code "429" as a string, type absent).
 *   errors:  {"error":{"message","type","param","code"}}; mid-stream a
 *            data: {"error":{...}} event, no [DONE] after it. */
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "harness/util/jsonv.h"
#include "harness/util/jsonw.h"
#include "harness/util/xalloc.h"

/* === request ============================================================== */

static int parse_chat(struct exchange *x)
{
    const cJSON *b = x->body;
    if (!cJSON_IsObject(b))
        return mock_reject(x, MERR_BAD_REQUEST, "the request body must be a JSON object");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(b, "model");
    if (cJSON_IsString(model))
        x->ask.model = xstrdup(model->valuestring);
    else if (model)
        return mock_reject(x, MERR_BAD_REQUEST, "'model' must be a string");
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(b, "messages");
    if (!cJSON_IsArray(msgs))
        return mock_reject(x, MERR_BAD_REQUEST, "Missing required parameter: 'messages'.");
    if (!msgs->child)
        return mock_reject(x, MERR_BAD_REQUEST, "[] is too short - 'messages'");
    int i = 0;
    for (const cJSON *m = msgs->child; m; m = m->next, i++) {
        if (!cJSON_IsObject(m) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "role")))
            return mock_reject(x, MERR_BAD_REQUEST, "Missing required parameter: 'messages[%d].role'.", i);
        mock_add_content(x, cJSON_GetObjectItemCaseSensitive(m, "content"));
        if (m->next)
            mock_mark_prefix(x);
    }
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(b, "max_completion_tokens");
    if (!cJSON_IsNumber(mt))
        mt = cJSON_GetObjectItemCaseSensitive(b, "max_tokens");
    if (cJSON_IsNumber(mt)) {
        if (mt->valuedouble < 1)
            return mock_reject(x, MERR_INVALID, "Invalid 'max_tokens': integer below minimum value.");
        x->ask.max_tokens = json_long_or(mt, -1);
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "temperature");
    if (cJSON_IsNumber(t) && (t->valuedouble < 0 || t->valuedouble > 2))
        return mock_reject(x, MERR_INVALID, "Invalid 'temperature': must be between 0 and 2.");
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(b, "stop");
    if (cJSON_IsString(stop) && *stop->valuestring) {
        x->ask.stop[x->ask.n_stop++] = xstrdup(stop->valuestring);
    } else if (cJSON_IsArray(stop)) {
        for (const cJSON *s = stop->child; s; s = s->next) {
            if (x->ask.n_stop == 4)
                return mock_reject(x, MERR_INVALID, "Invalid 'stop': array too long; at most 4.");
            if (cJSON_IsString(s) && *s->valuestring)
                x->ask.stop[x->ask.n_stop++] = xstrdup(s->valuestring);
        }
    }
    x->ask.stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "stream"));
    const cJSON *so = cJSON_GetObjectItemCaseSensitive(b, "stream_options");
    if (cJSON_IsObject(so)) {
        if (!x->ask.stream)
            return mock_reject(x, MERR_INVALID,
                               "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        x->ask.include_usage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(so, "include_usage"));
        if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(so, "include_obfuscation")))
            x->ask.obfuscation = 0;
    }
    const cJSON *effort = cJSON_GetObjectItemCaseSensitive(b, "reasoning_effort");
    if (cJSON_IsString(effort) && strcmp(effort->valuestring, "none") == 0)
        x->ask.think = 0;
    return 0;
}

/* === shared pieces ========================================================= */

static const char *finish_reason(const struct exchange *x)
{
    return x->gen.finish == FIN_LENGTH ? "length" : "stop";
}

static const char *model_name(const struct exchange *x)
{
    return x->model->name;
}

static void usage_json(const struct exchange *x, struct buf *b)
{
    size_t in = x->ask.in_tokens, out = mock_out_tokens(x);
    buf_adds(b, "{\"prompt_tokens\":");
    json_int(b, (long long)in);
    buf_adds(b, ",\"completion_tokens\":");
    json_int(b, (long long)out);
    buf_adds(b, ",\"total_tokens\":");
    json_int(b, (long long)(in + out));
    buf_adds(b, ",\"prompt_tokens_details\":{\"cached_tokens\":");
    json_int(b, (long long)x->gen.cached_tokens);
    buf_adds(b, ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":");
    json_int(b, (long long)x->gen.reasoning_tokens);
    buf_adds(b, ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                "\"rejected_prediction_tokens\":0}}");
}

static void error_json(struct buf *b, const char *msg, const char *type, const char *code)
{
    buf_adds(b, "{\"error\":{\"message\":");
    mock_json_str(b, msg, (size_t)-1);
    buf_adds(b, ",\"type\":");
    if (type)
        mock_json_str(b, type, (size_t)-1);
    else
        buf_adds(b, "null");
    buf_adds(b, ",\"param\":null,\"code\":");
    if (code)
        mock_json_str(b, code, (size_t)-1);
    else
        buf_adds(b, "null");
    buf_adds(b, "}}");
}

/* === OpenAI ================================================================ */

static void openai_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                         struct buf *out, const char **ctype)
{
    char text[700];
    *ctype = "application/json";
    switch (kind) {
    case MERR_AUTH:
        *status = 401;
        error_json(out, "You didn't provide an API key. You need to provide your API key in an "
                        "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                        "YOUR_KEY).", "invalid_request_error", NULL);
        return;
    case MERR_BAD_JSON:
        *status = 400;
        error_json(out, "We could not parse the JSON body of your request. (HINT: This likely "
                        "means you aren't using your HTTP library correctly.)",
                   "invalid_request_error", NULL);
        return;
    case MERR_NOT_FOUND:
        *status = 404;
        snprintf(text, sizeof(text), "%s or you do not have access to it.", msg);
        error_json(out, text, "invalid_request_error", "model_not_found");
        return;
    case MERR_RATE_LIMIT:
    case MERR_QUEUE_FULL:
        *status = 429;
        snprintf(text, sizeof(text), "%s for %s in organization org-mock. Please try again in %gs.",
                 kind == MERR_QUEUE_FULL ? "Too many requests in flight" : msg,
                 x->model ? x->model->name : "this model", mock_retry_after_s(x));
        error_json(out, text, "requests", "rate_limit_exceeded");
        return;
    case MERR_SERVER:
        *status = 500;
        error_json(out, "The server had an error while processing your request. Sorry about that!",
                   "server_error", NULL);
        return;
    case MERR_UNAVAILABLE:
    case MERR_LOADING:
        *status = 503;
        error_json(out, "The engine is currently overloaded, please try again later.",
                   "server_error", NULL);
        return;
    default:
        *status = 400;
        error_json(out, msg, "invalid_request_error", NULL);
        return;
    }
}

static void openai_headers(struct exchange *x, struct evkeyvalq *h)
{
    evhttp_add_header(h, "x-request-id", x->request_id);
    evhttp_add_header(h, "openai-version", "2020-10-01");
    evhttp_add_header(h, "openai-organization", "org-mock");
    if (x->model && x->t_admit) {
        char ms[32];
        double total = x->gen.n_pieces ? x->gen.pieces[x->gen.n_pieces - 1].at_ms
                                       : x->gen.ttft_ms;
        snprintf(ms, sizeof(ms), "%.0f", x->ask.stream ? x->gen.ttft_ms : total);
        evhttp_add_header(h, "openai-processing-ms", ms);
    }
    mock_ratelimit_openai(x, h, 1);
}

static void message_json(const struct exchange *x, struct buf *b, int azure)
{
    if (azure) {
        buf_adds(b, "{\"content\":");
        mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
        if (x->gen.reasoning.len) {
            buf_addf(b, ",\"%s\":", x->model->reasoning_field);
            mock_json_str(b, x->gen.reasoning.ptr, x->gen.reasoning.len);
        }
        buf_adds(b, ",\"refusal\":null,\"role\":\"assistant\"}");
        return;
    }
    buf_adds(b, "{\"role\":\"assistant\",\"content\":");
    mock_json_str(b, x->gen.answer.ptr, x->gen.answer.len);
    if (x->gen.reasoning.len) {
        buf_addf(b, ",\"%s\":", x->model->reasoning_field);
        mock_json_str(b, x->gen.reasoning.ptr, x->gen.reasoning.len);
    }
    buf_adds(b, ",\"refusal\":null,\"annotations\":[]}");
}

static void openai_body(struct exchange *x, struct buf *b)
{
    buf_adds(b, "{\"id\":");
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"object\":\"chat.completion\",\"created\":");
    json_int(b, x->created);
    buf_adds(b, ",\"model\":");
    mock_json_str(b, model_name(x), (size_t)-1);
    buf_adds(b, ",\"choices\":[{\"index\":0,\"message\":");
    message_json(x, b, 0);
    buf_adds(b, ",\"logprobs\":null,\"finish_reason\":\"");
    buf_adds(b, finish_reason(x));
    buf_adds(b, "\"}],\"usage\":");
    usage_json(x, b);
    buf_adds(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\"}");
}

/* data: {"id":...,"choices":[{"index":0,"delta":<delta>,...}]...}
 * Chunks are laid out without printf: at thousands of streams they are
 * most of what the mock does. */
static void chunk_start(const struct exchange *x, struct buf *b)
{
    buf_adds(b, "data: {\"id\":");
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"object\":\"chat.completion.chunk\",\"created\":");
    json_int(b, x->created);
    buf_adds(b, ",\"model\":");
    mock_json_str(b, model_name(x), (size_t)-1);
    buf_adds(b, ",\"system_fingerprint\":\"fp_mock\",\"choices\":");
}

static void chunk_end(struct exchange *x, struct buf *b)
{
    if (x->ask.include_usage)
        buf_adds(b, ",\"usage\":null");
    if (x->ask.obfuscation) {
        char pad[20];
        mock_random_alnum(x, pad, 1 + rng_below(&x->rng, 16));
        buf_adds(b, ",\"obfuscation\":\"");
        buf_adds(b, pad);
        buf_addc(b, '"');
    }
    buf_adds(b, "}\n\n");
}

static void openai_open(struct exchange *x, struct buf *b)
{
    chunk_start(x, b);
    buf_adds(b, "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                "\"logprobs\":null,\"finish_reason\":null}]");
    chunk_end(x, b);
}

static void openai_piece(struct exchange *x, size_t i, struct buf *b)
{
    size_t n;
    const char *t = mock_piece_text(x, i, &n);
    chunk_start(x, b);
    buf_adds(b, "[{\"index\":0,\"delta\":{\"");
    buf_adds(b, x->gen.pieces[i].reasoning ? x->model->reasoning_field : "content");
    buf_adds(b, "\":");
    mock_json_str(b, t, n);
    buf_adds(b, "},\"logprobs\":null,\"finish_reason\":null}]");
    chunk_end(x, b);
}

static void openai_close(struct exchange *x, struct buf *b)
{
    chunk_start(x, b);
    buf_addf(b, "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"%s\"}]",
             finish_reason(x));
    chunk_end(x, b);
    if (x->ask.include_usage) {
        chunk_start(x, b);
        buf_adds(b, "[],\"usage\":");
        usage_json(x, b);
        buf_adds(b, "}\n\n");
    }
    buf_adds(b, "data: [DONE]\n\n");
}

static void openai_stream_error(struct exchange *x, struct buf *b)
{
    buf_adds(b, "data: ");
    error_json(b, "The server had an error while processing your request. Sorry about that!",
               "server_error", NULL);
    buf_adds(b, "\n\n");
}

const struct mock_proto mock_proto_openai = {
    .name = "openai", .stream_ctype = "text/event-stream; charset=utf-8", .frame_end = "\n\n",
    .id_prefix = "chatcmpl-", .request_id_prefix = "req_", .reasoning = 1,
    .parse = parse_chat, .error = openai_error, .headers = openai_headers, .body = openai_body,
    .open = openai_open, .piece = openai_piece, .close = openai_close,
    .stream_error = openai_stream_error,
};

/* === Azure ================================================================= */

static const char filter_ok[] =
    "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
    "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
    "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
    "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}";

static void azure_error(struct exchange *x, enum mock_err kind, const char *msg, int *status,
                        struct buf *out, const char **ctype)
{
    char text[700];
    *ctype = "application/json";
    switch (kind) {
    case MERR_AUTH:
        *status = 401;
        buf_adds(out, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
                      "subscription key or wrong API endpoint. Make sure to provide a valid key "
                      "for an active subscription and use a correct regional API endpoint for "
                      "your resource.\"}}");
        return;
    case MERR_NOT_FOUND:
        *status = 404;
        if (strcmp(msg, "Resource not found") == 0)
            buf_adds(out, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
        else
            buf_adds(out, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API "
                          "deployment for this resource does not exist. If you created the "
                          "deployment within the last 5 minutes, please wait a moment and try "
                          "again.\"}}");
        return;
    case MERR_RATE_LIMIT:
    case MERR_QUEUE_FULL:
        *status = 429;
        snprintf(text, sizeof(text), "Requests to the ChatCompletions_Create Operation under "
                 "Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your "
                 "current AIServices S0 pricing tier. Please retry after %g seconds.",
                 mock_retry_after_s(x));
        buf_adds(out, "{\"error\":{\"code\":\"429\",\"message\":");
        mock_json_str(out, text, (size_t)-1);
        buf_adds(out, "}}");
        return;
    default:
        openai_error(x, kind, msg, status, out, ctype);
        return;
    }
}

static void azure_headers(struct exchange *x, struct evkeyvalq *h)
{
    char uuid[40];
    const char *r = x->request_id + strlen(x->proto->request_id_prefix);
    /* A UUID-shaped rendering of the request tag. */
    snprintf(uuid, sizeof(uuid), "%.8s-%.4s-%.4s-%.4s-%.4s%.8s", r, r + 8, r + 12, r + 16, r + 20,
             x->id + strlen(x->proto->id_prefix));
    evhttp_add_header(h, "apim-request-id", uuid);
    evhttp_add_header(h, "x-request-id", uuid);
    evhttp_add_header(h, "x-ms-region", "Mock Region");
    mock_ratelimit_openai(x, h, 0);
}

static void azure_body(struct exchange *x, struct buf *b)
{
    buf_addf(b, "{\"choices\":[{\"content_filter_results\":%s,\"finish_reason\":\"%s\","
                "\"index\":0,\"logprobs\":null,\"message\":", filter_ok, finish_reason(x));
    message_json(x, b, 1);
    buf_addf(b, "}],\"created\":%lld,\"id\":", (long long)x->created);
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"model\":");
    mock_json_str(b, model_name(x), (size_t)-1);
    buf_addf(b, ",\"object\":\"chat.completion\",\"prompt_filter_results\":[{\"prompt_index\":0,"
                "\"content_filter_results\":%s}],\"system_fingerprint\":\"fp_mock\",\"usage\":",
             filter_ok);
    usage_json(x, b);
    buf_adds(b, "}");
}

static void azure_chunk_end(const struct exchange *x, struct buf *b)
{
    buf_addf(b, ",\"created\":%lld,\"id\":", (long long)x->created);
    mock_json_str(b, x->id, (size_t)-1);
    buf_adds(b, ",\"model\":");
    mock_json_str(b, model_name(x), (size_t)-1);
    buf_adds(b, ",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_mock\"");
}

static void azure_open(struct exchange *x, struct buf *b)
{
    buf_addf(b, "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":%s}]}"
                "\n\n", filter_ok);
    buf_adds(b, "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\","
                "\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}]");
    azure_chunk_end(x, b);
    buf_adds(b, "}\n\n");
}

static void azure_piece(struct exchange *x, size_t i, struct buf *b)
{
    size_t n;
    const char *t = mock_piece_text(x, i, &n);
    buf_addf(b, "data: {\"choices\":[{\"content_filter_results\":%s,\"delta\":{\"%s\":",
             x->gen.pieces[i].reasoning ? "{}" : filter_ok,
             x->gen.pieces[i].reasoning ? x->model->reasoning_field : "content");
    mock_json_str(b, t, n);
    buf_adds(b, "},\"finish_reason\":null,\"index\":0,\"logprobs\":null}]");
    azure_chunk_end(x, b);
    buf_adds(b, "}\n\n");
}

static void azure_close(struct exchange *x, struct buf *b)
{
    buf_addf(b, "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{},"
                "\"finish_reason\":\"%s\",\"index\":0,\"logprobs\":null}]", finish_reason(x));
    azure_chunk_end(x, b);
    buf_adds(b, "}\n\n");
    if (x->ask.include_usage) {
        buf_adds(b, "data: {\"choices\":[]");
        azure_chunk_end(x, b);
        buf_adds(b, ",\"usage\":");
        usage_json(x, b);
        buf_adds(b, "}\n\n");
    }
    buf_adds(b, "data: [DONE]\n\n");
}

const struct mock_proto mock_proto_azure = {
    .name = "azure", .stream_ctype = "text/event-stream; charset=utf-8", .frame_end = "\n\n",
    .id_prefix = "chatcmpl-", .request_id_prefix = "", .reasoning = 1,
    .parse = parse_chat, .error = azure_error, .headers = azure_headers, .body = azure_body,
    .open = azure_open, .piece = azure_piece, .close = azure_close,
    .stream_error = openai_stream_error,
};
